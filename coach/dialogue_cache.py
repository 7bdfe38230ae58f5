"""A cache of checked dialogues, so an unchanged script is never read and checked twice.

Loading a dialogue (parsing the YAML, the JSON Schema, linking its word lists and
sub-dialogues, every check) costs tens of milliseconds for a shipped script and seconds for
a very big one. The result depends only on the bytes of the files involved, so it is kept
here, per user, and used again by the next coach process that loads the same dialogue:

- the key is coach's version and code, Python's version, the dialogue file (where it is,
  the sha256 of its bytes, the name its issues carry), the folder coach runs in and the
  dialogues that called it;
- the entry holds the linked Dialogue with its issues (warnings; a dialogue with errors is
  never kept) and every file the result came from: each word list and sub-dialogue with the
  sha256 of its bytes, and each place looked at first that held nothing (a word list put
  there later would be used instead). On a hit those are checked again; any change is a
  miss. Dialogues loaded from text (tests, tools) are not kept.

The folder is the user's cache folder (`$XDG_CACHE_HOME/coach`, `~/.cache/coach`,
`~/Library/Caches/coach`, `%LOCALAPPDATA%\\coach\\cache`), or `COACH_CACHE`; `COACH_CACHE=off`
(or empty) turns the cache off. It holds authored dialogues only, never a user's answers,
and is never inside COACH_HOME. Files are 0600 in a 0700 folder, written whole to a temporary
file and renamed into place, so another coach process never reads half an entry.

Entries are pickles. That is safe here because only coach writes them, in a folder of this
user's own: a file that is not owned by this user, or can be written by others, is not read.
Still, whatever is wrong with an entry (truncated, corrupt, foreign, an older coach's) is a
miss and the entry is written anew; nothing here ever raises.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sys
import time
from functools import cache
from pathlib import Path

from coach import __version__
from coach.errors import Issue
from coach.model import Dialogue

ENV = "COACH_CACHE"
OFF = ("", "off")
FORMAT = 1  # raise when the layout of an entry changes
MAGIC = b"coach-dialogue-cache\n"
MAX_ENTRIES = 256  # beyond this, the entries used longest ago are removed
SUFFIX = ".pickle"
FREEZE_BYTES = 512 * 1024  # an entry this big (about 1,000 nodes) is kept out of the GC's way
LEFTOVER_NS = 3600 * 10**9  # a temporary file this old was left by a coach that stopped

# A file the result was made from: its path and the sha256 of its bytes, or "" for a place
# that was looked at and held no file (a file put there later would change the result).
Dep = tuple[str, str]


def default_folder() -> Path:
    """The platform's per-user cache folder for coach."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "coach" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "coach"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coach"


def folder() -> Path | None:
    """The cache folder to use (not created here), or None when the cache is off."""
    chosen = os.environ.get(ENV)
    if chosen is None:
        try:
            return default_folder()
        except RuntimeError:  # no home folder to be found
            return None
    if chosen.strip().lower() in OFF:
        return None
    return Path(chosen).expanduser()


# Plain classes: a dataclass costs more to define than this module's start-up is worth.
class Slot:
    """Where the entry for one dialogue file with one content would be."""

    __slots__ = ("key", "path")

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key  # everything the entry's name was made from; the entry starts with it


class Entry:
    """What is kept: the linked dialogue, its issues (warnings), the files it came from."""

    __slots__ = ("deps", "dialogue", "issues")

    def __init__(self, dialogue: Dialogue, issues: list[Issue], deps: list[Dep]) -> None:
        self.dialogue = dialogue
        self.issues = issues
        self.deps = deps


def slot(file: Path, display: str, calling: tuple[str, ...], digest: str) -> Slot | None:
    """The slot of a dialogue file whose bytes have this sha256; None when the cache is off."""
    base = folder()
    if base is None:
        return None
    try:
        where, here = str(file.resolve()), os.getcwd()
    except (OSError, RuntimeError):
        return None
    key = "\n".join((str(FORMAT), _code_stamp(), where, display, here, " → ".join(calling), digest))
    name = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
    return Slot(base / f"{name}{SUFFIX}", key)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(where: Slot) -> Entry | None:
    """The entry in this slot if it is there, whole, ours and still true; else None."""
    import pickle

    try:
        data = _read_own(where.path)
    except OSError:
        return None
    key = where.key.encode("utf-8", "surrogateescape")
    head = MAGIC + len(key).to_bytes(4, "big") + key
    if data is None or not data.startswith(head):  # not an entry, or not this one
        return None
    checksum = data[len(head) : len(head) + 32]
    payload = memoryview(data)[len(head) + 32 :]
    if hashlib.sha256(payload).digest() != checksum:  # cut short or damaged
        return None
    # A big dialogue is 100,000s of small objects. The garbage collector would scan them as
    # they come (3× the time of unpickling a 10,000-node dialogue) and again and again later;
    # they live as long as the process, so a big one is moved out of its sight (gc.freeze).
    collecting = gc.isenabled()
    gc.disable()
    try:
        entry = pickle.loads(payload)
        if not isinstance(entry, Entry) or not _is_entry(entry) or not _unchanged(entry.deps):
            return None
        if collecting and len(payload) > FREEZE_BYTES:
            gc.freeze()
    except Exception:  # damaged after all, or written by a coach whose classes differ
        return None
    finally:
        if collecting:
            gc.enable()
    with contextlib.suppress(OSError):  # its modification time says when it was last used
        os.utime(where.path)
    return entry


def store(where: Slot, entry: Entry) -> None:
    """Keep an entry in its slot. Never raises: without a cache coach only starts slower."""
    import pickle

    try:
        base = _ensure_folder(where.path.parent)
        if base is None:
            return
        _warm(entry.dialogue)
        key = where.key.encode("utf-8", "surrogateescape")
        payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        checksum = hashlib.sha256(payload).digest()
        _write_atomically(
            where.path, MAGIC + len(key).to_bytes(4, "big") + key + checksum + payload
        )
        _prune(base)
    except Exception:  # an unwritable folder, a full disk, a dialogue that does not pickle
        return


def file_digest(path: str) -> str:
    """The sha256 of a file's bytes; "" when it is not a file that can be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return ""


# -- checking an entry --------------------------------------------------------------------


def _is_entry(entry: Entry) -> bool:
    return (
        isinstance(entry.dialogue, Dialogue)
        and isinstance(entry.issues, list)
        and all(isinstance(issue, Issue) for issue in entry.issues)
        and isinstance(entry.deps, list)
    )


def _unchanged(deps: list[Dep]) -> bool:
    """Every file the result was made from still has the same bytes, and nothing appeared
    where a file was looked for and none was."""
    for path, digest in deps:
        if not digest:
            if os.path.isfile(path):
                return False
        elif file_digest(path) != digest:
            return False
    return True


@cache
def _code_stamp() -> str:
    """What else decides what a load gives: the version and the code of coach, Python's
    version, and the folders packages are installed in (installing or upgrading PyYAML or
    the stemmer changes their modification time)."""
    package = Path(__file__).parent
    parts = [__version__, sys.version]
    # every module in every subpackage: a change to the language layer changes what a
    # compiled word list matches
    for folder, children, files in sorted(os.walk(package)):
        children[:] = sorted(child for child in children if not child.startswith((".", "_")))
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                try:
                    info = os.stat(os.path.join(folder, name))
                    parts.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}")
                except OSError:
                    parts.append(f"{folder}/{name}:?")
    for place in sys.path:
        if place.endswith(("site-packages", "dist-packages")):
            with contextlib.suppress(OSError):
                parts.append(f"{place}:{os.stat(place).st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


# -- files ----------------------------------------------------------------------------------

_OWNER_ONLY = hasattr(os, "getuid")  # POSIX: check who owns the folder and its files


def _read_own(path: Path) -> bytes | None:
    """The bytes of a file of this user's that no one else can write; None otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags)
    with open(descriptor, "rb") as handle:
        if _OWNER_ONLY and not _private(os.fstat(descriptor)):
            return None
        return handle.read()


def _private(info: os.stat_result) -> bool:
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _ensure_folder(base: Path) -> Path | None:
    """The cache folder, made (0700) if needed; None when it is not this user's own."""
    if not base.is_dir():
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(base, 0o700)  # mkdir's mode is filtered by the umask; this is not
    if _OWNER_ONLY and not _private(os.stat(base)):
        return None
    return base


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o600)
    try:
        with open(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _prune(base: Path) -> None:
    """Remove the entries used longest ago when there are more than MAX_ENTRIES, and
    temporary files that a coach stopped halfway left behind."""
    entries, leftovers = [], []
    now = time.time_ns()
    with os.scandir(base) as found:
        for item in found:
            if not item.is_file(follow_symlinks=False):
                continue
            used = item.stat(follow_symlinks=False).st_mtime_ns
            if item.name.endswith(SUFFIX):
                entries.append((used, item.path))
            elif item.name.endswith(".tmp") and now - used > LEFTOVER_NS:
                leftovers.append(item.path)
    entries.sort()
    for old in leftovers + [path for _, path in entries[: max(0, len(entries) - MAX_ENTRIES)]]:
        with contextlib.suppress(OSError):
            os.unlink(old)


def _warm(dialogue: Dialogue) -> None:
    """Build the lexicons' indexes before pickling, so a loaded entry has them ready."""
    lexicons = list(dialogue.lexicons.values())
    if dialogue.safety is not None:
        lexicons += [rule.lexicon for rule in dialogue.safety.rules]
    for lexicon in lexicons:
        lexicon.warm()
    for callee in dialogue.callees.values():
        _warm(callee)
