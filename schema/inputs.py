"""The parts of a workload profile a person enters beside the workload itself: the team's costs,
the contract terms of an option (`overrides`), the plan requirements, a field's range of doubt and
the path ahead; and what any text or number a person enters may hold (`InputModel`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from schema.numbers import KEY_PATTERN
from schema.plans import SupportLevel
from schema.text import CONTROL, NOT_ONE_LINE

__all__ = [
    "DOUBT_NOTE",
    "OPTION_ID",
    "STEP_KINDS_BEFORE",
    "TITLES",
    "FieldRange",
    "InputModel",
    "OptionOverrides",
    "PathInputs",
    "PlanRequirements",
    "StepKind",
    "TeamInputs",
    "field_title",
    "numeric_field",
]

TITLES = {
    "monthly_runs": "Monthly runs",
    "steps_per_run": "Steps per run",
    "step_seconds": "Seconds per step",
    "retry_rate": "Retry rate",
    "step_kind": "How a step runs",
    "decisions_per_step": "Decisions per step",
    "sleeps_per_run": "Sleeps per run",
    "sleep_seconds": "Length of a sleep",
    "human_waits_per_run": "Human waits per run",
    "human_wait_seconds": "Average length of a human wait",
    "child_runs_per_run": "Child runs per run",
    "heartbeat_seconds": "Heartbeat interval",
    "heartbeat_timeout_seconds": "Heartbeat timeout",
    "step_payload_kb": "Payload per step",
    "context_growth_kb": "Context growth per step",
    "peak_concurrent_runs": "Peak concurrent runs",
    "peak_window_hours": "Busy hours a day",
    "step_needs_machine": "A step needs a full machine",
    "step_memory_mb": "Memory a step needs",
    "machine": "Machine for each run",
    "retention_days": "Retention",
    "step_cpu_share": "CPU share of a step",
    "events_per_run": "Events per run",
    "state_kb_per_run": "State kept per run",
    "growth_percent_per_month": "Growth of monthly runs",
    "horizon_months": "Months ahead",
    "cutover_months": "Months of cut-over",
    "monthly_runs_by_month": "Your forecast of monthly runs",
}
"""A field's name in words a person reads (the profile schema's titles): where a name ends in its
unit (`step_payload_kb`), the words without it."""


def field_title(name: str) -> str:
    """`step_payload_kb` -> "Payload per step"; a field without a title: its name in words."""
    return TITLES.get(name) or name.replace("_", " ").capitalize()


def _takes_bool(annotation: Any) -> bool:
    return annotation is bool or bool in get_args(annotation)


def _mapped_type(annotation: Any) -> Any:
    """The value type of a `Mapping[K, V]` annotation, else None."""
    args = get_args(annotation)
    origin = get_origin(annotation)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping) and len(args) == 2:
        inner = args[1]
        return get_args(inner)[0] if get_origin(inner) is Annotated else inner
    return None


class InputModel(BaseModel):
    """What a person enters: true/false is not a number, binary data is not text, and text holds no
    control characters."""

    @field_validator("*", mode="before")
    @classmethod
    def _plain(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields[str(info.field_name)]
        if isinstance(value, bytes | bytearray):
            raise ValueError("binary data is not allowed here: give plain text or a number")
        if (
            isinstance(value, bool)
            and not _takes_bool(field.annotation)
            and field.annotation is not None
            and (_mapped_type(field.annotation) is None)
        ):
            raise ValueError("true or false is not a number here: give a number")
        inner = _mapped_type(field.annotation)
        if isinstance(value, Mapping) and inner is float and any(isinstance(v, bool) for v in value.values()):
            raise ValueError("true or false is not a number here: give a number")
        if isinstance(value, str):
            text = info.field_name == "description"  # a paragraph: line breaks and tabs are allowed
            shown = value.replace("\n", "").replace("\t", "").replace("\r", "") if text else value
            found = (CONTROL if text else NOT_ONE_LINE).search(shown)
            if found is not None:
                char = found.group()
                what = {"\n": "a line break", "\t": "a tab"}.get(char, f"control character U+{ord(char):04X}")
                allowed = "; line breaks and tabs are" if text else " of one line"
                raise ValueError(f"{what} is not allowed in text{allowed}")
        return value


class StepKind(StrEnum):
    """How a step runs where an orchestrator tells the two apart: as a task of its own, scheduled,
    retried and recorded apart (`task`), or inline in the run's own code, recorded as a marker
    (`inline`). Each vendor's table maps them to its own terms (an activity and a local activity,
    in one vendor's words)."""

    TASK = "task"
    INLINE = "inline"


STEP_KINDS_BEFORE = {"activity": StepKind.TASK.value, "local_activity": StepKind.INLINE.value}
"""The names `step_kind` took before (one vendor's terms): read as today's."""


def numeric_field(
    default: Any,
    unit: str,
    description: str,
    *,
    ge: float = 0,
    le: float,
    group: str = "workload",
    doubt: tuple[float, float] | None = None,
) -> Any:
    extra: dict[str, Any] = {"unit": unit, "group": group}
    if doubt is not None:
        extra["doubt"] = {"low": doubt[0], "high": doubt[1]}
    return Field(default=default, ge=ge, le=le, description=description, json_schema_extra=extra)


DOUBT_NOTE = (
    "With no range of your own, the Monte Carlo draws this field between its value times `doubt.low` and its value "
    "times `doubt.high` (triangular, the value the likeliest); a range of your own replaces it, and a range whose "
    "ends equal the value pins it"
)


OPTION_ID = re.compile(r"^[a-z0-9.\-]+/[a-z0-9.\-]+$")


class TeamInputs(InputModel):
    """People costs. A field left empty takes the sourced default from the pricing data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engineer_cost_usd_per_year: float | None = Field(
        default=None,
        ge=0,
        le=5_000_000,
        description="Fully loaded cost of one engineer (salary, benefits, overhead) [USD/year]",
        json_schema_extra={"unit": "USD/year", "group": "team"},
    )
    ops_fte: Mapping[str, Annotated[float, Field(ge=0, le=10)]] = Field(
        default_factory=dict,
        description="Share of an engineer spent running each option, by option id [FTE]; "
        "options not listed use the table's default",
        json_schema_extra={"unit": "FTE", "group": "team"},
    )
    setup_weeks: Mapping[str, Annotated[float, Field(ge=0, le=520)]] = Field(
        default_factory=dict,
        description="Engineer-weeks from a standing start to the first workflow in production on each option, by "
        "option id; options not listed use the pricing data's figure",
        json_schema_extra={"unit": "engineer-weeks", "group": "team"},
    )
    migration_weeks: Mapping[str, Annotated[float, Field(ge=0, le=520)]] = Field(
        default_factory=dict,
        description="Engineer-weeks to move a running workload onto each option from another, by option id; "
        "options not listed use the pricing data's figure",
        json_schema_extra={"unit": "engineer-weeks", "group": "team"},
    )

    @field_validator("ops_fte", "setup_weeks", "migration_weeks")
    @classmethod
    def _option_ids(cls, value: Mapping[str, float]) -> Mapping[str, float]:
        bad = [k for k in value if not OPTION_ID.match(k)]
        if bad:
            raise ValueError(
                f"{', '.join(repr(k) for k in bad)}: keys are option ids, vendor/offering (see `tco compare`)"
            )
        return value


_KEY = KEY_PATTERN


class OptionOverrides(InputModel):
    """What a buyer has negotiated or bought for one option. Every field may be left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prices: Mapping[Annotated[str, Field(pattern=_KEY)], Annotated[float, Field(ge=0, le=1e9)]] = Field(
        default_factory=dict,
        description="Your unit price by the id of a price in the option's table, in the unit the table quotes it "
        "(a price per 1M Actions is entered per 1M Actions)",
    )
    discount_percent: float = Field(default=0, ge=0, le=100, description="Off the vendor's bill [%]")
    commitment_usd: float | None = Field(
        default=None, ge=0, le=1e9, description="A committed monthly spend, paid whatever the usage [USD/month]"
    )
    commitment_credit_usd: float | None = Field(
        default=None,
        ge=0,
        le=1e9,
        description="The credit the commitment buys each month, which pays for usage [USD/month]; empty = the "
        "commitment itself",
    )
    plan: Annotated[str, Field(pattern=_KEY)] | None = Field(
        default=None, description="The plan you pin (chosen for its SLA, say) instead of the cheapest"
    )
    addons: Mapping[Annotated[str, Field(pattern=_KEY)], Annotated[float, Field(ge=0, le=1e6)]] = Field(
        default_factory=dict,
        description="Add-ons the option's table lists, by id: 1 to switch one on (High Availability), or how many "
        "(extra concurrency bought in a dashboard)",
    )

    @model_validator(mode="after")
    def _credit_of_a_commitment(self) -> OptionOverrides:
        if self.commitment_credit_usd is not None and self.commitment_usd is None:
            raise ValueError(
                "commitment_credit_usd is the credit a commitment buys: give commitment_usd too, or leave it out"
            )
        return self

    @property
    def empty(self) -> bool:
        return self == OptionOverrides()


class PlanRequirements(InputModel):
    """What a plan must offer for production use. Empty: no requirement (the cheapest plan wins).
    A self-hosted option meets them by your own setup; a cloud plan that does not list one is not
    chosen, and an option with no plan that meets them cannot be bought as needed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seats: int | None = Field(
        default=None, ge=1, le=1_000_000, strict=True, description="People who need an account [seats]"
    )
    log_retention_days: float | None = Field(
        default=None, ge=0, le=3650, description="Days the run logs and history must stay viewable [days]"
    )
    sso: bool = Field(default=False, strict=True, description="Sign-in through your identity provider (SSO / SAML)")
    sla_percent: float | None = Field(
        default=None, ge=90, le=100, description="The least uptime the vendor must commit to in an SLA [%]"
    )
    support: SupportLevel | None = Field(
        default=None,
        description="The least support: community, email, priority (response targets in hours, "
        "a shared channel) or dedicated (a named engineer, around the clock)",
    )
    hipaa: bool = Field(default=False, strict=True, description="The vendor signs a HIPAA business associate agreement")

    def stated(self) -> dict[str, Any]:
        """The requirements given (a flag only when on)."""
        return {k: v for k, v in self if v not in (None, False)}


class FieldRange(InputModel):
    """A workload number known only within bounds. The field's own value stays the likeliest one;
    a Monte Carlo run draws between `low` and `high`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float = Field(allow_inf_nan=False, description="The least it could be, in the field's unit")
    high: float = Field(allow_inf_nan=False, description="The most it could be, in the field's unit")
    distribution: Literal["triangular", "uniform"] = Field(
        default="triangular",
        description="triangular: the field's value is the likeliest; uniform: any value between is as likely",
    )

    @model_validator(mode="after")
    def _ordered(self) -> FieldRange:
        if self.low > self.high:
            raise ValueError(f"low {self.low:g} is greater than high {self.high:g}")
        return self


class PathInputs(InputModel):
    """The months ahead: how the volume grows, for how long, and how a migration is run."""

    model_config = ConfigDict(extra="forbid", frozen=True, field_title_generator=lambda name, _info: field_title(name))

    horizon_months: int = Field(default=36, ge=1, le=120, strict=True, description="Months to look ahead [months]")
    growth_percent_per_month: float = Field(
        default=0,
        ge=-50,
        le=100,
        allow_inf_nan=False,
        description="Monthly runs grow by this much each month, compounded [%/month]",
        json_schema_extra={"unit": "%/month", "doubt": {"minus": 2.5, "plus": 2.5}},
    )
    monthly_runs_by_month: tuple[Annotated[float, Field(ge=0, le=1e10, allow_inf_nan=False)], ...] = Field(
        default=(),
        max_length=120,
        description="Your own forecast of runs per month, month 1 first, instead of a growth rate; months past the "
        "list keep its last figure [runs/month]",
    )
    cutover_months: float = Field(
        default=0,
        ge=0,
        le=24,
        allow_inf_nan=False,
        description="Months both options run side by side during a migration (both bills paid) [months]",
    )
