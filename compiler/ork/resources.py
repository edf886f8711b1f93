"""Data files shipped with ork: the embedded registry (and the packs, when present).

Inside an installed wheel they live in ``ork/_data/`` (hatch's force-include puts them
there); in an editable checkout they are the repository's ``registry/`` and
``stdlib/packs/``. Nothing else in ork knows these paths.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # compiler/ork -> the repository


def embedded_registry() -> Path:
    """Return the directory of the embedded OCI layout (it may be missing in a broken install)."""
    return _first(_PACKAGE / "_data" / "registry", _CHECKOUT / "registry")


def packs_dir() -> Path:
    """Return the directory holding the ``ork init`` packs."""
    return _first(_PACKAGE / "_data" / "packs", _CHECKOUT / "stdlib" / "packs")


def _first(installed: Path, checkout: Path) -> Path:
    return installed if installed.is_dir() else checkout
