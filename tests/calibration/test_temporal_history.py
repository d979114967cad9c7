"""The engine's Event History projection against a real Temporal server (1.32.0, the dev server):
events per run exactly, history bytes within 5 %, the largest payload, and the children's own
histories, over agent-shaped workflows that span the profile's fields (the presets scaled down
among them). The measured sizes per kind of event are the tables' `history_bytes_*`."""

from __future__ import annotations

import pytest

from model.columns import Columns, profiles_frame
from model.history import history_of
from model.units import BYTES_PER_KB
from model.usage import Usage
from model.workload import workload
from pricing.load import read_pricebook
from schema.inputs import StepKind
from tests.agents import agent
from tests.calibration import off_loop
from tests.calibration.harness import Beat, Long, Recorded, Shape, run_beats_async, run_long_async, run_shapes

pytestmark = pytest.mark.xdist_group("temporal")
"""The engine starts once a test run: every test of it on one worker (`make test`: --dist loadgroup)."""

OPTION = "temporal/self-hosted"
BYTES_TOLERANCE = 0.05

SHAPES = [
    # activities: steps x (input, output)
    *[
        Shape(steps=n, input_bytes=i, output_bytes=o)
        for n in (1, 3, 10)
        for i, o in ((0, 0), (1000, 0), (2000, 500), (8000, 2000))
    ],
    # a growing context passed into every step
    *[Shape(steps=n, input_bytes=500, growth_bytes=g) for n in (5, 10) for g in (200, 1000)],
    # steps that fail first, durable sleeps, waits for a signal, child workflows
    *[Shape(steps=3, input_bytes=100, failures=f) for f in (0, 1, 2)],
    Shape(steps=1, sleeps=1),
    Shape(steps=2, sleeps=3),
    Shape(steps=1, waits=1),
    Shape(steps=2, waits=2),
    Shape(steps=1, children=1, input_bytes=300, output_bytes=100),
    Shape(steps=0, children=2, input_bytes=300),
    # local activities (the marker records the result only; input and output alike here)
    *[Shape(steps=n, input_bytes=b, output_bytes=b, local=True) for n in (1, 4) for b in (0, 1000)],
    # the presets, scaled down: a coding agent, a deep-research agent, a background agent
    Shape(steps=8, input_bytes=4000, output_bytes=4000, failures=1, waits=1),
    Shape(steps=12, input_bytes=2000, output_bytes=1000, growth_bytes=2000, sleeps=2, children=1),
    Shape(steps=6, input_bytes=2000, output_bytes=2000, waits=1),
]


def profile_of(shape: Shape):  # type: ignore[no-untyped-def]
    """The profile that describes a shape (its steps take about a millisecond here)."""
    return agent(
        monthly_runs=1000,
        steps_per_run=shape.steps,
        step_seconds=0.001,
        retry_rate=shape.failures,
        step_kind=StepKind.INLINE if shape.local else StepKind.TASK,
        sleeps_per_run=shape.sleeps,
        sleep_seconds=1,
        human_waits_per_run=shape.waits,
        human_wait_seconds=1,
        child_runs_per_run=shape.children,
        heartbeat_seconds=0,
        step_payload_kb=(shape.input_bytes + shape.output_bytes) / BYTES_PER_KB,
        context_growth_kb=shape.growth_bytes / BYTES_PER_KB,
    )


# Once a run: the runs' records are plain data, holding no live thread (a module fixture is built
# again each time an xdist worker comes back to this module).
@pytest.fixture(scope="session")
def recorded(temporal_server: str) -> list[Recorded]:
    return run_shapes(temporal_server, SHAPES)


@pytest.fixture(scope="module")
def projected():  # type: ignore[no-untyped-def]
    table = read_pricebook().table(OPTION)
    frame = profiles_frame([profile_of(s) for s in SHAPES])
    return history_of(Usage(workload(Columns(frame)), table, "expected"))


def test_there_are_at_least_thirty_shapes():
    assert len(SHAPES) >= 30 and len(set(SHAPES)) == len(SHAPES)


@pytest.mark.parametrize("index", range(len(SHAPES)), ids=[s.key().split("-")[0] for s in SHAPES])
def test_events_and_bytes_match_the_server(recorded, projected, index):
    real = recorded[index]
    assert real.shape == SHAPES[index]
    # exact: the only fraction is the engine's even spread of local activities' workflow-task
    # heartbeats (one per 8 s of them), under 0.01 event for these millisecond steps
    assert projected.events_per_run[index] == pytest.approx(real.events, abs=0.01), real.kinds
    assert projected.history_bytes_per_run[index] == pytest.approx(real.history_bytes, rel=BYTES_TOLERANCE)
    if real.shape.children:
        assert projected.child_history_bytes[index] == pytest.approx(real.children_bytes, rel=BYTES_TOLERANCE)


@pytest.mark.parametrize("index", range(len(SHAPES)), ids=[s.key().split("-")[0] for s in SHAPES])
def test_the_largest_payload_is_never_understated(recorded, projected, index):
    """The engine counts a step's input and output together: never less than the largest single
    payload the server records, and equal to it (within the JSON quotes) when the output is empty."""
    real = recorded[index]
    if real.shape.steps == 0 or real.shape.local:
        return
    largest = float(projected.largest_payload_bytes[index])
    assert largest + 2 >= real.largest_payload
    if real.shape.output_bytes == 0 and real.shape.input_bytes >= 1000:
        assert largest == pytest.approx(real.largest_payload, rel=BYTES_TOLERANCE)


def test_a_retry_adds_no_event_and_records_the_last_failure_once(recorded):
    """Three steps that each fail once or twice first: as many events as without failures, and
    the same bytes whether one attempt failed or two (only the last failure is kept)."""
    plain, once, twice = (
        next(r for r in recorded if r.shape == Shape(steps=3, input_bytes=100, failures=f)) for f in (0, 1, 2)
    )
    assert plain.events == once.events == twice.events
    # Each event's time is a protobuf varint whose length moves with its nanoseconds (a byte or two
    # when they are small), so two runs of one shape differ by up to a couple of bytes per event; a
    # second failure kept would add its stack trace (hundreds of bytes) to every step.
    assert twice.history_bytes == pytest.approx(once.history_bytes, abs=2 * once.events)
    per_step = (once.history_bytes - plain.history_bytes) / 3
    measured = read_pricebook().table(OPTION).counting["history_bytes_retry"]
    # the failure's stack trace names source files, so its size moves a little with the checkout
    assert measured.low <= per_step <= measured.high
    assert per_step == pytest.approx(measured.expected, rel=0.15)


def actions_by_the_docs(real: Recorded) -> int:
    """The Actions a run incurs, counted from what the server recorded, by the list in Temporal
    Cloud's docs (docs.temporal.io/cloud/actions): the workflow started; every activity attempt,
    retries included; every timer started (a sleep, a wait's timeout); every signal received; two
    for every child workflow (the parent's start request and the child's start, as the docs count
    a child) and its own activity attempts; one per workflow task that ran local activities."""
    kinds = real.kinds
    return (
        kinds.get("workflow_execution_started", 0)
        + real.attempts
        + kinds.get("timer_started", 0)
        + kinds.get("workflow_execution_signaled", 0)
        + 2 * kinds.get("start_child_workflow_execution_initiated", 0)
        + real.children_attempts
        + real.local_tasks
    )


@pytest.fixture(scope="module")
def engine_actions():  # type: ignore[no-untyped-def]
    from model.engine import estimate

    book = read_pricebook()
    priced = estimate([profile_of(s) for s in SHAPES], book, ["temporal/cloud"]).option("temporal/cloud")
    return priced.bill.quantities["actions"] / 1000  # per run: the profiles run 1,000 times a month


@pytest.mark.parametrize("index", range(len(SHAPES)), ids=[s.key().split("-")[0] for s in SHAPES])
def test_actions_per_run_match_the_docs_list_on_real_histories(recorded, engine_actions, index):
    real = recorded[index]
    assert engine_actions[index] == pytest.approx(actions_by_the_docs(real), abs=0.01), real.kinds


BEATS = [
    Beat(step_ms=2000, every_ms=100, timeout_ms=1000),  # throttled to 0.8 of the timeout
    Beat(step_ms=500, every_ms=100, timeout_ms=1000),  # shorter than one throttle interval: the first only
    Beat(step_ms=3000, every_ms=900, timeout_ms=1000),  # heartbeats slower than the throttle
    Beat(step_ms=2500, every_ms=300, timeout_ms=0),  # no timeout: the default throttle (30 s)
    Beat(step_ms=4000, every_ms=200, timeout_ms=2000),
    Beat(step_ms=300, every_ms=500, timeout_ms=1000),  # done before its first heartbeat
]


def test_heartbeats_that_reach_the_server_match_the_engine(temporal):
    """Counted where they arrive: the frontend's RecordActivityTaskHeartbeat requests (its metrics)."""
    from model.usage import Usage
    from model.workload import workload

    received = off_loop.run(
        run_beats_async(temporal.address, BEATS, lambda: temporal.requests("RecordActivityTaskHeartbeat"))
    )
    table = read_pricebook().table("temporal/cloud")
    profiles = [
        agent(
            monthly_runs=1000,
            steps_per_run=1,
            step_seconds=b.step_ms / 1000,
            retry_rate=0,
            heartbeat_seconds=b.every_ms / 1000,
            heartbeat_timeout_seconds=b.timeout_ms / 1000,
            human_waits_per_run=0,
        )
        for b in BEATS
    ]
    usage = Usage(workload(Columns(profiles_frame(profiles))), table, "expected")
    assert list(usage.count("heartbeats").total) == received


LONG = [
    Long(steps=20, input_bytes=1000, growth_bytes=50_000),  # the size suggestion (4 MB) restarts it twice
    Long(steps=700, input_bytes=0, growth_bytes=0),  # the event-count suggestion (4,096) restarts it once
]


def test_continue_as_new_segments_match_the_server(temporal):
    """Runs that Continue-As-New when the server suggests it, the context so far carried as the new
    run's input: the same number of segments, events of all of them exactly, bytes within 5 %, and
    the first restart within a step (the server suggests it at the next workflow task)."""
    from model.usage import Usage
    from model.workload import workload

    chains = off_loop.run(run_long_async(temporal.address, LONG))
    profiles = [
        agent(
            monthly_runs=1000,
            steps_per_run=s.steps,
            step_seconds=0.001,
            retry_rate=0,
            human_waits_per_run=0,
            step_payload_kb=s.input_bytes / 1024,
            context_growth_kb=s.growth_bytes / 1024,
        )
        for s in LONG
    ]
    history = history_of(Usage(workload(Columns(profiles_frame(profiles))), read_pricebook().table(OPTION), "expected"))
    for i, chain in enumerate(chains):
        assert history.segments[i] == chain.segments > 1
        assert history.recorded_events[i] == chain.events
        assert history.recorded_bytes[i] == pytest.approx(chain.history_bytes, rel=BYTES_TOLERANCE)
        assert abs(history.first_segment_steps[i] - chain.first_segment_steps) <= 1
