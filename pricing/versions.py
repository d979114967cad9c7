"""Versions of a table and what changed between two of them.

A price change is a new dated file; `diff_tables` lists every number that changed, appeared or
disappeared between two versions, with both values and both sources, for the pull request that
adds the file (`tco pricing diff`) and for the app's price-history view. Pure: tables in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pricing.provenance import NumberRow, number_rows, provenance_frame
from pricing.schema import PriceTable

__all__ = ["Change", "diff_tables", "history_frame", "moved_by"]


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
    a, b = old.expected, new.expected
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


def history_frame(tables: Sequence[PriceTable]) -> pd.DataFrame:
    """Every number of every version given, one row each, with `expected` (the value, or a
    range's midpoint; a graduated price's first band) for charting, and `changed`: whether the
    number differs (or is missing) in some version of its table."""
    frame = provenance_frame(list(tables))
    if frame.empty:
        return frame.assign(expected=[], changed=[])

    # The value, else a range's midpoint, else a graduated price's first band (yes/no terms: none).
    first_band = frame["tiers"].map(lambda tiers: tiers[0][1] if tiers else None)
    value, low, high = (pd.to_numeric(frame[c], errors="coerce") for c in ("value", "low", "high"))
    frame["expected"] = value.fillna((low + high) / 2).fillna(pd.to_numeric(first_band, errors="coerce"))
    versions = frame.groupby("table")["effective"].nunique()
    shapes = frame.groupby(["table", "path"]).agg(n=("effective", "nunique"), kinds=("shown", "nunique"))
    shapes["changed"] = (shapes["kinds"] > 1) | (shapes["n"] < shapes.index.get_level_values(0).map(versions.to_dict()))
    return frame.merge(shapes[["changed"]], left_on=["table", "path"], right_index=True, how="left")
