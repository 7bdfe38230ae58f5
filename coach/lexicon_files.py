"""Reading lexicons from YAML files, with the same file:line errors as dialogues.

A dialogue finds a lexicon by id: first in the `lexicons/` folder beside the dialogue file,
then among the lexicons shipped with coach. A file is read once per process (per path and
modification time), however many dialogues use it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from coach.errors import DialogueError, Issue
from coach.lexicon import EntryError, Lexicon, hits, make_entry
from coach.schema import problems
from coach.shipped import shipped_dir
from coach.yamldoc import JsonPath, YamlDocument, format_path, read_yaml_file

FOLDER = "lexicons"
SUFFIX = ".yaml"


def shipped_lexicons() -> Path:
    return shipped_dir() / FOLDER


def lexicon_dirs(dialogue_file: Path | None) -> list[Path]:
    """Where a dialogue's lexicons are looked for, first match first."""
    dirs = []
    if dialogue_file is not None:
        dirs.append(dialogue_file.resolve().parent / FOLDER)
    shipped = shipped_lexicons()
    if not any(d == shipped.resolve() for d in dirs):
        dirs.append(shipped.resolve())
    return dirs


@dataclass
class LexiconResult:
    lexicon: Lexicon | None
    issues: list[Issue] = field(default_factory=list)
    digest: str = ""  # sha256 of the file's bytes, when it could be read


_cache: dict[tuple[str, int, int], LexiconResult] = {}


def inspect_lexicon(path: Path, display: str | None = None) -> LexiconResult:
    """Read and check one lexicon file; every problem is reported, nothing raised."""
    name = display or str(path)
    try:
        info = os.stat(path)
        key = (str(path.resolve()), info.st_mtime_ns, info.st_size)
    except OSError:
        key = None
    if key is not None and key in _cache:
        return _cache[key]
    try:
        document = read_yaml_file(path, name)
    except DialogueError as exc:
        return LexiconResult(None, exc.issues)
    result = _build(document, path.stem)
    result.digest = document.digest
    if key is not None:
        _cache[key] = result
    return result


def load_lexicon(path: Path, display: str | None = None) -> Lexicon:
    """Read one lexicon file; DialogueError with every problem if it has any."""
    result = inspect_lexicon(path, display)
    if result.lexicon is None:
        raise DialogueError(result.issues)
    return result.lexicon


def available(dirs: Iterable[Path]) -> list[str]:
    """The ids of every lexicon in these folders."""
    names: set[str] = set()
    for folder in dirs:
        if folder.is_dir():
            names.update(p.stem for p in folder.glob(f"*{SUFFIX}") if p.is_file())
    return sorted(names)


def find_lexicon(lexicon_id: str, dirs: Iterable[Path]) -> Path | None:
    for folder in dirs:
        path = folder / f"{lexicon_id}{SUFFIX}"
        if path.is_file():
            return path
    return None


def suggestion(lexicon_id: str, dirs: Iterable[Path]) -> str:
    known = available(dirs)
    close = difflib.get_close_matches(lexicon_id, known, n=1, cutoff=0.6)
    if close:
        return f"bedoel je '{close[0]}'?"
    return "bekende woordenlijsten: " + ", ".join(known) if known else ""


ENTRY_HINT = (
    "een regel is een woord, een woordgroep of een patroon zoals 'ik ... niet meer ... "
    "leven|zijn' (zie docs/authoring.md)"
)


def _build(document: YamlDocument, expected_id: str) -> LexiconResult:
    issues = list(document.issues)

    def issue(
        path: JsonPath, message: str, hint: str = "", code: str = "", severity: str = "error"
    ) -> None:
        issues.append(
            Issue(
                document.file,
                document.line_of(path),
                format_path(path),
                message,
                hint,
                code=code,
                severity="warning" if severity == "warning" else "error",
            )
        )

    data = document.data
    if not isinstance(data, dict):
        issue((), "een woordenlijst is een mapping met id, title en words")
        return LexiconResult(None, issues)
    for problem in problems(data, "lexicon"):
        issue(problem.path, problem.message, problem.hint, code="SCHEMA")
    if isinstance(data.get("id"), str) and data["id"] != expected_id:
        issue(
            ("id",),
            f"de id '{data['id']}' is niet gelijk aan de bestandsnaam '{expected_id}'",
            f"noem het bestand {data['id']}{SUFFIX}, of verander de id",
            code="LEXICON_ID",
        )
    classes = _classes(data.get("classes"))
    raw_words = data.get("words")
    groups = raw_words.items() if isinstance(raw_words, dict) else [("", raw_words)]
    entries = []
    seen: dict[str, JsonPath] = {}
    for group, items in groups:
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            path: JsonPath = ("words", group, index) if group else ("words", index)
            if not isinstance(item, str | dict):
                continue
            try:
                entry = make_entry(
                    _expand(item, classes), str(group), stems=data.get("stems") is not False
                )
                # shown as written, `<lijf> + <aanhoudend>`, not with every class member
                entry = replace(entry, source=_written(item))
            except EntryError as exc:
                issue(path, str(exc), ENTRY_HINT, "BAD_ENTRY")
                continue
            key = entry.key
            if key in seen:
                issue(
                    path,
                    f"'{entry.source}' staat er al (regel {document.line_of(seen[key])})",
                    "haal een van de twee weg",
                    "DUPLICATE_ENTRY",
                    "warning",
                )
                continue
            seen[key] = path
            entries.append(entry)
    exceptions = []
    for index, item in enumerate(data.get("except") or []):
        if not isinstance(item, str | dict):
            continue
        try:
            item = _expand(item, classes)
            exceptions.append(make_entry(item, stems=data.get("stems") is not False).pattern)
        except EntryError as exc:
            issue(("except", index), str(exc), ENTRY_HINT, "BAD_ENTRY")
    if any(i.severity == "error" for i in issues):
        return LexiconResult(None, issues)
    lexicon = Lexicon(
        id=str(data["id"]),
        title=str(data["title"]),
        entries=tuple(entries),
        negation=data.get("negation") is not False,
        description=str(data.get("description") or ""),
        who=str(data.get("who") or ""),
        exceptions=tuple(exceptions),
    )
    issues += _example_issues(document, data, lexicon)
    return LexiconResult(lexicon, issues)


_CLASS = re.compile(r"<([a-z][a-z0-9-]*)>")


def _classes(raw: Any) -> dict[str, str]:
    """`classes: {einde: [dood, sterven, niet meer leven]}` → `<einde>` stands for
    `(dood|sterven|niet meer leven)` in the entries of this list."""
    if not isinstance(raw, dict):
        return {}
    return {
        str(name): "(" + "|".join(str(member) for member in members) + ")"
        for name, members in raw.items()
        if isinstance(members, list) and members
    }


def _written(item: Any) -> str:
    """An entry as its author wrote it, the way coach shows entries."""
    if isinstance(item, dict):
        if isinstance(item.get("all"), list):
            return " + ".join(str(row) for row in item["all"])
        return str(item.get("pattern") or "")
    return str(item)


def _expand(item: Any, classes: dict[str, str]) -> Any:
    def one(text: str) -> str:
        def replace(found: re.Match[str]) -> str:
            if found.group(1) not in classes:
                raise EntryError(f"'<{found.group(1)}>' is geen klasse van deze lijst (classes:)")
            return classes[found.group(1)]

        return _CLASS.sub(replace, text)

    if isinstance(item, str):
        return one(item)
    if isinstance(item, dict):
        expanded = dict(item)
        if isinstance(item.get("pattern"), str):
            expanded["pattern"] = one(item["pattern"])
        if isinstance(item.get("all"), list):
            expanded["all"] = [one(str(row)) for row in item["all"]]
        return expanded
    return item


def _example_issues(document: YamlDocument, data: dict[str, Any], lexicon: Lexicon) -> list[Issue]:
    """`examples: {fires: [...], quiet: [...]}`: sentences the list must and must not find."""
    found = []
    raw = data.get("examples")
    examples: dict[str, Any] = raw if isinstance(raw, dict) else {}
    for kind, expected in (("fires", True), ("quiet", False)):
        for index, text in enumerate(examples.get(kind) or []):
            if isinstance(text, str) and bool(hits(lexicon, text)) != expected:
                what = "vindt niets in" if expected else "vindt iets in"
                found.append(
                    Issue(
                        document.file,
                        document.line_of(("examples", kind, index)),
                        format_path(("examples", kind, index)),
                        f"de lijst {what} het voorbeeld ‘{text}’",
                        f'coach explain "…" --lexicon {lexicon.id} laat zien waarom',
                        code="EXAMPLE",
                    )
                )
    return found
