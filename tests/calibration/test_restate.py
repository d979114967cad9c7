"""The engine's Restate Cloud counts against a real Restate server (1.7.12, npm
`@restatedev/restate-server`; the Python SDK serving the handlers): actions per run and the stored
journal's bytes, over agent-shaped handlers that span the profile's fields (the presets scaled
down among them).

What the server records of a run is its journal (`sys_invocation`, `sys_journal`): *commands*
(the invocation's Input and Output, a `ctx.run`, a sleep, a call, a promise read) and
*notifications* (a command's completion: a step's result, a sleep's wake-up, a call's invocation
id and its result, an awakeable's resolution). Which of them Restate Cloud bills as actions is not
published: the commands alone (an invocation's 2 actions are its Input and Output), or every entry.
So, for every shape, the table's expected actions equal the commands the server journaled, in the
run and in the invocations it caused (children, the calls that resolved its promises), and its
low..high range covers both readings: the commands, and every entry.

Stored state: the engine counts the steps' results (`state_kb`); the journal adds its framing. The
tolerance: the journal holds the engine's bytes and at most 200 bytes a run more (the Input
command, which records the ingress path and the caller's HTTP headers: 136 bytes with this
suite's client, and the Output) and 45 bytes an entry (a Run command is 8 bytes, its result's
framing 8, a call's command and invocation-id notification 22 and 43); where every step's result
is 1 KB or more, within 5 % as well. Results stay under 64 KiB, so no step takes a second payload
chunk (a billing rule the journal does not show).
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from model.columns import Columns, profiles_frame
from model.engine import estimate
from model.units import BYTES_PER_KB
from model.usage import Usage
from model.workload import workload
from pricing.load import read_pricebook
from tests.agents import agent
from tests.calibration.restate_harness import SLEEP, Recorded, Shape, run_shape, run_shapes
from tests.calibration.restate_server import TELEMETRY_ENV, Server, restate_binary

pytestmark = pytest.mark.xdist_group("restate")
"""The engine starts once a test run: every test of it on one worker (`make test`: --dist loadgroup)."""

OPTION = "restate/cloud"
RUN_FRAMING = 200
ENTRY_FRAMING = 45
BYTES_TOLERANCE = 0.05

A = Shape(steps=5, output_bytes=1000)
B = Shape(steps=5, output_bytes=1000, sleeps=1)
C = Shape(steps=4, output_bytes=1000, failures=1, failing=(2, 2))

SHAPES = [
    # the earlier measurement: 5 steps of ~1 KB; 3 steps, a sleep, 2 steps; 4 steps, the 2nd failing once
    A,
    B,
    C,
    # steps x result sizes
    *[Shape(steps=n, output_bytes=o) for n in (1, 3, 10) for o in (0, 4000, 16000)],
    # a result that grows step by step (the conversation so far)
    *[Shape(steps=n, output_bytes=500, growth_bytes=g) for n in (5, 10) for g in (200, 1000)],
    # steps that fail first: Restate retries the invocation
    *[Shape(steps=3, output_bytes=100, failures=f, failing=(1, 3)) for f in (0, 1, 2)],
    # durable sleeps
    Shape(steps=1, sleeps=1),
    Shape(steps=2, sleeps=3),
    # waits: an awakeable handed out by a step and resolved over HTTP (the docs' pattern) ...
    Shape(steps=1, awakeables=1),
    Shape(steps=2, awakeables=2),
    # ... and a workflow's durable promise, resolved by a call to its shared handler
    Shape(steps=1, waits=1),
    Shape(steps=2, waits=2),
    # calls to a child service (its handler runs one step)
    Shape(steps=1, children=1, output_bytes=100),
    Shape(steps=0, children=2, output_bytes=300),
    # the presets, scaled down: a coding agent, a deep-research agent, a background agent
    Shape(steps=8, output_bytes=4000, failures=1, failing=(1, 8), awakeables=1),
    Shape(steps=12, output_bytes=1000, growth_bytes=2000, sleeps=2, children=1),
    Shape(steps=6, output_bytes=2000, awakeables=1),
]
IDS = [s.key().split("-")[0] for s in SHAPES]


def profile_of(shape: Shape):  # type: ignore[no-untyped-def]
    """The profile that describes a shape: a step's payload is its result as JSON (two quotes
    more), the retries spread over the steps, an awakeable or a promise is a human wait."""
    first, last = shape.failing
    retries = shape.failures * (last - first + 1 if shape.failures else 0)
    return agent(
        monthly_runs=1000,
        steps_per_run=shape.steps,
        step_seconds=0.001,
        retry_rate=retries / shape.steps if shape.steps else 0,
        sleeps_per_run=shape.sleeps,
        sleep_seconds=SLEEP.total_seconds(),
        human_waits_per_run=shape.waits + shape.awakeables,
        human_wait_seconds=1,
        child_runs_per_run=shape.children,
        heartbeat_seconds=0,
        step_payload_kb=(shape.output_bytes + 2) / BYTES_PER_KB,
        context_growth_kb=shape.growth_bytes / BYTES_PER_KB,
    )


class Engine:
    """The engine's figures per run for a list of shapes."""

    def __init__(self, shapes: list[Shape]) -> None:
        book = read_pricebook()
        table = book.table(OPTION)
        profiles = [profile_of(s) for s in shapes]
        priced = estimate(profiles, book, [OPTION]).option(OPTION)
        # per run: the profiles run 1,000 times a month
        self.actions = priced.bill.quantities["actions"] / 1000
        work = workload(Columns(profiles_frame(profiles)))
        self.low = Usage(work, table, "low").per_run("actions").total
        self.high = Usage(work, table, "high").per_run("actions").total
        self.state_bytes = Usage(work, table, "expected").count("state_kb").total * BYTES_PER_KB


def commands(real: Recorded) -> int:
    """The commands reading: every command of the run and of the invocations it caused."""
    return real.run.commands + sum(j.commands for j in real.others)


def entries(real: Recorded) -> int:
    """The every-entry reading: commands and notifications."""
    return real.run.entries + sum(j.entries for j in real.others)


@pytest.fixture(scope="module")
def recorded(restate: Server) -> list[Recorded]:
    return run_shapes(restate, SHAPES)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(SHAPES)


def test_there_are_at_least_twenty_shapes():
    assert len(SHAPES) >= 20 and len(set(SHAPES)) == len(SHAPES)


def test_the_earlier_measurement_holds(recorded):
    """Server 1.7.12 with SDK 1.2.0 journaled 7, 8 and 6 commands and 12, 14 and 10 entries for the
    shapes a, b, c, and 5,268, 5,288 and 4,251 bytes; the retry added one TransientError event and
    no entry. The bytes differ here by the Input command, which records the caller's HTTP headers
    and path (this suite's client sends fewer): within 50 bytes."""
    a, b, c = recorded[:3]
    assert (a.shape, b.shape, c.shape) == (A, B, C)
    assert [r.run.commands for r in (a, b, c)] == [7, 8, 6]
    assert [r.run.entries for r in (a, b, c)] == [12, 14, 10]
    assert [r.run.bytes for r in (a, b, c)] == pytest.approx([5268, 5288, 4251], abs=50)
    assert [r.run.events.get("TransientError", 0) for r in (a, b, c)] == [0, 0, 1]
    assert not any(r.others for r in (a, b, c))


@pytest.mark.parametrize("index", range(len(SHAPES)), ids=IDS)
def test_actions_are_the_commands_and_the_range_covers_every_entry(recorded, engine, index):
    """Exact on the commands. A human wait is expected to be the docs' awakeable (one command, the
    step that hands it out); a workflow's durable promise costs the 3 commands of the call that
    resolves it more (an invocation of its own), which only the range holds."""
    real = recorded[index]
    assert real.shape == SHAPES[index]
    kinds = real.run.kinds
    resolving = sum(j.commands for j in real.resolvers)
    assert resolving == 3 * real.shape.waits
    assert engine.actions[index] == pytest.approx(commands(real) - resolving, abs=0.01), kinds
    assert engine.low[index] <= commands(real) + 0.01, kinds
    assert entries(real) <= engine.high[index] + 0.01, kinds


@pytest.mark.parametrize("index", range(len(SHAPES)), ids=IDS)
def test_the_stored_journal_is_the_steps_results_and_its_framing(recorded, engine, index):
    real = recorded[index]
    framing = real.run.bytes - engine.state_bytes[index]
    assert -0.5 <= framing <= RUN_FRAMING + ENTRY_FRAMING * real.run.entries, real.run.kind_bytes
    if real.shape.steps and real.shape.output_bytes >= 1000:
        assert engine.state_bytes[index] == pytest.approx(real.run.bytes, rel=BYTES_TOLERANCE)


def _by(recorded: list[Recorded], shape: Shape) -> Recorded:
    return next(r for r in recorded if r.shape == shape)


def test_a_retry_adds_an_event_and_no_entry(recorded):
    """Three steps that each fail once or twice first: the same commands, entries and bytes as
    without failures (a retry re-runs the invocation, replaying its journal), and one
    TransientError event per failing step beside the journal (the same error again is not
    recorded twice)."""
    plain, once, twice = (
        _by(recorded, Shape(steps=3, output_bytes=100, failures=f, failing=(1, 3))) for f in (0, 1, 2)
    )
    assert plain.run.commands == once.run.commands == twice.run.commands == 5
    assert plain.run.entries == once.run.entries == twice.run.entries == 8
    assert plain.run.bytes == once.run.bytes == twice.run.bytes
    assert [r.run.events.get("TransientError", 0) for r in (plain, once, twice)] == [0, 3, 3]


def test_what_each_element_journals(recorded):
    """Entries by kind, element by element (commands / every entry): an invocation 2 / 2 (Input,
    Output); a step 1 / 2 (Run and its result); a sleep 1 / 2; an awakeable handed out by a step
    1 / 3 (the step, its result, the resolution's Signal); a promise 1 / 2 in the run (GetPromise,
    its completion) and 3 / 4 in the call that resolves it (Input, CompletePromise and its
    completion, Output); a call 1 / 3 in the caller (Call, CallInvocationId, the result) and the
    child's own invocation and step, 3 / 4."""
    awakeable = _by(recorded, Shape(steps=1, awakeables=1)).run
    assert awakeable.kinds == {
        "Command: Input": 1,
        "Command: Run": 2,
        "Notification: Run": 2,
        "Notification: Signal": 1,
        "Command: Output": 1,
    }
    promise = _by(recorded, Shape(steps=1, waits=1))
    assert promise.run.kinds == {
        "Command: Input": 1,
        "Command: Run": 1,
        "Notification: Run": 1,
        "Command: GetPromise": 1,
        "Notification: GetPromise": 1,
        "Command: Output": 1,
    }
    assert [(j.commands, j.entries) for j in promise.resolvers] == [(3, 4)]
    assert promise.resolvers[0].kinds["Command: CompletePromise"] == 1
    call = _by(recorded, Shape(steps=1, children=1, output_bytes=100))
    assert call.run.kinds == {
        "Command: Input": 1,
        "Command: Run": 1,
        "Notification: Run": 1,
        "Command: Call": 1,
        "Notification: CallInvocationId": 1,
        "Notification: Call": 1,
        "Command: Output": 1,
    }
    assert [(j.target, j.commands, j.entries) for j in call.children] == [("child/step", 3, 4)]
    sleeps = _by(recorded, Shape(steps=2, sleeps=3)).run
    assert (sleeps.kinds["Command: Sleep"], sleeps.kinds["Notification: Sleep"]) == (3, 3)


HELD_BACK = Shape(steps=7, output_bytes=2000, growth_bytes=500, sleeps=2, awakeables=1, children=1)


def test_a_held_back_shape_computed_by_hand(restate):
    """Seven steps whose results grow from 2,000 characters by 500 a step, two sleeps, an
    awakeable handed out by a step, a call to a child service (one step of 2,000 characters),
    run once and never used to set a number.

    Commands: the run's Input and Output 2 + 7 steps + 2 sleeps + 1 step handing out the
    awakeable + 1 call = 13; the child's Input, step and Output 3; 16 in all.
    Every entry: the run's 2 + 7 x 2 + 2 x 2 + (2 + 1 Signal) + (Call, CallInvocationId, result)
    3 = 26; the child's 4; 30 in all.
    The engine, expected: 2 per invocation + 7 steps + 2 sleeps + 1 human wait + 4 per child (its
    call, its invocation's 2, its step) = 16; low: 1 + 7 + 2 + 1 + (1 + 1 + 1) = 14; high:
    2 + 7 x 2 + 2 x 2 + 6 + (3 + 2 + 2) = 33, at least 30.
    Results: step i (from 0) returns 2,000 + 500 i characters, 2,002 + 500 i bytes of JSON:
    7 x 2,002 + 500 x (0 + 1 + ... + 6) = 14,014 + 10,500 = 24,514 bytes, what the engine stores
    (7 x 2,002/1,024 KB a step plus the growth 500/1,024 KB x 7 x 6 / 2).
    """
    real = run_shape(restate, HELD_BACK)
    assert commands(real) == 16
    assert entries(real) == 30
    engine = Engine([HELD_BACK])
    assert engine.actions[0] == pytest.approx(16)
    assert engine.low[0] == pytest.approx(14)
    assert engine.high[0] == pytest.approx(33)
    assert engine.state_bytes[0] == pytest.approx(24_514)
    assert 0 <= real.run.bytes - 24_514 <= RUN_FRAMING + ENTRY_FRAMING * real.run.entries
    assert real.run.bytes == pytest.approx(24_514, rel=BYTES_TOLERANCE)


def test_the_server_reaches_no_outside_host(restate):
    """Telemetry is off in the configuration the server runs with. Its check for a newer release
    (api.github.com, at every start, no option to turn it off in 1.7.12) finds no network: the
    server runs in a network namespace with only a loopback interface, or, where the machine does
    not allow one, the request failed (the server logged octocrab's error)."""
    config = restate.base / "restate.toml"
    dumped = subprocess.run(
        [str(restate_binary()), "--config-file", str(config), "--dump-config"],
        capture_output=True,
        text=True,
        env={**os.environ, **TELEMETRY_ENV},
        check=True,
        timeout=30,
    ).stdout
    assert "disable-telemetry = true" in dumped
    if restate.isolated:
        assert os.readlink(f"/proc/{restate.pid}/ns/net") != os.readlink("/proc/self/ns/net")
        with open(f"/proc/{restate.pid}/net/dev") as f:
            interfaces = [line.split(":")[0].strip() for line in f.read().splitlines()[2:]]
        assert interfaces == ["lo"]
    else:
        deadline = time.monotonic() + 15
        while "octocrab: failed with error" not in restate.log() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "octocrab: failed with error" in restate.log()
