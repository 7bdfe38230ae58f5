"""Part 6: a peer. The same branching script in ink (bench/ink/branching.ink) and in coach
(bench/ink/branching.yaml), side by side in one run.

ink's runtimes: inkjs under Node (it also compiles ink source), and bink, a Python package
that binds the Rust runtime blade-ink through ctypes. Both live in bench/.peer/, installed
by `python bench/run.py --install-peer` (the one step that needs the network). Without
them the rows say so and the run goes on.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from context import Context
from measure import Command, Row, Stats, ms, repeat, time_until_output
from steps import time_steps

from coach.loader import load_dialogue

SECTION = "Part 6 · Peer: the same 20-node branching script in ink"
HERE = Path(__file__).parent
INK = HERE / "ink"
PEER = HERE / ".peer"
INKJS_VERSION = "2.4.0"
BINK_VERSION = "0.7.1"
FIRST_TEXT = "Je bereidt een lastig gesprek voor"
STEPS = 2_000
LOADS = 20

_BINK_FIRST = """
import sys, time
sys.path.insert(0, sys.argv[1])
from bink.story import Story
story = Story(open(sys.argv[2], encoding="utf-8").read())
sys.stdout.write(story.continue_maximally())
for i, choice in enumerate(story.get_current_choices()):
    sys.stdout.write(f"{i + 1}. {choice}\\n")
sys.stdout.flush()
sys.stdin.read()
"""


def install() -> None:
    """Put inkjs and bink into bench/.peer/ (network: the npm registry and PyPI)."""
    PEER.mkdir(exist_ok=True)
    npm = shutil.which("npm")
    if npm:
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(PEER),
                "--no-audit",
                "--no-fund",
                f"inkjs@{INKJS_VERSION}",
            ],
            check=True,
        )
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(PEER / "python")]
    subprocess.run([*pip, f"bink=={BINK_VERSION}"], check=True)


def _inkjs() -> Path | None:
    folder = PEER / "node_modules" / "inkjs"
    return folder if folder.is_dir() and shutil.which("node") else None


def _bink() -> ModuleType | None:
    folder = PEER / "python"
    if not folder.is_dir():
        return None
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("bink.story")
    except (ImportError, OSError):
        return None
    finally:
        sys.path.remove(str(folder))


def rows(ctx: Context) -> list[Row]:
    out = _coach_rows(ctx)
    inkjs, bink = _inkjs(), _bink()
    if inkjs is None:
        note = "not installed: python bench/run.py --install-peer (needs node and npm)"
        return [*out, Row(SECTION, "ink (inkjs, bink)", note=note)]
    compiled = ctx.work / "branching.ink.json"
    out += _inkjs_rows(ctx, inkjs, compiled)
    if bink is None:
        out.append(Row(SECTION, "bink", note="not installed: python bench/run.py --install-peer"))
    else:
        out += _bink_rows(ctx, bink, compiled)
    return out


def _coach_rows(ctx: Context) -> list[Row]:
    path = INK / "branching.yaml"
    worker = ctx.python(str(HERE / "worker.py"), "loader", str(path))
    first = Stats(tuple(json.loads(worker.run().stdout)["total"] for _ in range(ctx.heavy)))
    load = repeat(lambda: load_dialogue(path), LOADS)
    times = time_steps(load_dialogue(path), STEPS)
    steps = Stats(times.samples)
    start = time_until_output(ctx.coach("run", str(path)), FIRST_TEXT, ctx.repeat)
    return [
        Row(
            SECTION,
            "coach: load + check YAML, first in a process",
            first,
            note="schema validator and safety-net lexicons built on the way; imports excluded",
        ),
        Row(
            SECTION,
            "coach: load + check YAML, again (cached)",
            load,
            note="from the cache of checked dialogues: the file hashed, the entry decoded",
        ),
        _step_row("coach: Engine.answer", steps, times.steps_per_playthrough),
        Row(
            SECTION,
            "coach run → first choice (fresh process)",
            start,
            ctx.ratio(start.median),
            note="stdin a pipe",
        ),
    ]


def _inkjs_rows(ctx: Context, inkjs: Path, compiled: Path) -> list[Row]:
    script = str(INK / "run_inkjs.js")
    argv = ["node", script, str(inkjs), "measure", str(INK / "branching.ink"), str(compiled)]
    done = subprocess.run(
        [*argv, str(STEPS), str(LOADS)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return [Row(SECTION, "inkjs", note=f"failed: {done.stderr.strip()[-200:]}")]
    data: dict[str, Any] = json.loads(done.stdout)
    first = Command(["node", script, str(inkjs), "first", str(compiled)], ctx.cwd, ctx.coach().env)
    start = time_until_output(first, FIRST_TEXT, ctx.repeat)
    return [
        Row(
            SECTION,
            f"inkjs {INKJS_VERSION}: compile ink source (Node)",
            Stats(tuple(data["compile_s"])),
            note="ink's equivalent of load + check: source to runnable JSON",
        ),
        Row(
            SECTION,
            "inkjs: load compiled JSON (new Story)",
            Stats(tuple(data["load_s"])),
            note=f"{data['json_bytes']:,} bytes of compiled JSON",
        ),
        _step_row(
            "inkjs: choose + ContinueMaximally",
            Stats(tuple(data["step_s"])),
            data["steps_per_playthrough"],
        ),
        Row(
            SECTION,
            "node + inkjs → first choice (fresh process)",
            start,
            ctx.ratio(start.median),
            note="loads the compiled JSON; Node's own start included",
        ),
    ]


def _bink_rows(ctx: Context, bink: ModuleType, compiled: Path) -> list[Row]:
    text = compiled.read_text("utf-8")
    load = repeat(lambda: bink.Story(text), LOADS)
    story = bink.Story(text)
    samples: list[float] = []
    finished, first_length = 0, 0
    story.continue_maximally()
    while len(samples) < STEPS or not finished:
        choices = story.get_current_choices()
        if not choices:
            finished += 1
            first_length = first_length or len(samples)
            story.reset_state()
            story.continue_maximally()
            continue
        wanted = 0 if len(samples) % 3 else 1
        started = time.perf_counter()
        story.choose_choice_index(min(wanted, len(choices) - 1))
        story.continue_maximally()
        list(story.get_current_choices())  # the next step, as shown
        samples.append(time.perf_counter() - started)
    first = Command(
        [sys.executable, "-c", _BINK_FIRST, str(PEER / "python"), str(compiled)],
        ctx.cwd,
        ctx.coach().env,
    )
    start = time_until_output(first, FIRST_TEXT, ctx.repeat)
    return [
        Row(
            SECTION,
            f"bink {BINK_VERSION}: load compiled JSON (Story)",
            load,
            note="Rust runtime via ctypes",
        ),
        _step_row("bink: choose + continue_maximally", Stats(tuple(samples)), first_length),
        Row(
            SECTION,
            "python + bink → first choice (fresh process)",
            start,
            ctx.ratio(start.median),
            note="loads the compiled JSON",
        ),
    ]


def _step_row(what: str, stats: Stats, per_playthrough: int) -> Row:
    note = f"p99 {ms(stats.p99)}; {per_playthrough} steps per playthrough"
    return Row(SECTION, what, stats, note=note)
