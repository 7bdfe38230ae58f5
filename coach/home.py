"""Where a user's transcripts live: `--home`, else `COACH_HOME`, else the platform's data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from coach.errors import StoreError, os_reason

DATABASE_NAME = "coach.db"


def default_home() -> Path:
    """The platform's per-user data folder for coach."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "coach"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "coach"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "coach"


def resolve_home(option: str | None = None) -> Path:
    """The data folder to use, without creating it."""
    chosen = option or os.environ.get("COACH_HOME") or ""
    return Path(chosen).expanduser() if chosen else default_home()


def ensure_home(home: Path) -> Path:
    """Create the data folder if needed, readable by this user only; return it."""
    if home.is_dir():
        return home
    try:
        home.mkdir(mode=0o700, parents=True)
        os.chmod(home, 0o700)  # mkdir's mode is filtered by the umask; this is not
    except FileExistsError:
        if home.is_dir():  # another coach made it at the same moment
            return home
        raise StoreError(
            f"{home} bestaat al, maar is geen map",
            "kies met --home of COACH_HOME een andere map voor je gesprekken",
        ) from None
    except OSError as exc:
        raise StoreError(
            f"kan de map {home} niet maken ({os_reason(exc)})",
            "kies met --home of COACH_HOME een map waarin je mag schrijven",
        ) from None
    return home
