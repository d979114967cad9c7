"""The workload profile: what a team's agents do, in the units the engine bills.

`WorkloadProfile` is the public file format (`version: 2`); every field states its unit and its
bounds, and a bad value gets a message naming the field, the value and what is allowed. The three
fields that size the work (runs a month, steps a run, seconds a step) are required; every other
field has a neutral default (no retries, sleeps, waits or children; nothing recorded beyond the
events themselves) rather than a guess, so nothing is priced that the profile did not declare.
Version 1 files read the same way.
`profiles_frame` turns one or many profiles into columns, which is what the engine computes on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args, get_origin

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from model.billing import repeated
from pricing.schema import KEY_PATTERN, SupportLevel
from pricing.text import CONTROL, NOT_ONE_LINE

__all__ = [
    "BOUNDS",
    "CONTROL",
    "DOUBTS",
    "GROWTH",
    "NUMERIC_FIELDS",
    "OPTIONAL_FIELDS",
    "PATH_BOUNDS",
    "PROFILE_VERSION",
    "REQUIRED_FIELDS",
    "STEP_KINDS_BEFORE",
    "TITLES",
    "Columns",
    "FieldRange",
    "OptionOverrides",
    "PathInputs",
    "PlanRequirements",
    "ProfileError",
    "StepKind",
    "TeamInputs",
    "WorkloadProfile",
    "column",
    "field_title",
    "field_unit",
    "lookup",
    "parse_profile",
    "profiles_frame",
]

PROFILE_VERSION = 2
MAX_PROBLEMS = 20
"""Problems reported of one profile; the rest are counted."""
READS_VERSIONS = (1, 2)


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


class _Input(BaseModel):
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


def _f(
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


_OPTION_ID = re.compile(r"^[a-z0-9.\-]+/[a-z0-9.\-]+$")


class TeamInputs(_Input):
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
        bad = [k for k in value if not _OPTION_ID.match(k)]
        if bad:
            raise ValueError(
                f"{', '.join(repr(k) for k in bad)}: keys are option ids, vendor/offering (see `tco compare`)"
            )
        return value


_KEY = KEY_PATTERN


class OptionOverrides(_Input):
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


class PlanRequirements(_Input):
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


class FieldRange(_Input):
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


class PathInputs(_Input):
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


class WorkloadProfile(_Input):
    """One agent workload. Counts are per month or per run; times in seconds; sizes in KB."""

    model_config = ConfigDict(extra="forbid", frozen=True, field_title_generator=lambda name, _info: field_title(name))

    version: Literal[2] = 2
    name: str = Field(default="Custom profile", min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    monthly_runs: float = _f(..., "runs/month", "Agent runs started per month", le=1e10)
    steps_per_run: float = _f(
        ..., "steps", "LLM or tool calls per run, each one durable step, run one after another", le=1e6
    )
    step_seconds: float = _f(
        ..., "s", "Wall time of one step, including the wait for the LLM's response", le=86_400, doubt=(0.5, 2)
    )
    retry_rate: float = _f(
        0,
        "attempts/step",
        "Extra attempts per step, on average (0.1 = one step in ten retried once)",
        le=100,
        doubt=(0.5, 2),
    )
    step_kind: StepKind = Field(
        default=StepKind.TASK,
        description="How a step runs where the orchestrator tells them apart: task (a task of its own, scheduled, "
        "retried and recorded apart) or inline (inside the run's own code, recorded as a marker)",
        json_schema_extra={"unit": "", "group": "workload"},
    )
    decisions_per_step: float = _f(
        0,
        "decisions",
        "Decisions the orchestrator itself takes per step, besides running it (a branch checking whether the agent "
        "goes on, a state that reshapes data); a plain chain of steps has none",
        le=100,
    )
    sleeps_per_run: float = _f(0, "sleeps", "Durable sleeps per run (a durable timer)", le=1e6)
    sleep_seconds: float = _f(0, "s", "Length of one durable sleep", le=3.2e7)
    human_waits_per_run: float = _f(
        0,
        "waits",
        "Waits for a person or a webhook per run, on average (a waitpoint, or a signal awaited with a timeout): "
        "1 = every run waits once; 0.2 = one run in five waits once, the other four not at all",
        le=1e5,
    )
    human_wait_seconds: float = _f(
        0,
        "s",
        "Average length of one such wait, from the moment the run starts waiting to the answer: the average, not "
        "the longest (the longest a wait may last is the vendor's limit)",
        le=3.2e7,
        doubt=(0.25, 4),
    )
    child_runs_per_run: float = _f(
        0,
        "runs",
        "Sub-agents started and awaited per run (child runs or child workflows), each running one step",
        le=1e5,
    )
    heartbeat_seconds: float = _f(0, "s", "Interval at which a running step heartbeats; 0 = no heartbeats", le=86_400)
    heartbeat_timeout_seconds: float = _f(
        0,
        "s",
        "Heartbeat timeout set on the step; 0 = none (an SDK then throttles heartbeats to its default)",
        le=86_400,
    )
    step_payload_kb: float = _f(
        0,
        "KB",
        "What every step records, as the first step does: its input plus its output (the prompt and the answer, "
        "a tool's result); 0 = steps pass references, not data. A conversation passed along and growing from step "
        "to step is the context growth, added on top",
        le=1e7,
        doubt=(0.5, 2),
    )
    context_growth_kb: float = _f(
        0,
        "KB/step",
        "How much more each step records than the one before, when each step is passed the whole conversation "
        "so far: step n records the payload per step plus n - 1 times this; 0 = every step records the same "
        "payload",
        le=1e6,
        doubt=(0.5, 2),
    )
    peak_concurrent_runs: float | None = Field(
        default=None,
        ge=1,
        le=1e7,
        description="Runs executing at the same time at the busiest moment; empty = derived from the volume "
        "(the runs executing at once on average within the busy window). A figure below that is raised to it",
        json_schema_extra={"unit": "runs", "group": "workload"},
    )
    peak_window_hours: float = _f(
        24,
        "h",
        "Hours of the day in which the runs arrive (24 = spread over the whole day); sizes the peak",
        ge=1,
        le=24,
    )
    step_needs_machine: bool = Field(
        default=False,
        strict=True,
        description="A step runs a test suite, a headless browser or native binaries: it needs a full machine or "
        "sandbox, not only a function that calls an API (a runtime that cannot host one prices the vendor's machine "
        "product, or rules the option out)",
        json_schema_extra={"unit": "", "group": "workload"},
    )
    step_memory_mb: float | None = Field(
        default=None,
        ge=1,
        le=1e6,
        description="Memory one step's code needs at most; empty = what a step that calls an API needs, within "
        "every runtime's limit",
        json_schema_extra={"unit": "MB", "group": "workload"},
    )
    machine: str = Field(
        default="0.5-vcpu-0.5-gb",
        min_length=1,
        description="The machine one executing run is given (its vCPU and memory, `0.5-vcpu-0.5-gb`): a vendor's "
        "machine of that size, or that share of the workers you run",
        json_schema_extra={"unit": "", "group": "workload"},
    )
    retention_days: float = _f(
        30, "days", "How long closed runs' histories are kept (30 days: a common default)", ge=0, le=3650
    )
    step_cpu_share: float = _f(
        0.02,
        "fraction",
        "CPU time of a step as a share of its wall time (an LLM call is mostly waiting: a few ms of CPU "
        "to send the prompt and parse the answer); for vendors that bill CPU time, not wall time",
        le=1,
        doubt=(0.5, 2),
    )
    events_per_run: float = _f(
        1, "events", "Events a run sends or is triggered by (the trigger itself, fan-out, notifications)", le=1e6
    )
    state_kb_per_run: float | None = Field(
        default=None,
        ge=0,
        le=1e7,
        description="State a run keeps stored while open and for the retention period, for vendors that bill "
        "stored state; empty = every step's payload (each step's payload, with the context grown by then, summed "
        "over the run's steps)",
        json_schema_extra={"unit": "KB", "group": "workload"},
    )
    model: str = Field(
        default="",
        max_length=120,
        pattern=r"^([A-Za-z0-9][\w.\-]*/[\w.:@\-]+)?$",
        description="The model each step calls, as provider/model in genai-prices' catalogue (e.g. "
        "anthropic/claude-sonnet-4-5); empty = the model's tokens are not priced",
        json_schema_extra={"group": "tokens"},
    )
    input_tokens_per_step: float = _f(
        0,
        "tokens",
        "Input tokens of the model call the first step makes (the prompt, the tools, the context so far); "
        "every attempt of a step calls the model once",
        le=1e8,
        group="tokens",
    )
    input_token_growth_per_step: float = _f(
        0,
        "tokens/step",
        "How many more input tokens each step sends than the one before, as the conversation grows: step n "
        "sends the first step's input plus n - 1 times this",
        le=1e7,
        group="tokens",
    )
    cached_input_tokens_per_step: float = _f(
        0,
        "tokens",
        "Of each step's input tokens, those read from the provider's prompt cache (priced at its cache-read "
        "rate); at most the first step's input",
        le=1e8,
        group="tokens",
    )
    cached_input_token_growth_per_step: float = _f(
        0,
        "tokens/step",
        "How many more of each step's input tokens come from the prompt cache than the step before (the "
        "conversation so far is a prefix the provider has cached); at most the input's growth",
        le=1e7,
        group="tokens",
    )
    output_tokens_per_step: float = _f(0, "tokens", "Output tokens of each step's model call", le=1e7, group="tokens")
    input_price_per_mtok: float | None = Field(
        default=None,
        ge=0,
        le=1e4,
        description="Your contract's price of input tokens, per million; empty = the list price (with its tiers)",
        json_schema_extra={"unit": "USD/1M tokens", "group": "tokens"},
    )
    cached_input_price_per_mtok: float | None = Field(
        default=None,
        ge=0,
        le=1e4,
        description="Your contract's price of cached input tokens, per million; empty = the list price",
        json_schema_extra={"unit": "USD/1M tokens", "group": "tokens"},
    )
    output_price_per_mtok: float | None = Field(
        default=None,
        ge=0,
        le=1e4,
        description="Your contract's price of output tokens, per million; empty = the list price",
        json_schema_extra={"unit": "USD/1M tokens", "group": "tokens"},
    )
    model_discount_percent: float = _f(
        0, "%", "Your contract's discount off the model's token bill", le=100, group="tokens"
    )
    sandbox: str = Field(
        default="",
        max_length=120,
        pattern=r"^([a-z0-9.\-]+/[a-z0-9.\-]+)?$",
        description="Where the agent's code and tests run, beside the orchestrator: a sandbox service's table id "
        "(e2b/sandbox, modal/sandbox, daytona/sandbox); empty = no sandbox is priced. The steps that need a machine "
        "then run there, so no option has to host one",
        json_schema_extra={"group": "sandbox"},
    )
    sandbox_vcpus: float = _f(
        2, "vCPU", "vCPUs each run's sandbox is given (billed as allocated)", ge=0.125, le=64, group="sandbox"
    )
    sandbox_memory_gb: float = _f(
        2, "GB", "Memory each run's sandbox is given (billed as allocated)", ge=0.125, le=512, group="sandbox"
    )
    sandbox_seconds_per_run: float | None = Field(
        default=None,
        ge=0,
        le=3.2e7,
        description="How long each run's sandbox is kept running; empty = the time the run's steps execute "
        "(every attempt; not its sleeps or waits, when a sandbox is paused or killed)",
        json_schema_extra={"unit": "s", "group": "sandbox"},
    )
    options: tuple[Annotated[str, Field(pattern=_OPTION_ID.pattern)], ...] = Field(
        default=(),
        max_length=100,
        description="The options to compare, by id (vendor/offering); empty = every option priced on the date",
        json_schema_extra={"group": "comparison"},
    )
    team: TeamInputs = Field(default_factory=TeamInputs)
    requirements: PlanRequirements = Field(
        default_factory=PlanRequirements,
        description="What a plan must offer (seats, log retention, SSO, SLA, support, HIPAA); the cheapest plan "
        "that meets them is chosen",
        json_schema_extra={"group": "comparison"},
    )
    overrides: Mapping[Annotated[str, Field(pattern=_OPTION_ID.pattern)], OptionOverrides] = Field(
        default_factory=dict,
        description="Your prices, plan and add-ons, by option id: a contract's terms instead of the list price",
        json_schema_extra={"group": "comparison"},
    )

    ranges: Mapping[str, FieldRange] = Field(
        default_factory=dict,
        description="Workload numbers known only within bounds, by field name (monthly_runs: {low: 50000, high: "
        "200000}; growth_percent_per_month for the path's growth); the field's value is the likeliest. " + DOUBT_NOTE,
        json_schema_extra={"group": "uncertainty"},
    )
    path: PathInputs = Field(
        default_factory=PathInputs,
        description="The months ahead: growth, horizon and how a migration is run",
        json_schema_extra={"group": "path"},
    )

    @field_validator("ranges")
    @classmethod
    def _ranges_bracket_values(cls, ranges: Mapping[str, FieldRange], info: ValidationInfo) -> Mapping[str, FieldRange]:
        problems = []
        for name, bounds in ranges.items():
            if name == GROWTH:
                continue  # the path comes after the ranges: `_growth_range_brackets` checks it
            field = WorkloadProfile.model_fields.get(name)
            if field is None or field.annotation not in (float, float | None):
                problems.append(f"{name!r} is not a numeric workload field")
                continue
            if name not in info.data:
                continue  # the field itself is wrong, and says so
            value = info.data[name]
            if value is None:
                problems.append(f"{name}: give {name} itself too (the likeliest value)")
                continue
            if not bounds.low <= value <= bounds.high:
                problems.append(
                    f"{name}: its value {value:g} must lie within its range [{bounds.low:g}, {bounds.high:g}]"
                )
            least = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), None)
            if least is not None and bounds.low < least:
                problems.append(f"{name}: low {bounds.low:g} is below the least {name} can be ({least:g})")
            most = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), None)
            if most is not None and bounds.high > most:
                problems.append(f"{name}: high {bounds.high:g} is above the most {name} can be ({most:g})")
        if problems:
            raise ValueError("; ".join(problems))
        return ranges

    @model_validator(mode="after")
    def _tokens_of_a_model(self) -> WorkloadProfile:
        if self.cached_input_tokens_per_step > self.input_tokens_per_step:
            raise ValueError(
                f"cached_input_tokens_per_step {self.cached_input_tokens_per_step:g} is more than "
                f"input_tokens_per_step {self.input_tokens_per_step:g}: cached tokens are part of the input"
            )
        if self.cached_input_token_growth_per_step > self.input_token_growth_per_step:
            raise ValueError(
                f"cached_input_token_growth_per_step {self.cached_input_token_growth_per_step:g} is more than "
                f"input_token_growth_per_step {self.input_token_growth_per_step:g}: cached tokens are part of the input"
            )
        tokens = self.input_tokens_per_step + self.output_tokens_per_step + self.input_token_growth_per_step
        if tokens > 0 and not self.model:
            raise ValueError(
                "model: give the model (provider/model) whose tokens these are, e.g. anthropic/claude-sonnet-4-5"
            )
        return self

    @model_validator(mode="after")
    def _growth_range_brackets(self) -> WorkloadProfile:
        bounds = self.ranges.get(GROWTH)
        if bounds is None:
            return self
        value = self.path.growth_percent_per_month
        low, high = PATH_BOUNDS[GROWTH]
        if not bounds.low <= value <= bounds.high:
            raise ValueError(
                f"{GROWTH}: its value {value:g} (path) must lie within its range [{bounds.low:g}, {bounds.high:g}]"
            )
        if bounds.low < low or bounds.high > high:
            raise ValueError(f"{GROWTH}: its range must lie within {low:g} and {high:g}")
        return self

    def doubts(self) -> dict[str, FieldRange]:
        """Every number of the profile the Monte Carlo draws, by field name: the ranges given, then the
        schema's default doubt on each field that has one and no range (`doubt` in the field's schema:
        factors on its value, or points around it for the growth). A field whose value is 0 or empty,
        or whose range is a single point, is not drawn."""
        out: dict[str, FieldRange] = {}
        for name, spec in DOUBTS.items():
            given = self.ranges.get(name)
            value = self.path.growth_percent_per_month if name == GROWTH else getattr(self, name)
            if given is not None:
                out[name] = given
                continue
            if value is None or (name != GROWTH and value == 0):
                continue
            if name == GROWTH and self.path.monthly_runs_by_month:
                continue  # the team's own forecast, not a rate
            least, most = PATH_BOUNDS[GROWTH] if name == GROWTH else BOUNDS[name]
            if "low" in spec:
                low, high = value * spec["low"], value * spec["high"]
            else:
                low, high = value - spec["minus"], value + spec["plus"]
            low = low if least is None else max(low, least)
            high = high if most is None else min(high, most)
            out[name] = FieldRange(low=low, high=high)
        for name, given in self.ranges.items():
            out.setdefault(name, given)
        return {k: v for k, v in out.items() if v.high > v.low}

    @field_validator("step_kind", mode="before")
    @classmethod
    def _step_kind_before(cls, value: Any) -> Any:
        """The names `step_kind` took before (`activity`, `local_activity`) read as today's."""
        return STEP_KINDS_BEFORE.get(value, value) if isinstance(value, str) else value

    @field_validator("options")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        seen = [o for i, o in enumerate(value) if o in value[:i]]
        if seen:
            raise ValueError(f"{seen[0]!r} is listed twice")
        return value


NUMERIC_FIELDS: tuple[str, ...] = tuple(
    name for name, info in WorkloadProfile.model_fields.items() if info.annotation in (float, float | None)
)
"""The fields an array can sweep over; every cost function accepts arrays of these."""
TOKEN_FIELDS: tuple[str, ...] = tuple(
    name
    for name in NUMERIC_FIELDS
    if (WorkloadProfile.model_fields[name].json_schema_extra or {}).get("group") == "tokens"  # type: ignore[union-attr]
)
"""The numbers about the model's tokens and their prices (`model` names the model)."""
TOKEN_COUNTS: tuple[str, ...] = tuple(n for n in TOKEN_FIELDS if n.endswith("_per_step"))
"""The tokens a step sends and receives: priced only with a model."""
OPTIONAL_FIELDS: tuple[str, ...] = tuple(
    name for name in NUMERIC_FIELDS if WorkloadProfile.model_fields[name].default is None
)
"""Numeric fields that may be left empty (NaN in a frame): the engine derives them."""


@dataclass(frozen=True)
class OverrideColumns:
    """One option's overrides, row by row (NaN, 0 or None where a row gives none)."""

    rows: int
    prices: dict[str, npt.NDArray[np.float64]]
    discount: npt.NDArray[np.float64]
    """A fraction of the vendor's bill."""
    commitment: npt.NDArray[np.float64]
    credit: npt.NDArray[np.float64]
    plan: npt.NDArray[np.object_]
    addons: dict[str, npt.NDArray[np.float64]]
    pinned: bool = False
    """Whether any row pins a plan."""

    @classmethod
    def of(cls, rows: list[OptionOverrides | None]) -> OverrideColumns:
        n = len(rows)
        prices: dict[str, npt.NDArray[np.float64]] = {}
        addons: dict[str, npt.NDArray[np.float64]] = {}
        discount, commitment, credit = np.zeros(n), np.full(n, np.nan), np.full(n, np.nan)
        plan = repeated(n, None)
        for i, o in enumerate(rows):
            if o is None:
                continue
            for key, value in o.prices.items():
                prices.setdefault(key, np.full(n, np.nan))[i] = value
            for key, value in o.addons.items():
                addons.setdefault(key, np.zeros(n))[i] = value
            discount[i] = o.discount_percent / 100.0
            if o.commitment_usd is not None:
                commitment[i] = o.commitment_usd
                credit[i] = o.commitment_usd if o.commitment_credit_usd is None else o.commitment_credit_usd
            plan[i] = o.plan
        return cls(n, prices, discount, commitment, credit, plan, addons, any(o is not None and o.plan for o in rows))

    def take(self, rows: npt.NDArray[np.intp]) -> OverrideColumns:
        """These columns at the given row indices."""
        return OverrideColumns(
            len(rows),
            {k: v[rows] for k, v in self.prices.items()},
            self.discount[rows],
            self.commitment[rows],
            self.credit[rows],
            self.plan[rows],
            {k: v[rows] for k, v in self.addons.items()},
            self.pinned,
        )


_NO_REQUIREMENTS = PlanRequirements()


@dataclass(frozen=True)
class RequirementColumns:
    """The profiles' plan requirements, row by row: NaN (or False) where a row states none;
    `support` is the index of the least level in `SUPPORT_LEVELS`, -1 for none."""

    seats: npt.NDArray[np.float64]
    log_retention_days: npt.NDArray[np.float64]
    sso: npt.NDArray[np.bool_]
    sla_percent: npt.NDArray[np.float64]
    support: npt.NDArray[np.intp]
    hipaa: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, rows: list[PlanRequirements]) -> RequirementColumns:
        from pricing.schema import SUPPORT_LEVELS

        def number(key: str) -> npt.NDArray[np.float64]:
            return np.array([np.nan if getattr(r, key) is None else float(getattr(r, key)) for r in rows])

        return cls(
            seats=number("seats"),
            log_retention_days=number("log_retention_days"),
            sso=np.array([r.sso for r in rows], dtype=bool),
            sla_percent=number("sla_percent"),
            support=np.array(
                [-1 if r.support is None else SUPPORT_LEVELS.index(r.support) for r in rows], dtype=np.intp
            ),
            hipaa=np.array([r.hipaa for r in rows], dtype=bool),
        )

    def take(self, rows: npt.NDArray[np.intp]) -> RequirementColumns:
        """These columns at the given row indices."""
        return RequirementColumns(
            self.seats[rows],
            self.log_retention_days[rows],
            self.sso[rows],
            self.sla_percent[rows],
            self.support[rows],
            self.hipaa[rows],
        )


class Columns(Mapping[str, npt.NDArray[Any]]):
    """A profile frame as plain NumPy columns, converted once per `estimate()`.

    The vendor models read dozens of columns per call; going through pandas for each read costs
    more than the arithmetic. `rows` is the number of profiles.
    """

    def __init__(self, frame: pd.DataFrame):
        self._data: dict[str, npt.NDArray[Any]] = {}
        for name in frame.columns:
            if name in NUMERIC_FIELDS or name in FLAG_COLUMNS or name == "engineer_cost_usd_per_year":
                self._data[str(name)] = frame[name].to_numpy(dtype=np.float64)
            elif name in TEXT_COLUMNS:
                self._data[str(name)] = frame[name].to_numpy().astype(str)
            else:
                self._data[str(name)] = frame[name].to_numpy(dtype=object)
        self.rows = len(frame)
        self._categories: dict[str, tuple[npt.NDArray[np.str_], npt.NDArray[np.intp]]] = {}
        self._ops: dict[str, npt.NDArray[np.float64]] | None = None
        self._overrides: dict[str, OverrideColumns | None] | None = None
        self._requirements: tuple[RequirementColumns | None] | None = None
        self._objects: dict[str, tuple[list[Any], npt.NDArray[np.intp]]] = {}

    def repeated(self, rows: int, field: str, values: npt.NDArray[np.float64]) -> Columns:
        """This one-profile view repeated `rows` times with `field` set to `values` (a sweep
        without building a DataFrame: what a root finder evaluates many times)."""
        out = Columns.__new__(Columns)
        out._data = {name: np.repeat(column, rows) for name, column in self._data.items()}
        out._data[field] = np.asarray(values, dtype=np.float64)
        out.rows = rows
        out._categories = {
            name: (unique, np.zeros(rows, dtype=np.intp))
            for name, (unique, _) in ((n, self.categories(n)) for n in TEXT_COLUMNS if n in self._data)
        }
        out._ops = None
        out._overrides = None
        out._requirements = None
        out._objects = {}
        return out

    def with_ops_fte(self, option_id: str, values: npt.NDArray[np.float64]) -> Columns:
        """This view with the operations share of one option set to `values`, row by row (the
        other options keep theirs): what a break-even on that share evaluates."""
        out = Columns.__new__(Columns)
        out._data = dict(self._data)
        given = self._data.get("ops_fte", repeated(self.rows, None))
        column = np.empty(self.rows, dtype=object)
        column[:] = [
            {**(g if isinstance(g, Mapping) else {}), option_id: float(v)} for g, v in zip(given, values, strict=True)
        ]
        out._data["ops_fte"] = column
        out.rows = self.rows
        out._categories = dict(self._categories)
        out._ops = None
        out._overrides = None
        out._requirements = None
        out._objects = {}
        return out

    def replaced(self, columns: Mapping[str, npt.NDArray[Any]]) -> Columns:
        """This view with some columns replaced or added (one value per row each): the run a
        design prices instead of the profile's own (payloads by reference, say)."""
        out = Columns.__new__(Columns)
        out._data = {**self._data, **{name: np.asarray(values) for name, values in columns.items()}}
        out.rows = self.rows
        out._categories = {k: v for k, v in self._categories.items() if k not in columns}
        out._ops = self._ops
        out._overrides = self._overrides
        out._requirements = self._requirements
        out._objects = {k: v for k, v in self._objects.items() if k not in columns}
        return out

    def categories(self, name: str) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.intp]]:
        """(distinct values, index of each row's value) of a text column, computed once."""
        if name not in self._categories:
            unique, inverse = np.unique(self._data[name], return_inverse=True)
            self._categories[name] = (unique, inverse.reshape(-1))
        return self._categories[name]

    def ops_fte(self, option_id: str) -> npt.NDArray[np.float64] | None:
        """The team's operations share for one option, per row (NaN where not given), or None
        when no row gives one. The column of dicts is read once for all options."""
        if self._ops is None:
            distinct, inverse = self._distinct("ops_fte")
            small: dict[str, npt.NDArray[np.float64]] = {}
            for i, given in enumerate(distinct):
                if isinstance(given, Mapping):
                    for key, value in given.items():
                        small.setdefault(key, np.full(len(distinct), np.nan))[i] = value
            self._ops = {key: values[inverse] for key, values in small.items()}
        return self._ops.get(option_id)

    def _distinct(self, name: str) -> tuple[list[Any], npt.NDArray[np.intp]]:
        """(the distinct objects of an object column, by identity; each row's index among them). A
        sweep or a Monte Carlo run repeats one profile's dictionaries thousands of times: each is
        read once."""
        if name not in self._objects:
            column = self._data.get(name, np.empty(0, dtype=object))
            _, first, inverse = np.unique(
                np.fromiter(map(id, column), dtype=np.int64, count=len(column)),
                return_index=True,
                return_inverse=True,
            )
            self._objects[name] = ([column[i] for i in first], inverse.reshape(-1).astype(np.intp))
        return self._objects[name]

    def overrides(self, option_id: str) -> OverrideColumns | None:
        """One option's overrides (`WorkloadProfile.overrides`) as columns, or None when no row
        has any. Read once per option."""
        if self._overrides is None:
            self._overrides = {}
        if option_id not in self._overrides:
            distinct, inverse = self._distinct("overrides")
            given = [g.get(option_id) if isinstance(g, Mapping) else None for g in distinct]
            rows = [g if isinstance(g, OptionOverrides) else None for g in given]
            self._overrides[option_id] = (
                OverrideColumns.of(rows).take(inverse) if any(r is not None for r in rows) else None
            )
        return self._overrides[option_id]

    def requirements(self) -> RequirementColumns | None:
        """The plan requirements as columns, or None when no row states any. Read once."""
        if self._requirements is None:
            distinct, inverse = self._distinct("requirements")
            rows = [g if isinstance(g, PlanRequirements) else _NO_REQUIREMENTS for g in distinct]
            self._requirements = (RequirementColumns.of(rows).take(inverse) if any(r.stated() for r in rows) else None,)
        return self._requirements[0]

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def column(frame: Columns, name: str) -> npt.NDArray[np.float64]:
    """One numeric field, as a float array."""
    return np.asarray(frame[name], dtype=np.float64)


def lookup(frame: Columns, name: str, table: Mapping[str, Any], dtype: Any = np.float64) -> npt.NDArray[Any]:
    """Map a text column through `table`, once per distinct value (fast for 100,000 rows of a
    few distinct machine names). A value may be an array with one entry per row (a Monte Carlo
    draw of a price). Values missing from the table raise KeyError."""
    unique, inverse = frame.categories(name)
    values = [table[str(u)] for u in unique]
    if any(isinstance(v, np.ndarray) and v.ndim > 0 for v in values):
        rows = len(inverse)
        stacked = np.stack([np.broadcast_to(np.asarray(v, dtype=dtype), (rows,)) for v in values])
        return np.asarray(stacked[inverse, np.arange(rows)])
    mapped = np.empty(len(unique), dtype=dtype)
    mapped[:] = values
    return mapped[inverse]


TEXT_COLUMNS = ("machine", "step_kind", "name", "model", "sandbox")
FLAG_COLUMNS = ("step_needs_machine",)
"""Yes-or-no fields, as 0.0 or 1.0 columns."""
TEAM_COLUMNS = ("engineer_cost_usd_per_year", "ops_fte", "overrides", "requirements")


def field_unit(name: str) -> str:
    extra = WorkloadProfile.model_fields[name].json_schema_extra
    assert isinstance(extra, dict)
    return str(extra.get("unit", ""))


class ProfileError(ValueError):
    """Bad profile input. Each problem names the field, the value given and what is allowed."""

    def __init__(self, problems: Iterable[tuple[str, Any, str]]):
        self.problems = tuple(problems)
        super().__init__(
            "\n".join(f"{f}: {msg}" + (f" (got {v!r})" if v is not None else "") for f, v, msg in self.problems)
        )


def _allowed(name: str) -> str:
    info = WorkloadProfile.model_fields.get(name)
    if info is None:
        return ""
    low = high = None
    for item in info.metadata:
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
    if low is not None and high is not None:
        unit = field_unit(name)
        return f"allowed: {low:g} to {high:g}{' ' + unit if unit else ''}"
    if name == "step_kind":
        return "allowed: " + ", ".join(k.value for k in StepKind)
    return ""


def parse_profile(data: Mapping[str, Any]) -> WorkloadProfile:
    """Validate plain data (from YAML, a form or a URL) into a profile; raises `ProfileError`."""
    if not isinstance(data, Mapping):
        raise ProfileError([("profile", data, "must be a mapping of field names to values")])
    version = data.get("version", PROFILE_VERSION)
    if version not in READS_VERSIONS:
        raise ProfileError(
            [("version", version, "this tool reads profile versions " + " and ".join(str(v) for v in READS_VERSIONS))]
        )
    data = dict(data)
    kind = data.get("step_kind")
    if isinstance(kind, str) and kind in STEP_KINDS_BEFORE:
        data["step_kind"] = STEP_KINDS_BEFORE[kind]
    try:
        # Version 1 has the same fields; a file of either version reads to the current one.
        return WorkloadProfile.model_validate({**data, "version": PROFILE_VERSION})
    except ValidationError as exc:
        problems = []
        errors = exc.errors()
        for error in errors[:MAX_PROBLEMS]:
            field = ".".join(str(p) for p in error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            name = str(error["loc"][-1]) if error["loc"] else ""
            if error["type"] == "extra_forbidden":
                message = _unknown(error["loc"])
            elif error["type"] == "missing":
                message = f"required: {_described(name)}"
            allowed = _allowed(str(error["loc"][0])) if error["loc"] else ""
            if allowed and error["type"] not in ("extra_forbidden", "missing"):
                message = f"{message}; {allowed}"
            problems.append((field, error.get("input") if error["type"] != "missing" else None, message))
        if len(errors) > MAX_PROBLEMS:
            problems.append(("profile", None, f"and {len(errors) - MAX_PROBLEMS:,} more problems (fix these first)"))
        raise ProfileError(problems) from None


REQUIRED_FIELDS: tuple[str, ...] = tuple(n for n, info in WorkloadProfile.model_fields.items() if info.is_required())
"""The fields a profile must give: what sizes the work. Every other field has a neutral default."""


def _described(name: str) -> str:
    info = WorkloadProfile.model_fields.get(name)
    if info is None:
        return name
    unit = field_unit(name)
    return f"{info.description}" + (f" [{unit}]" if unit else "")


def _unknown(loc: tuple[int | str, ...]) -> str:
    """An unknown field, with the nearest known name when there is one ("did you mean …")."""
    import difflib

    nesting: dict[str, type[BaseModel]] = {"team": TeamInputs, "requirements": PlanRequirements}
    nested = nesting.get(str(loc[0])) if len(loc) > 1 else None
    if len(loc) > 2 and loc[0] == "overrides":
        nested = OptionOverrides
    known = list((nested or WorkloadProfile).model_fields) + ([] if nested else ["extends"])
    near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
    if near:
        return f"unknown field; did you mean {near[0]!r}?"
    return "unknown field; the fields are: " + ", ".join(known)


def profiles_frame(profiles: WorkloadProfile | Iterable[WorkloadProfile] | pd.DataFrame) -> pd.DataFrame:
    """Profiles as columns: one row per profile, one float column per numeric field.

    A DataFrame passes through after its columns are checked, so a sweep of 100,000 profiles
    never builds 100,000 objects. Missing columns take the defaults.
    """
    if isinstance(profiles, pd.DataFrame):
        frame = profiles.copy()
        missing = [name for name in REQUIRED_FIELDS if name not in frame.columns]
        if missing:
            raise ProfileError([(name, None, f"required: {_described(name)}") for name in missing])
        for name in (*NUMERIC_FIELDS, *TEXT_COLUMNS, *FLAG_COLUMNS):
            if name not in frame.columns:
                default = WorkloadProfile.model_fields[name].default
                frame[name] = default.value if isinstance(default, StepKind) else default
        if "engineer_cost_usd_per_year" not in frame.columns:
            frame["engineer_cost_usd_per_year"] = np.nan
        for name in ("ops_fte", "overrides"):
            if name not in frame.columns:
                frame[name] = pd.Series([{}] * len(frame), index=frame.index, dtype=object)
        if frame["step_kind"].isin(list(STEP_KINDS_BEFORE)).any():
            frame["step_kind"] = frame["step_kind"].replace(STEP_KINDS_BEFORE)
        if "requirements" not in frame.columns:
            frame["requirements"] = pd.Series([_NO_REQUIREMENTS] * len(frame), index=frame.index, dtype=object)
        convert = {name: np.float64 for name in (*NUMERIC_FIELDS, *FLAG_COLUMNS) if frame[name].dtype != np.float64}
        if convert:
            frame = frame.astype(convert)
        _check_frame(frame)
        return frame.reset_index(drop=True)
    items = [profiles] if isinstance(profiles, WorkloadProfile) else list(profiles)
    rows = [
        {
            **{n: np.nan if getattr(p, n) is None else float(getattr(p, n)) for n in NUMERIC_FIELDS},
            "step_needs_machine": float(p.step_needs_machine),
            "machine": p.machine,
            "model": p.model,
            "sandbox": p.sandbox,
            "step_kind": p.step_kind.value,
            "name": p.name,
            "engineer_cost_usd_per_year": (
                np.nan if p.team.engineer_cost_usd_per_year is None else p.team.engineer_cost_usd_per_year
            ),
            "ops_fte": dict(p.team.ops_fte),
            "overrides": dict(p.overrides),
            "requirements": p.requirements,
        }
        for p in items
    ]
    return pd.DataFrame(rows, columns=[*NUMERIC_FIELDS, *FLAG_COLUMNS, *TEXT_COLUMNS, *TEAM_COLUMNS])


def _bounds(name: str) -> tuple[float | None, float | None]:
    info = WorkloadProfile.model_fields[name]
    low = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return low, high


BOUNDS = {name: _bounds(name) for name in NUMERIC_FIELDS}
GROWTH = "growth_percent_per_month"
"""The path's growth rate: a range for it is kept with the workload's (`ranges:`)."""
PATH_BOUNDS = {
    GROWTH: (
        next(float(m.ge) for m in PathInputs.model_fields[GROWTH].metadata if hasattr(m, "ge")),
        next(float(m.le) for m in PathInputs.model_fields[GROWTH].metadata if hasattr(m, "le")),
    )
}


def _doubt(info: Any) -> dict[str, float] | None:
    extra = info.json_schema_extra
    spec = extra.get("doubt") if isinstance(extra, dict) else None
    return {str(k): float(v) for k, v in spec.items()} if isinstance(spec, dict) else None


DOUBTS: dict[str, dict[str, float]] = {
    name: spec
    for name, info in [*WorkloadProfile.model_fields.items(), (GROWTH, PathInputs.model_fields[GROWTH])]
    if (spec := _doubt(info)) is not None
}
"""Field -> its default doubt, from the schema (`doubt`: factors `low`/`high` on its value, or points
`minus`/`plus` around it)."""
"""Each numeric field's (least, most) allowed value."""
_STEP_KINDS = frozenset(k.value for k in StepKind)


def _check_frame(frame: pd.DataFrame) -> None:
    problems = []
    for name in NUMERIC_FIELDS:
        low, high = BOUNDS[name]
        values = frame[name].to_numpy()
        bad = ~np.isfinite(values)
        if name in OPTIONAL_FIELDS:
            bad &= ~np.isnan(values)
        with np.errstate(invalid="ignore"):
            if low is not None:
                bad |= values < low
            if high is not None:
                bad |= values > high
        if bad.any():
            problems.append((name, float(values[bad][0]), _allowed(name)))
    kinds = set(frame["step_kind"].unique()) - _STEP_KINDS
    if kinds:
        problems.append(("step_kind", sorted(kinds)[0], _allowed("step_kind")))
    if problems:
        raise ProfileError(problems)
