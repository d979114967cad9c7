"""The link: a state as URL parameters, and back.

`encode` writes the shortest parameters that `decode` turns back into a state. `decode` names each
problem of a link with what is allowed: a bad value is replaced by the preset's (or the default),
never silently dropped. The URL carries a state version (`v`); `migrate` upgrades older links so they
keep working. Scenarios (`s<N>`) and the account's other agents (`a<N>`) are the profile's own
parameters with some changed (`scenarios_from`, `scenario_profile`, `changes_between`).

Pure: tested without Streamlit (`ui.session` binds it to the app).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from schema.criteria import Criteria
from schema.inputs import TeamInputs
from schema.profile import OPTIONAL_FIELDS, ProfileError, WorkloadProfile, parse_profile
from schema.text import NOT_ONE_LINE, look_alike_word
from ui.edited import edited_mark
from ui.profile_parts import (
    NEED,
    PATH,
    RANGE,
    WEEKS,
    YOURS,
    overrides_from,
    overrides_params,
    param_text,
    path_from,
    path_params,
    ranges_from,
    ranges_params,
    requirements_from,
    requirements_params,
    team_from,
)
from ui.state import (
    FLAG_FIELDS,
    PROFILE_FIELDS,
    RENAMED_VIEWS,
    STATE_VERSION,
    VIEWS,
    Allowed,
    Problem,
    ScenarioLink,
    UiState,
    second_axes,
)

__all__ = [
    "AGENT_KEY",
    "BASE_SCENARIO",
    "KNOWN",
    "LINKED_PREFIXES",
    "MAX_LINKED",
    "MAX_LINKED_AGENTS",
    "SCENARIO_KEY",
    "changes_between",
    "decode",
    "encode",
    "migrate",
    "profile_params",
    "scenario_profile",
    "scenarios_from",
]

KNOWN = {"v", "preset", "view", "axis", "date", "engineer_cost", "table", "options"}


def migrate(params: Mapping[str, str], problems: list[Problem]) -> dict[str, str]:
    """Upgrade a link's parameters to the current state version (v1 is the first)."""
    data = dict(params)
    version = data.pop("v", str(STATE_VERSION))
    if version != str(STATE_VERSION):
        # Later versions add their renames here, oldest first; a link from a newer app is read
        # as far as this one understands it.
        problems.append(("v", version, f"{STATE_VERSION} (this app's link version); read as version {STATE_VERSION}"))
    return data


def decode(
    params: Mapping[str, str],
    presets: Mapping[str, WorkloadProfile],
    criteria: Criteria | None = None,
    allowed: Allowed | None = None,
) -> tuple[UiState, list[Problem]]:
    """The state a URL describes, and the problems with it: (parameter, value given, what is
    allowed). A bad value is reported and replaced by the preset's (or the default), never
    silently dropped; an unknown parameter is reported too."""
    allowed = allowed or Allowed()
    problems: list[Problem] = []
    data = migrate(params, problems)
    preset = _preset(data, presets, problems)
    base = presets[preset].model_dump()
    overrides = _field_values(data, base, allowed, problems)
    team = team_from(data, problems, allowed.options)
    _buyer_and_options(data, base, allowed, problems)
    extra = _ranges_and_path(data, base, problems)
    profile = _profile(data, base, overrides, extra, team, problems)
    view = _view(data, problems)
    axis = _axis(data, problems)
    pricing_date = _pricing_date(data, allowed, problems)
    table = _table(data, allowed, problems)
    answers = _answers(data, criteria, problems)
    usable, base_name, agents = _linked(data, presets, criteria, allowed, problems)
    return UiState(
        preset=preset,
        profile=profile,
        view=view,
        axis=axis,
        pricing_date=pricing_date,
        answers=answers,
        table=table,
        scenarios=tuple(usable),
        base_name=base_name,
        agents=tuple(agents),
    ), problems


def _preset(data: Mapping[str, str], presets: Mapping[str, WorkloadProfile], problems: list[Problem]) -> str:
    """The preset the link names; one the app does not have is a problem, and the default used."""
    default_preset = "coding-agent" if "coding-agent" in presets else next(iter(presets))
    preset = data.get("preset", default_preset)
    if preset not in presets:
        problems.append(("preset", preset, "one of " + ", ".join(presets)))
        preset = default_preset
    return preset


def _field_values(
    data: Mapping[str, str], base: dict[str, Any], allowed: Allowed, problems: list[Problem]
) -> dict[str, str | None]:
    """The profile's own fields as the link gives them (an empty optional field: None, the engine
    derives it). A yes-or-no field is set on `base`; a machine, model or sandbox the data does not
    know is a problem, and left out."""
    overrides: dict[str, str | None] = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    for name in OPTIONAL_FIELDS:
        if overrides.get(name) == "":
            overrides[name] = None  # an empty optional field: the engine derives it
    for name in FLAG_FIELDS:
        if name in overrides:
            given = overrides.pop(name)
            if given in ("true", "false"):
                base[name] = given == "true"
            else:
                problems.append((name, str(given), "true or false"))
    if overrides.get("machine") in allowed.machine_names:  # a vendor's name for a size, from an older link
        overrides["machine"] = allowed.machine_names[str(overrides["machine"])]
    if allowed.machines and "machine" in overrides and overrides["machine"] not in allowed.machines:
        problems.append(("machine", str(overrides.pop("machine")), "one of " + ", ".join(allowed.machines)))
    if allowed.models and overrides.get("model") and overrides["model"] not in allowed.models:
        given = str(overrides.pop("model"))
        near = difflib.get_close_matches(given, allowed.models, n=3, cutoff=0.6)
        such = f", such as {', '.join(near)}" if near else ""
        problems.append(("model", given, "a model of the token price catalogue" + such))
    if allowed.sandboxes and overrides.get("sandbox") and overrides["sandbox"] not in allowed.sandboxes:
        problems.append(("sandbox", str(overrides.pop("sandbox")), "one of " + ", ".join(allowed.sandboxes)))
    return overrides


def _buyer_and_options(
    data: Mapping[str, str], base: dict[str, Any], allowed: Allowed, problems: list[Problem]
) -> None:
    """The buyer's own terms (`your.`) and needs (`need.`) and the options compared, set on `base`;
    each bad one a problem."""
    yours, bad_yours = overrides_from(data, allowed.options, allowed.terms)
    problems += bad_yours
    if yours:
        try:
            base["overrides"] = {**base.get("overrides", {}), **parse_profile({**base, "overrides": yours}).overrides}
        except ProfileError as exc:
            problems += [(f, str(v), msg) for f, v, msg in exc.problems]
    needs, bad_needs = requirements_from(data)
    problems += bad_needs
    if needs.stated():
        base["requirements"] = needs
    if "options" in data:
        named = [o for o in data["options"].split(",") if o]
        unknown = [o for o in named if allowed.options and o not in allowed.options]
        for option in unknown:
            problems.append(("options", option, "option ids, comma-separated, from " + ", ".join(allowed.options)))
        base["options"] = tuple(dict.fromkeys(o for o in named if o not in unknown))


def _ranges_and_path(data: Mapping[str, str], base: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """The profile's `ranges` and `path` the link gives (the path over the preset's), each bad value a problem."""
    extra: dict[str, Any] = {}
    ranges, bad_ranges = ranges_from(data)
    problems += bad_ranges
    if ranges:
        extra["ranges"] = ranges
    path, bad_path = path_from(data)
    problems += bad_path
    if path:
        extra["path"] = {**base.get("path", {}), **path}
    return extra


def _profile(
    data: Mapping[str, str],
    base: Mapping[str, Any],
    overrides: Mapping[str, str | None],
    extra: Mapping[str, Any],
    team: TeamInputs,
    problems: list[Problem],
) -> WorkloadProfile:
    """The profile the link describes; each value the profile refuses is a problem, and the preset's
    value kept for it."""
    try:
        return parse_profile({**base, **overrides, **extra, "team": team})
    except ProfileError as exc:
        bad = {f.split(".")[0] for f, _, _ in exc.problems}
        for f, v, msg in exc.problems:
            if f == "ranges":
                keys = [f"{RANGE}{k}" for k in extra.get("ranges", {})]
                problems.append((", ".join(keys), "; ".join(str(data.get(k, "")) for k in keys), msg))
            else:
                problems.append((f, str(overrides.get(f, v)), msg))
        kept = {k: v for k, v in overrides.items() if k not in bad}
        try:
            return parse_profile({**base, **kept, **{k: v for k, v in extra.items() if k not in bad}, "team": team})
        except ProfileError:  # the ranges no longer bracket a value that fell back to the preset's
            return parse_profile({**base, **kept, "team": team})


def _view(data: Mapping[str, str], problems: list[Problem]) -> str:
    """The view the link opens (a renamed view by its new name); an unknown one is a problem."""
    view = data.get("view", "compare")
    view = RENAMED_VIEWS.get(view, view)
    if view not in VIEWS:
        problems.append(("view", view, "one of " + ", ".join(VIEWS)))
        view = "compare"
    return view


def _axis(data: Mapping[str, str], problems: list[Problem]) -> str:
    """The field the second crossover chart runs along; one it cannot is a problem."""
    axis = data.get("axis", "steps_per_run")
    if axis not in second_axes():
        problems.append(("axis", axis, "one of " + ", ".join(second_axes())))
        axis = "steps_per_run"
    return axis


def _pricing_date(data: Mapping[str, str], allowed: Allowed, problems: list[Problem]) -> dt.date | None:
    """The pricing date the link names (None: none); one that is no date, or outside the data's span,
    is a problem."""
    pricing_date = None
    if "date" in data:
        span = (
            f"a date from {allowed.first_date} to {allowed.last_date}, YYYY-MM-DD"
            if allowed.first_date and allowed.last_date
            else "a date, YYYY-MM-DD"
        )
        try:
            pricing_date = dt.date.fromisoformat(data["date"])
        except ValueError:
            problems.append(("date", data["date"], span))
        else:
            if (allowed.first_date and pricing_date < allowed.first_date) or (
                allowed.last_date and pricing_date > allowed.last_date
            ):
                problems.append(("date", data["date"], span))
                pricing_date = None
    return pricing_date


def _table(data: Mapping[str, str], allowed: Allowed, problems: list[Problem]) -> str | None:
    """The table the price-history view shows (None: the default); an unknown one is a problem."""
    table = data.get("table")
    if table is not None and allowed.tables and table not in allowed.tables:
        problems.append(("table", table, "one of " + ", ".join(allowed.tables)))
        table = None
    return table


def _answers(data: Mapping[str, str], criteria: Criteria | None, problems: list[Problem]) -> dict[str, str]:
    """The checklist's answers the link gives (a question it does not answer stays unanswered). A bad
    answer is a problem, and so is every parameter the link should not hold, in the link's order."""
    answers: dict[str, str] = {}  # a question the link does not answer stays unanswered
    questions = {q.id: q for q in criteria.questions} if criteria is not None else {}
    for key, given in data.items():
        if key.startswith("q."):
            question = questions.get(key.removeprefix("q."))
            if question is None:
                problems.append((key, given, "a checklist question: " + ", ".join(f"q.{q}" for q in questions)))
                continue
            choices = [a.id for a in question.answers]
            if given in choices:
                answers[question.id] = given
            else:
                problems.append((key, given, "one of " + ", ".join(choices)))
        elif (
            key not in KNOWN
            and key not in PROFILE_FIELDS
            and not key.startswith(LINKED_PREFIXES)
            and not SCENARIO_KEY.match(key)
            and not AGENT_KEY.match(key)
        ):
            problems.append(
                (
                    key,
                    given,
                    "a known parameter: "
                    + ", ".join(sorted(KNOWN | set(PROFILE_FIELDS)))
                    + ", ops.<option>, setup.<option>, migrate.<option>, your.<option>.<field>, need.<field>, "
                    "path.<name>, range.<field>, q.<question>",
                )
            )
    return answers


def _linked(
    data: Mapping[str, str],
    presets: Mapping[str, WorkloadProfile],
    criteria: Criteria | None,
    allowed: Allowed,
    problems: list[Problem],
) -> tuple[list[ScenarioLink], str | None, list[ScenarioLink]]:
    """The scenarios the link names, the profile's own name as one (`s0`), and the account's other
    agents: each with the changes that make a valid profile (`_usable`)."""
    linked, base_name, bad_scenarios = scenarios_from(data)
    problems += bad_scenarios
    base_params = profile_params({k: v for k, v in data.items() if not SCENARIO_KEY.match(k)})
    usable = _usable(linked, "s", "scenario", base_params, presets, criteria, allowed, problems)
    others, _, bad_agents = scenarios_from(data, letter="a", most=MAX_LINKED_AGENTS, what="agent")
    problems += bad_agents
    agents = _usable(others, "a", "agent", base_params, presets, criteria, allowed, problems)
    return usable, base_name, agents


def _usable(
    linked: Sequence[ScenarioLink],
    letter: str,
    what: str,
    base_params: Mapping[str, str],
    presets: Mapping[str, WorkloadProfile],
    criteria: Criteria | None,
    allowed: Allowed | None,
    problems: list[Problem],
) -> list[ScenarioLink]:
    """Each linked scenario (or agent) with the changes that make a valid profile; the others are
    named in `problems`, and the profile's own value kept for them."""
    usable: list[ScenarioLink] = []
    for number, scenario in enumerate(linked, 1):
        _, wrong = scenario_profile(base_params, scenario, presets, criteria, allowed)
        wrong = [p for p in wrong if p[0] in scenario.changes]  # the profile's own are reported once
        bad_keys = {p[0] for p in wrong}
        problems += [(f"{letter}{number}.{f}", v, f"{msg} (in {what} {scenario.name!r})") for f, v, msg in wrong]
        usable.append(ScenarioLink(scenario.name, {k: v for k, v in scenario.changes.items() if k not in bad_keys}))
    return usable


SCENARIO_KEY = re.compile(r"^s([0-9])(?:\.(.+))?$")
AGENT_KEY = re.compile(r"^a([0-9])(?:\.(.+))?$")
MAX_LINKED_AGENTS = 7
"""Agents a link holds beside the profile's own (an account holds eight)."""
LINKED_PREFIXES = ("ops.", "setup.", "migrate.", YOURS, NEED, PATH, RANGE)
"""Prefixes of the link parameters that describe the profile beyond its fields."""
MAX_LINKED = 5
"""Scenarios besides the profile itself (2 to 6 in all)."""
BASE_SCENARIO = "As profiled"


def profile_params(params: Mapping[str, str]) -> dict[str, str]:
    """The parameters of a link that describe the profile (not the view, the date or the checklist)."""
    keep = set(PROFILE_FIELDS) | {"preset", "options", "engineer_cost"}
    return {k: v for k, v in params.items() if k in keep or k.startswith(LINKED_PREFIXES)}


def scenarios_from(
    params: Mapping[str, str], *, letter: str = "s", most: int = MAX_LINKED, what: str = "scenario"
) -> tuple[tuple[ScenarioLink, ...], str | None, list[Problem]]:
    """The scenarios a link names (`s1` … `s5`), the profile's own scenario name (`s0`), and the
    problems: a number out of range, changes without a name, a parameter the profile lacks. With
    `letter="a"`, the other agents of the profile's account (`a1` …), read the same way."""
    pattern = SCENARIO_KEY if letter == "s" else AGENT_KEY
    found: dict[int, dict[str, Any]] = {}
    problems: list[Problem] = []
    base_name = None
    for key, value in params.items():
        match = pattern.match(key)
        if match is None:
            continue
        number = int(match[1])
        if number == 0 and letter != "s":
            problems.append((key, value, f"{letter}1 to {letter}{most}: the profile itself is the first {what}"))
            continue
        if number == 0:
            if match[2] is None and value.strip() and not NOT_ONE_LINE.search(value):
                base_name = value.strip()[:80]
            else:
                problems.append((key, value, "s0=<name>: the profile's own name as a scenario"))
            continue
        if number > most:
            problems.append((key, value, f"{what}s {letter}1 to {letter}{most}"))
            continue
        entry = found.setdefault(number, {"name": None, "changes": {}})
        if match[2] is None:
            if NOT_ONE_LINE.search(value) or look_alike_word(value) is not None:
                problems.append((key, value, f"a {what}'s name: one line, each word in one alphabet"))
                continue
            entry["name"] = value.strip()[:80]
        elif match[2] in profile_params({match[2]: value}):
            entry["changes"][match[2]] = value
        else:
            problems.append(
                (
                    key,
                    value,
                    f"{letter}<N>.<parameter> for a profile parameter: a field, options, "
                    "engineer_cost, ops.<option>, your.<option>.<field> or need.<field>",
                )
            )
    out = []
    for number in sorted(found):
        entry = found[number]
        if not entry["name"]:
            problems.append(
                (
                    f"{letter}{number}",
                    "",
                    f"a {what}'s name, {letter}<N>=<name>, beside its changes {letter}<N>.<parameter>",
                )
            )
            continue
        out.append(ScenarioLink(entry["name"], dict(entry["changes"])))
    return tuple(out), base_name, problems


def scenario_profile(
    base: Mapping[str, str],
    scenario: ScenarioLink,
    presets: Mapping[str, WorkloadProfile],
    criteria: Criteria | None = None,
    allowed: Allowed | None = None,
) -> tuple[WorkloadProfile, list[Problem]]:
    """The profile of a scenario: the profile's own link parameters (`base`) with the scenario's
    changes (an empty value removes a parameter; an empty field is a value: an empty description,
    or an optional field the engine then derives)."""
    merged = {**base, **scenario.changes}
    merged = {k: v for k, v in merged.items() if v != "" or k in PROFILE_FIELDS}
    state, problems = decode(merged, presets, criteria, allowed)
    return state.profile.model_copy(update={"name": scenario.name}), problems


def changes_between(base: Mapping[str, str], other: Mapping[str, str], profile: WorkloadProfile) -> dict[str, str]:
    """The changes that turn the profile `base` (its link parameters) into `other` (another
    profile's, `profile`): what differs, and what `base` sets that `other` leaves to the preset."""
    changes = {k: v for k, v in other.items() if base.get(k) != v}
    for key in set(base) - set(other):
        changes[key] = param_text(getattr(profile, key)) if key in PROFILE_FIELDS else ""
    return changes


def encode(state: UiState, presets: Mapping[str, WorkloadProfile], criteria: Criteria | None = None) -> dict[str, str]:
    """The shortest URL parameters that `decode` turns back into `state`."""
    base = presets[state.preset]
    params = {"v": str(STATE_VERSION), "preset": state.preset}
    for name in PROFILE_FIELDS:
        value = getattr(state.profile, name)
        if value != getattr(base, name) and not (name == "description" and value.startswith(edited_mark(base))):
            params[name] = param_text(value)  # a description that says what changed is said again from the fields
    if state.profile.options != base.options:
        params["options"] = ",".join(state.profile.options)
    team = state.profile.team
    if team.engineer_cost_usd_per_year is not None:
        params["engineer_cost"] = param_text(team.engineer_cost_usd_per_year)
    for option, share in sorted(team.ops_fte.items()):
        params[f"ops.{option}"] = param_text(share)
    for prefix, name in WEEKS.items():
        for option, weeks in sorted(getattr(team, name).items()):
            params[f"{prefix}{option}"] = param_text(weeks)
    if state.profile.ranges != base.ranges:
        params.update(ranges_params(state.profile.ranges))
    if state.profile.path != base.path:
        params.update(path_params(state.profile.path))
    for key, value in overrides_params(state.profile.overrides).items():
        params[key] = value if isinstance(value, str) else param_text(value)
    if state.profile.requirements != base.requirements:
        for key, value in requirements_params(state.profile.requirements).items():
            params[key] = value if isinstance(value, str) else param_text(value)
    if state.view != "compare":
        params["view"] = state.view
    if state.axis != "steps_per_run":
        params["axis"] = state.axis
    if state.pricing_date is not None:
        params["date"] = state.pricing_date.isoformat()
    if state.table is not None:
        params["table"] = state.table
    for question, answer in sorted(state.answers.items()):
        params[f"q.{question}"] = answer
    if state.scenarios and state.base_name:
        params["s0"] = state.base_name
    for number, scenario in enumerate(state.scenarios, 1):
        params[f"s{number}"] = scenario.name
        for key, value in sorted(scenario.changes.items()):
            params[f"s{number}.{key}"] = value
    for number, agent in enumerate(state.agents, 1):
        params[f"a{number}"] = agent.name
        for key, value in sorted(agent.changes.items()):
            params[f"a{number}.{key}"] = value
    return params
