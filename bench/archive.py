"""Part 4: big archives. Stores of 1,000 and 100,000 sessions of 30 turns.

The stores are built once per run (bench/synth.py) and then read by fresh processes
(`coach transcripts list`, `coach transcripts search` for a common and a rare word) and
in-process (the same Store methods, warm, so process start-up is separated from query
time). A durable turn commit is `Store.save()` of the turns and snapshot of a real buiv
answer, on the big store; the sessions it adds are removed again afterwards.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from itertools import cycle
from pathlib import Path
from typing import Any

import synth
from context import Context
from measure import Row, Stats, ms, repeat, time_command
from steps import answer_for

from coach import catalog
from coach.engine import Engine
from coach.steps import Advance
from coach.store import SCHEMA_VERSION, Store

SECTION = "Part 4 · Big archives"
SIZES = (1_000, 100_000)
LIMIT_S = 0.100
COMMIT_LIMIT_S = 0.002
COMMITS = 200


def rows(ctx: Context) -> list[Row]:
    sizes = SIZES[:1] if ctx.quick else SIZES
    search_cli = ctx.coach("transcripts", "search", "--help").run().returncode == 0
    out: list[Row] = []
    for sessions in sizes:
        built, note = _store(ctx, sessions)
        out.append(
            Row(
                SECTION,
                f"build store: {sessions:,} sessions, {built.turns:,} turns",
                Stats((built.seconds,)),
                note=note,
            )
        )
        sql = _sql_rows(ctx, built)
        out += _cli_rows(ctx, built, search_cli, sql)
        out += sql
        out.append(_commit_row(ctx, built))
    return out


# -- building ---------------------------------------------------------------------------


def _store(ctx: Context, sessions: int) -> tuple[synth.BuiltStore, str]:
    home = ctx.work / "stores" / f"sessions-{sessions}"
    manifest = home / "manifest.json"
    triggers = sessions <= 1_000 or ctx.fts_triggers
    wanted = {"generator": synth.GENERATOR_VERSION, "schema": SCHEMA_VERSION, "triggers": triggers}
    if manifest.exists():
        kept = json.loads(manifest.read_text("utf-8"))
        if {key: kept.get(key) for key in wanted} == wanted:
            built = synth.BuiltStore(home, sessions, kept["turns"], kept["seconds"], kept["method"])
            return built, f"kept from an earlier run ({built.method})"
    if home.exists():
        for file in home.iterdir():
            file.unlink()
    built = synth.build_store(home, sessions, triggers=triggers)
    manifest.write_text(
        json.dumps(
            {**wanted, "turns": built.turns, "seconds": built.seconds, "method": built.method}
        ),
        "utf-8",
    )
    answers = built.turns // 2
    rate = built.seconds / answers
    size = (home / "coach.db").stat().st_size / 1e6
    note = f"{built.method}; {rate * 1e6:.0f} µs per answer; {size:,.0f} MB"
    if triggers:
        ctx.details["trigger_rate_s_per_answer"] = rate
    elif "trigger_rate_s_per_answer" in ctx.details:
        guess = ctx.details["trigger_rate_s_per_answer"] * answers
        note += f"; through the triggers about {guess:.0f} s (1,000-store rate; --fts-triggers)"
    return built, note


# -- reading ----------------------------------------------------------------------------


def _sql_rows(ctx: Context, built: synth.BuiltStore) -> list[Row]:
    store = Store.open(built.home)
    try:
        queries: list[tuple[str, Callable[[], Any]]] = [
            ("list: Store.sessions(limit=50)", lambda: store.sessions(None, 50)),
            (f"search '{synth.COMMON_WORD}'", lambda: store.search(synth.COMMON_WORD)),
            (f"search '{synth.RARE_WORD}'", lambda: store.search(synth.RARE_WORD)),
        ]
        out = []
        plans: dict[str, Any] = {}
        for what, query in queries:
            stats = repeat(query, ctx.repeat)
            order = _newest_first(query())
            plans[what] = _plan(store, query)
            out.append(
                Row(
                    SECTION,
                    f"  in-process {what} ({built.sessions:,})",
                    stats,
                    target="< 100 ms",
                    met=stats.median < LIMIT_S and order,
                    note=f"{_order(order)}; {_matches(store, what)}",
                )
            )
        ctx.details.setdefault("query_plans", {})[str(built.sessions)] = plans
    finally:
        store.close()
    return out


def _cli_rows(ctx: Context, built: synth.BuiltStore, search_cli: bool, sql: list[Row]) -> list[Row]:
    commands: list[tuple[str, tuple[str, ...]]] = [
        ("coach transcripts list", ("transcripts", "list"))
    ]
    if search_cli:
        commands += [
            (
                f"coach transcripts search {synth.COMMON_WORD}",
                ("transcripts", "search", synth.COMMON_WORD),
            ),
            (
                f"coach transcripts search {synth.RARE_WORD}",
                ("transcripts", "search", synth.RARE_WORD),
            ),
        ]
    out = []
    for (what, args), inside in zip(commands, sql, strict=False):
        stats, code = time_command(ctx.coach(*args, home=built.home), ctx.repeat)
        query = inside.stats.median if inside.stats else 0.0
        note = f"of which the query in-process {ms(query)}, the rest start-up and output"
        if code != 0:
            note = f"exit code {code}; " + note
        out.append(
            Row(
                SECTION,
                f"{what} ({built.sessions:,} sessions)",
                stats,
                ctx.ratio(stats.median),
                "< 100 ms",
                stats.median < LIMIT_S and code == 0,
                note,
            )
        )
    if not search_cli:
        out.append(
            Row(SECTION, "coach transcripts search", note="no such command yet: in-process only")
        )
    return out


def _order(newest_first: bool) -> str:
    return "newest first" if newest_first else "NOT newest first"


def _newest_first(result: list[Any]) -> bool:
    moments = [
        str(getattr(item, "updated_at", None) or getattr(item, "created_at", "")) for item in result
    ]
    return bool(moments) and moments == sorted(moments, reverse=True)


def _plan(store: Store, query: Callable[[], Any]) -> list[dict[str, Any]]:
    """EXPLAIN QUERY PLAN of every SELECT the query runs."""
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        query()
    finally:
        store.db.conn.set_trace_callback(None)
    plans = []
    for sql in statements:
        if sql.lstrip().upper().startswith("SELECT"):
            steps = store.db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            plans.append({"sql": sql, "plan": [row[3] for row in steps]})
    return plans


def _matches(store: Store, what: str) -> str:
    for word in (synth.COMMON_WORD, synth.RARE_WORD):
        if f"'{word}'" in what:
            count = store.db.execute(
                "SELECT count(*) FROM turns_fts WHERE turns_fts MATCH ?", [f'"{word}"']
            ).fetchone()[0]
            return f"{count:,} {'answer matches' if count == 1 else 'answers match'}"
    count = store.db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    return f"{count:,} sessions"


# -- writing ----------------------------------------------------------------------------


def _commit_row(ctx: Context, built: synth.BuiltStore) -> Row:
    dialogue, _ = catalog.load("buiv")
    store = Store.open(built.home)
    first = int(store.db.execute("SELECT coalesce(max(id), 0) + 1 FROM sessions").fetchone()[0])
    samples: list[float] = []
    wanted = COMMITS // 4 if ctx.quick else COMMITS
    try:
        while len(samples) < wanted:
            samples += _one_session(store, dialogue)
    finally:
        store.close()
        _forget(built.home, first)
    stats = Stats(tuple(samples))
    return Row(
        SECTION,
        f"  durable turn commit, Store.save() ({built.sessions:,})",
        stats,
        target="< 2 ms",
        met=stats.median < COMMIT_LIMIT_S,
        note=f"p99 {ms(stats.p99)}; WAL, synchronous=FULL; turns and snapshot of real buiv answers",
    )


def _one_session(store: Store, dialogue: Any) -> list[float]:
    engine = Engine(dialogue, {"ander": "Paul"})
    start = engine.start()
    session = store.create_session(dialogue, engine.snapshot(), start.turns, subject="Paul")
    texts = cycle(synth.TYPICAL_ANSWERS)
    samples = []
    step = 0
    while not engine.finished:
        prompt = engine.prompt
        assert prompt is not None
        result = engine.answer(answer_for(prompt, step, texts))
        step += 1
        if not isinstance(result, Advance):
            continue
        state = engine.snapshot()
        status = "completed" if engine.finished else "active"
        started = time.perf_counter()
        store.save(session, result.turns, state, status=status)
        samples.append(time.perf_counter() - started)
    return samples


def _forget(home: Path, first: int) -> None:
    """Take out the sessions the commit figure added, so a kept store stays as built."""
    connection = sqlite3.connect(home / "coach.db")
    try:
        with connection:
            connection.execute("DELETE FROM turns WHERE session_id >= ?", [first])
            connection.execute("DELETE FROM sessions WHERE id >= ?", [first])
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
