"""Synthetic data for the benchmark: dialogues of any size, and transcript stores.

Dialogues are built from one block of ten nodes (ask with probes, ask, scale, branch,
say, say, choose, optional ask, conditional say, ask) repeated, with a `say` welcome,
filler `say` nodes to reach the exact size, and a closing `end` node. Every node is
reachable, every answer is read somewhere, and the probes use `mentions()` with shipped
lexicons, so `coach validate --strict` has nothing to say about the file at any size.

Stores are made by coach itself (`Store.open` on an empty folder: its schema, indexes,
triggers and full-text index), then filled with plain sqlite3 in one transaction: sessions
of 30 turns, half of them answers in Dutch built from a small vocabulary in which some
words are common and one is rare.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

BLOCK_NODES = 10
FIRST_QUESTION = "Wat speelde er in blok 1?"  # the first question of every synthetic dialogue
COMMON_WORD = "gesprek"  # in about a third of all answers
RARE_WORD = "zeilboot"  # in one answer of every RARE_EVERY
RARE_EVERY = 50_000
RARE_OFFSET = 7  # so that the small store has one too
TURNS_PER_SESSION = 30
GENERATOR_VERSION = 1  # bump when the data changes, so kept stores are built again


# -- dialogues --------------------------------------------------------------------------


def dialogue_id(nodes: int) -> str:
    return f"synth-{nodes}"


def dialogue_yaml(nodes: int) -> str:
    """A valid dialogue of exactly `nodes` nodes (at least 12)."""
    if nodes < BLOCK_NODES + 2:
        raise ValueError(f"a synthetic dialogue needs at least {BLOCK_NODES + 2} nodes")
    blocks = (nodes - 2) // BLOCK_NODES
    fillers = (nodes - 2) % BLOCK_NODES
    phases = min(blocks, 10)
    per_phase = -(-blocks // phases)  # ceiling division
    lines = _header(nodes, phases)
    lines += _say("welkom", "Welkom. Dit gesprek is gegenereerd om coach te meten.")
    for index in range(1, fillers + 1):
        lines += _say(f"tussen-{index}", f"Een tussenstap ({index}) zonder vraag.")
    for block in range(1, blocks + 1):
        phase = (block - 1) // per_phase + 1 if (block - 1) % per_phase == 0 else None
        lines += _block(block, phase)
    lines += _end(blocks)
    return "\n".join(lines) + "\n"


def _header(nodes: int, phases: int) -> list[str]:
    lines = [
        f"id: {dialogue_id(nodes)}",
        "version: 1",
        f'title: "Synthetisch gesprek van {nodes} nodes"',
        'description: "Een gegenereerd gesprek om coach te meten; geen echte inhoud."',
        "language: nl",
        "duration: 10 minuten",
        'source: "Gegenereerd door bench/synth.py."',
        "phases:",
    ]
    lines += [f"  - {{id: fase-{p}, title: Fase {p}}}" for p in range(1, phases + 1)]
    return [*lines, "", "nodes:"]


def _say(node: str, text: str) -> list[str]:
    return [f"  {node}:", f'    say: "{text}"', ""]


def _block(block: int, phase: int | None) -> list[str]:
    b = f"b{block}"
    intro = f"Je nam mee uit blok {block - 1}: {{b{block - 1}-plan|quote}}. " if block > 1 else ""
    lines = [f"  {b}-vraag:"]
    if phase is not None:
        lines.append(f"    phase: fase-{phase}")
    lines += [
        f'    ask: "{intro}Wat speelde er in blok {block}? Beschrijf één moment."',
        "    probes:",
        "      - when: \"mentions(answer, 'oordelen') and not mentions(answer, 'eigen-blik')\"",
        '        ask: "Je schrijft {match|quote}. Wat zei of deed de ander precies?"',
        '      - when: "words(answer) < 6"',
        '        ask: "Kun je een moment noemen? Wat gebeurde er toen?"',
        '    help: "Beschrijf het zo feitelijk mogelijk: waar was het, wie zei wat?"',
        "",
        f"  {b}-gevoel:",
        f'    ask: "Je schreef {{{b}-vraag|quote}}. Wat voelde je daarbij?"',
        "    probes:",
        "      - when: \"not mentions(answer, 'emoties')\"",
        '        ask: "Welk gevoel hoort erbij? Bijvoorbeeld irritatie, boosheid of onzekerheid."',
        "",
        f"  {b}-schaal:",
        '    scale: "Hoe zeker voel je je over dit moment?"',
        "    range: [1, 10]",
        "    labels: {1: heel onzeker, 10: heel zeker}",
        "",
        f"  {b}-splits:",
        "    branch:",
        f'      - when: "{b}-schaal < 5"',
        f"        goto: {b}-laag",
        f"      - goto: {b}-hoog",
        "",
        f"  {b}-laag:",
        f'    say: "Je gaf een {{{b}-schaal}} en voelde {{{b}-gevoel|quote}}. We staan er even'
        ' bij stil."',
        f"    next: {b}-keuze",
        "",
        f"  {b}-hoog:",
        f'    say: "Je gaf een {{{b}-schaal}} en voelde {{{b}-gevoel|quote}}. Dat geeft houvast."',
        "",
        f"  {b}-keuze:",
        '    choose: "Hoe wil je verder?"',
        "    options:",
        f"      - {{label: Door naar de volgende stap, goto: {b}-plan}}",
        f"      - {{label: Nog even stilstaan, goto: {b}-extra}}",
        "",
        f"  {b}-extra:",
        '    ask: "Wat wil je hier nog over kwijt?"',
        "    optional: true",
        "",
        f"  {b}-terug:",
        f'    when: "answered({b}-extra)"',
        f'    say: "Je noteerde {{{b}-extra|quote}}."',
        "",
        f"  {b}-plan:",
        f'    ask: "Wat neem je mee uit blok {block}?"',
        "",
    ]
    return lines


def _end(blocks: int) -> list[str]:
    return [
        "  kaart:",
        '    end: "Dit was het gegenereerde gesprek."',
        '    title: "Gesprekskaart"',
        f"    summary: [b1-vraag, b{blocks}-plan]",
    ]


def write_dialogue(folder: Path, nodes: int) -> Path:
    path = folder / f"{dialogue_id(nodes)}.yaml"
    path.write_text(dialogue_yaml(nodes), encoding="utf-8")
    return path


# -- answers ----------------------------------------------------------------------------

# Answers a leader might type: used by the engine steps, and as the store's word stock.
TYPICAL_ANSWERS = (
    "Dinsdag in het directieberaad zei hij twee keer dat de andere scholen hun problemen aan"
    " zichzelf te danken hebben. Ik werd stil en keek naar mijn papieren.",
    "Hij was weer arrogant, zoals altijd.",
    "Ik was geïrriteerd en ook onzeker over mijn eigen rol in het overleg.",
    "Misschien ergert zij zich aan hoeveel tijd het overleg kost, en wil ze vooral dat haar"
    " team ruimte krijgt om zelf te beslissen.",
    "Ik begin met een vraag over haar loopbaan en luister eerst voordat ik iets zeg.",
    "Vervelend.",
)

_VOCABULARY = (
    # (word, weight): a few words in many answers, most in few
    [(COMMON_WORD, 40), ("collega", 25), ("overleg", 22), ("team", 20), ("leerlingen", 18)]
    + [("directeur", 12), ("gevoel", 12), ("afspraak", 10), ("vergadering", 9), ("ouders", 9)]
    + [("rooster", 6), ("toetsweek", 5), ("feedback", 5), ("irritatie", 4), ("onzeker", 4)]
    + [("boos", 3), ("teleurgesteld", 3), ("nieuwsgierig", 3), ("werkdruk", 3), ("ruimte", 3)]
    + [(word, 1) for word in ("mentor", "sectie", "begroting", "inspectie", "visie", "koers")]
    + [(word, 1) for word in ("lesbezoek", "jaarplan", "stagiair", "verzuim", "schoolplein")]
)
_FILLER = (
    *("ik", "de", "het", "een", "en", "dat", "was", "hij", "zij", "we", "in", "op", "met"),
    *("voor", "niet", "maar", "ook", "toen", "er", "nog", "wel", "heel", "echt", "even"),
    *("weer", "zei", "vond", "dacht", "wilde", "kon", "moest", "heb", "had"),
)


def answer_texts(seed: int = 1) -> Iterator[str]:
    """An endless stream of answer texts of 6 to 40 words; every RARE_EVERY-th holds
    RARE_WORD, and about a third hold COMMON_WORD."""
    rng = random.Random(seed)
    words = [word for word, _ in _VOCABULARY]
    weights = [weight for _, weight in _VOCABULARY]
    count = 0
    while True:
        count += 1
        length = rng.randint(6, 40)
        content = rng.choices(words, weights, k=max(1, length // 8))
        filler = rng.choices(_FILLER, k=length - len(content))
        mixed = filler + content
        rng.shuffle(mixed)
        if count % RARE_EVERY == RARE_OFFSET:
            mixed[len(mixed) // 2] = RARE_WORD
        text = " ".join(mixed)
        yield text[0].upper() + text[1:] + "."


# -- stores -----------------------------------------------------------------------------

_DIALOGUES = ("buiv", "feedback-vraag", "ontwikkelgesprek", "grow", "korthagen", "zelfscan")
_SUBJECTS = (
    *("Paul", "Joëlle", "Sam", "Fatima", "Kees", "Ingrid"),
    *("Mohammed", "Anouk", "Bram", "Lotte", "Ruud", "Esra"),
)
_QUESTIONS = (
    "Wat gebeurde er precies? Wat zag en hoorde je?",
    "Wat deed dat moment met je?",
    "Hoe heeft de ander hetzelfde moment misschien beleefd?",
    "Welk voorbeeld wil jij in het gesprek geven?",
    "Met welke vraag of zin open je het gesprek?",
)


@dataclass(frozen=True)
class BuiltStore:
    home: Path
    sessions: int
    turns: int
    seconds: float  # building it, FTS index included
    method: str  # how the full-text index was filled


def build_store(home: Path, sessions: int, triggers: bool = True) -> BuiltStore:
    """A coach store in `home` holding `sessions` sessions of 30 turns, newest last.

    With `triggers`, every answer passes coach's FTS insert trigger, as in real use; without,
    the triggers are set aside during the insert, the index is rebuilt in one pass with
    FTS5's 'rebuild', and the triggers are put back exactly as coach wrote them.
    """
    from coach.store import Store

    home.mkdir(parents=True, exist_ok=True)
    Store.open(home).close()  # coach's own schema, indexes, triggers and FTS table
    started = time.perf_counter()
    connection = sqlite3.connect(home / "coach.db")
    try:
        connection.execute("PRAGMA synchronous = OFF")
        saved = [] if triggers else _drop_fts_triggers(connection)
        with connection:
            connection.executemany(_SESSION_INSERT, _session_rows(sessions))
            connection.executemany(_TURN_INSERT, _turn_rows(sessions))
        if saved:
            with connection:
                connection.execute("INSERT INTO turns_fts (turns_fts) VALUES ('rebuild')")
                for sql in saved:
                    connection.execute(sql)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("ANALYZE")  # what a long-used database may or may not have
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    method = "insert triggers" if triggers else "triggers set aside, FTS 'rebuild'"
    return BuiltStore(home, sessions, sessions * TURNS_PER_SESSION, seconds, method)


def _drop_fts_triggers(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'turns_fts_%'"
    ).fetchall()
    with connection:
        for name, _ in rows:
            connection.execute(f'DROP TRIGGER "{name}"')
    return [sql for _, sql in rows]


_SESSION_INSERT = (
    "INSERT INTO sessions (id, uuid, dialogue_id, dialogue_version, dialogue_hash, "
    "dialogue_title, dialogue_path, subject, status, started_at, updated_at, ended_at, state) "
    "VALUES (?, ?, ?, 1, ?, ?, NULL, ?, ?, ?, ?, ?, ?)"
)
_TURN_INSERT = (
    "INSERT INTO turns (session_id, seq, node, phase, kind, speaker, text, value, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)"
)
_EPOCH = datetime(2023, 1, 2, 8, 0, tzinfo=UTC)
_STATE = json.dumps({"version": 2, "state": {"node": None, "turns": 30}, "history": []})


def _stamp(session: int, turn: int = 0) -> str:
    moment = _EPOCH + timedelta(minutes=15 * session, seconds=20 * turn)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _session_rows(sessions: int) -> Iterator[tuple[object, ...]]:
    for number in range(1, sessions + 1):
        dialogue = _DIALOGUES[number % len(_DIALOGUES)]
        status = "completed" if number % 10 else "paused"
        end = _stamp(number, TURNS_PER_SESSION)
        yield (
            number,
            f"{number:032x}",
            dialogue,
            "0" * 64,
            dialogue.capitalize(),
            _SUBJECTS[number % len(_SUBJECTS)],
            status,
            _stamp(number),
            end,
            end if status == "completed" else None,
            _STATE,
        )


def _turn_rows(sessions: int) -> Iterator[tuple[object, ...]]:
    answers = answer_texts()
    for number in range(1, sessions + 1):
        for seq in range(1, TURNS_PER_SESSION + 1):
            question = (seq - 1) // 2
            node = f"vraag-{question}"
            when = _stamp(number, seq)
            if seq % 2:
                text = _QUESTIONS[question % len(_QUESTIONS)]
                yield (number, seq, node, None, "ask", "coach", text, when)
            else:
                yield (number, seq, node, None, "ask", "user", next(answers), when)
