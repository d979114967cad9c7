"""Temporal Cloud against the worked examples on its own pricing pages, priced from our tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from model.engine import estimate
from model.profile import WorkloadProfile
from model.vendors.temporal_cloud import _action_cost
from pricing.load import read_pricebook

CURRENT = dt.date(2026, 11, 1)
ESSENTIALS_ERA = dt.date(2026, 3, 1)


def _plan(table, plan_id):
    return next(p for p in table.plans if p.id == plan_id)


@pytest.mark.parametrize("when", [CURRENT, ESSENTIALS_ERA])
def test_action_tiers_example_525(when):
    # "If you are on the Business plan and consume 11.25M Actions in excess of your plan's
    # allocation ... $250 + $225 + $50 = $525" (same example on the Essentials-era page).
    table = read_pricebook(on=when).table("temporal/cloud")
    price = table.price("actions", _plan(table, "business"))
    cost, beyond = _action_cost(np.array([11.25e6]), price, "expected")
    assert cost[0] == pytest.approx(525.0)
    assert not beyond[0]


@pytest.mark.parametrize("when", [CURRENT, ESSENTIALS_ERA])
def test_storage_example_34_02(when):
    # 720 GBh Active x $0.042 + 3,600 GBh Retained x $0.00105 = $30.24 + $3.78 = $34.02
    table = read_pricebook(on=when).table("temporal/cloud")
    active = table.price("active_storage").pick("expected")
    retained = table.price("retained_storage").pick("expected")
    assert 720 * active == pytest.approx(30.24)
    assert 3600 * retained == pytest.approx(3.78)
    assert 720 * active + 3600 * retained == pytest.approx(34.02)


def test_plan_fee_examples_from_the_tables():
    current = read_pricebook(on=CURRENT).table("temporal/cloud")
    business = _plan(current, "business")
    assert max(business.fee.expected, business.fee_share.expected * 6000) == pytest.approx(600)
    old = read_pricebook(on=ESSENTIALS_ERA).table("temporal/cloud")
    essentials = _plan(old, "essentials")
    assert max(essentials.fee.expected, essentials.fee_share.expected * 3000) == pytest.approx(150)


def test_developer_faq_10000_actions_cost_0_50_plus_10_percent():
    # "running a test Workflow with 10,000 Actions costs 10,000 x $50 per million Actions = $0.50,
    # plus 10% for support, for a total of $0.55" -- through the whole engine: 10,000 runs of a
    # workflow with no steps is 10,000 starts; storage of their tiny histories is priced too, so
    # the fee is 10% of Actions + storage.
    book = read_pricebook(on=CURRENT)
    profile = WorkloadProfile(
        monthly_runs=10_000, steps_per_run=0, human_waits_per_run=0, retry_rate=0, retention_days=1
    )
    bill = estimate(profile, book, ["temporal/cloud"]).option("temporal/cloud").bill
    lines = {ln.key: ln for ln in bill.lines}
    assert bill.plan[0] == "developer"
    assert lines["actions"].quantity[0] == 10_000
    assert lines["actions"].cost[0] == pytest.approx(0.50)
    storage = lines["active_storage"].cost[0] + lines["retained_storage"].cost[0]
    assert storage < 0.001
    assert lines["plan_fee"].cost[0] == pytest.approx(0.10 * (0.50 + storage))
    assert lines["actions"].cost[0] + lines["plan_fee"].cost[0] == pytest.approx(0.55, abs=0.001)


def test_essentials_included_actions_come_off_first():
    book = read_pricebook(on=ESSENTIALS_ERA)
    # 1.5M Actions: 1 start + 29 steps, 50,000 runs; Essentials includes 1M.
    profile = WorkloadProfile(monthly_runs=50_000, steps_per_run=29, retry_rate=0, human_waits_per_run=0)
    bill = estimate(profile, book, ["temporal/cloud"]).option("temporal/cloud").bill
    lines = {ln.key: ln for ln in bill.lines}
    assert bill.plan[0] == "essentials"
    assert lines["actions"].quantity[0] == pytest.approx(500_000)
    assert lines["actions"].cost[0] == pytest.approx(25.0)
    assert lines["plan_fee"].cost[0] == pytest.approx(100.0)


def test_business_wins_at_high_volume_and_developer_at_low():
    book = read_pricebook(on=CURRENT)
    small = WorkloadProfile(monthly_runs=1_000, steps_per_run=10)
    large = WorkloadProfile(monthly_runs=2_000_000, steps_per_run=20)
    result = estimate([small, large], book, ["temporal/cloud"]).option("temporal/cloud")
    assert result.bill.plan.tolist() == ["developer", "business"]
    totals = result.bill.plan_totals
    assert totals["business"][1] < totals["developer"][1]
    assert totals["developer"][0] < totals["business"][0]


def test_actions_past_200m_depend_on_a_negotiated_price():
    book = read_pricebook(on=CURRENT)
    huge = WorkloadProfile(monthly_runs=10_000_000, steps_per_run=30)
    line = {ln.key: ln for ln in estimate(huge, book, ["temporal/cloud"]).option("temporal/cloud").bill.lines}[
        "actions"
    ]
    assert line.depends_on is not None and bool(line.depends_on[0])
    assert "negotiated" in line.depends_on_reason


def test_retention_outside_cloud_bounds_is_clamped_and_flagged(book):
    profile = WorkloadProfile(retention_days=365)
    bill = estimate(profile, book, ["temporal/cloud"]).option("temporal/cloud").bill
    flagged = [m for m, f in bill.warnings.items() if f[0]]
    assert any("retention_days" in m for m in flagged)
