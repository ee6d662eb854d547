"""`huibian serve`: the web app over a store (uvicorn, read-only)."""

from __future__ import annotations

from typing import Annotated

import typer

from huibian.cli.app import DbOption, app, console_err


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

    import huibian
    from huibian.web import create_app

    with huibian.open(db, readonly=True) as database:  # a missing store is an error, never created
        n = database.unindexed()
    if reindex:
        with huibian.open(db) as database:
            console_err.print(f"search index: {database.index()} report(s) added")
    elif n != 0:
        missing = "the store has no search index" if n is None else f"{n} report(s) are not in the search index"
        console_err.print(
            f"[yellow]note:[/yellow] {missing}; run `huibian serve --db {db} --reindex` once to add them",
            highlight=False,
        )
    application = create_app(db)
    console_err.print(
        f"huibian: serving {db} (read-only) at http://{host}:{port}/  — API docs at /docs", highlight=False
    )
    uvicorn.run(application, host=host, port=port, log_level="warning")
