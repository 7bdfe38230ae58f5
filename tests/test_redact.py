"""Exports without names: `coach transcripts export --redact` and coach.redact."""

from __future__ import annotations

import dataclasses
import json
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Result
from helpers import STRONG_BUIV
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.export import to_json, to_markdown
from coach.model import Annotation, SessionInfo, Transcript, TranscriptTurn
from coach.redact import mark_json, names_in, redact, redacted_export, role_for
from coach.text import fold

Run = Callable[..., Result]
T = "2026-11-24T13:02:11.116Z"


# -- building transcripts --------------------------------------------------------------------


def session(subject: str | None = "Paul", dialogue_id: str = "buiv") -> SessionInfo:
    return SessionInfo(
        id=3,
        uuid="707a2f746c6347c9995732ffbc98bb23",
        dialogue_id=dialogue_id,
        dialogue_version=2,
        dialogue_hash="c44c",
        dialogue_title="Beleven, Uitleven, Inleven, Voorleven",
        dialogue_path="/home/marloes/dialogues/buiv.yaml",
        subject=subject,
        status="completed",
        started_at=T,
        updated_at=T,
        ended_at=T,
    )


def make(
    turns: list[tuple[str, str, str] | tuple[str, str, str, Any]],
    subject: str | None = "Paul",
    annotations: tuple[Annotation, ...] = (),
) -> Transcript:
    """A transcript from (speaker, kind, text[, value]) rows."""
    built = []
    for seq, row in enumerate(turns, start=1):
        speaker, kind, text = row[:3]
        value = row[3] if len(row) > 3 else None
        built.append(TranscriptTurn(seq, f"node{seq}", None, kind, speaker, text, value, T))
    return Transcript(session(subject), tuple(built), annotations)


def user(*texts: str) -> Transcript:
    """A transcript without subject in which the leader typed these answers."""
    return make([("user", "ask", text) for text in texts], subject=None)


def texts(transcript: Transcript) -> list[str]:
    return [turn.text for turn in transcript.turns]


def leaked(text: str, names: list[str]) -> list[str]:
    """The names that still occur in the text, ignoring case and accents."""
    folded = fold(text)
    return [name for name in names if fold(name) in folded]


# A buiv session about Paul in which the leader also names others.
BUIV_ABOUT_PAUL = make(
    [
        ("coach", "say", "Je bereidt een gesprek voor dat je lastig vindt."),
        ("coach", "ask", "Met wie ga je het gesprek voeren? Eén voornaam of rol is genoeg."),
        ("user", "ask", "Paul"),
        ("coach", "ask", "Waar wil je het met Paul over hebben? Een zin of twee is genoeg."),
        ("user", "ask", "Hoe Paul in het directieberaad over Marloes en Jan de Vries praat."),
        ("coach", "ask", "Denk aan één concreet moment waarop het speelde. Wat gebeurde er?"),
        ("user", "ask", "Paul was weer arrogant, zoals altijd."),
        (
            "coach",
            "probe",
            "Je schrijft ‘arrogant’. Dat is jouw oordeel. Wat zei of deed Paul precies?",
            {"rule": "mentions(answer, 'oordelen')", "match": "arrogant"},
        ),
        (
            "user",
            "probe",
            "Dinsdag zei hij dat de school van Jan de Vries haar problemen aan zichzelf te "
            "danken heeft. Marloes keek naar mij. Ik werd stil. De Vries zei niets.",
        ),
        ("coach", "ask", "Verplaats je nu in Paul. Hoe heeft die het moment beleefd?"),
        ("user", "ask", "Misschien vindt paul dat Pauls school te weinig gezien wordt."),
        (
            "coach",
            "ask",
            "Welk voorbeeld wil jij in het gesprek geven, zodat Paul zich vrij voelt?",
        ),
        ("user", "ask", "Ik begin met een vraag over Sanne's klas, en over wat Marloes zag."),
        ("coach", "choose", "Hoe wil je verder?", ["Toon mijn gesprekskaart", "Inleven"]),
        ("user", "choose", "1", "Toon mijn gesprekskaart"),
        (
            "coach",
            "end",
            "Lees je gesprekskaart vlak voor het gesprek nog eens door. Succes met Paul.",
            {
                "title": "Gesprekskaart · gesprek met Paul",
                "card": [
                    ["Waarover", "Hoe Paul in het directieberaad over Marloes praat."],
                    ["Beleven", "De Vries zei niets. Marloes keek naar mij."],
                    ["Voorleven", "Ik begin met een vraag over Sanne's klas."],
                ],
            },
        ),
    ]
)
PEOPLE = ["Paul", "Marloes", "Jan", "Vries", "Sanne"]


# -- what gets replaced ----------------------------------------------------------------------


def test_a_session_about_paul_keeps_none_of_the_names_in_json_or_markdown() -> None:
    for text in (
        redacted_export(BUIV_ABOUT_PAUL, "json", "de ander"),
        redacted_export(BUIV_ABOUT_PAUL, "md", "de ander"),
    ):
        assert leaked(text, PEOPLE) == []
        shown = text.replace("\\[", "[").replace("\\]", "]")  # Markdown escapes brackets
        assert all(label in shown for label in ("[de ander]", "[M.]", "[J.V.]", "[S.]"))


def test_the_subject_becomes_the_role_everywhere() -> None:
    clean = redact(BUIV_ABOUT_PAUL, "de ander")
    assert clean.session.subject == "[de ander]"
    assert texts(clean)[2] == "[de ander]"
    assert (
        texts(clean)[3] == "Waar wil je het met [de ander] over hebben? Een zin of twee is genoeg."
    )
    assert texts(clean)[7].endswith("Wat zei of deed [de ander] precies?")
    assert (
        texts(clean)[11]
        == "Welk voorbeeld wil jij in het gesprek geven, zodat [de ander] zich vrij voelt?"
    )
    card = clean.turns[-1].value
    assert card["title"] == "Gesprekskaart · gesprek met [de ander]"
    assert card["card"][0] == ["Waarover", "Hoe [de ander] in het directieberaad over [M.] praat."]


def test_the_role_reads_as_a_sentence_start_lower_case_and_possessive() -> None:
    clean = texts(redact(BUIV_ABOUT_PAUL, "de ander"))
    assert clean[6] == "[De ander] was weer arrogant, zoals altijd."
    assert clean[10] == "Misschien vindt [de ander] dat [de ander]'s school te weinig gezien wordt."


def test_other_names_become_initials_consistently() -> None:
    clean = texts(redact(BUIV_ABOUT_PAUL, "de ander"))
    assert clean[4] == "Hoe [de ander] in het directieberaad over [M.] en [J.V.] praat."
    assert clean[8] == (
        "Dinsdag zei hij dat de school van [J.V.] haar problemen aan zichzelf te danken heeft. "
        "[M.] keek naar mij. Ik werd stil. [J.V.] zei niets."
    )
    assert clean[12] == "Ik begin met een vraag over [S.]'s klas, en over wat [M.] zag."


def test_two_names_with_the_same_initials_stay_apart() -> None:
    clean = texts(redact(user("Ik sprak met Marloes en Mark.", "Daarna zei Mark: vraag Marloes.")))
    assert clean == ["Ik sprak met [M.] en [M.2].", "Daarna zei [M.2]: vraag [M.]."]


def test_the_same_session_always_gives_the_same_export() -> None:
    assert redacted_export(BUIV_ABOUT_PAUL, "json") == redacted_export(BUIV_ABOUT_PAUL, "json")


def test_names_inside_other_words_are_left_alone() -> None:
    # `Paul` does not touch `paulusschool`; `Paulien` is a name of its own, with its own
    # initial, never `[de ander]ien`. `Jan` does not touch `januari`.
    clean = texts(
        redact(
            make(
                [
                    ("user", "ask", "Paul"),
                    ("user", "ask", "In januari vroeg Paul op de paulusschool naar Paulien."),
                    ("user", "ask", "Ik sprak Jan, en Jansen ook."),
                ]
            ),
            "de ander",
        )
    )
    assert clean[1] == "In januari vroeg [de ander] op de paulusschool naar [P.]."
    assert clean[2] == "Ik sprak [J.], en [J.2] ook."


def test_possessive_forms_are_caught() -> None:
    clean = texts(
        redact(make([("user", "ask", "Pauls klas, Paul's rooster, Pauls' idee en Paul’s plan.")]))
    )
    assert clean == [
        "[De ander]'s klas, [de ander]'s rooster, [de ander]'s idee en [de ander]’s plan."
    ]


def test_a_name_at_the_start_of_a_sentence_counts_when_it_is_a_name_elsewhere() -> None:
    clean = texts(redact(user("Karsten kwam te laat.", "Ik vroeg aan Karsten waarom.")))
    assert clean == ["[K.] kwam te laat.", "Ik vroeg aan [K.] waarom."]


def test_a_common_first_name_or_a_pair_at_the_start_of_a_sentence_is_a_name() -> None:
    assert texts(redact(user("Mira zei niets."))) == ["[M.] zei niets."]
    assert texts(redact(user("Samira en Paul maakten de lijst."))) == [
        "[S.] en [P.] maakten de lijst."
    ]


def test_ordinary_capitalised_words_stay() -> None:
    text = "Dinsdag besprak het MT met de ICT-coördinator het Engels in januari. Ik was moe."
    assert texts(redact(user(text))) == [text]
    found = names_in("Toen Marloes binnenkwam, zei mevrouw De Vries iets.")
    assert [name.key for name in found] == [("marloes",), ("de", "vries")]


def test_a_name_that_is_also_a_word_is_replaced_only_with_its_capital() -> None:
    clean = texts(redact(user("Ik sprak met Ben. Ik ben moe, en Ben ook.")))
    assert clean == ["Ik sprak met [B.]. Ik ben moe, en [B.] ook."]
    school = make(
        [
            ("coach", "ask", "Waar voer je het gesprek? Op zijn eigen school?"),
            ("user", "ask", "Op de Vrije School, met Jan. De Vries komt ook."),
            ("user", "ask", "Ik ken Jan de Vries al lang."),
        ],
        subject=None,
    )
    assert texts(redact(school)) == [
        "Waar voer je het gesprek? Op zijn eigen school?",
        "Op de [V.S.], met [J.V.]. [J.V.] komt ook.",
        "Ik ken [J.V.] al lang.",
    ]


def test_frans_is_redacted_as_a_name_to_be_safe() -> None:
    assert texts(redact(user("Ik sprak met Frans over Engels."))) == [
        "Ik sprak met [F.] over Engels."
    ]


def test_unicode_names_are_found_and_matched_without_accents() -> None:
    clean = texts(redact(user("Ik sprak Zoë en Özlem.", "zoe en ozlem waren het eens.")))
    assert clean == ["Ik sprak [Z.] en [Ö.].", "[Z.] en [Ö.] waren het eens."]


def test_a_session_without_subject_still_loses_its_names() -> None:
    clean = redact(user("Ik wil het hebben over hoe Jeroen vergadert."))
    assert clean.session.subject is None
    assert texts(clean) == ["Ik wil het hebben over hoe [J.] vergadert."]
    assert "[de ander]" not in redacted_export(user("Geen namen hier."), "md")


def test_a_subject_with_a_surname_covers_its_parts() -> None:
    clean = texts(
        redact(make([("user", "ask", "Paul de Boer zei het, en Paul vond het.")], "Paul de Boer"))
    )
    assert clean == ["[De ander] zei het, en [de ander] vond het."]


def test_a_subject_that_describes_is_kept_but_names_in_it_are_not() -> None:
    # A role or a topic (grow's `kwestie`) is no name: it stays, and so does the text around it.
    kept = redact(make([("user", "ask", "Het ging over de rector en zijn MT.")], "de rector"))
    assert kept.session.subject == "de rector"
    assert texts(kept) == ["Het ging over de rector en zijn MT."]
    topic = "het verzuim van Daan in groep 7"
    clean = redact(make([("user", "ask", topic)], topic))
    assert clean.session.subject == "het verzuim van [D.] in groep 7"
    assert texts(clean) == ["het verzuim van [D.] in groep 7"]
    assert texts(redact(make([("user", "ask", "paul zei niets")], "paul"))) == [
        "[de ander] zei niets"
    ]


def test_names_the_coach_quotes_from_last_time_are_replaced() -> None:
    quoted = make(
        [
            (
                "coach",
                "ask",
                "Vorige keer wilde je dit voorleven:\n\n‘Ik vraag Marloes om mee te denken’\n\nHoe ging dat?",
            )
        ]
    )
    assert "Marloes" not in texts(redact(quoted))[0]


def test_values_are_rewritten_but_a_rule_is_kept() -> None:
    clean = redact(BUIV_ABOUT_PAUL)
    assert clean.turns[7].value == {"rule": "mentions(answer, 'oordelen')", "match": "arrogant"}
    probe = make(
        [
            ("user", "ask", "Ik sprak Marloes."),
            (
                "coach",
                "probe",
                "Je schrijft ‘Marloes’.",
                {"rule": "matches(answer, 'Marloes')", "match": "Marloes"},
            ),
        ]
    )
    value = redact(probe).turns[1].value
    assert value == {"rule": "matches(answer, 'Marloes')", "match": "[M.]"}


def test_annotations_lose_names_in_their_text_and_author() -> None:
    note = Annotation(1, 5, "Mooi dat je Marloes noemt; vraag Paul door.", "Anna de Wit", T)
    clean = redact(make([("user", "ask", "Marloes deed mee.")], annotations=(note,)), "de leraar")
    assert clean.annotations == (
        Annotation(1, 5, "Mooi dat je [M.] noemt; vraag [de leraar] door.", "[A.W.]", T),
    )


def test_the_rest_of_the_session_is_kept_and_the_path_dropped() -> None:
    info = redact(BUIV_ABOUT_PAUL).session
    assert info.dialogue_path is None
    assert (
        dataclasses.replace(
            info, subject="Paul", dialogue_path=BUIV_ABOUT_PAUL.session.dialogue_path
        )
        == BUIV_ABOUT_PAUL.session
    )
    original, clean = BUIV_ABOUT_PAUL.turns, redact(BUIV_ABOUT_PAUL).turns
    assert [(t.seq, t.node, t.kind, t.speaker, t.created_at) for t in clean] == [
        (t.seq, t.node, t.kind, t.speaker, t.created_at) for t in original
    ]


def test_every_field_that_can_hold_text_is_handled() -> None:
    # A tripwire: a new field on these records may carry a name; coach.redact must decide.
    assert [f.name for f in dataclasses.fields(Transcript)] == ["session", "turns", "annotations"]
    assert {f.name for f in dataclasses.fields(SessionInfo) if f.type in ("str", "str | None")} == {
        "uuid",
        "dialogue_id",
        "dialogue_hash",
        "dialogue_title",
        "dialogue_path",
        "subject",
        "status",
        "started_at",
        "updated_at",
        "ended_at",
    }
    assert [f.name for f in dataclasses.fields(Annotation)] == [
        "id",
        "turn",
        "text",
        "author",
        "created_at",
    ]


# -- the export ------------------------------------------------------------------------------


def test_the_json_says_it_is_redacted_and_is_otherwise_the_same_format() -> None:
    text = redacted_export(BUIV_ABOUT_PAUL, "json")
    data = json.loads(text)
    assert next(iter(data["session"])) == "redacted" and data["session"]["redacted"] is True
    plain = to_json(redact(BUIV_ABOUT_PAUL))
    assert text.replace('    "redacted": true,\n', "", 1) == plain
    assert "redacted" not in json.loads(to_json(BUIV_ABOUT_PAUL))["session"]
    assert json.loads(mark_json(plain))["turns"] == json.loads(plain)["turns"]


def test_the_markdown_says_names_were_replaced() -> None:
    text = redacted_export(BUIV_ABOUT_PAUL, "md")
    assert "- Sessie: 3\n- Namen: vervangen door een rol of initialen" in text
    assert "- Met: \\[de ander\\]" in text
    assert text.replace(
        "- Namen: vervangen door een rol of initialen; lees na voordat je dit deelt\n", ""
    ) == to_markdown(redact(BUIV_ABOUT_PAUL))


@pytest.mark.parametrize(
    ("answer", "role"),
    [
        ("ander", "de ander"),
        ("leraar", "de leraar"),
        ("collega", "de collega"),
        ("onderwerp", "de ander"),
        ("kwestie", "de kwestie"),
        ("teamlid", "het teamlid"),
        ("mentor", "de mentor"),
        ("wie", "de ander"),
        (None, "de ander"),
    ],
)
def test_the_role_comes_from_the_dialogues_subject(answer: str | None, role: str) -> None:
    assert role_for(answer) == role


# -- through the command line ----------------------------------------------------------------

NAMED_BUIV = list(STRONG_BUIV)
NAMED_BUIV[1] = "hoe hij in het directieberaad over Marloes en Jan de Vries praat"
NAMED_BUIV[2] += " Marloes keek naar mij. Sanne's team zat erbij."
NAMED_BUIV[6] += " Daarna vraag ik hoe Pauls collega's het zien."


def test_export_redact_end_to_end(run_cli: Run, tmp_path: Path) -> None:
    done = run_cli("run", "buiv", input="\n".join(NAMED_BUIV) + "\n")
    assert done.code == 0, done.err
    plain = run_cli("transcripts", "export", "1").out
    assert leaked(plain, PEOPLE) == PEOPLE  # the names are really there

    result = run_cli("transcripts", "export", "1", "--redact")
    assert result.code == 0, result.err
    assert "Lees de export na voordat je hem deelt" in result.err
    data = json.loads(result.out)
    assert data["session"]["redacted"] is True
    assert data["session"]["subject"] == "[de ander]"
    assert leaked(result.out, PEOPLE) == []
    card = data["turns"][-1]["value"]
    assert card["title"] == "Gesprekskaart · gesprek met [de ander]"

    target = tmp_path / "zonder-namen.md"
    result = run_cli("transcripts", "export", "1", "--format", "md", "--redact", "-o", str(target))
    assert result.code == 0, result.err
    markdown = target.read_text("utf-8")
    assert leaked(markdown, PEOPLE) == []
    assert "Gesprekskaart · gesprek met \\[de ander\\]" in markdown
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_redact_uses_the_role_of_the_dialogue(run_cli: Run) -> None:
    run_cli("run", "feedback-vraag", "--met", "Marloes", input="hoe ik Marloes om feedback vraag\n")
    data = json.loads(run_cli("transcripts", "export", "1", "--redact").out)
    assert data["session"]["subject"] == "[de collega]"
    assert leaked(json.dumps(data, ensure_ascii=False), ["Marloes"]) == []


# -- property: whatever names the leader types, none survive ----------------------------------

NAMES = [
    "Marloes",
    "Jeroen",
    "Zoë",
    "Özlem",
    "Jan-Willem",
    "Sanne",
    "Mohammed",
    "Fatima",
    "Thijs",
    "Evelien",
    "Koen",
    "Anouk",
    "Karsten",
    "Ilse",
    "Annelies van der Berg",
    "Jan de Vries",
    "Ahmed el Amrani",
    "Bram Jansen",
    "Noor",
    "Ruud",
]
MIDDLE = [
    "Gisteren sprak ik {} over de toets.",
    "Ik vroeg aan {} of het lukte.",
    "Het ging over het rooster van {}.",
    "In de sectie zei {} niets, en ik ook niet.",
    "Daarna liep ik met {} naar de kantine.",
    "We bespraken {}'s klas.",
    "Ik weet niet wat {} ervan vindt.",
]
START = ["{} zei dat het niet kon.", "{} kwam te laat binnen.", "{}, wat vind jij?"]


def _survivors(text: str, names: list[str]) -> list[str]:
    folded = fold(text)
    parts = {
        p
        for name in names
        for p in re.split(r"[\s-]+", name)
        if p not in {"van", "der", "de", "el"}
    }
    return [p for p in parts if re.search(rf"(?<!\w){re.escape(fold(p))}(?!\w)", folded)]


@settings(max_examples=200, deadline=None)
@given(
    chosen=st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True),
    subject=st.none() | st.sampled_from(NAMES),
    data=st.data(),
)
def test_no_inserted_name_survives(
    chosen: list[str], subject: str | None, data: st.DataObject
) -> None:
    answers = []
    for name in chosen:
        answers.append(data.draw(st.sampled_from(MIDDLE)).format(name))
        if data.draw(st.booleans()):
            answers.append(data.draw(st.sampled_from(START)).format(name))
        if data.draw(st.booleans()):
            answers.append(data.draw(st.sampled_from(MIDDLE)).format(name.lower()))
    rows: list[tuple[str, str, str]] = [
        ("user", "ask", text) for text in data.draw(st.permutations(answers))
    ]
    if subject:
        # The coach repeats the subject; the leader may start a sentence with it, or type it
        # in lower case, without ever writing it mid-sentence with a capital.
        rows = [
            ("coach", "ask", f"Waar wil je het met {subject} over hebben?"),
            ("user", "ask", data.draw(st.sampled_from(START)).format(subject)),
            ("user", "ask", data.draw(st.sampled_from(MIDDLE)).format(subject.lower())),
            *rows,
        ]
    transcript = make(rows, subject)
    everyone = [*chosen, *([subject] if subject else [])]
    for fmt in ("json", "md"):
        assert _survivors(redacted_export(transcript, fmt), everyone) == []
