"""The report's section on a scenario set: every scenario's options side by side, the cheapest in
each marked."""

from __future__ import annotations

from collections.abc import Sequence

from model.scenarios import ScenarioResult
from report.section import Section
from report.words import money

__all__ = ["scenarios_section"]


def scenarios_section(scenarios: Sequence[ScenarioResult]) -> Section:
    """One row per scenario and option: its plan, monthly cost with the range, and whether it is the
    scenario's cheapest."""
    from report.scenarios import scenario_rows, scenario_summary

    return Section(
        "Scenarios side by side",
        paragraphs=tuple(scenario_summary(s) for s in scenarios),
        header=("Scenario", "Option", "Plan", "Per month", "Range", "Cheapest"),
        rows=tuple(
            (
                r["scenario"],
                r["option"],
                r["plan"] if r["applicable"] else "not applicable",
                money(r["monthly_usd"]),
                f"{money(r['low_usd'])} – {money(r['high_usd'])}",
                "yes" if r["cheapest"] else "",
            )
            for r in scenario_rows(scenarios)
        ),
    )
