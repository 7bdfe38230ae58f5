"""Part 6: what the Dutch language layer costs, against the commit before it.

The issue's requirement: the layer adds at most 10 ms to the first question and at most
5 ms to handling an answer.

- The first question of `coach run buiv` (standard input a pipe, from the cache of checked
  dialogues) at the commit before the layer (`BEFORE_LAYER`, taken from git into the work
  folder) and at this working tree, in one run, in turn: before, now, before, now … Both
  run as `python -m coach` with PYTHONPATH on their own tree, each with its own COACH_HOME
  and cache, each cache filled once first. The difference is taken pair by pair, of the
  wall time and of the processor time the process used until then (user + system, from the
  operating system: on a busy machine the wall time of a start varies by far more than 10
  ms, its processor time does not). Without git, or without that commit (an archive of the
  source), the rows say it was not measured.
- Handling an answer: the safety net and the question's follow-up rules, as the engine
  runs them, over every answer of the dev corpus (`corpus/followups/dev`), in a fresh
  process of this working tree with its dialogues from the cache: wall time, and the
  processor time of the thread. The first answer after
  the start is shown on its own: it makes the word lists the leader's reading time did not.

`python bench/language.py answers ROOT CORPUS` is that fresh process: it prints JSON.
"""

from __future__ import annotations

import gc
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

from context import Context
from measure import (
    TIMEOUT,
    Command,
    Row,
    Stats,
    _read_until,
    child_env,
    ms,
    output_until,
    start_piped,
)
from startup import BUIV_FIRST

SECTION = "Part 6 · Language layer (Dutch), against the commit before it"
BEFORE_LAYER = "d300a7c^"  # d300a7c brought the language layer (coach/language/)
ROOT = Path(__file__).resolve().parent.parent
FIRST_TARGET = 0.010  # at most this much more to the first question
ANSWER_TARGET = 0.005  # at most this much to handle an answer (p95)


def rows(ctx: Context) -> list[Row]:
    return first_question_rows(ctx) + answer_rows(ctx)


# -- the first question, before and after ---------------------------------------------------


def first_question_rows(ctx: Context) -> list[Row]:
    before = _tree_before(ctx)
    if isinstance(before, str):
        note = f"not measured: {before}"
        return [Row(SECTION, "coach run buiv → first question, before vs now", note=note)]
    commands = {
        "before": _first_question(ctx, before, "before"),
        "now": _first_question(ctx, ROOT, "now"),
    }
    for command in commands.values():  # the database made, the dialogue in the cache
        output_until(command, BUIV_FIRST)
    times: dict[str, list[tuple[float, float]]] = {"before": [], "now": []}
    for round_ in range(max(ctx.repeat, 10) * 2):
        order = ("before", "now") if round_ % 2 == 0 else ("now", "before")
        for side in order:
            times[side].append(_until_first_question(commands[side]))
    wall = _difference(times, 0)
    cpu = _difference(times, 1)
    was = Stats(tuple(each[0] for each in times["before"]))
    now = Stats(tuple(each[0] for each in times["now"]))
    was_cpu = statistics.median(each[1] for each in times["before"])
    now_cpu = statistics.median(each[1] for each in times["now"])
    return [
        Row(
            SECTION,
            f"coach run buiv → first question, at {BEFORE_LAYER}",
            was,
            note="the commit before the language layer; stdin a pipe, from its cache",
        ),
        Row(SECTION, "coach run buiv → first question, now", now, note="this working tree"),
        Row(
            SECTION,
            "  difference, now − before, wall (pair by pair)",
            wall,
            target=f"≤ +{FIRST_TARGET * 1000:g} ms",
            met=wall.median <= FIRST_TARGET,
            note=f"medians {ms(was.median)} → {ms(now.median)}; {len(wall.samples)} pairs, "
            f"in turn; load average {_load()}",
        ),
        Row(
            SECTION,
            "  difference, now − before, processor time",
            cpu,
            target=f"≤ +{FIRST_TARGET * 1000:g} ms",
            met=cpu.median <= FIRST_TARGET,
            note=f"user + system until the first question: medians {ms(was_cpu)} → {ms(now_cpu)}",
        ),
    ]


def _until_first_question(command: Command) -> tuple[float, float]:
    """Wall and processor time (user + system) of one start, until the first question
    shows with standard input a pipe; then the process is killed."""
    started = time.perf_counter()
    process = start_piped(command)
    assert process.stdout is not None
    seen = _read_until(process.stdout.fileno(), BUIV_FIRST.encode("utf-8"))
    wall = time.perf_counter() - started
    process.kill()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()
    if BUIV_FIRST.encode("utf-8") not in seen:
        text = seen.decode("utf-8", "replace")[-400:]
        raise RuntimeError(
            f"{' '.join(command.argv)}: no first question within {TIMEOUT} s: {text}"
        )
    return wall, usage.ru_utime + usage.ru_stime


def _difference(times: dict[str, list[tuple[float, float]]], which: int) -> Stats:
    pairs = zip(times["before"], times["now"], strict=True)
    return Stats(tuple(now[which] - before[which] for before, now in pairs))


def _load() -> str:
    try:
        return (
            " / ".join(f"{value:.1f}" for value in os.getloadavg()) + f" on {os.cpu_count()} cores"
        )
    except OSError:
        return "unknown"


def _tree_before(ctx: Context) -> Path | str:
    """The source of the commit before the layer, in the work folder; or why there is none."""
    if shutil.which("git") is None:
        return "no git"
    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{BEFORE_LAYER}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        return f"no git history (commit {BEFORE_LAYER} not found)"
    commit = found.stdout.strip()
    folder = ctx.work / "before-language-layer" / commit[:12]
    if not (folder / "coach" / "__main__.py").is_file():
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", commit, "coach", "dialogues"],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            return f"git archive {commit[:12]} failed"
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
    return folder


def _first_question(ctx: Context, tree: Path, side: str) -> Command:
    """`python -m coach run buiv` of one tree, with a home and a cache of its own."""
    home = ctx.work / "language" / side / "home"
    cache = ctx.work / "language" / side / "cache"
    home.mkdir(parents=True, exist_ok=True)
    env = {**child_env(home), "PYTHONPATH": str(tree), "COACH_CACHE": str(cache)}
    return Command([sys.executable, "-m", "coach", "run", "buiv"], ctx.cwd, env)


# -- handling an answer ----------------------------------------------------------------------


def answer_rows(ctx: Context) -> list[Row]:
    corpus = ROOT / "corpus"
    if not (corpus / "followups" / "dev").is_dir():
        what = "coach: safety net + follow-up rules, per answer"
        return [Row(SECTION, what, note="not measured: no dev corpus (corpus/followups/dev)")]
    worker = Command(
        [sys.executable, str(Path(__file__).resolve()), "answers", str(ROOT), str(corpus)],
        ctx.cwd,
        {**child_env(ctx.home), "PYTHONPATH": str(ROOT)},
    )
    worker.run()  # the dialogues in the cache, so the next process starts as a leader's does
    done = worker.run()
    if done.returncode != 0:
        what = "safety net + follow-up rules, per answer"
        return [Row(SECTION, what, note=f"failed: {done.stderr.strip()[-300:]}")]
    found = json.loads(done.stdout)
    samples = Stats(tuple(found["samples"]))
    p95 = _quantile(samples.samples, 0.95)
    cpu = Stats(tuple(found["cpu"]))
    cpu_p95 = _quantile(cpu.samples, 0.95)
    return [
        Row(
            SECTION,
            "safety net + follow-up rules, per answer (dev corpus)",
            samples,
            target=f"≤ {ANSWER_TARGET * 1000:g} ms (p95)",
            met=p95 <= ANSWER_TARGET,
            note=f"p95 {ms(p95)}, p99 {ms(samples.p99)}; {len(samples.samples)} answers to "
            f"{found['dialogues']} dialogues, each as the engine reads it: the safety net, "
            "then the question's follow-ups until one fires",
            extra={"p95_s": p95},
        ),
        Row(
            SECTION,
            "  the same, processor time of the thread",
            cpu,
            target=f"≤ {ANSWER_TARGET * 1000:g} ms (p95)",
            met=cpu_p95 <= ANSWER_TARGET,
            note=f"p95 {ms(cpu_p95)}, p99 {ms(cpu.p99)}; load average {_load()}",
            extra={"p95_s": cpu_p95},
        ),
        Row(
            SECTION,
            "  the first answer after a cached start",
            Stats((found["first"],)),
            note="makes the language layer and the word lists it needs, which the leader's "
            "reading time makes otherwise (coach/conversation.py); not judged",
        ),
    ]


def _quantile(samples: tuple[float, ...], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_answers(corpus_folder: Path) -> dict[str, Any]:
    """In a fresh process: every dev answer through the safety net and its question's
    follow-up rules; the first one timed on its own, before any word list was made."""
    from coach import catalog, expr, safety
    from coach.expr import Scope, Value
    from coach.model import Ask, Dialogue
    from coach.quality.corpus import load_corpus

    items = load_corpus(corpus_folder, "dev").followups
    dialogues: dict[str, Dialogue] = {}
    work = []
    for item in items:
        if item.dialogue not in dialogues:
            dialogues[item.dialogue] = catalog.load(item.dialogue)[0]
        dialogue = dialogues[item.dialogue]
        node = next((n for n in dialogue.nodes if n.id == item.node and isinstance(n, Ask)), None)
        if node is not None:
            names: dict[str, Value] = {**item.given, item.node: item.answer, "answer": item.answer}
            work.append((dialogue, node, names, item.answer))

    def handle(dialogue: Dialogue, node: Ask, names: dict[str, Value], answer: str) -> None:
        if safety.signal(dialogue.safety, answer, ()) is not None:
            return  # the net opened: no follow-up now
        scope = Scope(names.get, dialogue.lexicons)
        for _, probe in node.probe_order():
            if expr.holds(probe.when.expr, scope):
                return

    started = time.perf_counter()
    handle(*work[0])
    first = time.perf_counter() - started
    for each in work:  # every list made, as after the leader's reading time
        handle(*each)
    gc.freeze()  # and kept out of the collector's sight, as coach/conversation.py does
    samples, cpu = [], []
    for each in work:
        started, used = time.perf_counter(), time.thread_time()
        handle(*each)
        samples.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - used)
    return {
        "first": first,
        "samples": samples,
        "cpu": cpu,
        "dialogues": len(dialogues),
        "median": statistics.median(samples),
    }


if __name__ == "__main__":
    if sys.argv[1:2] != ["answers"] or len(sys.argv) != 4:
        sys.exit("usage: python bench/language.py answers ROOT CORPUS")
    sys.path.insert(0, sys.argv[2])
    sys.stdout.write(json.dumps(measure_answers(Path(sys.argv[3]))) + "\n")
