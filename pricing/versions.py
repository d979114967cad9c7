"""Versions of a table and what changed between two of them.

A price change is a new dated file; `diff_tables` lists every number that changed, appeared or
disappeared between two versions, with both values and both sources, for the pull request that
adds the file (`tco pricing diff`) and for the app's price-history view. Pure: tables in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pricing.provenance import NumberRow, number_rows
from pricing.schema import PriceTable

__all__ = ["Change", "diff_tables", "moved_by"]


@dataclass(frozen=True)
class Change:
    path: str
    kind: Literal["changed", "added", "removed"]
    old: NumberRow | None
    new: NumberRow | None

    @property
    def moved(self) -> float | None:
        """Relative change of the expected value (None when not comparable)."""
        if self.old is None or self.new is None:
            return None
        return moved_by(self.old, self.new)


def _expected(row: NumberRow) -> float | None:
    if row.value is not None:
        return row.value
    if row.low is not None and row.high is not None:
        return (row.low + row.high) / 2
    return None


def moved_by(old: NumberRow, new: NumberRow) -> float | None:
    """How far a number moved, as a fraction of its old value; for graduated prices the largest
    move of any band (compared band by band through their text). None for 0 -> 0.

    Infinite when a zero becomes non-zero.
    """
    if old.tiers is not None or new.tiers is not None:
        if old.tiers is None or new.tiers is None or len(old.tiers) != len(new.tiers):
            return float("inf")
        moves = [_relative(a, b) for (_, a), (_, b) in zip(old.tiers, new.tiers, strict=True)]
        bounds_moved = any(x[0] != y[0] for x, y in zip(old.tiers, new.tiers, strict=True))
        known = [m for m in moves if m is not None]
        if bounds_moved:
            known.append(float("inf"))
        return max(known) if known else None
    a, b = _expected(old), _expected(new)
    if a is None or b is None:
        return None
    return _relative(a, b)


def _relative(a: float, b: float) -> float | None:
    if a == 0:
        return None if b == 0 else float("inf")
    return abs(b - a) / abs(a)


def _same(old: NumberRow, new: NumberRow) -> bool:
    return (old.shown, old.unit, old.url) == (new.shown, new.unit, new.url)


def diff_tables(old: PriceTable | None, new: PriceTable) -> list[Change]:
    """Every number whose value, unit or source differs, plus those only one version has, in
    the new table's order (removed ones last). With no old version every number is added."""
    before = {row.path: row for row in number_rows(old)} if old is not None else {}
    after = {row.path: row for row in number_rows(new)}
    changes = []
    for path, row in after.items():
        if path not in before:
            changes.append(Change(path, "added", None, row))
        elif not _same(before[path], row):
            changes.append(Change(path, "changed", before[path], row))
    changes += [Change(path, "removed", row, None) for path, row in before.items() if path not in after]
    return changes
