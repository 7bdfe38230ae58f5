"""The keys a word of a text is looked up by in an index of a word list's words.

A word list finds a word of the text by its form, by the head of a compound (`druk` in
`werkdruk`) and, for long words, with one letter wrong (`zelfmoort`). Both the text and the
list are keyed by what remains when one letter is left out: two words one typo apart share
such a key. The same words come back in answer after answer, and every word class of a list
looks them up again, so their keys are made once per word.
"""

from __future__ import annotations

from functools import lru_cache

TYPO_LENGTH = 8  # words this long or longer also match with one letter wrong


def one_less(word: str) -> tuple[str, ...]:
    """The word with one letter left out, at every place, each once."""
    return tuple(dict.fromkeys(word[:i] + word[i + 1 :] for i in range(len(word))))


@lru_cache(maxsize=1 << 16)
def compound_tails(folded: str) -> tuple[str, ...]:
    """What a compound can end in after a first part of three letters: `werkdruk` → `druk`."""
    return tuple(folded[cut:] for cut in range(3, len(folded) - 3))


@lru_cache(maxsize=1 << 16)
def typo_keys(folded: str) -> tuple[str, ...]:
    """A word of the text's typo keys: its one-letter deletions, then the word itself. A word
    one letter shorter than `TYPO_LENGTH` has them too: it may be a long word missing one."""
    if len(folded) < TYPO_LENGTH - 1:
        return ()
    return (*one_less(folded), folded)
