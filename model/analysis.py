"""The standard pipeline: everything the app and the report show for one profile.

`headline_of()` is the one verdict (`model.verdict.decide`): the checklist's answers set options
aside first, then the estimate, the Monte Carlo, the path and the flip point are all over the
options that count. `analyse()` adds the sweeps behind the crossover charts, the exact crossovers
and the history curve, over the same options, so the app, the CLI and the reports can never
disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.account_out import AccountEstimateOut
from model.axes import AXES, compared, value_of
from model.checklist import Leaning, OpenQuestion, leanings, open_questions, set_aside
from model.crossover import Crossover, crossovers_along, grid
from model.engine import estimate
from model.findings import Finding
from model.result import EstimateOut, summarize
from model.sweep import STEP_MEASURES, limit_curves, sweeps
from model.verdict import Flip, Verdict, decide, flip_point
from schema.criteria import Criteria
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

if TYPE_CHECKING:
    from model.outlook import Outlook
    from model.scenarios import AccountScenario, ScenarioResult
    from model.uncertainty import MonteCarlo

__all__ = [
    "Analysis",
    "Checklist",
    "Headline",
    "Sweeps",
    "analyse",
    "assemble",
    "axis_values",
    "checklist_of",
    "headline_of",
    "priced",
    "sweeps_of",
]

CURVE_POINTS = 161


@dataclass(frozen=True)
class Checklist:
    """The answers, and what they do: the options they set aside, the questions open, the leanings."""

    answers: Mapping[str, str] = field(default_factory=dict)
    set_aside: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    open_questions: tuple[OpenQuestion, ...] = ()
    """Every question not answered whose answers would set one of the compared options aside."""
    leanings: tuple[Leaning, ...] = ()
    unanswered: Mapping[str, str] = field(default_factory=dict)
    """Question id -> its text, for every question not answered."""


def checklist_of(
    profile: WorkloadProfile, book: PriceBook, criteria: Criteria | None, answers: Mapping[str, str] | None
) -> Checklist:
    """What the answers do to the options compared (ValueError naming a question or an answer that is
    not one)."""
    if criteria is None:
        return Checklist()
    given = dict(answers or {})
    hosting = {t.id: t.hosting for t in book.options() if t.id in compared(profile, book)}
    return Checklist(
        answers=given,
        set_aside=set_aside(criteria, given, hosting),
        open_questions=open_questions(criteria, given, hosting),
        leanings=leanings(criteria, given),
        unanswered={q.id: q.text for q in criteria.questions if q.id not in given},
    )


@dataclass(frozen=True)
class Headline:
    """What every view opens with: the priced profile and the one verdict on it."""

    result: EstimateOut
    verdict: Verdict
    checklist: Checklist
    monte_carlo: MonteCarlo | None


def axis_values(name: str, points: int = CURVE_POINTS) -> npt.NDArray[np.float64]:
    axis = AXES[name]
    return grid(axis.low, axis.high, points, axis.log)


@dataclass(frozen=True)
class Analysis:
    profile: WorkloadProfile
    book: PriceBook
    headline: Headline
    runs_sweep: pd.DataFrame
    runs_crossovers: list[Crossover]
    axis: str
    axis_sweep: pd.DataFrame
    axis_crossovers: list[Crossover]
    limit_curves: pd.DataFrame | None
    """Every option's step-dependent limits as steps grow (`model.sweep.limit_curves`)."""
    scenarios: tuple[ScenarioResult, ...] = ()
    """Named scenarios priced beside the profile (`model.scenarios.compare_scenarios`), if any."""
    account: AccountEstimateOut | None = None
    """The profile and the other agents on its account, priced together (`model.account`), if any."""
    account_scenarios: tuple[AccountScenario, ...] = ()
    """The scenarios over the account (`model.scenarios.compare_account_scenarios`), where both are given."""
    outlook: Outlook | None = None
    """How sure and over what horizon (`model.outlook`), when asked for."""

    @property
    def result(self) -> EstimateOut:
        return self.headline.result

    @property
    def verdict(self) -> Verdict:
        return self.headline.verdict

    @property
    def flip(self) -> Flip | None:
        return self.headline.verdict.flip

    @property
    def checklist(self) -> Checklist:
        return self.headline.checklist

    @property
    def answers(self) -> Mapping[str, str]:
        return self.headline.checklist.answers

    @property
    def options(self) -> list[str]:
        """The options that count: compared, and not set aside by the answers."""
        return compared(self.profile, self.book, self.checklist.set_aside)

    def with_outlook(
        self, *, draws: int | None = None, seed: int | None = None, mc: MonteCarlo | None = None
    ) -> Analysis:
        """This analysis with its outlook: the Monte Carlo (`mc`, or the headline's when no other number
        of draws or seed is asked for), the tornado, the bands and the path, over the options that count."""
        from dataclasses import replace

        from model.outlook import outlook
        from model.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED

        if mc is None and draws is None and seed is None:
            mc = self.headline.monte_carlo  # the verdict's own draws: every view says the same
        found = outlook(
            self.profile,
            self.book,
            self.options,
            crossovers=self.runs_crossovers,
            draws=DEFAULT_DRAWS if draws is None else draws,
            seed=DEFAULT_SEED if seed is None else seed,
            mc=mc,
            axis=self.axis,
            axis_crossovers=self.axis_crossovers,
            pair=(v.best.id, v.runner.id) if (v := self.verdict).best is not None and v.runner is not None else None,
        )
        return replace(self, outlook=found)


def priced(
    profile: WorkloadProfile, book: PriceBook, aside: Mapping[str, tuple[Finding, ...]] | None = None
) -> EstimateOut:
    """The priced profile: one estimate of every option compared, those in `aside` shown apart."""
    return summarize(estimate(profile, book, compared(profile, book)), set_aside=aside)


def headline_of(
    profile: WorkloadProfile,
    book: PriceBook,
    *,
    criteria: Criteria | None = None,
    answers: Mapping[str, str] | None = None,
    draws: int | None = None,
    seed: int | None = None,
    result: EstimateOut | None = None,
) -> Headline:
    """The one verdict (`model.verdict.decide`): the answers set options aside, then the estimate, the
    Monte Carlo (`draws`, default 10,000; 0: none), the path and what would flip it, over the options
    that count. `result`, when the caller has priced the profile already with the same answers, is
    reused."""
    from model.strategy import path
    from model.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED, monte_carlo

    checklist = checklist_of(profile, book, criteria, answers)
    result = result if result is not None else priced(profile, book, checklist.set_aside)
    counted = compared(profile, book, checklist.set_aside)
    n = DEFAULT_DRAWS if draws is None else draws
    point = {o.id: o.monthly_usd if o.applicable else np.nan for o in result.options}
    mc = (
        monte_carlo(profile, book, counted, draws=n, seed=DEFAULT_SEED if seed is None else seed, point=point)
        if n > 0 and counted
        else None
    )
    months = path(profile, book, counted, growth_rates=()) if counted else None
    vendor_of = {o.id: criteria.vendor_of(o.id) or o.id for o in result.options} if criteria is not None else None
    verdict = decide(
        result,
        mc=mc,
        sure_share=criteria.sure_share if criteria is not None else 0.75,
        path=months,
        flip=flip_point(profile, book, result),
        set_aside=checklist.set_aside,
        open_questions=checklist.open_questions,
        leanings=checklist.leanings,
        vendor_of={k: v for k, v in vendor_of.items() if v is not None} if vendor_of else None,
    )
    return Headline(result, verdict, checklist, mc)


@dataclass(frozen=True)
class Sweeps:
    """The crossover charts' sweeps and crossovers, and the limits over the step count, of some options."""

    runs_sweep: pd.DataFrame
    runs_crossovers: list[Crossover]
    axis: str
    axis_sweep: pd.DataFrame
    axis_crossovers: list[Crossover]
    limit_curves: pd.DataFrame | None


def sweeps_of(profile: WorkloadProfile, book: PriceBook, axis: str, options: list[str], result: EstimateOut) -> Sweeps:
    """Sweep the profile along monthly runs and along `axis`, find every crossover on both, and project
    every option's limits over the step count."""
    if axis not in AXES:
        raise ValueError(f"axis {axis!r} is not one of: {', '.join(AXES)}")
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
    runs_sweep, axis_sweep = sweeps(profile, [("monthly_runs", runs_x), (axis, axis_x)], book, options)
    spans = [("monthly_runs", runs.low, runs.high, True), (axis, along.low, along.high, along.log)]
    runs_crossovers, axis_crossovers = crossovers_along(profile, spans, book, options)
    return Sweeps(
        runs_sweep=runs_sweep,
        runs_crossovers=runs_crossovers,
        axis=axis,
        axis_sweep=axis_sweep,
        axis_crossovers=axis_crossovers,
        limit_curves=curves,
    )


def assemble(profile: WorkloadProfile, book: PriceBook, headline: Headline, sweeps: Sweeps) -> Analysis:
    """An analysis from its headline and the sweeps over the options that count."""
    return Analysis(
        profile=profile,
        book=book,
        headline=headline,
        runs_sweep=sweeps.runs_sweep,
        runs_crossovers=sweeps.runs_crossovers,
        axis=sweeps.axis,
        axis_sweep=sweeps.axis_sweep,
        axis_crossovers=sweeps.axis_crossovers,
        limit_curves=sweeps.limit_curves,
    )


def analyse(
    profile: WorkloadProfile,
    book: PriceBook,
    *,
    axis: str = "steps_per_run",
    criteria: Criteria | None = None,
    answers: Mapping[str, str] | None = None,
    headline: Headline | None = None,
    draws: int | None = None,
    seed: int | None = None,
) -> Analysis:
    """The headline (`headline_of`, reused when given), then the sweeps (`sweeps_of`) over the options
    that count."""
    if axis not in AXES:
        raise ValueError(f"axis {axis!r} is not one of: {', '.join(AXES)}")
    if headline is None:
        headline = headline_of(profile, book, criteria=criteria, answers=answers, draws=draws, seed=seed)
    options = compared(profile, book, headline.checklist.set_aside)
    return assemble(profile, book, headline, sweeps_of(profile, book, axis, options, headline.result))
