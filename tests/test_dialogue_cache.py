"""The cache of checked dialogues: an unchanged script is read and checked once, across
processes; any change to it, or to what it uses, is noticed; a broken cache is never fatal.

Every test has its own COACH_CACHE (tests/conftest.py); none touches the user's real one.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Result

from coach import dialogue_cache, loader
from coach.loader import LoadResult, inspect_dialogue, load_dialogue

Run = Callable[..., Result]

CALLER = """\
id: hoofd
version: 1
title: Hoofd
description: Een gesprek dat een ander gesprek aanroept.
nodes:
  wie:
    ask: Met wie?
    into: ander
  wat:
    ask: Wat gebeurde er met {ander}?
    probes:
      - when: mentions(answer, 'emoties')
        ask: Je noemt een gevoel. Wat deed dat?
      - when: mentions(answer, 'eigen')
        ask: Dat woord staat in de eigen lijst. Vertel?
  spanning:
    call: gevoel
    with: {persoon: ander}
    into: gevoel
  slot:
    ask: Wat neem je mee over {gevoel.wat}?
  klaar:
    end: Klaar met {ander}.
"""

CALLEE = """\
id: gevoel
version: 1
title: Gevoel
description: Een gesprek dat wordt aangeroepen.
nodes:
  persoon:
    when: not answered(persoon)
    ask: Over wie gaat het?
  wat:
    ask: Wat voelde je bij {persoon}?
  einde:
    end: Dat was het gevoel.
"""

OWN_LEXICON = "id: eigen\ntitle: Eigen\nwords:\n  - zeilboot\n"


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    """A folder with a dialogue that uses a shipped and a local word list and a callee."""
    folder = tmp_path / "scripts"
    (folder / "lexicons").mkdir(parents=True)
    (folder / "hoofd.yaml").write_text(CALLER, encoding="utf-8")
    (folder / "gevoel.yaml").write_text(CALLEE, encoding="utf-8")
    (folder / "lexicons" / "eigen.yaml").write_text(OWN_LEXICON, encoding="utf-8")
    return folder


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the dialogue files read and checked (not taken from the cache)."""
    names: list[str] = []
    real = loader.parse_yaml_bytes

    def spy(raw: bytes, name: str) -> object:
        names.append(Path(name).name)
        return real(raw, name)

    monkeypatch.setattr(loader, "parse_yaml_bytes", spy)
    yield names


def cache_files() -> list[Path]:
    folder = dialogue_cache.folder()
    assert folder is not None
    return sorted(folder.glob(f"*{dialogue_cache.SUFFIX}")) if folder.is_dir() else []


def same(first: LoadResult, second: LoadResult) -> None:
    assert first.dialogue is not None and second.dialogue is not None
    assert second.dialogue == first.dialogue
    assert second.dialogue.nodes == first.dialogue.nodes
    assert second.issues == first.issues
    assert second.dialogue.safety == first.dialogue.safety
    assert dict(second.dialogue.lexicons) == dict(first.dialogue.lexicons)
    assert dict(second.dialogue.callees) == dict(first.dialogue.callees)


# -- hits -------------------------------------------------------------------------------------


def test_the_second_load_is_a_hit_and_equals_the_first(scripts: Path, parsed: list[str]) -> None:
    first = inspect_dialogue(scripts / "hoofd.yaml")
    assert parsed == ["hoofd.yaml", "gevoel.yaml"]
    assert {issue.severity for issue in first.issues} == {"warning"}  # unused answers
    second = inspect_dialogue(scripts / "hoofd.yaml")
    assert parsed == ["hoofd.yaml", "gevoel.yaml"]  # nothing read again
    same(first, second)
    assert first.dialogue is not None and second.dialogue is not None
    assert second.dialogue.callees["gevoel"].nodes == first.dialogue.callees["gevoel"].nodes


def test_a_cached_dialogue_runs_like_a_fresh_one(scripts: Path) -> None:
    from helpers import play

    fresh = load_dialogue(scripts / "hoofd.yaml")
    cached = load_dialogue(scripts / "hoofd.yaml")
    answers = ["Paul", "Ik was boos en dacht aan een zeilboot.", "Hij keek weg.", "Niets."]
    assert play(cached, answers).snapshot() == play(fresh, answers).snapshot()


def test_the_cache_works_across_processes_and_imports_no_yaml_or_jsonschema(
    scripts: Path,
) -> None:
    code = (
        "import sys; from pathlib import Path; from coach.loader import load_dialogue; "
        f"load_dialogue(Path({str(scripts / 'hoofd.yaml')!r})); "
        "print(sorted({'yaml', 'jsonschema', 'coach.schema'} & set(sys.modules)))"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert outputs == ["['coach.schema', 'jsonschema', 'yaml']", "[]"]


def test_coach_list_and_run_from_the_cache_import_no_yaml_or_jsonschema(
    tmp_path: Path,
) -> None:
    def imported(*args: str) -> set[str]:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "coach", *args],
            capture_output=True,
            text=True,
            input="",
            cwd=tmp_path,
        )
        lines = [line.split("|")[-1].strip() for line in done.stderr.splitlines()]
        return {line for line in lines if line in ("yaml", "jsonschema")}

    assert imported("list") == {"yaml", "jsonschema"}  # the first time: every dialogue read
    assert imported("list") == set()
    assert imported("run", "buiv") == set()


def test_entries_are_private_files_in_a_private_folder(scripts: Path) -> None:
    load_dialogue(scripts / "hoofd.yaml")
    files = cache_files()
    assert len(files) == 2  # the dialogue, and its callee on its own
    folder = files[0].parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(file.stat().st_mode) for file in files} == {0o600}
    assert not [p for p in folder.iterdir() if p.suffix != dialogue_cache.SUFFIX]  # no leftovers


def test_the_cache_holds_no_answers_and_is_not_in_coach_home(
    run_cli: Run, coach_home: Path
) -> None:
    result = run_cli("run", "buiv", "--met", "Paul", input="Zeilboot-geheim-antwoord\n")
    assert result.code in (0, 130)
    files = cache_files()
    assert files and not any(coach_home in file.parents for file in files)
    assert not any(b"Zeilboot-geheim-antwoord" in file.read_bytes() for file in files)
    assert not any(b"Paul" in file.read_bytes() for file in files)


# -- misses -----------------------------------------------------------------------------------


def test_a_changed_dialogue_is_read_again(scripts: Path, parsed: list[str]) -> None:
    path = scripts / "hoofd.yaml"
    load_dialogue(path)
    path.write_text(CALLER.replace("Met wie?", "Met wie spreek je?"), encoding="utf-8")
    dialogue = load_dialogue(path)
    assert parsed == ["hoofd.yaml", "gevoel.yaml", "hoofd.yaml"]  # the callee: from the cache
    assert dialogue.node("wie").text.source == "Met wie spreek je?"  # type: ignore[union-attr]


def test_a_changed_lexicon_is_noticed(scripts: Path, parsed: list[str]) -> None:
    load_dialogue(scripts / "hoofd.yaml")
    lexicon = scripts / "lexicons" / "eigen.yaml"
    lexicon.write_text(OWN_LEXICON + "  - roeiboot\n  - zeilboot\n", encoding="utf-8")
    result = inspect_dialogue(scripts / "hoofd.yaml")
    assert parsed.count("hoofd.yaml") == 2
    assert result.dialogue is not None
    assert [e.source for e in result.dialogue.lexicons["eigen"].entries] == [
        "zeilboot",
        "roeiboot",
    ]
    assert "DUPLICATE_ENTRY" in [issue.code for issue in result.issues]
    assert inspect_dialogue(scripts / "hoofd.yaml").issues == result.issues  # now a hit
    assert parsed.count("hoofd.yaml") == 2


def test_a_removed_lexicon_is_noticed(scripts: Path) -> None:
    load_dialogue(scripts / "hoofd.yaml")
    (scripts / "lexicons" / "eigen.yaml").unlink()
    result = inspect_dialogue(scripts / "hoofd.yaml")
    assert result.dialogue is None
    assert "UNKNOWN_LEXICON" in [issue.code for issue in result.errors]


def test_a_changed_callee_is_noticed(scripts: Path, parsed: list[str]) -> None:
    load_dialogue(scripts / "hoofd.yaml")
    (scripts / "gevoel.yaml").write_text(
        CALLEE.replace("Wat voelde je", "Wat merkte je"), encoding="utf-8"
    )
    dialogue = load_dialogue(scripts / "hoofd.yaml")
    assert parsed == ["hoofd.yaml", "gevoel.yaml", "hoofd.yaml", "gevoel.yaml"]
    callee = dialogue.callees["gevoel"]
    assert callee.node("wat").text.source.startswith("Wat merkte je")  # type: ignore[union-attr]


def test_a_lexicon_that_now_shadows_a_shipped_one_is_noticed(
    scripts: Path, parsed: list[str]
) -> None:
    shipped = load_dialogue(scripts / "hoofd.yaml").lexicons["emoties"]
    own = "id: emoties\ntitle: Eigen emoties\nwords:\n  - zeilboot\n"
    (scripts / "lexicons" / "emoties.yaml").write_text(own, encoding="utf-8")
    dialogue = load_dialogue(scripts / "hoofd.yaml")
    assert parsed.count("hoofd.yaml") == 2
    assert dialogue.lexicons["emoties"].title == "Eigen emoties" != shipped.title


def test_a_callee_that_now_shadows_another_is_noticed(
    scripts: Path, tmp_path: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "dialogues"  # ./dialogues: found after the dialogue's own folder
    elsewhere.mkdir()
    (scripts / "gevoel.yaml").rename(elsewhere / "gevoel.yaml")
    assert load_dialogue(scripts / "hoofd.yaml").callees["gevoel"].title == "Gevoel"
    (scripts / "gevoel.yaml").write_text(
        CALLEE.replace("title: Gevoel", "title: Gevoel hier"), encoding="utf-8"
    )
    assert load_dialogue(scripts / "hoofd.yaml").callees["gevoel"].title == "Gevoel hier"


def test_a_dialogues_folder_made_later_is_noticed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "elders"
    folder.mkdir()
    (folder / "hoofd.yaml").write_text(CALLER.replace("'eigen'", "'emoties'"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert inspect_dialogue(folder / "hoofd.yaml").dialogue is None  # no 'gevoel' anywhere
    (tmp_path / "dialogues").mkdir()
    (tmp_path / "dialogues" / "gevoel.yaml").write_text(CALLEE, encoding="utf-8")
    assert load_dialogue(folder / "hoofd.yaml").callees["gevoel"].title == "Gevoel"
    (tmp_path / "dialogues" / "gevoel.yaml").write_text(
        CALLEE.replace("title: Gevoel", "title: Nieuw"), encoding="utf-8"
    )
    assert load_dialogue(folder / "hoofd.yaml").callees["gevoel"].title == "Nieuw"


def test_another_display_name_is_another_entry(scripts: Path) -> None:
    first = inspect_dialogue(scripts / "hoofd.yaml", "een/hoofd.yaml")
    second = inspect_dialogue(scripts / "hoofd.yaml", "twee/hoofd.yaml")
    assert {issue.file for issue in first.issues} == {"een/hoofd.yaml"}
    assert {issue.file for issue in second.issues} == {"twee/hoofd.yaml"}
    assert second.dialogue is not None and second.dialogue.file == "twee/hoofd.yaml"


def test_a_dialogue_with_errors_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "kapot.yaml"
    path.write_text(CALLEE.replace("ask: Over wie", "vraag: Over wie"), encoding="utf-8")
    assert inspect_dialogue(path).dialogue is None
    assert cache_files() == []


def test_dialogues_from_text_are_not_kept(mini: object) -> None:
    assert cache_files() == []


# -- a broken or absent cache -----------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-10] + b"x" * 10,  # damaged at the end
        lambda data: b"",  # empty
        lambda data: b"not a cache entry at all",  # foreign
        lambda data: data.replace(dialogue_cache.MAGIC, b"coach-dialogue-cache-0\n"),
    ],
    ids=["truncated", "corrupt", "empty", "foreign", "other-format"],
)
def test_a_damaged_entry_is_a_miss_and_is_replaced(
    scripts: Path, parsed: list[str], damage: Callable[[bytes], bytes]
) -> None:
    first = inspect_dialogue(scripts / "hoofd.yaml")
    for file in cache_files():
        file.write_bytes(damage(file.read_bytes()))
    second = inspect_dialogue(scripts / "hoofd.yaml")
    same(first, second)
    assert parsed == ["hoofd.yaml", "gevoel.yaml"] * 2
    inspect_dialogue(scripts / "hoofd.yaml")
    assert len(parsed) == 4  # written anew, so a hit again


def test_an_entry_that_does_not_decode_is_a_miss(
    scripts: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_dialogue(scripts / "hoofd.yaml")

    def broken(payload: bytes) -> object:
        raise ValueError("not an entry")

    monkeypatch.setattr(dialogue_cache, "decode", broken)
    load_dialogue(scripts / "hoofd.yaml")
    assert parsed == ["hoofd.yaml", "gevoel.yaml"] * 2


def forge(payload: bytes) -> None:
    """Put `payload` in every entry, behind the head and checksum coach expects: what
    anyone who can write the cache folder could do."""
    import hashlib

    for file in cache_files():
        data = file.read_bytes()
        start = len(dialogue_cache.MAGIC)
        size = int.from_bytes(data[start : start + 4], "big")
        head = data[: start + 4 + size]  # magic, the key's length, the key: all as they were
        file.write_bytes(head + hashlib.sha256(payload).digest() + payload)


@pytest.mark.parametrize(
    "payload",
    [
        b'{"not": "an entry"}',
        b"[1, 2, 3]",
        b'[["x", 999], [], []]',  # a class that does not exist
        b'[["a", "b", -5], [], []]',  # a location where the dialogue should be
        b'[null, [], [["pad", 12]]]',
        b"[" * 100_000 + b"]" * 100_000,  # deeper than any reader can go
    ],
    ids=["object", "numbers", "unknown-class", "wrong-class", "bad-deps", "deep"],
)
def test_a_value_of_another_kind_is_a_miss(
    scripts: Path, parsed: list[str], payload: bytes
) -> None:
    load_dialogue(scripts / "hoofd.yaml")
    forge(payload)
    load_dialogue(scripts / "hoofd.yaml")
    assert parsed == ["hoofd.yaml", "gevoel.yaml"] * 2


class _Runs:
    """Unpickling this creates a file: what a forged pickle would make coach do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(self.marker),))  # type: ignore[return-value]


def test_a_forged_entry_runs_no_code(scripts: Path, parsed: list[str], tmp_path: Path) -> None:
    import pickle

    marker = tmp_path / "uitgevoerd"
    load_dialogue(scripts / "hoofd.yaml")
    forge(pickle.dumps(_Runs(marker)))
    assert load_dialogue(scripts / "hoofd.yaml").id == "hoofd"
    assert not marker.exists()  # refused as an entry: read and checked again instead
    assert parsed == ["hoofd.yaml", "gevoel.yaml"] * 2


def test_entries_are_plain_json_after_their_head(scripts: Path) -> None:
    import json

    load_dialogue(scripts / "hoofd.yaml")
    for file in cache_files():
        data = file.read_bytes()
        start = len(dialogue_cache.MAGIC)
        size = int.from_bytes(data[start : start + 4], "big")
        first, second = data[start + 4 + size + 32 :].split(b"\n")  # two lines
        document, lists = json.loads(first), json.loads(second)
        assert isinstance(document, list) and len(document) == 3
        assert isinstance(lists, list) and all(isinstance(each, list) for each in lists)


def test_every_shipped_dialogue_comes_back_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from coach import catalog

    monkeypatch.setenv("COACH_CACHE", "off")
    loaded = [entry.dialogue for entry in catalog.entries() if entry.dialogue is not None]
    assert len(loaded) >= 3
    for dialogue in loaded:
        entry = dialogue_cache.Entry(dialogue, [], [("/ergens/lijst.yaml", "")])
        back = dialogue_cache.decode(dialogue_cache.encode(entry))
        assert back.deps == entry.deps
        assert back.dialogue == dialogue and back.dialogue.nodes == dialogue.nodes
        assert back.dialogue.safety == dialogue.safety
        assert dict(back.dialogue.lexicons) == dict(dialogue.lexicons)
        assert dict(back.dialogue.callees) == dict(dialogue.callees)
        assert [back.dialogue.successor(node) for node in back.dialogue.nodes] == [
            dialogue.successor(node) for node in dialogue.nodes
        ]


def test_entries_of_an_older_coach_are_removed_unread(scripts: Path) -> None:
    folder = dialogue_cache.folder()
    assert folder is not None
    folder.mkdir(mode=0o700, parents=True)
    old = folder / ("0" * 64 + ".pickle")
    old.write_bytes(b"an old entry")
    old.chmod(0o600)
    load_dialogue(scripts / "hoofd.yaml")
    assert not old.exists()


@pytest.mark.parametrize("value", ["off", "OFF", ""])
def test_coach_cache_off_turns_it_off(
    scripts: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch, value: str, tmp_path: Path
) -> None:
    monkeypatch.setenv("COACH_CACHE", value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "thuis"))
    assert dialogue_cache.folder() is None
    load_dialogue(scripts / "hoofd.yaml")
    load_dialogue(scripts / "hoofd.yaml")
    assert parsed == ["hoofd.yaml", "gevoel.yaml"] * 2
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "thuis").exists()


def test_an_unwritable_cache_folder_is_no_error(
    scripts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run
) -> None:
    blocker = tmp_path / "een-bestand"
    blocker.write_text("geen map\n")
    monkeypatch.setenv("COACH_CACHE", str(blocker / "cache"))  # cannot be made
    assert load_dialogue(scripts / "hoofd.yaml").id == "hoofd"
    result = run_cli("validate", str(scripts / "hoofd.yaml"))
    assert result.code == 0 and "Traceback" not in result.out + result.err
    done = subprocess.run(
        [sys.executable, "-m", "coach", "list"], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0 and "buiv" in done.stdout
    assert done.stderr == ""


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root writes anyway")
def test_a_read_only_cache_folder_is_no_error(scripts: Path, tmp_path: Path) -> None:
    folder = dialogue_cache.folder()
    assert folder is not None
    folder.mkdir(mode=0o500)
    try:
        assert load_dialogue(scripts / "hoofd.yaml").id == "hoofd"
        assert load_dialogue(scripts / "hoofd.yaml").id == "hoofd"
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_entry_others_can_write_is_not_read(scripts: Path, parsed: list[str]) -> None:
    load_dialogue(scripts / "hoofd.yaml")
    for file in cache_files():
        file.chmod(0o666)
    load_dialogue(scripts / "hoofd.yaml")
    assert parsed == ["hoofd.yaml", "gevoel.yaml"] * 2


def test_old_entries_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]
) -> None:
    monkeypatch.setattr(dialogue_cache, "MAX_ENTRIES", 3)
    for number in range(6):
        path = tmp_path / f"g{number}.yaml"
        path.write_text(CALLEE.replace("id: gevoel", f"id: g{number}"), encoding="utf-8")
        load_dialogue(path)
        os.utime(cache_files()[0], ns=(number, number))  # any order will do: make it known
    assert len(cache_files()) == 3


# -- where it is ------------------------------------------------------------------------------


def test_the_default_folder_is_the_users_cache_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("COACH_CACHE")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert dialogue_cache.folder() == tmp_path / "xdg" / "coach"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "thuis"))
    assert dialogue_cache.folder() == tmp_path / "thuis" / ".cache" / "coach"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert dialogue_cache.folder() == tmp_path / "thuis" / "Library" / "Caches" / "coach"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert dialogue_cache.folder() == tmp_path / "local" / "coach" / "cache"


def test_coach_cache_names_the_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COACH_CACHE", str(tmp_path / "ergens"))
    assert dialogue_cache.folder() == tmp_path / "ergens"


# -- what the author sees ---------------------------------------------------------------------


def test_warnings_of_a_cached_dialogue_show_in_validate_with_file_and_line(
    scripts: Path, run_cli: Run, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(scripts.parent)
    first = run_cli("validate", "scripts/hoofd.yaml")
    second = run_cli("validate", "scripts/hoofd.yaml")
    assert parsed == ["hoofd.yaml", "gevoel.yaml"]  # the second came from the cache
    assert second == first
    assert "scripts/hoofd.yaml:20: waarschuwing: nodes.slot" in second.out
    assert "2 waarschuwingen" in second.out


def test_word_lists_are_made_when_first_used(scripts: Path) -> None:
    from coach.lexicon import Lexicon

    first = load_dialogue(scripts / "hoofd.yaml")
    cached = load_dialogue(scripts / "hoofd.yaml")
    lists = cached.lexicons
    assert isinstance(lists, dialogue_cache.Lexicons)
    assert sorted(lists) == sorted(first.lexicons) and len(lists) == len(first.lexicons)
    assert lists._lists._made == {}  # the first question needs none of them
    assert cached.safety is not None and all(
        "lexicon" not in vars(rule) for rule in cached.safety.rules
    )  # nor the safety net's
    assert type(lists["eigen"]) is Lexicon and lists["eigen"] == first.lexicons["eigen"]
    assert lists["eigen"] is lists["eigen"]  # made once
    assert "geen-lijst" not in lists and lists.get("geen-lijst") is None


def test_word_lists_made_from_two_threads_at_once_are_made_once() -> None:
    # the lists are also made while the leader types (coach/conversation.py)
    import threading

    from coach import catalog

    catalog.load("buiv")  # the second load comes from the cache
    lists = catalog.load("buiv")[0].lexicons
    assert isinstance(lists, dialogue_cache.Lexicons)
    names = sorted(lists)
    made: list[list[object]] = [[], [], []]
    start = threading.Barrier(3)

    def get(into: list[object]) -> None:
        start.wait()
        into.extend(lists[name] for name in names)

    threads = [threading.Thread(target=get, args=(into,)) for into in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made[0] == made[1] == made[2] and len(made[0]) == len(names)
    assert all(a is b for a, b in zip(made[0], made[1], strict=True))


def test_a_damaged_word_list_stops_with_a_clear_message() -> None:
    from coach.errors import CoachError

    made = dialogue_cache.WordLists(b'[[["niet", "goed"], 99]]')
    lists = dialogue_cache.Lexicons(made, {"emoties": 0})
    with pytest.raises(CoachError) as raised:
        lists["emoties"]
    assert "woordenlijst 'emoties'" in raised.value.message and "beschadigd" in raised.value.message
    assert "gooi de map" in raised.value.hint


def test_a_cached_first_question_needs_no_language_layer_and_the_net_still_reads() -> None:
    # The first question of a cached dialogue is drawn without the language layer or any
    # word list; the safety net reads the first answer all the same, with its full lists.
    code = (
        "import sys; from coach import catalog, safety; from coach.engine import Engine; "
        "dialogue = catalog.load('buiv')[0]; Engine(dialogue).start(); "
        "print(sorted(name for name in sys.modules if name.startswith('coach.language'))); "
        "print(safety.signal(dialogue.safety, 'Ik wil er niet meer zijn.', ()))"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        for _ in range(2)
    ]
    assert outputs[0][0] != "[]"  # read and checked: the word lists were compiled
    assert outputs[1][0] == "[]"  # from the cache
    assert outputs[0][1] == outputs[1][1] and outputs[1][1].startswith("('crisis'")


def test_safety_rules_from_the_cache_make_their_lists_once_and_equal() -> None:
    from coach import catalog

    fresh = catalog.load("buiv")[0]
    cached = catalog.load("buiv")[0]
    assert fresh.safety is not None and cached.safety is not None
    assert isinstance(cached.lexicons, dialogue_cache.Lexicons)  # from the cache
    rules = cached.safety.rules
    assert [rule.level for rule in rules] == [rule.level for rule in fresh.safety.rules]
    assert all("lexicon" not in vars(rule) for rule in rules)
    assert cached.safety == fresh.safety
    assert all(rule.lexicon is rule.lexicon for rule in rules)


def test_a_damaged_safety_list_stops_with_a_clear_message() -> None:
    from coach.errors import CoachError
    from coach.model import SafetyRule

    made = dialogue_cache.WordLists(b"[[1, 2], 99]")
    rule = SafetyRule.later("crisis", made.maker(1))
    with pytest.raises(CoachError) as raised:
        rule.lexicon  # noqa: B018
    assert "beschadigd" in raised.value.message
    with pytest.raises(AttributeError):
        rule.other  # type: ignore[attr-defined]  # noqa: B018
