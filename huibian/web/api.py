"""The JSON API under /api/: the pages' data at parallel URLs, documented by OpenAPI."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from huibian import export
from huibian.models import HORIZONS, KINDS, LEVELS, MEASURES
from huibian.search import plain_snippet
from huibian.web import data, linked
from huibian.web.site import site

router = APIRouter(prefix="/api", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=10000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="rows to skip")]
Year = Annotated[int | None, Query(ge=1949, le=2100, description="report year")]
Level = Annotated[str | None, Query(description="administrative level: " + " / ".join(LEVELS))]


def _total(response: Response, n: int) -> None:
    response.headers["X-Total-Count"] = str(n)


@router.get("/reports", summary="Reports in the store (the library)")
def api_reports(
    request: Request,
    response: Response,
    region: str | None = None,
    level: Level = None,
    year: Year = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Report metadata, newest first. `region` matches part of the region name or the exact id."""
    lib = data.library(site(request), data.Reports(region, level, year), limit=limit, offset=offset)
    _total(response, lib.total)
    return [{k: data.clean(v) for k, v in r.items()} for r in lib.rows]


@router.get("/reports/{report_id}", summary="One report: metadata, outline, cleaned text")
def api_report(request: Request, report_id: str, text: bool = True) -> dict[str, Any]:
    s = site(request)
    rep = data.report(s, report_id)
    out = {
        k: data.clean(v) for k, v in rep.items() if k not in ("source_text", "offsets", "repairs", "pages", "ocr")
    }
    if not text:
        out.pop("text", None)
    out["sections"] = data.sections(s, report_id)
    out["facts"] = data.count_facts(s, report=report_id)
    return out


@router.get("/facts", summary="Facts in the facts.md exchange format")
def api_facts(
    request: Request,
    response: Response,
    report: str | None = None,
    indicator: str | None = None,
    kind: Annotated[str | None, Query(description=" / ".join(KINDS))] = None,
    period: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    measure: Annotated[str | None, Query(description=" / ".join(MEASURES))] = None,
    low_confidence: Annotated[
        bool | None, Query(description="true: only facts whose number OCR read with low confidence")
    ] = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """A JSON array of facts, the records `huibian facts --format jsonl` writes (one per line there).
    Facts from scanned pages carry `confidence` (OCR) and `low_confidence`: check those on the page."""
    s = site(request)
    filters = {"report": report, "indicator": indicator, "kind": kind, "period": period, "measure": measure,
               "low_confidence": low_confidence}
    if report is not None:
        data.report(s, report)
    df = data.facts_frame(s, **filters, limit=limit, offset=offset)
    _total(response, data.count_facts(s, **filters))
    return export.fact_records(df)


@router.get("/search", summary="Full-text search across all reports")
def api_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="words, phrases, numbers")],
    region: str | None = None,
    level: Level = None,
    year: Year = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Reports containing every term of `q` (space separates terms, "quotes" keep a phrase), best
    first; each with its number of hits and up to three snippets, each linking to its place in the reader."""
    page = data.run_search(site(request), q, data.Reports(region, level, year), limit=limit, offset=offset)
    results = []
    conn = site(request).store.conn
    for r in page.results:
        text = None
        snippets = []
        for i, html_snippet in r.snippets:
            h = r.hits[i]
            if text is None:
                text = conn.execute("SELECT text FROM reports WHERE id = ?", (r.report,)).fetchone()[0]
            snippets.append(
                {
                    "hit": i,
                    "start": h.start,
                    "end": h.end,
                    "match": text[h.start : h.end],
                    "text": plain_snippet(text, h),
                    "html": html_snippet,
                    "url": f"/reports/{quote(r.report, safe='')}?q={quote(q, safe='')}#hit-{i}",
                }
            )
        results.append(
            {
                "report": r.report,
                "region": r.region,
                "level": r.level,
                "year": r.year,
                "title": r.title,
                "score": round(r.score, 4),
                "hits": r.n_hits,
                "snippets": snippets,
            }
        )
    return {"q": q, "total": page.total, "limit": limit, "offset": offset, "results": results}


@router.get("/indicators", summary="Indicators with facts in the store")
def api_indicators(request: Request) -> list[dict[str, Any]]:
    return data.indicators(site(request))


@router.get("/indicators/{indicator}", summary="One indicator over time for chosen places (the panel)")
def api_indicator(
    request: Request,
    indicator: str,
    place: Annotated[list[str], Query(description="region names; default: the best-covered five")] = [],  # noqa: B006
    measure: Annotated[str | None, Query(description=" / ".join(MEASURES))] = None,
    horizon: Annotated[
        str | None,
        Query(description="annual / multi-year / all; default: the measure's own (annual for level and growth)"),
    ] = None,
    parent: bool = False,
    children: bool = False,
) -> dict[str, Any]:
    """Each place's outcome per year (series `outcome`, as `huibian panel` links it: stated in the next
    year's report) and its target for the year (series `target`), as stated (`value`, `unit`), in base
    units (`base`, `base_unit`) and in the one unit of the panel (`y`, in `unit`)."""
    p = linked.panel(
        site(request), indicator, places=place, measure=measure, horizon=horizon, parent=parent, children=children
    )
    rows = [
        {
            ("report" if k == "report_id" else "fact_id" if k == "id" else k): data.clean(r.get(k))
            for k in linked.PANEL_FIELDS
        }
        for r in p.rows
    ]
    return {
        "indicator": p.indicator,
        "measure": p.measure,
        "measures": p.measures,
        "horizon": p.horizon,
        "unit": p.unit,
        "places": p.places,
        "rows": rows,
    }


@router.get("/targets", summary="Targets beside their outcomes (met / missed / unknown, and why)")
def api_targets(
    request: Request,
    response: Response,
    region: Annotated[str | None, Query(max_length=500, description="region names or codes, comma-separated")] = None,
    children: Annotated[bool, Query(description="also the region's children")] = False,
    level: Level = None,
    indicator: Annotated[str | None, Query(max_length=100)] = None,
    measure: Annotated[str | None, Query(description=" / ".join(MEASURES))] = None,
    horizon: Annotated[str | None, Query(description=" / ".join(HORIZONS))] = None,
    year: Annotated[
        str | None, Query(max_length=20, description="the year the target is for: 2020, or 2016-2020")
    ] = None,
    status: Annotated[str | None, Query(description="met / missed / unknown")] = None,
    with_: Annotated[
        str | None,
        Query(alias="with", description="parent, children or parent,children: one row per place-pair"),
    ] = None,
    wide: Annotated[bool, Query(description="with `with`: one row per target, child1_… columns")] = False,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """The rows of `huibian targets` with the same filters (each with its `status`; `unknown` says
    why met is unknown: no report for the year after, not stated, only a multi-year figure …)."""
    sel = linked.targets(
        site(request),
        region=region or None,
        children=children,
        level=level or None,
        indicator=indicator or None,
        measure=measure or None,
        horizon=horizon or None,
        year=year or None,
        status=status or None,
        with_=with_ or None,
        wide=wide,
    )
    _total(response, len(sel.table))
    return sel.rows(offset, limit)


@router.get("/promises", summary="A place's promises beside its results for the year before")
def api_promises(
    request: Request,
    region: Annotated[str, Query(min_length=1, max_length=200, description="one place: name or code")],
    year: Annotated[int, Query(ge=1949, le=2100, description="the report year")],
) -> list[dict[str, Any]]:
    """The rows of `huibian promises`: each target the report of `year` sets, beside the target of
    the same indicator and measure set a year before and the outcome the report of `year` states."""
    return linked.promises(site(request), region, year)
