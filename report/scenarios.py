"""Scenario sets side by side: one row per scenario and option, the cheapest per scenario marked,
as a table, Markdown, JSON and CSV (the CLI, the app and the report share these)."""

from __future__ import annotations

import csv
import io
import json
import math
import textwrap
from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

from model.scenarios import AccountScenario, ScenarioResult
from report.account import scenario_account_lines, scenario_account_table
from report.compare import ranked
from report.option_words import fit_reasons, option_name
from report.text import csv_cell, md, md_rows
from report.words import money

__all__ = [
    "SCENARIOS_CONTRACT",
    "SCENARIO_COLUMNS",
    "format_scenarios_csv",
    "format_scenarios_json",
    "format_scenarios_markdown",
    "format_scenarios_table",
    "scenario_chart_left_out",
    "scenario_chart_spec",
    "scenario_rows",
    "scenario_summary",
]

SCENARIOS_CONTRACT = "1"
SCENARIO_COLUMNS = (
    "scenario",
    "option",
    "plan",
    "monthly_usd",
    "low_usd",
    "high_usd",
    "vendor_usd",
    "infrastructure_usd",
    "people_usd",
    "cheapest",
    "applicable",
    "note",
)


def scenario_rows(results: Sequence[ScenarioResult]) -> list[dict[str, Any]]:
    """One row per scenario and option, options in each scenario's order of cost."""
    rows = []
    for scenario in results:
        for option in ranked(scenario.result):
            rows.append(
                {
                    "scenario": scenario.name,
                    "option": option_name(option),
                    "plan": option.plan,
                    "monthly_usd": option.monthly_usd,
                    "low_usd": option.low_usd,
                    "high_usd": option.high_usd,
                    "vendor_usd": option.subtotals["vendor"],
                    "infrastructure_usd": option.subtotals["infrastructure"],
                    "people_usd": option.subtotals["people"],
                    "cheapest": option.id == scenario.cheapest,
                    "applicable": option.applicable,
                    "note": "; ".join(fit_reasons(option)) if option.fit.status != "fits" else "",
                }
            )
    return rows


def scenario_summary(scenario: ScenarioResult) -> str:
    """One sentence per scenario: its cheapest option, and whether the ranges let anyone call it."""
    best = next((o for o in scenario.result.options if o.id == scenario.cheapest), None)
    if best is None:
        return f"{scenario.name}: no option can run this workload."
    close = "; too close to call on these inputs (the ranges overlap)" if scenario.too_close else ""
    cost = money(best.monthly_usd)
    return f"{scenario.name}: {option_name(best)} ({best.plan}) is the cheapest at {cost} a month{close}."


def _table_rows(results: Sequence[ScenarioResult]) -> list[list[str]]:
    return [
        [
            r["scenario"],
            ("* " if r["cheapest"] else "  ") + r["option"],
            r["plan"] if r["applicable"] else "not applicable",
            money(r["monthly_usd"]),
            f"{money(r['low_usd'])} – {money(r['high_usd'])}",
        ]
        for r in scenario_rows(results)
    ]


_HEADERS = ["scenario", "option (* cheapest)", "plan", "per month", "range"]


_ACCOUNT_HEADERS = ["scenario", "option", "account", "cheapest"]


def format_scenarios_table(
    title: str, results: Sequence[ScenarioResult], accounts: Sequence[AccountScenario] = ()
) -> str:
    lines = [f"“{title}”: {len(results)} scenarios", *[f"  {scenario_summary(s)}" for s in results], ""]
    lines.append(tabulate(_table_rows(results), headers=_HEADERS, disable_numparse=True))
    if accounts:
        agents = ", ".join(accounts[0].agents)
        lines += ["", f"The account in each scenario ({agents}, priced together):"]
        lines += [f"  {line}" for line in scenario_account_lines(accounts)]
        lines += ["", tabulate(scenario_account_table(accounts), headers=_ACCOUNT_HEADERS, disable_numparse=True)]
    return "\n".join(lines) + "\n"


def format_scenarios_markdown(
    title: str, results: Sequence[ScenarioResult], accounts: Sequence[AccountScenario] = ()
) -> str:
    """The scenarios as Markdown; their names (the user's) read as text, never as syntax."""
    lines = [f"# {md(title)}", "", *[f"- {md(scenario_summary(s))}" for s in results], ""]
    lines.append(tabulate(md_rows(_table_rows(results)), headers=_HEADERS, tablefmt="github", disable_numparse=True))
    if accounts:
        agents = ", ".join(accounts[0].agents)
        lines += ["", f"## The account in each scenario ({md(agents)}, priced together)", ""]
        lines += [f"- {md(line)}" for line in scenario_account_lines(accounts)]
        lines += [
            "",
            tabulate(
                md_rows(scenario_account_table(accounts)),
                headers=_ACCOUNT_HEADERS,
                tablefmt="github",
                disable_numparse=True,
            ),
        ]
    return "\n".join(lines) + "\n"


def format_scenarios_json(
    title: str,
    results: Sequence[ScenarioResult],
    changes: Sequence[Any] | None = None,
    accounts: Sequence[AccountScenario] = (),
) -> str:
    """`{"contract": "scenarios/1", "name", "scenarios": [{"name", "changes", "cheapest",
    "too_close", "result"}]}`; each `result` is the estimate contract (version 1) for that scenario."""
    given = list(changes) if changes is not None else [None] * len(results)
    data = {
        "contract": f"scenarios/{SCENARIOS_CONTRACT}",
        "name": title,
        "scenarios": [
            {
                "name": s.name,
                "changes": c,
                "cheapest": s.cheapest,
                "too_close": s.too_close,
                "result": s.result.model_dump(mode="json"),
            }
            for s, c in zip(results, given, strict=True)
        ],
    }
    if accounts:
        data["accounts"] = [
            {
                "name": a.name,
                "agents": list(a.agents),
                "cheapest": a.cheapest,
                "options": {k: (v if math.isfinite(v) else None) for k, v in a.totals.items()},
            }
            for a in accounts
        ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text, never runs as a formula (OWASP)."""
    return csv_cell(value)


def format_scenarios_csv(results: Sequence[ScenarioResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCENARIO_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in scenario_rows(results):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


BAR_PX = 16
"""The room for one bar, and for the line naming each option above its bars [px]."""
LABEL_ROW = ""
"""The place, within each option's band, of the line naming it (no scenario has an empty name)."""
HEADROOM = 1.25
"""The cost axis runs this far past the dearest bar, so its amount, written after it, fits."""
LEGEND_CHARS = 36
"""A scenario's name longer than this is shown on several lines in the legend (a phone is 390 px)."""


def _drawn(results: Sequence[ScenarioResult]) -> list[dict[str, Any]]:
    """The bars: every option that can run a scenario, at a public price, with a finite cost."""
    return [
        {
            "scenario": scenario.name,
            "id": option.id,
            "option": option.name,
            "shown": option_name(option),
            "plan": option.plan,
            "cost": float(option.monthly_usd),
            "amount": money(option.monthly_usd, cents=option.monthly_usd < 100),
        }
        for scenario in results
        for option in ranked(scenario.result)
        if option.applicable and math.isfinite(option.monthly_usd)
    ]


def scenario_chart_left_out(results: Sequence[ScenarioResult]) -> list[str]:
    """The options the chart leaves out, with the scenarios in which they cannot be priced (the
    table says why), as 'Name, in “scenario” and “scenario”'."""
    drawn = {(b["scenario"], b["id"]) for b in _drawn(results)}
    out: dict[str, list[str]] = {}
    for scenario in results:
        for option in scenario.result.options:
            if (scenario.name, option.id) not in drawn:
                out.setdefault(option.name, []).append(scenario.name)
    return [f"{name}, in " + " and ".join(f"“{w}”" for w in where) for name, where in out.items()]


def _wrapped(names: Sequence[str]) -> str | None:
    """A Vega expression showing each long scenario name on several lines (None: none is long)."""
    long = {n: textwrap.wrap(n, LEGEND_CHARS) for n in names if len(n) > LEGEND_CHARS}
    if not long:
        return None
    table = ", ".join(f"{json.dumps(n)}: {json.dumps(lines)}" for n, lines in long.items())
    return f"{{{table}}}[datum.label] || datum.label"


def _round_up(value: float) -> float:
    """The end of the cost axis: `value` rounded up to a multiple of half its power of ten, so the
    last tick is the axis's end.

    >>> _round_up(12857.5), _round_up(1250.0), _round_up(0.0), _round_up(7.2)
    (15000.0, 1500.0, 1.0, 7.5)
    """
    if value <= 0:
        return 1.0
    step = 10.0 ** math.floor(math.log10(value)) / 2
    return float(math.ceil(value / step) * step)


def scenario_chart_spec(results: Sequence[ScenarioResult]) -> dict[str, Any]:
    """Each option's monthly cost in each scenario, as a Vega-Lite spec: one band per option, in
    the order of their cost in the first scenario (the profile), its name on a line of its own
    above one bar per scenario, each bar's amount written after it.

    The cost axis is linear and starts at zero, so a bar's length is its cost and a $0 option is a
    bar of no length with "$0.00" written beside it (a log axis has no place for zero). Names are
    never cut: an option's name spans the chart's width, and a long scenario name wraps in the
    legend. Options that cannot run a scenario are left out (`scenario_chart_left_out`)."""
    names = [r.name for r in results]
    bars = _drawn(results)
    cost = {(b["scenario"], b["id"]): b["cost"] for b in bars}
    label = {b["id"]: b["option"] for b in reversed(bars)}
    order = sorted(label, key=lambda i: ([cost.get((n, i), math.inf) for n in names], label[i]))
    top = max((b["cost"] for b in bars), default=0.0)
    legend: dict[str, Any] = {"orient": "top", "direction": "vertical", "title": None, "labelLimit": 0}
    expression = _wrapped(names)
    if expression is not None:
        legend["labelExpr"] = expression
    x = {
        "field": "cost",
        "type": "quantitative",
        "title": "USD per month",
        "scale": {"type": "linear", "zero": True, "nice": False, "domain": [0, _round_up(top * HEADROOM)]},
        "axis": {"format": "$,.0f", "labelFlush": True, "tickCount": 5, "tickMinStep": 1},
    }
    return {
        "height": {"step": BAR_PX},
        "encoding": {
            "y": {"field": "id", "type": "nominal", "sort": order, "axis": None, "title": None},
            "yOffset": {
                "field": "scenario",
                "type": "nominal",
                "scale": {"domain": [LABEL_ROW, *names], "paddingInner": 0.15},
            },
        },
        "layer": [
            {
                "data": {"values": [{"id": i, "scenario": LABEL_ROW, "option": label[i]} for i in order]},
                "mark": {"type": "text", "align": "left", "baseline": "middle", "fontWeight": "bold", "x": 0},
                "encoding": {"text": {"field": "option"}},
            },
            {
                "data": {"values": bars},
                "mark": {"type": "bar"},
                "encoding": {
                    "x": x,
                    "color": {
                        "field": "scenario",
                        "type": "nominal",
                        "scale": {"domain": names},
                        "legend": legend,
                    },
                    "tooltip": [
                        {"field": "scenario", "title": "Scenario"},
                        {"field": "shown", "title": "Option"},
                        {"field": "plan", "title": "Plan"},
                        {"field": "amount", "title": "Per month"},
                    ],
                },
            },
            {
                "data": {"values": bars},
                "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 3},
                "encoding": {"x": x, "text": {"field": "amount"}},
            },
        ],
    }
