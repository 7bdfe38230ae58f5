"""`transcripts export --output` on a full disk, a used-up quota or a read-only medium:
a clear Dutch message, never an empty or half file, and --force keeps the previous export."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Result

Run = Callable[..., Result]


def fail_the_export_file(monkeypatch: pytest.MonkeyPatch, step: str, code: int) -> None:
    """Make the OS refuse the export's own (temporary) file at `step`, as a full disk does:
    after part of the text was written, at fsync, or when the file is made."""
    real_open, real_write, real_fsync, real_close = os.open, os.write, os.fsync, os.close
    ours: set[int] = set()

    def refuse() -> OSError:
        return OSError(code, os.strerror(code))

    def open_(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if str(path).endswith(".deel"):
            if step == "open":
                raise refuse()
            descriptor = real_open(path, flags, mode, **kwargs)
            ours.add(descriptor)
            return descriptor
        return real_open(path, flags, mode, **kwargs)

    def write(descriptor: int, data: Any) -> int:
        if descriptor in ours and step == "write":
            real_write(descriptor, bytes(data[:20]))  # the disk fills up halfway
            raise refuse()
        return real_write(descriptor, data)

    def fsync(descriptor: int) -> None:
        if descriptor in ours and step == "fsync":
            raise refuse()
        real_fsync(descriptor)

    def close(descriptor: int) -> None:
        ours.discard(descriptor)
        real_close(descriptor)

    for name, function in (("open", open_), ("write", write), ("fsync", fsync), ("close", close)):
        monkeypatch.setattr(os, name, function)


FAULTS = [
    ("write", errno.ENOSPC, "de schijf is vol"),
    ("fsync", errno.EDQUOT, "je schijfruimte (quotum) is op"),
    ("open", errno.EROFS, "alleen-lezen"),
    ("write", errno.EIO, os.strerror(errno.EIO)),
]


@pytest.mark.parametrize(("step", "code", "reason"), FAULTS)
def test_a_full_disk_leaves_no_file_and_says_why(
    step: str, code: int, reason: str, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli("run", "buiv", "--met", "Paul", input="iets over het rooster\n")
    folder = tmp_path / "stick"
    folder.mkdir()
    target = folder / "gesprek.md"
    fail_the_export_file(monkeypatch, step, code)
    result = run_cli("transcripts", "export", "1", "--format", "md", "--output", str(target))
    assert result.code == 1
    assert f"Fout: kan de export niet schrijven naar {target} ({reason})" in result.err
    assert "niet had mogen gebeuren" not in result.err
    assert list(folder.iterdir()) == []  # no 0-byte file, no temporary file left


@pytest.mark.parametrize(("step", "code", "reason"), FAULTS)
def test_force_on_a_full_disk_keeps_the_previous_export(
    step: str, code: int, reason: str, run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli("run", "buiv", "--met", "Paul", input="iets over het rooster\n")
    folder = tmp_path / "stick"
    folder.mkdir()
    target = folder / "gesprek.json"
    assert run_cli("transcripts", "export", "1", "--output", str(target)).code == 0
    before = target.read_bytes()
    run_cli("run", "buiv", "--met", "Marie", input="iets anders\n")
    fail_the_export_file(monkeypatch, step, code)
    result = run_cli("transcripts", "export", "2", "--output", str(target), "--force")
    assert result.code == 1
    assert f"({reason}); {target} is niet veranderd" in result.err
    assert target.read_bytes() == before
    assert list(folder.iterdir()) == [target]


def test_force_replaces_a_previous_export_whole_and_private(run_cli: Run, tmp_path: Path) -> None:
    run_cli("run", "buiv", "--met", "Paul", input="iets over het rooster\n")
    run_cli("run", "buiv", "--met", "Marie", input="iets anders\n")
    target = tmp_path / "gesprek.json"
    target.write_text("oud\n", "utf-8")
    target.chmod(0o644)
    assert run_cli("transcripts", "export", "1", "--output", str(target)).code == 2
    assert target.read_text("utf-8") == "oud\n"
    result = run_cli("transcripts", "export", "2", "--output", str(target), "--force")
    assert result.code == 0 and result.out == f"Geschreven naar {target}\n"
    assert '"subject": "Marie"' in target.read_text("utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*.deel"))
