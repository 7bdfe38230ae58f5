"""From a YAML file to a checked Dialogue, or to every problem with it.

Four passes, each adding to one list of issues so an author sees everything at once:
the JSON Schema (structure and types), building the model (node kinds, conditions and
templates parsed here, so their errors carry file and line), linking what the dialogue
uses (lexicons, the safety net, sub-dialogues; `links.py`), and the semantic checks
(targets, names, phases) in `check.py`.

A dialogue file that loaded without errors is kept in the cache of checked dialogues
(`dialogue_cache.py`); loading it again, in this process or the next, takes it from there
while the file and everything it uses are unchanged. That path imports none of the passes
(nor YAML or jsonschema): they are imported when a file is really read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from coach import dialogue_cache
from coach.errors import DialogueError, Issue
from coach.expr import ExprError
from coach.expr import parse as parse_condition
from coach.model import (
    Ask,
    Branch,
    Call,
    CardItem,
    Choose,
    Condition,
    Dialogue,
    End,
    Limits,
    Location,
    Node,
    Option,
    Phase,
    Phrase,
    Probe,
    Ref,
    Rule,
    Say,
    Scale,
)
from coach.templates import TemplateError, parse_template
from coach.text import reflow
from coach.yamldoc import (
    JsonPath,
    YamlDocument,
    format_path,
    parse_yaml,
    parse_yaml_bytes,
    read_file,
)

KINDS = ("say", "ask", "choose", "scale", "branch", "end", "call")
_FLOW = {"phase", "when", "next"}
_QUESTION = _FLOW | {"into", "optional", "help"}
_ALLOWED = {
    "say": _FLOW | {"say"},
    "ask": _QUESTION | {"ask", "limits", "probes", "max_probes"},
    "choose": _QUESTION | {"choose", "options"},
    "scale": _QUESTION | {"scale", "range", "labels"},
    "branch": _FLOW | {"branch"},
    "end": {"end", "phase", "when", "title", "summary"},
    "call": _FLOW | {"call", "with", "into"},
}
RESERVED_NAMES = {
    "answer",
    "match",
    "previous",
    "session",
    "true",
    "false",
    "and",
    "or",
    "not",
    "in",
}


@dataclass
class LoadResult:
    """A dialogue (None when it has errors) and every issue found, warnings included."""

    dialogue: Dialogue | None
    issues: list[Issue]
    # The other files the result came from (word lists, sub-dialogues; dialogue_cache.Dep).
    deps: list[dialogue_cache.Dep] = field(default_factory=list, repr=False)

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]


def load_dialogue(path: Path, display: str | None = None) -> Dialogue:
    """Load a dialogue file; raise DialogueError if it has errors (warnings are allowed)."""
    result = inspect_dialogue(path, display)
    if result.dialogue is None:
        raise DialogueError(result.errors)
    return result.dialogue


def load_dialogue_text(text: str, name: str = "<tekst>", folder: Path | None = None) -> Dialogue:
    """Load a dialogue from YAML text (for tests and tools); raise DialogueError on errors.

    `folder` is where it would live: its lexicons and sub-dialogues are looked for there.
    """
    path = folder / f"{name}.yaml" if folder is not None else None
    result = _inspect(lambda: parse_yaml(text, name), name, path, ())  # never cached
    if result.dialogue is None:
        raise DialogueError(result.errors)
    return result.dialogue


def inspect_dialogue(
    path: Path, display: str | None = None, calling: tuple[str, ...] = ()
) -> LoadResult:
    """Load a dialogue file and report every issue, without raising for content problems.

    `calling` are the dialogues whose `call` led here, to notice a dialogue calling itself.
    """
    name = display or str(path)
    try:
        raw = read_file(path, name)
    except DialogueError as exc:
        return LoadResult(None, exc.issues)
    digest = dialogue_cache.sha256(raw)
    slot = dialogue_cache.slot(path, name, calling, digest)
    if slot is not None and (entry := dialogue_cache.load(slot)) is not None:
        return LoadResult(entry.dialogue, list(entry.issues), list(entry.deps))
    result = _inspect(lambda: parse_yaml_bytes(raw, name), name, path, calling)
    if slot is not None and result.dialogue is not None:  # one with errors is not kept
        dialogue_cache.store(
            slot, dialogue_cache.Entry(result.dialogue, result.issues, result.deps)
        )
    return result


def _inspect(read: Any, name: str, path: Path | None, calling: tuple[str, ...]) -> LoadResult:
    from coach import check, links
    from coach.wording import check_wording

    try:
        document: YamlDocument = read()
    except DialogueError as exc:
        return LoadResult(None, exc.issues)
    builder = _Builder(document)
    dialogue = builder.build()
    issues = builder.issues
    deps: list[dialogue_cache.Dep] = []
    if dialogue is not None:
        dialogue, linked = links.link(dialogue, path, calling, inspect_dialogue, deps)
        issues += linked
        issues += check.check_dialogue(
            dialogue,
            known_ids=builder.broken,
            known_names=builder.broken_names,
            broken=any(issue.severity == "error" for issue in issues),
        )
        issues += check_wording(dialogue)
    issues = sorted(set(issues), key=lambda i: (i.line, i.path, i.message))
    has_errors = any(issue.severity == "error" for issue in issues)
    return LoadResult(None if has_errors else dialogue, issues, list(dict.fromkeys(deps)))


class _Builder:
    """Builds the model from schema-checked data, tolerating what the schema already reported."""

    def __init__(self, document: YamlDocument) -> None:
        self.doc = document
        self.file = document.file
        self.issues: list[Issue] = []
        self.broken: set[str] = set()  # node ids that could not be built (already reported)
        self.broken_names: set[str] = set()  # the answers those nodes would have stored

    def build(self) -> Dialogue | None:
        from coach.schema import problems

        data = self.doc.data
        if data is None:
            self._issue(
                (), "het bestand is leeg", "begin met id, version, title, description en nodes"
            )
            return None
        if not isinstance(data, dict):
            self._issue(
                (), "een dialoog is een mapping met id, version, title, description en nodes"
            )
            return None
        self.issues.extend(_yaml_issues(self.doc.issues))
        reported = {issue.path for issue in self.issues}
        for problem in problems(data, "dialogue"):
            if format_path(problem.path) not in reported:  # an alias already explains it
                self._issue(problem.path, problem.message, problem.hint, code="SCHEMA")
        raw_nodes = data.get("nodes")
        if not isinstance(raw_nodes, dict) or not raw_nodes:
            return None
        nodes = []
        phase = None  # a phase holds for the nodes below it, until the next one is named
        for node_id, raw in raw_nodes.items():
            if isinstance(raw, dict) and isinstance(raw.get("phase"), str):
                phase = raw["phase"]
            node = self._node(str(node_id), raw)
            if node is not None:
                nodes.append(replace(node, phase=phase))
        start = data.get("start") if isinstance(data.get("start"), str) else next(iter(raw_nodes))
        phases = tuple(
            phase
            for index, raw in enumerate(_list(data.get("phases")))
            if (phase := self._phase(raw, index)) is not None
        )
        subject = data.get("subject")
        remember = tuple(name for name in _list(data.get("remember")) if isinstance(name, str))
        safety: dict[str, Any] = data["safety"] if isinstance(data.get("safety"), dict) else {}
        safety_lexicons = tuple(
            self._ref(name, ("safety", "lexicons", index))
            for index, name in enumerate(_list(safety.get("lexicons")))
            if isinstance(name, str)
        )
        return Dialogue(
            id=_str(data.get("id")),
            version=data["version"] if isinstance(data.get("version"), int) else 1,
            title=_str(data.get("title")),
            description=_str(data.get("description")),
            file=self.file,
            content_hash=self.doc.digest,
            nodes=tuple(nodes),
            start=self._ref(str(start), ("start",)),
            language=_str(data.get("language")) or "nl",
            duration=_str(data.get("duration")),
            source=_str(data.get("source")),
            phases=phases,
            subject=subject if isinstance(subject, str) else None,
            remember=remember,
            key_lines=tuple((str(key), self.doc.line_of((key,))) for key in data)
            + tuple(
                (f"remember[{index}]", self.doc.line_of(("remember", index)))
                for index in range(len(remember))
            ),
            safety_lexicons=safety_lexicons,
            safety_message=reflow(_str(safety.get("message"))),
            loc=Location(self.file, 1),
        )

    # -- nodes ---------------------------------------------------------------------------

    def _node(self, node_id: str, raw: Any) -> Node | None:
        node = self._try_node(node_id, raw)
        if node is None:
            self.broken.add(node_id)
            into = raw.get("into", node_id) if isinstance(raw, dict) else node_id
            self.broken_names.add(str(into))
        return node

    def _try_node(self, node_id: str, raw: Any) -> Node | None:
        path: JsonPath = ("nodes", node_id)
        if not isinstance(raw, dict):
            return None  # the schema reported it
        kinds = [kind for kind in KINDS if kind in raw]
        if len(kinds) != 1:
            if not kinds:
                self._issue(
                    path,
                    "deze node zegt niet wat hij doet",
                    "gebruik precies één van: " + ", ".join(KINDS),
                    code="NO_KIND",
                )
            else:
                self._issue(
                    path,
                    "een node doet één ding, maar deze heeft " + " en ".join(kinds),
                    "splits hem in aparte nodes",
                    code="MANY_KINDS",
                )
            return None
        kind = kinds[0]
        for key in raw:
            if key not in _ALLOWED[kind] and key in set().union(*_ALLOWED.values()):
                owners = [k for k, allowed in _ALLOWED.items() if key in allowed and k != kind]
                self._issue(
                    (*path, key),
                    f"'{key}' hoort niet bij een {kind}-node",
                    f"'{key}' hoort bij: {', '.join(owners)}",
                    code="MISPLACED_KEY",
                )
        try:
            return self._build_node(kind, node_id, raw, path)
        except _Skip:
            return None

    def _build_node(self, kind: str, node_id: str, raw: dict[str, Any], path: JsonPath) -> Node:
        common: dict[str, Any] = {
            "id": node_id,
            "loc": self._loc(path),
            "phase": raw.get("phase") if isinstance(raw.get("phase"), str) else None,
            "when": self._condition(raw.get("when"), (*path, "when")),
            "next": self._ref(raw["next"], (*path, "next"))
            if isinstance(raw.get("next"), str)
            else None,
            "optional": raw.get("optional") is True,
            "help": self._phrase(raw.get("help"), (*path, "help")),
            "key_lines": tuple((str(key), self.doc.line_of((*path, key))) for key in raw),
        }
        variants: tuple[Phrase, ...] = ()
        if kind in ("say", "ask") and isinstance(raw.get(kind), list):
            variants = tuple(
                _need(self._phrase(item, (*path, kind, index)))
                for index, item in enumerate(raw[kind])
            )
            text = variants[0] if variants else None
        elif kind not in ("branch", "call"):
            text = self._phrase(raw.get(kind), (*path, kind))
        else:
            text = None
        into = raw.get("into", node_id)
        if kind in ("ask", "choose", "scale", "call") and str(into) in RESERVED_NAMES:
            self._issue(
                (*path, "into") if "into" in raw else path,
                f"'{into}' is een gereserveerd woord en kan geen naam van een antwoord zijn",
                "kies een andere naam met 'into'",
                code="RESERVED_NAME",
            )
        if kind == "say":
            return Say(text=_need(text), variants=variants, **common)
        if kind == "call":
            bindings: dict[str, Any] = raw["with"] if isinstance(raw.get("with"), dict) else {}
            return Call(
                dialogue=self._ref(str(raw["call"]), (*path, "call")),
                bindings=tuple((str(k), v) for k, v in bindings.items() if isinstance(v, str)),
                into=str(into),
                **common,
            )
        if kind == "ask":
            return Ask(
                text=_need(text),
                variants=variants,
                into=str(into),
                probes=self._probes(raw, path),
                max_probes=_int(raw.get("max_probes"), 2),
                limits=self._limits(raw),
                **common,
            )
        if kind == "choose":
            return Choose(
                text=_need(text), into=str(into), options=self._options(raw, path), **common
            )
        if kind == "scale":
            low, high = self._range(raw, path)
            return Scale(
                text=_need(text),
                into=str(into),
                low=low,
                high=high,
                labels=self._labels(raw, path, low, high),
                **common,
            )
        if kind == "branch":
            return Branch(rules=self._rules(raw, path), **common)
        title = self._phrase(raw.get("title"), (*path, "title"))
        return End(text=_need(text), title=title, summary=self._summary(raw, path), **common)

    def _probes(self, raw: dict[str, Any], path: JsonPath) -> tuple[Probe, ...]:
        probes = self._authored_probes(raw, path)
        if not probes:
            return ()
        loc = self._loc((*path, "probes"))
        # When no rule of the author fires, a careful coach still does not move on after
        # `weet ik niet` or an answer in English.
        for probe_id, source, text in BUILTIN_PROBES:
            if all(probe.id != probe_id for probe in probes):
                when = Condition(source, parse_condition(source), loc)
                phrase = Phrase(parse_template(text), loc)
                early = probe_id == "engels"  # before the author's rules read it as Dutch
                probes.append(
                    Probe(when, phrase, loc, replace=True, id=probe_id, builtin=True, early=early)
                )
        return tuple(probes)

    def _authored_probes(self, raw: dict[str, Any], path: JsonPath) -> list[Probe]:
        probes: list[Probe] = []
        for index, item in enumerate(_list(raw.get("probes"))):
            where = (*path, "probes", index)
            if not isinstance(item, dict):
                raise _Skip
            when = self._condition(item.get("when"), (*where, "when"))
            text = self._phrase(item.get("ask"), (*where, "ask"))
            if when is None or text is None:
                raise _Skip
            given = item.get("id")
            probe_id = given if isinstance(given, str) else str(index + 1)
            if any(earlier.id == probe_id for earlier in probes):
                self._issue(
                    (*where, "id"),
                    f"de vervolgvraag-id '{probe_id}' komt twee keer voor bij deze vraag",
                    "geef elke vervolgvraag van een vraag een eigen id",
                    code="DUPLICATE_ID",
                )
            probes.append(
                Probe(
                    when,
                    text,
                    self._loc(where),
                    replace=item.get("replace") is True,
                    id=probe_id,
                    fires=_examples(item, "fires"),
                    quiet=_examples(item, "quiet"),
                )
            )
        return probes

    def _options(self, raw: dict[str, Any], path: JsonPath) -> tuple[Option, ...]:
        options = []
        seen: dict[str, int] = {}
        for index, item in enumerate(_list(raw.get("options"))):
            where = (*path, "options", index)
            if isinstance(item, str):
                item = {"label": item}
            if not isinstance(item, dict) or not isinstance(item.get("label"), str):
                raise _Skip
            label = self._phrase(
                item["label"], (*where, "label") if "value" in item or "goto" in item else where
            )
            goto = (
                self._ref(item["goto"], (*where, "goto"))
                if isinstance(item.get("goto"), str)
                else None
            )
            value = item.get("value") if isinstance(item.get("value"), str) else None
            key = item["label"].strip().casefold()
            if key in seen:
                self._issue(
                    where,
                    f"de keuze '{item['label']}' staat er twee keer",
                    "geef elke keuze een eigen label",
                    code="DUPLICATE_OPTION",
                )
            seen[key] = index
            options.append(Option(_need(label), value, goto, self._loc(where)))
        if not options:
            raise _Skip
        return tuple(options)

    def _range(self, raw: dict[str, Any], path: JsonPath) -> tuple[int, int]:
        value = raw.get("range")
        if not (
            isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)
        ):
            raise _Skip
        low, high = value
        if low >= high:
            self._issue(
                (*path, "range"),
                f"het eerste getal ({low}) moet kleiner zijn dan het tweede ({high})",
                code="BAD_RANGE",
            )
            raise _Skip
        return int(low), int(high)

    def _labels(
        self, raw: dict[str, Any], path: JsonPath, low: int, high: int
    ) -> tuple[tuple[int, str], ...]:
        labels = []
        given = raw.get("labels")  # not a mapping: the schema reported it
        for key, text in given.items() if isinstance(given, dict) else ():
            if not isinstance(text, str):
                continue
            try:
                number = int(key)
            except ValueError:
                continue
            if not low <= number <= high:
                self._issue(
                    (*path, "labels", key),
                    f"{number} ligt buiten de schaal {low}–{high}",
                    code="BAD_RANGE",
                )
            labels.append((number, text))
        return tuple(sorted(labels))

    def _rules(self, raw: dict[str, Any], path: JsonPath) -> tuple[Rule, ...]:
        rules = []
        for index, item in enumerate(_list(raw.get("branch"))):
            where = (*path, "branch", index)
            if not isinstance(item, dict) or not isinstance(item.get("goto"), str):
                raise _Skip
            when = self._condition(item.get("when"), (*where, "when")) if "when" in item else None
            rules.append(Rule(when, self._ref(item["goto"], (*where, "goto")), self._loc(where)))
        return tuple(rules)

    def _summary(self, raw: dict[str, Any], path: JsonPath) -> tuple[CardItem, ...]:
        items = []
        phases: dict[str, Any] = {}
        for phase in _list(self.doc.data.get("phases")):
            key = phase.get("id") if isinstance(phase, dict) else phase
            if isinstance(key, str):  # anything else the schema reported
                phases[key] = phase
        for index, item in enumerate(_list(raw.get("summary"))):
            where = (*path, "summary", index)
            if isinstance(item, str):
                label = _phase_title(phases.get(item), item)
                text = self._phrase("{" + item + "}", where)
            elif isinstance(item, dict) and isinstance(item.get("label"), str):
                label = item["label"]
                text = self._phrase(item.get("text"), (*where, "text"))
            else:
                raise _Skip
            items.append(CardItem(label, _need(text), self._loc(where)))
        return tuple(items)

    def _limits(self, raw: dict[str, Any]) -> Limits:
        limits = raw.get("limits")
        if not isinstance(limits, dict):
            return Limits()
        min_words, max_chars = limits.get("min_words"), limits.get("max_chars")
        return Limits(
            min_words if isinstance(min_words, int) else None,
            max_chars if isinstance(max_chars, int) else None,
        )

    def _phase(self, raw: Any, index: int) -> Phase | None:
        if isinstance(raw, str):
            return Phase(raw, _phase_title(raw, raw))
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            return Phase(raw["id"], _phase_title(raw, raw["id"]))
        return None

    # -- parts ---------------------------------------------------------------------------

    def _phrase(self, value: Any, path: JsonPath) -> Phrase | None:
        if not isinstance(value, str):
            return None
        try:
            return Phrase(parse_template(reflow(value)), self._loc(path))
        except TemplateError as exc:
            self._issue(
                path,
                f"{exc.message} in de tekst: {_excerpt(value, exc.column)}",
                exc.hint,
                code="BAD_TEMPLATE",
            )
            raise _Skip from None

    def _condition(self, value: Any, path: JsonPath) -> Condition | None:
        if not isinstance(value, str):
            return None
        try:
            return Condition(value, parse_condition(value), self._loc(path))
        except ExprError as exc:
            self._issue(
                path,
                f"{exc.message} in de voorwaarde: {_excerpt(value, exc.column)}",
                exc.hint,
                code="BAD_CONDITION",
            )
            raise _Skip from None

    def _ref(self, target: str, path: JsonPath) -> Ref:
        return Ref(target, self._loc(path), format_path(path))

    def _loc(self, path: JsonPath) -> Location:
        return Location(self.file, self.doc.line_of(path))

    def _issue(self, path: JsonPath, message: str, hint: str = "", code: str = "") -> None:
        self.issues.append(
            Issue(self.file, self.doc.line_of(path), format_path(path), message, hint, code=code)
        )


def _yaml_issues(issues: list[Issue]) -> list[Issue]:
    """A repeated key directly under `nodes` is a repeated node id: say so."""
    renamed = []
    for issue in issues:
        parts = issue.path.split(".")
        if issue.code == "DUPLICATE_KEY" and len(parts) == 2 and parts[0] == "nodes":
            first = issue.message.rsplit("(", 1)[-1].rstrip(")")
            issue = replace(
                issue,
                message=f"de node-id '{parts[1]}' komt twee keer voor ({first})",
                hint="geef elke node een eigen id",
                code="DUPLICATE_ID",
            )
        renamed.append(issue)
    return renamed


# Follow-ups coach adds after the author's own, to every question that has follow-ups.
BUILTIN_PROBES = (
    (
        "geen-antwoord",
        "nonanswer(answer)",
        "Schrijf gerust iets kleins, ook als het ergens anders al staat: wat komt er bij deze "
        "vraag als eerste bij je op?",
    ),
    (
        "engels",
        "language(answer) == 'en'",
        "Je antwoord lijkt Engels, en dat mag. Lukt het ook in het Nederlands? Dan kan ik er "
        "beter op ingaan.",
    ),
)


class _Skip(Exception):
    """A node cannot be built; the reason was reported (here or by the schema)."""


def _examples(item: dict[str, Any], kind: str) -> tuple[str, ...]:
    examples = item.get("examples")
    found = examples.get(kind) if isinstance(examples, dict) else None
    return tuple(text for text in found if isinstance(text, str)) if isinstance(found, list) else ()


def _need(value: Phrase | None) -> Phrase:
    if value is None:
        raise _Skip
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _phase_title(raw: Any, fallback: str) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("title"), str):
        return str(raw["title"])
    return fallback[:1].upper() + fallback[1:].replace("-", " ").replace("_", " ")


def _excerpt(text: str, column: int) -> str:
    """The part of a one-line or block text around a column, on one line."""
    flat = text.replace("\n", " ")
    start = max(0, column - 25)
    end = min(len(flat), column + 25)
    return ("…" if start else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")
