"""The engine's DBOS checkpoints against the real DBOS library (the `dbos` package, 3.4.0, on a
SQLite system database): for every shape, the checkpoints per run the engine counts for
`dbos/conductor` (its `checkpoints` quantity, which Conductor bills) and for `dbos/self-hosted`
(the same count, the load on your Postgres) must equal what DBOS recorded, exactly: one per
workflow (a row of `workflow_status`, the children's included) plus one per row of
`operation_outputs` (the workflow's and its children's).

What DBOS 3.4.0 writes, measured here: a step one row, however many attempts it took under
`retries_allowed`; `DBOS.sleep` one row (`DBOS.sleep(0)` none); `DBOS.recv` with a timeout two (the
recv and the durable sleep of its timeout), answered or not; `DBOS.send` from a workflow one, from
outside a workflow none; a child workflow one row in the parent to start it and one more to await
its result (`DBOS.getResult`, also when the child is called directly), plus its own
`workflow_status` row and its steps' rows.

No DBOS table bills stored bytes (Conductor bills checkpoints; the self-hosted Postgres is a fixed
size), so bytes are recorded, not priced: DBOS keeps each step's output (base64 of its pickle) and
the workflow's inputs and result, never a step's input, so a growing context passed into the steps
adds nothing to what is stored.
"""

from __future__ import annotations

import base64
import importlib.metadata
import pickle
from collections.abc import Iterator
from typing import Literal

import numpy as np
import pytest

from model.columns import Columns, profiles_frame
from model.engine import estimate
from model.units import BYTES_PER_KB
from model.usage import Usage
from model.workload import workload
from pricing.load import read_pricebook
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.calibration.dbos_harness import SLEEP_SECONDS, App, Recorded, Shape, launched

pytestmark = pytest.mark.xdist_group("dbos")
"""The engine starts once a test run: every test of it on one worker (`make test`: --dist loadgroup)."""

CONDUCTOR = "dbos/conductor"
SELF_HOSTED = "dbos/self-hosted"
RUNS = 1000
"""Runs a month of every profile (the bill's quantities are monthly)."""
MEASURED_VERSION = "3.4.0"

SHAPES = [
    # the earlier check: 5 steps; 3 steps, a sleep, 2 steps; 4 steps, the second failing once
    Shape(steps=5),
    Shape(steps=5, sleeps=1, sleep_after=3),
    Shape(steps=4, failing=(2,), failures=1),
    # steps alone
    *[Shape(steps=n) for n in (1, 2, 10, 40)],
    # steps x (input, output) bytes
    *[
        Shape(steps=3, input_bytes=i, output_bytes=o)
        for i, o in ((1000, 0), (0, 1000), (8000, 2000), (100_000, 50_000))
    ],
    # a growing context: each step's input larger than the previous one's
    *[Shape(steps=n, input_bytes=500, growth_bytes=g) for n in (5, 10) for g in (200, 10_000)],
    # steps that fail first and are retried by DBOS
    Shape(steps=3, failing=(1, 2, 3), failures=1),
    Shape(steps=3, failing=(2,), failures=4),
    Shape(steps=6, failing=(1, 6), failures=2),
    # durable sleeps
    Shape(steps=1, sleeps=1),
    Shape(steps=2, sleeps=3),
    Shape(steps=0, sleeps=2),
    Shape(steps=4, sleeps=2, sleep_after=1),
    # waits for a message with a timeout: answered, or timed out
    Shape(steps=1, waits=1),
    Shape(steps=2, waits=2),
    Shape(steps=0, waits=3),
    Shape(steps=1, waits=1, answered=False),
    # child workflows, started and awaited (or called directly, which DBOS records alike)
    Shape(steps=1, children=1, input_bytes=300, output_bytes=100),
    Shape(steps=0, children=2, input_bytes=300),
    Shape(steps=2, children=3, child_mode="call"),
    # the presets, scaled down: a coding agent, a deep-research agent, a background agent
    Shape(steps=8, input_bytes=4000, output_bytes=4000, failing=(3,), failures=1, waits=1),
    Shape(steps=12, input_bytes=2000, output_bytes=1000, growth_bytes=2000, sleeps=2, children=1),
    Shape(steps=6, input_bytes=2000, output_bytes=2000, waits=1),
]

PROBES = [
    Shape(steps=0, children=2, child_mode="start"),  # children started, never awaited
    Shape(steps=0, sends=2),  # messages the workflow sends
    Shape(steps=1, zero_sleeps=2),  # DBOS.sleep(0)
]
"""What the library writes for calls the profile has no field for."""

HELD_BACK = Shape(
    steps=7,
    input_bytes=1500,
    output_bytes=700,
    growth_bytes=400,
    failing=(3, 6),
    failures=2,
    sleeps=2,
    sleep_after=4,
    waits=1,
    children=2,
)
"""Kept out of SHAPES; counted by hand in its own test."""


def profile_of(shape: Shape) -> WorkloadProfile:
    """The profile that describes a shape (its steps take about a millisecond here)."""
    return agent(
        monthly_runs=RUNS,
        steps_per_run=shape.steps,
        step_seconds=0.001,
        retry_rate=shape.retries / shape.steps if shape.steps else 0,
        sleeps_per_run=shape.sleeps,
        sleep_seconds=SLEEP_SECONDS,
        human_waits_per_run=shape.waits,
        human_wait_seconds=1,
        child_runs_per_run=shape.children,
        heartbeat_seconds=0,
        step_payload_kb=(shape.input_bytes + shape.output_bytes) / BYTES_PER_KB,
        context_growth_kb=shape.growth_bytes / BYTES_PER_KB,
    )


def conductor_checkpoints(shapes: list[Shape]) -> np.ndarray:
    """Checkpoints per run as the engine bills them: `dbos/conductor`'s monthly `checkpoints`
    quantity (`model.engine.estimate`) over the runs."""
    priced = estimate([profile_of(s) for s in shapes], read_pricebook(), [CONDUCTOR]).option(CONDUCTOR)
    return np.asarray(priced.bill.quantities["checkpoints"], dtype=float) / RUNS


def table_checkpoints(
    shapes: list[Shape], option: str, scenario: Literal["low", "expected", "high"] = "expected"
) -> np.ndarray:
    """Checkpoints per run from a table's counting rules (`model.usage`), in a scenario."""
    columns = Columns(profiles_frame([profile_of(s) for s in shapes]))
    usage = Usage(workload(columns), read_pricebook().table(option), scenario)
    return np.asarray(usage.per_run("checkpoints").total, dtype=float)


def stored(value: object) -> int:
    """Bytes DBOS's default serializer stores for a value: base64 of its pickle."""
    return len(base64.b64encode(pickle.dumps(value)))


@pytest.fixture(scope="module")
def dbos_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """DBOS launched once a session, on SQLite in a temporary directory; a launch that fails
    fails the tests (a missing `dbos` already fails their collection)."""
    try:
        with launched(tmp_path_factory.mktemp("dbos")) as app:
            yield app
    except Exception as exc:  # pragma: no cover - the report names the cause
        pytest.fail(f"DBOS could not run on SQLite: {exc!r}")


@pytest.fixture(scope="module")
def recorded(dbos_app: App) -> list[Recorded]:
    return dbos_app.run(SHAPES)


@pytest.fixture(scope="module")
def engine() -> dict[str, np.ndarray]:
    return {
        CONDUCTOR: conductor_checkpoints(SHAPES),
        SELF_HOSTED: table_checkpoints(SHAPES, SELF_HOSTED),
        "low": table_checkpoints(SHAPES, CONDUCTOR, "low"),
        "high": table_checkpoints(SHAPES, CONDUCTOR, "high"),
    }


IDS = [s.label() for s in SHAPES]


def test_the_measured_library_is_dbos_3_4_0() -> None:
    """The counts below were measured on this version; another one is measured again."""
    assert importlib.metadata.version("dbos") == MEASURED_VERSION


def test_the_shapes_are_distinct_and_span_the_profile() -> None:
    assert len(SHAPES) >= 30 and len(set(SHAPES)) == len(SHAPES) and HELD_BACK not in SHAPES
    for name in ("steps", "input_bytes", "output_bytes", "growth_bytes", "retries", "sleeps", "waits", "children"):
        assert any(getattr(s, name) for s in SHAPES), name


@pytest.mark.parametrize("index", range(len(SHAPES)), ids=IDS)
def test_checkpoints_per_run_match_dbos(recorded: list[Recorded], engine: dict[str, np.ndarray], index: int) -> None:
    real = recorded[index]
    assert real.shape == SHAPES[index]
    detail = (real.kinds, real.children_kinds)
    assert engine[CONDUCTOR][index] == pytest.approx(real.checkpoints, abs=1e-9), detail
    assert engine[SELF_HOSTED][index] == pytest.approx(real.checkpoints, abs=1e-9), detail
    # the table's range (a retried attempt counted once more at the high end) holds the measurement
    assert engine["low"][index] - 1e-9 <= real.checkpoints <= engine["high"][index] + 1e-9


def test_the_earlier_measurement(recorded: list[Recorded]) -> None:
    """Rows of operation_outputs 5, 6 and 4: five steps; three steps, a sleep and two steps; four
    steps of which the second fails once and is retried (a sleep is a row; a retried step one)."""
    assert [r.rows for r in recorded[:3]] == [5, 6, 4]
    assert [r.kinds for r in recorded[:3]] == [{"step": 5}, {"step": 5, "DBOS.sleep": 1}, {"step": 4}]
    assert [r.attempts for r in recorded[:3]] == [5, 5, 5]


def _by_shape(recorded: list[Recorded]) -> dict[Shape, Recorded]:
    return {r.shape: r for r in recorded}


def test_what_each_call_writes(recorded: list[Recorded]) -> None:
    """The rows per kind of call, from the shapes that have one kind each."""
    by = _by_shape(recorded)
    # a step retried under retries_allowed writes one row, however many attempts failed first
    for shape in (s for s in SHAPES if s.retries):
        real = by[shape]
        assert real.kinds.get("step", 0) == shape.steps and real.attempts == shape.steps + shape.retries
    # a durable sleep is a row
    assert by[Shape(steps=0, sleeps=2)].kinds == {"DBOS.sleep": 2}
    # a wait (DBOS.recv with a timeout) is two: the recv and its timeout's durable sleep, answered or not
    assert by[Shape(steps=0, waits=3)].kinds == {"DBOS.recv": 3, "DBOS.sleep": 3}
    assert by[Shape(steps=1, waits=1, answered=False)].kinds == {"step": 1, "DBOS.recv": 1, "DBOS.sleep": 1}
    # a child started and awaited: its start and its result in the parent; its own workflow and step
    for shape in (Shape(steps=0, children=2, input_bytes=300), Shape(steps=2, children=3, child_mode="call")):
        real = by[shape]
        assert real.kinds == {**({"step": shape.steps} if shape.steps else {}), "child": shape.children,
                              "DBOS.getResult": shape.children}  # fmt: skip
        assert real.workflows == 1 + shape.children and real.children_kinds == {"step": shape.children}


def test_probes_send_recv_child_start_and_zero_sleep(dbos_app: App) -> None:
    """Calls the profile has no field for: a child started and never awaited writes one row (no
    `DBOS.getResult`); `DBOS.send` from a workflow one; `DBOS.sleep(0)` none. A message sent from
    outside a workflow (the answer to a wait) writes no row and starts no workflow."""
    start, sends, zero = dbos_app.run(PROBES)
    assert start.kinds == {"child": 2} and start.workflows == 3 and start.children_kinds == {"step": 2}
    assert sends.kinds == {"DBOS.send": 2} and sends.checkpoints == 3
    assert zero.kinds == {"step": 1} and zero.checkpoints == 2

    workflows_before = dbos_app.query("SELECT count(*) FROM workflow_status")[0][0]
    rows_before = dbos_app.total_rows()
    (waited,) = dbos_app.run([Shape(steps=0, waits=1)])  # the test answers it with DBOS.send
    assert dbos_app.query("SELECT count(*) FROM workflow_status")[0][0] == workflows_before + 1
    assert dbos_app.total_rows() == rows_before + waited.rows == rows_before + 2


@pytest.mark.parametrize("index", range(len(SHAPES)), ids=IDS)
def test_dbos_stores_step_outputs_never_their_inputs(recorded: list[Recorded], index: int) -> None:
    """Recorded, not priced (no DBOS table bills storage): every step row, the children's
    included, holds exactly the step's output as DBOS's default serializer stores it, whatever
    the step's input and however the context grows."""
    real = recorded[index]
    shape = real.shape
    steps = shape.steps + (shape.children if shape.child_mode != "start" else 0)
    assert real.step_output_sizes == [stored("y" * shape.output_bytes)] * steps
    plain = Shape(steps=shape.steps, output_bytes=shape.output_bytes)
    by = _by_shape(recorded)
    if plain in by and shape != plain and not (shape.sleeps or shape.waits or shape.children):
        assert real.output_bytes == by[plain].output_bytes


def test_held_back_shape_counted_by_hand(dbos_app: App) -> None:
    """Seven steps (1,500-byte input growing 400 bytes a step, 700-byte output); steps 3 and 6
    each fail twice and are retried; two durable sleeps after step 4; one wait for a message (with
    a timeout), answered; two child workflows started and awaited, one step each.

        the workflow                                      1
        7 steps (4 failed attempts add no row)            7
        2 sleeps, a row each                              2
        1 wait: DBOS.recv + its timeout's DBOS.sleep      2
        2 children x (start + getResult in the parent
                      + the child's workflow + its step)  8
                                                        ---
        checkpoints per run                              20

    Stored step outputs: 9 step rows (7, and one per child) of 960 bytes each: base64 of the
    pickle of a 700-character string (2 protocol + 9 frame + 5 string header + 700 + 1 memo + 1
    stop = 718 bytes), 4 x ceil(718 / 3) = 960."""
    (real,) = dbos_app.run([HELD_BACK])
    assert real.checkpoints == 20
    assert real.rows == 7 + 2 + 2 + 2 * 2 and real.workflows == 1 + 2 and real.children_rows == 2
    assert real.attempts == 7 + 2 * 2
    assert real.step_output_sizes == [960] * 9
    assert conductor_checkpoints([HELD_BACK])[0] == pytest.approx(20, abs=1e-9)
    assert table_checkpoints([HELD_BACK], SELF_HOSTED)[0] == pytest.approx(20, abs=1e-9)


def test_nothing_phoned_home(dbos_app: App, recorded: list[Recorded]) -> None:
    """While DBOS launched and ran, no connection to another host was tried."""
    assert recorded and dbos_app.refused == []
