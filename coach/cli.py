"""The `coach` command: options, messages and exit codes. The one place errors become exit codes.

Exit codes: 0 done (also after a pause), 1 a problem with content or data (a broken
dialogue, an unreadable database), 2 a command used wrongly, 130 interrupted by Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from coach import __version__, app, catalog, click_nl
from coach.errors import CoachError, DialogueError, UsageError
from coach.home import DATABASE_NAME, resolve_home

click_nl.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 90}


class _Command(click.Command):
    """A command whose usage line speaks Dutch too (`[OPTIES]`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT)
        kwargs.setdefault("options_metavar", "[OPTIES]")
        super().__init__(*args, **kwargs)


class _Group(click.Group):
    """A group of Dutch commands; its subgroups are of the same kind."""

    command_class = _Command
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT)
        kwargs.setdefault("options_metavar", "[OPTIES]")
        kwargs.setdefault("subcommand_metavar", "COMMANDO [ARGUMENTEN]...")
        super().__init__(*args, **kwargs)


def _home(ctx: click.Context) -> Path:
    """The data folder chosen with --home, COACH_HOME or the platform default."""
    root = ctx.find_root()
    return resolve_home(root.params.get("home"))


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
        ctx.exit(app.menu(_home(ctx)))


@cli.command("list")
def list_command() -> None:
    """Toon de gesprekken die je kunt voeren.

    \b
    Voorbeeld:
      coach list
    """
    from coach.ui.terminal import make_console
    from coach.ui.views import dialogue_list

    entries = catalog.entries()
    if not entries:
        raise CoachError("er zijn geen gesprekken gevonden", "is coach goed geïnstalleerd?")
    dialogue_list(make_console(), entries)


@cli.command("run")
@click.argument("name", metavar="NAAM")
@click.option(
    "--met", "subject", metavar="WIE", help="Met wie het gesprek is (een voornaam of rol)."
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
    ctx.exit(app.resume(_home(ctx), session))


@cli.command("validate")
@click.argument("paths", metavar="[PAD]...", nargs=-1)
@click.option("--strict", is_flag=True, help="Ook waarschuwingen tellen als fout (exitcode 1).")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: de meldingen als JSON, voor editors en CI.",
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
        from coach.ui.terminal import make_console

        passed = validate(files, make_console().print, strict)
    if not passed:
        click.get_current_context().exit(1)


@cli.group("transcripts")
def transcripts_group() -> None:
    """Bekijk en exporteer je bewaarde gesprekken.

    \b
    Voorbeelden:
      coach transcripts list
      coach transcripts show 12
      coach transcripts export 12 --format md --output gesprek.md
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
@click.pass_context
def transcripts_list(ctx: click.Context, status: str | None, limit: int) -> None:
    """Toon je sessies, de meest recente eerst.

    \b
    Voorbeelden:
      coach transcripts list
      coach transcripts list --status paused
    """
    from coach.ui.terminal import make_console
    from coach.ui.views import session_list

    console = make_console()
    store = app.existing_store(_home(ctx))
    sessions = []
    if store is not None:
        try:
            sessions = store.sessions([status] if status else None, limit)
        finally:
            store.close()
    if not sessions:
        console.print(f"Nog geen gesprekken bewaard in {_home(ctx) / DATABASE_NAME}.")
        return
    session_list(console, sessions)


@transcripts_group.command("show")
@click.argument("session", metavar="SESSIE")
@click.pass_context
def transcripts_show(ctx: click.Context, session: str) -> None:
    """Toon één gesprek, met de vervolgvragen gemarkeerd.

    \b
    Voorbeeld:
      coach transcripts show 12
    """
    from coach.ui.terminal import make_console
    from coach.ui.views import transcript

    transcript(make_console(), app.transcript(_home(ctx), session))


@transcripts_group.command("export")
@click.argument("session", metavar="SESSIE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "md"]),
    default="json",
    show_default=True,
    help="json (volledig, om in te lezen) of md (om te lezen).",
)
@click.option(
    "--output",
    "-o",
    metavar="BESTAND",
    help="Schrijf naar dit bestand in plaats van naar het scherm.",
)
@click.option("--force", is_flag=True, help="Overschrijf BESTAND als het al bestaat.")
@click.pass_context
def transcripts_export(
    ctx: click.Context, session: str, fmt: str, output: str | None, force: bool
) -> None:
    """Exporteer een gesprek als JSON of Markdown.

    Het JSON-formaat staat beschreven in docs/transcript-format.md.

    \b
    Voorbeelden:
      coach transcripts export 12
      coach transcripts export 12 --format md --output gesprek.md
    """
    from coach.export import to_json, to_markdown, write_private

    record = app.transcript(_home(ctx), session)
    text = to_json(record) if fmt == "json" else to_markdown(record)
    if output is None:
        sys.stdout.write(text)
        return
    write_private(Path(output), text, force)
    click.echo(f"Geschreven naar {output}")


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
        exc.show()
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
        click.echo(text, err=True)


def _quiet_broken_pipe() -> None:
    # The reader went away (`coach transcripts export 1 | head`): nothing to say, nowhere to say it.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
