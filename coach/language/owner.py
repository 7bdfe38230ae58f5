"""Whose experience a finding is: the leader's own, someone else's, or words quoted.

The safety net needs more than "who is named first in the clause". In `Na het gesprek met
de ouders heb ik mezelf gekrast` the parents are named first, but the leader is the one who
did it; in `ik maak me zorgen om een leerling die zichzelf snijdt` the leader is named
first, but the pupil is the one at risk. So a finding is read from the inside out:

1. a quotation, or words after `zei:` without `dat`, are someone else's (`quote`), unless
   the leader introduces them as subject (`ik dacht: '…'`, `ik appte mijn man: '…'`);
2. `ik` right before the found words is their subject (`als ik [er niet meer ben hebben
   ze rust]`);
3. a person inside the found words decides (`beter af zonder mij`, `hij drinkt`);
4. a relative clause after a person (`een leerling die …`) is about that person;
5. otherwise the subject of the clause: the first person named who is not part of a
   phrase with a preposition (`met de ouders`, `van mijn moeder`, `door een vader`);
6. otherwise the subject of the nearest clause before it in the sentence;
7. otherwise the leader: a fragment (`elke avond een fles wijn`) is the writer's own.
"""

from __future__ import annotations

from collections.abc import Sequence

from coach.language.attribution import PEOPLE, SPEECH_VERBS
from coach.language.tokens import Token

SELF = "self"
OTHER = "other"
QUOTE = "quote"

# The leader as subject or object. `je` is left out: it is as often `one` as `you`.
SELF_MARKERS = frozenset(
    {
        *("ik", "k", "ikzelf", "me", "mij", "mezelf", "mijzelf", "m'n", "mn", "mijn"),
        *("i", "i'm", "i've", "i'd", "i'll", "myself", "my"),
    }
)
_I = frozenset({"ik", "k", "ikzelf", "i"})
_POSSESSIVE_SELF = frozenset({"mijn", "m'n", "mn", "my"})
OTHER_MARKERS = frozenset(
    {"hij", "zij", "ze", "hem", "zich", "zichzelf", "hijzelf", "zijzelf", "he", "she", "ie"}
)
# A person named after one of these is not the subject of the clause.
PREPOSITIONS = frozenset(
    {
        *("met", "van", "door", "tegen", "bij", "voor", "over", "aan", "naar", "om", "op"),
        *("na", "sinds", "zonder", "achter", "onder", "tussen", "namens", "vanwege", "with"),
    }
)
# Words that may stand between a preposition and the person: `met de boze vader van`.
_FILLERS = frozenset(
    {
        *("de", "het", "een", "mijn", "m'n", "mn", "zijn", "haar", "onze", "ons", "hun"),
        *("die", "dat", "deze", "dit", "twee", "drie", "andere", "nieuwe", "jonge", "oude"),
        *("boze", "eigen", "paar", "aantal", "enkele", "sommige", "alle"),
    }
)
# Heads of compounds that name a person: `teamleider`, `pleegvader`, `ib'er`.
_PERSON_HEADS = (
    "leider",
    "docent",
    "leraar",
    "collega",
    "leerling",
    "moeder",
    "vader",
    "begeleider",
    "coordinator",
    "directeur",
    "assistent",
    "medewerker",
    "bestuurder",
    "ouder",
    "mentor",
    "stagiair",
    "juf",
    "meester",
    "vriend",
    "vriendin",
    "kind",
    "zoon",
    "dochter",
)
_PLURALS = ("'s", "s", "en", "n")


def is_person(word: str) -> bool:
    """Whether a folded word names another person: `collega`, `teamleiders`, `pleegvader`."""
    if word in PEOPLE or word in OTHER_MARKERS:
        return True
    for ending in ("", *_PLURALS):
        base = word[: -len(ending)] if ending and word.endswith(ending) else word
        if ending and base == word:
            continue
        if base in PEOPLE or (len(base) > 5 and base.endswith(_PERSON_HEADS)):
            return True
    return word.endswith(("'er", "’er")) and len(word) > 4  # `ib'er`, `mr'er`


def owner(tokens: Sequence[Token], first: int, last: int) -> str:
    """Whose the words from token `first` to `last` are: SELF, OTHER or QUOTE."""
    hit = tokens[first]
    if hit.quoted and not _introduced_by_self(tokens, first):
        return QUOTE
    if _direct_speech(tokens, first):
        return QUOTE
    before = tokens[first - 1] if first else None
    if before is not None and before.clause == hit.clause and before.folded in _I:
        return SELF  # `als ik [er niet meer ben hebben ze rust]`: the leader is its subject
    inside = _inside(tokens, first, last)
    if inside:
        return inside
    relative = _relative(tokens, first)
    if relative:
        return relative
    if _compared_with_self(tokens, hit.clause):
        return SELF  # `mijn kinderen hebben meer aan een andere vader dan aan mij`
    subject = _subject(tokens, hit.clause)
    if subject:
        return subject
    for earlier in range(hit.clause - 1, -1, -1):
        if not any(t.clause == earlier and t.sentence == hit.sentence for t in tokens):
            break
        subject = _subject(tokens, earlier)
        if subject:
            return subject
    return SELF


def _compared_with_self(tokens: Sequence[Token], clause: int) -> bool:
    """Whether the clause measures someone against the leader: `dan (aan) mij`, `dan ik`."""
    words = [token.folded for token in tokens if token.clause == clause and not token.quoted]
    for position, word in enumerate(words[:-1]):
        if word == "dan":
            rest = words[position + 1 : position + 3]
            if rest[:1] in (["aan"], ["voor"], ["met"]):
                rest = rest[1:]
            if rest[:1] and rest[0] in ("mij", "me", "ik", "mezelf", "mijzelf"):
                return True
    return False


def _inside(tokens: Sequence[Token], first: int, last: int) -> str:
    """The person in the found words themselves, within their first clause: the leader
    wherever named (`beter af zonder mij`), someone else only as a subject (`hij drinkt`,
    not `de pillen van mijn moeder`)."""
    span = [i for i in range(first, last + 1) if tokens[i].clause == tokens[first].clause]
    # `mijn kamer` names no one: only the leader as a person counts here
    span = [i for i in span if tokens[i].folded not in _POSSESSIVE_SELF]
    sides = [(_side(tokens, i), _after_preposition(tokens, i)) for i in span]
    if any(side == SELF for side, _ in sides):
        return SELF
    if any(side == OTHER and not governed for side, governed in sides):
        return OTHER
    return ""


def _subject(tokens: Sequence[Token], clause: int) -> str:
    """The subject of a clause: its first person outside a phrase with a preposition, or
    else the leader named after one (`voor mij hoeft het niet meer`)."""
    members = [token for token in tokens if token.clause == clause]
    if not members:
        return ""
    span = range(members[0].index, members[-1].index + 1)
    found = _person_of(tokens, span, subject_only=True)
    if found:
        return found
    return SELF if any(_side(tokens, index) == SELF for index in span) else ""


def _person_of(tokens: Sequence[Token], span: range, subject_only: bool) -> str:
    """The first person named in the span; with `subject_only`, not one in a phrase with a
    preposition (`met de ouders`)."""
    for index in span:
        token = tokens[index]
        if token.quoted and not tokens[span.start].quoted:
            continue
        side = _side(tokens, index)
        if side and not (subject_only and _after_preposition(tokens, index)):
            return side
    return ""


def _side(tokens: Sequence[Token], index: int) -> str:
    word = tokens[index].folded
    if word in _POSSESSIVE_SELF:
        following = tokens[index + 1].folded if index + 1 < len(tokens) else ""
        return OTHER if is_person(following) else SELF
    if word in SELF_MARKERS:
        return SELF
    if is_person(word):
        return OTHER
    token = tokens[index]
    if token.capital and not token.sentence_start and not token.quoted and len(word) > 1:
        return OTHER  # a name in the middle of a sentence
    return ""


def _after_preposition(tokens: Sequence[Token], index: int) -> bool:
    position = index - 1
    while position >= 0 and tokens[position].clause == tokens[index].clause:
        word = tokens[position].folded
        if _one_of(tokens, position):
            return False  # `een van mijn teamleiders` is who it is about
        if word in PREPOSITIONS:
            return True
        if word not in _FILLERS:
            return False
        position -= 1
    return False


def _relative(tokens: Sequence[Token], first: int) -> str:
    """`een leerling die zichzelf …`: the words after `die` are about the person before it."""
    position = first - 1
    while position > 0 and tokens[position].clause == tokens[first].clause:
        if _side(tokens, position) == SELF:
            return ""  # `een leraar die ik heb aangesproken`: the leader speaks again
        if tokens[position].folded in ("die", "wie") and is_person(tokens[position - 1].folded):
            return OTHER
        position -= 1
    return ""


# Before a quotation, words that make it someone else's even with the leader as subject.
# `ik hoorde hem zeggen: …`, `ik las: …`: the leader hears or reads someone else's words.
_NOT_OWN_INTRO = frozenset(
    {
        *("volgens", "vroeg", "vroegen", "vraagt", "gevraagd", "asked", "hoorde", "gehoord"),
        *("zeggen", "roepen", "citeerde", "citeert", "las", "gelezen"),
    }
)
_MYSELF = frozenset({"mezelf", "mijzelf", "myself"})  # `ik vroeg mezelf af: '…'`


def _introduced_by_self(tokens: Sequence[Token], position: int) -> bool:
    """`ik dacht: '…'`, `ik appte mijn man: '…'`: a quotation the leader introduces, as the
    subject of the clause before it, is the leader's own (a message the leader sent, a
    diary). `hij zei tegen mij: '…'` and `volgens mij zei ze: '…'` are not."""
    for earlier in reversed(tokens[:position]):
        if earlier.quoted:
            continue
        clause = [token for token in tokens if token.clause == earlier.clause]
        words = {token.folded for token in clause}
        if words & _NOT_OWN_INTRO and not words & _MYSELF:
            return False  # `volgens mij zei ze: …`, `ik vroeg haar: 'wil je …?'`
        sides = [_side(tokens, token.index) for token in clause]
        if OTHER not in sides:
            return SELF in sides
        span = range(clause[0].index, clause[-1].index + 1)
        return _person_of(tokens, span, subject_only=True) == SELF
    return False


def _direct_speech(tokens: Sequence[Token], first: int) -> bool:
    """`een docent zei in het gesprek: ik zie het niet meer zitten`: words after a speech
    verb and a colon, with someone else speaking, are that person's even without quotes."""
    hit = tokens[first]
    if hit.quoted:
        return False
    # back to where the speech begins: the colon opens a new `sentence start`, and the
    # speech may run on over a comma (`zei: ik zie het niet meer zitten, ik wil …`)
    clause_start = first
    while (
        clause_start > 0
        and not tokens[clause_start].sentence_start
        and tokens[clause_start - 1].sentence == hit.sentence
    ):
        clause_start -= 1
    if not tokens[clause_start].sentence_start or clause_start == 0:
        return False  # no colon, no direct speech
    if tokens[clause_start].folded in ("dat", "of"):
        return False
    earlier = [t for t in tokens[:clause_start] if t.sentence == hit.sentence]
    if not earlier:
        return False
    intro = [t for t in tokens if t.clause == earlier[-1].clause]
    speaks = any(t.folded in SPEECH_VERBS for t in intro)
    subject = _person_of(tokens, range(intro[0].index, intro[-1].index + 1), True)
    return speaks and subject == OTHER


# The forms of `worden`, `zijn` that make a clause passive: `de juf wordt bedreigd`.
_PASSIVE = frozenset({"wordt", "werd", "worden", "werden", "is", "was", "zijn", "waren"})
_YOU = frozenset({"je", "jij", "jou", "jouw", "you", "your", "u"})


def target(tokens: Sequence[Token], first: int, last: int) -> str:
    """Whom a threat or an act of violence is aimed at: SELF or OTHER.

    The leader when named in the clause (`hij sloeg me`, `een ouder heeft mijn auto
    bekrast`), addressed in a quoted threat (`'we weten waar je woont'`), or when no one
    else is named (`bedreigd door een ouder. vandaag.`, `thuis is het niet veilig`);
    someone else when a victim is named (`een leerling die thuis geslagen wordt`, `de juf
    is bedreigd`, `hij slaat zijn vrouw`) or someone else tells it (`een collega vertelde
    dat …`). The leader who is told or who worries (`een stagiaire vertelde me dat …`, `ik
    maak me zorgen om een leraar die …`) is not the one it is aimed at."""
    hit = tokens[first]
    sentence = [token for token in tokens if token.sentence == hit.sentence]
    listening = _listening(tokens, sentence)

    def leader(index: int) -> bool:
        return _side(tokens, index) == SELF and index not in listening

    span = [i for i in range(first, last + 1) if tokens[i].clause == hit.clause]
    if any(leader(i) for i in span if tokens[i].folded not in _POSSESSIVE_SELF):
        return SELF
    if (
        hit.quoted
        and any(t.quoted and t.folded in _YOU for t in sentence)
        and not any(t.folded == "tegen" and _side(tokens, t.index + 1) == OTHER for t in sentence)
    ):
        return SELF
    if _relative(tokens, first):
        return OTHER
    clause = [token for token in tokens if token.clause == hit.clause and not token.quoted]
    if any(leader(token.index) for token in clause):
        return SELF
    people = [t for t in clause if _side(tokens, t.index) == OTHER and not _by(tokens, t.index)]
    passive = any(
        token.folded in _PASSIVE and people and people[0].index < token.index for token in clause
    )
    if len(people) >= 2 or (people and passive):
        return OTHER
    told = any(
        token.folded in SPEECH_VERBS and _subject(tokens, token.clause) == OTHER
        for token in sentence
        if token.index < first
    )
    if told:
        return OTHER
    if any(leader(t.index) for t in sentence if not t.quoted):
        return SELF
    # No one in this sentence: the nearest sentence before it that names someone decides
    # (`- leerling gr. 7 wordt bedreigd` / `- naaktfoto's rondgestuurd`); with no one at
    # all, it is the leader's own fragment (`bedreigd door een ouder. vandaag.`).
    for earlier in range(hit.sentence, -1, -1):
        words = [t for t in tokens if t.sentence == earlier and not t.quoted]
        if earlier != hit.sentence and any(leader(t.index) for t in words):
            return SELF
        if any(_side(tokens, t.index) == OTHER and not _by(tokens, t.index) for t in words):
            return OTHER
    return SELF


# The leader as the one who is told (`een docent vertelde me dat …`, `heeft mij verteld`)
# or who worries (`ik maak me zorgen om …`, `ik denk dat …`) is not the one a threat is
# aimed at. Threatening is not telling (`hij dreigde me`), nor is giving (`gaf me een duw`).
_TELLING = (SPEECH_VERBS - {"dreigde", "dreigt", "gaf", "geeft"}) | {"told", "tells", "texted"}
_TOLD = frozenset({"verteld", "gezegd", "geappt", "gemaild", "toevertrouwd", "gevraagd"})
_WORRYING = frozenset(
    {
        *("zorgen", "ongerust", "bezorgd", "vrees", "vreesde", "denk", "dacht", "vermoed"),
        *("vermoedde", "worried", "think"),
    }
)


def _listening(tokens: Sequence[Token], sentence: Sequence[Token]) -> set[int]:
    """The places in this sentence where the leader is told something, or worries."""
    found = set()
    for token in sentence:
        if _side(tokens, token.index) != SELF:
            continue
        window = tokens[max(token.index - 1, 0) : token.index + 4]
        near = {t.folded for t in window if t.clause == token.clause}
        before = tokens[token.index - 1].folded if token.index else ""
        after = tokens[token.index + 1].folded if token.index + 1 < len(tokens) else ""
        if before in _TELLING or after in _TOLD or _WORRYING.intersection(near):
            found.add(token.index)
    return found


def _by(tokens: Sequence[Token], index: int) -> bool:
    """Whether the person at `index` is the one who does it: `door een vader`, `by him`;
    not `een van onze leerkrachten`, which names the person it is about."""
    position = index - 1
    while position > 0 and tokens[position].folded in _FILLERS:
        position -= 1
    return not _one_of(tokens, position) and _after(tokens, index, ("door", "van", "by"))


_ONE_OF = frozenset({"een", "één", "geen", "twee", "drie", "elk", "ieder", "iedere", "one"})


def _one_of(tokens: Sequence[Token], position: int) -> bool:
    """Whether the word at `position` is the `van` of `een van (mijn) …`: a part of a group,
    not a preposition in front of someone else."""
    return (
        position >= 1
        and tokens[position].folded == "van"
        and tokens[position - 1].folded in _ONE_OF
    )


def _after(tokens: Sequence[Token], index: int, words: tuple[str, ...]) -> bool:
    """Whether the person at `index` follows one of `words` (`door een vader`)."""
    position = index - 1
    while position >= 0 and tokens[position].clause == tokens[index].clause:
        if tokens[position].folded in words:
            return True
        if tokens[position].folded not in _FILLERS:
            return False
        position -= 1
    return False
