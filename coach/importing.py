"""`coach transcripts import`: a session exported as JSON (docs/transcript-format.md) back
into the store, exactly as it was.

A file is read whole and checked before anything is stored: format and version, every
field with its type, turns numbered 1, 2, 3, … without gaps, times that are times. One
mistake refuses the whole file, with what and where. The session keeps its uuid, its
fields, every turn with its time, and its annotations, so exporting it again gives the same
bytes.

The export has no engine snapshot (`state`), which `coach resume` and coach's memory of a
person need. It is rebuilt by replaying the leader's answers through the dialogue and
checking that the engine says exactly what the transcript says. Two things of the original
session are not in the export and are found by trying: the seed that chose among a text's
variants (the variant each text shows is read from the transcript, then a seed that picks
those), and how many times the dialogue had been started (`session.count`). When no replay
matches (the dialogue is gone, or has changed), the session is stored with a snapshot that
`coach resume` refuses, holding the answers read from the turns so that coach still
remembers them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from coach import catalog, memory
from coach.annotations import clean_author, clean_text
from coach.engine import SNAPSHOT_VERSION, Engine, Memory, variant_index
from coach.errors import CoachError, DialogueError, StoreError, UsageError, os_reason
from coach.export import FORMAT_NAME, FORMAT_VERSION
from coach.expr import Value
from coach.model import (
    QUESTION_TYPES,
    STATUSES,
    Annotation,
    Ask,
    Call,
    Dialogue,
    Node,
    SessionInfo,
    Transcript,
    TranscriptTurn,
)
from coach.shipped import shipped_dir
from coach.steps import Advance, Invalid, Turn
from coach.steps import Ask as AskStep
from coach.store import Store
from coach.visible import visible

MAX_FILE_BYTES = 50_000_000
MAX_NUMBER = 1_000_000_000  # a session number or version beyond this is no export of coach
SESSION_COUNTS = (1, 2, 3, 4, 5, 6, 10)  # `session.count` values to try, after the likeliest
MAX_SEED_TRIES = 1 << 20
_PLAIN_NAME = re.compile(r"[\w-]+")  # a dialogue id, never a path
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)")
_SHOWN_KINDS = ("say", "ask", "choose", "scale")  # coach turns whose text may be a variant


class Refused(CoachError):
    """A file that is not imported; nothing of it was stored. What it quotes from the file
    is made visible: a field could hold control characters."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(visible(message), visible(hint))


@dataclass(frozen=True)
class Rebuilt:
    """The snapshot stored with an imported session."""

    state: dict[str, Any]
    resumable: bool
    why: str = ""  # why it cannot be resumed, in Dutch


@dataclass(frozen=True)
class Imported:
    record: Transcript
    number: int  # its session number here
    rebuilt: Rebuilt


# -- the whole import --------------------------------------------------------------------------


def import_file(store: Store, path: Path) -> Imported:
    """Read, check and store one exported session; Refused (nothing stored) if it can't be."""
    record = read_export(_read(path))
    existing = store.session_with_uuid(record.session.uuid)
    if existing is not None:
        raise Refused(
            f"dit gesprek is al geïmporteerd: het staat hier als sessie {existing}",
            f"coach transcripts show {existing} laat het zien",
        )
    number = store.free_session_id(record.session.id)
    dialogue, dialogue_path = find_dialogue(record.session.dialogue_id)
    recall = _store_memory(store, number)
    earlier = store.count_sessions(record.session.dialogue_id)
    rebuilt = rebuild_state(record, dialogue, recall, first_count=earlier + 1)
    try:
        stored = store.import_transcript(record, rebuilt.state, dialogue_path)
    except StoreError:
        raise  # the database is the problem (full, locked): the other files would fail too
    except CoachError as exc:  # imported by another coach just now
        raise Refused(exc.message, exc.hint) from None
    return Imported(record, stored, rebuilt)


def in_time_order(names: Sequence[str]) -> list[str]:
    """The files `names` in the order to import them: their sessions oldest first (by
    `started_at`), whatever order they were given in.

    Sessions then get their numbers and their turns their ids in the order they took place,
    as if they had been made here one after the other: `coach transcripts search` reads
    recently stored answers first and is quickest when that is time order, and the
    memory and session count rebuilt for each session hold the sessions before it. Each
    file is read and checked here and again when it is imported, so as not to keep every
    session in memory at once. A file that cannot be read or is refused comes first,
    where import_file says why; files of the same moment keep their order.
    """
    moments: list[tuple[datetime | None, str]] = []
    for name in names:
        try:
            started = read_export(_read(Path(name))).session.started_at
        except Refused:
            moments.append((None, name))
            continue
        moments.append((datetime.fromisoformat(started.replace("Z", "+00:00")), name))
    refused = [name for moment, name in moments if moment is None]
    readable = [(moment, name) for moment, name in moments if moment is not None]
    return refused + [name for _, name in sorted(readable, key=lambda item: item[0])]


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise Refused(f"kan het bestand niet lezen ({os_reason(exc)})") from None
    if len(data) > MAX_FILE_BYTES:
        raise Refused("het bestand is te groot voor een export van één gesprek")
    return data


def find_dialogue(dialogue_id: str) -> tuple[Dialogue | None, str | None]:
    """The dialogue an imported session used, as `coach run` would find it by name, and its
    path to store (only for one of your own, as `coach run` does); None if it is not here."""
    if not _PLAIN_NAME.fullmatch(dialogue_id):
        return None, None  # an id from a file is never read as a path
    try:
        dialogue, path = catalog.load(dialogue_id)
    except (UsageError, DialogueError):
        return None, None
    if dialogue.id != dialogue_id:
        return None, None
    local = not path.resolve().is_relative_to(shipped_dir().resolve())
    return dialogue, str(path.resolve()) if local else None


def _store_memory(store: Store, number: int) -> Memory:
    """What coach remembers from the sessions before number `number`, as a new session
    would get it."""

    def recall(dialogue_id: str, subject: str, names: tuple[str, ...]) -> dict[str, Value]:
        return memory.remembered(store.snapshots(dialogue_id, before=number), subject, names)

    return recall


# -- reading and checking the file -------------------------------------------------------------


def read_export(data: bytes) -> Transcript:
    """The session in an export file; Refused with what is wrong, and where."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused("het bestand is geen UTF-8-tekst, dus geen export van coach") from None
    except (ValueError, RecursionError):
        raise Refused(
            "het bestand is geen geldige JSON",
            "exporteer het gesprek opnieuw met coach transcripts export SESSIE --format json",
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise Refused(
            f'dit is geen export van een gesprek van coach ("format" is niet "{FORMAT_NAME}")',
            "exporteer het gesprek met coach transcripts export SESSIE --format json",
        )
    version = document.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise Refused(
            f"deze export heeft formaatversie {json.dumps(version)}; deze coach leest "
            f"versie {FORMAT_VERSION}",
            "werk coach bij als de export van een nieuwere versie komt",
        )
    _refuse_surrogates(document)
    session = _field(document, "session", dict, "")
    if session.get("redacted") is True:
        # A redacted export is for reading and sharing. Read back in, its role would pass
        # for a person in memory and progress, and its uuid is the original session's.
        raise Refused(
            "dit is een export zonder namen (--redact); die is om te lezen en te delen, "
            "niet om in te lezen",
            "lees de gewone export in: coach transcripts export SESSIE --format json",
        )
    info = _session(session)
    turns = _turns(_field(document, "turns", list, ""))
    notes = _annotations(document.get("annotations", []), {turn.seq for turn in turns})
    return Transcript(info, turns, notes)


def _session(raw: dict[str, Any]) -> SessionInfo:
    where = "session"
    number = _field(raw, "id", int, where)
    if not 1 <= number <= MAX_NUMBER:
        raise Refused(f"{where}.id moet tussen 1 en {MAX_NUMBER} liggen, maar is {number}")
    version = _field(raw, "dialogue_version", int, where)
    if abs(version) > MAX_NUMBER:
        raise Refused(f"{where}.dialogue_version is {version}; dat kan geen versie zijn")
    status = _field(raw, "status", str, where)
    if status not in STATUSES:
        raise Refused(
            f'{where}.status is "{status}"; dat moet een van deze zijn: ' + ", ".join(STATUSES)
        )
    session_uuid = _field(raw, "uuid", str, where)
    if not session_uuid.strip():
        raise Refused(f"{where}.uuid is leeg")
    return SessionInfo(
        id=number,
        uuid=session_uuid,
        dialogue_id=_field(raw, "dialogue_id", str, where),
        dialogue_version=version,
        dialogue_hash=_field(raw, "dialogue_hash", str, where),
        dialogue_title=_field(raw, "dialogue_title", str, where),
        dialogue_path=None,
        subject=_field(raw, "subject", (str, None), where),
        status=status,
        started_at=_time(raw, "started_at", where),
        updated_at=_time(raw, "updated_at", where),
        ended_at=_time(raw, "ended_at", where, optional=True),
    )


def _turns(items: list[Any]) -> tuple[TranscriptTurn, ...]:
    turns = []
    for index, item in enumerate(items):
        where = f"turns[{index}]"
        if not isinstance(item, dict):
            raise Refused(f"{where} moet een object zijn, maar is {_kind_of(item)}")
        seq = _field(item, "seq", int, where)
        if seq != index + 1:
            raise Refused(
                f"{where}.seq is {seq}, verwacht {index + 1}: de beurten horen genummerd te "
                "zijn als 1, 2, 3, …, zonder gaten"
            )
        speaker = _field(item, "speaker", str, where)
        if speaker not in ("coach", "user"):
            raise Refused(f'{where}.speaker is "{speaker}"; dat moet "coach" of "user" zijn')
        if "value" not in item:
            raise Refused(f"{where}.value ontbreekt")
        turns.append(
            TranscriptTurn(
                seq=seq,
                node=_field(item, "node", str, where),
                phase=_field(item, "phase", (str, None), where),
                kind=_field(item, "kind", str, where),
                speaker=speaker,
                text=_field(item, "text", str, where),
                value=item["value"],
                created_at=_time(item, "created_at", where),
            )
        )
    return tuple(turns)


def _annotations(items: Any, seqs: set[int]) -> tuple[Annotation, ...]:
    if not isinstance(items, list):
        raise Refused(f"annotations moet een lijst zijn, maar is {_kind_of(items)}")
    notes = []
    for index, item in enumerate(items):
        where = f"annotations[{index}]"
        if not isinstance(item, dict):
            raise Refused(f"{where} moet een object zijn, maar is {_kind_of(item)}")
        turn = _field(item, "turn", (int, None), where)
        if turn is not None and turn not in seqs:
            raise Refused(f"{where}.turn is {turn}, maar zo'n beurt staat niet in turns")
        try:
            text = clean_text(_field(item, "text", str, where))
            author = clean_author(_field(item, "author", (str, None), where))
        except UsageError as exc:
            raise Refused(f"{where}: {exc.message}") from None
        notes.append(Annotation(0, turn, text, author, _time(item, "created_at", where)))
    return tuple(notes)


Kinds = type | None | tuple[type | None, ...]


def _field(raw: dict[str, Any], key: str, kinds: Kinds, where: str) -> Any:
    """raw[key], if it is there and of one of these kinds (None: null)."""
    name = f"{where}.{key}" if where else key
    if key not in raw:
        raise Refused(f"{name} ontbreekt")
    value = raw[key]
    wanted = kinds if isinstance(kinds, tuple) else (kinds,)
    for kind in wanted:
        if kind is None and value is None:
            return value
        if kind is not None and isinstance(value, kind) and not isinstance(value, bool):
            return value
    expected = " of ".join(_KIND_NAMES.get(kind, str(kind)) for kind in wanted)
    raise Refused(f"{name} moet {expected} zijn, maar is {_kind_of(value)}")


def _time(raw: dict[str, Any], key: str, where: str, optional: bool = False) -> Any:
    value = _field(raw, key, (str, None) if optional else str, where)
    if value is None:
        return None
    try:
        if not _TIME.fullmatch(value):
            raise ValueError(value)
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Refused(
            f'{where}.{key} is "{value}", geen tijdstip zoals "2026-11-24T13:02:11.116Z"'
        ) from None
    return value


_KIND_NAMES: dict[type | None, str] = {
    int: "een geheel getal",
    str: "tekst",
    None: "null",
    list: "een lijst",
    dict: "een object",
}


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true of false"
    if isinstance(value, float):
        return "een getal met decimalen"
    return _KIND_NAMES.get(type(value), type(value).__name__)


def _refuse_surrogates(document: Any) -> None:
    """Text that held `\\ud800`-like escapes is no valid Unicode, and SQLite cannot keep it."""
    for text in _strings(document):
        if any("\ud800" <= char <= "\udfff" for char in text):
            raise Refused("het bestand bevat tekens die geen geldige Unicode zijn (\\ud800…)")


def _strings(document: Any) -> Iterator[str]:
    """Every string in a JSON document, keys included; without recursion, however deep."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# -- rebuilding the snapshot -------------------------------------------------------------------


def rebuild_state(
    record: Transcript,
    dialogue: Dialogue | None,
    recall: Memory | None = None,
    first_count: int = 1,
) -> Rebuilt:
    """The engine snapshot that the session's turns lead to, found by replaying the answers;
    a snapshot that cannot be resumed when no replay gives exactly these turns."""
    info = record.session
    if dialogue is None:
        return _not_resumable(
            record, None, f"het gesprek '{info.dialogue_id}' is op deze computer niet te vinden"
        )
    counts = dict.fromkeys((first_count, *SESSION_COUNTS))  # in order, without doubles
    memories = (recall, None) if recall is not None else (None,)
    for count in counts:
        for remembered in memories:
            engine = replay(record, dialogue, count, remembered)
            if engine is not None:
                return Rebuilt(engine.snapshot(), True)
    changed = dialogue.content_hash != info.dialogue_hash
    why = (
        "het gesprek is veranderd sinds deze sessie"
        if changed
        else "coach kan de stand van het gesprek niet herstellen"
    )
    return _not_resumable(record, dialogue, why)


def replay(
    record: Transcript, dialogue: Dialogue, session_count: int, recall: Memory | None
) -> Engine | None:
    """An engine that has given exactly the session's turns, or None."""
    preset = _preset(record, dialogue)
    finder = _VariantFinder(
        dialogue, preset, _shown(record), session_count=session_count, memory=recall
    )
    if not _plays(finder, record.turns):
        return None
    seed = _seed_for(finder.picked)
    if seed is None:
        return None
    engine = Engine(dialogue, preset, seed=seed, session_count=session_count, memory=recall)
    return engine if _plays(engine, record.turns) else None


def _preset(record: Transcript, dialogue: Dialogue) -> dict[str, Value]:
    """The subject as `--met` gave it, when no question in the session asked for it."""
    subject = record.session.subject
    if not subject or not dialogue.subject:
        return {}
    asking = {
        node.id
        for node in dialogue.nodes
        if isinstance(node, QUESTION_TYPES) and node.into == dialogue.subject
    }
    answered = any(t.speaker == "user" and t.node in asking for t in record.turns)
    return {} if answered else {dialogue.subject: subject}


def _shown(record: Transcript) -> dict[str, set[str]]:
    """Per node, the texts the coach showed there: the variants the session used."""
    shown: dict[str, set[str]] = {}
    for turn in record.turns:
        if turn.speaker == "coach" and turn.kind in _SHOWN_KINDS:
            shown.setdefault(turn.node, set()).add(turn.text)
    return shown


class _VariantFinder(Engine):
    """An engine that shows, of each text with variants, the one the transcript shows,
    and notes which one that was (index, count) per node."""

    def __init__(
        self,
        dialogue: Dialogue,
        answers: dict[str, Value],
        shown: Mapping[str, set[str]],
        **options: Any,
    ) -> None:
        self.shown = shown
        self.picked: dict[str, tuple[int, int]] = {}
        super().__init__(dialogue, answers, **options)

    def _text(self, node: Any) -> str:
        variants = getattr(node, "variants", ())
        if not variants:
            return super()._text(node)
        ref = self._ref(node.id)
        if ref not in self.picked:
            texts = [self._render(variant) for variant in variants]
            seen = self.shown.get(ref, set())
            index = next((i for i, text in enumerate(texts) if text in seen), 0)
            self.picked[ref] = (index, len(variants))
        return self._render(variants[self.picked[ref][0]])


def _seed_for(picked: Mapping[str, tuple[int, int]]) -> int | None:
    """A seed that chooses these variants; None if none is found in reasonable time."""
    for seed in range(MAX_SEED_TRIES):
        if all(variant_index(seed, ref, count) == index for ref, (index, count) in picked.items()):
            return seed
    return None


def _plays(engine: Engine, turns: tuple[TranscriptTurn, ...]) -> bool:
    """Whether answering as the session did makes the engine give exactly its turns."""
    produced = list(engine.start().turns)
    checked = 0
    while True:
        if len(produced) > len(turns):
            return False
        if not all(_same(a, b) for a, b in zip(produced[checked:], turns[checked:], strict=False)):
            return False
        checked = len(produced)
        if checked == len(turns):
            return True
        step = _next_step(engine, turns[checked])
        if step is None or not step.turns:
            return False
        produced += step.turns


def _next_step(engine: Engine, turn: TranscriptTurn) -> Advance | None:
    """Do what the leader did to get `turn` next."""
    if turn.speaker == "coach" and turn.kind == "checkin":
        # "How are you now?", asked when the session was resumed after the safety net opened.
        return engine.check_in()
    if turn.speaker == "coach":
        # The coach spoke while the engine waits: the leader passed a follow-up question by
        # (/verder, or Enter alone), and the next question came.
        prompt = engine.prompt
        moved = engine.skip_probes() if isinstance(prompt, AskStep) and prompt.probe else None
        return moved if isinstance(moved, Advance) else None
    if turn.kind == "skip":
        skipped = engine.skip()
        return skipped if isinstance(skipped, Advance) else None
    result = engine.answer(turn.text)
    if isinstance(result, Invalid) and result.reason == "too_short":
        result = engine.answer(turn.text)  # coach asked once for more; the same came again
    return result if isinstance(result, Advance) else None


def _same(made: Turn, stored: TranscriptTurn) -> bool:
    return (made.seq, made.node, made.phase, made.kind, made.speaker, made.text) == (
        stored.seq,
        stored.node,
        stored.phase,
        stored.kind,
        stored.speaker,
        stored.text,
    ) and _canonical(made.value) == _canonical(stored.value)


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# -- a snapshot that cannot be resumed ---------------------------------------------------------


def _not_resumable(record: Transcript, dialogue: Dialogue | None, why: str) -> Rebuilt:
    """A snapshot `coach resume` refuses (`resumable: false`), holding the answers read from
    the turns as Engine.answers_in finds them, for what coach remembers about the person."""
    info = record.session
    answers = _answers_from_turns(record, dialogue) if dialogue is not None else {}
    state = {
        "version": SNAPSHOT_VERSION,
        "resumable": False,
        "why": why,
        "state": {
            "frames": [{"dialogue": info.dialogue_id, "call": "", "answers": answers}],
        },
    }
    return Rebuilt(state, False, why)


def _answers_from_turns(record: Transcript, dialogue: Dialogue) -> dict[str, Value]:
    """The answers as the engine would have kept them: a follow-up answer added to the
    answer before it (or replacing it, for a `replace` follow-up), a choice or a number as
    its value, a sub-dialogue's as `into.name`."""
    answers: dict[str, Value] = {}
    if dialogue.subject and record.session.subject:
        answers[dialogue.subject] = record.session.subject
    turns = record.turns
    for index, turn in enumerate(turns):
        found = _question_at(dialogue, turn.node) if turn.speaker == "user" else None
        if found is None:
            continue
        name, node = found
        if turn.kind == "ask":
            answers[name] = turn.text
        elif turn.kind == "probe":
            earlier = answers.get(name)
            rule = turns[index - 1].value if index else None
            replace = _replaces(node, rule) or not isinstance(earlier, str)
            answers[name] = turn.text if replace else f"{earlier}\n{turn.text}"
        elif turn.kind in ("choose", "scale"):
            answers[name] = turn.value
    return answers


def _question_at(dialogue: Dialogue, ref: str) -> tuple[str, Node] | None:
    """The name a question's answer is kept under at the top, and the question, for a
    transcript's node (`call/node` inside a sub-dialogue)."""
    *calls, node_id = ref.split("/")
    here, prefix = dialogue, ""
    for call_id in calls:
        call = here.node(call_id) if here.has_node(call_id) else None
        if not isinstance(call, Call) or call.dialogue.target not in here.callees:
            return None
        prefix += f"{call.into}."
        here = here.callees[call.dialogue.target]
    node = here.node(node_id) if here.has_node(node_id) else None
    if not isinstance(node, QUESTION_TYPES):
        return None
    return prefix + node.into, node


def _replaces(node: Node, rule: Any) -> bool:
    if not isinstance(node, Ask) or not isinstance(rule, dict):
        return False
    return any(probe.replace for probe in node.probes if probe.when.source == rule.get("rule"))
