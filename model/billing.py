"""Billing primitives: graduated tiers, plan fees, included credit, plan choice.

Every function takes and returns arrays (scalars broadcast), so one call prices a whole sweep.
Money is float64 USD.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "Array",
    "Bools",
    "Value",
    "cheapest",
    "credit_bill",
    "graduated",
    "repeated",
    "share_fee",
    "tier_split",
]

Array = npt.NDArray[np.float64]
Value = float | Array
"""A number read from a table: one float, or one per profile under a Monte Carlo draw."""
Bools = npt.NDArray[np.bool_]


def repeated(n: int, value: object) -> npt.NDArray[np.object_]:
    """An object array of `n` references to one value (a plan id, a reason, None).

    `np.full(n, text, dtype=object)` converts the text to a NumPy string and back into `n` new Python
    strings: about 40x slower at 100,000 rows than filling in one reference.

    >>> repeated(3, "Pro").tolist()
    ['Pro', 'Pro', 'Pro']
    """
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def tier_split(quantity: npt.ArrayLike, bounds: Sequence[float | None]) -> Array:
    """Split a quantity into the bands of a graduated price.

    `bounds` are the upper ends of the bands (None: no end). The result has one row per band;
    its rows sum to the quantity exactly (the last band is open, or takes nothing past a closed
    last bound, which `graduated` then prices at the last band).

    >>> tier_split([7.0, 12.0], [5, 10, None]).tolist()
    [[5.0, 5.0], [2.0, 5.0], [0.0, 2.0]]
    """
    return np.stack(list(_bands(np.asarray(quantity, dtype=np.float64), bounds)))


def _bands(q: Array, bounds: Sequence[float | None]) -> Iterator[Array]:
    """Each band's share of `q`, band by band (the rows of `tier_split`, without stacking them)."""
    lower = 0.0
    for index, upper in enumerate(bounds):
        top = np.inf if upper is None or index == len(bounds) - 1 else float(upper)
        band = q - lower
        yield np.clip(band, 0.0, top - lower, out=band)
        lower = top


def graduated(quantity: npt.ArrayLike, bounds: Sequence[float | None], prices: Sequence[float | Array]) -> Array:
    """Cost of a quantity under marginal tiers: each band's price applies inside that band.

    Past a closed last bound the last band's price applies (the caller flags that the real
    price then depends on a negotiation).

    >>> graduated([7e6], [5e6, 10e6], [50e-6, 45e-6]).round(2).tolist()
    [340.0]
    """
    q = np.asarray(quantity, dtype=np.float64)
    each = np.asarray(prices, dtype=np.float64)  # a price per band, or per band and row (a Monte Carlo draw)
    if len(each) != len(bounds) or not bounds:
        raise ValueError(f"a graduated price needs one price per band: {len(bounds)} bands, {len(each)} prices")
    total = np.zeros(np.broadcast_shapes(q.shape, each.shape[1:]))
    for price, band in zip(each, _bands(q, bounds), strict=True):
        total += price * band
    return total


def credit_bill(fee: npt.ArrayLike, usage: npt.ArrayLike, credit: npt.ArrayLike) -> Array:
    """A subscription that includes usage credit: fee + max(0, usage - credit).

    >>> credit_bill(10.0, [4.0, 25.0], 10.0).tolist()
    [10.0, 25.0]
    """
    f, u, c = (np.asarray(x, dtype=np.float64) for x in (fee, usage, credit))
    return f + np.maximum(0.0, u - c)


def share_fee(floor: npt.ArrayLike, share: npt.ArrayLike, consumption: npt.ArrayLike) -> Array:
    """A plan fee that is the greater of a floor and a share of consumption.

    >>> share_fee(100.0, 0.05, [1000.0, 4000.0]).tolist()
    [100.0, 200.0]
    """
    fl, sh, co = (np.asarray(x, dtype=np.float64) for x in (floor, share, consumption))
    return np.maximum(fl, sh * co)


def cheapest(costs: npt.ArrayLike, allowed: npt.ArrayLike) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """For each column, the row (plan) with the lowest cost among the allowed ones; on a tie to
    the cent, the later row (plans go from the smallest to the largest, so the one with more
    headroom).

    Returns the chosen index and whether any plan was allowed; where none is, the last plan
    (the vendor's contract tier) is chosen, and the caller says so.

    >>> idx, ok = cheapest([[5.0, 5.0, 9.0, 6.0], [7.0, 4.0, 8.0, 6.001]],
    ...                    [[True, True, False, True], [True, True, False, True]])
    >>> idx.tolist(), ok.tolist()
    ([0, 1, 1, 1], [True, True, False, True])
    """
    c = np.asarray(costs, dtype=np.float64)
    ok = np.asarray(allowed, dtype=bool)
    masked = np.where(ok, np.round(c, 2), np.inf)[::-1]
    idx = c.shape[0] - 1 - np.argmin(masked, axis=0)
    any_ok = ok.any(axis=0)
    idx = np.where(any_ok, idx, c.shape[0] - 1)
    return idx.astype(np.intp), np.asarray(any_ok, dtype=bool)
