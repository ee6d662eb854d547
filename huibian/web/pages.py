"""The HTML pages: server-rendered, readable without JavaScript.

Views only gather data (huibian.web.data) and hand it to a template; all markup is
in templates/, all text is escaped there or in huibian.web.render.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from huibian import link, search
from huibian.link.rules import rules
from huibian.models import HORIZONS, KINDS, LEVELS, MEASURES
from huibian.web import data, linked, render
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
    outcomes = linked.outcomes_for_report(store, rep)
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
    request: Request,
    report_id: str,
    view: str = "text",
    q: str | None = None,
    hl: str | None = None,
    at: str | None = None,
) -> HTMLResponse:
    if view not in ("text", "source"):
        raise data.BadParam(f"view must be text or source, not {view!r}")
    store = _store(request)
    rep = data.report(store, report_id)
    secs = data.sections(store, report_id)
    facts = data.fact_items(data.facts_frame(store, report=report_id))
    flagged = request.app.state.checks.for_report(report_id)  # huibian audit's flags, once computed
    for f in facts:
        if int(f["id"]) in flagged:
            f["flags"] = flagged[int(f["id"])]
    has_outcomes = _with_outcomes(store, rep, facts)
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


def _flag(value: str | None) -> bool:
    return value in ("1", "on", "true")


def _panel(
    request: Request,
    indicator: str,
    place: Annotated[list[str], Query()] = [],  # noqa: B006
    places: str | None = None,
    measure: str | None = None,
    horizon: str | None = None,
    parent: str | None = None,
    children: str | None = None,
) -> linked.Panel:
    """The indicator page's panel, from its query (a dependency of the page and its CSV twin)."""
    chosen = [p.strip() for p in place if p.strip()]
    if places:
        chosen += [p.strip() for p in places.replace("，", ",").split(",") if p.strip()]
    return linked.panel(
        _store(request),
        indicator,
        places=chosen,
        measure=opt_str(measure),
        horizon=opt_str(horizon),
        parent=_flag(parent),
        children=_flag(children),
    )


PanelQuery = Annotated[linked.Panel, Depends(_panel)]


@router.get("/indicators/{indicator}.csv")
def indicator_csv(indicator: str, p: PanelQuery) -> Response:
    return Response(
        linked.panel_csv(p),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={_quote(indicator)}-{p.measure}-panel.csv"},
    )


@router.get("/indicators/{indicator}", response_class=HTMLResponse)
def indicator_page(request: Request, indicator: str, p: PanelQuery) -> HTMLResponse:
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
        horizons=linked.HORIZON_CHOICES,
        f={
            "places": ", ".join(p.places),
            "parent": _flag(request.query_params.get("parent")),
            "children": _flag(request.query_params.get("children")),
        },
    )


def _gapped(rows: list[dict[str, Any]]) -> tuple[list, list, list]:
    """x, y and hover text of a line, with a break where years are missing (no line over a gap)."""
    xs: list[Any] = []
    ys: list[Any] = []
    texts: list[Any] = []
    for r in rows:
        if r["y"] is None:  # in a unit that does not convert to the chart's: listed, not drawn
            continue
        if xs and r["period"] - xs[-1] > 1:
            xs.append(xs[-1] + 1)
            ys.append(None)
            texts.append(None)
        xs.append(r["period"])
        ys.append(r["y"])
        texts.append(f"{r['report_id']} ({r['kind']}): {r['quote']}")
    return xs, ys, texts


def _chart(p: linked.Panel) -> dict[str, Any]:
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
    for i, (key, place) in enumerate(zip(p.keys, p.places, strict=True)):
        colour = palette[i % len(palette)]
        out = [r for r in p.rows if r["place"] == key and r["series"] == "outcome"]
        tgt = [r for r in p.rows if r["place"] == key and r["series"] == "target" and r["y"] is not None]
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
                    "text": [
                        f"{r['report_id']} {r['horizon']} target ({r['cmp']}, {r['value']}{r['unit']}): {r['quote']}"
                        for r in tgt
                    ],
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
    store = _store(request)
    p = _page(page)
    view = opt_str(view) or "list"
    if view not in ("list", "promises"):
        raise data.BadParam(f"view must be list or promises, not {view!r}")
    f = {
        "region": opt_str(region) or "",
        "children": _flag(children),
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
            context["promises"] = linked.promises(store, f["region"], first)
            context["promise_year"] = first
    else:
        sel = linked.targets(
            store,
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
            "pages": _pages(request, p, total, PAGE),
        }
    return _render(
        request,
        "targets.html",
        indicators=[i["id"] for i in data.indicators(store)],
        regions=data.library(store, limit=0).regions,
        statuses=linked.TARGET_STATUSES,
        levels=LEVELS,
        measures=MEASURES,
        horizons=HORIZONS,
        approx=rules()["approx"],
        f=f,
        **context,
    )
