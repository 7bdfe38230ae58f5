"""Phrase patterns with gaps, alternatives and free word order, as written in word lists.

A pattern is a row of elements separated by spaces:

- `zeggen`      the word in any of its forms (`zei`, `zegt`, `gezegd`), and as the head
                of a compound (`druk` in `werkdruk`);
- `=zei`        this form only;
- `irrit*`, `*stress`  any word that starts or ends so;
- `leven|zijn`  one of these words (`|` binds single words);
- `(per avond|elke dag)`  one of these phrases;
- `echt?`       an optional word;
- `...`         up to four other words of the same clause (`...2`: up to two);
- `$`           the end of the clause: `ik kan niet meer $` is not `ik kan niet meer wachten`.

`ik ... niet meer ... leven|zijn` finds `ik wil eigenlijk niet meer leven`. An entry with
`all:` lists patterns that must all occur in one clause (or sentence), in any order:
`all: [ik, niet meer, leven|zijn]` also finds `soms wil ik er niet meer zijn`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from coach.language.analysis import Analysis
from coach.language.forms import compound_head, forms_of
from coach.language.irregular import FORM_TO_INFINITIVES
from coach.language.lookup import TYPO_LENGTH, compound_tails, one_less, typo_keys
from coach.language.tokens import WORD, Token
from coach.text import FUNCTION_WORDS, fold, stem

DEFAULT_GAP = 4
SPLIT_REACH = 8  # words between a separable verb and its particle


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says what to change, in Dutch."""


@dataclass(frozen=True)
class Word:
    source: str
    how: str  # "forms", "exact", "prefix" or "suffix"
    text: str  # folded
    stem: str = ""  # the Snowball stem, also accepted (empty: forms only)
    compound: bool = False  # also the head of a compound

    # The forms are made from the word when first needed, not kept with it: a cached
    # dialogue then starts without them, and they are made while the leader types.
    @cached_property
    def forms(self) -> frozenset[str]:
        return forms_of(self.text).whole if self.how == "forms" else frozenset()

    @cached_property
    def split(self) -> tuple[tuple[str, frozenset[str]], ...]:
        return forms_of(self.text).split if self.how == "forms" else ()

    @cached_property
    def keys(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """What a word of the text must be for this word to fit it (a forms or exact word):
        one of its forms (also inside a split verb), its stem, or a typo key."""
        if self.how == "exact":
            return frozenset({self.text}), frozenset(), frozenset()
        forms = self.forms | {form for _, base in self.split for form in base}
        stems = frozenset({self.stem} if self.stem else ())
        long = len(self.text) >= TYPO_LENGTH
        typos = frozenset({self.text, *one_less(self.text)} if long else ())
        return forms, stems, typos

    def fits(self, analysis: Analysis, index: int) -> int | None:
        """The last token this word covers when it starts at `index`, or None."""
        token = analysis.tokens[index]
        folded = token.folded
        how = self.how
        if how != "forms":
            if how == "exact":
                return index if folded == self.text else None
            if how == "prefix":
                return index if folded.startswith(self.text) else None
            return index if folded.endswith(self.text) else None
        forms = self.forms
        if folded in forms or (self.stem and token.stem == self.stem):
            return index
        if self.compound and compound_head(folded, forms):
            return index
        if (
            len(self.text) >= TYPO_LENGTH  # most words are too short for a typo: skip the call
            and folded not in FORM_TO_INFINITIVES
            and one_typo(folded, self.text)
        ):
            return index
        for particle, base in self.split:
            if folded in base:
                found = _particle(analysis, index, particle)
                if found is not None:
                    return found
        return None


SOUND_ALIKE = ({"d", "t"}, {"s", "z"}, {"f", "v"}, {"c", "k"}, {"g", "ch"}, {"y", "i"}, {"e", "i"})


def one_typo(written: str, word: str) -> bool:
    """`zelfmoort` for `zelfmoord`, `gesneeden` for `gesneden`, `panniekaanval`: one letter
    added, left out, changed, or two letters swapped, in a word of eight letters or more
    (shorter words too often are another real word: `overleg`, `overweg`)."""
    if len(word) < TYPO_LENGTH or abs(len(written) - len(word)) > 1 or written == word:
        return False
    if written[0] != word[0]:  # people rarely mistype the first letter
        return False
    if len(written) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(written, word, strict=True)) if a != b]
        if len(diff) == 1:  # only letters that sound alike: `zelfmoort`, not `irrigatie`
            return {written[diff[0]], word[diff[0]]} in SOUND_ALIKE
        first, *rest = diff
        return (
            rest == [first + 1]
            and written[first] == word[first + 1]
            and written[first + 1] == word[first]
        )
    shorter, longer = sorted((written, word), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _particle(analysis: Analysis, index: int, particle: str) -> int | None:
    """Where the particle of a split verb is: at the end of the clause (`kijken we … terug`),
    or just before the verb (`om terug te kijken`, `dat ik mezelf iets aan zou doen`).

    A particle that opens a phrase is a preposition, not part of the verb: `geef ik iedere
    leerkracht feedback over de instructie` is not `overgeven`, `op zoiets wachtte` is not
    `opwachten`."""
    tokens = analysis.tokens
    clause = tokens[index].clause
    for later in tokens[index + 1 : index + 1 + SPLIT_REACH]:
        if later.clause != clause:
            break
        if later.folded == particle:
            following = tokens[later.index + 1] if later.index + 1 < len(tokens) else None
            if following is None or following.clause != clause:
                return later.index
            if following.folded not in PHRASE_OPENERS:
                return later.index
    if index >= 2 and tokens[index - 1].folded == "te" and tokens[index - 2].folded == particle:
        return index - 2
    if index >= 1 and tokens[index - 1].clause == clause and tokens[index - 1].folded == particle:
        return index - 1
    if (
        index >= 2
        and tokens[index - 2].clause == clause
        and tokens[index - 2].folded == particle
        and tokens[index - 1].folded not in PHRASE_OPENERS
    ):
        return index - 2
    return None


# Words after which a particle is a preposition: `over de instructie`, `op zijn kamer`.
PHRASE_OPENERS = frozenset(
    {"de", "het", "een", "mijn", "zijn", "haar", "hun", "onze", "ons", "die", "dat", "deze"}
    | {"dit", "je", "jouw", "uw", "zoiets", "iets", "iemand", "alles", "elkaar", "hem", "mij"}
)


@dataclass(frozen=True)
class Alternatives:
    words: tuple[Word, ...]
    optional: bool = False

    @cached_property
    def first_keys(self) -> Keys | None:
        """What a word of the text must be for one of these words to fit it (see `Keys`);
        None when that cannot be told by looking up (`irrit*`, an optional word)."""
        if self.optional or any(word.how in ("prefix", "suffix") for word in self.words):
            return None
        forms: set[str] = set()
        stems: set[str] = set()
        typos: set[str] = set()
        for word in self.words:
            word_forms, word_stems, word_typos = word.keys
            forms |= word_forms
            stems |= word_stems
            typos |= word_typos
        return Keys(frozenset(forms), frozenset(stems), frozenset(typos))


@dataclass(frozen=True)
class Keys:
    """The words, stems and typo keys one element of a pattern can start with."""

    forms: frozenset[str]
    stems: frozenset[str]
    typos: frozenset[str]

    def meet(self, text: Keys) -> bool:
        """Whether any of these can be found among the keys of a text."""
        return not (
            self.forms.isdisjoint(text.forms)
            and self.stems.isdisjoint(text.stems)
            and self.typos.isdisjoint(text.typos)
        )

    def fit(self, token: Token) -> bool:
        """Whether this word of the text has one of these keys (as `_text_keys` makes them)."""
        folded = token.folded
        if folded in self.forms or token.stem in self.stems:
            return True
        if any(tail in self.forms for tail in compound_tails(folded)):
            return True
        return bool(self.typos) and any(key in self.typos for key in typo_keys(folded))


@dataclass(frozen=True)
class Gap:
    reach: int


@dataclass(frozen=True)
class ClauseEnd:
    """`$`: nothing of the same clause follows."""


@dataclass(frozen=True)
class Group:
    """`(per avond|elke dag)`: one of these rows of words."""

    options: tuple[tuple[Element, ...], ...]
    optional: bool = False

    def options_at(self, analysis: Analysis, position: int) -> list[tuple[Element, ...]]:
        """The rows that could start at this word, in their order. A word class of a hundred
        phrases is tried at every word of an answer: looking its first words up, as a word
        list does, keeps that a few set look-ups."""
        if position >= len(analysis.tokens):
            return [self.options[i] for i in self._first_words[3]]
        by_form, by_stem, by_typo, everywhere = self._first_words
        token = analysis.tokens[position]
        folded = token.folded
        found = set(everywhere)
        found.update(by_form.get(folded, ()))
        found.update(by_stem.get(token.stem, ()))
        for tail in compound_tails(folded):  # compounds: werkdruk → druk
            found.update(by_form.get(tail, ()))
        for key in typo_keys(folded):  # one typo: the words one deletion away
            found.update(by_typo.get(key, ()))
        return [self.options[i] for i in sorted(found)]

    @cached_property
    def first_keys(self) -> Keys | None:
        """What a word of the text must be for one of the rows to start at it (see `Keys`)."""
        by_form, by_stem, by_typo, everywhere = self._first_words
        if self.optional or everywhere:
            return None
        return Keys(frozenset(by_form), frozenset(by_stem), frozenset(by_typo))

    @cached_property
    def _first_words(
        self,
    ) -> tuple[dict[str, list[int]], dict[str, list[int]], dict[str, list[int]], list[int]]:
        by_form: dict[str, list[int]] = {}
        by_stem: dict[str, list[int]] = {}
        by_typo: dict[str, list[int]] = {}
        everywhere: list[int] = []
        for number, option in enumerate(self.options):
            first = option[0] if option else None
            if not isinstance(first, Alternatives) or first.optional:
                everywhere.append(number)
                continue
            if any(word.how not in ("forms", "exact") for word in first.words):
                everywhere.append(number)
                continue
            for word in first.words:
                forms, stems, typos = word.keys
                for index, keys in ((by_form, forms), (by_stem, stems), (by_typo, typos)):
                    for key in keys:
                        index.setdefault(key, []).append(number)
        return by_form, by_stem, by_typo, everywhere


Element = Alternatives | Gap | ClauseEnd | Group


@dataclass(frozen=True)
class Pattern:
    source: str
    sequences: tuple[tuple[Element, ...], ...]  # one, or several in any order (`all:`)
    within: str = "clause"  # where the sequences of `all:` meet: clause, sentence or answer
    # "self": only in the leader's own words about themselves; "other": only about or by
    # someone else; "leader": about the leader even with someone else as the subject
    # (`mijn vrouw telt de flessen`)
    who: str = ""
    spread: bool = False  # as an idiom: takes its whole clause or sentence (`within:`)

    @property
    def anchor(self) -> Alternatives:
        """The words a match can start with."""
        return _anchor(self.sequences[0][0])

    @cached_property
    def needed(self) -> tuple[Keys, ...]:
        """The keys of each element a match must use (see `Keys`): its words that are not
        optional, and its phrase groups whose first words can be looked up."""
        return tuple(
            keys
            for sequence in self.sequences
            for element in sequence
            if isinstance(element, Alternatives | Group)
            for keys in [element.first_keys]
            if keys is not None
        )


def starting_words(element: Element) -> tuple[Word, ...] | None:
    """The words a match of this element starts with; None when it can also start with a
    word of the text none of them stands for (an optional word or row, a gap, `$`)."""
    if isinstance(element, Alternatives):
        return None if element.optional else element.words
    if not isinstance(element, Group) or element.optional:
        return None
    words: list[Word] = []
    for option in element.options:
        found = starting_words(option[0]) if option else None
        if found is None:
            return None
        words.extend(found)
    return tuple(words)


def _anchor(element: Element) -> Alternatives:
    if isinstance(element, Group):
        words = tuple(w for option in element.options for w in _anchor(option[0]).words)
        return Alternatives(words)
    assert isinstance(element, Alternatives)
    return element


@dataclass(frozen=True)
class Match:
    first: int  # token indexes
    last: int
    used: tuple[int, ...] = field(default=())  # the tokens the pattern's words matched


def compile_word(raw: str, stems: bool = True) -> Word:
    folded = fold(raw)
    if folded.startswith("=") and len(folded) > 1:
        return _checked(Word(raw, "exact", folded[1:]))
    if folded.startswith("*") and folded.endswith("*"):
        raise PatternError(f"'{raw}': gebruik * aan het begin óf aan het eind, niet allebei")
    core = folded.strip("*")
    if folded.endswith("*"):
        return _checked(Word(raw, "prefix", core))
    if folded.startswith("*"):
        return _checked(Word(raw, "suffix", core))
    _checked(Word(raw, "forms", core))
    return Word(
        raw,
        "forms",
        core,
        # Snowball conflates `geslagen` and `geslaagd`: words whose forms the irregular-verb
        # table gives in full do without the stem.
        stem(core) if stems and len(core) >= 4 and core not in FORM_TO_INFINITIVES else "",
        compound=len(core) >= 4 and core not in FUNCTION_WORDS,
    )


def _checked(word: Word) -> Word:
    found = WORD.findall(word.text)
    if len(found) != 1 or found[0] != word.text:
        raise PatternError(f"'{word.source}' is geen woord")
    return word


@lru_cache(maxsize=1 << 15)
def compile_sequence(source: str, stems: bool = True) -> tuple[Element, ...]:
    """One row of a pattern. The same row is one object wherever it is written: a word class
    (`<persoon>`) stands in many entries, and what it matched in an answer is looked up, not
    looked for again, by the next entry that starts with it (`_remembered`)."""
    elements: list[Element] = []
    for raw in _items(source):
        if raw == "$":
            elements.append(ClauseEnd())
        elif raw.startswith("...") and (raw == "..." or raw[3:].isdigit()):
            elements.append(Gap(int(raw[3:]) if raw[3:] else DEFAULT_GAP))
        elif raw.startswith("("):
            optional = raw.endswith("?")
            inner = raw[1 : -2 if optional else -1]
            options = tuple(compile_sequence(option, stems) for option in _options(inner))
            elements.append(Group(options, optional))
        else:
            optional = raw.endswith("?") and len(raw) > 1
            choices = raw.rstrip("?") if optional else raw
            words = tuple(compile_word(choice, stems) for choice in choices.split("|") if choice)
            if not words:
                raise PatternError(f"'{raw}' is geen woord")
            elements.append(Alternatives(words, optional))
    if not elements:
        raise PatternError("een lege regel is geen woord")
    first = elements[0]
    if not isinstance(first, Alternatives | Group) or first.optional:
        raise PatternError(f"'{source}': begin met een woord dat er altijd staat")
    if isinstance(elements[-1], Gap):
        raise PatternError(f"'{source}': eindig met een woord, niet met ...")
    return tuple(elements)


def _items(source: str) -> list[str]:
    """The elements of a row: words, and `( … )` groups kept whole."""
    items: list[str] = []
    depth = 0
    current = ""
    for char in source:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise PatternError(f"'{source}': een ) zonder (")
        if char.isspace() and depth == 0:
            if current:
                items.append(current)
            current = ""
        else:
            current += char
    if depth:
        raise PatternError(f"'{source}': een ( zonder )")
    return [*items, current] if current else items


def _options(inner: str) -> list[str]:
    """`per avond|elke dag` → the phrases between the bars at the top level."""
    options, depth, current = [], 0, ""
    for char in inner:
        depth += char == "("
        depth -= char == ")"
        if char == "|" and depth == 0:
            options.append(current.strip())
            current = ""
        else:
            current += char
    options.append(current.strip())
    if not all(options):
        raise PatternError(f"'({inner})': een lege keuze tussen de haakjes")
    return options


def compile_pattern(
    source: str | list[str],
    within: str = "clause",
    who: str = "",
    stems: bool = True,
    spread: bool = False,
) -> Pattern:
    """A pattern from its text (one row), or from `all:` rows that may come in any order."""
    rows = [source] if isinstance(source, str) else list(source)
    if not rows:
        raise PatternError("all: heeft minstens één woord of woordgroep nodig")
    name = source if isinstance(source, str) else " + ".join(rows)
    sequences = tuple(compile_sequence(row, stems) for row in rows)
    return Pattern(name, sequences, within, who, spread or len(rows) > 1)


def matches_at(pattern: Pattern, analysis: Analysis, index: int) -> Match | None:
    """The pattern's match with its first word at this token, if any."""
    if not _anywhere(pattern, analysis):
        return None  # a word the pattern cannot do without occurs nowhere in the text
    first = _remembered(pattern.sequences[0], analysis, index)
    if first is None:
        return None
    used = list(first)
    area = analysis.area(index, pattern.within)
    for sequence in pattern.sequences[1:]:
        starts = _starts(sequence, analysis)
        found = next(
            (
                each
                for start in area
                if start not in used and (starts is None or start in starts)
                for each in [_remembered(sequence, analysis, start)]
                if each is not None and not set(each) & set(used)
            ),
            None,
        )
        if found is None:
            return None
        used.extend(found)
    return Match(min(used), max(used), tuple(sorted(used)))


_TEXT_KEYS = object()  # the memo's place for the keys of the text itself


def _starts(sequence: tuple[Element, ...], analysis: Analysis) -> frozenset[int] | None:
    """The words of the text an `all:` part can start at, or None when its first element
    cannot be looked up. The part is looked for from every word of the area of each place
    the first part fits; looking its first words up once per answer skips most of them."""
    key = (id(sequence), -2)
    kept = analysis.memo.get(key)
    if kept is not None and kept[0] is sequence:
        return kept[1]  # type: ignore[return-value]
    first = sequence[0] if sequence else None
    keys = first.first_keys if isinstance(first, Alternatives | Group) else None
    found = None
    if keys is not None:
        found = frozenset(token.index for token in analysis.tokens if keys.fit(token))
    analysis.memo[key] = (sequence, found)
    return found


def _anywhere(pattern: Pattern, analysis: Analysis) -> bool:
    """Whether every word the pattern cannot do without could fit some word of the text.
    `ik ... niet meer ... leven` starts at every `ik` of a long answer and is followed
    word by word from there, which costs far more than looking its other words up once.
    Once per answer: the pattern's first word may fit many of its words."""
    key = (id(pattern), -1)
    kept = analysis.memo.get(key)
    if kept is not None and kept[0] is pattern:
        return kept[1] is True
    text = _text_keys(analysis)
    found = all(keys.meet(text) for keys in pattern.needed)
    analysis.memo[key] = (pattern, found)
    return found


def _text_keys(analysis: Analysis) -> Keys:
    """Every key a word of the text can be found by: the word and the heads of a compound,
    its stem, and the word and its one-letter deletions (typos), as `Word.fits` does."""
    key = (id(_TEXT_KEYS), -1)
    kept = analysis.memo.get(key)
    if kept is not None and kept[0] is _TEXT_KEYS:
        return kept[1]  # type: ignore[return-value]
    forms: set[str] = set()
    stems: set[str] = set()
    typos: set[str] = set()
    for token in analysis.tokens:
        folded = token.folded
        forms.add(folded)
        forms.update(compound_tails(folded))
        stems.add(token.stem)
        typos.update(typo_keys(folded))
    keys = Keys(frozenset(forms), frozenset(stems), frozenset(typos))
    analysis.memo[key] = (_TEXT_KEYS, keys)
    return keys


def _remembered(
    sequence: tuple[Element, ...], analysis: Analysis, start: int
) -> tuple[int, ...] | None:
    """`_sequence` from `start`, once per answer: an `all:` part is looked for again for every
    place the pattern's first part fits, and a row shared by entries for each of them."""
    key = (id(sequence), start)
    kept = analysis.memo.get(key)
    if kept is not None and kept[0] is sequence:
        return kept[1]  # type: ignore[return-value]
    found = _sequence(sequence, analysis, start, start, ())
    analysis.memo[key] = (sequence, found)
    return found


def _sequence(
    elements: tuple[Element, ...],
    analysis: Analysis,
    position: int,
    start: int,
    used: tuple[int, ...],
) -> tuple[int, ...] | None:
    """Match the elements from `position` on; the tokens used, or None (backtracking)."""
    if not elements:
        return used
    tokens = analysis.tokens
    element, rest = elements[0], elements[1:]
    if isinstance(element, ClauseEnd):
        at_end = position >= len(tokens) or tokens[position].clause != tokens[position - 1].clause
        return _sequence(rest, analysis, position, start, used) if at_end else None
    if isinstance(element, Group):
        for option in element.options_at(analysis, position):
            found = _sequence((*option, *rest), analysis, position, start, used)
            if found is not None:
                return found
        return _sequence(rest, analysis, position, start, used) if element.optional else None
    if isinstance(element, Gap):
        clause = tokens[position - 1].clause if position > 0 else 0
        for skip in range(element.reach + 1):
            at = position + skip
            if at >= len(tokens) or tokens[at].clause != clause:
                break
            found = _sequence(rest, analysis, at, start, used)
            if found is not None:
                return found
        return None
    if position < len(tokens) and tokens[position].sentence == tokens[start].sentence:
        for word in element.words:
            last = word.fits(analysis, position)
            if last is not None:
                extra = (last,) if last != position else ()
                found = _sequence(rest, analysis, position + 1, start, (*used, position, *extra))
                if found is not None:
                    return found
    if element.optional:
        return _sequence(rest, analysis, position, start, used)
    return None


def words_of(pattern: Pattern) -> Iterator[Word]:
    for sequence in pattern.sequences:
        yield from _words_in(sequence)


def _words_in(sequence: tuple[Element, ...]) -> Iterator[Word]:
    for element in sequence:
        if isinstance(element, Alternatives):
            yield from element.words
        elif isinstance(element, Group):
            for option in element.options:
                yield from _words_in(option)
