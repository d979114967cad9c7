"""Per-run time budget of a workload, shared by every vendor's counting rules.

All functions take a profile frame (see `model.profile.profiles_frame`) and return arrays with
one value per profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.billing import Array
from model.profile import Columns, column
from model.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_MONTH

__all__ = ["RunTime", "open_runs_at_peak", "run_time"]


@dataclass(frozen=True)
class RunTime:
    """Where one run's wall-clock time goes [s per run], and how often runs arrive."""

    attempts_per_step: Array
    step_exec: Array
    """Steps of the run itself, every attempt [s]."""
    child_exec: Array
    """Steps run by awaited child runs, every attempt [s]; the parent waits meanwhile."""
    sleep: Array
    human_wait: Array
    wall: Array
    """Start to finish [s]."""
    executing: Array
    """Time some step of the run executes [s] (steps and children, not sleeps or waits)."""
    runs_per_second: Array
    """Average arrival rate of runs [runs/s]."""


def run_time(frame: Columns) -> RunTime:
    """The time budget of one run of each profile.

    >>> import pandas as pd
    >>> from model.profile import Columns, WorkloadProfile, profiles_frame
    >>> t = run_time(Columns(profiles_frame(WorkloadProfile(steps_per_run=10, step_seconds=2, retry_rate=0.5,
    ...     human_waits_per_run=1, human_wait_seconds=60))))
    >>> float(t.step_exec[0]), float(t.wall[0]), float(t.executing[0])
    (30.0, 90.0, 30.0)
    """
    attempts = 1.0 + column(frame, "retry_rate")
    step_exec = column(frame, "steps_per_run") * column(frame, "step_seconds") * attempts
    child_exec = column(frame, "child_runs_per_run") * column(frame, "step_seconds") * attempts
    sleep = column(frame, "sleeps_per_run") * column(frame, "sleep_seconds")
    human = column(frame, "human_waits_per_run") * column(frame, "human_wait_seconds")
    executing = step_exec + child_exec
    return RunTime(
        attempts_per_step=attempts,
        step_exec=step_exec,
        child_exec=child_exec,
        sleep=sleep,
        human_wait=human,
        wall=executing + sleep + human,
        executing=executing,
        runs_per_second=column(frame, "monthly_runs") / SECONDS_PER_MONTH,
    )


def open_runs_at_peak(frame: Columns, time: RunTime) -> tuple[Array, Array]:
    """Runs open at once (executing or waiting): (on average, at the busiest moment).

    Little's law: open runs = arrival rate x wall time. On average the month's runs arrive evenly;
    at the peak, a day's runs arrive within the busy window of `peak_window_hours`, so

        peak open = (runs per day / window) x min(wall, window)
                    + average rate x max(wall - window, 0)     (runs from earlier days still open)

    and never fewer than the peak executing count. Both grow with runs, steps and step time.

    >>> from model.profile import Columns, WorkloadProfile, profiles_frame
    >>> f = Columns(profiles_frame(WorkloadProfile(monthly_runs=73_000, steps_per_run=1, step_seconds=100,
    ...     retry_rate=0, human_waits_per_run=1, human_wait_seconds=3500, peak_concurrent_runs=10,
    ...     peak_window_hours=8)))
    >>> [round(float(x[0]), 2) for x in open_runs_at_peak(f, run_time(f))]
    [100.0, 300.0]
    """
    average = time.runs_per_second * time.wall
    window = column(frame, "peak_window_hours") * SECONDS_PER_HOUR
    window_rate = time.runs_per_second * SECONDS_PER_DAY / window
    peak = window_rate * np.minimum(time.wall, window) + time.runs_per_second * np.maximum(time.wall - window, 0.0)
    peak_exec = column(frame, "peak_concurrent_runs")
    return average, np.maximum(peak, np.where(time.executing > 0, peak_exec, 0.0))
