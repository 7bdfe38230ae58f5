"""`coach review`: a rubric applied to a saved conversation. Pure: no files, no screen.

For each criterion the levels are tried from high to low, and the first whose condition
holds is the score. Beside the score the review keeps its *evidence*: the words the
condition found (the judgement `arrogant`, the feeling `geïrriteerd`), with their place in
the answer so a screen can highlight them, and, when a higher level was missed, what that
level lacked or what stood in its way. The same transcript and the same rubric text always
give the same review.

An answer at which the safety net opened is not an ordinary answer: a criterion that reads
it is not scored (`NOT_SCORED`), and it is left out of everything the leader wrote (`all`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coach import expr
from coach.expr import Call, Compare, Logic, Name, Not, Scope, Span, Value
from coach.lexicon import Lexicon
from coach.model import Transcript
from coach.rubric import ALL, ANSWER, Criterion, Level, Rubric

REVIEW_FORMAT = 1
NOT_SCORED = "niet beoordeeld: het vangnet ging open"


@dataclass(frozen=True)
class Evidence:
    """Words in an answer that show a level (or that kept a higher level away)."""

    answer: str | None  # the answer's name (question id); None: another text
    start: int
    end: int
    text: str
    reason: str  # a lexicon id, `patroon` or `gedeeld`
    reason_title: str  # the lexicon's title, or a Dutch description
    supports: bool  # True: shows the level reached; False: stood in the way of a higher one


@dataclass(frozen=True)
class CriterionReview:
    criterion: Criterion
    level: Level | None  # None: not scored (the safety net opened at its answer)
    answer: str | None  # the text of the criterion's answer, None when it has none
    evidence: tuple[Evidence, ...]
    lacking: tuple[str, ...]  # what the next level up needed and did not find
    next_level: int | None  # that level, None at the top

    @property
    def scored(self) -> bool:
        return self.level is not None

    @property
    def tip(self) -> str:
        if self.level is None or self.level.level >= self.criterion.top:
            return ""
        return self.level.tip or self.criterion.tip


@dataclass(frozen=True)
class Review:
    rubric: Rubric
    session_uuid: str
    criteria: tuple[CriterionReview, ...]

    @property
    def total(self) -> int:
        return sum(item.level.level for item in self.criteria if item.level is not None)

    @property
    def top(self) -> int:
        """The highest total: of the criteria that were scored."""
        return sum(item.criterion.top for item in self.criteria if item.scored)

    @property
    def not_scored(self) -> int:
        return sum(1 for item in self.criteria if not item.scored)


def answers_of(transcript: Transcript) -> dict[str, Value]:
    """The leader's answers by question id, as the dialogue saw them.

    An open answer is the first answer and every follow-up answer under it, joined by line
    breaks; the answer to a follow-up with `replace` (its turn's value says so) takes the
    place of what was there. A choice is the chosen option's value, a scale its number, a
    skipped question an empty text. A question asked again (after `/terug`, or to sharpen
    an answer at the end) counts with its last answer. Inside a sub-dialogue the name is
    the call node's id, a dot, and the question id (`voorbereiding.beleven`).
    """
    answers: dict[str, Value] = {}
    replacing = False
    for turn in transcript.turns:
        if turn.speaker == "coach" and turn.kind == "probe":
            replacing = isinstance(turn.value, dict) and turn.value.get("replace") is True
        if turn.speaker != "user" or turn.kind in ("safety", "checkin"):
            continue
        name = turn.node.replace("/", ".")
        if turn.kind == "probe":
            before = answers.get(name)
            keep = isinstance(before, str) and before and not replacing
            answers[name] = f"{before}\n{turn.text}" if keep else turn.text
        elif turn.kind == "skip":
            answers[name] = ""
        elif turn.kind in ("choose", "scale"):
            answers[name] = _value(turn.value, turn.text)
        else:
            answers[name] = turn.text
    return answers


def held_back(transcript: Transcript) -> set[str]:
    """The answers (named as in `answers_of`) at which the safety net opened: the last
    answer there, or a follow-up answer under it, is marked in its turn's value."""
    marked: dict[str, bool] = {}
    for turn in transcript.turns:
        if turn.speaker != "user" or turn.kind in ("safety", "checkin"):
            continue
        name = turn.node.replace("/", ".")
        signal = _signalled(turn.value)
        if turn.kind == "probe":
            marked[name] = marked.get(name, False) or signal
        else:
            marked[name] = signal
    return {name for name, signal in marked.items() if signal}


def _signalled(value: Any) -> bool:
    return isinstance(value, dict) and bool(value.get("safety"))


def _value(value: Any, typed: str) -> Value:
    if isinstance(value, str | int | float | bool):
        return value
    return typed


def review(rubric: Rubric, transcript: Transcript) -> Review:
    """Score a transcript with a rubric; deterministic."""
    answers = answers_of(transcript)
    held = held_back(transcript)
    everything = "\n".join(
        turn.text
        for turn in transcript.turns
        if turn.speaker == "user" and turn.kind in ("ask", "probe") and not _signalled(turn.value)
    )
    base: dict[str, Value] = {
        ALL: everything,
        "session.completed": transcript.session.status == "completed",
        "session.answers": transcript.session.answers,
    }
    results = []
    for criterion in rubric.criteria:
        names: dict[str, Value] = {**answers, **base}
        answer_text: str | None = None
        if criterion.answer is not None:
            value = answers.get(criterion.answer)
            names[ANSWER] = value
            answer_text = "" if value is None else str(value)
        if held & _reads(criterion):
            results.append(CriterionReview(criterion, None, answer_text, (), (), None))
            continue
        results.append(_criterion(criterion, names, rubric.lexicons, answer_text))
    return Review(rubric, transcript.session.uuid, tuple(results))


def _reads(criterion: Criterion) -> set[str]:
    """The answers a criterion's levels read, its own answer included."""
    read = {criterion.answer} if criterion.answer is not None else set()
    for level in criterion.levels:
        if level.when is not None:
            for name in expr.names(level.when.expr):
                read.add(criterion.answer if name == ANSWER and criterion.answer else name)
    return {name for name in read if name is not None}


def _criterion(
    criterion: Criterion,
    names: Mapping[str, Value],
    lexicons: Mapping[str, Lexicon],
    answer_text: str | None,
) -> CriterionReview:
    def scope() -> Scope:
        return Scope(names.get, lexicons)

    reached = len(criterion.levels) - 1
    for index, level in enumerate(criterion.levels):
        if level.when is None or expr.holds(level.when.expr, scope()):
            reached = index
            break
    level = criterion.levels[reached]
    findings = _Findings(lexicons, criterion.answer)
    if level.when is not None:
        findings.walk(level.when.expr, scope(), positive=True, collect_lacking=False)
    higher = [each for each in criterion.levels[:reached] if each.level > level.level]
    if higher and higher[-1].when is not None:  # the next level up: what did it miss?
        findings.walk(higher[-1].when.expr, scope(), positive=True, collect_lacking=True)
    lacking = tuple(dict.fromkeys(findings.lacking))
    if answer_text == "" and higher:
        lacking = ("een antwoord op deze vraag",)  # whatever else a level asks, first this
    return CriterionReview(
        criterion,
        level,
        answer_text,
        findings.evidence(),
        lacking,
        higher[-1].level if higher else None,
    )


class _Findings:
    """Walks a condition without short-cuts and sorts what each part found: words that
    made a part true (support), words that made a `not` part fail (in the way), and
    descriptions of positive parts that were false (lacking)."""

    def __init__(self, lexicons: Mapping[str, Lexicon], answer: str | None) -> None:
        self.lexicons = lexicons
        self.answer = answer
        self.found: list[tuple[Span, bool]] = []
        self.lacking: list[str] = []

    def walk(self, node: expr.Expr, scope: Scope, positive: bool, collect_lacking: bool) -> None:
        if isinstance(node, Not):
            self.walk(node.operand, scope, not positive, collect_lacking)
            return
        if isinstance(node, Logic):
            self._walk_logic(node, scope, positive, collect_lacking)
            return
        holds = expr.holds(node, scope)
        spans: list[Span] = []
        scope.spans = spans
        if isinstance(node, Compare):
            # The words counted on the left are what a comparison is about; and in
            # `count(x, 'l') < 2` they speak against the condition, not for it.
            expr.evaluate(node.left, scope)
            if node.op in ("<", "<="):
                positive = not positive
        else:
            expr.evaluate(node, scope)
        scope.spans = None
        if positive and holds and not collect_lacking:
            self.found += [(span, True) for span in spans]
        elif not positive and holds and collect_lacking:
            self.found += [(span, False) for span in spans]
        elif positive and not holds and collect_lacking:
            described = self._describe(node, scope)
            if described:
                self.lacking.append(described)

    def _walk_logic(self, node: Logic, scope: Scope, positive: bool, collect_lacking: bool) -> None:
        # An `or` asks for one of its parts (so does `not (a and b)`): when one holds, the
        # others are not lacking; when none holds, what is lacking is one of them.
        either = (node.op == "or") == positive
        if not (either and collect_lacking):
            for part in node.operands:
                self.walk(part, scope, positive, collect_lacking)
            return
        satisfied = expr.holds(node, scope) == positive
        before = len(self.lacking)
        for part in node.operands:
            self.walk(part, scope, positive, collect_lacking and not satisfied)
        if len(self.lacking) - before > 1:
            alternatives = self.lacking[before:]
            del self.lacking[before:]
            self.lacking.append(" of ".join(alternatives))

    def evidence(self) -> tuple[Evidence, ...]:
        # Words that both show this level and kept the next one away are shown once, as
        # what stood in the way: that is what the leader can do something about.
        seen: dict[tuple[str | None, int, int], Evidence] = {}
        for span, supports in sorted(self.found, key=lambda found: found[1]):
            name = self.answer if span.source == ANSWER else span.source
            key = (name, span.start, span.end)
            if key not in seen:
                seen[key] = Evidence(
                    name,
                    span.start,
                    span.end,
                    span.text,
                    span.reason,
                    self._reason_title(span.reason),
                    supports,
                )
        return tuple(sorted(seen.values(), key=lambda e: (not e.supports, e.answer or "", e.start)))

    def _reason_title(self, reason: str) -> str:
        if reason in self.lexicons:
            return self.lexicons[reason].title
        return {"patroon": "patroon", "gedeeld": "gedeeld woord"}.get(reason, reason)

    def _describe(self, node: expr.Expr, scope: Scope) -> str:
        """What a positive part that did not hold asks for, in a short Dutch phrase."""
        if isinstance(node, Call):
            return self._describe_call(node)
        if isinstance(node, Compare) and isinstance(node.left, Call):
            value = expr.evaluate(node.left, scope)
            limit = f"{_OPS.get(node.op, node.op)} {expr.evaluate(node.right, scope)}"
            call = node.left
            where = self._in(call.args[0])
            if call.function == "words":
                return f"{where}{limit} woorden (nu {value})"
            if call.function == "count":
                title = self._list_title(call)
                return f"{where}{limit} keer een woord uit ‘{title}’ (nu {value})"
            if call.function == "shared":
                if value == 0 and limit in ("minstens 1", "meer dan 0"):
                    return self._describe_call(call)
                first, second = (self._name(arg) for arg in call.args)
                return f"{limit} woorden die {first} en {second} gemeen hebben (nu {value})"
        return ""

    def _describe_call(self, node: Call) -> str:
        """'' for a part that has no short description (a pattern)."""
        where = self._in(node.args[0])
        if node.function == "answered":
            return f"een antwoord op {self._name(node.args[0])}"
        if node.function == "mentions":
            return f"{where}een woord uit ‘{self._list_title(node)}’"
        if node.function == "starts":
            return f"{where}een zin die begint met een woord uit ‘{self._list_title(node)}’"
        if node.function == "shared":
            first, second = (self._name(arg) for arg in node.args)
            return f"een woord dat {first} en {second} gemeen hebben"
        return ""  # a pattern has no words to tell a leader what it missed

    def _in(self, arg: expr.Expr) -> str:
        """'' for the criterion's own answer (the one the reader is looking at), otherwise
        which text it is about."""
        if isinstance(arg, Name) and arg.name == ANSWER:
            return ""
        return f"in {self._name(arg)}: "

    def _name(self, arg: expr.Expr) -> str:
        if isinstance(arg, Name):
            if arg.name == ANSWER:
                return self.answer or "het antwoord"
            return "alle antwoorden" if arg.name == ALL else arg.name
        return "de tekst"

    def _list_title(self, node: Call) -> str:
        if node.function == "shared":
            return "gedeeld woord"
        if node.lexicon is not None and node.lexicon in self.lexicons:
            return self.lexicons[node.lexicon].title
        return node.lexicon or node.function


_OPS = {">=": "minstens", ">": "meer dan", "<": "minder dan", "<=": "hoogstens", "==": "precies"}


def to_dict(result: Review) -> dict[str, Any]:
    """The review as plain data (`--format json`, and what the store keeps)."""
    rubric = result.rubric
    return {
        "format": "coach-review",
        "format_version": REVIEW_FORMAT,
        "rubric": {
            "id": rubric.id,
            "version": rubric.version,
            "hash": rubric.content_hash,
            "title": rubric.title,
        },
        "session": result.session_uuid,
        "total": result.total,
        "top": result.top,
        "criteria": [
            {
                "id": item.criterion.id,
                "title": item.criterion.title,
                "answer": item.criterion.answer,
                "level": item.level.level if item.level is not None else None,
                "top": item.criterion.top,
                "label": item.level.label if item.level is not None else NOT_SCORED,
                "scored": item.scored,
                "evidence": [
                    {
                        "answer": found.answer,
                        "start": found.start,
                        "end": found.end,
                        "text": found.text,
                        "reason": found.reason,
                        "supports": found.supports,
                    }
                    for found in item.evidence
                ],
                "next_level": item.next_level,
                "lacking": list(item.lacking),
                "tip": item.tip,
            }
            for item in result.criteria
        ],
    }
