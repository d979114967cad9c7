"""How sure the answer is: a seeded Monte Carlo over every uncertain input, and the inputs that decide it.

An uncertain input is a number of a pricing table given as a range (a price two sources disagree on,
an estimated cluster cost, the share of an engineer operating an option, the engineer's cost, a
calibrated count) or a workload field the profile gives as a range (`ranges:`). Each is drawn
independently: triangular on low, expected and high unless its table or the profile says uniform.
A graduated price with a factor range draws one factor for all its bands.

Each draw is one row of a single `estimate()` call (`Sampled` carries a value per row for every
drawn number), so 10,000 draws across every option cost one engine call on 10,000 rows. Every input
draws from a stream of its own, seeded by the run's seed and the input's name: the same inputs and
seed give the same figures, and adding an input elsewhere does not move the others' draws.

Limits, machine sizes, rate caps and concurrency caps are rules, not costs: they are not drawn.
A negotiated price, a pinned plan or a team figure you enter replaces the table's number, range and all.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.billing import Array
from model.columns import profiles_frame
from model.engine import Estimate, estimate
from schema.inputs import field_title
from schema.names import key_words, number_name
from schema.numbers import Number, Sampled, Tiered
from schema.profile import BOUNDS, GROWTH, WorkloadProfile
from schema.tables import PriceBook, PriceTable

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "Band",
    "CrossoverSpread",
    "Input",
    "MonteCarlo",
    "Spread",
    "Swing",
    "Tornado",
    "bands",
    "cheapest_shares",
    "draw",
    "inputs",
    "monte_carlo",
    "percentiles",
    "tornado",
]

DEFAULT_DRAWS = 10_000
DRAWS_KEPT = 512
"""Inputs' draws kept between calls (`draw`): about 40 MB at the default draws, three Monte Carlos' worth
of inputs."""
DEFAULT_SEED = 1
BAND_DRAWS = 200
"""Draws per point of a crossover chart's band."""
FLIP_POINTS = 33
"""Points per input on which the tornado looks for the value that flips the decision."""
_DRAWN_PLAN_PARTS = ("fee", "fee_share", "credit", "included", "prices")
SEEN_SHARE = 0.01
"""A tornado keeps a swing of at least this share of the largest (a thinner bar cannot be seen), or
one that flips the decision within its range."""
FACTOR = "factor:"
"""The stream of a factor shared across tables (`moves_with`)."""


@dataclass(frozen=True, eq=False)
class Input:
    """One uncertain input and how it is drawn."""

    key: str
    """`<table id>:<path>` for a table's number, `profile:<field>` for a workload range."""
    label: str
    unit: str
    low: float
    expected: float
    high: float
    distribution: str
    item: Number | Tiered | None = None
    """The table's number (its identity is what a draw is keyed by); None for a workload field."""
    field: str | None = None
    """The profile field, for a workload range."""
    source: str | None = None
    confidence: str | None = None
    stream: str | None = None
    """The key whose random stream this input draws from (its own, unless it moves with another)."""

    @property
    def width(self) -> float:
        return self.high - self.low


def _drawn_path(path: tuple[str, ...]) -> bool:
    if path[0] in ("prices", "counting", "assumptions"):
        return True
    return path[0] == "plans" and path[2] in _DRAWN_PLAN_PARTS


def _label(table: PriceTable, path: tuple[str, ...], moves_with: str | None = None) -> str:
    """`<option>: <the number in words>`; a factor every option shares reads as that factor."""
    if moves_with is not None:
        return f"{key_words(moves_with)}, every option alike"
    return f"{table.name}: {number_name(table, path)}"


def _table_inputs(table: PriceTable) -> Iterable[Input]:
    for path, item in table.numbers().items():
        if not _drawn_path(path) or not item.ranged:
            continue
        key = f"{table.id}:{'.'.join(path)}"
        confidence = table.confidence_of(item)
        stream = key
        if isinstance(item, Number) and item.drawn_with:
            stream = f"{table.id}:{item.drawn_with}"
        elif isinstance(item, Number) and item.moves_with:
            stream = f"{FACTOR}{item.moves_with}"
        if isinstance(item, Tiered):  # a graduated price moves as one factor on every band
            assert item.low_factor is not None and item.high_factor is not None
            label, unit = _label(table, path) + " (factor on every band)", "multiplier"
            low, expected, high = item.low_factor, 1.0, item.high_factor
        else:
            assert item.low is not None and item.high is not None
            label, unit = _label(table, path, item.moves_with), item.unit.value
            low, expected, high = item.low, item.expected, item.high
        yield Input(
            key,
            label,
            unit,
            low,
            expected,
            high,
            item.distribution or "triangular",
            item,
            None,
            item.source,
            confidence,
            stream,
        )


def inputs(profile: WorkloadProfile, book: PriceBook, options: Sequence[str] | None = None) -> list[Input]:
    """Every uncertain input of these options (all options when None): the ranged numbers of their
    tables and of the reference tables they use, then the profile's workload ranges."""
    wanted = [t for t in book.options() if options is None or t.id in options]
    ids: list[str] = []
    for table in wanted:
        for used in (table.id, *table.uses):
            if used not in ids and used in book.tables:
                ids.append(used)
    found = [inp for table_id in ids for inp in _table_inputs(book.table(table_id))]
    found += [inp for inp in profile_inputs(profile) if inp.field != GROWTH]
    return [inp for inp in found if inp.width > 0]


def profile_inputs(profile: WorkloadProfile) -> list[Input]:
    """The profile's own doubts as inputs: its ranges, and the schema's default doubt on the fields
    it gives no range (`WorkloadProfile.doubts`); the growth rate is drawn only along the path."""
    out = []
    for name, bounds in profile.doubts().items():
        value = float(profile.path.growth_percent_per_month if name == GROWTH else getattr(profile, name))
        out.append(
            Input(
                f"profile:{name}",
                field_title(name),
                "%/month" if name == GROWTH else _field_unit(name),
                bounds.low,
                value,
                bounds.high,
                bounds.distribution,
                None,
                name,
                confidence="yours" if name in profile.ranges else "default doubt",
                stream=f"profile:{name}",
            )
        )
    return out


def _field_unit(name: str) -> str:
    extra = WorkloadProfile.model_fields[name].json_schema_extra
    return str(extra.get("unit", "")) if isinstance(extra, dict) else ""


def _stream(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def draw(inp: Input, n: int, seed: int) -> Array:
    """`n` draws of one input by the inverse of its distribution, from its seeded stream (inputs that
    move together share a stream, so they take the same quantiles). Read-only: the same draws are
    shared by every caller that asks for them."""
    return _drawn(inp.stream or inp.key, inp.distribution, inp.low, inp.expected, inp.high, n, seed)


@functools.lru_cache(maxsize=DRAWS_KEPT)
def _drawn(stream: str, distribution: str, low: float, mode: float, high: float, n: int, seed: int) -> Array:
    """The draws of `draw`, kept: they depend on nothing but these, and a table's numbers do not change
    from one edit of a profile to the next (a tenth of a Monte Carlo's time was drawing them again)."""
    u = _stream(seed, stream).random(n)
    if distribution == "uniform":
        out = low + u * (high - low)
    else:
        cut = (mode - low) / (high - low)
        with np.errstate(invalid="ignore"):
            out = np.where(
                u < cut,
                low + np.sqrt(u * (high - low) * (mode - low)),
                high - np.sqrt((1 - u) * (high - low) * (high - mode)),
            )
    out.setflags(write=False)
    return out


def _rows(profile: WorkloadProfile, n: int) -> pd.DataFrame:
    frame = profiles_frame(profile).take(np.zeros(n, dtype=np.intp))
    frame.index = pd.RangeIndex(n)
    return frame


def _sampled(values: dict[Input, Array], frame: pd.DataFrame) -> Sampled:
    """Set the drawn workload fields into `frame` and key the drawn table numbers for the engine."""
    keyed: dict[int, Array] = {}
    for inp, column in values.items():
        if inp.item is not None:
            keyed[id(inp.item)] = column
        else:
            assert inp.field is not None
            frame[inp.field] = column
    return Sampled(keyed)


@dataclass(frozen=True)
class Spread:
    """One option's monthly cost over the draws."""

    id: str
    name: str
    point: float
    """The estimate at every input's expected value [USD/month] (NaN where the option cannot run it)."""
    p10: float
    p50: float
    p90: float
    mean: float
    cheapest_share: float
    """The share of draws in which this option is the cheapest of those that can run the workload."""
    runs_share: float
    """The share of draws in which this option can run the workload at all."""


@dataclass(frozen=True)
class MonteCarlo:
    draws: int
    seed: int
    options: tuple[Spread, ...]
    none_share: float
    """The share of draws in which no option can run the workload (so the shares sum to 1 with it)."""
    inputs: tuple[Input, ...]
    totals: npt.NDArray[np.float64]
    """Monthly cost per draw and option, shape (draws, options); NaN where an option cannot run it."""

    def option(self, option_id: str) -> Spread:
        return next(s for s in self.options if s.id == option_id)

    @property
    def leader(self) -> Spread | None:
        """The option cheapest in the most draws (ties: the lower median)."""
        ranked = sorted(self.options, key=lambda s: (-s.cheapest_share, np.nan_to_num(s.p50, nan=np.inf)))
        return ranked[0] if ranked and ranked[0].cheapest_share > 0 else None


def cheapest_shares(totals: npt.NDArray[np.float64]) -> tuple[Array, float]:
    filled = np.where(np.isnan(totals), np.inf, totals)
    winner = np.argmin(filled, axis=1)
    none = ~np.isfinite(filled[np.arange(len(filled)), winner])
    counts = np.bincount(winner[~none], minlength=totals.shape[1])
    return counts / len(totals), float(none.mean())


def percentiles(column: Array) -> tuple[float, float, float, float]:
    ok = column[~np.isnan(column)]
    if ok.size == 0:
        return (np.nan,) * 4
    p10, p50, p90 = np.percentile(ok, (10, 50, 90))
    return float(p10), float(p50), float(p90), float(ok.mean())


def _draws(
    profile: WorkloadProfile, book: PriceBook, options: Sequence[str], n: int, seed: int, found: Sequence[Input]
) -> Estimate:
    frame = _rows(profile, n)
    sampled = _sampled({inp: draw(inp, n, seed) for inp in found}, frame)
    return estimate(frame, book, options, draw=sampled)


def monte_carlo(
    profile: WorkloadProfile,
    book: PriceBook,
    options: Sequence[str],
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    point: Mapping[str, float] | None = None,
) -> MonteCarlo:
    """Each option's monthly cost over `draws` draws of every uncertain input: P10, P50, P90, and
    the share of draws in which each is the cheapest. One engine call on `draws` rows. `point`, each
    option's expected cost where the caller has priced the profile already (NaN where the option
    cannot run it), saves pricing it again."""
    if draws < 1:
        raise ValueError(f"draws: {draws} must be at least 1")
    found = tuple(inputs(profile, book, options))
    priced = _draws(profile, book, options, draws, seed, found)
    if point is None or not set(options) <= point.keys():
        at = estimate(profile, book, options, ranges=False)
        point = {o.id: float(o.comparable[0]) for o in at.options}
    totals = np.stack([o.comparable for o in priced.options], axis=1)
    named = [(o.id, o.table.name) for o in priced.options]
    return spread_of(named, totals, point, draws, seed, found)


def spread_of(
    options: Sequence[tuple[str, str]],
    totals: npt.NDArray[np.float64],
    point: Mapping[str, float],
    draws: int,
    seed: int,
    found: tuple[Input, ...],
) -> MonteCarlo:
    """A Monte Carlo from each draw's cost of each option (`totals`, shape (draws, options), NaN where
    it cannot run): each option's (id, name) P10, P50, P90, mean and shares, beside its `point` estimate."""
    shares, none = cheapest_shares(totals)
    spreads = []
    for j, (option, name) in enumerate(options):
        p10, p50, p90, mean = percentiles(totals[:, j])
        spreads.append(
            Spread(
                option,
                name,
                float(point.get(option, np.nan)),
                p10,
                p50,
                p90,
                mean,
                float(shares[j]),
                float(np.mean(~np.isnan(totals[:, j]))),
            )
        )
    return MonteCarlo(draws, seed, tuple(spreads), none, found, totals)


@dataclass(frozen=True)
class Swing:
    """How far one input moves the gap between the two leading options across its range."""

    input: Input
    gap_low: float
    """Runner-up minus leader [USD/month] with the input at its low end, every other input expected."""
    gap_high: float
    flips_at: float | None
    """The input's value at which the gap changes sign, nearest its expected value: where the two cost
    the same, or where a plan or tier step jumps the gap across zero (None: no change of sign from three
    ranges below the low end, not below zero or the field's least, to three ranges past the high end)."""
    moves_with: tuple[str, ...] = ()
    """Labels of the inputs that move with this one (a plan's credit with its fee)."""

    @property
    def swing(self) -> float:
        return abs(self.gap_high - self.gap_low)

    @property
    def flips_within_range(self) -> bool:
        return self.flips_at is not None and self.input.low <= self.flips_at <= self.input.high


@dataclass(frozen=True)
class Tornado:
    leader: str
    runner: str
    leader_name: str
    runner_name: str
    gap: float
    """Runner-up minus leader at every input's expected value [USD/month]."""
    swings: tuple[Swing, ...]
    """Largest swing first; inputs that move neither option are left out, and those that move the gap
    by less than `SEEN_SHARE` of the largest swing without flipping it."""


def _span(inp: Input) -> tuple[float, float]:
    """Where the tornado looks for a flip: from three ranges below the low end (not below zero or the
    field's least) to three ranges past the high end."""
    least = 0.0
    most = np.inf
    if inp.field is not None:
        low, high = BOUNDS[inp.field]
        least = low if low is not None else 0.0
        most = high if high is not None else np.inf
    elif inp.unit == "fraction":
        most = 1.0
    return max(least, inp.low - 3 * inp.width), min(most, inp.high + 3 * inp.width)


def tornado(
    profile: WorkloadProfile, book: PriceBook, leader: str, runner: str, found: Sequence[Input] | None = None
) -> Tornado:
    """Swing each uncertain input from its low to its high end, every other input at its expected
    value, and find where each would flip the decision: one engine call for every input."""
    every = list(inputs(profile, book, [leader, runner]) if found is None else found)
    groups: dict[str, list[Input]] = {}
    for inp in every:  # inputs that move together swing together, shown as the first of them
        groups.setdefault(inp.stream or inp.key, []).append(inp)
    found = [members[0] for members in groups.values()]
    k = len(found)
    grids = [np.linspace(*_span(inp), FLIP_POINTS) for inp in found]
    per = 2 + FLIP_POINTS
    n = 1 + k * per
    frame = _rows(profile, n)
    values: dict[Input, Array] = {}
    for i, (inp, members) in enumerate(zip(found, groups.values(), strict=True)):
        start = 1 + i * per
        at = np.array([inp.low, inp.high, *grids[i]])
        position = (at - inp.low) / inp.width  # where in its range the first member stands
        for member in members:
            column = np.full(n, member.expected)
            column[start : start + per] = member.low + position * member.width if member is not inp else at
            values[member] = column
    priced = estimate(frame, book, [leader, runner], draw=_sampled(values, frame))
    names = {o.id: o.table.name for o in priced.options}
    gap = priced.option(runner).comparable - priced.option(leader).comparable
    swings = []
    for i, inp in enumerate(found):
        start = 1 + i * per
        g_low, g_high = float(gap[start]), float(gap[start + 1])
        if g_low == g_high == float(gap[0]) or (np.isnan(g_low) and np.isnan(g_high)):
            continue
        members = groups[inp.stream or inp.key]
        swings.append(
            Swing(
                inp,
                g_low,
                g_high,
                _root(grids[i], gap[start + 2 : start + per], inp.expected),
                tuple(dict.fromkeys(m.label for m in members[1:] if m.label != inp.label)),
            )
        )
    swings.sort(key=lambda s: -np.nan_to_num(s.swing, nan=np.inf))
    finite = [s.swing for s in swings if np.isfinite(s.swing)]
    if finite:  # too small to see beside the largest, and no flip in it (an unpriced end is always seen)
        seen = max(finite) * SEEN_SHARE
        swings = [s for s in swings if not s.swing < seen or s.flips_within_range]
    return Tornado(leader, runner, names[leader], names[runner], float(gap[0]), tuple(swings))


def _bracket(x: Array, y: Array, near: float) -> tuple[float, float] | None:
    """The grid cell (or grid point) where y crosses zero along x, the one nearest `near`: (lo, hi)."""
    ok = ~np.isnan(y)
    x, y = x[ok], y[ok]
    if x.size < 2:
        return None
    sign = np.sign(y)
    cells = [(float(x[i]), float(x[i + 1])) for i in np.nonzero(sign[:-1] * sign[1:] < 0)[0]]
    cells += [(float(v), float(v)) for v in x[y == 0]]
    return min(cells, key=lambda c: min(abs(c[0] - near), abs(c[1] - near))) if cells else None


def _root(x: Array, y: Array, near: float) -> float | None:
    """Where y crosses zero along x (linear between grid points), nearest `near`."""
    ok = ~np.isnan(y)
    x, y = x[ok], y[ok]
    if x.size < 2:
        return None
    sign = np.sign(y)
    cross = np.nonzero(sign[:-1] * sign[1:] < 0)[0]
    roots = [float(x[i] - y[i] * (x[i + 1] - x[i]) / (y[i + 1] - y[i])) for i in cross]
    roots += [float(v) for v in x[y == 0]]
    return min(roots, key=lambda r: abs(r - near)) if roots else None


REFINE_STEPS = 12
"""Halvings of a grid cell that pin each draw's crossover (a cell of the band's grid to 1/4096 of it)."""


def _refine(
    profile: WorkloadProfile,
    book: PriceBook,
    pair: tuple[str, str],
    field: str,
    drawn: dict[Input, Array],
    lo: Array,
    hi: Array,
    log: bool,
) -> Array:
    """Each draw's crossover within its cell [lo, hi] (positions on the chart's axis), by halving the
    cell, every draw at once: one engine call of the two options per halving."""
    a, b = pair
    frame = _rows(profile, lo.size)

    def gap(position: Array) -> Array:
        frame[field] = np.exp(position) if log else position
        priced = estimate(frame, book, [a, b], draw=_sampled(drawn, frame))
        return np.asarray(priced.option(b).comparable - priced.option(a).comparable, dtype=np.float64)

    g_lo = gap(lo)
    for _ in range(REFINE_STEPS):
        mid = (lo + hi) / 2
        g = gap(mid)
        same = np.sign(g) == np.sign(g_lo)
        lo, g_lo, hi = np.where(same, mid, lo), np.where(same, g, g_lo), np.where(same, hi, mid)
    return (lo + hi) / 2


@dataclass(frozen=True)
class Band:
    """P10-P50-P90 of each option's monthly cost at each point of a crossover chart."""

    field: str
    frame: pd.DataFrame
    """Long format: field value, option, p10, p50, p90 [USD/month]."""
    crossovers: tuple[CrossoverSpread, ...]


@dataclass(frozen=True)
class CrossoverSpread:
    """Where two options' costs cross along the chart's field, over the draws."""

    options: tuple[str, str]
    p10: float
    p50: float
    p90: float
    share: float
    """The share of draws in which they cross within the chart's span."""


def bands(
    profile: WorkloadProfile,
    book: PriceBook,
    options: Sequence[str],
    field: str,
    xs: npt.ArrayLike,
    *,
    draws: int = BAND_DRAWS,
    seed: int = DEFAULT_SEED,
    pairs: Sequence[tuple[str, str]] = (),
    points: Sequence[float] = (),
    found: Sequence[Input] | None = None,
    log: bool = True,
) -> Band:
    """Each option's P10-P90 band along `field`, and where each pair in `pairs` crosses over the
    draws. Every draw keeps its numbers across the chart (a curve per draw): one engine call; then
    each draw's crossover nearest the pair's crossover at the estimate (`points`, in the order of
    `pairs`) is pinned within its grid cell by halving it."""
    x = np.asarray(xs, dtype=np.float64)
    found = [inp for inp in (inputs(profile, book, options) if found is None else found) if inp.field != field]
    m = x.size
    frame = _rows(profile, m * draws)
    frame[field] = np.repeat(x, draws)
    values = {inp: np.tile(draw(inp, draws, seed), m) for inp in found}
    priced = estimate(frame, book, list(options), draw=_sampled(values, frame))
    curves = {o.id: o.comparable.reshape(m, draws) for o in priced.options}
    parts = []
    with np.errstate(all="ignore"):
        for o in priced.options:
            c = curves[o.id]
            q = np.full((3, m), np.nan)
            ok = ~np.isnan(c).all(axis=1)
            if ok.any():
                q[:, ok] = np.nanpercentile(c[ok], (10, 50, 90), axis=1)
            parts.append(
                pd.DataFrame({field: x, "option": o.id, "name": o.table.name, "p10": q[0], "p50": q[1], "p90": q[2]})
            )
    spreads = []
    position = np.log(x) if log else x
    per_draw = {inp: draw(inp, draws, seed) for inp in found}
    for i, (a, b) in enumerate(pairs):
        gap = curves[b] - curves[a]
        near = points[i] if i < len(points) else None
        centre = float(np.median(position)) if near is None else float(np.log(near) if log else near)
        cells = [_bracket(position, gap[:, d], centre) for d in range(draws)]
        rows = np.array([d for d, c in enumerate(cells) if c is not None], dtype=np.intp)
        if not rows.size:
            continue
        lo = np.array([c[0] for c in cells if c is not None])
        hi = np.array([c[1] for c in cells if c is not None])
        drawn = {inp: v[rows] for inp, v in per_draw.items()}
        found_at = _refine(profile, book, (a, b), field, drawn, lo, hi, log)
        values_at = np.exp(found_at) if log else found_at
        p10, p50, p90 = np.percentile(values_at, (10, 50, 90))
        spreads.append(CrossoverSpread((a, b), float(p10), float(p50), float(p90), rows.size / draws))
    return Band(field, pd.concat(parts, ignore_index=True), tuple(spreads))
