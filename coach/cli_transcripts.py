"""`coach transcripts search` and `import`, and `coach annotate`: the transcript tools that
look through, bring in and comment on saved sessions.

coach/cli.py adds these commands to `coach` and `coach transcripts`; nothing here imports
coach.cli, so there is no import cycle. The store does the work (coach/store.py, and
coach/importing.py for an import); these functions read the options, and say what happened.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli_common import TEXT, DutchCommand, format_option, home_of
from coach.errors import CoachError, UsageError
from coach.search import SearchHit, fts_query
from coach.visible import safe_json, visible

if TYPE_CHECKING:
    from coach.importing import Imported

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- dates for `transcripts list --sinds/--tot` -----------------------------------------------


def day_start(text: str, option: str, days_later: int = 0) -> str:
    """The start of a local day given as JJJJ-MM-DD, `days_later` days on, as a stored time
    (UTC): `--tot 2026-03-01` includes all of 1 March, so it is compared with the start of
    2 March."""
    try:
        if not _DATE.fullmatch(text.strip()):
            raise ValueError(text)
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"'{visible(text)}' is geen datum voor {option}",
            "schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2026-03-01",
        ) from None
    ordinal = day.toordinal() + days_later
    if ordinal > date.max.toordinal():
        return "9999-12-31T23:59:59.999Z"  # later than anything stored
    local = datetime.combine(date.fromordinal(ordinal), time()).astimezone()
    moment = local.astimezone(UTC).isoformat(timespec="milliseconds")
    return moment.replace("+00:00", "Z")


# -- coach transcripts search -----------------------------------------------------------------


@click.command("search", cls=DutchCommand)
@click.argument("words", metavar="TEKST...", nargs=-1, required=True, type=TEXT)
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=1000),
    metavar="N",
    default=20,
    show_default=True,
    help="Hoeveel antwoorden hoogstens (de nieuwste).",
)
@click.option(
    "--gesprek", "dialogue_id", metavar="NAAM", type=TEXT, help="Alleen in dit gesprek, zoals buiv."
)
@click.option(
    "--met",
    "subject",
    metavar="WIE",
    type=TEXT,
    help="Alleen in gesprekken met WIE (zonder hoofdletters of accenten).",
)
@format_option(
    "text", "json", help="json: de gevonden antwoorden als JSON, om verder te verwerken."
)
@click.pass_context
def search_command(
    ctx: click.Context,
    words: tuple[str, ...],
    limit: int,
    dialogue_id: str | None,
    subject: str | None,
    fmt: str,
) -> None:
    """Zoek in je antwoorden, de nieuwste eerst.

    coach zoekt alleen in wat jij schreef, niet in de vragen van coach. Een antwoord wordt
    gevonden als alle woorden erin staan; hoofdletters en accenten tellen niet mee
    (geirriteerd vindt geïrriteerd). Een * achter een woord vindt ook de woorden die zo
    beginnen ('irrit*' vindt irritatie en irritant; de aanhalingstekens houden de * bij je
    shell weg). Per antwoord zie je de sessie, de datum,
    het gesprek, met wie, de vraag (node), en het stuk rond de gevonden woorden. De
    volgorde is die van het moment waarop elk antwoord werd gegeven, het nieuwste
    eerst, ook in ingelezen gesprekken (die houden hun eigen tijden).

    \b
    Voorbeelden:
      coach transcripts search geïrriteerd
      coach transcripts search 'irrit*' --met Paul
      coach transcripts search directieberaad --gesprek buiv --limit 5
    """
    from coach.ui.console import make_console
    from coach.ui.views import search_results

    text = " ".join(words)
    fts_query(text)  # a query without words is an error, also when nothing is stored yet
    from coach import saved

    store = saved.existing_store(home_of(ctx), read_only=True)
    hits: list[SearchHit] = []
    if store is not None:
        try:
            hits = store.search(text, limit, dialogue_id=dialogue_id, subject=subject)
        finally:
            store.close()
    if fmt == "json":
        click.echo(_hits_json(text, hits), nl=False)
        return
    console = make_console()
    if not hits:
        filtered = " met deze filters" if dialogue_id or subject else ""
        console.print(f"Niets gevonden voor '{visible(text)}'{filtered}.")
        return
    search_results(console, hits, limit)


def _hits_json(text: str, hits: list[SearchHit]) -> str:
    data = {
        "query": text,
        "hits": [
            {
                "session": hit.session_id,
                "seq": hit.seq,
                "node": hit.node,
                "dialogue_id": hit.dialogue_id,
                "subject": hit.subject,
                "created_at": hit.created_at,
                "text": hit.text,
            }
            for hit in hits
        ],
    }
    return safe_json(data)


# -- coach transcripts import -----------------------------------------------------------------


@click.command("import", cls=DutchCommand)
@click.argument("files", metavar="BESTAND...", nargs=-1, required=True)
@click.pass_context
def import_command(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Lees gesprekken in die met coach transcripts export zijn gemaakt.

    Elk BESTAND is een JSON-export van één gesprek (docs/transcript-format.md). Het
    gesprek komt erin zoals het was: dezelfde antwoorden, tijden en opmerkingen. De
    gesprekken worden ingelezen in de volgorde waarin ze begonnen, het oudste eerst, in
    welke volgorde je de bestanden ook noemt. Een gesprek houdt
    zijn nummer als dat hier nog vrij is, anders krijgt het het volgende vrije nummer. Een
    bestand dat niet klopt, of een gesprek dat hier al staat, wordt geweigerd, met de reden;
    van dat bestand wordt dan niets bewaard. Een onderbroken gesprek kun je daarna
    voortzetten met coach resume, als het gesprek (de dialoog) hier ook staat en nog
    hetzelfde verloopt.

    \b
    Voorbeelden:
      coach transcripts import gesprek.json
      coach transcripts import export/*.json
    """
    from coach.importing import Refused, import_file, in_time_order
    from coach.store import Store

    store = Store.open(home_of(ctx))
    refused = 0
    try:
        for name in in_time_order(files):
            try:
                done = import_file(store, Path(name))
            except Refused as exc:
                refused += 1
                _say_error(f"{visible(name)}: {exc.message}", exc.hint)
                continue
            click.echo(_imported(name, done))
    finally:
        store.close()
    if refused:
        if len(files) > 1:
            click.echo(f"{len(files) - refused} van de {len(files)} bestanden ingelezen.")
        ctx.exit(1)


def _imported(name: str, done: Imported) -> str:
    info = done.record.session
    who = f" met {info.subject}" if info.subject else ""
    from coach.export import STATUS_NL

    status = STATUS_NL.get(info.status, info.status)
    line = f"{name}: ingelezen als sessie {done.number} ({info.dialogue_id}{who}, {status})."
    if done.number != info.id:
        line += f" Nummer {info.id} was hier al in gebruik."
    if not done.rebuilt.resumable and info.status in ("active", "paused"):
        line += (
            f"\n  Dit gesprek kan niet worden voortgezet: {done.rebuilt.why}. Teruglezen kan "
            f"met coach transcripts show {done.number}."
        )
    return visible(line)


def _say_error(message: str, hint: str = "") -> None:
    text = f"Fout: {message}" + (f"\n  hint: {hint}" if hint else "")
    click.echo(text, err=True)


# -- coach annotate ---------------------------------------------------------------------------


@click.command("annotate", cls=DutchCommand)
@click.argument("session", metavar="SESSIE")
@click.argument("text", metavar="TEKST")
@click.option(
    "--turn",
    "--beurt",
    "turn",
    type=click.IntRange(min=1),
    metavar="N",
    help="De beurt waar de opmerking over gaat (het nummer uit coach transcripts show). "
    "Zonder: over het hele gesprek.",
)
@click.option("--door", "author", metavar="NAAM", help="Wie de opmerking schrijft.")
@click.pass_context
def annotate_command(
    ctx: click.Context, session: str, text: str, turn: int | None, author: str | None
) -> None:
    """Schrijf een opmerking bij een bewaard gesprek, als begeleider.

    De opmerking gaat over het hele gesprek, of met --turn N over één beurt (de nummers
    staan in coach transcripts show). Ze staat naast het gesprek: wat de schoolleider
    schreef, blijft precies zoals het was. coach transcripts show en de exports tonen
    haar, gemarkeerd als opmerking van de begeleider. Geef - als TEKST om de tekst via de
    invoer te geven (meerdere regels mogen). Hoogstens 4.000 tekens.

    \b
    Voorbeelden:
      coach annotate 12 "Mooi concreet beschreven."
      coach annotate 12 --turn 7 --door Anna "Hier had je kunnen doorvragen."
      coach annotate 12 --turn 7 - < opmerking.txt
    """
    from coach import saved

    number = saved.session_number(session)
    if text == "-":
        text = _stdin_text()
    store = saved.existing_store(home_of(ctx))
    if store is None:
        raise UsageError(f"er is geen sessie {number}", "er zijn nog geen gesprekken bewaard")
    try:
        store.annotate(number, text, turn, author)
    finally:
        store.close()
    where = f"sessie {number}" + (f", beurt {turn}" if turn is not None else "")
    click.echo(f"Opmerking bewaard bij {where}. coach transcripts show {number} toont haar.")


def _stdin_text() -> str:
    stream = getattr(sys.stdin, "buffer", None)
    try:
        data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
        return data.decode("utf-8") if isinstance(data, bytes) else str(data)
    except UnicodeDecodeError:
        raise UsageError(
            "de opmerking op de invoer is geen geldige UTF-8",
            "sla het bestand op als UTF-8 en probeer het opnieuw",
        ) from None
    except OSError as exc:
        raise CoachError(f"kan de invoer niet lezen ({exc})") from None
