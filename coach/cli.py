"""The `coach` command: options, messages and exit codes. The one place errors become exit codes.

Exit codes: 0 done (also after a pause), 1 a problem with content or data (a broken
dialogue, an unreadable database), 2 a command used wrongly, 130 interrupted by Ctrl-C.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

# app, catalog and what they bring (the engine, the store, the loader, jsonschema) are
# imported by the commands that use them: `coach --help` does not pay for them (bench/).
from coach import __version__, click_nl
from coach.cli_common import TEXT, DutchGroup, format_option, home_of
from coach.cli_eval import eval_command
from coach.cli_language import explain_command, lexicon_group
from coach.cli_progress import progress_command
from coach.cli_review import review_command
from coach.cli_transcripts import annotate_command, import_command, search_command
from coach.errors import CoachError, DialogueError, UsageError
from coach.home import DATABASE_NAME
from coach.visible import visible

click_nl.install()

_Group = DutchGroup
_home = home_of


@click.group(cls=_Group, invoke_without_command=True, subcommand_metavar="[COMMANDO] ...")
@click.option(
    "--home",
    metavar="MAP",
    help="Map met je gesprekken (standaard: $COACH_HOME, anders de gegevensmap van je systeem).",
)
@click.option(
    "--traceback", is_flag=True, help="Toon bij een onverwachte fout de technische details."
)
@click.version_option(__version__, "--version", prog_name="coach", help="Toon de versie.")
@click.pass_context
def cli(ctx: click.Context, home: str | None, traceback: bool) -> None:
    """Reflectiegesprekken voor schoolleiders, in de terminal.

    Zonder commando opent een keuzemenu: begin een gesprek, of ga verder waar je was.
    Je antwoorden blijven op deze computer.

    \b
    Voorbeelden:
      coach                        het keuzemenu
      coach run buiv --met Paul    een gesprek met Paul voorbereiden
      coach resume                 verder met je laatste gepauzeerde gesprek
    """
    if ctx.invoked_subcommand is None:
        from coach import app

        ctx.exit(app.menu(_home(ctx)))


@cli.command("list")
def list_command() -> None:
    """Toon de gesprekken die je kunt voeren.

    \b
    Voorbeeld:
      coach list
    """
    from coach import catalog
    from coach.ui.console import make_console
    from coach.ui.views import dialogue_list

    entries = catalog.entries()
    if not entries:
        raise CoachError("er zijn geen gesprekken gevonden", "is coach goed geïnstalleerd?")
    dialogue_list(make_console(), entries)


@cli.command("run")
@click.argument("name", metavar="NAAM")
@click.option(
    "--met",
    "subject",
    metavar="WIE",
    type=TEXT,
    help="Met wie het gesprek is (een voornaam of rol).",
)
@click.pass_context
def run_command(ctx: click.Context, name: str, subject: str | None) -> None:
    """Voer een gesprek.

    NAAM komt uit coach list, of is het pad naar een dialoogbestand.

    Op een terminal verstuurt Enter je antwoord en begint Alt+Enter een nieuwe regel.
    Komt de invoer niet van een terminal, dan is elke regel één antwoord.
    Typ /hulp tijdens het gesprek voor de commando's; Ctrl-C pauzeert.

    \b
    Voorbeelden:
      coach run buiv
      coach run buiv --met Paul
      coach run dialogues/mijn-gesprek.yaml
      coach run buiv < antwoorden.txt
    """
    if subject is not None:
        subject = subject.strip()
        if not subject or len(subject) > 80:
            raise UsageError("--met verwacht een naam of rol van hoogstens 80 tekens")
        if any("\ud800" <= char <= "\udfff" for char in subject):  # bytes that were no UTF-8
            raise UsageError("--met bevat tekens die geen UTF-8 zijn", "typ de naam opnieuw")
    from coach import app

    ctx.exit(app.run(_home(ctx), name, subject))


@cli.command("resume")
@click.argument("session", metavar="[SESSIE]", required=False)
@click.pass_context
def resume_command(ctx: click.Context, session: str | None) -> None:
    """Ga verder met een gepauzeerd of onderbroken gesprek.

    Zonder SESSIE gaat coach verder met het gesprek waar je het laatst mee bezig was.

    \b
    Voorbeelden:
      coach resume
      coach resume 12
    """
    from coach import app

    ctx.exit(app.resume(_home(ctx), session))


@cli.command("validate")
@click.argument("paths", metavar="[PAD]...", nargs=-1)
@click.option("--strict", is_flag=True, help="Ook waarschuwingen tellen als fout (exitcode 1).")
@format_option(
    "text", "json", help="json: de meldingen als JSON, voor editors en CI.", name="output"
)
def validate_command(paths: tuple[str, ...], strict: bool, output: str) -> None:
    """Controleer dialogen, woordenlijsten en testbestanden, met bestand en regel.

    Zonder PAD worden alle gesprekken gecontroleerd die coach kent (ook ./dialogues).
    Een map controleert alle .yaml-bestanden erin, en die in de mappen lexicons/ en
    tests/ ernaast. Een bestand in een map lexicons/ is een woordenlijst, een bestand
    in tests/ een testbestand.

    \b
    Voorbeelden:
      coach validate
      coach validate dialogues/mijn-gesprek.yaml
      coach validate dialogues/
      coach validate --strict --format json dialogues/
    """
    from coach.validation import files_to_check, validate, validate_json

    files = files_to_check(paths)
    if output == "json":
        text, passed = validate_json(files, strict)
        click.echo(text)
    else:
        from coach.ui.console import make_console

        passed = validate(files, make_console().print, strict)
    if not passed:
        click.get_current_context().exit(1)


# -- writing dialogues: coach new, coach play, coach schema ------------------------------------


@cli.command("new")
@click.argument("name", metavar="NAAM")
def new_command(name: str) -> None:
    """Begin een eigen gesprek, met uitleg en speeltests.

    Maakt een werkend voorbeeld met uitleg in dialogues/NAAM.yaml, en speeltests in
    dialogues/tests/NAAM.yaml, in de map waar je nu bent. NAAM bestaat uit kleine
    letters, cijfers en -, en begint met een letter. Een bestand dat al bestaat, blijft
    zoals het is. In dialogues/.schema/ komt het JSON Schema, zodat je editor sleutels
    aanvult en controleert.

    \b
    Voorbeeld:
      coach new mijn-gesprek
    """
    from coach.catalog import display
    from coach.scaffold import new_dialogue, shadows_shipped

    written = new_dialogue(name, Path.cwd())
    width = max(len(display(item.path)) for item in written)
    click.echo("Aangemaakt:")
    for item in written:
        click.echo(f"  {display(item.path):<{width}}  {item.about}")
    if shadows_shipped(name):
        click.echo(
            f"\nLet op: coach levert ook een gesprek '{name}' mee. In deze map gaat jouw "
            "versie voor."
        )
    path = display(written[0].path)
    steps = [
        (f"coach validate {path}", "controleer je gesprek"),
        (f"coach play {path}", "controleer het en speel het meteen"),
        (f"coach test {path}", "draai de speeltests"),
    ]
    width = max(len(command) for command, _ in steps)
    click.echo(f"\nOpen {path} in je editor en lees de uitleg. Daarna:")
    for command, about in steps:
        click.echo(f"  {command:<{width}}  {about}")


@cli.command("play")
@click.argument("path", metavar="PAD")
@click.option(
    "--met",
    "subject",
    metavar="WIE",
    type=TEXT,
    help="Met wie het gesprek is (een voornaam of rol).",
)
@click.pass_context
def play_command(ctx: click.Context, path: str, subject: str | None) -> None:
    """Controleer een dialoogbestand en speel het meteen.

    Handig terwijl je een gesprek schrijft: eerst toont coach alle fouten en
    waarschuwingen, zoals coach validate. Bij een fout stopt het daar (exitcode 1); zijn
    er alleen waarschuwingen, dan begint het gesprek daarna gewoon, net als met coach run.
    Pas je bestand aan, sla het op en speel het opnieuw.

    \b
    Voorbeelden:
      coach play dialogues/mijn-gesprek.yaml
      coach play dialogues/mijn-gesprek.yaml --met Sam
      coach play dialogues/mijn-gesprek.yaml < antwoorden.txt
    """
    from coach import catalog
    from coach.lexicon_files import FOLDER as LEXICONS
    from coach.ui.console import make_console
    from coach.validation import TESTS, validate

    file = catalog.find(path)
    if file.parent.name in (LEXICONS, TESTS):
        kind = "een woordenlijst" if file.parent.name == LEXICONS else "een testbestand"
        raise UsageError(
            f"{path} is {kind}, geen gesprek",
            "coach validate controleert het; coach test draait de speeltests",
        )
    console = make_console()
    if not validate([file], console.print):
        ctx.exit(1)
    console.print()
    ctx.invoke(run_command, name=str(file), subject=subject)


@cli.command("schema")
@click.argument(
    "kind",
    metavar="[dialogue|lexicon|rubric]",
    type=click.Choice(["dialogue", "lexicon", "rubric"]),
    default="dialogue",
)
def schema_command(kind: str) -> None:
    """Toon het JSON Schema van een dialoog, woordenlijst of rubric.

    Zonder argument: dat van een dialoog. Een editor met YAML-ondersteuning gebruikt het
    om sleutels aan te vullen en te controleren. coach new zet een kopie in
    dialogues/.schema/, en deze regel bovenaan je gesprek:

    \b
      # yaml-language-server: $schema=.schema/dialogue.schema.json

    \b
    Voorbeelden:
      coach schema
      coach schema lexicon
      coach schema rubric
      coach schema > dialogues/.schema/dialogue.schema.json
    """
    from coach.schema import schema_text

    click.echo(schema_text(kind), nl=False)


@cli.command("test")
@click.argument("paths", metavar="[PAD]...", nargs=-1)
@click.option(
    "--from-transcript",
    "session",
    metavar="SESSIE",
    help="Maak van deze bewaarde sessie een nieuwe case in het testbestand van het gesprek.",
)
@click.pass_context
def test_command(ctx: click.Context, paths: tuple[str, ...], session: str | None) -> None:
    """Speel de speeltests van gesprekken en toon wat ze niet bereiken.

    Zonder PAD draaien de testbestanden in ./dialogues/tests/ (is er geen map
    ./dialogues, dan die van de meegeleverde gesprekken). PAD is een testbestand, een gesprek
    (dan zijn tests/NAAM.yaml) of een map. Per case ✓ of ✗ met wat er misging, per gesprek
    de dekking: welke nodes, keuzes, branch-regels en vervolgvragen geen case bereikt,
    met bestand en regel. Exitcode 1 als een case mislukt.

    Met --from-transcript wordt een gesprek dat je hebt nagelezen een test: de antwoorden
    van de sessie, wat coach erna deed, en het transcript zoals het toen ging, onderaan
    tests/NAAM.yaml naast het gesprek. Verloopt de sessie met het gesprek van nu anders,
    dan weigert coach en toont het eerste verschil.

    \b
    Voorbeelden:
      coach test
      coach test dialogues/mijn-gesprek.yaml
      coach test --from-transcript 12
    """
    from coach.testing import from_transcript, run_tests
    from coach.ui.console import make_console

    console = make_console()
    if session is None:
        ctx.exit(0 if run_tests(paths, console.print) else 1)
    if paths:
        raise UsageError("--from-transcript gaat niet samen met een PAD")
    from coach import saved

    number = saved.session_number(session)
    store = saved.existing_store(_home(ctx))
    if store is None:
        raise UsageError(f"er is geen sessie {number}", "er zijn nog geen gesprekken bewaard")
    try:
        passed = from_transcript(store, number, console.print)
    finally:
        store.close()
    ctx.exit(0 if passed else 1)


@cli.command("graph")
@click.argument("name", metavar="NAAM")
@format_option(
    "mermaid",
    "dot",
    help="mermaid (voor een Mermaid-viewer of een Markdown-bestand) of dot (voor Graphviz).",
)
def graph_command(name: str, fmt: str) -> None:
    """Toon het verloop van een gesprek als stroomschema.

    NAAM komt uit coach list, of is het pad naar een dialoogbestand. Elke stap (phase) is
    een groep; bij elke pijl staat waarom (een keuze, een voorwaarde, 'anders'), een
    gestippelde pijl slaat een node over als zijn when niet klopt, naast een vraag staan de
    regels van de vervolgvragen, en een node die geen pad bereikt is grijs en gestreept.
    Plak de uitvoer in een Mermaid-viewer, of maak er met Graphviz een plaatje van.

    \b
    Voorbeelden:
      coach graph buiv
      coach graph buiv > buiv.mmd
      coach graph dialogues/mijn-gesprek.yaml
      coach graph buiv --format dot | dot -Tpng -o buiv.png
    """
    from coach import catalog
    from coach.graph import to_dot, to_mermaid

    dialogue, _ = catalog.load(name)
    click.echo(to_dot(dialogue) if fmt == "dot" else to_mermaid(dialogue), nl=False)


@cli.group("transcripts")
def transcripts_group() -> None:
    """Bekijk, doorzoek, exporteer, lees in, bewaar en verwijder je gesprekken.

    Opmerkingen van een begeleider bij een gesprek schrijf je met coach annotate.

    \b
    Voorbeelden:
      coach transcripts list
      coach transcripts list --met Paul --sinds 2026-01-01
      coach transcripts show 12
      coach transcripts search geïrriteerd
      coach transcripts export 12 --format md --output gesprek.md
      coach transcripts import gesprek.json
      coach transcripts delete --met Paul
      coach transcripts purge --older-than 180d
      coach transcripts backup gesprekken-backup.db
    """


@transcripts_group.command("list")
@click.option(
    "--status",
    type=click.Choice(["active", "paused", "stopped", "completed"]),
    help="Alleen sessies met deze status.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Hoeveel sessies hoogstens.",
)
@click.option(
    "--gesprek", "dialogue_id", metavar="NAAM", type=TEXT, help="Alleen dit gesprek, zoals buiv."
)
@click.option(
    "--met",
    "subject",
    metavar="WIE",
    type=TEXT,
    help="Alleen gesprekken met WIE (hoofdletters en accenten tellen niet mee).",
)
@click.option(
    "--sinds", "since", metavar="DATUM", help="Laatst bijgewerkt op of na DATUM (JJJJ-MM-DD)."
)
@click.option(
    "--tot", "until", metavar="DATUM", help="Laatst bijgewerkt op of voor DATUM (JJJJ-MM-DD)."
)
@click.pass_context
def transcripts_list(
    ctx: click.Context,
    status: str | None,
    limit: int,
    dialogue_id: str | None,
    subject: str | None,
    since: str | None,
    until: str | None,
) -> None:
    """Toon je sessies, de meest recente eerst.

    --sinds en --tot gaan over de dag waarop je voor het laatst iets in het gesprek deed
    (de kolom Laatst), in je eigen tijdzone; beide dagen tellen mee.

    \b
    Voorbeelden:
      coach transcripts list
      coach transcripts list --status paused
      coach transcripts list --met Joëlle --gesprek buiv
      coach transcripts list --sinds 2026-01-01 --tot 2026-03-31
    """
    from coach.cli_transcripts import day_start
    from coach.ui.console import make_console
    from coach.ui.views import session_list

    filters = {
        "dialogue_id": dialogue_id,
        "subject": subject,
        "since": day_start(since, "--sinds") if since is not None else None,
        "until": day_start(until, "--tot", days_later=1) if until is not None else None,
    }
    if filters["since"] and filters["until"] and filters["since"] >= filters["until"]:
        raise UsageError("--sinds ligt na --tot", "zet de vroegste datum bij --sinds")
    console = make_console()
    from coach import saved

    store = saved.existing_store(_home(ctx), read_only=True)
    sessions, stored = [], False
    if store is not None:
        try:
            sessions = store.sessions([status] if status else None, limit, **filters)
            stored = bool(sessions) or bool(store.sessions(limit=1))
        finally:
            store.close()
    if sessions:
        session_list(console, sessions)
    elif stored:
        console.print("Er zijn geen gesprekken die bij je filters passen.")
    else:
        console.print(visible(f"Nog geen gesprekken bewaard in {_home(ctx) / DATABASE_NAME}."))


@transcripts_group.command("show")
@click.argument("session", metavar="SESSIE")
@click.pass_context
def transcripts_show(ctx: click.Context, session: str) -> None:
    """Toon één gesprek, met de vervolgvragen en opmerkingen gemarkeerd.

    Elke beurt heeft een nummer; daarmee zet je met coach annotate SESSIE --turn N een
    opmerking bij die beurt. Opmerkingen over het hele gesprek staan bovenaan.

    \b
    Voorbeeld:
      coach transcripts show 12
    """
    from coach import saved
    from coach.ui.console import make_console
    from coach.ui.views import transcript

    transcript(make_console(), saved.transcript(_home(ctx), session))


@transcripts_group.command("export")
@click.argument("session", metavar="SESSIE")
@format_option("json", "md", help="json (volledig, om in te lezen) of md (om te lezen).")
@click.option(
    "--output",
    "-o",
    metavar="BESTAND",
    help="Schrijf naar dit bestand in plaats van naar het scherm.",
)
@click.option("--force", is_flag=True, help="Overschrijf BESTAND als het al bestaat.")
@click.option(
    "--redact",
    is_flag=True,
    help="Vervang namen door een rol of initialen, om te delen (lees het wel eerst na).",
)
@click.pass_context
def transcripts_export(
    ctx: click.Context, session: str, fmt: str, output: str | None, force: bool, redact: bool
) -> None:
    """Exporteer een gesprek als JSON of Markdown.

    Het JSON-formaat staat beschreven in docs/transcript-format.md. Met --redact wordt de
    persoon met wie je het gesprek voert een rol ([de leraar]) en elke andere naam die je
    typte initialen ([M.]); zie docs/privacy.md.

    \b
    Voorbeelden:
      coach transcripts export 12
      coach transcripts export 12 --format md --output gesprek.md
      coach transcripts export 12 --format md --redact
    """
    from coach import saved
    from coach.export import to_json, to_markdown, write_private

    record = saved.transcript(_home(ctx), session)
    if redact:
        from coach.redact import redacted_export, role_for

        info = record.session
        role = role_for(_subject_answer(info.dialogue_path, info.dialogue_id))
        text = redacted_export(record, fmt, role)
        click.echo(_REDACT_NOTE, err=True)
    else:
        text = to_json(record) if fmt == "json" else to_markdown(record)
    if output is None:
        sys.stdout.write(text)
        return
    write_private(Path(output), text, force)
    click.echo(visible(f"Geschreven naar {output}"))


_REDACT_NOTE = (
    "Namen zijn vervangen door een rol of initialen. Lees de export na voordat je hem deelt: "
    "coach herkent niet elke naam."
)


def _subject_answer(dialogue_path: str | None, dialogue_id: str) -> str | None:
    """The answer a session's dialogue names as its `subject`, if the dialogue is still there."""
    for name in (dialogue_path, dialogue_id):
        if name:
            with contextlib.suppress(CoachError, OSError):
                from coach import catalog

                return catalog.load(name)[0].subject
    return None


# -- forgetting and keeping: coach transcripts delete, purge, backup --------------------------
# What is removed, how thoroughly, and what cannot be: docs/privacy.md. The store does the
# removing (Store.delete_sessions); these commands choose the sessions, ask first in a
# terminal, and say what was removed.

_YES_HELP = "Niet om bevestiging vragen (nodig als de invoer niet van een terminal komt)."


@transcripts_group.command("delete")
@click.argument("session", metavar="[SESSIE]", required=False)
@click.option(
    "--met",
    "subject",
    metavar="WIE",
    type=TEXT,
    help="Alles over deze persoon: elk gesprek met WIE, en wat coach over WIE onthoudt.",
)
@click.option("--ja", "--yes", "yes", is_flag=True, help=_YES_HELP)
@click.pass_context
def transcripts_delete(
    ctx: click.Context, session: str | None, subject: str | None, yes: bool
) -> None:
    """Verwijder één gesprek, of alles over één persoon, voorgoed.

    Met SESSIE verdwijnt dat gesprek: je antwoorden, een half getypt antwoord en de
    gesprekskaart. Met --met WIE verdwijnt elk gesprek met die persoon (hoofdletters en
    accenten tellen niet mee: José is jose), en daarmee ook wat coach over WIE onthield
    voor een volgend gesprek. Wat coach eruit onthield en citeerde in een later gesprek met
    dezelfde persoon, wordt daar [verwijderd]. De tekst wordt echt gewist, ook uit
    coach.db-wal naast de database. Exports, back-ups en tests (coach test
    --from-transcript) die je zelf maakte, blijven bestaan: die verwijder je zelf. Meer in
    docs/privacy.md.

    In een terminal vraagt coach eerst of je het zeker weet; --ja slaat die vraag over.

    \b
    Voorbeelden:
      coach transcripts delete 12
      coach transcripts delete --met Paul
      coach transcripts delete 12 --ja
    """
    from coach.memory import same_subject

    if (session is None) == (subject is None):
        raise UsageError(
            "geef een SESSIE of --met WIE (één van de twee)",
            "coach transcripts list toont je gesprekken, met hun nummers en met wie ze zijn",
        )
    from coach import saved

    number = saved.session_number(session) if session is not None else 0
    who = " ".join((subject or "").split())
    store = saved.existing_store(_home(ctx))
    if store is None:
        missing = f"er is geen sessie {number}" if session else f"er zijn geen gesprekken met {who}"
        raise UsageError(visible(missing), "er zijn nog geen gesprekken bewaard")
    try:
        if session is not None:
            chosen = [store.session(number)]
            question = f"Sessie {number} voorgoed verwijderen?"
        else:
            chosen = [info for info in store.sessions() if same_subject(info.subject, who)]
            if not chosen:
                raise UsageError(
                    visible(f"er zijn geen gesprekken met {who}"),
                    "coach transcripts list toont met wie je gesprekken hebt",
                )
            question = visible(f"Alles over {who} voorgoed verwijderen ({_count(chosen)})?")
        _confirm(chosen, question, yes)
        tests = store.test_cases(info.id for info in chosen)
        emptied = store.delete_sessions(info.id for info in chosen)
    finally:
        store.close()
    if session is not None:
        info = chosen[0]
        about = visible(f"{info.dialogue_title}" + (f" met {info.subject}" if info.subject else ""))
        click.echo(f"Sessie {info.id} is verwijderd: {about}, {_answers(info.answers)}.")
    else:
        click.echo(
            visible(
                f"Verwijderd: {_count(chosen)} met {who} ({_numbers(chosen)}), en daarmee wat "
                f"coach over {who} onthield."
            )
        )
    _after_removal(ctx, emptied, tests)


@transcripts_group.command("purge")
@click.option(
    "--older-than",
    "age",
    metavar="DUUR",
    required=True,
    help="180d (dagen), 26w (weken), 6m (maanden van 30 dagen) of 1j (jaren van 365 dagen); "
    "uitgeschreven mag ook: '6 maanden'.",
)
@click.option("--ja", "--yes", "yes", is_flag=True, help=_YES_HELP)
@click.pass_context
def transcripts_purge(ctx: click.Context, age: str, yes: bool) -> None:
    """Verwijder gesprekken die je lang niet hebt aangeraakt, voorgoed.

    Weg gaat elk gesprek dat je langer dan DUUR niet hebt aangeraakt: zo houd je een
    bewaartermijn aan. Het telt vanaf de laatste keer dat je iets in het gesprek deed, ook
    bij een gesprek dat nog gepauzeerd staat. De tekst wordt gewist zoals bij coach
    transcripts delete. coach doet dit niet vanzelf: draai het zelf, bijvoorbeeld aan het
    eind van elk schooljaar.

    In een terminal vraagt coach eerst of je het zeker weet; --ja slaat die vraag over.

    \b
    Voorbeelden:
      coach transcripts purge --older-than 180d
      coach transcripts purge --older-than 6m --ja
    """
    from datetime import datetime, timedelta

    from coach.store import utc_now

    days, described = _age(age)
    now = datetime.fromisoformat(utc_now().replace("Z", "+00:00"))
    cutoff = (now - timedelta(days=days)).isoformat(timespec="milliseconds")
    nothing = (
        f"Er zijn geen gesprekken die je langer dan {described} niet hebt aangeraakt; "
        "er is niets verwijderd."
    )
    from coach import saved

    store = saved.existing_store(_home(ctx))
    if store is None:
        click.echo(nothing)
        return
    try:
        chosen = store.inactive_since(cutoff.replace("+00:00", "Z"))
        if not chosen:
            click.echo(nothing)
            return
        these = "Dit gesprek" if len(chosen) == 1 else f"Deze {_count(chosen)}"
        _confirm(chosen, f"{these} voorgoed verwijderen?", yes)
        tests = store.test_cases(info.id for info in chosen)
        emptied = store.delete_sessions(info.id for info in chosen)
    finally:
        store.close()
    click.echo(
        f"Verwijderd: {_count(chosen)} {'dat' if len(chosen) == 1 else 'die'} je langer dan "
        f"{described} niet hebt aangeraakt "
        f"({_numbers(chosen)})."
    )
    _after_removal(ctx, emptied, tests)


@transcripts_group.command("backup")
@click.argument("target", metavar="PAD")
@click.option("--force", is_flag=True, help="Overschrijf PAD als het al bestaat.")
@click.pass_context
def transcripts_backup(ctx: click.Context, target: str, force: bool) -> None:
    """Maak een back-up van al je gesprekken, in één bestand.

    De back-up is een volledige kopie van coach.db, gemaakt met de back-upfunctie van
    SQLite (ook als een ander venster met coach nog schrijft), en alleen voor jou
    leesbaar. Is PAD een map, dan heet het bestand erin coach-backup-JJJJ-MM-DD.db. Een
    bestaand bestand wordt alleen overschreven met --force.

    Een back-up is niet versleuteld, en wat je later verwijdert, blijft erin staan.
    Terugzetten: sluit coach en zet het bestand als coach.db in je gegevensmap (zie
    docs/privacy.md).

    \b
    Voorbeelden:
      coach transcripts backup gesprekken-backup.db
      coach transcripts backup /media/usb-stick/
    """
    from datetime import date

    path = Path(target)
    if path.is_dir():
        path = path / f"coach-backup-{date.today().isoformat()}.db"
    from coach import saved

    store = saved.existing_store(_home(ctx))
    if store is None:
        raise UsageError("er zijn nog geen gesprekken bewaard", "er is niets om te bewaren")
    try:
        store.backup(path, force)
        count = len(store.sessions())
    finally:
        store.close()
    click.echo(
        visible(
            f"Back-up van {count} {'gesprek' if count == 1 else 'gesprekken'} geschreven "
            f"naar {path}"
        )
    )


def _confirm(sessions: list[Any], question: str, yes: bool) -> None:
    """Go on only if the user says so in a terminal, or said --ja beforehand."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(
            "coach vraagt eerst of je het zeker weet, maar de invoer komt niet van een terminal",
            "zet --ja erbij als je het zeker weet",
        )
    from coach.ui.console import make_console
    from coach.ui.views import session_list

    console = make_console()
    session_list(console, sessions)
    console.print()
    answer = click.prompt(
        f"{question} Dit kun je niet ongedaan maken. [j/N]",
        default="",
        show_default=False,
        prompt_suffix=" ",
    )
    if answer.strip().lower() not in ("j", "ja", "y", "yes"):
        click.echo("Er is niets verwijderd.")
        click.get_current_context().exit(0)


def _after_removal(ctx: click.Context, emptied: bool, tests: list[str]) -> None:
    if tests:  # coach cannot tell whether they are still there, or changed: it only says so
        from coach.visible import visible

        click.echo(
            "Je maakte hiervan een test met coach test --from-transcript. In deze bestanden "
            "blijven je woorden staan; verwijder ze daar zelf als je dat wilt:"
        )
        for path in tests:
            click.echo(visible(f"  {path}"))
    if emptied:
        click.echo(
            "Exports en back-ups die je zelf maakte, blijven bestaan: die verwijder je zelf."
        )
        return
    raise CoachError(
        f"de tekst is uit {_home(ctx) / DATABASE_NAME}, maar staat nog in "
        f"{DATABASE_NAME}-wal ernaast: een ander programma leest de database nu",
        "sluit andere vensters met coach; dan verdwijnt ze daar ook",
    )


def _age(text: str) -> tuple[int, str]:
    """`180d` → (180, '180 dagen'): days (d), weeks (w), months of 30 days (m), years of 365
    days (j or y), also written out (`26 weken`, `6 maanden`)."""
    import re

    units = {
        "d": (1, "dag", "dagen"),
        "w": (7, "week", "weken"),
        "m": (30, "maand", "maanden"),
        "j": (365, "jaar", "jaar"),
    }
    words = {"y": "j", "jaren": "j"} | {
        name: unit for unit, (_, one, more) in units.items() for name in (one, more)
    }
    match = re.fullmatch(r"\s*(\d{1,5})\s*([a-z]+)\s*", text.lower())
    unit = match and (match.group(2) if match.group(2) in units else words.get(match.group(2)))
    if match is None or unit is None or int(match.group(1)) == 0:
        raise UsageError(
            f"'{text}' is geen duur",
            "schrijf een getal en een eenheid: 180d (dagen), 26w (weken), 6m (maanden) of 1j",
        )
    number = int(match.group(1))
    days, one, more = units[unit]
    return number * days, f"{number} {one if number == 1 else more}"


def _count(sessions: list[Any]) -> str:
    return "1 gesprek" if len(sessions) == 1 else f"{len(sessions)} gesprekken"


def _answers(count: int) -> str:
    return "1 antwoord" if count == 1 else f"{count} antwoorden"


def _numbers(sessions: list[Any]) -> str:
    ids = [str(info.id) for info in sorted(sessions, key=lambda info: info.id)]
    if len(ids) == 1:
        return f"sessie {ids[0]}"
    return "sessies " + ", ".join(ids[:-1]) + f" en {ids[-1]}"


cli.add_command(progress_command)
cli.add_command(review_command)
cli.add_command(annotate_command)
cli.add_command(eval_command)
cli.add_command(explain_command)
cli.add_command(lexicon_group)
transcripts_group.add_command(search_command)
transcripts_group.add_command(import_command)


# -- entry point ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI; turn every known problem into a Dutch message and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    show_traceback = "--traceback" in args or os.environ.get("COACH_TRACEBACK") == "1"
    try:
        code = cli.main(args=args, prog_name="coach", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        _show_click_error(exc)
        code = exc.exit_code
    except click.exceptions.Abort:
        _error("afgebroken")
        code = 130
    except DialogueError as exc:
        _error(
            "dit gesprek bevat fouten:\n" + exc.message,
            "los ze op; coach validate controleert een bestand opnieuw",
        )
        code = exc.exit_code
    except CoachError as exc:
        _error(exc.message, exc.hint)
        code = exc.exit_code
    except KeyboardInterrupt:
        _error("afgebroken")
        code = 130
    except BrokenPipeError:
        _quiet_broken_pipe()
        code = 0
    except Exception as exc:
        if show_traceback:
            raise
        _error(
            f"er ging iets mis dat niet had mogen gebeuren ({type(exc).__name__})",
            "je antwoorden zijn bewaard; draai het commando opnieuw met --traceback "
            "en meld wat je ziet",
        )
        code = 1
    sys.exit(code or 0)


def _error(message: str, hint: str = "") -> None:
    text = f"Fout: {message}"
    if hint:
        text += f"\n  hint: {hint}"
    with contextlib.suppress(OSError):
        click.echo(visible(text), err=True)  # messages quote arguments, names and paths


def _show_click_error(exc: click.ClickException) -> None:
    """click's own message, made visible: it quotes arguments, some of them raw
    (`Onverwacht extra argument (...)`)."""
    text = io.StringIO()
    exc.show(text)
    with contextlib.suppress(OSError):
        click.echo(visible(text.getvalue()), err=True, nl=False)


def _quiet_broken_pipe() -> None:
    # The reader went away (`coach transcripts export 1 | head`): nothing to say, nowhere to say it.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
