"""Timing: samples and their summary, fresh processes, and the rows of the report."""

from __future__ import annotations

import contextlib
import os
import pty
import selectors
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fcntl import ioctl
from pathlib import Path
from typing import Any

TIMEOUT = 120.0  # seconds for one process; a hang becomes a failed row, never a stuck run


@dataclass(frozen=True)
class Stats:
    """A set of timings in seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    @property
    def p99(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]

    def as_json(self) -> dict[str, Any]:
        return {
            "n": len(self.samples),
            "median_s": self.median,
            "min_s": self.low,
            "max_s": self.high,
            "p99_s": self.p99,
        }


@dataclass
class Row:
    """One line of the report. `met` is None where the issue sets no target."""

    section: str
    what: str
    stats: Stats | None = None
    ratio: float | None = None  # median / bare Python start, for start-up figures
    target: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "what": self.what,
            "stats": self.stats.as_json() if self.stats else None,
            "ratio_to_bare_python": self.ratio,
            "target": self.target,
            "met": self.met,
            "note": self.note,
            **({"extra": self.extra} if self.extra else {}),
        }


def repeat(action: Callable[[], Any], times: int, warmup: int = 1) -> Stats:
    """Time `action` `times` times after `warmup` untimed runs."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return Stats(tuple(samples))


@dataclass(frozen=True)
class Command:
    """A command to run in a fresh process, in a fixed folder and environment."""

    argv: Sequence[str]
    cwd: Path
    env: dict[str, str]

    def run(self, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(self.argv),
            cwd=self.cwd,
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )


def time_command(command: Command, times: int) -> tuple[Stats, int]:
    """Wall time of a whole process, from start to exit; and its last exit code."""
    codes: list[int] = []

    def once() -> None:
        codes.append(command.run().returncode)

    stats = repeat(once, times)
    return stats, codes[-1]


def time_until_output(command: Command, marker: str, times: int, terminal: bool = False) -> Stats:
    """Time from process start until `marker` appears on its output; then it is killed.

    Without `terminal` standard input is a pipe that stays open and gives nothing, so the
    program waits for an answer after its first question. With `terminal` it runs in a
    pseudo-terminal of 100×40, as a person would start it. A process that exits or times
    out before the marker raises RuntimeError with what it printed.
    """
    encoded = marker.encode("utf-8")
    return repeat(lambda: _until(command, encoded, terminal), times)


def output_until(command: Command, marker: str, terminal: bool = False) -> str:
    """What a process printed (standard error included) up to `marker`, untimed."""
    return _until(command, marker.encode("utf-8"), terminal).decode("utf-8", "replace")


def _until(command: Command, marker: bytes, terminal: bool) -> bytes:
    if terminal:
        parent, child = pty.openpty()
        ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        process = subprocess.Popen(
            list(command.argv),
            cwd=command.cwd,
            env={**command.env, "TERM": "xterm-256color"},
            stdin=child,
            stdout=child,
            stderr=child,
            start_new_session=True,
        )
        os.close(child)
        reading = parent
    else:
        process = start_piped(command)
        assert process.stdout is not None
        reading = process.stdout.fileno()
    try:
        seen = _read_until(reading, marker, answer_cursor=terminal)
    finally:
        process.kill()
        process.wait()
        if terminal:
            os.close(reading)
    if marker not in seen:
        text = seen.decode("utf-8", "replace")[-400:]
        raise RuntimeError(f"{' '.join(command.argv)}: no {marker!r} in its output: {text}")
    return seen


CURSOR_REQUEST = b"\x1b[6n"  # "where is the cursor?": prompt-toolkit asks before its first draw
CURSOR_REPLY = b"\x1b[1;1R"


def _read_until(fd: int, marker: bytes, answer_cursor: bool = False) -> bytes:
    """Read until `marker`; in a pseudo-terminal, answer cursor position requests as a
    terminal does (prompt-toolkit waits for the answer before it draws its bottom bar)."""
    seen = b""
    deadline = time.monotonic() + TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while marker not in seen and time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                break
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # a pseudo-terminal whose other side closed
                break
            if not chunk:
                break
            if answer_cursor and CURSOR_REQUEST in seen[-3:] + chunk:
                with contextlib.suppress(OSError):
                    os.write(fd, CURSOR_REPLY)
            seen += chunk
    return seen


def child_env(home: Path) -> dict[str, str]:
    """The environment of every measured process: a temporary COACH_HOME, no colours."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COACH_", "PYTHON")) and key not in ("COLUMNS", "LINES")
    }
    env.update({"COACH_HOME": str(home), "NO_COLOR": "1", "LANG": "C.UTF-8"})
    if "COACH_CACHE" in os.environ:  # run.py keeps checked dialogues in its work folder
        env["COACH_CACHE"] = os.environ["COACH_CACHE"]
    return env


def without_cache(command: Command) -> Command:
    """The same command with coach's cache of checked dialogues off: a cold start."""
    return Command(command.argv, command.cwd, {**command.env, "COACH_CACHE": "off"})


def coach_argv(*args: str) -> list[str]:
    """The installed `coach` entry point of the Python running this script."""
    script = Path(sys.executable).with_name("coach")
    if not script.exists():
        raise SystemExit(f"no coach entry point beside {sys.executable}: pip install -e .")
    return [str(script), *args]


def ms(seconds: float) -> str:
    """A duration for the table: 3 significant digits, in ms or s; a difference with its sign."""
    if seconds < 0:
        return "−" + ms(-seconds)
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    value = seconds * 1000
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    if value >= 1:
        return f"{value:.2f} ms"
    return f"{value * 1000:.0f} µs"


def start_piped(command: Command) -> subprocess.Popen[bytes]:
    """The command with standard input a pipe, and its output and errors on one pipe."""
    return subprocess.Popen(
        list(command.argv),
        cwd=command.cwd,
        env=command.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
