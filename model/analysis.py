"""The standard pipeline: everything the app and the report show for one profile.

`analyse()` runs the estimate, the sweeps behind the crossover charts, the exact crossovers, the
history curve and the recommendation, all from the same engine, so the app, the CLI and the
reports can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.crossover import Crossover, all_crossovers, grid
from model.engine import estimate
from model.profile import WorkloadProfile
from model.recommend import Recommendation, recommend
from model.result import EstimateOut, summarize
from model.sweep import STEP_MEASURES, limit_curves, sweep
from model.verdict import Flip, flip_point
from pricing.criteria import Criteria
from pricing.schema import PriceBook

if TYPE_CHECKING:
    from model.outlook import Outlook
    from model.scenarios import ScenarioResult
    from model.uncertainty import MonteCarlo

__all__ = [
    "AXES",
    "Analysis",
    "Axis",
    "analyse",
    "axis_values",
    "compared",
    "headline_of",
    "priced",
    "value_of",
    "value_of_field",
]


@dataclass(frozen=True)
class Axis:
    """A profile field the second crossover chart can run along, and its span."""

    label: str
    low: float
    high: float
    log: bool


AXES: dict[str, Axis] = {
    "monthly_runs": Axis("Runs per month", 10, 1e8, True),
    "steps_per_run": Axis("Steps per run", 1, 5000, True),
    "step_seconds": Axis("Seconds per step", 0.5, 600, True),
    "retry_rate": Axis("Retries per step", 0, 2, False),
    "context_growth_kb": Axis("Context growth per step [KB]", 0, 64, False),
    "step_payload_kb": Axis("Payload per step [KB]", 1, 4096, True),
    "human_wait_seconds": Axis("Length of a human wait [s]", 60, 30 * 86_400, True),
    "human_waits_per_run": Axis("Human waits per run", 0, 20, False),
    "child_runs_per_run": Axis("Child runs per run", 0, 50, False),
    "peak_concurrent_runs": Axis("Peak concurrent runs", 1, 5000, True),
    "retention_days": Axis("Retention [days]", 1, 90, False),
}
CURVE_POINTS = 161


def value_of(profile: WorkloadProfile, result: EstimateOut, name: str) -> float:
    """A profile field as priced: a field left empty (the peak) takes the value the engine derived."""
    value = getattr(profile, name)
    if value is None and name == "peak_concurrent_runs" and result.workload is not None:
        return result.workload.peak_concurrent_runs
    return float(value)


def value_of_field(profile: WorkloadProfile, name: str) -> float:
    """A profile field's value for a chart's marker, before pricing (an empty peak: the axis's low end)."""
    value = getattr(profile, name)
    return float(AXES[name].low if value is None else value)


def compared(profile: WorkloadProfile, book: PriceBook) -> list[str]:
    """The options to compare: those the profile names that are priced on the book's date, or
    every option priced then when it names none (or none of them is)."""
    priced = [t.id for t in book.options()]
    named = [o for o in profile.options if o in priced]
    return named or priced


def axis_values(name: str, points: int = CURVE_POINTS) -> npt.NDArray[np.float64]:
    axis = AXES[name]
    return grid(axis.low, axis.high, points, axis.log)


@dataclass(frozen=True)
class Analysis:
    profile: WorkloadProfile
    book: PriceBook
    result: EstimateOut
    runs_sweep: pd.DataFrame
    runs_crossovers: list[Crossover]
    axis: str
    axis_sweep: pd.DataFrame
    axis_crossovers: list[Crossover]
    limit_curves: pd.DataFrame | None
    """Every option's step-dependent limits as steps grow (`model.sweep.limit_curves`)."""
    flip: Flip | None
    recommendation: Recommendation | None
    answers: Mapping[str, str] = field(default_factory=dict)
    scenarios: tuple[ScenarioResult, ...] = ()
    """Named scenarios priced beside the profile (`model.scenarios.compare_scenarios`), if any."""
    outlook: Outlook | None = None
    """How sure and over what horizon (`model.outlook`), when asked for."""

    def with_outlook(
        self, *, draws: int | None = None, seed: int | None = None, mc: MonteCarlo | None = None
    ) -> Analysis:
        """This analysis with its outlook: the Monte Carlo (or `mc`, already drawn), the tornado, the
        bands and the path."""
        from dataclasses import replace

        from model.outlook import outlook
        from model.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED

        found = outlook(
            self.profile,
            self.book,
            compared(self.profile, self.book),
            crossovers=self.runs_crossovers,
            draws=DEFAULT_DRAWS if draws is None else draws,
            seed=DEFAULT_SEED if seed is None else seed,
            mc=mc,
            axis=self.axis,
            axis_crossovers=self.axis_crossovers,
        )
        return replace(self, outlook=found)


def priced(profile: WorkloadProfile, book: PriceBook) -> EstimateOut:
    """The priced profile: one estimate of the options compared."""
    return summarize(estimate(profile, book, compared(profile, book)))


def headline_of(profile: WorkloadProfile, book: PriceBook) -> tuple[EstimateOut, Flip | None]:
    """What the headline needs, and nothing more: the priced profile and what would flip the verdict
    (one estimate and the crossovers of two options, before any sweep)."""
    result = priced(profile, book)
    return result, flip_point(profile, book, result)


def analyse(
    profile: WorkloadProfile,
    book: PriceBook,
    *,
    axis: str = "steps_per_run",
    criteria: Criteria | None = None,
    answers: Mapping[str, str] | None = None,
    headline: tuple[EstimateOut, Flip | None] | None = None,
) -> Analysis:
    """Price the profile, sweep it along monthly runs and along `axis`, find every crossover
    on both, project every option's limits over the step count and weigh the checklist.
    `headline`, when the caller has already drawn it (`headline_of`), is reused."""
    if axis not in AXES:
        raise ValueError(f"axis {axis!r} is not one of: {', '.join(AXES)}")
    options = compared(profile, book)
    result, flip = headline if headline is not None else headline_of(profile, book)
    runs = AXES["monthly_runs"]
    along = AXES[axis]
    runs_x = (
        np.union1d(axis_values("monthly_runs"), [profile.monthly_runs])
        if profile.monthly_runs > 0
        else axis_values("monthly_runs")
    )
    axis_x = np.union1d(axis_values(axis), [value_of(profile, result, axis)])
    if along.log:
        axis_x = axis_x[axis_x > 0]
    curves = None
    if any(limit.measure in STEP_MEASURES for t in book.options() if t.id in options for limit in t.run_limits):
        top = max(AXES["steps_per_run"].high, profile.steps_per_run * 2)
        steps = np.union1d(np.unique(np.round(grid(1, top, 240, True))), [profile.steps_per_run])
        curves = limit_curves(profile, book, steps[steps >= 1], options)
    return Analysis(
        profile=profile,
        book=book,
        result=result,
        runs_sweep=sweep(profile, "monthly_runs", runs_x, book, options),
        runs_crossovers=all_crossovers(profile, "monthly_runs", book, runs.low, runs.high, options, log=True),
        axis=axis,
        axis_sweep=sweep(profile, axis, axis_x, book, options),
        axis_crossovers=all_crossovers(profile, axis, book, along.low, along.high, options, log=along.log),
        limit_curves=curves,
        flip=flip,
        recommendation=recommend(criteria, answers or {}, result) if criteria is not None else None,
        answers=dict(answers or {}),
    )
