"""``RegistrySources``: the fetch stage's ``RemoteSources``, backed by registries and the store.

How one reference becomes an artifact:

1. a pin from ork.lock (ref as written → canonical id) is used as is: no registry is asked
   to resolve anything; under ``--locked`` an unpinned tag is ``lock-stale``;
2. otherwise a digest ref is taken as written, and a tag is resolved to a digest (for a
   network registry the answer is remembered in the store, so ``--offline`` can reuse it;
   ``ork lock`` never does: with ``fresh_tags`` an offline tag lookup is ``offline-miss``);
3. the manifest and every layer are read from the content-addressed store, else fetched
   and verified against their digests, then stored.

Warnings (``floating-tag``) are appended to :attr:`RegistrySources.warnings` (what
``ork inspect`` and ``ork pull`` print), and :meth:`RegistrySources.fetch` hands those of
each reference to the fetch stage on its :class:`RemoteArtifact`, which reports them. Under
``--offline`` a network registry is never contacted: each reference that is not in the
store raises ``offline-miss`` naming every missing digest, and the fetch stage combines
those into one error (exit 4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from ..canonical import digest as digest_of
from ..errors import Diagnostic, LockError, Note, OrkError, RegistryError, SourceError, Span
from ..refs import Reference, strip_userinfo
from ..stages.fetch import RemoteArtifact
from ..store import Store
from .artifact import Manifest, parse_manifest
from .locations import Location, for_reference, open_registry, parse_base, parse_resolved
from .protocol import Registry
from .settings import RegistrySettings

Opener = Callable[[Location, RegistrySettings], Registry]


@dataclass(frozen=True)
class Pulled:
    """An artifact read from the store or a registry: its manifest and its files."""

    location: Location
    manifest: Manifest
    files: dict[str, bytes]

    @property
    def canonical(self) -> str:
        """Return the canonical id: the location with the manifest digest."""
        return self.location.canonical(self.manifest.digest)


class RegistrySources:
    """Resolves and fetches remote references for the fetch stage (and push/pull)."""

    def __init__(self, settings: RegistrySettings, store: Store, *,
                 pins: Mapping[str, str] | None = None, locked: bool = False,
                 fresh_tags: bool = False, opener: Opener = open_registry) -> None:
        self.settings = settings
        self.store = store
        self.pins = dict(pins or {})
        self.locked = locked
        # `ork lock`: a tag means what the registry says now, never a remembered answer
        # (offline, a tag on a network registry is then an offline-miss)
        self.fresh_tags = fresh_tags
        self.warnings: list[Diagnostic] = []
        self._opener = opener
        self._registries: dict[Location, Registry] = {}
        self._pulled: dict[tuple[Location, str], Pulled] = {}  # a platform imports one
        # Motif from every CRD: it is read and verified once per build

    def fetch(self, ref: Reference, *, motif: bool, want_komposer: bool,
              span: Span) -> RemoteArtifact:
        """Return the artifact a reference names, its file of documents chosen by kind.

        Raises:
            OrkError: SourceError, RegistryError or LockError, located at ``span``.
        """
        seen = len(self.warnings)
        try:
            location, digest = self.locate(ref, motif=motif, span=span)
            pulled = self.load(location, digest, label=ref.raw)
            main = main_file(pulled, motif=motif, want_komposer=want_komposer, label=ref.raw)
        except OrkError as err:
            raise located(err, span) from None
        return RemoteArtifact(canonical=pulled.canonical, resolved=pulled.canonical,
                              digest=digest, files=pulled.files, main=main,
                              warnings=tuple(self.warnings[seen:]))

    def locate(self, ref: Reference, *, motif: bool, span: Span | None = None
               ) -> tuple[Location, str]:
        """Return where a reference lives and the digest of its manifest.

        Raises:
            OrkError: LockError lock-stale under ``locked``; SourceError, RegistryError.
        """
        if ref.digest is None and ref.tag in (None, "latest"):
            how = "has no tag, so it means `latest`" if ref.tag is None else "uses `latest`"
            self.warnings.append(Diagnostic(
                "floating-tag", f"{ref.raw!r} {how}, which can move", "warning", span,
                hint="name a version (e.g. `:v1.1.0`); ork.lock pins the digest meanwhile"))
        pin = self.pins.get(strip_userinfo(ref.raw))  # the lock never holds credentials
        if pin is not None:
            return parse_resolved(pin, self.settings)
        location = for_reference(ref, self.settings, motif=motif)
        if ref.digest is not None:
            return location, ref.digest
        if self.locked:
            raise LockError("lock-stale", f"{strip_userinfo(ref.raw)} is not pinned in the lock",
                            hint="run `ork lock` (or a build without --locked), review "
                                 "`ork lock diff`, and commit ork.lock")
        return location, self.resolve_tag(location, ref.tag or "latest")

    def resolve_tag(self, location: Location, tag: str) -> str:
        """Return the digest a tag points at now (offline: when it last pointed at).

        Raises:
            OrkError: SourceError not-found; RegistryError unreachable or offline-miss.
        """
        registry = self.registry(location)
        key = digest_of({"ref": location.display(":" + tag)})
        if not registry.network:
            return registry.resolve(location.repository, tag)
        if self.settings.offline:
            known = None if self.fresh_tags else self.store.get_key("tags", key)
            if known is None and self.fresh_tags:
                raise RegistryError(
                    "offline-miss", f"offline: {location.display(':' + tag)} needs its tag "
                    f"resolved, and {registry.name} cannot be asked",
                    notes=[Note(f"missing tag: {location.display(':' + tag)}"),
                           Note("`ork lock` (and --check, --update) asks what every tag "
                                "means now, never what it meant last time")],
                    hint="run it online; offline, `ork generate bundle --locked --offline` "
                         "builds from the pins of ork.lock")
            if known is None:
                raise RegistryError(
                    "offline-miss", f"--offline: {location.display(':' + tag)} was never "
                    "resolved on this machine", notes=[Note(f"missing tag: "
                                                            f"{location.display(':' + tag)}")],
                    hint="build once online, pin it with `ork lock`, or use `ork vendor`")
            return known
        found = registry.resolve(location.repository, tag)
        self.store.set_key("tags", key, found)
        return found

    def load(self, location: Location, digest: str, *, label: str) -> Pulled:
        """Return the artifact ``digest`` at ``location``, from the store when possible.

        Raises:
            OrkError: SourceError not-found, digest-mismatch, invalid-artifact,
                unsafe-layer-title; RegistryError unreachable or offline-miss.
        """
        if (location, digest) in self._pulled:
            return self._pulled[location, digest]
        data = self.blob(location, digest, label=label, keep=False, manifest=True)
        manifest = parse_manifest(data, digest, label)
        files: dict[str, bytes] = {}
        missing = []
        for layer in manifest.layers:
            try:
                files[layer.title] = self.blob(location, layer.digest, label=label)
            except RegistryError as err:
                if err.code != "offline-miss":
                    raise
                missing.append(layer.digest)
        if missing:
            raise _offline(label, missing)
        self.store.put(data)  # last: a stored manifest means its layers were stored too
        pulled = self._pulled[location, digest] = Pulled(location, manifest, files)
        return pulled

    def blob(self, location: Location, digest: str, *, label: str, keep: bool = True,
             manifest: bool = False) -> bytes:
        """Return a verified blob (or manifest): from the store, a mirror layout, or the registry.

        Raises:
            OrkError: SourceError not-found, digest-mismatch; RegistryError unreachable
                or offline-miss.
        """
        data = self.store.get(digest)
        if data is not None:
            return data
        registry = self.registry(location)
        if registry.network:
            for mirror in self.mirrors():
                try:
                    data = mirror.blob(location.repository, digest)
                    break
                except SourceError:
                    continue
        if data is None:
            if registry.network and self.settings.offline:
                raise _offline(label, [digest])
            data = registry.manifest(location.repository, digest)[0] if manifest else \
                registry.blob(location.repository, digest)
        if keep:
            self.store.put(data)
        return data

    def mirrors(self) -> list[Registry]:
        """Return the layouts named by ORK_REGISTRY / ORK_MOTIFS_REGISTRY.

        Their blobs are content-addressed, so any digest found there is the right content
        whatever registry the reference names: this is what lets a vendored directory
        stand in for the network (``ork vendor``).
        """
        out = []
        for value in (self.settings.katalogs, self.settings.motifs):
            if value and value.startswith("oci-layout://"):
                base = parse_base(value, variable="ORK_REGISTRY", cwd=self.settings.cwd)
                out.append(self.registry(Location("layout", base.where, "", base.path)))
        return out

    def registry(self, location: Location) -> Registry:
        """Return the (cached) registry a location lives in."""
        key = replace(location, repository="")
        if key not in self._registries:
            self._registries[key] = self._opener(location, self.settings)
        return self._registries[key]


def main_file(pulled: Pulled, *, motif: bool, want_komposer: bool, label: str) -> str:
    """Return the file holding the documents an importer wants.

    Raises:
        SourceError: invalid-artifact when the artifact lacks it.
    """
    want = "komposer.yaml" if want_komposer else "motif.yaml" if motif else "katalog.yaml"
    if want in pulled.files:
        return want
    holds = ", ".join(sorted(pulled.files)) or "no files"
    hint = f"it holds {holds}"
    if "motif.yaml" in pulled.files and not motif:
        hint += "; a Motif is imported from a CRD's `imports:` list"
    elif "katalog.yaml" in pulled.files and motif:
        hint += "; a Katalog is imported from a Komposer's `imports.registry`"
    raise SourceError("invalid-artifact", f"{label} has no {want}", hint=hint)


def located(err: OrkError, span: Span | None) -> OrkError:
    """Return the error with ``span`` on every diagnostic that has none."""
    if span is None:
        return err
    diags = [d if d.span or d.loc else replace(d, span=span) for d in err.diagnostics]
    return type(err).of(diags)


def _offline(label: str, digests: list[str]) -> RegistryError:
    return RegistryError(
        "offline-miss", f"--offline: {label} is not in the cache ({len(digests)} missing "
        f"{'blob' if len(digests) == 1 else 'blobs'})",
        notes=[Note(f"missing: {d}") for d in digests],
        hint="build once online, or vendor the sources with `ork vendor` and build with "
             "ORK_REGISTRY=oci-layout://DIR")
