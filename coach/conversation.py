"""One conversation from first question to closing card: engine, store and interface together.

The order of things is the promise: an answer goes to the engine, the turns it produces are
committed to the store, and only then is the next question shown. Signals that would cut a
commit in half (Ctrl-C, a closed terminal) wait until it is done.
"""

from __future__ import annotations

import contextlib
import gc
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from coach import memory, messages
from coach.commands import Command, Unknown, parse_command
from coach.engine import Engine
from coach.errors import StoreError
from coach.expr import Value
from coach.model import Dialogue
from coach.signals import Interrupted, deferred, hung_up, pausing_on_hangup
from coach.steps import Advance, CardLine, Invalid, Prompt, Rewind, Step
from coach.store import Store


@dataclass(frozen=True)
class Progress:
    """What the bottom bar shows while a question waits."""

    title: str
    step: int | None = None  # 1-based position of the current phase
    steps: int = 0
    phase: str = ""


class Interface(Protocol):
    """The terminal, or a test double: shows steps and notices, reads answers."""

    def show(self, step: Step) -> None: ...

    def read(self, prompt: Prompt, progress: Progress, default: str = "", warning: str = "") -> str:
        """The user's answer; raises EOFError (Ctrl-D, end of input) or KeyboardInterrupt.

        `default` is text to edit (a revised or refused answer), `warning` why it is back.
        """
        ...

    def notice(self, text: str, tone: str = "info") -> None:
        """A message about the conversation; tone is info, warning, error or quiet."""
        ...

    def card(self, title: str, lines: tuple[CardLine, ...]) -> None:
        """The answers so far, laid out like the closing card."""
        ...

    def draft(self) -> str:
        """What was typed but not sent when reading was interrupted ('' if nothing)."""
        ...


@dataclass(frozen=True)
class Outcome:
    session_id: int
    status: str  # completed, paused, stopped
    interrupted: bool = False  # ended by Ctrl-C or a signal rather than by a command


WARM_AFTER = 0.4  # seconds


def warm_while_reading(dialogue: Dialogue) -> None:
    """Make the word lists ready while the leader reads the question and types: the safety
    net reads every answer, and a cached dialogue makes its lists, their forms and indexes
    when first asked (coach/dialogue_cache.py). Waiting on the keyboard leaves the
    interpreter free, so the first answer finds them made."""

    def warm() -> None:
        # Let the input line come first (loading prompt-toolkit); a leader reads for longer.
        time.sleep(WARM_AFTER)
        with contextlib.suppress(Exception):  # a list that cannot be made fails when used
            lexicons = [rule.lexicon for rule in dialogue.safety.rules] if dialogue.safety else []
            lexicons += list(dialogue.lexicons.values())
            for lexicon in lexicons:
                lexicon.warm()
            if dialogue.safety:
                from coach.weights_file import load_weights

                load_weights()
        # The lists live as long as the conversation, hundreds of thousands of objects: a
        # full garbage collection that walks them all again stops an answer for a tenth of
        # a second or more. Out of the collector's sight, they cost nothing.
        gc.freeze()

    threading.Thread(target=warm, name="coach-warm", daemon=True).start()


class Conversation:
    def __init__(
        self,
        dialogue: Dialogue,
        store: Store,
        interface: Interface,
        session_id: int,
        engine: Engine,
    ) -> None:
        self.dialogue = dialogue
        self.store = store
        self.interface = interface
        self.session_id = session_id
        self.engine = engine
        self._prefill = ""
        self._warning = ""
        self._pending: Advance | None = None
        self._check_in: Advance | None = None  # on resume: "how are you now?", to save first
        self._unsaved = ""  # the answer just read, until it is committed
        self._draft_waits = False  # the resumed draft waits behind the check-in

    @classmethod
    def begin(
        cls,
        dialogue: Dialogue,
        store: Store,
        interface: Interface,
        subject: str | None = None,
        path: str | None = None,
    ) -> Conversation:
        """A new session, saved before its first question is shown."""
        preset: dict[str, Value] = {}
        if subject and dialogue.subject:
            preset[dialogue.subject] = subject
        recall = _Recall(store)
        engine = Engine(
            dialogue,
            preset,
            seed=secrets.randbelow(2**31),
            session_count=store.count_sessions(dialogue.id) + 1,
            memory=recall,
        )
        advance = engine.start()
        with deferred():
            session_id = store.create_session(
                dialogue, engine.snapshot(), advance.turns, subject=subject, path=path
            )
            if engine.finished:
                store.set_status(session_id, "completed")
        recall.before = session_id
        conversation = cls(dialogue, store, interface, session_id, engine)
        conversation._pending = advance
        return conversation

    @classmethod
    def resume(
        cls, dialogue: Dialogue, store: Store, interface: Interface, session_id: int
    ) -> Conversation:
        engine = Engine.restore(dialogue, store.state(session_id), _Recall(store, session_id))
        conversation = cls(dialogue, store, interface, session_id, engine)
        conversation._prefill = store.draft(session_id)
        # The safety net opened earlier in this session: first ask how the user is doing.
        conversation._check_in = engine.check_in()
        conversation._draft_waits = conversation._check_in is not None
        return conversation

    def run(self) -> Outcome:
        """Show, ask and save until the end, a pause or a stop."""
        with pausing_on_hangup():
            try:
                return self._run()
            except (KeyboardInterrupt, Interrupted):
                return self._pause(interrupted=True)
            except EOFError:
                return self._pause()

    def _run(self) -> Outcome:
        if self._pending is not None:
            self._show(self._pending.steps)
            self._pending = None
        elif self._check_in is not None:
            advance, self._check_in = self._check_in, None
            self._commit(advance, "")
            self._show(advance.steps)
        else:
            self._show(self.engine.current_steps())
            if self._prefill:
                self.interface.notice(messages.DRAFT_BACK, "quiet")
        warm_while_reading(self.dialogue)
        while not self.engine.finished:
            prompt = self.engine.prompt
            assert prompt is not None
            checking = self.engine.checking_in  # a draft waits for the question, not this
            default = "" if checking else self._prefill or prompt.previous
            hung_up()  # a hangup lost while the last answer was read stops before the next wait
            raw = self.interface.read(prompt, self._progress(prompt), default, self._warning)
            # Right after the read, with no call in between (a signal handler runs only at
            # a call or a loop): until it is committed, a stop keeps the answer as the draft.
            self._unsaved = raw
            self._warning = ""
            if not checking:
                self._prefill = ""
                self._draft_waits = False
            outcome = self._handle(prompt, raw)
            if outcome is not None:
                return outcome
        return Outcome(self.session_id, "completed")

    def _handle(self, prompt: Prompt, raw: str) -> Outcome | None:
        command = parse_command(raw)
        if command is not None:  # a command is never kept as a draft
            self._unsaved = ""
        if isinstance(command, Unknown):
            self.interface.notice(messages.unknown_command(command.word), "warning")
            return None
        if command is Command.PAUSE:
            return self._pause()
        if command is Command.STOP:
            self._set_status("stopped")
            self.interface.notice(messages.stopped(self.session_id))
            return Outcome(self.session_id, "stopped")
        if command is Command.HELP:
            self.interface.notice(messages.help_text(prompt, prompt.help), "quiet")
            return None
        if command is Command.SUMMARY:
            title, lines = self.engine.card_so_far()
            if lines:
                self.interface.card(title or "Je antwoorden tot nu toe", lines)
            else:
                self.interface.notice("Er staat nog niets op je gesprekskaart.", "quiet")
            return None
        if command is Command.BACK:
            self._rewind(self.engine.undo())
            return None
        if command is Command.SKIP:
            result = self.engine.skip()
        elif command is Command.NEXT:
            result = self.engine.skip_probes()
        else:
            result = self.engine.answer(raw)
        if isinstance(result, Invalid):
            message = messages.invalid(result)
            self.interface.notice(message, "warning")
            if result.reason == "too_long":
                self._prefill, self._warning = raw, messages.in_brief(result)
            return None
        self._commit(result, raw)
        if result.pause:  # the user chose to stop at the safety net
            return self._pause()
        if not raw.strip() and command is None:  # Enter alone passed a question by
            self.interface.notice(messages.passed_by(prompt), "quiet")
        self._show(result.steps)
        if self._prefill and not self.engine.checking_in:  # the question is back, and the draft
            self.interface.notice(messages.DRAFT_BACK, "quiet")
        return None

    def _commit(self, advance: Advance, raw: str) -> None:
        subject = self.engine.answers.get(self.dialogue.subject or "")
        status = "completed" if self.engine.finished else "active"
        try:
            with deferred():
                forgotten = self.store.save(
                    self.session_id,
                    advance.turns,
                    self.engine.snapshot(),
                    subject=subject if isinstance(subject, str) else None,
                    status=status,
                )
                self._unsaved = ""  # saved: a signal held until here pauses without a draft
            if forgotten:  # an earlier session was deleted meanwhile: forget its words here too
                self.engine = Engine.restore(
                    self.dialogue,
                    self.store.state(self.session_id),
                    _Recall(self.store, self.session_id),
                )
        except StoreError:
            if raw.strip():
                self.interface.notice(
                    "Dit antwoord kon niet worden bewaard; kopieer het als je het "
                    "wilt houden:\n" + raw,
                    "error",
                )
            raise

    def _rewind(self, result: Rewind | Invalid) -> None:
        if isinstance(result, Invalid):
            self.interface.notice(messages.invalid(result), "warning")
            return
        with deferred():
            # The answer taken back stays in the store as the draft until a new one is
            # committed: a kill at any moment after this loses nothing.
            self.store.rewind(
                self.session_id, result.keep_turns, self.engine.snapshot(), result.previous
            )
            self._unsaved = result.previous
        self.interface.notice(messages.REVISE, "quiet")
        self.interface.show(result.prompt)
        self._prefill = result.previous

    def _show(self, steps: tuple[Step, ...]) -> None:
        for step in steps:
            self.interface.show(step)

    def _pause(self, interrupted: bool = False) -> Outcome:
        if self.engine.finished and not self._unsaved:  # the end is committed, not just reached
            return Outcome(self.session_id, "completed", interrupted)
        if self.engine.checking_in or self._draft_waits:
            # At the check-in what is typed is a choice; a draft from before still waits.
            draft = self._prefill if self._draft_waits else ""
        elif interrupted:
            draft = self.interface.draft() or self._unsaved or self._prefill
        else:
            draft = ""
        self._set_status("paused", draft)
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP): saved all the same
            self.interface.notice(messages.paused(self.session_id, bool(draft)))
        return Outcome(self.session_id, "paused", interrupted)

    def _set_status(self, status: str, draft: str = "") -> None:
        with deferred():
            self.store.set_status(self.session_id, status, draft=draft)

    def _progress(self, prompt: Prompt) -> Progress:
        dialogue = self.engine.current_dialogue  # a sub-dialogue has its own steps
        position = dialogue.phase_position(prompt.phase)
        if position is None:
            return Progress(dialogue.title)
        index, phase = position
        return Progress(dialogue.title, index, len(dialogue.phases), phase.title)


class _Recall:
    """The engine's memory: remembered answers from this user's earlier sessions."""

    def __init__(self, store: Store, before: int | None = None) -> None:
        self.store = store
        self.before = before  # the session being run: only sessions before it count

    def __call__(self, dialogue_id: str, subject: str, names: tuple[str, ...]) -> dict[str, Value]:
        snapshots = self.store.snapshots(dialogue_id, before=self.before)
        return memory.remembered(snapshots, subject, names)
