"""Altair charts of an `Analysis`, shared by the app (interactive) and the reports (as SVG).

Pure functions: data in, `alt.Chart` out. `to_svg` renders offline with vl-convert (no CDN).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, cast

import altair as alt
import numpy as np
import pandas as pd

from model.analysis import AXES, Analysis, value_of
from model.crossover import Crossover
from model.result import EstimateOut
from model.strategy import Strategy
from model.units import BYTES_PER_KB, BYTES_PER_MB, SECONDS_PER_HOUR
from report.compare import ranked
from report.outlook_words import describe_strategy, input_value

__all__ = [
    "breakdown_chart",
    "cost_curve_spec",
    "crossing_at",
    "limits_chart",
    "limits_frame",
    "limits_panels",
    "option_scale",
    "path_chart",
    "path_crossings",
    "path_frame",
    "price_history_chart",
    "svg_for_pdf",
    "to_svg",
    "to_svgs",
    "tornado_chart",
    "tornado_frame",
]

WIDTH = 640
CATEGORY_ORDER = ["vendor", "infrastructure", "people"]


PALETTE = (
    "#4c78a8",
    "#9ecae9",
    "#f58518",
    "#ffbf79",
    "#54a24b",
    "#88d27a",
    "#b79a20",
    "#f2cf5b",
    "#439894",
    "#83bcb6",
    "#e45756",
    "#ff9d98",
    "#79706e",
    "#bab0ac",
    "#d67195",
    "#fcbfd2",
    "#b279a2",
    "#d6a5c9",
    "#9e765f",
    "#d8b5a5",
)
"""Vega's `tableau20`: ten hues, each dark then light."""
HOSTING_DASH = alt.Scale(domain=["cloud", "self-hosted"], range=[[1, 0], [6, 3]])
BANDS_UP_TO = 4
"""A static chart draws the low-high ranges while it compares this many options or fewer."""


def _names(analysis: Analysis) -> dict[str, str]:
    return {o.id: o.name for o in analysis.result.options}


def option_scale(result: EstimateOut) -> alt.Scale:
    """One colour per option, the same in every chart: each vendor a hue of its own, its cloud
    option dark and its others light, so fifteen lines read as eight vendors."""
    return _option_scale(_option_key(result))


OptionKey = tuple[tuple[tuple[str, str], ...], tuple[str, ...]]
"""The options a chart shows, as (name, table id), and every option table in force: all its
structure depends on."""


def _vendor(table_id: str) -> str:
    return table_id.split("/", 1)[0]


def _option_key(result: EstimateOut) -> OptionKey:
    shown = tuple((o.name, o.id) for o in result.options)
    # Colours follow every option in force, not only those compared: narrowing the options keeps
    # each option's colour, in the app and in the reports alike.
    every = {t.table for t in result.pricing if t.kind == "option"}
    return shown, tuple(sorted(every | {i for _, i in shown}))


def _option_scale(options: OptionKey) -> alt.Scale:
    """Each vendor a hue of its own; its first offering (by id: `cloud` before `self-hosted`) dark,
    the next light."""
    shown, every = options
    vendors = sorted({_vendor(i) for i in every})
    domain: list[str] = []
    colours: list[str] = []
    for name, option in sorted(shown, key=lambda o: o[1]):
        vendor = _vendor(option)
        rank = [i for i in every if _vendor(i) == vendor].index(option)
        domain.append(name)
        colours.append(PALETTE[(2 * vendors.index(vendor) + min(rank, 1)) % len(PALETTE)])
    return alt.Scale(domain=domain, range=colours)


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """A frame as Vega-Lite's inline rows (NaN as null, numbers as Python numbers)."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return cast(list[dict[str, object]], rows)


def _cost_curve_frames(
    analysis: Analysis, field: str, interactive: bool = True
) -> tuple[dict[str, pd.DataFrame], bool]:
    """The data of a cost curve chart by dataset name, and whether a log cost axis can show it."""
    names = _names(analysis)
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
    y_scale = alt.Scale(type="log") if y_log else alt.Scale(type="symlog", constant=10)
    x = alt.X(f"{field}:Q", title=axis.label, scale=x_scale, axis=_log_axis(axis.low, axis.high) if axis.log else None)
    # On a screen the legend goes beneath the plot: beside it, fifteen names leave a phone's plot
    # 130 px wide. A static chart has the page's width and keeps it beside.
    legend = alt.Legend(
        symbolOpacity=1,
        symbolType="stroke",
        symbolStrokeWidth=3,
        title="Option (click to pick)" if interactive else "Option",
        orient="bottom" if interactive else "right",
        columns=SCREEN_LEGEND_COLUMNS if interactive else alt.Undefined,
        labelLimit=220 if interactive else alt.Undefined,
    )
    color = alt.Color("option_name:N", title="Option", scale=_option_scale(options), legend=legend)
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
    lines = (
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
                alt.Tooltip(f"{field}:Q", title=axis.label, format=",.4~g"),
                alt.Tooltip("monthly_usd:Q", title="USD/month", format="$,.2f"),
                alt.Tooltip("plan:N", title="Plan"),
            ],
        )
    )
    band = (
        (alt.Chart(alt.NamedData("band")) if banded else alt.Chart())
        .mark_area(opacity=0.12)
        .encode(x=x, y="low_usd:Q", y2="high_usd:Q", color=color)
    )
    if interactive:
        lines = lines.add_params(pick).encode(opacity=line_opacity)
        band = band.encode(opacity=band_opacity)
    layers: list[alt.Chart] = [band, lines] if interactive or banded or len(options[0]) <= BANDS_UP_TO else [lines]
    crossings = alt.Chart(alt.NamedData("crossings"))
    layers.append(
        crossings.mark_point(size=70, filled=True, color="black").encode(
            x=alt.X("value:Q", scale=x_scale),
            y="cost_usd:Q",
            tooltip=[
                alt.Tooltip("label:N", title="Crossover"),
                alt.Tooltip("value:Q", title=axis.label, format=",.4~g"),
                alt.Tooltip("cost_usd:Q", title="USD/month", format="$,.2f"),
            ],
        )
    )
    sides: tuple[tuple[Literal["left", "right"], int], ...] = (("left", 8), ("right", -8))
    for side, dx in sides:
        layers.append(
            crossings.transform_filter(alt.datum.changes_cheapest & (alt.datum.side == side))
            # The labels need room: on a plot narrower than 480 px (a phone) they would collide,
            # and the points keep their tooltips.
            .mark_text(align=side, dx=dx, fontSize=10, opacity=alt.ExprRef(expr="width < 480 ? 0 : 1"))
            .encode(x=alt.X("value:Q", scale=x_scale), y="cost_usd:Q", yOffset="offset:Q", text="short:N")
        )
    here = alt.Chart(alt.NamedData("here"))
    layers.append(
        here.mark_rule(strokeDash=[4, 4], color="gray").encode(
            x=alt.X("value:Q", scale=x_scale), tooltip=[alt.Tooltip("value:Q", title="This profile", format=",.4~g")]
        )
    )
    layers.append(
        here.mark_text(align="left", dx=4, y=8, color="gray").encode(x=alt.X("value:Q", scale=x_scale), text="label:N")
    )
    title = _title(f"Cost per month against {axis.label.lower()}", *(["bands: P10–P90 of the draws"] if banded else []))
    chart = cast(
        alt.LayerChart, alt.layer(*layers, data=alt.NamedData("sweep")).properties(width=WIDTH, height=320, title=title)
    )
    if not interactive:
        return chart
    return chart.interactive(bind_y=False).properties(autosize=SCREEN_AUTOSIZE)


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
    spec = _cost_curve_spec(field, _option_key(analysis.result), interactive, y_log, "band" in frames)
    return {**spec, "datasets": {name: _records(frame) for name, frame in frames.items()}}


def _title(text: str, *lines: str) -> alt.TitleParams:
    """A chart's title short enough for a phone, what it shows in the lines beneath it (each short too:
    Vega-Lite cuts a line, it does not wrap one)."""
    return alt.TitleParams(text, subtitle=list(lines)) if lines else alt.TitleParams(text)


def _log_axis(low: float, high: float) -> alt.Axis:
    """Ticks and grid lines at the powers of ten only (a log axis otherwise draws eight minor
    lines per decade).

    >>> _log_axis(0.5, 600).to_dict()["values"]
    [0.1, 1, 10, 100, 1000]
    """
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return alt.Axis(
        values=[10**k if k >= 0 else 10.0**k for k in range(first, last + 1)], format=",~g", labelFlush=True
    )


def _number(value: float) -> str:
    """
    >>> _number(1234567.8), _number(0.25), _number(12.0)
    ('1,234,568', '0.25', '12')
    """
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


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
    return _number(value)


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


def breakdown_frame(result: EstimateOut) -> pd.DataFrame:
    """Line items with a cost, for stacking. A credit (a negative line, such as usage a plan
    includes) is netted against the plan fee it comes with, and what is left of it against the
    plan's usage lines in proportion, so every bar starts at zero and ends at the option's total."""
    rows = []
    for option in result.options:
        credit = -sum(c.cost_usd for c in option.components if c.cost_usd < 0)
        costs = {c.key: c.cost_usd for c in option.components if c.cost_usd > 0}
        netted: set[str] = set()
        if credit > 0 and costs.get("plan_fee", 0) > 0:
            taken = min(credit, costs["plan_fee"])
            costs["plan_fee"] -= taken
            credit -= taken
            netted.add("plan_fee")
        usage = [c.key for c in option.components if c.category == "vendor" and c.key != "plan_fee" and c.cost_usd > 0]
        usage_total = sum(costs[k] for k in usage)
        if credit > 0 and usage_total > 0:
            keep = 1 - min(credit, usage_total) / usage_total
            for key in usage:
                costs[key] *= keep
                netted.add(key)
        for c in option.components:
            cost = costs.get(c.key, 0.0)
            if cost <= 1e-12:
                continue
            rows.append(
                {
                    "option": option.name,
                    "component": f"{c.name} (net of included usage)" if c.key in netted else c.name,
                    "category": c.category,
                    "cost_usd": cost,
                    "quantity": f"{_number(c.quantity)} {c.unit}",
                    "unit_price": f"{c.unit_price:.6g} {c.price_unit}",
                    "source": c.provenance.confidence if c.provenance else "",
                }
            )
    return pd.DataFrame(
        rows, columns=["option", "component", "category", "cost_usd", "quantity", "unit_price", "source"]
    )


def breakdown_chart(result: EstimateOut) -> alt.Chart:
    """Each option's monthly cost stacked by line item, coloured by what the money is for."""
    data = breakdown_frame(result)
    order = [o.name for o in ranked(result)]
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("option:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("sum(cost_usd):Q", title="Cost per month [USD]", stack="zero"),
            color=alt.Color("category:N", title="For", scale=alt.Scale(domain=CATEGORY_ORDER)),
            detail="component:N",
            order=alt.Order("category:N"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("component:N", title="Line item"),
                alt.Tooltip("quantity:N", title="Quantity"),
                alt.Tooltip("unit_price:N", title="Unit price"),
                alt.Tooltip("cost_usd:Q", title="USD/month", format="$,.2f"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(44), title="What the money is for")
    )
    return chart


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


SCREEN_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
"""A chart on a screen takes its column's width and keeps its own height for the plot; the legends
beneath add to it (Streamlit's default fits legends and plot into the height, leaving a sliver)."""
SCREEN_LEGEND_COLUMNS = alt.ExprRef(expr="containerSize()[0] < 600 ? 1 : 3")
"""A legend beneath a plot: one column on a phone, three on a wider screen."""


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
                    "label": f"{name} limit {_number(limit)} {unit}",
                }
            )
        if np.isfinite(warning) and 0 < warning <= tops[panel]:
            levels.append(
                {"panel": panel, "option_name": option, "value": warning, "label": f"warning {_number(warning)} {unit}"}
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
    x = alt.X("steps:Q", title="Steps per run", scale=alt.Scale(type="log"), axis=_log_axis(1, max(top, 10.0)))
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


def to_svg(chart: alt.TopLevelMixin | Mapping[str, object]) -> str:
    """Render a chart or a Vega-Lite spec offline to SVG (vl-convert embeds the Vega runtime; no
    network)."""
    return to_svgs([chart])[0]


def to_svgs(charts: Sequence[alt.TopLevelMixin | Mapping[str, object]]) -> list[str]:
    """Render several charts to SVG at once: the specs are built here, and vl-convert (which lets
    go of Python's lock while it draws) draws them on as many threads as the machine has cores."""
    import vl_convert as vlc

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    specs = [dict(chart) if isinstance(chart, Mapping) else chart.to_dict() for chart in charts]

    def draw(spec: dict[str, object]) -> str:
        return str(vlc.vegalite_to_svg(spec, vl_version=version, allowed_base_urls=[]))

    if len(specs) < 2:
        return [draw(spec) for spec in specs]
    with ThreadPoolExecutor(max_workers=min(len(specs), os.cpu_count() or 1)) as pool:
        return list(pool.map(draw, specs))


def svg_for_pdf(svg: str) -> str:
    """vl-convert's SVG, made readable by fpdf2: empty paths removed, missing line coordinates
    set to 0."""
    svg = re.sub(r'<path[^>]*\sd=""[^>]*/>', "", svg)

    def fill(match: re.Match[str]) -> str:
        tag = match.group(0)
        for attr in ("x1", "y1", "x2", "y2"):
            if f" {attr}=" not in tag:
                tag = tag.replace("<line", f'<line {attr}="0"', 1)
        return tag

    return re.sub(r"<line\b[^>]*>", fill, svg)


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
    names = _names(analysis)
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
    names = _names(analysis)
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
    title = _title(
        f"Cost so far over {analysis.outlook.path.months} months",
        "by strategy; diamond: the migration;",
        "circle: where the cheapest path overtakes another",
    )
    return cast(alt.LayerChart, alt.layer(lines, points, crossings).properties(width=WIDTH, height=300, title=title))


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
            title=_title(
                "What moves the gap most",
                f"The gap: {t.runner_name} minus {t.leader_name}",
                "dashed: the estimate; red: where the decision flips;",
                "tick: the high end",
            ),
        ),
    )
