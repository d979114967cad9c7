"""The headline (the one verdict, shown above every view) and the comparison view: each option's
figure, what the verdict rests on, options side by side, the crossover charts, the stacked breakdown
and the line items. Reads a `Headline` and an `Analysis`; computes nothing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from model.analysis import Analysis, Headline
from model.axes import AXES
from model.crossover import Crossover
from model.option_out import OptionOut
from report.beside_words import beside_lines, beside_sentence, beside_warnings, whole_cost
from report.breakdown_chart import breakdown_frame
from report.compare import (
    PLAN_HEADERS,
    adds_nothing,
    monthly_cell,
    plan_rows,
    ranked,
    source_label,
    unpriced_note,
)
from report.option_words import checked_text, fit_label, fit_reasons, option_name, plan_reason
from report.text import escape
from report.verdict_words import flip_sentence, verdict_details, verdict_sentence
from report.words import money, say, sentence
from schema.profile import field_unit
from ui.data import chart_spec

__all__ = ["overdue", "render_compare", "render_headline"]

MONEY = st.column_config.NumberColumn(format="dollar")
PER_RUN = st.column_config.NumberColumn(
    format="$%.4f", help="A run's share of the month's cost: cents alone would hide most of a figure like $0.0022"
)
PER_ROW = 5
"""Metrics side by side in the Compare view; more options go into rows beneath, folded away."""


def _metrics(options: list[OptionOut], best: OptionOut | None, today: dt.date) -> None:
    for start in range(0, len(options), PER_ROW):
        row = options[start : start + PER_ROW]
        for column, option in zip(st.columns(PER_ROW), row, strict=False):
            delta = None
            if not option.applicable:
                delta = fit_label(option)
            elif best is not None and option.id != best.id:
                delta = f"+{money(option.monthly_usd - best.monthly_usd)} vs cheapest"
            elif option.fit.status == "workaround":
                delta = fit_label(option)
            why = " ".join(sentence(text) for text in fit_reasons(option))
            warned = " ".join(f"Warning: {sentence(say(w))}" for w in option.warnings)
            stale = overdue(option, today)
            column.metric(
                option_name(option) + (" ⚠" if stale else ""),
                monthly_cell(option),
                delta=delta,
                delta_color="off" if not option.applicable or option.id == getattr(best, "id", None) else "inverse",
                delta_arrow="off" if not option.applicable or option.id == getattr(best, "id", None) else "auto",
                help=f"{why} {option.plan}: {plan_reason(option)} "
                f"Vendor bill {money(option.subtotals['vendor'])}, infrastructure "
                f"{money(option.subtotals['infrastructure'])}, people {money(option.subtotals['people'])}. "
                f"Range {money(option.low_usd)} – {money(option.high_usd)}. {warned} "
                f"{sentence(checked_text(option.pricing, today))}".strip(),
                border=True,
            )


def overdue(option: OptionOut, today: dt.date) -> bool:
    """The option's prices are past their re-check date."""
    return option.pricing.recheck_due is not None and option.pricing.recheck_due < today


def render_headline(head: Headline, today: dt.date) -> None:
    """The answer first, above every view and short enough for a phone: the verdict in one sentence (the
    same sentence as the report's first page), what would flip it, and what the checklist set aside or
    leaves open. The figures behind it are the Compare view's."""
    v, result = head.verdict, head.result
    st.markdown(f"#### {escape(verdict_sentence(v, result))}")
    lines = []
    tokens = beside_sentence(v, result)
    if tokens is not None:  # the figure that frames the orchestrator's: the second line
        lines.append(escape(tokens))
    lines += ["⚠ " + escape(w) for w in beside_warnings(result)]
    if v.flip is not None:
        lines.append(f"**What would flip it:** {escape(flip_sentence(v.flip, result))}")
    details = verdict_details(v, result, today)
    lines += [escape(d) for d in details if d.startswith(("Set aside", "Your answers lean", "What could still"))]
    stale = [o for o in (v.best, v.runner) if o is not None and overdue(o, today)]
    if stale:  # short: the Compare view's figures say each option's in full
        held = "; ".join(f"{option_name(o)} as of {o.pricing.checked:%Y-%m-%d}" for o in stale if o.pricing.checked)
        lines.append("⚠ " + escape(f"Prices overdue for a re-check: {held}"))
    if lines:
        st.markdown("  \n".join(lines))
    unpriced = unpriced_note(result)
    if unpriced:  # every view compares only the options priced on the date
        st.info(unpriced, icon=":material/event_busy:")


def _beside(head: Headline) -> None:
    """What runs beside the orchestrators (the model's tokens, the sandboxes): the same on every option,
    so it frames the ranking without changing it; with it, the whole cost of running the agent on the
    named option."""
    v, result = head.verdict, head.result
    t, b = result.tokens, result.sandbox
    if t is None and b is None:
        return
    shown = [(label, figure) for label, figure in (("Model tokens", t), (b.name if b else "", b)) if figure is not None]
    columns = st.columns(len(shown) + 1)
    for column, (label, figure) in zip(columns, shown, strict=False):
        column.metric(f"{label}, on every option", f"{money(figure.monthly_usd, cents=False)}/mo", border=True)
    if v.best is not None:
        whole = whole_cost(v.best, result)
        columns[-1].metric(
            f"With {option_name(v.best)}",
            f"{money(whole, cents=False)}/mo",
            f"orchestrator {v.best.monthly_usd / whole:.1%} of it" if whole > 0 else None,
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
    st.caption("  \n".join(escape(line) for line in beside_lines(result)))


def _figures(head: Headline, today: dt.date) -> None:
    """What the verdict rests on: each option's monthly figure (the cheapest five in a row; with more, the
    rest folded beneath), the two leaders' bills by category, warnings and the peak."""
    v, result = head.verdict, head.result
    order = ranked(result)
    _metrics(order[:PER_ROW], v.best, today)
    if len(order) > PER_ROW:
        with st.expander(f"The other {len(order) - PER_ROW} options (narrow the list in the sidebar's Options)"):
            _metrics(order[PER_ROW:], v.best, today)
    details = [
        d
        for d in verdict_details(v, result, today)
        if not d.startswith(("Set aside", "Your answers lean", "What could", "The model's tokens", "Step "))
        and "prices hold as of" not in d
    ]  # the headline says those, and which prices are overdue
    if details:
        st.markdown("  \n".join(escape(d) for d in details))
    _beside(head)
    for warning in result.warnings:
        st.warning(f"{say(warning)}.", icon=":material/trending_up:")
    work = result.workload
    peak = ""
    if work is not None:
        how = {
            "given": "as given",
            "derived": "derived from the volume",
            "raised": "raised to what the volume implies",
        }[work.peak_concurrent_runs_source]
        peak = f"Runs executing at once at the peak: {work.peak_concurrent_runs:,.4g} ({how}). "
    st.caption(
        f"Prices in force on {result.pricing_date}. {peak}"
        "Each figure is a month's total cost of ownership: the vendor's bill, the machines you run "
        "yourself (workers, or the whole platform when self-hosted) and the share of an engineer "
        "who operates it (Team, in the sidebar). Hover a figure for its parts; ⚠ marks prices overdue "
        "for a re-check."
    )


def _options_frame(analysis: Analysis) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Option": option_name(o),
                "Plan": o.plan,
                "Runs this workload": fit_label(o),
                "Per month": o.monthly_usd,
                "Low": o.low_usd,
                "High": o.high_usd,
                "Per run": o.per_run_usd,
                "Vendor bill": o.subtotals["vendor"],
                "Infrastructure": o.subtotals["infrastructure"],
                "People": o.subtotals["people"],
                "Why this plan": plan_reason(o),
                "Prices hold as of": o.pricing.checked,
            }
            for o in ranked(analysis.result)
        ]
    )


def _crossings_frame(crossings: list[Crossover], analysis: Analysis) -> pd.DataFrame:
    names = {o.id: o.name for o in analysis.result.options}
    return pd.DataFrame(
        [
            {
                "At": round(c.value) if abs(c.value) >= 100 else float(f"{c.value:.4g}"),  # as the report
                "Cheaper below": names.get(c.cheaper_below, c.cheaper_below),
                "Cheaper above": names.get(c.cheaper_above, c.cheaper_above),
                "Cost there": c.cost_usd,
                "Cheapest changes": c.changes_cheapest,
                "Kind": "prices cross" if c.kind == "cross" else "a plan or tier step",
            }
            for c in crossings
        ],
        columns=["At", "Cheaper below", "Cheaper above", "Cost there", "Cheapest changes", "Kind"],
    )


def _crossings(crossings: list[Crossover], analysis: Analysis, field: str) -> None:
    unit = field_unit(field)
    label = AXES[field].label
    if not crossings:
        st.caption(f"No crossover between {AXES[field].low:,.4g} and {AXES[field].high:,.4g} ({label.lower()}).")
        return
    st.dataframe(
        _crossings_frame(crossings, analysis),
        hide_index=True,
        column_config={
            "At": st.column_config.NumberColumn(
                f"{label}" + (f" [{unit}]" if unit and unit not in label else ""), format="localized"
            ),
            "Cost there": MONEY,
        },
    )


def _line_items(analysis: Analysis) -> pd.DataFrame:
    rows = []
    for option in ranked(analysis.result):
        for c in option.components:
            if adds_nothing(c):
                continue
            rows.append(
                {
                    "Option": option.name,
                    "Line item": c.name,
                    "Category": c.category,
                    "Quantity": c.quantity,
                    "Unit": c.unit,
                    "Unit price": c.unit_price,
                    "Price unit": c.price_unit,
                    "Cost": c.cost_usd,
                    "Low": c.low_usd,
                    "High": c.high_usd,
                    "Confidence": source_label(c),
                    "Source": c.provenance.url if c.provenance else None,
                }
            )
    return pd.DataFrame(rows)


def render_compare(analysis: Analysis, axes: list[str], today: dt.date) -> None:
    result = analysis.result
    _figures(analysis.headline, today)
    st.subheader("Options side by side")
    st.dataframe(
        _options_frame(analysis),
        hide_index=True,
        column_config={
            "Per run": PER_RUN,
            **{k: MONEY for k in ("Per month", "Low", "High", "Vendor bill", "Infrastructure", "People")},
        },
    )
    unable = [o for o in ranked(result) if o.fit.status == "ruled_out"]
    if unable:
        st.info(
            "Cannot run this workload (shown for reference, never the cheapest): "
            + "; ".join(f"**{escape(o.name)}**: {escape('; '.join(fit_reasons(o)))}" for o in unable),
            icon=":material/block:",
        )
    unpublished = [o for o in ranked(result) if o.fit.status == "not_public"]
    if unpublished:
        st.info(
            "Price not public for this workload (the figure is what the published prices cover; never the "
            "cheapest): "
            + "; ".join(f"**{escape(o.name)}**: {escape('; '.join(fit_reasons(o)))}" for o in unpublished),
            icon=":material/lock:",
        )
    designed = [o for o in ranked(result) if o.fit.status == "workaround"]
    if designed:
        st.info(
            "Priced as the vendor's documented way around a limit: "
            + "; ".join(f"**{escape(option_name(o))}**: {escape('; '.join(fit_reasons(o)))}" for o in designed),
            icon=":material/alt_route:",
        )
    for option in result.options:
        if option.applicable:
            for warning in option.warnings:
                st.warning(f"{option_name(option)}: {say(warning)}")

    plans = [(o, plan_rows(o)) for o in ranked(result)]
    plans = [(o, rows) for o, rows in plans if rows]
    if plans:
        with st.expander(
            "Plans and what they include (seats, log retention, SSO, SLA, support, HIPAA)",
            expanded=bool(result.profile.requirements.stated()),
        ):
            st.caption(
                "The vendor's bill on each plan for this workload, beside what the plan includes. The "
                "cheapest plan that takes the workload and meets what you need (the sidebar's *What a plan "
                "must offer*) is chosen; on a tie, the larger plan."
            )
            st.dataframe(
                pd.DataFrame([(o.name, *row) for o, rows in plans for row in rows], columns=["Option", *PLAN_HEADERS]),
                hide_index=True,
            )

    st.subheader("Where the cheapest option changes")
    st.vega_lite_chart(spec=chart_spec(analysis, "runs"), width="stretch")
    _crossings(analysis.runs_crossovers, analysis, "monthly_runs")

    st.selectbox(
        "Second axis",
        axes,
        key="axis",
        format_func=lambda a: AXES[a].label,
        persist_state="session",
        help="Vary one more profile field, everything else as profiled",
    )
    st.vega_lite_chart(spec=chart_spec(analysis, "axis"), width="stretch")
    _crossings(analysis.axis_crossovers, analysis, analysis.axis)

    st.subheader("What each option's bill is made of")
    if not breakdown_frame(result).empty:
        st.vega_lite_chart(spec=chart_spec(analysis, "breakdown"), width="stretch")
    st.dataframe(
        _line_items(analysis),
        hide_index=True,
        column_config={
            "Quantity": st.column_config.NumberColumn(format="localized"),
            "Unit price": st.column_config.NumberColumn(format="%.6g"),
            "Cost": MONEY,
            "Low": MONEY,
            "High": MONEY,
            "Source": st.column_config.LinkColumn(display_text="source"),
        },
    )
    notes = sorted({d for o in result.options for d in o.depends_on})
    for note in notes:
        st.caption(note)
