"""Pydantic models of the wire format, one module per kind, and the document parser."""

from .base import API_VERSION
from .crd import CRDEntry, CRDPatch
from .katalog import Katalog
from .komposer import Komposer
from .motif import Motif
from .parse import Document, Parsed, parse_document
from .simulate import Simulate

__all__ = [
    "API_VERSION", "CRDEntry", "CRDPatch", "Document", "Katalog", "Komposer", "Motif",
    "Parsed", "Simulate", "parse_document",
]
