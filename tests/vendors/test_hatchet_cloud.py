"""Hatchet Cloud: the vendor contract and its own rules (task runs metered once per trigger, the
Developer plan's free task runs, Team and Scale fees with a cap on task runs a second, and the
plus or minus 20 % the table gives every third-party figure)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.columns import Columns, profiles_frame
from model.engine import estimate
from model.result import summarize
from model.usage import Usage
from model.workload import workload
from report.words import say
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.vendors.contract import VendorContract, newest_book
from tests.vendors.priced import by_hand

OPTION = "hatchet/cloud"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
HOSTING = BOOK.table("reference/hosting")
PEOPLE = BOOK.table("reference/people")
PLANS = {p.id: p for p in TABLE.plans}
HOURS_PER_MONTH = 730.0
PER_MILLION = 1e-6  # the table quotes USD per 1M task runs


class TestHatchetCloud(VendorContract):
    option = OPTION


def _usage(scenario: str = "expected", **fields) -> Usage:
    return Usage(workload(Columns(profiles_frame(agent(**fields)))), TABLE, scenario)


def _task_runs_per_run(p: WorkloadProfile, scenario: str = "expected") -> float:
    """Hatchet meters the tasks of each triggered run: one per step and one per child, none per retry."""
    c = TABLE.counting
    return (
        p.steps_per_run * by_hand(c["task_runs_per_step"], scenario)
        + p.child_runs_per_run * by_hand(c["task_runs_per_child"], scenario)
        + p.steps_per_run * p.retry_rate * by_hand(c["task_runs_per_retry"], scenario)
    )


def _plan_bill(plan_id: str, task_runs: float, scenario: str = "expected") -> float:
    """The vendor's bill on one plan: fee + task runs past the plan's free ones x the price."""
    plan = PLANS[plan_id]
    free = by_hand(plan.included["task_runs"], scenario) if "task_runs" in plan.included else 0.0
    price = by_hand(TABLE.prices["task_runs"], scenario) * PER_MILLION
    return by_hand(plan.fee, scenario) + max(task_runs - free, 0.0) * price


def _peak_task_runs_per_second(p: WorkloadProfile) -> float:
    """Little's law at the peak: runs executing at once / seconds each executes = runs starting a
    second; each starts its task runs. The peak is the profile's, never below a day's runs arriving
    within the busy window."""
    executing = (p.steps_per_run + p.child_runs_per_run) * p.step_seconds * (1 + p.retry_rate)
    window = p.peak_window_hours * 3600
    rate = p.monthly_runs / (HOURS_PER_MONTH * 3600)
    floor = rate * 86_400 / window * min(executing, window) + rate * max(executing - window, 0.0)
    return max(p.peak_concurrent_runs, floor) / executing * _task_runs_per_run(p)


# --- The table against the published figures ---------------------------------------------------


def test_every_third_party_figure_carries_plus_or_minus_20_percent():
    """The notes: every price comes from third parties and carries a range of +/- 20 %."""
    ranged = [
        TABLE.prices["task_runs"],
        PLANS["developer"].included["task_runs"],
        PLANS["team"].fee,
        PLANS["scale"].fee,
    ]
    for number in ranged:
        assert number.low == pytest.approx(0.8 * number.value)
        assert number.high == pytest.approx(1.2 * number.value)
    # The figures themselves: 100,000 free task runs, then $10 per 1M; Team from $500, Scale from $1,000.
    assert [n.value for n in ranged] == [10, 100_000, 500, 1000]
    assert PLANS["developer"].fee.expected == 0
    assert PLANS["team"].rate_caps["task_runs"].expected == 500
    assert PLANS["scale"].rate_caps["task_runs"].expected == 2000


# --- Counting ------------------------------------------------------------------------------------


def test_a_task_run_per_step_and_per_child_and_none_per_retry_sleep_or_wait():
    fields = dict(
        steps_per_run=10,
        child_runs_per_run=2,
        retry_rate=0.5,
        sleeps_per_run=3,
        sleep_seconds=60,
        human_waits_per_run=2,
    )
    # 10 steps + 2 children; the 5 retries, the sleeps and the waits are not triggers of their own.
    assert _usage(**fields).per_run("task_runs").total[0] == 12
    assert _usage(**fields).per_run("task_runs").total[0] == _task_runs_per_run(agent(**fields))
    # linear in the steps: one task run more per step
    assert _usage(**{**fields, "steps_per_run": 11}).per_run("task_runs").total[0] == 13


# --- Bills ---------------------------------------------------------------------------------------


def test_a_bill_past_the_free_task_runs_by_hand():
    """200,000 runs of 25 steps and 2 children: 5.4M task runs; the Developer plan's first 100,000
    are free, the other 5.3M cost $10 per million: $53."""
    p = agent(monthly_runs=200_000, steps_per_run=25, child_runs_per_run=2, retry_rate=0.2)
    out = summarize(estimate(p, BOOK, [OPTION])).options[0]
    task_runs = p.monthly_runs * _task_runs_per_run(p)
    assert task_runs == 5_400_000
    line = next(c for c in out.components if c.key == "task_runs")
    assert line.quantity == pytest.approx(task_runs - PLANS["developer"].included["task_runs"].expected)
    assert line.cost_usd == pytest.approx(53.0)
    assert line.cost_usd == pytest.approx(_plan_bill("developer", task_runs))
    assert (line.price_unit, line.quoted_unit) == ("USD/task run", "USD/1M task runs")
    assert out.plan == "Developer" and out.subtotals["vendor"] == pytest.approx(53.0)
    # every plan's bill beside it: Team and Scale pay their fee and every task run on top
    bills = {plan.id: plan.monthly_usd for plan in out.plans}
    assert bills["team"] == pytest.approx(500 + 54.0) and bills["team"] == pytest.approx(_plan_bill("team", task_runs))
    assert bills["scale"] == pytest.approx(_plan_bill("scale", task_runs))


def test_within_the_free_task_runs_the_vendor_bills_nothing():
    p = agent(monthly_runs=1_000, steps_per_run=99, child_runs_per_run=1)
    assert p.monthly_runs * _task_runs_per_run(p) == PLANS["developer"].included["task_runs"].expected
    out = summarize(estimate(p, BOOK, [OPTION])).options[0]
    assert out.subtotals["vendor"] == 0 and out.plan == "Developer"


@pytest.mark.parametrize(
    "fields",
    [
        dict(monthly_runs=3_000, steps_per_run=50),
        dict(monthly_runs=2_000_000, steps_per_run=40, child_runs_per_run=3),
        dict(monthly_runs=10_000, steps_per_run=50, step_seconds=1, retry_rate=0, peak_concurrent_runs=600),
        dict(monthly_runs=10_000, steps_per_run=50, step_seconds=1, retry_rate=0, peak_concurrent_runs=2_500),
    ],
)
def test_the_plan_chosen_is_the_cheapest_that_takes_the_workload(fields):
    p = agent(human_waits_per_run=0, **fields)
    out = summarize(estimate(p, BOOK, [OPTION])).options[0]
    task_runs = p.monthly_runs * _task_runs_per_run(p)
    rate = _peak_task_runs_per_second(p) if p.peak_concurrent_runs else 0.0
    takes = {pid: all(rate <= cap.expected for cap in plan.rate_caps.values()) for pid, plan in PLANS.items()}
    bills = {pid: _plan_bill(pid, task_runs) for pid in PLANS if takes[pid]}
    cheapest = min(bills, key=bills.__getitem__)
    assert out.plan == PLANS[cheapest].name
    assert out.subtotals["vendor"] == pytest.approx(bills[cheapest])
    for plan in out.plans:
        if takes[plan.id]:
            assert plan.monthly_usd == pytest.approx(bills[plan.id])
        else:
            assert plan.monthly_usd is None


def test_a_peak_past_a_plans_rate_cap_rules_it_out():
    """50 steps of 1 s: a run starts 50 task runs in 50 s. 600 runs executing at once start 12 runs,
    600 task runs, a second: past Team's 500, within Scale's 2,000; 2,500 at once is past both."""
    base = dict(monthly_runs=10_000, steps_per_run=50, step_seconds=1, retry_rate=0, human_waits_per_run=0)
    for peak, team, scale in ((400, True, True), (600, False, True), (2_500, False, False)):
        p = agent(peak_concurrent_runs=peak, **base)
        assert _peak_task_runs_per_second(p) == peak
        plans = {x.id: x for x in summarize(estimate(p, BOOK, [OPTION])).options[0].plans}
        for pid, allowed in (("team", team), ("scale", scale)):
            cap = PLANS[pid].rate_caps["task_runs"].expected
            assert (plans[pid].monthly_usd is not None) is allowed, (peak, pid)
            if not allowed:
                assert say(plans[pid].reason) == (
                    f"{PLANS[pid].name} takes at most {cap:g} task runs per second, fewer than the peak needs"
                )
        assert plans["developer"].monthly_usd is not None  # the table gives Developer no cap


@settings(max_examples=40, deadline=None)
@given(peak=st.floats(1, 5_000), steps=st.integers(1, 200), seconds=st.floats(0.5, 60))
def test_the_rate_cap_bites_only_at_a_high_peak(peak, steps, seconds):
    p = agent(
        monthly_runs=1_000,
        steps_per_run=steps,
        step_seconds=seconds,
        retry_rate=0,
        human_waits_per_run=0,
        peak_concurrent_runs=peak,
    )
    totals = estimate(p, BOOK, [OPTION]).option(OPTION).bill.plan_totals
    rate = _peak_task_runs_per_second(p)
    for pid in ("team", "scale"):
        cap = PLANS[pid].rate_caps["task_runs"].expected
        if rate < cap * (1 - 1e-9):
            assert math.isfinite(totals[pid][0]), (pid, rate)
        elif rate > cap * (1 + 1e-9):
            assert not math.isfinite(totals[pid][0]), (pid, rate)


# --- The range -----------------------------------------------------------------------------------


def test_low_and_high_reflect_the_plus_or_minus_20_percent():
    """1M runs of 10 steps of 0.1 s: 10M task runs, and few enough runs at once that the workers
    stay at their minimum host. Each scenario takes every number at its end: the line's range is
    the least and the most of the three bills, and so is the total's."""
    p = agent(monthly_runs=1_000_000, steps_per_run=10, step_seconds=0.1, retry_rate=0, human_waits_per_run=0)
    result = estimate(p, BOOK, [OPTION])
    out = summarize(result).options[0]
    task_runs = p.monthly_runs * _task_runs_per_run(p)
    vendor = {s: min(_plan_bill(pid, task_runs, s) for pid in PLANS) for s in ("low", "expected", "high")}
    # (10M - 80k) x $8/M, (10M - 100k) x $10/M, (10M - 120k) x $12/M
    assert vendor == pytest.approx({"low": 79.36, "expected": 99.0, "high": 118.56})
    line = next(c for c in out.components if c.key == "task_runs")
    assert (line.low_usd, line.cost_usd, line.high_usd) == pytest.approx((79.36, 99.0, 118.56))

    assert out.quantities["worker_vcpu"] == TABLE.assumptions["worker_min_vcpu"].expected

    def workers(s: str) -> float:  # the two-instance minimum, in each scenario
        return HOURS_PER_MONTH * (
            by_hand(TABLE.assumptions["worker_min_vcpu"], s) * by_hand(HOSTING.prices["vcpu_hour"], s)
            + by_hand(TABLE.assumptions["worker_min_memory_gb"], s) * by_hand(HOSTING.prices["gb_ram_hour"], s)
        )

    fte, cost = TABLE.assumptions["ops_fte"], PEOPLE.assumptions["engineer_cost"]
    totals = [vendor[s] + workers(s) + by_hand(fte, s) * by_hand(cost, s) / 12 for s in ("low", "expected", "high")]
    assert (out.low_usd, out.monthly_usd, out.high_usd) == pytest.approx((min(totals), totals[1], max(totals)))


def test_team_and_scale_fees_range_with_their_scenario():
    """Priced at the low and high ends, a plan's bill is its fee's end plus the task runs at the
    price's end (shown beside the chosen plan, whichever wins)."""
    from model.option_bill import price_option

    p = agent(monthly_runs=100_000, steps_per_run=30)
    work = estimate(p, BOOK, [OPTION]).work
    task_runs = p.monthly_runs * _task_runs_per_run(p)
    for scenario in ("low", "high"):
        bill, _ = price_option(work, TABLE, BOOK, scenario)
        for pid in PLANS:
            assert bill.plan_totals[pid][0] == pytest.approx(_plan_bill(pid, task_runs, scenario)), (scenario, pid)
    # Team at its ends: $400 + 3M x $8/M and $600 + 3M x $12/M
    assert _plan_bill("team", task_runs, "low") == pytest.approx(424.0)
    assert _plan_bill("team", task_runs, "high") == pytest.approx(636.0)


# --- Limits --------------------------------------------------------------------------------------


def test_a_step_past_the_default_timeout_is_flagged_but_not_ruled_out():
    out = summarize(estimate(agent(step_seconds=90), BOOK, [OPTION])).options[0]
    timeout = next(x for x in out.limits if x.id == "execution_timeout_seconds")
    assert timeout.limit == TABLE.limits["execution_timeout_seconds"].expected == 60
    assert timeout.value == 90 and timeout.exceeded and not timeout.hard
    assert out.applicable
