"""Hatchet self-hosted: the vendor contract; the MIT engine has no fee per task run, so the bill is
the API, engine and Postgres, the workers (never below two small ones) on the hosting reference
prices, and the people who run them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report.words import say
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.strategies import profiles
from tests.vendors.contract import VendorContract, newest_book
from tests.vendors.priced import by_hand, component, priced

OPTION = "hatchet/self-hosted"
CLOUD = "hatchet/cloud"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
HOSTING = BOOK.table("reference/hosting")
PEOPLE = BOOK.table("reference/people")
A = TABLE.assumptions
HOURS_PER_MONTH = 730.0
VCPU_HOUR = HOSTING.prices["vcpu_hour"].expected
GB_HOUR = HOSTING.prices["gb_ram_hour"].expected


class TestHatchetSelfHosted(VendorContract):
    option = OPTION


def _out(p: WorkloadProfile, options=(OPTION,)):
    return priced(p, BOOK, *options)


def _workers_vcpu(p: WorkloadProfile) -> float:
    """Runs executing on average (Little's law) plus half the way to the peak (a day's runs within
    the busy window), each with its machine's vCPU, never below the minimum host."""
    executing = (p.steps_per_run + p.child_runs_per_run) * p.step_seconds * (1 + p.retry_rate)
    rate = p.monthly_runs / (HOURS_PER_MONTH * 3600)
    window = p.peak_window_hours * 3600
    peak = rate * 86_400 / window * min(executing, window) + rate * max(executing - window, 0.0)
    if p.peak_concurrent_runs is not None:
        peak = max(peak, p.peak_concurrent_runs)
    average = rate * executing
    held = average + HOSTING.assumptions["provisioning"].expected * (peak - average)
    return max(held * HOSTING.machines[p.machine].vcpu.expected, A["worker_min_vcpu"].expected)


def test_the_mit_engine_has_no_fee():
    out = _out(agent(monthly_runs=2_000_000, steps_per_run=100))[0]
    assert TABLE.license.name == "MIT" and not TABLE.plans and not TABLE.meters
    assert out.plan == "self-hosted" and say(out.plan_reason).startswith("MIT licence: no fee")
    assert out.subtotals["vendor"] == 0


def test_the_platform_is_priced_on_the_hosting_table():
    out = _out(agent())[0]
    platform = component(out, "platform")
    per_month = {
        s: HOURS_PER_MONTH
        * (
            by_hand(A["platform_vcpu"], s) * by_hand(HOSTING.prices["vcpu_hour"], s)
            + by_hand(A["platform_memory_gb"], s) * by_hand(HOSTING.prices["gb_ram_hour"], s)
        )
        for s in ("low", "expected", "high")
    }
    # 2 vCPU and 4 GB: (2 x $0.04048 + 4 x $0.004445) x 730 h = $72.08; 1 and 2 at the low end, 4 and 8 at the high
    assert platform.cost_usd == pytest.approx(per_month["expected"]) and platform.cost_usd == pytest.approx(72.0802)
    assert (platform.low_usd, platform.high_usd) == pytest.approx((per_month["low"], per_month["high"]))
    assert platform.category == "infrastructure"


def test_a_small_workload_still_needs_the_minimum_worker_host():
    out = _out(agent(monthly_runs=10))[0]
    assert out.quantities["worker_vcpu"] == A["worker_min_vcpu"].expected == 1
    assert out.quantities["worker_memory_gb"] == A["worker_min_memory_gb"].expected == 2
    assert component(out, "workers_vcpu").cost_usd == pytest.approx(1 * VCPU_HOUR * HOURS_PER_MONTH)
    assert component(out, "workers_memory").cost_usd == pytest.approx(2 * GB_HOUR * HOURS_PER_MONTH)


def test_a_busy_workload_sizes_the_workers_from_the_runs_executing():
    """200,000 runs of 50 steps of 8 s (10 % retried): 440 s each; 0.0761 runs a second on average,
    33.5 runs executing; 100.5 at the 8 h peak; halfway is 67 runs of 0.5 vCPU."""
    p = agent(monthly_runs=200_000)
    out = _out(p)[0]
    assert _workers_vcpu(p) == pytest.approx(33.49, rel=1e-3)
    assert out.quantities["worker_vcpu"] == pytest.approx(_workers_vcpu(p))
    assert component(out, "workers_vcpu").cost_usd == pytest.approx(_workers_vcpu(p) * VCPU_HOUR * HOURS_PER_MONTH)


def test_people_come_from_the_reference_engineer_cost():
    people = component(_out(agent())[0], "ops_people")
    fte, cost = A["ops_fte"], PEOPLE.assumptions["engineer_cost"]
    assert people.cost_usd == pytest.approx(fte.expected * cost.expected / 12) == 2325
    assert (people.low_usd, people.high_usd) == pytest.approx((fte.low * cost.low / 12, fte.high * cost.high / 12))


@settings(max_examples=30, deadline=None)
@given(runs=st.floats(0, 1e8), steps=st.floats(0, 5_000), children=st.floats(0, 20))
def test_no_fee_per_task_run(runs, steps, children):
    """Runs that take no time hold no worker: however many task runs they trigger, the bill is the
    platform, the minimum workers and the people."""
    p = agent(monthly_runs=runs, steps_per_run=steps, child_runs_per_run=children, step_seconds=0)
    idle = agent(monthly_runs=0)
    assert _out(p)[0].monthly_usd == pytest.approx(_out(idle)[0].monthly_usd, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(p=profiles())
def test_the_workers_are_those_hatchet_cloud_needs_too(p):
    both = {o.id: o for o in _out(p, (OPTION, CLOUD))}
    for key in ("workers_vcpu", "workers_memory"):
        assert component(both[OPTION], key).cost_usd == pytest.approx(component(both[CLOUD], key).cost_usd, rel=1e-12)
