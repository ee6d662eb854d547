"""`huibian facts` and `huibian eval`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from huibian import evaluate, export
from huibian.cli.app import DbOption, FormatOption, OutOption, app, console, console_err
from huibian.cli.filters import (
    ChildrenOption,
    HorizonOption,
    LevelOption,
    MeasureOption,
    RegionOption,
    YearOption,
)
from huibian.db import FACT_COLUMNS, Database
from huibian.models import KINDS, HuibianError


@app.command()
def facts(
    db: DbOption = "huibian.db",
    report: Annotated[str | None, typer.Option(help="report id, e.g. 锦州市-2012")] = None,
    indicator: Annotated[str | None, typer.Option(help="canonical indicator id, e.g. gdp")] = None,
    kind: Annotated[Literal[KINDS] | None, typer.Option(help="kind of figure")] = None,
    period: Annotated[int | None, typer.Option(help="the year the figure describes")] = None,
    region: RegionOption = None,
    children: ChildrenOption = False,
    level: LevelOption = None,
    measure: MeasureOption = None,
    horizon: HorizonOption = None,
    year: YearOption = None,
    low_confidence: Annotated[
        bool, typer.Option("--low-confidence", help="only facts whose number OCR read with low confidence")
    ] = False,
    format: FormatOption = "table",
    output: OutOption = None,
) -> None:
    """Facts in the store, filtered; jsonl gives exactly the facts.md exchange format."""
    with Database(db, readonly=True) as database:
        df = database.facts(
            report=report, indicator=indicator, kind=kind, period=period, region=region, children=children,
            level=level, measure=measure, horizon=horizon, year=year, low_confidence=True if low_confidence else None,
        )
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
    gold: Annotated[Path, typer.Option("--gold", exists=True, help="gold .jsonl file or directory of them")],
    db: DbOption = "huibian.db",
    pred: Annotated[
        Path | None, typer.Option("--pred", exists=True, help="predicted facts .jsonl instead of a store")
    ] = None,
    show: Annotated[int, typer.Option("--show", help="list up to N missed and N spurious facts")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print the scores as JSON")] = False,
    ablate: Annotated[list[str] | None, typer.Option(
        "--ablate", help="re-extract the gold reports from the store with this rule off (repeatable; "
                         "`huibian rules` lists them) and show what it is worth")] = None,
) -> None:
    """Score extracted facts against gold facts (the rules of docs/facts.md)."""
    gold_set = evaluate.load_gold(gold)
    gold_facts = gold_set.facts
    if ablate:
        _ablate(db, gold_set, ablate, as_json)
        return
    if pred:
        predicted = evaluate.load_jsonl(pred)
    else:
        with Database(db, readonly=True) as database:
            predicted = export.fact_records(database.facts())
    reports = {g["report"] for g in gold_facts}
    missing = sorted(reports - {p["report"] for p in predicted})
    scores = evaluate.score(predicted, gold_facts, headline_only=gold_set.headline_only)
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
    for row in evaluate.per_report(predicted, gold_facts, gold_set.headline_only):
        all_f1 = "headline gold" if row["all_f1"] is None else f"{row['all_f1']:.3f}"
        per.add_row(row["report"], f"{row['headline_f1']:.3f}", all_f1, str(row["pred"]), str(row["gold"]))
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


def _ablate(db: str, gold_set: evaluate.Gold, rules: list[str], as_json: bool) -> None:
    from huibian.extract.rules import known_rules, switchable

    unknown = [r for r in rules if not switchable(r)]
    if unknown:
        known = [r for r in unknown if r in known_rules()]
        why = "is part of the mention grammar and cannot be switched off" if known else "is no rule"
        raise HuibianError(f"{', '.join(unknown)} {why} — `huibian rules` lists the rules and which can be")
    with Database(db, readonly=True) as database:
        rows = evaluate.ablate(database.conn, gold_set, rules)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    base = rows[0]
    table = Table(title="rule ablation on the gold reports in the store", header_style="bold")
    for col in ("run", "headline F1", "Δ", "all-facts F1", "Δ", "facts"):
        table.add_column(col, justify="left" if col == "run" else "right")
    for r in rows:
        table.add_row(r["run"], f"{r['headline_f1']:.3f}", f"{r['headline_f1'] - base['headline_f1']:+.3f}",
                      f"{r['all_f1']:.3f}", f"{r['all_f1'] - base['all_f1']:+.3f}", str(r["facts"]))
    console.print(table)


@app.command("rules")
def rules_() -> None:
    """The extraction rules, each with what it decides (names for --ablate and --explain)."""
    from huibian.extract.rules import describe, known_rules, switchable

    table = Table(title="extraction rules", header_style="bold")
    table.add_column("rule")
    table.add_column("--ablate")
    table.add_column("what it does")
    for name in known_rules():
        table.add_row(name, "yes" if switchable(name) else "", describe(name))
    console.print(table)


__all__ = ["facts", "eval_", "rules_", "HuibianError"]
