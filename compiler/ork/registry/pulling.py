"""``ork pull`` and ``ork inspect``: read an artifact by reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import refs
from ..errors import OrkError
from .resolve import Pulled, RegistrySources


def pull(ref_text: str, sources: RegistrySources, *, out: Path | None = None) -> Pulled:
    """Return the artifact a reference names, stored in the cache and written to ``out``.

    Raises:
        OrkError: SourceError / RegistryError; InputError output-write-failed.
    """
    from ..fsio import write_if_changed

    pulled = fetch_any(ref_text, sources)
    if out is not None:
        for name in sorted(pulled.files):  # names are checked safe by parse_manifest
            write_if_changed(out / name, pulled.files[name])
    return pulled


def fetch_any(ref_text: str, sources: RegistrySources) -> Pulled:
    """Return the artifact of a ref; a short name is looked up as a Katalog, then a Motif.

    Raises:
        OrkError: SourceError / RegistryError.
    """
    ref = refs.parse(ref_text)
    kinds = (False, True) if ref.kind == "short" else (False,)
    for motif in kinds:
        try:
            location, digest = sources.locate(ref, motif=motif)
            return sources.load(location, digest, label=ref_text)
        except OrkError as err:
            if err.code != "not-found" or motif == kinds[-1]:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def describe(pulled: Pulled) -> dict[str, Any]:
    """Return what ``ork inspect`` shows: digest, type, annotations, files."""
    m = pulled.manifest
    return {
        "ref": pulled.canonical,
        "digest": m.digest,
        "size": m.size,
        "artifactType": m.artifact_type,
        "annotations": dict(sorted(m.annotations.items())),
        "files": [{"name": layer.title, "mediaType": layer.media_type, "size": layer.size,
                   "digest": layer.digest} for layer in m.layers],
    }


def describe_text(info: dict[str, Any]) -> str:
    """Return the text form of :func:`describe`."""
    lines = [f"ref:          {info['ref']}", f"digest:       {info['digest']}",
             f"artifactType: {info['artifactType']}", "annotations:"]
    lines += [f"  {k}: {v}" for k, v in info["annotations"].items()]
    lines.append("files:")
    width = max((len(f["name"]) for f in info["files"]), default=0)
    lines += [f"  {f['name']:<{width}}  {f['size']:>7}  {f['digest']}  {f['mediaType']}"
              for f in info["files"]]
    return "\n".join(lines) + "\n"


def describe_json(info: dict[str, Any]) -> str:
    """Return the JSON form of :func:`describe`."""
    return json.dumps(info, indent=2, ensure_ascii=False) + "\n"
