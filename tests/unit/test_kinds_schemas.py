"""The model classes are built cheaply without changing what a document may say: their
modules do not postpone annotations, the wire types spelled out as core schemas
(kinds.base.Schema) are the ones pydantic would derive, and ork's alias generator gives
pydantic's camelCase keys."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import (
    BaseModel,
    BeforeValidator,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
)
from pydantic.alias_generators import to_camel

from ork.kinds import base, conditions, crd, katalog, komposer, motif, resources, simulate

MODULES = (base, conditions, crd, katalog, komposer, motif, resources, simulate)

DERIVED: dict[str, Any] = {
    "Str": StrictStr,
    "Int": StrictInt,
    "Bool": StrictBool,
    "Number": StrictInt | StrictFloat,
    "Scalar": StrictStr | StrictInt | StrictFloat | StrictBool | None,
    "IntOrTemplate": StrictInt | StrictStr,
    "BoolOrTemplate": StrictBool | StrictStr,
    "PassMapping": Annotated[dict[str, Any], BeforeValidator(base._mapping)],
    "PassList": Annotated[list[Any], BeforeValidator(base._sequence)],
    "PassScalar": Annotated[Any, BeforeValidator(base._not_none_scalar)],
    "PassAny": Annotated[Any, BeforeValidator(base._any)],
}


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_a_written_out_schema_is_the_one_pydantic_derives(name: str) -> None:
    written, derived = getattr(base, name), DERIVED[name]
    assert TypeAdapter(written).core_schema == TypeAdapter(derived).core_schema
    if name != "Scalar":  # null is a Scalar already
        assert TypeAdapter(written | None).core_schema == TypeAdapter(derived | None).core_schema


def _models() -> list[type[BaseModel]]:
    return [m for mod in MODULES for m in vars(mod).values()
            if isinstance(m, type) and issubclass(m, base.Model)]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_a_model_module_does_not_postpone_its_annotations(module: Any) -> None:
    # `from __future__ import annotations` binds this name; pydantic would then evaluate
    # every field's annotation from its text (kinds/__init__.py).
    assert "annotations" not in vars(module)


def test_every_wire_key_is_pydantics_camel_case() -> None:
    names = {n for m in _models() for n, f in m.model_fields.items()
             if f.alias_priority == 1}  # not `in_`, `or_`, `with_`: their alias is written
    assert len(names) > 100
    assert {n: base.camel(n) for n in names} == {n: to_camel(n) for n in names}


def test_a_written_out_type_keeps_its_errors() -> None:
    class M(base.Model):
        value: base.Scalar = None
        labels: base.PassMapping | None = None

    with pytest.raises(ValidationError) as info:
        M.model_validate({"value": [1], "labels": [1]})
    assert [(e["loc"], e["type"]) for e in info.value.errors()] == [
        (("value", "str"), "string_type"), (("value", "int"), "int_type"),
        (("value", "float"), "float_type"), (("value", "bool"), "bool_type"),
        (("labels",), "value_error"),
    ]
