"""Reading authored YAML safely: plain data, plus the line every value came from.

This is the only module that touches the YAML library. It builds Python values straight
from the parser's event stream, so it can refuse what a coach's script never needs and an
attacker might use: anchors and aliases (exponential "billion laughs" expansion), tags such
as `!!python/object`, duplicate keys, several documents in one file, absurd nesting, and
files over a size cap. Scalars follow a deliberately small rule set: only whole numbers,
`true`/`false` and `null` are typed; everything else stays text, so `ja`, `nee`, `on` or
`1.0` in a question are never turned into booleans or floats.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from coach.errors import DialogueError, Issue, os_reason

# Far beyond any real script (the largest shipped file, the crisis word list, is 36 kB with
# about 2,200 YAML events), and small enough that the worst file within them is read,
# checked and refused in under a second and about a hundred MB (30,000 options in a list);
# 8 MB and 4 million events took 9 s and 600 MB.
MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_EVENTS = 30_000
# Python refuses to read an int of more than 4,300 digits (sys.get_int_max_str_digits), and
# reading one takes time that grows with the square of its length; no script needs one.
MAX_DIGITS = 4300
_TOO_LONG = object()  # a whole number with more than MAX_DIGITS digits

JsonPath = tuple[str | int, ...]

# The YAML library, imported on the first parse or dump: a dialogue that comes from the
# cache of checked dialogues (coach/dialogue_cache.py) is never parsed, so start-up does not
# pay for it. Set by _yaml(); the functions below that use it run after that.
yaml: Any = None
_INT = re.compile(r"[-+]?[0-9]+")
_NULLS = {"", "~", "null"}


@dataclass
class YamlDocument:
    """The data of one YAML file and the 1-based line of each value in it."""

    file: str
    data: Any
    lines: dict[JsonPath, int] = field(default_factory=dict)
    digest: str = ""  # sha256 of the file's bytes: which exact text a session ran
    issues: list[Issue] = field(default_factory=list)  # problems that did not stop reading

    def line_of(self, path: JsonPath) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


def format_path(path: JsonPath) -> str:
    """`('nodes', 'wie', 'probes', 0)` → `nodes.wie.probes[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _yaml() -> Any:
    global yaml
    if yaml is None:
        import yaml as library

        yaml = library
    return yaml


def read_yaml_file(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse one YAML file; raise DialogueError listing what is wrong with it."""
    name = display or str(path)
    return parse_yaml_bytes(read_file(path, name), name)


def read_file(path: Path, name: str) -> bytes:
    """The bytes of an authored file, within the size cap; DialogueError if it cannot be."""
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            raise DialogueError([_issue(name, 0, "FILE_TOO_LARGE", _too_large(size))])
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DialogueError([_issue(name, 0, "FILE_NOT_FOUND", "bestand niet gevonden")]) from None
    except IsADirectoryError:
        raise DialogueError([_issue(name, 0, "FILE_NOT_FOUND", "dit is een map")]) from None
    except OSError as exc:
        message = f"kan het bestand niet lezen ({os_reason(exc)})"
        raise DialogueError([_issue(name, 0, "FILE_UNREADABLE", message)]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise DialogueError([_issue(name, 0, "FILE_TOO_LARGE", _too_large(len(raw)))])
    return raw


def parse_yaml_bytes(raw: bytes, name: str) -> YamlDocument:
    """Parse the bytes of a file read by `read_file`; its digest is that of these bytes."""
    document = parse_yaml(decode_utf8(raw, name), name)
    document.digest = hashlib.sha256(raw).hexdigest()
    return document


def decode_utf8(raw: bytes, name: str) -> str:
    """Decode a file as UTF-8 (a byte-order mark is allowed); raise a DialogueError if not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DialogueError(
            [
                _issue(
                    name,
                    line,
                    "NOT_UTF8",
                    "het bestand is geen geldige UTF-8-tekst",
                    "sla het bestand op als UTF-8 (in de meeste editors: 'Opslaan als' → UTF-8)",
                )
            ]
        ) from None


def parse_yaml(text: str, name: str) -> YamlDocument:
    """Parse YAML text into a YamlDocument.

    Problems that leave the rest of the file readable (a duplicate key, an anchor, an alias,
    a tag) are kept in `issues`, so an author sees them together with everything else; a
    syntax error, several documents or absurd size stop reading and raise DialogueError.
    """
    library = _yaml()
    builder = _Builder(name)
    stopped = False
    try:
        for event in library.parse(text, Loader=_loader()):
            if builder.feed(event):
                stopped = True
                break
    except library.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        builder.issues.append(_syntax_issue(name, line, exc.problem or exc.context or ""))
        stopped = True
    except library.YAMLError as exc:
        builder.issues.append(_syntax_issue(name, 1, str(exc)))
        stopped = True
    except RecursionError:
        builder.issues.append(_issue(name, 1, "TOO_DEEP", "het bestand is te diep genest"))
        stopped = True
    if stopped:
        raise DialogueError(builder.issues)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return YamlDocument(name, builder.root, builder.lines, digest, builder.issues)


@cache
def _loader() -> Any:
    return getattr(_yaml(), "CSafeLoader", _yaml().SafeLoader)


class _Container:
    """A mapping or sequence being built, with the path it will have in the result."""

    def __init__(self, value: dict[str, Any] | list[Any], path: JsonPath, is_key: bool) -> None:
        self.value = value
        self.path = path
        self.is_key = is_key  # a container used as a mapping key: reported, then dropped
        self.key: str | None = None
        self.key_line = 0
        self.drop_value = False  # the pending key was a duplicate: read its value, keep nothing


class _Builder:
    """Turns parser events into plain data, collecting every problem on the way."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.root: Any = None
        self.lines: dict[JsonPath, int] = {}
        self.issues: list[Issue] = []
        self.stack: list[_Container] = []
        self.documents = 0
        self.events = 0

    def feed(self, event: Any) -> bool:
        """Take one event; return True when reading must stop."""
        self.events += 1
        if self.events > MAX_EVENTS:
            self._fail(event, "TOO_LARGE", "het bestand bevat te veel elementen")
            return True
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self._fail(
                    event,
                    "MULTIPLE_DOCUMENTS",
                    "het bestand bevat meer dan één YAML-document (---)",
                    "zet elke dialoog in een eigen bestand",
                )
                return True
            return False
        if isinstance(event, yaml.AliasEvent):
            self._fail(
                event,
                "ALIAS",
                f"verwijzing '*{event.anchor}' is niet toegestaan",
                "schrijf de tekst gewoon uit; ankers (&) en verwijzingen (*) worden niet gebruikt",
            )
            self._attach(None, _line(event))
            return False
        if isinstance(event, yaml.CollectionEndEvent):
            done = self.stack.pop()
            if not done.is_key:
                self._attach(done.value, 0, container=True)
            return False
        if not isinstance(event, yaml.NodeEvent):
            return False  # stream and document boundaries
        if event.anchor is not None:
            self._fail(
                event,
                "ANCHOR",
                f"anker '&{event.anchor}' is niet toegestaan",
                "schrijf de tekst gewoon uit; ankers (&) en verwijzingen (*) worden niet gebruikt",
            )
        if isinstance(event, yaml.CollectionStartEvent | yaml.ScalarEvent) and _explicit_tag(event):
            self._fail(
                event,
                "TAG",
                f"YAML-tag '{event.tag}' is niet toegestaan",
                "laat de tag weg; tekst tussen aanhalingstekens is altijd tekst",
            )
        if isinstance(event, yaml.ScalarEvent):
            value = _scalar(event)
            if value is _TOO_LONG:
                self._fail(
                    event,
                    "NUMBER_TOO_LONG",
                    f"een getal van {len(event.value.lstrip('+-'))} cijfers is te lang",
                    f"een getal heeft hooguit {MAX_DIGITS} cijfers; zet tekst tussen "
                    "aanhalingstekens",
                )
                value = event.value
            self._attach(value, _line(event), raw=event.value)
        elif isinstance(event, yaml.CollectionStartEvent):
            return self._open(event)
        return False

    def _open(self, event: Any) -> bool:
        if len(self.stack) >= MAX_DEPTH:
            self._fail(
                event, "TOO_DEEP", f"meer dan {MAX_DEPTH} niveaus diep genest", at_path=False
            )
            return True
        parent = self.stack[-1] if self.stack else None
        is_key = parent is not None and isinstance(parent.value, dict) and parent.key is None
        if is_key:
            self._fail(event, "COMPLEX_KEY", "een sleutel moet een gewone tekst zijn")
        path = self._child_path(parent)
        value: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        if not is_key:
            self.lines.setdefault(path, self._value_line(parent, _line(event)))
        self.stack.append(_Container(value, path, is_key))
        return False

    def _child_path(self, parent: _Container | None) -> JsonPath:
        if parent is None:
            return ()
        if isinstance(parent.value, dict):
            return (*parent.path, parent.key or "")
        return (*parent.path, len(parent.value))

    def _value_line(self, parent: _Container | None, line: int) -> int:
        # A value in a mapping is reported at its key, where an author looks for it.
        if parent is not None and isinstance(parent.value, dict) and parent.key is not None:
            return parent.key_line
        return line

    def _attach(
        self, value: Any, line: int, raw: str | None = None, container: bool = False
    ) -> None:
        parent = self.stack[-1] if self.stack else None
        if parent is None:
            self.root = value
            self.lines.setdefault((), line or 1)
            return
        if parent.is_key:
            return
        if isinstance(parent.value, list):
            if not container:
                self.lines[(*parent.path, len(parent.value))] = line
            parent.value.append(value)
            return
        if parent.key is None:  # this scalar is a key
            key = raw if raw is not None else str(value)
            path = (*parent.path, key)
            if key in parent.value:
                first = self.lines.get(path, 0)
                self.issues.append(
                    Issue(
                        self.name,
                        line,
                        format_path(path),
                        f"'{key}' staat hier twee keer (eerst op regel {first})",
                        "geef elke sleutel een eigen naam, of voeg de twee samen",
                        code="DUPLICATE_KEY",
                    )
                )
                parent.key, parent.key_line, parent.drop_value = key, line, True
                return
            parent.key, parent.key_line = key, line
            self.lines[path] = line
            return
        if not parent.drop_value:
            parent.value[parent.key] = value
        parent.key, parent.drop_value = None, False

    def _fail(
        self, event: Any, code: str, message: str, hint: str = "", at_path: bool = True
    ) -> None:
        path = format_path(self._child_path(self.stack[-1])) if self.stack and at_path else ""
        self.issues.append(Issue(self.name, _line(event), path, message, hint, code=code))


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def _explicit_tag(event: Any) -> bool:
    # libyaml reports the non-specific tag "!" for quoted scalars; that is no real tag.
    return event.tag is not None and event.tag != "!"


def _scalar(event: Any) -> Any:
    text: str = event.value
    if not event.implicit[0]:  # quoted and block scalars are always text
        return text
    if _INT.fullmatch(text):
        return int(text) if len(text.lstrip("+-")) <= MAX_DIGITS else _TOO_LONG
    if text in ("true", "false"):
        return text == "true"
    if text in _NULLS:
        return None
    return text


_SYNTAX_HINTS = (
    (
        "cannot start any token",
        "gebruik spaties om in te springen, geen tabs, en zet tekst die "
        "met een bijzonder teken begint tussen aanhalingstekens",
    ),
    (
        "mapping values are not allowed",
        "zet tekst met een dubbele punt erin tussen aanhalingstekens",
    ),
    (
        "could not find expected ':'",
        "controleer de inspringing en of elke sleutel een dubbele punt heeft",
    ),
    (
        "did not find expected key",
        "controleer de inspringing: alle sleutels op hetzelfde niveau beginnen in dezelfde kolom",
    ),
    ("did not find expected '-'", "controleer de inspringing van de lijst"),
    ("found unexpected end of stream", "er mist waarschijnlijk een afsluitend aanhalingsteken"),
    (
        "found unknown escape character",
        "schrijf een backslash in tekst tussen dubbele "
        "aanhalingstekens als \\\\, of gebruik enkele aanhalingstekens",
    ),
)


def _syntax_issue(name: str, line: int, problem: str) -> Issue:
    hint = "controleer de inspringing (spaties) en de aanhalingstekens rond deze regel"
    for needle, better in _SYNTAX_HINTS:
        if needle in problem:
            hint = better
            break
    return Issue(name, line, "", f"YAML-syntaxfout: {problem}", hint, code="YAML_SYNTAX")


def _issue(name: str, line: int, code: str, message: str, hint: str = "") -> Issue:
    return Issue(name, line, "", message, hint, code=code)


def _too_large(size: int) -> str:
    return f"het bestand is te groot ({size // 1024} kB; de grens is {MAX_FILE_BYTES // 1024} kB)"


# -- writing ----------------------------------------------------------------------------------


@cache
def _dumper() -> Any:
    import yaml as library

    class Dumper(library.SafeDumper):
        """Block style with indented lists, as the shipped files are written; never an alias."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    def text(dumper: Any, data: str) -> Any:
        # Text over several lines as a `|` block (PyYAML falls back to quotes if it cannot).
        return dumper.represent_scalar(
            "tag:yaml.org,2002:str", data, style="|" if "\n" in data else None
        )

    Dumper.add_representer(str, text)
    return Dumper


def dump_yaml(data: Any) -> str:
    """Plain data (text, whole numbers, booleans, lists, mappings) as YAML that
    `parse_yaml` reads back the same: text that would read as something else is quoted."""
    return str(
        _yaml().dump(
            data,
            Dumper=_dumper(),
            allow_unicode=True,
            sort_keys=False,
            width=92,
            default_flow_style=False,
        )
    )
