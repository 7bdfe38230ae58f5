"""The safety net holds in every shipped dialogue: a signal of distress pauses the script."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.engine import Engine
from coach.loader import load_dialogue
from coach.shipped import shipped_dir
from coach.steps import Advance, Ask, Choose, Say, Scale

DIALOGUES = sorted(shipped_dir().glob("*.yaml"))


def first_open_question(engine: Engine) -> Ask:
    """Answer choices and scales with their first option until an open question waits."""
    engine.start()
    for _ in range(50):
        prompt = engine.prompt
        assert prompt is not None, "the dialogue ended without an open question"
        if isinstance(prompt, Ask):
            return prompt
        answer = (
            "1"
            if isinstance(prompt, Choose)
            else str(prompt.low if isinstance(prompt, Scale) else "")
        )
        assert isinstance(engine.answer(answer), Advance)
    raise AssertionError("no open question within 50 steps")


@pytest.mark.parametrize(
    ("text", "level_words"),
    [
        (
            "Eerlijk gezegd: ik kan niet meer, dit hele schooljaar al.",
            ["vertrouwenspersoon", "bedrijfsarts", "huisarts", "0800-0113"],
        ),
        ("Soms denk ik aan zelfmoord.", ["113", "0800-0113", "112"]),
    ],
)
@pytest.mark.parametrize("path", DIALOGUES, ids=[p.stem for p in DIALOGUES])
def test_a_signal_of_distress_pauses_every_dialogue(
    path: Path, text: str, level_words: list[str]
) -> None:
    engine = Engine(load_dialogue(path))
    question = first_open_question(engine)
    result = engine.answer(text)
    assert isinstance(result, Advance)
    notices = [step for step in result.steps if isinstance(step, Say) and step.style == "safety"]
    assert len(notices) == 1, result.steps
    for word in level_words:
        assert word in notices[0].text
    assert "diagnose" not in notices[0].text or "geen diagnose" in notices[0].text
    held = engine.prompt
    assert isinstance(held, Choose) and held.options == ("Ja, ga verder", "Nee, stop voor nu")
    # The answer itself was kept, before the pause.
    assert any(t.speaker == "user" and t.text == text for t in result.turns)
    assert question.node in {t.node for t in result.turns}
    stop = engine.answer("2")
    assert isinstance(stop, Advance) and stop.pause
