"""`huibian audit`: the store checks itself (huibian/audit.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from huibian import audit as checks
from huibian import export
from huibian.cli.app import DbOption, FormatOption, OutOption, app, choices, console
from huibian.db import Database

Check = choices("Check", checks.CHECKS)


@app.command()
def audit(
    db: DbOption = "huibian.db",
    check: Annotated[list[Check] | None, typer.Option("--check", help="run only these checks (repeatable)")] = None,
    format: FormatOption = "table",
    output: OutOption = None,
    limit: Annotated[int, typer.Option(help="table format: list at most N flags per check")] = 15,
) -> None:
    """Flag facts that are probably wrong: unmapped names, figures restated differently,
    series breaks, parts above their whole, implausible values. Each flag names its facts,
    quotes and reports; nothing is changed."""
    chosen = tuple(c.value for c in check) if check else checks.CHECKS
    with Database(db, readonly=True) as database:
        flags = database.audit(checks=chosen)
    if format != "table":
        export.write(flags, format, output)
        return
    counts = checks.summary(flags)
    export.write(counts, "table", None, title=f"audit of {db}: {len(flags)} flags")
    for name in chosen:
        sub = flags[flags["check"] == name]
        if len(sub):
            cols = ["report", "indicator", "period", "measure", "value", "unit", "detail", "quote"]
            export.write(sub[cols].head(limit), "table", None, title=f"{name} (first {min(limit, len(sub))} of {len(sub)})")
    if format == "table" and len(flags):
        console.print("full list: huibian audit --format csv -o flags.csv")
