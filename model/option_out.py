"""One option's answer for one profile, as the JSON contract carries it (`OptionOut`): its bill, line
items (`ComponentOut`, with where each price came from), plans (`PlanOut`) and their features
(`FeatureOut`), warnings, limits, fit and recorded history.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel

from model.engine import Estimate, OptionEstimate
from model.findings_out import OUT_CONFIG, FindingOut, finding_out
from model.fit_out import FitOut, fit_out
from model.limits_out import HistoryOut, LimitOut, RestartOut, finite, limit_out, limit_warnings, restart_out
from model.lines import Line
from model.plan_choice import plan_name
from model.provenance_out import ProvenanceOut, TableRef, provenance
from model.usage import Usage
from schema.plans import PlanFeatures
from schema.profile import WorkloadProfile
from schema.tables import PriceBook, PriceTable

__all__ = ["ComponentOut", "FeatureOut", "OptionOut", "PlanOut", "features_of", "option_out"]


class _Out(BaseModel):
    model_config = OUT_CONFIG


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
    quantity_confidence: Literal["primary", "secondary", "estimate"] | None = None
    """The weakest confidence of the counting rules the quantity rests on for this profile (an
    estimate of how many transitions a step takes, say); null when it rests on none. A line is only
    as sure as its weakest input: the reports show the weaker of this and the price's."""


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
    reason: FindingOut
    features: list[FeatureOut] = []


class OptionOut(_Out):
    id: str
    name: str
    vendor: str
    plan: str
    plan_reason: FindingOut
    monthly_usd: float
    low_usd: float
    high_usd: float
    per_run_usd: float | None
    subtotals: dict[str, float]
    """Cost by category: `vendor` (the orchestrator's bill), `infrastructure`, `people`."""
    components: list[ComponentOut]
    quantities: dict[str, float]
    plans: list[PlanOut]
    warnings: list[FindingOut]
    """A soft limit passed, a hard one close ahead, a retention bound, a feature at an unpublished price."""
    depends_on: list[str]
    pricing: TableRef
    hosting: Literal["cloud", "self-hosted"] | None = None
    limits: list[LimitOut] = []
    """Every per-run limit the option's table declares, projected for this run."""
    restart: RestartOut | None = None
    """How the option's history restarts (Continue-As-New), if it does."""
    fit: FitOut = FitOut(status="fits")
    """Whether the option can run this workload, as designed or as a named design, at a public price."""
    applicable: bool = True
    """`fit.status` is `fits` or `workaround`: the option can run the workload at a public price. Only
    such an option is ever the cheapest; the others' figures are for reference (`fit` says why)."""
    history: HistoryOut | None = None
    """One run's recorded history on this option, if its table records one."""
    features: list[FeatureOut] = []
    """What the chosen plan (or the offering, without plans) includes; empty when self-hosted."""


_SURE = ("estimate", "secondary", "primary")


def _quantity_confidence(usage: Usage, option: OptionEstimate, key: str, i: int) -> str | None:
    """The weakest confidence among the `counting` numbers a meter's quantity uses where its count is
    not zero for profile `i`."""
    table = option.table
    meter = next((m for m in table.meters if m.id == key), None)
    spec = table.quantities.get(meter.quantity) if meter is not None else None
    if spec is None or spec.per_run is None:
        return None
    found: list[str] = []
    for name, coefficient in spec.per_run.items():
        keys = (
            [coefficient]
            if isinstance(coefficient, str)
            else [c for c in coefficient if isinstance(c, str)]
            if isinstance(coefficient, tuple)
            else []
        )
        if not keys or float(usage.count(name).total[i]) == 0:
            continue
        found += [table.confidence_of(table.counting[k]) for k in keys if k in table.counting]
    return min(found, key=_SURE.index) if found else None


def _component(book: PriceBook, option: OptionEstimate, line: Line, i: int, usage: Usage | None = None) -> ComponentOut:
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
        list_unit_price=finite(line.list_unit_price[i]) if line.list_unit_price is not None else None,
        quantity_confidence=_quantity_confidence(usage, option, line.key, i) if usage is not None else None,
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


def option_out(estimate: Estimate, option: OptionEstimate, i: int, profile: WorkloadProfile) -> OptionOut:
    """One option's answer for profile `i`; its recorded history (`history_out`) and a checklist's setting
    it aside are added by `model.result.summarize`."""
    book = estimate.book
    bill = option.bill
    usage = Usage(option.work or estimate.work, option.table, "expected")
    components = [_component(book, option, line, i, usage) for line in bill.lines]
    plan_id = str(bill.plan[i])
    total = float(option.total[i])
    runs = profile.monthly_runs
    fill = {"peak": float(usage.slots()[i]), "given": float(profile.retention_days)}
    steps = profile.steps_per_run
    # A fraction of a wait per run is some runs waiting, not every run waiting a little: the time into
    # the run is then a run's that does not wait.
    waits = profile.human_waits_per_run
    without_waits = waits != int(waits)
    wall = float(estimate.work.wall[i]) - (float(estimate.work.human_wait[i]) if without_waits else 0.0)
    step_seconds = wall / steps if steps > 0 else None
    limits = [limit_out(book, option.table, p, i, step_seconds, without_waits) for p in option.limits]
    fit = fit_out(estimate, option, i, limits, step_seconds, without_waits)
    return OptionOut(
        id=option.id,
        name=option.table.name,
        vendor=option.table.vendor,
        plan=plan_name(option.table, plan_id),
        plan_reason=finding_out(bill.plan_reason[i], fill),
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
                monthly_usd=finite(bill.plan_totals[p.id][i]),
                chosen=p.id == plan_id,
                reason=finding_out(bill.plan_reasons[p.id][i], fill),
                features=features_of(option.table, p.features),
            )
            for p in option.table.plans
        ],
        features=[]
        if option.table.hosting != "cloud"
        else features_of(
            option.table, next((p.features for p in option.table.plans if p.id == plan_id), option.table.features)
        ),
        warnings=[finding_out(finding, fill) for finding, flags in bill.warnings.items() if bool(flags[i])]
        + limit_warnings(option.table, limits),
        depends_on=[f"{c.name}: depends on {c.depends_on}" for c in components if c.depends_on],
        pricing=TableRef.of(option.table, book.files.get(option.id)),
        hosting=option.table.hosting,
        limits=limits,
        restart=restart_out(option, i),
        fit=fit,
        applicable=fit.status in ("fits", "workaround"),
    )
