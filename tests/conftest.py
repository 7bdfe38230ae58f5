"""Shared fixtures: a private COACH_HOME for every test, dialogues from text, the CLI in-process."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import MINIMAL

from coach.loader import load_dialogue_text
from coach.model import Dialogue

REPO = Path(__file__).resolve().parent.parent

# A second guard besides the COACH_HOME of every test: a program started without COACH_HOME
# (a test of the default folder, a child process given a fresh environment) finds its
# default data folder in here, never in the user's own ~/.local/share/coach. The same for
# the cache of checked dialogues (COACH_CACHE, else ~/.cache/coach).
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="coach-tests-xdg-")
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="coach-tests-xdg-cache-")


@pytest.fixture(autouse=True)
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder and dialogue cache; none ever touches the user's
    real ones (child processes inherit both)."""
    home = tmp_path / "coach-home"
    monkeypatch.setenv("COACH_HOME", str(home))
    monkeypatch.setenv("COACH_CACHE", str(tmp_path / "coach-cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    return home


@pytest.fixture(autouse=True)
def _no_store_left_open(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every store a test opens is closed when the test ends, also one the test left open:
    a SQLite connection collected later is a ResourceWarning (Python 3.13), blamed on
    whichever test happens to run then."""
    from coach.store import Store

    opened: list[Store] = []
    real = Store.open.__func__  # type: ignore[attr-defined]

    def tracked(cls: type[Store], *args: Any, **kwargs: Any) -> Store:
        store: Store = real(cls, *args, **kwargs)
        opened.append(store)
        return store

    monkeypatch.setattr(Store, "open", classmethod(tracked))
    yield
    for store in opened:
        store.close()  # closing twice is harmless


@pytest.fixture
def mini() -> Dialogue:
    return load_dialogue_text(MINIMAL, "mini.yaml")


@pytest.fixture
def write_dialogue(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "test.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@dataclass
class Result:
    code: int
    out: str
    err: str


class _FakeStdin(io.TextIOWrapper):
    def isatty(self) -> bool:
        return False


@pytest.fixture
def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., Result]]:
    """Run `coach ARGS` in this process, with `input` as standard input (not a terminal)."""
    from coach.cli import main

    def run(*args: str, input: str | bytes = b"") -> Result:
        data = input.encode("utf-8") if isinstance(input, str) else input
        monkeypatch.setattr(sys, "stdin", _FakeStdin(io.BytesIO(data), encoding="utf-8"))
        capsys.readouterr()
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield run
