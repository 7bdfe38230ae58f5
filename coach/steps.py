"""What the engine hands out: steps to show, turns to keep, and its other answers.

Plain frozen data, no behaviour: the terminal renders steps, the store saves turns, and
tests compare both directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Say:
    node: str
    phase: str | None
    text: str
    style: str = ""  # "safety": the safety net's referral, shown so it cannot be missed


@dataclass(frozen=True)
class Ask:
    node: str
    phase: str | None
    text: str
    optional: bool = False
    probe: bool = False  # a follow-up question on the answer just given
    help: str | None = None
    previous: str = ""  # the answer already given here (a question asked again), to edit


@dataclass(frozen=True)
class Choose:
    node: str
    phase: str | None
    text: str
    options: tuple[str, ...]
    optional: bool = False
    help: str | None = None
    previous: str = ""


@dataclass(frozen=True)
class Scale:
    node: str
    phase: str | None
    text: str
    low: int
    high: int
    labels: tuple[tuple[int, str], ...] = ()
    optional: bool = False
    help: str | None = None
    previous: str = ""


@dataclass(frozen=True)
class CardLine:
    label: str
    text: str


@dataclass(frozen=True)
class End:
    node: str
    phase: str | None
    text: str
    title: str = ""
    card: tuple[CardLine, ...] = ()
    final: bool = True  # False at the end of a sub-dialogue: the conversation goes on


Prompt = Ask | Choose | Scale
Step = Say | Ask | Choose | Scale | End


@dataclass(frozen=True)
class Turn:
    """One line of the transcript, by the coach or by the user, numbered from 1."""

    seq: int
    node: str
    phase: str | None
    kind: str  # say, ask, probe, choose, scale, skip, safety, end
    speaker: str  # coach or user
    text: str
    value: Any = None


@dataclass(frozen=True)
class Advance:
    """The result of an accepted answer: turns to save first, then steps to show."""

    turns: tuple[Turn, ...]
    steps: tuple[Step, ...]
    pause: bool = False  # the user chose to stop for now (at the safety net)

    @property
    def last(self) -> Step | None:
        return self.steps[-1] if self.steps else None


@dataclass(frozen=True)
class Rewind:
    """The result of undo: keep the first `keep_turns` turns, then ask `prompt` again."""

    keep_turns: int
    prompt: Prompt
    previous: str  # the answer that was taken back, to edit


@dataclass(frozen=True)
class Invalid:
    """An answer or command that was not accepted; nothing changed."""

    reason: str  # empty, too_long, too_short, no_such_option, ambiguous, not_a_number, ...
    details: dict[str, Any] = field(default_factory=dict)
