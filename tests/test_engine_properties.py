"""Properties every estimate must have, over random workloads (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.columns import profiles_frame
from model.engine import estimate, saving_needed
from pricing.load import read_pricebook
from tests.agents import agent
from tests.conftest import latest_date
from tests.strategies import profiles

BOOK = read_pricebook(on=latest_date())
CREDIT_LINES = {"usage_credit"}


@given(p=profiles())
def test_components_sum_to_the_total(p):
    result = estimate(p, BOOK)
    for option in result.options:
        parts = sum(line.cost[0] for line in option.bill.lines)
        assert parts == pytest.approx(option.total[0], rel=1e-12, abs=1e-9), option.id
        for line in option.bill.lines:
            assert line.cost[0] == pytest.approx(line.quantity[0] * line.unit_price[0], rel=1e-9, abs=1e-9), (
                option.id,
                line.key,
            )


@given(p=profiles())
def test_nothing_is_negative_and_ranges_hold(p):
    result = estimate(p, BOOK)
    for option in result.options:
        assert option.total[0] >= 0
        assert option.low[0] <= option.total[0] + 1e-9 <= option.high[0] + 2e-9
        for line in option.bill.lines:
            if line.key not in CREDIT_LINES:
                assert line.cost[0] >= 0, (option.id, line.key)
                assert line.quantity[0] >= 0, (option.id, line.key)
        assert all(np.isfinite(v[0]) for v in option.bill.quantities.values())


@given(
    p=profiles(), factor=st.floats(1.0, 100.0), field=st.sampled_from(["monthly_runs", "steps_per_run", "step_seconds"])
)
def test_cost_never_decreases_as_volume_grows(p, factor, field):
    if field != "monthly_runs":
        # A peak given in the profile is held as it is: longer runs at the same peak then start
        # fewer runs a second, and a plan's cap on actions a second can admit them. With the peak
        # derived from the volume the rate follows the work.
        p = p.model_copy(update={"peak_concurrent_runs": None})
    bigger = p.model_copy(update={field: min(getattr(p, field) * factor + 1, 1e9 if field == "monthly_runs" else 1e5)})
    result = estimate([p, bigger], BOOK)
    small, large = result.totals().to_numpy()
    # Where a limit forces an option onto one of its designs (payloads by reference), the design
    # can cost less than the run as designed by no more than the margin a design must save to be
    # taken unasked (`model.engine.saving_needed`).
    switched = np.array([o.design[0] != o.design[1] for o in result.options])
    margin = np.where(switched, saving_needed(BOOK, small), 0.0)
    # An option that cannot run the workload (ruled out, or past its published prices) shows a bill
    # for reference only: its plan may change for the reason that rules it out.
    runs = np.array([bool(o.applicable.all()) for o in result.options])
    ids = [t.id for t in BOOK.options()]
    held = (large >= small - margin - 1e-6 * np.maximum(1, small)) | ~runs
    assert held.all(), dict(zip(ids, large - small, strict=True))


@given(p=profiles())
def test_zero_workload_leaves_only_fixed_fees(p):
    idle = p.model_copy(update={"monthly_runs": 0})
    result = estimate(idle, BOOK)
    for option in result.options:
        metered = {m.id for m in option.table.meters}
        for line in option.bill.lines:
            if line.key in metered:
                assert line.cost[0] == 0, (option.id, line.key)


def test_a_peak_below_what_the_volume_implies_is_raised_and_said(presets):
    from model.result import summarize

    busy = presets["coding-agent"].model_copy(update={"monthly_runs": 1_000_000, "peak_concurrent_runs": 5})
    out = summarize(estimate(busy, BOOK))
    assert out.workload.peak_concurrent_runs_source == "raised"
    assert out.workload.peak_concurrent_runs == out.workload.peak_floor > 5
    assert any(w.code == "peak_raised" and w.data["given"] == 5 for w in out.warnings)
    derived = summarize(estimate(busy.model_copy(update={"peak_concurrent_runs": None}), BOOK))
    assert derived.workload.peak_concurrent_runs_source == "derived"
    assert [o.monthly_usd for o in derived.options] == [o.monthly_usd for o in out.options]
    burst = summarize(estimate(busy.model_copy(update={"peak_concurrent_runs": 1e6}), BOOK))
    assert burst.workload.peak_concurrent_runs_source == "given" and not burst.warnings


def test_one_call_for_many_profiles_equals_one_call_each(presets):
    items = list(presets.values())
    together = estimate(items, BOOK).totals()
    one_by_one = pd.concat([estimate(p, BOOK).totals() for p in items], ignore_index=True)
    pd.testing.assert_frame_equal(together, one_by_one)


def test_a_dataframe_sweep_is_one_call(presets):
    frame = profiles_frame(presets["coding-agent"])
    frame = frame.loc[[0] * 100_000].reset_index(drop=True)
    frame["monthly_runs"] = np.linspace(0, 1e7, len(frame))
    result = estimate(frame, BOOK)
    assert len(result) == 100_000
    totals = result.totals()
    assert (totals.diff().iloc[1:] >= -1e-6).all().all()


def test_unknown_machine_names_the_field_and_the_allowed_values():
    from schema.profile import ProfileError

    with pytest.raises(ProfileError) as info:
        estimate(agent(machine="huge-9x"), BOOK)
    assert "machine" in str(info.value) and "huge-9x" in str(info.value) and "0.5-vcpu-0.5-gb" in str(info.value)


def test_team_inputs_override_the_people_defaults(presets):
    from schema.inputs import TeamInputs

    staffed = [t for t in BOOK.options() if t.people is not None]
    assert staffed
    base = presets["coding-agent"]
    chosen = staffed[0].id
    mine = base.model_copy(update={"team": TeamInputs(engineer_cost_usd_per_year=120_000, ops_fte={chosen: 1.0})})
    both = estimate([base, mine], BOOK)
    for table in staffed:
        ops = {ln.key: ln for ln in both.option(table.id).bill.lines}["ops_people"]
        assert ops.unit_price[1] == pytest.approx(120_000 / 12)
        share = table.assumptions[table.people].expected
        assert ops.quantity.tolist() == [share, 1.0 if table.id == chosen else share]


def test_the_peak_is_never_more_than_a_day_s_runs_and_those_still_open_from_earlier_days():
    """Ten one-hour steps a run, the day's runs arriving within one hour: at the end of that hour every
    one of the day's runs is executing (98.6 a day at 3,000 a month), and the earlier days' runs are
    done (each takes 10 hours of a 24-hour day). Before, the peak was 135.6."""
    from model.columns import Columns, profiles_frame
    from model.workload import workload
    from schema.profile import WorkloadProfile

    p = WorkloadProfile(monthly_runs=3000, steps_per_run=10, step_seconds=3600, peak_window_hours=1)
    w = workload(Columns(profiles_frame(p)))
    daily = 3000 / (365 / 12)
    assert w.peak_executing[0] == pytest.approx(daily)
    # runs that take three days and a half: today's, and all of the last three days' batches
    long = p.model_copy(update={"steps_per_run": 84.0})
    assert workload(Columns(profiles_frame(long))).peak_executing[0] == pytest.approx(daily * 4)
    # runs arriving all day: Little's law, the rate times the time each is busy
    spread = long.model_copy(update={"peak_window_hours": 24.0})
    w = workload(Columns(profiles_frame(spread)))
    assert w.peak_executing[0] == pytest.approx(w.runs_per_second[0] * w.executing[0])
