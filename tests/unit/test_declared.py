"""What fetch keeps per file (ork.fetching.declared): the imports a file declares."""

from __future__ import annotations

import pytest

from ork import yamlsrc
from ork.fetching.declared import Declared, Import, declared

KOMPOSER = b"""\
apiVersion: orkestra.orkspace.io/v1
kind: Komposer
metadata: {name: platform, version: 1.2.0}
imports:
  registry:
    - ork.dev/katalogs/a:v1
    - {url: ork.dev/katalogs/b, version: v2}
    - {url: ork.dev/komposers/c:v3, useKomposer: true}
    - 7
  files: [./katalogs/k.yaml, 3]
spec:
  crds:
    app:
      imports:
        - {motif: sidecar}            # a bare name: overrides the bindings, never fetched
        - {motif: ./motifs/m.yaml}
      operatorBox:
        reconciler:
          imports: [{motif: "ork.dev/motifs/n:v1"}]
"""


def _declared(text: bytes) -> Declared:
    return declared(yamlsrc.load(text, "komposer.yaml"))


def test_a_komposer_declares_registry_file_and_motif_imports_in_order() -> None:
    found = _declared(KOMPOSER)
    assert (found.kinds, found.name, found.version) == (("Komposer",), "platform", "1.2.0")
    assert [(i.role, i.raw, i.index, i.kind, i.crd, i.file) for i in found.imports] == [
        ("registry", "ork.dev/katalogs/a:v1", 0, "Katalog", None, False),
        ("registry", "ork.dev/katalogs/b:v2", 1, "Katalog", None, False),
        ("registry", "ork.dev/komposers/c:v3", 2, "Komposer", None, False),
        ("file", "./katalogs/k.yaml", 0, "Katalog", None, True),
        ("motif", "./motifs/m.yaml", 1, "Motif", "app", True),
        ("motif", "ork.dev/motifs/n:v1", 0, "Motif", "app", False),
    ]
    assert str(found.imports[3].span_in("komposer.yaml")) == "komposer.yaml:10:11"


def test_a_summary_survives_the_memo() -> None:
    found = _declared(KOMPOSER)
    assert Declared.from_json(found.to_json()) == found


@pytest.mark.parametrize("damaged", [
    {}, {"kinds": [1], "name": "", "version": "", "imports": []},
    {"kinds": [], "name": "", "version": "", "imports": [[0, "file"]]},
    {"kinds": [], "name": "", "version": "", "imports": 5},
])
def test_a_damaged_summary_is_refused(damaged: dict[str, object]) -> None:
    with pytest.raises((ValueError, TypeError, KeyError)):
        Declared.from_json(damaged)


def test_an_import_without_a_span_points_at_the_top_of_its_file() -> None:
    imp = Import(0, "file", "./k.yaml", None, 0, "Katalog", file=True)
    assert str(imp.span_in("komposer.yaml")) == "komposer.yaml:1:1"
