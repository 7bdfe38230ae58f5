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

from coach import __version__, catalog, click_nl, messages
from coach.conversation import Conversation, Outcome
from coach.errors import CoachError, DialogueError, UsageError, os_reason
from coach.home import DATABASE_NAME, resolve_home
from coach.model import Dialogue, SessionInfo, Transcript
from coach.steps import Choose, Invalid
from coach.store import Store

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


class _Settings:
    def __init__(self, home: str | None) -> None:
        self.home = home

    def store(self) -> Store:
        return Store.open(resolve_home(self.home))

    def existing_store(self) -> Store | None:
        """The store if there is one: looking at transcripts never creates a database."""
        home = resolve_home(self.home)
        return Store.open(home) if (home / DATABASE_NAME).exists() else None


def _settings(ctx: click.Context) -> _Settings:
    settings = ctx.find_object(_Settings)
    assert settings is not None
    return settings


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
    ctx.obj = _Settings(home)
    if ctx.invoked_subcommand is None:
        ctx.exit(_menu(_settings(ctx)))


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
    dialogue, path = catalog.load(name)
    store = _settings(ctx).store()
    try:
        interface = _interface(dialogue)
        shown_path = str(path.resolve()) if _is_local(path) else None
        conversation = Conversation.begin(
            dialogue, store, interface, subject=subject, path=shown_path
        )
        outcome = conversation.run()
    finally:
        store.close()
    ctx.exit(_finish(outcome, store))


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
    store = _settings(ctx).existing_store()
    if store is None:
        raise CoachError(*_NOTHING_TO_RESUME)
    try:
        info = _session_to_resume(store, session)
        outcome = _resume(store, info)
    finally:
        store.close()
    ctx.exit(_finish(outcome, store))


@cli.command("validate")
@click.argument("paths", metavar="[PAD]...", nargs=-1)
def validate_command(paths: tuple[str, ...]) -> None:
    """Controleer dialogen op fouten, met bestand en regel.

    Zonder PAD worden alle gesprekken gecontroleerd die coach kent (ook ./dialogues).
    Een map controleert alle .yaml-bestanden erin.

    \b
    Voorbeelden:
      coach validate
      coach validate dialogues/mijn-gesprek.yaml
      coach validate dialogues/
    """
    from coach.loader import inspect_dialogue
    from coach.ui.terminal import make_console

    files = _yaml_files(paths)
    console = make_console()
    errors = warnings = broken = 0
    for path in files:
        result = inspect_dialogue(path, catalog.display(path))
        for issue in result.issues:
            console.print(issue.format())
        errors += len(result.errors)
        warnings += len(result.issues) - len(result.errors)
        broken += bool(result.errors)
    console.print(_validation_summary(len(files), errors, warnings, broken))
    if errors:
        raise SystemExit(1)


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
    store = _settings(ctx).existing_store()
    sessions = []
    if store is not None:
        try:
            sessions = store.sessions([status] if status else None, limit)
        finally:
            store.close()
    if not sessions:
        where = resolve_home(_settings(ctx).home) / DATABASE_NAME
        console.print(f"Nog geen gesprekken bewaard in {where}.")
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

    transcript(make_console(), _transcript(ctx, session))


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
    from coach.export import to_json, to_markdown

    record = _transcript(ctx, session)
    text = to_json(record) if fmt == "json" else to_markdown(record)
    if output is None:
        sys.stdout.write(text)
        return
    _write_private(Path(output), text, force)
    click.echo(f"Geschreven naar {output}")


# -- helpers ----------------------------------------------------------------------------------


def _transcript(ctx: click.Context, session: str) -> Transcript:
    number = _session_number(session)
    store = _settings(ctx).existing_store()
    if store is None:
        raise UsageError(f"er is geen sessie {number}", "er zijn nog geen gesprekken bewaard")
    try:
        return store.transcript(number)
    finally:
        store.close()


def _interface(dialogue: Dialogue | None) -> Any:
    from coach.ui.terminal import interface_for

    return interface_for(dialogue)


def _is_local(path: Path) -> bool:
    """Whether a dialogue comes from outside the shipped set (and must be found by path)."""
    return not path.resolve().is_relative_to(catalog.shipped_dir().resolve())


def _finish(outcome: Outcome, store: Store) -> int:
    from coach.ui.terminal import make_console

    console = make_console()
    with contextlib.suppress(OSError):  # no terminal left to tell
        console.print(
            messages.saved_at(str(store.path)) + f" (sessie {outcome.session_id}).", style="dim"
        )
    return 130 if outcome.interrupted and outcome.status == "paused" else 0


def _session_number(text: str) -> int:
    try:
        number = int(text.strip().lstrip("#"))
    except ValueError:
        raise UsageError(
            f"'{text}' is geen sessienummer",
            "coach transcripts list toont je sessies met hun nummers",
        ) from None
    if number < 1:
        raise UsageError(f"'{text}' is geen sessienummer")
    return number


def _session_to_resume(store: Store, session: str | None) -> SessionInfo:
    from coach.ui.views import describe

    if session is not None:
        info = store.session(_session_number(session))
        if info.status == "completed":
            raise CoachError(
                f"sessie {info.id} is al afgerond",
                f"coach transcripts show {info.id} laat het gesprek zien",
            )
        return info
    unfinished = store.unfinished()
    if not unfinished:
        raise CoachError(*_NOTHING_TO_RESUME)
    others = unfinished[1:]
    if len(others) == 1:
        click.echo(
            f"Je hebt nog een gepauzeerd gesprek: sessie {others[0].id}, {describe(others[0])}. "
            f"Dat kies je met coach resume {others[0].id}.\n"
        )
    elif others:
        numbers = ", ".join(str(info.id) for info in others[:-1]) + f" en {others[-1].id}"
        click.echo(
            f"Je hebt nog meer gepauzeerde gesprekken: sessies {numbers}. "
            "Kies er een met coach resume NUMMER.\n"
        )
    return unfinished[0]


_NOTHING_TO_RESUME = (
    "er is geen gepauzeerd gesprek om mee verder te gaan",
    "begin een nieuw gesprek met coach run NAAM (coach list toont ze)",
)


def _resume(store: Store, info: SessionInfo) -> Outcome:
    dialogue = _dialogue_of(info)
    interface = _interface(dialogue)
    if dialogue.content_hash != info.dialogue_hash:
        interface.notice(
            "Let op: dit gesprek is aangepast sinds je begon; je gaat verder in de nieuwe versie.",
            "warning",
        )
    last = next(
        (
            turn
            for turn in reversed(store.transcript(info.id).turns)
            if turn.speaker == "user" and turn.kind != "skip"
        ),
        None,
    )
    who = f" met {info.subject}" if info.subject else ""
    intro = f"Verder met sessie {info.id}: {info.dialogue_title}{who}."
    if last is not None:
        intro += f"\nJe laatste antwoord was: {_shorten(last.text)}"
    interface.notice(intro, "quiet")
    conversation = Conversation.resume(dialogue, store, interface, info.id)
    return conversation.run()


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
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _menu(settings: _Settings) -> int:
    """The menu of `coach` without a command: resume something, or start something."""
    from coach.commands import Command, parse_command
    from coach.conversation import Progress
    from coach.engine import pick_option
    from coach.ui.views import describe, menu

    store = settings.store()
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
    menu(interface.console, resumable, dialogues)
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
    store = settings.store()
    try:
        if chosen < len(unfinished):
            outcome = _resume(store, store.session(unfinished[chosen].id))
        else:
            dialogue = dialogues[chosen - len(unfinished)]
            conversation = Conversation.begin(dialogue, store, _interface(dialogue))
            outcome = conversation.run()
    finally:
        store.close()
    return _finish(outcome, store)


def _yaml_files(paths: tuple[str, ...]) -> list[Path]:
    if not paths:
        return [path for folder in catalog.search_dirs() for path in _yaml_in(folder)]
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += _yaml_in(path)
        elif path.exists() or path.suffix in catalog.SUFFIXES:
            files.append(path)
        else:
            raise UsageError(f"{name} bestaat niet")
    return files


def _yaml_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in catalog.SUFFIXES and p.is_file())


def _validation_summary(files: int, errors: int, warnings: int, broken: int) -> str:
    checked = f"{files} bestand{'en' if files != 1 else ''} gecontroleerd"
    if not errors and not warnings:
        return f"{checked}: geen fouten."
    parts = []
    if errors:
        parts.append(
            f"{errors} fout{'en' if errors != 1 else ''} in {broken} bestand"
            f"{'en' if broken != 1 else ''}"
        )
    if warnings:
        parts.append(f"{warnings} waarschuwing{'en' if warnings != 1 else ''}")
    return f"{checked}: " + ", ".join(parts) + "."


def _write_private(path: Path, text: str, force: bool) -> None:
    """Write an export readable by this user only; never overwrite without --force."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} bestaat al", "kies een andere naam, of gebruik --force") from None
    except OSError as exc:
        raise CoachError(f"kan {path} niet schrijven ({os_reason(exc)})") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


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
