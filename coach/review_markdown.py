"""`coach review --format md`: the review as a Markdown document, evidence words in bold."""

from __future__ import annotations

from coach.export import escape_markdown
from coach.model import Transcript
from coach.review import NOT_SCORED, CriterionReview, Review
from coach.timefmt import local_time
from coach.ui.review_view import grouped, not_scored_note


def review_markdown(result: Review, record: Transcript) -> str:
    info = record.session
    rubric = result.rubric
    lines = [f"# Review: {escape_markdown(info.dialogue_title)}", ""]
    lines.append(f"- Sessie: {info.id}")
    if info.subject:
        lines.append(f"- Met: {escape_markdown(info.subject)}")
    lines.append(f"- Gestart: {local_time(info.started_at)}")
    lines.append(
        f"- Rubric: {escape_markdown(rubric.title)} ({rubric.id}, versie {rubric.version})"
    )
    lines.append(f"- Totaal: **{result.total} van {result.top}**{not_scored_note(result)}")
    lines.append("")
    for item in result.criteria:
        lines += _criterion(item)
    notes = [note for note in record.annotations]
    if notes:
        lines += ["## Opmerkingen van de begeleider", ""]
        for note in notes:
            where = f" (bij beurt {note.turn})" if note.turn is not None else ""
            who = f" — {escape_markdown(note.author)}" if note.author else ""
            lines.append(f"- {escape_markdown(note.text)}{where}{who}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _criterion(item: CriterionReview) -> list[str]:
    criterion = item.criterion
    if item.level is None:  # the answer is left out: it is not there to be judged
        return [f"## {escape_markdown(criterion.title)}: {NOT_SCORED}", ""]
    lines = [
        f"## {escape_markdown(criterion.title)}: {item.level.level} van {criterion.top}",
        "",
        f"*{escape_markdown(item.level.label)}*",
        "",
    ]
    if item.answer:
        body = _bold_evidence(item)
        lines += [f"> {line}".rstrip() for line in body.splitlines()] + [""]
    elif item.answer is not None:
        lines += ["> *(niet beantwoord)*", ""]
    for title, supports, words in grouped(item.evidence):
        label = "Gevonden" if supports else "In de weg"
        shown = ", ".join(escape_markdown(word) for word in words)
        lines.append(f"- {label}: {shown} ({escape_markdown(title)})")
    for lacking in item.lacking:
        lines.append(f"- Voor {item.next_level} nodig: {escape_markdown(lacking)}")
    if item.tip:
        lines.append(f"- Tip: {escape_markdown(item.tip)}")
    return [*lines, ""]


def _bold_evidence(item: CriterionReview) -> str:
    """The answer, escaped piece by piece, with the evidence words in bold."""
    text = item.answer or ""
    merged: list[list[int]] = []  # overlapping or touching marks become one bold stretch
    for start, end in sorted(
        (found.start, found.end)
        for found in item.evidence
        if found.answer == item.criterion.answer and 0 <= found.start < found.end <= len(text)
    ):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out.append(escape_markdown(text[position:start]))
        out.append(f"**{escape_markdown(text[start:end])}**")
        position = end
    out.append(escape_markdown(text[position:]))
    return "".join(out)
