"""Stored UTC times, shown as a Dutch reader expects them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from coach.timefmt import local_time


@pytest.fixture(autouse=True)
def amsterdam(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A POSIX rule, so no time zone database is needed: Amsterdam, with summer time.
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_local_time_in_dutch() -> None:
    assert local_time("2026-11-24T13:02:11.000Z") == "24 nov 2026 14:02"
    assert local_time("2026-07-01T08:30:00.000Z") == "1 jul 2026 10:30"  # summer time


def test_short_leaves_out_this_year_only() -> None:
    this_year = datetime.now().year
    assert local_time(f"{this_year}-03-05T09:00:00.000Z", short=True) == "5 mrt 10:00"
    assert local_time("2001-03-05T09:00:00.000Z", short=True) == "5 mrt 2001 10:00"


def test_nothing_or_nonsense_is_shown_as_it_is() -> None:
    assert local_time(None) == ""
    assert local_time("gisteren") == "gisteren"
