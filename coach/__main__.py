"""The `coach` command's entry point, kept light: `coach --version` is answered here, before
click and the rest of coach are imported (they take ten times longer than Python's own
start); everything else goes to coach.cli. Also `python -m coach`.

A conversation (`coach`, `coach run`, `coach resume`) on a terminal puts that terminal in the
mode coach reads answers in before anything else is loaded, and gives it back at the end
(coach/ui/keys.py): from the first byte, nothing typed or pasted is echoed raw."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing itself takes a third of `coach --version`: not at run time
if TYPE_CHECKING:
    from typing import NoReturn

CONVERSING = ("run", "resume")  # with no command at all: the menu, which converses too
_VALUED = ("--home",)  # options before the command that take a value


def main(argv: list[str] | None = None) -> NoReturn:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from coach import __version__

        sys.stdout.write(f"coach, versie {__version__}\n")  # as click_nl words click's own
        sys.exit(0)
    from coach.ui import keys

    if converses(args):
        keys.hold()
    try:
        from coach.cli import main as full

        full(args)
    finally:
        keys.release()


def converses(args: list[str]) -> bool:
    """Whether these arguments start a conversation: the menu, `run` or `resume`, without
    --help. Only a guess from the words (click decides later); a wrong guess costs nothing
    but a terminal mode that is set and given back."""
    if "--help" in args or "-h" in args:
        return False
    rest = iter(args)
    for arg in rest:
        if arg in _VALUED:
            next(rest, None)
        elif not arg.startswith("-"):
            return arg in CONVERSING
    return True  # options only (or nothing): the menu


if __name__ == "__main__":
    main()
