"""One reconcile of one CR: admission, deletion, render, apply, prune, status.

The same code runs under ``ork simulate`` (memory backend), ``ork run`` (local store) and
``ork run --backend kube``. A failure is returned as an outcome, recorded as an event and a
``Reconciled=False`` status condition, and never raised: the controller retries it with
backoff while the other CRs carry on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import OrkError, RuntimeError_, TemplateError
from . import admission, status
from . import render as tpl
from .cluster import Cluster, Event
from .config import CrdConfig
from .desired import Desired, render_phase
from .objects import GK, OWNER, OWNER_UID, PHASE, Key, Obj, is_subset, owner_label
from .profiles import Profiles
from .translate import Owner

_REASONS = {"invalid-rendered-value": "InvalidRenderedValue", "invalid-object": "InvalidObject"}


@dataclass(frozen=True)
class Outcome:
    """What a reconcile did: success, error, denied, deleted, gone or ignored."""

    result: str
    message: str = ""
    code: str = ""


class Reconciler:
    """Reconciles the CRs of one CRD against a cluster."""

    def __init__(self, cluster: Cluster, crd: CrdConfig, profiles: Profiles) -> None:
        self.cluster = cluster
        self.crd = crd
        self.profiles = profiles
        self._katalog = dict(crd.katalog)

    def reconcile(self, key: Key) -> Outcome:
        """Bring the children and status of the CR at ``key`` to what the Katalog declares."""
        cr = self.cluster.get(key)
        if cr is None:
            return Outcome("gone")
        if not self.crd.in_scope(key.namespace):
            return Outcome("ignored")
        if cr["metadata"].get("deletionTimestamp"):
            return self._finalize(cr)
        cr = self._ensure_finalizers(cr)
        if cr is None:
            return Outcome("gone")
        try:
            return self._reconcile(cr)
        except OrkError as exc:
            return self._fail(cr, exc)

    def _reconcile(self, cr: Obj) -> Outcome:
        owner = self._owner(cr)
        ctx = tpl.context(cr, self._children(cr), self._katalog)
        verdict = admission.check(self.crd.entry.admission, ctx)
        for message in verdict.warnings:
            self._event(cr, "Warning", "AdmissionWarning", message)
        if verdict.denied:
            message = "; ".join(verdict.denied)
            self._event(cr, "Warning", "Denied", message)
            self._write_status(cr, status.denied(cr.get("status") or {}, message,
                                                 int(cr["metadata"].get("generation") or 1)))
            return Outcome("denied", message)
        desired: list[Desired] = []
        if not (cr.get("status") or {}).get("observedCreate"):
            desired += render_phase(self.crd.phase("onCreate"), "onCreate", ctx, owner,
                                    self.profiles)
        desired += render_phase(self.crd.phase("onReconcile"), "onReconcile", ctx, owner,
                                self.profiles)
        self._apply(desired)
        self._prune(cr, desired)
        children = self._ordered(self._children(cr, desired), desired)
        ctx = tpl.context(cr, children, self._katalog)
        emit = self.crd.entry.operator_box.emit if self.crd.entry.operator_box else None
        fields = emit.status.fields if emit and emit.status else ()
        generation = int(cr["metadata"].get("generation") or 1)
        self._write_status(cr, status.reconciled(generation, fields, ctx))
        return Outcome("success")

    def _apply(self, desired: list[Desired]) -> None:
        """Create what is missing; patch drift of ``reconcile: true`` items (not once-secrets)."""
        for d in desired:
            live = self.cluster.get(d.key)
            if live is None:
                self.cluster.create(d.obj)
            elif d.reconcile and not d.once and not is_subset(d.obj, live):
                self.cluster.patch(d.obj)

    def _prune(self, cr: Obj, desired: list[Desired]) -> None:
        """Delete onReconcile children the CR no longer declares (a ``when`` turned false)."""
        declared = {d.key for d in desired}
        for child in self._children(cr, desired):
            annotations = child["metadata"].get("annotations") or {}
            key = Key.of(child)
            if annotations.get(PHASE) == "onReconcile" and key not in declared:
                self.cluster.delete(key)

    def _finalize(self, cr: Obj) -> Outcome:
        """Run onDelete, delete the children, then remove the runtime's finalizers."""
        finalizers = list(cr["metadata"].get("finalizers") or [])
        if not any(f in self.crd.finalizers for f in finalizers):
            return Outcome("deleted")
        try:
            children = self._children(cr)
            ctx = tpl.context(cr, children, self._katalog)
            owner = self._owner(cr)
            for d in render_phase(self.crd.phase("onDelete"), "onDelete", ctx, owner,
                                  self.profiles):
                self._on_delete(d, owner.uid)
            for child in children:
                if (child["metadata"].get("annotations") or {}).get(PHASE) != "onDelete":
                    self.cluster.delete(Key.of(child))
        except OrkError as exc:
            return self._fail(cr, exc)
        self.cluster.set_finalizers(Key.of(cr), [f for f in finalizers
                                                 if f not in self.crd.finalizers])
        return Outcome("deleted")

    def _on_delete(self, d: Desired, uid: str) -> None:
        """Create one onDelete object for the CR instance ``uid``, once.

        The object outlives its CR, so it may be there already: made for this very CR (a
        retry, a restart) it is left alone; an onDelete object left by an earlier CR of the
        same name (another uid) is deleted and created anew, so that a Job runs again.
        Another object of that name, not an onDelete one, is left as it is.
        """
        live = self.cluster.get(d.key)
        if live is not None:
            annotations = live["metadata"].get("annotations") or {}
            if annotations.get(PHASE) != "onDelete" or annotations.get(OWNER_UID) == (
                    uid or None):
                return
            self.cluster.delete(d.key)
            if self.cluster.get(d.key) is not None:
                raise RuntimeError_(
                    "object-exists", f"{d.key}, left by an earlier {self.crd.gk.kind} of the "
                    "same name, is still being deleted; this one's onDelete creates it anew",
                    hint="the reconcile is retried, and runs onDelete once the old object "
                         "is gone (its finalizers removed)")
        self.cluster.create(d.obj)

    def _ensure_finalizers(self, cr: Obj) -> Obj | None:
        have = list(cr["metadata"].get("finalizers") or [])
        missing = [f for f in self.crd.finalizers if f not in have]
        if not missing:
            return cr
        return self.cluster.set_finalizers(Key.of(cr), have + missing)

    def _fail(self, cr: Obj, exc: OrkError) -> Outcome:
        reason = _REASONS.get(exc.code) or (
            "TemplateError" if isinstance(exc, TemplateError) else "ReconcileFailed")
        self._event(cr, "Warning", reason, exc.message)
        # The CR may have gone away meanwhile; the failure is still counted and logged.
        with contextlib.suppress(OrkError):
            self._write_status(cr, status.failed(cr.get("status") or {}, reason, exc.message))
        return Outcome("error", exc.message, exc.code)

    def _write_status(self, cr: Obj, new: dict[str, object]) -> None:
        if new != (cr.get("status") or {}):
            self.cluster.update_status(Key.of(cr), new)

    def _event(self, cr: Obj, type_: str, reason: str, message: str) -> None:
        meta = cr["metadata"]
        self.cluster.record_event(Event(Key.of(cr), type_, reason, message,
                                        str(cr.get("apiVersion", "")), str(meta.get("uid", ""))))

    def _owner(self, cr: Obj) -> Owner:
        meta = cr["metadata"]
        namespace = meta.get("namespace") or self._katalog.get("namespace") or "default"
        return Owner(self.crd.name, str(cr.get("apiVersion", self.crd.api_version)),
                     str(cr.get("kind", self.crd.gk.kind)), str(meta["name"]), str(namespace),
                     str(meta.get("uid", "")))

    def _children(self, cr: Obj, desired: Sequence[Desired] = ()) -> list[Obj]:
        """Return the objects labelled as this CR's, of every kind it may own, wherever
        they are: a custom item may be cluster-scoped (a Namespace, a ClusterRole) or name
        another namespace, and the owner label (the CR's CRD, namespace and name) is what
        finds them to prune and to delete. An ``onDelete`` object left by an earlier CR of
        the same name (another uid) carries the label too, but is not this CR's: it is not
        in its template context or status, and only its own deletion replaces it."""
        owner = self._owner(cr)
        selector = {OWNER: owner_label(self.crd.name, owner.namespace, owner.name)}
        kinds: dict[GK, None] = dict.fromkeys(self.crd.child_gks)
        kinds.update(dict.fromkeys(d.key.gk for d in desired))
        out: list[Obj] = []
        for gk in kinds:
            out += [o for o in self.cluster.list(gk, None, selector)
                    if not _left_by_predecessor(o, owner.uid)]
        return out

    @staticmethod
    def _ordered(children: list[Obj], desired: list[Desired]) -> list[Obj]:
        """Return children in declaration order, then the others (earlier phases) by key."""
        index = {d.key: i for i, d in enumerate(desired)}

        def rank(child: Obj) -> tuple[int, int, Key]:
            key = Key.of(child)
            return (0, index[key], key) if key in index else (1, 0, key)

        return sorted(children, key=rank)


def _left_by_predecessor(obj: Obj, uid: str) -> bool:
    """Whether an object is the ``onDelete`` object of an earlier CR of the same name."""
    annotations = obj["metadata"].get("annotations") or {}
    made_for = annotations.get(OWNER_UID)
    return annotations.get(PHASE) == "onDelete" and bool(made_for) and bool(uid) \
        and made_for != uid
