"""`coach new`: the files a coach starts writing a dialogue from.

`coach new NAAM` writes a working, commented dialogue (`dialogues/NAAM.yaml`) and a
playthrough test file for it (`dialogues/tests/NAAM.yaml`) from the templates in
`coach/starter/`. The dialogue's first line points an editor at the JSON Schema; the schema
lives inside the installed package, so a copy is kept in `dialogues/.schema/`, where the
line can reach it without a network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from coach.catalog import display
from coach.errors import CoachError, UsageError, os_reason
from coach.schema import schema_text
from coach.shipped import shipped_dir
from coach.text import fold

FOLDER = "dialogues"
TESTS = "tests"
SCHEMA_FOLDER = ".schema"
SCHEMAS = ("dialogue", "lexicon")
ID = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
_YAML_WORDS = {"true", "false", "null"}  # typed by YAML: `id: true` would not be a name
_PLACEHOLDER = re.compile(r"\{(id|title)\}")


@dataclass(frozen=True)
class Written:
    path: Path
    about: str  # what the file is for, in Dutch


def check_name(name: str) -> None:
    """UsageError unless `name` can be the id (and file name) of a new dialogue."""
    if ID.match(name) and name not in _YAML_WORDS:
        return
    example = suggest_name(name)
    if name in _YAML_WORDS:
        hint = f"'{name}' betekent in YAML iets anders; kies een andere naam"
    elif example:
        hint = f"gebruik kleine letters, cijfers en -, en begin met een letter: coach new {example}"
    else:
        hint = (
            "gebruik kleine letters, cijfers en -, en begin met een letter: coach new mijn-gesprek"
        )
    raise UsageError(f"'{name}' kan geen naam van een gesprek zijn", hint)


def suggest_name(text: str) -> str:
    """A valid name close to what was typed ('Mijn Gesprek' → 'mijn-gesprek'), or ''."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")[:64].rstrip("-")
    return slug if ID.match(slug) and slug not in _YAML_WORDS else ""


def new_dialogue(name: str, root: Path) -> list[Written]:
    """Write the starter dialogue `name` and its test file below `root`; never overwrite.

    UsageError when the name is not valid or either file already exists; the schema copies
    in `.schema/` are written when missing and refreshed when coach has a newer one.
    """
    check_name(name)
    folder = root / FOLDER
    dialogue = folder / f"{name}.yaml"
    test = folder / TESTS / f"{name}.yaml"
    for path in (dialogue, test):
        if path.exists() or path.is_symlink():
            hint = (
                f"kies een andere naam, of speel het bestaande gesprek: coach play {display(path)}"
                if path == dialogue
                else f"kies een andere naam, of geef {display(path)} eerst een andere naam"
            )
            raise UsageError(f"{display(path)} bestaat al; coach new overschrijft niets", hint)
    values = {"id": name, "title": name.replace("-", " ").capitalize()}
    written = [
        Written(dialogue, "je gesprek, met uitleg bij elke sleutel"),
        Written(test, "speeltests: een concreet en een vaag antwoord"),
    ]
    created: list[Path] = []
    try:
        for path, template in ((dialogue, "dialogue.yaml"), (test, "test.yaml")):
            _create(path, _fill(_starter(template), values))
            created.append(path)
        for kind in SCHEMAS:
            path = folder / SCHEMA_FOLDER / f"{kind}.schema.json"
            text = schema_text(kind)
            if not path.is_file():
                _write(path, text)
                written.append(Written(path, "voor je editor: sleutels aanvullen en controleren"))
            elif path.read_text("utf-8") != text:
                _write(path, text)
                written.append(Written(path, "bijgewerkt naar deze versie van coach"))
    except OSError as exc:
        for path in created:  # all or nothing: a second try must not find half a start
            path.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):  # created by someone else a moment ago
            raise UsageError(
                f"{display(Path(exc.filename))} bestaat al; coach new overschrijft niets"
            ) from None
        raise CoachError(
            f"kan {display(Path(exc.filename or folder))} niet schrijven ({os_reason(exc)})",
            "start coach new in een map waarin je mag schrijven",
        ) from None
    return written


def shadows_shipped(name: str) -> bool:
    """True when coach ships a dialogue with this name (the new one goes before it here)."""
    return (shipped_dir() / f"{name}.yaml").is_file()


def _starter(file: str) -> str:
    return resources.files("coach").joinpath("starter").joinpath(file).read_text("utf-8")


def _fill(template: str, values: dict[str, str]) -> str:
    # Only the known placeholders; every other brace is the dialogue's own `{answer}` text.
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def _create(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
