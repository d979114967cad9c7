"""Where a price came from, as the JSON contract carries it: the table it was read from (`TableRef`:
its version, file and when its sources are due a re-check) and the source of one number
(`ProvenanceOut`: URL, dates, how it was checked, confidence).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from model.findings_out import OUT_CONFIG
from model.lines import PriceRef
from schema.numbers import Number, Tiered
from schema.tables import PriceBook, PriceTable

__all__ = ["ProvenanceOut", "TableRef", "provenance"]


class _Out(BaseModel):
    model_config = OUT_CONFIG


class TableRef(_Out):
    table: str
    kind: Literal["option", "reference", "sandbox"] = "option"
    effective: dt.date
    file: str | None
    checked: dt.date | None = None
    """The day its prices are known to hold (the oldest day among the sources its numbers cite)."""
    recheck_due: dt.date | None = None
    """When its sources are due to be read again; past it, a client marks the prices overdue."""

    @classmethod
    def of(cls, table: PriceTable, file: str | None) -> TableRef:
        return cls(
            table=table.id,
            kind=table.kind,
            effective=table.effective,
            file=file,
            checked=table.checked(),
            recheck_due=table.recheck_due(),
        )


class ProvenanceOut(_Out):
    """Where one number came from."""

    table: str
    effective: dt.date
    field: str
    url: str
    title: str
    stated: dt.date
    verified: dt.date | None
    """The day the number was read at `url` itself; null when something else was read (see `how`)."""
    checked: dt.date
    """The day the number is known to hold: `verified`, or the date of the copy, repository,
    package or third party read instead."""
    how: str
    """How it was checked, in words."""
    confidence: Literal["primary", "secondary", "estimate", "yours"]
    """`yours`: a number the profile gives (a negotiated price, a contract's terms)."""
    note: str | None = None


def provenance(book: PriceBook, ref: PriceRef) -> ProvenanceOut | None:
    """The source of the number at `ref`, or None if the table has no such number."""
    table = book.tables.get(ref.table_id)
    if table is None:
        return None
    if ref.path and ref.path[0] == "overrides":
        what = "your price" if ref.path[1] == "prices" else "your contract's terms"
        return ProvenanceOut(
            table=table.id,
            effective=table.effective,
            field=".".join(ref.path),
            url="",
            title=f"{what.capitalize()}, from the profile's overrides",
            stated=book.as_of,
            verified=None,
            checked=book.as_of,
            how="given in the profile",
            confidence="yours",
            note=None,
        )
    item: Number | Tiered | None = table.numbers().get(ref.path)
    if item is None:
        return None
    source = table.source_for(item)
    return ProvenanceOut(
        table=table.id,
        effective=table.effective,
        field=".".join(ref.path),
        url=str(source.url),
        title=source.title,
        stated=source.stated,
        verified=source.verified,
        checked=source.checked,
        how=source.how_checked,
        confidence=table.confidence_of(item),
        note=item.note,
    )
