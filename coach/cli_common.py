"""What every `coach` command shares: the Dutch help layout and the data folder option.

In its own module so that commands defined outside coach/cli.py (review, progress) use the
same classes without importing coach.cli, which imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from coach.home import resolve_home

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 90}


class DutchCommand(click.Command):
    """A command whose usage line speaks Dutch too (`[OPTIES]`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT)
        kwargs.setdefault("options_metavar", "[OPTIES]")
        super().__init__(*args, **kwargs)


class DutchGroup(click.Group):
    """A group of Dutch commands; its subgroups are of the same kind."""

    command_class = DutchCommand
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT)
        kwargs.setdefault("options_metavar", "[OPTIES]")
        kwargs.setdefault("subcommand_metavar", "COMMANDO [ARGUMENTEN]...")
        super().__init__(*args, **kwargs)


def home_of(ctx: click.Context) -> Path:
    """The data folder chosen with --home, COACH_HOME or the platform default."""
    return resolve_home(ctx.find_root().params.get("home"))


def format_option(*formats: str, help: str, name: str = "fmt") -> Callable[[F], F]:
    """`--format` with these choices, the first the default (the same shape everywhere)."""
    return click.option(
        "--format",
        name,
        type=click.Choice(list(formats)),
        default=formats[0],
        show_default=True,
        help=help,
    )
