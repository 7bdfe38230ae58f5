"""Part 3: big scripts. Synthetic dialogues of 100, 1,000 and 10,000 nodes.

From the command line (fresh processes): `coach validate --strict` and `coach run` to the
first question. coach/yamldoc.py refuses files over 1 MB or 20,000 YAML events, and the
10,000-node file is over both: those rows show the refusal. What loading it would cost is
measured in fresh worker processes with the caps lifted (bench/worker.py), split by pass
of the loader, with the growth from 1,000 to 10,000 nodes.
"""

from __future__ import annotations

import itertools
import json
import math
import statistics
from pathlib import Path

import synth
from context import SIZES, Context
from measure import Row, Stats, ms, time_command, time_until_output, without_cache

SECTION = "Part 3 · Big scripts"
PHASES_SECTION = "Part 3 · Where a 10,000-node load goes (caps lifted, fresh process)"
WORKER = Path(__file__).with_name("worker.py")


def write_dialogues(ctx: Context) -> dict[int, Path]:
    return {nodes: synth.write_dialogue(ctx.scripts, nodes) for nodes in SIZES}


def rows(ctx: Context, files: dict[int, Path]) -> list[Row]:
    out = [_validate_row(ctx, nodes, path) for nodes, path in files.items()]
    out += [row for nodes, path in files.items() for row in _run_rows(ctx, nodes, path)]
    loads = {nodes: _worker_loads(ctx, path) for nodes, path in files.items()}
    out += [_load_row(nodes, phases) for nodes, phases in loads.items()]
    out.append(_growth_row(loads))
    out += _phase_rows(loads[max(loads)])
    ctx.details["loader_phases"] = {
        str(nodes): {name: statistics.median(r[name] for r in runs) for name in runs[0]}
        for nodes, runs in loads.items()
    }
    ctx.details["loader_profile_10000"] = _profile(ctx, files[max(files)])
    ctx.details["dialogue_files"] = {
        str(nodes): {"bytes": path.stat().st_size, "yaml_events": _events(path)}
        for nodes, path in files.items()
    }
    return out


def _validate_row(ctx: Context, nodes: int, path: Path) -> Row:
    command = without_cache(ctx.coach("validate", "--strict", str(path)))
    result = command.run()
    stats, code = time_command(command, ctx.heavy if nodes >= 1_000 else ctx.repeat)
    refused = code != 0
    note = _refusal(ctx, result.stdout) if refused else "clean: no errors, no warnings"
    limit = nodes == max(SIZES)
    return Row(
        SECTION,
        f"coach validate --strict, {nodes:,} nodes (cold)",
        stats,
        ctx.ratio(stats.median),
        "< 1 s" if limit else "",
        (not refused and stats.median < 1.0) if limit else None,
        ("REFUSED: " if refused else "") + note,
    )


def _run_rows(ctx: Context, nodes: int, path: Path) -> list[Row]:
    """To the first question: cold (cache off), then cached (after one start filled it)."""
    limit = nodes == max(SIZES)
    cold = without_cache(ctx.coach("run", str(path)))
    cached = ctx.coach("run", str(path))
    out = []
    for command, how, target, note in (
        (cold, "cold", "", "cache off: every start reads and checks the whole file"),
        (cached, "cached", "≤ 10×" if limit else "", "from the cache of checked dialogues"),
    ):
        what = f"coach run, {nodes:,} nodes → first question ({how})"
        try:
            if command is cached:
                time_until_output(command, synth.FIRST_QUESTION, 1)  # fills the cache
            stats = time_until_output(command, synth.FIRST_QUESTION, ctx.heavy)
        except RuntimeError:
            result = command.run()
            stats, _ = time_command(command, ctx.heavy)
            note = "REFUSED: " + _refusal(ctx, result.stdout + result.stderr)
            met = False if limit and target else None
            out.append(Row(SECTION, what, stats, ctx.ratio(stats.median), target, met, note))
            continue
        ratio = ctx.ratio(stats.median)
        met = ratio <= 10 if limit and target else None
        out.append(Row(SECTION, what, stats, ratio, target, met, note))
    return out


def _worker_loads(ctx: Context, path: Path) -> list[dict[str, float]]:
    runs = ctx.heavy if path.stat().st_size > 1_000_000 else ctx.repeat // 2 or 1
    command = ctx.python(str(WORKER), "loader", str(path))
    results = []
    for _ in range(runs):
        done = command.run()
        if done.returncode != 0:
            raise RuntimeError(f"worker failed on {path}: {done.stderr[-800:]}")
        results.append(json.loads(done.stdout))
    return results


def _load_row(nodes: int, runs: list[dict[str, float]]) -> Row:
    stats = Stats(tuple(run["total"] for run in runs))
    limit = nodes == max(SIZES)
    per_node = stats.median / nodes * 1e6
    return Row(
        SECTION,
        f"load + check in-process, {nodes:,} nodes (caps lifted)",
        stats,
        target="< 1 s" if limit else "",
        met=stats.median < 1.0 if limit else None,
        note=f"{per_node:.0f} µs per node; first load in a fresh process, imports excluded",
    )


def _growth_row(loads: dict[int, list[dict[str, float]]]) -> Row:
    medians = {
        nodes: statistics.median(run["total"] for run in runs) for nodes, runs in loads.items()
    }
    sizes = sorted(medians)
    exponents = [
        math.log(medians[b] / medians[a]) / math.log(b / a) for a, b in itertools.pairwise(sizes)
    ]
    steps = ", ".join(
        f"{a:,}→{b:,}: ×{medians[b] / medians[a]:.1f} (exponent {e:.2f})"
        for (a, b), e in zip(itertools.pairwise(sizes), exponents, strict=True)
    )
    last = exponents[-1]
    return Row(
        SECTION,
        "growth of load time with nodes",
        target="≤ linear",
        met=last <= 1.1,
        note=f"{steps}; exponent 1 is linear (≤ 1.1 counts, for noise)",
        extra={"exponents": exponents},
    )


def _phase_rows(runs: list[dict[str, float]]) -> list[Row]:
    total = statistics.median(run["total"] for run in runs)
    out = []
    for name in runs[0]:
        if name == "total":
            continue
        stats = Stats(tuple(run[name] for run in runs))
        share = "" if name.startswith("(") else f"{stats.median / total:.0%} of the load"
        note = share or "for comparison, not part of the load"
        out.append(Row(PHASES_SECTION, name, stats, note=note))
    return out


def _profile(ctx: Context, path: Path) -> str:
    done = ctx.python(str(WORKER), "profile", str(path)).run()
    return done.stdout if done.returncode == 0 else done.stderr[-2000:]


def _events(path: Path) -> int:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return sum(1 for _ in yaml.parse(path.read_text("utf-8"), Loader=loader))


def _refusal(ctx: Context, text: str) -> str:
    """The message about the file itself, without the temporary folder."""
    lines = [line.strip() for line in text.splitlines() if ".yaml" in line]
    return (lines[0] if lines else text.strip()[:140]).replace(f"{ctx.scripts}/", "")


def describe_phases(phases: dict[str, float]) -> str:
    total = phases["total"]
    parts = [
        f"{name} {ms(value)}"
        for name, value in sorted(phases.items(), key=lambda item: -item[1])
        if name != "total" and not name.startswith("(")
    ]
    return f"{ms(total)}: " + ", ".join(parts)
