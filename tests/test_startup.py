"""What the quick commands import: start-up is measured in bench/, but what a command loads
is a fact a test can hold on to. `coach --version` needs nothing but coach's version;
`coach --help` needs click, not the engine, the store or the loader."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("sqlite_utils", "jsonschema", "prompt_toolkit", "yaml", "rich", "snowballstemmer")
PROBE = """
import sys
sys.argv = ["coach", *{args!r}]
from coach.__main__ import main
try:
    main()
except SystemExit:
    pass
loaded = sorted({{name.split(".")[0] for name in sys.modules}})
print("LOADED", " ".join(loaded))
"""


def loaded_by(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("LOADED "))
    return set(line.split()[1:])


def test_version_loads_neither_click_nor_anything_heavy() -> None:
    loaded = loaded_by("--version")
    assert "click" not in loaded
    assert not loaded & set(HEAVY)


@pytest.mark.parametrize("args", [("--help",), ("transcripts", "--help"), ("review", "--help")])
def test_help_loads_click_but_nothing_heavy(args: tuple[str, ...]) -> None:
    loaded = loaded_by(*args)
    assert "click" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_version_says_the_same_as_before() -> None:
    from coach import __version__

    result = subprocess.run(
        [sys.executable, "-m", "coach", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"coach, versie {__version__}\n"
