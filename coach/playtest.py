"""Playthrough tests for dialogues: answers to give, and what a coach expects to happen.

A test file (`dialogues/tests/<id>.yaml`) names a dialogue and holds cases. Each case plays
the dialogue from the start with the engine alone (no terminal, no database): it types the
answers in order, checks after each one what came next (a follow-up question or none, a
text shown, the safety net), and at the end the closing card, the stored answers and a
plain-text transcript kept beside the test (a golden file). See docs/authoring.md.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.engine import Engine
from coach.errors import DialogueError, Issue
from coach.expr import Value
from coach.model import Dialogue
from coach.steps import Advance, Ask, Choose, End, Invalid, Rewind, Say, Scale, Step, Turn
from coach.text import fold
from coach.yamldoc import JsonPath, YamlDocument, format_path, parse_yaml, read_yaml_file

UPDATE_GOLDEN = "COACH_UPDATE_GOLDEN"  # set to 1 to rewrite golden transcripts

_STEP_KEYS = {"answer", "at", "probe", "shows", "safety", "nudge"}
_EXPECT_KEYS = {"end", "card", "answers", "golden"}
_CASE_KEYS = {"name", "description", "subject", "seed", "history", "steps", "expect"}


@dataclass(frozen=True)
class PlayStep:
    answer: str
    line: int
    at: str | None = None
    probe: bool | str | None = None  # False: no follow-up; a text: a follow-up containing it
    shows: str | None = None
    safety: bool | None = None
    nudge: bool = False  # coach first asks for a bit more (min_words); the answer is given again


@dataclass(frozen=True)
class Case:
    name: str
    line: int
    steps: tuple[PlayStep, ...]
    subject: str | None = None
    seed: int = 0
    history: tuple[Mapping[str, Value], ...] = ()
    expect: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlayFile:
    path: Path
    dialogue: str
    cases: tuple[Case, ...]


@dataclass
class CaseResult:
    case: Case
    failures: list[str] = field(default_factory=list)
    transcript: str = ""
    nodes: set[str] = field(default_factory=set)  # every node a question was asked at
    probes: set[tuple[str, str]] = field(default_factory=set)  # (node, rule) that fired
    # Where the engine went, for coverage: (event, node ref, index), see engine.Trace.
    reached: set[tuple[str, str, int | None]] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return not self.failures


# -- reading --------------------------------------------------------------------------------


def read_play_file(path: Path, display: str | None = None, text: str | None = None) -> PlayFile:
    """Read a test file; DialogueError with every problem (file:line) if it is not right.

    With `text`, that is the file's content, and nothing is read from (or written to) disk.
    """
    name = display or str(path)
    document = read_yaml_file(path, name) if text is None else parse_yaml(text, name)
    issues: list[Issue] = list(document.issues)

    def problem(where: JsonPath, message: str, hint: str = "") -> None:
        issues.append(
            Issue(
                document.file,
                document.line_of(where),
                format_path(where),
                message,
                hint,
                code="BAD_TEST",
            )
        )

    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("dialogue"), str):
        problem((), "een testbestand begint met 'dialogue: <id>' en een lijst 'cases'")
        raise DialogueError(issues)
    cases = []
    names: set[str] = set()
    for index, raw in enumerate(data.get("cases") or []):
        case = _case(document, raw, ("cases", index), problem)
        if case is None:
            continue
        if case.name in names:
            problem(("cases", index, "name"), f"de naam '{case.name}' komt twee keer voor")
        names.add(case.name)
        cases.append(case)
    if not cases and not issues:
        problem(("cases",), "er staan geen cases in dit bestand")
    if any(issue.severity == "error" for issue in issues):
        raise DialogueError(issues)
    return PlayFile(path, data["dialogue"], tuple(cases))


def _case(document: YamlDocument, raw: Any, where: JsonPath, problem: Any) -> Case | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        problem(where, "een case heeft een 'name' en 'steps'")
        return None
    for key in raw:
        if key not in _CASE_KEYS:
            problem((*where, key), f"onbekende sleutel '{key}'", _known(_CASE_KEYS))
    steps = []
    for index, item in enumerate(raw.get("steps") or []):
        at = (*where, "steps", index)
        if isinstance(item, str):
            item = {"answer": item}
        if not isinstance(item, dict) or "answer" not in item:
            problem(at, "een stap heeft een 'answer'")
            continue
        for key in item:
            if key not in _STEP_KEYS:
                problem((*at, key), f"onbekende sleutel '{key}'", _known(_STEP_KEYS))
        probe = item.get("probe")
        steps.append(
            PlayStep(
                answer=str(item["answer"]),
                line=document.line_of(at),
                at=_opt_str(item.get("at")),
                probe=probe if isinstance(probe, bool) else _opt_str(probe),
                shows=_opt_str(item.get("shows")),
                safety=item.get("safety") if isinstance(item.get("safety"), bool) else None,
                nudge=item.get("nudge") is True,
            )
        )
    expect = raw.get("expect") or {}
    if not isinstance(expect, dict):
        problem((*where, "expect"), "'expect' is een mapping")
        expect = {}
    for key in expect:
        if key not in _EXPECT_KEYS:
            problem((*where, "expect", key), f"onbekende sleutel '{key}'", _known(_EXPECT_KEYS))
    history = tuple(item for item in raw.get("history") or [] if isinstance(item, dict))
    seed = raw.get("seed")
    return Case(
        name=raw["name"],
        line=document.line_of(where),
        steps=tuple(steps),
        subject=_opt_str(raw.get("subject")),
        seed=seed if isinstance(seed, int) else 0,
        history=history,
        expect=expect,
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _known(keys: set[str]) -> str:
    return "toegestaan zijn: " + ", ".join(sorted(keys))


# -- running --------------------------------------------------------------------------------


def run_case(dialogue: Dialogue, case: Case, folder: Path) -> CaseResult:
    """Play one case; the result lists every expectation that did not hold."""
    result = CaseResult(case)

    def memory(dialogue_id: str, subject: str, names: tuple[str, ...]) -> dict[str, Value]:
        if dialogue_id != dialogue.id:
            return {}
        found: dict[str, Value] = {}
        for earlier in reversed(case.history):  # the newest session last in the file
            for name in names:
                if name not in found and earlier.get(name) not in (None, ""):
                    found[name] = earlier[name]
        return found

    preset: dict[str, Value] = {}
    if case.subject and dialogue.subject:
        preset[dialogue.subject] = case.subject
    engine = Engine(
        dialogue,
        preset,
        seed=case.seed,
        session_count=len(case.history) + 1,
        memory=memory,
        trace=lambda event, node, index: result.reached.add((event, node, index)),
    )
    turns: list[Turn] = []
    shown: list[Step] = []
    start = engine.start()
    turns += start.turns
    shown += start.steps
    for number, step in enumerate(case.steps, start=1):
        where = f"stap {number} (regel {step.line})"
        prompt = engine.prompt
        if prompt is None:
            result.failures.append(f"{where}: het gesprek is al afgelopen")
            break
        if step.at is not None and prompt.node != step.at:
            result.failures.append(
                f"{where}: verwacht bij '{step.at}', maar de vraag is bij '{prompt.node}'"
            )
            break  # every later step would answer the wrong question
        outcome = _give(engine, step.answer)
        if step.nudge:
            if not (isinstance(outcome, Invalid) and outcome.reason == "too_short"):
                result.failures.append(f"{where}: coach vroeg niet om iets meer te schrijven")
                break
            outcome = _give(engine, step.answer)  # a second short answer is taken
        if isinstance(outcome, Invalid):
            why = outcome.reason + (f" {outcome.details}" if outcome.details else "")
            result.failures.append(
                f"{where}: het antwoord {step.answer!r} werd niet aangenomen ({why})"
            )
            break
        if isinstance(outcome, Rewind):
            del turns[outcome.keep_turns :]
            steps: tuple[Step, ...] = (outcome.prompt,)
        else:
            turns += outcome.turns
            steps = outcome.steps
        shown += steps
        result.failures += _check_step(engine, step, steps, where)
        if isinstance(outcome, Advance) and outcome.pause:
            break
    for turn in turns:
        if turn.speaker == "coach" and turn.kind in ("ask", "choose", "scale"):
            result.nodes.add(turn.node)
        if turn.speaker == "coach" and turn.kind == "probe" and isinstance(turn.value, dict):
            result.probes.add((turn.node, str(turn.value.get("rule"))))
    result.transcript = plain_transcript(turns)
    result.failures += _check_end(engine, case, shown)
    golden = case.expect.get("golden")
    if isinstance(golden, str):
        # A failing run is never written as the golden transcript.
        result.failures += _compare_golden(folder / golden, result.transcript, result.passed)
    return result


def _give(engine: Engine, answer: str) -> Advance | Rewind | Invalid:
    command = answer.strip().lower()
    if command in ("/verder", "/next"):
        return engine.skip_probes()
    if command in ("/overslaan", "/skip"):
        return engine.skip()
    if command in ("/terug", "/back"):
        return engine.undo()
    return engine.answer(answer)


def _check_step(engine: Engine, step: PlayStep, steps: tuple[Step, ...], where: str) -> list[str]:
    failures = []
    prompt = engine.prompt
    is_probe = isinstance(prompt, Ask) and prompt.probe
    if step.probe is False and is_probe:
        assert isinstance(prompt, Ask)
        failures.append(f"{where}: onverwachte vervolgvraag: {prompt.text!r}")
    elif isinstance(step.probe, str):
        if not is_probe:
            failures.append(
                f"{where}: verwacht een vervolgvraag met {step.probe!r}, maar die kwam niet"
            )
        elif _folded(step.probe) not in _folded(prompt.text if prompt else ""):
            assert prompt is not None
            failures.append(f"{where}: de vervolgvraag bevat {step.probe!r} niet: {prompt.text!r}")
    if step.shows is not None:
        text = "\n".join(_step_text(s) for s in steps)
        if _folded(step.shows) not in _folded(text):
            failures.append(f"{where}: {step.shows!r} werd niet getoond")
    held = any(isinstance(s, Say) and s.style == "safety" for s in steps)
    if step.safety is True and not held:
        failures.append(f"{where}: het vangnet had het gesprek moeten pauzeren")
    if step.safety is False and held:
        failures.append(f"{where}: het vangnet pauzeerde het gesprek onverwacht")
    return failures


def _check_end(engine: Engine, case: Case, shown: list[Step]) -> list[str]:
    failures = []
    expect = case.expect
    ends = [s for s in shown if isinstance(s, End) and s.final]
    end = ends[-1] if ends else None
    if "end" in expect:
        if end is None:
            failures.append(f"het gesprek kwam niet bij het einde '{expect['end']}'")
        elif end.node != expect["end"]:
            failures.append(f"het gesprek eindigde bij '{end.node}', niet bij '{expect['end']}'")
    for label, wanted in (expect.get("card") or {}).items():
        lines = {line.label: line.text for line in end.card} if end else {}
        if label not in lines:
            failures.append(f"de gesprekskaart heeft geen regel '{label}'")
        elif _folded(str(wanted)) not in _folded(lines[label]):
            failures.append(f"kaartregel '{label}' bevat {wanted!r} niet: {lines[label]!r}")
    answers = engine.answers
    for name, wanted in (expect.get("answers") or {}).items():
        if answers.get(name) != wanted:
            failures.append(f"antwoord '{name}' is {answers.get(name)!r}, verwacht {wanted!r}")
    return failures


def _compare_golden(path: Path, transcript: str, may_write: bool) -> list[str]:
    if may_write and (not path.exists() or os.environ.get(UPDATE_GOLDEN) == "1"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(transcript, encoding="utf-8")
        return []
    if not path.exists():
        return [f"{path.name} bestaat nog niet; het wordt geschreven als de case slaagt"]
    expected = path.read_text(encoding="utf-8")
    if expected == transcript:
        return []
    diff = difflib.unified_diff(
        expected.splitlines(), transcript.splitlines(), str(path), "nu", lineterm="", n=1
    )
    lines = list(diff)[:40]
    return [
        f"het transcript wijkt af van {path.name} (werk het bij met {UPDATE_GOLDEN}=1):\n"
        + "\n".join(lines)
    ]


def _step_text(step: Step) -> str:
    parts = [step.text]
    if isinstance(step, Choose):
        parts += step.options
    if isinstance(step, Scale):
        parts += [label for _, label in step.labels]
    if isinstance(step, End):
        parts += [step.title] + [f"{line.label}: {line.text}" for line in step.card]
    return "\n".join(parts)


def _folded(text: str) -> str:
    return " ".join(fold(text).split())


# -- the golden transcript ------------------------------------------------------------------

_KIND_NOTES = {
    "probe": "vervolgvraag",
    "skip": "overgeslagen",
    "safety": "vangnet",
    "checkin": "vangnet",
}


def plain_transcript(turns: list[Turn]) -> str:
    """A transcript as plain text, one block per turn, for golden files and reviewers."""
    blocks = []
    for turn in turns:
        who = "coach" if turn.speaker == "coach" else "jij"
        note = _KIND_NOTES.get(turn.kind, "")
        if turn.kind == "probe" and turn.speaker == "coach" and isinstance(turn.value, dict):
            match = turn.value.get("match")
            note += f"; regel: {turn.value.get('rule')}" + (f"; woord: {match}" if match else "")
        head = f"[{turn.node}] {who}" + (f" ({note})" if note else "")
        body = turn.text
        if turn.kind == "end" and isinstance(turn.value, dict):
            card = turn.value.get("card") or []
            title = turn.value.get("title") or ""
            body += "".join(
                [f"\n\n== {title} ==" if title or card else ""]
                + [f"\n{label}: {text}" for label, text in card]
            )
        blocks.append(f"{head}\n{body}")
    return "\n\n".join(blocks) + "\n"
