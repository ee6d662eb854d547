"""The checks page: `huibian audit` in the web app, and the marks on flagged facts.

The audit reads the whole store (seconds on a big one), so it runs in a background thread
when the app starts and again when the store changes, like the target tables; the
reader marks a flagged fact once the flags are ready, and the checks page waits for them.
"""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from huibian import audit
from huibian.web.data import BadParam, Store, rows_of

router = APIRouter()
api_router = APIRouter(prefix="/api", tags=["api"])
PER_PAGE = 100


class Checks:
    """The store's audit flags, computed once per store version in the background."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._value: tuple[Any, pd.DataFrame] | None = None
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self.flags, name="huibian-audit", daemon=True)
            self._thread.start()

    def _current(self) -> pd.DataFrame | None:
        v = self._value
        return v[1] if v is not None and v[0] == self.store.stamp() else None

    def flags(self) -> pd.DataFrame | None:
        """Every flag, or None when the audit failed (`error` says why)."""
        v = self._current()
        if v is not None:
            return v
        with self._lock:
            v = self._current()
            if v is None:
                stamp = self.store.stamp()
                try:
                    with self.store.open() as db:  # its own connection: this may run in the background thread
                        v = db.audit()
                    self.error = None
                except Exception as e:  # noqa: BLE001 - an audit bug must not take the pages down
                    self.error = f"audit failed: {type(e).__name__}: {e}"
                    return None
                self._value = (stamp, v)
        return v

    def for_report(self, report_id: str) -> dict[int, list[str]]:
        """The report's flagged facts (id → "check: detail" lines); empty while computing."""
        v = self._current()
        if v is None:
            self.start()
            return {}
        out: dict[int, list[str]] = {}
        for fid, check, detail in v.loc[v["report"] == report_id, ["fact_id", "check", "detail"]].itertuples(index=False):
            out.setdefault(int(fid), []).append(f"{check}: {detail}")
        return out


def checks_of(request: Request) -> Checks:
    return request.app.state.checks


def select(flags: pd.DataFrame, check: str | None, report: str | None, indicator: str | None) -> pd.DataFrame:
    if check and check not in audit.CHECKS:
        raise BadParam(f"check must be one of {', '.join(audit.CHECKS)}, not {check!r}")
    if check:
        flags = flags[flags["check"] == check]
    if report:
        flags = flags[flags["report"] == report]
    if indicator:
        flags = flags[flags["indicator"] == indicator]
    return flags


def _flags_or_error(request: Request) -> pd.DataFrame:
    c = checks_of(request)
    flags = c.flags()
    if flags is None:
        raise BadParam(c.error or "the audit is not available")
    return flags


@router.get("/checks", response_class=HTMLResponse)
def checks_page(request: Request, check: str | None = None, report: str | None = None, indicator: str | None = None,
                page: int = 1) -> HTMLResponse:
    from huibian.web.pages import _pages, _render

    flags = _flags_or_error(request)
    counts = audit.summary(flags).set_index("check")["flags"].to_dict()
    sel = select(flags, check or None, report or None, indicator or None)
    page = max(1, page)
    rows = rows_of(sel.iloc[(page - 1) * PER_PAGE : page * PER_PAGE])
    return _render(request, "checks.html", nav="checks", rows=rows, counts=counts, checks=audit.CHECKS,
                   f={"check": check or "", "report": report or "", "indicator": indicator or ""},
                   total=len(sel), pages=_pages(request, page, len(sel), PER_PAGE))


@api_router.get("/checks", summary="Audit flags: facts that are probably wrong, each with its evidence")
def api_checks(request: Request, response: Response, check: str | None = None, report: str | None = None,
               indicator: str | None = None, limit: int = 1000, offset: int = 0) -> list[dict[str, Any]]:
    if not 1 <= limit <= 10000 or not 0 <= offset <= 10**9:
        raise BadParam("limit must be 1–10000 and offset ≥ 0")
    sel = select(_flags_or_error(request), check, report, indicator)
    response.headers["X-Total-Count"] = str(len(sel))
    return rows_of(sel.iloc[offset : offset + limit])
