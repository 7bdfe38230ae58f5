"""Transcripts as JSON (complete, for machines) and Markdown (readable, for people).

The JSON export is the documented exchange format (docs/transcript-format.md): every turn
with its exact text, deterministic for the same session, so two exports can be compared.
The Markdown export is for reading: control characters are made visible and Markdown
syntax in answers is escaped, so what the leader typed cannot reformat the document.
"""

from __future__ import annotations

import errno
import os
import re
import uuid
from contextlib import suppress
from pathlib import Path
from typing import Any

from coach.errors import CoachError, UsageError, os_reason
from coach.model import Annotation, SessionInfo, Transcript, TranscriptTurn
from coach.timefmt import local_time
from coach.visible import safe_json, visible

FORMAT_NAME = "coach-transcript"
FORMAT_VERSION = 1

STATUS_NL = {
    "active": "onderbroken",
    "paused": "gepauzeerd",
    "stopped": "gestopt",
    "completed": "afgerond",
}


def to_json(transcript: Transcript) -> str:
    """The JSON export of a session; the same session always gives the same text."""
    info = transcript.session
    data: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "session": session_fields(info),
        "turns": [
            {
                "seq": turn.seq,
                "node": turn.node,
                "phase": turn.phase,
                "kind": turn.kind,
                "speaker": turn.speaker,
                "text": turn.text,
                "value": turn.value,
                "created_at": turn.created_at,
            }
            for turn in transcript.turns
        ],
        # Always there, [] when there are none; in the order they were written.
        "annotations": [
            {
                "turn": note.turn,
                "text": note.text,
                "author": note.author,
                "created_at": note.created_at,
            }
            for note in transcript.annotations
        ],
    }
    return safe_json(data)


def session_fields(info: SessionInfo) -> dict[str, Any]:
    """A session as the export writes it (and a review's JSON repeats it)."""
    return {
        "id": info.id,
        "uuid": info.uuid,
        "dialogue_id": info.dialogue_id,
        "dialogue_version": info.dialogue_version,
        "dialogue_hash": info.dialogue_hash,
        "dialogue_title": info.dialogue_title,
        "subject": info.subject,
        "status": info.status,
        "started_at": info.started_at,
        "updated_at": info.updated_at,
        "ended_at": info.ended_at,
    }


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text that reads the same in a Markdown viewer as it was typed."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def to_markdown(transcript: Transcript) -> str:
    """A readable Markdown document of a session."""
    info = transcript.session
    lines = [f"# {escape_markdown(info.dialogue_title)}", ""]
    lines.append(f"- Sessie: {info.id}")
    if info.subject:
        lines.append(f"- Met: {escape_markdown(info.subject)}")
    lines.append(f"- Status: {STATUS_NL.get(info.status, info.status)}")
    lines.append(f"- Gestart: {local_time(info.started_at)}")
    if info.ended_at:
        lines.append(f"- Afgerond: {local_time(info.ended_at)}")
    lines.append(f"- Gesprek: {info.dialogue_id} (versie {info.dialogue_version})")
    lines.append("")
    overall = [note for note in transcript.annotations if note.turn is None]
    if overall:
        lines += ["## Opmerkingen van de begeleider", ""]
        lines += [_markdown_note(note) for note in overall] + [""]
    phase: str | None = None
    for turn in transcript.turns:
        if turn.phase and turn.phase != phase:
            phase = turn.phase
            lines += [f"## {escape_markdown(turn.phase[:1].upper() + turn.phase[1:])}", ""]
        lines += _markdown_turn(turn)
        notes = [note for note in transcript.annotations if note.turn == turn.seq]
        if notes:
            lines += [_markdown_note(note) for note in notes] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _markdown_note(note: Annotation) -> str:
    """A reviewer's note as a list item, so it never reads as the leader's (quoted) answer."""
    by = f"door {escape_markdown(note.author)}, " if note.author else ""
    body = escape_markdown(note.text).replace("\n", "  \n  ")
    return f"- ✎ **Opmerking van de begeleider** ({by}{local_time(note.created_at)}): {body}"


def _markdown_turn(turn: TranscriptTurn) -> list[str]:
    if turn.speaker == "user":
        if turn.kind == "skip":
            return ["> *(overgeslagen)*", ""]
        quoted = escape_markdown(turn.text).splitlines() or [""]
        return [f"> {line}".rstrip() for line in quoted] + [""]
    labels = {
        "probe": "**Coach (vervolgvraag):**",
        "safety": "**Coach (vangnet):**",
        "checkin": "**Coach (vangnet):**",
    }
    label = labels.get(turn.kind, "**Coach:**")
    out = [f"{label} {escape_markdown(turn.text.strip())}", ""]
    if turn.kind == "end" and isinstance(turn.value, dict) and turn.value.get("card"):
        title = turn.value.get("title") or "Gesprekskaart"
        out += [f"### {escape_markdown(str(title))}", ""]
        for label_text, text in turn.value["card"]:
            # A line break inside a list item: two spaces, then the indented next line.
            body = escape_markdown(str(text).strip()).replace("\n", "  \n  ")
            out.append(f"- **{escape_markdown(str(label_text))}:** {body}")
        out.append("")
    return out


def write_private(path: Path, text: str, force: bool = False) -> None:
    """Write an export readable by this user only; never overwrite unless `force`.

    As `transcripts backup` does: the text goes to a temporary file beside `path`, is forced
    to disk (fsync) and only then renamed to `path`. A full disk, a used-up quota or a
    read-only medium leave no empty or half file behind, and with `force` the previous
    export stays as it was until the new one is complete.
    """
    existed = path.exists() or path.is_symlink()
    if existed and not force:
        raise _exists(path)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.deel")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _not_written(path, exc, existed) from None
    try:
        try:
            _write_all(descriptor, text.encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        with suppress(OSError):  # a USB stick with FAT has no permissions to set
            os.chmod(partial, 0o600)  # os.open's mode is filtered by the umask; chmod's is not
        _put_in_place(partial, path, force)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _not_written(path, exc, existed) from None
        raise
    _sync_folder(path.parent)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _put_in_place(partial: Path, path: Path, force: bool) -> None:
    """Rename the complete export to `path`; without `force`, never over an existing file."""
    if force:
        os.replace(partial, path)
        return
    try:
        os.link(partial, path)  # fails if `path` appeared meanwhile, unlike a rename
    except FileExistsError:
        raise _exists(path) from None
    except OSError:  # no hard links here (FAT, some network folders)
        if path.exists():
            raise _exists(path) from None
        os.replace(partial, path)
    else:
        partial.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut; not every system can (Windows)."""
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _exists(path: Path) -> UsageError:
    return UsageError(
        f"{visible(str(path))} bestaat al", "kies een andere naam, of gebruik --force"
    )


_NO_ROOM = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}  # none on Windows


def _not_written(path: Path, exc: OSError, existed: bool) -> CoachError:
    shown = visible(str(path))
    kept = f"; {shown} is niet veranderd" if existed else ""
    if exc.errno in _NO_ROOM:
        hint = "maak ruimte vrij, of kies met --output een plek op een andere schijf"
    elif exc.errno == errno.EROFS:
        hint = "kies met --output een plek waar je mag schrijven"
    else:
        hint = ""
    return CoachError(f"kan de export niet schrijven naar {shown} ({os_reason(exc)}){kept}", hint)
