"""The multi-year path: what each strategy costs month by month as the volume grows, and when to migrate.

A strategy starts on one option and either stays there for the whole horizon or migrates to another
at the start of some month. Month t's bill is `estimate()` of the profile at that month's volume
(the growth rate compounded, or the profile's own forecast), so plan choices, Action tiers,
negotiated prices and pinned plans move month by month exactly as they do for one month. People's
one-off work is priced at the engineer's cost: the weeks to the first workflow in production on the
starting option (month 1), and the weeks to migrate onto the new one (the migration month). During a
cut-over of c months both bills are paid.

Every month of every option is one row of one engine call, so the whole path, every pair and every
migration month, costs one call; a run over growth rates or over uncertain draws stacks more rows
into the same call.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.billing import Array, Value
from model.columns import profiles_frame
from model.engine import estimate
from model.lines import PEOPLE_TABLE
from model.uncertainty import DEFAULT_SEED, Input, _sampled, draw, inputs, profile_inputs
from schema.numbers import Pick, Sampled
from schema.profile import BOUNDS, GROWTH, WorkloadProfile
from schema.tables import PriceBook, PriceTable

__all__ = [
    "GROWTH_RATES",
    "PATH_DRAWS",
    "GrowthPoint",
    "Path",
    "Strategy",
    "efforts",
    "path",
    "strategies_of",
    "volumes",
]

WEEKS_PER_YEAR = 52.0
MOST_RUNS = float(BOUNDS["monthly_runs"][1] or np.inf)
"""Growth stops at the most runs a month a profile can have (it would otherwise pass any bound)."""
GROWTH_RATES = (0.0, 2.5, 5.0, 10.0, 15.0, 20.0)
"""Monthly growth rates [%] over which the path reports how the best migration month moves."""
PATH_DRAWS = 500
"""Draws of every uncertain input for the chance that each strategy is the best."""


def volumes(profile: WorkloadProfile, growth_percent: float | None = None) -> Array:
    """Runs in each month of the horizon: the profile's forecast (its last figure held), or month 1's
    volume grown at the monthly rate (up to the most a profile can have, `MOST_RUNS`)."""
    horizon = profile.path.horizon_months
    given = profile.path.monthly_runs_by_month
    if given and growth_percent is None:
        runs = np.asarray(given[:horizon], dtype=np.float64)
        return np.concatenate([runs, np.full(horizon - runs.size, runs[-1])])
    rate = profile.path.growth_percent_per_month if growth_percent is None else growth_percent
    grown = profile.monthly_runs * (1 + rate / 100.0) ** np.arange(horizon)
    return np.asarray(np.minimum(grown, MOST_RUNS), dtype=np.float64)


def _weeks(book: PriceBook, table: PriceTable, key: str, pick: Pick) -> Value:
    item = table.assumptions.get(key) or book.table(PEOPLE_TABLE).assumptions[key]
    return item.pick(pick)


def efforts(
    profile: WorkloadProfile, book: PriceBook, options: Sequence[str], pick: Pick = "expected"
) -> tuple[dict[str, Value], dict[str, Value]]:
    """(setup, migration) one-off cost of each option [USD]: its engineer-weeks (yours, else its table's,
    else the people reference's) at the engineer's weekly cost."""
    people = book.table(PEOPLE_TABLE)
    given = profile.team.engineer_cost_usd_per_year
    yearly: Value = given if given is not None else people.number("assumptions", "engineer_cost").pick(pick)
    weekly = yearly / WEEKS_PER_YEAR
    setup: dict[str, Value] = {}
    migration: dict[str, Value] = {}
    for option in options:
        table = book.table(option)
        s = profile.team.setup_weeks.get(option)
        m = profile.team.migration_weeks.get(option)
        setup[option] = (s if s is not None else _weeks(book, table, "setup_weeks", pick)) * weekly
        migration[option] = (m if m is not None else _weeks(book, table, "migration_weeks", pick)) * weekly
    return setup, migration


@dataclass(frozen=True)
class Strategy:
    start: str
    then: str | None = None
    month: int | None = None
    """The month (1-based) whose start the migration happens at; None: stay on `start`."""
    total: float = np.nan
    """Cost over the horizon [USD]: the bills, the setup and the migration."""
    cumulative: npt.NDArray[np.float64] | None = None
    """Cost to the end of each month [USD]."""

    @property
    def key(self) -> str:
        return self.start if self.then is None else f"{self.start}>{self.then}"


@dataclass(frozen=True)
class GrowthPoint:
    growth_percent: float
    best: Strategy
    """The best strategy at that growth (with its migration month, if it migrates)."""


@dataclass(frozen=True)
class Path:
    months: int
    runs: Array
    """Runs in each month."""
    monthly: pd.DataFrame
    """month, option, name, runs, cost [USD/month] (NaN where the option cannot run that month), plan."""
    setup: dict[str, float]
    migration: dict[str, float]
    cutover_months: float
    strategies: tuple[Strategy, ...]
    """Staying on each option, then for each ordered pair its best migration month; cheapest first
    (strategies that cannot run the workload every month are left out)."""
    by_growth: tuple[GrowthPoint, ...]
    chances: dict[str, float]
    """With uncertainty: the share of draws in which each strategy key is the best (its month free)."""
    draws: int = 0
    stay_spread: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    """With uncertainty: P10, P50, P90 of staying on each option over the horizon [USD], over the draws in
    which it can run every month."""

    @property
    def best(self) -> Strategy | None:
        return self.strategies[0] if self.strategies else None

    def stay(self, option: str) -> Strategy | None:
        return next((s for s in self.strategies if s.start == option and s.then is None), None)

    def years(self) -> pd.DataFrame:
        """Cost per strategy and year of the horizon [USD] (the last year may be partial)."""
        rows = []
        for s in self.strategies:
            assert s.cumulative is not None
            ends = [min(12 * y, self.months) for y in range(1, (self.months + 11) // 12 + 1)]
            previous = 0.0
            for year, end in enumerate(ends, start=1):
                rows.append({"strategy": s.key, "year": year, "cost_usd": float(s.cumulative[end - 1]) - previous})
                previous = float(s.cumulative[end - 1])
        return pd.DataFrame(rows)


def _moves(cost: Array, setup: Array, migration: Array, cutover: float) -> tuple[Array, Iterator[Array]]:
    """For bills `cost` (options, batch, months) and one-off costs (options, batch): the horizon total
    of staying on each option (options, batch); and, for each first option a in turn, the total of
    moving from a to each b at the start of each month m (options, batch, months; month 1, past the
    horizon and b = a impossible: inf).

    One first option at a time, so the whole (options, options, batch, months) is never held: with
    2,000 draws it was 130 MB an array, and each of its five temporaries cost page faults."""
    o, b, h = cost.shape
    filled = np.where(np.isnan(cost), np.inf, cost)
    cum = np.concatenate([np.zeros((o, b, 1)), np.cumsum(filled, axis=2)], axis=2)  # cum[..., k]: months 1..k
    rest = np.cumsum(filled[:, :, ::-1], axis=2)[:, :, ::-1]  # rest[..., k]: months k+1..h
    stay = setup + cum[:, :, h]
    m = np.arange(1, h + 1)
    before = cum[:, :, m - 1]  # months 1..m-1 on the first option
    after = rest[:, :, m - 1]  # months m..h on the second (what it could not run before does not count)
    # The first option's bill runs on through the cut-over: its whole months, then a share of the
    # next (taken from the cut-over itself, not from m - 1 + cutover, which rounds a tiny share away).
    whole = np.minimum(m - 1 + int(np.floor(cutover)), h).astype(np.intp)
    part = np.where(whole < h, cutover - np.floor(cutover), 0.0)
    nxt = np.minimum(whole + 1, h)
    with np.errstate(invalid="ignore"):
        at_end = cum[:, :, whole] + np.where(part > 0, part * (cum[:, :, nxt] - cum[:, :, whole]), 0.0)
        overlap = at_end - cum[:, :, m - 1]

    def each() -> Iterator[Array]:
        for i in range(o):
            with np.errstate(invalid="ignore"):
                move = setup[i, None, :, None] + before[i, None] + overlap[i, None] + migration[:, :, None] + after
            move[:, :, 0] = np.inf  # a migration at the start of month 1 is starting there
            move[i] = np.inf
            move[np.isnan(move)] = np.inf
            yield move

    return stay, each()


def _totals(cost: Array, setup: Array, migration: Array, cutover: float) -> tuple[Array, npt.NDArray[np.intp], Array]:
    """The horizon total of staying on each option (options, batch); and for moving from a to b, its
    best month (options, options, batch: the first with the least total) and that total (inf where no
    month can), from `_moves`."""
    o, b, _ = cost.shape
    stay, moves = _moves(cost, setup, migration, cutover)
    month = np.ones((o, o, b), dtype=np.intp)
    total = np.full((o, o, b), np.inf)
    for i, move in enumerate(moves):
        first = np.argmin(move, axis=2)
        month[i] = first + 1
        total[i] = np.take_along_axis(move, first[..., None], axis=2)[..., 0]
    return stay, month, total


def _cumulative(
    cost: Array, setup: float, migration: float, start: int, then: int | None, month: int | None, cutover: float
) -> Array:
    """One strategy's cost to the end of each month (cost: options x months)."""
    h = cost.shape[1]
    spent = np.zeros(h)
    spent[0] += setup
    if then is None or month is None:
        spent += cost[start]
    else:
        spent[: month - 1] += cost[start, : month - 1]
        spent[month - 1 :] += cost[then, month - 1 :]
        spent[month - 1] += migration
        first = month - 1
        whole = int(np.floor(cutover))
        spent[first : first + whole] += cost[start, first : first + whole]
        if cutover > whole and first + whole < h:
            spent[first + whole] += (cutover - whole) * cost[start, first + whole]
    return np.cumsum(spent)


def _frame(profile: WorkloadProfile, runs: Array) -> pd.DataFrame:
    frame = profiles_frame(profile).take(np.zeros(runs.size, dtype=np.intp))
    frame.index = pd.RangeIndex(runs.size)
    frame["monthly_runs"] = runs
    return frame


def strategies_of(
    opts: list[str],
    names: dict[str, str],
    plans: dict[str, npt.NDArray[np.object_]],
    runs: Array,
    rates: list[float],
    cost: Array,
    setup: dict[str, Value],
    migration: dict[str, Value],
    cut: float,
) -> Path:
    """From each option's bill per month (options, growth rates, months): the path, with every strategy at
    the profile's growth, cheapest first, the best at each other growth rate and each option's month by
    month (no draws: `path` adds them)."""
    batch, h = cost.shape[1], cost.shape[2]
    s_arr = np.array([[float(setup[o])] * batch for o in opts])
    m_arr = np.array([[float(migration[o])] * batch for o in opts])
    stay, best_month, best_total = _totals(cost, s_arr, m_arr, cut)

    def best_of(k: int) -> list[Strategy]:
        found = []
        for i, option in enumerate(opts):
            if np.isfinite(stay[i, k]):
                found.append(
                    Strategy(
                        option,
                        None,
                        None,
                        float(stay[i, k]),
                        _cumulative(cost[:, k], float(setup[option]), 0.0, i, None, None, cut),
                    )
                )
            for j, other in enumerate(opts):
                if i == j:
                    continue
                month = int(best_month[i, j, k])
                total = float(best_total[i, j, k])
                if np.isfinite(total):
                    found.append(
                        Strategy(
                            option,
                            other,
                            month,
                            total,
                            _cumulative(cost[:, k], float(setup[option]), float(migration[other]), i, j, month, cut),
                        )
                    )
        return sorted(found, key=lambda s: s.total)

    strategies = best_of(0)
    by_growth = tuple(
        GrowthPoint(g, ranked[0]) for g, ranked in ((g, best_of(1 + n)) for n, g in enumerate(rates)) if ranked
    )
    monthly = pd.DataFrame(
        {
            "month": np.tile(np.arange(1, h + 1), len(opts)),
            "option": np.repeat(opts, h),
            "name": [names[o] for o in np.repeat(opts, h)],
            "runs": np.tile(runs, len(opts)),
            "cost_usd": cost[:, 0].ravel(),
            "plan": np.concatenate([plans[o] for o in opts]),
        }
    )
    return Path(
        h,
        runs,
        monthly,
        {k: float(v) for k, v in setup.items()},
        {k: float(v) for k, v in migration.items()},
        cut,
        tuple(strategies),
        by_growth,
        {},
    )


def path(
    profile: WorkloadProfile,
    book: PriceBook,
    options: Sequence[str],
    *,
    draws: int = 0,
    seed: int = DEFAULT_SEED,
    growth_rates: Sequence[float] = GROWTH_RATES,
) -> Path:
    """Every strategy over the profile's horizon: stay on each option, or start on one and migrate to
    another in its best month; the best month at other growth rates; with `draws`, the share of draws
    of every uncertain input in which each strategy is the best."""
    h = profile.path.horizon_months
    wanted = set(options)
    opts = [t.id for t in book.options() if t.id in wanted]  # the engine's order, whatever the order asked
    runs = volumes(profile)
    rates = [] if profile.path.monthly_runs_by_month else [float(g) for g in growth_rates]
    stacked = np.concatenate([runs, *(volumes(profile, g) for g in rates)])
    priced = estimate(_frame(profile, stacked), book, opts, ranges=False)
    batch = 1 + len(rates)
    cost = np.stack([o.comparable.reshape(batch, h) for o in priced.options])  # options, batch, months
    plans = {o.id: o.bill.plan.reshape(batch, h)[0] for o in priced.options}
    names = {o.id: o.table.name for o in priced.options}
    setup, migration = efforts(profile, book, opts)
    cut = profile.path.cutover_months
    laid = strategies_of(opts, names, plans, runs, rates, cost, setup, migration, cut)
    if not draws:
        return laid
    chances, spread = _chances(profile, book, opts, runs, draws, seed)
    return replace(laid, chances=chances, draws=draws, stay_spread=spread)


def _chances(
    profile: WorkloadProfile, book: PriceBook, opts: list[str], runs: Array, draws: int, seed: int
) -> tuple[dict[str, float], dict[str, tuple[float, float, float]]]:
    """The share of draws in which each strategy (its migration month free) is the best, and P10, P50,
    P90 of staying on each option."""
    h = runs.size
    found: list[Input] = inputs(profile, book, opts)
    frame = _frame(profile, np.tile(runs, draws))
    values = {inp: np.repeat(draw(inp, draws, seed), h) for inp in found}
    sampled: Sampled = _sampled(values, frame)
    if profile.monthly_runs > 0:  # a drawn volume, at a drawn growth rate, grows along the path
        rate = next((inp for inp in profile_inputs(profile) if inp.field == GROWTH), None)
        if rate is None:
            growth = np.tile(runs / profile.monthly_runs, draws)
        else:
            months = np.tile(np.arange(h, dtype=np.float64), draws)
            growth = (1 + np.repeat(draw(rate, draws, seed), h) / 100.0) ** months
        drawn = any(inp.field == "monthly_runs" for inp in found)
        base = frame["monthly_runs"].to_numpy() if drawn else profile.monthly_runs
        frame["monthly_runs"] = np.minimum(base * growth, MOST_RUNS)
    priced = estimate(frame, book, opts, draw=sampled)
    cost = np.stack([o.comparable.reshape(draws, h) for o in priced.options])
    per_draw = Sampled({k: v[::h] for k, v in sampled.values.items()})  # noqa: PD011 (a dict, not a frame)
    setup, migration = efforts(profile, book, opts, per_draw)
    s_arr = np.stack([np.broadcast_to(np.asarray(setup[o], dtype=np.float64), (draws,)) for o in opts])
    m_arr = np.stack([np.broadcast_to(np.asarray(migration[o], dtype=np.float64), (draws,)) for o in opts])
    stay, _, pair_best = _totals(cost, s_arr, m_arr, profile.path.cutover_months)  # pair_best: options, options, draws
    o = len(opts)
    every = np.concatenate([stay, pair_best.reshape(o * o, draws)])
    keys = [*opts, *(f"{a}>{b}" for a in opts for b in opts)]
    winner = np.argmin(every, axis=0)
    ok = np.isfinite(every[winner, np.arange(draws)])
    counts = np.bincount(winner[ok], minlength=len(keys))
    spread = {}
    for i, option in enumerate(opts):
        runs_all = stay[i][np.isfinite(stay[i])]
        if runs_all.size:
            p10, p50, p90 = np.percentile(runs_all, (10, 50, 90))
            spread[option] = (float(p10), float(p50), float(p90))
    return {k: float(c) / draws for k, c in zip(keys, counts, strict=True) if c}, spread
