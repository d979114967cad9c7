"""The cost curves: each option's cost per month against one profile field, with the crossovers
marked and labelled and this profile's own value, as a Vega-Lite spec built once per field and
options and filled with each profile's data."""

from __future__ import annotations

import functools
import math
from typing import Literal, cast

import altair as alt
import numpy as np
import pandas as pd

from model.analysis import Analysis
from model.axes import AXES, value_of
from model.crossover import Crossover
from report.charts import (
    SCREEN_AUTOSIZE,
    SCREEN_LEGEND_COLUMNS,
    WIDTH,
    OptionKey,
    chart_title,
    log_axis,
    names_by_id,
    option_key,
    option_key_scale,
)
from report.words import number

__all__ = ["BANDS_UP_TO", "COUNTED", "HOSTING_DASH", "MONEY_LABEL", "cost_curve_spec", "crossing_at"]


HOSTING_DASH = alt.Scale(domain=["cloud", "self-hosted"], range=[[1, 0], [6, 3]])
BANDS_UP_TO = 4
"""A static chart draws the low-high ranges while it compares this many options or fewer."""


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """A frame as Vega-Lite's inline rows (NaN as null, numbers as Python numbers)."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return cast(list[dict[str, object]], rows)


def _cost_curve_frames(
    analysis: Analysis, field: str, interactive: bool = True
) -> tuple[dict[str, pd.DataFrame], bool]:
    """The data of a cost curve chart by dataset name, and whether a log cost axis can show it."""
    names = names_by_id(analysis)
    if field == "monthly_runs":
        sweep, crossings = analysis.runs_sweep, analysis.runs_crossovers
    else:
        sweep, crossings = analysis.axis_sweep, analysis.axis_crossovers
    axis = AXES[field]
    hosting = {o.id: o.hosting or "cloud" for o in analysis.result.options}
    data = pd.DataFrame(
        {
            field: sweep[field],
            "option_name": sweep["option"].map(names),
            "hosting": sweep["option"].map(hosting),
            "plan": sweep["plan"],
            **{k: sweep[k] for k in ("monthly_usd", "low_usd", "high_usd")},
        }
    )
    points = _crossing_frame(crossings, names)
    # A label reads away from the nearer edge, so it never runs over the axis; labels of
    # neighbouring crossings alternate above and below.
    span = (math.log10(axis.low), math.log10(axis.high)) if axis.log else (axis.low, axis.high)
    where = np.array([math.log10(v) if axis.log else v for v in points["value"]], dtype=np.float64)
    order = np.cumsum(points["changes_cheapest"].to_numpy(dtype=bool)) - 1
    points = points.assign(
        side=np.where((where - span[0]) / (span[1] - span[0]) < 0.5, "left", "right"),
        offset=np.where(order % 2 == 0, -10, 14),
    )
    value = value_of(analysis.profile, analysis.result, field)
    here = pd.DataFrame({"value": [value], "label": ["this profile"]})
    if axis.log and value <= 0:
        here = here.iloc[:0]
    y_log = bool((data["low_usd"].dropna() > 0).all())
    frames = {"sweep": data, "crossings": points, "here": here}
    band = analysis.outlook.band_for(field) if analysis.outlook is not None else None
    if band is not None:  # the P10-P90 of the draws instead of the least-most range
        b = band.frame
        if not interactive:  # a static chart draws the bands of the leading options alone
            assert analysis.outlook is not None
            b = b[b["option"].isin(analysis.outlook.leading(3))]
        frames["band"] = pd.DataFrame(
            {field: b[field], "option_name": b["option"].map(names), "low_usd": b["p10"], "high_usd": b["p90"]}
        )
        y_log = y_log and bool((b["p10"].dropna() > 0).all())
    return frames, y_log


MONEY_LABEL = (
    "datum.value >= 1e9 ? '$' + format(datum.value / 1e9, ',~g') + 'B' : "
    "datum.value >= 1e6 ? '$' + format(datum.value / 1e6, ',~g') + 'M' : "
    "datum.value >= 1e3 ? '$' + format(datum.value / 1e3, ',~g') + 'k' : '$' + format(datum.value, ',~g')"
)
"""A dollar axis label as a reader says it: $1, $100, $10k, $1M, $1B (a log axis of full figures
ran to $1,000,000,000, wider than a phone's plot)."""


def _cost_curve_template(
    field: str, options: OptionKey, interactive: bool, y_log: bool, banded: bool = False
) -> alt.LayerChart:
    """The chart without its data: it reads the named datasets `sweep`, `crossings` and `here`, and
    `band` (P10-P90 of the Monte Carlo draws) when `banded`; else the band is the least-most range."""
    axis = AXES[field]
    x_scale = alt.Scale(type="log") if axis.log else alt.Scale(zero=False)
    x = alt.X(f"{field}:Q", title=axis.label, scale=x_scale, axis=log_axis(axis.low, axis.high) if axis.log else None)
    color = alt.Color(
        "option_name:N", title="Option", scale=option_key_scale(options), legend=_option_legend(interactive)
    )
    dash = alt.StrokeDash(
        "hosting:N",
        title="Hosting",
        scale=HOSTING_DASH,
        # On a screen the names say which options are self-hosted; a second legend beside the first
        # would run off a phone.
        legend=None if interactive else alt.Undefined,
    )
    # In the app a click on the legend picks options (shift-click for more); the rest fade.
    pick = alt.selection_point(fields=["option_name"], bind="legend")
    line_opacity = alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.12))
    # Ranges of many options overlap into a haze: the app draws the range of the options picked;
    # a static chart draws them while there are few.
    band_opacity = alt.when(pick, empty=False).then(alt.value(0.15)).otherwise(alt.value(0.0))
    lines = _cost_lines(field, x, y_log, color, dash)
    band = (
        (alt.Chart(alt.NamedData("band")) if banded else alt.Chart())
        .mark_area(opacity=0.12)
        .encode(x=x, y="low_usd:Q", y2="high_usd:Q", color=color)
    )
    if interactive:
        lines = lines.add_params(pick).encode(opacity=line_opacity)
        band = band.encode(opacity=band_opacity)
    layers: list[alt.Chart] = [band, lines] if interactive or banded or len(options[0]) <= BANDS_UP_TO else [lines]
    layers += _crossing_layers(axis.label, x_scale)
    layers += _here_layers(x_scale)
    title = chart_title(
        f"Cost per month against {axis.label.lower()}", *(["bands: P10–P90 of the draws"] if banded else [])
    )
    chart = cast(
        alt.LayerChart, alt.layer(*layers, data=alt.NamedData("sweep")).properties(width=WIDTH, height=320, title=title)
    )
    if not interactive:
        return chart
    return chart.interactive(bind_y=False).properties(autosize=SCREEN_AUTOSIZE)


def _option_legend(interactive: bool) -> alt.Legend:
    """The options' legend. On a screen it goes beneath the plot: beside it, fifteen names leave a
    phone's plot 130 px wide. A static chart has the page's width and keeps it beside."""
    return alt.Legend(
        symbolOpacity=1,
        symbolType="stroke",
        symbolStrokeWidth=3,
        title="Option (click to pick)" if interactive else "Option",
        orient="bottom" if interactive else "right",
        columns=SCREEN_LEGEND_COLUMNS if interactive else alt.Undefined,
        labelLimit=220 if interactive else alt.Undefined,
    )


def _cost_lines(field: str, x: alt.X, y_log: bool, color: alt.Color, dash: alt.StrokeDash) -> alt.Chart:
    """Each option's cost per month along the field, on a log cost axis when `y_log` (else symlog,
    which shows a zero), labelled in dollars as a reader says them."""
    y_scale = alt.Scale(type="log") if y_log else alt.Scale(type="symlog", constant=10)
    lines: alt.Chart = (
        alt.Chart()
        .mark_line()
        .encode(
            x=x,
            y=alt.Y(
                "monthly_usd:Q",
                title="Cost per month [USD]",
                scale=y_scale,
                axis=alt.Axis(values=[0] + [10.0**k for k in range(0, 10)], labelExpr=MONEY_LABEL),
            ),
            color=color,
            strokeDash=dash,
            tooltip=[
                alt.Tooltip("option_name:N", title="Option"),
                alt.Tooltip(f"{field}:Q", title=AXES[field].label, format=",.4~g"),
                alt.Tooltip("monthly_usd:Q", title="USD/month", format="$,.2f"),
                alt.Tooltip("plan:N", title="Plan"),
            ],
        )
    )
    return lines


def _crossing_layers(label: str, x_scale: alt.Scale) -> list[alt.Chart]:
    """The crossovers (dataset `crossings`) as points, and those that change the cheapest labelled,
    each label reading away from the nearer edge (`label`: the field's axis title)."""
    crossings = alt.Chart(alt.NamedData("crossings"))
    layers = [
        crossings.mark_point(size=70, filled=True, color="black").encode(
            x=alt.X("value:Q", scale=x_scale),
            y="cost_usd:Q",
            tooltip=[
                alt.Tooltip("label:N", title="Crossover"),
                alt.Tooltip("value:Q", title=label, format=",.4~g"),
                alt.Tooltip("cost_usd:Q", title="USD/month", format="$,.2f"),
            ],
        )
    ]
    sides: tuple[tuple[Literal["left", "right"], int], ...] = (("left", 8), ("right", -8))
    for side, dx in sides:
        layers.append(
            crossings.transform_filter(alt.datum.changes_cheapest & (alt.datum.side == side))
            # The labels need room: on a plot narrower than 480 px (a phone) they would collide,
            # and the points keep their tooltips.
            .mark_text(align=side, dx=dx, fontSize=10, opacity=alt.ExprRef(expr="width < 480 ? 0 : 1"))
            .encode(x=alt.X("value:Q", scale=x_scale), y="cost_usd:Q", yOffset="offset:Q", text="short:N")
        )
    return layers


def _here_layers(x_scale: alt.Scale) -> list[alt.Chart]:
    """This profile's own value (dataset `here`): a dashed rule and its label."""
    here = alt.Chart(alt.NamedData("here"))
    return [
        here.mark_rule(strokeDash=[4, 4], color="gray").encode(
            x=alt.X("value:Q", scale=x_scale), tooltip=[alt.Tooltip("value:Q", title="This profile", format=",.4~g")]
        ),
        here.mark_text(align="left", dx=4, y=8, color="gray").encode(x=alt.X("value:Q", scale=x_scale), text="label:N"),
    ]


@functools.lru_cache(maxsize=64)
def _cost_curve_spec(
    field: str, options: OptionKey, interactive: bool, y_log: bool, banded: bool = False
) -> dict[str, object]:
    return dict(_cost_curve_template(field, options, interactive, y_log, banded).to_dict())


def cost_curve_spec(analysis: Analysis, field: str = "monthly_runs", *, interactive: bool = True) -> dict[str, object]:
    """Cost per month against one profile field for every option, crossovers marked and
    labelled, and this profile's own value marked, as a Vega-Lite spec.

    The chart's structure depends only on the field and the options shown: it is built (and
    validated) once, and each profile brings only its data."""
    frames, y_log = _cost_curve_frames(analysis, field, interactive)
    spec = _cost_curve_spec(field, option_key(analysis.result), interactive, y_log, "band" in frames)
    return {**spec, "datasets": {name: _records(frame) for name, frame in frames.items()}}


COUNTED = frozenset(
    {
        "steps_per_run",
        "sleeps_per_run",
        "human_waits_per_run",
        "child_runs_per_run",
        "peak_concurrent_runs",
        "monthly_runs",
    }
)
"""Fields that count whole things: a crossover between two counts is shown as the count it is crossed at."""


def crossing_at(value: float, field: str) -> str:
    """Where a crossover lies, as a reader counts it: a count from the first whole one past the crossing
    (77.38 steps: from 78 steps), anything else to three significant digits.

    >>> crossing_at(77.38, "steps_per_run"), crossing_at(2435.2, "monthly_runs"), crossing_at(0.25, "retry_rate")
    ('from 78', 'from 2,436', '0.25')
    """
    if field in COUNTED and not float(value).is_integer():
        return f"from {math.ceil(value):,}"
    return number(value)


def _crossing_frame(crossings: list[Crossover], names: dict[str, str]) -> pd.DataFrame:
    rows = []
    for c in crossings:
        below, above = names.get(c.cheaper_below, c.cheaper_below), names.get(c.cheaper_above, c.cheaper_above)
        rows.append(
            {
                "value": c.value,
                "cost_usd": c.cost_usd,
                "changes_cheapest": c.changes_cheapest,
                "label": f"{below} cheaper below, {above} above ({c.kind})",
                "short": f"{above} cheaper "
                + (f"{at}" if (at := crossing_at(c.value, c.field)).startswith("from") else f"above {at}"),
            }
        )
    return pd.DataFrame(rows, columns=["value", "cost_usd", "changes_cheapest", "label", "short"])
