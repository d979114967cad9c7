"""Temporal history projection: how large one run's Event History grows, and which limit bites.

A run's history is the workflow skeleton plus a fixed number of events per step, sleep, human
wait and child workflow (the counts are data, in the Temporal tables' `counting`). Its size is
those events' fixed overhead plus the payloads recorded: step i (counting from 0) records
`step_payload_kb + i * context_growth_kb`, so an agent that passes its whole, growing
conversation into every call grows its history quadratically. For every limit the projection
gives the first step that crosses it, which one binds first, and how many Continue-As-New
segments the run needs to stay under the server's suggested size.

Everything takes and returns arrays, one value per profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.billing import Array
from model.profile import Columns, column
from model.units import BYTES_PER_KB, BYTES_PER_MB
from pricing.schema import PriceTable, Scenario

__all__ = ["LIMIT_NAMES", "HistoryProjection", "events_per_step", "project_history"]

LIMIT_NAMES = ("history_events", "history_size", "payload_size")
"""The hard limits a run can hit, in the order `binding_limit` names them."""


@dataclass(frozen=True)
class HistoryProjection:
    """Per profile: one run's history, and the step at which each limit is crossed.

    A `steps_until_*` value is the 1-based step whose completion first takes the run past that
    threshold; `inf` when no number of steps ever does.
    """

    events_per_step: Array
    fixed_events: Array
    events_per_run: Array
    bytes_per_step: Array
    """Size each step adds, before context growth [bytes]."""
    history_bytes_per_run: Array
    largest_payload_bytes: Array
    steps_until_event_warning: Array
    steps_until_event_limit: Array
    steps_until_size_warning: Array
    steps_until_size_limit: Array
    steps_until_payload_warning: Array
    steps_until_payload_limit: Array
    binding_limit: np.ndarray
    """Which hard limit a growing run reaches first: one of `LIMIT_NAMES`."""
    exceeds_limit: np.ndarray
    """True where this run, as profiled, crosses a hard limit without Continue-As-New."""
    continue_as_new_segments: Array
    """Runs this workflow is split into to stay under the suggested thresholds (1 = none needed)."""
    steps_per_segment: Array
    payload_blocks_continue_as_new: np.ndarray
    """True where one step's payload passes the payload limit: Continue-As-New cannot help."""
    child_history_bytes: Array
    """Histories of the run's child workflows, together [bytes]."""
    mean_open_bytes: Array
    """Average size of the run's open history over its lifetime [bytes] (for Active storage)."""


def events_per_step(frame: Columns, count: dict[str, float]) -> Array:
    """Events one step adds: 6 for an activity; for a local activity, its marker plus a
    workflow-task triplet every time the workflow task heartbeats while it runs."""
    attempts = 1.0 + column(frame, "retry_rate")
    seconds = column(frame, "step_seconds") * attempts
    local = frame["step_kind"] == "local_activity"
    local_events = count["events_per_local_activity"] + count["events_per_workflow_task"] * (
        seconds / count["workflow_task_heartbeat_seconds"]
    )
    return np.where(local, local_events, count["events_per_activity"])


def _first_step_linear(fixed: Array, per_step: Array, limit: float) -> Array:
    """Smallest n >= 1 with fixed + per_step * n > limit (inf if never)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n = np.floor((limit - fixed) / per_step) + 1.0
    n = np.where(per_step > 0, n, np.where(fixed > limit, 1.0, np.inf))
    return np.maximum(n, 1.0)


def _first_step_quadratic(fixed: Array, linear: Array, growth: Array, limit: float) -> Array:
    """Smallest n >= 1 with fixed + linear*n + growth*n*(n-1)/2 > limit (inf if never).

    The root of a*n^2 + b*n + c = 0 is taken in the form that does not cancel digits
    (-2c / (b + sqrt(D)) when b > 0), so it is exact for growth of any size, zero included.
    """
    a = growth / 2.0
    b = linear - growth / 2.0
    c = fixed - limit
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sqrt_d = np.sqrt(np.maximum(b * b - 4.0 * a * c, 0.0))
        root = np.where(b > 0, -2.0 * c / (b + sqrt_d), (-b + sqrt_d) / (2.0 * a))
    never = (a <= 0) & (b <= 0)
    n = np.where(never, np.inf, np.floor(root) + 1.0)
    n = np.where(c > 0, 1.0, n)
    return np.asarray(np.maximum(np.nan_to_num(n, nan=np.inf), 1.0), dtype=np.float64)


def _first_payload_step(base: Array, growth: Array, limit: float) -> Array:
    """Smallest 1-based step whose payload (base + (step-1) * growth) exceeds the limit."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n = np.floor((limit - base) / growth) + 2.0
    n = np.where(growth > 0, n, np.where(base > limit, 1.0, np.inf))
    return np.where(base > limit, 1.0, np.maximum(n, 1.0))


def project_history(frame: Columns, table: PriceTable, scenario: Scenario = "expected") -> HistoryProjection:
    """Project one run's history for every profile, under a Temporal table's counting rules."""
    count = {k: v.pick(scenario) for k, v in table.counting.items()}
    limit = {k: v.pick(scenario) for k, v in table.limits.items()}

    steps = column(frame, "steps_per_run")
    payload = column(frame, "step_payload_kb") * BYTES_PER_KB
    growth = column(frame, "context_growth_kb") * BYTES_PER_KB
    overhead = count["event_overhead_bytes"]

    per_step = events_per_step(frame, count)
    children = column(frame, "child_runs_per_run")
    fixed = (
        count["events_workflow_skeleton"]
        + column(frame, "sleeps_per_run") * count["events_per_timer"]
        + column(frame, "human_waits_per_run") * count["events_per_human_wait"]
        + children * count["events_per_child_workflow"]
    )
    fixed_bytes = fixed * overhead + children * payload
    step_bytes = payload + per_step * overhead

    events = fixed + per_step * steps
    history_bytes = fixed_bytes + steps * step_bytes + growth * steps * np.maximum(steps - 1.0, 0.0) / 2.0
    largest = np.where(steps > 0, payload + growth * np.maximum(steps - 1.0, 0.0), 0.0)

    mb = BYTES_PER_MB
    until = {
        "event_warning": _first_step_linear(fixed, per_step, limit["history_events_warning"]),
        "event_limit": _first_step_linear(fixed, per_step, limit["history_events"]),
        "size_warning": _first_step_quadratic(fixed_bytes, step_bytes, growth, limit["history_size_warning_mb"] * mb),
        "size_limit": _first_step_quadratic(fixed_bytes, step_bytes, growth, limit["history_size_mb"] * mb),
        "payload_warning": _first_payload_step(payload, growth, limit["payload_warning_kb"] * BYTES_PER_KB),
        "payload_limit": _first_payload_step(payload, growth, limit["payload_mb"] * mb),
    }
    hard = np.stack([until["event_limit"], until["size_limit"], until["payload_limit"]])
    binding = np.array(LIMIT_NAMES, dtype=object)[np.argmin(hard, axis=0)]
    exceeds = hard.min(axis=0) <= steps

    can_events = count["continue_as_new_events"]
    can_bytes = count["continue_as_new_mb"] * mb
    segments = np.maximum.reduce(
        [
            np.ones_like(steps),
            np.ceil(events / can_events),
            np.ceil(history_bytes / can_bytes),
        ]
    )
    blocked = until["payload_limit"] <= steps

    child_bytes = children * ((count["events_workflow_skeleton"] + count["events_per_activity"]) * overhead + payload)
    # Size grows with progress x in [0, 1]: linear part x, quadratic part x^2 (context growth).
    quadratic = growth * steps * np.maximum(steps - 1.0, 0.0) / 2.0
    linear = history_bytes - quadratic
    mean_open = (linear / 2.0 + quadratic / 3.0) / segments

    return HistoryProjection(
        events_per_step=per_step,
        fixed_events=fixed,
        events_per_run=events,
        bytes_per_step=step_bytes,
        history_bytes_per_run=history_bytes,
        largest_payload_bytes=largest,
        steps_until_event_warning=until["event_warning"],
        steps_until_event_limit=until["event_limit"],
        steps_until_size_warning=until["size_warning"],
        steps_until_size_limit=until["size_limit"],
        steps_until_payload_warning=until["payload_warning"],
        steps_until_payload_limit=until["payload_limit"],
        binding_limit=binding,
        exceeds_limit=exceeds,
        continue_as_new_segments=segments,
        steps_per_segment=np.where(segments > 0, steps / segments, steps),
        payload_blocks_continue_as_new=blocked,
        child_history_bytes=child_bytes,
        mean_open_bytes=mean_open,
    )
