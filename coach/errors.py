"""The exceptions coach raises on purpose, each with the exit code the CLI uses for it."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Literal

from coach.visible import visible

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in an authored file, with where it is and how to fix it."""

    file: str
    line: int
    path: str
    message: str
    hint: str = ""
    code: str = ""
    severity: Severity = "error"

    def format(self) -> str:
        """`file:line: path: message`, then the hint on its own line when there is one.

        Keys and text quoted from a file can hold control characters (a YAML escape such as
        "\\e[2J"): they are made visible, so printing the message cannot work a terminal.
        """
        parts = [f"{self.file}:{self.line}" if self.line > 0 else self.file]  # 0: the whole file
        if self.severity == "warning":
            parts.append("waarschuwing")
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        head = visible(": ".join(parts))
        return f"{head}\n  hint: {visible(self.hint)}" if self.hint else head


class SourceError(Exception):
    """A piece of authored text (a condition, a template) that cannot be parsed.

    `column` is 1-based within that text; the loader turns it into an Issue with file and line.
    """

    def __init__(self, message: str, column: int, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.hint = hint


class CoachError(Exception):
    """An error meant for the user: a clear Dutch message, never a traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def format(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class DialogueError(CoachError):
    """A dialogue (or other authored YAML file) cannot be used; carries every issue found."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = sorted(issues, key=lambda i: (i.file, i.line, i.path, i.message))
        errors = [i for i in self.issues if i.severity == "error"]
        super().__init__("\n".join(i.format() for i in errors or self.issues))


class StoreError(CoachError):
    """The transcript database cannot be opened, read or written."""


class UsageError(CoachError):
    """The command was called in a way that cannot work (unknown dialogue, session, ...)."""

    exit_code = 2


_OS_REASONS = {
    errno.ENOENT: "die map of dat bestand bestaat niet",
    errno.EACCES: "geen toestemming",
    errno.EPERM: "geen toestemming",
    errno.ENOSPC: "de schijf is vol",
    getattr(errno, "EDQUOT", -1): "je schijfruimte (quotum) is op",  # no EDQUOT on Windows
    errno.EFBIG: "het bestand wordt te groot voor deze schijf",
    errno.EROFS: "alleen-lezen",
    errno.EISDIR: "dat is een map",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.EEXIST: "bestaat al",
    errno.ENAMETOOLONG: "de naam is te lang",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Dutch (the system's own words only as a fallback)."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
