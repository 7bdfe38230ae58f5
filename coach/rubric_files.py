"""Reading rubrics from YAML files, with the same file:line errors as dialogues.

Rubrics are looked for in `./rubrics/` (where a coach writes or tries a rubric) and then
among the rubrics shipped with coach; their word lists in `lexicons/` beside the rubric
file, then among the shipped lexicons. Besides the schema, a rubric is checked for what a
schema cannot see: conditions that do not parse (BAD_CONDITION), unknown word lists
(UNKNOWN_LEXICON), names that are no answer of its dialogues (UNDEFINED_NAME), dialogues
that do not exist (UNKNOWN_DIALOGUE), levels out of order (LEVEL_ORDER), a last level with
a condition (NO_DEFAULT_LEVEL), and criteria with the same id (DUPLICATE_ID).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach import expr
from coach.errors import DialogueError, Issue, UsageError
from coach.lexicon import Lexicon
from coach.lexicon_files import find_lexicon, inspect_lexicon, lexicon_dirs, suggestion
from coach.model import Call, Condition, Dialogue, Location
from coach.rubric import ALL, ANSWER, DEFAULT_SCALE, SESSION_NAMES, Criterion, Level, Rubric
from coach.schema import problems
from coach.shipped import shipped_dir
from coach.yamldoc import JsonPath, YamlDocument, format_path, read_yaml_file

FOLDER = "rubrics"
SUFFIXES = (".yaml", ".yml")


def rubric_dirs() -> list[Path]:
    """Where rubrics are looked for, first match first."""
    dirs = []
    local = Path.cwd() / FOLDER
    if local.is_dir():
        dirs.append(local.resolve())
    shipped = shipped_rubrics()
    if shipped.is_dir() and shipped.resolve() not in dirs:
        dirs.append(shipped.resolve())
    return dirs


def shipped_rubrics() -> Path:
    """Inside the package when installed from a wheel, at the top of a checkout otherwise."""
    return shipped_dir().parent / FOLDER


def rubric_paths() -> list[Path]:
    """Every rubric file by id, the first folder winning, sorted by id."""
    found: dict[str, Path] = {}
    for folder in rubric_dirs():
        for path in sorted(folder.iterdir()):
            if path.suffix in SUFFIXES and path.is_file():
                found.setdefault(path.stem, path)
    return [found[name] for name in sorted(found)]


def find_rubric(name: str) -> Path:
    """The file of a rubric by id or path; UsageError if there is none."""
    candidate = Path(name).expanduser()
    if candidate.suffix in SUFFIXES or "/" in name or "\\" in name:
        if candidate.is_file():
            return candidate
        raise UsageError(f"het bestand {name} bestaat niet")
    paths = rubric_paths()
    for path in paths:
        if path.stem == name:
            return path
    close = difflib.get_close_matches(name, [p.stem for p in paths], n=1, cutoff=0.6)
    known = ", ".join(p.stem for p in paths) or "geen"
    hint = f"bedoel je '{close[0]}'?" if close else f"bekende rubrics: {known}"
    raise UsageError(f"er is geen rubric '{name}'", hint)


def rubrics_for(dialogue_id: str) -> list[Path]:
    """The rubric files that apply to a dialogue, by id. A file that cannot be read is
    left out here; `coach validate` reports it."""
    matching = []
    for path in rubric_paths():
        result = inspect_rubric(path)
        if result.rubric is not None and dialogue_id in result.rubric.dialogues:
            matching.append(path)
    return matching


@dataclass
class RubricResult:
    rubric: Rubric | None
    issues: list[Issue] = field(default_factory=list)


def inspect_rubric(path: Path, display: str | None = None) -> RubricResult:
    """Read and check one rubric file; every problem is reported, nothing raised."""
    name = display or str(path)
    try:
        document = read_yaml_file(path, name)
    except DialogueError as exc:
        return RubricResult(None, exc.issues)
    return _Builder(document, path).build()


def load_rubric(path: Path, display: str | None = None) -> Rubric:
    """Read one rubric file; DialogueError with every problem if it has any error."""
    result = inspect_rubric(path, display)
    if result.rubric is None:
        raise DialogueError(result.issues)
    return result.rubric


class _Builder:
    def __init__(self, document: YamlDocument, path: Path) -> None:
        self.doc = document
        self.path = path
        self.issues: list[Issue] = list(document.issues)
        self.lexicons: dict[str, Lexicon] = {}
        self.answer_lines: dict[int, int] = {}  # criterion index → line of its `answer`

    def build(self) -> RubricResult:
        data = self.doc.data
        if not isinstance(data, dict):
            self._issue((), "een rubric is een mapping met id, version, title en criteria")
            return RubricResult(None, self.issues)
        for problem in problems(data, "rubric"):
            self._issue(problem.path, problem.message, problem.hint, "SCHEMA")
        if self._errors():
            return RubricResult(None, self.issues)
        if data["id"] != self.path.stem:
            self._issue(
                ("id",),
                f"de id '{data['id']}' is niet gelijk aan de bestandsnaam '{self.path.stem}'",
                f"noem het bestand {data['id']}.yaml, of verander de id",
                "RUBRIC_ID",
            )
        scale = {int(key): label for key, label in (data.get("scale") or {}).items()}
        criteria = self._criteria(data["criteria"], scale or DEFAULT_SCALE)
        self._check_names(criteria, data["dialogues"])
        if self._errors():
            return RubricResult(None, self.issues)
        rubric = Rubric(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            dialogues=tuple(data["dialogues"]),
            criteria=tuple(criteria),
            content_hash=self.doc.digest,
            description=str(data.get("description") or "").strip(),
            source=str(data.get("source") or "").strip(),
            lexicons=self.lexicons,
        )
        return RubricResult(rubric, self.issues)

    def _criteria(self, items: list[dict[str, Any]], scale: dict[int, str]) -> list[Criterion]:
        criteria: list[Criterion] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            path: JsonPath = ("criteria", index)
            if item["id"] in seen:
                self._issue(
                    (*path, "id"),
                    f"er is al een criterium '{item['id']}' (regel {seen[item['id']]})",
                    "geef elk criterium een eigen id",
                    "DUPLICATE_ID",
                )
            seen.setdefault(item["id"], self.doc.line_of((*path, "id")))
            self.answer_lines[len(criteria)] = self.doc.line_of((*path, "answer"))
            levels = self._levels(item["levels"], (*path, "levels"), scale)
            if levels:
                criteria.append(
                    Criterion(
                        id=item["id"],
                        title=item["title"],
                        levels=tuple(levels),
                        loc=Location(self.doc.file, self.doc.line_of(path)),
                        about=str(item.get("about") or "").strip(),
                        answer=item.get("answer"),
                        tip=str(item.get("tip") or "").strip(),
                    )
                )
        return criteria

    def _levels(
        self, items: list[dict[str, Any]], path: JsonPath, scale: dict[int, str]
    ) -> list[Level]:
        levels: list[Level] = []
        for index, item in enumerate(items):
            here: JsonPath = (*path, index)
            number = item["level"]
            if levels and number > levels[-1].level:
                self._issue(
                    (*here, "level"),
                    f"niveau {number} staat onder niveau {levels[-1].level}",
                    "zet de niveaus van hoog naar laag (hetzelfde niveau twee keer, met elk een "
                    "eigen label, mag): het eerste dat klopt, geldt",
                    "LEVEL_ORDER",
                )
            last = index == len(items) - 1
            if "when" not in item and not last:
                self._issue(
                    here,
                    f"niveau {number} heeft geen voorwaarde, dus de niveaus eronder worden "
                    "nooit bereikt",
                    "alleen het laatste niveau is zonder when",
                    "NO_DEFAULT_LEVEL",
                )
            if "when" in item and last:
                self._issue(
                    (*here, "when"),
                    "het laatste niveau heeft een voorwaarde; als die niet klopt, is er geen score",
                    "laat when weg bij het laatste niveau: dat geldt als geen ander klopt",
                    "NO_DEFAULT_LEVEL",
                )
            label = item.get("label") or scale.get(number) or f"niveau {number}"
            condition = self._condition(item.get("when"), (*here, "when"))
            levels.append(Level(number, label, condition, str(item.get("tip") or "").strip()))
        return levels

    def _condition(self, source: str | None, path: JsonPath) -> Condition | None:
        if source is None:
            return None
        try:
            parsed = expr.parse(source)
        except expr.ExprError as exc:
            excerpt = source if len(source) <= 60 else source[:57] + "..."
            self._issue(
                path,
                f"{exc.message} (teken {exc.column}) in de voorwaarde: {excerpt}",
                exc.hint,
                "BAD_CONDITION",
            )
            return None
        condition = Condition(source, parsed, Location(self.doc.file, self.doc.line_of(path)))
        for lexicon_id in expr.lexicons_used(parsed):
            self._lexicon(lexicon_id, path)
        return condition

    def _lexicon(self, lexicon_id: str, path: JsonPath) -> None:
        if lexicon_id in self.lexicons:
            return
        dirs = lexicon_dirs(self.path)
        found = find_lexicon(lexicon_id, dirs)
        if found is None:
            self._issue(
                path,
                f"onbekende woordenlijst '{lexicon_id}'",
                suggestion(lexicon_id, dirs),
                "UNKNOWN_LEXICON",
            )
            return
        result = inspect_lexicon(found)
        self.issues.extend(result.issues)
        if result.lexicon is not None:
            self.lexicons[lexicon_id] = result.lexicon

    def _check_names(self, criteria: list[Criterion], dialogue_ids: list[str]) -> None:
        """Every name a condition reads must be an answer of every dialogue of the rubric."""
        known: set[str] | None = None
        for index, dialogue_id in enumerate(dialogue_ids):
            dialogue = _dialogue(dialogue_id)
            if dialogue is None:
                self._issue(
                    ("dialogues", index),
                    f"er is geen gesprek '{dialogue_id}'",
                    "coach list toont de gesprekken die er zijn",
                    "UNKNOWN_DIALOGUE",
                )
                continue
            names = set(answer_names(dialogue))
            known = names if known is None else known & names
        if known is None:
            return
        for index, criterion in enumerate(criteria):
            if criterion.answer is not None and criterion.answer not in known:
                self._name_issue(criterion.answer, self.answer_lines[index], "answer", known)
            allowed = known | {ALL, *SESSION_NAMES}
            if criterion.answer is not None:
                allowed.add(ANSWER)
            for level in criterion.levels:
                if level.when is None:
                    continue
                for name in expr.names(level.when.expr):
                    if name not in allowed:
                        self._name_issue(name, level.when.loc.line, "when", allowed)

    def _name_issue(self, name: str, line: int, where: str, known: Iterable[str]) -> None:
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        if name == ANSWER:
            hint = "answer bestaat alleen in een criterium met answer: (de id van een vraag)"
        elif close:
            hint = f"bedoel je '{close[0]}'?"
        else:
            hint = "gebruik de id van een vraag uit het gesprek, answer, all of session.completed"
        self.issues.append(
            Issue(
                self.doc.file,
                line,
                where,
                f"'{name}' is geen antwoord in het gesprek",
                hint,
                code="UNDEFINED_NAME",
            )
        )

    def _issue(self, path: JsonPath, message: str, hint: str = "", code: str = "") -> None:
        self.issues.append(
            Issue(self.doc.file, self.doc.line_of(path), format_path(path), message, hint, code)
        )

    def _errors(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)


def answer_names(dialogue: Dialogue, prefix: str = "") -> Iterator[str]:
    """The names under which a review finds the answers of a dialogue: each node's id, and
    for a sub-dialogue the call node's id, a dot and the callee's node id."""
    for node in dialogue.nodes:
        yield prefix + node.id
        if isinstance(node, Call):
            callee = dialogue.callees.get(node.dialogue.target)
            if callee is not None:
                yield from answer_names(callee, f"{prefix}{node.id}.")


def _dialogue(dialogue_id: str) -> Dialogue | None:
    from coach import catalog  # the catalog loads dialogues: only when a rubric is checked

    try:
        return catalog.load(dialogue_id)[0]
    except (UsageError, DialogueError):
        return None
