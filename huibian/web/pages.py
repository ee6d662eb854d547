"""The HTML pages: server-rendered, readable without JavaScript.

Views only gather data (huibian.web.data) and hand it to a template; all markup is
in templates/, all text is escaped there or in huibian.web.render.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from huibian import search
from huibian.models import KINDS, LEVELS
from huibian.web import data, render
from huibian.web.app import templates

router = APIRouter(include_in_schema=False)
PAGE = 100
SEARCH_PAGE = 20


def _store(request: Request) -> data.Store:
    return request.app.state.store


def opt_int(name: str, value: str | None, lo: int = 0, hi: int = 10**6) -> int | None:
    """An optional integer form field: '' means not given; anything else must be a number."""
    if value is None or value.strip() == "":
        return None
    try:
        n = int(value.strip())
    except ValueError:
        raise data.BadParam(f"{name} must be a whole number, not {value!r}") from None
    if not lo <= n <= hi:
        raise data.BadParam(f"{name} must be between {lo} and {hi}, not {n}")
    return n


def opt_str(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _page(value: str | None) -> int:
    return opt_int("page", value, 1, 10**5) or 1


def _pages(request: Request, page: int, total: int, per: int) -> dict[str, Any]:
    """Previous/next links that keep the other query parameters."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]

    def url(p: int) -> str:
        return str(request.url.path) + "?" + urlencode([*params, ("page", str(p))])

    last = max(1, -(-total // per))
    return {
        "page": page,
        "last": last,
        "prev": url(page - 1) if page > 1 else None,
        "next": url(page + 1) if page < last else None,
    }


def _render(request: Request, name: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)


# -- library -----------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def library_page(
    request: Request,
    region: str | None = None,
    level: str | None = None,
    year: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    p = _page(page)
    lib = data.library(
        _store(request),
        region=opt_str(region),
        level=opt_str(level),
        year=opt_int("year", year, 1949, 2100),
        limit=PAGE,
        offset=(p - 1) * PAGE,
    )
    return _render(
        request,
        "library.html",
        lib=lib,
        levels=LEVELS,
        pages=_pages(request, p, lib.total, PAGE),
        f={"region": opt_str(region) or "", "level": opt_str(level) or "", "year": opt_str(year) or ""},
    )


# -- reader -------------------------------------------------------------------------------
def _with_outcomes(store: data.Store, rep: dict[str, Any], facts: list[dict[str, Any]]) -> bool:
    """Attach each target's linked outcome; False while linking is still being computed."""
    linked = data.outcomes_for_report(store, rep)
    if linked is None:
        return False
    for f in facts:
        if f.get("kind") != "target":
            continue
        o = linked.get((f.get("indicator"), f.get("period"), f.get("measure"), f.get("quote")))
        if o is not None:
            f["outcome"] = {
                k: o.get(k)
                for k in ("outcome_value", "outcome_kind", "outcome_quote", "outcome_report", "gap", "status")
            }
    return True


@router.get("/reports/{report_id}/facts.csv")
def report_facts_csv(request: Request, report_id: str) -> Response:
    store = _store(request)
    data.report(store, report_id)
    body = data.facts_csv(data.facts_frame(store, report=report_id))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(report_id)}-facts.csv"},
    )


def _quote(s: str) -> str:
    from urllib.parse import quote

    return quote(s, safe="")


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def reader_page(
    request: Request, report_id: str, view: str = "text", q: str | None = None, hl: str | None = None
) -> HTMLResponse:
    if view not in ("text", "source"):
        raise data.BadParam(f"view must be text or source, not {view!r}")
    store = _store(request)
    rep = data.report(store, report_id)
    secs = data.sections(store, report_id)
    facts = data.fact_items(data.facts_frame(store, report=report_id))
    linked = _with_outcomes(store, rep, facts)
    hits: list[search.Hit] = []
    if view == "text":
        if hl:
            hits = search.find_hits(rep["text"], hl[:2000], phrase=True)
        elif q:
            hits = search.find_hits(rep["text"], q)
        body = render.mark(
            rep["text"], render.fact_spans(facts) + render.hit_spans(hits), render.section_anchors(secs)
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
                "confidence",
                "low_confidence",
            )
        }
        for f in facts
    ]
    return _render(
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
        has_targets=store.has_targets(),
        linked=linked,
    )


# -- search -------------------------------------------------------------------------------
@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: str | None = None,
    region: str | None = None,
    level: str | None = None,
    year: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    store = _store(request)
    p = _page(page)
    lib = data.library(store, limit=0)
    result = None
    if q and q.strip():
        result = data.run_search(
            store,
            q,
            region=opt_str(region),
            level=opt_str(level),
            year=opt_int("year", year, 1949, 2100),
            limit=SEARCH_PAGE,
            offset=(p - 1) * SEARCH_PAGE,
        )
    return _render(
        request,
        "search.html",
        q=q or "",
        result=result,
        lib=lib,
        levels=LEVELS,
        pages=_pages(request, p, result.total if result else 0, SEARCH_PAGE),
        f={"region": opt_str(region) or "", "level": opt_str(level) or "", "year": opt_str(year) or ""},
    )


# -- indicators ---------------------------------------------------------------------------
@router.get("/indicators", response_class=HTMLResponse)
def indicators_page(request: Request) -> HTMLResponse:
    return _render(request, "indicators.html", indicators=data.indicators(_store(request)))


def _panel(
    request: Request,
    indicator: str,
    place: list[str],
    places: str | None,
    measure: str | None,
    parent: str | None,
    children: str | None,
) -> data.Panel:
    chosen = [p.strip() for p in place if p.strip()]
    if places:
        chosen += [p.strip() for p in places.replace("，", ",").split(",") if p.strip()]
    return data.panel(
        _store(request),
        indicator,
        places=chosen,
        measure=opt_str(measure),
        parent=parent in ("1", "on", "true"),
        children=children in ("1", "on", "true"),
    )


@router.get("/indicators/{indicator}.csv")
def indicator_csv(
    request: Request,
    indicator: str,
    place: Annotated[list[str], Query()] = [],  # noqa: B006
    places: str | None = None,
    measure: str | None = None,
    parent: str | None = None,
    children: str | None = None,
) -> Response:
    p = _panel(request, indicator, place, places, measure, parent, children)
    return Response(
        data.panel_csv(p),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={_quote(indicator)}-{p.measure}-panel.csv"},
    )


@router.get("/indicators/{indicator}", response_class=HTMLResponse)
def indicator_page(
    request: Request,
    indicator: str,
    place: Annotated[list[str], Query()] = [],  # noqa: B006
    places: str | None = None,
    measure: str | None = None,
    parent: str | None = None,
    children: str | None = None,
) -> HTMLResponse:
    p = _panel(request, indicator, place, places, measure, parent, children)
    chart = _chart(p)
    csv_url = f"/indicators/{_quote(indicator)}.csv?" + str(request.url.query)
    regions = data.library(_store(request), limit=0).regions
    return _render(
        request,
        "indicator.html",
        panel=p,
        chart=chart,
        csv_url=csv_url,
        regions=regions,
        f={"places": ", ".join(p.places[: len(p.places)]), "parent": parent, "children": children},
    )


def _gapped(rows: list[dict[str, Any]]) -> tuple[list, list, list]:
    """x, y and hover text of a line, with a break where years are missing (no line over a gap)."""
    xs: list[Any] = []
    ys: list[Any] = []
    texts: list[Any] = []
    for r in rows:
        if xs and r["period"] - xs[-1] > 1:
            xs.append(xs[-1] + 1)
            ys.append(None)
            texts.append(None)
        xs.append(r["period"])
        ys.append(r["y"])
        texts.append(f"{r['report_id']} ({r['kind']}): {r['quote']}")
    return xs, ys, texts


def _chart(p: data.Panel) -> dict[str, Any]:
    """A Plotly figure: outcomes as lines, targets as markers (symbol by qualifier)."""
    traces: list[dict[str, Any]] = []
    symbols = {
        "ge": "triangle-up",
        "le": "triangle-down",
        "approx": "diamond",
        "range": "square",
        "eq": "circle",
    }
    palette = [
        "#1f77b4",
        "#d62728",
        "#2ca02c",
        "#9467bd",
        "#ff7f0e",
        "#17becf",
        "#8c564b",
        "#e377c2",
        "#7f7f7f",
        "#bcbd22",
    ]
    for i, place in enumerate(p.places):
        colour = palette[i % len(palette)]
        out = [r for r in p.rows if r["region"] == place and r["series"] == "outcome"]
        tgt = [r for r in p.rows if r["region"] == place and r["series"] == "target"]
        if out:
            xs, ys, texts = _gapped(out)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": f"{place} outcome",
                    "x": xs,
                    "y": ys,
                    "text": texts,
                    "connectgaps": False,
                    "hovertemplate": "%{x}: %{y}<br>%{text}<extra></extra>",
                    "line": {"color": colour},
                    "legendgroup": place,
                }
            )
        if tgt:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": f"{place} target",
                    "x": [r["period"] for r in tgt],
                    "y": [r["y"] for r in tgt],
                    "text": [f"{r['report_id']} target ({r['cmp']}): {r['quote']}" for r in tgt],
                    "hovertemplate": "%{x}: %{y}<br>%{text}<extra></extra>",
                    "marker": {
                        "color": colour,
                        "size": 11,
                        "symbol": [symbols.get(r["cmp"], "circle") for r in tgt],
                        "line": {"width": 1, "color": "#222"},
                    },
                    "legendgroup": place,
                }
            )
    return {
        "data": traces,
        "layout": {
            "title": {"text": f"{p.indicator} ({p.measure}{', ' + p.unit if p.unit else ''})"},
            "xaxis": {"title": {"text": "year"}, "dtick": 1},
            "yaxis": {"title": {"text": p.unit}},
            "margin": {"t": 50, "r": 20, "b": 50, "l": 60},
            "legend": {"orientation": "h"},
            "hovermode": "closest",
        },
    }


# -- accountability -------------------------------------------------------------------------
@router.get("/targets", response_class=HTMLResponse)
def targets_page(
    request: Request,
    region: str | None = None,
    indicator: str | None = None,
    year: str | None = None,
    status: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    store = _store(request)
    p = _page(page)
    rows = data.targets(
        store,
        region=opt_str(region),
        indicator=opt_str(indicator),
        year=opt_int("year", year, 1949, 2100),
        status=opt_str(status),
    )
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in data.TARGET_STATUSES}
    shown = rows[(p - 1) * PAGE : p * PAGE]
    return _render(
        request,
        "targets.html",
        rows=shown,
        total=len(rows),
        counts=counts,
        available=store.has_targets(),
        indicators=[i["id"] for i in data.indicators(store)],
        regions=data.library(store, limit=0).regions,
        pages=_pages(request, p, len(rows), PAGE),
        statuses=data.TARGET_STATUSES,
        f={
            "region": opt_str(region) or "",
            "indicator": opt_str(indicator) or "",
            "year": opt_str(year) or "",
            "status": opt_str(status) or "",
        },
    )
