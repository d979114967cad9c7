"""AWS Step Functions (Express): the vendor contract, the worked example on AWS's pricing page (100M
executions of 10 s at 64 MB = $482.97), the billing granules (duration rounded up to 100 ms, memory
in 64 MB chunks) and the limits that rule Express out (five minutes, no .waitForTaskToken, no .sync)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.columns import Columns, profiles_frame
from model.engine import estimate
from model.result import summarize
from model.usage import Usage
from model.workload import workload
from report.option_words import fit_reasons
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.strategies import profiles
from tests.vendors.contract import VendorContract, newest_book

OPTION = "aws/step-functions-express"
STANDARD = "aws/step-functions-standard"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
COUNTING = {k: v.expected for k, v in TABLE.counting.items()}
FIVE_MINUTES = 300.0


class TestAwsStepFunctionsExpress(VendorContract):
    option = OPTION


def test_the_limits_that_allow_none_are_zero(presets):
    """Express allows no callback and no awaited child: those limits are 0 (the contract allows a 0)."""
    out = summarize(estimate(presets["deep-research"], BOOK, [OPTION])).options[0]
    zero = {x.id for x in out.limits if x.limit == 0}
    assert zero == {"callbacks", "awaited_children"}


def _profile(**fields) -> WorkloadProfile:
    """A run with nothing but its steps: no retries, sleeps, waits or children unless given."""
    base = {"retry_rate": 0, "human_waits_per_run": 0, "sleeps_per_run": 0, "child_runs_per_run": 0}
    return agent(**{**base, **fields})


def _lines(profile: WorkloadProfile) -> dict:
    return {ln.key: ln for ln in estimate(profile, BOOK, [OPTION]).option(OPTION).bill.lines}


def _request_price() -> float:
    """USD per request, from the table's price per million."""
    item = TABLE.prices["requests"]
    assert item.unit.value == "USD/1M requests"
    return item.expected / 1e6


def _graduated(gb_hours: float) -> float:
    """The month's GB-hours on AWS's graduated tiers (each band's price inside that band only)."""
    cost, lower = 0.0, 0.0
    for tier in TABLE.prices["duration"].tiers:
        upper = math.inf if tier.up_to is None else tier.up_to
        cost += max(min(gb_hours, upper) - lower, 0.0) * tier.price
        lower = upper
    return cost


# --- AWS's worked example ------------------------------------------------------------------------


def test_pricing_page_example_100m_executions_of_10_s_at_64_mb():
    """AWS's pricing page: "If you run 100 million workflows each month, and the average duration
    of the workflows is 10 seconds" at 64 MB billed memory: requests 100M x $1.00/M = $100.00;
    1,000,000,000 s x 64/1024 GB = 62,500,000 GB-s = 17,361.11 GB-hours; $0.06 x 1,000 + $0.03 x
    4,000 + $0.01642 x 12,361.11 = $60.00 + $120.00 + $202.97 = $382.97; total $482.97.

    The engine bills each execution's wall time (steps x step time) and memory of 50 MB + the
    definition + the largest payload a step carries: one step of exactly 10 s (already a multiple
    of 100 ms) with an 8 KB payload is 50 MB + 28 KB, which is billed as one 64 MB chunk."""
    runs, seconds, memory_gb = 100e6, 10.0, 64 / 1024
    profile = _profile(monthly_runs=runs, steps_per_run=1, step_seconds=seconds, step_payload_kb=8)
    lines = _lines(profile)

    # the published arithmetic, from the table's prices
    gb_hours = runs * seconds * memory_gb / 3600
    assert gb_hours == pytest.approx(17_361.11, abs=0.01)
    assert _graduated(gb_hours) == pytest.approx(382.97, abs=0.01)
    assert runs * _request_price() == pytest.approx(100.00, abs=0.01)

    # the engine: quantities and cost of each vendor line
    assert lines["requests"].quantity[0] == runs
    assert lines["requests"].cost[0] == pytest.approx(100.00, abs=0.01)
    assert lines["duration"].quantity[0] == pytest.approx(17_361.11, abs=0.01)
    assert lines["duration"].cost[0] == pytest.approx(382.97, abs=0.01)
    out = summarize(estimate(profile, BOOK, [OPTION])).options[0]
    assert out.applicable
    assert out.subtotals["vendor"] == pytest.approx(482.97, abs=0.01)


def test_the_same_10_s_split_over_many_steps_bills_the_same():
    # Duration is the execution's, start to finish: five steps of 2 s are the example's 10 s too.
    one = _lines(_profile(monthly_runs=100e6, steps_per_run=1, step_seconds=10))
    five = _lines(_profile(monthly_runs=100e6, steps_per_run=5, step_seconds=2))
    assert five["duration"].quantity[0] == pytest.approx(one["duration"].quantity[0], rel=1e-12)
    assert five["requests"].quantity[0] == one["requests"].quantity[0] == 100e6


# --- The granules: 100 ms and 64 MB ---------------------------------------------------------------

# 57,600 runs of a 64 MB (1/16 GB) execution: GB-hours = 57,600 x s / 16 / 3,600 = s, the billed
# seconds of one execution.
ONE_GBH_PER_SECOND = 57_600


@pytest.mark.parametrize(
    ("steps", "step_seconds", "billed"),
    [
        (1, 10.0, 10.0),  # already a multiple of 100 ms: not rounded further
        (1, 10.01, 10.1),  # 10.01 s rounds up to 10.1 s
        (1, 9.93, 10.0),
        (1, 0.001, 0.1),  # a 1 ms execution is billed 100 ms
        (0, 0.0, 0.1),  # an execution that does nothing still bills 100 ms
        (3, 0.05, 0.2),  # 150 ms -> 200 ms: the execution is rounded, not each step
        (4, 2.525, 10.1),
    ],
)
def test_duration_is_rounded_up_to_100_ms_per_execution(steps, step_seconds, billed):
    assert COUNTING["duration_granule_seconds"] == 0.1
    line = _lines(_profile(monthly_runs=ONE_GBH_PER_SECOND, steps_per_run=steps, step_seconds=step_seconds))
    assert line["duration"].quantity[0] == pytest.approx(billed, rel=1e-9)


def test_sleeps_are_billed_as_duration():
    # A Wait state inside an Express run is part of its duration (up to the five minutes).
    plain = _lines(_profile(monthly_runs=ONE_GBH_PER_SECOND, steps_per_run=2, step_seconds=5))
    slept = _lines(
        _profile(monthly_runs=ONE_GBH_PER_SECOND, steps_per_run=2, step_seconds=5, sleeps_per_run=2, sleep_seconds=30)
    )
    assert plain["duration"].quantity[0] == pytest.approx(10.0)
    assert slept["duration"].quantity[0] == pytest.approx(70.0)
    assert slept["requests"].quantity[0] == plain["requests"].quantity[0]


def test_retries_lengthen_the_execution_but_are_not_requests():
    plain = _lines(_profile(monthly_runs=ONE_GBH_PER_SECOND, steps_per_run=10, step_seconds=1))
    retried = _lines(_profile(monthly_runs=ONE_GBH_PER_SECOND, steps_per_run=10, step_seconds=1, retry_rate=0.5))
    assert retried["duration"].quantity[0] == pytest.approx(15.0)
    assert retried["requests"].quantity[0] == plain["requests"].quantity[0] == ONE_GBH_PER_SECOND


def test_memory_is_billed_in_64_mb_chunks():
    """Memory = 50 MB + definition + execution data; billed in 64 MB chunks. With the table's
    definition, execution data up to (64 - 50) MB - definition fits one chunk; a KB more takes two.
    (Data that large is past the 256 KB payload quota: only Map or Parallel states multiply data
    that far on AWS; the engine takes the largest payload a step carries as the execution data.)"""
    base, chunk, definition = COUNTING["memory_base_mb"], COUNTING["memory_granule_mb"], COUNTING["definition_kb"]
    assert (base, chunk) == (50, 64)
    fits = (chunk - base) * 1024 - definition  # KB of data that fill one chunk exactly
    seconds = 1.0

    def billed_gb(payload_kb: float) -> float:
        # The billing rule itself, on the run as profiled (the engine would price a payload past
        # 256 KB as the payloads-in-S3 design, whose execution data is a reference: see below).
        profile = _profile(monthly_runs=3600, steps_per_run=1, step_seconds=seconds, step_payload_kb=payload_kb)
        u = Usage(workload(Columns(profiles_frame(profile))), TABLE, "expected")
        return u.monthly("gb_hours")[0] / seconds  # 3,600 runs of 1 s: GB-hours = billed GB

    assert billed_gb(0) == pytest.approx(64 / 1024)
    assert billed_gb(256) == pytest.approx(64 / 1024)  # the largest payload AWS accepts
    assert billed_gb(fits) == pytest.approx(64 / 1024)
    assert billed_gb(fits + 1) == pytest.approx(128 / 1024)
    assert billed_gb(fits + 64 * 1024) == pytest.approx(128 / 1024)
    assert billed_gb(fits + 64 * 1024 + 1) == pytest.approx(192 / 1024)


def test_growing_context_counts_the_largest_payload_as_execution_data():
    # Step n carries 8 + 100 (n - 1) KB: the last of 200 steps carries 19,908 KB, past one chunk.
    steps, payload, growth = 200, 8.0, 100.0
    largest = payload + growth * (steps - 1)
    memory_mb = COUNTING["memory_base_mb"] + (COUNTING["definition_kb"] + largest) / 1024
    chunks = math.ceil(memory_mb / COUNTING["memory_granule_mb"])
    assert chunks == 2
    profile = _profile(
        monthly_runs=3600, steps_per_run=steps, step_seconds=0.5, step_payload_kb=payload, context_growth_kb=growth
    )
    u = Usage(workload(Columns(profiles_frame(profile))), TABLE, "expected")
    assert u.monthly("gb_hours")[0] == pytest.approx(steps * 0.5 * chunks * 64 / 1024)
    # As priced, such a run passes the 256 KB payload quota, so it keeps the conversation in S3:
    # the execution data is a reference and one chunk is billed, beside the bucket's own lines.
    priced = estimate(profile, BOOK, [OPTION]).option(OPTION)
    assert priced.design.tolist() == ["by-reference"]
    lines = {ln.key: ln for ln in priced.bill.lines}
    assert lines["duration"].quantity[0] == pytest.approx(steps * 0.5 * 1 * 64 / 1024)
    assert lines["store_storage"].quantity[0] > 0 and lines["store_writes"].quantity[0] == 3600 * steps


def test_memory_example_on_the_pricing_page_is_one_chunk():
    """AWS: a 50 KB definition and 400 Map steps of 32 KB: 50 MB + 50 KB + 12,800 KB = 62.85 MB,
    billed as 64 MB. The table's high definition is that 50 KB; the engine has no Map state, so the
    12,800 KB of execution data is given as the payload."""
    assert TABLE.counting["definition_kb"].pick("high") == 50
    profile = _profile(monthly_runs=3600, steps_per_run=1, step_seconds=1, step_payload_kb=32 * 400)
    u = Usage(workload(Columns(profiles_frame(profile))), TABLE, "high")
    assert u.monthly("gb_hours")[0] == pytest.approx(64 / 1024)


def test_no_free_tier():
    lines = _lines(_profile(monthly_runs=10, steps_per_run=1, step_seconds=1))
    assert lines["requests"].cost[0] == pytest.approx(10 * _request_price())
    assert lines["duration"].cost[0] > 0
    assert not TABLE.plans


# --- The limits that rule Express out ------------------------------------------------------------

RULED_OUT = {
    # 31 steps of 10 s: 310 s, past five minutes
    "max_duration_minutes": _profile(monthly_runs=1e6, steps_per_run=31, step_seconds=10),
    # a 30 s wait for a person: a task token (.waitForTaskToken), though the run is short
    "callbacks": _profile(
        monthly_runs=1e6, steps_per_run=20, step_seconds=1, human_waits_per_run=1, human_wait_seconds=30
    ),
    # one awaited child execution (.sync)
    "awaited_children": _profile(monthly_runs=1e6, steps_per_run=20, step_seconds=1, child_runs_per_run=1),
}


def test_the_limits_are_as_aws_states_them():
    assert TABLE.limits["max_duration_minutes"].expected == FIVE_MINUTES
    assert TABLE.limits["max_duration_minutes"].unit.value == "s"
    assert TABLE.limits["callbacks"].expected == 0
    assert TABLE.limits["awaited_children"].expected == 0
    lifted = {limit for design in TABLE.designs for limit in design.lifts}
    assert {x.id for x in TABLE.run_limits if x.hard} - lifted == set(RULED_OUT)


@pytest.mark.parametrize("limit_id", list(RULED_OUT))
def test_each_limit_alone_makes_express_not_applicable(limit_id):
    out = summarize(estimate(RULED_OUT[limit_id], BOOK, [OPTION])).options[0]
    assert out.applicable is False and out.fit.status == "ruled_out"
    spec = next(x for x in TABLE.run_limits if x.id == limit_id)
    (reason,) = out.fit.reasons
    assert reason.code == "limit_passed" and reason.data["limit"] == limit_id
    assert reason.data["advice"] == spec.advice
    crossed = {x.id for x in out.limits if x.exceeded}
    assert limit_id in crossed
    assert crossed & set(RULED_OUT) == {limit_id}  # the others are not what rules it out


def test_reasons_name_what_express_lacks():
    reasons = {
        k: "; ".join(fit_reasons(summarize(estimate(p, BOOK, [OPTION])).options[0])) for k, p in RULED_OUT.items()
    }
    assert "five minutes" in reasons["max_duration_minutes"]
    assert "task token" in reasons["callbacks"]
    assert ".sync" in reasons["awaited_children"]


def test_five_minutes_exactly_is_allowed_and_a_moment_more_is_not():
    at = _profile(steps_per_run=30, step_seconds=10)  # 300 s
    past = _profile(steps_per_run=30, step_seconds=10.01)  # 300.3 s
    result = estimate([at, past], BOOK, [OPTION]).option(OPTION)
    assert result.applicable.tolist() == [True, False]
    duration = next(x for x in result.limits if x.id == "max_duration_minutes")
    assert duration.value.tolist() == pytest.approx([300.0, 300.3])
    # 10 s a step: the 31st step takes the run past five minutes
    assert duration.steps_until_limit[0] == 31


def test_a_ruled_out_express_is_never_the_cheapest_even_when_its_bill_is_lower():
    short = _profile(monthly_runs=1e6, steps_per_run=20, step_seconds=1)
    profiles_ = [*RULED_OUT.values(), short]
    result = estimate(profiles_, BOOK, [OPTION, STANDARD])
    express, standard = result.option(OPTION), result.option(STANDARD)
    # Express would bill less every time (one request and a few GB-seconds against 40+ transitions)
    assert (express.total < standard.total).all()
    assert express.applicable.tolist() == [False, False, False, True]
    assert result.cheapest().tolist() == [STANDARD, STANDARD, STANDARD, OPTION]
    for i in range(len(profiles_)):
        out = summarize(result, i)
        assert out.cheapest == (OPTION if i == 3 else STANDARD)
        if i < 3:
            assert np.isnan(express.comparable[i])


@st.composite
def _express_like(draw: st.DrawFn) -> WorkloadProfile:
    """Random workloads, half of them without waits or children and short enough for Express."""
    p = draw(profiles())
    if draw(st.booleans()):
        p = p.model_copy(
            update={
                "human_waits_per_run": 0.0,
                "child_runs_per_run": 0.0,
                "sleeps_per_run": 0.0,
                "steps_per_run": draw(st.integers(0, 30)),
                "step_seconds": draw(st.floats(0, 12)),
                "retry_rate": draw(st.sampled_from([0.0, 0.1])),
            }
        )
    return p


@settings(max_examples=60, deadline=None)
@given(p=_express_like())
def test_applicable_exactly_when_short_with_no_callback_and_no_child(p):
    wall = (
        p.steps_per_run * p.step_seconds * (1 + p.retry_rate)
        + p.child_runs_per_run * p.step_seconds * (1 + p.retry_rate)
        + p.sleeps_per_run * p.sleep_seconds
        + p.human_waits_per_run * p.human_wait_seconds
    )
    fits = wall <= FIVE_MINUTES and p.human_waits_per_run == 0 and p.child_runs_per_run == 0
    result = estimate([p], BOOK, [OPTION, STANDARD])
    assert bool(result.option(OPTION).applicable[0]) == fits
    if not fits:
        standard = bool(result.option(STANDARD).applicable[0])  # past 25,000 events Standard cannot either
        assert result.cheapest()[0] == (STANDARD if standard else None)
