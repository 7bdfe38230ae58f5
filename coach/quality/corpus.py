"""The labelled corpus: answers with the follow-up a careful coach would ask, rubric levels,
and safety items. The format is described in corpus/README.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.yamldoc import read_yaml_file as read_yaml

SPLITS = ("dev", "test")
SAFETY_LABELS = ("crisis", "zorg", "ander", "none")
ANY = "any"
NONE = "none"


@dataclass(frozen=True)
class FollowupItem:
    dialogue: str
    node: str
    answer: str
    accepted: tuple[str, ...]  # probe ids a coach would accept; ("any",) or ("none",)
    rubric: dict[str, int] = field(default_factory=dict)
    given: dict[str, str] = field(default_factory=dict)
    where: str = ""  # file:line

    @property
    def wants_followup(self) -> bool:
        return self.accepted != (NONE,)


@dataclass(frozen=True)
class SafetyItem:
    text: str
    expect: str
    category: str
    where: str = ""


@dataclass(frozen=True)
class Corpus:
    followups: tuple[FollowupItem, ...]
    safety: tuple[SafetyItem, ...]


def default_corpus() -> Path | None:
    """The corpus folder of the project coach runs from, if there is one."""
    here = Path(__file__).resolve().parent.parent.parent / "corpus"
    for candidate in (Path.cwd() / "corpus", here):
        if (candidate / "followups").is_dir() or (candidate / "safety").is_dir():
            return candidate
    return None


def load_corpus(folder: Path, split: str) -> Corpus:
    """Every item of one split (`dev`, `test`, or `all`)."""
    splits = SPLITS if split == "all" else (split,)
    followups: list[FollowupItem] = []
    safety: list[SafetyItem] = []
    for each in splits:
        for path in sorted((folder / "followups" / each).glob("*.yaml")):
            followups.extend(_followups(path))
        # `dev.yaml`, and more files of the same split from other writers (`dev-2.yaml`)
        for path in sorted((folder / "safety").glob(f"{each}*.yaml")):
            safety.extend(_safety(path))
    return Corpus(tuple(followups), tuple(safety))


def _read(path: Path) -> tuple[dict[str, Any], Any]:
    document = read_yaml(path)
    errors = [issue for issue in document.issues if issue.severity == "error"]
    if errors:
        raise CoachError(f"{path}:{errors[0].line}: {errors[0].message}")
    if not isinstance(document.data, dict) or not isinstance(document.data.get("items"), list):
        raise CoachError(f"{path}: een corpusbestand heeft een lijst 'items'")
    return document.data, document


def _followups(path: Path) -> list[FollowupItem]:
    data, document = _read(path)
    dialogue = str(data.get("dialogue") or path.stem)
    items = []
    for index, raw in enumerate(data["items"]):
        where = f"{path}:{document.line_of(('items', index))}"
        if not isinstance(raw, dict) or not isinstance(raw.get("answer"), str):
            raise CoachError(f"{where}: een item heeft node, answer en followup")
        label = raw.get("followup", NONE)
        accepted = tuple(str(x) for x in label) if isinstance(label, list) else (str(label),)
        rubric = raw.get("rubric") or {}
        given = raw.get("given") or {}
        items.append(
            FollowupItem(
                dialogue,
                str(raw.get("node")),
                raw["answer"],
                accepted,
                {str(k): int(v) for k, v in rubric.items()},
                {str(k): str(v) for k, v in given.items()},
                where,
            )
        )
    return items


def _safety(path: Path) -> list[SafetyItem]:
    data, document = _read(path)
    items = []
    for index, raw in enumerate(data["items"]):
        where = f"{path}:{document.line_of(('items', index))}"
        if not isinstance(raw, dict) or raw.get("expect") not in SAFETY_LABELS:
            raise CoachError(f"{where}: een item heeft text en expect ({', '.join(SAFETY_LABELS)})")
        items.append(
            SafetyItem(str(raw.get("text")), raw["expect"], str(raw.get("category") or ""), where)
        )
    return items
