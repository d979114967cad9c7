"""Crossovers are exact points where two options' costs meet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.crossover import ROOT_TOLERANCE, all_crossovers, crossovers, crossovers_along
from model.sweep import sweep, sweep_estimate, sweeps
from pricing.load import read_pricebook
from tests.agents import agent
from tests.conftest import latest_date

BOOK = read_pricebook(on=latest_date())
OPTIONS = [t.id for t in BOOK.options()]


def _costs(profile, field, x, a, b):
    result = sweep_estimate(profile, field, [x], BOOK, [a, b])
    return result.option(a).total[0], result.option(b).total[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    runs=st.sampled_from([1e3, 5e4, 3e5]),
    steps=st.sampled_from([5, 30, 200]),
    seconds=st.sampled_from([1.0, 8.0, 30.0]),
    pair=st.sampled_from([(a, b) for i, a in enumerate(OPTIONS) for b in OPTIONS[i + 1 :]]),
)
def test_crossovers_are_where_the_costs_are_equal(runs, steps, seconds, pair):
    profile = agent(monthly_runs=runs, steps_per_run=steps, step_seconds=seconds)
    a, b = pair
    for c in crossovers(profile, "monthly_runs", a, b, BOOK, 1, 1e9):
        cost_a, cost_b = _costs(profile, "monthly_runs", c.value, a, b)
        if c.kind == "cross":
            assert cost_a == pytest.approx(cost_b, rel=1e-6, abs=1e-6)
        else:  # a jump: the sign of the difference flips within the stated precision of the point
            hair = 2 * ROOT_TOLERANCE
            left = _costs(profile, "monthly_runs", c.value * (1 - hair), a, b)
            right = _costs(profile, "monthly_runs", c.value * (1 + hair), a, b)
            assert np.sign(left[0] - left[1]) != np.sign(right[0] - right[1])
        assert c.cheaper_below != c.cheaper_above


def test_crossover_between_grid_points_is_found_exactly(presets):
    profile = presets["article-example"]
    found = crossovers(profile, "monthly_runs", "temporal/cloud", "trigger.dev/cloud", BOOK, 1, 1e9)
    crossing = [c for c in found if c.kind == "cross"]
    assert crossing, found
    c = crossing[0]
    cost_a, cost_b = _costs(profile, "monthly_runs", c.value, "temporal/cloud", "trigger.dev/cloud")
    assert abs(cost_a - cost_b) < 1e-6 * cost_a
    assert c.cheaper_below == "trigger.dev/cloud" and c.cheaper_above == "temporal/cloud"
    # a sampled grid would only know the crossing to within one grid step (here ~4%)
    assert not np.isclose(c.value, np.geomspace(1, 1e9, 513)).any()


def test_plan_switch_is_reported_as_a_jump():
    """Past its Hobby plan's concurrency Trigger.dev Cloud moves to Pro, whose fee is higher: its bill jumps.
    Set against an option held at a flat $30 a month (a commitment that covers its usage), the difference
    jumps across zero there, with no value where the two cost the same: a `jump`, at the plan's cap."""
    plans = {p.id: p for p in BOOK.table("trigger.dev/cloud").plans}
    cap = plans["hobby"].concurrency.expected
    assert plans["hobby"].fee.expected < 30 < plans["pro"].fee.expected
    profile = agent(
        monthly_runs=10, steps_per_run=1, step_seconds=1, overrides={"cloudflare/workflows": {"commitment_usd": 30}}
    )
    found = crossovers(
        profile, "peak_concurrent_runs", "trigger.dev/cloud", "cloudflare/workflows", BOOK, 1, 300, log=False
    )
    assert [c.kind for c in found] == ["jump"]
    assert found[0].value == pytest.approx(cap, abs=1)
    assert (found[0].cheaper_below, found[0].cheaper_above) == ("trigger.dev/cloud", "cloudflare/workflows")


def test_all_pairs_and_the_cheapest_changes(presets):
    found = all_crossovers(presets["article-example"], "monthly_runs", BOOK, 1, 1e9)
    assert found == sorted(found, key=lambda c: c.value)
    assert any(c.changes_cheapest for c in found)


@pytest.mark.parametrize("axis", ["steps_per_run", "retry_rate", "human_waits_per_run", "retention_days"])
def test_sweeps_in_one_call_are_the_sweeps_one_by_one(presets, axis):
    """An analysis prices its two sweeps in one engine call: each row must come out as it does alone
    (no row of a call may move another's bill, plan or range)."""
    for profile in presets.values():
        runs = np.geomspace(1, 1e7, 17)
        along = np.linspace(0, 400, 13) if axis != "retry_rate" else np.linspace(0, 0.9, 13)
        together = sweeps(profile, [("monthly_runs", runs), (axis, along)], BOOK)
        alone = [sweep(profile, "monthly_runs", runs, BOOK), sweep(profile, axis, along, BOOK)]
        for both, one in zip(together, alone, strict=True):
            pd.testing.assert_frame_equal(both, one, check_exact=True)


@pytest.mark.parametrize("axis", ["steps_per_run", "step_seconds", "human_waits_per_run"])
def test_crossovers_along_two_fields_at_once_are_each_field_s_own(presets, axis):
    """An analysis finds the crossovers along monthly runs and along its second axis with their grids
    priced in one engine call: each must come out exactly as when its field is searched alone."""
    for profile in presets.values():
        spans = [("monthly_runs", 1.0, 1e7, True), (axis, 1.0, 400.0, None)]
        together = crossovers_along(profile, spans, BOOK)
        alone = [all_crossovers(profile, field, BOOK, low, high, log=log) for field, low, high, log in spans]
        assert together == alone


def test_the_two_fields_brackets_are_refined_in_shared_engine_calls(presets, monkeypatch):
    """Each round of refining the crossovers along both fields is one engine call: a search along two
    fields makes as many calls as the longer of the two alone needs, not the calls of both."""
    import model.crossover as crossover

    calls = 0
    priced = crossover.comparable_totals

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return priced(*args, **kwargs)

    monkeypatch.setattr(crossover, "comparable_totals", counted)
    spans = [("monthly_runs", 1.0, 1e7, True), ("steps_per_run", 1.0, 400.0, None)]
    refined_both = False
    for profile in presets.values():
        alone = []
        for field, low, high, log in spans:
            calls = 0
            all_crossovers(profile, field, BOOK, low, high, log=log)
            alone.append(calls - 2)  # less its grid's call and its crossovers' pricing
        calls = 0
        crossovers_along(profile, spans, BOOK)
        assert calls == 2 + max(alone), profile.name
        refined_both |= min(alone) > 0
    assert refined_both, "no preset has brackets to refine along both fields"


def test_sweep_is_long_format_with_ranges(presets):
    frame = sweep(presets["coding-agent"], "steps_per_run", [1, 10, 100], BOOK)
    assert set(frame["option"]) == set(OPTIONS)
    assert len(frame) == 3 * len(OPTIONS)
    # An option that cannot run a workload has no cost there, and no range.
    gaps = frame["monthly_usd"].isna()
    assert frame.loc[gaps, ["low_usd", "high_usd"]].isna().all().all()
    priced = frame[~gaps]
    assert (priced["low_usd"] <= priced["monthly_usd"] + 1e-9).all()
    assert (priced["monthly_usd"] <= priced["high_usd"] + 1e-9).all()
