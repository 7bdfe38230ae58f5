"""The console every screen of coach prints with.

Apart from coach/ui/terminal.py (the conversation) so that screens that only show what was
saved do not load the engine behind the conversation.
"""

from __future__ import annotations

from typing import IO

from rich.console import Console


def make_console(file: IO[str] | None = None) -> Console:
    """The console coach prints with; NO_COLOR and non-terminal output are honoured by rich.

    Lines are not wrapped by default (paths and `file:line` messages must stay whole);
    the conversation wraps its paragraphs itself.
    """
    return Console(file=file, highlight=False, emoji=False, markup=False, soft_wrap=True)
