"""How authored text reads: one register (je or u) per script, and open questions.

Two checks that are about style, not structure, so they are warnings:

- MIXED_REGISTER  the script says `je` in one place and `u` in another
- CLOSED_QUESTION an open question (`ask`) whose question invites only yes or no
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coach.errors import Issue
from coach.model import Ask, Dialogue, Phrase
from coach.text import fold, words

INFORMAL = frozenset({"je", "jij", "jou", "jouw", "jezelf", "jijzelf"})
FORMAL = frozenset({"u", "uw", "uzelf"})

# A question that starts with one of these verbs can be answered with yes or no. Polite
# requests (`kun je…`, `wil je…`, `zou je…`) invite a story and are left alone, and so
# are questions that offer a choice (`… of …`).
CLOSED_STARTS = frozenset(
    (
        "ben",
        "bent",
        "is",
        "was",
        "waren",
        "heb",
        "hebt",
        "heeft",
        "had",
        "hadden",
        "vind",
        "vindt",
        "vond",
        "denk",
        "denkt",
        "dacht",
        "klopt",
        "klopte",
        "weet",
        "wist",
        "snap",
        "begrijp",
        "herken",
        "zie",
        "ziet",
        "ga",
        "gaat",
        "doe",
        "doet",
        "deed",
        "mag",
        "moet",
        "zal",
        "zult",
        "speelt",
        "speelde",
    )
)
# A question starts after a full stop, colon, bracket or line break. The look-behind makes a
# failed search give up at once instead of rescanning the rest of the text from every
# character (quadratic: a 100 kB text without `?` took ten seconds).
_QUESTION = re.compile(r"(?:(?<=[.!?:;()\n])|^)[^.!?:;()\n]*\?")


def check_wording(dialogue: Dialogue) -> list[Issue]:
    return _register(dialogue) + _closed_questions(dialogue)


def authored(dialogue: Dialogue) -> Iterator[tuple[str, Phrase]]:
    """Every piece of text the author wrote, with its path, in file order."""
    for node in dialogue.nodes:
        base = f"nodes.{node.id}"
        text = getattr(node, "text", None)
        variants = getattr(node, "variants", ()) or ((text,) if isinstance(text, Phrase) else ())
        for index, phrase in enumerate(variants):
            yield (f"{base}.text[{index}]" if len(variants) > 1 else f"{base}.text"), phrase
        if node.help is not None:
            yield f"{base}.help", node.help
        if isinstance(node, Ask):
            for index, probe in enumerate(node.probes):
                yield f"{base}.probes[{index}].ask", probe.text
        for index, option in enumerate(getattr(node, "options", ())):
            yield f"{base}.options[{index}]", option.label
        title = getattr(node, "title", None)
        if isinstance(title, Phrase):
            yield f"{base}.title", title


def _register(dialogue: Dialogue) -> list[Issue]:
    first: dict[str, tuple[str, Phrase]] = {}
    counts = {"je": 0, "u": 0}
    for path, phrase in authored(dialogue):
        found = {fold(word) for word in words(_literal(phrase))}
        for register, forms in (("je", INFORMAL), ("u", FORMAL)):
            if found & forms:
                counts[register] += 1
                first.setdefault(register, (path, phrase))
    if not (counts["je"] and counts["u"]):
        return []
    minority = "u" if counts["u"] <= counts["je"] else "je"
    path, phrase = first[minority]
    usual = "je" if minority == "u" else "u"
    return [
        Issue(
            phrase.loc.file,
            phrase.loc.line,
            path,
            f"hier staat ‘{minority}’, terwijl het gesprek verder ‘{usual}’ zegt",
            "kies één aanspreekvorm; coach schrijft standaard in de je-vorm",
            code="MIXED_REGISTER",
            severity="warning",
        )
    ]


def _closed_questions(dialogue: Dialogue) -> list[Issue]:
    issues = []
    for node in dialogue.nodes:
        if not isinstance(node, Ask):
            continue
        texts = [("text", phrase) for phrase in (node.variants or (node.text,))]
        texts += [(f"probes[{i}].ask", probe.text) for i, probe in enumerate(node.probes)]
        for where, phrase in texts:
            questions = _QUESTION.findall(_literal(phrase))
            if not questions:
                continue
            last = words(questions[-1])
            # `Is het X, Y of iets anders?` offers a choice: not a yes/no question.
            choice = " of " in f" {fold(questions[-1])} "
            if last and fold(last[0]) in CLOSED_STARTS and not choice:
                issues.append(
                    Issue(
                        phrase.loc.file,
                        phrase.loc.line,
                        f"nodes.{node.id}.{where}",
                        f"‘{questions[-1].strip()}’ is met ja of nee te beantwoorden",
                        "begin de vraag met hoe, wat, welke of waar, zodat er een verhaal komt",
                        code="CLOSED_QUESTION",
                        severity="warning",
                    )
                )
    return issues


def _literal(phrase: Phrase) -> str:
    """The author's own words: the text without its `{fields}`."""
    return "".join(part for part in phrase.template.parts if isinstance(part, str))
