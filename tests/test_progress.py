"""Progress over time with one person (`coach progress`): agreements, follow-ups, trends."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Result
from helpers import STRONG_BUIV

from coach.loader import load_dialogue
from coach.model import Dialogue, SessionInfo, Transcript, TranscriptTurn
from coach.progress import Progress, progress, signed, sparkline, to_data
from coach.shipped import shipped_dir

Run = Callable[..., Result]
Turn = tuple[str, str, str, str, Any]  # node, kind, speaker, text, value


@pytest.fixture(scope="module")
def buiv() -> Dialogue:
    return load_dialogue(shipped_dir() / "buiv.yaml")


def record(
    number: int,
    turns: list[Turn],
    subject: str | None = "Paul",
    dialogue_id: str = "buiv",
) -> Transcript:
    """A session started on day `number` of March, its turns a second apart."""
    day = f"2026-03-{number:02d}T10:00"
    info = SessionInfo(
        number,
        f"uuid{number}",
        dialogue_id,
        1,
        "hash",
        dialogue_id.capitalize(),
        None,
        subject,
        "completed",
        f"{day}:00.000Z",
        f"{day}:59.000Z",
        f"{day}:59.000Z",
    )
    return Transcript(
        info,
        tuple(
            TranscriptTurn(seq, node, None, kind, speaker, text, value, f"{day}:{seq:02d}.000Z")
            for seq, (node, kind, speaker, text, value) in enumerate(turns, start=1)
        ),
    )


def ask(node: str, answer: str) -> list[Turn]:
    return [(node, "ask", "coach", f"Vraag {node}?", None), (node, "ask", "user", answer, None)]


def probe(node: str, rule: str, answer: str) -> list[Turn]:
    why = {"rule": rule, "match": None}
    return [(node, "probe", "coach", "Vervolgvraag?", why), (node, "probe", "user", answer, None)]


def scale(node: str, value: int, low: int = 1, high: int = 10) -> list[Turn]:
    return [
        (node, "scale", "coach", "Hoe zeker ga je nu het gesprek in?", [low, high]),
        (node, "scale", "user", str(value), value),
    ]


def rule(dialogue: Dialogue, node: str, index: int) -> str:
    found = dialogue.node(node)
    return found.probes[index].when.source  # type: ignore[union-attr]


def run(subject: str, records: list[Transcript], dialogue: Dialogue | None, **kw: Any) -> Progress:
    return progress(subject, records, {r.session.id: dialogue for r in records}, **kw)


# -- pure: agreements and their follow-up ----------------------------------------------------


def test_an_agreement_is_followed_up_in_the_next_session(buiv: Dialogue) -> None:
    first = record(
        1,
        ask("voorleven", "Ik vraag eerst naar zijn loopbaan.")
        + ask("opening", "Hoe kijk jij erop terug?"),
    )
    second = record(
        2,
        ask("vorige-keer", "Dat lukte, hij vertelde veel.") + ask("voorleven", "Ik luister eerst."),
    )
    result = run("paul", [second, first], buiv)

    assert [item.info.id for item in result.sessions] == [1, 2]  # oldest first
    voorleven, opening = result.sessions[0].agreements
    assert (voorleven.label, voorleven.text) == ("Voorleven", "Ik vraag eerst naar zijn loopbaan.")
    assert [(f.session_id, f.node, f.text) for f in voorleven.follow_ups] == [
        (2, "vorige-keer", "Dat lukte, hij vertelde veel.")
    ]
    assert opening.label == "Openingsvraag"  # the closing card's name for it
    assert not opening.asked_again  # buiv never asks how the opening question went
    (later,) = result.sessions[1].agreements
    assert later.asked_again and later.follow_ups == ()  # nog niet besproken


def test_an_answer_is_rebuilt_with_its_follow_ups_as_the_engine_keeps_it(buiv: Dialogue) -> None:
    adds = rule(buiv, "voorleven", 1)
    replaces = rule(buiv, "opening", 0)
    first = record(
        1,
        ask("voorleven", "Open zijn.")
        + probe("voorleven", adds, "Ik vraag eerst naar zijn loopbaan.")
        + ask("opening", "Gaat het goed?")
        + probe("opening", replaces, "Hoe gaat het met je?"),
    )
    voorleven, opening = run("Paul", [first], buiv).sessions[0].agreements
    assert voorleven.text == "Open zijn.\nIk vraag eerst naar zijn loopbaan."
    assert opening.text == "Hoe gaat het met je?"


def test_a_follow_up_that_says_it_replaces_replaces(buiv: Dialogue) -> None:
    why = {"rule": "een regel die er niet meer is", "match": None, "replace": True}
    first = record(
        1,
        [
            *ask("voorleven", "Open zijn."),
            ("voorleven", "probe", "coach", "Vervolgvraag?", why),
            ("voorleven", "probe", "user", "Ik vraag eerst naar zijn loopbaan.", None),
        ],
    )
    (voorleven,) = run("Paul", [first], buiv).sessions[0].agreements
    assert voorleven.text == "Ik vraag eerst naar zijn loopbaan."


def test_a_question_asked_again_keeps_its_last_answer(buiv: Dialogue) -> None:
    first = record(
        1,
        [
            *ask("voorleven", "Eerste versie."),
            ("afronden", "choose", "user", "3", "Voorleven aanscherpen"),
            *ask("voorleven", "Tweede versie."),
            ("opening", "skip", "user", "", None),
        ],
    )
    (voorleven,) = run("Paul", [first], buiv).sessions[0].agreements
    assert voorleven.text == "Tweede versie."


def test_the_follow_up_goes_to_the_latest_earlier_session_that_answered_it(
    buiv: Dialogue,
) -> None:
    first = record(1, ask("voorleven", "Ik begin met een vraag."))
    paused = record(2, ask("vorige-keer", "Ging redelijk."))  # stopped before voorleven
    third = record(3, ask("vorige-keer", "Nu beter.") + ask("voorleven", "Ik vat eerst samen."))
    fourth = record(4, [("vorige-keer", "skip", "user", "", None)])
    result = run("Paul", [first, paused, third, fourth], buiv)

    (voorleven,) = result.sessions[0].agreements
    assert [(f.session_id, f.text) for f in voorleven.follow_ups] == [
        (2, "Ging redelijk."),
        (3, "Nu beter."),
    ]
    assert result.sessions[1].agreements == ()
    (again,) = result.sessions[2].agreements
    assert [(f.session_id, f.text) for f in again.follow_ups] == [(4, None)]  # skipped


def test_only_sessions_about_the_same_person_count(buiv: Dialogue) -> None:
    records = [
        record(1, ask("voorleven", "A."), subject="Pául"),
        record(2, ask("voorleven", "B."), subject="  paul "),
        record(3, ask("voorleven", "C."), subject="Paula"),
        record(4, ask("voorleven", "D."), subject=None),
        record(5, ask("voorleven", "E."), subject="Paul"),
        record(6, ask("voorleven", "F."), subject="[Paul]"),  # redacted: a role, not a person
    ]
    result = run("PAUL", records, buiv)
    assert [item.info.id for item in result.sessions] == [1, 2, 5]
    assert result.subject == "Paul"  # the latest of the spellings used as often


def test_a_dialogue_that_cannot_be_loaded_gives_no_agreements_but_keeps_the_trend() -> None:
    records = [
        record(1, ask("voorleven", "A.") + scale("zekerheid", 3)),
        record(2, scale("zekerheid", 5)),
    ]
    result = run("Paul", records, None)
    assert [(s.dialogue_found, s.agreements) for s in result.sessions] == [(False, ())] * 2
    (trend,) = result.scales
    assert [r.value for r in trend.readings] == [3, 5]


def test_a_sub_dialogue_follows_up_and_shares_the_scale_question(buiv: Dialogue) -> None:
    ontwikkel = load_dialogue(shipped_dir() / "ontwikkelgesprek.yaml")
    first = record(1, ask("voorleven", "Ik luister eerst.") + scale("zekerheid", 4))
    second = record(
        2,
        ask("voorbereiding/vorige-keer", "Het luisteren lukte.")
        + scale("voorbereiding/zekerheid", 6)
        + ask("afspraken", "Intervisie in blok 3."),
        dialogue_id="ontwikkelgesprek",
    )
    dialogues = {1: buiv, 2: ontwikkel}
    result = progress("Paul", [first, second], dialogues)
    (voorleven,) = result.sessions[0].agreements
    assert [(f.session_id, f.node) for f in voorleven.follow_ups] == [
        (2, "voorbereiding/vorige-keer")
    ]
    assert [a.name for a in result.sessions[1].agreements] == ["afspraken"]
    (trend,) = result.scales
    assert (trend.dialogue_id, trend.node, trend.change) == ("buiv", "zekerheid", 2)

    only_buiv = progress("Paul", [first, second], dialogues, "buiv")
    assert [s.info.id for s in only_buiv.sessions] == [1]
    assert only_buiv.sessions[0].agreements[0].follow_ups  # still seen from the other dialogue
    assert [r.value for r in only_buiv.scales[0].readings] == [4]


# -- pure: scale trends ----------------------------------------------------------------------


def test_a_scale_question_in_several_sessions_is_a_trend(buiv: Dialogue) -> None:
    records = [
        record(1, scale("zekerheid", 4)),
        record(2, scale("zekerheid", 7) + scale("zekerheid", 8)),  # asked twice in one session
        record(3, []),
    ]
    (trend,) = run("Paul", records, buiv).scales
    assert trend.question == "Hoe zeker ga je nu het gesprek in?"
    assert (trend.low, trend.high) == (1, 10)
    assert [(r.session_id, r.value) for r in trend.readings] == [(1, 4), (2, 7), (2, 8)]
    assert trend.change == 4


def test_a_single_scale_answer_has_no_change(buiv: Dialogue) -> None:
    (trend,) = run("Paul", [record(1, scale("zekerheid", 6))], buiv).scales
    assert trend.change is None


def test_sparkline_scales_to_the_range() -> None:
    assert sparkline([1, 10], 1, 10) == "▁█"
    assert sparkline([0, 5, 10], 0, 10) == "▁▅█"
    assert sparkline([3, 3], 3, 3) == "██"  # a range of one value: no division by zero
    assert sparkline([12], 1, 10) == "█"  # outside the range: clamped
    assert (signed(3), signed(-2), signed(0), signed(1.5)) == ("+3", "-2", "0", "+1.5")


def test_the_data_is_plain_json(buiv: Dialogue) -> None:
    first = record(1, ask("voorleven", "Ik begin.") + scale("zekerheid", 4))
    second = record(2, ask("vorige-keer", "Goed.") + scale("zekerheid", 7))
    data = json.loads(json.dumps(to_data(run("Paul", [first, second], buiv))))
    assert data["format"] == "coach-progress"
    agreement = data["sessions"][0]["agreements"][0]
    assert agreement["follow_ups"][0] == {
        "session": 2,
        "node": "vorige-keer",
        "text": "Goed.",
        "skipped": False,
        "answered_at": "2026-03-02T10:00:02.000Z",
    }
    assert data["scales"][0]["range"] == [1, 10]
    assert data["scales"][0]["change"] == 3


# -- the command -----------------------------------------------------------------------------


def buiv_answers(zekerheid: str, terugblik: str | None = None) -> str:
    """Strong answers to buiv with --met (no who-question), with a certainty on the scale."""
    answers = STRONG_BUIV[1:]
    answers[answers.index("6")] = zekerheid
    if terugblik is not None:
        answers.insert(0, terugblik)
    return "\n".join(answers) + "\n"


def test_progress_shows_sessions_agreements_follow_up_and_trend(run_cli: Run) -> None:
    assert run_cli("run", "buiv", "--met", "Paul", input=buiv_answers("4")).code == 0
    second = run_cli("run", "buiv", "--met", "paul", input=buiv_answers("7", "Het ging goed."))
    assert second.code == 0 and "Vorige keer dat je een gesprek met paul" in second.out
    run_cli("run", "buiv", "--met", "Mark", input=buiv_answers("2"))

    result = run_cli("progress", "PÁUL")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("Paul · 2 gesprekken")
    assert "Mark" not in out
    assert out.index("Sessie 1") < out.index("Het ging goed.  (sessie 2)") < out.index("Sessie 2")
    assert "Ik begin in zijn werkkamer met een vraag over zijn loopbaan" in out
    assert "Openingsvraag   Hoe kijk jij terug op het laatste directieberaad?" in out
    assert out.count("↳ hoe ging het") == 2
    assert "nog niet besproken" in out.split("Sessie 2")[1]
    assert "Hoe zeker ga je nu het gesprek in?  (1–10)" in out
    assert "▃▆  4 → 7 (+3)" in out


def test_progress_as_json(run_cli: Run) -> None:
    run_cli("run", "buiv", "--met", "Paul", input=buiv_answers("4"))
    run_cli("run", "buiv", "--met", "Paul", input=buiv_answers("7", "Goed \x1b[2J\u202e."))
    result = run_cli("progress", "paul", "--format", "json")
    assert result.code == 0
    assert "\x1b" not in result.out and "\u202e" not in result.out  # escaped, as in the export
    data = json.loads(result.out)
    assert [s["id"] for s in data["sessions"]] == [1, 2]
    follow = data["sessions"][0]["agreements"][0]["follow_ups"][0]
    assert follow["text"] == "Goed \x1b[2J\u202e."
    assert [r["value"] for r in data["scales"][0]["readings"]] == [4, 7]


def test_leader_text_is_shown_visibly(run_cli: Run) -> None:
    run_cli("run", "buiv", "--met", "Paul", input=buiv_answers("4"))
    run_cli("run", "buiv", "--met", "Paul", input=buiv_answers("5", "Goed \x1b[2J[bold]x[/bold]"))
    out = run_cli("progress", "Paul").out
    assert "\x1b" not in out
    assert "Goed ␛[2J[bold]x[/bold]" in out


def test_an_unknown_person_is_no_error_and_creates_no_database(
    run_cli: Run, coach_home: Path
) -> None:
    result = run_cli("progress", "Paul")
    assert result.code == 0
    assert "Je hebt nog geen gesprekken met Paul bewaard." in result.out
    assert "coach transcripts list" in result.out
    assert not (coach_home / "coach.db").exists()

    run_cli("run", "buiv", "--met", "Paul", input="")
    near = run_cli("progress", "Pual")
    assert near.code == 0 and "Bedoel je ‘Paul’?" in near.out
    other = run_cli("progress", "Paul", "--gesprek", "grow")
    assert "Je hebt nog geen gesprek ‘grow’ met Paul bewaard; wel: buiv." in other.out
    empty = json.loads(run_cli("progress", "Anna", "--format", "json").out)
    assert empty["sessions"] == [] and empty["scales"] == []
    assert run_cli("progress", "  ").code == 2


OWN = """\
id: eigen-terugblik
version: 1
title: Eigen terugblik
description: Een gesprek dat later verdwijnt.
subject: ander
remember: [doel]
nodes:
  wie:
    when: not answered(ander)
    ask: Met wie?
    into: ander
  terug:
    when: answered(previous.doel)
    ask: 'Vorige keer wilde je: {previous.doel}. Hoe ging dat?'
    into: hoe
  doel:
    ask: Wat wil je bereiken met {ander}?
  zeker:
    scale: Hoe zeker ben je?
    range: [0, 4]
  klaar:
    end: Klaar.
"""


def test_a_session_whose_dialogue_was_removed(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "eigen-terugblik.yaml"
    path.write_text(OWN, encoding="utf-8")
    run_cli("run", str(path), "--met", "Sam", input="Dat ze zelf kiest.\n1\n")
    run_cli("run", str(path), "--met", "Sam", input="Ze koos zelf.\nDat ze het uitprobeert.\n3\n")
    before = run_cli("progress", "sam").out
    assert "Doel" in before and "Ze koos zelf.  (sessie 2)" in before

    path.unlink()
    result = run_cli("progress", "sam")
    assert result.code == 0
    assert result.out.count("Het gesprek ‘eigen-terugblik’ is niet meer te vinden") == 2
    assert "Dat ze zelf kiest" not in result.out
    assert "▃▆  1 → 3 (+2)" in result.out  # the trend needs only the transcripts


def test_progress_has_dutch_help_with_examples(run_cli: Run) -> None:
    result = run_cli("progress", "--help")
    assert result.code == 0
    assert result.out.startswith("Gebruik: coach progress [OPTIES] WIE")
    assert "Voorbeelden:\n    coach progress Paul\n" in result.out


def test_every_json_field_is_documented(buiv: Dialogue) -> None:
    doc = Path(__file__).resolve().parent.parent / "docs" / "transcript-format.md"
    section = doc.read_text("utf-8").split("## Progress over time")[1]
    first = record(1, ask("voorleven", "Ik begin.") + scale("zekerheid", 4))
    second = record(2, [("vorige-keer", "skip", "user", "", None), *scale("zekerheid", 7)])
    data = to_data(run("Paul", [first, second], buiv))
    session = data["sessions"][0]
    agreement = session["agreements"][0]
    keys = {
        *data,
        *session,
        *agreement,
        *agreement["follow_ups"][0],
        *data["scales"][0],
        *data["scales"][0]["readings"][0],
    }
    for key in keys:
        assert f'"{key}"' in section, f"{key} is not in the example"
