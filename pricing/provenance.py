"""Every sourced number of a table as one flat row: where it sits, what it is, where it came from.

The app's provenance view, the price-history view and `tco pricing diff` all read these rows, so
they describe a number the same way. Pure: tables in, rows out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from schema.numbers import Number, Tiered
from schema.tables import PriceBook, PriceTable

__all__ = ["NumberRow", "describe", "number_rows", "provenance_frame"]


@dataclass(frozen=True)
class NumberRow:
    table: str
    effective: dt.date
    path: str
    """Dotted place in the table, e.g. `plans.pro.fee` or `prices.compute.small-1x`."""
    value: float | None
    low: float | None
    high: float | None
    shown: str
    """The number as a reader would write it: `0.0000338`, `2,500 – 4,500`, or a tier list."""
    unit: str
    confidence: str
    source_key: str
    source_title: str
    url: str
    stated: dt.date
    checked: dt.date
    """The day the number is known to hold (see `Source.checked`)."""
    how: str
    """How it was checked: read at the source, or what was read instead (`Source.how_checked`)."""
    note: str | None
    alternatives: str | None
    tiers: tuple[tuple[float | None, float], ...] | None = None
    """A graduated price's bands as (up to, price); None for a plain number."""

    @property
    def expected(self) -> float | None:
        """The value, or a range's midpoint; None for a graduated price."""
        if self.value is not None:
            return self.value
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        return None


def _g(value: float) -> str:
    """
    >>> _g(4e-05), _g(1500000.0), _g(0.042), _g(1234.5678)
    ('0.00004', '1,500,000', '0.042', '1,234.57')
    """
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) < 1e-3:
        return str(np.format_float_positional(value, precision=6, unique=True, fractional=False, trim="-"))
    return f"{value:,.6g}"


def describe(item: Number | Tiered) -> str:
    """A number's value as text.

    >>> describe(Number(value=2.0, low=1.0, high=4.0, unit="USD", source="s"))
    '2 (1 – 4)'
    """
    if isinstance(item, Tiered):
        bands = []
        for tier in item.tiers:
            bound = "beyond" if tier.up_to is None else f"up to {_g(tier.up_to)}"
            bands.append(f"{_g(tier.price)} {bound}")
        return "; ".join(bands)
    if item.low is not None and item.high is not None:
        span = f"{_g(item.low)} – {_g(item.high)}"
        return span if item.value is None else f"{_g(item.value)} ({span})"
    assert item.value is not None
    return _g(item.value)


def _alternatives(item: Number | Tiered) -> str | None:
    if isinstance(item, Tiered) or not item.alternatives:
        return None
    parts = []
    for alt in item.alternatives:
        value = _g(alt.value) if alt.value is not None else f"{_g(alt.low or 0)} – {_g(alt.high or 0)}"
        parts.append(f"{value} ({alt.source}: {alt.note})")
    return "; ".join(parts)


def number_rows(table: PriceTable) -> list[NumberRow]:
    """Every number of one table, in the table's own order, then each plan's yes/no terms."""
    rows = []
    for path, item in table.numbers().items():
        source = table.source_for(item)
        if isinstance(item, Tiered):
            priced, counted = item.unit.value, item.quantity_unit.value
            value, low, high, unit = (
                None,
                None,
                None,
                (priced if priced.endswith(counted) else f"{priced} (of {counted})"),
            )
        else:
            value, low, high, unit = item.value, item.low, item.high, item.unit.value
        rows.append(
            NumberRow(
                table=table.id,
                effective=table.effective,
                path=".".join(path),
                value=value,
                low=low,
                high=high,
                shown=describe(item),
                unit=unit,
                confidence=table.confidence_of(item),
                source_key=item.source,
                source_title=source.title,
                url=str(source.url),
                stated=source.stated,
                checked=source.checked,
                how=source.how_checked,
                note=item.note,
                alternatives=_alternatives(item),
                tiers=tuple((t.up_to, t.price) for t in item.tiers) if isinstance(item, Tiered) else None,
            )
        )
    return rows + _flag_rows(table)


def _flag_rows(table: PriceTable) -> list[NumberRow]:
    """A plan's yes/no terms (self-serve, overage allowed) as rows too: they change bills."""
    rows = []
    for plan in table.plans:
        source = table.source_for(plan.fee)
        for name in ("self_serve", "overage"):
            flag = getattr(plan, name)
            rows.append(
                NumberRow(
                    table=table.id,
                    effective=table.effective,
                    path=f"plans.{plan.id}.{name}",
                    value=None,
                    low=None,
                    high=None,
                    shown="yes" if flag else "no",
                    unit="yes/no",
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
            )
    return rows


def provenance_frame(tables: PriceBook | list[PriceTable]) -> pd.DataFrame:
    """One row per number of every table given (a book: the tables in force)."""
    chosen = list(tables.tables.values()) if isinstance(tables, PriceBook) else tables
    rows = [row for table in chosen for row in number_rows(table)]
    columns = list(NumberRow.__dataclass_fields__)
    return pd.DataFrame([row.__dict__ for row in rows], columns=columns)
