"""The HTML pages: server-rendered, readable without JavaScript.

Views only gather data (huibian.web.data) and hand it to a template; all markup is
in templates/, all text is escaped there or in huibian.web.render.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from huibian import link, search
from huibian.link.rules import rules
from huibian.models import HORIZONS, KINDS, LEVELS, MEASURES
from huibian.web import charts, data, linked, render
from huibian.web.checks import flags_for_report
from huibian.web.params import ReportQuery, flag, opt_str, page_number, pager, places, url_part
from huibian.web.site import Site, site

router = APIRouter(include_in_schema=False)
PAGE = 100
SEARCH_PAGE = 20


# -- library -----------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def library_page(request: Request, r: ReportQuery, page: str | None = None) -> HTMLResponse:
    s = site(request)
    p = page_number(page)
    lib = data.library(s, r.filters(), limit=PAGE, offset=(p - 1) * PAGE)
    return s.render(
        request, "library.html", lib=lib, levels=LEVELS, pages=pager(request, p, lib.total, PAGE), f=r.form()
    )


# -- reader -------------------------------------------------------------------------------
def _with_outcomes(s: Site, rep: dict[str, Any], facts: list[dict[str, Any]]) -> bool:
    """Attach each target's linked outcome; False while linking is still being computed."""
    outcomes = linked.outcomes_for_report(s, rep)
    if outcomes is None:
        return False
    for f in facts:
        if f.get("kind") != "target":
            continue
        o = outcomes.get((f.get("indicator"), f.get("period"), f.get("measure"), f.get("quote")))
        if o is not None:
            f["outcome"] = {
                k: o.get(k)
                for k in (
                    "outcome_value", "outcome_unit", "outcome_kind", "outcome_quote", "outcome_report", "gap", "status",
                    "unknown",
                )
            }
    return True


@router.get("/reports/{report_id}/facts.csv")
def report_facts_csv(request: Request, report_id: str) -> Response:
    s = site(request)
    data.report(s, report_id)
    body = data.facts_csv(data.facts_frame(s, report=report_id))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{url_part(report_id)}-facts.csv"},
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def reader_page(
    request: Request,
    report_id: str,
    view: str = "text",
    q: str | None = None,
    hl: str | None = None,
    at: str | None = None,
) -> HTMLResponse:
    if view not in ("text", "source"):
        raise data.BadParam(f"view must be text or source, not {view!r}")
    s = site(request)
    rep = data.report(s, report_id)
    secs = data.sections(s, report_id)
    facts = data.fact_items(data.facts_frame(s, report=report_id))
    flagged = flags_for_report(s, report_id)  # huibian audit's flags, once computed
    for f in facts:
        if int(f["id"]) in flagged:
            f["flags"] = flagged[int(f["id"])]
    has_outcomes = _with_outcomes(s, rep, facts)
    hits: list[search.Hit] = []
    if view == "text":
        if hl:
            hits = search.find_hits(rep["text"], hl[:2000], phrase=True)
        elif q:
            hits = search.find_hits(rep["text"], q)
        body = render.mark(
            rep["text"],
            render.fact_spans(facts) + render.hit_spans(hits) + render.at_spans(_at(at, len(rep["text"]))),
            render.section_anchors(secs),
        )
    else:
        spans, points = render.repair_spans(rep["repairs"] or [], len(rep["source_text"]))
        spans += render.low_confidence_spans(rep.get("ocr"), len(rep["source_text"]))
        body = render.mark(rep["source_text"], spans, points)
    kinds = {k: sum(1 for f in facts if f.get("kind") == k) for k in KINDS}
    script_facts = [
        {
            k: f.get(k)
            for k in (
                "id",
                "indicator",
                "name",
                "value",
                "value_hi",
                "unit",
                "period",
                "base_period",
                "kind",
                "measure",
                "cmp",
                "scope",
                "quote",
                "outcome",
                "flags",
                "confidence",
                "low_confidence",
            )
        }
        for f in facts
    ]
    return s.render(
        request,
        "reader.html",
        rep=rep,
        sections=secs,
        facts=facts,
        script_facts=script_facts,
        body=body,
        view=view,
        q=q or "",
        hl=hl or "",
        hits=len(hits),
        kinds=kinds,
        low_facts=sum(1 for f in facts if f.get("low_confidence")),
        ocr_low=len((rep.get("ocr") or {}).get("low", [])),
        linked=has_outcomes,
        flagged=sum(1 for f in facts if f.get("flags")),
    )


def _at(value: str | None, n: int) -> tuple[int, int] | None:
    """`at=START-END`: a span of the text to mark and scroll to (links from `huibian kwic`)."""
    if not value:
        return None
    parts = value.split("-")
    try:
        start, end = int(parts[0]), int(parts[1])
    except (ValueError, IndexError):
        raise data.BadParam(f"at must be START-END character offsets, not {value!r}") from None
    if len(parts) != 2 or not 0 <= start < end <= n:
        raise data.BadParam(f"at={value!r} is outside this report's text (0-{n})")
    return start, end


# -- search -------------------------------------------------------------------------------
@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, r: ReportQuery, q: str | None = None, page: str | None = None) -> HTMLResponse:
    s = site(request)
    p = page_number(page)
    lib = data.library(s, limit=0)
    result = None
    if q and q.strip():
        result = data.run_search(s, q, r.filters(), limit=SEARCH_PAGE, offset=(p - 1) * SEARCH_PAGE)
    return s.render(
        request,
        "search.html",
        q=q or "",
        result=result,
        lib=lib,
        levels=LEVELS,
        pages=pager(request, p, result.total if result else 0, SEARCH_PAGE),
        f=r.form(),
    )


# -- indicators ---------------------------------------------------------------------------
@router.get("/indicators", response_class=HTMLResponse)
def indicators_page(request: Request) -> HTMLResponse:
    s = site(request)
    return s.render(request, "indicators.html", indicators=data.indicators(s))


def _panel(
    request: Request,
    indicator: str,
    place: Annotated[list[str], Query()] = [],  # noqa: B006
    places_: Annotated[str | None, Query(alias="places")] = None,
    measure: str | None = None,
    horizon: str | None = None,
    parent: str | None = None,
    children: str | None = None,
) -> linked.Panel:
    """The indicator page's panel, from its query (a dependency of the page and its CSV twin)."""
    return linked.panel(
        site(request),
        indicator,
        places=places(place, places_),
        measure=opt_str(measure),
        horizon=opt_str(horizon),
        parent=flag(parent),
        children=flag(children),
    )


PanelQuery = Annotated[linked.Panel, Depends(_panel)]


@router.get("/indicators/{indicator}.csv")
def indicator_csv(indicator: str, p: PanelQuery) -> Response:
    return Response(
        linked.panel_csv(p),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={url_part(indicator)}-{p.measure}-panel.csv"},
    )


@router.get("/indicators/{indicator}", response_class=HTMLResponse)
def indicator_page(request: Request, indicator: str, p: PanelQuery) -> HTMLResponse:
    s = site(request)
    csv_url = f"/indicators/{url_part(indicator)}.csv?" + str(request.url.query)
    return s.render(
        request,
        "indicator.html",
        panel=p,
        chart=charts.indicator_chart(p),
        csv_url=csv_url,
        regions=data.library(s, limit=0).regions,
        horizons=linked.HORIZON_CHOICES,
        f={
            "places": ", ".join(p.places),
            "parent": flag(request.query_params.get("parent")),
            "children": flag(request.query_params.get("children")),
        },
    )


# -- accountability -------------------------------------------------------------------------
@router.get("/targets", response_class=HTMLResponse)
def targets_page(
    request: Request,
    region: str | None = None,
    children: str | None = None,
    level: str | None = None,
    indicator: str | None = None,
    measure: str | None = None,
    horizon: str | None = None,
    year: str | None = None,
    status: str | None = None,
    with_: Annotated[str | None, Query(alias="with")] = None,
    view: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    s = site(request)
    p = page_number(page)
    view = opt_str(view) or "list"
    if view not in ("list", "promises"):
        raise data.BadParam(f"view must be list or promises, not {view!r}")
    f = {
        "region": opt_str(region) or "",
        "children": flag(children),
        "level": opt_str(level) or "",
        "indicator": opt_str(indicator) or "",
        "measure": opt_str(measure) or "",
        "horizon": opt_str(horizon) or "",
        "year": opt_str(year) or "",
        "status": opt_str(status) or "",
        "with": opt_str(with_) or "",
        "view": view,
    }
    context: dict[str, Any] = {}
    if view == "promises":
        first, last = link.parse_years(f["year"]) if f["year"] else (None, None)
        if f["region"] and first is not None and first == last:
            context["promises"] = linked.promises(s, f["region"], first)
            context["promise_year"] = first
    else:
        sel = linked.targets(
            s,
            region=f["region"] or None,
            children=f["children"],
            level=f["level"] or None,
            indicator=f["indicator"] or None,
            measure=f["measure"] or None,
            horizon=f["horizon"] or None,
            year=f["year"] or None,
            status=f["status"] or None,
            with_=f["with"] or None,
        )
        total = len(sel.table)
        context |= {
            "rows": sel.rows((p - 1) * PAGE, PAGE),
            "total": total,
            "counts": sel.counts,
            "pages": pager(request, p, total, PAGE),
        }
    return s.render(
        request,
        "targets.html",
        indicators=[i["id"] for i in data.indicators(s)],
        regions=data.library(s, limit=0).regions,
        statuses=linked.TARGET_STATUSES,
        levels=LEVELS,
        measures=MEASURES,
        horizons=HORIZONS,
        approx=rules()["approx"],
        f=f,
        **context,
    )
