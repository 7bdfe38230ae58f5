"""`coach test`: play the test files of dialogues, report each case and the coverage, and
turn a reviewed session into a new case (`--from-transcript`).

A test file is `tests/<id>.yaml` beside the dialogue `<id>.yaml` (see coach/playtest.py and
docs/authoring.md). Without paths, the test files of every folder coach knows are played:
`./dialogues` first, then the shipped dialogues, a dialogue in `./dialogues` hiding a shipped
one of the same name (and that one's tests) as it does for `coach run`.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text

import coach
from coach import catalog, regression
from coach.coverage import coverage, report
from coach.engine import Engine, EngineError
from coach.errors import CoachError, DialogueError, UsageError, os_reason
from coach.expr import Value
from coach.lexicon_files import FOLDER as LEXICONS
from coach.loader import load_dialogue
from coach.memory import same_subject
from coach.model import Dialogue, SessionInfo
from coach.playtest import Case, CaseResult, PlayFile, plain_transcript, read_play_file, run_case
from coach.shipped import shipped_dir
from coach.store import Store
from coach.visible import visible
from coach.yamldoc import dump_yaml, parse_yaml

TESTS = "tests"
Say = Callable[[Text | str], None]


@dataclass(frozen=True)
class Missing:
    """A dialogue without a test file; `named` when it was asked for by path (then it fails)."""

    dialogue: Path
    tests: Path
    named: bool


@dataclass
class Totals:
    passed: int = 0
    failed: int = 0
    broken: int = 0  # test files that could not be played at all
    missing: int = 0  # dialogues named on the command line without a test file

    @property
    def ok(self) -> bool:
        return not (self.failed or self.broken or self.missing)


def visibly(say: Say) -> Say:
    """`say` with every control character drawn, never obeyed: test files and transcripts
    hold answers exactly as they were typed."""

    def show(line: Text | str) -> None:
        if isinstance(line, str):
            say(visible(line))
            return
        shown = Text(visible(line.plain), style=line.style)
        for span in line.spans:  # the styled parts come first (✓, ✗), before any user text
            shown.stylize(span.style, span.start, span.end)
        say(shown)

    return show


# -- which files ------------------------------------------------------------------------------


def files_to_test(paths: tuple[str, ...]) -> tuple[list[Path], list[Missing]]:
    """The test files to play, and the dialogues that have none."""
    if not paths:
        return _known()
    files: list[Path] = []
    missing: list[Missing] = []
    for name in paths:
        path = Path(name)
        if LEXICONS in (path.name, path.parent.name):
            raise UsageError(
                f"{name}: woordenlijsten hebben geen speeltests", "coach validate controleert ze"
            )
        if path.is_dir():
            found, lacking = _folder(path)
            files += found
            missing += lacking
        elif not path.is_file():
            raise UsageError(f"{name} bestaat niet")
        elif path.parent.name == TESTS:
            files.append(path)
        else:
            tests = _tests_of(path)
            if tests.is_file():
                files.append(tests)
            else:
                missing.append(Missing(path, tests, named=True))
    return files, missing


def _known() -> tuple[list[Path], list[Missing]]:
    """Without paths: the tests of the coach's own ./dialogues when there is one (that is
    what they are working on), else those of the shipped dialogues."""
    files: list[Path] = []
    missing: list[Missing] = []
    seen: set[str] = set()  # dialogue names found in an earlier folder
    for folder in catalog.search_dirs()[:1]:
        found, lacking = _folder(folder)
        files += [path for path in found if path.stem not in seen]
        missing += [item for item in lacking if item.dialogue.stem not in seen]
        seen |= {path.stem for path in _yaml_in(folder)} | {path.stem for path in found}
    return files, missing


def _folder(folder: Path) -> tuple[list[Path], list[Missing]]:
    """A tests folder's files; or a dialogue folder's test files and its untested dialogues."""
    if folder.name == TESTS:
        return _yaml_in(folder), []
    files = _yaml_in(folder / TESTS) if (folder / TESTS).is_dir() else []
    missing = [
        Missing(path, _tests_of(path), named=False)
        for path in _yaml_in(folder)
        if not _tests_of(path).is_file()
    ]
    return files, missing


def _tests_of(dialogue: Path) -> Path:
    for suffix in catalog.SUFFIXES:
        candidate = dialogue.parent / TESTS / f"{dialogue.stem}{suffix}"
        if candidate.is_file():
            return candidate
    return dialogue.parent / TESTS / f"{dialogue.stem}.yaml"


def _yaml_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in catalog.SUFFIXES and p.is_file())


def _dialogue_beside(tests: Path, dialogue_id: str) -> Path | None:
    for suffix in catalog.SUFFIXES:
        candidate = tests.parent.parent / f"{dialogue_id}{suffix}"
        if candidate.is_file():
            return candidate
    return None


# -- playing ----------------------------------------------------------------------------------


def run_tests(paths: tuple[str, ...], say: Say) -> bool:
    """`coach test [PAD]...`: play every case, report it and the coverage; True if all pass."""
    say = visibly(say)
    files, missing = files_to_test(paths)
    totals = Totals()
    for path in files:
        play_file(path, say, totals)
    for item in missing:
        note = (
            f"{catalog.display(item.dialogue)}: nog geen tests "
            f"({catalog.display(item.tests)} bestaat niet)"
        )
        say(Text(note, style="red" if item.named else "yellow"))
        totals.missing += item.named
    if missing:
        say("  hint: docs/authoring.md (Gesprekken testen) laat zien hoe je tests schrijft")
    if not files and not missing:
        say("Geen testbestanden gevonden.")
    say(summary(totals))
    return totals.ok


def play_file(path: Path, say: Say, totals: Totals) -> list[CaseResult]:
    """Play one test file and say what happened; the results of its cases."""
    name = catalog.display(path)
    try:
        play = read_play_file(path, name)
    except DialogueError as exc:
        say(Text(f"{name}: dit testbestand bevat fouten:", style="red"))
        say(exc.message)
        totals.broken += 1
        return []
    dialogue = _load_beside(path, play, say)
    if dialogue is None:
        totals.broken += 1
        return []
    say(Text(f"{name} ({dialogue.id})", style="bold"))
    results = []
    for case in play.cases:
        result = play_case(dialogue, case, path, say)
        results.append(result)
        totals.passed += result.passed
        totals.failed += not result.passed
    for line in report(coverage(dialogue, results)):
        say("  " + line)
    say("")
    return results


def play_case(dialogue: Dialogue, case: Case, path: Path, say: Say) -> CaseResult:
    """Play one case; say ✓ or ✗ with its failures, and whether a golden file was written."""
    golden = case.expect.get("golden")
    golden_path = path.parent / golden if isinstance(golden, str) else None
    before = _read(golden_path)
    try:
        result = run_case(dialogue, case, path.parent)
    except EngineError as exc:  # a loop without questions, a sub-dialogue too deep
        result = CaseResult(case, [f"het gesprek liep vast: {exc.format()}"])
    mark = Text("  ✓ ", style="green") if result.passed else Text("  ✗ ", style="red")
    say(Text.assemble(mark, case.name))
    for failure in result.failures:
        say(textwrap.indent(failure, "      "))
    after = _read(golden_path)
    if golden_path is not None and after is not None and after != before:
        what = "nieuw" if before is None else "bijgewerkt"
        say(Text(f"      {what}: {golden} geschreven — lees het na", style="yellow"))
    return result


def _load_beside(path: Path, play: PlayFile, say: Say) -> Dialogue | None:
    name = catalog.display(path)
    found = _dialogue_beside(path, play.dialogue)
    if found is None:
        where = catalog.display(path.parent.parent)
        say(Text(f"{name}: er is geen gesprek '{play.dialogue}' in {where}", style="red"))
        return None
    try:
        return load_dialogue(found, catalog.display(found))
    except DialogueError as exc:
        say(Text(f"{name}: het gesprek {catalog.display(found)} bevat fouten:", style="red"))
        say(exc.message)
        say("  hint: coach validate controleert het gesprek")
        return None


def _read(path: Path | None) -> str | None:
    try:
        return path.read_text(encoding="utf-8") if path is not None else None
    except OSError:
        return None


def summary(totals: Totals) -> str:
    cases = totals.passed + totals.failed
    text = f"{cases} {_plural(cases, 'case', 'cases')}: "
    text += f"{totals.passed} geslaagd, {totals.failed} mislukt"
    if totals.broken:
        files = _plural(totals.broken, "testbestand kon", "testbestanden konden")
        text += f"; {totals.broken} {files} niet draaien"
    if totals.missing:
        text += (
            f"; {totals.missing} {_plural(totals.missing, 'gesprek', 'gesprekken')} zonder tests"
        )
    return text


def _plural(count: int, one: str, more: str) -> str:
    return one if count == 1 else more


# -- from a transcript ------------------------------------------------------------------------


def from_transcript(store: Store, number: int, say: Say) -> bool:
    """`coach test --from-transcript SESSIE`: add the session as a case to the test file
    beside its dialogue, after checking that the dialogue as it is now plays it exactly as
    the user saw it; True when the new case passes."""
    say = visibly(say)
    record = store.transcript(number)
    info = record.session
    if not any(turn.speaker == "user" for turn in record.turns):
        raise CoachError(f"sessie {number} heeft nog geen antwoorden om na te spelen")
    path = _dialogue_file(info)
    dialogue = load_dialogue(path, catalog.display(path))
    tests = path.parent / TESTS / f"{path.stem}.yaml"
    play = read_play_file(tests, catalog.display(tests)) if tests.is_file() else None
    name = f"sessie {info.id} van {info.started_at[:10]}"
    if play is not None and any(case.name == name for case in play.cases):
        raise CoachError(
            f"in {catalog.display(tests)} staat al een case '{name}'",
            "verwijder die eerst als je hem opnieuw wilt maken",
        )
    golden = _free_golden(tests.parent, f"{path.stem}-sessie-{info.id}")
    data = regression.case_data(
        record,
        dialogue,
        name=name,
        seed=_seed(store, number),
        history=_history(store, info, dialogue),
        golden=golden,
    )
    text = _with_case(tests, path.stem, data)
    seen = plain_transcript(regression.as_turns(regression.kept_turns(record.turns)))
    _check_replay(dialogue, text, name, seen, info)
    with _private_files():  # the case and its golden file hold the leader's answers
        tests.parent.mkdir(parents=True, exist_ok=True)
        _write_private(tests, text)
    for written in (tests, tests.parent / golden):  # `transcripts delete` names them
        store.note_test_case(info.id, str(written.resolve()))
    say(f"Sessie {info.id} staat als case '{name}' in {catalog.display(tests)}.")
    if dialogue.content_hash != info.dialogue_hash:
        say(
            Text(
                "Let op: het gesprek is aangepast sinds deze sessie, maar speelt met deze "
                "antwoorden nog precies zo af.",
                style="yellow",
            )
        )
    case = next(
        case for case in read_play_file(tests, catalog.display(tests)).cases if case.name == name
    )
    with _private_files():
        return play_case(dialogue, case, tests, say).passed


@contextmanager
def _private_files() -> Iterator[None]:
    """Files (and folders) made inside are for this user only, whatever the umask: the golden
    file is written deep inside the play, by code that writes ordinary test files too."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _write_private(path: Path, text: str) -> None:
    """Replace `path` with `text`, readable by this user only (an existing test file that was
    readable by others is not any more: it now holds a leader's answers)."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.deel")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(partial, 0o600)  # os.open's mode is filtered by the umask; chmod's is not
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CoachError(f"kan {catalog.display(path)} niet schrijven ({os_reason(exc)})") from None


def _dialogue_file(info: SessionInfo) -> Path:
    """The dialogue file the session used: its own path (a dialogue of your own), else by name."""
    path: Path | None = None
    if info.dialogue_path and Path(info.dialogue_path).is_file():
        path = Path(info.dialogue_path)
    else:
        try:
            path = catalog.find(info.dialogue_id)
        except UsageError:
            raise CoachError(
                f"het gesprek '{info.dialogue_id}' van sessie {info.id} is niet te vinden",
                "zet het dialoogbestand terug in ./dialogues en probeer het opnieuw",
            ) from None
    # Installed from a wheel the shipped dialogues are inside the package; installed from a
    # checkout (pip install -e) they are beside it. Neither is the user's to add tests to.
    own = (Path(coach.__file__).resolve().parent, shipped_dir().resolve())
    if any(path.resolve().is_relative_to(folder) for folder in own):
        raise CoachError(
            f"'{info.dialogue_id}' is een meegeleverd gesprek; daar kunnen geen tests bij",
            f"kopieer {path} naar een map dialogues/ in je eigen projectmap, ga naar die "
            "projectmap en test daar je eigen kopie",
        )
    return path


def _seed(store: Store, number: int) -> int:
    state = store.state(number).get("state")
    seed = state.get("seed") if isinstance(state, dict) else None
    return seed if isinstance(seed, int) else 0


def _history(store: Store, info: SessionInfo, dialogue: Dialogue) -> list[dict[str, Value]]:
    """The sessions of this dialogue before this one, oldest first, with what coach remembered
    of each about the same person: they give `session.count` and `previous.…`."""
    earlier = sorted(
        (s for s in store.sessions() if s.dialogue_id == info.dialogue_id and s.id < info.id),
        key=lambda s: s.id,
    )
    history: list[dict[str, Value]] = []
    for session in earlier:
        kept: dict[str, Value] = {}
        if same_subject(session.subject, info.subject):
            answers = Engine.answers_in(store.state(session.id))
            kept = {
                name: answers[name]
                for name in dialogue.remember
                if answers.get(name) not in (None, "")
            }
        history.append(kept)
    if not _mentions(dialogue, "session.count"):
        history = [kept for kept in history if kept]  # only what was remembered matters
    return history


def _mentions(dialogue: Dialogue, name: str) -> bool:
    """Whether a dialogue (or one it calls) uses `name` anywhere (True if it cannot be read)."""
    try:
        text = Path(dialogue.file).read_text(encoding="utf-8")
    except OSError:
        return True
    return name in text or any(_mentions(callee, name) for callee in dialogue.callees.values())


def _free_golden(folder: Path, stem: str) -> str:
    candidate, number = f"golden/{stem}.txt", 1
    while (folder / candidate).exists():
        number += 1
        candidate = f"golden/{stem}-{number}.txt"
    return candidate


def _with_case(tests: Path, dialogue_id: str, data: dict[str, object]) -> str:
    """The test file with the case added at the end (a new file if there is none): the text
    around it is kept as it is, comments included."""
    name = catalog.display(tests)
    if not tests.is_file():
        return dump_yaml({"dialogue": dialogue_id, "cases": [data]})
    original = tests.read_text(encoding="utf-8")
    before = parse_yaml(original, name).data
    item = dump_yaml([data])
    for indent in ("  ", "", "    "):
        text = original.rstrip("\n") + "\n\n" + textwrap.indent(item, indent)
        try:
            after = parse_yaml(text, name).data
        except DialogueError:
            continue
        if (
            isinstance(before, dict)
            and isinstance(after, dict)
            and isinstance(before.get("cases"), list)
            and after.get("cases") == [*before["cases"], data]
        ):
            return text
    raise CoachError(
        f"de case past niet onderaan {name}",
        "zet 'cases:' als laatste in het bestand, of voeg de case zelf toe:\n" + item,
    )


def _check_replay(dialogue: Dialogue, text: str, name: str, seen: str, info: SessionInfo) -> None:
    """Refuse a case that does not replay the session as the user saw it."""
    # Read from memory: the case holds the session's answers, which never go to a temporary
    # file (docs/privacy.md). Without 'golden' the folder is never looked at.
    play = read_play_file(Path("case.yaml"), text=text)
    case = next(case for case in play.cases if case.name == name)
    expect = {key: value for key, value in case.expect.items() if key != "golden"}
    result = run_case(dialogue, dataclasses.replace(case, expect=expect), Path())
    if result.passed and result.transcript == seen:
        return
    changed = dialogue.content_hash != info.dialogue_hash
    why = (
        "het gesprek is aangepast sinds deze sessie en speelt nu anders af"
        if changed
        else "het gesprek speelt deze antwoorden niet precies zo af als in de sessie"
    )
    details = result.failures[:1] or [_first_difference(seen, result.transcript)]
    raise CoachError(
        f"sessie {info.id} wordt geen test: {why}:\n" + textwrap.indent(details[0], "  "),
        f"coach transcripts show {info.id} laat de sessie zien zoals ze ging",
    )


def _first_difference(seen: str, now: str) -> str:
    for old, new in zip(seen.splitlines(), now.splitlines(), strict=False):
        if old != new:
            return f"in de sessie: {old}\nnu: {new}"
    return "het transcript is nu korter of langer"
