"""Where the dialogues and lexicons that come with coach are."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_dir() -> Path:
    """The folder of shipped dialogues: inside the package when installed from a wheel, at
    the top of the repository when running from a checkout."""
    packaged = Path(str(resources.files("coach"))) / "_data" / "dialogues"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "dialogues"
