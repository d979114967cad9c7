"""The engine's state transitions for AWS Step Functions (Standard) against moto's emulation of it
(moto 5.2.6, in-process; see `tests.calibration.sfn_harness`), over state machines of the shapes an
agent takes: chains of Task states, Wait states, retried steps, the agent loop (a Choice state per
step), task-token callbacks, child executions, a Map state, and payloads up to the 256 KiB limit.

What is compared. AWS bills "a state transition each time a step of your workflow is executed ...
including retries", "each retry will be charged as an additional state transition" (its pricing
page, aws.amazon.com/step-functions/pricing: the table's `sf-price`). Read off a history, that is
every `*StateEntered` event, plus every Task attempt after a state's first (moto, like AWS's
history, records a retry as TaskFailed and a new TaskScheduled inside the same state, not as a
state entered), plus the child executions' own. The engine's figure is the `transitions` quantity
of option aws/step-functions-standard (`model/vendors/aws.py` holds only Express's GB-hours;
Standard's transitions are the table's `quantities.transitions`: each step attempt, each decision,
each Wait, each callback, each child's start and each attempt of its step, one transition apiece).

moto emulates AWS; it is not AWS. A match here says our counting agrees with the emulator's
reading of the States Language, not with an AWS bill. Where the emulation is known to differ from
AWS:

- retries: moto records each (TaskFailed, then TaskScheduled and TaskStarted again) but enters no
  state for it and bills nothing; that each is a billed transition is the pricing page's word, which
  the harness applies when it reads a history (`Recorded.transitions`);
- moto 5.2.6's `states:startExecution` integration passes the States Language's parameter names
  (`StateMachineArn`) to boto unchanged and fails with States.Runtime (KeyError 'StateMachineArn'),
  so no `.sync` child runs. The harness starts each child through the AWS SDK integration with a
  task token (`aws-sdk:sfn:startExecution.waitForTaskToken`, boto's own parameter names) and
  completes the token when the child ends: the parent's one Task state and the child's own states,
  as with `.sync`, but the wait for the child is the harness's, not moto's;
- the 256 KiB payload limit: moto accepts a larger execution input and fails the execution at the
  first state whose output passes the limit; AWS's quota (262,144 bytes) covers the execution's
  input too, so AWS would refuse the start itself;
- Wait states and retry intervals really sleep in moto (1 s, and 0 to 1 s with full jitter); no
  state's duration changes what it counts.
"""

from __future__ import annotations

import numpy as np
import pytest

from model.columns import Columns, profiles_frame
from model.engine import estimate
from model.history import history_of
from model.limits import project_limits
from model.usage import Usage
from model.workload import workload
from pricing.load import read_pricebook
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.calibration.sfn_harness import Recorded, Shape, run_shapes

pytestmark = pytest.mark.xdist_group("moto")
"""The engine starts once a test run: every test of it on one worker (`make test`: --dist loadgroup)."""

OPTION = "aws/step-functions-standard"
RUNS = 1000
LIMIT_BYTES = 256 * 1024

SHAPES = [
    # chains of Task states
    Shape("chain-1", steps=1),
    Shape("chain-5", steps=5),
    Shape("chain-12", steps=12),
    # Wait states: between steps, after them
    Shape("wait-3-1-2", steps=5, sleeps=1, sleep_after=3),
    Shape("wait-2-3", steps=2, sleeps=3),
    # steps that fail some attempts first, under a Retry
    Shape("retry-4-s2x1", steps=4, failures=(0, 1)),
    Shape("retry-3-s1x2", steps=3, failures=(2,)),
    Shape("retry-5-mixed", steps=5, failures=(1, 0, 2, 0, 1)),
    # the agent loop: a Task state re-entered each step and a Choice state after it
    Shape("loop-1", steps=1, loop=True),
    Shape("loop-5", steps=5, loop=True),
    Shape("loop-4-wait-callback", steps=4, loop=True, sleeps=1, callbacks=1),
    # waits for a person (a task token)
    Shape("callback-2-1", steps=2, callbacks=1),
    Shape("callback-1-3", steps=1, callbacks=3),
    # child executions
    Shape("child-1", steps=1, children=1),
    Shape("child-2-retried", steps=1, failures=(1,), children=2, child_failures=1),
    # a Map state over items, each iteration one Task state
    Shape("map-3", map_items=3),
    Shape("map-8", map_items=8),
    # payloads carried through every state, the largest just under 256 KiB
    Shape("payload-1k", steps=3, payload_bytes=1_000),
    Shape("payload-100k", steps=3, payload_bytes=100_000),
    Shape("payload-250k", steps=2, payload_bytes=250_000),
    # the presets, scaled down: a coding agent (retries, a person), a deep-research agent (a loop,
    # sleeps, a sub-agent), a background agent (a chain and a sleep)
    Shape("coding", steps=8, failures=(0, 0, 1, 0, 0, 0, 0, 1), callbacks=1),
    Shape("research", steps=6, loop=True, sleeps=2, children=1),
    Shape("background", steps=10, sleeps=1, sleep_after=5),
]

HELD_BACK = Shape("held-back", steps=7, failures=(0, 0, 2, 0, 0, 1, 0), sleeps=2, sleep_after=4, callbacks=1)
"""Not in the catalogue above (nothing was tuned on it); its count is worked out by hand."""

OVER_LIMIT = Shape("payload-270k", steps=2, payload_bytes=270_000)
"""A state's data past 256 KiB: the execution fails."""

ALL = [*SHAPES, HELD_BACK, OVER_LIMIT]


def profile_of(shape: Shape) -> WorkloadProfile:
    """The profile that describes a shape. A Map's iterations are steps and the Map state a decision
    (a state entered once, between steps, that runs no step); a loop's Choice states are one decision
    a step. A child's step is retried at the profile's retry rate, as the parent's are."""
    steps = shape.steps + shape.map_items
    decisions = (shape.steps if shape.loop else 0) + (1 if shape.map_items else 0)
    retry_rate = sum(shape.failures) / steps
    if shape.children:
        assert shape.child_failures == retry_rate, "a child's step fails as often as the parent's"
    return agent(
        monthly_runs=RUNS,
        steps_per_run=steps,
        step_seconds=0.001,
        retry_rate=retry_rate,
        decisions_per_step=decisions / steps,
        sleeps_per_run=shape.sleeps,
        sleep_seconds=1,
        human_waits_per_run=shape.callbacks,
        human_wait_seconds=1,
        child_runs_per_run=shape.children,
        step_payload_kb=shape.payload_bytes / 1024,
    )


def uncounted(shape: Shape) -> int:
    """States a run enters that the engine's design leaves out: a loop's Choice cannot end an
    execution, so a loop with nothing after it ends in a Succeed state (one state entered); where
    other states follow (the table's design: the loop, then the Wait states, the callbacks and the
    children), the last Choice goes on to them and the count is exact."""
    alone = not (shape.sleeps or shape.callbacks or shape.children or shape.map_items)
    return 1 if shape.loop and alone else 0


# Once a run: the runs' records are plain data, holding no live thread (a module fixture is built
# again each time an xdist worker comes back to this module).
@pytest.fixture(scope="session")
def recorded() -> dict[str, Recorded]:
    return {r.shape.name: r for r in run_shapes(ALL)}


@pytest.fixture(scope="module")
def engine_transitions() -> dict[str, float]:
    """Transitions per run, as the engine bills them (before the free tier)."""
    priced = estimate([profile_of(s) for s in ALL], read_pricebook(), [OPTION]).option(OPTION)
    per_run = priced.bill.quantities["transitions"] / RUNS
    return {s.name: float(per_run[i]) for i, s in enumerate(ALL)}


def test_the_catalogue():
    assert len(SHAPES) >= 20 and len({s.name for s in ALL}) == len(ALL)
    kinds = {
        "chain": any(s.steps and not (s.failures or s.loop or s.sleeps) for s in SHAPES),
        "wait": any(s.sleeps and not s.loop for s in SHAPES),
        "retry": any(s.failures for s in SHAPES),
        "loop": any(s.loop for s in SHAPES),
        "callback": any(s.callbacks for s in SHAPES),
        "child": any(s.children for s in SHAPES),
        "map": any(s.map_items for s in SHAPES),
        "payload": any(s.payload_bytes > 100_000 for s in SHAPES),
    }
    assert all(kinds.values()), kinds


def test_every_execution_runs_to_its_end(recorded):
    for shape in [*SHAPES, HELD_BACK]:
        real = recorded[shape.name]
        assert real.status == "SUCCEEDED", (shape.name, real.kinds())
        assert real.children_status == ["SUCCEEDED"] * shape.children
        assert real.events[0] == "ExecutionStarted" and real.events[-1] == "ExecutionSucceeded"


@pytest.mark.parametrize("name", [s.name for s in SHAPES])
def test_transitions_match_the_emulator(recorded, engine_transitions, name):
    """Exact: the engine's transitions a run are what moto's histories hold, states entered and
    retries, the children's included, but for the one state the engine's design leaves out (a
    lone loop's Succeed state)."""
    real = recorded[name]
    extra = uncounted(real.shape)
    assert engine_transitions[name] + extra == pytest.approx(real.transitions, abs=1e-9), real.kinds()
    assert real.kinds().get("SucceedStateEntered", 0) == extra


def test_the_earlier_measurements(recorded, engine_transitions):
    """What moto 5.2.5 recorded before (a plain chain of five steps 5; three steps, a Wait and two
    steps 6; four steps, the second retried once, 4 states entered and a retry: 5), and the engine
    now says the same. Before the table counted a Choice state per step whatever the design, it said
    10, 11 and 9. The agent loop of five steps enters 5 Task + 5 Choice + 1 Succeed = 11 states here:
    the earlier harness's 12 had one state more (this loop keeps its counter in DynamoDB, so no state
    sets it up); the engine says 10, with no terminal state (`uncounted`)."""
    assert [recorded[n].states_entered for n in ("chain-5", "wait-3-1-2", "retry-4-s2x1")] == [5, 6, 4]
    assert recorded["retry-4-s2x1"].retries == 1
    assert [recorded[n].transitions for n in ("chain-5", "wait-3-1-2", "retry-4-s2x1")] == [5, 6, 5]
    assert [engine_transitions[n] for n in ("chain-5", "wait-3-1-2", "retry-4-s2x1")] == pytest.approx([5, 6, 5])
    assert recorded["loop-5"].states_entered == 11 and engine_transitions["loop-5"] == pytest.approx(10)
    assert recorded["loop-5"].kinds()["ChoiceStateEntered"] == 5


def test_a_retry_enters_no_state_but_is_billed(recorded):
    """moto records a retried step as one state entered with one TaskScheduled per attempt: its
    history alone would not bill the retry. AWS's pricing page does ("each retry will be charged as
    an additional state transition"), and so does the engine (`transitions_per_task_attempt`)."""
    for name in ("retry-4-s2x1", "retry-3-s1x2", "retry-5-mixed"):
        real = recorded[name]
        kinds = real.kinds()
        assert kinds["TaskStateEntered"] == real.shape.steps
        assert kinds["TaskScheduled"] == real.shape.steps + sum(real.shape.failures)
        assert kinds["TaskFailed"] == sum(real.shape.failures)
        assert real.transitions == real.states_entered + sum(real.shape.failures)
    child = recorded["child-2-retried"]
    assert child.child_states_entered == 2 and child.child_retries == 2


def test_the_held_back_shape_by_hand(recorded, engine_transitions):
    """Seven Task states, the third failing twice and the sixth once before they succeed, two Wait
    states after the fourth, then a Task state waiting for a person's answer:

        7 Task states entered                 7
      + 2 + 1 retries, one transition each    3
      + 2 Wait states                         2
      + 1 callback Task state                 1
                                            = 13 transitions a run

    The engine's profile: 7 steps at a retry rate of 3/7 (7 x (1 + 3/7) = 10 attempts), 2 sleeps,
    1 human wait: 10 + 2 + 1 = 13. In moto's history: 10 states entered (7 + 2 + 1) and 11 TaskScheduled
    (the steps' 10 attempts and the callback's one), so 13 = 10 + (11 - 8 Task states entered)."""
    by_hand = 7 + 3 + 2 + 1
    real = recorded[HELD_BACK.name]
    assert real.states_entered == 10 and real.kinds()["TaskScheduled"] == 11
    assert real.transitions == by_hand
    assert engine_transitions[HELD_BACK.name] == pytest.approx(by_hand)


def test_the_payload_limit_matches_the_emulator(recorded):
    """moto records the payload in every state's input and output and counts the same transitions
    whatever its size; a state's data past 256 KiB fails the execution (States.DataLimitExceeded),
    where the engine's payload limit (the table's `payload_kb`, 256 KB) is crossed too."""
    for name in ("payload-1k", "payload-100k", "payload-250k"):
        real = recorded[name]
        assert real.transitions == real.shape.steps
        assert real.shape.payload_bytes < real.largest_payload < real.shape.payload_bytes + 100 < LIMIT_BYTES
    over = recorded[OVER_LIMIT.name]
    assert (over.status, over.error) == ("FAILED", "States.DataLimitExceeded")
    assert over.largest_payload > LIMIT_BYTES

    table = read_pricebook().table(OPTION)
    shapes = [next(s for s in ALL if s.name == n) for n in ("payload-250k", OVER_LIMIT.name)]
    usage = Usage(workload(Columns(profiles_frame([profile_of(s) for s in shapes]))), table, "expected")
    payload = next(p for p in project_limits(usage) if p.spec.id == "payload_kb")
    assert payload.limit == LIMIT_BYTES
    assert list(payload.exceeded) == [False, True]


def test_history_events_within_the_tables_range(recorded):
    """The history the engine projects (the 25,000-event limit is read against it) against moto's:
    exact for chains, Wait states, retries and a loop's Choice states; moto records more for a lone
    loop's Succeed state (2 events, the state the engine leaves out) and a TaskSubmitted event for
    each Task state that waits for a token (callbacks, and the children started here that way;
    TaskSubmitted is one of the event types AWS's HistoryEvent reference lists), one event more than
    the table's expected 5 for such a state and within its high end (`events_per_task_attempt` 3 to
    5). A Map's own events (MapStateStarted, MapIteration*) are not in the engine's design."""
    shapes = [s for s in [*SHAPES, HELD_BACK] if not s.map_items]
    table = read_pricebook().table(OPTION)
    frame = profiles_frame([profile_of(s) for s in shapes])
    expected = history_of(Usage(workload(Columns(frame)), table, "expected")).events_per_run
    high = history_of(Usage(workload(Columns(frame)), table, "high")).events_per_run
    for i, shape in enumerate(shapes):
        real = recorded[shape.name]
        extra = 2 * uncounted(shape) + shape.callbacks + shape.children
        assert real.kinds().get("TaskSubmitted", 0) == shape.callbacks + shape.children
        assert float(expected[i]) + extra == pytest.approx(len(real.events), abs=1e-9), real.kinds()
        if not uncounted(shape):
            assert len(real.events) <= float(high[i])
    assert np.all(np.isfinite(expected))
