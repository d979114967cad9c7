"""A profile's parts beyond its fields, as link parameters and widget keys: the team inputs
(`engineer_cost`, `ops.<option>`, `setup.<option>`, `migrate.<option>`; widget keys under `team.`),
the path (`path.`), the ranges (`range.`), the buyer's own terms (`your.`) and needs (`need.`).

Each part has a reader, `*_from` (of a link or of the widgets; each bad value a problem naming what is
allowed, and left out), and a writer, `*_params` (its inverse); `text` writes one value as a link
parameter.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any

from pydantic import ValidationError

from pricing.profiles import OptionTerms
from schema.inputs import FieldRange, PathInputs, PlanRequirements, TeamInputs
from schema.profile import GROWTH, NUMERIC_FIELDS
from ui.state import Problem

__all__ = [
    "ENGINEER_COST",
    "NEED",
    "OPS",
    "PATH",
    "PATH_PARAMS",
    "RANGE",
    "TEAM",
    "WEEKS",
    "YOURS",
    "each_bounds",
    "overrides_from",
    "overrides_params",
    "param_text",
    "path_from",
    "path_params",
    "ranges_from",
    "ranges_params",
    "requirements_from",
    "requirements_params",
    "team_bounds",
    "team_from",
    "team_key",
]

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


def _number(params: Mapping[str, str], key: str, problems: list[Problem], what: str) -> float | None:
    try:
        return float(params[key])
    except ValueError:
        problems.append((key, params[key], what))
        return None


def team_from(params: Mapping[str, str], problems: list[Problem], options: tuple[str, ...] = ()) -> TeamInputs:
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
            out[PATH + short] = (
                ",".join(param_text(float(x)) for x in value) if isinstance(value, tuple) else param_text(value)
            )
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
        f"{RANGE}{k}": f"{param_text(r.low)},{param_text(r.high)}" + (",uniform" if r.distribution == "uniform" else "")
        for k, r in sorted(ranges.items())
    }


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


def param_text(value: Any) -> str:
    """A value as a URL parameter: floats in their shortest exact form (`repr`), so they read
    back to the same float, without a trailing `.0`."""
    if isinstance(value, float):
        return repr(value).removesuffix(".0")
    if isinstance(value, Enum):  # a step kind, a support level: its value, not its name
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)
