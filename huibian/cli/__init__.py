"""The `huibian` command: a thin layer of commands over the Python API.

Each command module registers its commands on `app`; errors a user can act on are
printed as one line and exit 1 (2 for usage errors), never as a traceback.
"""

from __future__ import annotations

import sys

from rich.markup import escape

from huibian.cli import accountability, audit, facts, ingest, serve  # noqa: F401  (they register commands)
from huibian.cli.app import app, console_err
from huibian.models import HuibianError
from huibian.read.names import printable


def main() -> None:
    try:
        app()
    except HuibianError as e:
        console_err.print(f"[red]error:[/red] {escape(printable(str(e)))}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        console_err.print("[red]interrupted[/red]")
        sys.exit(130)


__all__ = ["app", "main"]
