"""Versions of a table and what changed between two of them.

A price change is a new dated file; `diff_tables` lists every number that changed, appeared or
disappeared between two versions, with both values and both sources, for the pull request that
adds the file (`tco pricing diff`) and for the app's price-history view. A number whose value stayed
but whose source or note moved is listed apart, as re-checked: it is not a change of price. Pure:
tables in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd

from pricing.provenance import NumberRow, number_rows, provenance_frame
from schema.tables import PriceTable

__all__ = ["Change", "ChangeKind", "diff_tables", "history_frame", "moved_by"]

ChangeKind = Literal["changed", "added", "removed", "re-checked"]
"""`changed`: the value, range, bands, yes/no term or unit differs; `re-checked`: all of those are
the same, and the source (its key, address or confidence) or the note differs; `added` and
`removed`: only one of the two versions has the number."""


@dataclass(frozen=True)
class Change:
    path: str
    kind: ChangeKind
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


def _value(row: NumberRow) -> tuple[object, ...]:
    return (row.value, row.low, row.high, row.tiers, row.shown, row.unit)


def _provenance(row: NumberRow) -> tuple[object, ...]:
    return (row.source_key, row.url, row.confidence, row.note)


def _rows(table: PriceTable) -> dict[str, NumberRow]:
    """The table's numbers (`number_rows`) by path, each plan's note on a row of its own: the
    plan (`plans.<id>`, shown as its name) just before the plan's numbers. The plan's yes/no terms
    carry no note: the plan's is about the plan, not about them."""
    terms = {f"plans.{plan.id}.{name}" for plan in table.plans for name in ("self_serve", "overage")}
    rows = [replace(row, note=None) if row.path in terms else row for row in number_rows(table)]
    for plan in table.plans:
        source = table.source_for(plan.fee)
        row = NumberRow(
            table=table.id,
            effective=table.effective,
            path=f"plans.{plan.id}",
            value=None,
            low=None,
            high=None,
            shown=plan.name,
            unit="plan",
            confidence=table.confidence_of(plan.fee),
            source_key=plan.fee.source,
            source_title=source.title,
            url=str(source.url),
            stated=source.stated,
            checked=source.checked,
            how=source.how_checked,
            note=plan.note,
            alternatives=None,
        )
        at = next((i for i, r in enumerate(rows) if r.path.startswith(f"{row.path}.")), len(rows))
        rows.insert(at, row)
    return {row.path: row for row in rows}


def diff_tables(old: PriceTable | None, new: PriceTable) -> list[Change]:
    """Every number whose value or unit differs (changed), whose source or note alone differs
    (re-checked), plus those only one version has, in the new table's order (removed ones last).
    Each plan is a row too (`plans.<id>`: its name, its note). With no old version every number
    is added."""
    before = _rows(old) if old is not None else {}
    after = _rows(new)
    changes = []
    for path, row in after.items():
        if path not in before:
            changes.append(Change(path, "added", None, row))
        elif _value(before[path]) != _value(row):
            changes.append(Change(path, "changed", before[path], row))
        elif _provenance(before[path]) != _provenance(row):
            changes.append(Change(path, "re-checked", before[path], row))
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
