"""The pricing view: which table versions are in force, where every number came from, and what
this profile cost under each version of the tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from model.analysis import Analysis
from pricing.provenance import provenance_frame
from report.words import money

__all__ = ["NUMBER_COLUMNS", "numbers_table", "render_pricing"]

CONFIDENCE = {
    "primary": "the vendor's own page, docs or code",
    "secondary": "a third party quoting the vendor",
    "estimate": "worked out by us; the note says how",
}


def render_pricing(analysis: Analysis, history: pd.DataFrame) -> None:
    book = analysis.book
    today = dt.date.today()
    st.subheader(f"Tables in force on {book.as_of}")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Table": t.name,
                    "Effective": t.effective,
                    "Prices hold as of": t.checked(),
                    "Re-check due": t.recheck_due(),
                    "Overdue": "⚠ overdue" if t.recheck_due() < today else "",
                    "Re-check every": f"{t.recheck_months} months",
                    "File": book.files.get(t.id, ""),
                }
                for t in book.tables.values()
            ]
        ),
        hide_index=True,
    )
    st.caption(
        "Prices hold as of: the oldest day among the sources a table's numbers cite on which their number was "
        "read. Past the re-check date the figures may have moved: `tco pricing stale` lists them, and "
        "CONTRIBUTING.md says how to re-check a table. Pick another pricing date in the sidebar to see this "
        "profile under the tables in force then."
    )

    st.subheader("This profile under every version of the tables")
    if not history.empty:
        wide = history.pivot_table(index="pricing", columns="option_name", values="monthly_usd")
        wide.index = [d.isoformat() for d in wide.index]
        # An option not priced yet on a date reads so, not as an empty number.
        st.dataframe(wide.map(lambda v: "not priced yet" if pd.isna(v) else money(v)))

    st.subheader("Every number, with its source")
    frame = provenance_frame(book)
    tables = sorted(frame["table"].unique())
    chosen = st.multiselect(
        "Tables",
        tables,
        default=tables,
        format_func=lambda t: book.tables[t].name if t in book.tables else t,
        key="provenance_tables",
        persist_state="session",
    )
    confidences = st.multiselect(
        "Confidence",
        list(CONFIDENCE),
        default=list(CONFIDENCE),
        key="provenance_confidence",
        persist_state="session",
        help="; ".join(f"{k}: {v}" for k, v in CONFIDENCE.items()),
    )
    shown = frame[frame["table"].isin(chosen) & frame["confidence"].isin(confidences)]
    numbers_table(
        shown,
        [
            "table",
            "path",
            "shown",
            "unit",
            "confidence",
            "stated",
            "checked",
            "how",
            "url",
            "source_title",
            "note",
            "alternatives",
        ],
    )


NUMBER_COLUMNS: dict[str, Any] = {
    "table": "Table",
    "effective": st.column_config.DateColumn("Version"),
    "path": "Number",
    "shown": "Value",
    "unit": "Unit",
    "confidence": "Confidence",
    "stated": st.column_config.DateColumn("Source dated"),
    "checked": st.column_config.DateColumn(
        "Holds as of", help="The day it was read at the source, or the date of the copy read instead"
    ),
    "how": "How it was checked",
    "url": st.column_config.LinkColumn("Source", display_text="link"),
    "source_title": "Source title",
    "note": "Note",
    "alternatives": "Other sources say",
}


def numbers_table(frame: pd.DataFrame, columns: list[str]) -> None:
    """Rows of `pricing.provenance.provenance_frame`, each number with its source (a number without a
    note or another source reads empty, not "None")."""
    shown = frame[columns].copy()
    for column in ("note", "alternatives", "how", "source_title"):
        if column in shown:
            shown[column] = shown[column].fillna("")
    st.dataframe(shown, hide_index=True, column_config={c: NUMBER_COLUMNS[c] for c in columns})
