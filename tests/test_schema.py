"""The published JSON Schema is valid, and its complaints reach authors in Dutch."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from coach.schema import inline_refs, problems, schema_text


def test_the_published_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(json.loads(schema_text("dialogue")))


def test_complaints_are_dutch_with_hints() -> None:
    data = {
        "id": "x",
        "version": "1",
        "title": "",
        "description": "d",
        "nodes": {"a": {"say": 42, "nxt": "b"}, "b": {"choose": "?"}},
    }
    found = {(".".join(map(str, p.path)), p.message, p.hint) for p in problems(data, "dialogue")}
    assert ("version", "moet een heel getal zijn", "") in found
    assert ("title", "mag niet leeg zijn", "") in found
    assert (
        "nodes.a.say",
        "moet tekst of een lijst zijn",
        "zet de tekst tussen aanhalingstekens",
    ) in found
    assert ("nodes.a.nxt", "onbekende sleutel 'nxt'", "bedoel je 'next'?") in found
    assert (
        "nodes.b",
        "'options' ontbreekt",
        "een 'choose'-vraag heeft een lijst 'options' nodig",
    ) in found


def test_an_alternative_is_reported_by_the_shape_that_was_meant() -> None:
    data = {
        "id": "x",
        "version": 1,
        "title": "t",
        "description": "d",
        "nodes": {"k": {"choose": "?", "options": [{"label": "Ja", "gotto": "x"}]}},
    }
    found = [(".".join(map(str, p.path)), p.message) for p in problems(data, "dialogue")]
    assert found == [("nodes.k.options.0.gotto", "onbekende sleutel 'gotto'")]


@pytest.mark.parametrize("name", ["dialogue", "lexicon", "rubric"])
def test_the_schema_with_its_references_written_out_judges_the_same(name: str) -> None:
    """coach validates with inline_refs(schema) because it is twice as fast on a big
    script; it must find exactly what the published schema finds."""
    published = json.loads(schema_text(name))
    written_out = inline_refs(published)
    assert '"$ref"' not in json.dumps({k: v for k, v in written_out.items() if k != "$defs"})
    samples: list[object] = [
        {},
        {"id": 3, "nodes": {"a": {"say": 1, "nxt": "b", "when": 3, "options": [{}]}}},
        {"id": "x", "version": 0, "title": "", "words": {"A": [1]}, "criteria": [{"levels": []}]},
        {"id": "x", "version": 1, "title": "t", "description": "d", "nodes": {"a": {"ask": []}}},
    ]
    for sample in samples:

        def found(schema: dict[str, object], data: object = sample) -> list[tuple[object, ...]]:
            return sorted(
                (tuple(error.absolute_path), error.validator, error.message)
                for error in Draft202012Validator(schema).iter_errors(data)
            )

        assert found(written_out) == found(published)
