"""What every part of the benchmark shares: folders, repeat counts, the bare start time."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from measure import Command, child_env, coach_argv

SIZES = (100, 1_000, 10_000)  # nodes of the synthetic dialogues


@dataclass
class Context:
    work: Path  # where the data lives: a temporary folder, or --keep-data
    repeat: int  # runs per start-up figure
    quick: bool
    fts_triggers: bool  # fill the big store's index through coach's triggers
    bare: float = 0.0  # median bare Python start, in seconds, once measured
    details: dict[str, Any] = field(default_factory=dict)  # breakdowns for the JSON file

    @property
    def heavy(self) -> int:
        """Runs for figures that take a second or more each."""
        return max(2, self.repeat // 3)

    @property
    def cwd(self) -> Path:
        """An empty folder to run coach in: no ./dialogues there to shadow the shipped ones."""
        path = self.work / "cwd"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def home(self) -> Path:
        """COACH_HOME for the start-up figures: a database with a few sessions in it."""
        path = self.work / "home"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def scripts(self) -> Path:
        path = self.work / "scripts"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def coach(self, *args: str, home: Path | None = None) -> Command:
        return Command(coach_argv(*args), self.cwd, child_env(home or self.home))

    def python(self, *args: str) -> Command:
        return Command([sys.executable, *args], self.cwd, child_env(self.home))

    def ratio(self, seconds: float) -> float:
        return seconds / self.bare if self.bare else 0.0
