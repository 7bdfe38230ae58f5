"""Rubrics: how `coach review` scores a saved conversation, criterion by criterion.

A rubric is a YAML file in a `rubrics/` folder (schema: coach/schemas/rubric.schema.json).
Each criterion has levels from high to low; the first level whose condition holds is the
score, so the last level has no condition and is what remains. Conditions are written in
the language of dialogues (coach/expr.py) and read the leader's answers by question id
(`beleven`), the criterion's own answer as `answer`, and everything the leader wrote as
`all`. This module holds the data; coach/rubric_files.py reads and checks the files and
coach/review.py applies a rubric to a transcript.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from coach.lexicon import Lexicon
from coach.model import Condition, Location

# Names every rubric condition can read besides the answers by question id.
ANSWER = "answer"  # the criterion's own answer
ALL = "all"  # every answer of the leader, in order, one per line
SESSION_NAMES = ("session.completed", "session.answers")
DEFAULT_SCALE = {0: "ontbreekt", 1: "gedeeltelijk", 2: "duidelijk"}


@dataclass(frozen=True)
class Level:
    level: int
    label: str
    when: Condition | None  # None: the level that remains when no other holds
    tip: str = ""  # replaces the criterion's tip at this level


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    levels: tuple[Level, ...]  # from high to low
    loc: Location
    about: str = ""
    answer: str | None = None  # the question id this criterion is about; None: the whole
    tip: str = ""

    @property
    def top(self) -> int:
        return self.levels[0].level


@dataclass(frozen=True)
class Rubric:
    id: str
    version: int
    title: str
    dialogues: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    content_hash: str  # SHA-256 of the file: which exact text scored a review
    description: str = ""
    source: str = ""
    lexicons: Mapping[str, Lexicon] = field(default_factory=dict)

    @property
    def top(self) -> int:
        return sum(criterion.top for criterion in self.criteria)
