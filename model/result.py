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
from model.history import HistoryProjection
from model.profile import NUMERIC_FIELDS, WorkloadProfile
from model.units import BYTES_PER_MB
from model.vendors.common import Line, PriceRef
from pricing.schema import Number, PriceBook, Tiered

__all__ = [
    "RESULT_VERSION",
    "ComponentOut",
    "EstimateOut",
    "HistoryOut",
    "OptionOut",
    "PlanOut",
    "ProvenanceOut",
    "TableRef",
    "profile_at",
    "summarize",
]

RESULT_VERSION = 1


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
    verified: dt.date
    confidence: Literal["primary", "secondary", "estimate"]
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


class PlanOut(_Out):
    id: str
    name: str
    monthly_usd: float | None
    """What the bill would be on this plan; null where the plan cannot take this workload."""
    chosen: bool
    reason: str


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


class HistoryOut(_Out):
    """One run's Temporal Event History. `steps_until_*` are 1-based step numbers at which a
    threshold is first crossed; null when no number of steps crosses it."""

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
    binding_limit: Literal["history_events", "history_size", "payload_size"]
    exceeds_limit: bool
    continue_as_new_segments: int
    steps_per_segment: float
    payload_blocks_continue_as_new: bool
    limits: dict[str, float]
    advice: list[str]


class EstimateOut(_Out):
    """The whole answer for one profile (the JSON contract, version 1)."""

    schema_version: Literal[1] = 1
    profile: WorkloadProfile
    pricing_date: dt.date
    pricing: list[TableRef]
    cheapest: str
    options: list[OptionOut]
    history: HistoryOut | None


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def provenance(book: PriceBook, ref: PriceRef) -> ProvenanceOut | None:
    """The source of the number at `ref`, or None if the table has no such number."""
    table = book.tables.get(ref.table_id)
    if table is None:
        return None
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
        confidence=table.confidence_of(item),
        note=item.note,
    )


def profile_at(estimate: Estimate, index: int) -> WorkloadProfile:
    """The profile of row `index` (rebuilt from the frame when the input was a DataFrame)."""
    if estimate.profiles is not None:
        return estimate.profiles[index]
    row = estimate.frame.iloc[index]
    data = {name: float(row[name]) for name in NUMERIC_FIELDS}
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
    )


def _option(estimate: Estimate, option: OptionEstimate, i: int, profile: WorkloadProfile) -> OptionOut:
    book = estimate.book
    bill = option.bill
    components = [_component(book, option, line, i) for line in bill.lines]
    plan_id = str(bill.plan[i])
    plan_names = {p.id: p.name for p in option.table.plans}
    total = float(option.total[i])
    runs = profile.monthly_runs
    fill = {"peak": f"{profile.peak_concurrent_runs:g}"}
    reason = str(bill.plan_reason[i]).format(**fill)
    others = [
        f"{plan_names[k]} ${v[i]:,.2f}" for k, v in bill.plan_totals.items() if k != plan_id and math.isfinite(v[i])
    ]
    if others:
        mine = bill.plan_totals.get(plan_id)
        this = f"{plan_names.get(plan_id, plan_id)} ${mine[i]:,.2f}; " if mine is not None else ""
        reason += f" (the vendor's bill on each plan: {this}{', '.join(others)})"
    return OptionOut(
        id=option.id,
        name=option.table.name,
        vendor=option.table.vendor,
        plan=plan_names.get(plan_id, plan_id),
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
            )
            for p in option.table.plans
        ],
        warnings=[message for message, flags in bill.warnings.items() if bool(flags[i])],
        depends_on=[f"{c.name}: depends on {c.depends_on}" for c in components if c.depends_on],
        pricing=TableRef(table=option.id, effective=option.table.effective, file=book.files.get(option.id)),
    )


def _history(estimate: Estimate, h: HistoryProjection, i: int, profile: WorkloadProfile) -> HistoryOut:
    table = next(t for t in estimate.book.options() if t.billing_model in ("temporal-cloud", "temporal-self-hosted"))
    limits = {k: v.expected for k, v in table.limits.items() if k.startswith(("history_", "payload_"))}
    count = {k: v.expected for k, v in table.counting.items()}
    segments = int(h.continue_as_new_segments[i])
    advice = []
    if bool(h.payload_blocks_continue_as_new[i]):
        advice.append(
            f"Step {int(h.steps_until_payload_limit[i])} passes the {limits['payload_mb']:g} MB payload "
            "limit, which Continue-As-New cannot fix: keep the conversation out of history (store it "
            "in a blob store or database and pass a reference)."
        )
    if segments > 1:
        advice.append(
            f"Continue-As-New about every {math.floor(h.steps_per_segment[i]):,} steps ({segments} segments "
            f"per run) keeps each history under the server's suggested {count['continue_as_new_events']:,.0f} "
            f"events / {count['continue_as_new_mb']:g} MB."
        )
    if profile.context_growth_kb > 0 and not bool(h.payload_blocks_continue_as_new[i]):
        advice.append(
            "Each step records a larger input: history grows quadratically with steps. Passing a "
            "reference instead of the whole conversation makes it linear."
        )
    if not advice:
        advice.append("This run stays well inside Temporal's history limits.")
    return HistoryOut(
        table=table.id,
        events_per_run=float(h.events_per_run[i]),
        history_bytes_per_run=float(h.history_bytes_per_run[i]),
        history_mb_per_run=float(h.history_bytes_per_run[i] / BYTES_PER_MB),
        largest_payload_bytes=float(h.largest_payload_bytes[i]),
        steps_until_event_warning=_finite(h.steps_until_event_warning[i]),
        steps_until_event_limit=_finite(h.steps_until_event_limit[i]),
        steps_until_size_warning=_finite(h.steps_until_size_warning[i]),
        steps_until_size_limit=_finite(h.steps_until_size_limit[i]),
        steps_until_payload_warning=_finite(h.steps_until_payload_warning[i]),
        steps_until_payload_limit=_finite(h.steps_until_payload_limit[i]),
        binding_limit=str(h.binding_limit[i]),
        exceeds_limit=bool(h.exceeds_limit[i]),
        continue_as_new_segments=segments,
        steps_per_segment=float(h.steps_per_segment[i]),
        payload_blocks_continue_as_new=bool(h.payload_blocks_continue_as_new[i]),
        limits=limits,
        advice=advice,
    )


def summarize(estimate: Estimate, index: int = 0) -> EstimateOut:
    """Everything about profile `index`, in the order a reader wants it."""
    profile = profile_at(estimate, index)
    options = [_option(estimate, o, index, profile) for o in estimate.options]
    book = estimate.book
    return EstimateOut(
        profile=profile,
        pricing_date=book.as_of,
        pricing=[
            TableRef(table=t.id, effective=t.effective, file=book.files.get(t.id))
            for _, t in sorted(book.tables.items())
        ],
        cheapest=str(estimate.cheapest()[index]),
        options=options,
        history=_history(estimate, estimate.history, index, profile) if estimate.history is not None else None,
    )
