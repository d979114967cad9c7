"""The report's first page: what shaped the verdict, how sure it is (the leading options with their
spread), the path over the horizon, and the inputs that move the answer most."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from model.analysis import Analysis
from model.findings_out import finding_out
from report.compare import ranked
from report.option_words import checked_text, fit_label, fit_reasons, option_name
from report.outlook_words import (
    describe_strategy,
    input_value,
    mc_sentence,
    migration_sentences,
    path_sentence,
    path_tokens_sentence,
)
from report.path_chart import path_strategies
from report.profile_words import requirements_text, terms_text
from report.section import Section
from report.tornado_chart import TORNADO_BARS
from report.words import money, say, sentence, share_text

if TYPE_CHECKING:
    from model.outlook import Outlook
    from model.strategy import Path
    from model.uncertainty import Tornado

__all__ = ["outlook_sections", "page_one"]


def page_one(analysis: Analysis, today: dt.date) -> Section:
    """What shaped the verdict, on the first page: the limits and designs, the answers that set options
    aside, the terms entered and how old the prices are."""
    result, v = analysis.result, analysis.verdict
    shaped = [
        f"{option_name(o)}: {fit_label(o)}: " + "; ".join(r.strip().rstrip(".") for r in fit_reasons(o))
        for o in ranked(result)
        if o.fit.status in ("workaround", "not_public", "ruled_out")
    ]
    names = {o.id: option_name(o) for o in result.options}
    aside = [
        f"{names.get(option, option)}: {say(finding_out(f))}" for option, found in v.set_aside.items() for f in found
    ]
    terms = [
        terms_text(names.get(option, option), overrides)
        for option, overrides in analysis.profile.overrides.items()
        if not overrides.empty
    ]
    stated = analysis.profile.requirements.stated()
    if stated:
        terms.append(requirements_text(stated))
    overdue = [
        (option_name(o), o.pricing)
        for o in result.options
        if o.pricing.recheck_due is not None and o.pricing.recheck_due < today
    ]
    box = result.sandbox
    if box is not None and box.table.recheck_due is not None and box.table.recheck_due < today:
        overdue.append((box.name, box.table))
    freshness = (
        "Prices overdue for a re-check (the figures may have moved): "
        + "; ".join(f"{name}, {checked_text(ref, today)}" for name, ref in overdue)
        + ". `tco pricing stale` lists them; CONTRIBUTING.md says how to re-check a table."
        if overdue
        else "Every option's prices are within their re-check period."
    )
    return Section(
        "What shaped it",
        paragraphs=(
            *(("Limits and designs: " + " ".join(sentence(x) for x in shaped),) if shaped else ()),
            *(("Set aside by your answers: " + " ".join(sentence(x) for x in aside),) if aside else ()),
            *(
                ("Your terms: " + " ".join(sentence(x) for x in terms),)
                if terms
                else ("Your terms: none entered; list prices.",)
            ),
            freshness,
        ),
    )


def outlook_sections(analysis: Analysis) -> list[Section]:
    """Page one: the leading options with their spread, the path over the horizon, and the inputs that
    move the answer most."""
    o = analysis.outlook
    if o is None:
        return []
    sections = [_how_sure_section(o), _path_section(analysis, o)]
    if o.tornado is not None and o.tornado.swings:
        sections.append(_tornado_section(o.tornado))
    return sections


def _how_sure_section(o: Outlook) -> Section:
    """The leading options over the Monte Carlo draws: P50, P10–P90, the estimate, staying over the
    horizon and how often each is the cheapest."""
    mc, p = o.monte_carlo, o.path
    shown = [mc.option(i) for i in o.leading(3)]
    decision_rows = tuple(
        (
            s.name,
            money(s.p50),
            f"{money(s.p10)} – {money(s.p90)}",
            money(s.point),
            _staying(p, s.id),
            share_text(s.cheapest_share),
        )
        for s in shown
    )
    return Section(
        "How sure",
        paragraphs=(
            mc_sentence(mc),
            "P10–P90: nine draws in ten cost more than P10 and less than P90. The estimate prices every "
            "input at its expected value; where an input's likeliest value is the end of its range (a list "
            "price with an older, lower one seen elsewhere) the estimate can lie outside P10–P90.",
        ),
        header=(
            "Option",
            "Per month (P50)",
            "P10 – P90",
            "Estimate",
            f"{p.months} months, staying (P10 – P90)",
            "Cheapest in",
        ),
        rows=decision_rows,
    )


def _staying(p: Path, option: str) -> str:
    """What staying on one option costs over the path's months, with its P10–P90 where drawn."""
    stay = p.stay(option)
    if stay is None:
        return "cannot run every month"
    if option not in p.stay_spread:
        return money(stay.total)
    return f"{money(stay.total)} ({money(p.stay_spread[option][0])} – {money(p.stay_spread[option][2])})"


def _path_section(analysis: Analysis, o: Outlook) -> Section:
    """The months ahead: each drawn strategy's cost by year, how often it is the best, the migrations
    it makes and the best path at other growth rates."""
    mc, p = o.monte_carlo, o.path
    names = {s.id: s.name for s in mc.options}
    months = p.months
    years = p.years()
    n_years = (months + 11) // 12
    year_rows = []
    for way in path_strategies(analysis):
        mine = years.loc[years["strategy"] == way.key, "cost_usd"].tolist()
        chance = p.chances.get(way.key)
        year_rows.append(
            (
                describe_strategy(way, names),
                *(money(v) for v in mine),
                money(way.total),
                share_text(chance) if chance is not None else ("0%" if p.draws else ""),
            )
        )
    growth = "; ".join(f"{g.growth_percent:g}%/month: {describe_strategy(g.best, names)}" for g in p.by_growth)
    volume = (
        f"Runs grow {p.runs[0]:,.0f} → {p.runs[-1]:,.0f} a month"
        if p.runs[-1] != p.runs[0]
        else f"Runs stay at {p.runs[0]:,.0f} a month"
    )
    return Section(
        f"The next {months} months",
        paragraphs=(
            path_sentence(p, names),
            path_tokens_sentence(p, analysis.result) or "",
            *migration_sentences(o, names),
            f"{volume}; a migration costs the weeks of engineering in the pricing data (yours in Team), "
            f"paid in its month, with {p.cutover_months:g} months of both bills during the cut-over.",
            f"The best path at other growth rates: {growth}." if growth else "",
        ),
        header=(
            "Strategy",
            *(f"Year {y}" for y in range(1, n_years + 1)),
            "Total",
            f"Best in ({p.draws:,} draws)" if p.draws else "Best in",
        ),
        rows=tuple(year_rows),
        chart="path",
    )


def _tornado_section(t: Tornado) -> Section:
    """Each uncertain input from the low to the high end of its range: the gap between the leader and
    the runner-up at each end, and where the decision flips."""
    swing_rows = tuple(
        (
            s.input.label + (f" (with {', '.join(s.moves_with)})" if s.moves_with else ""),
            f"{input_value(s.input, s.input.low)} – {input_value(s.input, s.input.high)}",
            money(s.gap_low),
            money(s.gap_high),
            ("within its range: " if s.flips_within_range else "outside its range: ") + input_value(s.input, s.flips_at)
            if s.flips_at is not None
            else "not in reach",
        )
        for s in t.swings[:TORNADO_BARS]
    )
    return Section(
        "What moves the answer most",
        paragraphs=(
            f"Each uncertain input from the low to the high end of its range, every other input at its "
            f"expected value: what {t.runner_name} costs more than {t.leader_name} a month "
            f"({money(t.gap)} at the estimate). Below zero the decision flips.",
        ),
        header=("Input", "Range", "Gap at low", "Gap at high", "Flips the decision at"),
        rows=swing_rows,
        chart="tornado",
    )
