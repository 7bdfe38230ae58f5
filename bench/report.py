"""The table on the screen and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from measure import Row, ms

WHAT_WIDTH = 54
COLUMNS = ("median", "min", "max", "ratio", "target", "met")
WIDTHS = (9, 9, 9, 7, 14, 3)


def table(rows: Iterable[Row]) -> str:
    """Plain text, one block per section, notes under their row."""
    lines: list[str] = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines += ["", section, _header()]
        lines.append(_line(row))
        if row.note:
            lines.append(" " * 4 + "↳ " + row.note)
    return "\n".join(lines).lstrip("\n") + "\n"


def _header() -> str:
    cells = [f"{name:>{width}}" for name, width in zip(COLUMNS, WIDTHS, strict=True)]
    return ("  " + f"{'what':<{WHAT_WIDTH}}" + " ".join(cells)).rstrip()


def _line(row: Row) -> str:
    stats = row.stats
    values = (
        ms(stats.median) if stats else "",
        ms(stats.low) if stats and len(stats.samples) > 1 else "",
        ms(stats.high) if stats and len(stats.samples) > 1 else "",
        f"{row.ratio:.1f}×" if row.ratio is not None else "",
        row.target,
        {True: "✓", False: "✗", None: ""}[row.met],
    )
    cells = [f"{value:>{width}}" for value, width in zip(values, WIDTHS, strict=True)]
    what = row.what if len(row.what) <= WHAT_WIDTH else row.what[: WHAT_WIDTH - 1] + "…"
    return ("  " + f"{what:<{WHAT_WIDTH}}" + " ".join(cells)).rstrip()


def machine() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "processor": platform.processor() or platform.machine(),
    }


def write_json(
    path: Path, rows: list[Row], details: dict[str, Any], argv: list[str], seconds: float
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "bench/run.py", *argv]),
        "seconds": round(seconds, 1),
        "machine": machine(),
        "rows": [row.as_json() for row in rows],
        "details": details,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
