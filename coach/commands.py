"""The slash commands a user can type instead of an answer, in Dutch and in English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Command(Enum):
    BACK = "terug"
    SKIP = "overslaan"
    NEXT = "verder"
    PAUSE = "pauze"
    STOP = "stop"
    HELP = "hulp"
    SUMMARY = "samenvatting"


ALIASES: dict[str, Command] = {
    "terug": Command.BACK,
    "back": Command.BACK,
    "overslaan": Command.SKIP,
    "skip": Command.SKIP,
    "verder": Command.NEXT,
    "next": Command.NEXT,
    "pauze": Command.PAUSE,
    "pauzeer": Command.PAUSE,
    "pause": Command.PAUSE,
    "stop": Command.STOP,
    "stoppen": Command.STOP,
    "quit": Command.STOP,
    "exit": Command.STOP,
    "hulp": Command.HELP,
    "help": Command.HELP,
    "?": Command.HELP,
    "samenvatting": Command.SUMMARY,
    "summary": Command.SUMMARY,
}

DESCRIPTIONS: dict[Command, str] = {
    Command.BACK: "je vorige antwoord herzien",
    Command.SKIP: "deze vraag overslaan (als dat mag)",
    Command.NEXT: "stop met vervolgvragen, door naar de volgende vraag",
    Command.PAUSE: "bewaren en stoppen; later verder met coach resume",
    Command.STOP: "het gesprek beëindigen (alles blijft bewaard)",
    Command.HELP: "uitleg bij deze vraag, en deze lijst",
    Command.SUMMARY: "je antwoorden tot nu toe",
}

ENGLISH: dict[Command, str] = {
    Command.BACK: "back",
    Command.SKIP: "skip",
    Command.NEXT: "next",
    Command.PAUSE: "pause",
    Command.STOP: "quit",
    Command.HELP: "help",
    Command.SUMMARY: "summary",
}

# Only a lone word counts: "/ik weet het niet" is an answer, not an unknown command.
_COMMAND = re.compile(r"\s*/([A-Za-zÀ-ÿ?]+)\s*")


@dataclass(frozen=True)
class Unknown:
    word: str


def parse_command(text: str) -> Command | Unknown | None:
    """The command typed, Unknown for `/iets` that is no command, None for an answer."""
    found = _COMMAND.fullmatch(text)
    if found is None:
        return None
    return ALIASES.get(found.group(1).lower(), Unknown(found.group(1)))
