"""`huibian ingest`, `huibian reports`, `huibian show`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from huibian import export, read
from huibian.cli.app import DbOption, FormatOption, OutOption, app, console, console_err
from huibian.db import Database
from huibian.ingest import FileResult, Interrupted, Limits
from huibian.ingest import ingest as ingest_files
from huibian.pipeline import Options
from huibian.read.names import printable


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or directories (read recursively)")],
    db: DbOption = "huibian.db",
    workers: Annotated[int, typer.Option(help="processes; default: CPU count")] = 0,
    replace: Annotated[bool, typer.Option("--replace", help="re-process files already in the store")] = False,
    region: Annotated[str | None, typer.Option(help="region for files whose text names none")] = None,
    year: Annotated[int | None, typer.Option(help="report year for files whose text names none")] = None,
    max_mb: Annotated[float, typer.Option("--max-mb", help="refuse files larger than this")] = read.DEFAULT_MAX_BYTES
    / 2**20,
    timeout: Annotated[float, typer.Option(help="seconds one file may take before it is given up", min=0.1)] = (
        Limits.seconds
    ),
    max_memory: Annotated[int, typer.Option("--max-memory", help="MB of memory one file may take", min=64)] = (
        Limits.memory_mb
    ),
    taxonomy: Annotated[str | None, typer.Option(help="extra indicator taxonomy YAML")] = None,
    no_index: Annotated[
        bool, typer.Option("--no-index", help="skip the search index now; build it later with `huibian index`")
    ] = False,
    ocr: Annotated[str, typer.Option(
        help="scanned pages and images: auto (OCR pages without a usable text layer), always, never")] = "auto",
    ocr_engine: Annotated[str | None, typer.Option(help="rapidocr or tesseract (default: data/ocr.yaml)")] = None,
    ocr_cache: Annotated[str | None, typer.Option(
        help="OCR cache directory ('' turns it off; default: ~/.cache/huibian/ocr)")] = None,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="when another ingest is writing to the store, stop instead of waiting")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Ingest report files and compilation books into the store.

    Exit 0 when every file went in, 1 when some failed (the rest are stored), 2 on usage
    errors, 130 on Ctrl-C (what was stored stays; re-run to go on).
    """
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        console_err.print(f"[red]error:[/red] no such file or directory: {', '.join(_show(str(p)) for p in missing)}",
                          highlight=False)
        raise typer.Exit(2)
    if taxonomy and not Path(taxonomy).exists():
        console_err.print(f"[red]error:[/red] taxonomy file not found: {_show(taxonomy)}", highlight=False)
        raise typer.Exit(2)
    from huibian.ocr.settings import MODES, OcrSettings

    if ocr not in MODES or (ocr_engine and ocr_engine not in ("rapidocr", "tesseract")):
        console_err.print(f"[red]error:[/red] --ocr must be one of {', '.join(MODES)} and --ocr-engine rapidocr "
                          f"or tesseract (got {ocr!r}, {ocr_engine!r})")
        raise typer.Exit(2)
    ocr_settings = OcrSettings(mode=ocr, engine=ocr_engine or "", cache_dir=ocr_cache)
    options = Options(region=region, year=year, max_bytes=int(max_mb * 2**20), taxonomy_path=taxonomy,
                      ocr=ocr_settings)
    files, _skipped = read.iter_files(paths)
    # one file shows a bar only when it may have pages to OCR (the page bar), and on a terminal
    scans = console_err.is_terminal and any(p.suffix.lower() in read.IMAGES | {".pdf"} for p in files)
    with Progress(
        TextColumn("[bold]{task.fields[what]}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        TextColumn("{task.description}"), console=console_err, disable=quiet or (len(files) < 2 and not scans),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=len(files), what="ingest", visible=len(files) >= 2)
        pages = bar.add_task("", total=None, what="ocr pages", visible=False)

        def page_step(done: int, total: int) -> None:  # the page pool's progress: pages, not files
            bar.update(pages, completed=done, total=total, visible=total > 0, description="page by page")

        def step(res: FileResult) -> None:
            if res.status != "skipped":
                bar.update(task, advance=1, description=escape(res.path.rsplit("/", 1)[-1][:40]))
            if res.status == "failed":
                bar.console.print(f"[red]failed:[/red] {_show(res.path)}: {_show(res.error or '')}", highlight=False,
                                  soft_wrap=True)
            for note in res.notes:
                bar.console.print(f"[yellow]note:[/yellow] {_show(res.path)}: {_show(note)}", highlight=False, soft_wrap=True)

        def waiting(message: str) -> None:
            bar.console.print(f"[yellow]waiting:[/yellow] {_show(message)}", highlight=False, soft_wrap=True)

        try:
            summary = ingest_files(
                list(paths), db, options=options, workers=workers or os.cpu_count() or 1, replace=replace,
                index=not no_index, progress=step, limits=Limits(seconds=timeout, memory_mb=max_memory),
                wait=not no_wait, on_wait=waiting, page_progress=page_step,
            )
        except Interrupted as stop:
            summary = stop.summary
    stored = [r for r in summary.results if r.status in ("added", "replaced", "duplicate", "unchanged")]
    if summary.interrupted:
        console_err.print(
            f"[red]interrupted:[/red] {len(stored)} file(s) stored before Ctrl-C; the store is consistent. "
            "Run the same command again to go on (stored files are skipped).", highlight=False)
        raise typer.Exit(130)
    if no_index:
        console_err.print(f"search index not updated: run `huibian index --db {_show(db)}` when the load is done",
                          highlight=False)
    for res in summary.results:
        if res.status == "skipped":
            console_err.print(f"[yellow]skipped:[/yellow] {_show(res.path)}: {_show(res.error or '')}",
                              highlight=False)
    if not quiet:
        _summary_table(summary.results)
        run = summary.ocr
        if run and run.pages:
            rate = 60 * run.recognised / run.seconds if run.seconds else 0
            console.print(f"OCR: {run.pages} page(s) in {run.files} file(s): {run.recognised} recognised"
                          + (f" ({rate:.1f} pages a minute)" if run.recognised else "")
                          + f", {run.cached} from the cache" + (f", {len(run.failed)} failed" if run.failed else ""))
    if summary.failed:
        console_err.print(
            f"[red]{len(summary.failed)} file(s) failed[/red]; the others are stored. Fix or remove them and re-run "
            "(re-running is safe: unchanged files are skipped)."
        )
        raise typer.Exit(1)


def _show(text: str) -> str:
    """Text from outside (a file name, a message quoting one) for the terminal: control
    characters escaped, rich markup (`[red]`) shown as written."""
    return escape(printable(text))


def _summary_table(results: list[FileResult]) -> None:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    table = Table(title="ingest summary", header_style="bold")
    for col in ("file", "status", "reports", "facts", "problem"):
        table.add_column(col, overflow="fold")
    shown = [r for r in results if r.status != "unchanged"] if len(results) > 30 else results
    for r in shown[:200]:
        colour = {"failed": "red", "skipped": "yellow", "added": "green", "duplicate": "cyan"}.get(r.status, "")
        table.add_row(
            Text(r.path.rsplit("/", 1)[-1]), Text(r.status, style=colour), Text(", ".join(r.reports)),
            str(r.facts) if r.reports else "", Text(printable(r.error or "")),
        )
    console.print(table)
    console.print("  ".join(f"{k}: {v}" for k, v in sorted(counts.items())))


@app.command()
def reports(db: DbOption = "huibian.db", format: FormatOption = "table", output: OutOption = None) -> None:
    """List the reports in the store."""
    with Database(db, readonly=True) as database:
        df = database.reports()
    cols = ["id", "region", "parent", "level", "year", "date", "meeting", "speaker", "post", "title", "source"]
    if format == "table":
        cols = ["id", "region", "parent", "level", "year", "date", "post", "speaker"]
    if format != "table":
        cols += ["source_start", "source_end", "admin_code", "content_hash"]
    export.write(df[cols], format, output, title="reports")


@app.command()
def show(
    report_id: Annotated[str, typer.Argument(metavar="ID")],
    db: DbOption = "huibian.db",
    text: Annotated[bool, typer.Option("--text", help="print the cleaned text")] = False,
    facts: Annotated[bool, typer.Option("--facts", help="list the report's facts beside their quotes")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="with --facts: the rules that decided each fact")] = False,
) -> None:
    """Show a report's metadata and section outline (or its text, or its facts)."""
    with Database(db, readonly=True) as database:
        rep = database.report(report_id)
        if text:
            console.out(rep["text"], highlight=False)
            return
        meta = Table.grid(padding=(0, 2))
        for key in ("id", "title", "region", "parent", "level", "admin_code", "year", "date", "meeting", "post",
                    "speaker", "source"):
            meta.add_row(f"[bold]{key}[/bold]", str(rep[key] or ""))
        meta.add_row("[bold]span[/bold]", f"{rep['source_start']}–{rep['source_end']}")
        meta.add_row("[bold]repairs[/bold]", ", ".join(f"{k} {v}" for k, v in (rep["repair_counts"] or {}).items()))
        console.print(meta)
        if facts and explain:
            _explain(database.facts(report=report_id))
            return
        if facts:
            df = database.facts(report=report_id)
            cols = ["indicator", "scope", "period", "kind", "measure", "value", "value_text", "unit", "cmp", "quote"]
            df["value"] = df["value_text"]
            export.write(df[[c for c in cols if c != "value_text"]], "table", title=f"facts of {report_id}")
            return
        outline = Table(title="outline", header_style="bold")
        for col in ("#", "number", "title", "role", "span"):
            outline.add_column(col)
        for s in database.sections(report_id).itertuples(index=False):
            outline.add_row(str(s.idx), "  " * (s.depth - 1) + s.number, s.title[:40], s.role, f"{s.start}–{s.end}")
        console.print(outline)


def _explain(df) -> None:  # noqa: ANN001 (a DataFrame of facts)
    """Each fact, then each rule that decided it with what the rule does (huibian rules)."""
    from huibian.extract.rules import describe

    for row in df.itertuples(index=False):
        value = row.value_text if row.value_text is not None else row.value
        head = (f"[bold]{row.indicator or '—'}[/bold] {row.period} {row.kind} {row.measure} {value}{row.unit} {row.cmp}"
                + (f" scope={row.scope}" if row.scope else ""))
        console.print(f"{head}  [dim]|[/dim] {row.quote}", highlight=False)
        for rule in row.rules or []:
            console.print(f"    [cyan]{rule:<22}[/cyan] {describe(rule)}", highlight=False)


@app.command()
def demo(
    db: DbOption = "huibian.db",
    workers: Annotated[int, typer.Option(help="processes; default: CPU count")] = 0,
) -> None:
    """Ingest the bundled samples (a compilation book and six reports), then print the
    reports and their headline facts. Re-running is safe."""
    from importlib import resources

    from huibian.taxonomy import Taxonomy

    samples = Path(str(resources.files("huibian").joinpath("samples")))
    paths = [samples / "books", samples / "reports"]
    with Database(db) as database:
        summary = database.ingest(paths, workers=workers or os.cpu_count() or 1)
        for res in summary.failed:
            console_err.print(f"[red]failed:[/red] {res.path}: {res.error}", highlight=False)
        df = database.reports()
        export.write(df[["id", "region", "parent", "level", "admin_code", "year", "date", "post", "speaker"]], "table",
                     title=f"reports in {db}")
        facts_df = database.facts()
    headline = Taxonomy.load().headline_ids()
    hf = facts_df[facts_df["indicator"].isin(headline) & (facts_df["scope"] == "")].copy()
    hf["value"] = hf["value_text"]
    export.write(
        hf[["report", "indicator", "period", "kind", "measure", "value", "unit", "cmp", "quote"]], "table",
        title=f"headline facts ({len(hf)} of {len(facts_df)} facts; all: huibian facts --db {db})",
    )
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def index(
    db: DbOption = "huibian.db",
    rebuild: Annotated[bool, typer.Option("--rebuild", help="index every report again from scratch")] = False,
) -> None:
    """Add reports missing from the full-text search index (after `ingest --no-index`)."""
    from huibian import store

    def waiting(message: str) -> None:
        console_err.print(f"[yellow]waiting:[/yellow] {_show(message)}", highlight=False)

    with store.writer_lock(db, on_wait=waiting), Database(db) as database:
        n = database.index(rebuild=rebuild)
    console.print(f"search index: {n} report(s) indexed")
