"""A table's add-ons that a profile switches on: the lines of those priced on a plan, the
concurrency they buy, the plans that do not sell them, and the meters they multiply.
"""

from __future__ import annotations

import numpy as np

from model.billing import Array, Bools
from model.columns import OverrideColumns
from model.lines import Line, Rates
from model.units import price_unit_parts
from model.usage import Usage
from schema.numbers import Number
from schema.plans import Plan

__all__ = ["addon_lines", "multipliers"]


def multipliers(u: Usage, ov: OverrideColumns | None) -> dict[str, Array]:
    """Meter id -> the factor its quantity is multiplied by, per profile (an add-on switched on)."""
    out: dict[str, Array] = {}
    if ov is None:
        return out
    for addon in u.table.addons:
        on = ov.addons.get(addon.id)
        if on is None or addon.factor is None:
            continue
        factor = u.params[addon.factor]
        for meter in addon.multiplies:
            out[meter] = out.get(meter, np.ones(u.work.rows)) * np.where(on > 0, factor, 1.0)
    return out


def addon_lines(
    u: Usage, rates: Rates, plan: Plan | None, ov: OverrideColumns | None
) -> tuple[list[Line], Array, Bools, list[str]]:
    """The priced add-ons a profile asks for, on one plan: their lines, the concurrency they buy,
    and where the plan does not sell one (with the names of those it does not sell)."""
    n = u.work.rows
    lines: list[Line] = []
    slots = np.zeros(n)
    unsold = np.zeros(n, dtype=bool)
    names: list[str] = []
    if ov is None:
        return lines, slots, unsold, names
    priced = set(u.table.prices) | (set(plan.prices) if plan is not None else set())
    for addon in u.table.addons:
        wanted = ov.addons.get(addon.id)
        if wanted is None or addon.price is None:
            continue
        sold = (not addon.plans or (plan is not None and plan.id in addon.plans)) and addon.price in priced
        if not sold:
            unsold |= wanted > 0
            names.append(addon.name)
        item = rates.price(addon.price, plan) if addon.price in priced else None
        each = item.pick(u.scenario) * price_unit_parts(item.unit)[0] if isinstance(item, Number) and sold else 0.0
        unit = item.unit.value.removeprefix("USD/") if isinstance(item, Number) else "month"
        cost = wanted * each
        lines.append(
            Line(
                f"addon.{addon.id}",
                addon.name,
                wanted,
                unit,
                np.full(n, each),
                f"USD/{unit}",
                cost,
                rates.price_ref(addon.price, plan) if sold else None,
            )
        )
        if addon.raises_concurrency and sold:
            slots = slots + wanted
    return lines, slots, unsold, names
