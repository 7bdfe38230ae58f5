"""Answers that are no answer, and answers that are not in Dutch.

`weet ik niet`, `geen idee`, `zie boven`, `dat staat er al`, `idem`, `?`: a careful coach
does not move on as if something was said. An answer in English by mistake is noticed too,
so a follow-up can ask for it in Dutch instead of reading it as Dutch.
"""

from __future__ import annotations

import re

from coach.text import fold, words

# Whole answers (after folding, without punctuation) that say nothing yet.
_NON_ANSWER = re.compile(
    r"""^(?:
        (?:ik\s)?(?:weet|wet)\s(?:ik\s)?(?:het\s|t\s|echt\s|eigenlijk\s|nog\s|ook\s)*(?:niet|nie|nt)
          (?:\s(?:goed|precies|zo|echt|meer))*
      | (?:geen|gn)\s(?:flauw\s)?(?:idee|idee\w*|flauw\sidee)
      | (?:zie|zie\sje|zie\shet)\s
          (?:boven|hierboven|eerder|vorige|vorig|mijn\s\w+\s?\w*|antwoord\s\w+)
      | (?:dat\s|dit\s|het\s)?(?:staat|stond|schreef\sik)\s(?:er|hier|het|dat)?\s?
          (?:(?:toch|net|ook|al|eigenlijk|gewoon)\s)*(?:al|boven|hierboven)
          (?:\s(?:boven|hierboven|hier|daar|genoemd|beschreven))?
      | (?:dat|dit)\sheb\sik\s(?:(?:toch|net|al|eigenlijk|hierboven|boven)\s)*(?:al\s)?
          (?:gezegd|geschreven|verteld|beantwoord)(?:\s(?:hierboven|boven))?
      | zelfde(?:\s\w+){0,3} | hetzelfde(?:\s\w+){0,3} | idem(?:\s\w+)? | ditto
      | (?:nvt|n\sv\st|niet\svan\stoepassing|geen\santwoord|pass|skip|overslaan|volgende)
      | weet\sniet | geen\scommentaar | no\scomment
      | (?:geen\szin|geen\stijd|later|straks|doe\sik\slater|komt\snog|volgt)
      | (?:pff+|pf+|hmm+|uh+|eh+|tja|ach|boeh|mwah|meh|xxx+|bla(?:\sbla)*|test|asdf\w*)
      | (?:i\sdon'?t\sknow|dunno|no\sidea|idk|n/?a|same\sas\sabove|see\sabove)
    )$""",
    re.VERBOSE,
)
_ONLY_SIGNS = re.compile(r"^[\W_]*$")

# Short, frequent words of each language; a text is English when English ones clearly
# outnumber Dutch ones. Words both languages share (in, is, was, over) are left out.
_DUTCH = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "ik",
        "je",
        "jij",
        "we",
        "wij",
        "hij",
        "zij",
        "ze",
        "niet",
        "dat",
        "die",
        "dit",
        "wat",
        "hoe",
        "waarom",
        "maar",
        "want",
        "ook",
        "nog",
        "wel",
        "heel",
        "echt",
        "mijn",
        "zijn",
        "haar",
        "hem",
        "met",
        "voor",
        "van",
        "naar",
        "op",
        "aan",
        "bij",
        "dan",
        "als",
        "om",
        "te",
        "er",
        "zo",
        "al",
        "geen",
        "wil",
        "kan",
        "moet",
        "heb",
        "heeft",
        "ben",
        "wordt",
        "werd",
        "had",
        "zou",
        "gaat",
        "gaan",
        "doen",
        "doe",
        "kunnen",
        "willen",
        "omdat",
        "wanneer",
        "waar",
        "wie",
        "welke",
        "eigenlijk",
        "gewoon",
        "samen",
        "nu",
        "toen",
        "mee",
        "uit",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "i",
        "you",
        "he",
        "she",
        "they",
        "we",
        "not",
        "that",
        "this",
        "what",
        "how",
        "why",
        "but",
        "because",
        "also",
        "still",
        "very",
        "really",
        "my",
        "his",
        "her",
        "him",
        "with",
        "for",
        "of",
        "to",
        "on",
        "at",
        "by",
        "then",
        "than",
        "would",
        "will",
        "can",
        "could",
        "should",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "am",
        "are",
        "were",
        "be",
        "been",
        "being",
        "it's",
        "i'm",
        "don't",
        "didn't",
        "can't",
        "won't",
        "just",
        "about",
        "when",
        "where",
        "who",
        "which",
        "our",
        "their",
        "there",
        "think",
        "feel",
        "felt",
        "want",
        "going",
        "get",
        "got",
        "told",
        "said",
    ]
)


def non_answer(text: str) -> bool:
    """The answer says nothing yet: `weet ik niet`, `geen idee`, `zie boven`, `?`."""
    folded = " ".join(fold(text).replace("’", "'").split())
    if _ONLY_SIGNS.match(folded):
        return True
    plain = re.sub(r"[^\w'/\s]", " ", folded)
    plain = " ".join(plain.split())
    return bool(_NON_ANSWER.match(plain)) if len(plain.split()) <= 8 else False


def language(text: str) -> str:
    """`nl`, `en`, or `` when there are too few words to tell."""
    found = [word.lower() for word in words(fold(text))]
    dutch = sum(word in _DUTCH for word in found)
    english = sum(word in _ENGLISH for word in found)
    if dutch + english < 2:
        return ""
    if english >= 2 and english > 2 * dutch:
        return "en"
    return "nl"
