"""Measurements that need a fresh process of their own, run by bench/run.py.

`python bench/worker.py loader PATH` loads one dialogue file in a new process with the
file-size and event caps of coach/yamldoc.py lifted, timing each phase of the loader, and
prints the phases as JSON (seconds). Imports happen before the clock starts: this is the
loader's own cost on a first load, as `coach validate` or `coach run` pays it.

`python bench/worker.py profile PATH` prints the 15 functions with the most own time
(cProfile) for the same load.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from coach import check, links, loader, schema, wording, yamldoc

Phases = dict[str, float]
# yamldoc reads MAX_FILE_BYTES + 1 bytes at once: far above any synthetic file, not absurd.
LIFTED_BYTES = 256 * 1024 * 1024
LIFTED_EVENTS = 1 << 40


@contextmanager
def caps_lifted() -> Iterator[None]:
    """coach/yamldoc.py's MAX_FILE_BYTES and MAX_EVENTS out of the way, for this process."""
    saved = yamldoc.MAX_FILE_BYTES, yamldoc.MAX_EVENTS
    yamldoc.MAX_FILE_BYTES, yamldoc.MAX_EVENTS = LIFTED_BYTES, LIFTED_EVENTS
    try:
        yield
    finally:
        yamldoc.MAX_FILE_BYTES, yamldoc.MAX_EVENTS = saved


def _timed(phases: Phases, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - started

    return wrapper


# The loader's passes, in the order they run, and where the loader finds each function.
# The loader imports schema.problems and wording.check_wording when it runs, so they are
# timed where they live.
_PASSES: list[tuple[str, Any, str]] = [
    ("read + parse YAML (yamldoc)", loader, "read_file"),
    ("read + parse YAML (yamldoc)", loader, "parse_yaml_bytes"),
    ("JSON Schema (jsonschema)", schema, "problems"),
    ("link lexicons, safety net", links, "link"),
    ("semantic checks (check.py)", check, "check_dialogue"),
    ("wording checks", wording, "check_wording"),
]


def load_phases(path: Path) -> Phases:
    """Time one `inspect_dialogue` of `path`, split by pass."""
    phases: Phases = {}
    saved = [(owner, name, getattr(owner, name)) for _, owner, name in _PASSES]
    for (label, owner, name), (_, _, function) in zip(_PASSES, saved, strict=True):
        setattr(owner, name, _timed(phases, label, function))
    try:
        with caps_lifted():
            started = time.perf_counter()
            result = loader.inspect_dialogue(path)
            total = time.perf_counter() - started
    finally:
        for owner, name, function in saved:
            setattr(owner, name, function)
    if result.dialogue is None:
        raise SystemExit(f"{path} does not load: {result.errors[:3]}")
    phases["build model, sort issues (rest)"] = total - sum(phases.values())
    phases["total"] = total
    phases.update(_yaml_alone(path))
    return phases


def _yaml_alone(path: Path) -> Phases:
    """For comparison: libyaml's event stream alone, and libyaml building the data in C."""
    text = path.read_text("utf-8")
    started = time.perf_counter()
    for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
        pass
    events = time.perf_counter() - started
    started = time.perf_counter()
    yaml.load(text, Loader=yaml.CSafeLoader)
    composed = time.perf_counter() - started
    return {"(libyaml events only)": events, "(yaml.load with CSafeLoader)": composed}


def profile(path: Path) -> str:
    profiler = cProfile.Profile()
    with caps_lifted():
        profiler.enable()
        loader.inspect_dialogue(path)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    return out.getvalue()


def main(argv: list[str]) -> None:
    os.environ["COACH_CACHE"] = "off"  # the loader's own work, not the cache of checked dialogues
    command, path = argv[0], Path(argv[1])
    if command == "loader":
        sys.stdout.write(json.dumps(load_phases(path)) + "\n")
    elif command == "profile":
        sys.stdout.write(profile(path))
    else:
        raise SystemExit(f"unknown worker command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
