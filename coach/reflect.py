"""Echoing a user's words back in the second person, ELIZA style, in Dutch.

`ik ergerde me aan zijn toon` becomes `je ergerde je aan zijn toon`, and `ik vind het
lastig` becomes `je vindt het lastig`. A coach uses it to mirror the user's own words
instead of stock praise. It is a small, predictable rewrite, not grammar: pronouns change,
and the verb right after `ik` gets the `je`-form when it is a common present-tense verb.
Everything else, and the original capitals, stays as typed.
"""

from __future__ import annotations

import re

# Present tense after `ik` → after `je`: the irregular ones, and the regular ones that
# reflection answers use most (stem + t). A word not listed stays as it is, which is
# always the past tense and usually harmless otherwise.
_IRREGULAR = {
    "ben": "bent",
    "heb": "hebt",
    "kan": "kunt",
    "kun": "kunt",
    "zal": "zult",
    "wil": "wilt",
    "mag": "mag",
    "moet": "moet",
    "ga": "gaat",
    "sta": "staat",
    "doe": "doet",
    "zie": "ziet",
    "sla": "slaat",
}
_REGULAR = (
    "begin",
    "begrijp",
    "bel",
    "blijf",
    "breng",
    "denk",
    "deel",
    "durf",
    "erger",
    "hoop",
    "hoor",
    "houd",
    "kies",
    "kijk",
    "kom",
    "krijg",
    "laat",
    "leer",
    "lees",
    "leg",
    "loop",
    "luister",
    "maak",
    "merk",
    "mis",
    "neem",
    "noem",
    "open",
    "pak",
    "plan",
    "praat",
    "probeer",
    "reageer",
    "schaam",
    "schrijf",
    "schrik",
    "snap",
    "spreek",
    "stel",
    "stoor",
    "stop",
    "twijfel",
    "val",
    "verwacht",
    "vertel",
    "vind",
    "voel",
    "vraag",
    "wacht",
    "weet",
    "werk",
    "word",
    "wens",
    "zeg",
    "zit",
    "zoek",
    "zwijg",
    "baal",
)
_VERBS = {**{verb: verb if verb.endswith("t") else verb + "t" for verb in _REGULAR}, **_IRREGULAR}

# Pronouns of the first person and what they become.
_PRONOUNS = {
    "ik": "je",
    "me": "je",
    "mij": "je",
    "mijn": "je",
    "m'n": "je",
    "mezelf": "jezelf",
    "mijzelf": "jezelf",
    "ikzelf": "jijzelf",
}
# After a preposition, `mij` is stressed and becomes `jou`: "voor mij" → "voor jou".
_PREPOSITIONS = {
    "aan",
    "bij",
    "door",
    "met",
    "naar",
    "om",
    "op",
    "over",
    "tegen",
    "van",
    "voor",
    "zonder",
    "achter",
    "naast",
    "tussen",
    "behalve",
}

_TOKEN = re.compile(r"\w+(?:'\w+)?|'\w+|\W+")


def reflect(text: str) -> str:
    """The text with its first person turned into the second person."""
    parts = _TOKEN.findall(text)
    out: list[str] = []
    previous_word = ""
    after_ik = False
    for part in parts:
        word = part.lower()
        if not part.strip() or not (part[0].isalnum() or part[0] == "'"):
            out.append(part)
            if part.strip():  # punctuation ends the verb position after `ik`
                after_ik = False
            continue
        if after_ik and word in _VERBS:
            new = _VERBS[word]
        elif word == "mij" and previous_word in _PREPOSITIONS:
            new = "jou"
        elif word in _PRONOUNS:
            new = _PRONOUNS[word]
        else:
            new = part
        out.append(_same_case(part, new))
        after_ik = word == "ik"
        previous_word = word
    return "".join(out)


def _same_case(original: str, new: str) -> str:
    if original.isupper() and len(original) > 1:
        return new.upper()
    if original[:1].isupper():
        return new[:1].upper() + new[1:]
    return new
