"""Reading and writing the safety net's weighted words (`dialogues/safety/gewichten.txt`).

A plain text file, so a coach can read it and a change shows as a diff: comment lines
start with `#`, then `bias` and `drempel` lines, then one word per line: its weight, the
word, and the stem the word is found by (`1.52  pillen  pil`), heaviest first; a pair of
words that follow each other is written with a `+` (`0.80  slapen+slecht  slaap+slecht`).
The file is made by `coach eval --weights`; by hand, change a weight or remove a line,
never add a stem that is not a stem.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from coach.errors import CoachError
from coach.language.weights import PAIR, WeightedWords
from coach.shipped import shipped_dir

FOLDER = "safety"
FILE = Path(FOLDER) / "gewichten.txt"

HEADER = """\
# Gewogen woorden van het vangnet: een tweede lezing van elk antwoord.
# Elk woord uit de lijsten van het vangnet weegt mee: woorden van nood wegen op, woorden
# van het gewone schoolleven tellen af. Komt de som (vanaf `bias`) boven de `drempel`,
# dan vraagt coach hoe het met je gaat, ook als geen regel van de lijsten trof.
# Woorden tussen aanhalingstekens en in een verleden dat voorbij is, tellen niet mee.
# Gemaakt met `coach eval --weights` uit de ontwikkelset van het corpus; per regel:
# gewicht, woord, stam (coach vindt het woord aan zijn Snowball-stam). Een paar woorden dat
# in een antwoord op elkaar volgt (zonder kleine woorden ertussen) weegt apart: `slapen+slecht`.
"""


class WeightsError(CoachError):
    """A weights file that cannot be read; the message says where, in Dutch."""

    def __init__(self, name: str, line: int, reason: str) -> None:
        super().__init__(f"{name}:{line}: {reason}" if line else f"{name}: {reason}")
        self.name, self.line, self.reason = name, line, reason


def shipped_weights_path() -> Path:
    return shipped_dir() / FILE


@lru_cache(maxsize=4)
def load_weights(path: Path | None = None) -> WeightedWords:
    """The weighted words in a file (the shipped one by default), read once per process."""
    return read_weights(path or shipped_weights_path())


def read_weights(where: Path) -> WeightedWords:
    """The weighted words in a file, or a WeightsError that says where it is wrong."""
    try:
        text = where.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = f"de gewichten van het vangnet zijn niet te lezen ({error})"
        raise WeightsError(str(where), 0, reason) from None
    return parse(text, str(where))


def parse(text: str, name: str) -> WeightedWords:
    settings: dict[str, float] = {}
    weights: dict[str, float] = {}
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        try:
            if fields[0] in ("bias", "drempel") and len(fields) == 2:
                settings[fields[0]] = float(fields[1])
            elif len(fields) == 3:
                weights[fields[2]] = float(fields[0])
            else:
                raise ValueError(line)
        except ValueError:
            reason = (
                "verwacht ‘gewicht woord stam’, ‘bias getal’ of ‘drempel getal’, "
                f"niet ‘{line.strip()[:60]}’"
            )
            raise WeightsError(name, number, reason) from None
    missing = [key for key in ("bias", "drempel") if key not in settings]
    if missing:
        raise WeightsError(name, 0, f"de regel ‘{missing[0]} …’ ontbreekt")
    return WeightedWords(settings["bias"], settings["drempel"], weights)


def render(weighted: WeightedWords, words: dict[str, str]) -> str:
    """The file's text: heaviest first, then by stem, so the same weights give the same bytes."""
    lines = [HEADER, f"bias {weighted.bias:.2f}", f"drempel {weighted.threshold:.2f}", ""]
    ordered = sorted(weighted.weights.items(), key=lambda pair: (-pair[1], pair[0]))
    lines += [f"{weight:6.2f}  {_written(stem, words)}  {stem}" for stem, weight in ordered]
    return "\n".join(lines) + "\n"


def _written(key: str, words: dict[str, str]) -> str:
    """The words a stem or a pair of stems stands for (`slapen+slecht` for `slaap+slecht`)."""
    return PAIR.join(words.get(part, part) for part in key.split(PAIR))
