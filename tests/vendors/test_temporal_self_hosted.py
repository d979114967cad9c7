"""Temporal self-hosted: the vendor contract; the cluster estimate holds up to a load, and the
history limits are the server's defaults."""

from __future__ import annotations

from model.engine import estimate
from model.result import summarize
from schema.inputs import TeamInputs
from tests.agents import agent
from tests.vendors.contract import VendorContract, newest_book

OPTION = "temporal/self-hosted"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)


class TestTemporalSelfHosted(VendorContract):
    option = OPTION


def test_the_cluster_figure_depends_on_sizing_past_its_load():
    calm = agent(monthly_runs=3_000)
    busy = agent(monthly_runs=50_000_000, steps_per_run=100)
    out = [summarize(estimate(p, BOOK, [OPTION])).options[0] for p in (calm, busy)]
    cap = TABLE.assumptions["cluster_actions_per_second"].expected
    assert out[0].quantities["peak_actions_per_second"] < cap and not out[0].depends_on
    assert out[1].quantities["peak_actions_per_second"] > cap
    assert any("cluster sizing" in d for d in out[1].depends_on)


def test_team_inputs_override_the_operations_share():
    mine = agent(team=TeamInputs(engineer_cost_usd_per_year=120_000, ops_fte={OPTION: 1.0}))
    ops = next(c for c in summarize(estimate(mine, BOOK, [OPTION])).options[0].components if c.key == "ops_people")
    assert ops.quantity == 1.0 and ops.cost_usd == 10_000


def test_the_history_is_the_servers_as_on_cloud():
    """The same run records the same history on both (each option may then price it as a different
    design: Cloud's bill makes payloads by reference worth it sooner)."""
    profile = agent(steps_per_run=300, context_growth_kb=4)
    both = estimate(profile, BOOK, [OPTION, "temporal/cloud"])
    mine, cloud = (both.option(i) for i in (OPTION, "temporal/cloud"))

    def recorded(o):
        return [(x.id, float(x.value[0]), x.limit) for x in (o.designed_limits or o.limits)]

    assert recorded(mine) == recorded(cloud)
