"""Round trips, exact, over random profiles: through the YAML a profile is saved as, through the link the
app writes, and through the JSON report ("the profile, as read"). Names and descriptions take any
printable text (Markdown, HTML, quotes, emoji, other scripts); numbers take any value the fields allow,
to the last bit. `make test` tries hundreds of profiles; `make test-thorough` (the weekly workflow)
tries thousands."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.engine import estimate
from model.result import EstimateOut, summarize
from pricing.load import read_pricebook
from pricing.profiles import dump_profile, parse_profile_text, read_presets
from report.compare import format_json
from schema.inputs import FieldRange, PathInputs, TeamInputs
from schema.profile import WorkloadProfile
from tests.strategies import MACHINES, profiles
from ui.link import decode, encode
from ui.state import Allowed, UiState

BOOK = read_pricebook(on=dt.date.today())
PRESETS = read_presets()
OPTIONS = tuple(t.id for t in BOOK.options())
ALLOWED = Allowed(machines=MACHINES, options=OPTIONS)

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
text = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=_BIDI), min_size=1, max_size=120
).map(lambda t: t if t.strip() else "x" + t)
long_text = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=_BIDI, include_characters="\n\t"),
    max_size=400,
)


@st.composite
def full_profiles(draw: st.DrawFn) -> WorkloadProfile:
    """A random profile with every section: text, team figures, workload ranges around its own values, a path."""
    base = draw(profiles())
    ranged = draw(st.sets(st.sampled_from(("monthly_runs", "steps_per_run", "step_seconds", "retry_rate")), max_size=3))
    ranges = {}
    for name in ranged:
        value = getattr(base, name)
        low = draw(st.floats(0, value, allow_nan=False))
        high = draw(st.floats(value, value * 3 + 1, allow_nan=False))
        ranges[name] = FieldRange(low=low, high=high, distribution=draw(st.sampled_from(("triangular", "uniform"))))
    option = draw(st.sampled_from(OPTIONS))
    team = TeamInputs(
        engineer_cost_usd_per_year=draw(st.one_of(st.none(), st.floats(0, 5e6, allow_nan=False))),
        ops_fte=draw(st.dictionaries(st.just(option), st.floats(0, 10, allow_nan=False), max_size=1)),
        setup_weeks=draw(st.dictionaries(st.just(option), st.floats(0, 520, allow_nan=False), max_size=1)),
        migration_weeks=draw(st.dictionaries(st.just(option), st.floats(0, 520, allow_nan=False), max_size=1)),
    )
    path = PathInputs(
        horizon_months=draw(st.integers(1, 120)),
        growth_percent_per_month=draw(st.floats(-50, 100, allow_nan=False)),
        monthly_runs_by_month=tuple(draw(st.lists(st.floats(0, 1e10, allow_nan=False), max_size=5))),
        cutover_months=draw(st.floats(0, 24, allow_nan=False)),
    )
    return base.model_copy(
        update={
            "name": draw(text),
            "description": draw(long_text),
            "ranges": ranges,
            "team": team,
            "path": path,
            "options": tuple(draw(st.lists(st.sampled_from(OPTIONS), max_size=3, unique=True))),
        }
    )


MANY = max(300, settings.default.max_examples)
"""Profiles a cheap round trip tries: 300 in `make test`, 2,000 under the thorough profile."""
PRICED = max(60, settings.default.max_examples // 4)
"""Profiles the JSON report's round trip prices (each a full estimate): 60, and 500 when thorough."""


def _valid(profile: WorkloadProfile) -> WorkloadProfile:
    """The profile as a validated model (model_copy skips validation): what a reader would be given."""
    return WorkloadProfile.model_validate(profile.model_dump())


@settings(max_examples=MANY, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(full_profiles())
def test_yaml_round_trip_is_exact(profile):
    profile = _valid(profile)
    assert parse_profile_text(dump_profile(profile), "p.yaml") == profile


@settings(max_examples=MANY, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(full_profiles(), st.sampled_from(sorted(PRESETS)))
def test_link_round_trip_is_exact(profile, preset):
    profile = _valid(profile)
    params = encode(UiState(preset=preset, profile=profile), PRESETS)
    state, problems = decode(params, PRESETS, None, ALLOWED)
    assert problems == []
    assert state.profile == profile


@settings(max_examples=PRICED, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(full_profiles())
def test_json_report_round_trip_is_exact(profile):
    """The JSON contract of a random profile: valid (no null where a number belongs, whatever the inputs), and
    its profile the one priced, to the last bit."""
    profile = _valid(profile)
    data = json.loads(format_json(summarize(estimate(profile, BOOK))))
    assert EstimateOut.model_validate(data).profile == profile
    assert WorkloadProfile.model_validate(data["profile"]) == profile
