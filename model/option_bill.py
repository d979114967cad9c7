"""One option's monthly bill from its table: meters, plans, the machines you run, and people.

Every option is priced by the same function, `price_option`, from what its table declares:

- `meters`: quantities (from `model.usage`) priced flat or on graduated tiers, after the plan's
  allowances (`model.meters`);
- `plans`: a fee (or the greater of a floor and a share of the usage charges), usage credit,
  concurrency caps that extra slots may lift, and plans that take no usage beyond what they
  include (`model.plan_lines`); the cheapest plan allowed is chosen per profile (here);
- `infrastructure`: workers sized from the runs that hold a machine, fixed services and fixed
  monthly costs, on the hosting reference table's prices (`model.infrastructure`);
- `people`: a share of an engineer (`model.people`).

No dollar figure lives here: every price comes from the tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model.addons import multipliers
from model.billing import Array, Bools, repeated
from model.columns import column
from model.features import requirements
from model.findings import Finding
from model.infrastructure import infrastructure, store_lines
from model.lines import OptionBill, Rates, select_plan
from model.overrides import check_overrides, terms
from model.people import people
from model.plan_lines import plan_lines
from model.usage import Usage, Workload
from schema.numbers import Pick
from schema.plans import Plan
from schema.tables import PriceBook, PriceTable

__all__ = ["plan_name", "price_option"]


@dataclass(frozen=True)
class _NoPlan:
    """The one way to buy an option that has no plans (self-hosted, or pay as you go)."""

    id: str
    name: str


def _no_plan(table: PriceTable) -> _NoPlan:
    if table.hosting == "self-hosted":
        return _NoPlan("self-hosted", "self-hosted")
    return _NoPlan("pay-as-you-go", "pay as you go")


def _plan_quantities(
    u: Usage, rates: Rates, plan: Plan, quantities: dict[str, Array]
) -> tuple[dict[str, Array], tuple[float, Bools] | None]:
    """The meters' quantities on one plan: the table's, unless the plan keeps closed runs for
    fewer days than the profile asks (`retention.per_plan`); then those that depend on retention
    are priced at the plan's bound, which is returned with the profiles it binds."""
    spec = u.table.retention
    if spec is None or spec.per_plan is None or spec.per_plan not in plan.limits:
        return quantities, None
    bound = plan.limits[spec.per_plan].pick(u.fixed)
    days = u.retention_days()
    binds = days > bound
    if not binds.any():
        return quantities, None
    bounded = Usage(u.work, u.table, u.scenario, retention=np.minimum(days, bound))
    return {q: bounded.monthly(q) for q in quantities}, (bound, u.work.pooled(binds) > 0)


def plan_name(table: PriceTable, plan_id: str) -> str:
    """The name a bill's plan id is shown by (a table without plans has one of its own)."""
    named = {p.id: p.name for p in table.plans}.get(plan_id)
    return named if named is not None else _no_plan(table).name


def _no_plan_reason(table: PriceTable) -> Finding:
    if table.license is not None:
        return Finding("licence", {"licence": table.license.name, "note": table.license.note})
    return Finding("no_plan_fee")


def _where_unmet(
    meets: Bools, reason: npt.NDArray[np.object_], plan: str, unmet: npt.NDArray[np.object_]
) -> npt.NDArray[np.object_]:
    """`reason` where `meets`, else a `plan_short` finding with what the plan lacks (findings are
    built only for the rows that need one)."""
    if meets.all():
        return reason
    out = reason.copy()
    for i in np.flatnonzero(~meets).tolist():
        out[i] = Finding("plan_short", {"plan": plan, "short": unmet[i]})
    return out


def price_option(work: Workload, table: PriceTable, book: PriceBook, scenario: Pick) -> tuple[OptionBill, Usage]:
    """One option's bill under one scenario, for every profile (and the usage it was priced on)."""
    u = Usage(work, table, scenario)
    rates = Rates(table, scenario)
    n = work.rows
    quantities = {m.quantity: u.monthly(m.quantity) for m in table.meters}
    warnings: dict[Finding, Bools] = {}
    unmet_reason: npt.NDArray[np.object_] | None = None
    unplanned: Bools | None = None
    pinned_refused: Bools | None = None
    ov = u.frame.overrides(table.id)
    if ov is not None:
        check_overrides(table, ov)

    if table.plans:
        per_plan, allowed, reasons, kept = [], [], [], []
        takes, both, unmet_by_plan = [], [], []
        for plan in table.plans:
            mine, bounded = _plan_quantities(u, rates, plan, quantities)
            lines, ok, reason = plan_lines(u, rates, plan, mine, ov)
            needs, meets, unmet, cautions = requirements(u, rates, plan, ov)
            takes.append(ok)
            lines, ok = (*lines, *needs), ok & meets
            both.append(ok)
            reason = _where_unmet(meets, reason, plan.name, unmet)
            unmet_by_plan.append(reason)
            warnings.update(cautions)
            per_plan.append(lines)
            allowed.append(ok)
            reasons.append(reason)
            kept.append(mine)
            if bounded is not None:
                warnings[Finding("retention_bound", {"plan": plan.name, "days": bounded[0]})] = bounded[1]
        allowed_by_plan = np.stack(allowed)
        pinned = ov.plan if ov is not None else repeated(n, None)
        any_pinned = ov is not None and ov.pinned
        if any_pinned:
            # A pinned plan is priced whether or not it is the cheapest, and whether or not it takes
            # the workload (which a warning then says).
            cheapest_lines, cheapest_ids, _, _ = select_plan(table.plans, per_plan, allowed_by_plan, reasons)
            cheapest_total = np.sum([ln.cost for ln in cheapest_lines], axis=0)
            refused_why = repeated(n, None)
            for i, plan in enumerate(table.plans):
                mine = pinned == plan.id
                refused_why = np.where(mine & ~allowed_by_plan[i], reasons[i], refused_why)
                allowed_by_plan[i] = np.where(pinned == None, allowed_by_plan[i], mine)  # noqa: E711
            names = {p.id: p.name for p in table.plans}
            for i, plan in enumerate(table.plans):
                mine_rows = np.flatnonzero(pinned == plan.id).tolist()
                reasons[i] = reasons[i].copy()
                for row in mine_rows:
                    reasons[i][row] = Finding(
                        "plan_pinned",
                        {
                            "plan": plan.name,
                            "cheapest": names[str(cheapest_ids[row])],
                            "cheapest_usd": float(cheapest_total[row]),
                            "refused": refused_why[row],
                        },
                    )
        unplanned = ~np.any(np.stack(takes), axis=0)
        if any_pinned:
            unplanned &= pinned == None  # noqa: E711
            refused = np.zeros(n, dtype=bool)
            for i, plan in enumerate(table.plans):
                refused |= (pinned == plan.id) & ~both[i]
            pinned_refused = refused
        chosen, plan_ids, plan_reason, plan_totals = select_plan(table.plans, per_plan, allowed_by_plan, reasons)
        # Requirements rule the option out where some plan could take the workload but none that
        # also meets them can (where no plan takes it at all, the contract plan is priced as before).
        unmet_all = ~np.any(both, axis=0) & np.any(takes, axis=0)
        if unmet_all.any():
            unmet_reason = repeated(n, None)
            for row in np.flatnonzero(unmet_all).tolist():
                unmet_reason[row] = Finding("requirements_unmet", {"plans": tuple(r[row] for r in unmet_by_plan)})
        if any_pinned:  # what each plan would cost, pinned or not
            plan_totals = {
                plan.id: np.where(ok, np.sum([ln.cost for ln in lines], axis=0), np.inf)
                for plan, lines, ok in zip(table.plans, per_plan, allowed, strict=True)
            }
        plan_reasons = {plan.id: reason for plan, reason in zip(table.plans, reasons, strict=True)}
        if any(mine is not quantities for mine in kept):  # report the chosen plan's quantities
            which = [plan_ids == plan.id for plan in table.plans]
            quantities = {q: np.select(which, [mine[q] for mine in kept], quantities[q]) for q in quantities}
            for plan in table.plans:
                for note in [k for k in warnings if k.code == "retention_bound" and k.data["plan"] == plan.name]:
                    warnings[note] = warnings[note] & (plan_ids == plan.id)
    else:
        only = _no_plan(table)
        chosen, _, _ = plan_lines(u, rates, None, quantities, ov)
        needs, meets, unmet, cautions = requirements(u, rates, None, ov)
        chosen = (*chosen, *needs)
        warnings.update(cautions)
        plan_ids = repeated(n, only.id)
        plan_reason = repeated(n, _no_plan_reason(table))
        plan_totals, plan_reasons = {}, {}
        if not meets.all():
            unmet_reason = repeated(n, None)
            for row in np.flatnonzero(~meets).tolist():
                short = Finding("plan_short", {"plan": table.name, "short": unmet[row]})
                unmet_reason[row] = Finding("requirements_unmet", {"plans": (short,)})

    if ov is not None:
        chosen = (*chosen, *terms(u, ov, chosen))
    infra_lines, sizing = infrastructure(u, rates, book)
    reported: dict[str, Array] = {"runs": u.work.pooled(column(u.frame, "monthly_runs"))}
    factor = multipliers(u, ov)  # an add-on that multiplies a meter multiplies what it reports
    for meter in table.meters:
        reported[meter.reports_as or meter.quantity] = u.work.pooled(quantities[meter.quantity]) * factor.get(
            meter.id, 1.0
        )
    reported.update(sizing)

    if table.retention is not None:
        given = column(u.frame, "retention_days")
        low = table.number("limits", table.retention.min).pick(u.fixed)
        high = table.number("limits", table.retention.max).pick(u.fixed)
        outside = (given < low) | (given > high)
        if outside.any():
            note = Finding(  # the days given are each profile's own: filled where the finding is written out
                "retention_clamped", {"option": table.name, "low": float(low), "high": float(high), "given": None}
            )
            warnings[note] = outside
    bill = OptionBill(
        lines=(*chosen, *infra_lines, *store_lines(u, rates, book), *people(u, rates, book)),
        plan=plan_ids,
        plan_reason=plan_reason,
        quantities=reported,
        warnings=warnings,
        plan_totals=plan_totals,
        plan_reasons=plan_reasons,
        unmet=unmet_reason,
        unplanned=unplanned,
        pinned_refused=pinned_refused,
    )
    return bill, u
