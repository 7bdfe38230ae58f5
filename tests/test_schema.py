"""The published JSON Schema is valid, and its complaints reach authors in Dutch."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from coach.schema import problems, schema_text


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
