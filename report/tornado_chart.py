"""The tornado: the inputs that move the gap between the two leading options most, each from its
low to its high end, with where the decision flips."""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from model.analysis import Analysis
from report.charts import WIDTH, chart_title
from report.outlook_words import input_value

__all__ = ["TORNADO_BARS", "tornado_chart", "tornado_frame"]


TORNADO_BARS = 8


def tornado_frame(analysis: Analysis) -> pd.DataFrame:
    """The inputs that move the gap between the two leading options most: gap at each end [USD/month]."""
    assert analysis.outlook is not None and analysis.outlook.tornado is not None
    rows = []
    for s in analysis.outlook.tornado.swings[:TORNADO_BARS]:
        flips = "" if s.flips_at is None else input_value(s.input, s.flips_at)
        rows.append(
            {
                "input": s.input.label,
                "gap_low": s.gap_low,
                "gap_high": s.gap_high,
                "low": input_value(s.input, s.input.low),
                "high": input_value(s.input, s.input.high),
                "flips": flips or "not in reach",
                "swing": s.swing,
            }
        )
    return pd.DataFrame(rows, columns=["input", "gap_low", "gap_high", "low", "high", "flips", "swing"])


def tornado_chart(analysis: Analysis) -> alt.LayerChart:
    """Each input from its low to its high end: the runner-up's cost minus the leader's. Past the zero
    line the decision flips."""
    assert analysis.outlook is not None and analysis.outlook.tornado is not None
    t = analysis.outlook.tornado
    data = tornado_frame(analysis)
    order = list(data["input"])
    y = alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    tooltip = [
        alt.Tooltip("input:N", title="Input"),
        alt.Tooltip("low:N", title="Low end"),
        alt.Tooltip("gap_low:Q", title="Gap at low", format="$,.2f"),
        alt.Tooltip("high:N", title="High end"),
        alt.Tooltip("gap_high:Q", title="Gap at high", format="$,.2f"),
        alt.Tooltip("flips:N", title="Flips the decision at"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(height=14, color="#4c78a8")
        .encode(
            y=y,
            x=alt.X("gap_low:Q", title="Gap [USD/month]", axis=alt.Axis(format="$,.0f")),
            x2="gap_high:Q",
            tooltip=tooltip,
        )
    )
    ends = alt.Chart(data).mark_tick(color="#f58518", thickness=2, size=14).encode(y=y, x="gap_high:Q", tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#e45756").encode(x="x:Q")
    here = alt.Chart(pd.DataFrame({"x": [t.gap]})).mark_rule(color="gray", strokeDash=[4, 4]).encode(x="x:Q")
    return cast(
        alt.LayerChart,
        alt.layer(bars, ends, zero, here).properties(
            width=WIDTH - 200,
            height=alt.Step(22),
            title=chart_title(
                "What moves the gap most",
                f"The gap: {t.runner_name} minus {t.leader_name}",
                "dashed: the estimate; red: where the decision flips;",
                "tick: the high end",
            ),
        ),
    )
