"""`huibian facts` and `huibian eval`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from huibian import evaluate, export
from huibian.cli.app import DbOption, FormatOption, OutOption, app, console, console_err
from huibian.db import FACT_COLUMNS, Database
from huibian.models import HuibianError


@app.command()
def facts(
    db: DbOption = "huibian.db",
    report: Annotated[str | None, typer.Option(help="report id, e.g. 锦州市-2012")] = None,
    indicator: Annotated[str | None, typer.Option(help="canonical indicator id, e.g. gdp")] = None,
    kind: Annotated[str | None, typer.Option(help="actual | estimate | target")] = None,
    period: Annotated[int | None, typer.Option(help="the year the figure describes")] = None,
    low_confidence: Annotated[
        bool, typer.Option("--low-confidence", help="only facts whose number OCR read with low confidence")
    ] = False,
    format: FormatOption = "table",
    output: OutOption = None,
) -> None:
    """Facts in the store, filtered; jsonl gives exactly the facts.md exchange format."""
    if kind and kind not in ("actual", "estimate", "target"):
        console_err.print(f"[red]error:[/red] --kind must be actual, estimate or target (got {kind!r})")
        raise typer.Exit(2)
    with Database(db, readonly=True) as database:
        df = database.facts(report=report, indicator=indicator, kind=kind, period=period,
                            low_confidence=True if low_confidence else None)
    if format == "table":
        df["value"] = df["value_text"]
        cols = ["report", "indicator", "scope", "period", "kind", "measure", "value", "unit", "cmp", "quote"]
        if df["confidence"].notna().any():  # scanned pages: say which numbers to check on the page
            df["ocr"] = df["low_confidence"].map({True: "check", False: ""})
            cols.insert(cols.index("quote"), "ocr")
        export.write(df[cols], "table", output, title=f"{len(df)} facts")
        return
    cols = FACT_COLUMNS + ["value_text"]
    export.write(df[cols], format, output, facts=True)


@app.command("eval")
def eval_(
    gold: Annotated[str, typer.Option("--gold", help="gold .jsonl file or directory of them")],
    db: DbOption = "huibian.db",
    pred: Annotated[str | None, typer.Option("--pred", help="predicted facts .jsonl instead of a store")] = None,
    show: Annotated[int, typer.Option("--show", help="list up to N missed and N spurious facts")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print the scores as JSON")] = False,
) -> None:
    """Score extracted facts against gold facts (the rules of docs/facts.md)."""
    gold_facts = evaluate.load_jsonl(gold)
    if pred:
        predicted = evaluate.load_jsonl(pred)
    else:
        with Database(db, readonly=True) as database:
            predicted = export.fact_records(database.facts())
    reports = {g["report"] for g in gold_facts}
    missing = sorted(reports - {p["report"] for p in predicted})
    scores = evaluate.score(predicted, gold_facts)
    if as_json:
        print(json.dumps({k: v.as_dict() for k, v in scores.items()}, ensure_ascii=False))
        return
    table = Table(title=f"scores on {len(reports)} gold report(s)", header_style="bold")
    for col in ("score", "precision", "recall", "F1", "correct", "predicted", "gold"):
        table.add_column(col, justify="right" if col != "score" else "left")
    for s in scores.values():
        table.add_row(s.name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.n_pred),
                      str(s.n_gold))
    console.print(table)
    if missing:
        console_err.print(f"[yellow]no predictions for:[/yellow] {', '.join(missing)} — ingest them first")
    per = Table(title="per report", header_style="bold")
    for col in ("report", "headline F1 (lenient)", "all-facts F1", "predicted", "gold"):
        per.add_column(col)
    for row in evaluate.per_report(predicted, gold_facts):
        per.add_row(row["report"], f"{row['headline_f1']:.3f}", f"{row['all_f1']:.3f}", str(row["pred"]),
                    str(row["gold"]))
    console.print(per)
    for key in ("headline_lenient", "all_facts"):
        s = scores[key]
        console.print(f"[bold]{s.name}: errors by field[/bold] (missed gold facts vs. nearest prediction): "
                      + ", ".join(f"{k} {v}" for k, v in s.field_errors.most_common()))
    if show:
        s = scores["all_facts"]
        for title, rows in (("missed", s.missed), ("spurious", s.spurious)):
            t = Table(title=f"{title} (all facts; first {min(show, len(rows))} of {len(rows)})", header_style="bold")
            for col in ("report", "period", "kind", "measure", "value", "unit", "cmp", "quote"):
                t.add_column(col, overflow="fold")
            for r in rows[:show]:
                t.add_row(*[str(r.get(c, "")) for c in ("report", "period", "kind", "measure", "value", "unit", "cmp",
                                                          "quote")])
            console.print(t)


__all__ = ["facts", "eval_", "HuibianError"]
