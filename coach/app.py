"""What `coach`, `coach run` and `coach resume` do: pick a conversation, open the store,
run it in the terminal, and say where it was saved.

The CLI parses options and maps errors to exit codes; this module ties the catalogue, the
store, the conversation and the terminal together for one command.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from coach import catalog, messages
from coach.commands import Command, parse_command
from coach.conversation import Conversation, Outcome, Progress
from coach.engine import pick_option
from coach.errors import CoachError, UsageError
from coach.model import Dialogue, SessionInfo
from coach.saved import existing_store, session_number
from coach.shipped import shipped_dir
from coach.steps import Choose, Invalid
from coach.store import Store
from coach.visible import visible

NOTHING_TO_RESUME = (
    "er is geen gepauzeerd gesprek om mee verder te gaan",
    "begin een nieuw gesprek met coach run NAAM (coach list toont ze)",
)


def run(home: Path, name: str, subject: str | None) -> int:
    """`coach run`: a new conversation with the dialogue `name` (an id or a path)."""
    dialogue, path = catalog.load(name)
    store = Store.open(home)
    try:
        local = not path.resolve().is_relative_to(shipped_dir().resolve())
        conversation = Conversation.begin(
            dialogue,
            store,
            _interface(dialogue),
            subject=subject,
            path=str(path.resolve()) if local else None,  # found again by path on resume
        )
        outcome = conversation.run()
    finally:
        store.close()
    return finish(outcome, store.path)


def resume(home: Path, session: str | None) -> int:
    """`coach resume`: continue the given session, or the one last worked on."""
    store = existing_store(home)
    if store is None:
        raise CoachError(*NOTHING_TO_RESUME)
    try:
        outcome = _resume(store, _session_to_resume(store, session))
    finally:
        store.close()
    return finish(outcome, store.path)


def menu(home: Path) -> int:
    """`coach` alone: resume something, or start something."""
    from coach.ui.views import describe
    from coach.ui.views import menu as show_menu

    store = Store.open(home)
    try:
        unfinished = store.unfinished()[:5]
    finally:
        store.close()
    dialogues = [entry.dialogue for entry in catalog.entries() if entry.dialogue is not None]
    if not dialogues and not unfinished:
        raise CoachError("er zijn geen gesprekken gevonden", "is coach goed geïnstalleerd?")
    resumable = [f"Verder met sessie {info.id}: {describe(info)}" for info in unfinished]
    labels = resumable + [dialogue.title for dialogue in dialogues]
    interface = _interface(None)
    show_menu(interface.console, resumable, dialogues)
    prompt = Choose("menu", None, "", tuple(labels))
    while True:
        try:
            raw = interface.read(prompt, Progress("coach"))
        except EOFError:
            return 0
        except KeyboardInterrupt:
            return 130
        command = parse_command(raw)
        if command in (Command.STOP, Command.PAUSE):
            return 0
        if command is not None:
            interface.notice(messages.MENU_HELP, "quiet")
            continue
        chosen = pick_option(raw, labels)
        if not isinstance(chosen, Invalid):
            break
        interface.notice(messages.invalid(chosen), "warning")
    store = Store.open(home)
    try:
        if chosen < len(unfinished):
            outcome = _resume(store, store.session(unfinished[chosen].id))
        else:
            dialogue = dialogues[chosen - len(unfinished)]
            outcome = Conversation.begin(dialogue, store, _interface(dialogue)).run()
    finally:
        store.close()
    return finish(outcome, store.path)


def finish(outcome: Outcome, database: Path) -> int:
    """Say where the session was saved; the exit code for how it ended."""
    from coach.ui.console import make_console

    with contextlib.suppress(OSError):  # no terminal left to tell
        make_console().print(
            visible(messages.saved_at(str(database))) + f" (sessie {outcome.session_id}).",
            style="dim",
        )
    return 130 if outcome.interrupted and outcome.status == "paused" else 0


def _interface(dialogue: Dialogue | None) -> Any:
    from coach.ui.terminal import interface_for

    return interface_for(dialogue)


def _session_to_resume(store: Store, session: str | None) -> SessionInfo:
    from coach.ui.views import describe

    if session is not None:
        info = store.session(session_number(session))
        if info.status == "completed":
            raise CoachError(
                f"sessie {info.id} is al afgerond",
                f"coach transcripts show {info.id} laat het gesprek zien",
            )
        return info
    unfinished = store.unfinished()
    if not unfinished:
        raise CoachError(*NOTHING_TO_RESUME)
    others = unfinished[1:]
    if others:
        from coach.ui.console import make_console
        from coach.ui.terminal import prose

        if len(others) == 1:
            line = (
                f"Je hebt nog een gepauzeerd gesprek: sessie {others[0].id}, "
                f"{describe(others[0])}. Dat kies je met coach resume {others[0].id}."
            )
        else:
            numbers = ", ".join(str(info.id) for info in others[:-1]) + f" en {others[-1].id}"
            line = (
                f"Je hebt nog meer gepauzeerde gesprekken: sessies {numbers}. "
                "Kies er een met coach resume NUMMER."
            )
        console = make_console()
        prose(console, line)
        console.print()
    return unfinished[0]


def _resume(store: Store, info: SessionInfo) -> Outcome:
    if not store.resumable(info.id):  # imported, and its snapshot could not be rebuilt
        raise CoachError(
            f"sessie {info.id}: dit gesprek is geïmporteerd en kan niet worden voortgezet",
            f"coach transcripts show {info.id} laat het zien; een nieuw gesprek begin je met "
            f"coach run {visible(info.dialogue_id)}",
        )
    dialogue = _dialogue_of(info)
    interface = _interface(dialogue)
    if dialogue.content_hash != info.dialogue_hash:
        interface.notice(
            "Let op: dit gesprek is aangepast sinds je begon; je gaat verder in de nieuwe versie.",
            "warning",
        )
    # The last ordinary answer: not a choice at the safety net, nor an answer it opened at.
    answers = [
        t
        for t in store.transcript(info.id).turns
        if t.speaker == "user"
        and t.text
        and t.kind in ("ask", "probe", "choose", "scale")
        and not (isinstance(t.value, dict) and t.value.get("safety"))
    ]
    who = f" met {info.subject}" if info.subject else ""
    intro = f"Verder met sessie {info.id}: {info.dialogue_title}{who}."
    if answers:
        intro += f"\nJe laatste antwoord was: {_shorten(answers[-1].text)}"
    interface.notice(intro, "quiet")
    return Conversation.resume(dialogue, store, interface, info.id).run()


def _dialogue_of(info: SessionInfo) -> Dialogue:
    if info.dialogue_path and Path(info.dialogue_path).is_file():
        return catalog.load(info.dialogue_path)[0]
    try:
        return catalog.load(info.dialogue_id)[0]
    except UsageError:
        raise CoachError(
            f"het gesprek '{info.dialogue_id}' van sessie {info.id} is niet meer te vinden",
            f"je antwoorden staan nog in coach transcripts show {info.id}",
        ) from None


def _shorten(text: str, width: int = 120) -> str:
    # Only spaces, tabs and line breaks are folded: str.split() would also swallow \r, \x1c
    # or U+2028, which must reach the screen made visible, like everywhere else.
    flat = re.sub(r"[ \t\n]+", " ", text).strip(" ")
    return flat if len(flat) <= width else flat[: width - 1] + "…"
