"""The price history: each chosen number of a pricing table across its versions, as steps, one
chart per unit."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from report.charts import SCREEN_AUTOSIZE, SCREEN_LEGEND_COLUMNS

__all__ = ["price_history_chart"]


def price_history_chart(frame: pd.DataFrame, versions: list[dt.date], until: dt.date) -> list[alt.Chart]:
    """Each chosen number of a table across its versions (their effective dates in `versions`),
    as steps (a price holds until the next version), one chart per unit, each stretching to its
    column with its legend beneath. `frame` holds rows of `pricing.versions.history_frame`."""
    data = frame[["path", "unit", "effective", "expected", "shown", "url", "checked"]].copy()
    if "name" in frame:  # the number in words, where the caller named it
        data["path"] = frame["name"]
    # A number holds until the next version of its table (or until today, in the newest one):
    # repeat its last point there so the step reaches it.
    versions = sorted(versions)
    last = data.sort_values("effective").groupby("path").tail(1).copy()
    last["effective"] = [next((v for v in versions if v > day), max(until, day)) for day in last["effective"]]
    data = pd.concat([data, last], ignore_index=True)
    data["effective"] = pd.to_datetime(data["effective"])
    charts = []
    for unit, part in data.groupby("unit", sort=True):
        chart = (
            alt.Chart(part)
            .mark_line(interpolate="step-after", point=True)
            .encode(
                x=alt.X("effective:T", title="In force from", axis=alt.Axis(format="%b %Y", labelFlush=True)),
                y=alt.Y("expected:Q", title=str(unit), scale=alt.Scale(zero=False), axis=alt.Axis(format=",.6~r")),
                color=alt.Color(
                    "path:N",
                    title=None,
                    legend=alt.Legend(orient="bottom", columns=SCREEN_LEGEND_COLUMNS, labelLimit=260),
                ),
                tooltip=[
                    alt.Tooltip("path:N", title="Number"),
                    alt.Tooltip("effective:T", title="In force from"),
                    alt.Tooltip("shown:N", title="Value"),
                    alt.Tooltip("unit:N", title="Unit"),
                    alt.Tooltip("checked:T", title="Holds as of"),
                    alt.Tooltip("url:N", title="Source"),
                ],
            )
            .properties(height=150, title=str(unit), autosize=SCREEN_AUTOSIZE)
        )
        charts.append(chart)
    return charts
