"""Start-up: read a bundle once, verify its digests, and freeze the Katalog it carries.

A bundle is a ``bundle.yaml`` stream, a bare ``orkestra-katalog`` ConfigMap (or a kubectl
``List`` holding it), or a directory with the ConfigMap's keys mounted as files. A mounted
directory carries no annotations: its digests may sit beside the keys as files named
``katalog-digest`` and ``lock-digest``. A bundle whose katalog-digest is not recorded at all
is refused (``bundle-unverified``): stripping the annotation must not be a way past the
check that editing the Katalog fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import canonical, fsio, lockfile, yamlsrc
from ..errors import Loc, Note, OrkError, RuntimeError_
from ..kinds import Katalog, parse_document

# The three names of bundle-and-lock.md (duplicated from ork.stages.render on purpose: the
# runtime must not import a compiler stage).
KATALOG_DIGEST = "orkestra.orkspace.io/katalog-digest"
LOCK_DIGEST = "orkestra.orkspace.io/lock-digest"
CONFIGMAP = "orkestra-katalog"


@dataclass(frozen=True)
class Bundle:
    """What the runtime runs on: the frozen Katalog, its digests and provenance."""

    katalog: Katalog
    katalog_yaml: str
    katalog_digest: str
    lock_digest: str | None
    provenance_json: str
    namespace: str
    source: str

    def provenance(self) -> dict[str, Any]:
        """Return a fresh copy of ``provenance.yaml`` as plain data."""
        value = json.loads(self.provenance_json)
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class _Raw:
    katalog_yaml: str
    provenance_yaml: str
    katalog_digest: str | None
    lock_digest: str | None
    namespace: str


def load(path: Path, *, lock: Path | None = None) -> Bundle:
    """Return the verified bundle at ``path`` (a file or a mounted directory).

    Raises:
        RuntimeError_: invalid-bundle, bundle-tampered or bundle-lock-mismatch.
        InputError: the bundle or the lock cannot be read as YAML, or is over 8 MiB
            (file-too-large).
    """
    name = path.name or str(path)
    try:
        raw = _from_directory(path) if path.is_dir() else _from_stream(_read(path, "--bundle"),
                                                                       name)
        lock_bytes = _read(lock, "--lock") if lock is not None else None
    except OSError as exc:
        raise RuntimeError_("invalid-bundle", f"cannot read {_shown(exc.filename)}: "
                            f"{exc.strerror}",
                            hint="check the path given to --bundle / --lock") from exc
    return _verified(raw, name, lock_bytes, lock.name if lock else "ork.lock")


def _read(path: Path, option: str) -> bytes:
    """Return the bytes of a file or a pipe, never more than yamlsrc's limit.

    Raises:
        OSError: it cannot be read.
        InputError: file-too-large; file-not-found for a device, never opened.
    """
    return fsio.read_bounded(path, _shown(path), limit=yamlsrc.DEFAULT_MAX_FILE_SIZE,
                             hint=f"check the path given to {option}",
                             special_hint=f"check the path given to {option}: " + (
                                 "a bundle is a file, a pipe, or a directory of the "
                                 "ConfigMap's keys" if option == "--bundle"
                                 else "a lockfile is a file or a pipe, not a device"))


def from_bytes(data: bytes, name: str, *, lock: bytes | None = None) -> Bundle:
    """Return the verified bundle in some bytes (a stream or a ConfigMap).

    Raises:
        RuntimeError_: invalid-bundle, bundle-tampered or bundle-lock-mismatch.
        InputError: the bundle or the lock cannot be read as YAML.
    """
    return _verified(_from_stream(data, name), name, lock, "ork.lock")


def _from_stream(data: bytes, name: str) -> _Raw:
    if not data.strip():  # say so: a pipe whose writer failed reads as empty
        raise RuntimeError_("invalid-bundle", f"{name} is empty: it holds no {CONFIGMAP} "
                            "ConfigMap",
                            hint="pass the bundle.yaml written by `ork generate bundle`; "
                                 "when it comes from a command, check that it succeeded")
    for doc in yamlsrc.load(data, name):
        value = doc.value
        if isinstance(value, dict) and value.get("kind") == "List":
            items = value.get("items")
            value = next((i for i in items if _is_katalog_cm(i)), None) \
                if isinstance(items, list) else None
        if _is_katalog_cm(value):
            meta = value.get("metadata") or {}
            notes = meta.get("annotations") or {}
            if not isinstance(notes, dict):
                raise RuntimeError_("invalid-bundle", f"{name}: the {CONFIGMAP} ConfigMap's "
                                    "annotations are not a mapping",
                                    hint="pass the bundle.yaml written by `ork generate bundle`")
            data_ = value["data"]
            return _Raw(str(data_["katalog.yaml"]), str(data_.get("provenance.yaml") or "{}\n"),
                        _opt(notes.get(KATALOG_DIGEST)), _opt(notes.get(LOCK_DIGEST)),
                        str(meta.get("namespace") or "orkestra-system"))
    raise RuntimeError_("invalid-bundle", f"{name} holds no {CONFIGMAP} ConfigMap with a "
                        "katalog.yaml key",
                        hint="pass the bundle.yaml written by `ork generate bundle`")


def _is_katalog_cm(value: Any) -> bool:
    meta = value.get("metadata") or {} if isinstance(value, dict) else None
    return (isinstance(value, dict) and value.get("kind") == "ConfigMap"
            and isinstance(meta, dict) and meta.get("name", CONFIGMAP) == CONFIGMAP
            and isinstance(value.get("data"), dict) and "katalog.yaml" in value["data"])


def _from_directory(path: Path) -> _Raw:
    katalog = path / "katalog.yaml"
    if not katalog.is_file():
        raise RuntimeError_("invalid-bundle", f"{path.name}/ has no katalog.yaml",
                            hint="mount the orkestra-katalog ConfigMap's keys as files")
    provenance = path / "provenance.yaml"

    def text(p: Path) -> str | None:
        return yamlsrc.decode(_read(p, "--bundle"), p.name) if p.is_file() else None

    return _Raw(text(katalog) or "", text(provenance) or "{}\n",
                _opt(text(path / "katalog-digest")), _opt(text(path / "lock-digest")), "")


def _opt(value: Any) -> str | None:
    return str(value).strip() if value is not None and str(value).strip() else None


def _verified(raw: _Raw, name: str, lock: bytes | None, lock_name: str) -> Bundle:
    actual = canonical.sha256(raw.katalog_yaml.encode("utf-8"))
    if raw.katalog_digest is None:
        raise RuntimeError_(
            "bundle-unverified", f"{name} records no katalog-digest, so its katalog.yaml "
            "cannot be verified", hint="run a bundle written by `ork generate bundle`; for a "
            "mounted directory, mount the ConfigMap's katalog-digest annotation as a file "
            "named katalog-digest beside katalog.yaml")
    if raw.katalog_digest != actual:
        raise RuntimeError_(
            "bundle-tampered", f"{name}: katalog.yaml does not match its katalog-digest "
            "annotation; it was edited after ork generated it",
            hint="regenerate the bundle with `ork generate bundle` instead of editing it",
            notes=_digests(raw.katalog_digest, actual))
    lock_digest = _check_lock(raw, name, lock, lock_name)
    katalog = _parse_katalog(raw.katalog_yaml, name)
    provenance = _provenance(raw.provenance_yaml, name)
    return Bundle(katalog, raw.katalog_yaml, actual, lock_digest, provenance, raw.namespace,
                  name)


def _check_lock(raw: _Raw, name: str, lock: bytes | None, lock_name: str) -> str | None:
    if lock is None:
        return raw.lock_digest
    actual = lockfile.loads(lock, lock_name).digest()
    if raw.lock_digest != actual:
        recorded = raw.lock_digest or "nothing"
        raise RuntimeError_(
            "bundle-lock-mismatch", f"{lock_name} does not match the lock {name} was built "
            "from", hint="deploy the bundle built from this lock, or pass the lock it was "
            "built with", notes=_digests(recorded, actual))
    return actual


def _digests(recorded: str, actual: str) -> list[Note]:
    return [Note(f"recorded: {recorded}"), Note(f"actual:   {actual}")]


def _parse_katalog(text: str, name: str) -> Katalog:
    where = f"{name}#katalog.yaml"
    try:
        docs = yamlsrc.load(text.encode("utf-8"), where)
        if len(docs) != 1:
            raise RuntimeError_("invalid-bundle", f"{where} holds {len(docs)} documents, not 1",
                                hint="katalog.yaml holds the one resolved Katalog that "
                                     "`ork generate bundle` wrote")
        model = parse_document(docs[0].value, Loc(where, 0)).model
    except OrkError as exc:
        if exc.code == "invalid-bundle":
            raise
        raise RuntimeError_("invalid-bundle", f"{where} is not a valid Katalog: "
                            f"{exc.diagnostics[0].message}",
                            hint="was it written by this version of ork?") from exc
    if not isinstance(model, Katalog):
        raise RuntimeError_("invalid-bundle", f"{where} holds a {type(model).__name__}, "
                            "not a Katalog", hint="compile the sources into a bundle with "
                                                  "`ork generate bundle` and run that")
    return model


def _provenance(text: str, name: str) -> str:
    docs = yamlsrc.load(text.encode("utf-8"), f"{name}#provenance.yaml")
    value = docs[0].value if docs else {}
    value = value if isinstance(value, dict) else {}
    if not isinstance(value.get("crds") or {}, dict):
        raise RuntimeError_("invalid-bundle", f"{name}#provenance.yaml: `crds` is not a "
                            "mapping of CRD names", hint="pass the bundle.yaml written by "
                            "`ork generate bundle`; provenance.yaml is not edited by hand")
    return canonical.dumps(value).decode("utf-8")


def _shown(filename: object) -> str:
    """Return a path as the user most likely wrote it: relative to the working directory
    when it lies below it."""
    try:
        return str(Path(str(filename)).relative_to(Path.cwd()))
    except ValueError:
        return str(filename)
