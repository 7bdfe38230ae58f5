"""What `pip install .` ships: the code, the dialogues and the schemas, usable from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO


def test_the_wheel_ships_everything_and_runs_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("coach-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "coach = coach.__main__:main" in archive.read(entry_points).decode()
        archive.extractall(tmp_path / "site")
    assert "coach/_data/dialogues/buiv.yaml" in names
    assert "coach/_data/dialogues/safety/gewichten.txt" in names  # the net's weighted words
    assert "coach/schemas/dialogue.schema.json" in names
    assert {"coach/starter/dialogue.yaml", "coach/starter/test.yaml"} <= names  # coach new

    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "COACH_HOME": str(tmp_path / "home")}
    listed = subprocess.run(
        [sys.executable, "-m", "coach", "list"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, listed.stderr
    assert "buiv" in listed.stdout and "Beleven, Uitleven, Inleven, Voorleven" in listed.stdout
    where = subprocess.run(
        [sys.executable, "-c", "import coach.catalog as c; print(c.shipped_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "site")


def test_python_dash_m_coach_runs_and_exits_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "COACH_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "coach", "run", "buiv", "--met", "Paul"],
        input="het overleg van dinsdag met de sectie\n",
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Gepauzeerd" in done.stdout and done.stderr == ""
