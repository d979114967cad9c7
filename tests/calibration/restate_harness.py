"""Agent-shaped handlers run against a real Restate server, and what the server records of them.

A `Shape` is a profile in miniature: sequential `ctx.run` steps with given result sizes, a result
that grows step by step (a conversation carried forward), steps that fail some attempts first
(Restate retries the invocation), durable sleeps, waits for a durable promise the test resolves
through a shared handler, awakeables a step hands out and the test resolves over HTTP, calls to a
child service. `run_shapes` invokes each through the
ingress and returns the server's own figures, read with SQL through the admin API: the
invocation's journal (`sys_invocation.journal_size` entries, `journal_commands_size` commands),
every entry's type and encoded size (`sys_journal.raw_length`), the events beside it
(`sys_journal_events`: a failing step's `TransientError`), and the same for the invocations it
made (children, the calls that resolved its promises).

A step's *result* is what Restate journals; the closure's inputs are not recorded. The workflow
key names the shape (fixed length), so the workflow takes no input.
"""

from __future__ import annotations

import collections
import json
import os
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import restate

from tests.calibration.restate_server import Server, ServerError

KEY_LENGTH = 40
SLEEP = timedelta(milliseconds=10)
RESULT_SECONDS = 60


@dataclass(frozen=True)
class Shape:
    steps: int = 1
    output_bytes: int = 0
    """Characters of each step's result (a JSON string: two bytes more)."""
    growth_bytes: int = 0
    """Each step's result is this much longer than the previous one's."""
    failures: int = 0
    """Attempts that fail before one succeeds, of each failing step."""
    failing: tuple[int, int] = (0, 0)
    """The first and last failing step, counted from 1 ((0, 0): none)."""
    sleeps: int = 0
    """Durable sleeps, after the first half of the steps (rounded up)."""
    waits: int = 0
    """Waits for a durable promise of the workflow, each resolved by the test (through a shared
    handler of the workflow, an invocation of its own)."""
    awakeables: int = 0
    """Waits for an awakeable whose id a step hands out (the docs' pattern), each resolved by the
    test through the ingress's HTTP API (`/restate/awakeables/<id>/resolve`)."""
    children: int = 0
    """Calls to a child service whose handler runs one step (of `output_bytes`)."""
    run: int = 0
    """Tells apart runs of the same shape (a workflow key runs once)."""

    def key(self) -> str:
        first, last = self.failing
        text = (
            f"s{self.steps}o{self.output_bytes}g{self.growth_bytes}f{self.failures}x{first}.{last}"
            f"z{self.sleeps}w{self.waits}a{self.awakeables}c{self.children}r{self.run}"
        )
        assert len(text) <= KEY_LENGTH - 1, text
        return (text + "-").ljust(KEY_LENGTH, "0")

    @staticmethod
    def parse(key: str) -> Shape:
        m = re.match(r"s(\d+)o(\d+)g(\d+)f(\d+)x(\d+)\.(\d+)z(\d+)w(\d+)a(\d+)c(\d+)r(\d+)-", key)
        assert m is not None, key
        v = [int(x) for x in m.groups()]
        return Shape(v[0], v[1], v[2], v[3], (v[4], v[5]), v[6], v[7], v[8], v[9], v[10])

    def fails(self, step: int) -> bool:
        first, last = self.failing
        return self.failures > 0 and first <= step <= last


# --- the service -----------------------------------------------------------------------------------

agent = restate.Workflow("agent")
child = restate.Service("child")
_attempts: collections.Counter[tuple[str, int]] = collections.Counter()


def _side_dir() -> Path:
    """Where the service hands awakeable ids to the test (the server's base directory)."""
    return Path(os.environ.get("RESTATE_HARNESS_DIR", "."))


def _result(key: str, step: int, size: int) -> str:
    """A step's result; the configured failing attempts of a failing step raise (a retryable
    error: Restate records it as a transient error and retries the invocation)."""
    shape = Shape.parse(key)
    if shape.fails(step):
        _attempts[(key, step)] += 1
        if _attempts[(key, step)] <= shape.failures:
            raise RuntimeError("failed")
    return "y" * size


def _hand_out(key: str, n: int, name: str) -> None:
    """Hand the awakeable's id to whoever resolves it (the docs' pattern: a step that sends it to a
    reviewer; here a file the test reads)."""
    path = _side_dir() / f"{key}-{n}.awakeable"
    path.with_suffix(".tmp").write_text(name)
    path.with_suffix(".tmp").replace(path)  # whole or not at all


@child.handler("step")
async def child_step(ctx: restate.Context, size: int) -> None:
    await ctx.run_typed("step", _result, restate.RunOptions(), "s0o0g0f0x0.0z0w0a0c0r0-", 0, size)


@agent.main("run")
async def run(ctx: restate.WorkflowContext) -> None:
    key = ctx.key()
    shape = Shape.parse(key)
    sleep_after = (shape.steps + 1) // 2
    for i in range(shape.steps):
        size = shape.output_bytes + i * shape.growth_bytes
        await ctx.run_typed("step", _result, restate.RunOptions(), key, i + 1, size)
        if i + 1 == sleep_after:
            for _ in range(shape.sleeps):
                await ctx.sleep(SLEEP)
    if shape.steps == 0:
        for _ in range(shape.sleeps):
            await ctx.sleep(SLEEP)
    for n in range(shape.waits):
        await ctx.promise(f"approve-{n}", type_hint=int).value()
    for n in range(shape.awakeables):
        name, future = ctx.awakeable(type_hint=int)
        await ctx.run_typed("request review", _hand_out, restate.RunOptions(), key, n, name)
        await future
    for _ in range(shape.children):
        await ctx.service_call(child_step, shape.output_bytes)


@agent.handler("approve")
async def approve(ctx: restate.WorkflowSharedContext, n: int) -> None:
    await ctx.promise(f"approve-{n}", type_hint=int).resolve(n)


app = restate.app([agent, child])


# --- running shapes and reading the journal ---------------------------------------------------------


@dataclass
class Journal:
    """One invocation as the server records it."""

    id: str
    target: str
    entries: int
    """`sys_invocation.journal_size`: commands and notifications."""
    commands: int
    """`sys_invocation.journal_commands_size`."""
    bytes: int
    """Σ `sys_journal.raw_length` over its entries."""
    kinds: dict[str, int]
    """Entries by `sys_journal.entry_type`."""
    kind_bytes: dict[str, int]
    events: dict[str, int]
    """`sys_journal_events` by `event_type`."""


@dataclass
class Recorded:
    shape: Shape
    run: Journal
    children: list[Journal] = field(default_factory=list)
    """The child services' invocations the run called."""
    resolvers: list[Journal] = field(default_factory=list)
    """The shared-handler invocations that resolved its promises."""

    @property
    def others(self) -> list[Journal]:
        return self.children + self.resolvers


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def journal(server: Server, invocation_id: str) -> Journal:
    rows = server.sql(
        f"SELECT id, target, journal_size, journal_commands_size FROM sys_invocation WHERE id = {_quote(invocation_id)}"
    )
    if len(rows) != 1:
        raise ServerError(f"invocation {invocation_id}: {rows}")
    row = rows[0]
    entries = server.sql(
        f"SELECT index, entry_type, raw_length FROM sys_journal WHERE id = {_quote(invocation_id)} ORDER BY index"
    )
    events = server.sql(f"SELECT event_type FROM sys_journal_events WHERE id = {_quote(invocation_id)}")
    kinds: collections.Counter[str] = collections.Counter()
    kind_bytes: collections.Counter[str] = collections.Counter()
    for e in entries:
        kinds[e["entry_type"]] += 1
        kind_bytes[e["entry_type"]] += int(e["raw_length"])
    return Journal(
        id=invocation_id,
        target=row["target"],
        entries=int(row["journal_size"]),
        commands=int(row["journal_commands_size"]),
        bytes=sum(int(e["raw_length"]) for e in entries),
        kinds=dict(kinds),
        kind_bytes=dict(kind_bytes),
        events=dict(collections.Counter(e["event_type"] for e in events)),
    )


def _ok(status: int, data: bytes, what: str) -> Any:
    if status // 100 != 2:
        raise ServerError(f"{what}: {status} {data.decode(errors='replace')[:500]}")
    return json.loads(data) if data else None


def _wait_for(what: str, check: Any) -> Any:
    deadline = time.monotonic() + RESULT_SECONDS
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise ServerError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _promise_awaited(server: Server, invocation_id: str, n: int) -> bool:
    rows = server.sql(
        f"SELECT index FROM sys_journal WHERE id = {_quote(invocation_id)} AND entry_type = 'Command: GetPromise'"
    )
    return len(rows) > n


def run_shape(server: Server, shape: Shape) -> Recorded:
    key = shape.key()
    started = _ok(*server.ingress("POST", f"/agent/{key}/run/send"), f"start {key}")
    invocation_id = started["invocationId"]
    for n in range(shape.waits):
        _wait_for(f"{key} to await promise {n}", lambda n=n: _promise_awaited(server, invocation_id, n))
        _ok(*server.ingress("POST", f"/agent/{key}/approve", n), f"approve {key} {n}")
    for n in range(shape.awakeables):
        path = server.base / f"{key}-{n}.awakeable"
        name = _wait_for(f"{key} awakeable {n}", lambda path=path: path.exists() and path.read_text())
        _ok(*server.ingress("POST", f"/restate/awakeables/{name}/resolve", n), f"resolve {name}")
    status, data = server.ingress("GET", f"/restate/invocation/{invocation_id}/attach", timeout=RESULT_SECONDS)
    _ok(status, data, f"attach {key}")
    rows = server.sql(
        "SELECT id FROM sys_invocation WHERE target_service_name = 'agent' AND target_handler_name = 'approve' "
        f"AND target_service_key = {_quote(key)} ORDER BY created_at"
    )
    resolvers = [journal(server, r["id"]) for r in rows]
    rows = server.sql(
        f"SELECT id FROM sys_invocation WHERE invoked_by_id = {_quote(invocation_id)} ORDER BY created_at"
    )
    children = [journal(server, r["id"]) for r in rows]
    return Recorded(shape, journal(server, invocation_id), children, resolvers)


def run_shapes(server: Server, shapes: list[Shape]) -> list[Recorded]:
    return [run_shape(server, shape) for shape in shapes]
