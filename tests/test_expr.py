"""The condition language: what it accepts, what it says when it does not, how it evaluates."""

from __future__ import annotations

import pytest

from coach.expr import ExprError, Scope, Value, holds, names, parse


def check(source: str, **values: Value) -> bool:
    return holds(parse(source), Scope(values.get))


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("words(a) < 8", {"a": "een twee drie"}, True),
        ("words(a) >= 3", {"a": "zo'n collega-rector, echt"}, True),
        ("chars(a) == 5", {"a": "hallo"}, True),
        ("answered(a)", {"a": "  "}, False),
        ("answered(a)", {"a": "x"}, True),
        ("not answered(missing)", {}, True),
        ("n >= 7 and n <= 10", {"n": 7}, True),
        ("n == 7.0", {"n": 7}, True),
        ("n > 5 or a == 'ja'", {"n": 1, "a": "ja"}, True),
        ("keuze in ['ja', 'nee']", {"keuze": "nee"}, True),
        ("keuze not in ['ja', 'nee']", {"keuze": "nee"}, False),
        ("'boos' in a", {"a": "ik ben boos"}, True),
        ("true and not false", {}, True),
        ("(a == 'x' or a == 'y') and n < 3", {"a": "y", "n": 2}, True),
    ],
)
def test_evaluates(source: str, values: dict[str, Value], expected: bool) -> None:
    assert check(source, **values) is expected


def test_values_of_different_kinds_compare_false_instead_of_failing() -> None:
    assert check("a < 3", a="tekst") is False
    assert check("missing > 1") is False
    assert check("a == 1", a="1") is False
    assert check("a != 1", a="1") is True


def test_matches_ignores_case_and_accents_and_remembers_the_match() -> None:
    scope = Scope({"a": "Ik was GEÏRRITEERD over hem"}.get)
    assert holds(parse('matches(a, "geirriteerd")'), scope)
    assert scope.match == "GEÏRRITEERD"  # shown back in the user's own spelling


def test_matches_keeps_regular_expression_escapes() -> None:
    assert check(r'matches(a, "\bik\b")', a="ik denk") is True
    assert check(r'matches(a, "\bik\b")', a="dikke") is False


def test_names_lists_what_a_condition_reads() -> None:
    assert list(names(parse("answered(a) and words(b) > 2 or c in [d]"))) == ["a", "b", "c", "d"]


def test_hyphenated_and_dotted_names_are_single_names() -> None:
    assert list(names(parse("answered(vorige-keer) and session.count > 1"))) == [
        "vorige-keer",
        "session.count",
    ]


@pytest.mark.parametrize(
    ("source", "column", "fragment"),
    [
        ("", 1, "leeg"),
        ("a = 1", 3, "=="),
        ("a && b", 3, "and"),
        ("foo(a)", 1, "onbekende functie"),
        ("words(a, b)", 1, "1 argument"),
        ("a < b < c", 7, "één keer"),
        ('matches(a, "(")', 12, "ongeldig patroon"),
        ("matches(a, b)", 12, "aanhalingstekens"),
        ('answered("x")', 10, "naam"),
        ("a b", 3, "onverwacht"),
        ("(a", 3, "')' verwacht"),
        ("'open", 1, "aanhalingsteken"),
        ("a and", 6, "waarde verwacht"),
        ("a == in", 6, "verkeerde plek"),
    ],
)
def test_parse_errors_are_dutch_with_a_column(source: str, column: int, fragment: str) -> None:
    with pytest.raises(ExprError) as caught:
        parse(source)
    assert caught.value.column == column
    assert fragment in caught.value.message + caught.value.hint


def test_there_is_no_way_to_reach_python_objects() -> None:
    for source in ("a.__class__", "__import__('os')", "a.b.__globals__", "x[0]"):
        with pytest.raises(ExprError):
            parse(source)


@pytest.mark.parametrize(
    ("text", "nonanswer", "lang"),
    [
        ("weet ik niet", True, "nl"),
        ("Geen idee.", True, ""),
        ("zie boven", True, ""),
        ("dat staat er al", True, "nl"),
        ("?", True, ""),
        ("Ik weet niet precies wat hij bedoelde, maar hij was boos.", False, "nl"),
        ("I felt angry because he ignored me in the meeting", False, "en"),
        ("to be honest was het awkward, maar ik zei niks", False, "nl"),
    ],
)
def test_nonanswer_and_language_read_what_a_leader_typed(
    text: str, nonanswer: bool, lang: str
) -> None:
    assert holds(parse("nonanswer(answer)"), Scope({"answer": text}.get)) is nonanswer
    assert holds(parse(f"language(answer) == '{lang}'"), Scope({"answer": text}.get))
