"""The evaluation as tables (text) or as data (JSON), and the worst misses with their text."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from coach.quality.evaluate import Evaluation, FollowupResult, RubricResult
from coach.quality.metrics import Counts
from coach.visible import visible


def as_data(evaluation: Evaluation, split: str) -> dict[str, Any]:
    followups = evaluation.followups
    return {
        "split": split,
        "followups": {
            "items": len(followups),
            "total": _counts(sum((r.counts for r in followups), Counts())),
            "accuracy": _ratio(sum(r.correct for r in followups), len(followups)),
            "dialogues": {
                name: {**_counts(counts), "items": _size(followups, name)}
                for name, counts in evaluation.followup_counts(lambda r: r.item.dialogue).items()
            },
            "steps": {
                name: _counts(counts)
                for name, counts in evaluation.followup_counts(
                    lambda r: f"{r.item.dialogue}/{r.item.node}"
                ).items()
            },
            "rules": {name: _counts(counts) for name, counts in evaluation.rule_counts().items()},
        },
        "rubrics": _rubric_data(evaluation),
        "safety": {
            **evaluation.safety_figures(),
            "categories": {
                category: evaluation.safety_figures(
                    r for r in evaluation.safety if r.item.category == category
                )
                for category in sorted({r.item.category for r in evaluation.safety})
            },
        },
        "problems": evaluation.problems,
    }


def _size(results: list[FollowupResult], dialogue: str) -> int:
    return sum(r.item.dialogue == dialogue for r in results)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _counts(counts: Counts) -> dict[str, Any]:
    return {
        "precision": round(counts.precision, 4),
        "recall": round(counts.recall, 4),
        "tp": counts.true_positive,
        "fp": counts.false_positive,
        "fn": counts.false_negative,
    }


def _rubric_data(evaluation: Evaluation) -> dict[str, Any]:
    grouped: dict[str, list[RubricResult]] = defaultdict(list)
    for result in evaluation.rubrics:
        grouped[f"{result.rubric}/{result.criterion}"].append(result)
    by_rubric: dict[str, list[RubricResult]] = defaultdict(list)
    for result in evaluation.rubrics:
        by_rubric[result.rubric].append(result)
    return {
        "total": _rounded(evaluation.rubric_figures(evaluation.rubrics)),
        "rubrics": {
            k: _rounded(evaluation.rubric_figures(v)) for k, v in sorted(by_rubric.items())
        },
        "criteria": {k: _rounded(evaluation.rubric_figures(v)) for k, v in sorted(grouped.items())},
    }


def _rounded(figures: dict[str, float]) -> dict[str, float]:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in figures.items()}


def as_text(evaluation: Evaluation, split: str, misses: int = 10) -> str:
    data = as_data(evaluation, split)
    lines = [f"Kwaliteit van het begrip, corpus: {split}", ""]
    f = data["followups"]
    lines += [
        f"Vervolgvragen ({f['items']} antwoorden; precisie = terecht gesteld / gesteld, "
        "recall = terecht gesteld / nodig)",
        _row("gesprek", "items", "precisie", "recall", "tp", "fp", "fn"),
    ]
    for name, row in f["dialogues"].items():
        lines.append(_row(name, row["items"], *_figures(row)))
    lines.append(_row("totaal", f["items"], *_figures(f["total"])))
    lines += ["", "Per stap", _row("stap", "", "precisie", "recall", "tp", "fp", "fn")]
    for name, row in f["steps"].items():
        lines.append(_row(name, "", *_figures(row)))
    lines += ["", "Per regel", _row("regel", "", "precisie", "recall", "tp", "fp", "fn")]
    for name, row in f["rules"].items():
        lines.append(_row(name, "", *_figures(row)))
    r = data["rubrics"]
    lines += [
        "",
        "Rubrics (niveau per criterium tegen het label)",
        _row("criterium", "items", "exact", "kappa", "gewogen", "", ""),
    ]
    for name, row in {**r["criteria"], **r["rubrics"], "totaal": r["total"]}.items():
        lines.append(
            _row(name, row["items"], f"{row['exact']:.2f}", f"{row['kappa']:.2f}",
                 f"{row['weighted_kappa']:.2f}", "", "")
        )  # fmt: skip
    s = data["safety"]
    lines += [
        "",
        f"Vangnet ({s['signals']} signalen, {s['lookalikes']} lijkt-erop)",
        _row("categorie", "items", "recall", "vals alarm", "niveau", "", ""),
    ]
    for name, row in {**s["categories"], "totaal": s}.items():
        size = row["signals"] + row["lookalikes"]
        recall = f"{row['recall']:.2f}" if row["signals"] else "-"
        alarm = f"{row['false_alarm_rate']:.2f}" if row["lookalikes"] else "-"
        level = f"{row['level_accuracy']:.2f}" if row["signals"] else "-"
        lines.append(_row(name, size, recall, alarm, level, "", ""))
    lines.append(
        f"Op gewone antwoorden ({s['ordinary_answers']} uit de vervolgvragen): "
        f"vals alarm {s['ordinary_alarm_rate']:.3f}"
    )
    if misses:
        lines += ["", *_misses(evaluation, misses)]
    if data["problems"]:
        lines += ["", "Items zonder bekende vraag:", *data["problems"]]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _figures(row: dict[str, Any]) -> tuple[str, str, int, int, int]:
    return f"{row['precision']:.2f}", f"{row['recall']:.2f}", row["tp"], row["fp"], row["fn"]


def _row(name: str, size: object, *cells: object) -> str:
    return f"{name:<44} {size!s:>5} " + " ".join(f"{cell!s:>10}" for cell in cells)


def _misses(evaluation: Evaluation, limit: int) -> list[str]:
    lines = ["Grootste missers"]
    wrong = [r for r in evaluation.followups if not r.correct][:limit]
    for result in wrong:
        label = "|".join(result.item.accepted)
        lines.append(
            f"- {result.item.dialogue}/{result.item.node}: gaf {result.predicted}, "
            f"verwacht {label}: {_quote(result.item.answer)}  ({result.item.where})"
        )
    for safety_result in [r for r in evaluation.safety if r.predicted != r.item.expect][:limit]:
        lines.append(
            f"- vangnet: gaf {safety_result.predicted}, verwacht {safety_result.item.expect} "
            f"({safety_result.item.category}): {_quote(safety_result.item.text)}"
        )
    for ordinary in [r for r in evaluation.ordinary if r.predicted != "none"][:limit]:
        lines.append(
            f"- vangnet op een gewoon antwoord ({ordinary.item.dialogue}/{ordinary.item.node}): "
            f"gaf {ordinary.predicted} om {_why(ordinary.words)}: "
            f"{_quote(ordinary.item.answer)}  ({ordinary.item.where})"
        )
    rubric_wrong = [r for r in evaluation.rubrics if r.found != r.expected][:limit]
    for rubric_result in rubric_wrong:
        lines.append(
            f"- {rubric_result.rubric}/{rubric_result.criterion}: gaf {rubric_result.found}, "
            f"verwacht {rubric_result.expected}: {_quote(rubric_result.item.answer)}"
        )
    return lines


def _why(words: str) -> str:
    """What opened the net: the words a rule found, or the weighted words together."""
    return _quote(words, 60) if words else "de gewogen woorden samen"


def _quote(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return "‘" + visible(flat if len(flat) <= width else flat[: width - 1] + "…") + "’"
