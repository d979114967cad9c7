"""The path over the months ahead: the cumulative cost of the strategies worth drawing, with the
migration months and the months where the cheapest path overtakes another marked."""

from __future__ import annotations

from typing import cast

import altair as alt
import numpy as np
import pandas as pd

from model.analysis import Analysis
from model.strategy import Strategy
from report.charts import WIDTH, chart_title, names_by_id
from report.outlook_words import describe_strategy

__all__ = ["PATH_LINES", "path_chart", "path_crossings", "path_frame", "path_strategies"]


PATH_LINES = 6
"""Strategies a path chart draws: the cheapest, and staying on each leading option."""


def path_strategies(analysis: Analysis) -> list[Strategy]:
    """The strategies worth drawing: the few cheapest, and staying on each of the leading options."""
    assert analysis.outlook is not None
    p = analysis.outlook.path
    chosen: list[Strategy] = list(p.strategies[:3])
    for option in analysis.outlook.leading(3):
        stay = p.stay(option)
        if stay is not None and stay not in chosen:
            chosen.append(stay)
    return chosen[:PATH_LINES]


def path_crossings(analysis: Analysis) -> pd.DataFrame:
    """Where the cheapest strategy's cost so far crosses each other drawn strategy's: the month (linear
    between month ends) from which the one overtakes the other."""
    assert analysis.outlook is not None
    names = names_by_id(analysis)
    drawn = path_strategies(analysis)
    rows = []
    best = drawn[0]
    assert best.cumulative is not None
    for other in drawn[1:]:
        assert other.cumulative is not None
        gap = other.cumulative - best.cumulative
        for i in np.nonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) < 0)[0]:
            at = i + gap[i] / (gap[i] - gap[i + 1])  # 0-based month index where the gap is zero
            cost = float(np.interp(at, np.arange(len(gap)), best.cumulative))
            rows.append(
                {
                    "month": float(at + 1),
                    "cumulative_usd": cost,
                    "label": (
                        f"{describe_strategy(best, names)} and {describe_strategy(other, names)} cost the same so far"
                    ),
                }
            )
    return pd.DataFrame(rows, columns=["month", "cumulative_usd", "label"])


def path_frame(analysis: Analysis) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cumulative cost per strategy and month, the migration months as points)."""
    assert analysis.outlook is not None
    names = names_by_id(analysis)
    rows, marks = [], []
    for s in path_strategies(analysis):
        label = describe_strategy(s, names)
        assert s.cumulative is not None
        for month, total in enumerate(s.cumulative, start=1):
            rows.append({"month": month, "strategy": label, "cumulative_usd": float(total)})
        if s.month is not None:
            marks.append(
                {
                    "month": s.month,
                    "strategy": label,
                    "cumulative_usd": float(s.cumulative[s.month - 1]),
                    "label": f"move at month {s.month}",
                }
            )
    return (
        pd.DataFrame(rows, columns=["month", "strategy", "cumulative_usd"]),
        pd.DataFrame(marks, columns=["month", "strategy", "cumulative_usd", "label"]),
    )


def path_chart(analysis: Analysis) -> alt.LayerChart:
    """Cumulative cost of each strategy over the horizon, with the migration months marked."""
    data, marks = path_frame(analysis)
    order = list(dict.fromkeys(data["strategy"]))
    color = alt.Color(
        "strategy:N", title="Strategy", sort=order, legend=alt.Legend(orient="bottom", columns=1, labelLimit=420)
    )
    x = alt.X("month:Q", title="Month", scale=alt.Scale(domainMin=1, nice=False))
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("cumulative_usd:Q", title="Cost so far [USD]", axis=alt.Axis(format="$,.0f")),
            color=color,
            tooltip=[
                alt.Tooltip("strategy:N", title="Strategy"),
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("cumulative_usd:Q", title="Cost so far", format="$,.0f"),
            ],
        )
    )
    points = (
        alt.Chart(marks)
        .mark_point(size=80, filled=True, shape="diamond")
        .encode(
            x=x,
            y="cumulative_usd:Q",
            color=color,
            tooltip=[alt.Tooltip("strategy:N", title="Strategy"), alt.Tooltip("label:N", title="Migration")],
        )
    )
    crossings = (
        alt.Chart(path_crossings(analysis))
        .mark_point(size=90, shape="circle", color="black", filled=False, strokeWidth=2)
        .encode(
            x=x,
            y="cumulative_usd:Q",
            tooltip=[alt.Tooltip("label:N", title="Crossing"), alt.Tooltip("month:Q", title="Month", format=".1f")],
        )
    )
    assert analysis.outlook is not None
    title = chart_title(
        f"Cost so far over {analysis.outlook.path.months} months",
        "by strategy; diamond: the migration;",
        "circle: where the cheapest path overtakes another",
    )
    return cast(alt.LayerChart, alt.layer(lines, points, crossings).properties(width=WIDTH, height=300, title=title))
