"""`coach explain` and `coach lexicon show`: how coach reads a sentence, and what a word list
holds. For authors who write rules: the tokens, clauses, negation and attribution that the
language layer (coach/language/) finds, and which word lists and follow-ups match and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from coach.cli_common import TEXT, DutchCommand
from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.language.analysis import Analysis


@click.command("explain", cls=DutchCommand)
@click.argument("sentence", metavar="ZIN", type=TEXT)
@click.option("--dialogue", "dialogue_name", metavar="GESPREK",
              help="Toon ook welke vervolgvragen van dit gesprek afgaan (met --node).")  # fmt: skip
@click.option("--node", "node_id", metavar="VRAAG", help="De vraag (node-id) in dat gesprek.")
@click.option("--lexicon", "lexicon_ids", metavar="LIJST", multiple=True,
              help="Toon wat deze woordenlijst in de zin vindt (mag vaker).")  # fmt: skip
def explain_command(
    sentence: str, dialogue_name: str | None, node_id: str | None, lexicon_ids: tuple[str, ...]
) -> None:
    """Laat zien hoe coach een zin leest.

    Toont de woorden met hun zinsdelen, wat een ontkenning raakt, wiens woorden het
    zijn, en welke woordenlijsten en vervolgvragen erop afgaan, met de reden (ook wat
    zonder de ontkenning had gematcht).
    """
    from coach import catalog, expr
    from coach.language.analysis import analyse
    from coach.language.answers import language, non_answer
    from coach.lexicon import Lexicon, findings
    from coach.lexicon_files import find_lexicon, lexicon_dirs, load_lexicon
    from coach.model import Ask
    from coach.visible import visible

    analysis = analyse(sentence)
    click.echo(f"Zin: {visible(sentence)}")
    empty = "  · geen antwoord (zoals ‘weet ik niet’)" if non_answer(sentence) else ""
    click.echo(f"Taal: {language(sentence) or 'te kort om te zeggen'}{empty}")
    click.echo("")
    click.echo("Woorden (zinsdeel · wie spreekt/over wie · ontkend door):")
    for token in analysis.tokens:
        who = analysis.attribution[token.index]
        trigger = analysis.negated[token.index]
        marks = [f"zinsdeel {token.clause + 1}", f"{_who(who.speaker)}/{_who(who.about)}"]
        if trigger is not None:
            marks.append(f"ontkend door ‘{analysis.tokens[trigger].folded}’")
        if token.quoted:
            marks.append("citaat")
        if analysis.is_historical(token.index):
            marks.append("verleden")
        click.echo(f"  {visible(sentence[token.start : token.end]):<20} {' · '.join(marks)}")
    dirs = lexicon_dirs(None)
    lexicons: dict[str, Lexicon] = {}
    if dialogue_name:
        dialogue = catalog.load(dialogue_name)[0]
        lexicons.update(dialogue.lexicons)
    for lexicon_id in lexicon_ids:
        path = find_lexicon(lexicon_id, dirs)
        if path is None:
            raise UsageError(f"er is geen woordenlijst '{lexicon_id}'",
                             "coach lexicon show toont de lijsten die er zijn")  # fmt: skip
        lexicons[lexicon_id] = load_lexicon(path)
    for lexicon_id, lexicon in lexicons.items():
        if lexicon_ids and lexicon_id not in lexicon_ids and not node_id:
            continue
        for finding in findings(lexicon, sentence):
            why = "telt"
            if finding.negated_by:
                why = f"telt niet: ontkend door ‘{finding.negated_by}’ (zonder de ontkenning wel)"
            elif finding.not_own:
                why = f"telt niet: {finding.not_own}"
            elif finding.idiom:
                why = f"telt niet: uitdrukking ‘{finding.idiom}’"
            click.echo(f"\n{lexicon_id}: ‘{visible(finding.hit.text)}’ "
                       f"(regel ‘{finding.hit.entry.source}’) — {why}")  # fmt: skip
    _explain_net(analysis, sentence)
    if dialogue_name and node_id:
        node = next((n for n in dialogue.nodes if n.id == node_id), None)
        if not isinstance(node, Ask):
            raise UsageError(f"'{node_id}' is geen vraag in '{dialogue_name}'")
        click.echo(
            f"\nVervolgvragen van {dialogue_name}/{node_id} (de eerste die afgaat wordt gesteld):"
        )
        names = {"answer": sentence, node_id: sentence}
        first = True
        for _, probe in node.probe_order():
            holds = expr.holds(probe.when.expr, expr.Scope(names.get, dialogue.lexicons))
            mark = "→ gesteld" if holds and first else ("gaat ook af" if holds else "gaat niet af")
            first = first and not holds
            click.echo(f"  {probe.id:<18} {mark:<12} {probe.when.source}")


SHOWN_WEIGHTS = 8  # the heaviest words of the second reading that explain shows


def _explain_net(analysis: Analysis, sentence: str) -> None:
    """What the safety net does with the sentence, and its weighted words' sum."""
    from coach import catalog, safety
    from coach.language.weights import counted_stems, read
    from coach.visible import visible
    from coach.weights_file import WeightsError, load_weights

    net = catalog.load("buiv")[0].safety
    found = safety.assess(net, sentence) if net is not None else []
    verdict = ", ".join(f"{level} (‘{visible(words)}’)" if words else level
                        for level, words in found)  # fmt: skip
    click.echo(f"\nVangnet: {'gaat open: ' + verdict if found else 'gaat niet open'}")
    try:
        weighted = load_weights()
    except WeightsError as error:
        click.echo(f"  gewogen woorden: niet te lezen ({error})")
        return
    reading = read(analysis, weighted)
    heaviest = sorted(reading.words, key=lambda word: -abs(word[2]))[:SHOWN_WEIGHTS]
    at = counted_stems(analysis)
    words = ", ".join(f"{_written(analysis, sentence, key, at)} {weight:+.2f}"
                      for key, _, weight in heaviest)  # fmt: skip
    click.echo(f"  gewogen woorden: som {reading.total:.2f} (drempel {weighted.threshold:.2f})"
               + (f": {words}" if words else ""))  # fmt: skip


def _written(analysis: Analysis, sentence: str, key: str, at: dict[str, int]) -> str:
    """The words of the answer a weighted stem or pair stands for, as the leader wrote them
    (`at`: the token of each counted stem)."""
    from coach.language.weights import PAIR
    from coach.visible import visible

    tokens = [analysis.tokens[at[part]] for part in key.split(PAIR)]
    return PAIR.join(visible(sentence[token.start : token.end]) for token in tokens)


def _who(value: str) -> str:
    return {"self": "jij", "other": "ander"}.get(value, "-")


@click.group("lexicon")
def lexicon_group() -> None:
    """Woordenlijsten bekijken."""


@lexicon_group.command("show", cls=DutchCommand)
@click.argument("name", metavar="NAAM", required=False)
def lexicon_show(name: str | None) -> None:
    """Toon een woordenlijst met de vormen die elk woord ook vindt (zonder NAAM: alle lijsten)."""
    from coach.language.patterns import words_of
    from coach.lexicon_files import available, find_lexicon, lexicon_dirs, load_lexicon, suggestion

    dirs = lexicon_dirs(None)
    if name is None:
        for each in available(dirs):
            click.echo(each)
        return
    path = find_lexicon(name, dirs)
    if path is None:
        raise UsageError(f"er is geen woordenlijst '{name}'", suggestion(name, dirs))
    lexicon = load_lexicon(path)
    click.echo(f"{lexicon.id}: {lexicon.title}")
    click.echo(f"ontkenning telt: {'ja' if lexicon.negation else 'nee'}"
               + (f" · alleen eigen woorden ({lexicon.who})" if lexicon.who else ""))  # fmt: skip
    for group in lexicon.groups():
        if group:
            click.echo(f"\n[{group}]")
        for entry in (e for e in lexicon.entries if e.group == group):
            forms = sorted({form for word in words_of(entry.pattern) for form in word.forms
                            if len(form) <= len(word.text) + 3})  # fmt: skip
            shown = ", ".join(forms[:12]) + (" …" if len(forms) > 12 else "")
            click.echo(f"  {entry.source}" + (f"   ({shown})" if shown else ""))
    if lexicon.exceptions:
        click.echo("\nuitdrukkingen die niet tellen:")
        for pattern in lexicon.exceptions:
            click.echo(f"  {pattern.source}")
