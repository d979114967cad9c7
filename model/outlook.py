"""How sure and over what horizon: the Monte Carlo, the tornado, the bands on the volume chart and the
multi-year path of one profile, together (what the report's first page and the app's Outlook view show).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.crossover import Crossover, grid
from model.profile import WorkloadProfile
from model.result import (
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
from model.strategy import PATH_DRAWS, Path, Strategy, path
from model.uncertainty import (
    BAND_DRAWS,
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    Band,
    MonteCarlo,
    Tornado,
    bands,
    monte_carlo,
    share_text,
    tornado,
)
from pricing.schema import PriceBook

__all__ = [
    "BAND_POINTS",
    "Outlook",
    "crossover_sentences",
    "decision",
    "describe",
    "migration_month",
    "migration_sentences",
    "outlook",
    "path_sentence",
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
) -> Outlook:
    """The Monte Carlo over every uncertain input (or `mc`, already drawn), the tornado between its two
    leaders, P10-P90 bands along monthly runs with the spread of each crossover that changes the
    cheapest, and the path."""
    mc = mc or monte_carlo(profile, book, options, draws=draws, seed=seed)
    ranked = [s for s in mc.options if s.runs_share > 0]
    ranked.sort(key=lambda s: (-s.cheapest_share, s.p50))
    tor = tornado(profile, book, ranked[0].id, ranked[1].id) if len(ranked) >= 2 else None
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
        from model.analysis import AXES, value_of_field

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


def _usd(value: float) -> str:
    return f"${value:,.0f}" if abs(value) >= 100 else f"${value:,.2f}"


def _finite(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def describe(strategy: Strategy, names: dict[str, str]) -> str:
    """A strategy in words: "stay on A", or "start on A, move to B at month m"."""
    if strategy.then is None:
        return f"stay on {names.get(strategy.start, strategy.start)}"
    return (
        f"start on {names.get(strategy.start, strategy.start)}, move to "
        f"{names.get(strategy.then, strategy.then)} at month {strategy.month}"
    )


def path_sentence(p: Path, names: dict[str, str]) -> str:
    """The best strategy over the horizon, and what it saves against the next best."""
    best = p.best
    if best is None:
        return f"No strategy can run this workload in every one of the {p.months} months."
    said = f"Over {p.months} months the cheapest path is to {describe(best, names)}: {_usd(best.total)} in all"
    if best.then is not None:
        stay = p.stay(best.start)
        if stay is not None:
            said += f", {_usd(stay.total - best.total)} less than staying on {names.get(best.start, best.start)}"
        return said + "."
    runner = next((s for s in p.strategies[1:]), None)
    if runner is not None:
        said += f", {_usd(runner.total - best.total)} less than the next best ({describe(runner, names)})"
    moves = [s for s in p.strategies if s.start == best.start and s.then is not None]
    return said + (". No migration from it pays off within the horizon." if moves or runner is None else ".")


def migration_month(p: Path, start: str, then: str) -> int | None:
    """The best month to move from `start` to `then`, or None when staying on `start` is no dearer
    (never within the horizon)."""
    move = next((s for s in p.strategies if s.start == start and s.then == then), None)
    stay = p.stay(start)
    if move is None or (stay is not None and stay.total <= move.total):
        return None
    return move.month


def migration_sentences(o: Outlook, names: dict[str, str]) -> list[str]:
    """The best month to move each way between the two leading options, or that it never pays within the
    horizon."""
    lead = o.leading(2)
    if len(lead) < 2:
        return []
    out = []
    for a, b in (lead, lead[::-1]):
        month = migration_month(o.path, a, b)
        when = f"month {month}." if month is not None else f"never within {o.path.months} months."
        out.append(f"Best month to move from {names[a]} to {names[b]}: {when}")
    return out


def crossover_sentences(band: Band, names: dict[str, str], what: str) -> list[str]:
    """Where each crossover that changes the cheapest lies over the draws (`what`: the chart's field in words)."""

    def num(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"

    return [
        f"{names[c.options[0]]} and {names[c.options[1]]} cross between {num(c.p10)} and {num(c.p90)} ({what}) in "
        f"eight draws of ten (median {num(c.p50)}; they cross within the chart in {share_text(c.share)} of the draws)."
        for c in band.crossovers
    ]


def decision(o: Outlook) -> str:
    """The decision in one sentence, for the first page of a report: the cheapest path over the horizon
    (setup and migration included), and how it stands against the option cheapest month by month."""
    mc, p = o.monte_carlo, o.path
    lead = mc.leader
    best = p.best
    if lead is None or best is None:
        return "No option can run this workload in every month as profiled."
    names = {s.id: s.name for s in mc.options}
    months = p.months
    chance = p.chances.get(best.key)
    sure = f"; the best path in {share_text(chance)} of {p.draws:,} draws" if chance is not None else ""
    tail = (
        f"the cheapest month by month in {share_text(lead.cheapest_share)} of {mc.draws:,} draws "
        f"(about {_usd(lead.p50)} a month, P10–P90 {_usd(lead.p10)}–{_usd(lead.p90)})"
    )
    monthly = f"{lead.name} is {tail}"
    if best.then is None and best.start == lead.id:
        return (
            f"Choose {lead.name}: {tail}, and the cheapest over {months} months with its setup "
            f"({_usd(best.total)}{sure})."
        )
    if best.then is None:
        return (
            f"Choose {names[best.start]} for the next {months} months: with its setup it costs least over the "
            f"horizon ({_usd(best.total)}{sure}), although {monthly}."
        )
    return (
        f"{describe(best, names).capitalize()}: {_usd(best.total)} over {months} months with setup and "
        f"migration{sure}. {monthly[0].upper()}{monthly[1:]}."
    )


def to_out(o: Outlook, profile: WorkloadProfile) -> tuple[UncertaintyOut, PathOut]:
    """The JSON contract's `uncertainty` and `path` sections."""
    mc = o.monte_carlo
    names = {s.id: s.name for s in mc.options}
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
        sentence=mc.sentence(),
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
    p = o.path
    years = p.years()
    path_out = PathOut(
        horizon_months=p.months,
        growth_percent_per_month=profile.path.growth_percent_per_month,
        cutover_months=p.cutover_months,
        sentence=path_sentence(p, names),
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
    return uncertainty, path_out
