"""Per-run time budget of a workload, shared by every vendor's counting rules.

All functions take a profile frame (see `model.profile.profiles_frame`) and return arrays with
one value per profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.billing import Array
from model.profile import column
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


def run_time(frame: pd.DataFrame) -> RunTime:
    """The time budget of one run of each profile.

    >>> import pandas as pd
    >>> from model.profile import WorkloadProfile, profiles_frame
    >>> t = run_time(profiles_frame(WorkloadProfile(steps_per_run=10, step_seconds=2, retry_rate=0.5,
    ...     human_waits_per_run=1, human_wait_seconds=60)))
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


def open_runs_at_peak(frame: pd.DataFrame, time: RunTime) -> tuple[Array, Array]:
    """Runs open at once (executing or waiting): (on average, at the busiest moment).

    Little's law: open runs = arrival rate x wall time. At the peak, runs arrive at the rate
    that keeps `peak_concurrent_runs` executing (peak / executing time); that rate lasts for
    `peak_window_hours`, so a run longer than the window only sees part of it; and the extra
    runs of the burst are at most a day's worth of the month's runs (a profile whose peak
    implies more runs than the month has is held to its volume):

        peak open = average rate x wall
                    + min((peak rate - average rate)+ x min(wall, window), runs per day)

    never less than the peak executing count.

    >>> from model.profile import WorkloadProfile, profiles_frame
    >>> f = profiles_frame(WorkloadProfile(monthly_runs=30_000, steps_per_run=1, step_seconds=100,
    ...     retry_rate=0, human_waits_per_run=1, human_wait_seconds=900, peak_concurrent_runs=10))
    >>> [round(float(x[0]), 2) for x in open_runs_at_peak(f, run_time(f))]
    [11.42, 100.0]
    """
    average = time.runs_per_second * time.wall
    peak_exec = column(frame, "peak_concurrent_runs")
    window = column(frame, "peak_window_hours") * SECONDS_PER_HOUR
    seen = np.minimum(time.wall, window)
    # Runs arriving at the peak rate (peak / executing time) during the part of the window a run
    # spans, minus those the average rate brings anyway; multiplied before dividing so that a
    # tiny executing time over an empty window gives 0, not inf x 0.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        at_peak = np.where(time.executing > 0, np.nan_to_num(peak_exec * seen / time.executing, posinf=np.inf), 0.0)
    per_day = time.runs_per_second * SECONDS_PER_DAY
    burst = np.minimum(np.maximum(at_peak - time.runs_per_second * seen, 0.0), per_day)
    peak = np.maximum(average + burst, np.where(time.executing > 0, peak_exec, 0.0))
    return average, peak
