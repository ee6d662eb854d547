"""Query parameters as the HTML pages take them (a form sends '' for a field left empty),
and the previous/next links of a paged list. The JSON API types its parameters instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Request

from huibian.web.data import BadParam, Reports


def opt_int(name: str, value: str | None, lo: int = 0, hi: int = 10**6) -> int | None:
    """An optional integer form field: '' means not given; anything else must be a number."""
    if value is None or value.strip() == "":
        return None
    try:
        n = int(value.strip())
    except ValueError:
        raise BadParam(f"{name} must be a whole number, not {value!r}") from None
    if not lo <= n <= hi:
        raise BadParam(f"{name} must be between {lo} and {hi}, not {n}")
    return n


def opt_str(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def flag(value: str | None) -> bool:
    """A checkbox: on when sent as 1, on or true."""
    return value in ("1", "on", "true")


def page_number(value: str | None) -> int:
    return opt_int("page", value, 1, 10**5) or 1


def places(place: list[str], places: str | None) -> list[str]:
    """The places a page is asked for: each `place=` and the comma-separated `places=`."""
    chosen = [p.strip() for p in place if p.strip()]
    if places:
        chosen += [p.strip() for p in places.replace("，", ",").split(",") if p.strip()]
    return chosen


@dataclass(frozen=True)
class ReportForm:
    """The report filters of the library and search pages (region, level, year), as typed;
    read when used, so a page that does not use them does not refuse them."""

    region_text: str | None = None
    level_text: str | None = None
    year_text: str | None = None

    def filters(self) -> Reports:
        """The filters for data.library and data.run_search (a bad year or level is a 400)."""
        return Reports(opt_str(self.region_text), opt_str(self.level_text), opt_int("year", self.year_text, 1949, 2100))

    def form(self) -> dict[str, str]:
        """The values to show in the form again."""
        return {k: opt_str(v) or "" for k, v in (("region", self.region_text), ("level", self.level_text),
                                                ("year", self.year_text))}


def report_form(region: str | None = None, level: str | None = None, year: str | None = None) -> ReportForm:
    return ReportForm(region, level, year)


ReportQuery = Annotated[ReportForm, Depends(report_form)]


def pager(request: Request, page: int, total: int, per: int) -> dict[str, Any]:
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


def url_part(s: str) -> str:
    """`s` quoted for a path segment or a file name in a header."""
    return quote(s, safe="")
