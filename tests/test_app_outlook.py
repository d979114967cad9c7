"""The outlook in the app (AppTest): the headline says how sure, the Outlook view shows exactly the engine's
Monte Carlo, tornado and path, and the ranges, the months ahead and the weeks of work travel in the link."""

from __future__ import annotations

import datetime as dt

import pytest

from model.analysis import headline_of
from model.axes import compared
from model.outlook import outlook
from pricing.load import read_criteria, read_pricebook
from report.text import escape
from report.verdict_words import verdict_sentence
from schema.inputs import FieldRange, PathInputs
from tests.test_app import param, problems_shown, start, unfold
from ui.link import decode, encode
from ui.profile_parts import PATH, RANGE

BOOK = read_pricebook(on=dt.date.today())


def _profile(at):
    """The profile the app priced: the one the link describes."""
    params = {k: (v if isinstance(v, str) else v[-1]) for k, v in at.query_params.items()}
    from pricing.profiles import read_presets

    state, problems = decode(params, read_presets())
    assert not problems, problems
    return state.profile


def test_the_headline_is_the_engine_s_one_verdict_with_how_sure():
    at = start({"preset": "coding-agent"})
    profile = _profile(at)
    head = headline_of(profile, BOOK, criteria=read_criteria())
    want = verdict_sentence(head.verdict, head.result)
    assert "of 10,000 draws" in want
    shown = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert shown == [f"#### {escape(want)}"]


def test_the_outlook_view_shows_the_engine_s_spread_and_path():
    at = start({"preset": "article-example", "view": "outlook", "path.growth": "8", "path.cutover": "1"})
    assert not at.error, [e.value for e in at.error]
    profile = _profile(at)
    assert profile.path == PathInputs(growth_percent_per_month=8, cutover_months=1)
    seen = outlook(profile, BOOK, compared(profile, BOOK))
    frame = at.dataframe[0].value
    best = seen.monte_carlo.leader
    assert best is not None
    row = frame[frame["Option"] == best.name].iloc[0]
    assert row["P50"] == pytest.approx(best.p50) and row["Cheapest in"] == pytest.approx(best.cheapest_share)
    assert any(f"The next {profile.path.horizon_months} months" in s.value for s in at.subheader)


def test_ranges_months_ahead_and_weeks_travel_in_the_link(presets):
    option = compared(presets["coding-agent"], BOOK)[0]
    params = {
        "preset": "coding-agent",
        f"{RANGE}monthly_runs": "500,4000",
        f"{PATH}horizon": "24",
        f"{PATH}runs": "1000,2000,3000",
        f"setup.{option}": "3",
        f"migrate.{option}": "10",
    }
    at = start(params)
    assert not at.error, [e.value for e in at.error]
    profile = _profile(at)
    assert profile.ranges["monthly_runs"] == FieldRange(low=500, high=4000)
    assert profile.path.horizon_months == 24 and profile.path.monthly_runs_by_month == (1000, 2000, 3000)
    assert profile.team.setup_weeks == {option: 3} and profile.team.migration_weeks == {option: 10}
    unfold(at, "ranges", "setup", "path")
    assert at.number_input(key=f"{RANGE}monthly_runs.low").value == 500
    assert at.number_input(key=f"team.setup.{option}").value == 3
    # An edit in the sidebar reaches the link, and the link reads back to the same profile.
    at.number_input(key=f"{PATH}growth").set_value(5.0).run()
    assert param(at, f"{PATH}growth") == "5"
    assert _profile(at).path.growth_percent_per_month == 5


def test_a_range_that_misses_its_value_is_named_and_the_rest_kept():
    at = start(
        {
            "preset": "coding-agent",
            f"{RANGE}monthly_runs": "1,2",
            f"{PATH}horizon": "0",
            f"{RANGE}steps_per_run": "one,two",
        }
    )
    problems = problems_shown(at)
    assert f"{RANGE}monthly_runs" in problems and "must lie within its range" in problems
    assert f"{PATH}horizon" in problems and f"{RANGE}steps_per_run" in problems
    assert not at.exception


def test_a_one_sided_range_in_the_sidebar_is_named():
    at = unfold(start({"preset": "coding-agent"}), "ranges")
    at.number_input(key=f"{RANGE}step_seconds.low").set_value(1.0).run()
    shown = problems_shown(at)
    assert "ranges.step_seconds" in shown and "both ends" in shown
    at.number_input(key=f"{RANGE}step_seconds.high").set_value(60.0).run()
    assert not at.error
    assert param(at, f"{RANGE}step_seconds").startswith("1,60")


def test_encode_decode_round_trip_of_the_new_sections(presets):
    base = presets["coding-agent"]
    profile = base.model_copy(
        update={
            "ranges": {"step_seconds": FieldRange(low=1, high=60, distribution="uniform")},
            "path": PathInputs(
                growth_percent_per_month=2.5, horizon_months=48, cutover_months=0.5, monthly_runs_by_month=(10.0, 20.5)
            ),
        }
    )
    from ui.state import UiState

    params = encode(UiState(preset="coding-agent", profile=profile), presets)
    state, problems = decode(params, presets)
    assert not problems
    assert state.profile.ranges == profile.ranges and state.profile.path == profile.path
