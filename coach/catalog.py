"""Finding dialogues: the ones shipped with coach, a `dialogues/` folder here, or a path.

A dialogue in `./dialogues/` (where a coach writes new scripts) comes before a shipped
one with the same name, so a coach can try a changed copy without touching the original.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from coach.errors import DialogueError, UsageError
from coach.loader import load_dialogue
from coach.model import Dialogue
from coach.shipped import shipped_dir

SUFFIXES = (".yaml", ".yml")


def search_dirs(missing: bool = False) -> list[Path]:
    """Where dialogues are looked for, first match first. With `missing`, `./dialogues` is
    there even when it does not exist (yet): a file put there later would be found first."""
    dirs = []
    local = Path.cwd() / "dialogues"
    if missing or local.is_dir():
        dirs.append(local)
    shipped = shipped_dir()
    if not any(_same(shipped, d) for d in dirs):
        dirs.append(shipped)
    return dirs


@dataclass(frozen=True)
class Entry:
    """A dialogue file as `coach list` shows it; `problem` is set when it does not load."""

    name: str
    path: Path
    dialogue: Dialogue | None
    problem: str = ""


def entries() -> list[Entry]:
    """Every dialogue that can be run by name, sorted by name."""
    found: dict[str, Entry] = {}
    for folder in search_dirs():
        for path in sorted(folder.iterdir()):
            if path.suffix not in SUFFIXES or path.stem in found or not path.is_file():
                continue
            try:
                found[path.stem] = Entry(path.stem, path, load_dialogue(path, display(path)))
            except DialogueError as exc:
                first = exc.issues[0].format().splitlines()[0] if exc.issues else str(exc)
                found[path.stem] = Entry(path.stem, path, None, first)
    return [found[name] for name in sorted(found)]


def find(name: str) -> Path:
    """The file of a dialogue named `name`, or at path `name`; UsageError if there is none."""
    candidate = Path(name).expanduser()
    if candidate.suffix in SUFFIXES or "/" in name or "\\" in name:
        if candidate.is_file():
            return candidate
        raise UsageError(f"het bestand {name} bestaat niet")
    for folder in search_dirs():
        for suffix in SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.is_file():
                return path
    known = [entry.stem for folder in search_dirs() for entry in folder.glob("*.y*ml")]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"bedoel je '{close[0]}'?" if close else "coach list toont de gesprekken die er zijn"
    raise UsageError(f"er is geen gesprek '{name}'", hint)


def load(name: str) -> tuple[Dialogue, Path]:
    """Find and load a dialogue by name or path."""
    path = find(name)
    return load_dialogue(path, display(path)), path


def display(path: Path) -> str:
    """A path as an author wants to see it: relative to here when it is below here."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
