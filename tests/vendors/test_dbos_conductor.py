"""DBOS with Conductor: the vendor contract and its own rules (Conductor bills a monthly fee and
checkpoints past the plan's allowance, one per workflow and one per step, whatever runs the app;
the app's Postgres and hosts are yours, on the hosting reference prices)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.columns import Columns, profiles_frame
from model.engine import estimate
from model.usage import Usage
from model.workload import workload
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.strategies import MACHINES
from tests.vendors.contract import VendorContract, newest_book
from tests.vendors.priced import component, priced

OPTION = "dbos/conductor"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
HOSTING = BOOK.table("reference/hosting")
PEOPLE = BOOK.table("reference/people")
PLANS = {p.id: p for p in TABLE.plans}
C = {k: v.expected for k, v in TABLE.counting.items()}
A = TABLE.assumptions
HOURS_PER_MONTH = 730.0
MILLION = 1e6


class TestDbosConductor(VendorContract):
    option = OPTION


def _usage(scenario: str = "expected", **fields) -> Usage:
    return Usage(workload(Columns(profiles_frame(agent(**fields)))), TABLE, scenario)


def _checkpoints_per_run(p: WorkloadProfile, per_retry: float = C["checkpoints_per_retry"]) -> float:
    """One for the workflow, one per step and per sleep; a wait for a message two (the recv and its
    timeout's sleep); a child its start and its result in the parent, and its own workflow and step
    (measured against DBOS 3.4.0: tests/calibration/test_dbos.py)."""
    step, wf = C["checkpoints_per_step"], C["checkpoints_per_workflow"]
    return (
        wf
        + p.steps_per_run * (step + p.retry_rate * per_retry)
        + p.sleeps_per_run * step
        + p.human_waits_per_run * C["checkpoints_per_wait"]
        + p.child_runs_per_run * (step + C["checkpoints_per_child_result"] + wf + step)
    )


def _plan_bill(plan_id: str, checkpoints: float) -> float:
    plan = PLANS[plan_id]
    past = max(checkpoints - plan.included["checkpoints"].expected, 0.0)
    return plan.fee.expected + past * plan.prices["checkpoints"].expected / MILLION


def _postgres(scenario: str = "expected") -> float:
    def pick(n):
        end = {"low": n.low, "high": n.high}.get(scenario)
        return n.expected if end is None else end

    return HOURS_PER_MONTH * (
        pick(A["postgres_vcpu"]) * pick(HOSTING.prices["vcpu_hour"])
        + pick(A["postgres_memory_gb"]) * pick(HOSTING.prices["gb_ram_hour"])
    )


def _out(p: WorkloadProfile):
    return priced(p, BOOK, OPTION)[0]


# --- The table against the published figures ---------------------------------------------------


def test_plans_as_published():
    """Pro $99 with 1M checkpoints then $50 per million; Teams $499 with 10M then $40."""
    assert [
        (p.id, p.fee.expected, p.included["checkpoints"].expected, p.prices["checkpoints"].expected)
        for p in TABLE.plans
    ] == [("pro", 99, 1_000_000, 50), ("teams", 499, 10_000_000, 40)]
    assert [p.fee.alternatives[0].value for p in TABLE.plans] == [75, 99]  # one aggregator, kept aside


# --- Counting ------------------------------------------------------------------------------------


def test_checkpoints_per_run_follow_the_faq():
    fields = dict(
        steps_per_run=10,
        retry_rate=0.5,
        sleeps_per_run=3,
        sleep_seconds=60,
        human_waits_per_run=2,
        child_runs_per_run=2,
    )
    # 1 workflow + 10 steps + 3 sleeps + 2 waits x 2 + 2 children x (start + result + workflow + step) = 26
    assert _checkpoints_per_run(agent(**fields)) == 26
    assert _usage(**fields).per_run("checkpoints").total[0] == 26
    # a retried step writes one row (expected); one per attempt at the high end: 5 more
    high = TABLE.counting["checkpoints_per_retry"].high
    assert _usage("high", **fields).per_run("checkpoints").total[0] == _checkpoints_per_run(agent(**fields), high) == 31


# --- Bills ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checkpoints_per_run", "plan", "vendor"),
    # 1,000,000 runs. Pro = $99 + $50/M past 1M; Teams = $499 + $40/M past 10M: equal at 9M.
    [(1, "pro", 99.0), (8, "pro", 99 + 7 * 50), (9.5, "teams", 499.0), (20, "teams", 499 + 10 * 40)],
)
def test_the_bill_and_the_plan_by_hand(checkpoints_per_run, plan, vendor):
    p = agent(
        monthly_runs=1_000_000,
        steps_per_run=checkpoints_per_run - 1,
        step_seconds=0.5,
        retry_rate=0.3,
        human_waits_per_run=0,
    )
    checkpoints = p.monthly_runs * _checkpoints_per_run(p)
    assert checkpoints == pytest.approx(checkpoints_per_run * MILLION)
    bills = {pid: _plan_bill(pid, checkpoints) for pid in PLANS}
    assert min(bills, key=bills.__getitem__) == plan and bills[plan] == pytest.approx(vendor)
    out = _out(p)
    assert out.plan == PLANS[plan].name
    assert out.subtotals["vendor"] == pytest.approx(vendor)
    assert component(out, "plan_fee").quantity == 1 and component(out, "plan_fee").unit == "month"
    line = component(out, "checkpoints")
    assert line.quantity == pytest.approx(max(checkpoints - PLANS[plan].included["checkpoints"].expected, 0))
    assert {x.id: x.monthly_usd for x in out.plans} == pytest.approx(bills)


def test_the_plans_cross_where_their_bills_meet():
    pro, teams = PLANS["pro"], PLANS["teams"]
    # Pro's fee plus its overage reaches Teams' fee before Teams' own allowance runs out
    meet = pro.included["checkpoints"].expected + (teams.fee.expected - pro.fee.expected) / (
        pro.prices["checkpoints"].expected / MILLION
    )
    assert meet == pytest.approx(9e6) and meet < teams.included["checkpoints"].expected
    below, above = (
        agent(monthly_runs=x / 10, steps_per_run=9, retry_rate=0, human_waits_per_run=0)
        for x in (meet * 0.99, meet * 1.01)
    )
    result = estimate([below, above], BOOK, [OPTION]).option(OPTION)
    assert result.bill.plan.tolist() == ["pro", "teams"]


@settings(max_examples=30, deadline=None)
@given(seconds=st.floats(0, 600), machine=st.sampled_from(MACHINES), runs=st.floats(0, 5e6))
def test_conductor_bills_checkpoints_not_executors(seconds, machine, runs):
    """No fee per executor: longer steps or bigger machines move the app's hosts, never the bill."""
    base = agent(monthly_runs=runs, steps_per_run=20, step_seconds=1)
    other = base.model_copy(update={"step_seconds": seconds, "machine": machine})
    a, b = (_out(p) for p in (base, other))
    assert a.subtotals["vendor"] == pytest.approx(b.subtotals["vendor"], rel=1e-12)
    assert a.subtotals["vendor"] == pytest.approx(
        min(_plan_bill(pid, runs * _checkpoints_per_run(base)) for pid in PLANS)
    )


# --- What you run --------------------------------------------------------------------------------


def test_the_apps_postgres_is_priced_on_the_hosting_table():
    out = _out(agent())
    postgres = component(out, "postgres")
    assert postgres.category == "infrastructure"
    # 2 vCPU and 4 GB around the clock: (2 x $0.04048 + 4 x $0.004445) x 730 h
    assert postgres.cost_usd == pytest.approx(_postgres()) and postgres.cost_usd == pytest.approx(72.0802)
    assert (postgres.low_usd, postgres.high_usd) == pytest.approx((_postgres("low"), _postgres("high")))
    assert postgres.depends_on is None


def test_a_postgres_past_about_500_checkpoints_a_second_depends_on_its_sizing():
    """50-step runs of 1 s arriving within 8 hours a day: 10M a month start 11.4 a second at the
    peak, 582 checkpoints a second; 1M start a tenth of that."""
    calm, busy = (
        agent(monthly_runs=runs, steps_per_run=50, step_seconds=1, retry_rate=0, human_waits_per_run=0)
        for runs in (1e6, 1e7)
    )
    limit = A["postgres_checkpoints_per_second"].expected
    for p, over in ((calm, False), (busy, True)):
        per_second = p.monthly_runs / (HOURS_PER_MONTH * 3600) * 24 / p.peak_window_hours * _checkpoints_per_run(p)
        out = _out(p)
        assert out.quantities["peak_checkpoints_per_second"] == pytest.approx(per_second)
        assert (per_second > limit) is over
        postgres = component(out, "postgres")
        assert (postgres.depends_on is not None) is over
        assert postgres.cost_usd == pytest.approx(_postgres())  # the fixed size is kept; the flag says so
    assert any("500 checkpoints a second" in d for d in _out(busy).depends_on)


def test_a_small_app_still_runs_two_small_instances_and_a_share_of_an_engineer():
    out = _out(agent(monthly_runs=10))
    assert out.quantities["worker_vcpu"] == A["worker_min_vcpu"].expected == 1
    assert out.quantities["worker_memory_gb"] == A["worker_min_memory_gb"].expected == 2
    assert component(out, "workers_vcpu").cost_usd == pytest.approx(1 * HOSTING.prices["vcpu_hour"].expected * 730)
    assert component(out, "workers_memory").cost_usd == pytest.approx(2 * HOSTING.prices["gb_ram_hour"].expected * 730)
    people = component(out, "ops_people")
    assert people.cost_usd == pytest.approx(A["ops_fte"].expected * PEOPLE.assumptions["engineer_cost"].expected / 12)
    assert people.cost_usd == pytest.approx(775)
