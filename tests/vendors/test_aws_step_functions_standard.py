"""AWS Step Functions (Standard): the vendor contract, state transitions as AWS counts and bills them
(every state and every retry, 4,000 free a month, $0.025 per 1,000; AWS's guide: 100K executions a
day x 10 transitions = $750/month), and the execution's limits (25,000 history events, one year)."""

from __future__ import annotations

import pytest

from model.engine import estimate
from model.result import summarize
from report.words import say
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.vendors.contract import VendorContract, newest_book

OPTION = "aws/step-functions-standard"
EXPRESS = "aws/step-functions-express"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
C = {k: v.expected for k, v in TABLE.counting.items()}
FREE = next(p for p in TABLE.plans if p.id == "standard").included["transitions"].expected
YEAR_SECONDS = 365 * 86_400


class TestAwsStepFunctionsStandard(VendorContract):
    option = OPTION


def _profile(**fields) -> WorkloadProfile:
    """An agent loop: per step a Task state and a Choice state deciding whether it goes on (a
    decision a step), with no retries, sleeps, waits or children unless given."""
    base = {
        "retry_rate": 0,
        "human_waits_per_run": 0,
        "sleeps_per_run": 0,
        "child_runs_per_run": 0,
        "decisions_per_step": 1.0,
    }
    return agent(**{**base, **fields})


def _transitions_line(profile: WorkloadProfile):
    return next(ln for ln in estimate(profile, BOOK, [OPTION]).option(OPTION).bill.lines if ln.key == "transitions")


def _price_per_transition() -> float:
    item = TABLE.prices["transitions"]
    assert item.unit.value == "USD/1k transitions"
    return item.expected / 1000


def _transitions_per_run(p: WorkloadProfile) -> float:
    """The agent loop as a state machine (the table's notes): per step a Task state (a transition per
    attempt, retries included) and the profile's decisions (a Choice state each); a Wait state per
    sleep; a Task state waiting for a task token per human wait; a Task state starting each child
    (.sync) and the child's own state, a transition per attempt."""
    attempts = 1 + p.retry_rate
    return (
        p.steps_per_run
        * (attempts * C["transitions_per_task_attempt"] + p.decisions_per_step * C["transitions_per_decision"])
        + p.sleeps_per_run * C["transitions_per_wait"]
        + p.human_waits_per_run * C["transitions_per_callback"]
        + p.child_runs_per_run * (C["transitions_per_child_start"] + attempts * C["transitions_per_child_step"])
    )


# --- Prices and the free tier --------------------------------------------------------------------


def test_a_plain_chain_of_steps_is_a_transition_a_step():
    """A chain of five Task states enters five states (moto's emulation of Step Functions: five
    transitions, one more for a retried step); a Choice state per step doubles them."""
    chain = _profile(monthly_runs=1, steps_per_run=5, decisions_per_step=0.0)
    lines = {ln.key: ln for ln in estimate(chain, BOOK, [OPTION]).option(OPTION).bill.lines}
    assert estimate(chain, BOOK, [OPTION]).option(OPTION).bill.quantities["transitions"][0] == 5
    looped = chain.model_copy(update={"decisions_per_step": 1.0})
    assert estimate(looped, BOOK, [OPTION]).option(OPTION).bill.quantities["transitions"][0] == 10
    retried = chain.model_copy(update={"retry_rate": 0.2})  # one retry in five steps
    assert estimate(retried, BOOK, [OPTION]).option(OPTION).bill.quantities["transitions"][0] == pytest.approx(6)
    assert "transitions" in lines


def test_price_and_free_tier_are_as_published():
    # "$0.025 per 1,000 state transitions" in us-east-1; "4,000 free state transitions per month".
    assert _price_per_transition() == pytest.approx(0.000025)
    assert FREE == 4000
    assert TABLE.plans[0].fee.expected == 0
    regional = {alt.note.split(" ")[0]: alt.value for alt in TABLE.prices["transitions"].alternatives}
    assert regional["sa-east-1"] == 0.0375 and regional["us-west-1"] == 0.0279


def test_aws_guide_100k_executions_a_day_of_10_transitions_is_750_a_month():
    """AWS's startup guide (Cost Traps): 100K executions/day x 10 transitions = $750/month, over a
    30-day month: 30M transitions x $0.025/1,000 = $750, less the 4,000 free ($0.10) = $749.90.

    Ten transitions a run: three steps (a Task and a Choice state each: 6), one Wait state, one
    Task state waiting for a task token, and one child execution (.sync: its Task state and the
    child's own state: 2)."""
    runs = 100_000 * 30
    profile = _profile(
        monthly_runs=runs,
        steps_per_run=3,
        sleeps_per_run=1,
        sleep_seconds=60,
        human_waits_per_run=1,
        human_wait_seconds=600,
        child_runs_per_run=1,
    )
    assert _transitions_per_run(profile) == 10
    line = _transitions_line(profile)
    assert line.quantity[0] == runs * 10 - FREE
    assert line.cost[0] == pytest.approx((runs * 10 - FREE) * _price_per_transition())
    assert line.cost[0] == pytest.approx(750, abs=0.5)
    assert line.cost[0] == pytest.approx(749.90, abs=0.005)


def test_the_same_ten_transitions_as_five_plain_steps():
    line = _transitions_line(_profile(monthly_runs=3_000_000, steps_per_run=5))
    assert line.quantity[0] == 30_000_000 - FREE
    assert line.cost[0] == pytest.approx(749.90, abs=0.005)


def test_the_free_tier_comes_off_first_and_is_monthly():
    per_run = _transitions_per_run(_profile(steps_per_run=5))  # 10
    under = _profile(monthly_runs=FREE / per_run, steps_per_run=5)  # exactly 4,000 transitions
    over = _profile(monthly_runs=FREE / per_run + 1, steps_per_run=5)
    assert _transitions_line(under).cost[0] == 0
    line = _transitions_line(over)
    assert line.quantity[0] == pytest.approx(per_run)
    assert line.cost[0] == pytest.approx(per_run * _price_per_transition())


def test_the_price_is_shown_as_aws_quotes_it():
    out = summarize(estimate(_profile(monthly_runs=10_000, steps_per_run=5), BOOK, [OPTION])).options[0]
    line = next(c for c in out.components if c.key == "transitions")
    assert (line.price_unit, line.quoted_unit) == ("USD/transition", "USD/1k transitions")
    assert line.unit_price == pytest.approx(_price_per_transition())
    assert out.plan == "Pay as you go"


# --- What a transition is ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"steps_per_run": 50},
        {"steps_per_run": 50, "retry_rate": 0.1},
        {
            "steps_per_run": 7,
            "retry_rate": 2.0,
            "sleeps_per_run": 3,
            "sleep_seconds": 5,
            "human_waits_per_run": 2,
            "child_runs_per_run": 4,
        },
        {"steps_per_run": 0, "human_waits_per_run": 1},
    ],
)
def test_transitions_count_every_state_the_run_enters(fields):
    p = _profile(monthly_runs=100_000, **fields)
    line = _transitions_line(p)
    assert line.quantity[0] == pytest.approx(max(100_000 * _transitions_per_run(p) - FREE, 0.0))


def test_each_retry_is_billed_as_a_transition():
    # "If you include retry error handling in any steps of your workflow, each retry will be
    # charged as an additional state transition."
    runs, steps = 100_000, 10
    plain = _transitions_line(_profile(monthly_runs=runs, steps_per_run=steps))
    retried = _transitions_line(_profile(monthly_runs=runs, steps_per_run=steps, retry_rate=0.5))
    assert retried.quantity[0] - plain.quantity[0] == pytest.approx(runs * steps * 0.5)
    assert retried.cost[0] - plain.cost[0] == pytest.approx(runs * steps * 0.5 * _price_per_transition())


def test_a_wait_is_one_transition_however_long():
    short = _profile(monthly_runs=100_000, steps_per_run=5, sleeps_per_run=2, sleep_seconds=1)
    long = short.model_copy(update={"sleep_seconds": 30 * 86_400})
    waited = short.model_copy(update={"sleeps_per_run": 0, "human_waits_per_run": 2, "human_wait_seconds": 86_400})
    lines = [_transitions_line(p) for p in (short, long, waited)]
    assert lines[0].quantity[0] == lines[1].quantity[0] == lines[2].quantity[0] == 100_000 * 12 - FREE
    assert lines[0].cost[0] == lines[1].cost[0]


def test_step_time_does_not_change_the_transitions():
    fast = _transitions_line(_profile(monthly_runs=100_000, steps_per_run=20, step_seconds=0.1))
    slow = _transitions_line(_profile(monthly_runs=100_000, steps_per_run=20, step_seconds=600))
    assert fast.cost[0] == slow.cost[0] > 0


# --- Execution history: 25,000 events -------------------------------------------------------------


def _events_per_run(p: WorkloadProfile) -> float:
    """ExecutionStarted and ExecutionSucceeded; per step a Task state (Entered, Exited, and a task's
    Scheduled, Started, Succeeded or Failed per attempt) and a Choice state (Entered, Exited); a
    Wait state per sleep; a task-token Task state per wait and per child."""
    state, attempt = C["events_per_state"], C["events_per_task_attempt"]
    return (
        C["events_per_execution"]
        + p.steps_per_run * ((1 + p.decisions_per_step) * state + (1 + p.retry_rate) * attempt)
        + p.sleeps_per_run * state
        + (p.human_waits_per_run + p.child_runs_per_run) * (state + attempt)
    )


def _first_step_past(p: WorkloadProfile, limit: float) -> int:
    """Walk the run step by step: the first step after which its history has more than `limit` events."""
    n = 0
    while True:
        n += 1
        if _events_per_run(p.model_copy(update={"steps_per_run": n})) > limit:
            return n


def test_a_one_step_run_records_aws_events():
    # A Lambda Task state's history in AWS's docs: ExecutionStarted, TaskStateEntered,
    # LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded, TaskStateExited,
    # ExecutionSucceeded (7); the loop's Choice state adds ChoiceStateEntered and ChoiceStateExited.
    out = summarize(estimate(_profile(steps_per_run=1), BOOK, [OPTION])).options[0]
    assert out.history is not None
    assert out.history.events_per_run == 9 == _events_per_run(_profile(steps_per_run=1))
    plain = _profile(steps_per_run=1, decisions_per_step=0.0)
    assert summarize(estimate(plain, BOOK, [OPTION])).options[0].history.events_per_run == 7


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"retry_rate": 0.1},
        {"retry_rate": 1.0, "human_waits_per_run": 2, "sleeps_per_run": 5, "sleep_seconds": 60},
        {"child_runs_per_run": 3},
    ],
)
def test_the_step_that_passes_25000_events_is_projected(fields):
    limit = TABLE.limits["history_events"].expected
    assert limit == 25_000
    p = _profile(steps_per_run=10, **fields)
    first = _first_step_past(p, limit)
    out = summarize(estimate(p, BOOK, [OPTION])).options[0]
    events = next(x for x in out.limits if x.id == "history_events")
    assert events.steps_until_limit == first
    assert out.history.steps_until_event_limit == first
    assert events.value == pytest.approx(_events_per_run(p))
    assert not events.exceeded


def test_a_run_past_25000_events_is_flagged_at_that_step():
    p = _profile(steps_per_run=3571)  # 2 + 7 x 3,571 = 24,999 events: inside
    past = _profile(steps_per_run=3572)  # 25,006: past
    assert _first_step_past(p, 25_000) == 3572
    inside, over = (summarize(estimate(x, BOOK, [OPTION])).options[0] for x in (p, past))
    assert inside.history.events_per_run == 24_999 and not inside.history.exceeds_limit
    assert over.history.events_per_run == 25_006 and over.history.exceeds_limit
    # Past it the option is ruled out (no design of the table splits a run), at that step.
    assert inside.fit.status == "fits" and over.fit.status == "ruled_out"
    (reason,) = over.fit.reasons
    assert (reason.code, reason.data["limit"], reason.data["step"]) == ("limit_passed", "history_events", 3572)
    assert "25,000 events" in say(reason) and "step 3,572" in say(reason)


# --- One year at most ----------------------------------------------------------------------------


def test_a_run_of_a_year_is_allowed_and_longer_is_not():
    # "Maximum execution time: 1 year." Ten 1 s steps and a wait for a person filling the rest.
    limit = TABLE.limits["max_duration_days"]
    assert (limit.expected, limit.unit.value) == (365, "days")
    year = _profile(steps_per_run=10, step_seconds=1, human_waits_per_run=1, human_wait_seconds=YEAR_SECONDS - 10)
    longer = year.model_copy(update={"human_wait_seconds": YEAR_SECONDS - 9})
    result = estimate([year, longer], BOOK, [OPTION])
    option = result.option(OPTION)
    assert option.applicable.tolist() == [True, False]
    duration = next(x for x in option.limits if x.id == "max_duration_days")
    assert duration.limit == YEAR_SECONDS
    assert duration.value.tolist() == [YEAR_SECONDS, YEAR_SECONDS + 1]
    out = summarize(result, 1).options[0]
    assert out.applicable is False and out.fit.status == "ruled_out"
    assert [r.data["advice"] for r in out.fit.reasons] == ["A Standard execution runs at most a year."]
    # within a year, the run's length does not change the bill: it is priced by transitions
    transitions = next(ln for ln in option.bill.lines if ln.key == "transitions")
    assert transitions.cost[0] == transitions.cost[1]


def test_standard_takes_what_express_cannot():
    long = _profile(
        monthly_runs=10_000,
        steps_per_run=40,
        step_seconds=10,
        human_waits_per_run=1,
        human_wait_seconds=86_400,
        child_runs_per_run=1,
    )
    out = summarize(estimate(long, BOOK, [OPTION, EXPRESS]))
    standard, express = (next(o for o in out.options if o.id == i) for i in (OPTION, EXPRESS))
    assert standard.applicable and not express.applicable
    assert out.cheapest == OPTION
