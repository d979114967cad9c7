"""The report's content, once, in plain rows and paragraphs; each format only lays it out.

Everything here is read from an `Analysis`; nothing is computed that the engine did not compute.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from model.account_out import AccountEstimateOut
from model.analysis import AXES, Analysis
from model.crossover import Crossover
from model.result import EstimateOut, LimitOut, finding_out
from model.scenarios import AccountScenario
from model.sweep import STEP_MEASURES
from model.units import BYTES_PER_GB, BYTES_PER_KB, BYTES_PER_MB, SECONDS_PER_DAY, SECONDS_PER_HOUR
from pricing.profiles import dump_profile
from report.beside_words import beside_lines
from report.compare import (
    PLAN_HEADERS,
    adds_nothing,
    format_quantity,
    format_unit_price,
    headline,
    headline_details,
    monthly_cell,
    plan_rows,
    ranked,
    source_label,
    unpriced_note,
)
from report.curve_chart import crossing_at
from report.option_words import checked_text, fit_label, fit_reasons, option_name, plan_reason
from report.outlook_words import (
    crossover_sentences,
    describe_strategy,
    input_value,
    mc_sentence,
    migration_sentences,
    path_sentence,
    path_tokens_sentence,
)
from report.path_chart import path_strategies
from report.profile_words import requirements_text, terms_text
from report.tornado_chart import TORNADO_BARS
from report.verdict_words import verdict_sentence
from report.words import elapsed, money, say, sentence, share_text
from schema.inputs import field_title
from schema.profile import WorkloadProfile, field_unit

__all__ = [
    "ASSUMPTIONS",
    "Document",
    "Section",
    "build_document",
    "crossed_at",
    "format_measure",
    "headline",
    "limit_status",
    "warned_from",
]

ASSUMPTIONS = (
    "Every figure is a monthly cost in US dollars: the vendor's bill, the machines you run yourself and the "
    "engineering time to operate them.",
    "Ranges price every sourced number at the low and the high end of its range and show the least and the most.",
    "A retried attempt runs as long as a successful one. A month is 730 hours; 1 MB is 1,048,576 bytes.",
    "How long into a run a limit is passed spreads the run's wall time (its work, sleeps and human waits) evenly "
    "over its steps.",
    "Workers you run yourself are sized by the runs that hold a machine (executing, or open where waiting runs keep "
    "theirs) at the machine preset's size, at the on-demand container prices of the hosting reference table, "
    "between the average and the peak load.",
    "The runs executing at the peak are at least those executing on average within the busy window at this "
    "volume; a smaller figure in the profile is raised to that.",
    "Self-hosted clusters and operations effort are estimates with ranges; override them in the team inputs.",
    "Plans without a public price (Enterprise and the like) are left out.",
)
"""Assumptions every option shares; each option's own billing rules follow from its table."""


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    """(text, URL) pairs for a list of sources."""
    chart: str | None = None
    """The name of the chart (`report.builders.chart_svgs`) drawn after the section's table."""


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    headline: str
    sections: tuple[Section, ...]
    profile_yaml: str
    generated: dt.date
    details: tuple[str, ...] = ()
    """What the headline rests on (each bill by category, the ranges) and what would flip it."""
    description: str = ""
    """The profile's description, as edited, under the title."""


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


def _step(value: float | None) -> str:
    return "never" if value is None else f"step {value:,.0f}"


def _step_in(steps: float | None, seconds: float | None, without_waits: bool = False) -> str:
    """`step 129 (2.1 hours in)`: a step and how long into the run it comes (into a run that does not
    wait, when only some runs wait for a person)."""
    if steps is None:
        return "never"
    if not seconds:
        return f"step {steps:,.0f}"
    return f"step {steps:,.0f} ({elapsed(seconds)} {'into a run that does not wait' if without_waits else 'in'})"


def limit_status(x: LimitOut) -> str:
    """A limit against this run in a few words: within, passed (with the way around), lifted by the
    option's design, or a warning that Continue-As-New or the like keeps each segment under."""
    if not x.exceeded:
        return "within" + ("; past its warning level" if x.warned else "")
    if x.lifted:
        return "passed as designed; raised by the design"
    if x.avoidable:
        return "passed by the whole run; each segment stays under it"
    if not x.hard:
        return "passed (it only warns)" + (f"; {x.advice}" if x.advice else "")
    return "passed" + (f"; {x.advice}" if x.advice else "")


def crossed_at(limit: LimitOut) -> str:
    """Where a run first passes a limit: a step and how long into the run, for a measure that grows
    with steps; else now or never."""
    if limit.measure in STEP_MEASURES:
        return _step_in(limit.steps_until_limit, limit.seconds_until_limit, limit.seconds_without_waits)
    return "now" if limit.exceeded else "never"


def warned_from(limit: LimitOut) -> str:
    """Where a run first passes a limit's warning level (empty without one)."""
    if limit.measure not in STEP_MEASURES or not limit.warning:
        return ""
    return _step_in(limit.steps_until_warning, limit.seconds_until_warning, limit.seconds_without_waits)


def format_measure(value: float, unit: str) -> str:
    """A limit's measure in a readable unit.

    >>> format_measure(3_145_728, "bytes"), format_measure(7200, "s"), format_measure(311, "events")
    ('3 MB', '2 h', '311 events')
    """
    if unit == "bytes":
        for size, name in ((BYTES_PER_GB, "GB"), (BYTES_PER_MB, "MB"), (BYTES_PER_KB, "KB")):
            if value >= size:
                return f"{value / size:,.4g} {name}"
        return f"{value:,.0f} bytes"
    if unit == "s":
        for size, name in ((SECONDS_PER_DAY, "days"), (SECONDS_PER_HOUR, "h"), (60.0, "min")):
            if value >= size:
                return f"{value / size:,.4g} {name}"
        return f"{value:,.4g} s"
    return format_quantity(value, unit)


def _empty(description: str) -> str:
    """What a field left empty means, from its description ("…; empty = derived from the volume")."""
    if "empty = " not in description:
        return "empty"
    return "empty: " + re.split(r"[;(]| \. ", description.split("empty = ", 1)[1])[0].strip().rstrip(".")


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return f"{value:,.12g}"
    return str(getattr(value, "value", value))


def _profile_rows(profile: WorkloadProfile, result: EstimateOut) -> tuple[tuple[str, ...], ...]:
    """Every field of the profile in words: no empty value reads "None", no nested model reads as code."""
    names = {o.id: o.name for o in result.options}
    rows = []
    for name, info in WorkloadProfile.model_fields.items():
        if name in ("version", "team", "description", "name", "requirements", "overrides", "ranges", "path"):
            continue
        value = getattr(profile, name)
        description = info.description or ""
        unit = field_unit(name)
        if value is None and name == "peak_concurrent_runs" and result.workload is not None:
            shown = f"derived from the volume: {result.workload.peak_concurrent_runs:,.6g}"
        elif value is None:
            shown = _empty(description)
        elif name == "options":
            shown = ", ".join(names.get(o, o) for o in value) or "every option priced on the date"
        else:
            shown = _shown(value)
        rows.append((field_title(name), shown, unit if value is not None else "", description))
    terms = [terms_text(names.get(o, o), t) for o, t in profile.overrides.items() if not t.empty]
    rows.append(("Your terms", "; ".join(terms) or "none: list prices", "", "Your prices, discount, commitment, plan"))
    stated = profile.requirements.stated()
    rows.append(
        (
            "What a plan must offer",
            requirements_text(stated).removeprefix("Every plan must offer: ")
            if stated
            else "nothing: the cheapest plan",
            "",
            "The cheapest plan that meets them is chosen",
        )
    )
    ranges = [
        f"{field_title(k)} {v.low:,.6g} – {v.high:,.6g} ({v.distribution})" for k, v in sorted(profile.ranges.items())
    ]
    rows.append(
        (
            "Ranges of your own",
            "; ".join(ranges) or "none: the default doubt on your numbers",
            "",
            "Numbers known only within bounds; the Monte Carlo draws between them",
        )
    )
    path = profile.path
    ahead = (
        f"{path.horizon_months} months; runs {', '.join(f'{r:,.0f}' for r in path.monthly_runs_by_month)} a month"
        if path.monthly_runs_by_month
        else f"{path.horizon_months} months; runs grow {path.growth_percent_per_month:g}% a month"
    )
    rows.append(("The months ahead", f"{ahead}; {path.cutover_months:g} months of cut-over", "", "The path's inputs"))
    team = profile.team
    rows.append(
        (
            "Engineer's yearly cost",
            "the pricing data's"
            if team.engineer_cost_usd_per_year is None
            else f"{team.engineer_cost_usd_per_year:,.0f}",
            "USD/year" if team.engineer_cost_usd_per_year is not None else "",
            "Fully loaded cost of one engineer",
        )
    )
    for label, given, unit in (
        ("Operations share", team.ops_fte, "FTE"),
        ("Weeks to a first workflow", team.setup_weeks, "engineer-weeks"),
        ("Weeks to migrate onto it", team.migration_weeks, "engineer-weeks"),
    ):
        rows.append(
            (
                label,
                ", ".join(f"{names.get(k, k)}: {v:g}" for k, v in given.items()) or "each option's estimate",
                unit if given else "",
                "Yours, by option (Team, in the sidebar)",
            )
        )
    return tuple(rows)


def outlook_sections(analysis: Analysis) -> list[Section]:
    """Page one: the leading options with their spread, the path over the horizon, and the inputs that
    move the answer most."""
    o = analysis.outlook
    if o is None:
        return []
    mc, p = o.monte_carlo, o.path
    names = {s.id: s.name for s in mc.options}
    shown = [mc.option(i) for i in o.leading(3)]
    months = p.months
    decision_rows = []
    for s in shown:
        stay = p.stay(s.id)
        decision_rows.append(
            (
                s.name,
                money(s.p50),
                f"{money(s.p10)} – {money(s.p90)}",
                money(s.point),
                (
                    money(stay.total)
                    + (
                        f" ({money(p.stay_spread[s.id][0])} – {money(p.stay_spread[s.id][2])})"
                        if s.id in p.stay_spread
                        else ""
                    )
                )
                if stay is not None
                else "cannot run every month",
                share_text(s.cheapest_share),
            )
        )
    sections = [
        Section(
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
                f"{months} months, staying (P10 – P90)",
                "Cheapest in",
            ),
            rows=tuple(decision_rows),
        )
    ]
    years = p.years()
    drawn = path_strategies(analysis)
    n_years = (months + 11) // 12
    year_rows = []
    for way in drawn:
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
    moves = migration_sentences(o, names)
    volume = (
        f"Runs grow {p.runs[0]:,.0f} → {p.runs[-1]:,.0f} a month"
        if p.runs[-1] != p.runs[0]
        else f"Runs stay at {p.runs[0]:,.0f} a month"
    )
    sections.append(
        Section(
            f"The next {months} months",
            paragraphs=(
                path_sentence(p, names),
                path_tokens_sentence(p, analysis.result) or "",
                *moves,
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
    )
    if o.tornado is not None and o.tornado.swings:
        t = o.tornado
        swing_rows = tuple(
            (
                s.input.label + (f" (with {', '.join(s.moves_with)})" if s.moves_with else ""),
                f"{input_value(s.input, s.input.low)} – {input_value(s.input, s.input.high)}",
                money(s.gap_low),
                money(s.gap_high),
                ("within its range: " if s.flips_within_range else "outside its range: ")
                + input_value(s.input, s.flips_at)
                if s.flips_at is not None
                else "not in reach",
            )
            for s in t.swings[:TORNADO_BARS]
        )
        sections.append(
            Section(
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
        )
    return sections


def _account_scenarios_section(results: Sequence[AccountScenario]) -> Section:
    """Each scenario over the account: its cheapest option for every agent, and each option's bill."""
    from report.account import scenario_account_lines, scenario_account_table

    return Section(
        "The account in each scenario",
        paragraphs=(
            "Each scenario changes this profile; the other agents stay as the account holds them, priced together.",
            *scenario_account_lines(results),
        ),
        header=("Scenario", "Option", "Account", "Cheapest"),
        rows=tuple(tuple(row) for row in scenario_account_table(results)),
    )


def _account_section(out: AccountEstimateOut) -> Section:
    """The profile and the other agents on its account: each option's one bill and each agent's share."""
    from report.account import account_lines

    names = [a.name for a in out.agents]
    return Section(
        f"The account: {len(names)} agents on one bill",
        paragraphs=(*account_lines(out), f"Shares: {out.share_rule}."),
        header=(
            "Option",
            "Plan",
            "Account",
            *names,
            "As separate accounts",
            "With what runs beside it",
            *([f"P10–P90 of {out.draws:,} draws"] if out.draws else []),
        ),
        rows=tuple(
            (
                o.name + (f", {o.design}" if o.design else ""),
                o.plan if o.applicable else "cannot run every agent",
                money(o.monthly_usd),
                *[money(o.agents_usd[n]) for n in names],
                money(sum(o.alone_usd.values())),
                money(o.whole_usd),
                *([f"{money(o.p10_usd)} – {money(o.p90_usd)}"] if out.draws else []),
            )
            for o in out.options
        ),
    )


def build_document(analysis: Analysis, generated: dt.date | None = None) -> Document:
    """Every section of the report, in reading order: with an outlook, page one first (the decision,
    the path, the inputs that matter), then the detail."""
    result = analysis.result
    sections: list[Section] = outlook_sections(analysis)
    options = ranked(result)
    sections.append(
        Section(
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
                for o in options
            ),
            chart="breakdown",
        )
    )
    checklist = analysis.checklist
    if checklist.answers or checklist.unanswered:
        v = analysis.verdict
        names = {o.id: option_name(o) for o in result.options}
        rows = [
            (names.get(option, option), "set aside", str(f.data.get("reason")), str(f.data.get("source_title")))
            for option, found in v.set_aside.items()
            for f in found
        ]
        rows += [
            (x.vendor_name, f"leans to it (weight {x.weight:g})", f"{x.answer}: {x.reason}", x.source_title)
            for x in checklist.leanings
        ]
        sections.append(
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
        )
    sections.append(
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
        )
    )
    axis = AXES[analysis.axis]
    sections.append(
        Section(
            f"Crossovers along {axis.label.lower()}",
            paragraphs=_spread_lines(analysis, analysis.axis),
            header=(axis.label, "Cheaper below", "Cheaper above", "Cost there", "Changes the cheapest", "Kind"),
            rows=_crossing_rows(analysis.axis_crossovers, analysis, analysis.axis),
            chart="cost_by_axis",
        )
    )
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
    if analysis.scenarios:
        from report.scenarios import scenario_rows, scenario_summary

        sections.append(
            Section(
                "Scenarios side by side",
                paragraphs=tuple(scenario_summary(s) for s in analysis.scenarios),
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
                    for r in scenario_rows(analysis.scenarios)
                ),
            )
        )
    if analysis.account is not None:
        sections.append(_account_section(analysis.account))
    if analysis.account_scenarios:
        sections.append(_account_scenarios_section(analysis.account_scenarios))
    plan_tables = [(o, plan_rows(o)) for o in result.options]
    sections += [
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
    limit_rows = tuple(
        (
            o.name,
            x.name,
            format_measure(x.value, x.unit),
            x.shown,
            crossed_at(x),
            limit_status(x),
        )
        for o in options
        for x in o.limits
    )
    if limit_rows:
        sections.append(
            Section(
                "Limits on one run",
                paragraphs=("Every per-run limit the options' tables declare, against this run as profiled.",),
                header=("Option", "Limit", "This run", "Limit", "First crossed at", "Status"),
                rows=limit_rows,
                chart="limits",
            )
        )
    if result.history is not None:
        h = result.history
        step = _step
        restart = (
            (
                (
                    "Continue-As-New segments" if h.restart_name is None else f"{h.restart_name} segments",
                    str(h.continue_as_new_segments),
                ),
            )
            if h.restart_name
            else ()
        )

        sections.append(
            Section(
                f"{h.name} per run ({next(o.name for o in result.options if o.id == h.table)})",
                paragraphs=tuple(say(a) for a in h.advice),
                header=("Measure", "Value"),
                rows=(
                    ("Events per run", f"{h.events_per_run:,.0f}"),
                    ("History per run", f"{h.history_mb_per_run:,.2f} MB"),
                    (
                        "Event warning / limit",
                        f"{step(h.steps_until_event_warning)} / {step(h.steps_until_event_limit)}",
                    ),
                    ("Size warning / limit", f"{step(h.steps_until_size_warning)} / {step(h.steps_until_size_limit)}"),
                    (
                        "Payload warning / limit",
                        f"{step(h.steps_until_payload_warning)} / {step(h.steps_until_payload_limit)}",
                    ),
                    ("Binds first", h.binding_limit),
                    ("This run crosses a hard limit", "yes" if h.exceeds_limit else "no"),
                    *restart,
                ),
            )
        )
    sections.append(
        Section(
            "Workload profile",
            header=("Field", "Value", "Unit", "Meaning"),
            rows=_profile_rows(analysis.profile, result),
        )
    )
    sections.append(Section("Assumptions", paragraphs=ASSUMPTIONS))
    sections.append(
        Section(
            "How each option bills",
            paragraphs=tuple(
                f"{t.name}: {t.summary}" for t in analysis.book.options() if t.id in {o.id for o in result.options}
            ),
        )
    )
    seen: dict[str, tuple[str, str]] = {}
    for option in result.options:
        for c in option.components:
            if c.provenance is not None:
                p = c.provenance
                seen.setdefault(p.url, (f"{p.title} — stated {p.stated}, {p.how}, {p.confidence}", p.url))
    for found in analysis.verdict.set_aside.values():
        for f in found:
            seen.setdefault(
                str(f.data.get("source_url")), (str(f.data.get("source_title")), str(f.data.get("source_url")))
            )
    for x in analysis.checklist.leanings:
        seen.setdefault(x.source_url, (x.source_title, x.source_url))
    sections.append(
        Section(
            "Pricing tables and sources",
            header=("Table", "Effective", "File"),
            rows=tuple((t.table, str(t.effective), t.file or "") for t in result.pricing),
            links=tuple(seen.values()),
        )
    )
    today = generated or dt.date.today()
    return Document(
        title=f"{analysis.profile.name}: orchestrator cost report",
        subtitle=f"Prices in force on {result.pricing_date}",
        headline=verdict_sentence(analysis.verdict, result),
        details=tuple(headline_details(analysis.verdict, result, today))
        + (_account_details(analysis) if analysis.account is not None else ()),
        sections=(page_one(analysis, today), *sections),
        description=analysis.profile.description,
        profile_yaml=dump_profile(analysis.profile),
        generated=today,
    )


def _account_details(analysis: Analysis) -> tuple[str, ...]:
    """The account's answer on the first page, under the profile's."""
    from report.account import account_headline

    assert analysis.account is not None
    best = analysis.verdict.best
    first = analysis.account.agents[0].name
    return tuple(account_headline(analysis.account, best.id if best is not None else None, first))


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
