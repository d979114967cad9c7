"""Crossovers: the exact values of a profile field at which two options cost the same.

Costs are piecewise functions of any one field (linear pieces in monthly runs, quadratic ones in
steps when context grows, steps where a plan or a fleet size changes). A grid brackets every
sign change of the cost difference; a bracketing root finder (SciPy's elementwise Chandrupatla,
all brackets in one vectorized call) then pins each point down to the root finder's tolerance.
Where the difference jumps across zero instead of passing through it (a plan switch), the point
is the jump itself, marked `kind="jump"`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import elementwise

from model.profile import WorkloadProfile
from model.sweep import sweep_estimate
from pricing.schema import PriceBook

__all__ = ["Crossover", "all_crossovers", "crossovers", "grid"]

GRID_POINTS = 513
TOLERANCE = 1e-6
"""Relative difference in cost below which two options count as equal."""


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


def _difference(profile: WorkloadProfile, field: str, book: PriceBook, a: str, b: str):  # type: ignore[no-untyped-def]
    def f(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        flat = np.asarray(x, dtype=np.float64).ravel()
        result = sweep_estimate(profile, field, flat, book, [a, b])
        return (result.option(a).total - result.option(b).total).reshape(np.shape(x))

    return f


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
    x = grid(low, high, points, log)
    f = _difference(profile, field, book, a, b)
    d = f(x)
    sign = np.sign(d)
    found: list[tuple[float, float, float]] = []  # (value, left difference, right difference)
    exact = np.flatnonzero((sign == 0) & (np.roll(sign, 1) * np.roll(sign, -1) < 0))
    for i in exact:
        if 0 < i < len(x) - 1:
            found.append((float(x[i]), float(d[i - 1]), float(d[i + 1])))
    brackets = np.flatnonzero(sign[:-1] * sign[1:] < 0)
    if brackets.size:
        res = elementwise.find_root(f, (x[brackets], x[brackets + 1]))
        for j, i in enumerate(brackets):
            found.append((float(res.x[j]), float(d[i]), float(d[i + 1])))
    found.sort()
    if not found:
        return []
    values = np.array([v for v, _, _ in found])
    everything = sweep_estimate(profile, field, values, book)
    totals = everything.totals()
    out = []
    for k, (value, left, right) in enumerate(found):
        cost_a, cost_b = float(totals[a].iloc[k]), float(totals[b].iloc[k])
        scale = max(abs(cost_a), abs(cost_b), 1.0)
        kind: Literal["cross", "jump"] = "cross" if abs(cost_a - cost_b) <= TOLERANCE * scale else "jump"
        cheapest = float(totals.iloc[k].min())
        out.append(
            Crossover(
                field=field,
                value=value,
                cost_usd=(cost_a + cost_b) / 2,
                options=(a, b),
                cheaper_below=a if left < 0 else b,
                cheaper_above=a if right < 0 else b,
                kind=kind,
                changes_cheapest=min(cost_a, cost_b) <= cheapest + TOLERANCE * scale,
            )
        )
    return out


def all_crossovers(
    profile: WorkloadProfile,
    field: str,
    book: PriceBook,
    low: float,
    high: float,
    options: list[str] | None = None,
    **kwargs: object,
) -> list[Crossover]:
    """Crossovers of every pair of options, sorted by value."""
    ids = options or [t.id for t in book.options()]
    found = [c for a, b in combinations(ids, 2) for c in crossovers(profile, field, a, b, book, low, high, **kwargs)]  # type: ignore[arg-type]
    return sorted(found, key=lambda c: c.value)
