"""The `coach` command's entry point, kept light: `coach --version` is answered here, before
click and the rest of coach are imported (they take ten times longer than Python's own
start); everything else goes to coach.cli. Also `python -m coach`."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing itself takes a third of `coach --version`: not at run time
if TYPE_CHECKING:
    from typing import NoReturn


def main(argv: list[str] | None = None) -> NoReturn:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from coach import __version__

        sys.stdout.write(f"coach, versie {__version__}\n")  # as click_nl words click's own
        sys.exit(0)
    from coach.cli import main as full

    full(args)


if __name__ == "__main__":
    main()
