"""Signals during a conversation: a commit always finishes, a closed terminal pauses.

Ctrl-C (SIGINT), a closed terminal (SIGHUP) and a polite kill (SIGTERM) may arrive at any
moment. While a turn is being committed they wait (`deferred`); at any other moment a
hangup or termination raises `Interrupted` (`pausing_on_hangup`), which the conversation
turns into a pause, as it does with Ctrl-C.

Python swallows an exception raised where it cannot be passed on: a signal that lands while
a weak reference's callback runs (the import system uses them for its module locks, and
coach imports the language layer at the first answer) is printed as "Exception ignored" and
lost. So a hangup is also remembered, and the conversation asks `hung_up` before it waits
for the keyboard again.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

Handler = Callable[[int, FrameType | None], None]

_HANGUPS = [s for s in (getattr(signal, "SIGHUP", None), signal.SIGTERM) if s is not None]


class Interrupted(KeyboardInterrupt):
    """The terminal went away (SIGHUP) or coach was asked to stop (SIGTERM).

    A kind of KeyboardInterrupt, and handled like Ctrl-C: asyncio (under prompt-toolkit)
    lets only KeyboardInterrupt and SystemExit out of its callbacks, and would otherwise
    report the signal as an error and wait for Enter on a terminal that is gone.
    """


@contextmanager
def _handled(signals: list[int], handler: Handler) -> Iterator[bool]:
    """Install `handler` for `signals`, restore the old ones afterwards; yields False where
    signals cannot be handled (outside the main thread), so nothing was installed."""
    try:
        previous = {signum: signal.signal(signum, handler) for signum in signals}
    except ValueError:
        yield False
        return
    try:
        yield True
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGHUP and SIGTERM until the block is done, then act on the first one."""
    caught: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    with _handled([signal.SIGINT, *_HANGUPS], remember):
        yield
    if caught:
        if caught[0] == signal.SIGINT:
            raise KeyboardInterrupt
        raise Interrupted


_hangups: list[int] = []  # hangups while `pausing_on_hangup` runs, raised or not


@contextmanager
def pausing_on_hangup() -> Iterator[None]:
    """Turn SIGHUP and SIGTERM into `Interrupted` while the block runs."""

    def stop(signum: int, frame: FrameType | None) -> None:
        _hangups.append(signum)
        raise Interrupted

    _hangups.clear()
    try:
        with _handled(_HANGUPS, stop):
            yield
    finally:
        _hangups.clear()


def hung_up() -> None:
    """Raise `Interrupted` again for a hangup whose exception was swallowed on its way."""
    if _hangups:
        raise Interrupted
