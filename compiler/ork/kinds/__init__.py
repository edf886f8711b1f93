"""Pydantic models of the wire format, one module per kind, and the document parser.

The model modules do not postpone their annotations: pydantic would evaluate each field's
annotation text again, ≈ 3 ms of every start-up (tests/unit/test_kinds_schemas.py).
"""

from typing import TYPE_CHECKING, Any

from .base import API_VERSION
from .crd import CRDEntry, CRDPatch
from .katalog import Katalog
from .komposer import Komposer
from .motif import Motif
from .parse import Document, Parsed, parse_document

if TYPE_CHECKING:
    from .simulate import Simulate

__all__ = [
    "API_VERSION", "CRDEntry", "CRDPatch", "Document", "Katalog", "Komposer", "Motif",
    "Parsed", "Simulate", "parse_document",
]


def __getattr__(name: str) -> Any:
    # Simulate is loaded on first use (see parse.model_class): builds never need it.
    if name == "Simulate":
        from .simulate import Simulate

        return Simulate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
