"""Promise 8: no random script and no random answer makes coach fail with anything but its
own, explained errors (property-based tests with hypothesis).

Scripts: random YAML documents (random data dumped as YAML, random text, random bytes, and
the shipped dialogues with one part replaced by something random) go to the loaders; they
give a Dialogue, a LoadResult or a DialogueError, never another exception. Answers: random
text (control characters, bidi, lone surrogates, huge numbers, odd digits, commands) goes
to every shipped dialogue's engine, mixed with skip, undo and resume; the engine answers
only with Advance, Invalid or Rewind. The Dutch text understanding (lexicon hits, reflect,
the safety net) takes any text. Through the whole program (reader, engine, store, screen,
exports) random answers are stored exactly and shown without a single control character.

Lone surrogates: a Python string can hold them, UTF-8 (and so SQLite) cannot. The engine and
the text functions are fuzzed with them; the terminal reader replaces them with U+FFFD
before anything is stored (test_hostile_input.py), so the whole-program test leaves them out.

Bounded for CI (see conftest.py): the same examples every run, seconds per test.
`COACH_FUZZ=long pytest tests/reliability/test_fuzz.py` explores forty times as many.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from coach.conversation import Conversation
from coach.engine import Engine, EngineError, pick_option
from coach.errors import DialogueError
from coach.export import to_json, to_markdown
from coach.expr import Value
from coach.lexicon import hits, starts
from coach.lexicon_files import inspect_lexicon, load_lexicon, shipped_lexicons
from coach.loader import LoadResult, inspect_dialogue, load_dialogue, load_dialogue_text
from coach.model import Dialogue
from coach.reflect import reflect
from coach.safety import signal
from coach.shipped import shipped_dir
from coach.steps import Advance, Ask, Choose, End, Invalid, Rewind, Say, Scale
from coach.store import Store
from coach.text import fold
from coach.ui.terminal import LineReader, TerminalInterface, make_console
from coach.visible import visible
from coach.yamldoc import dump_yaml, parse_yaml

LONG = os.environ.get("COACH_FUZZ") == "long"


def examples(ci: int) -> int:
    """Examples per test: `ci` in CI, forty times as many with COACH_FUZZ=long."""
    return ci * 40 if LONG else ci


SHIPPED = shipped_dir()
DIALOGUES = {path.stem: load_dialogue(path) for path in sorted(SHIPPED.glob("*.yaml"))}
LEXICONS = [load_lexicon(path) for path in sorted(shipped_lexicons().glob("*.yaml"))]
SCHEMA = json.loads((Path(__file__).parents[2] / "coach/schemas/dialogue.schema.json").read_text())

# What a terminal could act on: the characters visible() must never let through.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
HOSTILE_CHARS = (
    "\x00\x07\x08\x0b\x0c\r\x1b\x7f\x85\x9b\x9c\x9d\u200b\u202e\u2028\u2066\ufeff\ufffd²½١𝟚İ"
)


def _schema_keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = (
            set(node.get("properties", {})) if isinstance(node.get("properties"), dict) else set()
        )
        return found.union(*(_schema_keys(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_schema_keys(value) for value in node))
    return set()


KEYS = sorted(_schema_keys(SCHEMA))

# -- strategies ---------------------------------------------------------------------------

characters = st.one_of(st.characters(exclude_categories=()), st.sampled_from(HOSTILE_CHARS))
any_text = st.text(characters, max_size=60)  # lone surrogates included
# Text that went through UTF-8 (a file, a pipe, the store) cannot hold lone surrogates.
utf8_characters = st.one_of(st.characters(codec="utf-8"), st.sampled_from(HOSTILE_CHARS))
utf8_text = st.text(utf8_characters, max_size=60)
authored = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "{ander}",
            "{answer|quote}",
            "{x.__class__}",
            "{0.__globals__}",
            "{x:>999999999}",
            "{{",
            "}",
            "%s",
            'matches(answer, "a|b")',
            "words(answer) < 4",
            "answered(x) and not x",
            "mentions(answer, 'emoties') or count(answer, 'vaag') >= 2",
            "buiv",
            "een",
            "Ja",
            "on",
            "~",
            "2026-11-24",
        ]
    ),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-5, 12),
    st.floats(),
    authored,
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=12))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)
    ),
    max_leaves=40,
)
YAML_BITS = [
    "id: x\n",
    "nodes:\n",
    "  a:\n",
    "    ask: Hoe?\n",
    "- ",
    ": ",
    "&a ",
    "*a",
    "!!python/object/apply:os.system ['true']",
    "? ",
    "---\n",
    "...\n",
    "[",
    "]",
    "{",
    "}",
    '"',
    "'",
    "|\n",
    ">-\n",
    "\t",
    "  ",
    "\n",
    "#",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "\\e",
    "\\x1b",
    "\ufeff",
    "\x00",
]
yaml_text = st.one_of(
    st.text(utf8_characters, max_size=300),  # what decoding a file gives
    st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=8)), max_size=60).map("".join),
)


_HEAD = "id: f\nversion: 1\ntitle: F\ndescription: d\n"
# What fuzzing found once (each crashed the loader), kept as examples that always run.
FOUND = {
    "labels-not-a-mapping": _HEAD
    + "nodes:\n  s:\n    scale: Hoe?\n    range: [1, 5]\n    labels: ask\n",
    "phase-not-text": _HEAD
    + "phases: [[a]]\nnodes:\n  a:\n    ask: Hoe?\n  e:\n    end: ok\n    summary: [a]\n",
    "into-not-text": _HEAD + "nodes:\n  a:\n    ask: Hoe?\n    into: [a]\n",
    "deep-condition": _HEAD + "nodes:\n  a:\n    when: '" + "(" * 3000 + "'\n    say: hoi\n",
}


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _loads_or_explains(text: str, folder: Path | None = None) -> Dialogue | None:
    """Load a dialogue from text: a Dialogue, or None after a DialogueError with issues.
    Any other exception fails the test."""
    try:
        return load_dialogue_text(text, "fuzz", folder)
    except DialogueError as exc:
        assert exc.issues, "a DialogueError names what is wrong"
        for issue in exc.issues:
            assert issue.message, issue
        return None


# -- scripts -------------------------------------------------------------------------------


@settings(max_examples=examples(150))
@given(documents)
def test_random_yaml_data_is_loaded_or_refused_with_our_error(data: Any) -> None:
    _loads_or_explains(_dump(data))


@settings(max_examples=examples(150))
@given(yaml_text)
@example("a: &x [1]\nb: *x\n")
@example("[" * 100)
@example("a: !!python/object/apply:os.system ['true']\n")
@example("%YAML 1.1\n--- a\n")
@example("a:\n\tb: 1\n")
@example(FOUND["labels-not-a-mapping"])
@example(FOUND["phase-not-text"])
@example(FOUND["into-not-text"])
@example(FOUND["deep-condition"])
def test_random_yaml_text_is_loaded_or_refused_with_our_error(text: str) -> None:
    _loads_or_explains(text)


@settings(max_examples=examples(60))
@given(st.binary(max_size=400))
@example(b"\xff\xfe\x00a: 1\n")
@example(b"\xef\xbb\xbfid: x\n")
def test_random_bytes_in_a_file_give_a_load_result(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(raw)
        result = inspect_dialogue(path)
        assert isinstance(result, LoadResult)
        assert result.dialogue is not None or result.errors


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*path, index))
    return found


def _replaced(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {
            key: _replaced(value, rest, new) if key == head else value
            for key, value in data.items()
        }
    return [
        _replaced(value, rest, new) if index == head else value for index, value in enumerate(data)
    ]


SHIPPED_DATA = {
    name: parse_yaml((SHIPPED / f"{name}.yaml").read_text("utf-8"), name).data for name in DIALOGUES
}


@settings(max_examples=examples(150))
@given(st.data())
def test_a_shipped_dialogue_with_a_random_part_replaced_loads_or_is_refused(
    data: st.DataObject,
) -> None:
    """Random data at a random place of a real dialogue reaches deep into the loader, the
    checks and (when it still loads) the engine."""
    name = data.draw(st.sampled_from(sorted(SHIPPED_DATA)), "dialogue")
    original = SHIPPED_DATA[name]
    path = data.draw(st.sampled_from(_paths(original)), "path")
    new = data.draw(st.one_of(documents, st.sampled_from(KEYS), authored), "new")
    dialogue = _loads_or_explains(dump_yaml(_replaced(original, path, new)), SHIPPED)
    if dialogue is not None:
        with contextlib.suppress(EngineError):  # our own error: a loop without questions
            _play_randomly(dialogue, data, steps=15)


@settings(max_examples=examples(80))
@given(
    st.one_of(
        documents,
        st.dictionaries(
            st.sampled_from(["id", "title", "words", "negation", "description"]), documents
        ),
    )
)
def test_random_lexicon_files_give_a_result(data: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(_dump(data), "utf-8")
        result = inspect_lexicon(path)
        assert result.lexicon is not None or result.issues


# -- answers --------------------------------------------------------------------------------

USEFUL_ANSWERS = [
    "1",
    "2",
    "3",
    "4",
    "7",
    "10",
    " 3 / 5 ",
    "0",
    "-1",
    "99999999999999999999",
    "ja",
    "nee",
    "Paul",
    "",
    "   ",
    "²",
    "١",
    "𝟚",
    "Ja, ga verder",
    "Hij was weer arrogant, zoals altijd.",
    "Dinsdag zei hij in het overleg twee keer dat de andere scholen het zelf verknald hebben.",
    "Ik voelde me geïrriteerd en ook onzeker over mijn eigen rol.",
    "Ik kan niet meer, ik denk aan zelfdoding.",
    "Ik begin volgende week maandag met een vraag over zijn loopbaan.",
    "x" * 20_001,
]
answers = st.one_of(
    st.sampled_from(USEFUL_ANSWERS),
    any_text,
    st.from_regex(r"\s*-?\d{1,8}\s*(/\s*\d{1,3})?\s*", fullmatch=True),
)
remembered: st.SearchStrategy[Value] = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 12), any_text, st.sampled_from(USEFUL_ANSWERS)
)


def _play_randomly(dialogue: Dialogue, data: st.DataObject, steps: int) -> None:
    """Start the dialogue and act at random; only Advance, Invalid and Rewind may come back."""

    def memory(dialogue_id: str, subject: str, names: tuple[str, ...]) -> dict[str, Value]:
        return {name: data.draw(remembered, f"remembered {name}") for name in names}

    seed = data.draw(st.integers(0, 2**31 - 1), "seed")
    count = data.draw(st.integers(1, 4), "session count")
    engine = Engine(dialogue, seed=seed, session_count=count, memory=memory)
    _check(engine.start())
    for _ in range(data.draw(st.integers(0, steps), "steps")):
        action = data.draw(
            st.sampled_from(["answer"] * 6 + ["skip", "next", "undo", "resume"]), "action"
        )
        if action == "answer":
            result: Any = engine.answer(data.draw(answers, "answer"))
        elif action == "skip":
            result = engine.skip()
        elif action == "next":
            result = engine.skip_probes()
        elif action == "undo":
            result = engine.undo()
        else:
            snapshot = json.loads(json.dumps(engine.snapshot()))
            before = engine.prompt
            engine = Engine.restore(dialogue, snapshot, memory)
            assert engine.prompt == before
            continue
        assert isinstance(result, Advance | Invalid | Rewind), result
        _check(result)
        engine.current_steps()
        title, lines = engine.card_so_far()
        assert isinstance(title, str) and all(isinstance(line.text, str) for line in lines)
        if engine.finished:
            assert engine.answer("nog iets") == Invalid("finished")


def _check(result: Advance | Invalid | Rewind) -> None:
    if isinstance(result, Advance):
        for step in result.steps:
            assert isinstance(step, Say | Ask | Choose | Scale | End), step
            assert isinstance(step.text, str)
        for turn in result.turns:
            assert isinstance(turn.text, str)
        json.dumps([turn.value for turn in result.turns])  # the store keeps values as JSON


@pytest.mark.parametrize("name", sorted(DIALOGUES))
@settings(max_examples=examples(80))
@given(data=st.data())
def test_random_answers_to_every_shipped_dialogue_give_only_engine_results(
    name: str, data: st.DataObject
) -> None:
    _play_randomly(DIALOGUES[name], data, steps=40)


@settings(max_examples=examples(200))
@given(answers)
@example("²")  # a digit for str.isdigit, but not for int()
@example("½")
def test_any_answer_to_a_choice_is_an_option_or_a_clear_no(raw: str) -> None:
    chosen = pick_option(raw, ["Ja, ga verder", "Nee, stop voor nu", "Iets anders"])
    assert isinstance(chosen, int | Invalid)


@settings(max_examples=examples(150))
@given(any_text)
@example("İstanbul ik")
@example("ﬁne ß ik")
def test_lexicons_reflect_and_the_safety_net_take_any_text(text: str) -> None:
    assert len(fold(text)) == len(text)  # hit positions in folded text are positions in text
    for lexicon in LEXICONS:
        for hit in hits(lexicon, text):
            assert hit.text == text[hit.start : hit.end]
        first = starts(lexicon, text)
        assert first is None or first.text == text[first.start : first.end]
    assert isinstance(reflect(text), str)
    for dialogue in DIALOGUES.values():
        found = signal(dialogue.safety, text, ())
        assert found is None or isinstance(found[1], str)


# -- the whole program ------------------------------------------------------------------------

COMMANDS = [
    "/terug",
    "/overslaan",
    "/verder",
    "/samenvatting",
    "/hulp",
    "/onzin",
    "/stop",
    "/pauze",
]


@settings(max_examples=examples(40))
@given(
    st.sampled_from(sorted(DIALOGUES)),
    st.lists(st.one_of(st.sampled_from(USEFUL_ANSWERS[:-1] + COMMANDS), utf8_text), max_size=12),
)
def test_random_answers_through_the_whole_program_are_kept_exactly_and_shown_harmlessly(
    name: str, lines: list[str]
) -> None:
    lines = [line.replace("\n", " ").removesuffix("\r") for line in lines]  # one line each
    output = io.StringIO()
    console = make_console(output)
    stdin = io.BytesIO("".join(f"{line}\n" for line in lines).encode("utf-8"))
    dialogue = DIALOGUES[name]
    interface = TerminalInterface(console, LineReader(stdin, console), dialogue, plain=True)
    with tempfile.TemporaryDirectory() as home:
        store = Store.open(Path(home))
        try:
            outcome = Conversation.begin(dialogue, store, interface).run()
            record = store.transcript(outcome.session_id)
        finally:
            store.close()
    shown = output.getvalue()
    assert not UNSAFE.search(shown), UNSAFE.findall(shown)
    for turn in record.turns:
        if turn.speaker == "user":
            assert turn.text in lines  # stored exactly as read
    exported = json.loads(to_json(record))
    assert [turn["text"] for turn in exported["turns"]] == [turn.text for turn in record.turns]
    assert not UNSAFE.search(to_markdown(record))


@settings(max_examples=examples(300))
@given(any_text)
def test_visible_leaves_nothing_a_terminal_would_act_on(text: str) -> None:
    shown = visible(text)
    assert not UNSAFE.search(shown)
    assert visible(shown) == shown
