"""The model base class and the small value types every kind shares."""

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema
from pydantic_core import core_schema as cs

API_VERSION = "orkestra.orkspace.io/v1"


def camel(name: str) -> str:
    """Return the wire key of a field: ``api_version`` -> ``apiVersion``.

    Pydantic's ``to_camel`` gives the same keys (tests/unit/test_kinds_schemas.py) through
    two regular expressions per field: ≈ 450 fields cost every start-up ≈ 1 ms more.
    """
    head, *words = name.split("_")
    return head + "".join(word.capitalize() for word in words)


class Model(BaseModel):
    """Frozen, strict about unknown keys, camelCase on the wire."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=camel, populate_by_name=True,
        serialize_by_alias=True,
    )

    def wire(self) -> dict[str, Any]:
        """Return the model as plain data: only the fields that were set, camelCase keys."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _not_none_scalar(value: Any) -> Any:
    if isinstance(value, dict | list):
        raise ValueError("expected a scalar (string, number or boolean)")
    return value


def sort_keys(value: Any) -> Any:
    """Return a value with every mapping's keys sorted, recursively.

    Free-form mappings (pass-through blocks, ``data``, labels) are emitted sorted so that
    the key order of the source YAML, which is cosmetic, never reaches an artifact.
    """
    if isinstance(value, dict):
        return {k: sort_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [sort_keys(v) for v in value]
    return value


def _mapping(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping")
    return sort_keys(value)


def _sequence(value: Any) -> Any:
    if not isinstance(value, list | tuple):
        raise ValueError("expected a list")
    return sort_keys(value)


def _any(value: Any) -> Any:
    return sort_keys(value)


class Schema:
    """``Annotated`` metadata that hands pydantic a type's core schema, written out.

    Pydantic derives a field's schema from its annotation anew for every field of every
    model; for a strict union such as ``Scalar`` or a pass-through with its validator that
    costs twice the field itself. Written out once here, ork's model classes build ≈ 6 ms
    faster at every start-up. Each schema is exactly the one pydantic derives from the type
    it annotates (tests/unit/test_kinds_schemas.py), so nothing accepted or reported changes.
    """

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], CoreSchema]) -> None:
        self.build = build  # called per field: pydantic may amend the schema it is given

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler
                                     ) -> CoreSchema:
        return self.build()


def _strict(*types: str) -> Callable[[], CoreSchema]:
    def build() -> CoreSchema:
        choices: list[Any] = [{"type": t, "strict": True} for t in types]
        return choices[0] if len(choices) == 1 else cs.union_schema(choices)
    return build


def _passed(check: Callable[[Any], Any], inner: Callable[[], CoreSchema]
            ) -> Callable[[], CoreSchema]:
    return lambda: cs.no_info_before_validator_function(check, inner())


Str = Annotated[str, Schema(_strict("str"))]
Int = Annotated[int, Schema(_strict("int"))]
Bool = Annotated[bool, Schema(_strict("bool"))]
Number = Annotated[int | float, Schema(_strict("int", "float"))]
Scalar = Annotated[str | int | float | bool | None,
                   Schema(lambda: cs.nullable_schema(_strict("str", "int", "float", "bool")()))]
# A value that may be a literal or a template string rendered at run time.
IntOrTemplate = Annotated[int | str, Schema(_strict("int", "str"))]
BoolOrTemplate = Annotated[bool | str, Schema(_strict("bool", "str"))]

# Pass-through values: accepted, checked only for their overall shape, carried unchanged.
PassMapping = Annotated[dict[str, Any], Schema(_passed(
    _mapping, lambda: cs.dict_schema(cs.str_schema(), cs.any_schema())))]
PassList = Annotated[list[Any], Schema(_passed(_sequence, lambda: cs.list_schema(cs.any_schema())))]
PassScalar = Annotated[Any, Schema(_passed(_not_none_scalar, cs.any_schema))]
PassAny = Annotated[Any, Schema(_passed(_any, cs.any_schema))]

__all__ = [
    "API_VERSION", "Bool", "BoolOrTemplate", "Int", "IntOrTemplate", "Model", "Number",
    "PassAny", "PassList", "PassMapping", "PassScalar", "Scalar", "Str", "sort_keys",
]
