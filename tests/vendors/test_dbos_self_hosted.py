"""DBOS self-hosted (the library only): the vendor contract; the MIT library costs nothing, so the
bill is the app's Postgres and hosts on the hosting reference prices and the people who run them;
it is Conductor's bill without Conductor."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from report.words import say
from schema.inputs import TeamInputs
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.strategies import profiles
from tests.vendors.contract import VendorContract, newest_book
from tests.vendors.priced import by_hand, component, priced

OPTION = "dbos/self-hosted"
CONDUCTOR = "dbos/conductor"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
HOSTING = BOOK.table("reference/hosting")
PEOPLE = BOOK.table("reference/people")
A = TABLE.assumptions
HOURS_PER_MONTH = 730.0


class TestDbosSelfHosted(VendorContract):
    option = OPTION


def _postgres(scenario: str = "expected") -> float:
    vcpu_hour, gb_hour = (
        by_hand(HOSTING.prices["vcpu_hour"], scenario),
        by_hand(HOSTING.prices["gb_ram_hour"], scenario),
    )
    return HOURS_PER_MONTH * (
        by_hand(A["postgres_vcpu"], scenario) * vcpu_hour + by_hand(A["postgres_memory_gb"], scenario) * gb_hour
    )


def _out(p: WorkloadProfile, options=(OPTION,)):
    return priced(p, BOOK, *options)


def test_the_mit_library_has_no_fee():
    out = _out(agent(monthly_runs=5_000_000, steps_per_run=200))[0]
    assert TABLE.license.name == "MIT" and not TABLE.plans and not TABLE.meters
    assert out.plan == "self-hosted" and say(out.plan_reason).startswith("MIT licence: no fee")
    assert out.subtotals["vendor"] == 0
    assert {c.category for c in out.components} == {"infrastructure", "people"}


def test_postgres_workers_and_people_by_hand():
    """A small app: the Postgres (2 vCPU, 4 GB), the two small instances' floor (1 vCPU, 2 GB), all
    around the clock at Fargate prices, and a tenth of an engineer at $186,000 a year."""
    out = _out(agent(monthly_runs=10))[0]
    vcpu, gb = HOSTING.prices["vcpu_hour"].expected, HOSTING.prices["gb_ram_hour"].expected
    postgres = component(out, "postgres")
    assert postgres.cost_usd == pytest.approx(_postgres()) and postgres.cost_usd == pytest.approx(72.0802)
    assert (postgres.low_usd, postgres.high_usd) == pytest.approx((_postgres("low"), _postgres("high")))
    assert out.quantities["worker_vcpu"] == A["worker_min_vcpu"].expected
    assert out.quantities["worker_memory_gb"] == A["worker_min_memory_gb"].expected
    assert component(out, "workers_vcpu").cost_usd == pytest.approx(A["worker_min_vcpu"].expected * vcpu * 730)
    assert component(out, "workers_memory").cost_usd == pytest.approx(A["worker_min_memory_gb"].expected * gb * 730)
    people = component(out, "ops_people")
    cost = PEOPLE.assumptions["engineer_cost"]
    assert people.cost_usd == pytest.approx(A["ops_fte"].expected * cost.expected / 12) == 1550
    assert (people.low_usd, people.high_usd) == pytest.approx(
        (A["ops_fte"].low * cost.low / 12, A["ops_fte"].high * cost.high / 12)
    )
    assert out.monthly_usd == pytest.approx(72.0802 + 29.5504 + 6.4897 + 1550)


def test_the_teams_own_engineer_cost_and_share_replace_the_defaults():
    mine = agent(team=TeamInputs(engineer_cost_usd_per_year=240_000, ops_fte={OPTION: 0.5}))
    people = component(_out(mine)[0], "ops_people")
    assert people.quantity == 0.5 and people.cost_usd == pytest.approx(10_000)


def test_the_postgres_past_its_load_depends_on_sizing():
    busy = agent(monthly_runs=1e7, steps_per_run=50, step_seconds=1, retry_rate=0, human_waits_per_run=0)
    out = _out(busy)[0]
    # 10M runs a month arriving within 8 h a day: 11.4 runs a second, 51 checkpoints each
    assert out.quantities["peak_checkpoints_per_second"] == pytest.approx(1e7 / (730 * 3600) * 3 * 51)
    assert out.quantities["peak_checkpoints_per_second"] > A["postgres_checkpoints_per_second"].expected
    assert component(out, "postgres").depends_on == "a Postgres sized past about 500 checkpoints a second"


@settings(max_examples=30, deadline=None)
@given(p=profiles())
def test_it_is_conductors_bill_without_conductor(p):
    """The same app and Postgres: self-hosting costs Conductor's total less its vendor bill, with the
    self-hosted share of an engineer instead of Conductor's."""
    both = {o.id: o for o in _out(p, (OPTION, CONDUCTOR))}
    mine, conductor = both[OPTION], both[CONDUCTOR]
    assert mine.subtotals["infrastructure"] == pytest.approx(conductor.subtotals["infrastructure"], rel=1e-12)
    engineer = PEOPLE.assumptions["engineer_cost"].expected / 12
    extra_ops = (A["ops_fte"].expected - BOOK.table(CONDUCTOR).assumptions["ops_fte"].expected) * engineer
    assert mine.monthly_usd == pytest.approx(
        conductor.monthly_usd - conductor.subtotals["vendor"] + extra_ops, rel=1e-9, abs=1e-6
    )
