"""The forms of a Dutch word: what a lexicon entry written as `zeggen`, `boos` or
`terugkijken` also matches (`zei`, `gezegd`, `bozer`, `kijken we … terug`).

Entries are expanded to their surface forms once, when a lexicon is compiled, so matching
an answer stays a set look-up. The rules over-generate on purpose: a form that is not a
real word (`ergeer` next to `erger`) never occurs in an answer and costs nothing, while a
missing form makes a rule deaf. Strong and irregular verbs come from a table
(`coach.language.irregular`); everything else from the spelling rules below.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from coach.language.irregular import FORM_TO_INFINITIVES, IRREGULAR

VOWELS = frozenset("aeiouy")
# Verb prefixes that never split off and take no ge- in the participle (bespreken, besproken).
INSEPARABLE = ("her", "ont", "ver", "be", "ge", "er", "mis")
# Particles that split off in a main clause: `we kijken er samen op terug`.
PARTICLES = (
    "terug", "samen", "achter", "binnen", "buiten", "tegen", "langs", "thuis", "open",
    "dicht", "door", "over", "voor", "mee", "aan", "bij", "los", "na", "neer", "om", "op",
    "toe", "uit", "vast", "vrij", "weg", "af", "in",
)  # fmt: skip
# A compound's first part never is one of these (they make derivations, not compounds:
# `vertrouwen` is not a kind of `trouwen`).
NOT_A_COMPOUND_HEAD_BEFORE = frozenset((*INSEPARABLE, *PARTICLES, "on", "onder", "wan"))


_SHORT_VERBS = frozenset({"gaan", "staan", "slaan", "zien", "doen", "zijn"})
# Words that are never inflected: they match only themselves, so `aan` never becomes `aanen`
# and `alleen` never `alle`.
UNINFLECTED = frozenset(
    {
        *("aan", "af", "al", "alleen", "als", "bij", "dan", "dat", "de", "die", "dit", "door"),
        *("een", "en", "er", "het", "hier", "hoe", "ik", "in", "je", "jij", "maar", "me", "meer"),
        *("met", "mij", "mijn", "na", "naar", "niet", "nog", "nu", "of", "om", "omdat", "onder"),
        *("ons", "ook", "op", "over", "te", "tegen", "toch", "toen", "tot", "u", "uit", "van"),
        *("voor", "waar", "wat", "we", "wel", "wie", "wij", "ze", "zich", "zij", "zo", "zonder"),
        *("geen", "niks", "niets", "alles", "iets", "iemand", "niemand", "nergens", "altijd"),
        *("nooit", "soms", "mezelf", "mijzelf", "zichzelf"),
        *("hem", "haar", "hun", "hen", "jou", "jouw", "onze", "hij", "nie"),
    }
)


@dataclass(frozen=True)
class Forms:
    """The forms of one entry word: written as one word, and split around a particle."""

    whole: frozenset[str]  # `terugkijken`, `teruggekeken`, `keek terug` is not here
    split: tuple[tuple[str, frozenset[str]], ...] = ()  # ("terug", {"kijk", "keek", …})


def _undouble(stem: str) -> str:
    """`bell` → `bel`: a doubled final consonant is single at the end of a word."""
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in VOWELS:
        return stem[:-1]
    return stem


def _closed_syllable(stem: str) -> set[str]:
    """The stem as it is written at the end of a word: `mak` → `maak`, `lev` → `leef`.

    Returns both spellings when the rules cannot know the stress (`erger` and `ergeer`)."""
    found = {stem}
    if stem.endswith("v"):
        found.add(stem[:-1] + "f")
    if stem.endswith("z"):
        found.add(stem[:-1] + "s")
    if (
        len(stem) >= 3
        and stem[-1] not in VOWELS
        and stem[-2] in VOWELS
        and stem[-3] not in VOWELS
        and stem[-2] != "i"  # `i` is never doubled
    ):
        for each in list(found):
            found.add(each[:-1] + each[-2] + each[-1])
    return found


def _open_syllable(word: str) -> set[str]:
    """The word as it is written before an ending: `boos` → `boz`, `les` → `less`."""
    found = {word}
    # f and s become v and z after a long vowel or a consonant (boos → boze, half → halve),
    # never after a short vowel (les → lessen, stof → stoffen).
    voiced = len(word) >= 3 and (word[-2] not in VOWELS or word[-3] in VOWELS)
    if voiced and word.endswith("f"):
        found.add(word[:-1] + "v")
    if voiced and word.endswith("s"):
        found.add(word[:-1] + "z")
    if len(word) >= 4 and word[-1] not in VOWELS and word[-2] == word[-3] and word[-2] in "aeou":
        for each in list(found):
            found.add(each[:-3] + each[-2:])  # boos → bos(z): the long vowel is single
    if len(word) >= 3 and word[-1] not in VOWELS and word[-2] in VOWELS and word[-3] not in VOWELS:
        found.add(word + word[-1])  # les → less(en): a short vowel keeps its sound
    return found


def _regular_verb(stems: set[str], prefix_takes_ge: bool) -> set[str]:
    forms: set[str] = set()
    for stem in stems:
        forms |= {stem, stem + "t", stem + "en", stem + "end", stem + "ende"}
        for past in ("te", "de"):
            forms |= {stem + past, stem + past + "n"}
        for end in ("t", "d"):
            participle = ("ge" if prefix_takes_ge else "") + stem + end
            forms |= {participle, participle + "e"}
    return forms


def _verb_stems(infinitive: str) -> set[str]:
    """The stem of a regular verb, as Dutch spelling writes it: `bellen` → `bel` (a double
    consonant: short vowel), `maken` → `maak` (a single one: long vowel), `ergeren` →
    `erger` and `irriteren` → `irriteer` (an unstressed or stressed last syllable: both)."""
    body = infinitive[:-2] if infinitive.endswith("en") else infinitive[:-1]
    if len(body) < 3:
        return set()  # `been`, `teen`: nouns, not verbs; short verbs are in the table
    if _undouble(body) != body:
        return {_undouble(body)}
    stems = _closed_syllable(body)
    schwa = len(body) > 3 and body[-2] == "e" and body[-1] in "rlnm" and body[-3] not in VOWELS
    long_vowel = {stem for stem in stems if len(stem) > len(body)}  # `maak`, `leef`
    if long_vowel and not schwa:
        return long_vowel  # `maken`: `mak` is no form of it; `leven`: nor is `lef`
    return stems


@lru_cache(maxsize=4096)
def verb_forms(infinitive: str) -> frozenset[str]:
    """Every finite and participle form of a verb given as its infinitive."""
    forms = {infinitive}
    takes_ge = not any(infinitive.startswith(prefix) for prefix in INSEPARABLE)
    for prefix in ("", *INSEPARABLE):
        base = infinitive[len(prefix) :]
        if not infinitive.startswith(prefix) or base not in IRREGULAR:
            continue
        # gaan, zien, doen: the table lists their present forms; rules would invent `zit`
        stems = set() if base in _SHORT_VERBS else _verb_stems(base)
        for form in (*IRREGULAR[base], *stems, *(stem + "t" for stem in stems), base):
            if prefix and form.startswith("ge") and form.endswith(("en", "d", "t")):
                form = form[2:]  # besproken, not begesproken
            forms.add(prefix + form)
            if form.endswith(("en", "d", "t")) and form != base:
                forms.add(prefix + form + "e")  # de gevonden oplossing; een gesloten vraag
        return frozenset(forms)
    return frozenset(forms | _regular_verb(_verb_stems(infinitive), takes_ge))


def _nominal_forms(word: str) -> set[str]:
    """Plural, diminutive, inflected adjective, comparative and superlative."""
    forms = {word, word + "'s", word + "st", word + "ste"}
    if not word.endswith(("s", "z", "x")):
        forms.add(word + "s")  # `mes` has `messen`, and `mess` is English
    for base in _open_syllable(word):
        forms |= {base + "e", base + "en", base + "er", base + "ere", base + "ers"}
    if word.endswith("r"):
        forms |= {word + "der", word + "dere"}  # duur → duurder
    forms |= {word + "je", word + "jes", word + "tje", word + "tjes", word + "pje", word + "etje"}
    if word.endswith("e"):
        forms |= {word + "n", word + "r", word + "re"}
    return forms


def _derived_verbs(word: str) -> set[str]:
    """The verb behind a noun that names its action: irritatie → irriteren,
    teleurstelling → teleurstellen, ergernis → ergeren."""
    if word.endswith("atie") and len(word) > 6:
        return {word[:-4] + "eren"}
    if word.endswith("ing") and len(word) > 6:
        return {word[:-3] + "en"}
    if word.endswith("nis") and len(word) > 6:
        return {word[:-3] + "en"}
    return set()


def _guessed_infinitives(word: str) -> set[str]:
    """Infinitives a written verb form may belong to: `zei` → zeggen, `ergerde` → ergeren."""
    found = set(FORM_TO_INFINITIVES.get(word, ()))
    for ending in ("den", "ten", "de", "te"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            found.add(_undouble(word[: -len(ending)]) + "en")
    if word.startswith("ge") and word.endswith(("d", "t")) and len(word) >= 6:
        found.add(word[2:-1] + "en")
    return found


@lru_cache(maxsize=8192)
def forms_of(word: str) -> Forms:
    """All forms of an entry word (folded), joined and split around a particle."""
    if word in UNINFLECTED:
        return Forms(frozenset({word}))
    whole: set[str] = set(_nominal_forms(word))
    infinitives = set(_guessed_infinitives(word))
    if (
        word.endswith("en")
        and len(word) >= 4
        and (
            word in IRREGULAR or word not in FORM_TO_INFINITIVES  # `gezien` is no infinitive
        )
    ):
        infinitives.add(word)
    infinitives |= _derived_verbs(word)
    split: dict[str, set[str]] = {}
    for infinitive in infinitives:
        whole |= verb_forms(infinitive)
        for particle in PARTICLES:
            base = infinitive[len(particle) :]
            if infinitive.startswith(particle) and len(base) >= 4 and base.endswith("en"):
                base_forms = verb_forms(base)
                split.setdefault(particle, set()).update(base_forms)
                for form in base_forms:
                    whole.add(particle + form)  # teruggekeken, terugkeek (bijzin)
                whole.add(particle + "te" + base)  # (om) terug te kijken: as one word too
    return Forms(
        frozenset(whole),
        tuple((particle, frozenset(forms)) for particle, forms in sorted(split.items())),
    )


def compound_head(token: str, forms: frozenset[str]) -> bool:
    """`werkdruk` ends in a form of `druk` after a first part of three letters or more."""
    for cut in range(3, len(token) - 3):
        modifier, head = token[:cut], token[cut:]
        if head in forms and _modifier(modifier):
            return True
    return False


def _modifier(part: str) -> bool:
    """A first part of a compound: not a prefix or particle (`vertrouwen`), and not a
    prefix with a few letters, which is a participle (`geregeld` is not a kind of `geld`)."""
    if part in NOT_A_COMPOUND_HEAD_BEFORE or not VOWELS & set(part):
        return False
    return not any(
        part.startswith(prefix) and len(part) <= len(prefix) + 3 for prefix in INSEPARABLE
    )
