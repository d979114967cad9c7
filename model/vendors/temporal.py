"""Temporal's counting rules, shared by Temporal Cloud and self-hosted Temporal: billable
Actions per run (Cloud's bill; self-hosted, the load on the cluster) and the keys of the counting
and limit numbers a Temporal table must carry."""

from __future__ import annotations

import numpy as np

from model.billing import Array
from model.history import HistoryProjection
from model.profile import Columns, column
from model.vendors.common import Line, Rates, machine_resources, worker_lines
from model.workload import RunTime, run_time
from pricing.schema import PriceBook, Scenario

__all__ = [
    "ACTION_COUNTS",
    "HISTORY_COUNTS",
    "HISTORY_LIMITS",
    "actions_per_run",
    "heartbeat_interval",
    "temporal_workers",
]

ACTION_COUNTS = (
    "actions_per_workflow_start",
    "actions_per_activity_attempt",
    "actions_per_heartbeat",
    "actions_per_timer",
    "actions_per_signal",
    "actions_per_child_workflow",
    "actions_per_local_activity_workflow_task",
    "actions_per_continue_as_new",
    "heartbeat_throttle_fraction",
    "heartbeat_throttle_default_seconds",
    "heartbeat_throttle_max_seconds",
)
HISTORY_COUNTS = (
    "events_workflow_skeleton",
    "events_per_activity",
    "events_per_local_activity",
    "events_per_workflow_task",
    "workflow_task_heartbeat_seconds",
    "events_per_timer",
    "events_per_human_wait",
    "events_per_child_workflow",
    "event_overhead_bytes",
    "continue_as_new_events",
    "continue_as_new_mb",
)
HISTORY_LIMITS = (
    "history_events",
    "history_events_warning",
    "history_size_mb",
    "history_size_warning_mb",
    "payload_mb",
    "payload_warning_kb",
)


def heartbeat_interval(frame: Columns, count: dict[str, float]) -> Array:
    """Seconds between heartbeats that reach the server: the step's own interval, but never
    more often than the SDK's throttle (a share of the heartbeat timeout, capped; a default
    when no timeout is set). 0 where the step does not heartbeat."""
    every = column(frame, "heartbeat_seconds")
    timeout = column(frame, "heartbeat_timeout_seconds")
    throttle = np.where(
        timeout > 0,
        np.minimum(count["heartbeat_throttle_fraction"] * timeout, count["heartbeat_throttle_max_seconds"]),
        count["heartbeat_throttle_default_seconds"],
    )
    return np.where(every > 0, np.maximum(every, throttle), 0.0)


def actions_per_run(frame: Columns, count: dict[str, float], history: HistoryProjection) -> dict[str, Array]:
    """Billable Actions of one run, by kind (the parts sum to `total`).

    >>> from model.history import project_history
    >>> from model.profile import Columns, WorkloadProfile, profiles_frame
    >>> from pricing.load import read_pricebook
    >>> import datetime as dt
    >>> table = read_pricebook(on=dt.date(2026, 11, 1)).table("temporal/cloud")
    >>> f = Columns(profiles_frame(WorkloadProfile(steps_per_run=30, retry_rate=0, human_waits_per_run=0)))
    >>> count = {k: v.expected for k, v in table.counting.items()}
    >>> float(actions_per_run(f, count, project_history(f, table))["total"][0])
    31.0
    """
    time = run_time(frame)
    local = frame["step_kind"] == "local_activity"
    steps = column(frame, "steps_per_run")
    attempts = time.attempts_per_step
    step_seconds = column(frame, "step_seconds")

    interval = heartbeat_interval(frame, count)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        beats_per_attempt = np.where(interval > 0, np.floor(step_seconds / interval), 0.0)
    activities = np.where(local, 0.0, steps * attempts) * count["actions_per_activity_attempt"]
    heartbeats = np.where(local, 0.0, steps * attempts * beats_per_attempt) * count["actions_per_heartbeat"]
    # Local activities: one Action per workflow task that runs them; the task heartbeats (and
    # so starts anew) every few seconds while they run, and again after every wake-up.
    wakeups = column(frame, "sleeps_per_run") + column(frame, "human_waits_per_run")
    local_tasks = 1.0 + wakeups + np.floor(time.step_exec / count["workflow_task_heartbeat_seconds"])
    local_actions = np.where(local & (steps > 0), local_tasks, 0.0) * count["actions_per_local_activity_workflow_task"]
    timers = column(frame, "sleeps_per_run") * count["actions_per_timer"]
    human = column(frame, "human_waits_per_run") * (count["actions_per_signal"] + count["actions_per_timer"])
    children = column(frame, "child_runs_per_run") * (
        count["actions_per_child_workflow"] + attempts * count["actions_per_activity_attempt"]
    )
    starts = (
        count["actions_per_workflow_start"]
        + (history.continue_as_new_segments - 1.0) * count["actions_per_continue_as_new"]
    )
    parts = {
        "workflow_starts": np.broadcast_to(starts, steps.shape).astype(np.float64),
        "activities": activities,
        "heartbeats": heartbeats,
        "local_activity_tasks": local_actions,
        "timers": timers,
        "human_waits": human,
        "child_workflows": children,
    }
    parts["total"] = np.sum(list(parts.values()), axis=0)
    return parts


def temporal_workers(
    frame: Columns, book: PriceBook, rates: Rates, scenario: Scenario, time: RunTime
) -> tuple[Line, Line, Array, Array]:
    """The workers you run for Temporal (Cloud or self-hosted): one machine of the profile's
    size per executing run, sized between the average and the peak."""
    vcpu_each, gb_each = machine_resources(frame, book, scenario)
    return worker_lines(
        average_units=time.runs_per_second * time.executing,
        peak_units=column(frame, "peak_concurrent_runs"),
        vcpu_per_unit=vcpu_each,
        gb_per_unit=gb_each,
        option=rates,
        book=book,
        label="Workers",
    )
