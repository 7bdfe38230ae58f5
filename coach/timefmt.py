"""Stored times (UTC, ISO 8601) as a Dutch reader expects them, in local time."""

from __future__ import annotations

from datetime import datetime

_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def local_time(stamp: str | None, short: bool = False) -> str:
    """`2026-11-24T13:02:11.000Z` → `24 nov 2026 14:02` (in the local time zone).

    `short` leaves out the year when it is this year, for tables: `24 nov 14:02`.
    """
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return stamp
    year = "" if short and moment.year == datetime.now().year else f" {moment.year}"
    return f"{moment.day} {_MONTHS[moment.month - 1]}{year} {moment:%H:%M}"
