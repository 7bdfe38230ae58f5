"""`coach validate`: which files to check, every issue in them, and a one-line summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coach import catalog
from coach.errors import UsageError
from coach.loader import inspect_dialogue


def files_to_check(paths: tuple[str, ...]) -> list[Path]:
    """The dialogue files named (a folder means its .yaml files); all known ones if none."""
    if not paths:
        return [path for folder in catalog.search_dirs() for path in _yaml_in(folder)]
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += _yaml_in(path)
        elif path.exists() or path.suffix in catalog.SUFFIXES:
            files.append(path)
        else:
            raise UsageError(f"{name} bestaat niet")
    return files


def validate(files: list[Path], say: Callable[[str], None]) -> bool:
    """Report every issue of every file through `say`, then a summary; True when error-free."""
    errors = warnings = broken = 0
    for path in files:
        result = inspect_dialogue(path, catalog.display(path))
        for issue in result.issues:
            say(issue.format())
        errors += len(result.errors)
        warnings += len(result.issues) - len(result.errors)
        broken += bool(result.errors)
    say(summary(len(files), errors, warnings, broken))
    return errors == 0


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


def _yaml_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in catalog.SUFFIXES and p.is_file())
