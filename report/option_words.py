"""An option in words: its name (with its design's), whether and why it can run the workload, why
its plan, and how old its prices are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from model.option_out import OptionOut
from model.provenance_out import TableRef
from model.result import EstimateOut
from report.words import money, number, say

__all__ = ["checked_text", "fit_label", "fit_reasons", "option_name", "option_names", "plan_reason"]


def option_name(option: OptionOut) -> str:
    """The option's name, with its design's where it is priced as one ("Acme Cloud, payloads by
    reference")."""
    if option.fit.status == "workaround" and option.fit.design_name:
        return f"{option.name}, {option.fit.design_name}"
    return option.name


def option_names(result: EstimateOut) -> dict[str, str]:
    """Each option's name by its id, as the words write it (`option_name`)."""
    return {o.id: option_name(o) for o in result.options}


def fit_label(option: OptionOut) -> str:
    """A few words on whether the option can run the workload, for a table's cell."""
    status = option.fit.status
    if status == "fits":
        return "runs as designed"
    if status == "workaround":
        return f"runs with {option.fit.design_name}"
    if status == "not_public":
        found = next((r for r in option.fit.reasons if r.code == "past_published_tier"), None)
        up_to = found.data.get("up_to") if found is not None else None
        if isinstance(up_to, float | int) and found is not None:
            return f"price not public above {number(float(up_to))} {found.data.get('unit')}"
        return "price not public (contract only)"
    if status == "set_aside":
        return "set aside by your answers"
    return "ruled out"


def fit_reasons(option: OptionOut) -> list[str]:
    """Why the option fits as it does, one sentence each (empty when it fits as designed)."""
    return [say(r) for r in option.fit.reasons]


def plan_reason(option: OptionOut, plans: Sequence[Any] | None = None) -> str:
    """Why this plan, with every plan's bill beside it and a tie named."""
    text = say(option.plan_reason)
    shown = [p for p in (plans if plans is not None else option.plans) if p.monthly_usd is not None]
    chosen = next((p for p in shown if p.chosen), None)
    others = [p for p in shown if not p.chosen]
    if others:
        mine = f"{chosen.name} {money(chosen.monthly_usd)}; " if chosen is not None else ""
        text += (
            f" (the vendor's bill on each plan: {mine}{', '.join(f'{p.name} {money(p.monthly_usd)}' for p in others)})"
        )
        if chosen is not None:
            tied = [p.name for p in others if round(p.monthly_usd or 0.0, 2) == round(chosen.monthly_usd or 0.0, 2)]
            if tied:
                text += f"; as cheap as {' and '.join(tied)}, with more headroom"
    return text


def checked_text(ref: TableRef, today: dt.date) -> str:
    """When an option's prices hold as of, and whether their re-check is overdue on `today`."""
    if ref.checked is None:
        return ""
    text = f"prices hold as of {ref.checked:%Y-%m-%d}"
    if ref.recheck_due is not None and ref.recheck_due < today:
        text += f" (re-check overdue since {ref.recheck_due:%Y-%m-%d})"
    return text
