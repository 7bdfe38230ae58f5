"""Part 2: start-up, each figure a fresh process, against bare Python start.

`coach run buiv` is timed until its first question is on the screen: with standard input a
pipe that stays open and gives nothing (as `coach run buiv < antwoorden.txt` reads), and in
a pseudo-terminal (as a person starts it, with prompt-toolkit); there also until the input
line is ready (its bottom bar drawn). `python -X importtime`
shows where the start-up of `coach --help` and `coach run buiv` goes.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass

from context import Context
from measure import (
    Command,
    Row,
    Stats,
    coach_argv,
    ms,
    output_until,
    time_command,
    time_until_output,
)

SECTION = "Part 2 · Start-up"
DEPENDENCY_SECTION = "Part 2 · Importing one dependency alone (fresh process)"
DEPENDENCIES = ("click", "rich.console", "prompt_toolkit", "sqlite_utils", "yaml", "jsonschema")
BUIV_FIRST = "Met wie ga je het gesprek voeren"  # buiv's first question, without --met
BUIV_INPUT = "Alt+Enter: nieuwe regel · /hulp"  # the bottom bar of its input line
IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s+)(\S+)")


def rows(ctx: Context) -> list[Row]:
    bare, _ = time_command(ctx.python("-c", "pass"), ctx.repeat)
    ctx.bare = bare.median
    out = [Row(SECTION, "python -c pass (bare Python start)", bare, 1.0)]
    for args in (("--version",), ("--help",)):
        stats, code = time_command(ctx.coach(*args), ctx.repeat)
        note = _exit_note(code).lstrip("; ")
        out.append(_against(ctx, f"coach {' '.join(args)}", stats, 1.5, note))
    ctx.coach("run", "buiv").run()  # the database exists from here on, as for a real user
    pipe = time_until_output(ctx.coach("run", "buiv"), BUIV_FIRST, ctx.repeat)
    out.append(_against(ctx, "coach run buiv → first question (stdin a pipe)", pipe, 4.0))
    tty = time_until_output(ctx.coach("run", "buiv"), BUIV_FIRST, ctx.repeat, terminal=True)
    out.append(
        _against(
            ctx,
            "coach run buiv → first question (terminal)",
            tty,
            4.0,
            "in a pseudo-terminal; prompt-toolkit is loaded after the question shows",
        )
    )
    ready = time_until_output(ctx.coach("run", "buiv"), BUIV_INPUT, ctx.repeat, terminal=True)
    out.append(
        Row(
            SECTION,
            "coach run buiv → input line ready (terminal)",
            ready,
            ctx.ratio(ready.median),
            note="its bottom bar drawn: prompt-toolkit reads; what is typed before waits unechoed",
        )
    )
    ctx.coach("list").run()  # every shipped dialogue in the cache, as after a first use
    stats, code = time_command(ctx.coach("list"), ctx.repeat)
    out.append(
        Row(
            SECTION,
            "coach list",
            stats,
            ctx.ratio(stats.median),
            note="every shipped dialogue, from the cache of checked dialogues" + _exit_note(code),
        )
    )
    out += _dependency_rows(ctx)
    ctx.details["importtime"] = {
        "coach --help": import_breakdown(ctx, ("--help",)),
        "coach run buiv": import_breakdown(ctx, ("run", "buiv"), BUIV_FIRST),
    }
    return out


def _dependency_rows(ctx: Context) -> list[Row]:
    """A floor for each: what importing one dependency alone costs in a fresh process."""
    out = []
    for module in DEPENDENCIES:
        stats, code = time_command(ctx.python("-c", f"import {module}"), ctx.repeat)
        note = "" if code == 0 else "could not be imported"
        out.append(
            Row(
                DEPENDENCY_SECTION,
                f"python -c 'import {module}'",
                stats,
                ctx.ratio(stats.median),
                note=note,
            )
        )
    return out


def _against(ctx: Context, what: str, stats: Stats, limit: float, note: str = "") -> Row:
    ratio = ctx.ratio(stats.median)
    return Row(SECTION, what, stats, ratio, f"≤ {limit:g}×", ratio <= limit, note)


def _exit_note(code: int) -> str:
    return "" if code == 0 else f"; exit code {code}"


@dataclass(frozen=True)
class Imported:
    """One line of `python -X importtime`."""

    name: str
    own: int  # µs in the module itself
    total: int  # µs with what it imported
    depth: int


def import_breakdown(
    ctx: Context, args: tuple[str, ...], marker: str = ""
) -> dict[str, list[dict[str, object]]]:
    """Where a command's imports go: own time per top-level package and per coach module,
    and each outside package with the coach module that pulls it in."""
    argv = [sys.executable, "-X", "importtime", *coach_argv(*args)]
    command = Command(argv, ctx.cwd, ctx.coach().env)
    imports = _parse(output_until(command, marker) if marker else command.run().stderr)
    packages: dict[str, int] = defaultdict(int)
    ours: dict[str, int] = defaultdict(int)
    for item in imports:
        packages[_top(item.name)] += item.own
        if item.name.startswith("coach."):
            ours[".".join(item.name.split(".")[:2])] += item.own
    return {
        "packages": _ranked(packages),
        "coach_modules": _ranked(ours),
        "pulled_in": _pulled_in(imports),
    }


def _parse(text: str) -> list[Imported]:
    found = (IMPORT_LINE.search(line) for line in text.splitlines())
    return [
        Imported(m.group(4), int(m.group(1)), int(m.group(2)), (len(m.group(3)) - 1) // 2)
        for m in found
        if m
    ]


def _top(name: str) -> str:
    return name.split(".")[0]


def _parent(imports: list[Imported], index: int) -> int | None:
    """The import that `imports[index]` was part of (importtime prints children first)."""
    depth = imports[index].depth
    for later in range(index + 1, len(imports)):
        if imports[later].depth < depth:
            return later
    return None


def _pulled_in(imports: list[Imported]) -> list[dict[str, object]]:
    """Outside packages that coach imports itself, by cumulative import time (with what they
    import in turn), each with the coach module importing it; `(lazily)` where a function
    imports it at run time."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for index, item in enumerate(imports):
        if _outside(item.name):
            via = _importer(imports, index)
            if via is not None:
                totals[(_top(item.name), via)] += item.total
    ranked = sorted(totals.items(), key=lambda entry: -entry[1])
    return [
        {"name": name, "via": via, "ms": round(us / 1000, 1)}
        for (name, via), us in ranked
        if us >= 500
    ]


def _outside(name: str) -> bool:
    top = _top(name)
    return top != "coach" and not top.startswith("_") and top not in sys.stdlib_module_names


def _importer(imports: list[Imported], index: int) -> str | None:
    """The coach module that imports `imports[index]`; `(lazily)` when nothing imports it
    (a function did, at run time); None when another outside package does."""
    parent = _parent(imports, index)
    while parent is not None:
        name = imports[parent].name
        if name.startswith("coach"):
            return name
        if _outside(name):
            return None
        parent = _parent(imports, parent)
    return "(lazily)"


def _ranked(times: dict[str, int]) -> list[dict[str, object]]:
    total = sum(times.values()) or 1
    ranked = sorted(times.items(), key=lambda item: -item[1])
    return [
        {"name": name, "ms": round(us / 1000, 1), "share": round(us / total, 3)}
        for name, us in ranked
    ]


def describe_imports(breakdown: list[dict[str, object]], top: int = 8) -> str:
    total = sum(float(str(item["ms"])) for item in breakdown)
    parts = [f"{item['name']} {item['ms']}" for item in breakdown[:top]]
    return f"{ms(total / 1000)}: " + ", ".join(parts) + " (ms)"


def describe_pulled_in(pulled: list[dict[str, object]], top: int = 8) -> str:
    parts = [f"{item['name']} {item['ms']} ← {item['via']}" for item in pulled[:top]]
    return ", ".join(parts) + " (ms, with what they import)"
