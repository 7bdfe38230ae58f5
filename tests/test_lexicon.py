"""Lexicons: which words in an answer count, in the lists we write and in the shipped ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.errors import DialogueError
from coach.expr import Scope, Value, evaluate, parse
from coach.lexicon import EntryError, Lexicon, hits, make_entry, make_lexicon, starts
from coach.lexicon_files import inspect_lexicon, load_lexicon

SHIPPED = Path(__file__).resolve().parent.parent / "dialogues" / "lexicons"


def lexicon(*entries: str, negation: bool = True) -> Lexicon:
    return make_lexicon("test", "Test", [(entry, "") for entry in entries], negation)


def found(lex: Lexicon, text: str) -> list[str]:
    return [hit.text for hit in hits(lex, text)]


def shipped(name: str) -> Lexicon:
    return load_lexicon(SHIPPED / f"{name}.yaml")


def count(lex: Lexicon, text: str) -> Value:
    """`count(a, 'lijst')` as a dialogue condition computes it."""
    return evaluate(parse(f"count(a, '{lex.id}')"), Scope({"a": text}.get, {lex.id: lex}))


# -- matching ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["geirriteerd", "geïrriteerd", "Geïrriteerde", "irritatie"])
def test_spellings_and_word_forms_match_the_entry(text: str) -> None:
    assert found(lexicon("irritatie"), f"Ik was {text}.") == [text]


def test_an_unrelated_word_does_not_match() -> None:
    assert found(lexicon("irritatie"), "Ik was tevreden over de irrigatie.") == []


@pytest.mark.parametrize("text", ["niet boos", "geen irritatie", "ik was niet echt boos"])
def test_a_negated_word_does_not_count(text: str) -> None:
    assert found(lexicon("boos", "irritatie"), text) == []


def test_a_contrast_ends_the_negation() -> None:
    assert found(lexicon("boos", "teleurgesteld"), "niet boos maar teleurgesteld") == [
        "teleurgesteld"
    ]


def test_a_negation_does_not_reach_past_a_comma_or_three_words() -> None:
    lex = lexicon("boos")
    assert found(lex, "Dat niet, boos was ik wel.") == ["boos"]
    assert found(lex, "niet dat ik toen zo boos was") == ["boos"]


def test_without_negation_every_mention_counts() -> None:
    assert found(lexicon("boos", negation=False), "niet boos") == ["boos"]


def test_a_phrase_matches_its_words_in_order() -> None:
    lex = lexicon("ergerde me")
    assert found(lex, "Ik ergerde me aan hem.") == ["ergerde me"]
    assert found(lex, "Me ergerde het.") == []


def test_a_prefix_wildcard_matches_words_that_start_with_it() -> None:
    assert found(lexicon("frustr*"), "Frustrerend, die frustratie.") == [
        "Frustrerend",
        "frustratie",
    ]


def test_a_suffix_wildcard_matches_compounds() -> None:
    assert found(lexicon("*stress"), "Werkstress en stress, geen stressbal.") == [
        "Werkstress",
        "stress",
    ]


def test_the_longest_entry_wins() -> None:
    assert found(lexicon("war", "in de war"), "Ik was in de war.") == ["in de war"]


def test_hits_do_not_overlap() -> None:
    assert found(lexicon("in de", "de war"), "Ik was in de war.") == ["in de"]


def test_hits_keep_the_users_own_spelling_and_place() -> None:
    text = "Eerlijk: ik was GEÏRRITEERD!"
    [hit] = hits(lexicon("irritatie"), text)
    assert hit.text == "GEÏRRITEERD"
    assert text[hit.start : hit.end] == "GEÏRRITEERD"
    assert hit.entry.source == "irritatie"


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Vind je het goed?", "Vind"),
        ("Ik begin rustig. Vind je dat ook?", "Vind"),
        ("Ik vroeg: vind je het goed?", "vind"),
        ('Ik zei "vind je het goed" tegen hem.', "vind"),
        ("Ik vroeg ‘Is het goed?’", "Is het"),
    ],
)
def test_starts_finds_the_first_word_of_a_sentence_or_quotation(text: str, start: str) -> None:
    hit = starts(lexicon("vind", "is het"), text)
    assert hit is not None and hit.text == start


@pytest.mark.parametrize("text", ["Ik vind het goed.", "Hij zei, vind je dat?"])
def test_starts_ignores_words_in_the_middle_of_a_sentence(text: str) -> None:
    assert starts(lexicon("vind"), text) is None


@pytest.mark.parametrize("entry", ["", "*irrit*", "boos!", "a+b"])
def test_an_entry_that_is_not_a_word_is_refused(entry: str) -> None:
    with pytest.raises(EntryError):
        make_entry(entry)


def test_count_and_arithmetic_in_a_condition() -> None:
    lexicons = {"ik": shipped("eerste-persoon"), "ander": shipped("derde-persoon")}
    scope = Scope(
        {"a": "Ik zei tegen hem dat mijn plan klaar was en dat ik wachtte."}.get, lexicons
    )
    assert evaluate(parse("count(a, 'ik') - count(a, 'ander')"), scope) == 2
    assert evaluate(parse("count(a, 'ik') + count(a, 'ander') > 3"), scope) is True


def test_mentions_notes_the_users_spelling_as_the_match() -> None:
    lex = lexicon("irritatie")
    scope = Scope({"a": "Ik was Geïrriteerd."}.get, {"test": lex})
    assert evaluate(parse("mentions(a, 'test')"), scope) is True
    assert scope.match == "Geïrriteerd"


def test_an_unknown_lexicon_at_run_time_counts_nothing() -> None:
    scope = Scope({"a": "boos"}.get, {})
    assert evaluate(parse("count(a, 'weg')"), scope) == 0
    assert evaluate(parse("mentions(a, 'weg')"), scope) is False


# -- the shipped lexicons ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "niet boos",
        "geen irritatie",
        "Ik had het gevoel dat hij zich boven de anderen plaatste.",
    ],
)
def test_shipped_emotions_do_not_count_negations_or_pseudo_feelings(text: str) -> None:
    assert count(shipped("emoties"), text) == 0


@pytest.mark.parametrize("text", ["geirriteerd", "geïrriteerd", "irritatie"])
def test_shipped_emotions_count_irritation_in_any_spelling(text: str) -> None:
    assert count(shipped("emoties"), text) == 1


def test_shipped_pseudo_feelings_notice_an_interpretation() -> None:
    text = "Ik had het gevoel dat hij zich boven de anderen plaatste."
    assert count(shipped("pseudo-gevoelens"), text) == 1


def test_shipped_first_and_third_person_count_references() -> None:
    text = "Ik vroeg hem of zij mij wilde helpen met mijn rooster."
    assert count(shipped("eerste-persoon"), text) == 3
    assert count(shipped("derde-persoon"), text) == 2


def test_shipped_signals_count_unless_plainly_denied() -> None:
    assert count(shipped("crisissignalen"), "Ik zie het niet meer zitten.") == 1
    assert count(shipped("crisissignalen"), "Soms denk ik: ik wil er niet meer zijn.") == 1
    # a hedged denial is no denial: better once too often
    assert count(shipped("zorgsignalen"), "Ik ben niet overspannen, denk ik.") == 1
    assert count(shipped("zorgsignalen"), "Ik ben niet overspannen, wel moe.") == 0


@pytest.mark.parametrize(
    "name",
    [
        "emoties",
        "pseudo-gevoelens",
        "eerste-persoon",
        "derde-persoon",
        "zorgsignalen",
        "crisissignalen",
    ],
)
def test_shipped_lexicons_load_without_warnings(name: str) -> None:
    result = inspect_lexicon(SHIPPED / f"{name}.yaml")
    assert result.lexicon is not None and result.lexicon.id == name
    assert [issue.format() for issue in result.issues] == []


# -- lexicon files -----------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "lijst") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[str, int, str]]:
    return [(i.code, i.line, i.severity) for i in inspect_lexicon(path).issues]


def test_a_lexicon_file_loads_with_its_families(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id: lijst\ntitle: Lijst\nnegation: false\nwords:\n"
        "  boosheid: [boos, irritatie]\n  angst: [bang]\n",
    )
    lex = load_lexicon(path)
    assert lex.groups() == {"boosheid": ["boos", "irritatie"], "angst": ["bang"]}
    assert lex.negation is False
    assert found(lex, "niet bang") == ["bang"]


def test_a_bad_entry_is_an_error_on_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id: lijst\ntitle: Lijst\nwords:\n  - boos\n  - '*irrit*'\n")
    assert problems(path) == [("BAD_ENTRY", 5, "error")]
    with pytest.raises(DialogueError, match=r"lijst\.yaml:5: words\[1\]"):
        load_lexicon(path)


def test_an_id_that_is_not_the_file_name_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "title: Lijst\nid: andere\nwords: [boos]\n")
    assert problems(path) == [("LEXICON_ID", 2, "error")]


def test_a_duplicate_entry_is_a_warning_and_the_lexicon_still_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "id: lijst\ntitle: Lijst\nwords:\n  - boos\n  - kwaad\n  - Boos\n")
    assert problems(path) == [("DUPLICATE_ENTRY", 6, "warning")]
    assert [entry.source for entry in load_lexicon(path).entries] == ["boos", "kwaad"]


def test_entries_that_stem_alike_are_duplicates(tmp_path: Path) -> None:
    path = write(tmp_path, "id: lijst\ntitle: Lijst\nwords:\n  - irritatie\n  - geïrriteerd\n")
    [issue] = inspect_lexicon(path).issues
    assert (issue.code, issue.line) == ("DUPLICATE_ENTRY", 5)
    assert "regel 4" in issue.message


def test_a_schema_error_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id: lijst\ntitle: Lijst\nnegation: ja\nwords: [boos]\n")
    assert problems(path) == [("SCHEMA", 3, "error")]
    with pytest.raises(DialogueError, match=r"lijst\.yaml:3"):
        load_lexicon(path)


# -- the index of wildcard entries -------------------------------------------------------------

WILDCARD_TEXTS = (
    "Ik was geïrriteerd en gefrustreerd na het lesbezoek van dinsdagochtend.",
    "Gisteravond kreeg ik een dreigbericht; de doodsbedreiging van vorige week was erger.",
    "Hij bleef koppig en bazig, en in de vergadering was de werkdrukbeleving het onderwerp.",
    "Ik vroeg wat hij gevraagd had en herhaalde het; niemand noemde de lesobservatie.",
    "Soms denk ik: laat maar, het zelfmoordplan van mijn collega maakt me bang.",
)


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda path: path.stem)
def test_wildcard_entries_are_tried_where_they_can_start_and_in_their_order(path: Path) -> None:
    from coach.language.analysis import analyse
    from coach.language.patterns import matches_at

    lists = [load_lexicon(path)]
    if lists[0].exceptions:
        lists.append(lists[0].idioms)
    for lex in lists:
        by_form, by_stem, scan = lex._index
        for text in WILDCARD_TEXTS:
            analysis = analyse(text)
            for index, token in enumerate(analysis.tokens):
                tried = lex.candidates(analysis, index)
                # an entry with a wildcard word and a plain one is in both indexes
                found = [*by_form.get(token.folded, []), *by_stem.get(token.stem, []), *scan]
                every = list({id(entry): entry for entry in found}.values())
                left_out = [entry for entry in scan if entry not in tried]
                assert [entry for entry in tried if entry in scan] == [
                    entry for entry in every if entry in scan and entry in tried
                ]
                assert not any(matches_at(e.pattern, analysis, index) for e in left_out)


def test_the_candidates_a_list_remembers_stay_few_and_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from coach import lexicon as module
    from coach.language.analysis import analyse

    lex = shipped("crisissignalen")
    analysis = analyse("Ik wil er soms niet meer zijn, echt niet, en niemand ziet het.")
    first = [lex.candidates(analysis, index) for index in range(len(analysis.tokens))]
    monkeypatch.setattr(module, "_CANDIDATES_KEPT", 3)
    lex._candidates_memo.clear()
    again = [lex.candidates(analysis, index) for index in range(len(analysis.tokens))]
    assert again == first
    assert len(lex._candidates_memo) <= 3


@pytest.mark.parametrize(
    "text",
    [
        "De vergadering liep uit en de werkdruk is enorm.",  # the head of a compound
        "De vergadering liep uit en de werkdrukk is enorm.",  # one typo in a long word
        "De vergadering liep uit; daarna keken we er samen op terug.",  # a split verb
        "Ik was bozer dan ooit na de vergadering.",  # a comparative, before the first part
    ],
)
def test_an_all_rule_finds_its_parts_in_every_form_a_word_can_take(text: str) -> None:
    """An `all:` part that occurs nowhere is not tried at every word, nor at a word it cannot
    start with; a part written in another form, a compound, a typo or a split verb still
    counts as occurring, and may start there."""
    from coach.lexicon import make_lexicon

    entries = [
        ({"all": ["vergadering", "(druk|drukte)"], "within": "answer"}, ""),
        ({"all": ["vergadering", "werkdruk"], "within": "answer"}, ""),
        ({"all": ["vergadering", "terugkijken"], "within": "answer"}, ""),
        ({"all": ["vergadering", "boos"], "within": "answer"}, ""),
    ]
    assert hits(make_lexicon("x", "X", entries), text)
    assert not hits(make_lexicon("x", "X", entries), "De vergadering liep uit.")


@pytest.mark.parametrize(
    "text",
    [
        "Ik wil eigenlijk niet meer leven.",
        "ik wou gewoon niet meer leven",
        "Ik wil echt niet meer leven.",  # an optional word, there or not
    ],
)
def test_a_pattern_is_followed_only_when_every_word_it_needs_occurs(text: str) -> None:
    """Before a pattern is followed word by word from its first word, every word it cannot do
    without is looked up in the answer; an optional word is not needed."""
    from coach.language.patterns import compile_pattern

    pattern = compile_pattern("ik echt? ... niet meer ... leven|leeftijd")
    assert len(pattern.needed) == 4  # ik, niet, meer, leven|leeftijd; not `echt?`
    entries = [("ik echt? ... niet meer ... leven", "")]
    assert hits(make_lexicon("x", "X", entries), text)
    assert not hits(make_lexicon("x", "X", entries), "Ik wil niet meer wachten.")
