"""The limits on one run as steps grow: each option's per-run limits that grow with steps, one
panel per measure, with the warning and hard limits drawn and this profile's step count marked."""

from __future__ import annotations

from typing import cast

import altair as alt
import numpy as np
import pandas as pd

from model.analysis import Analysis
from model.units import BYTES_PER_KB, BYTES_PER_MB, SECONDS_PER_HOUR
from report.charts import SCREEN_AUTOSIZE, SCREEN_LEGEND_COLUMNS, WIDTH, log_axis, option_scale
from report.words import number

__all__ = ["limits_chart", "limits_frame", "limits_panels"]


_DISPLAY = {
    "events": ("events", 1.0, "Events per run"),
    "history_bytes": ("MB", BYTES_PER_MB, "History size [MB]"),
    "payload_bytes": ("KB", BYTES_PER_KB, "Largest payload [KB]"),
    "run_seconds": ("h", SECONDS_PER_HOUR, "Run duration [h]"),
}


def limits_frame(curves: pd.DataFrame) -> pd.DataFrame:
    """`Analysis.limit_curves` in display units, one panel title per measure (quantities by their unit)."""
    data = curves.copy()
    shown = [
        _DISPLAY.get(m, (u, 1.0, f"{n} [{u}]"))
        for m, u, n in zip(data["measure"], data["unit"], data["name"], strict=True)
    ]
    factor = np.array([f for _, f, _ in shown], dtype=np.float64)
    data["panel"] = [t for _, _, t in shown]
    data["shown_unit"] = [u for u, _, _ in shown]
    for column in ("value", "limit_value", "warning_value"):
        data[column] = data[column].to_numpy(dtype=np.float64) / factor
    return data


def limits_chart(analysis: Analysis) -> alt.FacetChart:
    """Each option's per-run limits that grow with steps (events, history size, largest payload,
    duration), against steps, one panel per measure, with the warning and hard limits drawn as
    lines and this profile's step count marked. A measure that does not change with the number of
    steps is left out (the table of limits shows it).

    One faceted chart over one long frame (`kind`: the curves, the levels, this profile), so
    fifteen options make one chart, not one per panel."""
    frame, panels, top = _limits_data(analysis)
    layered = _limits_layers(analysis, top)
    row = alt.Row(
        "panel:N",
        title=None,
        sort=panels,
        header=alt.Header(
            labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top", labelFontWeight="bold"
        ),
    )
    faceted: alt.FacetChart = (
        layered.properties(width=WIDTH, height=170)
        .facet(row=row, data=frame)
        .resolve_scale(y="independent")
        .properties(title="Limits on one run as steps grow")
    )
    return faceted


def limits_panels(analysis: Analysis) -> list[alt.LayerChart]:
    """The same panels as `limits_chart`, each a chart of its own with no width: a screen stretches
    each to its column (a faceted chart keeps a fixed width, which a phone or a narrow column cuts),
    with the legend beneath it rather than beside it."""
    frame, panels, top = _limits_data(analysis)
    charts = []
    for panel in panels:
        mine = frame[frame["panel"] == panel]
        shown = sorted(mine.loc[mine["kind"] == "curve", "option_name"].dropna().unique())
        # Each panel's legend names the options it draws (not all fifteen, six times over).
        legend = alt.Legend(orient="bottom", columns=SCREEN_LEGEND_COLUMNS, title=None, labelLimit=220, values=shown)
        layered = _limits_layers(analysis, top, legend=legend)
        charts.append(layered.properties(data=mine, height=170, title=panel, autosize=SCREEN_AUTOSIZE))
    return charts


def _limits_data(analysis: Analysis) -> tuple[pd.DataFrame, list[str], float]:
    """The limits chart's long frame (`kind`: the curves, the levels, this profile), its panels in
    order, and the most steps drawn."""
    assert analysis.limit_curves is not None
    data = limits_frame(analysis.limit_curves)
    grows = data.groupby(["option", "limit"])["value"].transform(lambda v: v.max() > v.min() * (1 + 1e-9))
    data = data[grows & (data["value"] > 0)]
    tops = data.groupby("panel")["value"].max() * 1000
    curves = data.assign(kind="curve", label="")
    marks = data[["panel", "option_name", "name", "limit_value", "warning_value", "shown_unit"]].drop_duplicates()
    levels = []
    for panel, option, name, limit, warning, unit in marks.itertuples(index=False):
        if 0 < limit <= tops[panel]:
            levels.append(
                {
                    "panel": panel,
                    "option_name": option,
                    "value": limit,
                    "label": f"{name} limit {number(limit)} {unit}",
                }
            )
        if np.isfinite(warning) and 0 < warning <= tops[panel]:
            levels.append(
                {"panel": panel, "option_name": option, "value": warning, "label": f"warning {number(warning)} {unit}"}
            )
    # Levels at one value (two options' 4 MB limits) are one line with one label naming them all,
    # not labels drawn over each other.
    level_rows = (
        pd.DataFrame(levels, columns=["panel", "option_name", "value", "label"])
        .drop_duplicates(["panel", "value", "label"])
        .groupby(["panel", "value"], as_index=False, sort=False)
        .agg(option_name=("option_name", "first"), label=("label", lambda labels: "; ".join(labels)))
        .assign(kind="level")
    )
    here = pd.DataFrame({"panel": data["panel"].unique(), "kind": "here", "steps": analysis.profile.steps_per_run})
    frame = pd.concat(
        [curves[["panel", "kind", "steps", "value", "option_name", "limit", "label"]], level_rows, here],
        ignore_index=True,
    )
    top = float(data["steps"].max()) if not data.empty else 1.0
    return frame, list(dict.fromkeys(data["panel"])), top


def _limits_layers(analysis: Analysis, top: float, legend: alt.Legend | None = None) -> alt.LayerChart:
    """The limits chart's layers, without data."""
    x = alt.X("steps:Q", title="Steps per run", scale=alt.Scale(type="log"), axis=log_axis(1, max(top, 10.0)))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(type="log"))
    base = alt.Chart()
    curve = (
        base.transform_filter(alt.datum.kind == "curve")
        .mark_line()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "option_name:N", title="Option", scale=option_scale(analysis.result), legend=legend or alt.Undefined
            ),
            detail="limit:N",
            tooltip=[
                alt.Tooltip("option_name:N", title="Option"),
                alt.Tooltip("steps:Q", format=",.0f"),
                alt.Tooltip("value:Q", format=",.4~g"),
            ],
        )
    )
    level = base.transform_filter(alt.datum.kind == "level")
    rule = level.mark_rule(color="firebrick", strokeDash=[6, 3]).encode(y=y, tooltip=["option_name:N", "label:N"])
    text = level.mark_text(align="left", x=4, dy=-6, color="firebrick", fontSize=10).encode(y=y, text="label:N")
    mark = (
        base.transform_filter(alt.datum.kind == "here")
        .mark_rule(color="gray", strokeDash=[4, 4])
        .encode(
            x=alt.X("steps:Q", scale=alt.Scale(type="log")),
            tooltip=[alt.Tooltip("steps:Q", title="This profile", format=",.0f")],
        )
    )
    return cast(alt.LayerChart, alt.layer(curve, rule, text, mark))
