"""The checks page: `huibian audit` in the web app, and the marks on flagged facts.

The audit reads the whole store (seconds on a big one), so it runs in the background
(Site.checks) when the app starts and again when the store changes, like the target
tables; the reader marks a flagged fact once the flags are ready, and the checks page
waits for them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from huibian import audit
from huibian.web.data import BadParam, rows_of
from huibian.web.params import pager
from huibian.web.site import Site, site

router = APIRouter()
api_router = APIRouter(prefix="/api", tags=["api"])
PER_PAGE = 100


def flags_for_report(s: Site, report_id: str) -> dict[int, list[str]]:
    """The report's flagged facts (id → "check: detail" lines); empty while the audit runs."""
    flags = s.checks.ready()
    if flags is None:
        return {}
    out: dict[int, list[str]] = {}
    rows = flags.loc[flags["report"] == report_id, ["fact_id", "check", "detail"]]
    for fid, check, detail in rows.itertuples(index=False):
        out.setdefault(int(fid), []).append(f"{check}: {detail}")
    return out


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


def _flags(s: Site) -> pd.DataFrame:
    flags = s.checks.value()
    if flags is None:
        raise BadParam(s.checks.error or "the audit is not available")
    return flags


@router.get("/checks", response_class=HTMLResponse)
def checks_page(request: Request, check: str | None = None, report: str | None = None, indicator: str | None = None,
                page: int = 1) -> HTMLResponse:
    s = site(request)
    flags = _flags(s)
    counts = audit.summary(flags).set_index("check")["flags"].to_dict()
    sel = select(flags, check or None, report or None, indicator or None)
    page = max(1, page)
    rows = rows_of(sel.iloc[(page - 1) * PER_PAGE : page * PER_PAGE])
    return s.render(request, "checks.html", nav="checks", rows=rows, counts=counts, checks=audit.CHECKS,
                    f={"check": check or "", "report": report or "", "indicator": indicator or ""},
                    total=len(sel), pages=pager(request, page, len(sel), PER_PAGE))


@api_router.get("/checks", summary="Audit flags: facts that are probably wrong, each with its evidence")
def api_checks(request: Request, response: Response, check: str | None = None, report: str | None = None,
               indicator: str | None = None, limit: int = 1000, offset: int = 0) -> list[dict[str, Any]]:
    if not 1 <= limit <= 10000 or not 0 <= offset <= 10**9:
        raise BadParam("limit must be 1–10000 and offset ≥ 0")
    sel = select(_flags(site(request)), check, report, indicator)
    response.headers["X-Total-Count"] = str(len(sel))
    return rows_of(sel.iloc[offset : offset + limit])
