"""Temporal Cloud: plan fee + Actions + Active storage + Retained storage, plus your workers.

Actions per run follow the table's counting rules: 1 per workflow start (and per extra
Continue-As-New segment), 1 per activity attempt, 1 per heartbeat that reaches the server, 1 per
timer, a signal and a timeout timer per human wait, 2 per child workflow (plus the child's own
activity); local activities count 1 per workflow task. Allowances come off first; what remains is
priced flat or on graduated tiers, by plan. The plan fee is the greater of its floor and its share
of that consumption. Storage: Active GBh from open histories (Little's law: arrival rate x run
wall time x mean open size), Retained GBh from closed histories x retention. Workers are the
user's own compute and are costed from the hosting reference table.
"""

from __future__ import annotations

import numpy as np

from model.billing import Array, Bools, graduated, share_fee
from model.history import HistoryProjection, project_history
from model.profile import Columns, column
from model.units import BYTES_PER_GB, HOURS_PER_DAY, PER_UNIT, SECONDS_PER_HOUR
from model.vendors.common import (
    Line,
    OptionBill,
    Rates,
    people_line,
    select_plan,
)
from model.vendors.temporal import ACTION_COUNTS, HISTORY_COUNTS, HISTORY_LIMITS, actions_per_run, temporal_workers
from model.workload import run_time
from pricing.schema import Number, PriceBook, PriceTable, Scenario, Tiered

__all__ = ["BILLING_MODEL", "REQUIRED", "price", "storage_gbh"]

BILLING_MODEL = "temporal-cloud"
REQUIRED = {
    "prices": ("actions", "active_storage", "retained_storage"),
    "counting": (*ACTION_COUNTS, *HISTORY_COUNTS, "gbh_per_gb_month"),
    "limits": (*HISTORY_LIMITS, "retention_days_min", "retention_days_max"),
    "assumptions": ("ops_fte", "worker_min_vcpu", "worker_min_memory_gb"),
    "plan": ("fee", "fee_share", "actions", "active_storage", "retained_storage"),
}


def storage_gbh(frame: Columns, history: HistoryProjection, retention_days: Array) -> tuple[Array, Array]:
    """(Active GBh, Retained GBh) per month.

    Active: open histories = arrival rate x wall time (Little's law), each of the mean size it has
    while open. Retained: every closed history (and its children's) kept `retention_days`.
    """
    runs = column(frame, "monthly_runs")
    wall_hours = run_time(frame).wall / SECONDS_PER_HOUR
    active = runs * wall_hours * history.mean_open_bytes / BYTES_PER_GB
    closed = (history.history_bytes_per_run + history.child_history_bytes) / BYTES_PER_GB
    retained = runs * closed * retention_days * HOURS_PER_DAY
    return active, retained


def _action_cost(quantity: Array, item: Number | Tiered, scenario: Scenario) -> tuple[Array, Bools]:
    """(cost, beyond the last priced tier?) of billable Actions under a flat or tiered price."""
    if isinstance(item, Tiered):
        scale = PER_UNIT.get(item.unit, 1.0)
        bounds = [t.up_to for t in item.tiers]
        cost = graduated(quantity, bounds, [t.price * scale for t in item.tiers])
        last = bounds[-1]
        beyond = (
            np.asarray(quantity > last) if (last is not None and item.beyond_last) else np.zeros(quantity.shape, bool)
        )
        return cost, beyond
    scale = PER_UNIT.get(item.unit, 1.0)
    return quantity * item.pick(scenario) * scale, np.zeros(quantity.shape, bool)


def price(frame: Columns, table: PriceTable, book: PriceBook, scenario: Scenario) -> OptionBill:
    rates = Rates(table, scenario)
    n = frame.rows
    count = {k: v.pick(scenario) for k, v in table.counting.items()}
    history = project_history(frame, table, scenario)
    actions = column(frame, "monthly_runs") * actions_per_run(frame, count, history)["total"]

    retention_given = column(frame, "retention_days")
    low, high = rates.number("limits", "retention_days_min"), rates.number("limits", "retention_days_max")
    retention = np.clip(retention_given, low, high)
    active, retained = storage_gbh(frame, history, retention)
    gbh_per_gb = count["gbh_per_gb_month"]

    per_plan, allowed, reasons = [], [], []
    for plan in table.plans:
        billable = np.maximum(actions - rates.plan_number(plan, "actions"), 0.0)
        action_item = rates.price("actions", plan)
        action_cost, beyond = _action_cost(billable, action_item, scenario)
        active_billable = np.maximum(active - rates.plan_number(plan, "active_storage") * gbh_per_gb, 0.0)
        retained_billable = np.maximum(retained - rates.plan_number(plan, "retained_storage") * gbh_per_gb, 0.0)
        active_price = rates.scalar_price("active_storage", plan)
        retained_price = rates.scalar_price("retained_storage", plan)
        consumption = action_cost + active_billable * active_price + retained_billable * retained_price
        floor = rates.plan_number(plan, "fee")
        fee = share_fee(floor, rates.plan_number(plan, "fee_share"), consumption)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            action_unit = np.where(
                billable > 0, action_cost / billable, _action_cost(np.ones(1), action_item, scenario)[0][0]
            )
        per_plan.append(
            (
                Line(
                    "plan_fee",
                    "Plan fee",
                    np.ones(n),
                    "month",
                    fee,
                    "USD/month",
                    fee,
                    rates.ref("plans", plan.id, "fee"),
                ),
                Line(
                    "actions",
                    "Actions",
                    billable,
                    "actions",
                    action_unit,
                    "USD/action",
                    action_cost,
                    rates.price_ref("actions", plan),
                    depends_on=beyond,
                    depends_on_reason="a negotiated price for Actions past the last published tier",
                ),
                Line(
                    "active_storage",
                    "Active storage",
                    active_billable,
                    "GBh",
                    np.full(n, active_price),
                    "USD/GBh",
                    active_billable * active_price,
                    rates.price_ref("active_storage", plan),
                ),
                Line(
                    "retained_storage",
                    "Retained storage",
                    retained_billable,
                    "GBh",
                    np.full(n, retained_price),
                    "USD/GBh",
                    retained_billable * retained_price,
                    rates.price_ref("retained_storage", plan),
                ),
            )
        )
        allowed.append(np.full(n, plan.self_serve))
        reasons.append(
            np.full(
                n,
                f"{plan.name} is the cheapest self-serve plan at this volume"
                if plan.self_serve
                else f"{plan.name} is sold by annual contract",
                dtype=object,
            )
        )

    lines, plan_ids, plan_reason, plan_totals = select_plan(table.plans, per_plan, np.stack(allowed), reasons)

    time = run_time(frame)
    vcpu_line, gb_line, vcpu, gb = temporal_workers(frame, book, rates, scenario, time)
    ops = people_line(table, frame, book, scenario)
    payload_mb = rates.number("limits", "payload_mb")
    retention_note = f"retention_days is outside Temporal Cloud's {low:g} to {high:g} days; priced at the nearest bound"
    payload_note = f"one step's payload passes the {payload_mb:g} MB payload limit: keep context out of history"
    warnings = {
        retention_note: retention != retention_given,
        "the run crosses a history limit without Continue-As-New": history.exceeds_limit,
        payload_note: history.payload_blocks_continue_as_new,
    }
    return OptionBill(
        lines=(*lines, vcpu_line, gb_line, ops),
        plan=plan_ids,
        plan_reason=plan_reason,
        quantities={
            "runs": column(frame, "monthly_runs"),
            "actions": actions,
            "active_storage_gbh": active,
            "retained_storage_gbh": retained,
            "worker_vcpu": vcpu,
            "worker_memory_gb": gb,
        },
        warnings=warnings,
        plan_totals=plan_totals,
        plan_reasons={plan.id: reason for plan, reason in zip(table.plans, reasons, strict=True)},
    )
