"""Engine step latency: one answer in, the next step out (`Engine.answer`), in-process.

Each playthrough starts a fresh engine and answers every question with a typical answer
(open questions from a fixed list of Dutch answers, some of which set off follow-up
questions; scales and choices alternate between their options) until the end, then starts
again, until enough steps are timed. Starting is not timed; every `answer` call is.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path

from context import Context
from measure import Row, Stats, ms
from synth import TYPICAL_ANSWERS
from worker import caps_lifted

from coach import catalog
from coach.engine import Engine
from coach.loader import load_dialogue
from coach.model import Dialogue
from coach.steps import Choose, Invalid, Prompt, Scale

MAX_INVALID_IN_A_ROW = 3
MAX_STEPS = 50_000


@dataclass(frozen=True)
class StepTimes:
    samples: tuple[float, ...]  # seconds per answer, in the order they were given
    playthroughs: int  # how many were finished
    steps_per_playthrough: int  # steps of the first one (0 if none finished)


def time_steps(dialogue: Dialogue, steps: int, answers: dict[str, str] | None = None) -> StepTimes:
    """Time at least `steps` answers given to `dialogue`, and at least one whole
    playthrough (up to MAX_STEPS); `answers` are preset (such as `--met`)."""
    texts = cycle(TYPICAL_ANSWERS)
    samples: list[float] = []
    finished, first_length, invalid_run = 0, 0, 0
    engine = _fresh(dialogue, answers, 0)
    while (len(samples) < steps or not finished) and len(samples) < MAX_STEPS:
        if engine.finished:
            finished += 1
            first_length = first_length or len(samples)
            engine = _fresh(dialogue, answers, finished)
        prompt = engine.prompt
        assert prompt is not None
        raw = answer_for(prompt, len(samples), texts)
        started = time.perf_counter()
        result = engine.answer(raw)
        samples.append(time.perf_counter() - started)
        invalid_run = invalid_run + 1 if isinstance(result, Invalid) else 0
        if invalid_run >= MAX_INVALID_IN_A_ROW:
            raise RuntimeError(f"{dialogue.id}: the engine keeps refusing: {result}")
    return StepTimes(tuple(samples), finished, first_length)


def last_part(times: StepTimes, share: float = 0.1) -> tuple[float, ...]:
    """The step times of the last `share` of the first playthrough: where the most answers
    are kept."""
    end = times.steps_per_playthrough or len(times.samples)
    return times.samples[end - max(1, int(end * share)) : end]


def _fresh(dialogue: Dialogue, answers: dict[str, str] | None, seed: int) -> Engine:
    engine = Engine(dialogue, dict(answers or {}), seed=seed)
    engine.start()
    return engine


def answer_for(prompt: Prompt, step: int, texts: Iterator[str]) -> str:
    """A typical answer to `prompt` at step `step`."""
    if isinstance(prompt, Choose):
        return str(min(len(prompt.options), 1 if step % 3 else 2))
    if isinstance(prompt, Scale):
        return str(prompt.low + 2 if step % 2 else prompt.high - 2)
    return next(texts)


# -- part 5: the rows -------------------------------------------------------------------

SECTION = "Part 5 · Engine step (answer in, next step out; in-process)"
STEPS = 2_000


def rows(ctx: Context, files: dict[int, Path]) -> list[Row]:
    buiv, _ = catalog.load("buiv")
    targets: list[tuple[str, Dialogue, dict[str, str] | None]] = [("buiv", buiv, {"ander": "Paul"})]
    with caps_lifted():
        targets += [
            (f"{nodes:,} nodes", load_dialogue(path), None) for nodes, path in files.items()
        ]
    out = []
    for what, dialogue, answers in targets:
        times = time_steps(dialogue, STEPS // 4 if ctx.quick else STEPS, answers)
        stats = Stats(times.samples)
        late = Stats(last_part(times))
        note = (
            f"p99 {ms(stats.p99)}; {times.steps_per_playthrough:,} steps per playthrough; "
            f"last 10% of a playthrough: median {ms(late.median)}"
        )
        out.append(Row(SECTION, f"Engine.answer, {what}", stats, note=note))
    return out
