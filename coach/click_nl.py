"""Dutch for click's own words (Usage, Options, "No such command" …).

click translates its messages through gettext, looked up when they are shown. Instead of
shipping a compiled catalogue, we give its modules a lookup in the small table below;
anything not in it stays English, so a newer click can never break a message.
"""

from __future__ import annotations

import importlib
from gettext import gettext, ngettext

_SINGLE = {
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Commando's",
    "Positional arguments": "Argumenten",
    "Show this message and exit.": "Toon deze hulp.",
    "Show the version and exit.": "Toon de versie.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "Error: {message}": "Fout: {message}",
    "Try '{command} {option}' for help.": "Typ '{command} {option}' voor hulp.",
    "No such command {name!r}.": "Onbekend commando {name!r}.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "Missing argument": "Ontbreekt:",
    "Missing option": "Ontbreekt: optie",
    "Missing parameter": "Ontbreekt:",
    "Missing command.": "Geef een commando.",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig getal.",
    "{value} is not in the range {range}.": "{value} ligt niet tussen {range}.",
    "Option {name!r} does not take a value.": "De optie {name!r} neemt geen waarde.",
    "Aborted!": "Afgebroken.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet schrijfbaar.",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "default: {default}": "standaard: {default}",
}

_PLURAL = {
    "Got unexpected extra argument ({args})": (
        "Onverwacht extra argument ({args})",
        "Onverwachte extra argumenten ({args})",
    ),
    "Did you mean {possibility}?": (
        "Bedoel je {possibility}?",
        "(Bedoel je een van: {possibilities}?)",
    ),
    "Option {name!r} requires an argument.": (
        "De optie {name!r} heeft een waarde nodig.",
        "De optie {name!r} heeft {nargs} waarden nodig.",
    ),
    "{value!r} is not {choice}.": (
        "{value!r} kan hier niet; alleen {choice}.",
        "{value!r} kan hier niet; kies uit {choices}.",
    ),
}

_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "utils", "termui")


def _dutch(message: str) -> str:
    return _SINGLE.get(message) or gettext(message)


def _dutch_plural(singular: str, plural: str, count: int) -> str:
    pair = _PLURAL.get(singular)
    if pair is None:
        return ngettext(singular, plural, count)
    return pair[0] if count == 1 else pair[1]


def install() -> None:
    """Make click speak Dutch from now on (idempotent)."""
    for name in _MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = _dutch  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _dutch_plural  # type: ignore[attr-defined]
