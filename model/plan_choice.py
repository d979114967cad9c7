"""Which plan each profile's bill is on, and what the choice says.

Every plan of an option's table is priced for every profile (on its own retention bound) and
checked against the profile's plan requirements; a plan the buyer pins is kept, else the cheapest
plan allowed is chosen (`model.lines.select_plan`). The choice says why each plan is or is not
allowed, where no plan takes the workload, where none that takes it meets the requirements, and
where a pinned plan cannot take it. A table without plans has one way to buy it: self-hosted, or
pay as you go.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model.billing import Array, Bools, repeated
from model.columns import OverrideColumns
from model.features import requirements
from model.findings import Finding
from model.lines import Line, Rates, select_plan
from model.plan_lines import plan_lines
from model.usage import Usage
from schema.plans import Plan
from schema.tables import PriceTable

__all__ = ["PlanChoice", "choose_plan", "plan_name"]


@dataclass(frozen=True)
class PlanChoice:
    """The plan each profile is billed on: its vendor lines and what the choice says (as the
    `model.lines.OptionBill` fields of the same names), with the meters' quantities on the plans
    chosen and the warnings the plans gave."""

    lines: tuple[Line, ...]
    plan: npt.NDArray[np.object_]
    plan_reason: npt.NDArray[np.object_]
    quantities: dict[str, Array]
    warnings: dict[Finding, Bools]
    plan_totals: dict[str, Array]
    plan_reasons: dict[str, npt.NDArray[np.object_]]
    unmet: npt.NDArray[np.object_] | None = None
    unplanned: Bools | None = None
    pinned_refused: Bools | None = None


@dataclass(frozen=True)
class _NoPlan:
    """The one way to buy an option that has no plans (self-hosted, or pay as you go)."""

    id: str
    name: str


def _no_plan(table: PriceTable) -> _NoPlan:
    if table.hosting == "self-hosted":
        return _NoPlan("self-hosted", "self-hosted")
    return _NoPlan("pay-as-you-go", "pay as you go")


def plan_name(table: PriceTable, plan_id: str) -> str:
    """The name a bill's plan id is shown by (a table without plans has one of its own)."""
    named = {p.id: p.name for p in table.plans}.get(plan_id)
    return named if named is not None else _no_plan(table).name


def _no_plan_reason(table: PriceTable) -> Finding:
    if table.license is not None:
        return Finding("licence", {"licence": table.license.name, "note": table.license.note})
    return Finding("no_plan_fee")


def choose_plan(u: Usage, rates: Rates, quantities: dict[str, Array], ov: OverrideColumns | None) -> PlanChoice:
    """The plan each profile is billed on, from the meters' monthly `quantities` (by quantity id)
    and the buyer's overrides `ov` of the option."""
    if u.table.plans:
        return _cheapest_plan(u, rates, quantities, ov)
    return _without_plans(u, rates, quantities, ov)


def _without_plans(u: Usage, rates: Rates, quantities: dict[str, Array], ov: OverrideColumns | None) -> PlanChoice:
    """The one way to buy a table without plans, and where it does not meet the requirements."""
    table, n = u.table, u.work.rows
    only = _no_plan(table)
    chosen, _, _ = plan_lines(u, rates, None, quantities, ov)
    needs, meets, unmet, cautions = requirements(u, rates, None, ov)
    unmet_reason: npt.NDArray[np.object_] | None = None
    if not meets.all():
        unmet_reason = repeated(n, None)
        for row in np.flatnonzero(~meets).tolist():
            short = Finding("plan_short", {"plan": table.name, "short": unmet[row]})
            unmet_reason[row] = Finding("requirements_unmet", {"plans": (short,)})
    return PlanChoice(
        lines=(*chosen, *needs),
        plan=repeated(n, only.id),
        plan_reason=repeated(n, _no_plan_reason(table)),
        quantities=quantities,
        warnings=dict(cautions),
        plan_totals={},
        plan_reasons={},
        unmet=unmet_reason,
    )


@dataclass(frozen=True)
class _Priced:
    """Every plan of a table priced for every profile, in the table's order."""

    lines: list[tuple[Line, ...]]
    """Each plan's vendor lines, with the add-ons it buys for the requirements."""
    takes: list[Bools]
    """Whether the plan takes the workload."""
    allowed: list[Bools]
    """Whether it takes the workload and meets the requirements."""
    reasons: list[npt.NDArray[np.object_]]
    """Why it is or is not allowed (a finding per profile)."""
    quantities: list[dict[str, Array]]
    """The meters' quantities on the plan (the same dict as the table's where its retention
    does not bind)."""
    warnings: dict[Finding, Bools]


def _price_plans(u: Usage, rates: Rates, quantities: dict[str, Array], ov: OverrideColumns | None) -> _Priced:
    """Every plan priced, checked against the requirements, and the warnings the plans give."""
    per_plan, allowed, reasons, kept, takes = [], [], [], [], []
    warnings: dict[Finding, Bools] = {}
    for plan in u.table.plans:
        mine, bounded = _plan_quantities(u, rates, plan, quantities)
        lines, ok, reason = plan_lines(u, rates, plan, mine, ov)
        needs, meets, unmet, cautions = requirements(u, rates, plan, ov)
        takes.append(ok)
        per_plan.append((*lines, *needs))
        allowed.append(ok & meets)
        reasons.append(_where_unmet(meets, reason, plan.name, unmet))
        warnings.update(cautions)
        kept.append(mine)
        if bounded is not None:
            warnings[Finding("retention_bound", {"plan": plan.name, "days": bounded[0]})] = bounded[1]
    return _Priced(per_plan, takes, allowed, reasons, kept, warnings)


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


def _cheapest_plan(u: Usage, rates: Rates, quantities: dict[str, Array], ov: OverrideColumns | None) -> PlanChoice:
    """The cheapest plan allowed for each profile, or the plan the buyer pins."""
    table, n = u.table, u.work.rows
    priced = _price_plans(u, rates, quantities, ov)
    warnings = priced.warnings
    allowed_by_plan = np.stack(priced.allowed)
    reasons = list(priced.reasons)
    pinned = ov.plan if ov is not None else repeated(n, None)
    any_pinned = ov is not None and ov.pinned
    if any_pinned:
        _pin(table, pinned, priced.lines, allowed_by_plan, reasons)
    unplanned = ~np.any(np.stack(priced.takes), axis=0)
    pinned_refused: Bools | None = None
    if any_pinned:
        unplanned &= pinned == None  # noqa: E711
        refused = np.zeros(n, dtype=bool)
        for i, plan in enumerate(table.plans):
            refused |= (pinned == plan.id) & ~priced.allowed[i]
        pinned_refused = refused
    chosen, plan_ids, plan_reason, plan_totals = select_plan(table.plans, priced.lines, allowed_by_plan, reasons)
    if any_pinned:  # what each plan would cost, pinned or not
        plan_totals = {
            plan.id: np.where(ok, np.sum([ln.cost for ln in lines], axis=0), np.inf)
            for plan, lines, ok in zip(table.plans, priced.lines, priced.allowed, strict=True)
        }
    return PlanChoice(
        lines=chosen,
        plan=plan_ids,
        plan_reason=plan_reason,
        quantities=_chosen_quantities(u, priced, quantities, plan_ids, warnings),
        warnings=warnings,
        plan_totals=plan_totals,
        plan_reasons={plan.id: reason for plan, reason in zip(table.plans, reasons, strict=True)},
        unmet=_requirements_unmet(n, priced),
        unplanned=unplanned,
        pinned_refused=pinned_refused,
    )


def _pin(
    table: PriceTable,
    pinned: npt.NDArray[np.object_],
    per_plan: list[tuple[Line, ...]],
    allowed_by_plan: npt.NDArray[np.bool_],
    reasons: list[npt.NDArray[np.object_]],
) -> None:
    """Allow, in place, only the plan each profile pins (where it pins one), and say in its reason
    which plan would have been the cheapest and why the pinned one is refused, if it is."""
    n = len(pinned)
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


def _requirements_unmet(n: int, priced: _Priced) -> npt.NDArray[np.object_] | None:
    """Per profile, a `requirements_unmet` finding with every plan's reason, where some plan could
    take the workload but none that also meets the requirements can (where no plan takes it at
    all, the contract plan is priced as before); None where no profile is so."""
    unmet_all = ~np.any(priced.allowed, axis=0) & np.any(priced.takes, axis=0)
    if not unmet_all.any():
        return None
    unmet_reason = repeated(n, None)
    for row in np.flatnonzero(unmet_all).tolist():
        unmet_reason[row] = Finding("requirements_unmet", {"plans": tuple(r[row] for r in priced.reasons)})
    return unmet_reason


def _chosen_quantities(
    u: Usage,
    priced: _Priced,
    quantities: dict[str, Array],
    plan_ids: npt.NDArray[np.object_],
    warnings: dict[Finding, Bools],
) -> dict[str, Array]:
    """The meters' quantities on the plan each profile is billed on; where a plan's retention
    bound changed them, its `retention_bound` warning is narrowed (in `warnings`) to the profiles
    billed on that plan."""
    if all(mine is quantities for mine in priced.quantities):
        return quantities
    plans = u.table.plans
    which = [plan_ids == plan.id for plan in plans]
    chosen = {q: np.select(which, [mine[q] for mine in priced.quantities], quantities[q]) for q in quantities}
    for plan in plans:
        for note in [k for k in warnings if k.code == "retention_bound" and k.data["plan"] == plan.name]:
            warnings[note] = warnings[note] & (plan_ids == plan.id)
    return chosen
