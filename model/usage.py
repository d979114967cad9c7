"""Usage: what one run of a profile does, counted once, in the units vendors bill.

`Usage` is one option's view of the runs (`model.workload.Workload`, shared by every option) under
one scenario: it evaluates the named counts of the `COUNTS` registry with that table's `counting`
numbers, and the table's `quantities` from them.

A count is linear in the number of steps, `fixed + per_step * steps`, which is what lets the
limits module find the step at which a run crosses a limit in closed form; `total` is the exact
value (equal to the linear form except where a count rounds). Every function takes arrays: one
value per profile.

Counts are registered with `@count(...)`; the vendor modules in `model/vendors/` register the
counts whose rules are a vendor's own (heartbeat throttling, checkpoint thresholds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.billing import Array, Value
from model.columns import Columns, column
from model.units import (
    BYTES_PER_GB,
    BYTES_PER_KB,
    DAYS_PER_MONTH,
    ROUNDING,
    SECONDS_PER_DAY,
)
from model.workload import Workload, busy
from schema.meters import Coefficient, QuantitySpec
from schema.numbers import Pick, Sampled, Scenario
from schema.tables import PriceTable

__all__ = [
    "COUNTS",
    "DERIVED",
    "Count",
    "CountDef",
    "DerivedDef",
    "Usage",
    "count",
    "derived",
]


@dataclass(frozen=True)
class Count:
    """A per-run count: `fixed + per_step * steps` for projections, `total` exactly [per run]."""

    fixed: Array
    per_step: Array
    total: Array

    @staticmethod
    def linear(fixed: Any, per_step: Any, steps: Array) -> Count:
        f, p = np.empty(steps.shape), np.empty(steps.shape)
        f[...], p[...] = fixed, per_step  # broadcast on assignment: a tenth of broadcast_to's time
        return Count(f, p, f + p * steps)

    def scaled(self, factor: Any) -> Count:
        return Count(self.fixed * factor, self.per_step * factor, self.total * factor)

    def __add__(self, other: Count) -> Count:
        return Count(self.fixed + other.fixed, self.per_step + other.per_step, self.total + other.total)


Params = Mapping[str, Value]
"""A table's `counting` numbers under one scenario (an array per number under a Monte Carlo draw)."""


def _hashable(value: Value) -> object:
    """A cache key for a number: itself, or the identity of its drawn array (the draw holds it)."""
    return ("draw", id(value)) if isinstance(value, np.ndarray) else value


@dataclass(frozen=True)
class CountDef:
    name: str
    unit: str
    description: str
    params: tuple[str, ...]
    """The `counting` keys the count reads."""
    fn: Callable[[Usage], Count]
    needs_history: bool = False
    positive: tuple[str, ...] = ()
    """Those of `params` that must be above zero (the count divides by them)."""
    optional: tuple[str, ...] = ()
    """`counting` keys the count reads when the table gives them (zero when it does not)."""


@dataclass(frozen=True)
class DerivedDef:
    """A monthly quantity with its own rule (not a linear combination of counts)."""

    name: str
    unit: str
    description: str
    params: tuple[str, ...]
    fn: Callable[[Usage], Array]
    needs_history: bool = False
    positive: tuple[str, ...] = ()


COUNTS: dict[str, CountDef] = {}
"""Every per-run count a table's `quantities` and `history` may name."""
DERIVED: dict[str, DerivedDef] = {}
"""Every derived monthly quantity a table's `quantities` may name."""


def count(
    name: str,
    unit: str,
    description: str,
    params: tuple[str, ...] = (),
    *,
    needs_history: bool = False,
    positive: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
) -> Callable[[Callable[[Usage], Count]], Callable[[Usage], Count]]:
    """Register a count under `name` (a decorator)."""

    def register(fn: Callable[[Usage], Count]) -> Callable[[Usage], Count]:
        if name in COUNTS:
            raise ValueError(f"count {name!r} is registered twice")
        COUNTS[name] = CountDef(name, unit, description, params, fn, needs_history, positive, optional)
        return fn

    return register


def derived(
    name: str,
    unit: str,
    description: str,
    params: tuple[str, ...] = (),
    *,
    needs_history: bool = False,
    positive: tuple[str, ...] = (),
) -> Callable[[Callable[[Usage], Array]], Callable[[Usage], Array]]:
    """Register a derived monthly quantity under `name` (a decorator)."""

    def register(fn: Callable[[Usage], Array]) -> Callable[[Usage], Array]:
        if name in DERIVED:
            raise ValueError(f"derived quantity {name!r} is registered twice")
        DERIVED[name] = DerivedDef(name, unit, description, params, fn, needs_history, positive)
        return fn

    return register


@dataclass
class Usage:
    """One option's usage under one scenario: counts and quantities, each computed once."""

    work: Workload
    table: PriceTable
    scenario: Pick
    retention: Array | None = None
    """Days closed runs are kept, when a plan bounds them below the table's own bounds."""
    params: Params = field(init=False)
    _counts: dict[str, Count] = field(init=False, default_factory=dict)
    _quantities: dict[str, Count] = field(init=False, default_factory=dict)
    _monthly: dict[str, Array] = field(init=False, default_factory=dict)
    _history: Any = field(init=False, default=None)
    """The option's recorded-history projection, once computed (`model.history.history_of`)."""

    def __post_init__(self) -> None:
        self.params = {k: v.pick(self.scenario) for k, v in self.table.counting.items()}

    @property
    def fixed(self) -> Scenario:
        """The scenario for numbers a Monte Carlo run does not draw (limits, machine sizes): under
        a draw, their expected values."""
        return "expected" if isinstance(self.scenario, Sampled) else self.scenario

    @property
    def frame(self) -> Columns:
        return self.work.frame

    def column(self, name: str) -> Array:
        return column(self.work.frame, name)

    def retention_days(self) -> Array:
        """The profile's `retention_days`, clamped to the table's `retention` bounds when it has them
        (or as a plan bounds them: `retention`)."""
        if self.retention is not None:
            return self.retention
        days = self.column("retention_days")
        bounds = self.table.retention
        if bounds is None:
            return days
        low = self.table.number("limits", bounds.min).pick(self.scenario)
        high = self.table.number("limits", bounds.max).pick(self.scenario)
        return np.asarray(np.clip(days, low, high), dtype=np.float64)

    def linear(self, fixed: Any, per_step: Any) -> Count:
        return Count.linear(fixed, per_step, self.work.steps)

    def count(self, name: str) -> Count:
        if name not in self._counts:
            definition = COUNTS[name]
            if definition.needs_history:
                self._counts[name] = definition.fn(self)
            else:
                key = (
                    "count",
                    name,
                    *(_hashable(self.params[p]) for p in definition.params),
                    *(_hashable(self.params.get(p, 0.0)) for p in definition.optional),
                )
                if key not in self.work.cache:
                    self.work.cache[key] = definition.fn(self)
                self._counts[name] = self.work.cache[key]
        return self._counts[name]

    def coefficient(self, value: Coefficient) -> Value:
        """A coefficient's value: a number, a `counting` key, or a sum of them."""
        if isinstance(value, tuple):
            return sum((self.coefficient(v) for v in value), 0.0)
        if isinstance(value, str):
            return self.params[value]
        return float(value)

    def combine(self, terms: Mapping[str, Coefficient]) -> Count:
        """Σ count x coefficient."""
        shared = not any(COUNTS[name].needs_history for name in terms)
        key = (
            "combine",
            *sorted((name, _hashable(self.coefficient(c))) for name, c in terms.items()),
            *(_hashable(self.params[p]) for name in terms for p in COUNTS[name].params),
        )
        if shared and key in self.work.cache:
            cached: Count = self.work.cache[key]
            return cached
        zero = np.zeros(self.work.rows)
        total = Count(zero, zero, zero)
        for name, coefficient in terms.items():
            total = total + self.count(name).scaled(self.coefficient(coefficient))
        if shared:
            self.work.cache[key] = total
        return total

    def slots(self) -> Array:
        """Runs holding a concurrency slot at the peak on this option: those executing (or every open
        run, as `concurrency.holds` says), and the time each spends in what the table's
        `concurrency.also` counts (seconds a run keeps its slot while it does not execute, such as a
        short wait before it is checkpointed)."""
        spec = self.table.concurrency
        holds = spec.holds if spec is not None else "executing"
        peak = self.work.peak(holds)
        if spec is None or not spec.also or holds != "executing":
            return peak
        extra = np.sum([self.count(name).total for name in spec.also], axis=0)
        held = self.work.executing + extra
        at_once = busy(self.work.runs_per_second, self.work.window_rate, held, self.work.window)
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = np.where(self.work.executing > 0, peak * held / self.work.executing, at_once)
        return np.asarray(np.maximum(at_once, scaled), dtype=np.float64)

    def per_run(self, name: str) -> Count:
        """A `per_run` quantity of the table, per run (before any granule)."""
        if name not in self._quantities:
            spec = self.table.quantities[name]
            assert spec.per_run is not None, f"{name} is not a per-run quantity"
            self._quantities[name] = self.combine(spec.per_run)
        return self._quantities[name]

    def monthly(self, name: str) -> Array:
        """A quantity of the table for the month [its unit per month]."""
        if name not in self._monthly:
            spec: QuantitySpec = self.table.quantities[name]
            if spec.derived is not None:
                value = DERIVED[spec.derived].fn(self)
            else:
                each = self.per_run(name).total
                if spec.granule is not None:
                    step = self.params[spec.granule]
                    each = np.ceil(each / step - ROUNDING) * step
                value = self.column("monthly_runs") * each
            self._monthly[name] = np.asarray(value, dtype=np.float64)
        return self._monthly[name]


# --- The counts every option may use ------------------------------------------------------------


@count("runs", "runs", "1 per run")
def _runs(u: Usage) -> Count:
    return u.linear(1.0, 0.0)


@count("steps", "steps", "durable steps per run (`steps_per_run`)")
def _steps(u: Usage) -> Count:
    return u.linear(0.0, 1.0)


@count("step_attempts", "attempts", "every attempt of every step, retries included")
def _attempts(u: Usage) -> Count:
    return u.linear(0.0, u.work.attempts_per_step)


@count("retries", "attempts", "extra attempts of steps (`retry_rate` per step)")
def _retries(u: Usage) -> Count:
    return u.linear(0.0, u.column("retry_rate"))


def _kind(u: Usage, kind: str) -> Array:
    return np.asarray(u.frame["step_kind"] == kind, dtype=np.float64)


@count("activity_steps", "steps", "steps run as their own task (`step_kind: task`)")
def _activity_steps(u: Usage) -> Count:
    return u.linear(0.0, _kind(u, "task"))


@count("activity_attempts", "attempts", "attempts of steps run as their own task, retries included")
def _activity_attempts(u: Usage) -> Count:
    return u.linear(0.0, _kind(u, "task") * u.work.attempts_per_step)


@count(
    "retried_activity_steps",
    "steps",
    "steps run as their own task that needed a retry, one retry a step at most (min(`retry_rate`, 1) a step)",
)
def _retried_activity_steps(u: Usage) -> Count:
    return u.linear(0.0, _kind(u, "task") * np.minimum(u.column("retry_rate"), 1.0))


@count("local_activity_steps", "steps", "steps run inline, inside the run's own code (`step_kind: inline`)")
def _local_steps(u: Usage) -> Count:
    return u.linear(0.0, _kind(u, "inline"))


@count("decisions", "decisions", "decisions the orchestrator takes between steps (`decisions_per_step` a step)")
def _decisions(u: Usage) -> Count:
    return u.linear(0.0, u.column("decisions_per_step"))


@count("sleeps", "sleeps", "durable sleeps per run")
def _sleeps(u: Usage) -> Count:
    return u.linear(u.column("sleeps_per_run"), 0.0)


@count("human_waits", "waits", "waits for a person or a webhook per run")
def _human_waits(u: Usage) -> Count:
    return u.linear(u.column("human_waits_per_run"), 0.0)


@count("children", "runs", "child runs started and awaited per run")
def _children(u: Usage) -> Count:
    return u.linear(u.column("child_runs_per_run"), 0.0)


@count("child_retries", "attempts", "extra attempts of the children's steps (`retry_rate` each)")
def _child_retries(u: Usage) -> Count:
    return u.linear(u.column("child_runs_per_run") * u.column("retry_rate"), 0.0)


@count("child_attempts", "attempts", "attempts of the children's steps (one step each), retries included")
def _child_attempts(u: Usage) -> Count:
    return u.linear(u.column("child_runs_per_run") * u.work.attempts_per_step, 0.0)


@count("step_seconds", "s", "wall time of every attempt of every step")
def _step_seconds(u: Usage) -> Count:
    return u.linear(0.0, u.column("step_seconds") * u.work.attempts_per_step)


@count("child_seconds", "s", "wall time of every attempt of the children's steps")
def _child_seconds(u: Usage) -> Count:
    return u.linear(u.work.child_exec, 0.0)


@count("sleep_seconds", "s", "time spent in durable sleeps")
def _sleep_seconds(u: Usage) -> Count:
    return u.linear(u.work.sleep, 0.0)


@count("human_wait_seconds", "s", "time spent waiting for people or webhooks")
def _human_wait_seconds(u: Usage) -> Count:
    return u.linear(u.work.human_wait, 0.0)


@count("wall_seconds", "s", "start to finish")
def _wall_seconds(u: Usage) -> Count:
    per_step = u.column("step_seconds") * u.work.attempts_per_step
    return u.linear(u.work.child_exec + u.work.sleep + u.work.human_wait, per_step)


@count("cpu_ms", "CPU-ms", "CPU time of every attempt of every step and child: wall time x `step_cpu_share`")
def _cpu_ms(u: Usage) -> Count:
    share = u.column("step_cpu_share") * 1000.0
    return u.linear(u.work.child_exec * share, u.column("step_seconds") * u.work.attempts_per_step * share)


def _machine(u: Usage, name: str) -> Array:
    """A resource of the profile's machine size (`machine_vcpu`, `machine_memory_gb`), as the engine
    reads it from the hosting table; none where the frame was built without a book."""
    return u.column(name) if name in u.frame else np.zeros(u.work.rows)


@count(
    "step_vcpu_seconds",
    "vCPU-s",
    "vCPU-seconds a machine of the profile's size is held while every attempt of every step and child runs",
)
def _step_vcpu_seconds(u: Usage) -> Count:
    vcpu = _machine(u, "machine_vcpu")
    seconds = u.column("step_seconds") * u.work.attempts_per_step
    return u.linear(u.work.child_exec * vcpu, seconds * vcpu)


@count(
    "step_active_vcpu_seconds",
    "vCPU-s",
    "vCPU-seconds in use while steps run: the machine's vCPU x wall time x `step_cpu_share` (where a design "
    "moves the steps onto a machine product, their own share there)",
)
def _step_active_vcpu_seconds(u: Usage) -> Count:
    share = "machine_cpu_share" if "machine_cpu_share" in u.frame else "step_cpu_share"
    return _step_vcpu_seconds(u).scaled(u.column(share))


@count(
    "step_gb_seconds",
    "GB-s",
    "GB-seconds of memory a machine of the profile's size holds while every attempt of every step and child runs",
)
def _step_gb_seconds(u: Usage) -> Count:
    gb = _machine(u, "machine_memory_gb")
    seconds = u.column("step_seconds") * u.work.attempts_per_step
    return u.linear(u.work.child_exec * gb, seconds * gb)


@count("events_sent", "events", "events a run sends or is triggered by (`events_per_run`)")
def _events_sent(u: Usage) -> Count:
    return u.linear(u.column("events_per_run"), 0.0)


STATE_OVERHEADS = (
    "state_overhead_kb_per_run",
    "state_overhead_kb_per_step",
    "state_overhead_kb_per_sleep",
    "state_overhead_kb_per_wait",
)
"""What an engine stores beside the steps' payloads (its own records of each instance, step, sleep and
wait), for a table that has measured it; zero where a table gives none."""


@count(
    "state_kb",
    "KB",
    "state a run keeps stored: `state_kb_per_run`, or every step's payload when left empty (step i's "
    "carrying the context grown by `context_growth_kb` a step, as a recorded history does), plus what the "
    "engine stores of each run, step, sleep and wait where the table has measured it (`state_overhead_kb_*`)",
    optional=STATE_OVERHEADS,
)
def _state_kb(u: Usage) -> Count:
    given = u.column("state_kb_per_run")
    derived = np.isnan(given)
    payload, growth, steps = u.column("step_payload_kb"), u.column("context_growth_kb"), u.work.steps
    grown = growth * steps * np.maximum(steps - 1.0, 0.0) / 2.0
    per_run, per_step, per_sleep, per_wait = (u.params.get(k, 0.0) for k in STATE_OVERHEADS)
    records = per_run + u.column("sleeps_per_run") * per_sleep + u.column("human_waits_per_run") * per_wait
    linear = u.linear(np.where(derived, records, given), np.where(derived, payload + per_step, 0.0))
    return Count(linear.fixed, linear.per_step, linear.total + np.where(derived, grown, 0.0))


@count(
    "payload_chunks",
    "chunks",
    "chunks past the first that steps' payloads take, a chunk every started `payload_chunk_kb` (a payload "
    "growing by the context is counted on average, within half a chunk a step)",
    ("payload_chunk_kb",),
    positive=("payload_chunk_kb",),
)
def _payload_chunks(u: Usage) -> Count:
    chunk = u.params["payload_chunk_kb"]
    payload, growth, steps = u.column("step_payload_kb"), u.column("context_growth_kb"), u.work.steps
    flat = np.maximum(np.ceil(payload / chunk - ROUNDING) - 1.0, 0.0)
    # With growth, step i carries payload + (i - 1) growth: on average half a chunk past the exact
    # share of each step that passes one chunk.
    last = payload + growth * np.maximum(steps - 1.0, 0.0)
    mean = (payload + last) / 2.0
    grown = np.maximum(mean / chunk - 0.5, 0.0)
    per_step = np.where(growth > 0, np.maximum(grown, flat), flat)
    return u.linear(0.0, per_step)


@derived(
    "kept_state_gb_months",
    "GB-month",
    "state kept by runs open and closed within the retention period, on average over the month",
)
def _kept_state_gb_months(u: Usage) -> Array:
    days = u.work.wall / SECONDS_PER_DAY + u.retention_days()
    per_run = u.count("state_kb").total * BYTES_PER_KB / BYTES_PER_GB
    return np.asarray(u.column("monthly_runs") / DAYS_PER_MONTH * days * per_run, dtype=np.float64)
