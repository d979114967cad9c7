"""The workload profile: what a team's agents do, in the units the engine bills.

`WorkloadProfile` is the public file format (`version: 2`); every field states its unit and its
bounds, and a bad value gets a message naming the field, the value and what is allowed. The three
fields that size the work (runs a month, steps a run, seconds a step) are required; every other
field has a neutral default (no retries, sleeps, waits or children; nothing recorded beyond the
events themselves) rather than a guess, so nothing is priced that the profile did not declare.
Version 1 files read the same way.
The engine's view of profiles, as columns, is `model.columns`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from schema.inputs import (
    DOUBT_NOTE,
    OPTION_ID,
    STEP_KINDS_BEFORE,
    FieldRange,
    InputModel,
    OptionOverrides,
    PathInputs,
    PlanRequirements,
    StepKind,
    TeamInputs,
    field_title,
    numeric_field,
)

__all__ = [
    "BOUNDS",
    "DOUBTS",
    "GROWTH",
    "MAX_PROBLEMS",
    "NUMERIC_FIELDS",
    "OPTIONAL_FIELDS",
    "PATH_BOUNDS",
    "PROFILE_VERSION",
    "READS_VERSIONS",
    "REQUIRED_FIELDS",
    "STEP_KINDS",
    "TOKEN_COUNTS",
    "TOKEN_FIELDS",
    "ProfileError",
    "WorkloadProfile",
    "allowed_words",
    "described",
    "field_unit",
    "parse_profile",
]

PROFILE_VERSION = 2
MAX_PROBLEMS = 20
"""Problems reported of one profile; the rest are counted."""
READS_VERSIONS = (1, 2)


class WorkloadProfile(InputModel):
    """One agent workload. Counts are per month or per run; times in seconds; sizes in KB."""

    model_config = ConfigDict(extra="forbid", frozen=True, field_title_generator=lambda name, _info: field_title(name))

    version: Literal[2] = 2
    name: str = Field(default="Custom profile", min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    monthly_runs: float = numeric_field(..., "runs/month", "Agent runs started per month", le=1e10)
    steps_per_run: float = numeric_field(
        ..., "steps", "LLM or tool calls per run, each one durable step, run one after another", le=1e6
    )
    step_seconds: float = numeric_field(
        ..., "s", "Wall time of one step, including the wait for the LLM's response", le=86_400, doubt=(0.5, 2)
    )
    retry_rate: float = numeric_field(
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
    decisions_per_step: float = numeric_field(
        0,
        "decisions",
        "Decisions the orchestrator itself takes per step, besides running it (a branch checking whether the agent "
        "goes on, a state that reshapes data); a plain chain of steps has none",
        le=100,
    )
    sleeps_per_run: float = numeric_field(0, "sleeps", "Durable sleeps per run (a durable timer)", le=1e6)
    sleep_seconds: float = numeric_field(0, "s", "Length of one durable sleep", le=3.2e7)
    human_waits_per_run: float = numeric_field(
        0,
        "waits",
        "Waits for a person or a webhook per run, on average (a waitpoint, or a signal awaited with a timeout): "
        "1 = every run waits once; 0.2 = one run in five waits once, the other four not at all",
        le=1e5,
    )
    human_wait_seconds: float = numeric_field(
        0,
        "s",
        "Average length of one such wait, from the moment the run starts waiting to the answer: the average, not "
        "the longest (the longest a wait may last is the vendor's limit)",
        le=3.2e7,
        doubt=(0.25, 4),
    )
    child_runs_per_run: float = numeric_field(
        0,
        "runs",
        "Sub-agents started and awaited per run (child runs or child workflows), each running one step",
        le=1e5,
    )
    heartbeat_seconds: float = numeric_field(
        0, "s", "Interval at which a running step heartbeats; 0 = no heartbeats", le=86_400
    )
    heartbeat_timeout_seconds: float = numeric_field(
        0,
        "s",
        "Heartbeat timeout set on the step; 0 = none (an SDK then throttles heartbeats to its default)",
        le=86_400,
    )
    step_payload_kb: float = numeric_field(
        0,
        "KB",
        "What every step records, as the first step does: its input plus its output (the prompt and the answer, "
        "a tool's result); 0 = steps pass references, not data. A conversation passed along and growing from step "
        "to step is the context growth, added on top",
        le=1e7,
        doubt=(0.5, 2),
    )
    context_growth_kb: float = numeric_field(
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
    peak_window_hours: float = numeric_field(
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
    retention_days: float = numeric_field(
        30, "days", "How long closed runs' histories are kept (30 days: a common default)", ge=0, le=3650
    )
    step_cpu_share: float = numeric_field(
        0.02,
        "fraction",
        "CPU time of a step as a share of its wall time (an LLM call is mostly waiting: a few ms of CPU "
        "to send the prompt and parse the answer); for vendors that bill CPU time, not wall time",
        le=1,
        doubt=(0.5, 2),
    )
    events_per_run: float = numeric_field(
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
    input_tokens_per_step: float = numeric_field(
        0,
        "tokens",
        "Input tokens of the model call the first step makes (the prompt, the tools, the context so far); "
        "every attempt of a step calls the model once",
        le=1e8,
        group="tokens",
    )
    input_token_growth_per_step: float = numeric_field(
        0,
        "tokens/step",
        "How many more input tokens each step sends than the one before, as the conversation grows: step n "
        "sends the first step's input plus n - 1 times this",
        le=1e7,
        group="tokens",
    )
    cached_input_tokens_per_step: float = numeric_field(
        0,
        "tokens",
        "Of each step's input tokens, those read from the provider's prompt cache (priced at its cache-read "
        "rate); at most the first step's input",
        le=1e8,
        group="tokens",
    )
    cached_input_token_growth_per_step: float = numeric_field(
        0,
        "tokens/step",
        "How many more of each step's input tokens come from the prompt cache than the step before (the "
        "conversation so far is a prefix the provider has cached); at most the input's growth",
        le=1e7,
        group="tokens",
    )
    output_tokens_per_step: float = numeric_field(
        0, "tokens", "Output tokens of each step's model call", le=1e7, group="tokens"
    )
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
    model_discount_percent: float = numeric_field(
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
    sandbox_vcpus: float = numeric_field(
        2, "vCPU", "vCPUs each run's sandbox is given (billed as allocated)", ge=0.125, le=64, group="sandbox"
    )
    sandbox_memory_gb: float = numeric_field(
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
    options: tuple[Annotated[str, Field(pattern=OPTION_ID.pattern)], ...] = Field(
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
    overrides: Mapping[Annotated[str, Field(pattern=OPTION_ID.pattern)], OptionOverrides] = Field(
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


def allowed_words(name: str) -> str:
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
                message = f"required: {described(name)}"
            allowed = allowed_words(str(error["loc"][0])) if error["loc"] else ""
            if allowed and error["type"] not in ("extra_forbidden", "missing"):
                message = f"{message}; {allowed}"
            problems.append((field, error.get("input") if error["type"] != "missing" else None, message))
        if len(errors) > MAX_PROBLEMS:
            problems.append(("profile", None, f"and {len(errors) - MAX_PROBLEMS:,} more problems (fix these first)"))
        raise ProfileError(problems) from None


REQUIRED_FIELDS: tuple[str, ...] = tuple(n for n, info in WorkloadProfile.model_fields.items() if info.is_required())
"""The fields a profile must give: what sizes the work. Every other field has a neutral default."""


def described(name: str) -> str:
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
STEP_KINDS = frozenset(k.value for k in StepKind)
