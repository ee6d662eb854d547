"""huibian (汇编): Chinese government work reports as a record people can query and trust.

    import huibian
    db = huibian.open("huibian.db")
    db.reports()          # DataFrame of reports
    db.facts(indicator="gdp", kind="target")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Database", "open"]

if TYPE_CHECKING:
    from huibian.db import Database, open  # noqa: A004


def __getattr__(name: str) -> Any:
    # lazy, so that pipeline workers do not import pandas and the store at start-up
    if name in ("Database", "open"):
        from huibian import db

        return getattr(db, name)
    raise AttributeError(name)
