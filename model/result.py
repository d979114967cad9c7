"""One profile's estimate as plain models: the documented contract behind `tco compare --format
json`, the reports and the app's tables.

`summarize(estimate, i)` reads row `i` of an `Estimate` and attaches to every line item where its
price came from (table version, source URL, dates, confidence). Nothing here computes a price.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from model.engine import Estimate, OptionEstimate
from model.limits import LimitProjection
from model.lines import Line, PriceRef
from model.meters import plan_name
from model.profile import NUMERIC_FIELDS, OPTIONAL_FIELDS, WorkloadProfile
from model.units import BYTES_PER_MB
from pricing.schema import Measure, Number, PlanFeatures, PriceBook, PriceTable, Tiered

__all__ = [
    "RESULT_VERSION",
    "ComponentOut",
    "CrossoverSpreadOut",
    "EstimateOut",
    "FeatureOut",
    "GrowthOut",
    "HistoryOut",
    "InputOut",
    "LimitOut",
    "OptionOut",
    "PathOut",
    "PlanOut",
    "ProvenanceOut",
    "RestartOut",
    "SpreadOut",
    "StrategyOut",
    "SwingOut",
    "TableRef",
    "TornadoOut",
    "UncertaintyOut",
    "WorkloadOut",
    "features_of",
    "format_elapsed",
    "limit_passed",
    "profile_at",
    "summarize",
]

RESULT_VERSION = 2

Binding = Literal["history_events", "history_size", "payload_size"]
"""The hard history limits a growing run can reach first."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TableRef(_Out):
    table: str
    effective: dt.date
    file: str | None


class ProvenanceOut(_Out):
    """Where one number came from."""

    table: str
    effective: dt.date
    field: str
    url: str
    title: str
    stated: dt.date
    verified: dt.date | None
    """The day the number was read at `url` itself; null when something else was read (see `how`)."""
    checked: dt.date
    """The day the number is known to hold: `verified`, or the date of the copy, repository,
    package or third party read instead."""
    how: str
    """How it was checked, in words."""
    confidence: Literal["primary", "secondary", "estimate", "yours"]
    """`yours`: a number the profile gives (a negotiated price, a contract's terms)."""
    note: str | None = None


class ComponentOut(_Out):
    """A line item: quantity x unit price = cost [USD/month], with its range and provenance."""

    key: str
    name: str
    quantity: float
    unit: str
    unit_price: float
    price_unit: str
    cost_usd: float
    low_usd: float
    high_usd: float
    category: Literal["vendor", "infrastructure", "people"]
    depends_on: str | None = None
    provenance: ProvenanceOut | None = None
    quoted_unit: str | None = None
    """How the vendor quotes the price when per many units (`USD/1M actions`); `unit_price` is
    always per one unit of `unit` (`price_unit`)."""
    list_unit_price: float | None = None
    """The table's unit price, where your own (`overrides`) replaces it."""


class FeatureOut(_Out):
    """A plan feature a buyer may require (seats, log retention, SSO, SLA, support, HIPAA)."""

    id: str
    name: str
    value: float | bool | str
    """A number (seats, days, percent), a flag, a support level, or `unlimited`."""
    shown: str
    addon: str | None = None
    """The add-on that supplies it where the plan lacks it (a seat per unit)."""
    unpriced: str | None = None
    """It costs extra at a price the vendor does not publish: how it is sold."""
    url: str
    confidence: Literal["primary", "secondary", "estimate"]
    note: str | None = None


class PlanOut(_Out):
    id: str
    name: str
    monthly_usd: float | None
    """What the bill would be on this plan; null where the plan cannot take this workload."""
    chosen: bool
    reason: str
    features: list[FeatureOut] = []


class LimitOut(_Out):
    """One per-run limit against this run. Sizes in bytes, times in seconds (`unit`);
    `steps_until_*` are 1-based steps at which the measure first passes the level, null when no
    number of steps does or when the measure does not grow with steps."""

    id: str
    name: str
    measure: Measure
    unit: str
    value: float
    limit: float
    warning: float | None
    shown: str
    """The limit as the vendor states it (`2 MB`, `51,200 events`)."""
    steps_until_warning: float | None
    steps_until_limit: float | None
    seconds_until_warning: float | None = None
    seconds_until_limit: float | None = None
    """How long into the run those steps come: each step's share of the run's wall time (work, sleeps
    and human waits spread evenly over its steps)."""
    exceeded: bool
    """This run, as profiled, passes the limit."""
    warned: bool
    hard: bool
    avoidable: bool
    """The option's segments (Continue-As-New) keep each segment under it."""
    advice: str | None
    provenance: ProvenanceOut | None = None


class RestartOut(_Out):
    """A run that restarts with a fresh history (Continue-As-New, say)."""

    name: str
    segments: int
    """Histories one run is split into (1: no restart)."""
    first_segment_steps: float | None
    """Steps the first segment holds before it restarts; null when it never does."""


class OptionOut(_Out):
    id: str
    name: str
    vendor: str
    plan: str
    plan_reason: str
    monthly_usd: float
    low_usd: float
    high_usd: float
    per_run_usd: float | None
    subtotals: dict[str, float]
    """Cost by category: `vendor` (the orchestrator's bill), `infrastructure`, `people`."""
    components: list[ComponentOut]
    quantities: dict[str, float]
    plans: list[PlanOut]
    warnings: list[str]
    depends_on: list[str]
    pricing: TableRef
    hosting: Literal["cloud", "self-hosted"] | None = None
    limits: list[LimitOut] = []
    """Every per-run limit the option's table declares, projected for this run."""
    restart: RestartOut | None = None
    """How the option's history restarts (Continue-As-New), if it does."""
    applicable: bool = True
    """False when this run passes a limit that rules the option out; its figures are then what the
    bill would be, shown for reference, and it is never the cheapest."""
    not_applicable: str | None = None
    """Why the option cannot run this workload."""
    history: HistoryOut | None = None
    """One run's recorded history on this option, if its table records one."""
    features: list[FeatureOut] = []
    """What the chosen plan (or the offering, without plans) includes; empty when self-hosted."""


class UnpricedOut(_Out):
    id: str
    name: str
    first_priced: dt.date
    """The effective date of its first table: "no prices before" this date."""


class HistoryOut(_Out):
    """One run's recorded history on one option (an Event History, an execution history).
    `steps_until_*` are 1-based step numbers at which a threshold is first crossed; null when no
    number of steps crosses it."""

    table: str
    events_per_run: float
    history_bytes_per_run: float
    history_mb_per_run: float
    largest_payload_bytes: float
    steps_until_event_warning: float | None
    steps_until_event_limit: float | None
    steps_until_size_warning: float | None
    steps_until_size_limit: float | None
    steps_until_payload_warning: float | None
    steps_until_payload_limit: float | None
    binding_limit: Binding
    exceeds_limit: bool
    continue_as_new_segments: int
    steps_per_segment: float
    """Steps the first segment holds before it restarts (all of them without a restart)."""
    payload_blocks_continue_as_new: bool
    limits: dict[str, float]
    advice: list[str]
    name: str = "Event History"
    """What the option calls its history."""
    restart_name: str | None = None
    """What the option calls a restart with a fresh history (Continue-As-New), if it has one."""


class WorkloadOut(_Out):
    """What the engine derived from the profile, shared by every option."""

    peak_concurrent_runs: float
    """Runs executing at once at the busiest moment, as priced [runs]."""
    peak_concurrent_runs_source: Literal["given", "derived", "raised"]
    """`given` by the profile; `derived` from the volume (the profile left it empty); `raised` to
    the runs executing at once on average within the busy window, which the profile's figure was
    below."""
    peak_floor: float
    """Runs executing at once on average within the busy window [runs]."""
    open_runs_peak: float
    """Runs open at once (executing or waiting) at the busiest moment [runs]."""
    executing_seconds_per_run: float
    wall_seconds_per_run: float


class SpreadOut(_Out):
    """One option's monthly cost over the Monte Carlo draws [USD/month]."""

    option: str
    name: str
    point_usd: float | None
    """At every input's expected value (None: it cannot run the workload)."""
    p10_usd: float | None
    p50_usd: float | None
    p90_usd: float | None
    mean_usd: float | None
    cheapest_share: float
    """The share of draws in which it is the cheapest of the options that can run the workload."""
    runs_share: float
    """The share of draws in which it can run the workload."""


class InputOut(_Out):
    """An uncertain input and how it is drawn."""

    key: str
    label: str
    unit: str
    low: float
    expected: float
    high: float
    distribution: str
    source: str | None
    confidence: str | None


class SwingOut(_Out):
    key: str
    label: str
    gap_low_usd: float | None
    """Runner-up minus leader with this input at its low end, every other input expected [USD/month]."""
    gap_high_usd: float | None
    flips_at: float | None
    """The input's value at which the two cost the same, nearest its expected value."""
    flips_within_range: bool
    moves_with: list[str] = []


class TornadoOut(_Out):
    leader: str
    runner: str
    gap_usd: float | None
    swings: list[SwingOut]


class CrossoverSpreadOut(_Out):
    options: list[str]
    p10: float
    p50: float
    p90: float
    share: float
    """The share of draws in which the two cross within the chart's span of monthly runs."""


class UncertaintyOut(_Out):
    """The Monte Carlo over every uncertain input (README, "How sure: the method")."""

    draws: int
    seed: int
    sentence: str
    leader: str | None
    none_share: float
    """The share of draws in which no option can run the workload; with every `cheapest_share` it sums to 1."""
    options: list[SpreadOut]
    inputs: list[InputOut]
    tornado: TornadoOut | None
    crossovers: list[CrossoverSpreadOut]
    """Where the options whose crossover changes the cheapest cross, along monthly runs, over the draws."""


class StrategyOut(_Out):
    key: str
    """`start` or `start>then`."""
    start: str
    then: str | None
    month: int | None
    """The month (1-based) at whose start the migration happens."""
    total_usd: float
    years_usd: list[float]
    """Cost in each year of the horizon (the last may be partial)."""


class GrowthOut(_Out):
    growth_percent: float
    best: str
    month: int | None
    total_usd: float


class PathOut(_Out):
    """The multi-year path (README, "The multi-year path")."""

    horizon_months: int
    growth_percent_per_month: float
    cutover_months: float
    sentence: str
    runs: list[float]
    setup_usd: dict[str, float]
    migration_usd: dict[str, float]
    best: str | None
    strategies: list[StrategyOut]
    """Staying on each option, then each pair at its best migration month; cheapest first."""
    by_growth: list[GrowthOut]
    chances: dict[str, float]
    """With uncertainty: the share of draws in which each strategy (its month free) is the best."""
    draws: int
    stay_spread_usd: dict[str, list[float]] = {}
    """With uncertainty: [P10, P50, P90] of staying on each option over the horizon, over the draws."""


class EstimateOut(_Out):
    """The whole answer for one profile (the JSON contract, version 2)."""

    schema_version: Literal[2] = 2
    profile: WorkloadProfile
    pricing_date: dt.date
    pricing: list[TableRef]
    cheapest: str
    options: list[OptionOut]
    history: HistoryOut | None
    """The history of `Estimate.history_option` (every option's own is in `options[].history`)."""
    unpriced: list[UnpricedOut] = []
    """Options with no price table in force on `pricing_date` yet (among those the profile's short
    list names, or every such option without one)."""
    workload: WorkloadOut | None = None
    warnings: list[str] = []
    """About the profile as a whole (a peak raised to what the volume implies)."""
    uncertainty: UncertaintyOut | None = None
    """How sure: present in reports (`tco report`, `tco compare --outlook`)."""
    path: PathOut | None = None
    """Over what horizon: present where `uncertainty` is."""


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def provenance(book: PriceBook, ref: PriceRef) -> ProvenanceOut | None:
    """The source of the number at `ref`, or None if the table has no such number."""
    table = book.tables.get(ref.table_id)
    if table is None:
        return None
    if ref.path and ref.path[0] == "overrides":
        what = "your price" if ref.path[1] == "prices" else "your contract's terms"
        return ProvenanceOut(
            table=table.id,
            effective=table.effective,
            field=".".join(ref.path),
            url="",
            title=f"{what.capitalize()}, from the profile's overrides",
            stated=book.as_of,
            verified=None,
            checked=book.as_of,
            how="given in the profile",
            confidence="yours",
            note=None,
        )
    item: Number | Tiered | None = table.numbers().get(ref.path)
    if item is None:
        return None
    source = table.source_for(item)
    return ProvenanceOut(
        table=table.id,
        effective=table.effective,
        field=".".join(ref.path),
        url=str(source.url),
        title=source.title,
        stated=source.stated,
        verified=source.verified,
        checked=source.checked,
        how=source.how_checked,
        confidence=table.confidence_of(item),
        note=item.note,
    )


def profile_at(estimate: Estimate, index: int) -> WorkloadProfile:
    """The profile of row `index` (rebuilt from the frame when the input was a DataFrame)."""
    if estimate.profiles is not None:
        return estimate.profiles[index]
    row = estimate.frame.iloc[index]
    data: dict[str, object] = {name: float(row[name]) for name in NUMERIC_FIELDS}
    for name in OPTIONAL_FIELDS:
        if math.isnan(float(row[name])):
            data[name] = None
    return WorkloadProfile.model_validate(
        {**data, "machine": str(row["machine"]), "step_kind": str(row["step_kind"]), "name": str(row["name"])}
    )


def _component(book: PriceBook, option: OptionEstimate, line: Line, i: int) -> ComponentOut:
    ref = line.price[i] if isinstance(line.price, np.ndarray) else line.price
    depends = None
    if line.depends_on is not None and bool(line.depends_on[i]):
        depends = line.depends_on_reason
    return ComponentOut(
        key=line.key,
        name=line.name,
        quantity=float(line.quantity[i]),
        unit=line.quantity_unit,
        unit_price=float(line.unit_price[i]),
        price_unit=line.price_unit,
        cost_usd=float(line.cost[i]),
        low_usd=float(option.line_low[line.key][i]),
        high_usd=float(option.line_high[line.key][i]),
        category=line.category,
        depends_on=depends,
        provenance=provenance(book, ref) if ref is not None else None,
        quoted_unit=line.quoted_unit,
        list_unit_price=_finite(line.list_unit_price[i]) if line.list_unit_price is not None else None,
    )


_UNITS = {"seats": " seats", "log_retention_days": " days", "sla_percent": "%"}


def features_of(table: PriceTable, features: PlanFeatures) -> list[FeatureOut]:
    """A plan's features for the reader: each value shown in words, with its source."""
    out = []
    for key, feature in features.items():
        value = feature.value
        if isinstance(value, bool):
            shown = "yes" if value else (f"add-on ({_addon_name(table, feature.addon)})" if feature.addon else "no")
        elif value == "unlimited":
            shown = "unlimited"
        elif isinstance(value, float | int):
            shown = f"{value:,.10g}{_UNITS[key]}"
            if value == 1 and key in ("seats", "log_retention_days"):
                shown = shown.removesuffix("s")
        else:
            shown = str(value)
        if key == "seats" and feature.addon:
            shown += f", more as {_addon_name(table, feature.addon)}"
        if feature.unpriced:
            shown += " (extra, price not published)"
        source = table.sources[feature.source]
        out.append(
            FeatureOut(
                id=key,
                name=str(PlanFeatures.model_fields[key].title),
                value=value,
                shown=shown,
                addon=feature.addon,
                unpriced=feature.unpriced,
                url=str(source.url),
                confidence=feature.confidence or source.confidence,
                note=feature.note,
            )
        )
    return out


def _addon_name(table: PriceTable, addon_id: str | None) -> str:
    return next((a.name for a in table.addons if a.id == addon_id), str(addon_id)).lower()


def _shown(table: PriceTable, key: str) -> str:
    number = table.limits[key]
    return f"{number.expected:,.10g} {number.unit.value}"


def format_elapsed(seconds: float) -> str:
    """A time into a run, as a reader says it.

    >>> format_elapsed(0.2), format_elapsed(45), format_elapsed(600), format_elapsed(7740), format_elapsed(3 * 86400)
    ('under 1 s', '45 s', '10 min', '2.1 hours', '3 days')
    >>> format_elapsed(400 * 86400), format_elapsed(36_500 * 86400), format_elapsed(1e6 * 86400)
    ('400 days', '99.9 years', '2,738 years')
    """
    if seconds < 1:
        return "under 1 s"
    if seconds < 90:
        return f"{seconds:,.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:,.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:,.2g} hours"
    days = seconds / 86400
    if days < 100:
        return f"{days:,.3g} days"
    if days < 730:
        return f"{days:,.0f} days"
    years = days / 365.25
    return f"{years:,.3g} years" if years < 100 else f"{years:,.0f} years"


def _at_step(limit: LimitOut) -> str:
    """` at step 129 (about 2.1 hours into the run)`, or nothing when no step passes the limit."""
    if limit.steps_until_limit is None:
        return ""
    when = f" (about {format_elapsed(limit.seconds_until_limit)} into the run)" if limit.seconds_until_limit else ""
    return f" at step {limit.steps_until_limit:,.0f}{when}"


def _limit(book: PriceBook, table: PriceTable, p: LimitProjection, i: int, step_seconds: float | None) -> LimitOut:
    warning, limit = _finite(p.steps_until_warning[i]), _finite(p.steps_until_limit[i])
    return LimitOut(
        id=p.id,
        name=p.spec.name,
        measure=p.spec.measure,
        unit=p.unit,
        value=float(p.value[i]),
        limit=p.limit,
        warning=p.warning,
        shown=_shown(table, p.id),
        steps_until_warning=warning,
        steps_until_limit=limit,
        seconds_until_warning=None if warning is None or step_seconds is None else warning * step_seconds,
        seconds_until_limit=None if limit is None or step_seconds is None else limit * step_seconds,
        exceeded=bool(p.exceeded[i]),
        warned=bool(p.warned[i]),
        hard=p.spec.hard,
        avoidable=p.avoidable,
        advice=p.spec.advice,
        provenance=provenance(book, p.ref),
    )


def limit_passed(limit: LimitOut, at: str = "") -> str:
    """What a run does to a limit it passes, after "the run": it has something the option allows
    none of, or it passes the limit (`at` says where)."""
    if limit.limit == 0:
        return f"has {limit.name.lower()}, and none is allowed"
    return f"passes the {limit.shown} {limit.name.lower()} limit{at}"


def _limit_warnings(table: PriceTable, limits: list[LimitOut]) -> list[str]:
    """A sentence for every hard limit this run passes."""
    segments = table.history.segments if table.history is not None else None
    out = []
    for limit in limits:
        if not (limit.exceeded and limit.hard):
            continue
        at = _at_step(limit)
        if limit.avoidable and segments is not None:
            out.append(f"the run passes the {limit.shown} {limit.name.lower()} limit{at} without {segments.name}")
        else:
            text = f"the run {limit_passed(limit, at)}"
            out.append(f"{text}: {limit.advice}" if limit.advice else text)
    return out


def _option(estimate: Estimate, option: OptionEstimate, i: int, profile: WorkloadProfile) -> OptionOut:
    book = estimate.book
    bill = option.bill
    components = [_component(book, option, line, i) for line in bill.lines]
    plan_id = str(bill.plan[i])
    plan_names = {p.id: p.name for p in option.table.plans}
    total = float(option.total[i])
    runs = profile.monthly_runs
    work = estimate.work
    held = option.table.concurrency.holds if option.table.concurrency is not None else "executing"
    fill = {"peak": f"{work.peak(held)[i]:,.4g}"}
    reason = str(bill.plan_reason[i]).format(**fill)
    others = [
        f"{plan_names[k]} ${v[i]:,.2f}" for k, v in bill.plan_totals.items() if k != plan_id and math.isfinite(v[i])
    ]
    if others:
        mine = bill.plan_totals.get(plan_id)
        this = f"{plan_names.get(plan_id, plan_id)} ${mine[i]:,.2f}; " if mine is not None else ""
        reason += f" (the vendor's bill on each plan: {this}{', '.join(others)})"
        tied = [
            plan_names[k]
            for k, v in bill.plan_totals.items()
            if k != plan_id and mine is not None and round(float(v[i]), 2) == round(float(mine[i]), 2)
        ]
        if tied:
            reason += f"; as cheap as {' and '.join(tied)}, with more headroom"
    steps = profile.steps_per_run
    step_seconds = float(estimate.work.wall[i]) / steps if steps > 0 else None
    limits = [_limit(book, option.table, p, i, step_seconds) for p in option.limits]
    return OptionOut(
        id=option.id,
        name=option.table.name,
        vendor=option.table.vendor,
        plan=plan_name(option.table, plan_id),
        plan_reason=reason,
        monthly_usd=total,
        low_usd=float(option.low[i]),
        high_usd=float(option.high[i]),
        per_run_usd=total / runs if runs > 0 else None,
        subtotals={
            cat: sum(c.cost_usd for c in components if c.category == cat)
            for cat in ("vendor", "infrastructure", "people")
        },
        components=components,
        quantities={k: float(v[i]) for k, v in bill.quantities.items()},
        plans=[
            PlanOut(
                id=p.id,
                name=p.name,
                monthly_usd=_finite(bill.plan_totals[p.id][i]),
                chosen=p.id == plan_id,
                reason=str(bill.plan_reasons[p.id][i]).format(**fill),
                features=features_of(option.table, p.features),
            )
            for p in option.table.plans
        ],
        features=[]
        if option.table.hosting != "cloud"
        else features_of(
            option.table, next((p.features for p in option.table.plans if p.id == plan_id), option.table.features)
        ),
        warnings=[message.format(**fill) for message, flags in bill.warnings.items() if bool(flags[i])]
        + _limit_warnings(option.table, limits),
        depends_on=[f"{c.name}: depends on {c.depends_on}" for c in components if c.depends_on],
        pricing=TableRef(table=option.id, effective=option.table.effective, file=book.files.get(option.id)),
        hosting=option.table.hosting,
        limits=limits,
        restart=_restart(option, i),
        applicable=True if option.applicable is None else bool(option.applicable[i]),
        not_applicable=None
        if option.applicable is None or bool(option.applicable[i])
        else str(option.not_applicable[i])
        if option.not_applicable is not None
        else None,
    )


def _restart(option: OptionEstimate, i: int) -> RestartOut | None:
    spec = option.table.history
    if spec is None or spec.segments is None or option.history is None:
        return None
    return RestartOut(
        name=spec.segments.name,
        segments=int(option.history.segments[i]),
        first_segment_steps=_finite(option.history.first_segment_steps[i]),
    )


_HISTORY_MEASURES: dict[str, Binding] = {
    "events": "history_events",
    "history_bytes": "history_size",
    "payload_bytes": "payload_size",
}
_UNTIL = {"events": "event", "history_bytes": "size", "payload_bytes": "payload"}


def _history(option: OptionEstimate, out: OptionOut, i: int, profile: WorkloadProfile) -> HistoryOut:
    """The contract's `history` block, from the option's recorded history and its limits."""
    table = option.table
    h = option.history
    assert h is not None and table.history is not None
    spec = table.history
    segments = spec.segments
    shown = {limit.id: limit for limit in out.limits if limit.measure in _HISTORY_MEASURES}
    until: dict[str, float | None] = {}
    hard: dict[Binding, float] = {}  # hard limit -> the step at which it is crossed
    for limit in shown.values():
        prefix = _UNTIL[limit.measure]
        until[f"steps_until_{prefix}_warning"] = limit.steps_until_warning
        until[f"steps_until_{prefix}_limit"] = limit.steps_until_limit
        if limit.hard:
            hard[_HISTORY_MEASURES[limit.measure]] = (
                math.inf if limit.steps_until_limit is None else limit.steps_until_limit
            )
    binding: Binding = min(hard, key=lambda k: hard[k]) if hard else "history_events"
    blocked = [x for x in shown.values() if x.exceeded and x.hard and not x.avoidable]
    count = int(h.segments[i])
    first = float(h.first_segment_steps[i])
    advice = []
    for limit in blocked:
        fix = f", which {segments.name} cannot fix" if segments is not None else ""
        advice.append(
            f"Step {limit.steps_until_limit:,.0f}"
            + (
                f" (about {format_elapsed(limit.seconds_until_limit)} into the run)"
                if limit.seconds_until_limit
                else ""
            )
            + f" passes the {limit.shown} {limit.name.lower()} limit{fix}."
            + (f" {limit.advice}" if limit.advice else "")
        )
    if segments is not None and count > 1 and first >= 1 and not blocked:
        # Only advice that can be followed: a segment must hold at least one step, and a run whose
        # own payload passes a limit that restarting cannot fix has been told so above.
        advice.append(
            segments.advice.format(
                every=first,
                segments=count,
                events=table.counting[segments.events].expected,
                mb=table.counting[segments.size_mb].expected,
            )
        )
    if profile.context_growth_kb > 0 and not blocked:
        advice.append(
            "Each step records a larger input: history grows quadratically with steps. Passing a "
            "reference instead of the whole conversation makes it linear."
        )
    if not advice:
        advice.append(f"This run stays well inside the {table.vendor} {spec.name} limits.")
    numbers: dict[str, float] = {}
    for run_limit in table.run_limits:
        if run_limit.measure in _HISTORY_MEASURES:
            for key in (run_limit.id, run_limit.warning):
                if key is not None:
                    numbers[key] = table.limits[key].expected
    steps = profile.steps_per_run
    return HistoryOut(
        table=table.id,
        events_per_run=float(h.events_per_run[i]),
        history_bytes_per_run=float(h.history_bytes_per_run[i]),
        history_mb_per_run=float(h.history_bytes_per_run[i] / BYTES_PER_MB),
        largest_payload_bytes=float(h.largest_payload_bytes[i]),
        steps_until_event_warning=until.get("steps_until_event_warning"),
        steps_until_event_limit=until.get("steps_until_event_limit"),
        steps_until_size_warning=until.get("steps_until_size_warning"),
        steps_until_size_limit=until.get("steps_until_size_limit"),
        steps_until_payload_warning=until.get("steps_until_payload_warning"),
        steps_until_payload_limit=until.get("steps_until_payload_limit"),
        binding_limit=binding,
        exceeds_limit=any(x.exceeded and x.hard for x in shown.values()),
        continue_as_new_segments=count,
        steps_per_segment=min(first, steps),
        payload_blocks_continue_as_new=any(x.measure == "payload_bytes" for x in blocked),
        limits=numbers,
        advice=advice,
        name=f"{table.vendor} {spec.name}",
        restart_name=segments.name if segments is not None else None,
    )


def _workload(estimate: Estimate, i: int) -> WorkloadOut:
    w = estimate.work
    given = not math.isnan(float(estimate.frame["peak_concurrent_runs"].iloc[i]))
    source: Literal["given", "derived", "raised"] = (
        "raised" if bool(w.peak_raised[i]) else ("given" if given else "derived")
    )
    return WorkloadOut(
        peak_concurrent_runs=float(w.peak_executing[i]),
        peak_concurrent_runs_source=source,
        peak_floor=float(w.peak_floor[i]),
        open_runs_peak=float(w.open_peak[i]),
        executing_seconds_per_run=float(w.executing[i]),
        wall_seconds_per_run=float(w.wall[i]),
    )


def summarize(estimate: Estimate, index: int = 0) -> EstimateOut:
    """Everything about profile `index`, in the order a reader wants it."""
    profile = profile_at(estimate, index)
    options = []
    for o in estimate.options:
        out = _option(estimate, o, index, profile)
        if o.history is not None:
            out = out.model_copy(update={"history": _history(o, out, index, profile)})
        options.append(out)
    book = estimate.book
    recorder = estimate.history_option
    history = next(o.history for o in options if o.id == recorder.id) if recorder is not None else None
    workload = _workload(estimate, index)
    warnings = []
    if workload.peak_concurrent_runs_source == "raised":
        warnings.append(
            f"peak_concurrent_runs {profile.peak_concurrent_runs:,.4g} is below the {workload.peak_floor:,.4g} runs "
            f"that execute at once on average within the {profile.peak_window_hours:g} h busy window at this volume; "
            "priced at that floor"
        )
    named = set(profile.options)
    unpriced = [
        UnpricedOut(id=k, name=name, first_priced=first)
        for k, (name, first) in sorted(book.later.items())
        if not named or k in named
    ]
    return EstimateOut(
        profile=profile,
        pricing_date=book.as_of,
        unpriced=unpriced,
        pricing=[
            TableRef(table=t.id, effective=t.effective, file=book.files.get(t.id))
            for _, t in sorted(book.tables.items())
        ],
        cheapest=str(estimate.cheapest()[index]),
        options=options,
        history=history,
        workload=workload,
        warnings=warnings,
    )
