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
import difflib
import re
import typing
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from model.axes import AXES
from pricing.profiles import OptionTerms
from schema.criteria import Criteria
from schema.inputs import FieldRange, PathInputs, PlanRequirements, StepKind, TeamInputs, field_title
from schema.profile import (
    GROWTH,
    NUMERIC_FIELDS,
    OPTIONAL_FIELDS,
    TOKEN_COUNTS,
    ProfileError,
    WorkloadProfile,
    parse_profile,
)
from schema.text import NOT_ONE_LINE, look_alike_word

__all__ = [
    "CONTRACT",
    "STATE_VERSION",
    "VIEWS",
    "Allowed",
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
    "outlook": "Outlook",
    "scenarios": "Scenarios",
    "account": "Account",
    "limits": "Limits",
    "checklist": "Checklist",
    "pricing": "Pricing",
    "prices": "Price history",
    "report": "Report",
}
RENAMED_VIEWS = {"history": "limits"}
"""Views renamed since links were first shared: an old link still opens the view it named."""
TEXT_FIELDS = ("name", "description", "machine", "step_kind", "model", "sandbox")
FLAG_FIELDS = ("step_needs_machine",)
"""Yes-or-no fields: `true` or `false` in a link."""
PROFILE_FIELDS = (*TEXT_FIELDS, *FLAG_FIELDS, *NUMERIC_FIELDS)


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
    table: str | None = None
    """The table the price-history view shows; None: the data's default (`Allowed.default_table`)."""
    scenarios: tuple[ScenarioLink, ...] = ()
    """Named scenarios beside the profile: each the profile with some link parameters changed."""
    base_name: str | None = None
    """The profile's own name as a scenario (`s0`); None: "As profiled"."""
    agents: tuple[ScenarioLink, ...] = ()
    """The other agents on the profile's account (`a<N>`): each the profile with some link parameters
    changed, as a scenario is; the Account view prices them together."""


@dataclass(frozen=True)
class ScenarioLink:
    """A scenario in the link: `s<N>=<name>` and its changes, `s<N>.<parameter>=<value>`, where a
    parameter is any the profile has in the link (a field, `ops.`, `your.`, `need.`, `options`);
    an empty value removes the profile's."""

    name: str
    changes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Allowed:
    """What a link may name, beyond the models' own bounds: the machine sizes and the span of
    pricing dates the data covers."""

    machines: tuple[str, ...] = ()
    machine_names: Mapping[str, str] = field(default_factory=dict)
    """Every name a machine size goes by (a vendor's, in links made before) -> its own."""
    tables: tuple[str, ...] = ()
    """Table ids the price-history view may show."""
    options: tuple[str, ...] = ()
    """Option ids the team inputs may name (every option of every table version)."""
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    default_table: str | None = None
    """The table the price-history view opens on: the option table with the most versions."""
    terms: Mapping[str, OptionTerms] = field(default_factory=dict)
    """Option id -> the price, plan and add-on ids its `your.` parameters may name (any version's)."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Option id -> its name (the newest table's), for the words a picker shows."""
    models: tuple[str, ...] = ()
    """The models the token prices know (`provider/model`)."""
    sandboxes: Mapping[str, str] = field(default_factory=dict)
    """Sandbox service id -> its name (every service the data prices on some date)."""


Problem = tuple[str, str, str]
"""(URL parameter, the value given, what is allowed)."""


def migrate(params: Mapping[str, str], problems: list[Problem]) -> dict[str, str]:
    """Upgrade a link's parameters to the current state version (v1 is the first)."""
    data = dict(params)
    version = data.pop("v", str(STATE_VERSION))
    if version != str(STATE_VERSION):
        # Later versions add their renames here, oldest first; a link from a newer app is read
        # as far as this one understands it.
        problems.append(("v", version, f"{STATE_VERSION} (this app's link version); read as version {STATE_VERSION}"))
    return data


def _number(params: Mapping[str, str], key: str, problems: list[Problem], what: str) -> float | None:
    try:
        return float(params[key])
    except ValueError:
        problems.append((key, params[key], what))
        return None


def _team_from(params: Mapping[str, str], problems: list[Problem], options: tuple[str, ...] = ()) -> TeamInputs:
    """The team inputs of a link, each value checked on its own so one bad value loses no other."""
    engineer: float | None = None
    if "engineer_cost" in params:
        value = _number(params, "engineer_cost", problems, "a number of USD per year, 0 to 5,000,000")
        try:
            engineer = TeamInputs(engineer_cost_usd_per_year=value).engineer_cost_usd_per_year
        except ValidationError:
            problems.append(("engineer_cost", params["engineer_cost"], "a number of USD per year, 0 to 5,000,000"))
    weeks: dict[str, dict[str, float]] = {"setup_weeks": {}, "migration_weeks": {}}
    for key in params:
        prefix = next((p for p in WEEKS if key.startswith(p)), None)
        if prefix is None:
            continue
        option = key.removeprefix(prefix)
        what = f"engineer-weeks from 0 to 520, as {prefix}<option>"
        if options and option not in options:
            problems.append((key, params[key], f"{prefix}<option> for one of " + ", ".join(options)))
            continue
        value = _number(params, key, problems, what)
        if value is None:
            continue
        try:
            weeks[WEEKS[prefix]].update(getattr(TeamInputs(**{WEEKS[prefix]: {option: value}}), WEEKS[prefix]))
        except ValidationError:
            problems.append((key, params[key], what))
    ops: dict[str, float] = {}
    for key in params:
        if key.startswith("ops."):
            if options and key.removeprefix("ops.") not in options:
                problems.append((key, params[key], "ops.<option> for one of " + ", ".join(options)))
                continue
            value = _number(params, key, problems, "a share of an engineer from 0 to 10, e.g. 0.25")
            if value is None:
                continue
            try:
                ops.update(TeamInputs(ops_fte={key.removeprefix("ops."): value}).ops_fte)
            except ValidationError:
                problems.append((key, params[key], "a share of an engineer from 0 to 10, as ops.<option id>"))
    return TeamInputs(engineer_cost_usd_per_year=engineer, ops_fte=ops, **weeks)


WEEKS = {"setup.": "setup_weeks", "migrate.": "migration_weeks"}
"""Link parameters (and, after `team.`, widget keys) of the team's engineer-weeks per option."""
TEAM = "team."
"""The prefix of the team's widget keys: `team.engineer_cost`, `team.ops.<option>`, `team.setup.<option>`,
`team.migrate.<option>` (`team_key`)."""
ENGINEER_COST = TEAM + "engineer_cost"
OPS = "ops."


def team_key(part: str, option: str) -> str:
    """The widget key of one option's team input: `part` is `ops.` or a prefix of `WEEKS`."""
    return f"{TEAM}{part}{option}"


def team_bounds(field_name: str) -> tuple[float, float]:
    """(least, most) one of `TeamInputs`' numbers may be, read from the model."""
    meta = TeamInputs.model_fields[field_name].metadata
    low = next(float(m.ge) for m in meta if getattr(m, "ge", None) is not None)
    high = next(float(m.le) for m in meta if getattr(m, "le", None) is not None)
    return low, high


def each_bounds(field_name: str) -> tuple[float, float]:
    """(least, most) each value of one of `TeamInputs`' per-option mappings may be, read from the model."""
    _, each = typing.get_args(TeamInputs.model_fields[field_name].annotation)
    meta = [m for part in typing.get_args(each)[1:] for m in getattr(part, "metadata", [part])]
    low = next(float(m.ge) for m in meta if getattr(m, "ge", None) is not None)
    high = next(float(m.le) for m in meta if getattr(m, "le", None) is not None)
    return low, high


PATH = "path."
"""Link parameters and widget keys of a profile's `path`: `path.growth`, `.horizon`, `.cutover`, `.runs`."""
PATH_PARAMS = {
    "growth": "growth_percent_per_month",
    "horizon": "horizon_months",
    "cutover": "cutover_months",
    "runs": "monthly_runs_by_month",
}
RANGE = "range."
"""Link parameters of a profile's `ranges`: `range.<field>=<low>,<high>[,uniform]`; widget keys
`range.<field>.low` and `range.<field>.high`."""


def path_from(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """`path.<name>` keys (of a link or of the widgets) as a profile's `path`; each bad value is a
    problem naming what is allowed, and is left out."""
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in values.items():
        if not str(key).startswith(PATH) or value is None or value == "":
            continue
        short = str(key).removeprefix(PATH)
        name = PATH_PARAMS.get(short)
        if name is None:
            problems.append((str(key), str(value), "path.<name> for one of " + ", ".join(PATH_PARAMS)))
            continue
        info = PathInputs.model_fields[name]
        try:
            if name == "monthly_runs_by_month":
                parsed: Any = (
                    tuple(float(x) for x in str(value).split(",") if x.strip())
                    if isinstance(value, str)
                    else tuple(float(x) for x in value)
                )
            elif name == "horizon_months":
                number = float(value)
                if not number.is_integer():
                    raise ValueError("a whole number of months")
                parsed = int(number)
            else:
                parsed = float(value)
            PathInputs.model_validate({name: parsed})
            data[name] = parsed
        except (ValueError, ValidationError) as exc:
            detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else "a number"
            problems.append((str(key), str(value), f"{detail} ({info.description})"))
    return data, problems


def path_params(path: PathInputs) -> dict[str, str]:
    """A profile's `path` as `path.<name>` keys, those that differ from the defaults (the inverse of `path_from`)."""
    default = PathInputs()
    out = {}
    for short, name in PATH_PARAMS.items():
        value = getattr(path, name)
        if value != getattr(default, name):
            out[PATH + short] = ",".join(_text(float(x)) for x in value) if isinstance(value, tuple) else _text(value)
    return out


def ranges_from(values: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """`range.<field>=<low>,<high>[,uniform]` link parameters as a profile's `ranges`."""
    out: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for key, value in values.items():
        if not str(key).startswith(RANGE) or value in (None, ""):
            continue
        name = str(key).removeprefix(RANGE)
        if name not in NUMERIC_FIELDS and name != GROWTH:
            allowed = ", ".join([*NUMERIC_FIELDS, GROWTH])
            problems.append((str(key), str(value), "range.<field> for a numeric field: " + allowed))
            continue
        parts = [p.strip() for p in str(value).split(",")]
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            given = {
                "low": float(parts[0]),
                "high": float(parts[1]),
                "distribution": parts[2] if len(parts) == 3 else "triangular",
            }
            out[name] = FieldRange.model_validate(given).model_dump()
        except (ValueError, ValidationError):
            problems.append(
                (
                    str(key),
                    str(value),
                    "<low>,<high> or <low>,<high>,uniform: two numbers of the field's unit, low first",
                )
            )
    return out, problems


def ranges_params(ranges: Mapping[str, FieldRange]) -> dict[str, str]:
    """A profile's `ranges` as `range.<field>` link parameters (the inverse of `ranges_from`)."""
    return {
        f"{RANGE}{k}": f"{_text(r.low)},{_text(r.high)}" + (",uniform" if r.distribution == "uniform" else "")
        for k, r in sorted(ranges.items())
    }


KNOWN = {"v", "preset", "view", "axis", "date", "engineer_cost", "table", "options"}
YOURS = "your."
"""Link parameters and widget keys of a profile's `overrides`: `your.<option>.<field>`, where the
field is `price.<id>`, `discount`, `commitment`, `credit`, `plan` or `addon.<id>`."""
_TERMS = {"discount": "discount_percent", "commitment": "commitment_usd", "credit": "commitment_credit_usd"}


def overrides_from(
    values: Mapping[str, Any], options: tuple[str, ...] = (), terms: Mapping[str, OptionTerms] | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """`your.<option>.<field>` keys (of a link or of the widgets) as a profile's `overrides`; the
    problems name each key that names no option or no field (or, given `terms`, a price, plan or
    add-on id the option's tables do not have), with what is allowed."""
    out: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for key, value in values.items():
        if not str(key).startswith(YOURS) or value is None or value == "":
            continue
        rest = str(key).removeprefix(YOURS)
        option = next((o for o in sorted(options, key=len, reverse=True) if rest.startswith(o + ".")), None)
        if option is None:
            problems.append((str(key), str(value), "your.<option>.<field> for one of " + ", ".join(options)))
            continue
        term = rest.removeprefix(option + ".")
        have = (terms or {}).get(option)
        if have is not None:
            kind, _, name = term.partition(".")
            ids = {"price": have.prices, "addon": have.addons, "plan": have.plans}.get(kind)
            wanted = name if kind in ("price", "addon") else str(value)
            if ids is not None and wanted not in ids:
                problems.append((str(key), str(value), f"a {kind} id of {option}: " + (", ".join(ids) or "none")))
                continue
        terms_of = out.setdefault(option, {})
        try:
            if term.startswith("price."):
                terms_of.setdefault("prices", {})[term.removeprefix("price.")] = float(value)
            elif term.startswith("addon."):
                terms_of.setdefault("addons", {})[term.removeprefix("addon.")] = float(value)
            elif term in _TERMS:
                terms_of[_TERMS[term]] = float(value)
            elif term == "plan":
                terms_of["plan"] = str(value)
            else:
                problems.append(
                    (str(key), str(value), "a field: price.<id>, discount, commitment, credit, plan, addon.<id>")
                )
        except ValueError:
            problems.append((str(key), str(value), "a number"))
    return out, problems


def overrides_params(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A profile's `overrides` as `your.<option>.<field>` keys (the inverse of `overrides_from`)."""
    params: dict[str, Any] = {}
    names = {v: k for k, v in _TERMS.items()}
    for option, terms in sorted(overrides.items()):
        data = terms.model_dump() if hasattr(terms, "model_dump") else dict(terms)
        for key, value in sorted(data.get("prices", {}).items()):
            params[f"{YOURS}{option}.price.{key}"] = value
        for key, value in sorted(data.get("addons", {}).items()):
            params[f"{YOURS}{option}.addon.{key}"] = value
        for term, name in names.items():
            if data.get(term) not in (None, 0, 0.0):
                params[f"{YOURS}{option}.{name}"] = data[term]
        if data.get("plan"):
            params[f"{YOURS}{option}.plan"] = data["plan"]
    return params


CONTRACT = "contract.option"
"""The session key of the option whose terms the contract section shows, kept apart from its box's value
(Streamlit resets a box whose value is not among the choices of a pricing date)."""
NEED = "need."
"""Link parameters and widget keys of a profile's `requirements`: `need.<field>`."""


def requirements_from(values: Mapping[str, Any]) -> tuple[PlanRequirements, list[Problem]]:
    """`need.<field>` keys (of a link or of the widgets) as a profile's `requirements`; a key that
    names no field, or a value out of bounds, is a problem (and left out)."""
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    fields = PlanRequirements.model_fields
    for key, value in values.items():
        if not str(key).startswith(NEED) or value is None or value == "" or value is False:
            continue
        name = str(key).removeprefix(NEED)
        if name not in fields:
            problems.append((str(key), str(value), "need.<field> for one of " + ", ".join(fields)))
            continue
        if fields[name].annotation is bool:
            if str(value).lower() in ("true", "1", "yes", "on"):
                data[name] = True
            elif str(value).lower() not in ("false", "0", "no", "off"):
                problems.append((str(key), str(value), "true or false"))
            continue
        try:
            data[name] = value if name == "support" or not isinstance(value, str) else float(value)
            if name == "seats":
                data[name] = int(data[name]) if float(data[name]).is_integer() else data[name]
            PlanRequirements.model_validate({name: data[name]})
        except (ValueError, ValidationError) as exc:
            data.pop(name, None)
            detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else "a number"
            problems.append((str(key), str(value), detail))
    return PlanRequirements.model_validate(data), problems


def requirements_params(requirements: PlanRequirements) -> dict[str, Any]:
    """A profile's `requirements` as `need.<field>` keys (the inverse of `requirements_from`)."""
    return {f"{NEED}{k}": ("true" if v is True else v) for k, v in requirements.stated().items()}


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
    default_preset = "coding-agent" if "coding-agent" in presets else next(iter(presets))
    preset = data.get("preset", default_preset)
    if preset not in presets:
        problems.append(("preset", preset, "one of " + ", ".join(presets)))
        preset = default_preset
    base = presets[preset].model_dump()
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
    team = _team_from(data, problems, allowed.options)
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
    extra: dict[str, Any] = {}
    ranges, bad_ranges = ranges_from(data)
    problems += bad_ranges
    if ranges:
        extra["ranges"] = ranges
    path, bad_path = path_from(data)
    problems += bad_path
    if path:
        extra["path"] = {**base.get("path", {}), **path}
    try:
        profile = parse_profile({**base, **overrides, **extra, "team": team})
    except ProfileError as exc:
        bad = {f.split(".")[0] for f, _, _ in exc.problems}
        for f, v, msg in exc.problems:
            if f == "ranges":
                keys = [f"{RANGE}{k}" for k in ranges]
                problems.append((", ".join(keys), "; ".join(str(data.get(k, "")) for k in keys), msg))
            else:
                problems.append((f, str(overrides.get(f, v)), msg))
        kept = {k: v for k, v in overrides.items() if k not in bad}
        try:
            profile = parse_profile({**base, **kept, **{k: v for k, v in extra.items() if k not in bad}, "team": team})
        except ProfileError:  # the ranges no longer bracket a value that fell back to the preset's
            profile = parse_profile({**base, **kept, "team": team})
    view = data.get("view", "compare")
    view = RENAMED_VIEWS.get(view, view)
    if view not in VIEWS:
        problems.append(("view", view, "one of " + ", ".join(VIEWS)))
        view = "compare"
    axis = data.get("axis", "steps_per_run")
    if axis not in second_axes():
        problems.append(("axis", axis, "one of " + ", ".join(second_axes())))
        axis = "steps_per_run"
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
    table = data.get("table")
    if table is not None and allowed.tables and table not in allowed.tables:
        problems.append(("table", table, "one of " + ", ".join(allowed.tables)))
        table = None
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
    linked, base_name, bad_scenarios = scenarios_from(data)
    problems += bad_scenarios
    base_params = profile_params({k: v for k, v in data.items() if not SCENARIO_KEY.match(k)})
    usable = _usable(linked, "s", "scenario", base_params, presets, criteria, allowed, problems)
    others, _, bad_agents = scenarios_from(data, letter="a", most=MAX_LINKED_AGENTS, what="agent")
    problems += bad_agents
    agents = _usable(others, "a", "agent", base_params, presets, criteria, allowed, problems)
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
        changes[key] = _text(getattr(profile, key)) if key in PROFILE_FIELDS else ""
    return changes


EDITED = " (edited)"


def edited(profile: WorkloadProfile, preset: WorkloadProfile | None) -> WorkloadProfile:
    """A preset whose workload fields were changed keeps neither its name nor its words unless the user
    gave their own: its name is titled as edited, and its description says what changed from the preset
    (then the preset's own words), so a report never presents changed figures under the preset's text.
    A name or description of the user's own stays theirs."""
    if preset is None:
        return profile
    changed = [
        n for n in PROFILE_FIELDS if n not in ("name", "description") and getattr(profile, n) != getattr(preset, n)
    ]
    update: dict[str, str] = {}
    if profile.name in (preset.name, preset.name + EDITED):
        update["name"] = preset.name + (EDITED if changed else "")
    mark = edited_mark(preset)
    if profile.name in (preset.name, preset.name + EDITED) and (
        profile.description == preset.description or profile.description.startswith(mark)
    ):
        moved = "; ".join(
            f"{field_title(n).lower()} {shown_value(getattr(profile, n))} (preset: {shown_value(getattr(preset, n))})"
            for n in changed
        )
        update["description"] = (
            f"{mark}{moved}. The preset reads: {preset.description}" if changed else preset.description
        )
    return profile.model_copy(update=update) if update else profile


def edited_mark(preset: WorkloadProfile) -> str:
    """How the description of a preset whose fields changed begins (`edited`)."""
    return f"Edited from the preset “{preset.name}”: "


def shown_value(value: object) -> str:
    """A field's value for a sentence: a number as written, a choice by its value, nothing as "none"."""
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:,.10g}"
    return str(getattr(value, "value", value))


def _text(value: Any) -> str:
    """A value as a URL parameter: floats in their shortest exact form (`repr`), so they read
    back to the same float, without a trailing `.0`."""
    if isinstance(value, float):
        text = repr(value)
        return text.removesuffix(".0")
    if isinstance(value, StepKind):
        return value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def encode(state: UiState, presets: Mapping[str, WorkloadProfile], criteria: Criteria | None = None) -> dict[str, str]:
    """The shortest URL parameters that `decode` turns back into `state`."""
    base = presets[state.preset]
    params = {"v": str(STATE_VERSION), "preset": state.preset}
    for name in PROFILE_FIELDS:
        value = getattr(state.profile, name)
        if value != getattr(base, name) and not (name == "description" and value.startswith(edited_mark(base))):
            params[name] = _text(value)  # a description that says what changed is said again from the fields
    if state.profile.options != base.options:
        params["options"] = ",".join(state.profile.options)
    team = state.profile.team
    if team.engineer_cost_usd_per_year is not None:
        params["engineer_cost"] = _text(team.engineer_cost_usd_per_year)
    for option, share in sorted(team.ops_fte.items()):
        params[f"ops.{option}"] = _text(share)
    for prefix, name in WEEKS.items():
        for option, weeks in sorted(getattr(team, name).items()):
            params[f"{prefix}{option}"] = _text(weeks)
    if state.profile.ranges != base.ranges:
        params.update(ranges_params(state.profile.ranges))
    if state.profile.path != base.path:
        params.update(path_params(state.profile.path))
    for key, value in overrides_params(state.profile.overrides).items():
        params[key] = value if isinstance(value, str) else _text(value)
    if state.profile.requirements != base.requirements:
        for key, value in requirements_params(state.profile.requirements).items():
            params[key] = value if isinstance(value, str) else _text(value)
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


REPEATED = "; the last one is used"
"""How a problem with a key the link repeats ends: what the app did with it, said once."""


class Session:
    """Streamlit's session state and query parameters, behind one typed interface.

    On the first run of a browser session the URL fills the widgets; from then on the widgets
    are the truth and every run writes the URL back.
    """

    INIT = "_state_initialised"

    def __init__(
        self,
        session_state: MutableMapping[Any, Any],
        query_params: Any,
        presets: Mapping[str, WorkloadProfile],
        criteria: Criteria,
        allowed: Allowed | None = None,
    ):
        self.store = session_state
        self.query = query_params
        self.presets = presets
        self.criteria = criteria
        self.allowed = allowed or Allowed()
        self.problems: list[Problem] = []

    def start(self) -> None:
        if self.store.get(self.INIT):
            return
        params = {k: self.query[k] for k in self.query}
        state, self.problems = decode(params, self.presets, self.criteria, self.allowed)
        # A key given twice keeps its last value (as a browser's form would); said, not silent.
        get_all: Any = getattr(self.query, "get_all", None)  # a plain mapping (tests) repeats nothing
        for key in params if get_all is not None else ():
            values = get_all(key)
            if len(values) > 1:
                shown = " and ".join(values[:5]) + (" and more" if len(values) > 5 else "")
                self.problems.append((key, shown, f"one value, given {len(values)} times{REPEATED}"))
        self.store["url_problems"] = self.problems
        self.load(state)
        self.store[self.INIT] = True

    def load(self, state: UiState) -> None:
        """Put a state into the widgets."""
        self.store["preset"] = state.preset
        self.set_profile(state.profile)
        self.store["view"] = state.view
        self.store["axis"] = state.axis
        # The box shows the date in force: the link's, or today's when the link names none.
        self.store["pricing_date"] = state.pricing_date or dt.date.today()
        self.store["history_table"] = state.table or self.allowed.default_table
        for question in self.criteria.questions:
            self.store[f"q.{question.id}"] = state.answers.get(question.id)  # None: not answered
        self.store["scenarios"] = list(state.scenarios)
        self.store["agents"] = list(state.agents)
        self.store["scenario_base_name"] = state.base_name

    def set_profile(self, profile: WorkloadProfile, *, team: bool = True, buyer: bool | None = None) -> None:
        """Fill the workload widgets from `profile`; the team inputs too unless `team` is False
        (choosing a preset keeps what the user entered about their team), and the buyer's own terms
        and needs (overrides, requirements) unless `buyer` is False (by default, as `team`)."""
        for name in PROFILE_FIELDS:
            value = getattr(profile, name)
            self.store[field_key(name)] = value.value if isinstance(value, StepKind) else value
        # Ranges and the path describe the workload and its future: they come with the profile.
        for key in [k for k in self.store if str(k).startswith((RANGE, PATH))]:
            del self.store[key]
        for name, bounds in profile.ranges.items():
            self.store[f"{RANGE}{name}.low"] = bounds.low
            self.store[f"{RANGE}{name}.high"] = bounds.high
            self.store[f"{RANGE}{name}.distribution"] = bounds.distribution
        for short, name in PATH_PARAMS.items():
            value = getattr(profile.path, name)
            self.store[PATH + short] = ", ".join(f"{v:g}" for v in value) if isinstance(value, tuple) else value
        if team or profile.options:  # a preset without a short list keeps the user's
            known = self.allowed.options
            self.store["options"] = [o for o in profile.options if not known or o in known]
        if team if buyer is None else buyer:
            for key in [k for k in self.store if str(k).startswith((YOURS, NEED))]:
                del self.store[key]
            self.store.update(overrides_params(profile.overrides))
            # The contract section opens on an option whose terms these are (the first in the list).
            with_terms = [o for o in (self.allowed.options or sorted(profile.overrides)) if o in profile.overrides]
            if with_terms:
                self.store[CONTRACT] = with_terms[0]
            self.store.update(requirements_params(profile.requirements))
            for name in ("sso", "hipaa"):
                self.store[f"{NEED}{name}"] = getattr(profile.requirements, name)
        if not team:
            return
        # Team inputs left empty take the tables' defaults: an empty widget has no state at all.
        team_keys = (TEAM + OPS, *(TEAM + prefix for prefix in WEEKS), ENGINEER_COST)
        for key in [k for k in self.store if str(k).startswith(team_keys)]:
            del self.store[key]
        if profile.team.engineer_cost_usd_per_year is not None:
            self.store[ENGINEER_COST] = profile.team.engineer_cost_usd_per_year
        for option, share in profile.team.ops_fte.items():
            self.store[team_key(OPS, option)] = share
        for prefix, name in WEEKS.items():
            for option, weeks in getattr(profile.team, name).items():
                self.store[team_key(prefix, option)] = weeks

    def profile(self, option_ids: list[str]) -> WorkloadProfile:
        """The profile the widgets describe (always valid: widgets enforce the bounds)."""
        data: dict[str, Any] = {name: self.store[field_key(name)] for name in PROFILE_FIELDS}
        if not data.get("model"):  # no model, no tokens priced: the boxes keep what was typed in them
            data.update(dict.fromkeys(TOKEN_COUNTS, 0.0))
        data["options"] = tuple(self.store.get("options") or ())
        ops = {o: self.store[team_key(OPS, o)] for o in option_ids if self.store.get(team_key(OPS, o)) is not None}
        weeks = {
            name: {
                o: self.store[team_key(prefix, o)]
                for o in option_ids
                if self.store.get(team_key(prefix, o)) is not None
            }
            for prefix, name in WEEKS.items()
        }
        data["team"] = TeamInputs(engineer_cost_usd_per_year=self.store.get(ENGINEER_COST), ops_fte=ops, **weeks)
        data["ranges"] = self.ranges()
        path, bad = path_from({k: v for k, v in self.store.items() if str(k).startswith(PATH)})
        if bad:
            raise ProfileError([(key, value, allowed) for key, value, allowed in bad])
        data["path"] = path
        yours, _ = overrides_from({k: v for k, v in self.store.items() if str(k).startswith(YOURS)}, tuple(option_ids))
        data["overrides"] = yours
        data["requirements"], _ = requirements_from({k: v for k, v in self.store.items() if str(k).startswith(NEED)})
        return edited(parse_profile(data), self.presets.get(str(self.store.get("preset"))))

    def ranges(self) -> dict[str, dict[str, Any]]:
        """The workload ranges the widgets hold; a range with one end only is a problem."""
        out: dict[str, dict[str, Any]] = {}
        problems = []
        for name in NUMERIC_FIELDS:
            low, high = self.store.get(f"{RANGE}{name}.low"), self.store.get(f"{RANGE}{name}.high")
            if low is None and high is None:
                continue
            if low is None or high is None:
                problems.append(
                    (f"ranges.{name}", low if high is None else high, "give both ends of the range, or neither")
                )
                continue
            out[name] = {
                "low": low,
                "high": high,
                "distribution": self.store.get(f"{RANGE}{name}.distribution") or "triangular",
            }
        if problems:
            raise ProfileError(problems)
        return out

    def answers(self) -> dict[str, str]:
        """The checklist's answers the widgets hold (a question not answered is left out)."""
        return {
            q.id: str(self.store[f"q.{q.id}"])
            for q in self.criteria.questions
            if self.store.get(f"q.{q.id}") is not None
        }

    def state(self, profile: WorkloadProfile, on: dt.date) -> UiState:
        """The state the widgets describe. `on` is the pricing date in force; the link always
        names it, so a link opened later shows the same prices, not the newer ones."""
        answers = self.answers()
        return UiState(
            preset=str(self.store["preset"]),
            profile=profile,
            view=str(self.store.get("view") or "compare"),
            axis=str(self.store["axis"]),
            pricing_date=on,
            answers=answers,
            table=self._table(),
            scenarios=tuple(self.store.get("scenarios") or ()),
            base_name=self.store.get("scenario_base_name"),
            agents=tuple(self.store.get("agents") or ()),
        )

    def _table(self) -> str | None:
        table = self.store.get("history_table")
        return None if table in (None, self.allowed.default_table) else str(table)

    def write_url(self, state: UiState) -> None:
        params = encode(state, self.presets, self.criteria)
        current = {k: self.query[k] for k in self.query}
        if current != params:
            self.query.from_dict(params)
