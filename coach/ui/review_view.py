"""`coach review` on the screen: per criterion the level, the answer with the words that
show it highlighted, what the next level missed, and the tip; then the total."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from coach.model import Annotation, Transcript
from coach.review import NOT_SCORED, CriterionReview, Evidence, Review
from coach.timefmt import local_time
from coach.visible import visible

MARK = "bold yellow underline"  # the words that show a level
IN_THE_WAY = "bold red underline"  # the words that kept a higher level away
LABEL_WIDTH = len("  voor 2 nodig:")  # one column for every criterion: the texts line up


def highlighted(text: str, evidence: Iterable[Evidence]) -> Text:
    """The answer with evidence words marked. Each piece goes through `visible` on its own,
    so a control character standing in as ⟨U+…⟩ does not shift the marks."""
    marks: dict[int, tuple[int, bool]] = {}
    for found in evidence:
        if 0 <= found.start < found.end <= len(text):
            end, supports = marks.get(found.start, (found.start, True))
            marks[found.start] = (max(end, found.end), supports and found.supports)
    out = Text()
    position = 0
    for start in sorted(marks):
        end, supports = marks[start]
        if start < position:  # overlaps a mark already drawn
            start = position
        if start >= end:
            continue
        out.append(visible(text[position:start]))
        out.append(visible(text[start:end]), style=MARK if supports else IN_THE_WAY)
        position = end
    out.append(visible(text[position:]))
    return out


def grouped(evidence: Iterable[Evidence]) -> list[tuple[str, bool, list[str]]]:
    """Evidence words per word list, each word once: [(list title, supports, words)]."""
    groups: dict[tuple[str, bool], list[str]] = {}
    for found in evidence:
        words = groups.setdefault((found.reason_title, found.supports), [])
        word = " ".join(found.text.split())
        if word.lower() not in (w.lower() for w in words):
            words.append(word)
    return [(title, supports, words) for (title, supports), words in groups.items()]


def show_review(console: Console, result: Review, record: Transcript) -> None:
    info = record.session
    head = Text(f"Review van sessie {info.id} · {visible(info.dialogue_title)}", style="bold")
    if info.subject:
        head.append(f" · met {visible(info.subject)}")
    console.print(head)
    rubric = result.rubric
    console.print(
        Text(f"Rubric {rubric.id} (versie {rubric.version}): {visible(rubric.title)}", style="dim")
    )
    console.print()
    for item in result.criteria:
        _criterion(console, item, _notes_for(item, record))
    console.print(
        Text(f"Totaal: {result.total} van {result.top}{not_scored_note(result)}", style="bold")
    )
    rest = [note for note in record.annotations if not _belongs_anywhere(note, result, record)]
    if rest:
        console.print()
        console.print(Text("Opmerkingen van de begeleider", style="bold"))
        for note in rest:
            console.print(Text("✎ ", style="magenta") + _note(note, record))


def _criterion(console: Console, item: CriterionReview, notes: Sequence[Annotation]) -> None:
    criterion = item.criterion
    line = Text(visible(criterion.title), style="bold cyan")
    if item.level is None:  # the answer is not shown: it is not there to be judged
        line.append(f"  {NOT_SCORED}", style="dim")
        console.print(line)
        for note in notes:
            console.print(Text("  ✎ ", style="magenta") + _note(note, None))
        console.print()
        return
    line.append(f"  {item.level.level} van {criterion.top}", style="bold")
    line.append(f" · {visible(item.level.label)}")
    console.print(line)
    # Label and text side by side: a long answer wraps under itself, not under the label.
    rows = Table.grid(padding=(0, 1, 0, 0))
    rows.add_column(no_wrap=True, min_width=LABEL_WIDTH)
    rows.add_column()
    if item.answer:
        mine = [found for found in item.evidence if found.answer == criterion.answer]
        rows.add_row(Text("  ›", style="dim"), highlighted(item.answer, mine))
    elif item.answer is not None:
        rows.add_row(Text("  ›", style="dim"), Text("(niet beantwoord)", style="dim"))
    for title, supports, words in grouped(item.evidence):
        shown = Text(
            ", ".join(visible(word) for word in words), style=MARK if supports else IN_THE_WAY
        )
        shown.append(f" ({visible(title)})", style="dim")
        rows.add_row(Text("  gevonden:" if supports else "  in de weg:", style="dim"), shown)
    for lacking in item.lacking:
        rows.add_row(Text(f"  voor {item.next_level} nodig:", style="dim"), Text(visible(lacking)))
    if item.tip:
        rows.add_row(Text("  tip:", style="green"), Text(visible(item.tip)))
    for note in notes:
        rows.add_row(Text("  ✎", style="magenta"), _note(note, None))
    console.print(rows)
    console.print()


def not_scored_note(result: Review) -> str:
    """After the total: how many criteria were left out of it."""
    count = result.not_scored
    if not count:
        return ""
    return f" ({count} {'criterium' if count == 1 else 'criteria'} niet beoordeeld)"


def _notes_for(item: CriterionReview, record: Transcript) -> list[Annotation]:
    if item.criterion.answer is None:
        return []
    nodes = {turn.seq: turn.node.replace("/", ".") for turn in record.turns}
    return [
        note
        for note in record.annotations
        if note.turn is not None and nodes.get(note.turn) == item.criterion.answer
    ]


def _belongs_anywhere(note: Annotation, result: Review, record: Transcript) -> bool:
    return any(note in _notes_for(item, record) for item in result.criteria)


def _note(note: Annotation, record: Transcript | None) -> Text:
    where = f" bij beurt {note.turn}" if note.turn is not None and record is not None else ""
    who = f" door {visible(note.author)}" if note.author else ""
    text = Text(f"opmerking{who}{where} ({local_time(note.created_at)}): ", style="magenta")
    text.append(visible(note.text))
    return text
