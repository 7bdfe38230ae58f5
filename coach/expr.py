"""The condition language of dialogues: parsed once at load time, evaluated by our own code.

Conditions decide which node comes next (`when`, `branch`) and which follow-up question a
coach asks (`probes`). They are never handed to Python's `eval`: the grammar below is all
there is, and evaluation cannot reach attributes, files or anything beyond the values a
dialogue has stored.

    condition  := or
    or         := and ('or' and)*
    and        := not ('and' not)*
    not        := 'not' not | comparison
    comparison := sum (('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in') sum)?
    sum        := operand (('+' | '-') operand)*
    operand    := NUMBER | '-' NUMBER | STRING | 'true' | 'false' | NAME | NAME '(' args ')'
                | '(' or ')' | '[' (operand (',' operand)*)? ']'

Strings are written between single or double quotes, without escapes (a regular
expression keeps its backslashes). Names are answers a dialogue stored (`beleven`),
`answer` inside a probe, `previous.X` and `session.count`. A minus between names needs
spaces (`a - b`), because `a-b` is one name. Comparing values of different kinds (a number
and a text) is simply false, never an error: a condition always has an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from coach.errors import SourceError
from coach.lexicon import Lexicon, hits, starts
from coach.text import content_words, strip_accents, word_count
from coach.yamldoc import MAX_DIGITS

Value = str | int | float | bool | None | tuple["Value", ...]


class ExprError(SourceError):
    """A condition that cannot be parsed."""


@dataclass(frozen=True)
class Literal:
    value: Value


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class ListOf:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class Logic:
    op: str  # "and" | "or"
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Compare:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Arith:
    op: str  # "+" | "-"
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Expr, ...]
    pattern: re.Pattern[str] | None = field(default=None, compare=False)
    lexicon: str | None = None  # the lexicon id of mentions(), count() and starts()


Expr = Literal | Name | ListOf | Not | Logic | Compare | Arith | Call


@dataclass(frozen=True)
class Span:
    """Words a function found: in which named text, where, and why (a lexicon id,
    `patroon` for matches(), `gedeeld` for shared())."""

    source: str | None  # the name the text came from (`beleven`), None for other text
    start: int
    end: int
    text: str
    reason: str


class Scope:
    """What a condition can see: a lookup for names, the lexicons, and a note of the text
    that made it true (`{match}` in a follow-up question). With `spans` set to a list,
    every word a function finds is noted there too (the evidence of a rubric review)."""

    def __init__(
        self, lookup: Callable[[str], Value], lexicons: Mapping[str, Lexicon] | None = None
    ) -> None:
        self.lookup = lookup
        self.lexicons: Mapping[str, Lexicon] = lexicons or {}
        self.match: str | None = None
        self.spans: list[Span] | None = None


@dataclass(frozen=True)
class Function:
    arity: int
    summary: str


FUNCTIONS: dict[str, Function] = {
    "words": Function(1, "words(x): het aantal woorden in x"),
    "chars": Function(1, "chars(x): het aantal tekens in x"),
    "answered": Function(1, "answered(x): x is beantwoord (en niet leeg)"),
    "matches": Function(2, "matches(x, 'patroon'): x bevat het reguliere patroon"),
    "mentions": Function(2, "mentions(x, 'lijst'): x noemt een woord uit de woordenlijst"),
    "count": Function(2, "count(x, 'lijst'): hoe vaak x een woord uit de woordenlijst noemt"),
    "starts": Function(
        2, "starts(x, 'lijst'): x, of een zin in x, begint met een woord uit de lijst"
    ),
    "shared": Function(2, "shared(x, y): hoeveel inhoudswoorden x en y gemeen hebben"),
    "nonanswer": Function(
        1, "nonanswer(x): x zegt nog niets, zoals ‘weet ik niet’, ‘geen idee’ of ‘zie boven’"
    ),
    "language": Function(1, "language(x): 'nl', 'en', of '' als x te kort is om het te zeggen"),
}
LEXICON_FUNCTIONS = ("mentions", "count", "starts")

KEYWORDS = {"and", "or", "not", "in", "true", "false"}
_COMPARE_OPS = {"==", "!=", "<", "<=", ">", ">=", "in", "not in"}
# Far beyond any real condition (the shipped ones have at most 34 parts and 2 levels of
# brackets), and small enough that parsing and evaluating can never exhaust Python's stack.
MAX_TOKENS = 400
MAX_NESTING = 20
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)*)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|\+|-)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, name, op, end
    text: str
    column: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(source):
        found = _TOKEN.match(source, pos)
        if found is None:
            raise _bad_character(source, pos)
        kind = found.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, found.group(), pos + 1))
            if len(tokens) > MAX_TOKENS:
                break  # too long: _check_size says so without reading the rest
        pos = found.end()
    tokens.append(_Token("end", "", len(source) + 1))
    return tokens


def _bad_character(source: str, pos: int) -> ExprError:
    rest = source[pos:]
    column = pos + 1
    if rest.startswith(("'", '"')):
        return ExprError("tekst zonder afsluitend aanhalingsteken", column)
    if rest.startswith("="):
        return ExprError("gebruik == om te vergelijken", column, "bijvoorbeeld: keuze == 'ja'")
    if rest.startswith(("&&", "||", "!")):
        return ExprError(
            f"'{rest[:2].strip()}' bestaat hier niet", column, "gebruik and, or en not"
        )
    return ExprError(f"onverwacht teken '{rest[0]}'", column)


def _check_size(tokens: list[_Token]) -> None:
    if len(tokens) > MAX_TOKENS:
        raise ExprError(
            f"de voorwaarde is te lang (meer dan {MAX_TOKENS} delen)",
            tokens[MAX_TOKENS].column,
            "verdeel hem over een branch-node",
        )
    depth = 0
    for token in tokens:
        if token.kind == "op" and token.text in ("(", "["):
            depth += 1
            if depth > MAX_NESTING:
                raise ExprError(f"meer dan {MAX_NESTING} haakjes in elkaar", token.column)
        elif token.kind == "op" and token.text in (")", "]"):
            depth -= 1


def _number(token: _Token) -> int | float:
    digits = sum(char.isdigit() for char in token.text)
    if digits > MAX_DIGITS:  # int() would refuse it, and takes long to try
        raise ExprError(
            f"een getal van {digits} cijfers is te lang",
            token.column,
            f"een getal heeft hooguit {MAX_DIGITS} cijfers",
        )
    return float(token.text) if "." in token.text else int(token.text)


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        _check_size(self.tokens)
        self.index = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def _take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _is(self, text: str) -> bool:
        return self.token.kind in ("op", "name") and self.token.text == text

    def _expect(self, text: str) -> None:
        if not self._is(text):
            raise ExprError(
                f"'{text}' verwacht, maar {_describe(self.token)} gevonden", self.token.column
            )
        self.index += 1

    def parse(self) -> Expr:
        if self.token.kind == "end":
            raise ExprError("de voorwaarde is leeg", 1)
        expr = self._or()
        if self.token.kind != "end":
            hint = "combineer delen met and of or" if self.token.kind != "op" else ""
            raise ExprError(f"onverwacht {_describe(self.token)}", self.token.column, hint)
        return expr

    def _or(self) -> Expr:
        parts = [self._and()]
        while self._is("or"):
            self.index += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Logic("or", tuple(parts))

    def _and(self) -> Expr:
        parts = [self._not()]
        while self._is("and"):
            self.index += 1
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else Logic("and", tuple(parts))

    def _not(self) -> Expr:
        if self._is("not"):
            self.index += 1
            return Not(self._not())
        return self._comparison()

    def _comparison(self) -> Expr:
        left = self._sum()
        op = self._compare_op()
        if op is None:
            return left
        right = self._sum()
        if self._compare_op(peek=True) is not None:
            raise ExprError(
                "vergelijk één keer per deel", self.token.column, "bijvoorbeeld: x > 2 and x < 8"
            )
        return Compare(op, left, right)

    def _sum(self) -> Expr:
        expr = self._operand()
        while self.token.kind == "op" and self.token.text in ("+", "-"):
            op = self._take().text
            expr = Arith(op, expr, self._operand())
        return expr

    def _compare_op(self, peek: bool = False) -> str | None:
        token = self.token
        if token.kind == "op" and token.text in _COMPARE_OPS:
            op = token.text
            width = 1
        elif token.kind == "name" and token.text == "in":
            op, width = "in", 1
        elif (
            token.kind == "name"
            and token.text == "not"
            and self.tokens[self.index + 1].kind == "name"
            and self.tokens[self.index + 1].text == "in"
        ):
            op, width = "not in", 2
        else:
            return None
        if not peek:
            self.index += width
        return op

    def _operand(self) -> Expr:
        token = self._take()
        if token.kind == "op" and token.text == "-" and self.token.kind == "number":
            number = _number(self._take())
            return Literal(-number)
        if token.kind == "number":
            return Literal(_number(token))
        if token.kind == "string":
            return Literal(token.text[1:-1])
        if token.kind == "op" and token.text == "(":
            inner = self._or()
            self._expect(")")
            return inner
        if token.kind == "op" and token.text == "[":
            return self._list()
        if token.kind == "name":
            if token.text in ("true", "false"):
                return Literal(token.text == "true")
            if token.text in KEYWORDS:
                raise ExprError(f"'{token.text}' staat hier op een verkeerde plek", token.column)
            if self._is("("):
                return self._call(token)
            return Name(token.text)
        raise ExprError(f"waarde verwacht, maar {_describe(token)} gevonden", token.column)

    def _list(self) -> Expr:
        items: list[Expr] = []
        if not self._is("]"):
            items.append(self._operand())
            while self._is(","):
                self.index += 1
                items.append(self._operand())
        self._expect("]")
        return ListOf(tuple(items))

    def _call(self, name: _Token) -> Expr:
        function = FUNCTIONS.get(name.text)
        if function is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExprError(
                f"onbekende functie '{name.text}'", name.column, f"bekend zijn: {known}"
            )
        self._expect("(")
        args: list[Expr] = []
        arg_columns: list[int] = []
        if not self._is(")"):
            arg_columns.append(self.token.column)
            args.append(self._or())
            while self._is(","):
                self.index += 1
                arg_columns.append(self.token.column)
                args.append(self._or())
        self._expect(")")
        if len(args) != function.arity:
            raise ExprError(
                f"{name.text}() verwacht {function.arity} argument(en), niet {len(args)}",
                name.column,
                function.summary,
            )
        pattern = None
        lexicon = None
        if name.text == "answered" and not isinstance(args[0], Name):
            raise ExprError(
                "answered() verwacht de naam van een antwoord", arg_columns[0], function.summary
            )
        if name.text == "matches":
            pattern = _compile_pattern(args[1], arg_columns[1], function)
        if name.text in LEXICON_FUNCTIONS:
            if not isinstance(args[1], Literal) or not isinstance(args[1].value, str):
                raise ExprError(
                    "de woordenlijst moet een naam tussen aanhalingstekens zijn",
                    arg_columns[1],
                    function.summary,
                )
            lexicon = args[1].value
        return Call(name.text, tuple(args), pattern, lexicon)


def _compile_pattern(arg: Expr, column: int, function: Function) -> re.Pattern[str]:
    if not isinstance(arg, Literal) or not isinstance(arg.value, str):
        raise ExprError(
            "het patroon moet tekst tussen aanhalingstekens zijn", column, function.summary
        )
    try:
        # Matching ignores case and accents: `ge[iï]rriteerd` is never needed.
        return re.compile(strip_accents(arg.value), re.IGNORECASE)
    except re.error as exc:
        raise ExprError(f"ongeldig patroon: {exc.msg}", column) from None


def _describe(token: _Token) -> str:
    return "het einde" if token.kind == "end" else f"'{token.text}'"


def parse(source: str) -> Expr:
    """Parse a condition; raise ExprError with a Dutch message and a column."""
    return _Parser(source).parse()


def names(expr: Expr) -> Iterator[str]:
    """Every name a condition reads, in order of appearance."""
    if isinstance(expr, Name):
        yield expr.name
    elif isinstance(expr, Not):
        yield from names(expr.operand)
    elif isinstance(expr, Logic | ListOf | Call):
        for part in (
            expr.operands
            if isinstance(expr, Logic)
            else (expr.items if isinstance(expr, ListOf) else expr.args)
        ):
            yield from names(part)
    elif isinstance(expr, Compare | Arith):
        yield from names(expr.left)
        yield from names(expr.right)


def lexicons_used(expr: Expr) -> Iterator[str]:
    """Every lexicon id a condition reads, in order of appearance."""
    if isinstance(expr, Call):
        if expr.lexicon is not None:
            yield expr.lexicon
        for arg in expr.args:
            yield from lexicons_used(arg)
    elif isinstance(expr, Not):
        yield from lexicons_used(expr.operand)
    elif isinstance(expr, Logic):
        for part in expr.operands:
            yield from lexicons_used(part)
    elif isinstance(expr, ListOf):
        for part in expr.items:
            yield from lexicons_used(part)
    elif isinstance(expr, Compare | Arith):
        yield from lexicons_used(expr.left)
        yield from lexicons_used(expr.right)


def truthy(value: Value) -> bool:
    if isinstance(value, str):
        return value.strip() != ""
    return bool(value)


def evaluate(expr: Expr, scope: Scope) -> Value:
    """The value of a condition; total: every input gives a value, never an exception."""
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Name):
        return scope.lookup(expr.name)
    if isinstance(expr, ListOf):
        return tuple(evaluate(item, scope) for item in expr.items)
    if isinstance(expr, Not):
        return not truthy(evaluate(expr.operand, scope))
    if isinstance(expr, Logic):
        if expr.op == "and":
            return all(truthy(evaluate(part, scope)) for part in expr.operands)
        return any(truthy(evaluate(part, scope)) for part in expr.operands)
    if isinstance(expr, Compare):
        return _compare(expr.op, evaluate(expr.left, scope), evaluate(expr.right, scope))
    if isinstance(expr, Arith):
        return _arith(expr.op, evaluate(expr.left, scope), evaluate(expr.right, scope))
    return _call(expr, scope)


def _arith(op: str, left: Value, right: Value) -> Value:
    """Sum or difference of two numbers; anything else has no value (None)."""
    if not (_is_number(left) and _is_number(right)):
        return None
    assert isinstance(left, int | float) and isinstance(right, int | float)
    return left + right if op == "+" else left - right


def holds(expr: Expr, scope: Scope) -> bool:
    return truthy(evaluate(expr, scope))


def _is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(left: Value, right: Value) -> bool:
    if _is_number(left) and _is_number(right):
        return left == right
    return type(left) is type(right) and left == right


def _compare(op: str, left: Value, right: Value) -> bool:
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if op in ("in", "not in"):
        if isinstance(right, tuple):
            found = any(_equal(left, item) for item in right)
        elif isinstance(left, str) and isinstance(right, str):
            found = left in right
        else:
            found = False
        return found if op == "in" else not found
    if not (
        (_is_number(left) and _is_number(right))
        or (isinstance(left, str) and isinstance(right, str))
    ):
        return False
    a, b = left, right
    assert a is not None and b is not None
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def _as_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return " ".join(_as_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _call(expr: Call, scope: Scope) -> Value:
    if expr.function == "answered":
        return truthy(evaluate(expr.args[0], scope))
    text = _as_text(evaluate(expr.args[0], scope))
    source = _source(expr.args[0])
    if expr.function == "words":
        return word_count(text)
    if expr.function == "chars":
        return len(text)
    if expr.function == "nonanswer":
        from coach.language.answers import non_answer  # not needed to show a first question

        return non_answer(text)
    if expr.function == "language":
        from coach.language.answers import language

        return language(text)
    if expr.function == "shared":
        other = _as_text(evaluate(expr.args[1], scope))
        return _shared(text, source, other, _source(expr.args[1]), scope)
    if expr.lexicon is not None:
        lexicon = scope.lexicons.get(expr.lexicon)
        return _lexicon_call(expr.function, lexicon, text, source, scope)
    assert expr.pattern is not None
    found = list(expr.pattern.finditer(strip_accents(text)))
    if not found:
        return False
    scope.match = text[found[0].start() : found[0].end()]
    for each in found:
        if each.end() > each.start():
            _note(scope, source, each.start(), each.end(), text, "patroon")
    return True


def _source(arg: Expr) -> str | None:
    return arg.name if isinstance(arg, Name) else None


def _note(scope: Scope, source: str | None, start: int, end: int, text: str, why: str) -> None:
    if scope.spans is not None:
        scope.spans.append(Span(source, start, end, text[start:end], why))


def _lexicon_call(
    function: str, lexicon: Lexicon | None, text: str, source: str | None, scope: Scope
) -> Value:
    if lexicon is None:  # validation reports an unknown lexicon; at run time it is silent
        return 0 if function == "count" else False
    if function == "starts":
        hit = starts(lexicon, text)
        if hit is not None:
            scope.match = hit.text
            _note(scope, source, hit.start, hit.end, text, lexicon.id)
        return hit is not None
    found = hits(lexicon, text)
    for hit in found:
        _note(scope, source, hit.start, hit.end, text, lexicon.id)
    if function == "count":
        return len(found)
    if found:
        scope.match = found[0].text
    return bool(found)


def _shared(
    text: str, source: str | None, other: str, other_source: str | None, scope: Scope
) -> int:
    """How many content words (compared by stem) two texts have in common; every place
    they occur is noted, in both texts."""
    mine, theirs = content_words(text), content_words(other)
    common = sorted(set(mine) & set(theirs), key=lambda key: mine[key][0])
    for key in common:
        for start, end in mine[key]:
            _note(scope, source, start, end, text, "gedeeld")
        for start, end in theirs[key]:
            _note(scope, other_source, start, end, other, "gedeeld")
    if common:
        start, end = mine[common[0]][0]
        scope.match = text[start:end]
    return len(common)
