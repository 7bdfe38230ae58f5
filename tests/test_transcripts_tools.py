"""The transcript tools: full-text search, list filters, a reviewer's annotations, stored
reviews, and importing an export (issue 4)."""

from __future__ import annotations

import json
import random
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from conftest import Result
from helpers import STRONG_BUIV

from coach import store as store_module
from coach.catalog import load
from coach.engine import Engine
from coach.errors import UsageError
from coach.export import to_json
from coach.importing import read_export, rebuild_state
from coach.model import Dialogue
from coach.search import choose_markers, fts_query, split_snippet
from coach.steps import Advance, Invalid, Rewind
from coach.store import Store, subject_key

Run = Callable[..., Result]
ANSWERED = "\n".join(STRONG_BUIV) + "\n"


def ticking(start: int = 0) -> Callable[[], str]:
    """A clock one second further at every write: times that sort as the writes did."""
    seconds = count(start)

    def clock() -> str:
        second = next(seconds)
        return f"2026-03-{1 + second // 86400:02}T{second // 3600 % 24:02}:{second // 60 % 60:02}:{second % 60:02}.000Z"

    return clock


def play(store: Store, dialogue: Dialogue, answers: list[str], subject: str | None = None) -> int:
    """A session with these answers, saved as coach saves it; its number."""
    preset = {dialogue.subject: subject} if subject and dialogue.subject else {}
    engine = Engine(dialogue, preset)
    number = store.create_session(dialogue, engine.snapshot(), engine.start().turns, subject)
    for answer in answers:
        result = engine.answer(answer)
        assert isinstance(result, Advance), result
        status = "completed" if engine.finished else "active"
        subject = subject or (answers[0] if dialogue.subject else None)
        store.save(number, result.turns, engine.snapshot(), subject=subject, status=status)
    return number


@pytest.fixture
def store(coach_home: Path) -> Iterator[Store]:
    opened = Store.open(coach_home, clock=ticking())
    yield opened
    opened.close()


def raw_turns(home: Path) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(home / "coach.db")
    try:
        return list(connection.execute("SELECT * FROM turns ORDER BY id"))
    finally:
        connection.close()


def index_is_sound(store: Store) -> None:
    """FTS5 compares the index with the answers it should hold; raises if they differ."""
    store.db.execute("INSERT INTO turns_fts (turns_fts, rank) VALUES ('integrity-check', 1)")


# -- the query ---------------------------------------------------------------------------------


def test_the_search_text_is_never_fts5_syntax() -> None:
    assert fts_query("geïrriteerd") == '"geïrriteerd"'
    assert fts_query('  AND  NEAR( "x" ') == '"AND" "NEAR(" """x"""'
    assert fts_query("irrit* -paul") == '"irrit"* "-paul"'
    for empty in ["", "   ", '"', "*", "** ...", "— ✓ _"]:
        with pytest.raises(UsageError, match="een of meer woorden"):
            fts_query(empty)
    with pytest.raises(UsageError, match="hoogstens 32"):
        fts_query("woord " * 33)


def test_snippet_markers_are_never_a_character_the_answers_hold() -> None:
    assert choose_markers(["gewoon"]) == ("\x01", "\x02")
    assert choose_markers(["\x01 en \x02 getypt"]) == ("\x03", "\x04")
    every = "".join(chr(code) for code in range(0x20))
    assert choose_markers([every]) is None
    assert split_snippet("a \x03b\x04 c \x03d\x04", ("\x03", "\x04")) == (
        ("a ", False),
        ("b", True),
        (" c ", False),
        ("d", True),
    )
    assert split_snippet("a \x01b", None) == (("a \x01b", False),)


# -- search in the store -----------------------------------------------------------------------


def test_search_ignores_case_and_accents_also_combining_ones(store: Store, mini: Dialogue) -> None:
    play(store, mini, ["Paul", "Ik was GEÏRRITEERD en moe"])
    play(store, mini, ["Marie", "Ze was ge\u0301i\u0308rriteerd, zei ze"])  # accents as marks
    play(store, mini, ["Sam", "Niets aan de hand hier"])
    assert [hit.session_id for hit in store.search("geirriteerd")] == [2, 1]
    assert [hit.session_id for hit in store.search("Geïrr*")] == [2, 1]
    hit = store.search("geirriteerd moe")[0]
    assert hit.session_id == 1 and hit.node == "wat" and hit.text == "Ik was GEÏRRITEERD en moe"
    assert ("GEÏRRITEERD", True) in hit.snippet and ("moe", True) in hit.snippet


def test_search_looks_only_at_the_leaders_answers(store: Store, mini: Dialogue) -> None:
    play(store, mini, ["Paul", "Het ging over het rooster"])
    assert store.search("Welkom") == []  # the coach said it
    assert store.search("gebeurde") == []  # in the question
    assert [hit.seq for hit in store.search("rooster")] == [5]


def test_search_is_newest_first_and_filters_by_dialogue_and_person(
    store: Store, mini: Dialogue
) -> None:
    buiv, _ = load("buiv")
    for person in ["Joëlle", "Paul", "joelle"]:
        play(store, mini, [person, f"Over de roosters met {person}"])
    play(store, buiv, ["JOELLE", "de roosters van volgend jaar"])
    assert [hit.session_id for hit in store.search("roosters")] == [4, 3, 2, 1]
    assert [hit.session_id for hit in store.search("roosters", 2)] == [4, 3]
    assert [hit.session_id for hit in store.search("roosters", dialogue_id="mini")] == [3, 2, 1]
    assert [hit.session_id for hit in store.search("roosters", subject=" joëlle ")] == [4, 3, 1]
    found = store.search("roosters", subject="Joelle", dialogue_id="buiv")
    assert [hit.session_id for hit in found] == [4]


def played(store: Store, dialogue: Dialogue, answers: list[str]) -> tuple[Engine, int]:
    """A session of `dialogue` with these answers, saved turn by turn as coach does."""
    engine = Engine(dialogue)
    number = store.create_session(dialogue, engine.snapshot(), engine.start().turns)
    for answer in answers:
        result = engine.answer(answer)
        assert isinstance(result, Advance)
        store.save(number, result.turns, engine.snapshot())
    return engine, number


def test_a_revised_answer_leaves_the_index(store: Store, mini: Dialogue) -> None:
    engine, number = played(store, mini, ["Paul", "Hij was arrogant"])
    assert len(store.search("arrogant")) == 1
    rewind = engine.undo()
    store.rewind(number, rewind.keep_turns, engine.snapshot())  # type: ignore[union-attr]
    assert store.search("arrogant") == []
    result = engine.answer("Hij zei dat ons plan niet deugt")
    assert isinstance(result, Advance)
    store.save(number, result.turns, engine.snapshot())
    assert [hit.text for hit in store.search("deugt")] == ["Hij zei dat ons plan niet deugt"]
    index_is_sound(store)


def test_rebuild_reads_the_view_of_answers(store: Store, mini: Dialogue) -> None:
    """'rebuild' (the migration and every delete use it) takes the text from the view."""
    play(store, mini, ["Paul", "Een zin over vergaderen"])
    store.db.execute("INSERT INTO turns_fts (turns_fts) VALUES ('delete-all')")
    assert store.search("vergaderen") == []
    store.db.execute("INSERT INTO turns_fts (turns_fts) VALUES ('rebuild')")
    assert [hit.session_id for hit in store.search("vergaderen")] == [1]
    assert store.search("Welkom") == []  # still only the answers
    index_is_sound(store)


def test_a_marker_typed_in_an_answer_is_not_taken_for_a_highlight(
    store: Store, mini: Dialogue, run_cli: Run
) -> None:
    play(store, mini, ["Paul", "voor \x01 na \x02 en dan het woord kanarie \x1b[2J"])
    hit = store.search("kanarie")[0]
    assert [piece for piece, found in hit.snippet if found] == ["kanarie"]
    assert "".join(piece for piece, _ in hit.snippet) == hit.text
    store.close()
    shown = run_cli("transcripts", "search", "kanarie")
    assert shown.code == 0
    assert "\x1b[2J" not in shown.out and "␛[2J" in shown.out and "␁" in shown.out


def test_a_few_thousand_sessions_are_searched_correctly_and_quickly(store: Store) -> None:
    """Built with direct inserts in one transaction (the triggers index them). The times go
    up and down with the session numbers, as after imports in any order: the hits must still
    come in the order of sorting every match by time (`created_at DESC, id DESC`)."""
    rows, turns = [], []
    rare: list[int] = []
    for number in range(1, 3001):
        stamp = f"2025-{1 + number % 12:02}-{1 + number % 28:02}T10:00:{number % 60:02}.000Z"
        rows.append((number, uuid.uuid4().hex, stamp))
        word = "zeldzaam" if number % 97 == 0 else "gewoon"
        if word == "zeldzaam":
            rare.append(number)
        turns.append((number, 1, "coach", "ask", "Wat gebeurde er? zeldzaam", stamp))
        turns.append((number, 2, "user", "ask", f"Het ging om {word} werk nummer {number}", stamp))
        turns.append((number, 3, "user", "skip", "", stamp))
    connection = store.db.conn
    with connection:
        # Plain "?" only: Python 3.14 refuses numbered placeholders with a sequence of values.
        connection.executemany(
            "INSERT INTO sessions (id, uuid, dialogue_id, dialogue_version, dialogue_hash, "
            "dialogue_title, subject, status, started_at, updated_at, state) "
            "VALUES (?, ?, 'mini', 1, 'x', 'Mini', 'Paul', 'completed', ?, ?, '{}')",
            [(number, uid, stamp, stamp) for number, uid, stamp in rows],
        )
        connection.executemany(
            "INSERT INTO turns (session_id, seq, node, speaker, kind, text, created_at) "
            "VALUES (?, ?, 'wat', ?, ?, ?, ?)",
            turns,
        )
    started = time.process_time()  # CPU time: a busy machine stretches the clock, not this
    found = store.search("zeldzaam", 1000)
    common = store.search("werk", 20)
    numbered = store.search("nummer 1234")
    elapsed = time.process_time() - started
    stamp = {number: moment for number, _, moment in rows}
    expected = sorted(rare, key=lambda n: (stamp[n], n), reverse=True)
    assert [hit.session_id for hit in found] == expected
    newest = sorted(range(1, 3001), key=lambda n: (stamp[n], n), reverse=True)[:20]
    assert [hit.session_id for hit in common] == newest
    assert [hit.session_id for hit in numbered] == [1234]
    assert elapsed < 5, elapsed
    for limit, subject in [(1, None), (7, None), (150, None), (20, "paul"), (5, "niemand")]:
        hits = store.search("werk", limit, subject=subject)
        assert [hit.session_id for hit in hits] == sorted_by_time(store, "werk", limit, subject)
    index_is_sound(store)


def sorted_by_time(
    store: Store, text: str, limit: int, subject: str | None = None, dialogue: str | None = None
) -> list[int]:
    """The sessions of the hits as sorting every match by time gives them: what search
    must give, however it gets there."""
    sql = (
        "SELECT t.session_id FROM turns_fts JOIN turns t ON t.id = turns_fts.rowid "
        "JOIN sessions s ON s.id = t.session_id WHERE turns_fts MATCH ? "
        "AND (? IS NULL OR s.dialogue_id = ?) AND (? IS NULL OR coach_subject(s.subject) = ?) "
        "ORDER BY t.created_at DESC, t.id DESC LIMIT ?"
    )
    key = subject_key(subject)
    rows = store.db.execute(sql, [fts_query(text), dialogue, dialogue, key, key, limit])
    return [row[0] for row in rows.fetchall()]


def insert_sessions(
    store: Store, sessions: list[tuple[int, str, str, str | None, list[str]]]
) -> None:
    """Sessions (number, first time, dialogue, subject, answers) stored directly, in this
    order: an answer a minute after the one before, `updated_at` at the last."""
    session_rows, turn_rows = [], []
    for number, first, dialogue, subject, answers in sessions:
        begin = datetime.fromisoformat(first.replace("Z", "+00:00"))
        moments = [
            (begin + timedelta(minutes=index)).isoformat(timespec="milliseconds")
            for index in range(len(answers) + 1)
        ]
        moments = [moment.replace("+00:00", "Z") for moment in moments]
        session_rows.append((number, uuid.uuid4().hex, dialogue, subject, first, moments[-1]))
        for seq, (answer, moment) in enumerate(zip(answers, moments[1:], strict=True), 1):
            turn_rows.append((number, seq, answer, moment))
    connection = store.db.conn
    with connection:
        connection.executemany(
            "INSERT INTO sessions (id, uuid, dialogue_id, dialogue_version, dialogue_hash, "
            "dialogue_title, subject, status, started_at, updated_at, state) "
            "VALUES (?, ?, ?, 1, 'x', 'X', ?, 'completed', ?, ?, '{}')",
            session_rows,
        )
        connection.executemany(
            "INSERT INTO turns (session_id, seq, node, kind, speaker, text, created_at) "
            "VALUES (?, ?, 'wat', 'ask', 'user', ?, ?)",
            turn_rows,
        )


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few matches, and few sessions to look through: every way the search
    reads and stops is taken with a few hundred answers."""
    monkeypatch.setattr(store_module, "BATCH_FIRST", 2)
    monkeypatch.setattr(store_module, "BATCH_MAX", 8)
    monkeypatch.setattr(store_module, "RECENT_SESSIONS_MAX", 3)
    monkeypatch.setattr(store_module, "CHECK_CHUNK", 2)


def day(number: int) -> str:
    return (datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=number)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )


@pytest.mark.usefixtures("small_batches")
def test_a_filter_that_matches_only_an_old_session_still_finds_it(store: Store) -> None:
    sessions = [(1, day(1), "mini", "Oud", ["het gewone werk", "nog eens werk"])]
    sessions += [
        (number, day(number), "buiv" if number % 3 else "mini", "Paul", ["werk", "ander werk"])
        for number in range(2, 301)
    ]
    insert_sessions(store, sessions)
    assert [hit.session_id for hit in store.search("werk", subject="oud")] == [1, 1]
    assert [hit.seq for hit in store.search("werk", 1, subject="OUD")] == [2]
    assert [hit.session_id for hit in store.search("gewone")] == [1]
    found = store.search("werk", 5, dialogue_id="mini")
    assert [hit.session_id for hit in found] == [300, 300, 297, 297, 294]
    assert store.search("werk", subject="niemand") == []


@pytest.mark.usefixtures("small_batches")
def test_search_gives_at_most_limit_answers_the_newest(store: Store) -> None:
    insert_sessions(
        store, [(number, day(number), "mini", None, ["werk"] * 3) for number in range(1, 41)]
    )
    for limit in [1, 2, 3, 4, 19, 120, 121, 500]:
        hits = store.search("werk", limit)
        assert len(hits) == min(limit, 120)
        assert [(hit.session_id, hit.seq) for hit in hits] == [
            (number, seq) for number in range(40, 0, -1) for seq in (3, 2, 1)
        ][:limit]
    assert store.search("werk", 0) == []


@pytest.mark.usefixtures("small_batches")
def test_an_imported_session_is_found_at_its_own_time_not_when_it_was_imported(
    store: Store,
) -> None:
    """Sessions stored later than their time, as an import does: higher numbers and turn
    ids, older times. Search puts them where their time says."""
    insert_sessions(
        store, [(number, day(10 * number), "mini", None, ["werk"]) for number in range(1, 11)]
    )
    imported = [
        (11, day(5), "mini", None, ["werk", "werk"]),
        (12, day(95), "mini", "Ann", ["werk"]),
    ]
    imported += [(number, day(number - 150), "mini", None, ["werk"]) for number in range(101, 150)]
    insert_sessions(store, imported)
    hits = store.search("werk", 4)
    assert [hit.session_id for hit in hits] == [10, 12, 9, 8]
    assert [hit.session_id for hit in store.search("werk", 3, subject="ann")] == [12]
    every = [hit.session_id for hit in store.search("werk", 1000)]
    assert every == sorted_by_time(store, "werk", 1000)
    assert every.index(11) == every.index(1) + 1 and every[-1] == 101


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("seed", range(6))
def test_search_order_is_that_of_sorting_every_match_by_time(store: Store, seed: int) -> None:
    """Sessions stored in a shuffled order of their times (or in order, or in two runs, or
    with many at one moment), searched with filters and limits: always the hits, and in the
    order, that sorting every match by time gives."""
    generator = random.Random(seed)
    moments = list(range(1, 121))
    if seed % 3 == 1:
        generator.shuffle(moments)
    elif seed % 3 == 2:
        cut = generator.randrange(len(moments))
        moments = moments[cut:] + moments[:cut]  # an old archive imported after new sessions
    words = ["werk", "rooster", "overleg", "ouders"]
    sessions = [
        (
            number,
            day(moment // 4 if seed >= 3 else moment),  # from seed 3: four sessions a day
            generator.choice(["mini", "buiv"]),
            generator.choice(["Paul", "Joëlle", None]),
            [
                " ".join(generator.choice(words) for _ in range(2))
                for _ in range(generator.randint(1, 5))
            ],
        )
        for number, moment in enumerate(moments, 1)
    ]
    insert_sessions(store, sessions)
    for text in ["werk", "rooster overleg", "ouders*", "vakantie"]:
        for limit in [1, 5, 30]:
            for subject, dialogue in [(None, None), ("joelle", None), ("paul", "buiv")]:
                hits = store.search(text, limit, subject=subject, dialogue_id=dialogue)
                expected = sorted_by_time(store, text, limit, subject, dialogue)
                assert [hit.session_id for hit in hits] == expected, (text, limit, subject)


# -- search on the command line ----------------------------------------------------------------


def test_search_shows_where_each_answer_is_and_says_when_nothing_is_found(run_cli: Run) -> None:
    assert run_cli("run", "buiv", input=ANSWERED).code == 0
    result = run_cli("transcripts", "search", "geirriteerd")
    assert result.code == 0, result.err
    assert "Sessie 1 · " in result.out and "buiv · met Paul · uitleven (beurt" in result.out
    assert "Ik was geïrriteerd en eerlijk gezegd" in result.out
    assert "1 antwoord gevonden." in result.out
    nothing = run_cli("transcripts", "search", "olifant")
    assert nothing.code == 0 and "Niets gevonden voor 'olifant'." in nothing.out
    filtered = run_cli("transcripts", "search", "geirriteerd", "--met", "Marie")
    assert "Niets gevonden voor 'geirriteerd' met deze filters." in filtered.out
    data = json.loads(run_cli("transcripts", "search", "geïrr*", "--format", "json").out)
    assert data["hits"][0]["session"] == 1 and "geïrriteerd" in data["hits"][0]["text"]


@pytest.mark.parametrize(
    "words",
    [['"'], ["AND"], ["*"], ["NEAR("], [""], ["x" * 10_000], [("ab " * 5000).strip()], ["-", "--"]],
    ids=["quote", "AND", "star", "NEAR", "empty", "one-long-word", "10000-chars", "dashes"],
)
def test_hostile_searches_give_a_clear_answer_never_a_traceback(
    run_cli: Run, words: list[str]
) -> None:
    assert run_cli("run", "buiv", "--met", "Paul", input="and near het overleg\n").code == 0
    result = run_cli("transcripts", "search", "--", *words)
    assert "Traceback" not in result.err and "er ging iets mis" not in result.err
    assert result.code in (0, 2), result
    if result.code == 2:
        assert result.err.startswith("Fout: "), result.err
    else:
        assert "gevonden" in result.out
    if words == ["AND"]:
        assert "1 antwoord gevonden" in result.out  # the word 'and' in the answer


def test_searching_before_anything_is_stored_creates_no_database(
    run_cli: Run, coach_home: Path
) -> None:
    assert "Niets gevonden" in run_cli("transcripts", "search", "iets").out
    assert run_cli("transcripts", "search", "*").code == 2
    assert not (coach_home / "coach.db").exists()


# -- list filters ------------------------------------------------------------------------------


def test_list_filters_by_dialogue_person_and_dates(
    run_cli: Run, coach_home: Path, mini: Dialogue
) -> None:
    store = Store.open(coach_home)
    buiv, _ = load("buiv")
    play(store, mini, ["Joëlle", "Hij zei dat ons plan niet deugt.", "7"])  # 1, completed
    play(store, buiv, ["Paul"])  # 2
    play(store, buiv, ["joelle"])  # 3
    for number, day in [(1, "2026-01-10T12:00:00.000Z"), (2, "2026-02-01T12:00:00.000Z")]:
        store.db.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", [day, number])
    store.db.execute("UPDATE sessions SET updated_at = '2026-03-05T12:00:00.000Z' WHERE id = 3")
    store.db.conn.commit()
    store.close()

    def numbers(*args: str) -> list[int]:
        result = run_cli("transcripts", "list", *args)
        assert result.code == 0, result.err
        return [int(line.split()[0]) for line in result.out.splitlines()[1:] if line.strip()]

    assert numbers() == [3, 2, 1]
    assert numbers("--gesprek", "buiv") == [3, 2]
    assert numbers("--met", "JOËLLE") == [3, 1]
    assert numbers("--met", "joelle", "--gesprek", "buiv") == [3]
    assert numbers("--sinds", "2026-02-01") == [3, 2]
    assert numbers("--tot", "2026-02-01") == [2, 1]
    assert numbers("--sinds", "2026-01-10", "--tot", "2026-01-10") == [1]
    assert numbers("--met", "joelle", "--limit", "1") == [3]
    assert numbers("--status", "completed") == [1]
    empty = run_cli("transcripts", "list", "--met", "Mark")
    assert empty.code == 0 and "geen gesprekken die bij je filters passen" in empty.out
    assert "Nog geen" not in empty.out


@pytest.mark.parametrize("date", ["2026-13-01", "1-2-2026", "gisteren", "2026-02-30", "20260101"])
def test_a_date_that_is_no_date_is_a_clear_error(run_cli: Run, date: str) -> None:
    result = run_cli("transcripts", "list", "--sinds", date)
    assert result.code == 2
    assert f"'{date}' is geen datum voor --sinds" in result.err and "JJJJ-MM-DD" in result.err


def test_since_after_until_is_refused(run_cli: Run) -> None:
    result = run_cli("transcripts", "list", "--sinds", "2026-03-02", "--tot", "2026-03-01")
    assert result.code == 2 and "--sinds ligt na --tot" in result.err


# -- annotations -------------------------------------------------------------------------------


def test_annotations_are_shown_and_exported_and_never_change_the_turns(
    run_cli: Run, coach_home: Path
) -> None:
    assert run_cli("run", "buiv", input=ANSWERED).code == 0
    before = raw_turns(coach_home)
    empty = json.loads(run_cli("transcripts", "export", "1").out)
    assert empty["annotations"] == []
    done = run_cli("annotate", "1", "--turn", "7", "--door", "Anna", "Mooi concreet.")
    assert done.code == 0, done.err
    assert "Opmerking bewaard bij sessie 1, beurt 7." in done.out
    assert run_cli("annotate", "1", "-", input="Een sterke voorbereiding.\nGa zo door.\n").code == 0
    assert raw_turns(coach_home) == before  # byte for byte

    shown = run_cli("transcripts", "show", "1").out
    lines = shown.splitlines()

    def at(start: str) -> int:
        return next(i for i, line in enumerate(lines) if line.strip().startswith(start))

    overall, note = at("✎ opmerking ("), at("✎ opmerking (door Anna, ")
    assert "Een sterke voorbereiding." in lines[overall] and "Ga zo door." in lines[overall + 1]
    assert overall < at("1  coach")
    assert at("7  jij") < note < at("8  coach") and "Mooi concreet." in lines[note]

    markdown = run_cli("transcripts", "export", "1", "--format", "md").out
    assert "## Opmerkingen van de begeleider\n\n- ✎ **Opmerking van de begeleider** (" in markdown
    assert "Een sterke voorbereiding.  \n  Ga zo door." in markdown
    beleven = STRONG_BUIV[2].split(".")[0]
    assert f"> {beleven}" in markdown
    after_answer = markdown.split(f"> {beleven}", 1)[1]
    assert after_answer.split("\n\n")[1].startswith(
        "- ✎ **Opmerking van de begeleider** (door Anna, "
    )

    data = json.loads(run_cli("transcripts", "export", "1").out)
    assert [(a["turn"], a["text"], a["author"]) for a in data["annotations"]] == [
        (7, "Mooi concreet.", "Anna"),
        (None, "Een sterke voorbereiding.\nGa zo door.", None),
    ]
    assert set(data["annotations"][0]) == {"turn", "text", "author", "created_at"}
    assert run_cli("transcripts", "export", "1").out == run_cli("transcripts", "export", "1").out


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["99", "x"], "", "er is geen sessie 99"),
        (["1", "--turn", "999", "x"], "", "sessie 1 heeft geen beurt 999"),
        (["1", "   "], "", "de opmerking is leeg"),
        (["1", "-"], "\n\n", "de opmerking is leeg"),
        (["1", "x" * 4001], "", "4.001 tekens lang; het mag hoogstens 4.000"),
        (["1", "zie \x1b[2J hier"], "", "bevat een stuurteken (␛)"),
        (["1", "omgekeerd \u202e"], "", "bevat een stuurteken (⟨U+202E⟩)"),
        (["1", "-"], b"caf\xe9", "geen geldige UTF-8"),
        (["1", "--door", "", "x"], "", "--door verwacht een naam"),
        (["1", "--door", "a\nb", "x"], "", "op één regel"),
        (["1", "--turn", "0", "x"], "", "--turn"),
        (["abc", "x"], "", "'abc' is geen sessienummer"),
    ],
    ids=lambda value: str(value)[:20],
)
def test_an_annotation_that_cannot_be_kept_is_refused_clearly(
    run_cli: Run, coach_home: Path, args: list[str], stdin: str | bytes, message: str
) -> None:
    assert run_cli("run", "buiv", input="Paul\n").code == 0
    result = run_cli("annotate", *args, input=stdin)
    assert result.code == 2, result
    assert message in result.err, result.err
    assert "\x1b" not in result.err and "\u202e" not in result.err
    store = Store.open(coach_home)
    assert store.annotations(1) == []
    store.close()


def test_a_note_of_4000_characters_with_tabs_and_lines_is_kept(run_cli: Run) -> None:
    assert run_cli("run", "buiv", input="Paul\n").code == 0
    text = ("regel\tmet tab\n" * 300)[:4000].strip()
    assert run_cli("annotate", "1", "--turn", "3", text).code == 0
    data = json.loads(run_cli("transcripts", "export", "1").out)
    assert data["annotations"][0]["text"] == text


def test_a_revised_answer_takes_the_notes_on_it_along(store: Store, mini: Dialogue) -> None:
    engine, number = played(store, mini, ["Paul", "Hij was arrogant"])
    store.annotate(number, "over Paul", turn=3)
    store.annotate(number, "over arrogant", turn=5)
    store.annotate(number, "over alles")
    rewind = engine.undo()
    store.rewind(number, rewind.keep_turns, engine.snapshot())  # type: ignore[union-attr]
    assert [note.text for note in store.annotations(number)] == ["over Paul", "over alles"]


# -- reviews -----------------------------------------------------------------------------------


def test_a_review_replaces_the_earlier_one_with_the_same_rubric(
    store: Store, mini: Dialogue
) -> None:
    number = play(store, mini, ["Paul", "iets"])
    store.save_review(number, "basis", 1, "a" * 64, {"score": 2, "tip": "Vraag door."})
    store.save_review(number, "ander", 3, "b" * 64, {"score": 5})
    store.save_review(number, "basis", 2, "c" * 64, {"score": 4, "woorden": ["geïrriteerd"]})
    reviews = store.reviews(number)
    assert [(r["rubric_id"], r["rubric_version"], r["result"]) for r in reviews] == [
        ("ander", 3, {"score": 5}),
        ("basis", 2, {"score": 4, "woorden": ["geïrriteerd"]}),
    ]
    assert reviews[1]["rubric_hash"] == "c" * 64 and reviews[1]["created_at"]
    count_rows = store.db.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert count_rows == 2
    with pytest.raises(UsageError, match="geen sessie 42"):
        store.save_review(42, "basis", 1, "x", {})


# -- import ------------------------------------------------------------------------------------


def export_of(run_cli: Run, number: int = 1, *home: str) -> str:
    result = run_cli(*home, "transcripts", "export", str(number))
    assert result.code == 0, result.err
    return result.out


def test_an_export_imports_into_a_fresh_folder_byte_for_byte(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("run", "buiv", input=ANSWERED).code == 0
    assert run_cli("annotate", "1", "--turn", "5", "--door", "Anna", "Goed.").code == 0
    assert run_cli("annotate", "1", "Sterk.\n\tMet een tab.").code == 0
    exported = export_of(run_cli)
    path = tmp_path / "gesprek.json"
    path.write_text(exported, encoding="utf-8")
    other = ["--home", str(tmp_path / "elders")]
    result = run_cli(*other, "transcripts", "import", str(path))
    assert result.code == 0, result.err
    assert f"{path}: ingelezen als sessie 1 (buiv met Paul, afgerond)." in result.out
    assert export_of(run_cli, 1, *other) == exported
    assert run_cli(*other, "transcripts", "search", "geirriteerd").out.count("Sessie 1") == 1
    again = run_cli(*other, "transcripts", "import", str(path))
    assert again.code == 1 and "al geïmporteerd: het staat hier als sessie 1" in again.err
    assert export_of(run_cli, 1, *other) == exported


def test_an_imported_session_whose_number_is_taken_gets_the_next_one(
    run_cli: Run, tmp_path: Path
) -> None:
    assert run_cli("run", "buiv", input=ANSWERED).code == 0
    path = tmp_path / "gesprek.json"
    path.write_text(export_of(run_cli), encoding="utf-8")
    assert run_cli("transcripts", "delete", "1", "--ja").code == 0
    for _ in range(2):
        assert run_cli("run", "buiv", "--met", "Marie", input="").code == 0  # sessions 2, 3
    result = run_cli("transcripts", "import", str(path))
    assert result.code == 0, result.err
    assert (
        "ingelezen als sessie 4" in result.out and "Nummer 1 was hier al in gebruik." in result.out
    )
    data = json.loads(export_of(run_cli, 4))
    original = json.loads(path.read_text("utf-8"))
    assert data["session"]["id"] == 4
    data["session"]["id"] = 1
    assert data == original


def test_an_unfinished_session_imports_and_resumes_as_it_would_have(
    run_cli: Run, tmp_path: Path
) -> None:
    start = "\n".join(STRONG_BUIV[:4]) + "\n/terug\n" + STRONG_BUIV[3] + "\n"
    assert run_cli("run", "buiv", input=start).code == 0
    path = tmp_path / "gesprek.json"
    path.write_text(export_of(run_cli), encoding="utf-8")
    other = ["--home", str(tmp_path / "elders")]
    result = run_cli(*other, "transcripts", "import", str(path))
    assert result.code == 0 and "gepauzeerd" in result.out and "voortgezet" not in result.out
    rest = "/terug\n" + "\n".join(STRONG_BUIV[3:]) + "\n"  # revise the last answer first
    here = run_cli("resume", "1", input=rest)
    there = run_cli(*other, "resume", "1", input=rest)
    assert there.code == here.code == 0, there.err
    assert "Gesprekskaart" in there.out
    assert without_paths(there.out) == without_paths(here.out)
    mine, theirs = json.loads(export_of(run_cli)), json.loads(export_of(run_cli, 1, *other))
    assert untimed(theirs) == untimed(mine)


def without_paths(out: str) -> list[str]:
    return [line for line in out.splitlines() if "Bewaard op deze computer" not in line]


def untimed(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in turn.items() if k != "created_at"} for turn in data["turns"]]


def test_the_snapshot_is_rebuilt_with_the_variants_and_count_of_the_session() -> None:
    """buiv has texts with variants (chosen by the seed) and a shorter start from the third
    session on: the rebuilt snapshot is the original, but for the seed."""
    buiv, _ = load("buiv")
    for seed in range(8):
        for session_count in (1, 3):
            engine = Engine(buiv, {"ander": "Paul"}, seed=seed, session_count=session_count)
            turns = list(engine.start().turns)
            for answer in STRONG_BUIV[1:5]:
                result = engine.answer(answer)
                assert isinstance(result, Advance)
                turns += result.turns
            record = record_of(buiv, turns, "Paul")
            rebuilt = rebuild_state(record, buiv)
            assert rebuilt.resumable, (seed, session_count)
            assert without_seed(rebuilt.state) == without_seed(engine.snapshot())


def test_a_session_resumed_after_the_safety_net_is_rebuilt_with_its_check_in() -> None:
    buiv, _ = load("buiv")
    engine = Engine(buiv, {"ander": "Paul"})
    turns = list(engine.start().turns)
    for answer in (STRONG_BUIV[1], "Soms denk ik aan zelfmoord.", "2"):  # 2: stop for now
        result = engine.answer(answer)
        assert isinstance(result, Advance)
        turns += result.turns
    engine = Engine.restore(buiv, engine.snapshot())
    asked = engine.check_in()  # on resume: how it goes now
    assert asked is not None
    turns += asked.turns
    for answer in ("1", STRONG_BUIV[3]):
        result = engine.answer(answer)
        assert isinstance(result, Advance)
        turns += result.turns
    assert "checkin" in [turn.kind for turn in turns]
    rebuilt = rebuild_state(record_of(buiv, turns, "Paul"), buiv)
    assert rebuilt.resumable
    assert without_seed(rebuilt.state) == without_seed(engine.snapshot())


EVERY_MOVE = """\
id: alles
version: 1
title: Alles
description: Elke zet die een gesprek kent.
subject: ander
nodes:
  wie:
    ask: Met wie?
    into: ander
  wat:
    ask:
      - Wat gebeurde er met {ander}?
      - Vertel over {ander}.
    limits: {min_words: 3}
    probes:
      - when: matches(answer, "arrogant")
        ask: Wat deed {ander} precies?
      - when: words(answer) < 6
        ask: Kun je meer vertellen?
        replace: true
  extra:
    optional: true
    ask: Nog iets?
    into: extra
  kies:
    choose: Hoe verder?
    into: keuze
    options: [Rustig, Direct]
  zeker:
    scale: Hoe zeker ben je?
    range: [1, 10]
  klaar:
    end: Klaar met {ander}.
"""


@pytest.mark.parametrize(
    "moves",
    [
        ["Paul", "kort", "kort", "/verder", "/overslaan", "2", "7"],  # nudge, pass a probe
        ["Paul", "hij was arrogant", "kort", "Hij zei nee tegen ons plan.", "", "Direct", "3"],
        ["Paul", "hij was heel erg arrogant vandaag", "/terug", "anders dan eerst nu", "/verder"],
        ["Paul", "Hij zei dat ons plan niet deugde, twee keer zelfs.", "niets", "1"],
    ],
    ids=["nudge-verder-skip", "probes-replace-enter", "undo", "unfinished"],
)
def test_every_move_replays_into_the_same_snapshot(moves: list[str]) -> None:
    from coach.loader import load_dialogue_text
    from coach.playtest import _give

    dialogue = load_dialogue_text(EVERY_MOVE, "alles.yaml")
    for seed in (1, 2, 3):
        engine = Engine(dialogue, seed=seed)
        turns = list(engine.start().turns)
        for move in moves:
            result = _give(engine, move)
            if isinstance(result, Invalid) and result.reason == "too_short":
                continue  # coach asked once for more: the next move gives it again
            assert not isinstance(result, Invalid), (move, result)
            if isinstance(result, Rewind):
                del turns[result.keep_turns :]
            else:
                turns += result.turns
        rebuilt = rebuild_state(record_of(dialogue, turns, "Paul"), dialogue)
        assert rebuilt.resumable, (moves, seed)
        assert without_seed(rebuilt.state) == without_seed(engine.snapshot())


def record_of(dialogue: Dialogue, turns: list[Any], subject: str) -> Any:
    from coach.model import SessionInfo, Transcript, TranscriptTurn

    info = SessionInfo(
        1, "u", dialogue.id, dialogue.version, dialogue.content_hash, dialogue.title, None,
        subject, "paused", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", None,
    )  # fmt: skip
    stored = tuple(
        TranscriptTurn(*[getattr(t, f) for f in ("seq", "node", "phase", "kind", "speaker", "text")],
                       json.loads(json.dumps(t.value)), "2026-01-01T00:00:00.000Z")
        for t in turns
    )  # fmt: skip
    return Transcript(info, stored)


def without_seed(snapshot: dict[str, Any]) -> dict[str, Any]:
    data = json.loads(json.dumps(snapshot))
    for state in [data["state"], *data["history"]]:
        state.pop("seed")
        if state["session_count"] >= 3:
            state["session_count"] = 3  # any count from 3 on gives the same conversation
    return data


def changed_export(run_cli: Run, change: Callable[[dict[str, Any]], None]) -> str:
    data = json.loads(export_of(run_cli))
    change(data)
    return json.dumps(data)  # \u escapes: a lone surrogate can be written too


def test_a_session_the_dialogue_no_longer_plays_is_kept_but_not_resumable(
    run_cli: Run, tmp_path: Path
) -> None:
    assert run_cli("run", "buiv", "--met", "Paul", input="over het overleg\n").code == 0

    def reword(data: dict[str, Any]) -> None:
        data["turns"][0]["text"] = "Een welkom uit een oudere versie van buiv."

    path = tmp_path / "oud.json"
    path.write_text(changed_export(run_cli, reword), encoding="utf-8")
    other = ["--home", str(tmp_path / "elders")]
    result = run_cli(*other, "transcripts", "import", str(path))
    assert result.code == 0, result.err
    assert "Dit gesprek kan niet worden voortgezet" in result.out
    assert "coach transcripts show 1" in result.out
    resumed = run_cli(*other, "resume", "1", input="iets\n")
    assert resumed.code == 1
    assert "dit gesprek is geïmporteerd en kan niet worden voortgezet" in resumed.err
    assert "Traceback" not in resumed.err
    nothing = run_cli(*other, "resume", input="iets\n")  # not offered as the one to resume
    assert nothing.code == 1 and "geen gepauzeerd gesprek" in nothing.err
    assert "over het overleg" in run_cli(*other, "transcripts", "show", "1").out


def test_an_imported_finished_session_is_remembered_even_if_it_cannot_be_replayed(
    run_cli: Run, tmp_path: Path
) -> None:
    assert run_cli("run", "buiv", input=ANSWERED).code == 0

    def reword(data: dict[str, Any]) -> None:
        data["turns"][0]["text"] = "Een welkom uit een oudere versie van buiv."

    path = tmp_path / "oud.json"
    path.write_text(changed_export(run_cli, reword), encoding="utf-8")
    other = ["--home", str(tmp_path / "elders")]
    assert run_cli(*other, "transcripts", "import", str(path)).code == 0
    again = run_cli(*other, "run", "buiv", input="paul\n")
    assert "Vorige keer" in again.out, again.out
    assert STRONG_BUIV[6][:40] in " ".join(again.out.split())


def test_a_session_of_a_dialogue_that_is_not_here_imports_for_reading(
    run_cli: Run, tmp_path: Path
) -> None:
    assert run_cli("run", "buiv", "--met", "Paul", input="over het overleg\n").code == 0

    def elsewhere(data: dict[str, Any]) -> None:
        data["session"]["dialogue_id"] = "../../etc/passwd"

    path = tmp_path / "elders.json"
    path.write_text(changed_export(run_cli, elsewhere), encoding="utf-8")
    other = ["--home", str(tmp_path / "elders")]
    result = run_cli(*other, "transcripts", "import", str(path))
    assert result.code == 0 and "is op deze computer niet te vinden" in result.out
    exported = json.loads(run_cli(*other, "transcripts", "export", "1").out)
    assert exported == json.loads(path.read_text("utf-8"))
    assert run_cli(*other, "resume", "1").code == 1


_DELETE = object()


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["format"], "iets-anders"), "geen export van een gesprek van coach"),
        (_set(["format_version"], 2), "formaatversie 2; deze coach leest versie 1"),
        (_set(["format_version"], True), "formaatversie true"),
        (_set(["session", "uuid"], _DELETE), "session.uuid ontbreekt"),
        (_set(["session", "id"], "1"), "session.id moet een geheel getal zijn, maar is tekst"),
        (_set(["session", "id"], True), "maar is true of false"),
        (_set(["session", "id"], 10**30), "session.id moet tussen 1 en 1000000000 liggen"),
        (_set(["session", "status"], "kwijt"), 'session.status is "kwijt"'),
        (_set(["session", "started_at"], "gisteren"), "geen tijdstip"),
        (_set(["session", "subject"], 7), "session.subject moet tekst of null zijn"),
        (_set(["turns", 2, "seq"], 4), "turns[2].seq is 4, verwacht 3"),
        (_set(["turns", 1, "speaker"], "ander"), 'turns[1].speaker is "ander"'),
        (_set(["turns", 1, "value"], _DELETE), "turns[1].value ontbreekt"),
        (_set(["turns", 1, "text"], None), "turns[1].text moet tekst zijn, maar is null"),
        (_set(["turns"], {}), "turns moet een lijst zijn"),
        (
            _set(
                ["annotations"],
                [
                    {
                        "turn": 99,
                        "text": "x",
                        "author": None,
                        "created_at": "2026-01-01T00:00:00.000Z",
                    }
                ],
            ),
            "annotations[0].turn is 99",
        ),
        (
            _set(
                ["annotations"],
                [
                    {
                        "turn": None,
                        "text": "\x1b[2J",
                        "author": None,
                        "created_at": "2026-01-01T00:00:00.000Z",
                    }
                ],
            ),
            "stuurteken (␛)",
        ),
        (_set(["session", "dialogue_title"], "\ud800"), "geen geldige Unicode"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_file_that_is_not_right_is_refused_with_nothing_stored(
    run_cli: Run, tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    assert run_cli("run", "buiv", input="Paul\nover het overleg\n").code == 0
    path = tmp_path / "fout.json"
    path.write_text(changed_export(run_cli, change), encoding="utf-8")
    home = tmp_path / "elders"
    result = run_cli("--home", str(home), "transcripts", "import", str(path))
    assert result.code == 1, result.out
    assert f"Fout: {path}: " in result.err and message in result.err, result.err
    assert "Traceback" not in result.err and "\x1b" not in result.err
    connection = sqlite3.connect(home / "coach.db")
    try:
        assert connection.execute("SELECT count(*) FROM sessions").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM turns").fetchone() == (0,)
    finally:
        connection.close()


@pytest.mark.parametrize(
    "content",
    [b"", b"{niet json", b"\xff\xfe{}", b"[1, 2]", b"[" * 100_000, b'"coach-transcript"'],
    ids=["empty", "broken", "not-utf8", "a-list", "deep", "a-string"],
)
def test_a_file_that_is_no_export_at_all_is_refused(
    run_cli: Run, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "iets.json"
    path.write_bytes(content)
    result = run_cli("transcripts", "import", str(path))
    assert result.code == 1 and result.err.startswith(f"Fout: {path}: "), result.err
    assert "Traceback" not in result.err


def test_several_files_import_one_by_one(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("run", "buiv", input=ANSWERED).code == 0
    good = tmp_path / "goed.json"
    good.write_text(export_of(run_cli), encoding="utf-8")
    bad = tmp_path / "fout.json"
    bad.write_text("{}", encoding="utf-8")
    missing = tmp_path / "weg.json"
    other = ["--home", str(tmp_path / "elders")]
    result = run_cli(*other, "transcripts", "import", str(bad), str(good), str(missing))
    assert result.code == 1
    assert (
        "ingelezen als sessie 1" in result.out and "1 van de 3 bestanden ingelezen." in result.out
    )
    assert f"Fout: {missing}: kan het bestand niet lezen" in result.err


def test_import_stores_the_sessions_oldest_first_whatever_the_order_of_the_files(
    store: Store, mini: Dialogue, run_cli: Run, tmp_path: Path
) -> None:
    """By `started_at` as a moment: 09:00+02:00 is before 08:00Z, though not as text."""
    for person in ["Paul", "Marie", "Sam"]:
        play(store, mini, [person, f"Over het werk met {person}"])  # sessions 1, 2, 3
    started = {
        1: "2026-03-02T08:00:00.000Z",
        2: "2026-03-02T06:30:00Z",
        3: "2026-03-02T09:00:00.5+02:00",
    }
    names = []
    for number, name in [(3, "a.json"), (1, "b.json"), (2, "c.json")]:
        data = json.loads(to_json(store.transcript(number)))
        data["session"]["started_at"] = started[number]
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        names.append(str(path))
    bad = tmp_path / "d.json"
    bad.write_text("{}", encoding="utf-8")
    home = tmp_path / "elders"
    result = run_cli("--home", str(home), "transcripts", "import", *names, str(bad))
    assert result.code == 1 and f"Fout: {bad}: " in result.err
    lines = [line.split(": ")[0] for line in result.out.splitlines() if "ingelezen als" in line]
    assert lines == [str(tmp_path / name) for name in ["c.json", "a.json", "b.json"]]
    assert "3 van de 4 bestanden ingelezen." in result.out
    stored = [row[1] for row in raw_turns(home)]  # session of every turn, by turn id
    assert sorted(set(stored), key=stored.index) == [2, 3, 1]
    found = run_cli("--home", str(home), "transcripts", "search", "werk", "--format", "json")
    assert [hit["session"] for hit in json.loads(found.out)["hits"]] == [3, 2, 1]  # by time


def test_read_export_reads_an_export_without_annotations(store: Store, mini: Dialogue) -> None:
    number = play(store, mini, ["Paul", "iets"])
    data = json.loads(to_json(store.transcript(number)))
    del data["annotations"]  # as coach wrote it before annotations existed
    record = read_export(json.dumps(data).encode())
    assert record.annotations == () and len(record.turns) == len(store.transcript(number).turns)


# -- help --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["annotate"], ["transcripts", "search"], ["transcripts", "import"]]
)
def test_the_new_commands_have_dutch_help_with_examples(command: list[str], run_cli: Run) -> None:
    result = run_cli(*command, "--help")
    assert result.code == 0
    assert result.out.startswith("Gebruik: coach")
    assert "Voorbeelden" in result.out and "Toon deze hulp." in result.out


def test_a_damaged_snapshot_does_not_hide_the_other_sessions_to_resume(
    store: Store, mini: Dialogue
) -> None:
    first = play(store, mini, ["Paul"])
    second = play(store, mini, ["Marie"])
    store.db.execute("UPDATE sessions SET state = 'kapot' WHERE id = ?", [first])
    store.db.conn.commit()
    assert [info.id for info in store.unfinished()] == [second, first]
