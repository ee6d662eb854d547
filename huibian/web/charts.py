"""Plotly figures of the indicator and measures pages, built as plain data (the page hands
them to plotly.js from the installed package): outcomes and measures as lines with a
break over missing years, targets as markers shaped by their qualifier."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from huibian.web.attention import MeasurePanel
from huibian.web.linked import Panel

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
TARGET_SYMBOLS = {"ge": "triangle-up", "le": "triangle-down", "approx": "diamond", "range": "square", "eq": "circle"}
HOVER = "%{x}: %{y}<br>%{text}<extra></extra>"


def gapped(points: Iterable[tuple[int, Any, Any]]) -> tuple[list, list, list]:
    """x, y and hover text of a line from (year, y, text) points, with a break where years
    are missing (no line drawn over a gap)."""
    xs: list[Any] = []
    ys: list[Any] = []
    texts: list[Any] = []
    for x, y, text in points:
        if xs and x - xs[-1] > 1:
            xs.append(xs[-1] + 1)
            ys.append(None)
            texts.append(None)
        xs.append(x)
        ys.append(y)
        texts.append(text)
    return xs, ys, texts


def line(name: str, points: Iterable[tuple[int, Any, Any]], colour: str) -> dict[str, Any]:
    """A line over the years, broken at gaps."""
    xs, ys, texts = gapped(points)
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": xs,
        "y": ys,
        "text": texts,
        "connectgaps": False,
        "hovertemplate": HOVER,
        "line": {"color": colour},
    }


def figure(traces: list[dict[str, Any]], title: str, x_title: str, yaxis: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": traces,
        "layout": {
            "title": {"text": title},
            "xaxis": {"title": {"text": x_title}, "dtick": 1},
            "yaxis": yaxis,
            "margin": {"t": 50, "r": 20, "b": 50, "l": 60},
            "legend": {"orientation": "h"},
            "hovermode": "closest",
        },
    }


def indicator_chart(p: Panel) -> dict[str, Any]:
    """The indicator page: each place's outcomes as a line, its targets as markers (symbol by qualifier)."""
    traces: list[dict[str, Any]] = []
    for i, (key, place) in enumerate(zip(p.keys, p.places, strict=True)):
        colour = PALETTE[i % len(PALETTE)]
        out = [r for r in p.rows if r["place"] == key and r["series"] == "outcome"]
        tgt = [r for r in p.rows if r["place"] == key and r["series"] == "target" and r["y"] is not None]
        if out:
            # a value in a unit that does not convert to the chart's is listed, not drawn
            points = [(r["period"], r["y"], f"{r['report_id']} ({r['kind']}): {r['quote']}") for r in out if r["y"] is not None]
            traces.append(line(f"{place} outcome", points, colour) | {"legendgroup": place})
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
                    "hovertemplate": HOVER,
                    "marker": {
                        "color": colour,
                        "size": 11,
                        "symbol": [TARGET_SYMBOLS.get(r["cmp"], "circle") for r in tgt],
                        "line": {"width": 1, "color": "#222"},
                    },
                    "legendgroup": place,
                }
            )
    title = f"{p.indicator} ({p.measure}{', ' + p.unit if p.unit else ''})"
    return figure(traces, title, "year", {"title": {"text": p.unit}})


def measure_chart(p: MeasurePanel) -> dict[str, Any]:
    """The measures page: one line per place, the measure of each year's report."""
    df = p.frame
    traces = []
    for i, place in enumerate(p.places):
        sub = df[df["region"] == place]
        if sub.empty:
            continue
        by_year = sub.groupby("year").agg(y=(p.scale, "mean"), reports=("report", ", ".join), total=("total", "sum"))
        points = [
            (int(year), None if r["y"] != r["y"] else round(float(r["y"]), 6), f"{r['reports']}: {int(r['total'])} terms")
            for year, r in by_year.iterrows()
        ]
        traces.append(line(place, points, PALETTE[i % len(PALETTE)]))
    unit = "terms per 10,000 characters" if p.scale == "per_10k_chars" else "terms per word"
    where = f", {p.role} sections" if p.role else ""
    title = f"{p.dictionary.title or p.dictionary.name}{where}"
    return figure(traces, title, "report year", {"title": {"text": unit}, "rangemode": "tozero"})
