"""The app's URL state, without Streamlit: decode and encode are inverse, bad values are
reported with the parameter, the value and what is allowed, and never silently dropped."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.load import read_criteria
from schema.inputs import TeamInputs
from schema.profile import WorkloadProfile
from tests.strategies import profiles
from ui.link import decode, encode
from ui.state import STATE_VERSION, Allowed, UiState, second_axes

CRITERIA = read_criteria()


@pytest.fixture(scope="module")
def answers_strategy():
    return st.fixed_dictionaries({q.id: st.sampled_from([a.id for a in q.answers]) for q in CRITERIA.questions})


def test_default_link_is_the_coding_agent(presets):
    state, problems = decode({}, presets, CRITERIA)
    assert problems == []
    assert state.preset == "coding-agent" and state.profile == presets["coding-agent"]
    assert encode(state, presets, CRITERIA) == {"v": str(STATE_VERSION), "preset": "coding-agent"}


def test_an_old_link_to_a_renamed_view_opens_it(presets):
    state, problems = decode({"view": "history"}, presets, CRITERIA)
    assert state.view == "limits" and not problems


@given(
    profile=profiles(),
    preset=st.sampled_from(["article-example", "coding-agent", "deep-research", "background-agent"]),
    view=st.sampled_from(["compare", "limits", "checklist", "pricing", "report"]),
    axis=st.sampled_from(second_axes()),
    engineer=st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)),
    ops=st.dictionaries(st.sampled_from(["temporal/cloud", "trigger.dev/self-hosted"]), st.floats(0, 10)),
    date=st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2026, 11, 1))),
    table=st.sampled_from(["temporal/cloud", "trigger.dev/cloud", "reference/hosting"]),
    options=st.lists(st.sampled_from(["temporal/cloud", "trigger.dev/cloud", "acme/cloud"]), unique=True),
    data=st.data(),
)
def test_encode_then_decode_gives_the_same_state(
    presets, profile, preset, view, axis, engineer, ops, date, table, options, data
):
    answers = data.draw(
        st.fixed_dictionaries({q.id: st.sampled_from([a.id for a in q.answers]) for q in CRITERIA.questions})
    )
    profile = profile.model_copy(
        update={
            "name": "My agent & co",
            "team": TeamInputs(engineer_cost_usd_per_year=engineer, ops_fte=ops),
            "options": tuple(options),
        }
    )
    state = UiState(
        preset=preset, profile=profile, view=view, axis=axis, pricing_date=date, answers=answers, table=table
    )
    params = encode(state, presets, CRITERIA)
    back, problems = decode(params, presets, CRITERIA)
    assert problems == []
    assert back == state


def test_link_names_only_what_differs_from_the_preset(presets):
    base = presets["deep-research"]
    state = UiState(preset="deep-research", profile=base.model_copy(update={"steps_per_run": 321.0}))
    params = encode(state, presets, CRITERIA)
    assert params == {"v": "1", "preset": "deep-research", "steps_per_run": "321"}


def test_bad_values_are_reported_and_the_rest_kept(presets):
    state, problems = decode(
        {
            "preset": "deep-research",
            "steps_per_run": "-5",
            "step_seconds": "abc",
            "monthly_runs": "777",
            "view": "nowhere",
            "axis": "colour",
            "date": "yesterday",
            "q.languages": "klingon",
        },
        presets,
        CRITERIA,
    )
    named = {p[0]: p for p in problems}
    assert set(named) == {"steps_per_run", "step_seconds", "view", "axis", "date", "q.languages"}
    assert named["steps_per_run"][1] == "-5" and "0" in named["steps_per_run"][2]
    assert named["view"][2].startswith("one of compare")
    assert state.profile.monthly_runs == 777  # the good value survives
    assert state.profile.steps_per_run == presets["deep-research"].steps_per_run
    assert (state.view, state.axis, state.pricing_date) == ("compare", "steps_per_run", None)


def test_unknown_preset_falls_back_with_a_message(presets):
    state, problems = decode({"preset": "nope"}, presets, CRITERIA)
    assert state.preset == "coding-agent"
    assert problems[0][0] == "preset" and "article-example" in problems[0][2]


def test_older_link_version_is_accepted(presets):
    state, problems = decode({"v": "1", "preset": "background-agent"}, presets, CRITERIA)
    assert problems == [] and state.preset == "background-agent"


def test_every_profile_field_is_in_the_link_format():
    from ui.state import PROFILE_FIELDS

    # the overrides travel as your.<option>.… parameters (tests/test_overrides.py), the
    # requirements as need.… (tests/test_requirements.py), the ranges as range.… and the path as path.…
    # (tests/test_app_outlook.py)
    elsewhere = {"team", "options", "overrides", "requirements", "ranges", "path"}
    assert set(PROFILE_FIELDS) | elsewhere == set(WorkloadProfile.model_fields) - {"version"}


ALLOWED = Allowed(
    machines=("0.25-vcpu-0.25-gb", "0.5-vcpu-0.5-gb"),
    tables=("temporal/cloud", "trigger.dev/cloud"),
    options=("temporal/cloud", "trigger.dev/cloud"),
    first_date=dt.date(2025, 1, 1),
    last_date=dt.date(2026, 11, 25),
)


@pytest.mark.parametrize(
    ("params", "param", "allowed_text"),
    [
        ({"date": "2030-01-01"}, "date", "a date from 2025-01-01 to 2026-11-25"),
        ({"date": "2024-06-01"}, "date", "a date from 2025-01-01 to 2026-11-25"),
        ({"machine": "huge"}, "machine", "one of 0.25-vcpu-0.25-gb, 0.5-vcpu-0.5-gb"),
        ({"table": "acme/cloud"}, "table", "one of temporal/cloud"),
        ({"colour": "red"}, "colour", "a known parameter"),
        ({"q.favourite": "x"}, "q.favourite", "a checklist question"),
        ({"v": "7"}, "v", "1 (this app's link version)"),
        ({"ops.temporal/cloud": "50"}, "ops.temporal/cloud", "from 0 to 10"),
        ({"ops.acme/cloud": "0.5"}, "ops.acme/cloud", "one of temporal/cloud, trigger.dev/cloud"),
        ({"engineer_cost": "-5"}, "engineer_cost", "0 to 5,000,000"),
    ],
)
def test_each_bad_link_value_is_named(presets, params, param, allowed_text):
    state, problems = decode(params, presets, CRITERIA, ALLOWED)
    assert [p[0] for p in problems] == [param]
    assert problems[0][1] == params[param] and allowed_text in problems[0][2]
    assert state.pricing_date is None and state.profile.machine == presets["coding-agent"].machine


def test_one_bad_team_value_loses_no_other(presets):
    state, problems = decode({"engineer_cost": "-5", "ops.temporal/cloud": "0.3"}, presets, CRITERIA, ALLOWED)
    assert [p[0] for p in problems] == ["engineer_cost"]
    assert dict(state.profile.team.ops_fte) == {"temporal/cloud": 0.3}


class _Upload:
    """What Streamlit's uploader hands the callback: a name, a size and the bytes."""

    def __init__(self, name: str, text: str):
        self.name, self._data = name, text.encode("utf-8")
        self.size = len(self._data)
        self.file_id = f"{name}:{hash(text)}"

    def getvalue(self) -> bytes:
        return self._data


@pytest.mark.parametrize(
    ("extra", "kept", "taken"),
    [
        # A workload alone keeps what the form held about the team and the buyer.
        ("", {"team.engineer_cost": 250000.0, "need.seats": 7}, {}),
        # What the file says about the buyer replaces the buyer's terms; the team inputs are kept.
        ("requirements: {seats: 30}\n", {"team.engineer_cost": 250000.0}, {"need.seats": 30}),
        # Weeks alone are about the team: they replace the team inputs, and the buyer's terms are kept.
        ("team: {setup_weeks: {temporal/cloud: 3}}\n", {"need.seats": 7}, {"team.setup.temporal/cloud": 3}),
    ],
)
def test_an_uploaded_profile_replaces_what_it_says_and_keeps_the_rest(presets, extra, kept, taken):
    from ui.session import Session
    from ui.upload import on_upload

    store = {"team.engineer_cost": 250000.0, "need.seats": 7}
    session = Session(store, {}, presets, read_criteria(), Allowed(options=("temporal/cloud", "trigger.dev/cloud")))
    store["upload"] = [_Upload("mine.yaml", f"extends: coding-agent\nname: Mine\n{extra}")]
    on_upload(session)
    assert store["upload_problems"] == []
    for key, value in {**kept, **taken}.items():
        assert store.get(key) == value, key
    assert store["field.name"] == "Mine"


def test_a_file_added_to_the_upload_box_is_read_alone(presets):
    """The box keeps what was dropped before: a second profile dropped is read by itself (not refused as
    two profiles at once), and a file taken out leaves the form as it is."""
    from ui.session import Session
    from ui.upload import on_upload

    store: dict = {}
    session = Session(store, {}, presets, read_criteria(), Allowed(options=("temporal/cloud", "trigger.dev/cloud")))
    first = _Upload("one.yaml", "extends: coding-agent\nname: One\nmonthly_runs: 111\n")
    second = _Upload("two.yaml", "extends: coding-agent\nname: Two\nmonthly_runs: 222\n")
    store["upload"] = [first]
    on_upload(session)
    assert store["field.monthly_runs"] == 111
    store["upload"] = [first, second]
    on_upload(session)
    assert store["upload_problems"] == [] and store["field.monthly_runs"] == 222
    store["upload"] = [second]
    on_upload(session)
    assert store["field.monthly_runs"] == 222 and store["field.name"] == "Two"
    # two profiles dropped at once: one at a time, said, nothing changed
    store["upload"] = [_Upload("a.yaml", "extends: coding-agent\nname: A\n"), _Upload("b.yaml", "name: B\n")]
    on_upload(session)
    assert store["upload_problems"] and store["field.name"] == "Two"
