"""The safety net: noticing signs of distress in an answer, and what coach says then.

Always on, in every dialogue. It never diagnoses: it says what it noticed, in the user's own
words, that a program cannot help with it, and where people can, and then lets the user
choose to go on or stop. Each level is shown at most once per session, so a user who
chooses to go on is not interrupted again by the same kind of signal.

Three levels: `crisis` (the leader's own safety), `zorg` (distress that costs the leader a
lot) and `ander` (worry about the safety of someone else: a pupil, a teacher, a colleague).
After the net opened, coach asks once how the leader is doing: before the closing card,
and when the session is resumed (`CHECK_IN`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from coach.lexicon import findings
from coach.model import Safety

if TYPE_CHECKING:  # the language layer is imported when an answer is first read
    from coach.language.analysis import Analysis

QUESTION = "Wil je verder met dit gesprek?"
OPTIONS = ("Ja, ga verder", "Nee, stop voor nu")
CONTINUE, STOP = 0, 1

# The check-in after the net opened: asked before the closing card and on resume.
CHECK_IN = {
    "einde": (
        "Voor we afronden: eerder in dit gesprek schreef je iets wat zwaar klonk. "
        "Hoe gaat het nu met je?"
    ),
    "hervat": (
        "Fijn dat je er weer bent. De vorige keer schreef je iets wat zwaar klonk. "
        "Hoe gaat het nu met je?"
    ),
}
CHECK_IN_OPTIONS = ("Gaat wel, ga door", "Laat de hulplijnen nog eens zien", "Stop voor nu")
GO_ON, HELP_LINES, STOP_NOW = 0, 1, 2

LEVELS = ("crisis", "ander", "zorg")  # the most serious first
QUOTE_CHARS = 80  # at most this much of the words that gave the signal, in the help box

# Per level: how the help box opens without the user's words, how it goes on after
# "Je schreef: ‘…’.", what follows, and where help is (one line each).
_LEAD = {
    "crisis": ("Je schrijft iets wat heel zwaar klinkt.", "Dat klinkt heel zwaar."),
    "zorg": (
        "Wat je schrijft klinkt alsof het je veel kost.",
        "Dat klinkt alsof het je veel kost.",
    ),
    "ander": (
        "Je schrijft iets waaruit zorg om iemand anders spreekt.",
        "Daaruit spreekt zorg om iemand anders.",
    ),
}
_BODY = {
    "crisis": (
        "Misschien bedoel je het anders, maar als je aan zelfdoding denkt, of je zorgen maakt "
        "om iemand die dat doet: praat er vandaag nog over met iemand. Dit programma kan "
        "daar niet bij helpen, mensen wel."
    ),
    "zorg": (
        "Dit programma stelt geen diagnose en is geen hulpverlener, maar je hoeft dit niet "
        "alleen te dragen. Je kunt erover praten met:"
    ),
    "ander": (
        "Of iemand echt in gevaar is, kan dit programma niet inschatten; mensen die daar "
        "verstand van hebben wel, en ze denken ook met jou mee:"
    ),
}
_LINES = {
    "crisis": (
        "113 Zelfmoordpreventie: bel gratis 0800-0113 of chat via 113.nl, dag en nacht.",
        "Je huisarts, of buiten kantoortijd de huisartsenpost.",
        "Is er direct gevaar? Bel 112.",
    ),
    "zorg": (
        "de bedrijfsarts, als je werk je te veel wordt;",
        "de vertrouwenspersoon van je school of bestuur, bij pesten, intimidatie of ander "
        "ongewenst gedrag;",
        "je huisarts, ook als het buiten je werk zwaar is;",
        "113 Zelfmoordpreventie (gratis 0800-0113, dag en nacht), als je aan zelfdoding denkt.",
    ),
    "ander": (
        "Is er direct gevaar? Bel 112.",
        "Vrees je dat iemand aan zelfdoding denkt? Ook wie zich zorgen maakt om een ander kan "
        "113 Zelfmoordpreventie bellen (gratis 0800-0113) of chatten via 113.nl, dag en nacht.",
        "Je huisarts, of buiten kantoortijd de huisartsenpost, kan meedenken over wat nodig is.",
        "Gaat het om een leerling: de zorgstructuur van je school (de zorgcoördinator of intern "
        "begeleider) en de vertrouwenspersoon.",
        "Kan een kind thuis niet veilig zijn? Bel Veilig Thuis, gratis op 0800-2000, dag en "
        "nacht, ook voor advies, en volg de meldcode van je school.",
        "Gaat het om een collega: de vertrouwenspersoon van je school of bestuur, en de "
        "bedrijfsarts.",
    ),
}


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
    from coach.language.analysis import analyse
    from coach.language.topic import about_a_topic

    analysis = analyse(text)
    found: list[tuple[str, str]] = []
    over: set[int] | None = None  # looked for only once there is a signal to take back
    for rule in safety.rules:
        if rule.level == "herstel":
            continue
        for finding in findings(rule.lexicon, text):
            if not finding.counts:
                continue
            first = _first_token(analysis, finding.hit.start)
            if first is None or analysis.told_as_past(first):
                continue
            if about_a_topic(analysis.tokens, first):
                continue  # `een workshop over paniekaanvallen`
            last = _last_token(analysis, finding.hit.end, first)
            about_leader = finding.hit.entry.pattern.who == "leader"
            level = _level(rule.level, analysis, first, last, about_leader)
            if not level:
                continue
            if level != "crisis":
                over = _over(safety, analysis) if over is None else over
                sentence = analysis.tokens[first].sentence
                if sentence in over or sentence + 1 in over:
                    continue
                if level == "ander" and any(later > sentence for later in over):
                    continue  # worry about someone, and later: `… de hulpverlening is betrokken`
            found.append((level, finding.hit.text))
    if not found:
        found += _weighed(safety, analysis)
    return sorted(found, key=lambda pair: _URGENCY.index(pair[0]))


def _weighed(safety: Safety, analysis: Analysis) -> list[tuple[str, str]]:
    """The second reading, when no rule matched: the weighted words of the answer together
    (coach.language.weights). Never `crisis`: without words that name it, `zorg` (with 113
    among its help lines) for the leader, `ander` when the heaviest word is about someone
    else. No words are quoted: no single phrase gave the signal."""
    from coach.language.owner import SELF, owner
    from coach.language.tone import light
    from coach.language.weights import read
    from coach.weights_file import WeightsError, load_weights

    try:
        weighted = load_weights()
    except WeightsError:
        return []  # the rules still read every answer; `coach validate` says what is wrong
    reading = read(analysis, weighted)
    heaviest = reading.heaviest
    if heaviest is None or not reading.passes(weighted):
        return []
    if light(analysis.tokens, analysis.text) or analysis.told_as_past(heaviest):
        return []  # laughed about, or told of a past that is over (`in 2021 …`)
    sentence = analysis.tokens[heaviest].sentence
    over = _over(safety, analysis)
    if sentence in over or sentence + 1 in over:
        return []
    whose = owner(analysis.tokens, heaviest, heaviest)
    if whose != SELF and _guessed(analysis, heaviest):
        return []  # `hij was waarschijnlijk bang voor haar toekomst`: empathy, not worry
    return [("zorg" if whose == SELF else "ander", "")]


# Words that make a clause a guess at what someone else feels or thinks.
_GUESSES = frozenset({"waarschijnlijk", "vermoedelijk", "wellicht", "misschien", "mogelijk"})


def _guessed(analysis: Analysis, index: int) -> bool:
    """Whether the clause of this token guesses (`hij was waarschijnlijk bang`)."""
    clause = analysis.tokens[index].clause
    return any(token.folded in _GUESSES for token in analysis.tokens if token.clause == clause)


def _over(safety: Safety, analysis: Analysis) -> set[int]:
    """The sentences that say something is over (`… maar nu gaat het weer goed`): one takes
    back a signal in its own sentence or the one before (not a crisis: that is always
    asked about)."""
    return {
        analysis.tokens[first].sentence
        for rule in safety.rules
        if rule.level == "herstel"
        for finding in findings(rule.lexicon, analysis.text)
        if finding.counts
        for first in [_first_token(analysis, finding.hit.start)]
        if first is not None
    }


_URGENCY = ("crisis", "zorg", "ander")


def _first_token(analysis: Analysis, start: int) -> int | None:
    return next((token.index for token in analysis.tokens if token.start >= start), None)


def _last_token(analysis: Analysis, end: int, first: int) -> int:
    last = first
    for token in analysis.tokens[first:]:
        if token.start >= end:
            break
        last = token.index
    return last


def _level(
    rule_level: str, analysis: Analysis, first: int, last: int, about_leader: bool = False
) -> str:
    """The level for the words from token `first` to `last`: the rule's own level when they
    are about the leader, `ander` when about someone else (see coach.language.owner). An
    entry with `who: leader` is about the leader whoever its subject is (`mijn vrouw telt
    de flessen`), unless it is quoted."""
    from coach.language.owner import OTHER, QUOTE, SELF, owner, target
    from coach.language.tone import light

    if rule_level == "geweld":
        # a threat quoted in jest, laughed about in its own sentence (`'ik ga u
        # vermoorden', riep hij lachend toen hij verloor`); the leader's own laugh about
        # being hit is often a way to make it small, and is not enough
        if analysis.tokens[first].quoted and _light_sentence(analysis, first):
            return ""
        return "zorg" if target(analysis.tokens, first, last) == SELF else "ander"
    whose = owner(analysis.tokens, first, last)
    if about_leader and whose == OTHER:
        whose = SELF
    if whose != SELF and light(analysis.tokens, analysis.text):
        return ""  # `'ik wil dood' zei hij over de spruitjes; we hebben erom gelachen`
    if whose == SELF and rule_level != "ander" and _light_sentence(analysis, first):
        return ""  # `dan spring ik uit het raam, haha`
    if rule_level == "ander" or whose == SELF:
        return rule_level
    if rule_level == "zorg" and whose == QUOTE:
        return ""  # someone quoted saying `ik kan niet meer` is too often a manner of speaking
    return "ander"


def _light_sentence(analysis: Analysis, index: int) -> bool:
    from coach.language.tone import light, taken_back

    if taken_back(analysis.text):
        return False  # `… haha. Niet zo grappig eigenlijk.` anywhere in the answer

    sentence = analysis.sentence_range(index)
    tokens = analysis.tokens
    # the sentence's text runs on to the next sentence, so a closing `haha` counts
    end = tokens[sentence[-1] + 1].start if sentence[-1] + 1 < len(tokens) else len(analysis.text)
    return light([tokens[i] for i in sentence], analysis.text[tokens[sentence[0]].start : end])


def quoted(words: str) -> str:
    """The words that gave a signal as one short line, for "Je schreef: ‘…’"."""
    # Only spaces, tabs and line breaks are folded: other characters reach the screen
    # made visible, as all user text does.
    flat = re.sub(r"[ \t\n]+", " ", words).strip(" ")
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1].rstrip() + "…"


def referral(safety: Safety | None, level: str, noticed: str = "") -> str:
    """What the safety net says for a level: the author's sentence, what was noticed (the
    user's words, when given), then where to find help."""
    own = safety.message.strip() if safety is not None else ""
    level = level if level in _LEAD else "zorg"
    plain, after_quote = _LEAD[level]
    quote = quoted(noticed)
    lead = f"Je schreef: ‘{quote}’. {after_quote}" if quote else plain
    text = f"{lead} {_BODY[level]}\n" + "\n".join(f"- {line}" for line in _LINES[level])
    return (own + "\n\n" if own else "") + text


def help_lines(levels: Iterable[str]) -> str:
    """The help lines again, for every level the net showed this session (the check-in's
    "Laat de hulplijnen nog eens zien")."""
    shown = set(levels)
    if "crisis" in shown:
        shown.discard("zorg")  # the crisis lines name every kind of help
    lines: list[str] = []
    for level in LEVELS:
        if level in shown or (not shown and level == "zorg"):
            lines += [line for line in _LINES[level] if line not in lines]
    return (
        "De hulplijnen nog een keer. Je mag altijd contact opnemen, ook als je twijfelt of "
        "het ernstig genoeg is:\n" + "\n".join(f"- {line}" for line in lines)
    )
