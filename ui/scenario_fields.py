"""What a scenario can change: every link parameter the scenario editor offers (`Editable`, by
`editable_fields`: the sidebar's fields, each with what it takes, in the sidebar's words and order),
and the conversions between a profile, the link's text and the editor's widgets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from schema.inputs import PathInputs, StepKind
from schema.plans import SUPPORT_LEVELS
from schema.profile import BOUNDS, NUMERIC_FIELDS, OPTIONAL_FIELDS, WorkloadProfile, field_unit
from schema.tables import PriceBook
from ui.data import machine_label
from ui.form import EMPTY
from ui.form import field_label as sidebar_label  # the sidebar's own words for each field
from ui.profile_parts import (
    NEED,
    PATH,
    PATH_PARAMS,
    RANGE,
    WEEKS,
    YOURS,
    overrides_params,
    param_text,
    ranges_params,
)
from ui.sidebar import STEP_KIND_WORDS
from ui.state import PROFILE_FIELDS, Allowed

__all__ = [
    "Editable",
    "Kind",
    "changed_words",
    "editable_fields",
    "generic_field",
    "link_value",
    "value_of",
    "widget_value",
]

Kind = Literal["number", "text", "choice", "flag", "options"]


@dataclass(frozen=True)
class Editable:
    """A link parameter a scenario can change (`ui.state.ScenarioLink`), as the editor shows it."""

    key: str
    label: str
    kind: Kind
    allowed: str
    """What the parameter takes, in words: shown as the field's help and in a problem with it."""
    choices: tuple[str, ...] = ()
    words: Mapping[str, str] = field(default_factory=dict)
    """Each choice in words (a machine size: "2 vCPU · 4 GB")."""
    placeholder: str = ""


def _amount(value: float) -> str:
    """
    >>> _amount(1e10), _amount(0.5), _amount(3650.0)
    ('10,000,000,000', '0.5', '3,650')
    """
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _field_label(name: str) -> str:
    """A workload field as the sidebar labels it ("Payload per step [KB]")."""
    return sidebar_label(name)


def _number(key: str, label: str, low: float, high: float, unit: str, empty: str | None = None) -> Editable:
    unit_words = f" {unit}" if unit else ""
    allowed = f"a number from {_amount(low)} to {_amount(high)}{unit_words}"
    if empty is not None:
        allowed += f", or empty: {empty}"
    return Editable(key, label, "number", allowed, placeholder=f"empty: {empty}" if empty else "")


def editable_fields(allowed: Allowed, book: PriceBook | None = None) -> dict[str, Editable]:
    """Every link parameter a scenario can change, by key, in the order of the sidebar's sections:
    the workload's fields (numbers, the machine, how a step runs, whether it needs a machine), the
    options compared, the team, what a plan must offer, your prices and contract, the ranges and
    the months ahead."""
    names = {t.id: t.name for t in book.options()} if book is not None else {}

    def named(option: str) -> str:
        return names.get(option, option)

    items = (
        *_workload_fields(allowed, book),
        *_team_fields(allowed.options, named),
        *_need_fields(),
        *_contract_fields(allowed, named),
        *_ranges_and_path_fields(),
    )
    return {item.key: item for item in items}


def _workload_fields(allowed: Allowed, book: PriceBook | None) -> list[Editable]:
    """The workload's fields: its numbers, the machine, the model and the sandbox, how a step runs and
    whether it needs a machine."""
    out: list[Editable] = []
    for name in NUMERIC_FIELDS:
        low, high = BOUNDS[name]
        out.append(
            _number(
                name,
                _field_label(name),
                low or 0.0,
                high if high is not None else float("inf"),
                field_unit(name),
                EMPTY.get(name, "derived") if name in OPTIONAL_FIELDS else None,
            )
        )
    machines = allowed.machines
    out.append(
        Editable(
            "machine",
            _field_label("machine"),
            "choice" if machines else "text",
            "one of " + ", ".join(machines) if machines else "a machine size, such as 0.5-vcpu-0.5-gb",
            machines,
            {m: machine_label(m, book) for m in machines} if book is not None else {},
        )
    )
    if allowed.models:
        out.append(
            Editable("model", _field_label("model"), "choice", "a model of the token price catalogue", allowed.models)
        )
    if allowed.sandboxes:
        services = tuple(allowed.sandboxes)
        said = "one of " + ", ".join(services)
        out.append(Editable("sandbox", _field_label("sandbox"), "choice", said, services, dict(allowed.sandboxes)))
    kinds = tuple(k.value for k in StepKind)
    out.append(Editable("step_kind", _field_label("step_kind"), "choice", " or ".join(kinds), kinds, STEP_KIND_WORDS))
    out.append(
        Editable("step_needs_machine", "A step needs a full machine (tests, a browser, binaries)", "flag", "yes or no")
    )
    return out


def _team_fields(options: tuple[str, ...], named: Callable[[str], str]) -> list[Editable]:
    """The options compared, and the team: an engineer's cost, each option's operations effort and
    engineer-weeks."""
    out = [
        Editable(
            "options",
            "Options compared",
            "options" if options else "text",
            "option ids from " + ", ".join(options) + "; none: every option priced on the date"
            if options
            else "option ids, comma-separated; empty: every option",
            options,
            {o: named(o) for o in options},
        ),
        _number("engineer_cost", "Engineer cost [USD/year]", 0, 5_000_000, "USD per year", "the sourced default"),
    ]
    for option in options:
        out.append(
            _number(f"ops.{option}", f"Operations effort, {named(option)} [FTE]", 0, 10, "FTE", "the table's default")
        )
    for prefix, what in (("setup.", "Weeks to production with"), ("migrate.", "Weeks to migrate onto")):
        for option in options:
            out.append(
                _number(
                    f"{prefix}{option}",
                    f"{what} {named(option)} [engineer-weeks]",
                    0,
                    520,
                    "engineer-weeks",
                    "the table's default",
                )
            )
    return out


def _need_fields() -> list[Editable]:
    """What a plan must offer."""
    return [
        _number(f"{NEED}seats", "A plan must offer: seats", 1, 1_000_000, "seats", "any"),
        _number(f"{NEED}log_retention_days", "A plan must offer: log retention [days]", 0, 3650, "days", "any"),
        _number(f"{NEED}sla_percent", "A plan must offer: uptime SLA [%]", 90, 100, "%", "none needed"),
        Editable(
            f"{NEED}support",
            "A plan must offer: support, at least",
            "choice",
            "one of " + ", ".join(SUPPORT_LEVELS),
            SUPPORT_LEVELS,
        ),
        Editable(f"{NEED}sso", "A plan must offer: SSO / SAML", "flag", "yes or no"),
        Editable(f"{NEED}hipaa", "A plan must offer: HIPAA (a signed BAA)", "flag", "yes or no"),
    ]


def _contract_fields(allowed: Allowed, named: Callable[[str], str]) -> list[Editable]:
    """Your prices and contract, for each option whose terms the data knows: a price per price id, a
    discount, a committed spend and its credit, a pinned plan, add-ons."""
    out: list[Editable] = []
    for option in allowed.options:
        terms = allowed.terms.get(option)
        if terms is None:
            continue
        mine = f"{YOURS}{option}."
        who = named(option)
        for price in terms.prices:
            out.append(
                _number(
                    f"{mine}price.{price}",
                    f"{who}: your price for {terms.name('price', price).lower()}",
                    0,
                    1e9,
                    "in the unit the vendor quotes",
                    "the list price",
                )
            )
        out.append(_number(f"{mine}discount", f"{who}: discount [%]", 0, 100, "%", "none"))
        out.append(_number(f"{mine}commitment", f"{who}: committed spend [USD/month]", 0, 1e9, "USD a month", "none"))
        out.append(
            _number(f"{mine}credit", f"{who}: credit it buys [USD/month]", 0, 1e9, "USD a month", "the commitment")
        )
        if terms.plans:
            out.append(
                Editable(
                    f"{mine}plan",
                    f"{who}: pinned plan",
                    "choice",
                    "one of " + ", ".join(terms.name("plan", p) for p in terms.plans),
                    terms.plans,
                    {p: terms.name("plan", p) for p in terms.plans},
                )
            )
        for addon in terms.addons:
            out.append(
                _number(
                    f"{mine}addon.{addon}",
                    f"{who}: add-on {terms.name('addon', addon)}",
                    0,
                    1e6,
                    "(1 switches it on)",
                    "none",
                )
            )
    return out


def _ranges_and_path_fields() -> list[Editable]:
    """The range of each workload number, and the months ahead: growth, horizon, cut-over, forecast."""
    out: list[Editable] = []
    for name in NUMERIC_FIELDS:
        unit = field_unit(name)
        out.append(
            Editable(
                f"{RANGE}{name}",
                f"Range of {_field_label(name)}",
                "text",
                f"<low>,<high> or <low>,<high>,uniform{' in ' + unit if unit else ''}, around the field's value; "
                "empty: known exactly",
                placeholder="low, high",
            )
        )
    path = PathInputs.model_fields
    out += [
        _number(f"{PATH}growth", "Growth [%/month]", *_limits(path["growth_percent_per_month"]), "% a month"),
        _number(f"{PATH}horizon", "Horizon [months]", *_limits(path["horizon_months"]), "months (whole)"),
        _number(f"{PATH}cutover", "Cut-over [months]", *_limits(path["cutover_months"]), "months"),
        Editable(
            f"{PATH}runs",
            "Your forecast [runs/month]",
            "text",
            "monthly runs, comma-separated (e.g. 50000, 80000, 120000); empty: the growth rate",
            placeholder="e.g. 50000, 80000, 120000",
        ),
    ]
    return out


def _limits(info: Any) -> tuple[float, float]:
    """A pydantic field's (least, most) allowed value."""
    low = next(m.ge for m in info.metadata if getattr(m, "ge", None) is not None)
    high = next(m.le for m in info.metadata if getattr(m, "le", None) is not None)
    return float(low), float(high)


def generic_field(key: str) -> Editable:
    """A parameter the editor does not list (one a link or a scenario file set): kept as text."""
    return Editable(key, key, "text", "the value this parameter takes in a link")


def value_of(key: str, profile: WorkloadProfile) -> str:
    """What `profile` holds for a link parameter, as link text ("" where it holds nothing)."""
    team = profile.team
    if key in PROFILE_FIELDS:
        return param_text(getattr(profile, key))
    if key == "options":
        return ",".join(profile.options)
    if key == "engineer_cost":
        return param_text(team.engineer_cost_usd_per_year)
    if key.startswith("ops."):
        return param_text(team.ops_fte.get(key.removeprefix("ops.")))
    for prefix, name in WEEKS.items():
        if key.startswith(prefix):
            return param_text(getattr(team, name).get(key.removeprefix(prefix)))
    if key.startswith(NEED):
        return param_text(getattr(profile.requirements, key.removeprefix(NEED), None))
    if key.startswith(YOURS):
        return param_text(overrides_params(profile.overrides).get(key))
    if key.startswith(PATH) and key.removeprefix(PATH) in PATH_PARAMS:
        value = getattr(profile.path, PATH_PARAMS[key.removeprefix(PATH)])
        return ", ".join(param_text(float(v)) for v in value) if isinstance(value, tuple) else param_text(value)
    if key.startswith(RANGE):
        return ranges_params(profile.ranges).get(key, "")
    return ""


def widget_value(item: Editable, text: str) -> Any:
    """A link value as the editor's widget holds it; None where a choice is not among the choices."""
    if item.kind == "flag":
        return text.strip().lower() == "true"
    if item.kind == "options":
        return [o for o in text.split(",") if o in item.choices]
    if item.kind == "choice":
        return text if text in item.choices else None
    return text


def link_value(item: Editable, value: Any) -> str:
    """What the editor's widget holds, as the link's text."""
    if item.kind == "flag":
        return "true" if value else "false"
    if item.kind == "options":
        return ",".join(value or ())
    return "" if value is None else str(value).strip()


def changed_words(changes: Mapping[str, str], fields: Mapping[str, Editable]) -> str:
    """A scenario's changes as a person reads them."""
    parts = []
    for key, value in changes.items():
        item = fields.get(key) or generic_field(key)
        if item.kind == "flag":
            shown = "yes" if value == "true" else "no"
        elif item.kind == "options":
            shown = ", ".join(item.words.get(o, o) for o in value.split(",") if o) or "every option"
        else:
            shown = item.words.get(value, value) if value else "as in the preset"
        parts.append(f"{item.label} = {shown}")
    return "; ".join(parts) or "no change"
