"""Templates: one pass, no attribute access, user text is never a template."""

from __future__ import annotations

import pytest

from coach.templates import MISSING, TemplateError, parse_template


def render(source: str, **values: object) -> str:
    return parse_template(source).render(lambda name: values.get(name))  # type: ignore[arg-type, return-value]


def test_fields_and_filters() -> None:
    assert render("Hallo {ander}!", ander="Paul") == "Hallo Paul!"
    assert render("{x|lower} {x|upper} {x|quote}", x="Ja") == "ja JA ‘Ja’"
    assert render("{ a | lower | quote }", a="X") == "‘x’"


def test_braces_are_escaped_by_doubling() -> None:
    assert render("{{ander}} en {ander}", ander="Paul") == "{ander} en Paul"


def test_missing_and_empty_values_show_an_ellipsis() -> None:
    assert render("Met {ander}", ander=None) == f"Met {MISSING}"
    assert render("Met {ander}", ander="   ") == f"Met {MISSING}"


def test_numbers_and_booleans_read_naturally() -> None:
    assert render("{n} en {b}", n=7, b=True) == "7 en ja"


def test_user_text_is_inserted_as_is_and_never_expanded() -> None:
    hostile = "{ander} {0.__globals__} %s {x:>99} [bold]x[/bold] \x1b[2J"
    assert render("Je zei: {a}", a=hostile, ander="Paul") == "Je zei: " + hostile


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("{x.__class__}", "geen geldige invulplek"),
        ("{0.__globals__}", "geen geldige invulplek"),
        ("{x:>999999999}", "geen geldige invulplek"),
        ("{x!r}", "geen geldige invulplek"),
        ("{}", "geen geldige invulplek"),
        ("{x|shout}", "onbekend filter"),
        ("open {x", "zonder afsluitende"),
        ("los }", "losse"),
    ],
)
def test_bad_templates_are_refused_at_parse_time(source: str, fragment: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(source)
    assert fragment in caught.value.message


def test_names_lists_the_fields() -> None:
    assert list(parse_template("{a} en {b|lower} en {{c}}").names()) == ["a", "b"]


def test_quote_leaves_the_full_stop_to_the_sentence_around_it() -> None:
    assert render("Je schreef {x|quote}. Klopt dat?", x=" Ik vraag eerst. ") == (
        "Je schreef ‘Ik vraag eerst’. Klopt dat?"
    )
    assert render("{x|quote}", x="Hoe ging het?") == "‘Hoe ging het?’"
    assert render("{x|quote}", x="En toen...") == "‘En toen...’"
