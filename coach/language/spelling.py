"""Chat, spoken and Flemish spellings read as the standard word they stand for.

Leaders type on phones and write as they speak: `k ben op`, `mn team`, `gwn`, `ik kan nie
meer`, `ge moet weten`. Every word list is written in standard Dutch, so these are read as
`ik`, `mijn`, `gewoon`, `niet`, `je` before anything is matched. Only whole words that cannot
mean anything else are here; the text itself is never changed.
"""

from __future__ import annotations

STANDARD = {
    # chat
    "k": "ik",
    "kzal": "ik",
    "mn": "mijn",
    "m'n": "mijn",
    "m’n": "mijn",
    "zn": "zijn",
    "z'n": "zijn",
    "z’n": "zijn",
    "gwn": "gewoon",
    "wss": "waarschijnlijk",
    "mss": "misschien",
    "idd": "inderdaad",
    "ff": "even",
    "nt": "niet",
    "nie": "niet",
    "ni": "niet",
    "da": "dat",
    "wa": "wat",
    # Flemish and regional
    "ge": "je",
    "gij": "jij",
    "mar": "maar",
    "ich": "ik",
    "mich": "mij",
    "mien": "mijn",
    "neet": "niet",
    "nait": "niet",
    "veur": "voor",
}


def standard(word: str) -> str:
    """The standard spelling of a folded word (the word itself when it has none)."""
    return STANDARD.get(word, word)
