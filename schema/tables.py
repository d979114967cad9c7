"""Pydantic models of a pricing-and-limits table, and of the resolved `PriceBook`.

A table is one YAML file: one vendor offering (or one shared reference, such as the prices of
self-managed hosting) at one effective date. Every number in it is a `Number` (`schema.numbers`):
a value or a range, a unit and a key into the table's `sources`. Its plans are `schema.plans`.

Pure: it knows neither files nor YAML (see `pricing.load`), so the engine in `model/` can depend on
these types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from schema.numbers import (
    MAX_ENTRIES,
    MAX_PLANS,
    Bool,
    Confidence,
    Date,
    Key,
    Number,
    PriceOrTiers,
    Source,
    StrictModel,
    Text,
    Tiered,
    Unit,
)
from schema.plans import Machine, Plan, PlanFeatures

__all__ = [
    "Addon",
    "ByReference",
    "Category",
    "Coefficient",
    "Concurrency",
    "Contract",
    "Count",
    "Design",
    "FixedCost",
    "HistorySpec",
    "Holds",
    "Infrastructure",
    "License",
    "Load",
    "MachineRun",
    "Measure",
    "Meter",
    "ModelsFile",
    "PriceBook",
    "PriceTable",
    "QuantitySpec",
    "Retention",
    "RunLimit",
    "Segments",
    "Service",
    "Workers",
    "months_after",
]

Count = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]
"""A number of things: as `Float`, and never below zero."""
Coefficient = Annotated[
    Count | Key | tuple[Count | Key, ...],
    Field(description="a number, a key of the table's `counting`, or a list of them added together"),
]
"""How many of a unit one count adds: a number, a `counting` key, or a sum of them."""

Category = Literal["vendor", "infrastructure", "people"]
Holds = Literal["executing", "open"]
"""Which runs occupy a slot (or a machine): only those executing a step, or every open run,
waiting or not (no checkpoints)."""


class QuantitySpec(StrictModel):
    """A named quantity the table's meters, limits and loads read.

    Either `per_run`, a linear combination of the engine's usage counts (`steps`,
    `step_attempts`, `sleeps`, `children`, … — see README, "Meters") with coefficients from
    `counting`, multiplied by the month's runs; or `derived`, one of the engine's named derived
    quantities (storage GB-hours of a recorded history, …). `granule` rounds each run's quantity up
    to a multiple of a `counting` number (a vendor that bills in 100 ms steps).
    """

    unit: Unit
    per_run: Mapping[Key, Coefficient] | None = None
    derived: Key | None = None
    granule: Key | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _one_source(self) -> QuantitySpec:
        if (self.per_run is None) == (self.derived is None):
            raise ValueError("give either `per_run` (counts and their coefficients) or `derived`, not both")
        return self


class Meter(StrictModel):
    """One billed quantity: a line item of the vendor's bill on every plan.

    Cost = max(0, quantity - allowance) priced flat or on graduated tiers. The price is the
    table's `prices[price]` (a plan's own `prices[price]` first); with `price_by: machine` it is
    `prices["<price>.<machine>"]` for the profile's machine size. The allowance is the plan's
    `included[included]` times `counting[included_scale]` (an allowance in GB-months against a
    quantity in GB-hours, say).
    """

    id: Key
    name: Text
    quantity: Key
    price: Key | None = None
    price_not_public: Text | None = None
    """Instead of `price`: what the price depends on, when the vendor publishes none (the line then
    shows its quantity and says "price not public")."""
    price_by: Literal["machine"] | None = None
    included: Key | None = None
    included_scale: Key | None = None
    category: Category = "vendor"
    reports_as: Key | None = None
    """The key of this meter's quantity in the output's `quantities` (default: the quantity's name)."""
    design: Key | None = None
    """The design (an id of the table's `designs`) this meter belongs to: it bills only where a
    profile's run is priced as that design (a machine product the steps move to, say)."""
    note: Text | None = None

    @model_validator(mode="after")
    def _priced(self) -> Meter:
        if (self.price is None) == (self.price_not_public is None):
            raise ValueError("give `price`, or `price_not_public` saying what the price depends on")
        return self


class Concurrency(StrictModel):
    """How the plans' concurrency caps apply: which runs hold a slot, and whether slots past a
    plan's cap can be bought (a plan price `extra_price`, per slot per month). A plan without that
    price cannot take a peak above its cap."""

    holds: Holds
    also: tuple[Key, ...] = ()
    """Counts (seconds per run) in which a run keeps its slot though it does not execute: a short wait
    before it is checkpointed, say."""
    extra_price: Key | None = None
    extra_block: Key | None = None
    """A `counting` key: extra slots are sold in blocks of this many."""
    extra_name: Text = "Extra concurrency"
    extra_depends_on: Text | None = None
    """What an extra-concurrency figure hinges on (a price set in a dashboard, say)."""


class Segments(StrictModel):
    """A run may restart itself with a fresh history (Continue-As-New, in one vendor's words): past `events`
    events or `size_mb` MB the engine starts a new segment, which begins with `restart_events`
    events and, with `carries_context`, the run's context so far as its input."""

    name: Text
    events: Key
    size_mb: Key
    restart_events: Key
    restart_bytes: Key | None = None
    """The `counting` bytes a new segment starts with (with the history's `bytes`; otherwise
    `restart_events` x `event_bytes`)."""
    carries_context: Bool = True
    advice: Text
    """Shown when a run needs more than one segment; may use {every}, {segments}, {events}, {mb}."""


class Retention(StrictModel):
    """How long closed histories are kept: the profile's `retention_days`, clamped to the limits
    `min` and `max` (keys of `limits`). With `per_plan` (a key of a plan's `limits`), a plan that
    keeps them for fewer days is priced at its own bound."""

    min: Key
    max: Key
    per_plan: Key | None = None


class HistorySpec(StrictModel):
    """What one run records (an event-sourced history): events per run as a linear combination of
    usage counts, `event_bytes` of fixed fields per event, and the payloads: every step records its
    input and output (`step_payload_kb`, growing by `context_growth_kb` a step), and each count in
    `payloads` records one more. Each child's own history is `child_events` events and a payload."""

    name: Text
    events: Mapping[Key, Coefficient] = Field(min_length=1)
    event_bytes: Key | None = None
    """One `counting` size for every event's own fields; or, measured per kind of event, `bytes`."""
    bytes: Mapping[Key, Coefficient] = Field(default_factory=dict)
    """Bytes each count records besides the payloads, as a linear combination of usage counts
    (what a real server records per run, per step, per retried step, per sleep …)."""
    payloads: Mapping[Key, Coefficient] = Field(default_factory=dict)
    step_payloads: Mapping[Key, Coefficient] = Field(default_factory=lambda: {"steps": 1.0})
    """The share of a step's payload its history records, by the kind of step (a step run inside
    the workflow's own task may record its result alone)."""
    growth: Mapping[Key, Coefficient] = Field(default_factory=lambda: {"steps": 1.0})
    """The steps whose recorded input carries the growing context."""
    child_events: tuple[Key, ...] = ()
    child_bytes: tuple[Key, ...] = ()
    """With `bytes`: the `counting` sizes a child's own history records besides payloads."""
    child_payloads: Coefficient = 1.0
    """Step payloads a child's own history records (its input and result, its step's input and output)."""
    segments: Segments | None = None

    @model_validator(mode="after")
    def _one_size(self) -> HistorySpec:
        if (self.event_bytes is None) == (not self.bytes):
            raise ValueError("give either `event_bytes` (one size per event) or `bytes` (per count), not both")
        return self


Measure = Literal[
    "events",
    "history_bytes",
    "payload_bytes",
    "run_seconds",
    "step_seconds",
    "wait_seconds",
    "concurrent_runs",
    "start_rate",
    "step_cpu_seconds",
    "state_bytes",
    "step_memory_mb",
    "needs_machine",
    "quantity",
]


class RunLimit(StrictModel):
    """A limit on one run that the engine projects: the `limits` number `id`, what it bounds
    (`measure`), an optional warning level (another `limits` key) and what to do past it.

    Measures: `events` and `history_bytes` of the recorded history, `payload_bytes` (the largest
    payload of one step), `run_seconds` (start to finish), `wait_seconds` (the longest single sleep
    or wait), `step_seconds` (one attempt of a step), `step_cpu_seconds` (the CPU time of one
    attempt of a step), `state_bytes` (the state a run keeps: `state_kb_per_run`, or every step's
    payload with the growing context), `step_memory_mb` (the memory one step's code needs, when the
    profile says), `needs_machine` (1 where a step needs a full machine or sandbox: a limit of 0 is a
    runtime that cannot host one), `concurrent_runs` (runs holding a slot at the peak, as
    `concurrency.holds` or executing), `start_rate` (runs started per second at the peak), `quantity`
    (a per-run quantity of `quantities`, named in `quantity`).

    A `hard` limit passed means the option, as designed, cannot run the workload: a `design` of the
    table that `lifts` it is priced instead, or the option is ruled out with `advice` as the way
    around. A limit that is not hard (a default a team can raise, a level the vendor advises
    staying under) only warns."""

    id: Key
    name: Text
    measure: Measure
    quantity: Key | None = None
    warning: Key | None = None
    hard: Bool = True
    advice: Text | None = None

    @model_validator(mode="after")
    def _quantity_named(self) -> RunLimit:
        if (self.measure == "quantity") != (self.quantity is not None):
            raise ValueError("`quantity` names the per-run quantity of a `measure: quantity` limit, and only then")
        return self


class ByReference(StrictModel):
    """A run that keeps its large payloads in an object store and passes references: each step's
    input and output (and the growing context) are written to the store `store` (a store of the
    `reference/object-storage` table), and what the orchestrator records, stores and passes is a
    reference of `reference_kb` (a `counting` key) per step. `writes_per_step` and
    `reads_per_step` (`counting` keys) are the store's requests per step; the data read back
    leaves the store at its transfer price."""

    store: Key
    reference_kb: Key
    writes_per_step: Key
    reads_per_step: Key


class MachineRun(StrictModel):
    """Where a design moves the steps' work onto the vendor's machine product: the orchestrator's own
    runtime then only calls it and waits, at `cpu_share` (a `counting` key) of the step's wall time on
    CPU; the machine runs the work at the profile's own CPU share."""

    cpu_share: Key


class Design(StrictModel):
    """The vendor's documented way around a hard limit, priced as a design of its own ("Acme
    Cloud, payloads by reference"). A run that passes one of the limits it `lifts` is priced as
    the first design (in the table's order) under whose run it passes no hard limit.

    `raises` sets a limit to a higher level the vendor allows on request or by configuration (a
    `limits` key per run limit id, at no cost); `by_reference` moves the payloads to an object
    store at the store's prices; a design may instead (or also) bill meters of the table that name it
    (`meters[].design`: the vendor's machine product the steps move to)."""

    id: Key
    name: Text
    """How the design is named after the option's name: "payloads by reference"."""
    lifts: tuple[Key, ...] = Field(min_length=1)
    raises: Mapping[Key, Key] = Field(default_factory=dict)
    by_reference: ByReference | None = None
    machine: MachineRun | None = None
    source: Key
    note: Text | None = None


class Contract(StrictModel):
    """A plan above the published ones, sold by contract at a price the vendor does not publish
    ("Enterprise"). A workload no published plan takes is then "price not public" on this option:
    shown, never named cheapest, its total not extrapolated from a smaller plan's rates."""

    name: Text
    source: Key
    note: Text | None = None


class Workers(StrictModel):
    """The machines you run the steps on, sized from the runs that hold one (`holds`) at the
    profile's machine size, on the hosting reference table's prices, never below the `assumptions`
    minimums named here."""

    name: Text = "Workers"
    holds: Holds
    min_vcpu: Key = "worker_min_vcpu"
    min_memory_gb: Key = "worker_min_memory_gb"


class Load(StrictModel):
    """The load a fixed cost holds up to: the peak rate of a per-run quantity (per second);
    past `up_to` (a key of `assumptions`) the cost depends on sizing."""

    quantity: Key
    up_to: Key
    reports_as: Key
    depends_on: Text


class Service(StrictModel):
    """A fixed self-managed service: `vcpu` and `memory_gb` (keys of `assumptions`) for a month,
    holding up to a `load` (past it the line depends on sizing)."""

    id: Key
    name: Text
    vcpu: Key
    memory_gb: Key
    load: Load | None = None


class FixedCost(StrictModel):
    """A monthly cost from `assumptions` (a self-hosted cluster, say)."""

    id: Key
    name: Text
    monthly: Key
    category: Category = "infrastructure"
    load: Load | None = None


class Infrastructure(StrictModel):
    """What you run yourself."""

    workers: Workers | None = None
    services: tuple[Service, ...] = ()
    fixed: tuple[FixedCost, ...] = ()


class Addon(StrictModel):
    """Something a buyer may add to the option (a profile's `overrides.<option>.addons` names it by
    `id`, with 1 to switch it on or how many units).

    `multiplies` lists meters whose quantity it multiplies by the `counting` number `factor` (High
    Availability doubles Actions and storage); `price` prices each unit a month (a price id of the
    table or of a plan); with `raises_concurrency` each unit lifts the plan's concurrency cap by
    one (extra concurrency bought in a dashboard). `plans`: the plans that sell it (empty: all)."""

    id: Key
    name: Text
    multiplies: tuple[Key, ...] = ()
    factor: Key | None = None
    price: Key | None = None
    raises_concurrency: Bool = False
    plans: tuple[Key, ...] = ()
    note: Text | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Addon:
        if bool(self.multiplies) != (self.factor is not None):
            raise ValueError("`multiplies` (meter ids) and `factor` (a `counting` key) go together")
        if not self.multiplies and self.price is None:
            raise ValueError("an add-on `multiplies` meters or has a `price`")
        if self.raises_concurrency and self.price is None:
            raise ValueError("an add-on that `raises_concurrency` has a `price` per slot")
        return self


class License(StrictModel):
    name: Text
    note: Text
    """What self-hosting needs, said after "no fee" in the plan reason."""
    source: Key | None = None
    """Where the licence is stated (a key of `sources`)."""


class PriceTable(StrictModel):
    """One versioned table: an offering (`kind: option`) or shared reference data."""

    schema_version: Literal[2]
    id: Annotated[str, Field(pattern=r"^[a-z0-9.\-]+/[a-z0-9.\-]+$")]
    kind: Literal["option", "reference", "sandbox"]
    """`option`: an orchestrator offering to compare; `reference`: shared prices the options read
    (hosting, people, object storage); `sandbox`: a service the agent's code runs in beside the
    orchestrator (its `prices.vcpu_second` and `prices.memory_second`, its plans' fees, credits and
    `limits`), priced the same on every option."""
    hosting: Literal["cloud", "self-hosted"] | None = None
    license: License | None = None
    vendor: Text
    name: Text
    summary: Text
    effective: Date
    recheck_months: Annotated[int, Strict()] = Field(ge=1, le=24)
    recheck_what: Text | None = None
    """What a maintainer re-reads at each re-check (fees, included usage, what is metered, limits).
    The newest version of every table states it: CONTRIBUTING's quarterly table is written from it."""
    recheck_where: Text | None = None
    """The vendor's own pages (and files, by repository) where `recheck_what` is read, in Markdown."""
    uses: tuple[str, ...] = ()
    components: tuple[Text, ...] = ()
    """What you run yourself, for a self-hosted option."""
    notes: Text | None = None
    sources: Mapping[Key, Source] = Field(min_length=1, max_length=MAX_ENTRIES)
    plans: tuple[Plan, ...] = Field(default=(), max_length=MAX_PLANS)
    prices: Mapping[Key, PriceOrTiers] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    machines: Mapping[Key, Machine] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    limits: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    counting: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    assumptions: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    quantities: Mapping[Key, QuantitySpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    meters: tuple[Meter, ...] = Field(default=(), max_length=MAX_ENTRIES)
    concurrency: Concurrency | None = None
    history: HistorySpec | None = None
    retention: Retention | None = None
    """The bounds of the profile's `retention_days` on this option (closed runs' history or state)."""
    run_limits: tuple[RunLimit, ...] = Field(default=(), max_length=MAX_ENTRIES)
    designs: tuple[Design, ...] = Field(default=(), max_length=MAX_ENTRIES)
    """The vendor's documented ways around a hard run limit, each priced as a design of its own."""
    contract: Contract | None = None
    """A contract-only plan above the published ones (no public price)."""
    infrastructure: Infrastructure = Field(default_factory=Infrastructure)
    people: Key | None = None
    """The `assumptions` key of the share of an engineer operating this option [FTE]."""
    features: PlanFeatures = Field(default_factory=PlanFeatures)
    """A cloud option without plans: what its one offering includes (see `Plan.features`)."""
    addons: tuple[Addon, ...] = Field(default=(), max_length=MAX_ENTRIES)

    @model_validator(mode="after")
    def _option_has_hosting(self) -> PriceTable:
        if self.kind == "option" and self.hosting is None:
            raise ValueError("an option table needs `hosting`: cloud or self-hosted")
        return self

    @model_validator(mode="after")
    def _drawn_with_exists(self) -> PriceTable:
        numbers = {".".join(path): item for path, item in self.numbers().items()}
        for path, item in numbers.items():
            if not isinstance(item, Number) or item.drawn_with is None:
                continue
            other = numbers.get(item.drawn_with)
            if other is None or not other.ranged or other is item:
                raise ValueError(
                    f"{path}: drawn_with {item.drawn_with!r} is not another ranged number of this table "
                    "(a path such as plans.pro.fee)"
                )
        return self

    def cited_sources(self) -> list[Source]:
        """The sources its numbers cite (every source, if none is cited)."""
        cited = {item.source for item in self.numbers().values()}
        return [s for key, s in self.sources.items() if key in cited] or list(self.sources.values())

    def checked(self) -> dt.date:
        """The day its prices are known to hold: the oldest day among the sources its numbers cite on
        which their number was read (at the source, or the date of the copy read instead)."""
        return min(s.checked for s in self.cited_sources())

    def recheck_due(self) -> dt.date:
        """When its sources are due to be read again: `recheck_months` after `checked()`."""
        return months_after(self.checked(), self.recheck_months)

    def numbers(self) -> dict[tuple[str, ...], Number | Tiered]:
        """Every sourced number of the table, keyed by its path (e.g. ('plans', 'pro', 'fee'))."""
        found: dict[tuple[str, ...], Number | Tiered] = {}
        for section in ("prices", "limits", "counting", "assumptions"):
            for key, item in getattr(self, section).items():
                found[(section, key)] = item
        for name, machine in self.machines.items():
            found[("machines", name, "vcpu")] = machine.vcpu
            found[("machines", name, "memory_gb")] = machine.memory_gb
        for plan in self.plans:
            base = ("plans", plan.id)
            found[(*base, "fee")] = plan.fee
            for name in ("fee_share", "credit", "concurrency"):
                item = getattr(plan, name)
                if item is not None:
                    found[(*base, name)] = item
            for key, item in plan.included.items():
                found[(*base, "included", key)] = item
            for key, price in plan.prices.items():
                found[(*base, "prices", key)] = price
            for key, cap in plan.rate_caps.items():
                found[(*base, "rate_caps", key)] = cap
            for key, limit in plan.limits.items():
                found[(*base, "limits", key)] = limit
        return found

    def price(self, key: str, plan: Plan | None = None) -> Number | Tiered:
        """The price `key`, a plan's override first."""
        if plan is not None and key in plan.prices:
            return plan.prices[key]
        try:
            return self.prices[key]
        except KeyError:
            raise KeyError(f"{self.id} {self.effective}: no price {key!r}") from None

    def number(self, section: str, key: str) -> Number:
        """A `Number` from `limits`, `counting` or `assumptions`."""
        try:
            item = getattr(self, section)[key]
        except KeyError:
            raise KeyError(f"{self.id} {self.effective}: no {section}.{key}") from None
        assert isinstance(item, Number)
        return item

    def source_for(self, item: Number | Tiered) -> Source:
        return self.sources[item.source]

    def confidence_of(self, item: Number | Tiered) -> Confidence:
        return item.confidence or self.sources[item.source].confidence


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it has fewer).

    >>> months_after(dt.date(2026, 11, 30), 3), months_after(dt.date(2026, 11, 19), 3)
    (datetime.date(2027, 2, 28), datetime.date(2027, 2, 19))
    """
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


class ModelsFile(StrictModel):
    """`data/models.yaml`: the pinned `genai-prices` version whose bundled snapshot prices the model's
    tokens (`model.llm_prices`), and where and when that snapshot comes from."""

    version: Literal[1]
    package: Literal["genai-prices"]
    pinned: Text = Field(pattern=r"^\d+(\.\d+)*$")
    recheck_months: int = Field(ge=1, le=24)
    source: Source

    def checked(self) -> dt.date:
        """The day the snapshot is known to hold: the day it was verified, or the date of what was read."""
        if self.source.verified is not None:
            return self.source.verified
        assert self.source.read is not None
        return self.source.read.dated

    def recheck_due(self) -> dt.date:
        return months_after(self.checked(), self.recheck_months)


class PriceBook(BaseModel):
    """The tables in force on `as_of`: for each table id, the newest file not after that date."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    as_of: dt.date
    tables: Mapping[str, PriceTable]
    files: Mapping[str, str] = Field(default_factory=dict)
    """Table id -> the file it was read from, relative to the data directory."""
    later: Mapping[str, tuple[str, dt.date]] = Field(default_factory=dict)
    """Option id -> (its name, the date of its first table), for options with no table in force
    yet: "no prices before" that date."""
    models: ModelsFile | None = None
    """Which snapshot prices the model's tokens (`data/models.yaml`); None in a data directory
    without one (a profile that names a model is then refused)."""

    def table(self, table_id: str) -> PriceTable:
        try:
            return self.tables[table_id]
        except KeyError:
            known = ", ".join(sorted(self.tables)) or "none"
            raise KeyError(f"no pricing table {table_id!r} in force on {self.as_of} (have: {known})") from None

    def options(self) -> list[PriceTable]:
        """The offerings to compare, in a stable order."""
        return [t for _, t in sorted(self.tables.items()) if t.kind == "option"]

    def sandboxes(self) -> list[PriceTable]:
        """The sandbox services a profile may name, in a stable order."""
        return [t for _, t in sorted(self.tables.items()) if t.kind == "sandbox"]
