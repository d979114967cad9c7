"""The profile format: bad values are named with what is allowed; files round-trip exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from pricing.load import PricingError
from pricing.profiles import dump_profile, parse_profile_text, preset_paths, read_profile
from schema.profile import ProfileError, parse_profile
from tests.agents import CODING_AGENT
from tests.strategies import profiles


def test_presets_cover_the_required_workloads(presets):
    assert {"article-example", "coding-agent", "deep-research", "background-agent"} <= set(presets)
    article = presets["article-example"]
    assert (article.monthly_runs, article.steps_per_run) == (50_000, 30)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"monthly_runs": -5}, "monthly_runs", "allowed: 0 to 1e+10 runs/month"),
        ({"retry_rate": "lots"}, "retry_rate", "valid number"),
        ({"step_kind": "lambda"}, "step_kind", "task"),
        ({"stpes_per_run": 4}, "stpes_per_run", "unknown field; did you mean 'steps_per_run'?"),
        ({"peak_concurrent_runs": 0}, "peak_concurrent_runs", "allowed: 1 to"),
        ({"version": 3}, "version", "profile versions 1 and 2"),
        (
            {"team": {"engineer_cots_usd_per_year": 1}},
            "team.engineer_cots_usd_per_year",
            "did you mean 'engineer_cost_usd_per_year'?",
        ),
    ],
)
def test_bad_values_name_the_field_the_value_and_what_is_allowed(data, field, words):
    with pytest.raises(ProfileError) as info:
        parse_profile({**CODING_AGENT, **data})
    text = str(info.value)
    assert text.startswith(field) and words in text, text
    given_value = next(iter(data.values()))
    if not isinstance(given_value, dict):
        assert repr(given_value) in text


def test_profile_file_errors_carry_the_line():
    text = "version: 2\nname: x\nmonthly_runs: 10\nsteps_per_run: 3\nstep_seconds: -1\n"
    with pytest.raises(PricingError) as info:
        parse_profile_text(text, "mine.yaml")
    assert str(info.value).startswith("mine.yaml:5: step_seconds:")
    assert "-1" in str(info.value) and "allowed: 0 to 86400 s" in str(info.value)


def test_a_file_without_the_fields_that_size_the_work_names_each_one():
    """`printf 'version: 1\nmonthly_runs: 200000\n'` used to price as the coding agent."""
    with pytest.raises(PricingError) as info:
        parse_profile_text("version: 1\nmonthly_runs: 200000\n", "short.yaml")
    fields = [p.field for p in info.value.problems]
    assert fields == ["steps_per_run", "step_seconds"]
    assert all("required" in p.message and "extends" in p.message for p in info.value.problems)


def test_fields_left_out_take_neutral_defaults_and_say_where_they_came_from():
    from pricing.profiles import load_profile_text

    loaded = load_profile_text("version: 2\nmonthly_runs: 1000\nsteps_per_run: 10\nstep_seconds: 2\n", "mine.yaml")
    p = loaded.profile
    assert (p.retry_rate, p.sleeps_per_run, p.human_waits_per_run, p.child_runs_per_run) == (0, 0, 0, 0)
    assert (p.step_payload_kb, p.context_growth_kb, p.peak_concurrent_runs) == (0, 0, None)
    assert loaded.sources["monthly_runs"] == "this file" and loaded.sources["human_waits_per_run"] == "default"


def test_extends_starts_from_a_preset_and_the_file_wins(presets):
    from pricing.profiles import load_profile_text

    loaded = load_profile_text("version: 2\nextends: coding-agent\nmonthly_runs: 200000\n", "mine.yaml")
    base = presets["coding-agent"]
    assert loaded.profile.monthly_runs == 200_000
    assert loaded.profile.steps_per_run == base.steps_per_run
    assert loaded.profile.human_wait_seconds == base.human_wait_seconds
    assert loaded.profile.name == f"{base.name} (extended)"
    assert loaded.sources["monthly_runs"] == "this file"
    assert loaded.sources["steps_per_run"] == "preset coding-agent"


def test_every_problem_in_a_file_is_reported_at_once():
    from pricing.profiles import Known

    text = "version: 2\nmonthly_runs: -1\nsteps_per_run: 3\nstep_seconds: 1\nmachine: huge\nextend: x\n"
    with pytest.raises(PricingError) as info:
        parse_profile_text(text, "mine.yaml", known=Known(machines=("0.5-vcpu-0.5-gb",), options=("a/b",)))
    found = {p.field: p for p in info.value.problems}
    assert set(found) == {"monthly_runs", "machine", "extend"}
    assert "did you mean 'extends'" in found["extend"].message
    assert found["machine"].line == 5 and "allowed: 0.5-vcpu-0.5-gb" in found["machine"].message


def test_extends_names_a_preset():
    with pytest.raises(PricingError, match=r"'nope' is not a preset; allowed: .*coding-agent"):
        parse_profile_text("version: 2\nextends: nope\n", "mine.yaml")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(PricingError, match="cannot read the file"):
        read_profile(tmp_path / "nope.yaml")


@pytest.mark.parametrize("path", preset_paths(), ids=lambda p: p.stem)
def test_presets_round_trip(path):
    profile = read_profile(path)
    assert parse_profile_text(dump_profile(profile), "again.yaml") == profile


@settings(max_examples=50, deadline=None)
@given(p=profiles())
def test_any_profile_round_trips_through_yaml(p):
    assert parse_profile_text(dump_profile(p), "again.yaml") == p


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        ({"temporal/cloud": -1.0}, "greater than or equal to 0"),
        ({"temporal/cloud": 11.0}, "less than or equal to 10"),
        ({"bogus": 1.0}, "keys are option ids"),
    ],
)
def test_ops_effort_is_bounded_and_keyed_by_option(ops, message):
    from schema.inputs import TeamInputs

    with pytest.raises(ValidationError, match=message):
        TeamInputs(ops_fte=ops)


def test_yaml_aliases_are_refused_quickly():
    """Nested aliases expand exponentially ("billion laughs"); a profile never needs one."""
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 12):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(PricingError, match="aliases"):
        parse_profile_text("version: 1\n" + "\n".join(lines) + "\n", "bomb.yaml")


def test_profiles_written_with_a_vendors_names_read_as_todays(book):
    """Earlier profiles named machines and step kinds in one vendor's words: they still load, as
    the same machine and the same kind of step, and are written back in today's names."""
    from pricing.profiles import known_from

    text = "monthly_runs: 1000\nsteps_per_run: 5\nstep_seconds: 2\nmachine: small-2x\nstep_kind: local_activity\n"
    profile = parse_profile_text(text, "old.yaml", known=known_from(book))
    assert (profile.machine, profile.step_kind.value) == ("1-vcpu-1-gb", "inline")
    assert "small-2x" not in dump_profile(profile) and "local_activity" not in dump_profile(profile)
