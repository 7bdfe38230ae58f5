"""Word lists that follow-up rules test answers against: `mentions(answer, 'emoties')`.

A lexicon is a list of entries. An entry is a word (`boos`), a phrase (`ergerde me`), a
word with a wildcard (`irrit*`, `*stress`), or a pattern with gaps and alternatives
(`ik ... niet meer ... leven|zijn`); an entry written as a mapping can also take its words
in any order (`all:`) and be tied to the leader's own words (`who: self`). Words match in
all their forms (`zeggen` finds `zei` and `gezegd`) and as the head of a compound; see
`coach.language.patterns` for the syntax.

In a lexicon with negation on, a hit inside the scope of a negation does not count: `niet
boos of geïrriteerd` names no feeling, `niet boos, maar wel teleurgesteld` names one. A
lexicon's `except:` patterns mark idioms: a hit inside one does not count (`ik kan niet
meer wachten`).

Pure functions on frozen data; reading lexicon files is in `coach.lexicon_files`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from coach.text import stem

# The language layer is imported when a word list is first made or used, not to show a
# first question: a cached dialogue makes its lists when first asked (coach/dialogue_cache.py).
if TYPE_CHECKING:
    from coach.language.analysis import Analysis
    from coach.language.patterns import Match, Pattern, Word


_CANDIDATES_KEPT = 50_000  # word forms whose candidates a lexicon keeps at most


def _place(item: tuple[int, Entry]) -> int:
    return item[0]


def _base(word: Word) -> str:
    """What a word stands for: its stem when it matches forms, else its letters."""
    return word.stem or stem(word.text) if word.how == "forms" else word.text


class EntryError(ValueError):
    """An entry that is not a usable word, phrase or pattern."""


@dataclass(frozen=True)
class Entry:
    source: str  # as written in the lexicon file
    pattern: Pattern
    group: str = ""

    @property
    def key(self) -> str:
        """Two entries with the same key match the same words (`irritatie` and
        `geïrriteerd` are one word in two forms)."""
        from coach.language.patterns import Alternatives, Gap

        rows = [
            " ".join(
                "|".join(word.how + ":" + _base(word) for word in element.words)
                if isinstance(element, Alternatives)
                else (f"...{element.reach}" if isinstance(element, Gap) else repr(element))
                for element in sequence
            )
            for sequence in self.pattern.sequences
        ]
        return " + ".join(rows) + f" {self.pattern.within} {self.pattern.who}"


@dataclass(frozen=True)
class Lexicon:
    id: str
    title: str
    entries: tuple[Entry, ...]
    negation: bool = True
    description: str = ""
    who: str = ""  # "self": entries count only in the leader's own words about themselves
    exceptions: tuple[Pattern, ...] = ()

    @cached_property
    def _index(self) -> tuple[dict[str, list[Entry]], dict[str, list[Entry]], list[Entry]]:
        by_form: dict[str, list[Entry]] = {}
        by_stem: dict[str, list[Entry]] = {}
        scan: list[Entry] = []
        for entry in self.entries:
            for word in entry.pattern.anchor.words:
                if word.how not in ("forms", "exact"):
                    scan.append(entry)
                    continue
                forms, stems, _ = word.keys
                for form in forms:
                    by_form.setdefault(form, []).append(entry)
                for each in stems:
                    by_stem.setdefault(each, []).append(entry)
        return by_form, by_stem, scan

    @cached_property
    def _scan_index(
        self,
    ) -> tuple[list[tuple[int, Entry]], dict[str, list[tuple[int, Entry]]], tuple[int, ...]]:
        """The entries that can start with a wildcard word (`irrit*`, `*stress`), also in a
        word class, by their letters: a word is tried against those it starts or ends with,
        not all of them; their other first words are in `_index`. Each with its place among
        them, to keep their order. An entry whose first word may be left out is tried
        everywhere."""
        from coach.language.patterns import starting_words

        everywhere: list[tuple[int, Entry]] = []
        by_letters: dict[str, list[tuple[int, Entry]]] = {}  # "irrit*", "*stress"
        lengths: set[int] = set()
        for place, entry in enumerate(self._index[2]):
            words = starting_words(entry.pattern.sequences[0][0])
            wild = [word for word in words or () if word.how in ("prefix", "suffix")]
            if words is None or not all(word.text for word in wild):
                everywhere.append((place, entry))
                continue
            for word in wild:
                key = f"{word.text}*" if word.how == "prefix" else f"*{word.text}"
                by_letters.setdefault(key, []).append((place, entry))
                lengths.add(len(word.text))
        return everywhere, by_letters, tuple(sorted(lengths))

    def _scanned(self, folded: str) -> list[Entry]:
        """The wildcard entries that could fit this word, in their order."""
        everywhere, by_letters, lengths = self._scan_index
        found = list(everywhere)
        for length in lengths:
            if length <= len(folded):
                found += by_letters.get(f"{folded[:length]}*", [])
                found += by_letters.get(f"*{folded[-length:]}", [])
        if len(found) > 1:
            found.sort(key=_place)
        return [entry for _, entry in found]

    @cached_property
    def _typo_index(self) -> dict[str, list[Entry]]:
        """Anchor words of eight letters or more, and every string one deletion away."""
        index: dict[str, list[Entry]] = {}
        for entry in self.entries:
            for word in entry.pattern.anchor.words:
                if word.how == "forms":  # its typo keys: none for a word too short for typos
                    for key in word.keys[2]:
                        index.setdefault(key, []).append(entry)
        return index

    @cached_property
    def idioms(self) -> Lexicon:
        """The exceptions as a lexicon of their own, so they are found through an index."""
        entries = tuple(Entry(pattern.source, pattern) for pattern in self.exceptions)
        return Lexicon(self.id, self.title, entries, self.negation)

    def warm(self) -> None:
        """Build the indexes now; a conversation does this while the leader types."""
        _ = self._index, self._scan_index, self._typo_index
        if self.exceptions:
            self.idioms.warm()

    @cached_property
    def _candidates_memo(self) -> dict[tuple[str, str], list[Entry]]:
        """The candidates per word form and stem: each list is tried at every word of every
        answer, and a leader's words repeat (`de`, `ik`, `het`)."""
        return {}

    def candidates(self, analysis: Analysis, index: int) -> list[Entry]:
        """The entries that could start at this word, without repeats, in file order."""
        token = analysis.tokens[index]
        key = (token.folded, token.stem)
        memo = self._candidates_memo
        found = memo.get(key)
        if found is None:
            if len(memo) >= _CANDIDATES_KEPT:
                memo.clear()  # a long session does not grow it without end
            found = memo[key] = self._candidates(token.folded, token.stem)
        return found

    def _candidates(self, folded: str, stem_of_word: str) -> list[Entry]:
        from coach.language.lookup import compound_tails, typo_keys

        by_form, by_stem, scan = self._index
        by_typo = self._typo_index
        found = by_form.get(folded, []) + by_stem.get(stem_of_word, [])
        if scan:
            found += self._scanned(folded)
        for tail in compound_tails(folded):  # compounds: werkdruk → druk
            found += by_form.get(tail, [])
        for key in typo_keys(folded):  # one typo: the words one deletion away
            found += by_typo.get(key, [])
        seen: set[int] = set()
        unique = []
        for entry in found:
            if id(entry) not in seen:
                seen.add(id(entry))
                unique.append(entry)
        return unique

    def groups(self) -> dict[str, list[str]]:
        """The entries per family, in file order (for menus and documentation)."""
        grouped: dict[str, list[str]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.group, []).append(entry.source)
        return grouped


@dataclass(frozen=True)
class Hit:
    start: int  # character positions in the text
    end: int
    text: str  # the words as the user wrote them
    entry: Entry


@dataclass(frozen=True)
class Finding:
    """A place where an entry matched, and why it does or does not count."""

    hit: Hit
    negated_by: str = ""  # the negating word, when a negation cancels the hit
    not_own: str = ""  # why the words are not the leader's own (`who: self`)
    idiom: str = ""  # the exception pattern the hit is part of

    @property
    def counts(self) -> bool:
        return not (self.negated_by or self.not_own or self.idiom)


def make_entry(raw: Any, group: str = "", stems: bool = True) -> Entry:
    """Compile one entry as written in a lexicon file: a string, or a mapping with
    `pattern:` or `all:` (and optionally `within:` and `who:`). With `stems`, a word also
    matches what shares its Snowball stem (the lexicon's `stems:`, on by default)."""
    from coach.language.patterns import PatternError, compile_pattern

    try:
        if isinstance(raw, str):
            return Entry(raw, compile_pattern(raw, stems=stems), group)
        if isinstance(raw, dict):
            who = str(raw.get("who") or "")
            within = str(raw.get("within") or "clause")
            spread = "within" in raw  # as an idiom it takes its whole clause or sentence
            if "all" in raw:
                rows = [str(row) for row in raw["all"]]
                pattern = compile_pattern(rows, within, who, stems, spread)
                return Entry(" + ".join(rows), pattern, group)
            source = str(raw.get("pattern") or "")
            return Entry(source, compile_pattern(source, within, who, stems, spread), group)
    except PatternError as exc:
        raise EntryError(str(exc)) from None
    raise EntryError("een regel is een woord, een woordgroep of een patroon")


def make_lexicon(
    lexicon_id: str,
    title: str,
    entries: list[tuple[Any, str]],
    negation: bool = True,
    description: str = "",
    who: str = "",
    exceptions: tuple[Any, ...] = (),
) -> Lexicon:
    """A lexicon from (entry, family) pairs; EntryError names the first bad entry."""
    compiled = tuple(make_entry(source).pattern for source in exceptions)
    return Lexicon(
        lexicon_id,
        title,
        tuple(make_entry(source, group) for source, group in entries),
        negation,
        description,
        who,
        compiled,
    )


def findings(lexicon: Lexicon, text: str) -> list[Finding]:
    """Every place an entry matches, left to right, not overlapping, each with the reason
    it does not count (negation, someone else's words, an idiom), if any."""
    from coach.language.analysis import analyse
    from coach.language.patterns import matches_at

    analysis = analyse(text)
    idioms: list[tuple[int, int, str]] | None = None  # found once, when there is a match
    found: list[Finding] = []
    index = 0
    while index < len(analysis.tokens):
        matches = _matches_at(matches_at, lexicon, analysis, index)
        if matches and idioms is None:
            idioms = _idiom_spans(matches_at, lexicon, analysis)
        candidates = [
            _finding(lexicon, analysis, entry, match, idioms or []) for entry, match in matches
        ]
        if not candidates:
            index += 1
            continue
        # The longest match that counts wins; if none counts, the longest says why not.
        finding, match = next(((f, m) for f, m in candidates if f.counts), candidates[0])
        found.append(finding)
        # a hit that counts covers its words; one that does not leaves them to other entries
        index = match.last + 1 if finding.counts else index + 1
    return found


def _finding(
    lexicon: Lexicon,
    analysis: Analysis,
    entry: Entry,
    match: Match,
    idioms: list[tuple[int, int, str]],
) -> tuple[Finding, Match]:
    first, last = analysis.tokens[match.first], analysis.tokens[match.last]
    hit = Hit(first.start, last.end, analysis.text[first.start : last.end], entry)
    idiom = next((src for lo, hi, src in idioms if lo <= match.last and match.first <= hi), "")
    return (
        Finding(
            hit,
            negated_by=_negation(lexicon, analysis, match),
            not_own=_not_own(entry.pattern.who or lexicon.who, analysis, match),
            idiom=idiom,
        ),
        match,
    )


def hits(lexicon: Lexicon, text: str) -> list[Hit]:
    """Every place the text mentions the lexicon and it counts, left to right.

    At each word the longest entry that fits wins, so `in de war` is one hit, not two."""
    return [finding.hit for finding in findings(lexicon, text) if finding.counts]


def starts(lexicon: Lexicon, text: str) -> Hit | None:
    """The first sentence (or quotation) of the text that begins with an entry, if any."""
    from coach.language.analysis import analyse
    from coach.language.patterns import matches_at

    analysis = analyse(text)
    for index, token in enumerate(analysis.tokens):
        if token.sentence_start:
            best = _longest_at(matches_at, lexicon, analysis, index, contiguous=True)
            if best is not None:
                entry, match = best
                last = analysis.tokens[match.last]
                return Hit(token.start, last.end, text[token.start : last.end], entry)
    return None


MatchesAt = Callable[["Pattern", "Analysis", int], "Match | None"]  # patterns.matches_at


def _matches_at(
    matches_at: MatchesAt,
    lexicon: Lexicon,
    analysis: Analysis,
    index: int,
    contiguous: bool = False,
) -> list[tuple[Entry, Match]]:
    """The entries that match with their first word here, longest first (file order
    among equals)."""
    found = []
    for entry in lexicon.candidates(analysis, index):
        match = matches_at(entry.pattern, analysis, index)
        if match is not None and not (contiguous and match.first != index):
            found.append((entry, match))
    return sorted(found, key=lambda pair: -len(pair[1].used))


def _longest_at(
    matches_at: MatchesAt,
    lexicon: Lexicon,
    analysis: Analysis,
    index: int,
    contiguous: bool = False,
) -> tuple[Entry, Match] | None:
    found = _matches_at(matches_at, lexicon, analysis, index, contiguous)
    return found[0] if found else None


def _negation(lexicon: Lexicon, analysis: Analysis, match: Match) -> str:
    """The word that negates a match, if any: a negation that is one of the pattern's own
    words (`niet meer leven`) negates nothing, one in a gap (`gaat ... goed`) does."""
    if not lexicon.negation:
        return ""
    for position in match.used:
        trigger = analysis.negated[position]
        if trigger is not None and trigger not in match.used:
            return analysis.tokens[trigger].folded
    return ""


def _not_own(who: str, analysis: Analysis, match: Match) -> str:
    if not who:
        return ""
    attribution = analysis.attribution[match.first]
    if who == "self":
        if attribution.speaker == "other":
            return "woorden van een ander"
        if attribution.about == "other":
            return "gaat over een ander"
    if who == "other" and attribution.speaker == "self" and attribution.about != "other":
        return "gaat over jezelf"
    return ""


def _idiom_spans(
    matches_at: MatchesAt, lexicon: Lexicon, analysis: Analysis
) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    if not lexicon.exceptions:
        return spans
    for index in range(len(analysis.tokens)):
        for entry in lexicon.idioms.candidates(analysis, index):
            pattern = entry.pattern
            match = matches_at(pattern, analysis, index)
            # `geen gedachte over mijn pensioen`: a negated idiom explains nothing away
            if match is None or _negation(lexicon, analysis, match):
                continue
            if not pattern.spread:
                spans.append((match.first, match.last, pattern.source))
                continue
            # `all:` or `within:` idioms take their whole clause or sentence
            area = analysis.area(index, pattern.within)
            spans.append((area[0], area[-1], pattern.source))
    return spans
