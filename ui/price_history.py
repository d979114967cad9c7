"""The price-history view: how a table's numbers moved across its versions, what changed at
each new version (the numbers re-checked with the same value folded apart), and the provenance
of every number of every version."""

from __future__ import annotations

import datetime as dt
import itertools

import streamlit as st

from pricing.versions import diff_tables
from report.price_history_chart import price_history_chart
from report.pricing import diff_list_markdown, rechecked_markdown
from schema.names import number_name
from ui.data import all_versions, history
from ui.provenance import numbers_table

__all__ = ["render_price_history"]


def _key(path: str) -> bool:
    """The numbers a reader of a price list looks at first: prices and plan fees."""
    parts = path.split(".")
    return parts[0] == "prices" or (parts[0] == "plans" and parts[2] in ("fee", "fee_share", "prices"))


def render_price_history() -> None:
    frame = history()
    versions = all_versions()
    tables = sorted(frame["table"].unique())
    table_id = st.selectbox("Table", tables, key="history_table", persist_state="session")
    mine = frame[frame["table"] == table_id]
    dates = sorted(mine["effective"].unique())
    st.caption(f"{len(dates)} version(s): " + ", ".join(str(d) for d in dates))
    paths = list(dict.fromkeys(mine["path"]))
    newest = max((v for v in versions if v.table.id == table_id), key=lambda v: v.table.effective).table
    words = {p: number_name(newest, tuple(p.split("."))) for p in paths}
    names = {p: f"{words[p]} ({p})" for p in paths}
    mine = mine.assign(name=mine["path"].map(words))
    default = [p for p in paths if _key(p)] or paths[:5]
    chosen = st.multiselect(
        "Numbers",
        paths,
        default=default,
        key=f"history_numbers.{table_id}",
        persist_state="session",
        format_func=names.__getitem__,
    )
    shown = mine[mine["path"].isin(chosen) & mine["expected"].notna()]
    if not shown.empty:
        for chart in price_history_chart(shown, dates, dt.date.today()):
            st.altair_chart(chart, width="stretch")
        st.caption("A graduated price is drawn at its first band; hover a point for the whole price and its source.")

    st.subheader("What changed at each version")
    ordered = sorted((v for v in versions if v.table.id == table_id), key=lambda v: v.table.effective)
    if len(ordered) < 2:
        st.write("This table has one version so far.")
    for old, new in itertools.pairwise(ordered):
        # Lists, not a table of eight columns: one column fits a wide screen and a phone alike.
        changes = diff_tables(old.table, new.table)
        st.markdown(diff_list_markdown(old.table, new.table, changes, old.file, new.file))
        rechecked = sum(c.kind == "re-checked" for c in changes)
        if rechecked:
            with st.expander(f"Re-checked, same value ({rechecked}): a new source or note, not a new price"):
                st.markdown(rechecked_markdown(changes))

    st.subheader("Every number of every version, with its source")
    wide = mine.pivot_table(index="path", columns="effective", values="shown", aggfunc="first", sort=False)
    wide.columns = [str(c) for c in wide.columns]
    st.dataframe(wide, column_config={"path": "Number"})
    numbers_table(mine, ["effective", "path", "shown", "unit", "confidence", "stated", "checked", "how", "url", "note"])
