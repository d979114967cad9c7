"""Restate self-hosted: the vendor contract; the BSL 1.1 server has no fee per action, so the bill
is the server on the hosting reference prices, your services (which may scale to zero: no minimum
host) and the people who run them."""

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

OPTION = "restate/self-hosted"
CLOUD = "restate/cloud"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
HOSTING = BOOK.table("reference/hosting")
PEOPLE = BOOK.table("reference/people")
A = TABLE.assumptions
HOURS_PER_MONTH = 730.0
VCPU_HOUR = HOSTING.prices["vcpu_hour"].expected
GB_HOUR = HOSTING.prices["gb_ram_hour"].expected


class TestRestateSelfHosted(VendorContract):
    option = OPTION


def _out(p: WorkloadProfile, options=(OPTION,)):
    return priced(p, BOOK, *options)


def _services(p: WorkloadProfile, share: float) -> tuple[float, float]:
    """(vCPU, GB) of the services: runs executing on average (Little's law), `share` of the way to
    the peak (a day's runs within the busy window), each with its machine; no minimum."""
    executing = (p.steps_per_run + p.child_runs_per_run) * p.step_seconds * (1 + p.retry_rate)
    rate = p.monthly_runs / (HOURS_PER_MONTH * 3600)
    window = p.peak_window_hours * 3600
    peak = rate * 86_400 / window * min(executing, window) + rate * max(executing - window, 0.0)
    held = rate * executing + share * (peak - rate * executing)
    machine = HOSTING.machines[p.machine]
    return held * machine.vcpu.expected, held * machine.memory_gb.expected


def test_the_bsl_server_has_no_fee():
    out = _out(agent(monthly_runs=2_000_000, steps_per_run=100))[0]
    assert TABLE.license.name == "BSL 1.1" and not TABLE.plans and not TABLE.meters
    assert out.plan == "self-hosted" and say(out.plan_reason).startswith("BSL 1.1 licence: no fee")
    assert out.subtotals["vendor"] == 0


def test_the_server_is_priced_on_the_hosting_table():
    server = component(_out(agent())[0], "platform")
    per_month = {
        s: HOURS_PER_MONTH
        * (
            by_hand(A["platform_vcpu"], s) * by_hand(HOSTING.prices["vcpu_hour"], s)
            + by_hand(A["platform_memory_gb"], s) * by_hand(HOSTING.prices["gb_ram_hour"], s)
        )
        for s in ("low", "expected", "high")
    }
    assert server.name == "Restate server"
    assert server.cost_usd == pytest.approx(per_month["expected"]) and server.cost_usd == pytest.approx(72.0802)
    assert (server.low_usd, server.high_usd) == pytest.approx((per_month["low"], per_month["high"]))


def test_services_have_no_minimum_host_but_at_the_high_end():
    """Handlers may run on a host that scales to zero: an idle month pays for no service, and a
    small one for the runs' own share of their machines, below any fixed pair of instances; the
    high end keeps one small container."""
    assert A["worker_min_vcpu"].expected == 0 and A["worker_min_memory_gb"].expected == 0
    idle = _out(agent(monthly_runs=0))[0]
    assert component(idle, "workers_vcpu").cost_usd == 0 and component(idle, "workers_memory").cost_usd == 0
    small = agent(monthly_runs=3_000)
    out = _out(small)[0]
    share = HOSTING.assumptions["provisioning"]
    for scenario, at in (("low", "low_usd"), ("expected", "cost_usd"), ("high", "high_usd")):
        vcpu, gb = _services(small, by_hand(share, scenario))
        vcpu = max(vcpu, by_hand(A["worker_min_vcpu"], scenario))
        gb = max(gb, by_hand(A["worker_min_memory_gb"], scenario))
        vcpu_hour = by_hand(HOSTING.prices["vcpu_hour"], scenario)
        gb_hour = by_hand(HOSTING.prices["gb_ram_hour"], scenario)
        assert getattr(component(out, "workers_vcpu"), at) == pytest.approx(vcpu * vcpu_hour * HOURS_PER_MONTH)
        assert getattr(component(out, "workers_memory"), at) == pytest.approx(gb * gb_hour * HOURS_PER_MONTH)
    # 3,000 runs of 440 s: 0.50 executing on average, 1.51 at the peak, 1.0 halfway: 0.5 vCPU of 0.5-vcpu-0.5-gb
    assert out.quantities["worker_vcpu"] == pytest.approx(0.5022831, rel=1e-6)
    assert out.quantities["worker_vcpu"] < 1


def test_people_come_from_the_reference_engineer_cost():
    people = component(_out(agent())[0], "ops_people")
    fte, cost = A["ops_fte"], PEOPLE.assumptions["engineer_cost"]
    assert people.cost_usd == pytest.approx(fte.expected * cost.expected / 12) == 1550
    assert (people.low_usd, people.high_usd) == pytest.approx((fte.low * cost.low / 12, fte.high * cost.high / 12))


@settings(max_examples=30, deadline=None)
@given(steps=st.floats(0, 10_000), payload=st.floats(0, 4_096), waits=st.floats(0, 5))
def test_no_fee_per_action(steps, payload, waits):
    """Steps that take no time hold no service: however many actions they journal, the bill is the
    server and the people."""
    p = agent(monthly_runs=1e6, steps_per_run=steps, step_seconds=0, step_payload_kb=payload, human_waits_per_run=waits)
    fixed = (A["platform_vcpu"].expected * VCPU_HOUR + A["platform_memory_gb"].expected * GB_HOUR) * HOURS_PER_MONTH
    people = A["ops_fte"].expected * PEOPLE.assumptions["engineer_cost"].expected / 12
    assert _out(p)[0].monthly_usd == pytest.approx(fixed + people)


@settings(max_examples=30, deadline=None)
@given(p=profiles())
def test_the_services_are_those_restate_cloud_needs_too(p):
    both = {o.id: o for o in _out(p, (OPTION, CLOUD))}
    for key in ("workers_vcpu", "workers_memory"):
        assert component(both[OPTION], key).cost_usd == pytest.approx(component(both[CLOUD], key).cost_usd, rel=1e-12)
