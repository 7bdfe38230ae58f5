"""The quality gate: `coach eval --split test --gate` over the committed corpus must meet the
thresholds in corpus/thresholds.yaml. Deterministic: fixed data, no timing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Result

Run = Callable[..., Result]

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_the_test_split_meets_the_committed_thresholds(run_cli: Run) -> None:
    result = run_cli("eval", "--split", "test", "--corpus", str(CORPUS), "--gate", "--missers", "0")
    assert result.code == 0, result.err


def test_the_corpus_is_as_large_as_promised(run_cli: Run) -> None:
    result = run_cli("eval", "--split", "all", "--corpus", str(CORPUS), "--format", "json")
    data = json.loads(result.out)
    assert data["followups"]["items"] >= 1500
    assert data["safety"]["signals"] >= 200 and data["safety"]["lookalikes"] >= 200
    assert len(data["followups"]["dialogues"]) == 7
    assert not data["problems"]


def test_eval_explains_itself_without_a_corpus(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("eval", "--corpus", str(tmp_path / "nergens"))
    assert result.code != 0
    assert "geen corpus" in result.err


def test_the_gate_fails_below_a_threshold_and_names_it(run_cli: Run, tmp_path: Path) -> None:
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    text = (corpus / "thresholds.yaml").read_text("utf-8")
    (corpus / "thresholds.yaml").write_text(
        text.replace("false_alarm_rate:", "false_alarm_rate: 0.0 #"), encoding="utf-8"
    )
    result = run_cli("eval", "--split", "test", "--corpus", str(corpus), "--gate", "--missers", "0")
    assert result.code == 1
    assert "onder de drempel: vangnet: false_alarm_rate" in result.err


def test_the_misses_of_the_test_split_stay_out_of_sight_unless_asked(
    run_cli: Run, tmp_path: Path
) -> None:
    """Who reads the test items tunes on them: eval shows them only when asked by number."""
    missed = "Het rooster voor volgende week is klaar."  # labelled crisis: always a miss
    item = f'items:\n  - text: "{missed}"\n    expect: crisis\n    category: suicide-indirect\n'
    (tmp_path / "safety").mkdir()
    for split in ("dev", "test"):
        (tmp_path / "safety" / f"{split}.yaml").write_text(item, encoding="utf-8")
    corpus = ("--corpus", str(tmp_path))
    assert missed not in run_cli("eval", "--split", "test", *corpus).out
    assert missed not in run_cli("eval", "--split", "all", *corpus).out
    assert missed in run_cli("eval", "--split", "dev", *corpus).out
    assert missed in run_cli("eval", "--split", "test", "--missers", "5", *corpus).out
    refused = run_cli("eval", "--missers", "-1", *corpus)
    assert refused.code != 0 and "0 of meer" in refused.err
