"""Whether an option can run one profile's workload, as the JSON contract carries it (`FitOut`): its
status, the design it runs as, and the reasons, each a finding (the limits passed or lifted, the plan
or tier past which the price is not public).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from model.engine import Estimate, OptionEstimate
from model.findings_out import OUT_CONFIG, FindingOut, finding_out
from model.fit import design_names
from model.limits_out import LimitOut, finite, limit_out, limit_values
from model.plan_choice import plan_name
from model.usage import Usage

__all__ = ["FitOut", "fit_out"]


class _Out(BaseModel):
    model_config = OUT_CONFIG


class FitOut(_Out):
    """Whether the option can run this workload, and as what."""

    status: Literal["fits", "workaround", "not_public", "ruled_out", "set_aside"]
    """`fits`: as designed; `workaround`: as the design named here (the vendor's documented way around a
    hard limit, priced with its own lines); `not_public`: only a contract plan without a public price
    takes it (the figures are what the published prices cover, a floor); `ruled_out`: it cannot run it
    (the figures are shown for reference); `set_aside`: it could, but your checklist answers require
    what it lacks (`reasons`: a `set_aside` finding per rule, with its source)."""
    design: str | None = None
    """The ids of the designs applied, `+`-joined."""
    design_name: str | None = None
    """How the design is named after the option's name ("payloads by reference")."""
    reasons: list[FindingOut] = []
    """Why: the limits passed (ruled out), lifted (a design), the plan or tier past which the price is
    not public, the requirements no plan meets."""


def fit_out(
    estimate: Estimate,
    option: OptionEstimate,
    i: int,
    limits: list[LimitOut],
    step_seconds: float | None,
    without_waits: bool = False,
) -> FitOut:
    """The option's fit for profile `i`, with its reasons."""
    status = str(option.status[i])
    reasons: list[FindingOut] = []
    if status == "ruled_out":
        reasons += _ruled_out(option, i, limits)
    elif status == "not_public":
        reasons += _not_public(estimate, option, i)
    design_ids = str(option.design[i])
    design_name = design_names(option.table, design_ids) if design_ids else None
    if status == "workaround":
        reasons += _workaround(estimate, option, i, design_name, step_seconds, without_waits)
    said = {r.data.get("limit") for r in reasons if r.code == "limit_lifted"}
    for limit in limits:
        if limit.lifted and limit.id not in said:
            reasons.append(FindingOut(code="limit_lifted", data={**limit_values(limit), "design": design_name}))
    return FitOut(
        status=status,
        design=design_ids or None,
        design_name=design_name,
        reasons=reasons,
    )


def _ruled_out(option: OptionEstimate, i: int, limits: list[LimitOut]) -> list[FindingOut]:
    """Why the option cannot run profile `i`: the hard limits it passes, the requirements no plan meets,
    a pinned plan that refuses it, no plan that takes it."""
    bill = option.bill
    reasons: list[FindingOut] = []
    for limit in limits:
        if limit.exceeded and limit.hard and not limit.avoidable and not limit.lifted:
            reasons.append(FindingOut(code="limit_passed", data=limit_values(limit)))
    if bill.unmet is not None and bill.unmet[i] is not None:
        reasons.append(finding_out(bill.unmet[i]))
    if bill.pinned_refused is not None and bool(bill.pinned_refused[i]):
        reasons.append(
            FindingOut(code="pinned_plan_refused", data={"plan": plan_name(option.table, str(bill.plan[i]))})
        )
    if bill.unplanned is not None and bool(bill.unplanned[i]) and option.table.contract is None:
        last = option.table.plans[-1]
        why = bill.plan_reasons.get(last.id)
        reasons.append(
            FindingOut(
                code="no_plan",
                data={"plan": last.name, "why": finding_out(why[i]) if why is not None else None},
            )
        )
    return reasons


def _not_public(estimate: Estimate, option: OptionEstimate, i: int) -> list[FindingOut]:
    """Why only a contract without a public price takes profile `i`: no published plan does, or a
    meter's quantity passes its last published tier."""
    bill = option.bill
    reasons: list[FindingOut] = []
    contract = option.table.contract
    if bill.unplanned is not None and bool(bill.unplanned[i]) and contract is not None:
        last = option.table.plans[-1]
        why = bill.plan_reasons.get(last.id)
        reasons.append(
            FindingOut(
                code="no_published_plan",
                data={
                    "contract": contract.name,
                    "plan": last.name,
                    "why": finding_out(
                        why[i],
                        {"peak": float(Usage(option.work or estimate.work, option.table, "expected").slots()[i])},
                    )
                    if why is not None
                    else None,
                },
            )
        )
    for line in bill.lines:
        if line.past_published is not None and bool(line.past_published[i]):
            item = next((m for m in option.table.meters if m.id == line.key), None)
            price = option.table.price(item.price, None) if item is not None and item.price else None
            reasons.append(
                FindingOut(
                    code="past_published_tier",
                    data={
                        "meter": line.name,
                        "up_to": finite(line.ceiling[i]) if line.ceiling is not None else None,
                        "unit": line.quantity_unit,
                        "contract": getattr(price, "beyond_last", None) or (contract.name if contract else None),
                    },
                )
            )
    return reasons


def _workaround(
    estimate: Estimate,
    option: OptionEstimate,
    i: int,
    design_name: str | None,
    step_seconds: float | None,
    without_waits: bool,
) -> list[FindingOut]:
    """Why profile `i` runs as the design named `design_name`: the hard limits the run as designed would
    pass, or, where it passes none, that the design is cheaper."""
    reasons: list[FindingOut] = []
    if option.designed_limits:
        for p in option.designed_limits:
            if p.spec.hard and not p.avoidable and bool(p.exceeded[i]):
                limit = limit_out(estimate.book, option.table, p, i, step_seconds, without_waits)
                reasons.append(FindingOut(code="limit_lifted", data={**limit_values(limit), "design": design_name}))
    if not reasons and option.designed_total is not None:
        reasons.append(
            FindingOut(
                code="design_cheaper",
                data={"design": design_name, "as_designed_usd": float(option.designed_total[i])},
            )
        )
    return reasons
