"""Every shipped dialogue played through with the answers in its test file.

The cases live beside the dialogues (`dialogues/tests/<id>.yaml`), written by the coach who
wrote the dialogue; each case is one test here. Golden transcripts that do not exist yet
are written on the first run; `COACH_UPDATE_GOLDEN=1` rewrites them after a deliberate
change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.errors import DialogueError
from coach.loader import load_dialogue
from coach.playtest import Case, read_play_file, run_case
from coach.shipped import shipped_dir

TESTS = shipped_dir() / "tests"


def _cases() -> list[object]:
    params: list[object] = []
    for path in sorted(TESTS.glob("*.yaml")):
        try:
            play = read_play_file(path)
        except DialogueError as exc:
            params.append(pytest.param(path, None, id=f"{path.stem}: onleesbaar", marks=[]))
            _broken[path] = str(exc)
            continue
        for case in play.cases:
            params.append(pytest.param(path, case, id=f"{play.dialogue}: {case.name}"))
    return params


_broken: dict[Path, str] = {}


@pytest.mark.parametrize(("path", "case"), _cases())
def test_playthrough(path: Path, case: Case | None) -> None:
    assert case is not None, _broken[path]
    play = read_play_file(path)
    dialogue = load_dialogue(path.parent.parent / f"{play.dialogue}.yaml")
    result = run_case(dialogue, case, path.parent)
    assert result.passed, "\n".join(result.failures) + "\n\n" + result.transcript


def test_every_shipped_dialogue_has_playthrough_tests() -> None:
    tested = {read_play_file(path).dialogue for path in TESTS.glob("*.yaml")}
    shipped = {path.stem for path in shipped_dir().glob("*.yaml")}
    assert shipped <= tested, f"zonder tests: {sorted(shipped - tested)}"


@pytest.mark.parametrize("path", sorted(TESTS.glob("*.yaml")), ids=lambda path: path.stem)
def test_the_tests_of_a_shipped_dialogue_reach_every_node_and_follow_up(path: Path) -> None:
    from coach.coverage import coverage

    play = read_play_file(path)
    dialogue = load_dialogue(path.parent.parent / f"{play.dialogue}.yaml")
    found = coverage(dialogue, [run_case(dialogue, case, path.parent) for case in play.cases])
    missed = [
        f"{part.loc.file}:{part.loc.line}: {part.description}"
        for part in found.missed
        if part.kind in ("node", "probe")
    ]
    assert found.nodes.percent == found.probes.percent == 100, "\n".join(missed)
