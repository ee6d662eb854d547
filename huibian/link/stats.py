"""Official statistics a user loads to hold the reports' claims against (table official_stats)."""

from __future__ import annotations

import csv
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from huibian.link import schema
from huibian.models import HuibianError

REQUIRED = ["admin_code", "year", "indicator", "measure", "value"]


def load_stats(conn: sqlite3.Connection, path: str | Path) -> int:
    """Load official statistics from a CSV with columns admin_code, year, indicator, measure, value.

    An optional `unit` column is kept. Rows replace earlier ones with the same key.
    Returns the number of rows loaded. Raises HuibianError naming the line at fault.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise HuibianError(f"{path}: cannot read ({e.strerror})") from e
    except UnicodeDecodeError as e:
        raise HuibianError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start}); save the CSV as UTF-8") from e
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise HuibianError(f"{path}: missing column(s) {', '.join(missing)}; need {', '.join(REQUIRED)}")
    rows = []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for line, rec in enumerate(reader, start=2):
        code = (rec["admin_code"] or "").strip()
        if len(code) != 6 or not code.isdigit():
            raise HuibianError(f"{path}:{line}: admin_code {code!r} is not a 6-digit GB/T 2260 code")
        try:
            year, value = int(rec["year"]), float(rec["value"])
        except (TypeError, ValueError) as e:
            raise HuibianError(
                f"{path}:{line}: year and value must be numbers ({rec['year']!r}, {rec['value']!r})"
            ) from e
        if not rec["indicator"] or not rec["measure"]:
            raise HuibianError(f"{path}:{line}: indicator and measure are required")
        rows.append(
            (
                code,
                year,
                rec["indicator"].strip(),
                rec["measure"].strip(),
                value,
                (rec.get("unit") or None),
                str(path),
                now,
            )
        )
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO official_stats (admin_code, year, indicator, measure, value, unit, source,"
            " loaded_at) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
    return len(rows)


def stats(conn: sqlite3.Connection) -> pd.DataFrame:
    """The official statistics loaded (schema.STATS)."""
    return pd.read_sql_query(
        f"SELECT {', '.join(schema.STATS.names)} FROM official_stats ORDER BY admin_code, year, indicator, measure",
        conn,
    )


def official(conn: sqlite3.Connection) -> dict[tuple[str, int, str, str], tuple[float, str | None]]:
    """(admin_code, year, indicator, measure) → (value, unit) of every official statistic loaded."""
    try:
        rows = conn.execute(
            "SELECT admin_code, year, indicator, measure, value, unit FROM official_stats"
        ).fetchall()
    except sqlite3.OperationalError:  # a store from before migration 3, opened read-only
        return {}
    return {(r[0], int(r[1]), r[2], r[3]): (float(r[4]), r[5]) for r in rows}
