"""The safety net: noticing signs of distress in an answer, and what coach says then.

Always on, in every dialogue. It never diagnoses: it says what it noticed, that a program
cannot help with it, and where people can, and then lets the user choose to go on or stop.
Each level is shown at most once per session, so a user who chooses to go on is not
interrupted again by the same kind of signal.
"""

from __future__ import annotations

from collections.abc import Iterable

from coach.language.analysis import Analysis, analyse
from coach.lexicon import findings
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


# Words that make the leader the one a threat or an act of violence is aimed at.
_LEADER = frozenset({"ik", "me", "mij", "mezelf", "mijzelf"})


def signal(safety: Safety | None, text: str, shown: Iterable[str]) -> tuple[str, str] | None:
    """(level, the words that gave the signal) for the first level not shown yet, or None.

    The level depends on whose distress it is. The leader's own words about themselves
    give the rule's level (`crisis`, `zorg`). Words about someone else, or someone else's
    words, give `ander`: worry about another person. A sentence dated in a past that is
    over (`vorig jaar`, `jaren geleden`) gives nothing, and neither does a negation (`niet
    bedreigd`) or an idiom the word list names (`ik kan niet meer wachten`)."""
    if safety is None:
        return None
    done = set(shown)
    if "crisis" in done:  # its referral already names every kind of help
        done.add("zorg")
    found = assess(safety, text)
    for level, words in found:
        if level not in done:
            return level, words
    return None


def assess(safety: Safety, text: str) -> list[tuple[str, str]]:
    """Every signal in the text as (level, words), most urgent level first."""
    analysis = analyse(text)
    found: list[tuple[str, str]] = []
    over = any(
        finding.counts
        for rule in safety.rules
        if rule.level == "herstel"
        for finding in findings(rule.lexicon, text)
    )
    for rule in safety.rules:
        if rule.level == "herstel":
            continue
        for finding in findings(rule.lexicon, text):
            if not finding.counts:
                continue
            first = _first_token(analysis, finding.hit.start)
            if first is None or analysis.is_historical(first):
                continue
            level = _level(rule.level, analysis, first)
            if level and not (over and level != "crisis"):
                found.append((level, finding.hit.text))
    return sorted(found, key=lambda pair: _URGENCY.index(pair[0]))


_URGENCY = ("crisis", "zorg", "ander")


def _first_token(analysis: Analysis, start: int) -> int | None:
    return next((token.index for token in analysis.tokens if token.start >= start), None)


def _level(rule_level: str, analysis: Analysis, index: int) -> str:
    attribution = analysis.attribution[index]
    token = analysis.tokens[index]
    # `mijn vrouw zegt dat ik te veel drink`: reported, but about the leader
    own = (attribution.speaker == "self" and attribution.about != "other") or (
        attribution.about == "self" and not token.quoted
    )
    if rule_level == "geweld":
        clause = analysis.clause_range(index)
        sentence = analysis.sentence_range(index)
        aimed_at_leader = any(analysis.tokens[i].folded in _LEADER for i in clause) or (
            own and any(analysis.tokens[i].folded in _LEADER for i in sentence)
        )
        return "zorg" if aimed_at_leader else "ander"
    if rule_level == "ander" or own:
        return rule_level
    if rule_level == "zorg" and analysis.tokens[index].quoted:
        return ""  # someone quoted saying `ik kan niet meer` is too often a manner of speaking
    return "ander"


def referral(safety: Safety | None, level: str) -> str:
    """What the safety net says for a level: the author's sentence, then where to find help."""
    own = safety.message.strip() if safety is not None else ""
    return (own + "\n\n" if own else "") + _HELP.get(level, _HELP["zorg"])
