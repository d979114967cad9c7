"""How sure and over what horizon: the Monte Carlo, the tornado, the bands on the volume chart and the
multi-year path of one profile, together (what the report's first page and the app's Outlook view show).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.axes import AXES, value_of_field
from model.crossover import Crossover, grid
from model.outlook_out import (
    CrossoverSpreadOut,
    GrowthOut,
    InputOut,
    PathOut,
    SpreadOut,
    StrategyOut,
    SwingOut,
    TornadoOut,
    UncertaintyOut,
)
from model.strategy import PATH_DRAWS, Path, path
from model.uncertainty import (
    BAND_DRAWS,
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    Band,
    MonteCarlo,
    Tornado,
    bands,
    monte_carlo,
    tornado,
)
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

__all__ = [
    "BAND_POINTS",
    "Outlook",
    "migration_month",
    "outlook",
    "to_out",
]

BAND_POINTS = 41
"""Points along monthly runs at which the band of each option is drawn."""
RUNS_SPAN = (10.0, 1e8)


@dataclass(frozen=True)
class Outlook:
    monte_carlo: MonteCarlo
    tornado: Tornado | None
    """Between the two options cheapest in the most draws (None when fewer than two can run it)."""
    runs_band: Band | None
    path: Path
    axis_band: Band | None = None
    """P10-P90 along the second chart's field, when one was asked for."""

    def band_for(self, field: str) -> Band | None:
        for band in (self.runs_band, self.axis_band):
            if band is not None and band.field == field:
                return band
        return None

    def leading(self, count: int = 3) -> list[str]:
        """The options cheapest in the most draws, then by median cost: the ones a reader weighs."""
        spreads = [s for s in self.monte_carlo.options if s.runs_share > 0]
        spreads.sort(key=lambda s: (-s.cheapest_share, s.p50))
        return [s.id for s in spreads[:count]]


def outlook(
    profile: WorkloadProfile,
    book: PriceBook,
    options: Sequence[str],
    *,
    crossovers: Sequence[Crossover] = (),
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    axis: str | None = None,
    axis_crossovers: Sequence[Crossover] = (),
    band_draws: int = BAND_DRAWS,
    path_draws: int = PATH_DRAWS,
    mc: MonteCarlo | None = None,
    pair: tuple[str, str] | None = None,
) -> Outlook:
    """The Monte Carlo over every uncertain input (or `mc`, already drawn), the tornado between `pair`
    (the verdict's named option and its runner-up; without it, the draws' two leaders), P10-P90 bands
    along monthly runs with the spread of each crossover that changes the cheapest, and the path."""
    mc = mc or monte_carlo(profile, book, options, draws=draws, seed=seed)
    ranked = [s for s in mc.options if s.runs_share > 0]
    ranked.sort(key=lambda s: (-s.cheapest_share, s.p50))
    if pair is None and len(ranked) >= 2:
        pair = (ranked[0].id, ranked[1].id)
    tor = tornado(profile, book, *pair) if pair is not None else None
    changing = [c for c in crossovers if c.changes_cheapest][:4]
    band = None
    if band_draws > 0:
        xs = np.union1d(grid(*RUNS_SPAN, BAND_POINTS, True), [profile.monthly_runs] if profile.monthly_runs > 0 else [])
        band = bands(
            profile,
            book,
            options,
            "monthly_runs",
            xs,
            draws=band_draws,
            seed=seed,
            pairs=[c.options for c in changing],
            points=[c.value for c in changing],
            found=mc.inputs,
        )
    along = None
    if band_draws > 0 and axis is not None and axis != "monthly_runs":
        span = AXES[axis]
        xs = np.union1d(grid(span.low, span.high, BAND_POINTS, span.log), [value_of_field(profile, axis)])
        xs = xs[xs > 0] if span.log else xs
        changing = [c for c in axis_crossovers if c.changes_cheapest][:4]
        along = bands(
            profile,
            book,
            options,
            axis,
            xs,
            draws=band_draws,
            seed=seed,
            pairs=[c.options for c in changing],
            points=[c.value for c in changing],
            found=mc.inputs,
            log=span.log,
        )
    return Outlook(mc, tor, band, path(profile, book, options, draws=path_draws, seed=seed), along)


def _finite(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def tokens_over_path(p: Path, per_run_usd: float) -> float:
    """The model's tokens over the path's months: each month's runs at the profile's cost a run (the
    same on every strategy)."""
    return per_run_usd * float(np.sum(p.runs))


def sandbox_over_path(p: Path, usage_per_run_usd: float, fee_usd: float, credit_usd: float) -> float:
    """The sandboxes over the path's months: each month the plan's fee and its runs' usage past the
    plan's credit (the same on every strategy; the plan is today's)."""
    runs = np.asarray(p.runs, dtype=np.float64)
    return float(np.sum(fee_usd + np.maximum(usage_per_run_usd * runs - credit_usd, 0.0)))


def migration_month(p: Path, start: str, then: str) -> int | None:
    """The best month to move from `start` to `then`, or None when staying on `start` is no dearer
    (never within the horizon)."""
    move = next((s for s in p.strategies if s.start == start and s.then == then), None)
    stay = p.stay(start)
    if move is None or (stay is not None and stay.total <= move.total):
        return None
    return move.month


def path_out_of(p: Path, growth: float) -> PathOut:
    """The JSON contract's `path` section of a path at the monthly growth rate `growth`."""
    years = p.years()
    return PathOut(
        horizon_months=p.months,
        growth_percent_per_month=growth,
        cutover_months=p.cutover_months,
        runs=[float(r) for r in p.runs],
        setup_usd=p.setup,
        migration_usd=p.migration,
        best=p.best.key if p.best else None,
        strategies=[
            StrategyOut(
                key=s.key,
                start=s.start,
                then=s.then,
                month=s.month,
                total_usd=s.total,
                years_usd=[float(v) for v in years.loc[years["strategy"] == s.key, "cost_usd"]],
            )
            for s in p.strategies
        ],
        by_growth=[
            GrowthOut(growth_percent=g.growth_percent, best=g.best.key, month=g.best.month, total_usd=g.best.total)
            for g in p.by_growth
        ],
        chances=p.chances,
        draws=p.draws,
        stay_spread_usd={k: list(v) for k, v in p.stay_spread.items()},
    )


def to_out(o: Outlook, profile: WorkloadProfile) -> tuple[UncertaintyOut, PathOut]:
    """The JSON contract's `uncertainty` and `path` sections."""
    mc = o.monte_carlo
    tor = None
    if o.tornado is not None:
        t = o.tornado
        tor = TornadoOut(
            leader=t.leader,
            runner=t.runner,
            gap_usd=_finite(t.gap),
            swings=[
                SwingOut(
                    key=s.input.key,
                    label=s.input.label,
                    gap_low_usd=_finite(s.gap_low),
                    gap_high_usd=_finite(s.gap_high),
                    flips_at=s.flips_at,
                    flips_within_range=s.flips_within_range,
                    moves_with=list(s.moves_with),
                )
                for s in t.swings
            ],
        )
    uncertainty = UncertaintyOut(
        draws=mc.draws,
        seed=mc.seed,
        leader=mc.leader.id if mc.leader else None,
        none_share=mc.none_share,
        options=[
            SpreadOut(
                option=s.id,
                name=s.name,
                point_usd=_finite(s.point),
                p10_usd=_finite(s.p10),
                p50_usd=_finite(s.p50),
                p90_usd=_finite(s.p90),
                mean_usd=_finite(s.mean),
                cheapest_share=s.cheapest_share,
                runs_share=s.runs_share,
            )
            for s in mc.options
        ],
        inputs=[
            InputOut(
                key=i.key,
                label=i.label,
                unit=i.unit,
                low=i.low,
                expected=i.expected,
                high=i.high,
                distribution=i.distribution,
                source=i.source,
                confidence=i.confidence,
            )
            for i in mc.inputs
        ],
        tornado=tor,
        crossovers=[
            CrossoverSpreadOut(options=list(c.options), p10=c.p10, p50=c.p50, p90=c.p90, share=c.share)
            for c in (o.runs_band.crossovers if o.runs_band is not None else ())
        ],
    )
    path_out = path_out_of(o.path, profile.path.growth_percent_per_month)
    return uncertainty, path_out
