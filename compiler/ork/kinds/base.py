"""The model base class and the small value types every kind shares."""

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictBool, StrictFloat, StrictInt
from pydantic import StrictStr as Str
from pydantic.alias_generators import to_camel

API_VERSION = "orkestra.orkspace.io/v1"


class Model(BaseModel):
    """Frozen, strict about unknown keys, camelCase on the wire."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True,
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


Int = StrictInt
Bool = StrictBool
Number = StrictInt | StrictFloat
Scalar = Str | StrictInt | StrictFloat | StrictBool | None
# A value that may be a literal or a template string rendered at run time.
IntOrTemplate = StrictInt | Str
BoolOrTemplate = StrictBool | Str

# Pass-through values: accepted, checked only for their overall shape, carried unchanged.
PassMapping = Annotated[dict[str, Any], BeforeValidator(_mapping)]
PassList = Annotated[list[Any], BeforeValidator(_sequence)]
PassScalar = Annotated[Any, BeforeValidator(_not_none_scalar)]
PassAny = Annotated[Any, BeforeValidator(_any)]

__all__ = [
    "API_VERSION", "Bool", "BoolOrTemplate", "Int", "IntOrTemplate", "Model", "Number",
    "PassAny", "PassList", "PassMapping", "PassScalar", "Scalar", "Str", "sort_keys",
]
