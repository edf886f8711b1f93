"""The ``local`` backend: a crash-safe object store in a directory, shared between processes.

SQLite (standard library) in WAL mode with ``synchronous=FULL``: every operation is one
``BEGIN IMMEDIATE`` transaction, so a process killed mid-write leaves the previous state,
never half an object. ``ork run`` polls the store's change counter, so ``ork apply``,
``ork delete`` and edits from any other process are noticed.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from ..errors import RuntimeError_
from .cluster import matches
from .objects import GK, Key, Obj
from .storecore import StoreCluster, Tomb, Tx

FORMAT = "1"
FILENAME = "store.sqlite"
RUNNER_LOCK = "runner.lock"
KEEP_CHANGES = 10_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
  grp TEXT NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
  body TEXT NOT NULL, rv INTEGER NOT NULL, owners TEXT NOT NULL,
  PRIMARY KEY (grp, kind, namespace, name));
CREATE TABLE IF NOT EXISTS changes (
  rv INTEGER PRIMARY KEY, grp TEXT NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL,
  name TEXT NOT NULL, tomb TEXT);
CREATE TABLE IF NOT EXISTS names (word TEXT PRIMARY KEY, grp TEXT NOT NULL, kind TEXT NOT NULL);
"""


def utc_now() -> str:
    """Return the current time as Kubernetes writes timestamps."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _unavailable(path: Path, exc: Exception) -> RuntimeError_:
    return RuntimeError_("state-unavailable", f"cannot use the local store at {path}: {exc}",
                         hint="pass another --state DIR, or check its permissions")


class _SqlTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._c = conn

    def read(self, key: Key) -> Obj | None:
        row = self._c.execute(
            "SELECT body FROM objects WHERE grp=? AND kind=? AND namespace=? AND name=?",
            (key.gk.group, key.gk.kind, key.namespace, key.name)).fetchone()
        return _load(row[0]) if row else None

    def scan(self, gk: GK, namespace: str | None,
             selector: Mapping[str, str] | None = None) -> list[Obj]:
        sql = "SELECT body FROM objects WHERE grp=? AND kind=?"
        args: tuple[str, ...] = (gk.group, gk.kind)
        if namespace is not None:
            sql += " AND namespace=?"
            args += (namespace,)
        rows = self._c.execute(sql + " ORDER BY namespace, name", args).fetchall()
        return [o for o in (_load(r[0]) for r in rows) if matches(o, selector)]

    def owned_by(self, uid: str) -> list[Obj]:
        rows = self._c.execute(
            "SELECT body FROM objects WHERE owners LIKE ? ORDER BY grp, kind, namespace, name",
            (f"% {uid} %",)).fetchall()
        return [_load(r[0]) for r in rows]

    def next_rv(self) -> int:
        self._c.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='rv'")
        return int(self._c.execute("SELECT value FROM meta WHERE key='rv'").fetchone()[0])

    def write(self, key: Key, obj: Obj, rv: int) -> None:
        refs = obj.get("metadata", {}).get("ownerReferences") or []
        owners = " " + " ".join(str(r.get("uid")) for r in refs) + " "
        self._c.execute(
            "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key.gk.group, key.gk.kind, key.namespace, key.name, _dump(obj), rv, owners))
        self._logged(key, rv, None)

    def remove(self, key: Key, rv: int, last: Obj) -> None:
        self._c.execute("DELETE FROM objects WHERE grp=? AND kind=? AND namespace=? AND name=?",
                        (key.gk.group, key.gk.kind, key.namespace, key.name))
        self._logged(key, rv, _dump(last))

    def _logged(self, key: Key, rv: int, tomb: str | None) -> None:
        self._c.execute("INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)",
                        (rv, key.gk.group, key.gk.kind, key.namespace, key.name, tomb))
        if rv % 1000 == 0:
            self._c.execute("DELETE FROM changes WHERE rv <= ?", (rv - KEEP_CHANGES,))


def _dump(obj: Obj) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _load(body: str) -> Obj:
    value = json.loads(body)
    assert isinstance(value, dict)
    return value


class LocalCluster(StoreCluster):
    """A cluster persisted in ``DIR/store.sqlite``; safe to share with other processes."""

    def __init__(self, directory: Path, *, clock: Callable[[], str] = utc_now) -> None:
        super().__init__(clock=clock)
        self.path = directory / FILENAME
        self._lock = threading.RLock()
        self._runner: TextIO | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None,
                                         check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._init()
        except (OSError, sqlite3.Error) as exc:
            raise _unavailable(self.path, exc) from exc

    def _init(self) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                # executescript() would COMMIT on its own: run the statements one by one.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
                self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
                self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('rv', '0')")
                found = self._conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        if found[0] != FORMAT:
            raise sqlite3.DatabaseError(f"store format {found[0]}, this ork reads {FORMAT}")

    @contextmanager
    def tx(self) -> Iterator[Tx]:
        """Run one transaction: everything inside commits together or not at all."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _unavailable(self.path, exc) from exc
            try:
                yield _SqlTx(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise _unavailable(self.path, exc) from exc

    def changes_since(self, rv: int) -> tuple[int, list[Tomb]]:
        """Return the latest change number and the changes after ``rv``."""
        with self._lock:
            try:
                latest = int(self._conn.execute(
                    "SELECT value FROM meta WHERE key='rv'").fetchone()[0])
                rows = self._conn.execute(
                    "SELECT grp, kind, namespace, name, tomb FROM changes WHERE rv > ? "
                    "ORDER BY rv", (rv,)).fetchall()
            except sqlite3.Error as exc:
                raise _unavailable(self.path, exc) from exc
        return latest, [(Key(GK(g, k), ns, n), _load(t) if t else None)
                        for g, k, ns, n, t in rows]

    def register_names(self, names: Mapping[str, GK]) -> None:
        """Remember what ``ork get`` may call a type (CRD plurals, kinds, short names)."""
        with self.tx():
            for word, gk in sorted(names.items()):
                self._conn.execute("INSERT OR REPLACE INTO names VALUES (?, ?, ?)",
                                   (word.lower(), gk.group, gk.kind))

    def names(self) -> dict[str, GK]:
        """Return the names registered by ``register_names``."""
        with self.tx():
            rows = self._conn.execute("SELECT word, grp, kind FROM names").fetchall()
        return {str(w): GK(g, k) for w, g, k in rows}

    def kinds(self) -> list[GK]:
        """Return the types of the objects in the store."""
        with self.tx():
            rows = self._conn.execute(
                "SELECT DISTINCT grp, kind FROM objects ORDER BY grp, kind").fetchall()
        return [GK(g, k) for g, k in rows]

    def all_objects(self) -> list[Obj]:
        """Return every object, sorted by key."""
        with self.tx():
            rows = self._conn.execute(
                "SELECT body FROM objects ORDER BY grp, kind, namespace, name").fetchall()
        return [_load(r[0]) for r in rows]

    def claim_runner(self) -> None:
        """Make this process the store's only reconciler (until it closes the store).

        Raises:
            RuntimeError_: state-unavailable when another ``ork run`` uses the store.
        """
        path = self.path.parent / RUNNER_LOCK
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise RuntimeError_("state-unavailable", f"the local store at {self.path.parent} "
                                f"is already reconciled by {holder}",
                                hint="stop the other `ork run`, or pass another --state DIR"
                                ) from exc
        handle.truncate(0)
        handle.write(f"ork run (pid {os.getpid()})\n")
        handle.flush()
        self._runner = handle

    def close(self) -> None:
        """Close the database connection (and give up the runner claim)."""
        with self._lock:
            self._conn.close()
            if self._runner is not None:
                self._runner.close()
                self._runner = None
