"""The YAML reader: plain data with lines, and a firm no to what scripts never need."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from coach.errors import DialogueError
from coach.yamldoc import MAX_FILE_BYTES, parse_yaml, read_yaml_file


def codes(text: str) -> list[tuple[str, int]]:
    try:
        document = parse_yaml(text, "x.yaml")
    except DialogueError as exc:
        return [(issue.code, issue.line) for issue in exc.issues]
    return [(issue.code, issue.line) for issue in document.issues]


def test_scalars_stay_text_unless_plainly_numbers_or_booleans() -> None:
    data = parse_yaml(
        "a: ja\nb: nee\nc: on\nd: off\ne: 1.0\nf: 12\ng: true\nh: 'true'\ni: null\nj: ~\n"
        "k: yes\nl: 0o17\nm: 2026-11-24\n",
        "x.yaml",
    ).data
    assert data == {
        "a": "ja",
        "b": "nee",
        "c": "on",
        "d": "off",
        "e": "1.0",
        "f": 12,
        "g": True,
        "h": "true",
        "i": None,
        "j": None,
        "k": "yes",
        "l": "0o17",
        "m": "2026-11-24",
    }


def test_keys_are_always_text() -> None:
    assert parse_yaml("labels: {1: laag, 10: hoog}\n", "x.yaml").data == {
        "labels": {"1": "laag", "10": "hoog"}
    }


def test_every_value_knows_its_line() -> None:
    document = parse_yaml("a: 1\nb:\n  c:\n    - x\n    - y: 2\n", "x.yaml")
    assert document.lines[("a",)] == 1
    assert document.lines[("b", "c")] == 3
    assert document.lines[("b", "c", 1, "y")] == 5
    assert document.line_of(("b", "c", 1, "y", "missing")) == 5


def test_anchors_and_aliases_are_refused_with_their_lines() -> None:
    assert codes("a: &x hallo\nb: *x\n") == [("ANCHOR", 1), ("ALIAS", 2)]


def test_billion_laughs_is_refused_quickly() -> None:
    levels = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 12)]
    started = time.process_time()  # CPU time: a busy machine stretches the clock, not this
    found = codes("\n".join(levels) + "\n")
    assert time.process_time() - started < 2
    assert ("ALIAS", 2) in found and ("ANCHOR", 1) in found


def test_python_tags_are_refused() -> None:
    assert codes("a: !!python/object/apply:os.system ['echo pwned']\n") == [("TAG", 1)]
    assert codes("a: !custom x\n") == [("TAG", 1)]


def test_duplicate_keys_name_both_lines() -> None:
    document = parse_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")
    (issue,) = document.issues
    assert (issue.code, issue.line) == ("DUPLICATE_KEY", 3)
    assert "eerst op regel 1" in issue.message
    assert document.data == {"a": 1, "b": 2}  # the first one counts


def test_syntax_error_has_line_and_dutch_hint() -> None:
    with pytest.raises(DialogueError) as caught:
        parse_yaml("a: 1\nb:\n\tc: 2\n", "x.yaml")
    (issue,) = caught.value.issues
    assert issue.line == 3 and issue.code == "YAML_SYNTAX"
    assert "tabs" in issue.hint


def test_several_documents_are_refused() -> None:
    assert codes("a: 1\n---\nb: 2\n") == [("MULTIPLE_DOCUMENTS", 2)]


def test_deep_nesting_is_refused() -> None:
    assert codes("[" * 200 + "]" * 200 + "\n")[0][0] in ("TOO_DEEP", "YAML_SYNTAX")


def test_complex_keys_are_refused() -> None:
    assert codes("? [a, b]\n: 1\n") == [("COMPLEX_KEY", 1)]


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * (MAX_FILE_BYTES + 10) + b"\n")
    with pytest.raises(DialogueError) as caught:
        read_yaml_file(path)
    assert caught.value.issues[0].code == "FILE_TOO_LARGE"


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: 1\nb: caf\xe9\n".encode("latin-1"))
    with pytest.raises(DialogueError) as caught:
        read_yaml_file(path)
    (issue,) = caught.value.issues
    assert (issue.code, issue.line) == ("NOT_UTF8", 2)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DialogueError) as caught:
        read_yaml_file(tmp_path / "nope.yaml")
    assert "niet gevonden" in caught.value.issues[0].message


def test_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_yaml_file(path).data == {"a": 1}


def test_digest_is_of_the_file_bytes(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "d.yaml"
    path.write_bytes(b"a: 1\n")
    assert read_yaml_file(path).digest == hashlib.sha256(b"a: 1\n").hexdigest()
