"""A table's meters on one plan: each quantity past the plan's allowance, priced flat or on
graduated tiers (or per machine size), at the buyer's own price where a profile gives one.

A meter of a design bills only the profiles priced as that design. No dollar figure lives here:
every price comes from the tables.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from model.billing import Array, Bools, Value, graduated
from model.columns import OverrideColumns, lookup
from model.fit import DESIGN, uses_design
from model.infrastructure import check_machines
from model.lines import Line, PriceRef, Rates
from model.overrides import your_price
from model.units import (
    price_unit_parts,
)
from model.usage import Usage
from schema.meters import Meter
from schema.numbers import Number, Pick, Tiered
from schema.plans import Plan

__all__ = ["charge", "in_design", "meter_line"]


def charge(quantity: Array, item: Number | Tiered, scenario: Pick) -> tuple[Array, Bools]:
    """(cost, past the last priced tier?) of a quantity under a flat or graduated price.

    Past the last bounded tier of a price the vendor sells beyond it only by contract
    (`beyond_last`), nothing is extrapolated: the cost is what the published tiers cover, and the
    quantity past them is flagged (the option's price is then not public).

    >>> from schema.numbers import Tier
    >>> tiers = Tiered(unit="USD/1M actions", quantity_unit="actions", source="s", beyond_last="contact Sales",
    ...                tiers=(Tier(up_to=5e6, price=50), Tier(up_to=10e6, price=45)))
    >>> cost, beyond = charge(np.array([7e6, 11e6]), tiers, "expected")
    >>> cost.round(2).tolist(), beyond.tolist()
    ([340.0, 475.0], [False, True])
    """
    scale = price_unit_parts(item.unit)[0]
    if isinstance(item, Tiered):
        bounds = [t.up_to for t in item.tiers]
        factor = item.factor(scenario)
        last = bounds[-1]
        if last is not None and item.beyond_last:
            cost = graduated(np.minimum(quantity, last), bounds, [t.price * scale * factor for t in item.tiers])
            return cost, np.asarray(quantity > last)
        cost = graduated(quantity, bounds, [t.price * scale * factor for t in item.tiers])
        return cost, np.zeros(quantity.shape, bool)
    return quantity * item.pick(scenario) * scale, np.zeros(quantity.shape, bool)


def _first_unit(item: Number | Tiered, scenario: Pick) -> Array:
    """The price of the first unit (shown when nothing is billed): one value, or one per row
    under a Monte Carlo draw."""
    return charge(np.ones(1), item, scenario)[0]


def meter_line(
    u: Usage,
    rates: Rates,
    meter: Meter,
    plan: Plan | None,
    quantity: Array,
    ov: OverrideColumns | None = None,
    own: Array | None = None,
) -> Line:
    """A meter on one plan: the quantity past the plan's allowance, priced (at the buyer's own
    price where the profile gives one). `quantity` is the account's; `own`, each agent's part of it,
    weighs a price that depends on the agent's machine."""
    allowance: Value = 0.0
    beyond: Bools | None = None
    ceiling: Array | None = None
    if plan is not None and meter.included is not None and meter.included in plan.included:
        allowance = rates.plan_number(plan, meter.included)
        if meter.included_scale is not None:
            allowance *= u.params[meter.included_scale]
    billable = np.maximum(quantity - allowance, 0.0)
    if meter.price is None:
        zero = np.zeros_like(billable)
        return Line(
            meter.id,
            meter.name,
            billable,
            u.table.quantities[meter.quantity].unit.value,
            zero,
            "USD/" + u.table.quantities[meter.quantity].unit.value,
            zero,
            None,
            depends_on=billable > 0,
            depends_on_reason=f"a price not public ({meter.price_not_public})",
            category=meter.category,
        )
    if meter.price_by == "machine":
        prefix = f"{meter.price}."
        known = {k.removeprefix(prefix): k for k in u.table.prices if k.startswith(prefix)}
        check_machines(u, known)
        rate = lookup(u.frame, "machine", {m: rates.scalar_price(k, plan) for m, k in known.items()})
        if own is not None:  # an account of agents on several machines: the rate their parts average to
            total = u.work.pooled(own)
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = np.where(total > 0, u.work.pooled(own * rate) / total, rate)
        refs: PriceRef | npt.NDArray[np.object_] = lookup(
            u.frame, "machine", {m: rates.price_ref(k, plan) for m, k in known.items()}, dtype=object
        )
        quoted = rates.price(next(iter(known.values())), plan).unit
        scale, per_one = price_unit_parts(quoted)
        unit_price = rate * scale
        cost = billable * unit_price
        if ov is not None and any(k in ov.prices for k in known.values()):
            mine = np.full(len(billable), np.nan)
            for machine, key in known.items():
                if key in ov.prices:
                    mine = np.where(u.frame["machine"] == machine, ov.prices[key], mine)
            # Your price per machine, read below as the meter's own price.
            ov = replace(ov, prices={**ov.prices, meter.price: mine})
    else:
        assert meter.price is not None
        item = rates.price(meter.price, plan)
        quoted = item.unit
        scale, per_one = price_unit_parts(quoted)
        cost, past = charge(billable, item, u.scenario)
        if isinstance(item, Tiered) and item.beyond_last and item.tiers[-1].up_to is not None:
            beyond = past
            ceiling = np.broadcast_to(np.asarray(allowance + item.tiers[-1].up_to, dtype=np.float64), past.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            unit_price = np.where(billable > 0, cost / billable, _first_unit(item, u.scenario))
        refs = rates.price_ref(meter.price, plan)
    line = Line(
        meter.id,
        meter.name,
        billable,
        u.table.quantities[meter.quantity].unit.value,
        np.asarray(unit_price, dtype=np.float64),
        per_one,
        cost,
        refs,
        category=meter.category,
        quoted_unit=quoted if scale != 1.0 else None,
        past_published=beyond,
        ceiling=None if ceiling is None else np.array(ceiling),
    )
    return your_price(u, meter.price, ov, scale, line) if meter.price is not None else line


def in_design(u: Usage, meter: Meter) -> Value:
    """1 where the meter bills this profile, 0 where it belongs to a design the run is not priced as."""
    if meter.design is None:
        return 1.0
    if DESIGN not in u.frame:
        return np.zeros(u.work.rows)
    return uses_design(*u.frame.categories(DESIGN), meter.design).astype(np.float64)
