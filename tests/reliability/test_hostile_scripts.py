"""Promise 7: a hostile script is refused when it is loaded, with its code and a Dutch
message, in bounded time and memory; or it is rendered harmlessly. Templates cannot reach
attributes: not through what they may say, and not through how they are rendered.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import templates
from coach.engine import Engine
from coach.errors import DialogueError, Issue
from coach.loader import load_dialogue, load_dialogue_text
from coach.model import Choose, Scale
from coach.steps import Advance
from coach.templates import FILTERS, TemplateError, parse_template
from coach.yamldoc import MAX_DEPTH, MAX_EVENTS, MAX_FILE_BYTES, read_yaml_file

SECONDS = 2.0  # a refusal takes less CPU time than this, on a slow CI machine too
PEAK_BYTES = 50 * 1024 * 1024  # and allocates less than this (the files are at most 1 MB)
ESC = "\x1b"

HEAD = "id: vijandig\nversion: 1\ntitle: Vijandig\ndescription: Een gesprek dat iets probeert.\n"


def dialogue_with(nodes: str) -> str:
    return HEAD + "nodes:\n" + textwrap.indent(textwrap.dedent(nodes), "  ")


def refused(load: Callable[[], Any]) -> list[Issue]:
    """Run `load`, which must raise DialogueError: first timed, then once more with
    tracemalloc counting its peak allocation. The issues it gave."""
    started = time.process_time()  # CPU time: a busy machine stretches the clock, not this
    with pytest.raises(DialogueError) as caught:
        load()
    elapsed = time.process_time() - started
    assert elapsed < SECONDS, f"refusing took {elapsed:.2f} s of CPU time"
    tracemalloc.start()
    try:
        with pytest.raises(DialogueError):
            load()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"refusing allocated {peak // 2**20} MB"
    return caught.value.issues


def refused_text(text: str) -> list[Issue]:
    return refused(lambda: load_dialogue_text(text, "vijandig.yaml"))


def codes(issues: list[Issue]) -> set[str]:
    return {issue.code for issue in issues}


def billion_laughs(levels: int = 10) -> str:
    lines = ['l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return HEAD + "\n".join(lines) + "\nnodes:\n  a:\n    say: '*l9'\n"


# name, YAML text, the code it must be refused with, words of its Dutch message
HOSTILE_YAML = [
    (
        "python-object-apply",
        HEAD + "x: !!python/object/apply:os.system ['touch {marker}']\nnodes: {{}}\n",
        "TAG",
        "niet toegestaan",
    ),
    (
        "python-object-new",
        HEAD + "x: !!python/object/new:subprocess.Popen [[touch, '{marker}']]\nnodes: {{}}\n",
        "TAG",
        "niet toegestaan",
    ),
    ("python-name", HEAD + "x: !!python/name:os.system\nnodes: {{}}\n", "TAG", "niet toegestaan"),
    ("custom-tag", HEAD + "x: !vreemd tekst\nnodes: {{}}\n", "TAG", "niet toegestaan"),
    (
        "billion-laughs",
        billion_laughs().replace("{", "{{").replace("}", "}}"),
        "ALIAS",
        "niet toegestaan",
    ),
    (
        "merge-key",
        HEAD + "basis: &b {{say: hoi}}\nnodes:\n  a:\n    <<: *b\n",
        "ALIAS",
        "niet toegestaan",
    ),
    ("deep-flow-nesting", "a: " + "[" * 500 + "]" * 500 + "\n", "TOO_DEEP", "diep genest"),
    (  # libyaml stops at 1000 levels itself
        "very-deep-flow-nesting",
        "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "TOO_DEEP|YAML_SYNTAX",
        "diep genest|nesting depth",
    ),
    (
        "deep-block-nesting",
        "".join("  " * i + "a:\n" for i in range(200)),
        "TOO_DEEP",
        "diep genest",
    ),
    (
        "too-many-elements",
        "a: [" + "a, " * (MAX_FILE_BYTES // 4) + "]\n",
        "TOO_LARGE",
        "te veel elementen",
    ),
    ("duplicate-key", HEAD + "title: Nog een titel\nnodes: {{}}\n", "DUPLICATE_KEY", "twee keer"),
    (
        "duplicate-node",
        HEAD + "nodes:\n  a:\n    say: een\n  a:\n    say: twee\n",
        "DUPLICATE_ID",
        "komt twee keer voor",
    ),
    ("several-documents", HEAD + "nodes: {{}}\n---\n" + HEAD, "MULTIPLE_DOCUMENTS", "meer dan één"),
    (
        "long-condition",
        HEAD + "nodes:\n  a:\n    when: '" + "1 + " * 100_000 + "1 > 2'\n    say: hoi\n",
        "BAD_CONDITION",
        "te lang",
    ),
    (
        "nested-condition",
        HEAD + "nodes:\n  a:\n    when: '" + "(" * 30 + "true" + ")" * 30 + "'\n    say: hoi\n",
        "BAD_CONDITION",
        "haakjes",
    ),
    (
        "negated-condition",
        HEAD + "nodes:\n  a:\n    when: '" + "not " * 100_000 + "true'\n    say: hoi\n",
        "BAD_CONDITION",
        "te lang",
    ),
    (
        "huge-question",
        HEAD + "nodes:\n  a:\n    ask: " + "Wat gebeurde er dan " * 5_000 + "\n",
        "SCHEMA",
        "te lang",
    ),
]


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [case[1:] for case in HOSTILE_YAML],
    ids=[case[0] for case in HOSTILE_YAML],
)
def test_hostile_yaml_is_refused_at_load_with_its_code_in_bounded_time_and_memory(
    text: str, code: str, words: str, tmp_path: Path
) -> None:
    marker = tmp_path / "uitgevoerd"
    issues = refused_text(text.format(marker=marker))
    assert codes(issues) & set(code.split("|")), issues
    issue = next(issue for issue in issues if issue.code in code.split("|"))
    assert any(word in issue.message for word in words.split("|")), issue.message
    assert issue.line >= 1
    assert not marker.exists(), "a tag was executed"


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "groot.yaml"
    with path.open("wb") as handle:  # 100 MB that takes no room on disk
        handle.truncate(100 * MAX_FILE_BYTES)
    issues = refused(lambda: read_yaml_file(path))
    assert codes(issues) == {"FILE_TOO_LARGE"}
    assert "te groot" in issues[0].message and "1024 kB" in issues[0].message


def test_the_worst_file_within_the_limits_is_still_read_in_bounded_time_and_memory() -> None:
    """Just under the element limit, every element an option: checked and refused quickly."""
    options = ", ".join(f"o{n}" for n in range(MAX_EVENTS - 100))
    text = dialogue_with(f"a:\n  choose: Wat kies je?\n  options: [{options}]\n")
    assert len(text) < MAX_FILE_BYTES
    load_dialogue_text(HEAD + "nodes:\n  a:\n    say: warm\n", "warm")  # imports, schema
    issues = refused_text(text)
    assert "SCHEMA" in codes(issues)  # at most 12 options


def _events(text: str) -> int:
    try:
        return len(list(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))))
    except yaml.YAMLError:
        return 0


def test_the_limits_are_far_beyond_the_shipped_scripts() -> None:
    shipped = sorted((Path(__file__).parents[2] / "dialogues").rglob("*.yaml"))
    assert max(path.stat().st_size for path in shipped) * 20 < MAX_FILE_BYTES
    events = max(_events(path.read_text("utf-8")) for path in shipped)
    assert events * 10 < MAX_EVENTS
    assert MAX_DEPTH >= 32


# -- no YAML 1.1 coercions -----------------------------------------------------------------

LOOKALIKES = ["Yes", "No", "on", "off", "y", "n", "1.0", "0x1F", "2026-11-24", ".inf", "NULL",
              "True", "1_000", "0o17", "12:30", "1e3", "+.5"]  # fmt: skip


def test_words_that_yaml_1_1_would_turn_into_booleans_numbers_or_dates_stay_text() -> None:
    options = ", ".join(LOOKALIKES)
    text = (
        "id: lookalikes\nversion: 1\ntitle: Yes\ndescription: No\nphases: [on, off]\n"
        "nodes:\n"
        f"  vraag:\n    phase: on\n    choose: y\n    options: [{options}]\n"
        "  schaal:\n    phase: off\n    scale: n\n    range: [1, 5]\n    labels: {1: off, 5: Yes}\n"
        "  eind:\n    end: 2026-11-24\n"
    )
    dialogue = load_dialogue_text(text, "lookalikes")
    assert (dialogue.title, dialogue.description) == ("Yes", "No")
    assert [phase.id for phase in dialogue.phases] == ["on", "off"]
    vraag, schaal, eind = dialogue.nodes
    assert isinstance(vraag, Choose) and isinstance(schaal, Scale)
    assert vraag.text.template.source == "y"
    assert [option.label.template.source for option in vraag.options] == LOOKALIKES
    assert schaal.labels == ((1, "off"), (5, "Yes"))
    engine = Engine(dialogue)
    engine.start()
    chosen = engine.answer("Yes")
    assert isinstance(chosen, Advance)
    assert engine.answers["vraag"] == "Yes"
    assert eind.text is not None and eind.text.template.source == "2026-11-24"


@pytest.mark.parametrize("value", ["~", "null", "12", "true"])
def test_a_null_number_or_boolean_where_text_belongs_is_refused_not_turned_into_text(
    value: str,
) -> None:
    issues = refused_text(HEAD.replace("title: Vijandig", f"title: {value}") + "nodes: {}\n")
    assert [(issue.code, issue.message) for issue in issues if issue.path == "title"] == [
        ("SCHEMA", "moet tekst zijn")
    ]


# -- template attacks --------------------------------------------------------------------

TEMPLATE_ATTACKS = [
    "{x.__class__}",
    "{0.__globals__}",
    "{x:>999999999}",
    "{x!r}",
    "{x[0]}",
    "{ander.__init__.__globals__}",
    "{__import__}",
    "{x|__class__}",
    "{x|format}",
    "{}",
    "{ {x} }",
]


@pytest.mark.parametrize("attack", TEMPLATE_ATTACKS)
def test_template_attacks_are_refused_at_load_with_bad_template_and_their_line(
    attack: str,
) -> None:
    text = dialogue_with(f"a:\n  say: Hallo.\nb:\n  ask: 'Wat zeg je, {attack}?'\n")
    issues = refused_text(text)
    (issue,) = issues
    assert (issue.code, issue.line, issue.path) == ("BAD_TEMPLATE", 9, "nodes.b.ask")
    assert "geen geldige invulplek" in issue.message or "onbekend filter" in issue.message


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("{{x}}", "{x}"),
        ("{{0.__class__}} en {{x:>999999999}}", "{0.__class__} en {x:>999999999}"),
        ("%s %(x)s %d %%", "%s %(x)s %d %%"),
        ("{{{x}}}", "{Paul}"),
    ],
)
def test_escaped_braces_and_percent_signs_render_literally(source: str, shown: str) -> None:
    text = dialogue_with(f"x:\n  ask: Met wie?\ny:\n  ask: '{source}'\n")
    dialogue = load_dialogue_text(text, "letterlijk")
    engine = Engine(dialogue)
    engine.start()
    result = engine.answer("Paul")
    assert isinstance(result, Advance)
    assert result.steps[0].text == shown


class Untouchable:
    """A value that fails loudly when anything but str() is asked of it."""

    def __str__(self) -> str:
        return "veilig"

    def __format__(self, spec: str) -> str:
        raise AssertionError(f"format() was called with {spec!r}")

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"attribute {name!r} was read")

    def __getitem__(self, key: Any) -> Any:
        raise AssertionError(f"item {key!r} was read")

    def __mod__(self, other: Any) -> Any:
        raise AssertionError("% was applied")

    __rmod__ = __mod__


def test_rendering_only_looks_names_up_and_never_formats_or_reads_attributes() -> None:
    asked: list[str] = []

    def lookup(name: str) -> Any:
        asked.append(name)
        return Untouchable()

    template = parse_template("{a} · {a.b} · {c|upper} · {c-d|quote} · %s {{e}}")
    assert template.render(lookup) == "veilig · veilig · VEILIG · ‘veilig’ · %s {e}"
    # `a.b` is one key of the answers (a sub-dialogue's `into.name`), not `b` of `a`.
    assert asked == ["a", "a.b", "c", "c-d"]


def test_the_renderer_has_no_way_to_format_evaluate_or_reach_attributes() -> None:
    """The code of render() and as_text(): no str.format, no %, no f-string around a value,
    no getattr, no eval. Any of these would give a template a way into Python."""
    forbidden_calls = {"getattr", "eval", "exec", "vars", "format", "__import__", "compile"}
    forbidden_attributes = {"format", "format_map", "vformat", "__dict__", "__getattribute__"}
    for function in (templates.Template.render, templates.as_text):
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in forbidden_calls, (function, node.func.id)
            if isinstance(node, ast.Attribute):
                assert node.attr not in forbidden_attributes, (function, node.attr)
            assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)), function
            assert not isinstance(node, ast.JoinedStr), function
    assert set(FILTERS) == {"lower", "upper", "quote", "reflect"}


PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)*")


@settings(max_examples=300)
@given(
    st.text(
        st.one_of(st.sampled_from("{}.:!|[]_0x>r% "), st.characters(codec="utf-8")),
        max_size=40,
    )
)
def test_whatever_a_template_says_its_fields_are_plain_names_and_known_filters(
    source: str,
) -> None:
    try:
        template = parse_template(source)
    except TemplateError:
        return
    for part in template.parts:
        if isinstance(part, templates.Field):
            assert PLAIN_NAME.fullmatch(part.name), part
            assert not any(word.startswith("_") for word in part.name.split("."))
            assert set(part.filters) <= set(FILTERS), part


# -- shown harmlessly ----------------------------------------------------------------------

SCREEN_WRITER = (
    'id: schermschrijver\nversion: 1\ntitle: "Titel\\e]0;OVERGENOMEN\\a"\n'
    'description: "Wist \\e[2J het scherm en \\e]52;c;cm0gLXJmIH4=\\a het klembord"\n'
    "nodes:\n"
    '  hallo:\n    say: "Hallo\\e[2J\\x9b31m \\u202Eomgekeerd"\n'
    "  vraag:\n    ask: Hoe gaat het?\n"
    "  klaar:\n    end: Klaar.\n"
)


def test_control_characters_in_a_script_are_shown_visibly(
    run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dialogues").mkdir()
    path = tmp_path / "dialogues" / "schermschrijver.yaml"
    path.write_text(SCREEN_WRITER, "utf-8")
    assert ESC in load_dialogue(path).title  # YAML escapes are real control characters
    monkeypatch.chdir(tmp_path)
    listed = run_cli("list")
    played = run_cli("run", "schermschrijver", input="Goed.\n")
    for result in (listed, played):
        assert result.code == 0, result
        assert ESC not in result.out + result.err and "\x9b" not in result.out
        assert "\x07" not in result.out and "\u202e" not in result.out
    assert "␛]0;OVERGENOMEN␇" in listed.out and "␛]52;c;cm0gLXJmIH4=␇" in listed.out
    assert "Hallo␛[2J⟨U+009B⟩31m ⟨U+202E⟩omgekeerd" in played.out


def test_control_characters_in_an_error_message_are_shown_visibly(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = tmp_path / "sleutels.yaml"
    path.write_text(
        HEAD + '"\\e]52;c;cm0=\\a": 1\n"\\e]52;c;cm0=\\a": 2\nnodes:\n  a:\n    say: "{x\\e[2J}"\n',
        "utf-8",
    )
    for args in (("validate", str(path)), ("run", str(path))):
        result = run_cli(*args)
        assert result.code == 1, result
        shown = result.out + result.err
        assert ESC not in shown and "\x07" not in shown
        assert "␛]52;c;cm0=␇" in shown and "'{x␛[2J}' is geen geldige invulplek" in shown


def test_validate_reports_each_refusal_with_its_code(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    for name, text, code, _ in HOSTILE_YAML:
        if code in ("TOO_LARGE", "TOO_DEEP|YAML_SYNTAX"):
            continue  # the same reader; kept out to keep this test quick
        path = tmp_path / f"{name}.yaml"
        path.write_text(text.format(marker=tmp_path / "uitgevoerd"), "utf-8")
        result = run_cli("validate", "--format", "json", str(path))
        assert result.code == 1, (name, result)
        report = json.loads(result.out)
        assert set(code.split("|")) & {issue["code"] for issue in report["issues"]}, (name, report)
        assert "Traceback" not in result.err
