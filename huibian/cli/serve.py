"""`huibian serve`: the web app over a store (uvicorn, read-only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from huibian.cli.app import DbOption, app, console_err
from huibian.models import HuibianError


@app.command()
def serve(
    db: DbOption = "huibian.db",
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    reindex: Annotated[
        bool,
        typer.Option("--reindex", help="first add reports missing from the search index (writes the store)"),
    ] = False,
) -> None:
    """Serve the library, reader, search, indicator charts and targets in a browser (and a JSON API)."""
    import uvicorn

    from huibian import search, store
    from huibian.web import create_app

    path = Path(db)
    if not path.exists():
        raise HuibianError(f"{path}: no such store — run `huibian ingest PATH --db {path}` first")
    if reindex:
        conn = store.connect(path)
        n = search.update(conn)
        conn.close()
        console_err.print(f"search index: {n} report(s) added")
    else:
        conn = store.connect(path, readonly=True)
        try:
            has_index = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_docs'").fetchone()
            n = search.missing(conn) if has_index else None
        finally:
            conn.close()
        if n is None or n:
            console_err.print(
                f"[yellow]note:[/yellow] {'the store has no search index' if n is None else f'{n} report(s) are not in the search index'}"
                f"; run `huibian serve --db {path} --reindex` once to add them",
                highlight=False,
            )
    application = create_app(path)
    console_err.print(
        f"huibian: serving {path} (read-only) at http://{host}:{port}/  — API docs at /docs", highlight=False
    )
    uvicorn.run(application, host=host, port=port, log_level="warning")
