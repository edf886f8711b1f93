"""``ork simulate`` prints the same bytes for the same inputs, even when templates call
``now``, ``uuidv4`` or ``randAlphaNum`` — while ``ork run`` keeps real time and randomness."""

from __future__ import annotations

from pathlib import Path

from ork import templates
from ork.templates.k8s import reproducible
from tests.conftest import Ork

KATALOG = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: tokens, version: v1}
spec:
  crds:
    vault:
      apiTypes: {group: demo.ork, version: v1, kind: Vault}
      operatorBox:
        reconcile:
          onCreate:
            secrets:
              - name: "{{ .metadata.name }}-token"
                once: true
                stringData:
                  token: "{{ randAlphaNum 24 }}"
                  id: "{{ uuidv4 }}"
                  at: "{{ now }}"
"""
CRS = "".join(f"---\napiVersion: demo.ork/v1\nkind: Vault\nmetadata: {{name: v{i}, "
              "namespace: ns}\n" for i in range(3))


def test_simulate_prints_the_same_bytes_twice(ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "katalog.yaml").write_text(KATALOG)
    (tmp_path / "crs.yaml").write_text(CRS)
    assert ork("generate", "bundle", "-f", "katalog.yaml", cwd=tmp_path).code == 0
    runs = [ork("simulate", "--bundle", "bundle.yaml", "--cr", "crs.yaml", "--cycles", "2",
                "--output", "yaml", cwd=tmp_path) for _ in range(2)]
    assert runs[0].code == 0, runs[0]
    assert runs[0].stdout == runs[1].stdout
    tokens = [line for line in runs[0].stdout.splitlines() if "token: " in line]
    assert len(tokens) == 3
    assert len(set(tokens)) == 3  # reproducible, still one value per secret
    assert runs[0].stdout.count('at: "1970-01-01T00:00:00Z"') == 3


def test_the_order_of_the_cr_files_changes_no_byte(ork: Ork, tmp_path: Path) -> None:
    """uids derive from the change number; the CRs are created in canonical order, so the
    same set of CRs given in another order prints the same objects, uids included."""
    (tmp_path / "katalog.yaml").write_text(KATALOG)
    assert ork("generate", "bundle", "-f", "katalog.yaml", cwd=tmp_path).code == 0
    for name, namespace in (("b", "ns"), ("a", "other"), ("c", "ns")):
        (tmp_path / f"{name}.yaml").write_text(
            f"apiVersion: demo.ork/v1\nkind: Vault\nmetadata: {{name: {name}, "
            f"namespace: {namespace}}}\n")
    for output in ("yaml", "json", "text"):
        runs = []
        for order in (("a", "b", "c"), ("c", "b", "a"), ("b", "a", "c")):
            crs = [arg for name in order for arg in ("--cr", f"{name}.yaml")]
            runs.append(ork("simulate", "--bundle", "bundle.yaml", *crs, "--cycles", "2",
                            "--output", output, cwd=tmp_path))
        assert runs[0].code == 0, runs[0]
        assert runs[0].stdout == runs[1].stdout == runs[2].stdout, output
        if output != "text":
            assert runs[0].stdout.count("uid") >= 6  # 3 CRs, and their secrets' owners


def test_outside_simulate_time_and_randomness_are_real() -> None:
    a = templates.render("{{ randAlphaNum 24 }}", {})
    b = templates.render("{{ randAlphaNum 24 }}", {})
    assert a != b
    assert templates.render("{{ now }}", {}) != "1970-01-01T00:00:00Z"
    with reproducible(seed=7):
        first = templates.render("{{ uuidv4 }} {{ randAlphaNum 8 }}", {})
    with reproducible(seed=7):
        assert templates.render("{{ uuidv4 }} {{ randAlphaNum 8 }}", {}) == first
