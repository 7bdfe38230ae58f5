"""The safety net: noticing signs of distress in an answer, and what coach says then.

Always on, in every dialogue. It never diagnoses: it says what it noticed, that a program
cannot help with it, and where people can, and then lets the user choose to go on or stop.
Each level is shown at most once per session, so a user who chooses to go on is not
interrupted again by the same kind of signal.
"""

from __future__ import annotations

from collections.abc import Iterable

from coach.lexicon import hits
from coach.model import Safety

QUESTION = "Wil je verder met dit gesprek?"
OPTIONS = ("Ja, ga verder", "Nee, stop voor nu")
CONTINUE, STOP = 0, 1

_HELP = {
    "crisis": (
        "Je schrijft iets wat heel zwaar klinkt. Misschien bedoel je het anders, maar als je "
        "aan zelfdoding denkt, of je zorgen maakt om iemand anders: praat er vandaag nog over "
        "met iemand. Dit programma kan daar niet bij helpen, mensen wel.\n"
        "- 113 Zelfmoordpreventie: bel gratis 0800-0113 of chat via 113.nl, dag en nacht.\n"
        "- Je huisarts, of buiten kantoortijd de huisartsenpost.\n"
        "- Is er direct gevaar? Bel 112."
    ),
    "zorg": (
        "Wat je schrijft klinkt alsof het je veel kost. Dit programma stelt geen diagnose en "
        "is geen hulpverlener, maar je hoeft dit niet alleen te dragen. Je kunt erover praten "
        "met:\n"
        "- de bedrijfsarts, als je werk je te veel wordt;\n"
        "- de vertrouwenspersoon van je school of bestuur, bij pesten, intimidatie of ander "
        "ongewenst gedrag;\n"
        "- je huisarts, ook als het buiten je werk zwaar is;\n"
        "- 113 Zelfmoordpreventie (gratis 0800-0113, dag en nacht), als je aan zelfdoding "
        "denkt."
    ),
}


def signal(safety: Safety | None, text: str, shown: Iterable[str]) -> tuple[str, str] | None:
    """(level, the words that gave the signal) for the first level not shown yet, or None."""
    if safety is None:
        return None
    done = set(shown)
    if "crisis" in done:  # its referral already names every kind of help
        done.add("zorg")
    for rule in safety.rules:
        if rule.level in done:
            continue
        found = hits(rule.lexicon, text)
        if found:
            return rule.level, found[0].text
    return None


def referral(safety: Safety | None, level: str) -> str:
    """What the safety net says for a level: the author's sentence, then where to find help."""
    own = safety.message.strip() if safety is not None else ""
    return (own + "\n\n" if own else "") + _HELP.get(level, _HELP["zorg"])
