"""Checking authored data against the published JSON Schemas, with Dutch messages.

jsonschema's own messages are written for programmers ("'nxt' was unexpected"); coaches get
a sentence in Dutch, at the key it is about, and a hint where one helps.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from coach.yamldoc import JsonPath

_TYPE_NAMES = {
    "string": "tekst",
    "integer": "een heel getal",
    "number": "een getal",
    "boolean": "true of false",
    "array": "een lijst",
    "object": "een mapping (sleutels met waarden)",
    "null": "leeg",
}


@dataclass(frozen=True)
class SchemaProblem:
    path: JsonPath
    message: str
    hint: str = ""


@cache
def schema_text(name: str) -> str:
    """The text of a published schema, e.g. `dialogue` for dialogue.schema.json."""
    return resources.files("coach.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(inline_refs(json.loads(schema_text(name))))


_ANNOTATIONS = {"description", "title", "$comment", "examples"}


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local `$ref` replaced by what it points to.

    jsonschema looks a reference up each time it meets one: for a dialogue of 10,000 nodes
    that is some 50,000 look-ups and half of the validation time (bench/). Written out once,
    the schema validates the same, twice as fast. A reference inside its own definition
    (recursion) stays a reference, and `$defs` stays, so it still resolves.
    """
    defs = schema.get("$defs", {})

    def expand(node: Any, seen: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [expand(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            rest = {key: value for key, value in node.items() if key != "$ref"}
            target = defs.get(name)
            # Beside a reference only words for people (a description) may repeat a key of
            # its target; a second rule of the same name would have to hold as well.
            clash = (set(rest) & set(target or {})) - _ANNOTATIONS
            if isinstance(target, dict) and name not in seen and not clash:
                return {**expand(target, seen | {name}), **expand(rest, seen)}
        return {
            key: value if key == "$defs" else expand(value, seen) for key, value in node.items()
        }

    expanded: dict[str, Any] = expand(schema, frozenset())
    return expanded


def problems(data: Any, schema: str) -> list[SchemaProblem]:
    """Everything in `data` that does not fit the schema, as Dutch problems."""
    found: list[SchemaProblem] = []
    for error in _validator(schema).iter_errors(data):
        found.extend(_translate(error))
    return found


def _translate(error: Any) -> list[SchemaProblem]:
    if error.validator == "anyOf" and error.context:
        return _translate_any_of(error)
    path: JsonPath = tuple(error.absolute_path)
    instance = error.instance
    kind = error.validator
    value = error.validator_value
    if kind == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        name = missing.group(1) if missing else str(value)
        return [SchemaProblem(path, f"'{name}' ontbreekt", _required_hint(name))]
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        return [
            SchemaProblem((*path, key), f"onbekende sleutel '{key}'", _suggest(key, allowed))
            for key in instance
            if key not in allowed
        ]
    if kind == "propertyNames":
        return [_bad_name(path, error)]
    if kind == "type":
        return [_wrong_type(path, instance, value)]
    if kind == "pattern":
        return [
            SchemaProblem(
                path,
                f"'{instance}' is geen geldige naam",
                "gebruik letters, cijfers, - en _, en begin met een letter",
            )
        ]
    if kind == "minLength":
        return [SchemaProblem(path, "mag niet leeg zijn")]
    if kind == "maxLength":
        return [SchemaProblem(path, f"is te lang ({len(instance)} tekens; hoogstens {value})")]
    if kind in ("minItems", "minProperties"):
        return [SchemaProblem(path, f"moet minstens {value} element(en) hebben")]
    if kind in ("maxItems", "maxProperties"):
        return [SchemaProblem(path, f"mag hoogstens {value} element(en) hebben")]
    if kind == "minimum":
        return [SchemaProblem(path, f"moet minstens {value} zijn")]
    if kind == "maximum":
        return [SchemaProblem(path, f"mag hoogstens {value} zijn")]
    if kind == "const":
        return [SchemaProblem(path, f"moet {json.dumps(value)} zijn")]
    if kind == "enum":
        options = ", ".join(json.dumps(option) for option in value)
        return [SchemaProblem(path, f"moet een van deze zijn: {options}")]
    return [SchemaProblem(path, error.message)]


def _translate_any_of(error: Any) -> list[SchemaProblem]:
    """Report the branch that fits the value's type, not a list of every alternative."""
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    fitting = [
        subs
        for subs in branches.values()
        if not any(sub.validator == "type" and not sub.relative_path for sub in subs)
    ]
    if len(fitting) == 1:
        return [problem for sub in fitting[0] for problem in _translate(sub)]
    path: JsonPath = tuple(error.absolute_path)
    if not fitting:  # the value has none of the types: name them all
        wanted: list[str] = []
        for subs in branches.values():
            for sub in subs:
                if sub.validator == "type" and not sub.relative_path:
                    types = sub.validator_value
                    for name in types if isinstance(types, list) else [types]:
                        if name not in wanted:
                            wanted.append(name)
        return [_wrong_type(path, error.instance, wanted)]
    return [
        SchemaProblem(path, "heeft niet de goede vorm", "zie docs/authoring.md voor voorbeelden")
    ]


def _bad_name(path: JsonPath, error: Any) -> SchemaProblem:
    key = error.instance
    return SchemaProblem(
        (*path, key) if isinstance(key, str) else path,
        f"'{key}' is geen geldige naam",
        "gebruik letters, cijfers, - en _, en begin met een letter",
    )


def _wrong_type(path: JsonPath, instance: Any, expected: Any) -> SchemaProblem:
    wanted = expected if isinstance(expected, list) else [expected]
    names = " of ".join(_TYPE_NAMES.get(str(name), str(name)) for name in wanted)
    hint = ""
    if "string" in wanted and isinstance(instance, bool | int | float):
        hint = "zet de tekst tussen aanhalingstekens"
    elif "string" in wanted and instance is None:
        hint = "vul hier tekst in, of laat de sleutel weg"
    elif "string" in wanted and isinstance(instance, dict):
        hint = "staat er een dubbele punt in de tekst? Zet de tekst dan tussen aanhalingstekens"
    return SchemaProblem(path, f"moet {names} zijn", hint)


def _required_hint(name: str) -> str:
    hints = {
        "options": "een 'choose'-vraag heeft een lijst 'options' nodig",
        "range": "een 'scale'-vraag heeft 'range' nodig, bijvoorbeeld [1, 10]",
        "goto": "elke regel van een branch wijst met 'goto' naar een node",
    }
    return hints.get(name, "")


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f"bedoel je '{close[0]}'?" if close else "toegestaan zijn: " + ", ".join(sorted(known))
