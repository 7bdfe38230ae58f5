"""The terminal in the mode coach reads answers in, from the moment a conversation starts.

prompt-toolkit, which reads the answers, takes longer to load than everything before the
first question, so it is loaded after that question is on the screen (bench/). Until it
runs, a terminal left in its ordinary (cooked) mode would echo what is typed as it comes,
control bytes and escape sequences of a paste included; it would hand over every line of a
multi-line paste as an answer of its own, and turn Ctrl-D into nothing. So the first thing
`coach`, `coach run` and `coach resume` do on a terminal is `hold()`: no echo, no line
editing by the terminal, no flow control (Ctrl-S, Ctrl-Q), Enter kept as it is, pastes
marked (bracketed paste), Ctrl-\\ and Ctrl-Z switched off. What is typed then waits in the
terminal's input queue, unseen, and prompt-toolkit reads it as typeahead, as if typed at
its prompt: a paste is one answer, Ctrl-D ends the conversation.

Ctrl-C stops coach while it loads. From the moment the first question is shown
(`reading()`) it is a key like the others, as prompt-toolkit reads it: typed in the gap
after what was typed there, so a Ctrl-C then pauses with that text kept as the draft.
`release()` gives the terminal back as it was. Setting the mode costs a few system calls;
termios is a module of Python's own.
"""

from __future__ import annotations

import contextlib
import os

TYPE_CHECKING = False  # typing is not imported at run time: this runs before anything else
if TYPE_CHECKING:
    from typing import Any

_INPUT, _OUTPUT = 0, 1
PASTE_ON = b"\x1b[?2004h"  # the terminal marks a paste: ESC [200~ ... ESC [201~
PASTE_OFF = b"\x1b[?2004l"

_before: list[Any] | None = None  # the terminal's settings as coach found them, while held


def hold() -> bool:
    """Put a terminal on standard input and output in coach's mode; False when there is no
    terminal (a pipe, a file, Windows) or it cannot be set, and nothing changed."""
    global _before
    if _before is not None:
        return True
    try:
        import termios
    except ImportError:  # not POSIX: prompt-toolkit reads the console its own way
        return False
    if not (os.isatty(_INPUT) and os.isatty(_OUTPUT)):
        return False
    try:
        before = termios.tcgetattr(_INPUT)
        termios.tcsetattr(_INPUT, termios.TCSANOW, _reading_mode(termios, before))
    except termios.error:
        return False
    _before = before
    paste(True)
    return True


def reading() -> None:
    """From now on Ctrl-C is a key too, read in its turn (the first question is about to
    be shown); nothing when the terminal is not held."""
    if _before is None:
        return
    import termios

    with contextlib.suppress(termios.error):
        mode = termios.tcgetattr(_INPUT)
        mode[3] &= ~termios.ISIG
        termios.tcsetattr(_INPUT, termios.TCSANOW, mode)


def held() -> bool:
    return _before is not None


def paste(on: bool) -> None:
    """Ask the terminal to mark pastes, or to stop. prompt-toolkit turns the marking off
    when an answer is sent: turned on again, the next paste is one answer too."""
    if _before is None or os.environ.get("TERM") == "dumb":
        return
    with contextlib.suppress(OSError):  # a terminal that is gone needs nothing
        os.write(_OUTPUT, PASTE_ON if on else PASTE_OFF)


def release() -> None:
    """Give the terminal back as coach found it; what was typed and not read stays."""
    global _before
    if _before is None:
        return
    import termios

    paste(False)
    before, _before = _before, None
    with contextlib.suppress(termios.error, OSError):
        termios.tcsetattr(_INPUT, termios.TCSANOW, before)


def _reading_mode(termios: Any, before: list[Any]) -> list[Any]:
    """The settings prompt-toolkit reads in (its raw_mode), but Ctrl-C: that still stops
    coach until `reading()`."""
    mode = [*before[:6], list(before[6])]
    mode[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
    mode[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN)
    characters = mode[6]
    characters[termios.VMIN] = 1  # read() returns at each key
    characters[termios.VTIME] = 0
    try:  # the value that switches a key off: 0 on Linux, 0xff on macOS
        disabled = bytes([os.fpathconf(_INPUT, "PC_VDISABLE")])
    except (OSError, ValueError, AttributeError):
        return mode  # keys cannot be switched off here: they keep their meaning
    for key in ("VQUIT", "VSUSP", "VDSUSP"):  # Ctrl-\ would end Python, Ctrl-Z stop it
        if hasattr(termios, key):
            characters[getattr(termios, key)] = disabled
    return mode
