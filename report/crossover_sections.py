"""The report's sections on crossovers: where the cheapest option changes as monthly runs vary, and
along the second axis chosen, with where each crossover lies over the Monte Carlo draws."""

from __future__ import annotations

from model.analysis import Analysis
from model.axes import AXES
from model.crossover import Crossover
from report.curve_chart import crossing_at
from report.outlook_words import crossover_sentences
from report.section import Section
from report.words import money
from schema.profile import field_unit

__all__ = ["crossover_sections"]


def crossover_sections(analysis: Analysis) -> list[Section]:
    """The crossovers along monthly runs, then along the analysis's second axis, each with its chart."""
    axis = AXES[analysis.axis]
    return [
        Section(
            "Where the cheapest option changes with volume",
            paragraphs=(
                "Points where the cheapest option and another cost the same as monthly runs vary, everything "
                "else as profiled.",
                *_spread_lines(analysis),
            ),
            header=("Runs per month", "Cheaper below", "Cheaper above", "Cost there", "Changes the cheapest", "Kind"),
            rows=_crossing_rows(analysis.runs_crossovers, analysis, "monthly_runs"),
            chart="cost_by_runs",
        ),
        Section(
            f"Crossovers along {axis.label.lower()}",
            paragraphs=_spread_lines(analysis, analysis.axis),
            header=(axis.label, "Cheaper below", "Cheaper above", "Cost there", "Changes the cheapest", "Kind"),
            rows=_crossing_rows(analysis.axis_crossovers, analysis, analysis.axis),
            chart="cost_by_axis",
        ),
    ]


def _crossing_rows(crossings: list[Crossover], analysis: Analysis, field: str) -> tuple[tuple[str, ...], ...]:
    names = {o.id: o.name for o in analysis.result.options}
    unit = field_unit(field)
    return tuple(
        (
            f"{crossing_at(c.value, field)} {unit}".strip(),
            names.get(c.cheaper_below, c.cheaper_below),
            names.get(c.cheaper_above, c.cheaper_above),
            money(c.cost_usd),
            "yes" if c.changes_cheapest else "no",
            c.kind,
        )
        for c in crossings
    )


def _spread_lines(analysis: Analysis, field: str = "monthly_runs") -> tuple[str, ...]:
    """Where each crossover that changes the cheapest lies over the Monte Carlo draws."""
    band = analysis.outlook.band_for(field) if analysis.outlook is not None else None
    if band is None:
        return ()
    names = {o.id: o.name for o in analysis.result.options}
    return tuple(crossover_sentences(band, names, AXES[field].label.lower()))
