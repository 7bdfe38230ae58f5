"""Static checks of a loaded dialogue: what the schema cannot see. Never raises.

Every issue has a stable code, so tools and tests can rely on it:

- UNKNOWN_TARGET   `start`, `next` or `goto` names a node that does not exist
- UNKNOWN_PHASE    a node's `phase` is not listed under `phases`
- UNDEFINED_NAME   a condition or `{name}` reads an answer no node stores
- UNKNOWN_SUBJECT  `subject` is not the name of an answer
- UNKNOWN_REMEMBER a name under `remember` is not the name of an answer
- UNKNOWN_BINDING  a `with` of a `call` names an answer that does not exist there or here
- UNUSED_RULE      (warning) branch rules after the default rule can never be chosen
- DEAD_END         from this node no path leads to an `end` (a loop without a way out)
- UNREACHABLE_NODE (warning) no path from the start leads to this node
- NO_DEFAULT_BRANCH (warning) a branch without a last rule without `when`: when no rule
                   holds, it silently goes on to the node below it
- UNUSED_ANSWER    (warning) an answer that nothing reads: no condition, text, card,
                   `subject`, `remember` or `with`
- EXAMPLE          a follow-up's example answer does not do what it says: a `fires`
                   example on which the rule stays quiet, or a `quiet` one on which it fires

The wording of texts is checked in `wording.py` (MIXED_REGISTER, CLOSED_QUESTION).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from coach import expr, flow
from coach.errors import Issue
from coach.model import (
    Ask,
    Branch,
    Call,
    Choose,
    Condition,
    Dialogue,
    End,
    Location,
    Node,
    Phrase,
    Ref,
    kind_of,
)


def check_dialogue(
    dialogue: Dialogue,
    known_ids: Iterable[str] = (),
    known_names: Iterable[str] = (),
    broken: bool = False,
) -> list[Issue]:
    """Every semantic problem in a dialogue.

    `known_ids` and `known_names` belong to nodes that exist in the file but could not be
    built (their problem is reported already): references to them are not errors too.
    `broken` says an error was found already, so the warnings about the flow are left out.
    """
    existing = {node.id for node in dialogue.nodes} | set(known_ids)
    issues: list[Issue] = []
    issues += _targets(dialogue, existing)
    issues += _phases(dialogue)
    issues += _names(dialogue, set(known_names))
    issues += _branches(dialogue)
    # With an error the flow is not what the author wrote: warnings about it would be noise.
    if not broken and not known_ids and not any(i.severity == "error" for i in issues):
        issues += _flow(dialogue)
        issues += _unused_answers(dialogue)
        issues += _examples(dialogue)
    return issues


def _examples(dialogue: Dialogue) -> list[Issue]:
    """Each follow-up's example answers, run through its rule with the real word lists."""
    found = []
    for node in dialogue.nodes:
        if not isinstance(node, Ask):
            continue
        for number, probe in enumerate(node.probes):
            cases = [(t, True) for t in probe.fires] + [(t, False) for t in probe.quiet]
            for text, expected in cases:
                names: dict[str, expr.Value] = {"answer": text, node.into: text}
                scope = expr.Scope(names.get, dialogue.lexicons)
                if expr.holds(probe.when.expr, scope) != expected:
                    what = "gaat niet af op" if expected else "gaat af op"
                    found.append(
                        _issue(
                            probe.loc,
                            f"nodes.{node.id}.probes[{number}].examples",
                            "EXAMPLE",
                            f"vervolgvraag '{probe.id}' {what} het voorbeeld ‘{text}’",
                            "pas de regel of de woordenlijst aan, of verplaats het voorbeeld; "
                            f'coach explain "…" --dialogue {dialogue.id} --node {node.id} '
                            "laat zien waarom",
                        )
                    )
    return found


def _issue(
    loc: Location, path: str, code: str, message: str, hint: str = "", severity: str = "error"
) -> Issue:
    return Issue(
        loc.file,
        loc.line,
        path,
        message,
        hint,
        code=code,
        severity="warning" if severity == "warning" else "error",
    )


def _refs(dialogue: Dialogue) -> Iterator[Ref]:
    yield dialogue.start
    for node in dialogue.nodes:
        if node.next is not None:
            yield node.next
        if isinstance(node, Choose):
            yield from (option.goto for option in node.options if option.goto is not None)
        if isinstance(node, Branch):
            yield from (rule.goto for rule in node.rules)


def _targets(dialogue: Dialogue, existing: set[str]) -> list[Issue]:
    issues = []
    for ref in _refs(dialogue):
        if ref.target not in existing:
            issues.append(
                _issue(
                    ref.loc,
                    ref.path,
                    "UNKNOWN_TARGET",
                    f"onbekende node '{ref.target}'",
                    _did_you_mean(ref.target, existing),
                )
            )
    return issues


def _phases(dialogue: Dialogue) -> list[Issue]:
    known = [phase.id for phase in dialogue.phases]
    issues = []
    for node in dialogue.nodes:
        written = any(key == "phase" for key, _ in node.key_lines)  # not inherited from above
        if written and node.phase is not None and node.phase not in known:
            hint = _did_you_mean(node.phase, known) if known else "zet de stap onder 'phases'"
            issues.append(
                _issue(
                    node.loc_of("phase"),
                    f"nodes.{node.id}.phase",
                    "UNKNOWN_PHASE",
                    f"de stap '{node.phase}' staat niet onder 'phases'",
                    hint,
                )
            )
    return issues


def conditions(dialogue: Dialogue) -> Iterator[tuple[str, Condition]]:
    """Every condition in a dialogue with its path, in file order."""
    for node in dialogue.nodes:
        for path, condition, _ in _conditions(node, f"nodes.{node.id}"):
            yield path, condition


# Names every condition and text may read besides the answers.
SESSION_NAMES = {"session.count", "session.called"}


def _names(dialogue: Dialogue, known_names: set[str]) -> list[Issue]:
    answers = dialogue.answer_names() | known_names
    memory = {f"previous.{name}" for name in dialogue.remember}
    issues: list[Issue] = []
    for index, name in enumerate(dialogue.remember):
        if name not in answers:
            issues.append(
                _issue(
                    dialogue.loc_of(f"remember[{index}]"),
                    f"remember[{index}]",
                    "UNKNOWN_REMEMBER",
                    f"'{name}' onder remember is niet de naam van een antwoord",
                    _did_you_mean(name, answers),
                )
            )
    issues += _bindings(dialogue, answers)
    answers = answers | memory | SESSION_NAMES
    if dialogue.subject is not None and dialogue.subject not in answers:
        issues.append(
            _issue(
                dialogue.loc_of("subject"),
                "subject",
                "UNKNOWN_SUBJECT",
                f"'{dialogue.subject}' is niet de naam van een antwoord",
                _did_you_mean(dialogue.subject, answers),
            )
        )
    for node in dialogue.nodes:
        base = f"nodes.{node.id}"
        for path, condition, extra in _conditions(node, base):
            for name in expr.names(condition.expr):
                if name not in answers and name not in extra:
                    issues.append(
                        _undefined(condition.loc, path, name, answers | extra, "voorwaarde")
                    )
        for path, phrase, extra in _phrases(node, base):
            for name in phrase.template.names():
                if name not in answers and name not in extra:
                    issues.append(_undefined(phrase.loc, path, name, answers | extra, "tekst"))
    return issues


def _conditions(node: Node, base: str) -> Iterator[tuple[str, Condition, set[str]]]:
    if node.when is not None:
        yield f"{base}.when", node.when, set()
    if isinstance(node, Ask):
        for index, probe in enumerate(node.probes):
            yield f"{base}.probes[{index}].when", probe.when, {"answer"}
    if isinstance(node, Branch):
        for index, rule in enumerate(node.rules):
            if rule.when is not None:
                yield f"{base}.branch[{index}].when", rule.when, set()


def _phrases(node: Node, base: str) -> Iterator[tuple[str, Phrase, set[str]]]:
    variants = getattr(node, "variants", ())
    text = getattr(node, "text", None)
    if variants:
        for index, variant in enumerate(variants):
            yield f"{base}.{kind_of(node)}[{index}]", variant, set()
    elif isinstance(text, Phrase):
        yield f"{base}.{kind_of(node)}", text, set()
    if node.help is not None:
        yield f"{base}.help", node.help, set()
    if isinstance(node, Ask):
        for index, probe in enumerate(node.probes):
            yield f"{base}.probes[{index}].ask", probe.text, {"match", "answer"}
    if isinstance(node, Choose):
        for index, option in enumerate(node.options):
            yield f"{base}.options[{index}]", option.label, set()
    if isinstance(node, End):
        if node.title is not None:
            yield f"{base}.title", node.title, set()
        for index, item in enumerate(node.summary):
            yield f"{base}.summary[{index}]", item.text, set()


def _bindings(dialogue: Dialogue, answers: set[str]) -> list[Issue]:
    issues = []
    for node in dialogue.nodes:
        if not isinstance(node, Call) or node.dialogue.target not in dialogue.callees:
            continue
        theirs = dialogue.callees[node.dialogue.target].answer_names()
        for there, here in node.bindings:
            loc = node.loc_of("with")
            if there not in theirs:
                issues.append(
                    _issue(
                        loc,
                        f"nodes.{node.id}.with.{there}",
                        "UNKNOWN_BINDING",
                        f"het gesprek '{node.dialogue.target}' heeft geen antwoord '{there}'",
                        _did_you_mean(there, theirs),
                    )
                )
            if here not in answers:
                issues.append(
                    _undefined(loc, f"nodes.{node.id}.with.{there}", here, answers, "with")
                )
    return issues


def _undefined(loc: Location, path: str, name: str, known: set[str], where: str) -> Issue:
    if name in ("answer", "match"):
        hint = f"'{name}' bestaat alleen in een vervolgvraag (probes)"
    elif name.startswith("previous."):
        hint = f"zet '{name.removeprefix('previous.')}' onder remember om het te onthouden"
    else:
        hint = (
            _did_you_mean(name, known) or "geen enkele vraag bewaart een antwoord onder deze naam"
        )
    return _issue(loc, path, "UNDEFINED_NAME", f"onbekende naam '{name}' in de {where}", hint)


def _branches(dialogue: Dialogue) -> list[Issue]:
    issues = []
    for node in dialogue.nodes:
        if not isinstance(node, Branch):
            continue
        for index, rule in enumerate(node.rules[:-1]):
            if rule.when is None:
                issues.append(
                    _issue(
                        rule.loc,
                        f"nodes.{node.id}.branch[{index}]",
                        "UNUSED_RULE",
                        "de regels na deze standaardregel (zonder 'when') worden nooit gekozen",
                        "zet de regel zonder 'when' als laatste",
                        severity="warning",
                    )
                )
                break
    return issues


def _flow(dialogue: Dialogue) -> list[Issue]:
    issues = []
    reachable = flow.reachable(dialogue)
    finishing = flow.can_finish(dialogue)
    stuck = reachable - finishing
    # A loop without a way out is reported where it is entered, not at every node in it.
    entries = {
        edge.target
        for edge in flow.edges(dialogue)
        if edge.target in stuck and edge.source not in stuck
    }
    if dialogue.start.target in stuck:
        entries.add(dialogue.start.target)
    for node in dialogue.nodes:
        path = f"nodes.{node.id}"
        if node.id not in reachable:
            issues.append(
                _issue(
                    node.loc,
                    path,
                    "UNREACHABLE_NODE",
                    f"geen enkel pad vanaf het begin komt bij '{node.id}'",
                    "verwijs ernaar met next of goto, of haal de node weg",
                    severity="warning",
                )
            )
        elif node.id in entries:
            issues.append(
                _issue(
                    node.loc,
                    path,
                    "DEAD_END",
                    f"vanaf '{node.id}' komt het gesprek nooit bij een einde",
                    "geef de lus een uitweg: een keuze of regel die naar een end-node leidt",
                )
            )
        if isinstance(node, Branch) and all(rule.when is not None for rule in node.rules):
            issues.append(
                _issue(
                    node.loc,
                    path,
                    "NO_DEFAULT_BRANCH",
                    "als geen enkele regel klopt, gaat het gesprek stilletjes door met de "
                    "node hieronder",
                    "zet als laatste regel een goto zonder when, zodat je ziet waar het heen gaat",
                    severity="warning",
                )
            )
    return issues


def _unused_answers(dialogue: Dialogue) -> list[Issue]:
    read: set[str] = set(dialogue.remember)
    if dialogue.subject:
        read.add(dialogue.subject)
    for _, condition, _ in (
        item for node in dialogue.nodes for item in _conditions(node, f"nodes.{node.id}")
    ):
        read.update(expr.names(condition.expr))
    for node in dialogue.nodes:
        for _, phrase, _ in _phrases(node, f"nodes.{node.id}"):
            read.update(phrase.template.names())
        if isinstance(node, Call):
            read.update(here for _, here in node.bindings)
    issues = []
    for node in dialogue.nodes:
        into = getattr(node, "into", None)
        if isinstance(node, Call) or into is None or into in read:
            continue
        if isinstance(node, Choose) and any(option.goto for option in node.options):
            continue  # a choice of where to go next: the route is its use
        issues.append(
            _issue(
                node.loc_of("into") if any(k == "into" for k, _ in node.key_lines) else node.loc,
                f"nodes.{node.id}",
                "UNUSED_ANSWER",
                f"het antwoord '{into}' wordt nergens gebruikt",
                "zet het op de gesprekskaart (summary), gebruik het in een tekst of "
                "voorwaarde, of onthoud het met remember",
                severity="warning",
            )
        )
    return issues


def _did_you_mean(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f"bedoel je '{close[0]}'?" if close else ""
