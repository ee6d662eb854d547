"""The web application object: the store, the templates and every cache, in one place.

Views reach all of it through the app (`site(request)`), as Datasette's views reach its
`Datasette` object; no module keeps state of its own. The store is opened read-only
through the Python API (huibian.db.Database), one connection per worker thread. Every
cached value — small query results, the linked target tables, the audit flags — is kept
under one key, the store version (`Database.version`: it moves whenever anything commits
to the store, an ingest running beside the app included), and dropped when it moves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from huibian.db import Database

T = TypeVar("T")
TEMPLATES = Path(__file__).resolve().parent / "templates"


class Store:
    """A read-only store shared by the app's worker threads (a Database per thread)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()
        self._watch = Database(self.path, readonly=True)  # opened now: a missing store fails at start
        self._watch_lock = threading.Lock()

    @property
    def db(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = Database(self.path, readonly=True)
        return db

    @property
    def conn(self):  # -> sqlite3.Connection
        return self.db.conn

    def open(self) -> Database:
        """A new read-only Database (for work in a thread of its own)."""
        return Database(self.path, readonly=True)

    def version(self) -> Any:
        """The store version, read on one connection kept for it (versions of two connections
        are not comparable); the app never writes, so it moves only on another's commit."""
        with self._watch_lock:
            return self._watch.version()


class Cache:
    """Values computed from the store, kept until the store version moves."""

    def __init__(self, version: Callable[[], Any]):
        self.version = version
        self._lock = threading.Lock()
        self._version: Any = None
        self._values: dict[Any, Any] = {}

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        """The kept value, or `compute()` (outside the lock), kept if the store did not move meanwhile."""
        version = self.version()
        with self._lock:
            if version != self._version:
                self._version, self._values = version, {}
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            if self._version == version:
                self._values[key] = value
        return value

    def peek(self, key: Any) -> Any:
        """The kept value if the store has not moved since, else None."""
        version = self.version()
        with self._lock:
            return self._values.get(key) if version == self._version else None


class Background(Generic[T]):
    """A whole-store computation (target linking, the audit): seconds on a big store, so it
    runs in a thread of its own when the app starts and again after the store moves, on a
    connection of its own, and is kept in the app's cache. Pages that can do without it
    ask `ready()` (None while computing); pages that need it wait with `value()`."""

    def __init__(self, name: str, store: Store, cache: Cache, compute: Callable[[Database], T]):
        self.name, self.store, self.cache, self.compute = name, store, cache, compute
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self.value, name=f"huibian-{self.name}", daemon=True)
            self._thread.start()

    def _run(self) -> T:
        with self.store.open() as db:
            return self.compute(db)

    def value(self) -> T | None:
        """The value, computed now if it is not ready; None when the computation failed (`error`)."""
        v = self.cache.peek(self.name)
        if v is not None:
            return v
        with self._lock:  # one computation at a time; a second caller gets its result
            try:
                v = self.cache.get(self.name, self._run)
            except Exception as e:  # noqa: BLE001 - a linking or audit bug must not take the pages down
                self.error = f"{self.name} failed: {type(e).__name__}: {e}"
                return None
            self.error = None
            return v

    def ready(self) -> T | None:
        """The value if it is ready for the current store, else None (and it is being computed)."""
        v = self.cache.peek(self.name)
        if v is None:
            self.start()
        return v


class Site:
    """The huibian web app's state: store, templates, cache and background computations."""

    def __init__(self, db_path: str | Path, *, targets: Callable[[Database], Any], checks: Callable[[Database], Any]):
        """`targets` links the store's targets to outcomes, `checks` audits it (both given by the
        app factory, so that this module needs none of the views' modules)."""
        self.store = Store(db_path)
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        self.cache = Cache(self.store.version)
        self.targets = Background("target linking", self.store, self.cache, targets)
        self.checks = Background("audit", self.store, self.cache, checks)

    def start(self) -> None:
        """Link targets to outcomes and audit the store in the background."""
        self.targets.start()
        self.checks.start()

    def cached(self, key: Any, compute: Callable[[], T]) -> T:
        """A query's result, kept until the store moves."""
        return self.cache.get(key, compute)

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)


def site(request: Request) -> Site:
    """The app object a view runs in."""
    return request.app.state.site
