"""`coach progress WIE`: everything about one person over time, on the screen or as JSON.

This module reads the store and loads the dialogues; coach/progress.py works out the
progress and coach/ui/progress_view.py shows it. coach/cli.py adds the command to `coach`;
the Dutch usage line and the data folder come from coach/cli_common.py.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli_common import TEXT, DutchCommand, format_option, home_of
from coach.errors import CoachError, UsageError

if TYPE_CHECKING:
    from coach.model import Dialogue, SessionInfo, Transcript
    from coach.progress import Progress
    from coach.store import Store

_PLAIN_NAME = re.compile(r"[\w-]+")  # a dialogue id that catalog.load can only read as a name


@click.command("progress", cls=DutchCommand)
@click.argument("who", metavar="WIE", type=TEXT)
@click.option(
    "--gesprek",
    "dialogue_id",
    metavar="NAAM",
    type=TEXT,
    help="Alleen de gesprekken van dit soort, zoals buiv (de namen uit coach list).",
)
@format_option("text", "json", help="json: dezelfde gegevens als JSON, om verder te verwerken.")
@click.pass_context
def progress_command(ctx: click.Context, who: str, dialogue_id: str | None, fmt: str) -> None:
    """Toon alles over één persoon door de tijd heen.

    Per gesprek met WIE, het oudste eerst: wanneer, welk gesprek, hoe ver je kwam, en je
    afspraken: de antwoorden die coach voor een volgende keer onthoudt (bij buiv wat je
    wilde voorleven en je openingsvraag). Onder een afspraak staat hoe het ging, als je er
    in een later gesprek op terugkeek, en anders ‘nog niet besproken’. Een schaalvraag die
    je vaker beantwoordde (hoe zeker ga je het gesprek in?) staat onderaan als verloop,
    zoals ‘4 → 7 (+3)’. Hoofdletters en accenten tellen niet mee: José is jose.

    \b
    Voorbeelden:
      coach progress Paul
      coach progress paul --gesprek buiv
      coach progress Paul --format json > paul.json
    """
    from coach.progress import progress

    who = " ".join(who.split())
    if not who or len(who) > 80:
        raise UsageError("WIE is een naam of rol van hoogstens 80 tekens")
    home = home_of(ctx)
    records, everyone = _read(home, who)
    dialogues = _dialogues([record.session for record in records])
    result = progress(who, records, dialogues, dialogue_id)
    if fmt == "json":
        click.echo(_json(result), nl=False)
        return
    if not result.sessions:
        _nothing(who, dialogue_id, records, everyone)
        return
    from coach.ui.console import make_console
    from coach.ui.progress_view import progress as show

    show(make_console(), result)


def _read(home: Path, who: str) -> tuple[list[Transcript], list[str]]:
    """The transcripts about `who`, and everyone there are sessions about (for a hint).
    Without a database there is nothing: looking never creates one."""
    from coach.memory import same_subject
    from coach.saved import existing_store

    store = existing_store(home, read_only=True)
    if store is None:
        return [], []
    try:
        sessions = store.sessions()
        about = [info for info in sessions if same_subject(info.subject, who)]
        everyone = [info.subject for info in sessions if info.subject]
        return _transcripts(store, about), everyone
    finally:
        store.close()


def _transcripts(store: Store, sessions: list[SessionInfo]) -> list[Transcript]:
    records = []
    for info in sessions:
        try:
            records.append(store.transcript(info.id))
        except UsageError:
            continue  # deleted in another window a moment ago
    return records


def _dialogues(sessions: list[SessionInfo]) -> dict[int, Dialogue | None]:
    """Each session's dialogue as it is now, loaded once per file; None if it is gone or
    broken (then the session is shown without agreements, and says so)."""
    loaded: dict[tuple[str | None, str], Dialogue | None] = {}
    result: dict[int, Dialogue | None] = {}
    for info in sessions:
        key = (info.dialogue_path, info.dialogue_id)
        if key not in loaded:
            loaded[key] = _load(info)
        result[info.id] = loaded[key]
    return result


def _load(info: SessionInfo) -> Dialogue | None:
    """As `coach resume` finds it: the file it was run from, else the dialogue by its id."""
    from coach import catalog

    names = []
    if info.dialogue_path and Path(info.dialogue_path).is_file():
        names.append(info.dialogue_path)
    if _PLAIN_NAME.fullmatch(info.dialogue_id):
        names.append(info.dialogue_id)
    for name in names:
        try:
            dialogue = catalog.load(name)[0]
        except CoachError:
            continue
        if dialogue.id == info.dialogue_id:  # another dialogue under the same file name is not it
            return dialogue
    return None


def _json(result: Progress) -> str:
    from coach.progress import to_data
    from coach.visible import safe_json

    return safe_json(to_data(result))


def _nothing(
    who: str, dialogue_id: str | None, records: list[Transcript], everyone: list[str]
) -> None:
    """Nothing to show is not an error (like an empty `coach transcripts list`): say why."""
    from coach.text import subject_key
    from coach.visible import visible

    if records and dialogue_id:
        kinds = sorted({record.session.dialogue_id for record in records})
        click.echo(
            visible(
                f"Je hebt nog geen gesprek ‘{dialogue_id}’ met {who} bewaard; wel: "
                f"{', '.join(kinds)}."
            )
        )
        return
    click.echo(visible(f"Je hebt nog geen gesprekken met {who} bewaard."))
    names = {subject_key(name): " ".join(name.split()) for name in everyone}
    close = difflib.get_close_matches(subject_key(who), list(names), n=1, cutoff=0.6)
    if close:
        click.echo(visible(f"Bedoel je ‘{names[close[0]]}’?"))
    click.echo("coach transcripts list toont met wie je gesprekken hebt.")
