"""Helpers for tests that read like conversations."""

from __future__ import annotations

from typing import Any

from coach.engine import Engine
from coach.model import Dialogue
from coach.steps import Advance, Invalid

MINIMAL = """\
id: mini
version: 1
title: Mini
description: Een klein gesprek om mee te testen.
phases: [een, twee]
subject: ander
nodes:
  hallo:
    say: Welkom.
  wie:
    when: not answered(ander)
    ask: Met wie?
    into: ander
  wat:
    phase: een
    ask: Wat gebeurde er met {ander}?
    probes:
      - when: matches(answer, "arrogant|altijd")
        ask: Je schrijft {match|quote}. Wat deed {ander} precies?
      - when: words(answer) < 4
        ask: Kun je meer vertellen?
  zeker:
    phase: twee
    scale: Hoe zeker ben je?
    range: [1, 10]
    labels: {1: onzeker, 10: zeker}
  klaar:
    end: Dank je, {ander}-gesprek is voorbereid.
    title: Kaart voor {ander}
    summary: [wat, zeker]
"""


def play(dialogue: Dialogue, answers: list[str], preset: dict[str, Any] | None = None) -> Engine:
    """Run a conversation with these answers; fail loudly if one is not accepted."""
    engine = Engine(dialogue, preset)
    engine.start()
    for answer in answers:
        result = engine.answer(answer)
        assert not isinstance(result, Invalid), f"{answer!r} was refused: {result}"
    return engine


def questions(advance: Advance) -> list[str]:
    return [step.text for step in advance.steps]


# Piped answers that stop at the first follow-up question of buiv, with Paul as subject.
PAUL_ARROGANT = "het overleg van dinsdag met de sectie\nHij was weer arrogant.\n"


# Strong answers to buiv, without --met (the first answer is the person): no follow-ups.
STRONG_BUIV = [
    "Paul",
    "hoe hij in het directieberaad over collega's praat",
    "Dinsdag in het directieberaad zei hij twee keer dat de andere scholen hun problemen aan "
    "zichzelf te danken hebben. Ik werd stil en keek naar mijn papieren.",
    "Ik was geïrriteerd en eerlijk gezegd ook onzeker over mijn eigen rol.",
    "Misschien ergert hij zich aan hoeveel tijd het overleg kost; voor hem is goed onderwijs "
    "belangrijk en hij wil dat zijn school gezien wordt.",
    "Hoe hij ooit leraar werd.",
    "Ik begin in zijn werkkamer met een vraag over zijn loopbaan en vertel daarna eerlijk dat "
    "ik me in het beraad ergerde.",
    "Hoe kijk jij terug op het laatste directieberaad?",
    "2",
    "6",
    "1",
]


def feed_terminal(child: Any, stream: Any, screen: Any, data: bytes) -> None:
    """Pass program output to a terminal emulator, and answer "where is the cursor?" as a
    real terminal does: prompt-toolkit waits for that before it draws its bottom bar."""
    stream.feed(data)
    for _ in range(data.count(b"\x1b[6n")):
        cursor = screen.cursor
        child.send(f"\x1b[{cursor.y + 1};{cursor.x + 1}R")
