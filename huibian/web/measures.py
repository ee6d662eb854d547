"""The measures page: a dictionary's attention measure over the years for chosen places.

Like the indicator page: a Plotly chart (plotly.js from the installed package), the
panel behind it as a table, as CSV (/measures.csv) and as JSON (/api/measures), all
from the same data function (attention.measure_panel), with the same query parameters.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from huibian import measures
from huibian.web import attention, charts, data, params
from huibian.web.site import site

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["api"])


def _panel(
    request: Request,
    dict_: str | None,
    terms: str | None,
    place: list[str],
    places_: str | None,
    role: str | None,
    scale: str | None,
    parent: str | None,
    children: str | None,
) -> attention.MeasurePanel:
    dictionary = attention.measure_dictionary(dict_, terms)
    return attention.measure_panel(
        site(request),
        dictionary,
        places=params.places(place, places_),
        parent=params.flag(parent),
        children=params.flag(children),
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


def _csv(p: attention.MeasurePanel) -> str:
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
    s = site(request)
    p = _panel(request, dict_, terms, place, places, role, scale, parent, children)
    query = str(request.url.query)
    return s.render(
        request,
        "measures.html",
        panel=p,
        rows=p.frame.to_dict("records"),
        chart=charts.measure_chart(p),
        csv_url="/measures.csv" + (f"?{query}" if query else ""),
        json_url="/api/measures" + (f"?{query}" if query else ""),
        builtins=measures.builtins(),
        regions=data.library(s, limit=0).regions,
        roles=attention.MEASURE_ROLES,
        scales=attention.MEASURE_SCALES,
        f={
            "dict": p.dictionary.name if p.dictionary.builtin else "",
            "terms": terms or "",
            "places": ", ".join(p.places),
            "parent": params.flag(parent),
            "children": params.flag(children),
        },
    )
