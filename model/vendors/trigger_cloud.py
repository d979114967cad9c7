"""Trigger.dev Cloud: plan fee + max(0, usage - included credit).

Usage = runs x invocation fee (once per run, not per retry) + billable seconds x the machine's
per-second rate. Billable time is the wall-clock time of every attempt minus durable waits: the
wait for an LLM's HTTP response is billed; `wait.for`/`wait.until` longer than the checkpoint
threshold, waitpoint tokens and `triggerAndWait` are checkpointed and free; shorter waits are
billed. Each awaited child is a run of its own, with its own fee. The plan is the cheapest one that
allows the peak concurrency (a plan with an extra-concurrency add-on can buy more).
"""

from __future__ import annotations

import numpy as np

from model.billing import Array, credit_bill
from model.profile import Columns, column, lookup
from model.vendors.common import Line, OptionBill, Rates, check_machines, select_plan
from model.workload import run_time
from pricing.schema import PriceBook, PriceTable, Scenario

__all__ = ["BILLING_MODEL", "REQUIRED", "price"]

BILLING_MODEL = "trigger.dev-cloud"
REQUIRED = {
    "prices": ("invocation",),
    "counting": ("checkpoint_threshold_seconds",),
    "plan": ("fee", "concurrency", "usage_credit"),
    "machine_price_prefix": ("compute.",),
}


def billable_seconds(frame: Columns, threshold: float) -> tuple[Array, Array]:
    """(Billable compute seconds per run, runs billed per run) for each profile.

    Steps and awaited children are billed for every attempt; durable sleeps only when they are
    no longer than `threshold` [s]; waits for people never (waitpoints are checkpointed).

    >>> from model.profile import Columns, WorkloadProfile, profiles_frame
    >>> f = Columns(profiles_frame(WorkloadProfile(steps_per_run=10, step_seconds=2, retry_rate=0,
    ...     sleeps_per_run=3, sleep_seconds=4, child_runs_per_run=2)))
    >>> [float(x[0]) for x in billable_seconds(f, 5.0)]
    [36.0, 3.0]
    """
    time = run_time(frame)
    short_sleep = np.where(column(frame, "sleep_seconds") <= threshold, time.sleep, 0.0)
    runs = 1.0 + column(frame, "child_runs_per_run")
    return time.step_exec + time.child_exec + short_sleep, runs


def price(frame: Columns, table: PriceTable, book: PriceBook, scenario: Scenario) -> OptionBill:
    rates = Rates(table, scenario)
    n = frame.rows
    seconds_per_run, runs_per_run = billable_seconds(frame, rates.number("counting", "checkpoint_threshold_seconds"))
    monthly = column(frame, "monthly_runs")
    runs = monthly * runs_per_run
    seconds = monthly * seconds_per_run
    peak = column(frame, "peak_concurrent_runs")
    known = {key.removeprefix("compute."): key for key in table.prices if key.startswith("compute.")}
    check_machines(frame, known)

    per_plan = []
    allowed = []
    reasons = []
    for plan in table.plans:
        invocation = rates.scalar_price("invocation", plan)
        rate = lookup(frame, "machine", {m: rates.scalar_price(k, plan) for m, k in known.items()})
        compute_refs = lookup(frame, "machine", {m: rates.price_ref(k, plan) for m, k in known.items()}, dtype=object)
        fee = rates.plan_number(plan, "fee")
        credit = rates.plan_number(plan, "usage_credit")
        limit = rates.plan_number(plan, "concurrency")
        usage = runs * invocation + seconds * rate
        extra_runs = np.maximum(peak - limit, 0.0)
        can_buy = "extra_concurrency" in plan.prices
        extra_price = rates.scalar_price("extra_concurrency", plan) if can_buy else 0.0
        bill = credit_bill(fee, usage, credit)
        lines = (
            Line(
                "plan_fee",
                "Plan fee",
                np.ones(n),
                "month",
                np.full(n, fee),
                "USD/month",
                np.full(n, fee),
                rates.ref("plans", plan.id, "fee"),
            ),
            Line(
                "runs",
                "Runs",
                runs,
                "runs",
                np.full(n, invocation),
                "USD/run",
                runs * invocation,
                rates.price_ref("invocation", plan),
            ),
            Line(
                "compute",
                "Compute",
                seconds,
                "s",
                rate,
                "USD/s",
                seconds * rate,
                compute_refs,
            ),
            Line(
                "usage_credit",
                "Included usage credit",
                -np.minimum(usage, credit),
                "USD",
                np.ones(n),
                "USD/USD",
                bill - fee - usage,
                rates.ref("plans", plan.id, "included", "usage_credit"),
            ),
            Line(
                "extra_concurrency",
                "Extra concurrency",
                extra_runs,
                "concurrent runs",
                np.full(n, extra_price),
                "USD/concurrent-run-month",
                extra_runs * extra_price,
                rates.ref("plans", plan.id, "prices", "extra_concurrency") if can_buy else None,
                depends_on=extra_runs > 0 if can_buy else None,
                depends_on_reason="the extra-concurrency price set in the Trigger.dev dashboard",
            ),
        )
        fits = peak <= limit
        within_credit = usage <= credit
        ok = (fits | can_buy) & (within_credit | plan.overage) & plan.self_serve
        texts = np.array(
            [
                f"{plan.name} allows {limit:g} concurrent runs (peak {{peak}})",
                f"{plan.name} allows {limit:g} concurrent runs; the peak of {{peak}} needs extra concurrency",
                f"{plan.name} allows {limit:g} concurrent runs, fewer than the peak of {{peak}}",
                f"{plan.name} allows no usage beyond its included credit",
                f"{plan.name} is sold by contract only",
            ],
            dtype=object,
        )
        code = np.where(fits, 0, np.where(can_buy, 1, 2))
        code = np.where(within_credit | plan.overage, code, 3)
        code = code if plan.self_serve else np.full(n, 4)
        reason = texts[code]
        per_plan.append(lines)
        allowed.append(ok)
        reasons.append(reason)

    lines_chosen, plan_ids, plan_reason, plan_totals = select_plan(table.plans, per_plan, np.stack(allowed), reasons)
    return OptionBill(
        lines=lines_chosen,
        plan=plan_ids,
        plan_reason=plan_reason,
        quantities={"runs": runs, "billable_seconds": seconds},
        plan_totals=plan_totals,
        plan_reasons={plan.id: reason for plan, reason in zip(table.plans, reasons, strict=True)},
    )
