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

Entries are plain data: JSON of strings, numbers, lists and objects (two documents, one a
line: the dialogue, then its word lists), read back by the codec below into coach's own
model classes and nothing else. Reading an entry cannot run
code, whoever wrote it (a synced or shared `COACH_CACHE`, another account): the worst a
forged entry can do is describe a dialogue, as a dialogue file can. Files that are not
owned by this user, or can be written by others, are not read at all. Whatever is wrong
with an entry (truncated, corrupt, foreign, an older coach's) is a miss and the entry is
written anew; nothing here ever raises.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

from coach import __version__, lexicon
from coach.errors import CoachError, Issue
from coach.model import Dialogue, SafetyRule
from coach.visible import visible

ENV = "COACH_CACHE"
OFF = ("", "off")
FORMAT = 3  # raise when the layout of an entry changes (1: pickles; 2: one document)
MAGIC = b"coach-dialogue-cache\n"
MAX_ENTRIES = 256  # beyond this, the entries used longest ago are removed
SUFFIX = ".entry"
OLD_SUFFIXES = (".pickle",)  # entries of an older coach: never read, removed when pruning
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
    # they come (3× the time of decoding a 10,000-node dialogue) and again and again later;
    # they live as long as the process, so a big one is moved out of its sight (gc.freeze).
    collecting = gc.isenabled()
    gc.disable()
    try:
        entry = decode(bytes(payload))
        if not _unchanged(entry.deps):
            return None
        if collecting and len(payload) > FREEZE_BYTES:
            gc.freeze()
    except Exception:  # damaged after all, forged, or written by a coach whose classes differ
        return None
    finally:
        if collecting:
            gc.enable()
    with contextlib.suppress(OSError):  # its modification time says when it was last used
        os.utime(where.path)
    return entry


def store(where: Slot, entry: Entry) -> None:
    """Keep an entry in its slot. Never raises: without a cache coach only starts slower."""
    try:
        base = _ensure_folder(where.path.parent)
        if base is None:
            return
        key = where.key.encode("utf-8", "surrogateescape")
        payload = encode(entry)
        checksum = hashlib.sha256(payload).digest()
        _write_atomically(
            where.path, MAGIC + len(key).to_bytes(4, "big") + key + checksum + payload
        )
        _prune(base)
    except Exception:  # an unwritable folder, a full disk, a value the codec does not know
        return


def file_digest(path: str) -> str:
    """The sha256 of a file's bytes; "" when it is not a file that can be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return ""


# -- checking an entry --------------------------------------------------------------------


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
    """Remove the entries used longest ago when there are more than MAX_ENTRIES, the
    entries of an older coach, and temporary files that a coach stopped halfway left behind."""
    entries, leftovers = [], []
    now = time.time_ns()
    with os.scandir(base) as found:
        for item in found:
            if not item.is_file(follow_symlinks=False):
                continue
            used = item.stat(follow_symlinks=False).st_mtime_ns
            if item.name.endswith(SUFFIX):
                entries.append((used, item.path))
            elif item.name.endswith(OLD_SUFFIXES) or (
                item.name.endswith(".tmp") and now - used > LEFTOVER_NS
            ):
                leftovers.append(item.path)
    entries.sort()
    for old in leftovers + [path for _, path in entries[: max(0, len(entries) - MAX_ENTRIES)]]:
        with contextlib.suppress(OSError):
            os.unlink(old)


# -- the codec ------------------------------------------------------------------------------
#
# An entry is two JSON arrays, one a line. The first is [dialogue, [issue, ...], [[path,
# sha256], ...]]: everything the first question needs. The second holds the word lists, the
# dialogue's and the safety net's, each on its own: [word list, ...]. Three in four of a
# shipped dialogue's objects are in its word lists, and the first question needs none of
# them: the second line is read when a list is first asked for (`WordLists`), by a condition
# or by the safety net on the first answer, or while the leader reads the first question
# (coach/conversation.py).
#
# Within them a value is a string, number, true, false or null as itself; a mapping as a
# JSON object; and everything else as a JSON array whose last element says what it is:
#   [..., 0]  a tuple                [..., 1]  a tuple of plain values only
#   [[a, b], ..., 2]                 a tuple of tuples of plain values (the lines of keys)
#   [v, 3]    a lexicon or dialogue, kept in a table (they are shared: a sub-dialogue can
#             be called twice, an entry's word list can be used twice in a pattern)
#   [i, 4]    the i-th one in that table, met before
#   [source, flags, 5]               a regular expression (`matches()`), compiled again
#   [..., 6]  a frozenset of plain values (the forms of a word)
#   [{id: i, ...}, 7]                a dialogue's word lists: the i-th of the second line
#   [level, i, 8]                    a rule of the safety net, its list the i-th there
#   [field, ..., n]  an instance of a class (see `_layout`), its fields in their order; -n
#             when every field is a plain value (locations, names)
# Positions instead of field names, and the marker at the end, keep the file and the work
# small: a shipped dialogue is some 20,000 objects, and making them is most of what a
# cached start spends on its dialogue.

# The modules whose frozen dataclasses an entry may hold. No other class is ever made: a
# value of another kind is not written (that dialogue is not kept), and not read. A class
# is numbered by its module's place here and its own within the module, so the first line
# makes classes of the modules it holds only: the language layer (patterns) is imported
# when a word list is first made, not to show the first question.
MODULES = (
    "coach.errors",
    "coach.expr",
    "coach.language.patterns",
    "coach.lexicon",
    "coach.model",
    "coach.templates",
)
(
    _TUPLE,
    _PLAIN_TUPLE,
    _PLAIN_PAIRS,
    _SHARED,
    _AGAIN,
    _PATTERN,
    _FROZENSET,
    _LATER,
    _LATER_RULE,
    _FIRST_CLASS,
) = range(10)
_PER_MODULE = 64  # class numbers per module
_PLAIN = (str, int, float, bool, type(None))
_SHAREABLE = (lexicon.Lexicon, Dialogue)

Layout = tuple[type, tuple[str, ...], bool]


@cache
def _module_layouts(module: int) -> tuple[Layout, ...]:
    """The frozen dataclasses of one module of MODULES, in a fixed order, with the names of
    the fields an entry holds and whether the constructor takes them by name. Fields whose
    names start with "_" are derived (a dialogue's index of its nodes): the constructor
    makes them."""
    name = MODULES[module]
    classes = [
        value
        for value in vars(importlib.import_module(name)).values()
        if isinstance(value, type)
        and value.__module__ == name
        and is_dataclass(value)
        and value.__dataclass_params__.frozen  # type: ignore[attr-defined]
    ]
    layouts = []
    for cls in sorted(classes, key=lambda cls: cls.__qualname__):
        every = fields(cls)
        kept = tuple(f.name for f in every if not f.name.startswith("_"))
        layouts.append((cls, kept, len(kept) < len(every) or any(f.kw_only for f in every)))
    if len(layouts) > _PER_MODULE:
        raise RuntimeError(f"{name}: more classes than an entry can number")
    return tuple(layouts)


def _layout(tag: int) -> Layout:
    """The class numbered `tag`; ValueError (or IndexError) for a number of no class."""
    module, index = divmod(tag - _FIRST_CLASS, _PER_MODULE)
    if module < 0 or module >= len(MODULES):
        raise ValueError("not an entry")
    return _module_layouts(module)[index]


@cache
def _layouts() -> dict[type, tuple[int, tuple[str, ...]]]:
    """Every class an entry may hold, with its number and the names of its fields."""
    return {
        cls: (_FIRST_CLASS + module * _PER_MODULE + index, names)
        for module in range(len(MODULES))
        for index, (cls, names, _) in enumerate(_module_layouts(module))
    }


_REQUIRED = object()


@cache
def _defaults() -> dict[type, tuple[object, ...]]:
    """Each class's default for each field an entry holds (_REQUIRED where there is none):
    fields at the end that hold their default are left out, the constructor fills them in
    (a question without variants, follow-ups or limits is most questions)."""
    found: dict[type, tuple[object, ...]] = {}
    for cls, (_, names) in _layouts().items():
        by_name = {f.name: f for f in fields(cls)}
        defaults = []
        for name in names:
            field = by_name[name]
            if field.default is not MISSING:
                defaults.append(field.default)
            elif field.default_factory is not MISSING:
                defaults.append(field.default_factory())
            else:
                defaults.append(_REQUIRED)
        found[cls] = tuple(defaults)
    return found


def encode(entry: Entry) -> bytes:
    """An entry as JSON (UTF-8); TypeError or ValueError for a value the codec does not know."""
    lists: list[Any] = []  # the second line
    placed: dict[int, int] = {}  # id() of a word list → its place there
    keep: list[object] = []  # holds what `placed` names by id() until the end

    def later(item: lexicon.Lexicon) -> int:
        if type(item) is not lexicon.Lexicon:
            raise TypeError("a word list that is not a Lexicon")
        if id(item) not in placed:
            placed[id(item)] = len(lists)
            lists.append(_encoder(later)(item))  # each with a table of its own
            keep.append(item)
        return placed[id(item)]

    value = _encoder(later)
    document = [
        value(entry.dialogue),
        [value(issue) for issue in entry.issues],
        [[path, digest] for path, digest in entry.deps],
    ]
    first = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    second = json.dumps(lists, ensure_ascii=False, separators=(",", ":"))
    return f"{first}\n{second}".encode()  # JSON without indent has no line break of its own


def _encoder(later: Callable[[lexicon.Lexicon], int]) -> Callable[[object], Any]:
    """A function that turns a value of the model into JSON values, with a table of its own
    for what is shared; `later` places a word list on the second line."""
    tags = _layouts()
    defaults = _defaults()
    shared: dict[int, int] = {}
    keep: list[object] = []  # holds what `shared` names by id() until the end

    def value(item: object) -> Any:
        kind = type(item)
        if kind in _PLAIN:
            return item
        if kind is dict:
            return {key: value(each) for key, each in _text_keys(item).items()}
        if kind is tuple:
            return sequence(item)  # type: ignore[arg-type]
        if kind is frozenset:
            members: frozenset[object] = item  # type: ignore[assignment]
            if not all(type(each) in _PLAIN for each in members):
                raise TypeError("a set of values that are not plain")
            return [*members, _FROZENSET]
        if kind is re.Pattern:
            pattern: re.Pattern[str] = item  # type: ignore[assignment]
            return [pattern.pattern, pattern.flags, _PATTERN]
        if kind is SafetyRule:  # its word list on the second line
            rule: SafetyRule = item  # type: ignore[assignment]
            if type(rule.level) is not str:
                raise TypeError("a safety rule whose level is not text")
            return [rule.level, later(rule.lexicon), _LATER_RULE]
        if kind in _SHAREABLE:
            if id(item) in shared:
                return [shared[id(item)], _AGAIN]
            body = instance(item)
            shared[id(item)] = len(shared)  # numbered when done: as the reader meets them
            keep.append(item)
            return [body, _SHARED]
        return instance(item)

    def sequence(items: tuple[object, ...]) -> list[Any]:
        if all(type(each) in _PLAIN for each in items):
            return [*items, _PLAIN_TUPLE]
        if items and all(_plain_tuple(each) for each in items):
            return [*(list(each) for each in items), _PLAIN_PAIRS]  # type: ignore[call-overload]
        return [*(value(each) for each in items), _TUPLE]

    def instance(item: object) -> list[Any]:
        tag, names = tags[type(item)]  # KeyError: not a class an entry may hold
        state = vars(item)
        values = [state[name] for name in names]
        default = defaults[type(item)]
        while values and _same(values[-1], default[len(values) - 1]):
            values.pop()
        if all(type(each) in _PLAIN for each in values):
            return [*values, -tag]
        if type(item) is Dialogue:  # its word lists: on the second line, made when first used
            return [
                [{key: later(each) for key, each in _text_keys(each).items()}, _LATER]
                if name == "lexicons"
                else value(each)
                for name, each in zip(names, values, strict=False)
            ] + [tag]
        return [*(value(each) for each in values), tag]

    return value


def _same(value: object, default: object) -> bool:
    return default is not _REQUIRED and type(value) is type(default) and value == default


def _text_keys(mapping: object) -> dict[str, Any]:
    if isinstance(mapping, Lexicons):  # a cached dialogue's word lists, linked in anew
        mapping = dict(mapping)
    if not isinstance(mapping, dict) or not all(type(key) is str for key in mapping):
        raise TypeError("a mapping with keys that are not text")
    return mapping


def _plain_tuple(item: object) -> bool:
    return type(item) is tuple and all(type(each) in _PLAIN for each in item)


def decode(payload: bytes) -> Entry:
    """An entry from what `encode` wrote; ValueError (or another Exception) for anything else.

    Only the classes of MODULES are ever made, from plain values: a forged entry can say
    what a dialogue says, never run code. The word lists (the second line) are read when
    first asked for."""
    first, _, second = payload.partition(b"\n")
    document = json.loads(first)
    if type(document) is not list or len(document) != 3:
        raise ValueError("not an entry")
    build = _builder(WordLists(second))
    dialogue = build(document[0])
    issues = [build(issue) for issue in document[1]]
    deps = [(path, digest) for path, digest in document[2]]
    if (
        type(dialogue) is not Dialogue
        or not all(type(issue) is Issue for issue in issues)
        or not all(type(path) is str and type(digest) is str for path, digest in deps)
    ):
        raise ValueError("not an entry")
    return Entry(dialogue, issues, deps)


def _builder(lists: WordLists | None = None) -> Callable[[Any], Any]:
    """A function that turns one decoded JSON value back into the model's objects; `lists`
    are the word lists of the second line, for the first.

    The hot path of a cached start: one call per object, each kept short. Objects are made
    by their own constructors (a frozen dataclass's is the quickest way there is)."""
    layouts: dict[int, Layout] = {}
    table: list[Any] = []

    def build(item: Any) -> Any:
        kind = type(item)
        if kind is list:
            return node(item)
        if kind is dict:
            return {key: build(each) for key, each in item.items()}
        return item

    def node(item: list[Any]) -> Any:
        tag = item.pop()
        if tag <= -_FIRST_CLASS:  # an instance with plain fields only: nothing to build inside
            cls, names, keywords = layouts.get(-tag) or layouts.setdefault(-tag, _layout(-tag))
            values = item
        elif tag >= _FIRST_CLASS:
            cls, names, keywords = layouts.get(tag) or layouts.setdefault(tag, _layout(tag))
            values = [
                node(each) if type(each) is list else build(each) if type(each) is dict else each
                for each in item
            ]
        elif tag == _PLAIN_TUPLE:
            return tuple(item)
        elif tag == _FROZENSET:
            return frozenset(item)
        elif tag == _PLAIN_PAIRS:
            return tuple(map(tuple, item))
        elif tag == _TUPLE:
            return tuple([node(each) if type(each) is list else build(each) for each in item])
        else:
            return special(tag, item)
        if len(values) > len(names) or type(tag) is not int:  # fewer: defaults left out
            raise ValueError("not an entry")
        return cls(**dict(zip(names, values, strict=False))) if keywords else cls(*values)

    def special(tag: int, item: list[Any]) -> Any:
        if tag == _SHARED:
            made = node(item[0])
            if type(made) not in _SHAREABLE:
                raise ValueError("not an entry")
            table.append(made)
            return made
        if tag == _AGAIN:
            return table[item[0]]
        if tag == _PATTERN:
            source, flags = item
            return re.compile(source, flags)
        if tag == _LATER and lists is not None:
            (places,) = item
            if type(places) is not dict or not all(type(i) is int for i in places.values()):
                raise ValueError("not an entry")
            return Lexicons(lists, places)
        if tag == _LATER_RULE and lists is not None:
            level, place = item
            if type(level) is str and type(place) is int:
                return SafetyRule.later(level, lists.maker(place))
        raise ValueError("not an entry")

    return build


class WordLists:
    """The word lists of one entry (its second line), each made from its JSON when first
    asked for; read as JSON the first time one is."""

    __slots__ = ("_json", "_lock", "_made", "_raw")

    def __init__(self, data: bytes) -> None:
        self._json = data
        self._raw: list[Any] | None = None
        self._made: dict[int, lexicon.Lexicon] = {}
        # The lists are also made while the leader types (coach/conversation.py), and
        # making one uses up its JSON: one thread at a time.
        self._lock = threading.Lock()

    def get(self, place: int, name: str = "") -> lexicon.Lexicon:
        """The word list at this place; CoachError when it cannot be made."""
        made = self._made.get(place)
        if made is not None:
            return made
        with self._lock:
            return self._make(place, name)

    def maker(self, place: int) -> Callable[[], lexicon.Lexicon]:
        return lambda: self.get(place)

    def _make(self, place: int, name: str) -> lexicon.Lexicon:
        made = self._made.get(place)
        if made is not None:
            return made
        try:
            if self._raw is None:
                raw = json.loads(self._json)
                self._raw = raw if type(raw) is list else []
                self._json = b""
            item = self._raw[place]
            self._raw[place] = None  # made once: its JSON is used up
            made = _builder()(item) if type(item) is list else None
        except Exception:
            made = None
        if type(made) is not lexicon.Lexicon:
            shown = name or (made.id if isinstance(made, lexicon.Lexicon) else f"nr. {place}")
            raise CoachError(
                f"de woordenlijst '{visible(shown)}' in de cache van gecontroleerde "
                "gesprekken is beschadigd",
                f"gooi de map {visible(str(folder()))} weg; coach maakt hem opnieuw",
            )
        self._made[place] = made
        return made


class Lexicons(Mapping[str, "lexicon.Lexicon"]):
    """A cached dialogue's word lists by id, each made when first asked for."""

    __slots__ = ("_lists", "_places")

    def __init__(self, lists: WordLists, places: dict[str, int]) -> None:
        self._lists = lists
        self._places = places

    def __getitem__(self, key: str) -> lexicon.Lexicon:
        return self._lists.get(self._places[key], key)  # KeyError: not one of them

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def __repr__(self) -> str:
        return f"Lexicons({list(self._places)!r})"
