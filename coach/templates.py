"""Text templates in dialogues: `{name}` and `{name|filter}`, rendered in a single pass.

A template is parsed once, at load time, into literal text and fields. Rendering looks each
field's name up in the answers and inserts the value as it is: what a user typed is never
read as a template again, never used as a format string, and a name can only be a plain
key (`{x.__class__}` or `{0:>9}` are refused when the dialogue is loaded). Write `{{` and
`}}` for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from coach.errors import SourceError
from coach.expr import Value
from coach.reflect import reflect

MISSING = "…"  # shown for an answer that was never given (skipped, or on another path)


def _without_full_stop(text: str) -> str:
    """A quoted answer without its closing full stop: the author's sentence goes on after it
    (‘Ik vraag eerst naar zijn loopbaan’. Hoe ging dat?); ?, ! and … stay."""
    stripped = text.strip()
    if stripped.endswith(".") and not stripped.endswith(".."):
        return stripped[:-1]
    return stripped


FILTERS: dict[str, Callable[[str], str]] = {
    "lower": str.lower,
    "upper": str.upper,
    "quote": lambda text: f"‘{_without_full_stop(text)}’",
    "reflect": reflect,
}

_FIELD = re.compile(
    r"\s*(?P<name>[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)*)"
    r"(?P<filters>(?:\s*\|\s*[A-Za-z]+)*)\s*"
)


class TemplateError(SourceError):
    """A template that cannot be parsed."""


@dataclass(frozen=True)
class Field:
    name: str
    filters: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    source: str
    parts: tuple[str | Field, ...]

    def names(self) -> Iterator[str]:
        """The names this template reads."""
        for part in self.parts:
            if isinstance(part, Field):
                yield part.name

    def render(self, lookup: Callable[[str], Value]) -> str:
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            text = as_text(lookup(part.name))
            for name in part.filters:
                text = FILTERS[name](text)
            out.append(text)
        return "".join(out)


def as_text(value: Value) -> str:
    """How a stored value reads inside a sentence."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return MISSING
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, tuple):
        return ", ".join(as_text(item) for item in value)
    return str(value)


def parse_template(source: str) -> Template:
    """Parse template text; raise TemplateError with a Dutch message and a column."""
    parts: list[str | Field] = []
    literal: list[str] = []
    pos = 0
    while pos < len(source):
        char = source[pos]
        if char in "{}" and source.startswith(char * 2, pos):
            literal.append(char)
            pos += 2
            continue
        if char == "}":
            raise TemplateError("losse '}'", pos + 1, "schrijf '}}' voor een accolade in de tekst")
        if char != "{":
            literal.append(char)
            pos += 1
            continue
        end = source.find("}", pos + 1)
        if end < 0:
            raise TemplateError(
                "'{' zonder afsluitende '}'", pos + 1, "schrijf '{{' voor een accolade in de tekst"
            )
        parts.extend(["".join(literal)] if literal else [])
        literal = []
        parts.append(_field(source[pos + 1 : end], pos + 2))
        pos = end + 1
    if literal:
        parts.append("".join(literal))
    return Template(source, tuple(parts))


def _field(inner: str, column: int) -> Field:
    found = _FIELD.fullmatch(inner)
    if found is None:
        raise TemplateError(
            f"'{{{inner}}}' is geen geldige invulplek",
            column,
            "gebruik {naam} of {naam|filter}, met de naam van een antwoord",
        )
    filters = tuple(part.strip() for part in found.group("filters").split("|")[1:])
    for name in filters:
        if name not in FILTERS:
            known = ", ".join(sorted(FILTERS))
            raise TemplateError(f"onbekend filter '{name}'", column, f"bekend zijn: {known}")
    return Field(found.group("name"), filters)
