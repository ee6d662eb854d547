"""The `huibian` command: a thin layer of commands over the Python API.

Each command module registers its commands on `app`; errors a user can act on are
printed as one line and exit 1 (2 for usage errors), never as a traceback.
"""

from __future__ import annotations

import sys

from huibian.cli.app import app, console_err
from huibian.models import HuibianError

# command modules register themselves on `app`
from huibian.cli import ingest as _ingest  # noqa: E402,F401
from huibian.cli import facts as _facts  # noqa: E402,F401

for _optional in ("accountability", "serve"):
    try:
        __import__(f"huibian.cli.{_optional}")
    except ModuleNotFoundError as _e:  # pragma: no cover - while a module is being written
        if _e.name != f"huibian.cli.{_optional}":
            raise


def main() -> None:
    try:
        app()
    except HuibianError as e:
        console_err.print(f"[red]error:[/red] {e}", highlight=False)
        sys.exit(1)


__all__ = ["app", "main"]
