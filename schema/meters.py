"""How a pricing table meters a run and where it stops one: its meters (what is counted, on which
quantity, at which price), concurrency and segments, retention, the recorded history's rules, the
run limits and the run's design (how a step that needs a machine is run).

Pure, like every type in `schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field, Strict, model_validator

from schema.numbers import (
    Bool,
    Key,
    StrictModel,
    Text,
    Unit,
)

__all__ = [
    "ByReference",
    "Category",
    "Coefficient",
    "Concurrency",
    "Count",
    "Design",
    "HistorySpec",
    "Holds",
    "MachineRun",
    "Measure",
    "Meter",
    "QuantitySpec",
    "Retention",
    "RunLimit",
    "Segments",
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
