"""The screen of `coach progress`: one person's sessions, agreements and scale trends."""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from coach.export import STATUS_NL
from coach.progress import Agreement, Progress, SessionProgress, Trend, signed, sparkline
from coach.timefmt import local_time
from coach.visible import visible

NOT_YET = "nog niet besproken"


def progress(console: Console, result: Progress) -> None:
    """Everything about one person, oldest first, then the scale questions."""
    console.print(_heading(result), soft_wrap=False)
    for item in result.sessions:
        console.print()
        _session(console, item)
    trends = [trend for trend in result.scales if trend.readings]
    if trends:
        console.print()
        console.print(Text("Schaalvragen", style="bold cyan"), soft_wrap=False)
        for trend in trends:
            _trend(console, trend)


def _heading(result: Progress) -> Text:
    sessions = result.sessions
    count = "1 gesprek" if len(sessions) == 1 else f"{len(sessions)} gesprekken"
    head = Text(visible(result.subject), style="bold")
    head.append(f" · {count}")
    if result.dialogue_id:
        head.append(f" ({visible(result.dialogue_id)})")
    first, last = sessions[0].info.started_at, sessions[-1].info.started_at
    if len(sessions) > 1:
        head.append(f" · {local_time(first)} tot {local_time(last)}", style="dim")
    return head


def _session(console: Console, item: SessionProgress) -> None:
    info = item.info
    head = Text(f"Sessie {info.id}", style="bold cyan")
    head.append(f" · {local_time(info.started_at)} · ")
    head.append(visible(info.dialogue_title), style="bold")
    head.append(f" · {STATUS_NL.get(info.status, info.status)}", style="dim")
    console.print(head, soft_wrap=False)
    if not item.dialogue_found:
        missing = (
            f"Het gesprek ‘{visible(info.dialogue_id)}’ is niet meer te vinden, dus ook niet "
            "welke antwoorden afspraken waren."
        )
        console.print(_indent(Text(missing, style="dim"), 2), soft_wrap=False)
        return
    if not item.agreements:
        if item.keeps_agreements:  # a dialogue without `remember` has none to show
            console.print(_indent(Text("Nog geen afspraken.", style="dim"), 2), soft_wrap=False)
        return
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for agreement in item.agreements:
        grid.add_row(Text(visible(agreement.label), style="bold"), Text(visible(agreement.text)))
        if agreement.asked_again:
            grid.add_row(Text("↳ hoe ging het", style="green"), _follow_ups(agreement))
    console.print(_indent(grid, 2), soft_wrap=False)


def _follow_ups(agreement: Agreement) -> Text:
    if not agreement.follow_ups:
        return Text(NOT_YET, style="dim")
    text = Text()
    for index, follow in enumerate(agreement.follow_ups):
        if index:
            text.append("\n")
        if follow.text is None:
            text.append(f"overgeslagen in sessie {follow.session_id}", style="dim")
            continue
        text.append(visible(follow.text))
        text.append(f"  (sessie {follow.session_id})", style="dim")
    return text


def _trend(console: Console, trend: Trend) -> None:
    values = [reading.value for reading in trend.readings]
    question = Text(visible(trend.question.strip()))
    question.append(f"  ({trend.low:g}–{trend.high:g})", style="dim")
    console.print(_indent(question, 2), soft_wrap=False)
    if trend.change is None:
        only = trend.readings[0]
        line = Text(f"{only.value:g}", style="bold")
        line.append(f"  sessie {only.session_id}, {local_time(only.answered_at)}", style="dim")
        console.print(_indent(line, 4), soft_wrap=False)
        return
    line = Text(sparkline(values, trend.low, trend.high), style="cyan")
    line.append("  " + " → ".join(f"{value:g}" for value in values), style="bold")
    line.append(f" ({signed(trend.change)})")
    console.print(_indent(line, 4), soft_wrap=False)
    when = " · ".join(
        f"{r.value:g} in sessie {r.session_id}, {local_time(r.answered_at, short=True)}"
        for r in trend.readings
    )
    console.print(_indent(Text(when, style="dim"), 4), soft_wrap=False)


def _indent(renderable: RenderableType, spaces: int) -> Padding:
    """Indented; printed with soft_wrap=False, as everything here, so that it is wrapped at
    the border instead of cut off (coach's console soft-wraps by default: paths and
    `file:line` messages elsewhere must stay whole)."""
    return Padding(renderable, (0, 0, 0, spaces), expand=False)
