"""The profile format: bad values are named with what is allowed; files round-trip exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from model.profile import ProfileError, parse_profile
from pricing.load import PricingError
from pricing.profiles import dump_profile, parse_profile_text, preset_paths, read_profile
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
        ({"step_kind": "lambda"}, "step_kind", "activity"),
        ({"stpes_per_run": 4}, "stpes_per_run", "unknown field"),
        ({"peak_concurrent_runs": 0}, "peak_concurrent_runs", "allowed: 1 to"),
        ({"version": 2}, "version", "profile version 1"),
    ],
)
def test_bad_values_name_the_field_the_value_and_what_is_allowed(data, field, words):
    with pytest.raises(ProfileError) as info:
        parse_profile(data)
    text = str(info.value)
    assert text.startswith(field) and words in text, text
    given_value = next(iter(data.values()))
    assert repr(given_value) in text


def test_profile_file_errors_carry_the_line():
    text = "version: 1\nname: x\nmonthly_runs: 10\nstep_seconds: -1\n"
    with pytest.raises(PricingError) as info:
        parse_profile_text(text, "mine.yaml")
    assert str(info.value).startswith("mine.yaml:4: step_seconds:")
    assert "-1" in str(info.value) and "allowed: 0 to 86400 s" in str(info.value)


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
    [({"temporal/cloud": -1.0}, "greater than or equal to 0"), ({"temporal/cloud": 11.0}, "less than or equal to 10"),
     ({"bogus": 1.0}, "keys are option ids")],
)
def test_ops_effort_is_bounded_and_keyed_by_option(ops, message):
    from model.profile import TeamInputs

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
