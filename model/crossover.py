"""Crossovers: the exact values of a profile field at which two options cost the same.

Costs are piecewise functions of any one field (linear pieces in monthly runs, quadratic ones in
steps when context grows, steps where a plan or a fleet size changes). A grid brackets every
sign change of the cost difference; each bracket is then cut into many parts at once, all
brackets in one vectorized engine call, keeping the part where the sign changes, until it is
narrower than `ROOT_TOLERANCE`. (A root finder that asks for one point per bracket per call, such
as SciPy's elementwise Chandrupatla, needs about 23 engine calls for a plan switch, which
converges no faster than bisection; an engine call costs about the same for 16 points as for one
and 1.5 times as much for 512, so a lone bracket is cut into 512 parts a call and needs 3.) The
first call also probes both sides of each bracket's secant root: where the difference is straight
across the bracket, that call alone pins the root. Where the difference jumps across zero instead
of passing through it (a plan switch), the point is the jump itself, marked `kind="jump"`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import numpy.typing as npt

from model.columns import Columns, profiles_frame
from model.engine import comparable_totals
from schema.profile import BOUNDS, ProfileError, WorkloadProfile
from schema.tables import PriceBook

__all__ = ["Crossover", "all_crossovers", "crossovers", "crossovers_along", "grid"]

GRID_POINTS = 513
TOLERANCE = 1e-6
"""Relative difference in cost below which two options count as equal."""
OPS_PREFIX = "ops_fte."
"""`ops_fte.<option id>`: the share of an engineer operating that option, as a field to find a
break-even on (the team input `team.ops_fte`)."""
OPS_BOUNDS = (0.0, 10.0)
ROOT_TOLERANCE = 1e-8
"""Relative precision of a crossover's value."""
SECTIONS = 16
"""The fewest parts a bracket is cut into per engine call while a crossover is refined."""
POINTS_PER_CALL = 512
"""Points evaluated per engine call while crossovers are refined, over all brackets: a call of 512
rows costs about one and a half times a call of 15 (measured on two options)."""
MAX_ROUNDS = 30


@dataclass(frozen=True)
class Crossover:
    field: str
    value: float
    """Where the costs meet, in the field's unit."""
    cost_usd: float
    """The (common) monthly cost there [USD/month]; for a jump, the mean of the two sides."""
    options: tuple[str, str]
    cheaper_below: str
    cheaper_above: str
    kind: Literal["cross", "jump"]
    changes_cheapest: bool
    """True where the cheapest of all options changes here."""


def grid(low: float, high: float, points: int = GRID_POINTS, log: bool | None = None) -> npt.NDArray[np.float64]:
    """Points spanning [low, high]: log-spaced when the span covers two decades or more."""
    if log is None:
        log = low > 0 and high / low >= 100
    return np.geomspace(low, high, points) if log else np.linspace(low, high, points)


def _totals(
    profile: WorkloadProfile, field: str, book: PriceBook, ids: list[str]
) -> Callable[[npt.ArrayLike], npt.NDArray[np.float64]]:
    """x -> expected monthly cost of each option at each x, shape (len(x), len(ids)); NaN where
    an option cannot run the workload."""
    base = Columns(profiles_frame(profile))
    option = field.removeprefix(OPS_PREFIX) if field.startswith(OPS_PREFIX) else None
    low, high = OPS_BOUNDS if option is not None else BOUNDS[field]

    def totals(x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        flat = np.asarray(x, dtype=np.float64).ravel()
        _check_span(field, flat, low, high)
        if option is not None:  # an operations share: a team input, not a profile column
            rows = base.repeated(flat.size, "monthly_runs", np.full(flat.size, profile.monthly_runs))
            return comparable_totals(rows.with_ops_fte(option, flat), book, ids)
        return comparable_totals(base.repeated(flat.size, field, flat), book, ids)

    return totals


Span = tuple[str, float, float, bool | None]
"""(field, low, high, log): a field and the range its crossovers are looked for in (`log`: None
for log-spaced points where the range covers two decades or more)."""


def all_crossovers(
    profile: WorkloadProfile,
    field: str,
    book: PriceBook,
    low: float,
    high: float,
    options: list[str] | None = None,
    *,
    points: int = GRID_POINTS,
    log: bool | None = None,
) -> list[Crossover]:
    """Every value of `field` in [low, high] at which the cheapest of the options (default: all)
    and another cost the same, sorted by value: every point where the cheapest changes, and every
    point where another option crosses the cheapest. (Crossings between two dearer options are
    left out: with ten or more options they are many and decide nothing.)

    One sweep over the grid prices every option; every bracketed sign change of such a pair is
    then refined in a single vectorized root-finder call (each element carries its pair).
    """
    return crossovers_along(profile, [(field, low, high, log)], book, options, points=points)[0]


def crossovers_along(
    profile: WorkloadProfile,
    spans: Sequence[Span],
    book: PriceBook,
    options: list[str] | None = None,
    *,
    points: int = GRID_POINTS,
) -> list[list[Crossover]]:
    """`all_crossovers` along each span, the spans' grids priced in one engine call, their brackets
    refined together (each round of every span in one call) and the options' costs at every crossover
    found in one more: an engine call costs mostly per call, not per row."""
    ids = options or [t.id for t in book.options()]
    grids = [grid(low, high, points, log) for _, low, high, log in spans]
    costs = _priced_along(profile, [(span[0], x) for span, x in zip(spans, grids, strict=True)], book, ids)
    searches = [_Search.of(span[0], ids, x, c) for span, x, c in zip(spans, grids, costs, strict=True)]
    _refine(profile, searches, book, ids)
    found = [s.found for s in searches]
    at = [np.nan_to_num(np.array([f[0] for f in each]), nan=span[1]) for span, each in zip(spans, found, strict=True)]
    with np.errstate(invalid="ignore"):
        every = _priced_along(profile, [(span[0], x) for span, x in zip(spans, at, strict=True) if x.size], book, ids)
    priced = iter(every)
    return [
        _crossings(span[0], ids, each, next(priced)) if each else [] for span, each in zip(spans, found, strict=True)
    ]


def _priced_along(
    profile: WorkloadProfile, along: list[tuple[str, npt.NDArray[np.float64]]], book: PriceBook, ids: list[str]
) -> list[npt.NDArray[np.float64]]:
    """Each field's expected costs at its values (`_totals`), in one engine call where the fields are
    profile columns (an operations share is a team input: priced on its own)."""
    if len(along) <= 1 or any(field.startswith(OPS_PREFIX) for field, _ in along):
        return [_totals(profile, field, book, ids)(x) for field, x in along]
    for field, x in along:
        _check_span(field, x, *BOUNDS[field])
    base = Columns(profiles_frame(profile))
    sizes = [x.size for _, x in along]
    rows = sum(sizes)
    columns = {field: np.repeat(base[field], rows) for field, _ in along}
    start = 0
    for (field, x), size in zip(along, sizes, strict=True):
        columns[field][start : start + size] = x
        start += size
    first = along[0][0]
    stacked = base.repeated(rows, first, columns[first]).replaced(columns)
    totals = comparable_totals(stacked, book, ids)
    return np.split(totals, np.cumsum(sizes)[:-1])


def _check_span(field: str, flat: npt.NDArray[np.float64], low: float | None, high: float | None) -> None:
    bad = (
        ~np.isfinite(flat)
        | ((flat < low) if low is not None else False)
        | ((flat > high) if high is not None else False)
    )
    if np.any(bad):
        raise ProfileError([(field, float(flat[bad][0]), f"allowed: {low:g} to {high:g}")])


Found = tuple[float, int, int, float, float]
"""(value, a, b, difference left of it, difference right of it): where options a and b cross."""


@dataclass
class _Search:
    """The crossings of the cheapest and another option along one field, from their costs on a grid:
    those the grid hits exactly, and the brackets still to refine (then refined, `_refine`)."""

    field: str
    found: list[Found]
    lo: Floats
    hi: Floats
    f_lo: Floats
    f_hi: Floats
    """Each bracket's ends on the grid, and the two options' cost difference there."""
    pa: npt.NDArray[np.int_]
    pb: npt.NDArray[np.int_]
    """Each bracket's two options (their index among all the options)."""

    @staticmethod
    def of(field: str, ids: list[str], x: Floats, costs: Floats) -> _Search:
        found: list[Found] = []
        pending: list[tuple[int, int, int]] = []  # (a, b, grid index of the bracket's left end)
        # Only crossings of the cheapest option: a pair is refined where one of the two is the
        # cheapest at either end of the bracket (so every change of the cheapest is found).
        with np.errstate(invalid="ignore"):
            cheapest = np.argmin(np.where(np.isnan(costs), np.inf, costs), axis=1)
        for a, b in combinations(range(len(ids)), 2):
            d = costs[:, a] - costs[:, b]
            sign = np.sign(d)
            involved = np.isin(cheapest, (a, b))
            near = involved | np.roll(involved, 1) | np.roll(involved, -1)
            exact = np.flatnonzero((sign == 0) & (np.roll(sign, 1) * np.roll(sign, -1) < 0) & near)
            found += [(float(x[i]), a, b, float(d[i - 1]), float(d[i + 1])) for i in exact if 0 < i < len(x) - 1]
            brackets = (sign[:-1] * sign[1:] < 0) & (involved[:-1] | involved[1:])
            pending += [(a, b, int(i)) for i in np.flatnonzero(brackets)]
        pa, pb, pi = (
            (np.array(v, dtype=np.int_) for v in zip(*pending, strict=True)) if pending else (np.zeros(0, np.int_),) * 3
        )
        left = costs[pi, pa] - costs[pi, pb]
        right = costs[pi + 1, pa] - costs[pi + 1, pb]
        return _Search(field, found, x[pi].astype(np.float64), x[pi + 1].astype(np.float64), left, right, pa, pb)

    @property
    def options(self) -> set[int]:
        """The options some bracket involves: only those are priced while the roots are refined."""
        return set(self.pa.tolist()) | set(self.pb.tolist())


def _refine(profile: WorkloadProfile, searches: Sequence[_Search], book: PriceBook, ids: list[str]) -> None:
    """Refine every search's brackets (`_sectioned_steps`), each round of all of them in one engine call,
    and add the roots to their `found`, sorted."""
    steps = {k: _sectioned_steps(s.lo, s.hi, s.f_lo, s.f_hi) for k, s in enumerate(searches) if s.pa.size}
    asks = {k: next(step) for k, step in steps.items()}
    while asks:
        union = sorted(set().union(*(searches[k].options for k in asks)))
        where = {option: c for c, option in enumerate(union)}
        along = [(searches[k].field, points.ravel()) for k, (points, _) in asks.items()]
        priced = _priced_along(profile, along, book, [ids[j] for j in union])
        answered: dict[int, tuple[Floats, npt.NDArray[np.intp]]] = {}
        for (k, (points, rows)), costs in zip(asks.items(), priced, strict=True):
            s = searches[k]
            at = costs.reshape(*points.shape, len(union))
            ia = np.array([where[a] for a in s.pa[rows].tolist()])[:, None]
            ib = np.array([where[b] for b in s.pb[rows].tolist()])[:, None]
            i, j = np.arange(points.shape[0])[:, None], np.arange(points.shape[1])[None, :]
            try:
                answered[k] = steps[k].send(np.asarray(at[i, j, ia] - at[i, j, ib]))
            except StopIteration as done:
                roots = done.value
                s.found += [
                    (float(roots[n]), int(s.pa[n]), int(s.pb[n]), float(s.f_lo[n]), float(s.f_hi[n]))
                    for n in range(s.pa.size)
                ]
        asks = answered
    for s in searches:
        s.found.sort()


def _crossings(
    field: str, ids: list[str], found: list[tuple[float, int, int, float, float]], every: npt.NDArray[np.float64]
) -> list[Crossover]:
    """The crossovers `found` along `field`, given every option's cost at each (`every`, a row each)."""
    column = {option: j for j, option in enumerate(ids)}
    out = []
    for k, (value, a, b, left, right) in enumerate(found):
        cost_a, cost_b = float(every[k, column[ids[a]]]), float(every[k, column[ids[b]]])
        if not (np.isfinite(value) and np.isfinite(cost_a) and np.isfinite(cost_b)):
            continue  # one of the two cannot run the workload there (not applicable)
        scale = max(abs(cost_a), abs(cost_b), 1.0)
        kind: Literal["cross", "jump"] = "cross" if abs(cost_a - cost_b) <= TOLERANCE * scale else "jump"
        out.append(
            Crossover(
                field=field,
                value=value,
                cost_usd=(cost_a + cost_b) / 2,
                options=(ids[a], ids[b]),
                cheaper_below=ids[a] if left < 0 else ids[b],
                cheaper_above=ids[a] if right < 0 else ids[b],
                kind=kind,
                changes_cheapest=min(cost_a, cost_b) <= float(np.nanmin(every[k])) + TOLERANCE * scale,
            )
        )
    return sorted(out, key=lambda c: c.value)


Floats = npt.NDArray[np.float64]
Difference = Callable[[Floats, npt.NDArray[np.intp]], Floats]
"""`f(points, rows)`: the difference of each bracket `rows[i]` at the points `points[i, :]`."""


def _secant(lo: Floats, hi: Floats, f_lo: Floats, f_hi: Floats) -> Floats:
    """Where the straight line through (lo, f_lo) and (hi, f_hi) crosses zero (NaN or inf where it
    cannot be drawn)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(lo - f_lo * (hi - lo) / (f_hi - f_lo))


def _sectioned(
    f: Difference,
    lo: Floats,
    hi: Floats,
    f_lo: Floats,
    f_hi: Floats,
) -> Floats:
    """Where each f_i changes sign in [lo_i, hi_i] (f_lo_i and f_hi_i of opposite signs), to a
    relative `ROOT_TOLERANCE`: `_sectioned_steps`, each round's points evaluated by `f(points, rows)`.

    >>> f = lambda v, rows: v - np.array([np.pi, 2.0])[rows][:, None]
    >>> [round(float(r), 12) for r in _sectioned(f, np.array([3.0, 1.0]), np.array([4.0, 3.0]),
    ...                                   np.array([-0.14, -1.0]), np.array([0.86, 1.0]))]
    [3.14159265359, 2.0]
    """
    steps = _sectioned_steps(lo, hi, f_lo, f_hi)
    try:
        points, rows = next(steps)
        while True:
            points, rows = steps.send(f(points, rows))
    except StopIteration as done:
        roots: Floats = done.value
        return roots


Steps = Generator[tuple[Floats, npt.NDArray[np.intp]], Floats, Floats]
"""Asks for the difference at the points of each open bracket `(points, rows)`, is sent it, and returns
the roots."""


def _sectioned_steps(lo: Floats, hi: Floats, f_lo: Floats, f_hi: Floats) -> Steps:
    """The rounds of `_sectioned`, as a generator that asks for each round's points to be evaluated (so
    the rounds of several searches can share engine calls). Every round cuts each bracket still open
    into as many parts as `POINTS_PER_CALL` points over all of them allow (at least `SECTIONS`), and
    keeps the part where the sign first changes from the left. The first round also probes both sides
    of each bracket's secant root, closer than `ROOT_TOLERANCE`: where f is straight across the
    bracket, that pair of points is the answer's bracket already. The answer is the secant through the
    last bracket's ends (exact on a straight piece; within the bracket at a jump). A point where f
    cannot be evaluated (NaN) counts as the left end's side."""
    lo, hi, f_lo, f_hi = lo.copy(), hi.copy(), f_lo.copy(), f_hi.copy()
    for round_ in range(MAX_ROUNDS):
        width = hi - lo
        open_ = np.flatnonzero(width > ROOT_TOLERANCE * np.maximum(np.abs(lo), np.abs(hi)))
        if open_.size == 0:
            break
        sections = max(SECTIONS, POINTS_PER_CALL // open_.size)
        points = lo[open_, None] + width[open_, None] * (np.arange(1, sections) / sections)[None, :]
        if round_ == 0:  # and the secant's probe: two points about its root, half ROOT_TOLERANCE apart
            a, b = lo[open_], hi[open_]
            guess = _secant(a, b, f_lo[open_], f_hi[open_])
            half = ROOT_TOLERANCE / 4 * np.maximum(np.abs(a), np.abs(b))
            guess = np.clip(np.where(np.isfinite(guess), guess, (a + b) / 2), a + half, b - half)
            points = np.sort(np.concatenate([points, (guess - half)[:, None], (guess + half)[:, None]], axis=1), axis=1)
        values = yield points, open_
        _narrow(values, points, open_, lo, hi, f_lo, f_hi)
    secant = _secant(lo, hi, f_lo, f_hi)
    return np.asarray(np.where((lo == hi) | ~np.isfinite(secant), lo, np.clip(secant, lo, hi)))


def _narrow(
    values: Floats,
    points: Floats,
    open_: npt.NDArray[np.intp],
    lo: Floats,
    hi: Floats,
    f_lo: Floats,
    f_hi: Floats,
) -> None:
    """Given f at the inner `points` (rising, one row per bracket of `open_`), each bracket (`lo`,
    `hi`, and f at both, updated in place) becomes the part where the sign first changes."""
    last = points.shape[1]  # the part between the last point and hi
    side = np.sign(f_lo[open_])[:, None]
    crossed = (np.sign(values) != side) & ~np.isnan(values)  # the other side, or exactly zero
    first = np.where(crossed.any(axis=1), crossed.argmax(axis=1), last)
    rows = np.arange(open_.size)
    before = first - 1
    new_lo = np.where(before >= 0, points[rows, np.maximum(before, 0)], lo[open_])
    new_f_lo = np.where(before >= 0, values[rows, np.maximum(before, 0)], f_lo[open_])
    inner = first < last
    new_hi = np.where(inner, points[rows, np.minimum(first, last - 1)], hi[open_])
    new_f_hi = np.where(inner, values[rows, np.minimum(first, last - 1)], f_hi[open_])
    exact = inner & (new_f_hi == 0)  # a point where the difference is zero is the answer
    new_lo = np.where(exact, new_hi, new_lo)
    new_f_lo = np.where(exact, 0.0, new_f_lo)
    new_f_lo = np.where(np.isnan(new_f_lo), f_lo[open_], new_f_lo)
    lo[open_], hi[open_], f_lo[open_], f_hi[open_] = new_lo, new_hi, new_f_lo, new_f_hi


def crossovers(
    profile: WorkloadProfile,
    field: str,
    a: str,
    b: str,
    book: PriceBook,
    low: float,
    high: float,
    *,
    points: int = GRID_POINTS,
    log: bool | None = None,
) -> list[Crossover]:
    """Every value of `field` in [low, high] at which options `a` and `b` cost the same."""
    return all_crossovers(profile, field, book, low, high, [a, b], points=points, log=log)
