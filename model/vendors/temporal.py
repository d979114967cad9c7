"""Counts whose rules are Temporal's own: heartbeats as its SDKs throttle them, and the workflow
tasks that run local activities. The numbers they read (throttle share, default and cap; the
workflow-task heartbeat interval) are `counting` data in the Temporal tables."""

from __future__ import annotations

import numpy as np

from model.billing import Array, Value
from model.units import ROUNDING
from model.usage import Count, Usage, count

__all__ = ["heartbeats", "local_activity_task_heartbeats", "local_activity_tasks"]

THROTTLE = ("heartbeat_throttle_fraction", "heartbeat_throttle_default_seconds", "heartbeat_throttle_max_seconds")


@count(
    "heartbeats",
    "heartbeats",
    "heartbeats of activity attempts that reach the server: the first at once, later ones at most once "
    "per throttle interval (a share of the heartbeat timeout, capped; a default without one)",
    THROTTLE,
)
def heartbeats(u: Usage) -> Count:
    """A step that heartbeats every `heartbeat_seconds` makes its first call after that long and
    the SDK sends it at once; later calls within the throttle interval are held, and the latest is
    sent when the interval ends, if the attempt is still running: one falling due as the attempt
    ends is not sent. So an attempt of T seconds sends ceil((T - every) / interval) heartbeats when
    T > every, else none.

    >>> from model.columns import Columns, profiles_frame
    >>> from schema.profile import WorkloadProfile
    >>> from model.workload import workload
    >>> from pricing.load import read_pricebook
    >>> import datetime as dt
    >>> table = read_pricebook(on=dt.date(2026, 11, 1)).table("temporal/cloud")
    >>> def sent(**f):
    ...     p = WorkloadProfile(monthly_runs=3000, steps_per_run=1, **f)
    ...     return float(Usage(workload(Columns(profiles_frame(p))), table, "expected").count("heartbeats").total[0])
    >>> sent(step_seconds=8, heartbeat_seconds=5), sent(step_seconds=4, heartbeat_seconds=5)
    (1.0, 0.0)
    >>> sent(step_seconds=100, heartbeat_seconds=5, heartbeat_timeout_seconds=20)  # every 16 s after the first
    6.0
    >>> sent(step_seconds=37, heartbeat_seconds=5, heartbeat_timeout_seconds=20)  # the third falls due at 37 s
    2.0
    """
    p = u.params
    every = u.column("heartbeat_seconds")
    timeout = u.column("heartbeat_timeout_seconds")
    throttle = np.where(
        timeout > 0,
        np.minimum(p["heartbeat_throttle_fraction"] * timeout, p["heartbeat_throttle_max_seconds"]),
        p["heartbeat_throttle_default_seconds"],
    )
    interval = np.maximum(every, throttle)
    seconds = u.column("step_seconds")
    beats = np.zeros_like(seconds)
    calls = (every > 0) & (seconds > every)
    np.divide(seconds - every, interval, out=beats, where=calls)
    sent = np.where(calls, np.ceil(beats - ROUNDING), 0.0)
    activity = np.asarray(u.frame["step_kind"] == "task", dtype=np.float64)
    return u.linear(0.0, activity * u.work.attempts_per_step * sent)


@count(
    "local_activity_tasks",
    "tasks",
    "workflow tasks that run local activities: one, one more after every sleep or wait, and one each "
    "time the task heartbeats while they run",
    ("workflow_task_heartbeat_seconds",),
    positive=("workflow_task_heartbeat_seconds",),
)
def local_activity_tasks(u: Usage) -> Count:
    """Each sleep or wait ends a workflow task and a new one starts with the next local activity;
    each task heartbeats on its own clock (the steps spread evenly over the tasks)."""
    local = (u.frame["step_kind"] == "inline") & (u.work.steps > 0)
    tasks = 1.0 + u.column("sleeps_per_run") + u.column("human_waits_per_run")
    beat = u.params["workflow_task_heartbeat_seconds"]
    fixed = np.where(local, tasks, 0.0)
    per_step = np.where(local, u.column("step_seconds") * u.work.attempts_per_step / beat, 0.0)
    total = np.where(local, tasks * (1.0 + _beats_per_task(u, tasks, beat)), 0.0)
    return Count(fixed, per_step, total)


def _beats_per_task(u: Usage, tasks: Array, beat: Value) -> Array:
    """Heartbeats one workflow task sends while its share of the local activities runs."""
    return np.asarray(np.floor(u.work.step_exec / tasks / beat + ROUNDING), dtype=np.float64)


@count(
    "local_activity_task_heartbeats",
    "heartbeats",
    "workflow-task heartbeats while local activities run (each records a workflow task's events)",
    ("workflow_task_heartbeat_seconds",),
    positive=("workflow_task_heartbeat_seconds",),
)
def local_activity_task_heartbeats(u: Usage) -> Count:
    local = np.asarray(u.frame["step_kind"] == "inline", dtype=np.float64)
    beat = u.params["workflow_task_heartbeat_seconds"]
    tasks = 1.0 + u.column("sleeps_per_run") + u.column("human_waits_per_run")
    linear = u.linear(0.0, local * u.column("step_seconds") * u.work.attempts_per_step / beat)
    return Count(linear.fixed, linear.per_step, local * tasks * _beats_per_task(u, tasks, beat))
