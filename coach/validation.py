"""`coach validate`: which files to check, every issue in them, and a one-line summary.

A file in a `lexicons/` folder is checked as a word list, one in a `tests/` folder as a
playthrough test file, one in a `rubrics/` folder as a rubric, a `.txt` file in a `safety/`
folder as the safety net's weighted words, anything else as a dialogue. A folder means its
dialogues (or rubrics) and the word lists, test files and weights in its `lexicons/`,
`tests/` and `safety/` folders. Without a path: every dialogue and rubric coach finds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coach import catalog
from coach.errors import DialogueError, Issue, UsageError
from coach.lexicon_files import FOLDER as LEXICONS
from coach.lexicon_files import inspect_lexicon
from coach.loader import inspect_dialogue
from coach.visible import safe_json

TESTS = "tests"
RUBRICS = "rubrics"
SAFETY = "safety"  # coach.weights_file.FOLDER, not imported: it brings the language layer


def files_to_check(paths: tuple[str, ...]) -> list[Path]:
    """The files named (a folder means what is in it); all known ones if none."""
    if not paths:
        from coach.rubric_files import rubric_dirs

        folders = catalog.search_dirs() + rubric_dirs()
        return [path for folder in folders for path in _folder(folder)]
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += _folder(path)
        elif path.exists() or path.suffix in catalog.SUFFIXES:
            files.append(path)
        else:
            raise UsageError(f"{name} bestaat niet")
    return files


def validate(files: list[Path], say: Callable[[str], None], strict: bool = False) -> bool:
    """Report every issue of every file through `say`, then a summary. True when there
    are no errors (and, when `strict`, no warnings either)."""
    errors = warnings = broken = 0
    for path in files:
        issues = inspect(path)
        for issue in issues:
            say(issue.format())
        found = sum(issue.severity == "error" for issue in issues)
        errors += found
        warnings += len(issues) - found
        broken += bool(found or (strict and issues))
    say(summary(len(files), errors, warnings, broken))
    return errors == 0 and not (strict and warnings)


def validate_json(files: list[Path], strict: bool = False) -> tuple[str, bool]:
    """The same check as data for editors and CI: (JSON text, passed)."""
    found = [(path, issue) for path in files for issue in inspect(path)]
    errors = sum(issue.severity == "error" for _, issue in found)
    warnings = len(found) - errors
    passed = errors == 0 and not (strict and warnings)
    data = {
        "files": len(files),
        "errors": errors,
        "warnings": warnings,
        "strict": strict,
        "passed": passed,
        "issues": [
            {
                "file": issue.file,
                "line": issue.line,
                "path": issue.path,
                "code": issue.code,
                "severity": issue.severity,
                "message": issue.message,
                "hint": issue.hint,
            }
            for _, issue in found
        ],
    }
    # safe_json: file names and quoted text may hold control or invisible characters
    return safe_json(data).removesuffix("\n"), passed


def inspect(path: Path) -> list[Issue]:
    """Every issue of one file, checked as what its folder says it is."""
    name = catalog.display(path)
    if path.parent.name == LEXICONS:
        return inspect_lexicon(path, name).issues
    if path.parent.name == RUBRICS:
        from coach.rubric_files import inspect_rubric

        return inspect_rubric(path, name).issues
    if path.parent.name == SAFETY and path.suffix == ".txt":
        return _weights_issues(path, name)
    if path.parent.name == TESTS:
        from coach.playtest import read_play_file

        try:
            play = read_play_file(path, name)
        except DialogueError as exc:
            return exc.issues
        if not (path.parent.parent / f"{play.dialogue}.yaml").is_file():
            return [
                Issue(
                    name,
                    1,
                    "dialogue",
                    f"er is geen gesprek '{play.dialogue}' naast deze map",
                    code="BAD_TEST",
                )
            ]
        return []
    return inspect_dialogue(path, name).issues


def _weights_issues(path: Path, name: str) -> list[Issue]:
    """The safety net's weighted words (coach/weights_file.py): readable, or where not."""
    from coach.weights_file import WeightsError, read_weights

    try:
        read_weights(path)
    except WeightsError as error:
        return [Issue(name, error.line, "", error.reason, code="BAD_WEIGHTS")]
    return []


def summary(files: int, errors: int, warnings: int, broken: int) -> str:
    checked = f"{files} {_plural(files, 'bestand', 'bestanden')} gecontroleerd"
    if not errors and not warnings:
        return f"{checked}: geen fouten."
    parts = []
    if errors:
        parts.append(
            f"{errors} {_plural(errors, 'fout', 'fouten')} in {broken} "
            f"{_plural(broken, 'bestand', 'bestanden')}"
        )
    if warnings:
        parts.append(f"{warnings} {_plural(warnings, 'waarschuwing', 'waarschuwingen')}")
    return f"{checked}: " + ", ".join(parts) + "."


def _plural(count: int, one: str, more: str) -> str:
    return one if count == 1 else more


def _folder(folder: Path) -> list[Path]:
    """A folder's dialogues, then the word lists and test files beside them."""
    files = _yaml_in(folder)
    for sub in (LEXICONS, TESTS):
        if (folder / sub).is_dir() and folder.name not in (LEXICONS, TESTS):
            files += _yaml_in(folder / sub)
    if (folder / SAFETY).is_dir():
        files += sorted((folder / SAFETY).glob("*.txt"))
    return files


def _yaml_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in catalog.SUFFIXES and p.is_file())
