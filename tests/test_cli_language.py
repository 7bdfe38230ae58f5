"""`coach explain` and `coach lexicon show`: they work on every shipped word list and say
what an author needs to know."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import Result

from coach.lexicon_files import available, lexicon_dirs

Run = Callable[..., Result]
SHIPPED = available(lexicon_dirs(None))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_list_can_be_shown_and_explained(run_cli: Run, name: str) -> None:
    shown = run_cli("lexicon", "show", name)
    assert shown.code == 0, shown.err
    assert shown.out.startswith(f"{name}: ")
    explained = run_cli("explain", "Ik was niet boos, wel moe.", "--lexicon", name)
    assert explained.code == 0, explained.err


def test_explain_shows_the_negation_and_what_would_have_counted(run_cli: Run) -> None:
    result = run_cli(
        "explain", "Ik was eigenlijk niet boos of geïrriteerd.", "--lexicon", "emoties"
    )
    assert "ontkend door ‘niet’" in result.out
    assert "telt niet: ontkend door ‘niet’ (zonder de ontkenning wel)" in result.out


def test_explain_shows_whose_words_and_the_follow_ups_in_order(run_cli: Run) -> None:
    result = run_cli(
        "explain",
        "hij zei 'ik ben hier de enige die resultaten haalt'",
        "--dialogue",
        "buiv",
        "--node",
        "inleven",
    )
    assert result.code == 0
    assert "citaat" in result.out and "ander/" in result.out
    assert "→ gesteld" in result.out


def test_unknown_lists_and_nodes_get_a_clear_message(run_cli: Run) -> None:
    assert "er is geen woordenlijst 'emotie'" in run_cli("lexicon", "show", "emotie").err
    missing = run_cli("explain", "zin", "--dialogue", "buiv", "--node", "nergens")
    assert missing.code != 0 and "'nergens' is geen vraag in 'buiv'" in missing.err
