"""Linking a built dialogue to what it uses: lexicons, the safety net and sub-dialogues.

Each is looked up beside the dialogue file first (`lexicons/` next to it, another dialogue
in the same folder), then among the ones shipped with coach. Problems are issues with the
file and line of the condition or `call` that needs them; a problem inside a lexicon file is
reported at its own file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from coach import expr
from coach.check import conditions
from coach.dialogue_cache import Dep
from coach.errors import Issue
from coach.lexicon import Lexicon
from coach.lexicon_files import (
    SUFFIX,
    LexiconResult,
    find_lexicon,
    inspect_lexicon,
    lexicon_dirs,
    shipped_lexicons,
    suggestion,
)
from coach.model import Call, Dialogue, Location, Safety, SafetyRule

# The built-in safety net: its lists always come from the shipped lexicons, so a local file
# cannot switch it off by accident.
SAFETY_LEVELS = (
    ("crisis", "crisissignalen"),
    ("crisis", "afscheidssignalen"),
    ("zorg", "zorgsignalen"),
    ("geweld", "geweldsignalen"),
    ("ander", "zorg-om-een-ander"),
    ("herstel", "herstelsignalen"),
)

Inspect = Callable[..., Any]  # loader.inspect_dialogue, passed in to avoid a circular import


def link(
    dialogue: Dialogue,
    path: Path | None,
    calling: tuple[str, ...],
    inspect: Inspect,
    deps: list[Dep] | None = None,
) -> tuple[Dialogue, list[Issue]]:
    """The dialogue with its lexicons, safety net and sub-dialogues, and the problems found.

    Every file the result comes from is added to `deps` (for the cache of checked
    dialogues): each place a file was looked for, up to the one found.
    """
    issues: list[Issue] = []
    linker = _Linker(path, issues, [] if deps is None else deps)
    lexicons = {
        lexicon_id: lexicon
        for loc, where, lexicon_id in _lexicon_uses(dialogue)
        if (lexicon := linker.lexicon(lexicon_id, loc, where)) is not None
    }
    safety = linker.safety(dialogue)
    callees = {}
    for node in dialogue.nodes:
        if isinstance(node, Call) and node.dialogue.target not in callees:
            callee = linker.callee(dialogue, node, calling, inspect)
            if callee is not None:
                callees[node.dialogue.target] = callee
    return replace(dialogue, lexicons=lexicons, safety=safety, callees=callees), issues


def _lexicon_uses(dialogue: Dialogue) -> Iterator[tuple[Location, str, str]]:
    for where, condition in conditions(dialogue):
        for lexicon_id in expr.lexicons_used(condition.expr):
            yield condition.loc, where, lexicon_id


class _Linker:
    def __init__(self, path: Path | None, issues: list[Issue], deps: list[Dep]) -> None:
        self.path = path
        self.dirs = lexicon_dirs(path)
        self.issues = issues
        self.deps = deps
        self.found: dict[tuple[str, tuple[Path, ...]], Path | None] = {}
        self.loaded: dict[Path, LexiconResult] = {}

    def lexicon(
        self, lexicon_id: str, loc: Location, where: str, dirs: list[Path] | None = None
    ) -> Lexicon | None:
        dirs = dirs or self.dirs
        key = (lexicon_id, tuple(dirs))
        if key not in self.found:  # looked up once per link, however often it is used
            self.found[key] = found = find_lexicon(lexicon_id, dirs)
            for folder in dirs:  # where it was looked for first, and found nothing
                candidate = folder / f"{lexicon_id}{SUFFIX}"
                if candidate == found:
                    break
                self.deps.append((str(candidate), ""))
        found = self.found[key]
        if found is None:
            self.issues.append(
                Issue(
                    loc.file,
                    loc.line,
                    where,
                    f"onbekende woordenlijst '{lexicon_id}'",
                    suggestion(lexicon_id, dirs),
                    code="UNKNOWN_LEXICON",
                )
            )
            return None
        if found not in self.loaded:
            result = inspect_lexicon(found, _display(found))
            self.issues.extend(result.issues)
            self.loaded[found] = result
            self.deps.append((str(found), result.digest))
        return self.loaded[found].lexicon

    def safety(self, dialogue: Dialogue) -> Safety:
        shipped = [shipped_lexicons()]
        rules = [
            SafetyRule(level, lexicon)
            for level, lexicon_id in SAFETY_LEVELS
            if (lexicon := self.lexicon(lexicon_id, dialogue.loc, "safety", shipped)) is not None
        ]
        for ref in dialogue.safety_lexicons:
            lexicon = self.lexicon(ref.target, ref.loc, ref.path)
            if lexicon is not None:
                rules.append(SafetyRule("zorg", lexicon))
        return Safety(tuple(rules), dialogue.safety_message)

    def callee(
        self, dialogue: Dialogue, node: Call, calling: tuple[str, ...], inspect: Inspect
    ) -> Dialogue | None:
        target = node.dialogue
        chain = (*calling, dialogue.id)
        if target.target in chain:
            loop = " → ".join((*chain, target.target))
            self._call_issue(node, "CALL_CYCLE", f"dit gesprek roept zichzelf aan ({loop})")
            return None
        found = _find_dialogue(target.target, self.path, self.deps)
        if found is None:
            self._call_issue(
                node,
                "UNKNOWN_DIALOGUE",
                f"onbekend gesprek '{target.target}'",
                "coach list toont de gesprekken die er zijn",
            )
            return None
        result = inspect(found, _display(found), chain)
        cycles = [issue for issue in result.errors if issue.code == "CALL_CYCLE"]
        if cycles:  # the loop closes further down: say so here, where it starts
            self._call_issue(node, "CALL_CYCLE", cycles[0].message)
            return None
        if result.dialogue is None:
            first = result.errors[0].format().splitlines()[0] if result.errors else ""
            self._call_issue(
                node,
                "BROKEN_CALL",
                f"het gesprek '{target.target}' heeft fouten en kan niet worden aangeroepen",
                first,
            )
            return None
        callee: Dialogue = result.dialogue
        self.deps.append((str(found), callee.content_hash))
        self.deps.extend(result.deps)
        return callee

    def _call_issue(self, node: Call, code: str, message: str, hint: str = "") -> None:
        loc = node.dialogue.loc
        self.issues.append(Issue(loc.file, loc.line, node.dialogue.path, message, hint, code=code))


def _find_dialogue(dialogue_id: str, path: Path | None, deps: list[Dep]) -> Path | None:
    """The file of a sub-dialogue; every place looked at first is added to `deps`."""
    from coach.catalog import SUFFIXES, search_dirs

    folders = ([path.resolve().parent] if path is not None else []) + search_dirs(missing=True)
    for folder in folders:
        for suffix in SUFFIXES:
            candidate = folder / f"{dialogue_id}{suffix}"
            if candidate.is_file():
                return candidate
            deps.append((str(candidate), ""))
    return None


def _display(path: Path) -> str:
    from coach.catalog import display

    return display(path)
