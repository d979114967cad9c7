"""Inngest self-hosted: the vendor contract; the server under the SSPL with no fee, its server,
Postgres and Redis and your app priced on the hosting reference table, operations priced on the
people reference table, and the minimum a small workload still pays."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.engine import estimate
from model.result import summarize
from report.words import say
from schema.inputs import TeamInputs
from schema.numbers import Scenario
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.vendors.contract import VendorContract, newest_book
from tests.vendors.priced import priced

OPTION = "inngest/self-hosted"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
HOSTING = BOOK.table("reference/hosting")
PEOPLE = BOOK.table("reference/people")
HOURS = 730  # a month, as the hosting table quotes hourly prices per month
VCPU_HOUR = HOSTING.prices["vcpu_hour"].expected
GB_HOUR = HOSTING.prices["gb_ram_hour"].expected


class TestInngestSelfHosted(VendorContract):
    option = OPTION


def _assume(key: str, scenario: Scenario = "expected") -> float:
    return TABLE.assumptions[key].pick(scenario)


def _hourly(key: str, scenario: Scenario) -> float:
    return HOSTING.prices[key].pick(scenario)


def _platform(scenario: Scenario = "expected") -> float:
    """The server with Postgres and Redis, a month on the hosting table's prices."""
    return (
        _assume("platform_vcpu", scenario) * _hourly("vcpu_hour", scenario)
        + _assume("platform_memory_gb", scenario) * _hourly("gb_ram_hour", scenario)
    ) * HOURS


def _app_minimum(scenario: Scenario = "expected") -> float:
    return (
        _assume("worker_min_vcpu", scenario) * _hourly("vcpu_hour", scenario)
        + _assume("worker_min_memory_gb", scenario) * _hourly("gb_ram_hour", scenario)
    ) * HOURS


def _people(scenario: Scenario = "expected") -> float:
    return _assume("ops_fte", scenario) * PEOPLE.assumptions["engineer_cost"].pick(scenario) / 12


def _out(profile: WorkloadProfile):
    return priced(profile, BOOK, OPTION)[0]


def test_the_sspl_server_has_no_fee():
    out = _out(agent(monthly_runs=2_000_000, steps_per_run=40))
    assert TABLE.license is not None and TABLE.license.name == "SSPL"
    assert out.plan == "self-hosted" and say(out.plan_reason).startswith("SSPL licence: no fee")
    assert out.subtotals["vendor"] == 0
    assert not [c for c in out.components if c.category == "vendor"]
    assert not TABLE.plans and not TABLE.meters and not TABLE.prices


def test_a_small_workload_still_pays_the_minimum_infrastructure_by_hand():
    """Ten runs a month: the server (2 vCPU, 4 GB) and your app at its minimum (1 vCPU, 2 GB), all
    month at Fargate's on-demand prices, and 0.15 of an engineer at $186,000 a year."""
    out = _out(agent(monthly_runs=10))
    cost = {c.key: c.cost_usd for c in out.components}
    assert set(cost) == {"platform", "workers_vcpu", "workers_memory", "ops_people"}
    assert out.quantities["worker_vcpu"] == _assume("worker_min_vcpu") == 1
    assert out.quantities["worker_memory_gb"] == _assume("worker_min_memory_gb") == 2
    assert cost["platform"] == pytest.approx((2 * 0.04048 + 4 * 0.004445) * 730) == pytest.approx(72.0802)
    assert cost["platform"] == pytest.approx(_platform())
    assert cost["workers_vcpu"] == pytest.approx(1 * VCPU_HOUR * HOURS) == pytest.approx(29.5504)
    assert cost["workers_memory"] == pytest.approx(2 * GB_HOUR * HOURS) == pytest.approx(6.4897)
    assert cost["ops_people"] == pytest.approx(_people()) == pytest.approx(0.15 * 186_000 / 12)
    assert out.monthly_usd == pytest.approx(72.0802 + 29.5504 + 6.4897 + 2325.0)
    assert out.subtotals == pytest.approx({"vendor": 0.0, "infrastructure": 108.1203, "people": 2325.0})


def test_an_idle_month_costs_the_same_minimum():
    idle, few = (_out(agent(monthly_runs=n)) for n in (0, 10))
    assert idle.monthly_usd == pytest.approx(few.monthly_usd)


def test_the_range_spans_the_estimated_server_and_operations_share():
    """Low: the server at 1 vCPU / 2 GB, the app at its smallest minimum, on Graviton prices, and
    0.05 of an engineer at $166,000; high: 4 vCPU / 8 GB, two medium app instances and 0.3 at
    $205,000."""
    out = _out(agent(monthly_runs=10))
    assert out.low_usd == pytest.approx(_platform("low") + _app_minimum("low") + _people("low"))
    assert out.high_usd == pytest.approx(_platform("high") + _app_minimum("high") + _people("high"))
    assert _people("low") == pytest.approx(0.05 * 166_000 / 12)
    assert _people("high") == pytest.approx(0.3 * 205_000 / 12)


def test_the_app_is_sized_from_the_steps_executing():
    """Above the minimum, your app holds the runs executing a step: between the average and the
    peak (the hosting table's provisioning share), at the machine preset's resources."""
    p = agent(
        monthly_runs=2_000_000,
        steps_per_run=20,
        step_seconds=8,
        retry_rate=0,
        human_waits_per_run=0,
        peak_concurrent_runs=2_000,
        machine="1-vcpu-2-gb",
    )
    out = _out(p)
    average = 2_000_000 / (HOURS * 3600) * 20 * 8
    units = average + HOSTING.assumptions["provisioning"].expected * (2_000 - average)
    vcpu = units * HOSTING.machines["1-vcpu-2-gb"].vcpu.expected
    memory = units * HOSTING.machines["1-vcpu-2-gb"].memory_gb.expected
    assert out.quantities["worker_vcpu"] == pytest.approx(vcpu, rel=1e-9)
    assert out.quantities["worker_memory_gb"] == pytest.approx(memory, rel=1e-9)
    cost = {c.key: c.cost_usd for c in out.components}
    assert cost["workers_vcpu"] == pytest.approx(vcpu * HOURS * VCPU_HOUR, rel=1e-9)
    assert cost["workers_memory"] == pytest.approx(memory * HOURS * GB_HOUR, rel=1e-9)
    assert cost["platform"] == pytest.approx(_platform())  # fixed, whatever the load


def test_team_inputs_replace_the_people_reference():
    mine = agent(team=TeamInputs(engineer_cost_usd_per_year=240_000, ops_fte={OPTION: 0.5}))
    ops = next(c for c in _out(mine).components if c.key == "ops_people")
    assert ops.quantity == 0.5 and ops.cost_usd == pytest.approx(0.5 * 240_000 / 12)
    other = agent(team=TeamInputs(ops_fte={"inngest/cloud": 0.5}))
    ops = next(c for c in _out(other).components if c.key == "ops_people")
    assert ops.quantity == TABLE.assumptions["ops_fte"].expected


@settings(max_examples=40, deadline=None)
@given(
    runs=st.floats(0, 5e6), steps=st.integers(0, 500), wait=st.floats(0, 30 * 86_400), sleep=st.floats(0, 30 * 86_400)
)
def test_sleeping_or_waiting_runs_hold_nothing(runs, steps, wait, sleep):
    """Inngest calls your app for each step and keeps the run's state in its own store: a run that
    sleeps or waits for an event holds no app capacity, so how long it waits changes nothing."""
    base = agent(
        monthly_runs=runs,
        steps_per_run=steps,
        sleeps_per_run=1,
        human_waits_per_run=1,
        human_wait_seconds=60,
        sleep_seconds=60,
    )
    longer = base.model_copy(update={"human_wait_seconds": wait, "sleep_seconds": sleep})
    option = estimate([base, longer], BOOK, [OPTION]).option(OPTION)
    assert option.total[0] == pytest.approx(option.total[1], rel=1e-12)


def test_the_step_limits_are_the_clouds():
    """The same server code: the self-hosted limits on one run are the documented defaults."""
    p = agent(
        steps_per_run=1_200,
        step_payload_kb=5_000,
        sleeps_per_run=1,
        sleep_seconds=400 * 86_400 / 1.1,
        step_seconds=3 * 3600,
    )
    both = summarize(estimate(p, BOOK, [OPTION, "inngest/cloud"]))
    mine, cloud = (next(o for o in both.options if o.id == i) for i in (OPTION, "inngest/cloud"))
    ours = {x.id: x for x in mine.limits}
    theirs = {x.id: x for x in cloud.limits}
    assert set(ours) <= set(theirs)
    for key, limit in ours.items():
        assert (limit.value, limit.limit, limit.exceeded) == (
            theirs[key].value,
            theirs[key].limit,
            theirs[key].exceeded,
        ), key
    # 1,200 steps + a sleep + a wait > 1,000; 5,000 KB > 4 MB; 3 h > 2 h; 363.6 days is within a year
    assert {k for k, x in ours.items() if x.exceeded} == {"steps_per_function", "step_return_mb", "step_timeout_hours"}
    assert ours["steps_per_function"].value == 1_202
