"""``ork pull`` and ``ork inspect``: read an artifact by reference."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from .. import refs
from ..errors import Note, OrkError
from .locations import Location, for_reference
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
    missed: list[tuple[OrkError, Location]] = []
    for motif in kinds:
        location = for_reference(ref, sources.settings, motif=motif)
        try:
            found, digest = sources.locate(ref, motif=motif)
            return sources.load(found, digest, label=ref_text)
        except OrkError as err:
            if err.code != "not-found":
                raise
            missed.append((err, location))
    raise _not_found(missed, sources)


def _not_found(missed: list[tuple[OrkError, Location]], sources: RegistrySources) -> OrkError:
    """Return the error of a short name found as neither a Katalog nor a Motif.

    The Katalog lookup (tried first) leads, with the Motif lookup as notes; the Motif one
    leads only when a local registry has its repository and not the Katalog's.
    """
    if len(missed) == 1:
        return missed[0][0]
    first, second = missed
    if not _has_repository(second[1], sources) or _has_repository(first[1], sources):
        lead, other, kind = first[0], second[0], "Motif"
    else:
        lead, other, kind = second[0], first[0], "Katalog"
    diag = lead.diagnostics[0]
    notes = [Note(f"as a {kind}: {d.message}" + (f" ({d.hint})" if d.hint else ""))
             for d in other.diagnostics]
    return type(lead).of([replace(diag, notes=(*diag.notes, *notes)),
                          *lead.diagnostics[1:]])


def _has_repository(location: Location, sources: RegistrySources) -> bool:
    """Return whether a local registry (embedded, layout) has tags in the repository."""
    try:
        registry = sources.registry(location)
        return not registry.network and bool(registry.tags(location.repository))
    except OrkError:
        return False


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
