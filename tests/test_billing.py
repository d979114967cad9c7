"""Billing primitives, with the worked examples of Temporal's pricing page."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.billing import cheapest, credit_bill, graduated, share_fee, tier_split

TEMPORAL_TIERS = [5e6, 10e6, 20e6, 50e6, 100e6, 200e6]
TEMPORAL_PRICES = [p * 1e-6 for p in (50, 45, 40, 35, 30, 25)]


def test_temporal_action_example_11_25m_over_allocation_costs_525():
    # docs.temporal.io/cloud/pricing: 5M x $50 + 5M x $45 + 1.25M x $40 = $525
    assert graduated([11.25e6], TEMPORAL_TIERS, TEMPORAL_PRICES)[0] == pytest.approx(525.0)


def test_temporal_plan_fee_examples():
    # Business with $6,000 of spend: greater of $500 or 10% = $600 (current page);
    # Essentials with $3,000: greater of $100 or 5% = $150 (Essentials-era page).
    assert share_fee(500, 0.10, 6000.0) == pytest.approx(600.0)
    assert share_fee(100, 0.05, 3000.0) == pytest.approx(150.0)
    assert share_fee(100, 0.05, 1000.0) == pytest.approx(100.0)


def test_credit_bill_is_fee_plus_usage_past_credit():
    assert credit_bill(10, [0.0, 9.99, 10.0, 25.0], 10).tolist() == [10.0, 10.0, 10.0, 25.0]
    assert credit_bill(0, 3.0, 5.0).item() == 0.0


def test_cheapest_skips_disallowed_and_falls_back_to_last_plan():
    idx, ok = cheapest([[1.0, 1.0], [2.0, 2.0]], [[False, False], [True, False]])
    assert idx.tolist() == [1, 1]
    assert ok.tolist() == [True, False]


@given(
    q=st.floats(0, 1e12, allow_nan=False),
    bounds=st.lists(st.floats(1, 1e11, allow_nan=False), min_size=1, max_size=6, unique=True),
)
def test_tiers_partition_a_quantity_exactly(q, bounds):
    bounds = sorted(bounds)
    split = tier_split([q], [*bounds, None])
    assert (split >= 0).all()
    assert split.sum() == pytest.approx(q, rel=1e-12, abs=1e-9)
    # every band but the last is either full or the quantity ends inside it
    lower = 0.0
    for band, upper in zip(split[:-1, 0], bounds, strict=True):
        assert band <= upper - lower + 1e-9
        lower = upper


@given(a=st.floats(0, 1e10, allow_nan=False), b=st.floats(0, 1e10, allow_nan=False))
def test_graduated_cost_never_decreases(a, b):
    lo, hi = sorted((a, b))
    costs = graduated([lo, hi], TEMPORAL_TIERS, TEMPORAL_PRICES)
    assert costs[0] <= costs[1] + 1e-9


def test_graduated_past_the_last_bound_uses_the_last_price():
    cost = graduated([300e6], TEMPORAL_TIERS, TEMPORAL_PRICES)[0]
    within = graduated([200e6], TEMPORAL_TIERS, TEMPORAL_PRICES)[0]
    assert cost - within == pytest.approx(100e6 * 25e-6)
    assert within == pytest.approx(250 + 225 + 400 + 1050 + 1500 + 2500)


def test_vectorised_equals_elementwise():
    q = np.array([0.0, 1.0, 4.9e6, 5e6, 7.5e6, 3e8])
    assert np.allclose(
        graduated(q, TEMPORAL_TIERS, TEMPORAL_PRICES), [graduated([v], TEMPORAL_TIERS, TEMPORAL_PRICES)[0] for v in q]
    )


@pytest.mark.parametrize(("bounds", "prices"), [([5.0, None], [1.0, 2.0, 3.0]), ([5.0, None], [1.0]), ([], [])])
def test_a_graduated_price_needs_one_price_per_band(bounds, prices):
    with pytest.raises(ValueError, match="one price per band"):
        graduated([7.0], bounds, prices)
