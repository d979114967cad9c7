"""The workload: the profile-level facts of one run that every option shares, per profile.

`workload(frame)` gives each run's time budget (steps and their retries, children, sleeps, human
waits), the arrival rate, and the number of runs executing and open at the busiest moment (derived
from the volume unless the profile gives more). Which rows are billed together as one account is
the `ACCOUNT` column (`Workload.pooled`). One option's counts over it are `model.usage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.billing import Array, Bools
from model.columns import Columns, column
from model.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_MONTH
from schema.meters import Holds

ACCOUNT = "account"
"""A frame column numbering the account each row (an agent) is billed in; rows of one account are
priced together, each showing the account's whole bill (`Workload.pooled`). Absent: every row is
billed alone."""

__all__ = ["ACCOUNT", "Workload", "busy", "workload"]


@dataclass(frozen=True)
class Workload:
    """The profile-level facts every option shares, per profile."""

    frame: Columns
    steps: Array
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
    window_rate: Array
    """Arrival rate within the busy window: a day's runs in `peak_window_hours` [runs/s]."""
    peak_floor: Array
    """Runs executing at once on average within the busy window [runs]."""
    peak_executing: Array
    """Runs executing at once at the busiest moment [runs]: the profile's figure, or the floor
    when it gives none or less."""
    peak_raised: Bools
    """Where the profile gave a peak below the floor (so it was raised to it)."""
    open_average: Array
    """Runs open (executing or waiting) at once on average [runs]."""
    open_peak: Array
    """Runs open at once at the busiest moment [runs]."""
    window: Array
    """The busy window [s]."""
    cache: dict[tuple[object, ...], Any] = field(default_factory=dict, compare=False, repr=False)
    """Counts and combinations already computed, keyed by what they depend on: every option and
    scenario that reads the same count with the same numbers shares one computation."""

    @property
    def rows(self) -> int:
        return self.frame.rows

    def peak(self, holds: Holds) -> Array:
        """Runs holding a slot at the peak: executing only, or every open run."""
        return self.peak_executing if holds == "executing" else self.open_peak

    def peak_rate(self) -> Array:
        """Runs starting per second at the busiest moment [runs/s]: those executing at the peak
        over the time each executes (the busy window's arrival rate when runs take no time)."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.asarray(np.where(self.executing > 0, self.peak_executing / self.executing, self.window_rate))

    def average(self, holds: Holds) -> Array:
        return self.runs_per_second * self.executing if holds == "executing" else self.open_average

    def pooled(self, values: Any) -> Array:
        """Each row's account total of `values`: the sum over the rows of its account (the agents
        billed together, `ACCOUNT` column), given back on every one of them; the values themselves
        where no row shares an account."""
        if ACCOUNT not in self.frame:
            return np.asarray(values, dtype=np.float64)
        index = np.asarray(self.frame[ACCOUNT], dtype=np.intp)
        each = np.broadcast_to(np.asarray(values, dtype=np.float64), index.shape)
        return np.asarray(np.bincount(index, weights=each)[index], dtype=np.float64)

    def pooled_all(self, flags: Bools) -> Bools:
        """Whether `flags` holds for every row of each row's account."""
        if ACCOUNT not in self.frame:
            return flags
        index = np.asarray(self.frame[ACCOUNT], dtype=np.intp)
        failing = np.bincount(index, weights=(~np.broadcast_to(flags, index.shape)).astype(np.float64))
        return np.asarray(failing[index] == 0)


def busy(rate: Array, window_rate: Array, seconds: Array, window: Array) -> Array:
    """Runs busy at once at the end of the day's busy window when each is busy `seconds`: the day's
    runs that arrived within the window and are still busy, and the runs of earlier days' windows
    still busy (a whole day's batch for every full day past the window, a share of the next).
    Never more than a day's runs plus those still open from earlier days; with runs arriving all day
    it is the rate x `seconds` of Little's law.

    >>> day = np.array([86_400.0]); rate = np.array([1.0])
    >>> float(busy(rate, rate, np.array([2.5 * 86_400]), day)[0]) / 86_400  # all day: rate x seconds
    2.5
    >>> hour = np.array([3600.0]); burst = rate * 24  # a day's runs in one hour
    >>> float(busy(rate, burst, np.array([7200.0]), hour)[0]) / 86_400  # one day's runs, no more
    1.0
    """
    daily = window_rate * window
    today = window_rate * np.minimum(seconds, window)
    full = np.maximum(np.floor((seconds - window) / SECONDS_PER_DAY), 0.0)  # earlier days whose whole batch is busy
    part = np.clip((seconds - (full + 1.0) * SECONDS_PER_DAY) / window, 0.0, 1.0)
    return np.asarray(today + daily * (full + part), dtype=np.float64)


def workload(frame: Columns) -> Workload:
    """The time budget and concurrency of one run of each profile.

    Open runs follow Little's law over the whole wall time (a waiting run is open too); the peak
    takes a day's runs arriving within `peak_window_hours`. The runs executing at the peak are at
    least those executing on average within that window: the profile may raise it (bursts), never
    lower it.

    >>> from model.columns import Columns, profiles_frame
    >>> from schema.profile import WorkloadProfile
    >>> w = workload(Columns(profiles_frame(WorkloadProfile(monthly_runs=73_000, steps_per_run=1, step_seconds=100,
    ...     retry_rate=0, human_waits_per_run=1, human_wait_seconds=3500, peak_concurrent_runs=None,
    ...     peak_window_hours=8))))
    >>> [round(float(x[0]), 2) for x in (w.wall, w.peak_executing, w.open_average, w.open_peak)]
    [3600.0, 8.33, 100.0, 300.0]
    """
    steps = column(frame, "steps_per_run")
    attempts = 1.0 + column(frame, "retry_rate")
    step_seconds = column(frame, "step_seconds")
    step_exec = steps * step_seconds * attempts
    child_exec = column(frame, "child_runs_per_run") * step_seconds * attempts
    sleep = column(frame, "sleeps_per_run") * column(frame, "sleep_seconds")
    human = column(frame, "human_waits_per_run") * column(frame, "human_wait_seconds")
    executing = step_exec + child_exec
    wall = executing + sleep + human
    rate = column(frame, "monthly_runs") / SECONDS_PER_MONTH
    window = column(frame, "peak_window_hours") * SECONDS_PER_HOUR
    window_rate = rate * SECONDS_PER_DAY / window
    floor = busy(rate, window_rate, executing, window)
    given = column(frame, "peak_concurrent_runs")
    derived = np.isnan(given)
    peak = np.where(derived, floor, np.fmax(given, floor))
    raised = ~derived & (given < floor)
    open_peak = np.maximum(busy(rate, window_rate, wall, window), np.where(executing > 0, peak, 0.0))
    return Workload(
        frame=frame,
        steps=steps,
        attempts_per_step=attempts,
        step_exec=step_exec,
        child_exec=child_exec,
        sleep=sleep,
        human_wait=human,
        wall=wall,
        executing=executing,
        runs_per_second=rate,
        window_rate=window_rate,
        peak_floor=floor,
        peak_executing=peak,
        peak_raised=raised,
        open_average=rate * wall,
        open_peak=open_peak,
        window=window,
    )
