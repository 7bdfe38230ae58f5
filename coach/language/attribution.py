"""Whose words, about whom: the leader's own words, or someone else's (a quotation, reported
speech), and whether a clause is about the leader or about another person.

`hij zei 'ik ben hier de enige die resultaten haalt'`: the `ik` in the quotation is not the
leader. `volgens haar ...`, `ze zei dat ...`: what follows is hers. `mijn collega is vorig
jaar uitgevallen`: the leader's words, about someone else, in the past.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.language.tokens import Token

SELF_WORDS = frozenset(
    ["ik", "ikzelf", "we", "wij", "je", "jij", "mij", "me", "mezelf", "mijzelf", "onszelf"]
)
OTHER_WORDS = frozenset(["hij", "zij", "ze", "hem", "hen", "hun", "zich", "zichzelf"])
PEOPLE = frozenset(
    [
        "collega",
        "collega's",
        "leerling",
        "leerlingen",
        "docent",
        "docenten",
        "leraar",
        "leraren",
        "leerkracht",
        "ouder",
        "ouders",
        "moeder",
        "vader",
        "rector",
        "directeur",
        "directrice",
        "teamleider",
        "adjunct",
        "bestuurder",
        "zoon",
        "dochter",
        "man",
        "vrouw",
        "partner",
        "kind",
        "kinderen",
        "vriend",
        "vriendin",
        "broer",
        "zus",
        "mentor",
        "conciërge",
        "concierge",
        "iemand",
        "student",
        "studenten",
        "medewerker",
        "medewerkers",
        "stagiair",
        "teamlid",
        "teamleden",
        "meisje",
        "jongen",
        "leerlinge",
        "docente",
        "juf",
        "meester",
        "stiefvader",
        "stiefmoeder",
        "oom",
        "tante",
        "schoolleider",
        "coördinator",
        "coordinator",
        "secretaresse",
        "buurman",
        "buurvrouw",
        *("stagiaire", "kleuter", "kleuters", "peuter", "baby", "papa", "mama", "opa", "oma"),
        *("ex", "echtgenoot", "echtgenote", "vriendje", "vriendinnetje", "klasgenoot", "neef"),
        *("nicht", "invaller", "vrijwilliger", "pleegkind", "gastouder", "schoonmaker"),
        # English, for the leader who writes it by mistake
        *("teacher", "teachers", "pupil", "pupils", "colleague", "colleagues", "parent"),
        *("parents", "husband", "wife", "father", "mother", "dad", "mom", "mum", "boss"),
        *("principal", "kid", "kids", "child", "children", "son", "daughter", "boyfriend"),
        *("girlfriend", "someone", "students"),
    ]
)
# Verb forms that introduce someone's words: `ze zei dat`, `hij riep:`.
SPEECH_VERBS = frozenset(
    [
        "zei",
        "zeiden",
        "zegt",
        "zeggen",
        "gezegd",
        "zegde",
        "zeg",
        "vertelde",
        "vertelden",
        "vertelt",
        "verteld",
        "riep",
        "riepen",
        "roept",
        "schreef",
        "schreven",
        "schrijft",
        "mailde",
        "mailt",
        "appte",
        "appt",
        "antwoordde",
        "antwoordt",
        "beweerde",
        "beweert",
        "klaagde",
        "klaagt",
        "dreigde",
        "dreigt",
        "meldde",
        "meldt",
        "sprak",
        "vroeg",
        "vroegen",
        "vraagt",
        "gaf",
        "geeft",
        "aangegeven",
        "schreeuwde",
        "schreeuwt",
        "fluisterde",
    ]
)
# Words that date a sentence in a past that is over.
HISTORICAL = frozenset(
    {
        ("vorig", "jaar"),
        ("vorige", "jaar"),
        ("vorig", "schooljaar"),
        ("jaar", "geleden"),
        ("jaren", "geleden"),
        ("maanden", "geleden"),
        ("lang", "geleden"),
        ("tijd", "geleden"),
        ("destijds",),
        ("vroeger",),
        ("ooit",),
        ("toentertijd",),
        ("jaren", "terug"),
        ("als", "student"),
        ("in", "de", "jaren"),
        ("eerste", "jaar", "als"),
        ("net", "begon"),
        ("afgelopen", "voorjaar"),
        ("afgelopen", "najaar"),
        ("als", "puber"),
        ("als", "kind"),
        ("als", "tiener"),
        ("studententijd",),
        ("studietijd",),
        ("coronatijd",),
        ("van", "toen"),
        ("afgelopen", "jaar"),
        ("paar", "jaar"),
        ("indertijd",),
        ("jaar", "terug"),
        ("afgelopen", "winter"),
        ("afgelopen", "zomer"),
        ("vorig", "najaar"),
        ("vorig", "voorjaar"),
        ("vorige", "zomer"),
        ("vorige", "winter"),
        ("vorige", "herfst"),
        ("vorige", "lente"),
        ("pubertijd",),
        ("vorige", "baan"),
        ("vorige", "functie"),
        ("vorige", "school"),
        ("verleden",),
        ("mijn", "studie"),
        ("toen", "ik", "net"),
        ("back", "in", "the"),
        ("when", "i", "was"),
        ("long", "time", "ago"),
        ("als", "twintiger"),
        ("als", "dertiger"),
        ("als", "veertiger"),
        ("toen", "ik", "nog"),
        ("toen", "ik", "zelf"),
        ("had", "een", "periode"),
    }
)


@dataclass(frozen=True)
class Attribution:
    speaker: str  # "self": the leader's own words; "other": quoted or reported
    about: str  # "self", "other", or "" (no person in the clause)


def attribute(tokens: tuple[Token, ...]) -> tuple[Attribution, ...]:
    """Per token: who says it and whom its clause is about."""
    about_by_clause = _subjects(tokens)
    speaker_by_clause = _speakers(tokens, about_by_clause)
    return tuple(
        Attribution(speaker_by_clause[token.clause], about_by_clause[token.clause])
        for token in tokens
    )


def _person(token: Token) -> str:
    if token.folded in SELF_WORDS:
        return "self"
    if token.folded in OTHER_WORDS or token.folded in PEOPLE:
        return "other"
    if token.capital and not token.sentence_start and not token.quoted and len(token.folded) > 1:
        return "other"  # a name in the middle of a sentence
    return ""


def _subjects(tokens: tuple[Token, ...]) -> dict[int, str]:
    """The first person named in each clause; a clause without one continues the last."""
    found: dict[int, str] = {}
    last_sentence = -1
    current = ""
    for token in tokens:
        if token.sentence != last_sentence:
            last_sentence, current = token.sentence, ""
        if token.clause not in found:
            found[token.clause] = current
        person = _subject(tokens, token)
        if person and found[token.clause] == current and not _decided(tokens, token):
            found[token.clause] = person
            current = person
    return found


def _subject(tokens: tuple[Token, ...], token: Token) -> str:
    """The person a word names, unless a preposition puts it in a phrase of its own: in
    `als het gesprek met de bestuurder slecht afloopt, maak ik mezelf van kant` the clause
    is about the leader, not about the bestuurder."""
    person = _person(token)
    if not person:
        return ""
    before = token.index - 1
    while (
        before >= 0
        and token.index - before <= _DETERMINERS_BETWEEN
        and tokens[before].folded in _DETERMINERS
    ):
        before -= 1
    if before >= 0 and tokens[before].clause == token.clause:
        partitive = before > 0 and tokens[before - 1].folded in _COUNTS  # `een van onze docenten`
        if tokens[before].folded in _PREPOSITIONS and not partitive:
            return ""
    return person


_PREPOSITIONS = frozenset(
    {"met", "van", "bij", "voor", "aan", "over", "tegen", "naar", "door", "zonder", "om"}
    | {"tussen", "achter", "naast", "tegenover", "volgens"}
)
_DETERMINERS = frozenset(
    {"de", "het", "een", "mijn", "m'n", "mn", "zijn", "z'n", "haar", "onze", "ons", "hun"}
    | {"die", "deze", "dat", "dit", "jouw", "je", "uw", "twee", "drie", "alle", "elke"}
)
_COUNTS = frozenset({"een", "één", "geen", "twee", "drie", "ieder", "elk", "iemand", "niemand"})
_DETERMINERS_BETWEEN = 3  # `met de twee collega's`: at most two words between


def _decided(tokens: tuple[Token, ...], token: Token) -> bool:
    """Whether an earlier word of the same clause already named its person."""
    for earlier in reversed(tokens[: token.index]):
        if earlier.clause != token.clause:
            return False
        if _subject(tokens, earlier):
            return True
    return False


def _speakers(tokens: tuple[Token, ...], about: dict[int, str]) -> dict[int, str]:
    """Quotations are someone else's words unless the leader introduces them (`ik dacht:
    '…'`); after `hij zei dat` or `volgens haar` the rest of the sentence is reported."""
    speakers: dict[int, str] = {}
    reported_sentence: int | None = None
    for position, token in enumerate(tokens):
        if token.clause in speakers:
            if token.folded in SPEECH_VERBS and about.get(token.clause) == "other":
                reported_sentence = token.sentence  # the clauses after this one
            continue
        if reported_sentence == token.sentence:
            speakers[token.clause] = "other"
        elif token.quoted:
            intro = _introducing_clause(tokens, position)
            speakers[token.clause] = "self" if intro == "self" else "other"
        else:
            speakers[token.clause] = "self"
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        # `volgens haar …`: what follows is hers
        if (
            token.folded == "volgens"
            and following is not None
            and (_person(following) == "other" or following.capital)
        ):
            speakers[token.clause] = "other"
            reported_sentence = token.sentence
        if token.folded in SPEECH_VERBS and about.get(token.clause) == "other":
            reported_sentence = token.sentence
    return speakers


def _introducing_clause(tokens: tuple[Token, ...], position: int) -> str:
    """The person of the clause right before a quotation (`ik dacht: '…'` → self)."""
    for earlier in reversed(tokens[:position]):
        if not earlier.quoted:
            return _person_of_clause(tokens, earlier.clause)
    return ""


def _person_of_clause(tokens: tuple[Token, ...], clause: int) -> str:
    for token in tokens:
        if token.clause == clause and _person(token):
            return _person(token)
    return ""


def historical_clauses(tokens: tuple[Token, ...]) -> frozenset[int]:
    """The clauses dated in a past that is over (`vorig jaar`, `jaren geleden`, `in 2019`),
    and, as -1 - n, the sentences n whose first words date them as a whole."""
    found = set()
    for position, token in enumerate(tokens):
        words = tuple(each.folded for each in tokens[position : position + 3])
        year = (
            token.folded.isdigit() and len(token.folded) == 4 and token.folded[:2] in ("19", "20")
        )
        if year and (position == 0 or tokens[position - 1].folded in _BEFORE_A_YEAR):
            words = ("in", "jaartal")
        if position and tokens[position - 1].folded in _UNTIL_NOW:
            continue  # `sinds vorig jaar slaap ik slecht`: it began then and goes on
        if (
            token.folded == "toen"
            and position + 2 < len(tokens)
            and tokens[position + 1].folded == "ik"
            and (tokens[position + 2].folded.isdigit() or tokens[position + 2].folded in _AGES)
        ):
            words = ("in", "jaartal")  # `toen ik zestien was`
        if _age_then(tokens, position):
            # `ik was 19`: an age the leader had dates the whole sentence, wherever it stands
            found.add(token.clause)
            found.add(-1 - token.sentence)
        if token.folded == "toen" and _after_a_dated_sentence(tokens, position, found):
            words = ("in", "jaartal")  # `Mijn ergste jaar was 2011. Ik wilde toen …`
        if _compared(tokens, position):
            continue  # `vaker dan vroeger`, `meer dan heel vorig jaar`: a comparison with now
        if token.folded == "geleden" and any(
            each.folded in _SPANS for each in tokens[max(0, position - 3) : position]
        ):
            words = ("in", "jaartal")  # `een jaar of vijf geleden`
        if _years_later(tokens, position):
            # `nu, vijf jaar later, gaat het goed`: the two sentences before are long past
            found.update(
                -1 - earlier for earlier in (token.sentence - 1, token.sentence - 2) if earlier >= 0
            )
        if any(words[:size] in HISTORICAL for size in (1, 2, 3)) or words == ("in", "jaartal"):
            found.add(token.clause)
            first = _first_of_sentence(tokens, position)
            clause_start = _first_of_clause(tokens, position)
            # A time at the start dates the whole sentence (`vorig jaar liep …, hij sloeg …`),
            # and so does a clause that looks back on it (`…, maar dat is jaren geleden`).
            if (
                position <= first + 1
                or tokens[clause_start].folded in _LOOKING_BACK
                or (
                    clause_start + 1 < len(tokens)
                    and tokens[clause_start + 1].folded in _LOOKING_BACK
                    and tokens[clause_start].folded in ("maar", "en")
                )
            ):
                found.add(-1 - token.sentence)
            looks_back = tokens[clause_start].folded in _LOOKING_BACK and any(
                each.folded == "geleden" for each in tokens if each.clause == token.clause
            )
            if looks_back and tokens[clause_start].sentence_start and token.sentence:
                # `Dat is nu negen jaar geleden.` dates the sentence before it as well
                found.add(-1 - (token.sentence - 1))
    return frozenset(found)


_LOOKING_BACK = frozenset({"dat", "dit", "het"})
# Spans of time that make `geleden` long ago: `een jaar of vijf geleden`.
_SPANS = frozenset({"jaar", "jaren", "maanden", "jaartje"})


def _years_later(tokens: tuple[Token, ...], position: int) -> bool:
    """`vijf jaar later`, `jaren later`: looking back from now on what came before."""
    return (
        tokens[position].folded == "later"
        and position > 0
        and tokens[position - 1].folded in ("jaar", "jaren")
    )


# Before a year, words that date: `in 2019`, `van 2019`, `was 2018`, `eind 2020`.
_BEFORE_A_YEAR = frozenset({"in", "van", "was", "rond", "eind", "begin", "medio"})


def _compared(tokens: tuple[Token, ...], position: int) -> bool:
    """Whether a time stands after `dan`, `als` (`vaker dan vroeger`), perhaps with `heel`
    or `het hele` between (`meer dan heel vorig jaar`)."""
    before = [token.folded for token in tokens[max(0, position - 3) : position]]
    while before and before[-1] in ("heel", "het", "hele", "in", "de"):
        before.pop()
    return bool(before) and before[-1] in ("dan", "als")


def _age_then(tokens: tuple[Token, ...], position: int) -> bool:
    """`ik was 19`, `ik was zestien`: the leader's age at a time long past."""
    if position + 2 >= len(tokens) or tokens[position].folded not in ("ik", "k"):
        return False
    if tokens[position + 1].folded != "was":
        return False
    age = tokens[position + 2].folded
    return age in _AGES or (age.isdigit() and 4 <= int(age) <= 30)


def _after_a_dated_sentence(tokens: tuple[Token, ...], position: int, found: set[int]) -> bool:
    """Whether `toen` (`then`) stands in the sentence right after one dated in the past, not
    at its start: there it points back to that time (`Ik wilde toen …`), at the start it
    opens a time of its own (`Toen ik thuiskwam, …`)."""
    sentence = tokens[position].sentence
    if sentence == 0 or tokens[position].sentence_start:
        return False
    return -1 - (sentence - 1) in found or any(
        token.sentence == sentence - 1 and token.clause in found for token in tokens[:position]
    )


_UNTIL_NOW = frozenset({"sinds", "vanaf", "since"})
_AGES = frozenset(
    {
        *("tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien"),
        *("zeventien", "achttien", "negentien", "twintig", "klein", "jong", "student"),
    }
)


def _first_of_clause(tokens: tuple[Token, ...], position: int) -> int:
    first = position
    while first > 0 and tokens[first - 1].clause == tokens[position].clause:
        first -= 1
    return first


def _first_of_sentence(tokens: tuple[Token, ...], position: int) -> int:
    first = position
    while first > 0 and tokens[first - 1].sentence == tokens[position].sentence:
        first -= 1
    return first
