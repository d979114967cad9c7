"""The report's sections on the options: all of them side by side, the checklist's answers that set
some aside or lean to a vendor, each option's line items, and each vendor's plans with what they
include."""

from __future__ import annotations

import datetime as dt

from model.analysis import Analysis
from model.result import EstimateOut
from report.beside_words import beside_lines
from report.compare import (
    PLAN_HEADERS,
    adds_nothing,
    format_quantity,
    format_unit_price,
    monthly_cell,
    plan_rows,
    ranked,
    source_label,
    unpriced_note,
)
from report.option_words import fit_label, fit_reasons, option_name, plan_reason
from report.section import Section
from report.words import money, say, sentence

__all__ = ["answers_sections", "line_item_sections", "options_section", "plan_sections"]


def options_section(result: EstimateOut, generated: dt.date | None) -> Section:
    """Every option side by side, cheapest first: its plan (or why it cannot run the workload), its
    monthly cost with the range, and its bill by category."""
    return Section(
        "Options side by side",
        paragraphs=tuple(f"Note: {sentence(say(w))}" for w in result.warnings)
        + ((unpriced_note(result) or "",) if result.unpriced else ())
        + tuple(beside_lines(result, generated)),
        header=("Option", "Plan", "Per month", "Range", "Per run", "Vendor bill", "Infrastructure", "People"),
        rows=tuple(
            (
                option_name(o),
                o.plan if o.applicable else f"{fit_label(o)}: {'; '.join(fit_reasons(o))}",
                monthly_cell(o),
                f"{money(o.low_usd)} – {money(o.high_usd)}" if o.applicable else "",
                money(o.per_run_usd) if o.applicable else "",
                money(o.subtotals["vendor"]),
                money(o.subtotals["infrastructure"]),
                money(o.subtotals["people"]),
            )
            for o in ranked(result)
        ),
        chart="breakdown",
    )


def answers_sections(analysis: Analysis) -> list[Section]:
    """The checklist's answers, when any question was answered or left open: the options they set
    aside and the vendors they lean to (none without a checklist)."""
    checklist = analysis.checklist
    if not (checklist.answers or checklist.unanswered):
        return []
    v = analysis.verdict
    names = {o.id: option_name(o) for o in analysis.result.options}
    rows = [
        (names.get(option, option), "set aside", str(f.data.get("reason")), str(f.data.get("source_title")))
        for option, found in v.set_aside.items()
        for f in found
    ]
    rows += [
        (x.vendor_name, f"leans to it (weight {x.weight:g})", f"{x.answer}: {x.reason}", x.source_title)
        for x in checklist.leanings
    ]
    return [
        Section(
            "Your answers",
            paragraphs=(
                "The verdict names the cheapest option that can run the workload and meets your answers. An "
                "answer that requires what an option lacks sets it aside; one that only weighs for a vendor is "
                "named beside the verdict with what following it costs.",
                *(
                    ("Not answered (they weigh nothing): " + "; ".join(checklist.unanswered.values()),)
                    if checklist.unanswered
                    else ()
                ),
            ),
            header=("Option or vendor", "What the answer does", "Why", "Source"),
            rows=tuple(rows),
        )
    ]


def line_item_sections(result: EstimateOut) -> list[Section]:
    """One section per option: its plan and why, what it depends on, its warnings, and its line items
    (those that add something) with their sources."""
    sections = []
    for option in result.options:
        why = tuple(f"{fit_label(option).capitalize()}: {sentence(text)}" for text in fit_reasons(option))
        notes = tuple([*why, *option.depends_on, *(f"Warning: {sentence(say(w))}" for w in option.warnings)])
        sections.append(
            Section(
                f"{option_name(option)}: {monthly_cell(option)} a month",
                paragraphs=(f"{option.plan}: {plan_reason(option)}", *notes),
                header=("Line item", "Quantity", "Unit price", "Cost", "Range", "Source"),
                rows=tuple(
                    (
                        c.name,
                        format_quantity(c.quantity, c.unit),
                        format_unit_price(c.unit_price, c.price_unit, c.quoted_unit),
                        money(c.cost_usd),
                        f"{money(c.low_usd)} – {money(c.high_usd)}",
                        source_label(c, verified=True),
                    )
                    for c in option.components
                    if not adds_nothing(c)
                ),
            )
        )
    return sections


def plan_sections(result: EstimateOut) -> list[Section]:
    """Each option's plans with what they include, where there is a choice to show: more than one
    plan, or requirements stated."""
    plan_tables = [(o, plan_rows(o)) for o in result.options]
    return [
        Section(
            f"{option.name}: plans and what they include",
            paragraphs=(
                "The vendor's bill on each plan for this workload, beside what the plan includes; the "
                "cheapest plan that takes the workload and meets your requirements is chosen.",
            ),
            header=PLAN_HEADERS,
            rows=tuple(rows),
        )
        for option, rows in plan_tables
        if len(rows) > 1 or (rows and result.profile.requirements.stated())
    ]
