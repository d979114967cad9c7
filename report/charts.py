"""What every chart shares: one colour per option (a hue per vendor), the width, titles, log axes
and a screen's sizing.

Charts of an `Analysis` serve the app (interactive) and the reports (as SVG). Each family has a
room of its own, pure functions from data to `alt.Chart`: the cost curves
(`report.curve_chart`), the breakdown (`report.breakdown_chart`), the limits
(`report.limits_chart`), the price history (`report.price_history_chart`), the path
(`report.path_chart`) and the tornado (`report.tornado_chart`); `report.svg` renders them offline.
"""

from __future__ import annotations

import math

import altair as alt

from model.analysis import Analysis
from model.result import EstimateOut

__all__ = [
    "PALETTE",
    "SCREEN_AUTOSIZE",
    "SCREEN_LEGEND_COLUMNS",
    "WIDTH",
    "OptionKey",
    "chart_title",
    "log_axis",
    "names_by_id",
    "option_key",
    "option_key_scale",
    "option_scale",
]


WIDTH = 640


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


SCREEN_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
"""A chart on a screen takes its column's width and keeps its own height for the plot; the legends
beneath add to it (Streamlit's default fits legends and plot into the height, leaving a sliver)."""
SCREEN_LEGEND_COLUMNS = alt.ExprRef(expr="containerSize()[0] < 600 ? 1 : 3")
"""A legend beneath a plot: one column on a phone, three on a wider screen."""


def names_by_id(analysis: Analysis) -> dict[str, str]:
    """Each option's name by its id, as the charts label it (without its design's)."""
    return {o.id: o.name for o in analysis.result.options}


def option_scale(result: EstimateOut) -> alt.Scale:
    """One colour per option, the same in every chart: each vendor a hue of its own, its cloud
    option dark and its others light, so fifteen lines read as eight vendors."""
    return option_key_scale(option_key(result))


OptionKey = tuple[tuple[tuple[str, str], ...], tuple[str, ...]]
"""The options a chart shows, as (name, table id), and every option table in force: all its
structure depends on."""


def _vendor(table_id: str) -> str:
    return table_id.split("/", 1)[0]


def option_key(result: EstimateOut) -> OptionKey:
    """The options `result` shows and every option table in force: what the colours depend on."""
    shown = tuple((o.name, o.id) for o in result.options)
    # Colours follow every option in force, not only those compared: narrowing the options keeps
    # each option's colour, in the app and in the reports alike.
    every = {t.table for t in result.pricing if t.kind == "option"}
    return shown, tuple(sorted(every | {i for _, i in shown}))


def option_key_scale(options: OptionKey) -> alt.Scale:
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


def chart_title(text: str, *lines: str) -> alt.TitleParams:
    """A chart's title short enough for a phone, what it shows in the lines beneath it (each short too:
    Vega-Lite cuts a line, it does not wrap one)."""
    return alt.TitleParams(text, subtitle=list(lines)) if lines else alt.TitleParams(text)


def log_axis(low: float, high: float) -> alt.Axis:
    """Ticks and grid lines at the powers of ten only (a log axis otherwise draws eight minor
    lines per decade).

    >>> log_axis(0.5, 600).to_dict()["values"]
    [0.1, 1, 10, 100, 1000]
    """
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return alt.Axis(
        values=[10**k if k >= 0 else 10.0**k for k in range(first, last + 1)], format=",~g", labelFlush=True
    )
