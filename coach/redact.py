"""Exports without names (`coach transcripts export --redact`): pure functions, no I/O.

`redact()` returns a copy of a transcript in which the person the conversation is about
becomes a role (`[de leraar]`) and every other name the leader typed becomes initials
(`[M.]`, `[J.V.]`; `[M.2]` for a second name with the same initials). The same name always
gets the same replacement, in the leader's answers, in the coach's questions (which repeat
the subject), on the closing card and in annotations.

Which words are names is decided by rules, not by a list of all names:

- the subject of the session when it names someone (`Paul`, `Paul de Boer`, and then also
  `Paul` and `de Boer` alone); a description (`de rector`, grow's `het rooster`) is kept;
- a capitalised word that does not start a sentence, with the capitalised words and name
  particles around it (`Jan de Vries`), unless it is a word Dutch capitalises anyway (days,
  months, languages) or an abbreviation (`MT`, `ICT`);
- a capitalised word at the start of a sentence, if it is followed by such a word (not a
  word that often starts a sentence: `Toen Marloes binnenkwam`), joined to one by `en` or
  `of` (`Samira en Paul`), or a common first name (`Mira zei…`);
- the author of an annotation.

Every name found is then replaced wherever it occurs, in any case and with or without
accents (`zoe` for `Zoë`), at the start of a sentence too, and with a possessive (`Pauls`,
`Paul's`). Only whole words are replaced: `Paul` does not touch `paulusschool`, and a
capitalised `Paulien` is a name of its own. A name that is also a common word (`Ben`, or a
word the coach's own text uses) is replaced only where it has its capital: `ik ben moe`
stays. A name written only in lower case, or only at the start of a sentence, is missed:
docs/privacy.md tells the user so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from coach.export import to_json, to_markdown
from coach.model import Annotation, SessionInfo, Transcript, TranscriptTurn
from coach.text import Token, analyse, fold, words

DEFAULT_ROLE = "de ander"


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The name of the answer a dialogue's `subject` points at → the role that replaces the person.
_ROLE_OF_SUBJECT = {
    "ander": "de ander",
    "collega": "de collega",
    "leraar": "de leraar",
    "kwestie": "de kwestie",
    "onderwerp": "de ander",  # korthagen: a person or a situation; only a name is replaced
    "school": "de school",
}
# Answer names that are not a noun for the person, or that take `het`.
_NOT_A_ROLE = frozenset({"wie", "naam", "met", "persoon_naam", "subject"})
_HET_WORDS = frozenset({"kind", "lid", "teamlid", "personeelslid", "team", "bestuur", "mt"})

# Lower-case words inside a name: `Jan de Vries`, `Ahmed el Amrani`, `Ton van 't Hek`.
PARTICLES = _set("de der den van het t ter ten te la le du da di von el al bin")
# Titles in front of a name are not part of it: `mevrouw De Vries` becomes `mevrouw [V.]`.
TITLES = _set("mevrouw meneer mevr mw dhr juf meester dr drs mr ir ing prof")
# Capitalised words that are not names: Dutch writes them with a capital anyway. `Frans` is
# missing on purpose (a common first name: better redacted once too often).
NOT_NAMES = _set(
    """
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    januari februari maart april mei juni juli augustus september oktober november december
    ik jij je hij zij ze wij we jullie u god here heer kerst kerstmis pasen pinksteren
    hemelvaart sinterklaas koningsdag ramadan suikerfeest offerfeest
    nederlands engels duits spaans latijn grieks turks arabisch chinees fries pools italiaans
    russisch portugees oekraiens papiaments nederland europa
    havo vwo vmbo mavo mbo hbo corona covid
    """
)
# Words that often start a sentence just before a name (`Toen Marloes…`, `Met Jan…`): at
# the start of a sentence they are not taken for a first name.
STARTERS = _set(
    """
    de het een ik jij je hij zij ze wij we jullie u men mijn zijn haar ons onze hun die dat dit
    deze wie wat welke iemand niemand iedereen alle allemaal beide en maar of want dus toen
    als omdat terwijl hoewel nadat voordat zodat doordat sinds tenzij zodra wanneer waar hoe
    waarom met voor na bij door over tegen zonder volgens namens tijdens van aan op in naar om
    uit tot vanaf via behalve naast samen ook zelfs alleen vooral misschien toch nu dan daarna
    eerst later vandaag gisteren morgen vorige volgende afgelopen soms vaak altijd nooit daar
    hier er zo ja nee oke ok nou helaas gelukkig eigenlijk echt wel niet geen beste lieve
    hallo hoi dag collega vooraf achteraf intussen ondertussen
    """
)
# Common first names in Dutch schools, so that `Mira zei…` is caught even when Mira only
# ever starts a sentence. Far from complete: any name also counts when it appears with a
# capital in the middle of a sentence anywhere in the transcript.
FIRST_NAMES = _set(
    """
    jan piet kees henk gerard peter paul mark marco martin erik frank hans rob jeroen dennis
    bas tom tim thomas daan sem lucas levi finn noah milan jesse bram lars luuk stijn ruben
    niels sander wouter joost maarten arjen bart koen martijn michiel pieter willem marcel
    patrick richard robert ronald edwin vincent johan rik dirk gert hendrik jacob
    ahmed mohamed mohammed mehmet mustafa youssef yusuf ali hassan omar ibrahim emre murat
    anna emma julia sophie lotte sanne anouk lisa eva fleur iris lieke femke marloes marieke
    esther ingrid monique petra sandra linda marjolein annemieke saskia mirjam inge ilse
    karin wendy nicole yvonne astrid carla ria els mieke joke marja hanneke janneke mira noor
    sara sarah tess fenna roos jasmijn zoe evi nina mila liv lynn sofie maria maryam fatima
    samira khadija nadia yasmina zeynep elif ayse ozlem hatice naima latifa
    """
)
# Common words that are also names (`Ben`, `Wil`): such a name is replaced only where it is
# written with a capital, and so is a name that the coach's own text uses as a word.
COMMON_WORDS = STARTERS | _set(
    """
    ben bent is was wil kan mag moet zal heb hebt heeft had ging gaat kom komt zie ziet weet
    vind school klas team groep
    """
)
_QUOTED = re.compile(r"‘([^’]*)’|“([^”]*)”|«([^»]*)»")
_SENTENCE_ENDS = '.!?:\n‘“"«'  # after one of these (and spaces) a sentence begins
_POSSESSIVE = re.compile(r"['’]s$")
_NOT_REWRITTEN = frozenset({"rule"})  # keys of a turn's value that hold authored text


def role_for(subject_answer: str | None) -> str:
    """The role for the person of a dialogue whose `subject` is this answer: `leraar` →
    `de leraar`; without a usable answer name, `de ander`."""
    if not subject_answer:
        return DEFAULT_ROLE
    name = subject_answer.rsplit(".", 1)[-1].lower()
    if name in _ROLE_OF_SUBJECT:
        return _ROLE_OF_SUBJECT[name]
    if name in _NOT_A_ROLE or not name.isalpha():
        return DEFAULT_ROLE
    return f"{'het' if name in _HET_WORDS else 'de'} {name}"


def redact(transcript: Transcript, role: str | None = None) -> Transcript:
    """A copy of the transcript with the subject replaced by `[role]` and every other name
    the leader typed by initials, the same name always by the same replacement."""
    table = _table(transcript, (role or DEFAULT_ROLE).strip().strip("[]").strip())
    return Transcript(
        session=_redact_session(transcript.session, table),
        turns=tuple(_redact_turn(turn, table) for turn in transcript.turns),
        annotations=tuple(_redact_annotation(note, table) for note in transcript.annotations),
    )


def redacted_export(transcript: Transcript, fmt: str, role: str | None = None) -> str:
    """The JSON (`fmt` "json") or Markdown export of the transcript with names replaced,
    marked as redacted."""
    clean = redact(transcript, role)
    return mark_json(to_json(clean)) if fmt == "json" else mark_markdown(to_markdown(clean))


def mark_json(text: str) -> str:
    """A JSON export with `"redacted": true` as the first field of its `session`."""
    return re.sub(r'("session": \{)(\s*)', r'\1\2"redacted": true,\2', text, count=1)


def mark_markdown(text: str) -> str:
    """A Markdown export with a line under the session number saying names were replaced."""
    note = "- Namen: vervangen door een rol of initialen; lees na voordat je dit deelt"
    lines = text.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("- Sessie:")), 1)
    return "\n".join([*lines[:at], note, *lines[at:]])


# -- finding names ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A name as found in a text: its folded words and how it was written."""

    key: tuple[str, ...]
    spelling: str

    @property
    def core(self) -> tuple[str, ...]:
        """The words that are not particles (`jan`, `vries` of `Jan de Vries`)."""
        return tuple(word for word in self.key if word not in PARTICLES)


def names_in(text: str) -> list[Name]:
    """The names in a text, in order, by the rules in the module docstring."""
    tokens = analyse(text)
    found: list[Name] = []
    index = 0
    while index < len(tokens):
        if not _capitalised(text, tokens[index]):
            index += 1
            continue
        run = _run(text, tokens, index)
        lone = _name_by_itself(text, tokens, index)
        index = run[-1] + 1
        name = _name_of(text, [tokens[i] for i in run], lone)
        if name is not None:
            found.append(name)
    return found


def _capitalised(text: str, token: Token) -> bool:
    """A word that could be (part of) a name: a capital, and not an abbreviation."""
    word = text[token.start : token.end]
    first_part = word.split("-")[0]
    if not word[0].isupper() or first_part.isupper():
        return False  # lower case, or an abbreviation such as MT, ICT-coördinator, or PAUL
    return sum(char.isalpha() for char in word) > 1 and _bare(token.folded) not in NOT_NAMES


def _bare(folded_word: str) -> str:
    return _POSSESSIVE.sub("", folded_word)


def _run(text: str, tokens: tuple[Token, ...], start: int) -> list[int]:
    """The capitalised words and particles that follow each other from `start`, with only
    spaces between them; particles at the end are left off."""
    run = [start]
    while run[-1] + 1 < len(tokens):
        this, following = tokens[run[-1]], tokens[run[-1] + 1]
        gap = text[this.end : following.start]
        joined = gap.isspace() and "\n" not in gap and not following.clause_start
        fits = _capitalised(text, following) or following.folded in PARTICLES
        if not (joined and fits) or _POSSESSIVE.search(this.folded):
            break
        run.append(run[-1] + 1)
    while len(run) > 1 and tokens[run[-1]].folded in PARTICLES:
        run.pop()
    return run


def _name_by_itself(text: str, tokens: tuple[Token, ...], index: int) -> bool:
    """A first word of a sentence that is a name by itself: a common first name, or a word
    joined by `en` or `of` to a capitalised word (`Samira en Paul maakten…`)."""
    if _bare(tokens[index].folded) in FIRST_NAMES:
        return True
    following = tokens[index + 1 : index + 3]
    return (
        len(following) == 2
        and following[0].folded in {"en", "of"}
        and not any(token.clause_start for token in following)
        and _capitalised(text, following[1])
    )


def _name_of(text: str, run: list[Token], lone: bool = False) -> Name | None:
    """The name in a run of capitalised words, or None if it holds none. A capitalised word
    at the start of a sentence is a name only next to another one, or when `lone` says so."""
    first = run[0]
    if first.folded in TITLES or (first.sentence_start and first.folded in STARTERS):
        run = run[1:]
    elif first.sentence_start and not lone and not any(_capitalised(text, t) for t in run[1:]):
        return None
    while run and run[0].folded in PARTICLES and not text[run[0].start].isupper():
        run = run[1:]
    if not run or all(token.folded in PARTICLES for token in run):
        return None
    key = (*(token.folded for token in run[:-1]), _bare(run[-1].folded))
    spelling = _POSSESSIVE.sub("", text[run[0].start : run[-1].end])
    return Name(key, spelling)


def _name_sources(transcript: Transcript) -> Iterator[str]:
    """Every text the leader wrote (or a reviewer did), where names are looked for: the
    subject, answers, the closing card, the words a follow-up quoted, and what the coach
    quotes, such as what the leader planned last time."""
    if transcript.session.subject:
        yield transcript.session.subject
    for turn in transcript.turns:
        if turn.speaker == "user":
            yield turn.text
        else:
            yield from (
                next(g for g in found.groups() if g is not None)
                for found in _QUOTED.finditer(turn.text)
            )
        if isinstance(turn.value, dict):
            if isinstance(turn.value.get("match"), str):
                yield turn.value["match"]
            for line in turn.value.get("card") or ():
                if isinstance(line, list | tuple) and len(line) == 2:
                    yield str(line[1])
    for note in transcript.annotations:
        yield note.text


# -- the table of replacements ---------------------------------------------------------------

Key = tuple[str, ...]  # the folded words of a name


@dataclass
class _Table:
    """Every name to replace (by its folded words) → the name it counts as → its replacement."""

    role: str
    subject: Key | None = None
    canonical: dict[Key, Key] = field(default_factory=dict)
    spelling: dict[Key, str] = field(default_factory=dict)
    labels: dict[Key, str] = field(default_factory=dict)
    capital_only: set[Key] = field(default_factory=set)  # names that are also common words
    pattern: re.Pattern[str] | None = None

    def add(self, name: Name) -> None:
        if name.key not in self.canonical:
            self.canonical[name.key] = name.key
            self.spelling[name.key] = name.spelling

    def alias(self, key: Key, target: Key) -> None:
        if key and key not in self.canonical:
            self.canonical[key] = self.canonical[target]

    def label(self, key: Key) -> str:
        """The replacement for a name, given on first use, so numbers follow the text."""
        target = self.canonical[key]
        if target == self.subject:
            return f"[{self.role}]"
        if target not in self.labels:
            initials = _initials(self.spelling[target])
            taken = sum(
                1 for label in self.labels.values() if label[1:-1].rstrip("0123456789") == initials
            )
            self.labels[target] = f"[{initials}{taken + 1 if taken else ''}]"
        return self.labels[target]


def _initials(spelling: str) -> str:
    """`M.` for Marloes, `J.V.` for Jan de Vries, `J.W.` for Jan-Willem."""
    parts = [part for word in words(spelling) for part in re.split(r"['’-]", word) if part]
    letters = [part[0].upper() for part in parts if fold(part) not in PARTICLES]
    return "".join(f"{letter}." for letter in letters[:3] or ["X"])


def _table(transcript: Transcript, role: str) -> _Table:
    table = _Table(role)
    subject = transcript.session.subject
    if subject and _is_a_person(subject):
        _add_subject(table, subject)
    for note in transcript.annotations:
        if note.author and words(note.author):
            table.add(Name(tuple(words(fold(note.author))), note.author))
    _add_found(table, [name for text in _name_sources(transcript) for name in names_in(text)])
    plain = COMMON_WORDS | _coach_words(transcript)
    table.capital_only = {key for key in table.canonical if len(key) == 1 and key[0] in plain}
    if subject and not subject.strip()[:1].isupper():
        table.capital_only.discard(table.subject or ())  # typed in lower case: match it so
    table.pattern = _pattern(table, subject if table.subject else None)
    return table


def _coach_words(transcript: Transcript) -> set[str]:
    """The words the coach's own text writes in lower case (what it quotes left out)."""
    found: set[str] = set()
    for turn in transcript.turns:
        if turn.speaker == "coach":
            own = _QUOTED.sub(" ", turn.text)
            found |= {fold(word) for word in words(own) if word[0].islower()}
    return found


def _is_a_person(subject: str) -> bool:
    """A subject that names someone: one word (`Paul`, `paul`, `M.`), or capitalised words
    (`Paul de Boer`). A description (`de rector`, `het rooster`, `sfeer in het team`) is
    kept as typed; names in it are found like any other."""
    typed = words(subject)
    return len(typed) == 1 or all(
        word[0].isupper() or fold(word) in PARTICLES | TITLES for word in typed
    )


def _add_subject(table: _Table, subject: str) -> None:
    """The subject, and when it has more than one part, its first name and surname alone."""
    name = Name(tuple(words(fold(subject))), subject)
    table.subject = name.key
    table.add(name)
    if len(name.core) > 1:
        table.alias(name.key[:1], name.key)
        table.alias(name.key[1:], name.key)


def _add_found(table: _Table, found: list[Name]) -> None:
    """Names found in the texts. `Paul Jansen` counts as the subject `Paul`; `Jan` and `de
    Vries` count as `Jan de Vries` (`Jan` only when no other name begins with it); `Pauls`
    counts as `Paul`."""
    subject = table.subject
    for name in found:
        if subject and name.key[: len(subject)] == subject:
            table.alias(name.key, subject)
    multi = [name for name in found if len(name.core) > 1]
    firsts = Counter(key[0] for key in {name.key for name in multi})
    for name in multi:
        table.add(name)
        if firsts[name.key[0]] == 1:
            table.alias(name.key[:1], name.key)
        table.alias(name.key[1:], name.key)
    for name in found:
        table.add(name)
    for key in list(table.canonical):
        shorter = (*key[:-1], key[-1][:-1])
        plural = key[-1].endswith("s") and len(key[-1]) > 2 and key != table.subject
        if plural and shorter in table.canonical:
            _forget(table, key, table.canonical[shorter])  # the possessive ending covers it


def _forget(table: _Table, key: Key, instead: Key) -> None:
    """Stop matching `key` on its own; whatever counted as it counts as `instead`."""
    for other, target in table.canonical.items():
        if target == key:
            table.canonical[other] = instead
    del table.canonical[key]


def _pattern(table: _Table, subject: str | None) -> re.Pattern[str] | None:
    """One expression for every name, longest first, with an optional possessive ending."""
    forms = {r"\s+".join(re.escape(word) for word in key) for key in table.canonical}
    if subject and not re.fullmatch(r"[\w\s]+", subject.strip()):
        forms.add(re.escape(fold(subject.strip())))  # `Paul (rector)`, as typed
    if not forms:
        return None
    alternatives = "|".join(sorted(forms, key=lambda form: (-len(form), form)))
    return re.compile(rf"(?<!\w)(?P<core>{alternatives})(?P<pos>['’]s|s'|s)?(?!\w)")


# -- rewriting -------------------------------------------------------------------------------


def _rewrite(text: str, table: _Table) -> str:
    """The text with every name replaced by its role or initials."""
    if table.pattern is None or not text:
        return text
    folded = fold(text)
    out: list[str] = []
    position = 0
    for found in table.pattern.finditer(folded):
        key = tuple(words(found.group("core")))
        if key not in table.canonical or (
            key in table.capital_only and not text[found.start()].isupper()
        ):
            continue  # `ik ben moe` when Ben is a name
        label = table.label(key)
        alone = not (text[: found.start()].strip() or text[found.end() :].strip())
        if not alone and text[found.start()].isupper() and _starts_sentence(text, found.start()):
            label = label[0] + label[1:2].upper() + label[2:]  # `[De ander] zei…`
        possessive = found.group("pos")
        if possessive:
            label += "’s" if "’" in possessive else "'s"
        out += [text[position : found.start()], label]
        position = found.end()
    out.append(text[position:])
    return "".join(out)


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_ENDS


def _rewrite_value(value: Any, table: _Table) -> Any:
    """A turn's value with every string in it rewritten (not its keys, nor a rule)."""
    if isinstance(value, str):
        return _rewrite(value, table)
    if isinstance(value, list | tuple):
        return type(value)(_rewrite_value(item, table) for item in value)
    if isinstance(value, dict):
        return {
            key: item if key in _NOT_REWRITTEN else _rewrite_value(item, table)
            for key, item in value.items()
        }
    return value


def _redact_session(info: SessionInfo, table: _Table) -> SessionInfo:
    subject = _rewrite(info.subject, table) if info.subject else info.subject
    return replace(info, subject=subject, dialogue_path=None)


def _redact_turn(turn: TranscriptTurn, table: _Table) -> TranscriptTurn:
    return replace(turn, text=_rewrite(turn.text, table), value=_rewrite_value(turn.value, table))


def _redact_annotation(note: Annotation, table: _Table) -> Annotation:
    author = _rewrite(note.author, table) if note.author else note.author
    return replace(note, text=_rewrite(note.text, table), author=author)
