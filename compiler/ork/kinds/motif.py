"""The Motif kind: a reusable resource pattern with typed inputs."""

from typing import Literal

from .base import Bool, Model, Scalar, Str
from .conditions import Admission, StatusBlock
from .katalog import Metadata
from .resources import MotifResources

INPUT_TYPES: tuple[str, ...] = ("string", "integer", "number", "boolean")


class MotifInput(Model):
    """A declared input: required, or with a default (possibly "")."""

    name: Str
    required: Bool | None = None
    default: Scalar = None
    type: Str | None = None
    description: Str | None = None


class Motif(Model):
    """``kind: Motif``."""

    api_version: Str
    kind: Literal["Motif"]
    metadata: Metadata
    inputs: tuple[MotifInput, ...] = ()
    resources: MotifResources | None = None
    status: StatusBlock | None = None
    admission: Admission | None = None
