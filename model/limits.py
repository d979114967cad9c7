"""Per-run limits, projected the same way for every option.

A table's `run_limits` name numbers of its `limits` and what each bounds: the events or bytes of
the recorded history, the largest payload of one step, a run's duration, the longest single sleep
or wait, the runs holding a slot at the peak, or a per-run quantity. For each, the projection
gives this run's value and, where the measure grows with the number of steps, the first step that
crosses the warning level and the limit. A limit on the history that the table's `segments`
(Continue-As-New) keep each segment under is marked `avoidable`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.billing import Array, Bools
from model.history import first_step_linear, first_step_payload, first_step_quadratic, history_of
from model.lines import PriceRef
from model.sandbox import sandboxes_needed
from model.units import in_base_unit
from model.usage import Usage
from schema.meters import RunLimit

__all__ = ["BASE_UNITS", "LimitProjection", "limit_value", "project_limits"]

BASE_UNITS = {
    "events": "events",
    "history_bytes": "bytes",
    "payload_bytes": "bytes",
    "run_seconds": "s",
    "step_seconds": "s",
    "wait_seconds": "s",
    "step_cpu_seconds": "s",
    "state_bytes": "bytes",
    "step_memory_mb": "bytes",
    "needs_machine": "count",
    "concurrent_runs": "concurrent runs",
    "start_rate": "runs/s",
}
"""The unit each measure is projected in (a `quantity` limit keeps its quantity's unit)."""


@dataclass(frozen=True)
class LimitProjection:
    """One limit against one run, per profile. `steps_until_*` are 1-based steps at which the
    measure first passes the level: inf when no number of steps does, NaN when the measure does not
    grow with steps."""

    spec: RunLimit
    unit: str
    limit: float
    warning: float | None
    value: Array
    steps_until_warning: Array
    steps_until_limit: Array
    exceeded: Bools
    warned: Bools
    avoidable: bool
    """True when the table's segments keep each segment under this limit."""
    ref: PriceRef
    lifted: Bools
    """Where the run passes the limit but the profile's design raises it (to a level the vendor
    lets a team set) and the run stays within the raised level."""

    @property
    def id(self) -> str:
        return self.spec.id


def _level(u: Usage, key: str) -> float:
    number = u.table.number("limits", key)
    return number.pick(u.fixed) * in_base_unit(number.unit.value)[1]


def _steps_until(u: Usage, spec: RunLimit, level: float) -> Array:
    rows = u.work.rows
    if spec.measure == "events":
        h = history_of(u)
        return first_step_linear(h.fixed_events, h.events_per_step, level)
    if spec.measure == "history_bytes":
        h = history_of(u)
        return first_step_quadratic(h.fixed_bytes, h.bytes_per_step, h.growth_bytes, level)
    if spec.measure == "payload_bytes":
        recorded = history_of(u) if u.table.history is not None else None
        base = recorded.payload_bytes if recorded is not None else u.column("step_payload_kb") * 1024.0
        growth = recorded.growth_bytes if recorded is not None else u.column("context_growth_kb") * 1024.0
        return first_step_payload(base, growth, level)
    if spec.measure == "run_seconds":
        wall = u.count("wall_seconds")
        return first_step_linear(wall.fixed, wall.per_step, level)
    if spec.measure == "state_bytes":
        state = u.count("state_kb").scaled(1024.0)
        growth = np.where(np.isnan(u.column("state_kb_per_run")), u.column("context_growth_kb") * 1024.0, 0.0)
        return first_step_quadratic(state.fixed, state.per_step, growth, level)
    if spec.measure == "quantity":
        assert spec.quantity is not None
        q = u.per_run(spec.quantity).scaled(_quantity_scale(u, spec))
        return first_step_linear(q.fixed, q.per_step, level)
    return np.full(rows, np.nan)


def limit_value(u: Usage, spec: RunLimit) -> Array:
    """The run's value of what a limit bounds, in the limit's base unit (bytes, seconds, …)."""
    return _value(u, spec)


def _value(u: Usage, spec: RunLimit) -> Array:
    w = u.work
    if spec.measure == "events":
        return np.asarray(history_of(u).events_per_run)
    if spec.measure == "history_bytes":
        return np.asarray(history_of(u).history_bytes_per_run)
    if spec.measure == "payload_bytes":
        if u.table.history is not None:
            return np.asarray(history_of(u).largest_payload_bytes)
        payload, growth = u.column("step_payload_kb"), u.column("context_growth_kb")
        return np.asarray(np.where(w.steps > 0, (payload + growth * np.maximum(w.steps - 1, 0)) * 1024.0, 0.0))
    if spec.measure == "run_seconds":
        return w.wall
    if spec.measure == "step_seconds":
        return np.asarray(np.where(w.steps + u.column("child_runs_per_run") > 0, u.column("step_seconds"), 0.0))
    if spec.measure == "wait_seconds":
        sleep = np.where(u.column("sleeps_per_run") > 0, u.column("sleep_seconds"), 0.0)
        wait = np.where(u.column("human_waits_per_run") > 0, u.column("human_wait_seconds"), 0.0)
        return np.asarray(np.maximum(sleep, wait))
    if spec.measure == "step_cpu_seconds":
        busy = w.steps + u.column("child_runs_per_run") > 0
        return np.asarray(np.where(busy, u.column("step_seconds") * u.column("step_cpu_share"), 0.0))
    if spec.measure == "concurrent_runs":
        return u.slots()
    if spec.measure == "start_rate":
        return w.peak_rate()
    if spec.measure == "state_bytes":
        return np.asarray(u.count("state_kb").total * 1024.0)
    if spec.measure == "step_memory_mb":
        return np.asarray(np.nan_to_num(u.column("step_memory_mb")) * 1024.0 * 1024.0)
    if spec.measure == "needs_machine":
        if "step_needs_machine" not in u.frame:
            return np.zeros(w.rows)
        # A sandbox service beside the orchestrator is where such steps run (`model.sandbox`).
        return np.asarray(np.where(sandboxes_needed(w), 0.0, u.column("step_needs_machine")))
    assert spec.quantity is not None
    return u.per_run(spec.quantity).total * _quantity_scale(u, spec)


def _quantity_scale(u: Usage, spec: RunLimit) -> float:
    """A per-run quantity in its base unit (KB in bytes, say), as its limit is."""
    return in_base_unit(u.table.quantities[spec.quantity or ""].unit.value)[1]


def project_limits(u: Usage, *, hard_only: bool = False) -> tuple[LimitProjection, ...]:
    """Every run limit of the option (only the hard ones, with `hard_only`), for every profile."""
    out = []
    segments = u.table.history.segments if u.table.history is not None else None
    for spec in u.table.run_limits:
        if hard_only and not spec.hard:
            continue
        unit = BASE_UNITS.get(spec.measure) or in_base_unit(u.table.quantities[spec.quantity or ""].unit.value)[0]
        key = spec.id
        limit = _level(u, key)
        warning = _level(u, spec.warning) if spec.warning is not None else None
        if warning is not None and warning > limit:
            warning = None
        value = _value(u, spec)
        until = _steps_until(u, spec, limit)
        until_warning = _steps_until(u, spec, warning) if warning is not None else np.full(u.work.rows, np.inf)
        out.append(
            LimitProjection(
                spec=spec,
                unit=unit,
                limit=limit,
                warning=warning,
                value=value,
                steps_until_warning=until_warning,
                steps_until_limit=until,
                exceeded=np.asarray(value > limit),
                warned=np.asarray(value > warning) if warning is not None else np.zeros(u.work.rows, bool),
                avoidable=segments is not None and spec.measure in ("events", "history_bytes"),
                ref=PriceRef(u.table.id, ("limits", key)),
                lifted=np.zeros(u.work.rows, dtype=bool),
            )
        )
    return tuple(out)
