"""Scenario sets side by side: one row per scenario and option, the cheapest per scenario marked,
as a table, Markdown, JSON and CSV (the CLI, the app and the report share these)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

from model.scenarios import ScenarioResult
from report.compare import ranked
from report.text import csv_cell
from report.words import fit_reasons, money, option_name

__all__ = [
    "SCENARIOS_CONTRACT",
    "SCENARIO_COLUMNS",
    "format_scenarios_csv",
    "format_scenarios_json",
    "format_scenarios_markdown",
    "format_scenarios_table",
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


def format_scenarios_table(title: str, results: Sequence[ScenarioResult]) -> str:
    lines = [f"“{title}”: {len(results)} scenarios", *[f"  {scenario_summary(s)}" for s in results], ""]
    lines.append(tabulate(_table_rows(results), headers=_HEADERS, disable_numparse=True))
    return "\n".join(lines) + "\n"


def format_scenarios_markdown(title: str, results: Sequence[ScenarioResult]) -> str:
    lines = [f"# {title}", "", *[f"- {scenario_summary(s)}" for s in results], ""]
    lines.append(tabulate(_table_rows(results), headers=_HEADERS, tablefmt="github", disable_numparse=True))
    return "\n".join(lines) + "\n"


def format_scenarios_json(title: str, results: Sequence[ScenarioResult], changes: Sequence[Any] | None = None) -> str:
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
