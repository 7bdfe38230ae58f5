"""Read-only screens: the list of conversations, the list of sessions, one transcript,
search results."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from coach.export import STATUS_NL
from coach.model import Annotation, Dialogue, SessionInfo, Transcript
from coach.search import SearchHit

if TYPE_CHECKING:
    from coach.catalog import Entry
from coach.timefmt import local_time
from coach.visible import visible


def dialogue_list(console: Console, entries: Sequence[Entry]) -> None:
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("Naam", style="cyan", no_wrap=True)
    table.add_column("Gesprek")
    table.add_column("Duur", no_wrap=True)
    for entry in entries:
        if entry.dialogue is None:
            table.add_row(
                visible(entry.name),
                Text(f"kan niet geladen worden: {visible(entry.problem)}", style="red"),
                "",
            )
            continue
        about = Text(visible(entry.dialogue.title), style="bold")
        about.append("\n" + visible(entry.dialogue.description.strip()), style="")
        table.add_row(visible(entry.name), about, visible(entry.dialogue.duration))
        table.add_row("", "", "")
    console.print(table)


def menu(console: Console, resumable: Sequence[str], dialogues: Sequence[Dialogue]) -> None:
    """The start menu: sessions to resume, then conversations to begin, numbered together."""
    console.print(Text("Welkom bij coach.", style="bold"))
    console.print()
    number = 0
    if resumable:
        console.print(Text("Verder waar je was", style="bold cyan"))
        grid = Table.grid()
        grid.add_column(no_wrap=True)
        grid.add_column(max_width=72)
        for label in resumable:
            number += 1
            grid.add_row(Text(f"  {number:>2}  ", style="cyan"), Text(visible(label)))
        console.print(grid)
        console.print()
    if dialogues:
        console.print(Text("Een nieuw gesprek", style="bold cyan"))
        grid = Table.grid(padding=(0, 0, 1, 0))
        grid.add_column(no_wrap=True)
        grid.add_column(max_width=72)
        for dialogue in dialogues:
            number += 1
            about = Text(visible(dialogue.title), style="bold")
            if dialogue.duration:
                about.append(f" · {visible(dialogue.duration)}", style="dim")
            about.append("\n" + visible(dialogue.description.strip()))
            grid.add_row(Text(f"  {number:>2}  ", style="cyan"), about)
        console.print(grid)
        console.print()


def session_list(console: Console, sessions: Sequence[SessionInfo]) -> None:
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("Nr", justify="right", style="cyan", no_wrap=True, min_width=2)
    table.add_column("Gesprek", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("Met", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("Status", no_wrap=True)
    table.add_column("Laatst", no_wrap=True)
    table.add_column("Antw.", justify="right")
    for info in sessions:
        table.add_row(
            str(info.id),
            visible(info.dialogue_id),
            visible(info.subject or ""),
            STATUS_NL.get(info.status, info.status),
            local_time(info.updated_at, short=True),
            str(info.answers),
        )
    console.print(table)


def describe(info: SessionInfo) -> str:
    """One line about a session: `buiv met Paul, gepauzeerd 24 nov 2026 14:02`."""
    who = f" met {visible(info.subject)}" if info.subject else ""
    status = STATUS_NL.get(info.status, info.status)
    return f"{visible(info.dialogue_title)}{who} ({status}, {local_time(info.updated_at)})"


def transcript(console: Console, record: Transcript) -> None:
    info = record.session
    head = Text(f"Sessie {info.id} · {visible(info.dialogue_title)}", style="bold")
    if info.subject:
        head.append(f" · met {visible(info.subject)}")
    console.print(head)
    status = STATUS_NL.get(info.status, info.status)
    console.print(
        Text(
            f"gestart {local_time(info.started_at)} · {status} · {info.answers} antwoorden",
            style="dim",
        )
    )
    console.print()
    overall = [note for note in record.annotations if note.turn is None]
    if overall:
        console.print(Group(*(_note(note) for note in overall)))
        console.print()
    grid = Table.grid(padding=(0, 2, 1, 0))
    grid.add_column(no_wrap=True, justify="right", style="dim")  # the turn's number (--turn)
    grid.add_column(no_wrap=True)
    grid.add_column()
    phase: str | None = None
    for turn in record.turns:
        if turn.phase and turn.phase != phase:
            phase = turn.phase
            grid.add_row("", Text(visible(phase[:1].upper() + phase[1:]), style="bold cyan"), "")
        notes = [_note(note) for note in record.annotations if note.turn == turn.seq]
        if turn.speaker == "user":
            said = (
                Text("(overgeslagen)", style="dim")
                if turn.kind == "skip"
                else Text(visible(turn.text))
            )
            if isinstance(turn.value, dict) and turn.value.get("safety"):
                said.append("  (hier ging het vangnet open)", style="dim")
            grid.add_row(str(turn.seq), Text("jij", style="green"), Group(said, *notes))
            continue
        label = Text("coach", style="cyan")
        text = Text(visible(turn.text.strip()))
        if turn.kind == "probe":
            text = Text.assemble(("↳ ", "cyan"), text, ("  (vervolgvraag)", "dim"))
        elif turn.kind in ("safety", "checkin"):
            text = Text.assemble(text, ("  (vangnet)", "dim"))
        body: RenderableType = text
        if turn.kind == "end" and isinstance(turn.value, dict) and turn.value.get("card"):
            card = Table.grid(padding=(0, 2, 0, 0))
            card.add_column(style="bold", no_wrap=True)
            card.add_column()
            for label_text, text in turn.value["card"]:
                card.add_row(visible(str(label_text)), Text(visible(str(text).strip())))
            body = Group(body, Text(""), card)
        grid.add_row(str(turn.seq), label, Group(body, *notes))
    console.print(grid)


def _note(note: Annotation) -> Text:
    """A reviewer's note, marked so it is never taken for what the leader or coach said."""
    about = f"door {visible(note.author)}, " if note.author else ""
    return Text.assemble(
        ("✎ opmerking", "bold magenta"),
        (f" ({about}{local_time(note.created_at)}): ", "magenta"),
        (visible(note.text), "magenta"),
    )


def search_results(console: Console, hits: Sequence[SearchHit], limit: int) -> None:
    """Each answer found: where it is (session, date, dialogue, person, node), and the part
    around the words found, those highlighted."""
    for hit in hits:
        head = Text.assemble(
            (f"Sessie {hit.session_id}", "bold cyan"),
            f" · {local_time(hit.created_at)} · {visible(hit.dialogue_id)}",
        )
        if hit.subject:
            head.append(f" · met {visible(hit.subject)}")
        head.append(f" · {visible(hit.node)} (beurt {hit.seq})", style="dim")
        snippet = Text("  ")
        for piece, found in hit.snippet:
            snippet.append(_one_line(visible(piece)), style="bold reverse" if found else "")
        console.print(head)
        console.print(snippet)
        console.print()
    count = f"{len(hits)} {'antwoord' if len(hits) == 1 else 'antwoorden'} gevonden"
    if len(hits) == limit:
        count += f": de nieuwste {limit}; meer met --limit"
    console.print(Text(count + ".", style="dim"))


def _one_line(text: str) -> str:
    # Only spaces, tabs and line breaks are folded, as in app._shorten: other characters
    # that split lines have been made visible already.
    return re.sub(r"[ \t\n]+", " ", text)
