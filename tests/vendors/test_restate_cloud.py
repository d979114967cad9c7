"""Restate Cloud: the vendor contract and its own rules (durable actions counted per invocation,
journal entry and started 64 KiB, plans with included actions and storage and a cap on actions a
second, Premium's graduated overage, the retention each plan keeps)."""

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
from tests.vendors.priced import component, priced

OPTION = "restate/cloud"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
PLANS = {p.id: p for p in TABLE.plans}
C = {k: v.expected for k, v in TABLE.counting.items()}
SECONDS_PER_MONTH = 730 * 3600.0
DAYS_PER_MONTH = 365 / 12
KB_PER_GB = 1024.0 * 1024.0
MILLION = 1e6


class TestRestateCloud(VendorContract):
    option = OPTION


def _usage(scenario: str = "expected", **fields) -> Usage:
    return Usage(workload(Columns(profiles_frame(agent(**fields)))), TABLE, scenario)


def _actions_per_run(p: WorkloadProfile, scenario: str = "expected") -> float:
    """An invocation is 2 actions; each step and sleep one journal entry; a human wait and a call their
    own numbers (measured against Restate server 1.7.12: tests/calibration/test_restate.py); a child
    is the call, its own invocation and its step; a step's payload takes one more per started 64 KiB
    past the first (no context growth here). Each counting number as the scenario picks it."""
    count = {k: v.pick(scenario) for k, v in TABLE.counting.items()}
    entry, invocation, per_retry = (
        count["actions_per_journal_entry"],
        count["actions_per_invocation"],
        count["actions_per_retry"],
    )
    chunks = max(math.ceil(p.step_payload_kb / count["payload_chunk_kb"]) - 1, 0)
    return (
        invocation
        + p.steps_per_run * (entry + chunks + p.retry_rate * per_retry)
        + p.sleeps_per_run * entry
        + p.human_waits_per_run * count["actions_per_human_wait"]
        + p.child_runs_per_run * (count["actions_per_call"] + invocation + entry)
    )


def _storage_gb_months(p: WorkloadProfile, days: float) -> float:
    """Journals of open runs and of closed runs kept `days`, on average over the month."""
    wall = (
        (p.steps_per_run + p.child_runs_per_run) * p.step_seconds * (1 + p.retry_rate)
        + p.sleeps_per_run * p.sleep_seconds
        + p.human_waits_per_run * p.human_wait_seconds
    )
    state_kb = p.state_kb_per_run if p.state_kb_per_run is not None else p.steps_per_run * p.step_payload_kb
    return p.monthly_runs / DAYS_PER_MONTH * (wall / 86_400 + days) * state_kb / KB_PER_GB


def _premium_actions_usd(actions: float) -> float:
    """The page: 50M included, then "$15 per million to 100M, then $10 to 200M" (total actions);
    past 200M the last rate is extrapolated (Enterprise)."""
    included = PLANS["premium"].included["actions"].expected
    first = min(max(actions - included, 0.0), 100e6 - included)
    rest = max(actions - 100e6, 0.0)
    return (15 * first + 10 * rest) / MILLION


def _plan_bill(plan_id: str, actions: float, storage: float) -> float | None:
    """The vendor's bill on a plan, or None where the plan takes no usage past what it includes."""
    plan = PLANS[plan_id]
    over_actions = max(actions - plan.included["actions"].expected, 0.0)
    over_storage = max(storage - plan.included["storage"].expected, 0.0)
    if not plan.overage and (over_actions > 0 or over_storage > 0):
        return None
    if "actions" in plan.capped and over_actions > 0:  # no published overage rate for actions
        return None
    if plan_id == "premium":
        actions_usd = _premium_actions_usd(actions)
    else:
        actions_usd = over_actions * TABLE.prices["actions"].expected / MILLION
    return plan.fee.expected + actions_usd + over_storage * TABLE.prices["storage"].expected


def _out(p: WorkloadProfile):
    return priced(p, BOOK, OPTION)[0]


# --- The table against the published figures ---------------------------------------------------


def test_plans_as_published():
    """Fee, included actions and storage, actions a second and retention of each plan, from the
    pricing page as the table's sources quote it."""
    published = {
        "free": (0, 100_000, 1, 10, 1),
        "starter": (75, 5_000_000, 5, 50, 3),
        "business": (300, 20_000_000, 20, 200, 7),
        "premium": (1000, 50_000_000, 50, 500, 30),
    }
    assert list(PLANS) == list(published)
    for pid, (fee, actions, storage, per_second, days) in published.items():
        plan = PLANS[pid]
        assert plan.fee.expected == fee
        assert plan.included["actions"].expected == actions
        assert plan.included["storage"].expected == storage
        assert plan.rate_caps["actions"].expected == per_second
        assert plan.limits["retention_days"].expected == days
    assert [p.overage for p in PLANS.values()] == [False, True, True, True]
    assert [p.capped for p in PLANS.values()] == [(), (), ("actions",), ()]
    assert TABLE.prices["actions"].expected == 25 and TABLE.prices["storage"].expected == 0.5
    assert [(t.up_to, t.price) for t in PLANS["premium"].prices["actions"].tiers] == [(50e6, 15), (150e6, 10)]


def test_the_retention_bounds_are_the_plans_shortest_and_longest():
    days = [p.limits["retention_days"].expected for p in TABLE.plans]
    assert TABLE.limits[TABLE.retention.min].expected == min(days)
    assert TABLE.limits[TABLE.retention.max].expected == max(days)
    assert days == sorted(days)  # a dearer plan keeps the journal longer


# --- Counting ------------------------------------------------------------------------------------


def test_actions_per_run_follow_the_tables_counting():
    fields = dict(
        steps_per_run=10,
        retry_rate=0.5,
        sleeps_per_run=3,
        sleep_seconds=60,
        human_waits_per_run=2,
        child_runs_per_run=2,
        step_payload_kb=8,
    )
    # 2 (invocation) + 10 steps + 3 sleeps + 2 awakeables + 2 children x (call + 2 + step) = 25
    assert _actions_per_run(agent(**fields)) == 25
    assert _usage(**fields).per_run("actions").total[0] == 25
    # at the high end each retry is journaled too (5 more), each journal entry takes 2 actions, a wait
    # on a promise 6 (with the call that resolves it) and a call 3
    high = _actions_per_run(agent(**fields), "high")
    assert high == 2 + 10 * (2 + 0.5) + 3 * 2 + 2 * 6 + 2 * (3 + 2 + 2) == 59
    assert _usage("high", **fields).per_run("actions").total[0] == 59


@pytest.mark.parametrize(("payload_kb", "extra"), [(8, 0), (64, 0), (64.5, 1), (130, 2), (1000, 15)])
def test_a_step_carrying_data_takes_one_action_more_per_started_64_kib(payload_kb, extra):
    u = _usage(steps_per_run=10, retry_rate=0, human_waits_per_run=0, step_payload_kb=payload_kb)
    assert u.per_run("actions").total[0] == C["actions_per_invocation"] + 10 * (1 + extra)


@settings(max_examples=40, deadline=None)
@given(
    steps=st.integers(0, 5_000),
    more=st.integers(1, 500),
    retry=st.floats(0, 3),
    payload=st.floats(0, 2_000),
    sleeps=st.integers(0, 20),
    children=st.integers(0, 10),
)
def test_actions_grow_linearly_with_steps(steps, more, retry, payload, sleeps, children):
    fields = dict(retry_rate=retry, step_payload_kb=payload, sleeps_per_run=sleeps, child_runs_per_run=children)
    short = _usage("high", steps_per_run=steps, **fields).per_run("actions").total[0]
    long = _usage("high", steps_per_run=steps + more, **fields).per_run("actions").total[0]
    chunks = max(math.ceil(payload / C["payload_chunk_kb"] - 1e-9) - 1, 0)
    high = {k: v.pick("high") for k, v in TABLE.counting.items()}
    per_step = high["actions_per_journal_entry"] + chunks + retry * high["actions_per_retry"]
    assert long - short == pytest.approx(more * per_step, rel=1e-9)


# --- Plans and bills -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actions_per_run", "plan"),
    # 1,000,000 runs: 13M actions (Starter $275), 15M (Business $300 beats Starter's $325),
    # 25M (past Business, which takes no overage: Starter $575 beats Premium $1,000)
    [(13, "starter"), (15, "business"), (25, "starter")],
)
def test_the_cheapest_plan_that_takes_the_workload(actions_per_run, plan):
    p = agent(
        monthly_runs=1_000_000,
        steps_per_run=actions_per_run - 2,
        step_seconds=0.5,
        retry_rate=0,
        human_waits_per_run=0,
        state_kb_per_run=1,
        peak_window_hours=24,
    )
    actions = p.monthly_runs * _actions_per_run(p)
    assert actions == actions_per_run * 1e6
    storage = _storage_gb_months(p, p.retention_days)
    bills = {pid: _plan_bill(pid, actions, storage) for pid in PLANS}
    assert min((b, pid) for pid, b in bills.items() if b is not None)[1] == plan
    out = _out(p)
    assert out.plan == PLANS[plan].name
    assert out.subtotals["vendor"] == pytest.approx(bills[plan])
    for shown in out.plans:
        if bills[shown.id] is None:
            assert shown.monthly_usd is None
            assert say(shown.reason).endswith(
                ("allows no usage beyond what it includes", "takes no actions beyond what it includes")
            )
        else:
            assert shown.monthly_usd == pytest.approx(bills[shown.id])


def test_premium_overage_is_graduated_past_its_allowance():
    """120M actions: 50M included, 50M at $15/M to 100M, 20M at $10/M: $750 + $200 = $950."""
    p = agent(
        monthly_runs=1_000_000,
        steps_per_run=118,
        step_seconds=1,
        retry_rate=0,
        human_waits_per_run=0,
        state_kb_per_run=1,
        peak_window_hours=24,
    )
    actions = p.monthly_runs * _actions_per_run(p)
    assert actions == 120e6 and _premium_actions_usd(actions) == pytest.approx(950)
    out = _out(p)
    assert out.plan == "Premium"
    line = component(out, "actions")
    assert line.quantity == pytest.approx(actions - PLANS["premium"].included["actions"].expected)
    assert line.cost_usd == pytest.approx(950)
    assert line.depends_on is None
    assert component(out, "plan_fee").cost_usd == PLANS["premium"].fee.expected
    assert component(out, "storage").cost_usd == 0  # 0.94 GB-month of 1 KB journals, within 50 GB
    assert out.subtotals["vendor"] == pytest.approx(1000 + 950)
    assert next(x for x in out.plans if x.id == "starter").monthly_usd == pytest.approx(75 + 115 * 25)


def test_premium_past_200m_actions_has_no_public_price():
    """250M actions: $750 + $1,000 to 200M; past it only Enterprise, at a price Restate does not
    publish: the option is "price not public", its figure what the published tiers cover (not 50M
    more at the last rate). Starter's 50 actions a second rule it out at this volume."""
    p = agent(
        monthly_runs=2_500_000,
        steps_per_run=98,
        step_seconds=1,
        retry_rate=0,
        human_waits_per_run=0,
        state_kb_per_run=1,
        peak_window_hours=24,
    )
    actions = p.monthly_runs * _actions_per_run(p)
    assert actions == 250e6
    out = _out(p)
    assert out.plan == "Premium"
    line = component(out, "actions")
    assert line.cost_usd == pytest.approx(_premium_actions_usd(200e6)) and line.cost_usd == pytest.approx(1750)
    assert out.fit.status == "not_public" and not out.applicable
    (reason,) = out.fit.reasons
    assert reason.code == "past_published_tier" and reason.data["up_to"] == pytest.approx(200e6)
    starter = next(x for x in out.plans if x.id == "starter")
    assert starter.monthly_usd is None and "at most 50 actions per second" in say(starter.reason)


def test_storage_past_the_included_gb_is_billed_per_gb_month():
    """100,000 runs each keeping a 1,000 KB journal for Starter's 3 days: about 9.4 GB-month, 5
    included, the rest at $0.50."""
    p = agent(
        monthly_runs=100_000,
        steps_per_run=10,
        step_seconds=1,
        retry_rate=0,
        human_waits_per_run=0,
        state_kb_per_run=1_000,
        retention_days=3,
    )
    storage = _storage_gb_months(p, 3)
    assert storage == pytest.approx(9.4065, rel=1e-4)
    out = _out(p)
    assert out.quantities["storage_gb_months"] == pytest.approx(storage)
    assert out.plan == "Starter"
    line = component(out, "storage")
    assert line.quantity == pytest.approx(storage - PLANS["starter"].included["storage"].expected)
    assert line.cost_usd == pytest.approx((storage - 5) * 0.5)
    assert out.subtotals["vendor"] == pytest.approx(_plan_bill("starter", 1.2e6, storage))


@pytest.mark.parametrize(("asked", "priced"), [(0, 1), (0.5, 1), (1, 1), (14, 14), (30, 30), (365, 30)])
def test_retention_is_priced_within_the_tables_bounds_and_the_plans(asked, priced):
    """Within the table's 1 to 30 days first (a warning says so when the profile is outside), then
    within what the chosen plan keeps (another warning)."""
    p = agent(monthly_runs=10_000, steps_per_run=10, retry_rate=0, human_waits_per_run=0, retention_days=asked)
    out = _out(p)
    kept = next(plan for plan in TABLE.plans if plan.name == out.plan).limits["retention_days"].expected
    assert out.quantities["storage_gb_months"] == pytest.approx(_storage_gb_months(p, min(priced, kept)))
    flagged = any(say(w).startswith(f"A retention of {asked:g} days is outside") for w in out.warnings)
    assert flagged is (asked != priced)
    assert any("keeps" in say(w) for w in out.warnings) is (priced > kept)


def test_the_chosen_plan_prices_the_journal_for_as_long_as_it_keeps_it():
    """Starter keeps closed runs 3 days. A profile asking for 30 days is priced, on Starter, on the
    3 days Starter keeps (with a warning that says so); Premium, which keeps 30, on all 30."""
    p = agent(
        monthly_runs=100_000,
        steps_per_run=10,
        step_seconds=1,
        retry_rate=0,
        human_waits_per_run=0,
        state_kb_per_run=1_000,
        retention_days=30,
    )
    out = _out(p)
    chosen = next(plan for plan in TABLE.plans if plan.name == out.plan)
    assert chosen.id == "starter"
    kept = chosen.limits["retention_days"].expected
    assert kept == 3
    storage = _storage_gb_months(p, kept)
    assert component(out, "storage").cost_usd == pytest.approx(
        max(storage - chosen.included["storage"].expected, 0.0) * TABLE.prices["storage"].expected
    )
    assert out.quantities["storage_gb_months"] == pytest.approx(storage)
    assert any(say(w).startswith("Starter keeps closed runs 3 days") for w in out.warnings)
    premium = next(x for x in out.plans if x.id == "premium")
    on_premium = _storage_gb_months(p, 30)
    assert premium.monthly_usd == pytest.approx(
        1000 + max(on_premium - TABLE.plans[3].included["storage"].expected, 0.0) * TABLE.prices["storage"].expected
    )


def test_a_plan_that_keeps_the_journal_long_enough_is_priced_on_the_profile():
    p = agent(
        monthly_runs=100_000,
        steps_per_run=10,
        step_seconds=1,
        retry_rate=0,
        human_waits_per_run=0,
        state_kb_per_run=1_000,
        retention_days=2,
    )
    out = _out(p)
    assert out.plan == "Starter"
    assert out.quantities["storage_gb_months"] == pytest.approx(_storage_gb_months(p, 2))
    assert not any("keeps" in say(w) for w in out.warnings)


# --- Rate caps -----------------------------------------------------------------------------------


def test_the_free_plan_takes_at_most_10_actions_a_second():
    """1,000 runs of 10 steps of 1 s: 12 actions a run, 12,000 a month, within Free's 100,000. At 5
    runs executing at once, 0.5 runs start a second: 6 actions a second; at 10, 12: past Free's 10."""
    base = dict(monthly_runs=1_000, steps_per_run=10, step_seconds=1, retry_rate=0, human_waits_per_run=0)
    assert _actions_per_run(agent(**base)) == 12
    calm, busy = (_out(agent(peak_concurrent_runs=peak, **base)) for peak in (5, 10))
    assert calm.plan == "Free" and calm.subtotals["vendor"] == 0
    free = next(x for x in busy.plans if x.id == "free")
    assert free.monthly_usd is None
    assert say(free.reason) == "Free takes at most 10 actions per second, fewer than the peak needs"
    assert busy.plan == "Starter"


@settings(max_examples=40, deadline=None)
@given(peak=st.floats(1, 20_000), steps=st.integers(1, 100), seconds=st.floats(0.5, 30))
def test_a_plans_rate_cap_bites_only_at_a_high_peak(peak, steps, seconds):
    p = agent(
        monthly_runs=1_000,
        steps_per_run=steps,
        step_seconds=seconds,
        retry_rate=0,
        human_waits_per_run=0,
        peak_concurrent_runs=peak,
    )
    executing = steps * seconds
    floor = p.monthly_runs / SECONDS_PER_MONTH * 86_400 / (p.peak_window_hours * 3600) * executing
    per_second = max(peak, floor) / executing * _actions_per_run(p)
    totals = estimate(p, BOOK, [OPTION]).option(OPTION).bill.plan_totals
    for pid, plan in PLANS.items():
        cap = plan.rate_caps["actions"].expected
        if pid == "free" and p.monthly_runs * _actions_per_run(p) > plan.included["actions"].expected:
            continue  # ruled out by its allowance anyway
        if per_second < cap * (1 - 1e-9):
            assert math.isfinite(totals[pid][0]), (pid, per_second)
        elif per_second > cap * (1 + 1e-9):
            assert not math.isfinite(totals[pid][0]), (pid, per_second)


def test_the_free_plan_takes_no_actions_past_its_allowance():
    inside = agent(monthly_runs=1_000, steps_per_run=98, retry_rate=0, human_waits_per_run=0)
    past = inside.model_copy(update={"monthly_runs": 1_001})
    assert inside.monthly_runs * _actions_per_run(inside) == PLANS["free"].included["actions"].expected
    assert _out(inside).plan == "Free"
    free = next(x for x in _out(past).plans if x.id == "free")
    assert free.monthly_usd is None and say(free.reason) == "Free allows no usage beyond what it includes"


def test_past_premium_s_500_actions_a_second_only_enterprise_takes_it():
    """Premium takes 500 actions a second; past it, only Enterprise (a contract without a public
    price): the option is "price not public", never the cheapest, with Premium's cap as the reason."""
    p = agent(
        monthly_runs=3_000_000,
        steps_per_run=40,
        step_seconds=0.5,
        retry_rate=0,
        human_waits_per_run=0,
        peak_window_hours=1,
    )
    usage = Usage(workload(Columns(profiles_frame(p))), TABLE, "expected")
    rate = float(usage.work.peak_rate()[0] * usage.per_run("actions").total[0])
    assert rate > 500
    result = estimate(p, BOOK, [OPTION, "trigger.dev/cloud"])
    assert result.option(OPTION).status.tolist() == ["not_public"]
    assert result.cheapest()[0] == "trigger.dev/cloud"
    out = summarize(result).options[0]
    (reason,) = out.fit.reasons
    assert reason.code == "no_published_plan" and reason.data["contract"] == "Enterprise"
    assert reason.data["why"].code == "plan_rate_cap" and reason.data["why"].data["most"] == 500
    # just under it, Premium takes it
    under = p.model_copy(update={"monthly_runs": p.monthly_runs * 450 / rate})
    assert estimate(under, BOOK, [OPTION]).option(OPTION).status.tolist() == ["fits"]
