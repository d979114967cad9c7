"""The app's state: one typed place for what the user chose, and its URL form.

The whole view lives in the URL: the preset, every profile field that differs from it, the team
inputs, the pricing date, the view, the second chart axis and the checklist answers. Copy the
address, open it elsewhere, see the same thing. The URL carries a state version (`v`); `migrate`
upgrades older links so they keep working.

`decode` and `encode` are pure (tested without Streamlit); `Session` binds them to Streamlit's
session state and query parameters, with widget keys taken from field names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any

from model.analysis import AXES
from model.profile import NUMERIC_FIELDS, ProfileError, StepKind, TeamInputs, WorkloadProfile, parse_profile
from pricing.criteria import Criteria

__all__ = [
    "STATE_VERSION",
    "VIEWS",
    "Session",
    "UiState",
    "decode",
    "encode",
    "field_key",
    "migrate",
    "second_axes",
]

STATE_VERSION = 1
VIEWS = {
    "compare": "Compare",
    "history": "History limits",
    "checklist": "Checklist",
    "pricing": "Pricing",
    "prices": "Price history",
    "report": "Report",
}
TEXT_FIELDS = ("name", "description", "machine", "step_kind")
PROFILE_FIELDS = (*TEXT_FIELDS, *NUMERIC_FIELDS)


def second_axes() -> list[str]:
    """The fields the second crossover chart can run along (monthly runs has its own chart)."""
    return [a for a in AXES if a != "monthly_runs"]


def field_key(name: str) -> str:
    """The widget key of a profile field (widget keys come from field names)."""
    return f"field.{name}"


@dataclass(frozen=True)
class UiState:
    preset: str
    profile: WorkloadProfile
    view: str = "compare"
    axis: str = "steps_per_run"
    pricing_date: dt.date | None = None
    answers: Mapping[str, str] = field(default_factory=dict)


def migrate(params: Mapping[str, str]) -> dict[str, str]:
    """Upgrade a link's parameters to the current state version (v1 is the first: no-op)."""
    data = dict(params)
    version = data.pop("v", str(STATE_VERSION))
    if version != str(STATE_VERSION):
        # Future versions add their renames here, oldest first.
        pass
    return data


def _team_from(params: Mapping[str, str], problems: list[tuple[str, str, str]]) -> dict[str, Any]:
    team: dict[str, Any] = {"ops_fte": {}}
    if "engineer_cost" in params:
        try:
            team["engineer_cost_usd_per_year"] = float(params["engineer_cost"])
        except ValueError:
            problems.append(("engineer_cost", params["engineer_cost"], "a number of USD per year"))
    for key, value in params.items():
        if key.startswith("ops."):
            try:
                team["ops_fte"][key.removeprefix("ops.")] = float(value)
            except ValueError:
                problems.append((key, value, "a share of an engineer, e.g. 0.25"))
    return team


def decode(
    params: Mapping[str, str], presets: Mapping[str, WorkloadProfile], criteria: Criteria | None = None
) -> tuple[UiState, list[tuple[str, str, str]]]:
    """The state a URL describes, and the problems with it: (parameter, value given, what is
    allowed). A bad value is reported and replaced by the preset's, never silently dropped."""
    data = migrate(params)
    problems: list[tuple[str, str, str]] = []
    default_preset = "coding-agent" if "coding-agent" in presets else next(iter(presets))
    preset = data.get("preset", default_preset)
    if preset not in presets:
        problems.append(("preset", preset, "one of " + ", ".join(presets)))
        preset = default_preset
    base = presets[preset].model_dump()
    overrides = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    candidate = {**base, **overrides, "team": _team_from(data, problems)}
    try:
        profile = parse_profile(candidate)
    except ProfileError as exc:
        bad = {f for f, _, _ in exc.problems}
        problems += [(f, str(v), msg) for f, v, msg in exc.problems]
        kept = {k: v for k, v in overrides.items() if k not in bad}
        team = candidate["team"] if "team" not in bad and not any(f.startswith("team") for f in bad) else {}
        profile = parse_profile({**base, **kept, "team": team})
    view = data.get("view", "compare")
    if view not in VIEWS:
        problems.append(("view", view, "one of " + ", ".join(VIEWS)))
        view = "compare"
    axis = data.get("axis", "steps_per_run")
    if axis not in second_axes():
        problems.append(("axis", axis, "one of " + ", ".join(second_axes())))
        axis = "steps_per_run"
    pricing_date = None
    if "date" in data:
        try:
            pricing_date = dt.date.fromisoformat(data["date"])
        except ValueError:
            problems.append(("date", data["date"], "a date, YYYY-MM-DD"))
    answers: dict[str, str] = criteria.defaults() if criteria is not None else {}
    if criteria is not None:
        for question in criteria.questions:
            given = data.get(f"q.{question.id}")
            if given is None:
                continue
            allowed = [a.id for a in question.answers]
            if given in allowed:
                answers[question.id] = given
            else:
                problems.append((f"q.{question.id}", given, "one of " + ", ".join(allowed)))
    return UiState(preset=preset, profile=profile, view=view, axis=axis, pricing_date=pricing_date,
                   answers=answers), problems


def _text(value: Any) -> str:
    """A value as a URL parameter: floats in their shortest exact form (`repr`), so they read
    back to the same float, without a trailing `.0`."""
    if isinstance(value, float):
        text = repr(value)
        return text.removesuffix(".0")
    if isinstance(value, StepKind):
        return value.value
    return str(value)


def encode(state: UiState, presets: Mapping[str, WorkloadProfile], criteria: Criteria | None = None) -> dict[str, str]:
    """The shortest URL parameters that `decode` turns back into `state`."""
    base = presets[state.preset]
    params = {"v": str(STATE_VERSION), "preset": state.preset}
    for name in PROFILE_FIELDS:
        value = getattr(state.profile, name)
        if value != getattr(base, name):
            params[name] = _text(value)
    team = state.profile.team
    if team.engineer_cost_usd_per_year is not None:
        params["engineer_cost"] = _text(team.engineer_cost_usd_per_year)
    for option, share in sorted(team.ops_fte.items()):
        params[f"ops.{option}"] = _text(share)
    if state.view != "compare":
        params["view"] = state.view
    if state.axis != "steps_per_run":
        params["axis"] = state.axis
    if state.pricing_date is not None:
        params["date"] = state.pricing_date.isoformat()
    defaults = criteria.defaults() if criteria is not None else {}
    for question, answer in sorted(state.answers.items()):
        if defaults.get(question) != answer:
            params[f"q.{question}"] = answer
    return params


class Session:
    """Streamlit's session state and query parameters, behind one typed interface.

    On the first run of a browser session the URL fills the widgets; from then on the widgets
    are the truth and every run writes the URL back.
    """

    INIT = "_state_initialised"

    def __init__(self, session_state: MutableMapping[str, Any], query_params: Any,
                 presets: Mapping[str, WorkloadProfile], criteria: Criteria):
        self.store = session_state
        self.query = query_params
        self.presets = presets
        self.criteria = criteria
        self.problems: list[tuple[str, str, str]] = []

    def start(self) -> None:
        if self.store.get(self.INIT):
            return
        params = {k: self.query[k] for k in self.query}
        state, self.problems = decode(params, self.presets, self.criteria)
        self.store["url_problems"] = self.problems
        self.load(state)
        self.store[self.INIT] = True

    def load(self, state: UiState) -> None:
        """Put a state into the widgets."""
        self.store["preset"] = state.preset
        self.set_profile(state.profile)
        self.store["view"] = state.view
        self.store["axis"] = state.axis
        self.store["pricing_date"] = state.pricing_date
        for question in self.criteria.questions:
            self.store[f"q.{question.id}"] = state.answers.get(question.id, question.default)

    def set_profile(self, profile: WorkloadProfile) -> None:
        for name in PROFILE_FIELDS:
            value = getattr(profile, name)
            self.store[field_key(name)] = value.value if isinstance(value, StepKind) else value
        # Team inputs left empty take the tables' defaults: an empty widget has no state at all.
        for key in [k for k in self.store if str(k).startswith(("team.ops.", "team.engineer_cost"))]:
            del self.store[key]
        if profile.team.engineer_cost_usd_per_year is not None:
            self.store["team.engineer_cost"] = profile.team.engineer_cost_usd_per_year
        for option, share in profile.team.ops_fte.items():
            self.store[f"team.ops.{option}"] = share

    def profile(self, option_ids: list[str]) -> WorkloadProfile:
        """The profile the widgets describe (always valid: widgets enforce the bounds)."""
        data = {name: self.store[field_key(name)] for name in PROFILE_FIELDS}
        ops = {o: self.store[f"team.ops.{o}"] for o in option_ids if self.store.get(f"team.ops.{o}") is not None}
        data["team"] = TeamInputs(engineer_cost_usd_per_year=self.store.get("team.engineer_cost"), ops_fte=ops)
        return parse_profile(data)

    def state(self, profile: WorkloadProfile) -> UiState:
        answers = {q.id: str(self.store.get(f"q.{q.id}", q.default)) for q in self.criteria.questions}
        return UiState(preset=str(self.store["preset"]), profile=profile, view=str(self.store.get("view") or "compare"),
                       axis=str(self.store["axis"]), pricing_date=self.store.get("pricing_date"), answers=answers)

    def write_url(self, state: UiState) -> None:
        params = encode(state, self.presets, self.criteria)
        current = {k: self.query[k] for k in self.query}
        if current != params:
            self.query.from_dict(params)

    def with_view(self, state: UiState, view: str) -> UiState:
        return replace(state, view=view)
