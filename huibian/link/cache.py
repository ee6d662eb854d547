"""Linked tables kept per connection until the store changes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any


def store_version(conn: sqlite3.Connection) -> tuple[int, int, int] | None:
    """A key that changes whenever the store seen through `conn` may have changed.

    `PRAGMA data_version` moves when another connection (this process or another)
    commits, `schema_version` on any schema change, `total_changes` when this connection
    writes. None inside an open write transaction: what it reads may yet be rolled back.
    The three are exact for one connection, and cost three calls to SQLite.
    """
    if conn.in_transaction:
        return None
    data = conn.execute("PRAGMA data_version").fetchone()[0]
    schema = conn.execute("PRAGMA schema_version").fetchone()[0]
    return (data, schema, conn.total_changes)


class LinkCache:
    """Linked tables of one connection's store, kept until the store changes.

    A Database holds one for its connection (never a module-wide cache: a connection
    and its tables live only as long as their Database). Every value is dropped when
    `store_version` moves, so an ingest through the same Database, or a commit by
    another process, is seen by the next call.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._version: tuple[int, int, int] | None = None
        self._values: dict[str, Any] = {}

    def get(self, conn: sqlite3.Connection, name: str, compute: Callable[[], Any]) -> Any:
        """The kept value `name`, computed (and kept) when the store changed since."""
        with self._lock:
            version = store_version(conn)
            if version is None:
                return compute()
            if version != self._version:
                self._version, self._values = version, {}
            if name in self._values:
                return self._values[name]
            value = compute()
            # kept under the version read before computing (a commit meanwhile makes it stale),
            # unless a nested call saw the store move on: then it is not kept at all
            if self._version == version:
                self._values[name] = value
            return value

    def peek(self, conn: sqlite3.Connection, name: str) -> Any:
        """The kept value `name` if the store is unchanged since it was computed, else None."""
        with self._lock:
            version = store_version(conn)
            if version is None or version != self._version:
                return None
            return self._values.get(name)


def kept(
    cache: LinkCache | None, conn: sqlite3.Connection, name: str, whole: bool, compute: Callable[[], Any]
) -> Any:
    """A whole table from the cache: computed and kept on a whole-store call; on a filtered
    call only taken if already there (None: the call computes just its part)."""
    if cache is None:
        return None
    return cache.get(conn, name, compute) if whole else cache.peek(conn, name)


def cached(cache: LinkCache | None, conn: sqlite3.Connection, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept in `cache` when there is one."""
    return cache.get(conn, name, compute) if cache is not None else compute()
