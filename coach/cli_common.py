"""What every `coach` command shares: the Dutch help layout and the data folder option.

In its own module so that commands defined outside coach/cli.py (review, progress) use the
same classes without importing coach.cli, which imports them.
"""

from __future__ import annotations

import re
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


class Utf8Text(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2 on
    """Text to match or store (a name, search words): refused when the terminal sent bytes
    that are no UTF-8 (Python keeps those as lone surrogates, which SQLite, JSON and the
    screen cannot take), with the argument shown visibly."""

    name = "tekst"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and _UNDECODED.search(value):
            from coach.visible import visible

            self.fail(
                f"'{visible(value)}' bevat tekens die geen UTF-8 zijn; staat je terminal op UTF-8?",
                param,
                ctx,
            )
        return value


TEXT = Utf8Text()
_UNDECODED = re.compile("[\ud800-\udfff]")


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
