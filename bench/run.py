"""coach's benchmark: start-up, big scripts, big archives, engine steps, a peer, and what the
language layer costs against the commit before it.

    python bench/run.py                 the whole run (about 1.5 minutes on 2 cores)
    python bench/run.py --quick         fewer repeats, no 100,000-session store
    python bench/run.py --install-peer  put inkjs and bink in bench/.peer/ (network), then run
    python bench/run.py --only language the language layer's rows alone (about half a minute)

It builds its own data in a temporary folder (synthetic dialogues of 100, 1,000 and 10,000
nodes; stores of 1,000 and 100,000 sessions of 30 turns), prints a table, and writes it as
JSON to bench/results/latest.json. Start-up figures are fresh processes of the `coach` entry
point beside the running Python, with their ratio to bare Python start. Not part of the
test suite; nothing here changes coach, ~/.local/share/coach or ~/.cache/coach.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import archive
import language
import peer
import report
import scripts
import startup
import steps
from context import Context
from measure import Row

RESULTS = Path(__file__).parent / "results" / "latest.json"
PARTS = ("startup", "scripts", "archive", "steps", "peer", "language")
OWN_YARDSTICK = ("language",)  # parts that need no bare Python start: their own before


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bench/run.py",
        description="Measure coach: start-up, big scripts, big archives, engine steps, a peer, "
        "the language layer.",
    )
    parser.add_argument("--quick", action="store_true", help="3 repeats, no 100,000-session store")
    parser.add_argument("--repeat", type=int, metavar="N", help="runs per start-up figure (10)")
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        metavar="PART",
        help=f"only these: {', '.join(PARTS)}",
    )
    parser.add_argument(
        "--keep-data",
        type=Path,
        metavar="DIR",
        help="build the data in DIR and keep it; a later run with the same DIR reuses the stores",
    )
    parser.add_argument(
        "--fts-triggers",
        action="store_true",
        help="fill the 100,000-session store through coach's FTS triggers (slower to build)",
    )
    parser.add_argument(
        "--install-peer", action="store_true", help="install inkjs and bink into bench/.peer/ first"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=RESULTS,
        metavar="PATH",
        help="default bench/results/latest.json",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse(argv)
    if options.install_peer:
        peer.install()
    repeat = options.repeat or (3 if options.quick else 10)
    work = options.keep_data or Path(tempfile.mkdtemp(prefix="coach-bench-"))
    ctx = Context(work.resolve(), repeat, options.quick, options.fts_triggers)
    # coach's cache of checked dialogues, for this process and every one it starts: in the
    # work folder, never the user's own ~/.cache/coach.
    os.environ["COACH_CACHE"] = str(ctx.work / "cache")
    started = time.perf_counter()
    try:
        rows = run_parts(ctx, options.only or list(PARTS))
    finally:
        if options.keep_data is None:
            shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - started
    sys.stdout.write("\n" + report.table(rows) + "\n" + summary(ctx, rows, seconds))
    report.write_json(options.json, rows, ctx.details, argv, seconds)
    sys.stdout.write(f"\nJSON: {options.json}\n")
    return 0


def run_parts(ctx: Context, parts: list[str]) -> list[Row]:
    files = scripts.write_dialogues(ctx) if set(parts) - set(OWN_YARDSTICK) else {}
    plan: list[tuple[str, Callable[[], list[Row]]]] = [
        ("startup", lambda: startup.rows(ctx)),
        ("scripts", lambda: scripts.rows(ctx, files)),
        ("archive", lambda: archive.rows(ctx)),
        ("steps", lambda: steps.rows(ctx, files)),
        ("peer", lambda: peer.rows(ctx)),
        ("language", lambda: language.rows(ctx)),
    ]
    if "startup" not in parts and set(parts) - set(OWN_YARDSTICK):  # ratios need bare Python
        parts = ["startup", *parts]
    rows: list[Row] = []
    for name, part in plan:
        if name in parts:
            began = time.perf_counter()
            sys.stderr.write(f"{name} …\n")
            rows += part()
            sys.stderr.write(f"{name}: {time.perf_counter() - began:.0f} s\n")
    return rows


def summary(ctx: Context, rows: list[Row], seconds: float) -> str:
    judged = [row for row in rows if row.met is not None]
    missed = [row for row in judged if not row.met]
    lines = [
        f"Targets met: {len(judged) - len(missed)} of {len(judged)} (run took {seconds:.0f} s)."
    ]
    lines += [f"  ✗ {row.what.strip()}: {row.target}" for row in missed]
    imports = ctx.details.get("importtime", {})
    if imports:
        lines.append(
            "\nImport time (python -X importtime; own time, by package and by coach module):"
        )
        for name, found in imports.items():
            lines.append(f"  {name}, packages: {startup.describe_imports(found['packages'])}")
            lines.append(f"  {name}, coach: {startup.describe_imports(found['coach_modules'])}")
            lines.append(f"  {name}, pulled in: {startup.describe_pulled_in(found['pulled_in'])}")
    phases = ctx.details.get("loader_phases", {})
    if phases:
        lines.append("\nLoader passes (median, fresh process, caps lifted):")
        lines += [
            f"  {int(nodes):,} nodes: {scripts.describe_phases(p)}" for nodes, p in phases.items()
        ]
    plans = ctx.details.get("query_plans", {})
    for sessions, queries in plans.items():
        lines.append(f"\nQuery plans, {int(sessions):,} sessions:")
        for what, statements in queries.items():
            steps_seen = " | ".join(" → ".join(s["plan"]) for s in statements)
            lines.append(f"  {what}: {steps_seen}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
