"""The comparison of one profile as text: a terminal table, Markdown, or the JSON contract.

Pure functions from an `EstimateOut` to a string; the CLI only prints them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np
from tabulate import tabulate

from model.findings_out import FindingOut
from model.limits_out import HistoryOut
from model.option_out import ComponentOut, FeatureOut, OptionOut
from model.result import EstimateOut
from model.units import price_unit_parts
from model.verdict import Verdict, verdict_out

if TYPE_CHECKING:
    from model.outlook import Outlook
from report.beside_words import beside_lines
from report.option_words import fit_label, fit_reasons, option_name, plan_reason
from report.outlook_words import mc_sentence, path_sandbox, path_sentence, path_tokens, path_tokens_sentence
from report.text import md, md_rows
from report.verdict_words import flip_sentence, verdict_details, verdict_sentence
from report.words import money, say
from schema.plans import FEATURES

__all__ = [
    "format_json",
    "format_markdown",
    "format_quantity",
    "format_table",
    "format_unit_price",
    "monthly_cell",
    "ranked",
    "to_jsonable",
    "with_outlook",
    "with_verdict",
]

SIGNIFICANT_DIGITS = 10
"""JSON floats keep 10 significant digits: far below a cent on any monthly bill, and stable
across platforms, so golden files diff only when a figure really moved."""


def format_quantity(value: float, unit: str = "") -> str:
    """
    >>> format_quantity(1550000, "actions"), format_quantity(0.1133, "GBh"), format_quantity(3.0)
    ('1,550,000 actions', '0.1133 GBh', '3')
    >>> format_quantity(9.6875, "USD of usage")
    '$9.69 of usage'
    """
    if unit == "USD" or unit.startswith("USD "):
        return f"{money(value)}{unit.removeprefix('USD')}"
    if value == 0:
        text = "0"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    elif float(value).is_integer():
        text = f"{value:g}"
    else:
        text = f"{value:.4g}"
    return f"{text} {unit}".strip()


def format_unit_price(value: float, unit: str, quoted: str | None = None) -> str:
    """A unit price with enough digits to be read, per the unit the vendor quotes (`quoted`, when
    the price is per many units).

    >>> format_unit_price(0.000025, "USD/run"), format_unit_price(0.00005, "USD/action", "USD/1M actions")
    ('$0.000025/run', '$50.00/1M actions')
    >>> format_unit_price(0.04048, "USD/vCPU-h"), format_unit_price(0.1, "share")
    ('$0.0405/vCPU-h', '10% of it')
    """
    if unit == "share":
        return f"{value * 100:.4g}% of it"
    if quoted is not None:
        scale = price_unit_parts(quoted)[0]
        value, unit = value / scale, quoted
    per = unit.removeprefix("USD")
    if unit.startswith("USD"):
        if value == 0 or abs(value) >= 1:
            return f"{money(value)}{per}"
        text = np.format_float_positional(value, precision=3, unique=False, fractional=False, trim="-")
        return f"${text}{per}"
    return f"{value:g} {unit}"


def _round(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def _said(value: Any) -> Any:
    """Every finding in the dumped contract with its sentence (`text`) beside its code."""
    if isinstance(value, dict):
        out = {k: _said(v) for k, v in value.items()}
        if "code" in out and "data" in out and "text" in out and isinstance(out["data"], dict):
            out["text"] = say(FindingOut.model_validate(value))
        return out
    if isinstance(value, list):
        return [_said(v) for v in value]
    return value


def to_jsonable(result: EstimateOut) -> dict[str, Any]:
    """The contract as plain data: computed figures to 10 significant digits, each finding with its
    sentence, the profile exactly as read (so it loads back to the same profile)."""
    data = _said(_round(result.model_dump(mode="json")))
    assert isinstance(data, dict)
    data["profile"] = result.profile.model_dump(mode="json")
    return data


def with_outlook(result: EstimateOut, o: Outlook) -> EstimateOut:
    """The contract with its `uncertainty` and `path` sections, their sentences written as every view
    writes them."""
    from model.outlook import to_out

    uncertainty, path = to_out(o, result.profile)
    names = {s.id: s.name for s in o.monte_carlo.options}
    return result.model_copy(
        update={
            "uncertainty": uncertainty.model_copy(update={"sentence": mc_sentence(o.monte_carlo)}),
            "path": path.model_copy(
                update={
                    "sentence": " ".join(
                        x for x in (path_sentence(o.path, names), path_tokens_sentence(o.path, result)) if x
                    ),
                    "tokens_usd": path_tokens(o.path, result),
                    "sandbox_usd": path_sandbox(o.path, result),
                }
            ),
        }
    )


def with_verdict(result: EstimateOut, v: Verdict) -> EstimateOut:
    """The contract with its `verdict` section, the sentence written as every view writes it."""
    out = verdict_out(v).model_copy(update={"sentence": verdict_sentence(v, result)})
    return result.model_copy(update={"verdict": out})


def format_json(result: EstimateOut) -> str:
    """The JSON contract (see README, "JSON output"), computed floats to 10 significant digits and the
    profile exact."""
    return json.dumps(to_jsonable(result), indent=2, ensure_ascii=False) + "\n"


def ranked(result: EstimateOut) -> list[OptionOut]:
    """The options, cheapest first (ties keep the engine's order): those that can run the workload at
    a public price, then those whose price is not public, then those ruled out."""
    return sorted(result.options, key=lambda o: (_ORDER[o.fit.status], o.monthly_usd))


_ORDER = {"fits": 0, "workaround": 0, "not_public": 1, "ruled_out": 2, "set_aside": 3}


def unpriced_note(result: EstimateOut) -> str | None:
    """The options with no prices yet on the pricing date, by the date their prices start.

    >>> import datetime as dt
    >>> from model.result import UnpricedOut
    >>> class R:
    ...     unpriced = [UnpricedOut(id="a/x", name="A", first_priced=dt.date(2026, 4, 3)),
    ...                 UnpricedOut(id="b/y", name="B", first_priced=dt.date(2026, 4, 3))]
    >>> unpriced_note(R())
    'Not compared: A, B (no prices before 2026-04-03).'
    """
    if not result.unpriced:
        return None
    by_date: dict[object, list[str]] = {}
    for item in result.unpriced:
        by_date.setdefault(item.first_priced, []).append(item.name)
    parts = [f"{', '.join(names)} (no prices before {day})" for day, names in sorted(by_date.items())]
    return "Not compared: " + "; ".join(parts) + "."


def headline(v: Verdict, result: EstimateOut) -> str:
    """The verdict in one sentence (`report.words.verdict_sentence`)."""
    return verdict_sentence(v, result)


def headline_details(v: Verdict, result: EstimateOut, today: dt.date | None = None) -> list[str]:
    """What the verdict rests on and what could change it, a line each, with what would flip it."""
    lines = verdict_details(v, result, today)
    if v.flip is not None:
        lines.append(f"What would flip it: {flip_sentence(v.flip, result)}")
    return lines


def _headline(v: Verdict, result: EstimateOut) -> str:
    return f"“{result.profile.name}”: {headline(v, result)} (prices as of {result.pricing_date})"


def monthly_cell(o: OptionOut) -> str:
    """An option's monthly cost as a table shows it: the figure, "at least" it where the price past
    the published plans is not public, in brackets where the option cannot run the workload."""
    if o.fit.status == "not_public":
        return f"at least {money(o.monthly_usd)}"
    if o.fit.status == "ruled_out":
        return f"({money(o.monthly_usd)})"
    return money(o.monthly_usd)


def _summary_rows(result: EstimateOut) -> list[list[str]]:
    return [
        [
            option_name(o),
            o.plan if o.applicable else fit_label(o),
            monthly_cell(o),
            f"{money(o.low_usd)} – {money(o.high_usd)}" if o.applicable else "",
            money(o.per_run_usd) if o.applicable else "",
        ]
        for o in ranked(result)
    ]


def source_label(c: ComponentOut, *, verified: bool = False) -> str:
    """Where a line's unit price comes from: the source's confidence (and the day it was verified at
    the source, or the date of the copy read instead: "as of"), or, for a price the profile gives,
    "your price" with the list price beside it."""
    if c.list_unit_price is not None:
        return f"your price (list {format_unit_price(c.list_unit_price, c.price_unit, c.quoted_unit)})"
    if c.provenance is None:
        return ""
    if c.provenance.confidence == "yours":
        return "your terms"
    p = c.provenance
    confidence = p.confidence
    if c.quantity_confidence is not None and _SURE.index(c.quantity_confidence) < _SURE.index(confidence):
        confidence = c.quantity_confidence  # a line is as sure as its weakest input: here, how it is counted
    if not verified:
        return confidence
    return f"{confidence}, verified {p.verified}" if p.verified is not None else f"{confidence}, as of {p.checked}"


_SURE = ("estimate", "secondary", "primary")


def adds_nothing(c: ComponentOut) -> bool:
    """A plan fee's fixed part where the floor adds nothing above the share: no table lists it."""
    return c.key == "plan_fee_floor" and c.cost_usd == 0


def shown_line(c: ComponentOut) -> bool:
    """Whether the comparison lists a line: not one of nothing (no quantity, no cost), but always the
    plan fee, and a fee's fixed part only when the floor adds something."""
    if adds_nothing(c):
        return False
    return c.key == "plan_fee" or c.quantity != 0 or c.cost_usd != 0


def _component_rows(option: OptionOut) -> list[list[str]]:
    rows = []
    for c in option.components:
        if not shown_line(c):
            continue
        cost = money(c.cost_usd) + (" *" if c.depends_on else "")
        source = source_label(c)
        rows.append(
            [
                c.name,
                format_quantity(c.quantity, c.unit),
                format_unit_price(c.unit_price, c.price_unit, c.quoted_unit),
                cost,
                source,
            ]
        )
    return rows


def _fit_notes(option: OptionOut) -> list[str]:
    """Why the option fits as it does: ruled out, price not public, or priced as a design."""
    status = option.fit.status
    lead = {
        "ruled_out": "RULED OUT for this workload",
        "not_public": "PRICE NOT PUBLIC for this workload",
        "workaround": f"PRICED AS A DESIGN ({option.fit.design_name})",
    }.get(status)
    if lead is None:
        return []
    return [f"{lead}: {text}" for text in fit_reasons(option)] or [lead]


def _name(result: EstimateOut, option_id: str) -> str:
    return next((o.name for o in result.options if o.id == option_id), option_id)


def _history_lines(h: HistoryOut) -> list[str]:
    def step(v: float | None) -> str:
        return "never" if v is None else f"step {v:,.0f}"

    return [
        f"events per run {h.events_per_run:,.0f}; history {h.history_mb_per_run:,.2f} MB per run",
        f"event warning / limit: {step(h.steps_until_event_warning)} / {step(h.steps_until_event_limit)}",
        f"size warning / limit: {step(h.steps_until_size_warning)} / {step(h.steps_until_size_limit)}",
        f"payload limit: {step(h.steps_until_payload_limit)}",
        f"binds first: {h.binding_limit}; this run "
        f"{'EXCEEDS a limit' if h.exceeds_limit else 'stays inside the limits'}"
        + (f"; {h.restart_name} segments: {h.continue_as_new_segments}" if h.restart_name else ""),
        *[say(a) for a in h.advice],
    ]


def format_table(result: EstimateOut, v: Verdict, today: dt.date | None = None) -> str:
    """A terminal report: the verdict (what it rests on, what could change it), options side by
    side, each option's line items, history."""
    unpriced = unpriced_note(result)
    out = [
        _headline(v, result),
        *[f"  {d}" for d in headline_details(v, result, today)],
        *[f"Note: {say(w)}" for w in result.warnings],
        *([unpriced] if unpriced else []),
        "",
    ]
    out.append(
        tabulate(
            _summary_rows(result),
            headers=["option", "plan", "per month", "range", "per run"],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    out += beside_lines(result)
    for option in result.options:
        out += ["", f"{option_name(option)} — {option.plan}: {plan_reason(option)}"]
        out.append(
            tabulate(
                _component_rows(option),
                headers=["component", "quantity", "unit price", "cost", "source"],
                tablefmt="simple",
                disable_numparse=True,
            )
        )
        for note in [*_fit_notes(option), *option.depends_on, *[say(w) for w in option.warnings]]:
            out.append(f"  * {note}")
    if result.history is not None:
        title = f"{result.history.name} per run ({_name(result, result.history.table)}):"
        out += ["", title] + [f"  {line}" for line in _history_lines(result.history)]
    return "\n".join(out) + "\n"


PLAN_HEADERS = (
    "Plan",
    "Vendor bill here",
    "Seats",
    "Log retention",
    "SSO / SAML",
    "Uptime SLA",
    "Support",
    "HIPAA (BAA)",
    "Chosen",
    "Why",
)


def plan_rows(option: OptionOut) -> list[tuple[str, ...]]:
    """Each plan of a cloud option beside its bill for this workload, with what it includes (a
    feature the vendor does not list shows as "not listed"); the chosen plan is marked."""

    def shown(features: list[FeatureOut]) -> list[str]:
        by_id = {f.id: f.shown for f in features}
        return [by_id.get(key, "not listed") for key in FEATURES]

    if option.hosting != "cloud":
        return []
    if not option.plans:
        return [
            (option.plan, money(option.subtotals["vendor"]), *shown(option.features), "yes", say(option.plan_reason))
        ]
    return [
        (
            p.name,
            money(p.monthly_usd) if p.monthly_usd is not None else "cannot take it",
            *shown(p.features),
            "yes" if p.chosen else "",
            say(p.reason),
        )
        for p in option.plans
    ]


def format_markdown(result: EstimateOut, v: Verdict, today: dt.date | None = None) -> str:
    """The same comparison as Markdown; every text in it (the profile's name above all, which the
    user wrote) reads as that text, never as a link, an image, HTML or a heading."""
    out = [
        f"# {md(result.profile.name)}",
        "",
        md(_headline(v, result)),
        "",
        *[f"- {md(d)}" for d in headline_details(v, result, today)],
        "",
    ]
    unpriced = unpriced_note(result)
    if result.warnings or unpriced:
        out += [f"- {md(w)}" for w in [*(say(w) for w in result.warnings), *([unpriced] if unpriced else [])]] + [""]
    out.append(
        tabulate(
            md_rows(_summary_rows(result)),
            headers=["Option", "Plan", "Per month", "Range", "Per run"],
            tablefmt="github",
            disable_numparse=True,
        )
    )
    tokens = beside_lines(result)
    if tokens:
        out += ["", *[md(line) for line in tokens]]
    for option in result.options:
        out += ["", f"## {md(option_name(option))}", "", f"**{md(option.plan)}**: {md(plan_reason(option))}", ""]
        out.append(
            tabulate(
                md_rows(_component_rows(option)),
                headers=["Component", "Quantity", "Unit price", "Cost", "Source"],
                tablefmt="github",
                disable_numparse=True,
            )
        )
        notes = [*_fit_notes(option), *option.depends_on, *[say(w) for w in option.warnings]]
        if notes:
            out += [""] + [f"- {md(n)}" for n in notes]
        plans = plan_rows(option)
        if plans:
            out += [
                "",
                "Plans and what they include:",
                "",
                tabulate(md_rows(plans), headers=list(PLAN_HEADERS), tablefmt="github", disable_numparse=True),
            ]
    if result.history is not None:
        title = f"## {md(result.history.name)} per run ({md(_name(result, result.history.table))})"
        out += ["", title, ""] + [f"- {md(line)}" for line in _history_lines(result.history)]
    out += ["", "Prices: " + ", ".join(md(f"{t.table} ({t.effective})") for t in result.pricing)]
    return "\n".join(out) + "\n"


def format_outlook(result: EstimateOut) -> str:
    """The `uncertainty` and `path` sections of a result as terminal text (`tco compare --outlook`)."""
    u, p = result.uncertainty, result.path
    if u is None or p is None:
        return ""
    names = {o.id: o.name for o in result.options}
    spreads = sorted((s for s in u.options if s.runs_share > 0), key=lambda s: (-s.cheapest_share, s.p50_usd or 0))
    out = [
        "",
        f"How sure: {u.sentence}",
        tabulate(
            [
                (
                    s.name,
                    money(s.p50_usd or 0),
                    f"{money(s.p10_usd or 0)} – {money(s.p90_usd or 0)}",
                    money(s.point_usd) if s.point_usd is not None else "–",
                    f"{s.cheapest_share:.1%}",
                )
                for s in spreads[:6]
            ],
            headers=["option", "P50", "P10 – P90", "estimate", "cheapest in"],
            tablefmt="simple",
            disable_numparse=True,
        ),
    ]
    if u.tornado is not None and u.tornado.swings:
        t = u.tornado
        out += [
            "",
            f"What moves the gap ({names.get(t.runner, t.runner)} minus {names.get(t.leader, t.leader)}, "
            f"{money(t.gap_usd or 0)} a month at the estimate):",
        ]
        for s in t.swings[:5]:
            flips = (
                ""
                if s.flips_at is None
                else f"; flips at {s.flips_at:,.4g}" + ("" if s.flips_within_range else " (outside its range)")
            )
            out.append(f"  {s.label}: {money(s.gap_low_usd or 0)} to {money(s.gap_high_usd or 0)}{flips}")
    out += ["", p.sentence or ""]
    for g in p.by_growth:
        start, _, then = g.best.partition(">")
        way = (
            names.get(start, start)
            if not then
            else (f"{names.get(start, start)}, then {names.get(then, then)} from month {g.month}")
        )
        out.append(f"  at {g.growth_percent:g}%/month growth: {way}, {money(g.total_usd)}")
    return "\n".join(out) + "\n"
