"""A report's region → its division, with the hints its metadata gives (parent, file name)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from huibian.chars import HAN
from huibian.models import ReportMeta
from huibian.resolve.names import Resolution, resolve

_FILE_PROVINCE = re.compile(f"^([{HAN}]{{2,8}})-[{HAN}]+-\\d{{4}}")


def hints_for(meta: ReportMeta) -> list[str]:
    """Parent names the report's context gives: its parent field, and a file named 省-地区-年."""
    hints = [meta.parent] if meta.parent else []
    if meta.source:
        m = _FILE_PROVINCE.match(Path(meta.source).name)
        if m and m.group(1) not in hints:
            hints.append(m.group(1))
    return hints


def resolve_report(meta: ReportMeta, text: str | None = None) -> Resolution:
    """Resolve a report's region as of its year, with the hints its metadata and text give.

    When the region the text gave names no division and the file is named 省-地区-年
    for the same year, the file's 地区 is tried (with a note saying so).
    """
    hints = hints_for(meta)
    head = text[:20000] if text else None
    res = resolve(meta.region, meta.year, parent=hints, level=meta.level, date=meta.date, text=head)
    if res.status == "unknown" and meta.source:
        m = _FILE_REGION.match(Path(meta.source).name)
        if m and int(m.group(3)) == meta.year and m.group(2) != meta.region:
            alt = resolve(
                m.group(2), meta.year, parent=m.group(1), level=meta.level, date=meta.date, text=head
            )
            if alt.status == "ok":
                alt.notes.append(
                    f"region {meta.region!r} names no division; took {m.group(2)} from the file name"
                )
                alt.reason += " (file name)"
                return alt
    return res


_FILE_REGION = re.compile(f"^([{HAN}]{{2,8}})-([{HAN}]{{2,20}})-(\\d{{4}})")


def annotate(meta: ReportMeta, text: str | None = None) -> ReportMeta:
    """A copy of `meta` with admin_code, level and parent from the resolver.

    When the resolver cannot settle the place, the text-derived level is kept and the
    reason goes into `warnings`.
    """
    res = resolve_report(meta, text)
    warnings = list(meta.warnings) + [f"resolve: {n}" for n in res.notes]
    if res.status != "ok":
        return replace(meta, warnings=warnings + [f"resolve: {res.status}: {res.reason}"])
    parent = res.parent.name if res.parent else meta.parent
    return replace(meta, admin_code=res.code, level=res.level, parent=parent, warnings=warnings)
