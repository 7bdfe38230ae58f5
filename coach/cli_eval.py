"""`coach eval`: how well the rules understand the labelled corpus, per dialogue, step and rule.

The corpus is read by coach/quality/corpus.py and scored by coach/quality/evaluate.py
against the real dialogues, word lists, rubrics and safety net; coach/cli.py adds the
command to `coach`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli_common import DutchCommand, format_option
from coach.errors import CoachError, UsageError

if TYPE_CHECKING:
    from coach.model import Safety

DEV_MISSES = 10  # misses shown by default when tuning on the dev split


@click.command("eval", cls=DutchCommand)
@click.option(
    "--split",
    type=click.Choice(["dev", "test", "all"]),
    default="dev",
    show_default=True,
    help="Welk deel van het corpus: dev om op af te stemmen, test om te meten.",
)
@click.option(
    "--corpus",
    "folder",
    metavar="MAP",
    help="De map van het corpus (standaard: corpus/ in deze map of in het project).",
)
@click.option(
    "--missers",
    "misses",
    type=int,
    metavar="N",
    help="Hoeveel missers per soort je wilt zien, met hun tekst (standaard 10 bij dev; bij "
    "test en all geen, want wie de test-items leest, stemt erop af).",
)
@click.option(
    "--gate",
    is_flag=True,
    help="Vergelijk met de drempels in corpus/thresholds.yaml; stopt met code 1 als een "
    "cijfer eronder zakt.",
)
@click.option(
    "--weights",
    "weights_out",
    metavar="BESTAND",
    help="Leer eerst de gewogen woorden van het vangnet opnieuw uit de ontwikkelset en "
    "schrijf ze naar BESTAND (dialogues/safety/gewichten.txt); alleen met --split dev.",
)
@format_option("text", "json", help="json: alle cijfers als JSON.")
def eval_command(
    split: str,
    folder: str | None,
    misses: int | None,
    gate: bool,
    weights_out: str | None,
    fmt: str,
) -> None:
    """Meet hoe goed coach de antwoorden in het corpus begrijpt.

    Draait elk antwoord door de echte gesprekken, woordenlijsten, rubrics en het
    vangnet, en toont per gesprek, stap en regel de precisie en recall van de
    vervolgvragen, de overeenstemming van de rubrics (exact, kappa) en de recall en
    het valse alarm van het vangnet. Het formaat van het corpus staat in corpus/README.md.
    """
    from coach import catalog
    from coach.quality.corpus import default_corpus, load_corpus
    from coach.quality.evaluate import evaluate
    from coach.quality.gate import failures
    from coach.quality.report import as_data, as_text
    from coach.rubric_files import load_rubric, rubrics_for
    from coach.visible import safe_json
    from coach.yamldoc import read_yaml_file

    if misses is None:  # the test split is for measuring: its items stay out of sight
        misses = DEV_MISSES if split == "dev" else 0
    if misses < 0:
        raise UsageError(f"--missers is een aantal: 0 of meer, niet {misses}")
    if weights_out and split != "dev":
        raise UsageError("--weights leert alleen van de ontwikkelset: gebruik --split dev")
    base = Path(folder) if folder else default_corpus()
    if base is None or not base.is_dir():
        raise UsageError(
            "geen corpus gevonden",
            "geef de map met --corpus, of draai coach eval in de map van het project",
        )
    corpus = load_corpus(base, split)
    if not corpus.followups and not corpus.safety:
        raise UsageError(f"het corpus in {base} heeft geen items voor '{split}'")
    names = sorted({item.dialogue for item in corpus.followups} | {"buiv"})
    dialogues = {name: catalog.load(name)[0] for name in names}
    rubrics = {name: [load_rubric(path) for path in rubrics_for(name)] for name in names}
    net = dialogues["buiv"].safety
    if weights_out and net is not None:
        _learn_weights(base, net, Path(weights_out))
    result = evaluate(corpus, dialogues, rubrics, net)
    data = as_data(result, split)
    if fmt == "json":
        click.echo(safe_json(data))
    else:
        click.echo(as_text(result, split, misses), nl=False)
    if gate:
        path = base / "thresholds.yaml"
        document = read_yaml_file(path)
        if not isinstance(document.data, dict):
            raise CoachError(f"{path}: de drempels ontbreken of zijn onleesbaar")
        short = failures(data, document.data)
        for line in short:
            click.echo(f"onder de drempel: {line}", err=True)
        if short:
            raise SystemExit(1)
        click.echo("Alle cijfers halen de drempels.", err=True)


def _learn_weights(corpus: Path, net: Safety, target: Path) -> None:
    """Fit the weighted words on the development split and write them, whole or not at all."""
    from coach.quality.weights import learned
    from coach.weights_file import load_weights, render

    lexicons = [rule.lexicon for rule in net.rules if rule.level != "herstel"]
    weighted, words = learned(corpus, lexicons)
    partial = target.with_name(target.name + ".nieuw")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(render(weighted, words), encoding="utf-8")
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)  # a failed write leaves no half file behind
        raise CoachError(
            f"{target}: de gewichten zijn niet geschreven ({error.strerror})"
        ) from None
    load_weights.cache_clear()
    click.echo(f"{len(weighted.weights)} gewogen woorden geschreven naar {target}", err=True)
