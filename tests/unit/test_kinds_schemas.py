"""The model classes are built cheaply without changing what a document may say: their
modules do not postpone annotations."""

from __future__ import annotations

from typing import Any

import pytest

from ork.kinds import base, conditions, crd, katalog, komposer, motif, resources, simulate

MODULES = (base, conditions, crd, katalog, komposer, motif, resources, simulate)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_a_model_module_does_not_postpone_its_annotations(module: Any) -> None:
    # `from __future__ import annotations` binds this name; pydantic would then evaluate
    # every field's annotation from its text (kinds/__init__.py).
    assert "annotations" not in vars(module)
