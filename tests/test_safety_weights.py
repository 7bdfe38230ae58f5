"""The safety net's second reading: weighted words, their file, and how they are learned."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

from coach import catalog, safety, weights_file
from coach.language.analysis import analyse
from coach.language.weights import WeightedWords, read
from coach.quality.weights import fit
from coach.text import stem
from coach.weights_file import WeightsError, parse, render

ROOT = Path(__file__).resolve().parent.parent
Run = Callable[..., Result]


def weighted(threshold: float = 1.0, **weights: float) -> WeightedWords:
    return WeightedWords(-1.0, threshold, {stem(word): value for word, value in weights.items()})


@pytest.fixture
def net_with(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The shipped net, with the weighted words given to it."""

    def use(words: WeightedWords):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(weights_file, "load_weights", lambda path=None: words)
        return catalog.load("buiv")[0].safety

    return use


# -- reading ----------------------------------------------------------------------------------


def test_the_words_of_an_answer_add_up_once_per_word() -> None:
    words = weighted(threshold=0.5, vergaderzaal=0.5, slapeloos=1.5)
    reading = read(analyse("Slapeloos, slapeloos, en de vergaderzaal is te koud."), words)
    assert reading.total == pytest.approx(-1.0 + 1.5 + 0.5)
    assert reading.passes(words)
    assert analyse("Slapeloos").tokens[0].folded == "slapeloos"


def test_quoted_words_and_a_past_that_is_over_weigh_nothing() -> None:
    words = weighted(slapeloos=3.0)
    assert read(analyse("Hij riep: 'slapeloos ben ik!'"), words).total == -1.0
    assert read(analyse("Drie jaar geleden was ik slapeloos."), words).total == -1.0
    assert read(analyse("Ik ben slapeloos."), words).total == 2.0


def test_the_heaviest_word_is_the_one_that_weighs_most_towards_a_signal() -> None:
    words = weighted(rooster=-2.0, slapeloos=1.5, moe=0.5)
    reading = read(analyse("Het rooster maakt me moe en slapeloos"), words)
    assert reading.heaviest is not None
    assert analyse("Het rooster maakt me moe en slapeloos").tokens[reading.heaviest].folded == (
        "slapeloos"
    )
    assert read(analyse("Het rooster"), words).heaviest is None


# -- the net ----------------------------------------------------------------------------------


def test_words_that_together_weigh_enough_open_the_net_where_no_rule_matched(net_with) -> None:  # type: ignore[no-untyped-def]
    net = net_with(weighted(zolderkamer=1.2, fietsenhok=1.2))
    answer = "Ik zit elke pauze op de zolderkamer of achter het fietsenhok."
    assert safety.signal(net, answer, ()) == ("zorg", "")


def test_words_that_weigh_too_little_leave_the_net_closed(net_with) -> None:  # type: ignore[no-untyped-def]
    net = net_with(weighted(zolderkamer=1.2, fietsenhok=0.5))
    assert (
        safety.signal(net, "Ik zit elke pauze op de zolderkamer of achter het fietsenhok.", ())
        is None
    )


def test_weighted_words_about_someone_else_are_worry_for_them(net_with) -> None:  # type: ignore[no-untyped-def]
    net = net_with(weighted(zolderkamer=1.2, fietsenhok=1.2))
    answer = "Mijn collega zit elke pauze op de zolderkamer of achter het fietsenhok."
    assert safety.signal(net, answer, ()) == ("ander", "")


def test_weighted_words_never_give_a_crisis_and_rules_go_first(net_with) -> None:  # type: ignore[no-untyped-def]
    net = net_with(weighted(threshold=-5.0, weer=0.1))  # every answer passes
    assert safety.signal(net, "Het weer is mooi vandaag.", ()) == ("zorg", "")
    found = safety.assess(net, "Soms wil ik er gewoon niet meer zijn.")
    assert [level for level, _ in found] == ["crisis"]


def test_a_weights_file_that_cannot_be_read_leaves_the_rules_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(path: Path | None = None) -> WeightedWords:
        raise WeightsError("gewichten.txt", 0, "kapot")

    monkeypatch.setattr(weights_file, "load_weights", broken)
    net = catalog.load("buiv")[0].safety
    assert safety.signal(net, "ik denk aan zelfdoding", ()) is not None
    assert safety.signal(net, "Het rooster is af.", ()) is None


# -- the file ---------------------------------------------------------------------------------


def test_a_weights_file_reads_back_what_was_written() -> None:
    words = WeightedWords(-2.5, 3.0, {"slaap": 1.25, "rooster": -0.5})
    text = render(words, {"slaap": "slapen"})
    assert "  1.25  slapen  slaap" in text
    assert parse(text, "gewichten.txt") == words


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bias -1\n", "de regel ‘drempel …’ ontbreekt"),
        (
            "bias -1\ndrempel 3\n1,5 slapen slaap\n",
            "gewichten.txt:3: verwacht ‘gewicht woord stam’",
        ),
        ("bias x\ndrempel 3\n", "gewichten.txt:1:"),
    ],
)
def test_a_broken_weights_file_says_where_in_dutch(text: str, message: str) -> None:
    with pytest.raises(WeightsError, match=message):
        parse(text, "gewichten.txt")


def test_validate_says_where_a_weights_file_is_broken(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "safety"
    folder.mkdir()
    (folder / "gewichten.txt").write_text("bias -1\ndrempel 3\n0.5 slapen\n", encoding="utf-8")
    result = run_cli("validate", str(folder / "gewichten.txt"))
    assert result.code == 1
    assert "gewichten.txt:3" in result.out + result.err
    assert "verwacht ‘gewicht woord stam’" in result.out + result.err
    assert run_cli("validate", str(ROOT / "dialogues" / "safety" / "gewichten.txt")).code == 0


def test_the_shipped_weights_are_read_and_lean_the_right_way() -> None:
    words = weights_file.load_weights()
    assert words.threshold > 0
    assert words.weights[stem("zelfdoding")] > 0
    assert words.weights[stem("afspraken")] < 0


# -- learning ---------------------------------------------------------------------------------


def test_learning_is_the_same_every_time_and_leans_towards_the_signals() -> None:
    items = [
        ("ik slaap al weken slecht en tril", True),
        ("mijn hart bonkt en ik tril", True),
        ("het rooster voor de toetsweek is af", False),
        ("de toetsweek begint maandag", False),
    ] * 5
    known = {stem(word) for word in ("tril", "slaap", "hart", "rooster", "toetsweek")}
    first = fit(items, known)
    assert first == fit(items, known)
    _, weights = first
    assert weights[stem("tril")] > 0 > weights[stem("toetsweek")]


def test_eval_learns_weights_only_from_the_development_split(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("eval", "--split", "test", "--weights", str(tmp_path / "w.txt"))
    assert result.code == 2
    assert "alleen van de ontwikkelset" in result.err
    assert not (tmp_path / "w.txt").exists()


def test_the_shipped_weights_are_what_the_development_split_gives(
    run_cli: Run, tmp_path: Path
) -> None:
    """Nobody tuned a weight by hand: learning again gives the same file, byte for byte."""
    target = tmp_path / "gewichten.txt"
    corpus = str(ROOT / "corpus")
    result = run_cli("eval", "--corpus", corpus, "--missers", "0", "--weights", str(target))
    assert result.code == 0, result.err
    shipped = ROOT / "dialogues" / "safety" / "gewichten.txt"
    assert target.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")


def test_explain_shows_what_the_net_does_and_what_the_words_weigh(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = WeightedWords(
        -1.0, 1.0, {"zolderkamer": 1.5, "fietsenhok": 0.5, "zolderkamer+fietsenhok": 0.25}
    )
    monkeypatch.setattr(weights_file, "load_weights", lambda path=None: words)
    result = run_cli("explain", "Ik zit op de zolderkamer bij het fietsenhok")
    assert result.code == 0
    assert "Vangnet: gaat open: zorg" in result.out
    assert "som 1.25 (drempel 1.00): zolderkamer +1.50, fietsenhok +0.50" in result.out
    assert "zolderkamer+fietsenhok +0.25" in result.out  # a pair, in the leader's words
    quiet = run_cli("explain", "Het fietsenhok is dicht")
    assert "Vangnet: gaat niet open" in quiet.out


def test_eval_names_the_weighted_words_when_they_opened_the_net() -> None:
    from coach.quality.corpus import FollowupItem
    from coach.quality.evaluate import Evaluation, OrdinaryResult
    from coach.quality.report import as_text

    item = FollowupItem("grow", "doel", "Het verzuim moet omlaag.", ("none",))
    evaluation = Evaluation(
        ordinary=[OrdinaryResult(item, "zorg", ""), OrdinaryResult(item, "zorg", "ziek")]
    )
    text = as_text(evaluation, "dev", 5)
    assert "gaf zorg om de gewogen woorden samen: ‘Het verzuim moet omlaag.’" in text
    assert "gaf zorg om ‘ziek’" in text
