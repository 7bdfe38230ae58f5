"""`coach review`: score a saved conversation with a rubric, show it, and keep the result."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli_common import DutchCommand, format_option, home_of
from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.rubric import Rubric


@click.command("review", cls=DutchCommand)
@click.argument("session", metavar="SESSIE")
@click.option(
    "--rubric",
    "rubric_name",
    metavar="RUBRIC",
    help="Naam of pad van de rubric (standaard: de rubric van het gesprek).",
)
@format_option(
    "text",
    "json",
    "md",
    help="text (op het scherm), json (volledig, om te verwerken) of md (om te lezen).",
)
@click.pass_context
def review_command(ctx: click.Context, session: str, rubric_name: str | None, fmt: str) -> None:
    """Beoordeel een bewaard gesprek met een rubric.

    Per criterium zie je het niveau, de woorden in je antwoord die dat laten zien, wat er
    voor een hoger niveau ontbrak, en een tip. Dezelfde sessie en dezelfde rubric geven
    altijd hetzelfde resultaat; coach bewaart het, met de naam en versie van de rubric.
    Het JSON-formaat staat in docs/transcript-format.md.

    \b
    Voorbeelden:
      coach review 12
      coach review 12 --format md > review.md
      coach review 12 --rubric rubrics/mijn-rubric.yaml
    """
    from coach import saved
    from coach.export import session_fields
    from coach.review import review, to_dict
    from coach.visible import safe_json

    home = home_of(ctx)
    record = saved.transcript(home, session)
    rubric = _rubric(rubric_name, record.session.dialogue_id)
    result = review(rubric, record)
    data = to_dict(result)
    _keep(home, record.session.id, rubric, data)
    if fmt == "json":
        data["session"] = session_fields(record.session)
        data["annotations"] = [
            {
                "turn": note.turn,
                "text": note.text,
                "author": note.author,
                "created_at": note.created_at,
            }
            for note in record.annotations
        ]
        sys.stdout.write(safe_json(data))  # the leader's text may hold control characters
    elif fmt == "md":
        from coach.review_markdown import review_markdown

        sys.stdout.write(review_markdown(result, record))
    else:
        from coach.ui.console import make_console
        from coach.ui.review_view import show_review

        show_review(make_console(), result, record)


def _rubric(name: str | None, dialogue_id: str) -> Rubric:
    from coach.rubric_files import find_rubric, load_rubric, rubric_paths, rubrics_for

    if name is not None:
        path = find_rubric(name)
        rubric = load_rubric(path, str(path))
        if dialogue_id not in rubric.dialogues:
            raise UsageError(
                f"rubric '{rubric.id}' is voor {', '.join(rubric.dialogues)}, "
                f"niet voor {dialogue_id}",
                _known_hint(dialogue_id),
            )
        return rubric
    paths = rubrics_for(dialogue_id)
    own = [path for path in rubric_paths() if path.stem == dialogue_id]
    if not paths and own:
        load_rubric(own[0], str(own[0]))  # it has errors: say which, at which line
    if not paths:
        raise UsageError(
            f"er is geen rubric voor het gesprek '{dialogue_id}'", _known_hint(dialogue_id)
        )
    # A rubric named after the dialogue is its own; others apply as well but come second.
    paths.sort(key=lambda path: (path.stem != dialogue_id, path.stem))
    return load_rubric(paths[0], str(paths[0]))


def _known_hint(dialogue_id: str) -> str:
    from coach.rubric_files import rubric_paths

    names = [path.stem for path in rubric_paths()]
    if not names:
        return "er zijn nog geen rubrics; zie docs/authoring.md om er een te schrijven"
    return "bekende rubrics: " + ", ".join(names)


def _keep(home: Path, session_id: int, rubric: Rubric, data: dict[str, object]) -> None:
    """Keep the review in the database, unless it is damaged or cannot be written: then the
    review is shown all the same, with a warning that it was not kept. Writing into a
    damaged database can spread the damage to what is still whole."""
    from coach import saved
    from coach.errors import StoreError

    try:
        reader = saved.existing_store(home, read_only=True)
        if reader is None:
            return
        try:
            problem = reader.damaged()
        finally:
            reader.close()
        if problem is not None:
            raise StoreError(
                f"{reader.path} is beschadigd ({problem})",
                "zet coach.db apart (hernoem het) en zet een back-up terug; zie docs/privacy.md",
            )
        store = saved.existing_store(home)
        if store is None:
            return
        try:
            store.save_review(session_id, rubric.id, rubric.version, rubric.content_hash, data)
        finally:
            store.close()
    except StoreError as exc:
        from coach.visible import visible

        click.echo(visible(f"Let op: de beoordeling is niet bewaard: {exc.format()}"), err=True)
