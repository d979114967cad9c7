"""One plan's vendor lines (its fee, meters, add-ons, usage credit and extra concurrency), and
whether the plan takes each profile, with the finding that says why (or why not): its concurrency,
rate caps, capped meters, add-ons it does not sell, its own run limits and overage.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from model.addons import addon_lines, multipliers
from model.billing import Array, Bools, Value, credit_bill, repeated, share_fee
from model.columns import OverrideColumns
from model.findings import Finding
from model.findings import Value as Said
from model.limits import limit_value
from model.lines import Line, Rates
from model.meters import in_design, meter_line
from model.units import ROUNDING, in_base_unit
from model.usage import Usage
from schema.meters import Concurrency
from schema.plans import Plan

__all__ = ["plan_lines"]


def plan_lines(
    u: Usage, rates: Rates, plan: Plan | None, quantities: dict[str, Array], ov: OverrideColumns | None = None
) -> tuple[tuple[Line, ...], Bools, npt.NDArray[np.object_]]:
    """One plan's vendor lines, whether it can take each profile, and why (or why not)."""
    table, n = u.table, u.work.rows
    meters = _meter_lines(u, rates, plan, quantities, ov)
    addons, bought, unsold, unsold_names = addon_lines(u, rates, plan, ov)
    usage = np.sum([ln.cost for ln in meters if ln.category == "vendor"], axis=0) if meters else np.zeros(n)
    usage = np.asarray(usage, dtype=np.float64)
    if plan is None:
        return (*meters, *addons), ~unsold, repeated(n, None)

    lines: list[Line] = [*_fee_lines(u, rates, plan, usage), *meters, *addons]
    credit = rates.plan_number(plan, "credit", 0.0)
    if any(p.credit is not None for p in table.plans):
        lines.append(_credit_line(u, rates, plan, usage, credit))

    ok = np.full(n, plan.self_serve)
    code: npt.NDArray[np.intp] = np.zeros(n, dtype=np.intp)
    texts = [Finding("plan_takes", {"plan": plan.name})]
    if table.concurrency is not None:
        extra, takes, code, texts = _concurrency(u, rates, plan, table.concurrency, bought)
        lines += extra
        ok &= takes
    for passes, finding in _refusals(u, plan, meters, unsold, unsold_names):
        ok &= passes
        texts.append(finding)
        code = np.where(passes, code, len(texts) - 1)
    within = usage <= credit * (1 + ROUNDING)
    if not plan.overage:
        ok &= within
    texts += [Finding("plan_no_overage", {"plan": plan.name}), Finding("plan_contract_only", {"plan": plan.name})]
    code = np.where(within | plan.overage, code, len(texts) - 2)
    if not plan.self_serve:
        code = np.full(n, len(texts) - 1)
    reason = np.array(texts, dtype=object)[code]
    return tuple(lines), ok, reason


def _meter_lines(
    u: Usage, rates: Rates, plan: Plan | None, quantities: dict[str, Array], ov: OverrideColumns | None
) -> list[Line]:
    """The table's meters on one plan, each on the account's quantity (times the add-ons that
    multiply it)."""
    factor = multipliers(u, ov)
    meters = []
    for m in u.table.meters:
        own = quantities[m.quantity] * in_design(u, m)  # an agent's own, then its account's
        meters.append(meter_line(u, rates, m, plan, u.work.pooled(own) * factor.get(m.id, 1.0), ov, own))
    return meters


def _fee_lines(u: Usage, rates: Rates, plan: Plan, usage: Array) -> list[Line]:
    """The plan's fee: one line of a flat fee, or, where the table's fees are the greater of a floor
    and a share of usage [USD], the share and the fixed part the floor adds above it."""
    table, n = u.table, u.work.rows
    floor = rates.plan_number(plan, "fee")
    fee_ref = rates.ref("plans", plan.id, "fee")
    if not any(p.fee_share is not None for p in table.plans):
        fee = np.full(n, floor)
        return [Line("plan_fee", "Plan fee", np.ones(n), "month", fee, "USD/month", fee, fee_ref)]
    # A fee that is the greater of a floor and a share of usage reads as two lines: the share,
    # priced per dollar of usage and sourced to the share; and the fixed part the floor adds
    # above it, sourced to the floor. (Every plan of such a table lists both; a flat plan's
    # share is 0.)
    if plan.fee_share is not None:
        share = np.broadcast_to(np.asarray(rates.plan_number(plan, "fee_share"), dtype=np.float64), (n,)).copy()
        share_ref = rates.ref("plans", plan.id, "fee_share")
    else:
        share, share_ref = np.zeros(n), fee_ref
    fee = share_fee(floor, share, usage)
    fixed = fee - share * usage
    return [
        Line(
            "plan_fee",
            "Plan fee, a share of usage",
            usage,
            "USD of usage",
            share,
            "share",
            share * usage,
            share_ref,
        ),
        Line("plan_fee_floor", "Plan fee, fixed part", np.ones(n), "month", fixed, "USD/month", fixed, fee_ref),
    ]


def _credit_line(u: Usage, rates: Rates, plan: Plan, usage: Array, credit: Value) -> Line:
    """The plan's included usage credit [USD/month], taken off the usage charges `usage` [USD]."""
    billed = credit_bill(0.0, usage, credit)
    return Line(
        "usage_credit",
        "Included usage credit",
        -np.minimum(usage, credit),
        "USD",
        np.ones(u.work.rows),
        "USD/USD",
        billed - usage,
        rates.ref("plans", plan.id, "credit") if plan.credit is not None else None,
    )


def _concurrency(
    u: Usage, rates: Rates, plan: Plan, spec: Concurrency, bought: Array
) -> tuple[list[Line], Bools, npt.NDArray[np.intp], list[Finding]]:
    """The plan's concurrency cap against each profile's peak: the line of the extra slots bought
    past the cap (where the table prices them), where the plan takes the peak, and the findings
    that say so (`code` indexes `texts` per profile). `bought` counts the slots add-ons buy."""
    n = u.work.rows
    lines = []
    demand = u.work.pooled(u.slots())
    can_buy = spec.extra_price is not None and spec.extra_price in plan.prices
    limit = rates.plan_number(plan, "concurrency", np.inf) + bought  # slots bought in a dashboard count
    extra = np.maximum(demand - limit, 0.0) if np.all(np.isfinite(limit)) else np.zeros(n)
    if spec.extra_block is not None:
        block = u.params[spec.extra_block]
        extra = (np.ceil(extra / block - ROUNDING) + 0.0) * block  # + 0.0: never -0.0
    if spec.extra_price is not None:
        price = rates.scalar_price(spec.extra_price, plan) if can_buy else 0.0
        lines.append(
            Line(
                "extra_concurrency",
                spec.extra_name,
                extra,
                "concurrent runs",
                np.full(n, price),
                "USD/concurrent-run-month",
                extra * price,
                rates.ref("plans", plan.id, "prices", spec.extra_price) if can_buy else None,
                depends_on=extra > 0 if can_buy else None,
                depends_on_reason=spec.extra_depends_on or "",
            )
        )
    fits = demand <= limit
    allows = float(np.max(limit))  # as one finding for every profile: the most any profile has
    slots: dict[str, Said] = {"plan": plan.name, "allows": allows, "peak": None, "holds": spec.holds}
    texts = [
        Finding("plan_concurrency", {**slots, "fits": True}),
        Finding("plan_concurrency", {**slots, "buys": True}),
        Finding("plan_concurrency", {**slots, "short": True}),
    ]
    code = np.where(fits, 0, np.where(can_buy, 1, 2))
    if not np.isfinite(allows):
        texts[0] = Finding("plan_no_cap", {"plan": plan.name})
    return lines, fits | can_buy, code, texts


def _refusals(
    u: Usage, plan: Plan, meters: list[Line], unsold: Bools, unsold_names: list[str]
) -> list[tuple[Bools, Finding]]:
    """What else the plan refuses, in order: its rate caps, the meters it takes no usage of beyond
    what it includes, the add-ons it does not sell and its own levels of the table's run limits.
    Each as (where the plan passes, the finding that says why not)."""
    table, n = u.table, u.work.rows
    refusals = []
    for quantity, cap in plan.rate_caps.items():
        most = cap.pick(u.fixed)
        fits = u.work.pooled(u.work.peak_rate() * u.per_run(quantity).total) <= most
        finding = Finding(
            "plan_rate_cap",
            {"plan": plan.name, "most": float(np.max(most)), "unit": table.quantities[quantity].unit.value},
        )
        refusals.append((fits, finding))
    if plan.capped:
        past = np.zeros(n, dtype=bool)
        for line in meters:
            if line.key in plan.capped:
                past |= line.quantity > ROUNDING
        names = ", ".join(m.name.lower() for m in table.meters if m.id in plan.capped)
        refusals.append((~past, Finding("plan_capped", {"plan": plan.name, "meters": names})))
    if unsold_names:
        refusals.append((~unsold, Finding("plan_unsold", {"plan": plan.name, "addons": ", ".join(unsold_names)})))
    for run_limit in table.run_limits:  # a plan's own, lower level of a run limit (a free plan's CPU per step)
        if run_limit.id not in plan.limits:
            continue
        number = plan.limits[run_limit.id]
        level = number.pick(u.fixed) * in_base_unit(number.unit.value)[1]
        within = u.work.pooled_all(np.asarray(limit_value(u, run_limit) <= level, dtype=bool))
        shown = f"{number.expected:,.10g} {number.unit.value}"
        refusals.append(
            (within, Finding("plan_run_limit", {"plan": plan.name, "name": run_limit.name, "shown": shown}))
        )
    return refusals
