"""The measures page: a dictionary's attention measure over the years for chosen places.

Like the indicator page: a Plotly chart (plotly.js from the installed package), the
panel behind it as a table, as CSV (/measures.csv) and as JSON (/api/measures), all
from the same data function (data.measure_panel), with the same query parameters.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from huibian.web import data
from huibian.web.app import templates

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["api"])
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]


def _flag(v: str | None) -> bool:
    return v in ("1", "on", "true")


def _panel(
    request: Request,
    dict_: str | None,
    terms: str | None,
    place: list[str],
    places: str | None,
    role: str | None,
    scale: str | None,
    parent: str | None,
    children: str | None,
) -> data.MeasurePanel:
    chosen = [p.strip() for p in place if p.strip()]
    if places:
        chosen += [p.strip() for p in places.replace("，", ",").split(",") if p.strip()]
    dictionary = data.measure_dictionary(dict_, terms)
    return data.measure_panel(
        request.app.state.store,
        dictionary,
        places=chosen,
        parent=_flag(parent),
        children=_flag(children),
        role=(role or "").strip(),
        scale=(scale or "per_10k_chars").strip(),
    )


Dict = Annotated[str | None, Query(alias="dict", description="built-in dictionary name (default environment)")]
Terms = Annotated[str | None, Query(description="your own terms instead, one per line or comma-separated")]
Places = Annotated[str | None, Query(description="places, comma-separated (region names or codes)")]
Place = Annotated[list[str], Query(description="a place (repeatable)")]
Role = Annotated[str | None, Query(description="a section role; empty = the whole report")]
Scale = Annotated[str | None, Query(description="per_10k_chars (default) or per_word")]
Flag = Annotated[str | None, Query(description="1 to add each place's parent / children")]


def _csv(p: data.MeasurePanel) -> str:
    return p.frame.to_csv(index=False)


@router.get("/measures.csv")
def measures_csv(
    request: Request, dict_: Dict = None, terms: Terms = None, place: Place = [], places: Places = None,  # noqa: B006
    role: Role = None, scale: Scale = None, parent: Flag = None, children: Flag = None,
) -> Response:
    p = _panel(request, dict_, terms, place, places, role, scale, parent, children)
    return Response(
        _csv(p),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={p.dictionary.name}-measures.csv"},
    )


@api_router.get("/measures", summary="A dictionary's attention measure for chosen places, by report")
def api_measures(
    request: Request, dict_: Dict = None, terms: Terms = None, place: Place = [], places: Places = None,  # noqa: B006
    role: Role = None, scale: Scale = None, parent: Flag = None, children: Flag = None,
) -> list[dict[str, Any]]:
    """The rows of `huibian measures` (the same columns) for the places, their parents or children."""
    p = _panel(request, dict_, terms, place, places, role, scale, parent, children)
    cols = list(p.frame.columns)
    return [
        {c: data.clean(v) for c, v in zip(cols, vals, strict=True)}
        for vals in zip(*(p.frame[c].tolist() for c in cols), strict=True)
    ]


@router.get("/measures", response_class=HTMLResponse)
def measures_page(
    request: Request, dict_: Dict = None, terms: Terms = None, place: Place = [], places: Places = None,  # noqa: B006
    role: Role = None, scale: Scale = None, parent: Flag = None, children: Flag = None,
) -> HTMLResponse:
    from huibian import measures

    p = _panel(request, dict_, terms, place, places, role, scale, parent, children)
    query = str(request.url.query)
    rows = p.frame.to_dict("records")
    return templates.TemplateResponse(
        request,
        "measures.html",
        {
            "panel": p,
            "rows": rows,
            "chart": _chart(p),
            "csv_url": "/measures.csv" + (f"?{query}" if query else ""),
            "json_url": "/api/measures" + (f"?{query}" if query else ""),
            "builtins": measures.builtins(),
            "regions": data.library(request.app.state.store, limit=0).regions,
            "roles": data.MEASURE_ROLES,
            "scales": data.MEASURE_SCALES,
            "f": {
                "dict": p.dictionary.name if p.dictionary.builtin else "",
                "terms": terms or "",
                "places": ", ".join(p.places),
                "parent": _flag(parent),
                "children": _flag(children),
            },
        },
    )


def _chart(p: data.MeasurePanel) -> dict[str, Any]:
    """One line per place: the measure of each year's report (a gap where a year is missing)."""
    df = p.frame
    traces = []
    for i, place in enumerate(p.places):
        sub = df[df["region"] == place]
        if sub.empty:
            continue
        by_year = sub.groupby("year").agg(y=(p.scale, "mean"), reports=("report", ", ".join), total=("total", "sum"))
        xs: list[Any] = []
        ys: list[Any] = []
        texts: list[Any] = []
        for year, r in by_year.iterrows():
            if xs and int(year) - xs[-1] > 1:
                xs.append(xs[-1] + 1)
                ys.append(None)
                texts.append(None)
            xs.append(int(year))
            ys.append(None if r["y"] != r["y"] else round(float(r["y"]), 6))
            texts.append(f"{r['reports']}: {int(r['total'])} terms")
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": place,
                "x": xs,
                "y": ys,
                "text": texts,
                "connectgaps": False,
                "hovertemplate": "%{x}: %{y}<br>%{text}<extra></extra>",
                "line": {"color": PALETTE[i % len(PALETTE)]},
            }
        )
    unit = "terms per 10,000 characters" if p.scale == "per_10k_chars" else "terms per word"
    where = f", {p.role} sections" if p.role else ""
    return {
        "data": traces,
        "layout": {
            "title": {"text": f"{p.dictionary.title or p.dictionary.name}{where}"},
            "xaxis": {"title": {"text": "report year"}, "dtick": 1},
            "yaxis": {"title": {"text": unit}, "rangemode": "tozero"},
            "margin": {"t": 50, "r": 20, "b": 50, "l": 60},
            "legend": {"orientation": "h"},
            "hovermode": "closest",
        },
    }
