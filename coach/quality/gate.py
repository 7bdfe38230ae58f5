"""The quality gate: the figures of an evaluation against the thresholds in the repository.

Thresholds are minimums, except the false-alarm rates, which are maximums: `false_alarm_rate`
on the look-alikes and `ordinary_alarm_rate` on the ordinary answers of the follow-up corpus.
A figure that drops below its threshold fails the gate, so a change to a word list or rule
cannot quietly make coach understand leaders worse."""

from __future__ import annotations

from typing import Any

MAXIMUMS = frozenset({"false_alarm_rate", "ordinary_alarm_rate"})


def failures(data: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """What falls short, one line each; empty when the gate passes."""
    found: list[str] = []
    _compare("vangnet", data["safety"], thresholds.get("safety") or {}, found)
    dialogues = data["followups"]["dialogues"]
    for dialogue, limits in (thresholds.get("followups") or {}).items():
        if dialogue not in dialogues:
            found.append(f"vervolgvragen {dialogue}: niet in het corpus")
            continue
        _compare(f"vervolgvragen {dialogue}", dialogues[dialogue], limits, found)
    rubrics = data["rubrics"]["rubrics"]
    for rubric, limits in (thresholds.get("rubrics") or {}).items():
        if rubric not in rubrics:
            found.append(f"rubric {rubric}: niet in het corpus")
            continue
        _compare(f"rubric {rubric}", rubrics[rubric], limits, found)
    return found


def _compare(what: str, figures: dict[str, Any], limits: dict[str, Any], found: list[str]) -> None:
    for name, written in limits.items():
        value = figures.get(name)
        try:
            limit = float(written)
        except (TypeError, ValueError):
            found.append(f"{what}: de drempel '{name}' is geen getal: {written!r}")
            continue
        if not isinstance(value, int | float):
            found.append(f"{what}: geen cijfer '{name}'")
        elif name in MAXIMUMS and value > limit:
            found.append(f"{what}: {name} {value:.3f} is hoger dan {limit}")
        elif name not in MAXIMUMS and value < limit:
            found.append(f"{what}: {name} {value:.3f} is lager dan {limit}")
