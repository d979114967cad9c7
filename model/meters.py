"""One option's monthly bill from its table: meters, plans, the machines you run, and people.

Every option is priced by the same function, `price_option`, from what its table declares:

- `meters`: quantities (from `model.usage`) priced flat or on graduated tiers, after the plan's
  allowances;
- `plans`: a fee (or the greater of a floor and a share of the usage charges), usage credit,
  concurrency caps that extra slots may lift, and plans that take no usage beyond what they
  include; the cheapest plan allowed is chosen per profile;
- `infrastructure`: workers sized from the runs that hold a machine, fixed services and fixed
  monthly costs, on the hosting reference table's prices;
- `people`: a share of an engineer.

No dollar figure lives here: every price comes from the tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from model.billing import Array, Bools, Value, credit_bill, graduated, repeated, share_fee
from model.columns import OverrideColumns, column, lookup
from model.findings import Finding
from model.findings import Value as Said
from model.fit import DESIGN, OFFLOADED
from model.limits import limit_value
from model.lines import HOSTING_TABLE, PEOPLE_TABLE, STORAGE_TABLE, Line, OptionBill, PriceRef, Rates, select_plan
from model.units import (
    BYTES_PER_GB,
    BYTES_PER_KB,
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    MONTHS_PER_YEAR,
    ROUNDING,
    SECONDS_PER_DAY,
    in_base_unit,
    price_unit_parts,
)
from model.usage import Usage
from model.workload import Workload
from schema.meters import Meter
from schema.numbers import Number, Pick, Tiered
from schema.plans import FEATURES, SUPPORT_LEVELS, Plan
from schema.profile import ProfileError
from schema.tables import Addon, Load, PriceBook, PriceTable

__all__ = ["charge", "machine_resources", "plan_name", "price_option"]


@dataclass(frozen=True)
class _NoPlan:
    """The one way to buy an option that has no plans (self-hosted, or pay as you go)."""

    id: str
    name: str


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


def check_machines(u: Usage, known: Iterable[str]) -> None:
    """Raise `ProfileError` naming the field, the value and the allowed values for an unknown
    machine size."""
    allowed = list(known)
    unknown = sorted(set(u.frame.categories("machine")[0].tolist()) - set(allowed))
    if unknown:
        raise ProfileError([("machine", unknown[0], "allowed: " + ", ".join(allowed))])


def machine_resources(u: Usage, book: PriceBook) -> tuple[Array, Array]:
    """(vCPU, GB of RAM) of each profile's machine size, from the hosting reference table."""
    machines = book.table(HOSTING_TABLE).machines
    check_machines(u, machines)
    vcpu = lookup(u.frame, "machine", {k: m.vcpu.pick(u.fixed) for k, m in machines.items()})
    memory = lookup(u.frame, "machine", {k: m.memory_gb.pick(u.fixed) for k, m in machines.items()})
    return vcpu, memory


def _yours(u: Usage, key: str, ov: OverrideColumns | None, scale: float, line: Line) -> Line:
    """`line` with the buyer's own unit price (`overrides.<option>.prices.<key>`, in the unit the
    table quotes it) where a profile gives one, the list price kept beside it."""
    given = ov.prices.get(key) if ov is not None else None
    if given is None:
        return line
    has = ~np.isnan(given)
    per_unit = np.where(has, given * scale, line.unit_price)
    refs = np.empty(len(has), dtype=object)
    listed = line.price if isinstance(line.price, np.ndarray) else [line.price] * len(has)
    refs[:] = [PriceRef(u.table.id, ("overrides", "prices", key)) if h else r for h, r in zip(has, listed, strict=True)]
    return replace(
        line,
        unit_price=per_unit,
        cost=np.where(has, line.quantity * per_unit, line.cost),
        price=refs,
        list_unit_price=np.where(has, line.unit_price, np.nan),
        depends_on=None if line.depends_on is None else line.depends_on & ~has,
    )


def _meter_line(
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
    return _yours(u, meter.price, ov, scale, line) if meter.price is not None else line


def _in_design(u: Usage, meter: Meter) -> Value:
    """1 where the meter bills this profile, 0 where it belongs to a design the run is not priced as."""
    if meter.design is None:
        return 1.0
    if DESIGN not in u.frame:
        return np.zeros(u.work.rows)
    ids = u.frame[DESIGN]
    return np.fromiter((meter.design in str(i).split("+") for i in ids), dtype=np.float64, count=len(ids))


def _multipliers(u: Usage, ov: OverrideColumns | None) -> dict[str, Array]:
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


def _addon_lines(
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


def _feature_addons(table: PriceTable) -> list[Addon]:
    """The add-ons some plan's features name: bought as a requirement needs them."""
    every = [*(p.features for p in table.plans), table.features]
    named = {f.addon for features in every for _, f in features.items() if f.addon is not None}
    return [a for a in table.addons if a.id in named]


def _requirements(
    u: Usage, rates: Rates, plan: Plan | None, ov: OverrideColumns | None
) -> tuple[list[Line], Bools, npt.NDArray[np.object_], dict[Finding, Bools]]:
    """What one plan needs to meet the profiles' plan requirements: the add-on lines it buys for
    them, whether it meets them at all, what it lacks (per profile, a tuple of `feature_short`
    findings), and warnings for features that cost extra at a price not published. A self-hosted
    option meets them by your own setup."""
    table, n = u.table, u.work.rows
    req = u.frame.requirements()
    ok, why = np.ones(n, dtype=bool), repeated(n, ())
    if req is None or table.hosting != "cloud":
        return [], ok, why, {}
    addons = _feature_addons(table)
    units = {a.id: np.zeros(n) for a in addons}
    warnings: dict[Finding, Bools] = {}
    features = plan.features if plan is not None else table.features
    name = plan.name if plan is not None else table.name
    by_id = {a.id: a for a in addons}
    priced = set(table.prices) | (set(plan.prices) if plan is not None else set())
    for key in FEATURES:
        feature = getattr(features, key)
        addon = by_id.get(feature.addon) if feature is not None and feature.addon is not None else None
        sold = (
            addon is not None
            and addon.price in priced
            and (not addon.plans or (plan is not None and plan.id in addon.plans))
        )
        bought = ov.addons.get(addon.id, np.zeros(n)) if ov is not None and addon is not None else np.zeros(n)
        want: npt.NDArray[Any]
        if key == "support":
            want = req.support
            needed = want >= 0
            have = np.full(n, -1 if feature is None else SUPPORT_LEVELS.index(str(feature.value)))
            short = needed & (have < want)
        elif key in ("sso", "hipaa"):
            want = getattr(req, key)
            needed = want
            has = feature is not None and feature.value is True
            short = needed & (not has) & (bought <= 0)
            if sold and addon is not None:
                units[addon.id] = np.maximum(units[addon.id], short * 1.0)
                short = np.zeros(n, dtype=bool)
        else:
            want = getattr(req, key)
            needed = ~np.isnan(want)
            value = None if feature is None else feature.value
            have = np.full(n, np.inf if value == "unlimited" else np.nan if value is None else float(value))
            if key == "seats":
                have = np.nan_to_num(have, nan=0.0) + bought
                gap = np.where(needed, np.maximum(np.nan_to_num(want) - have, 0.0), 0.0)
                if sold and addon is not None and feature is not None:
                    units[addon.id] = units[addon.id] + gap
                    gap = np.zeros(n)
                short = gap > 0
            else:
                with np.errstate(invalid="ignore"):
                    short = needed & ~(have >= want)
        if feature is not None and feature.unpriced is not None:
            met = needed & ~short
            if met.any():
                warnings[Finding("feature_unpriced", {"plan": name, "feature": key, "how": feature.unpriced})] = met
        if not short.any():
            continue
        ok &= ~short
        for i in np.flatnonzero(short):
            have_value: Said
            want_value: Said
            if feature is None:
                have_value = None
                if key == "support":
                    want_value = SUPPORT_LEVELS[int(want[i])]
                else:
                    want_value = True if key in ("sso", "hipaa") else float(want[i])
            elif key == "support":
                have_value, want_value = str(feature.value), SUPPORT_LEVELS[int(want[i])]
            elif key in ("sso", "hipaa"):
                have_value, want_value = False, True
            else:
                have_value = float(have[i]) - (float(bought[i]) if key == "seats" else 0.0)
                want_value = float(want[i])
            why[i] = (*why[i], Finding("feature_short", {"feature": key, "have": have_value, "want": want_value}))
    every = [*(p.features for p in table.plans), table.features]
    seat_addons = {f.seats.addon for f in every if f.seats is not None}
    lines = []
    for addon in addons:
        assert addon.price is not None
        item = (
            rates.price(addon.price, plan)
            if addon.price in (set(table.prices) | (set(plan.prices) if plan is not None else set()))
            else None
        )
        each = item.pick(u.scenario) * price_unit_parts(item.unit)[0] if isinstance(item, Number) else 0.0
        per = item.unit.value.removeprefix("USD/") if isinstance(item, Number) else "month"
        unit, price_unit = ("seats", f"USD/seat-{per}") if addon.id in seat_addons else (per, f"USD/{per}")
        bought_units = units[addon.id]
        lines.append(
            Line(
                f"needs.{addon.id}",
                f"{addon.name} (for your requirements)",
                bought_units,
                unit,
                np.full(n, each),
                price_unit,
                bought_units * each,
                rates.price_ref(addon.price, plan) if item is not None else None,
            )
        )
    return lines, ok, why, warnings


def _plan_lines(
    u: Usage, rates: Rates, plan: Plan | None, quantities: dict[str, Array], ov: OverrideColumns | None = None
) -> tuple[tuple[Line, ...], Bools, npt.NDArray[np.object_]]:
    """One plan's vendor lines, whether it can take each profile, and why (or why not)."""
    table, n = u.table, u.work.rows
    factor = _multipliers(u, ov)
    meters = []
    for m in table.meters:
        own = quantities[m.quantity] * _in_design(u, m)  # an agent's own, then its account's
        meters.append(_meter_line(u, rates, m, plan, u.work.pooled(own) * factor.get(m.id, 1.0), ov, own))
    addons, bought, unsold, unsold_names = _addon_lines(u, rates, plan, ov)
    usage = np.sum([ln.cost for ln in meters if ln.category == "vendor"], axis=0) if meters else np.zeros(n)
    usage = np.asarray(usage, dtype=np.float64)
    if plan is None:
        return (*meters, *addons), ~unsold, repeated(n, None)

    floor = rates.plan_number(plan, "fee")
    fee_ref = rates.ref("plans", plan.id, "fee")
    if not any(p.fee_share is not None for p in table.plans):
        fee = np.full(n, floor)
        fee_lines = [Line("plan_fee", "Plan fee", np.ones(n), "month", fee, "USD/month", fee, fee_ref)]
    else:
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
        fee_lines = [
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
    lines: list[Line] = [*fee_lines, *meters, *addons]
    credit = rates.plan_number(plan, "credit", 0.0)
    if any(p.credit is not None for p in table.plans):
        billed = credit_bill(0.0, usage, credit)
        lines.append(
            Line(
                "usage_credit",
                "Included usage credit",
                -np.minimum(usage, credit),
                "USD",
                np.ones(n),
                "USD/USD",
                billed - usage,
                rates.ref("plans", plan.id, "credit") if plan.credit is not None else None,
            )
        )

    ok = np.full(n, plan.self_serve)
    code = np.zeros(n, dtype=np.intp)
    texts = [Finding("plan_takes", {"plan": plan.name})]
    spec = table.concurrency
    if spec is not None:
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
        ok &= fits | can_buy
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
    for quantity, cap in plan.rate_caps.items():
        most = cap.pick(u.fixed)
        fits = u.work.pooled(u.work.peak_rate() * u.per_run(quantity).total) <= most
        ok &= fits
        texts.append(
            Finding(
                "plan_rate_cap",
                {"plan": plan.name, "most": float(np.max(most)), "unit": u.table.quantities[quantity].unit.value},
            )
        )
        code = np.where(fits, code, len(texts) - 1)
    if plan.capped:
        past = np.zeros(n, dtype=bool)
        for line in meters:
            if line.key in plan.capped:
                past |= line.quantity > ROUNDING
        ok &= ~past
        names = ", ".join(m.name.lower() for m in table.meters if m.id in plan.capped)
        texts.append(Finding("plan_capped", {"plan": plan.name, "meters": names}))
        code = np.where(past, len(texts) - 1, code)
    if unsold_names:
        ok &= ~unsold
        texts.append(Finding("plan_unsold", {"plan": plan.name, "addons": ", ".join(unsold_names)}))
        code = np.where(unsold, len(texts) - 1, code)
    for run_limit in table.run_limits:  # a plan's own, lower level of a run limit (a free plan's CPU per step)
        if run_limit.id not in plan.limits:
            continue
        number = plan.limits[run_limit.id]
        level = number.pick(u.fixed) * in_base_unit(number.unit.value)[1]
        within = u.work.pooled_all(np.asarray(limit_value(u, run_limit) <= level, dtype=bool))
        ok &= within
        shown = f"{number.expected:,.10g} {number.unit.value}"
        texts.append(Finding("plan_run_limit", {"plan": plan.name, "name": run_limit.name, "shown": shown}))
        code = np.where(within, code, len(texts) - 1)
    within = usage <= credit * (1 + ROUNDING)
    if not plan.overage:
        ok &= within
    texts += [Finding("plan_no_overage", {"plan": plan.name}), Finding("plan_contract_only", {"plan": plan.name})]
    code = np.where(within | plan.overage, code, len(texts) - 2)
    if not plan.self_serve:
        code = np.full(n, len(texts) - 1)
    reason = np.array(texts, dtype=object)[code]
    return tuple(lines), ok, reason


def _worker_lines(u: Usage, rates: Rates, book: PriceBook) -> tuple[list[Line], dict[str, Array]]:
    spec = u.table.infrastructure.workers
    if spec is None:
        return [], {}
    vcpu_each, gb_each = machine_resources(u, book)
    hosting = Rates(book.table(HOSTING_TABLE), u.scenario)
    average, peak = u.work.average(spec.holds), u.work.peak(spec.holds)
    share = hosting.number("assumptions", "provisioning")
    units = average + share * np.maximum(peak - average, 0.0)
    vcpu = np.maximum(u.work.pooled(units * vcpu_each), rates.number("assumptions", spec.min_vcpu))
    gb = np.maximum(u.work.pooled(units * gb_each), rates.number("assumptions", spec.min_memory_gb))
    average, peak = u.work.pooled(average), u.work.pooled(peak)
    lines = []
    for key, resource, amount, unit, price in (
        ("workers_vcpu", "vCPU", vcpu, "vCPU-h", "vcpu_hour"),
        ("workers_memory", "memory", gb, "GB-RAM-h", "gb_ram_hour"),
    ):
        hours = amount * HOURS_PER_MONTH
        each = hosting.scalar_price(price)
        lines.append(
            Line(
                key,
                f"{spec.name} ({resource})",
                hours,
                unit,
                np.full_like(hours, each),
                f"USD/{unit}",
                hours * each,
                hosting.price_ref(price),
                category="infrastructure",
            )
        )
    sizing = {
        f"{spec.holds}_runs_average": average,
        f"{spec.holds}_runs_peak": peak,
        "worker_vcpu": vcpu,
        "worker_memory_gb": gb,
    }
    return lines, sizing


def _load(u: Usage, rates: Rates, load: Load | None, reported: dict[str, Array]) -> tuple[Bools | None, str]:
    """Whether the peak rate of a per-run quantity passes what a fixed cost holds (and why it
    then depends on sizing); the rate is reported under the load's name."""
    if load is None:
        return None, ""
    rate = u.work.pooled(u.work.peak_rate() * u.per_run(load.quantity).total)
    reported[load.reports_as] = rate
    return rate > rates.number("assumptions", load.up_to), load.depends_on


def _infrastructure(u: Usage, rates: Rates, book: PriceBook) -> tuple[list[Line], dict[str, Array]]:
    """What you run yourself: fixed services, fixed monthly costs and the workers."""
    n = u.work.rows
    infra = u.table.infrastructure
    lines: list[Line] = []
    reported: dict[str, Array] = {}
    if infra.services:
        hosting = Rates(book.table(HOSTING_TABLE), u.scenario)
        vcpu_price, gb_price = hosting.scalar_price("vcpu_hour"), hosting.scalar_price("gb_ram_hour")
        for service in infra.services:
            vcpu = rates.number("assumptions", service.vcpu)
            gb = rates.number("assumptions", service.memory_gb)
            monthly = (vcpu * vcpu_price + gb * gb_price) * HOURS_PER_MONTH
            beyond, reason = _load(u, rates, service.load, reported)
            lines.append(
                Line(
                    service.id,
                    service.name,
                    np.ones(n),
                    "month",
                    np.full(n, monthly),
                    "USD/month",
                    np.full(n, monthly),
                    hosting.price_ref("vcpu_hour"),
                    depends_on=beyond,
                    depends_on_reason=reason,
                    category="infrastructure",
                )
            )
    for fixed in infra.fixed:
        monthly = rates.number("assumptions", fixed.monthly)
        beyond, reason = _load(u, rates, fixed.load, reported)
        lines.append(
            Line(
                fixed.id,
                fixed.name,
                np.ones(n),
                "month",
                np.full(n, monthly),
                "USD/month",
                np.full(n, monthly),
                rates.ref("assumptions", fixed.monthly),
                depends_on=beyond,
                depends_on_reason=reason,
                category=fixed.category,
            )
        )
    workers, sizing = _worker_lines(u, rates, book)
    return lines + workers, {**reported, **sizing}


def _store_lines(u: Usage, rates: Rates, book: PriceBook) -> list[Line]:
    """What a design that keeps payloads by reference pays its object store: the data kept (while
    the run is open and for the retention period), the writes and reads of each step, and the data
    read back out, after the store's free allowances; zero for profiles priced as designed."""
    ref = next((d.by_reference for d in u.table.designs if d.by_reference is not None), None)
    if ref is None or OFFLOADED not in u.frame:
        return []
    n = u.work.rows
    store = Rates(book.table(STORAGE_TABLE), u.scenario)
    kept_kb = u.column(OFFLOADED)
    used = kept_kb > 0
    runs = u.column("monthly_runs")
    gb_per_run = kept_kb * BYTES_PER_KB / BYTES_PER_GB
    days = u.work.wall / SECONDS_PER_DAY + u.retention_days()
    steps = np.where(used, u.work.steps, 0.0)
    quantities = {
        "storage": (runs / DAYS_PER_MONTH * days * gb_per_run, "GB-month", "Object store: data kept"),
        "writes": (runs * steps * u.coefficient(ref.writes_per_step), "requests", "Object store: writes"),
        "reads": (runs * steps * u.coefficient(ref.reads_per_step), "requests", "Object store: reads"),
        "transfer": (runs * gb_per_run, "GB", "Object store: data read back"),
    }
    table = store.table
    lines = []
    for item, (quantity, unit, name) in quantities.items():
        key = f"{ref.store}.{item}"
        free_key = f"{key}_free"
        free = store.number("assumptions", free_key) if free_key in table.assumptions else 0.0
        billable = np.maximum(u.work.pooled(quantity) - free, 0.0)
        item_price = table.price(key)
        scale, per_one = price_unit_parts(item_price.unit)
        each = np.broadcast_to(np.asarray(store.scalar_price(key), dtype=np.float64) * scale, (n,))
        lines.append(
            Line(
                f"store_{item}",
                name,
                billable,
                unit,
                np.array(each),
                per_one,
                billable * each,
                store.price_ref(key),
                category="infrastructure",
                quoted_unit=item_price.unit if scale != 1.0 else None,
            )
        )
    return lines


def _people(u: Usage, rates: Rates, book: PriceBook) -> list[Line]:
    """Operations effort: the option's share of an engineer [FTE] x the loaded engineer cost.

    The FTE share is the table's unless the profile's team inputs name this option; the engineer
    cost comes from the people reference table unless the profile gives one."""
    if u.table.people is None:
        return []
    n = u.work.rows
    fte = np.full(n, rates.number("assumptions", u.table.people))
    given = u.frame.ops_fte(u.table.id)
    if given is not None:
        fte = np.where(np.isfinite(given), given, fte)
    yearly = np.full(n, Rates(book.table(PEOPLE_TABLE), u.scenario).number("assumptions", "engineer_cost"))
    if "engineer_cost_usd_per_year" in u.frame:
        given_cost = column(u.frame, "engineer_cost_usd_per_year")
        yearly = np.where(np.isfinite(given_cost), given_cost, yearly)
    monthly = yearly / MONTHS_PER_YEAR
    return [
        Line(
            "ops_people",
            "Operations effort",
            fte,
            "FTE",
            monthly,
            "USD/FTE-month",
            fte * monthly,
            PriceRef(PEOPLE_TABLE, ("assumptions", "engineer_cost")),
            category="people",
        )
    ]


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


def _check_overrides(table: PriceTable, ov: OverrideColumns) -> None:
    """Every id an override names exists in the option's table, or a `ProfileError` names it."""
    problems = []
    at = f"overrides.{table.id}"
    prices = set(table.prices) | {k for p in table.plans for k in p.prices}
    for key in ov.prices:
        if key not in prices:
            problems.append((f"{at}.prices.{key}", key, "a price id of the table: " + ", ".join(sorted(prices))))
    plans = {p.id for p in table.plans}
    for plan in {str(p) for p in ov.plan if p is not None}:
        if plan not in plans:
            allowed = ", ".join(sorted(plans)) or "none (the option has no plans)"
            problems.append((f"{at}.plan", plan, f"a plan id of the table: {allowed}"))
    addons = {a.id for a in table.addons}
    for key in ov.addons:
        if key not in addons:
            allowed = ", ".join(sorted(addons)) or "none (the table lists no add-ons)"
            problems.append((f"{at}.addons.{key}", key, f"an add-on of the table: {allowed}"))
    if problems:
        raise ProfileError(problems)


def _terms(u: Usage, ov: OverrideColumns, chosen: tuple[Line, ...]) -> list[Line]:
    """A contract's terms on the vendor's bill: a discount, then a committed monthly spend whose
    credit pays for usage (bill = commitment + what is left past the credit)."""
    n = u.work.rows
    vendor = np.sum([ln.cost for ln in chosen if ln.category == "vendor"], axis=0) if chosen else np.zeros(n)
    yours = PriceRef(u.table.id, ("overrides", "terms"))
    lines = []
    if (ov.discount > 0).any():
        cut = -ov.discount * vendor
        lines.append(Line("your_discount", "Your discount", ov.discount * 100, "%", -vendor / 100, "USD/%", cut, yours))
        vendor = vendor + cut
    committed = ~np.isnan(ov.commitment)
    if committed.any():
        commitment = np.where(committed, ov.commitment, 0.0)
        used = np.where(committed, np.minimum(vendor, np.nan_to_num(ov.credit)), 0.0)
        lines.append(
            Line(
                "your_commitment",
                "Your committed spend",
                np.ones(n),
                "month",
                commitment,
                "USD/month",
                commitment,
                yours,
            )
        )
        lines.append(
            Line(
                "your_commitment_credit",
                "Paid from the commitment's credit",
                -used,
                "USD",
                np.ones(n),
                "USD/USD",
                -used,
                yours,
            )
        )
    return lines


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
        _check_overrides(table, ov)

    if table.plans:
        per_plan, allowed, reasons, kept = [], [], [], []
        takes, both, unmet_by_plan = [], [], []
        for plan in table.plans:
            mine, bounded = _plan_quantities(u, rates, plan, quantities)
            lines, ok, reason = _plan_lines(u, rates, plan, mine, ov)
            needs, meets, unmet, cautions = _requirements(u, rates, plan, ov)
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
        chosen, _, _ = _plan_lines(u, rates, None, quantities, ov)
        needs, meets, unmet, cautions = _requirements(u, rates, None, ov)
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
        chosen = (*chosen, *_terms(u, ov, chosen))
    infrastructure, sizing = _infrastructure(u, rates, book)
    reported: dict[str, Array] = {"runs": u.work.pooled(column(u.frame, "monthly_runs"))}
    factor = _multipliers(u, ov)  # an add-on that multiplies a meter multiplies what it reports
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
        lines=(*chosen, *infrastructure, *_store_lines(u, rates, book), *_people(u, rates, book)),
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
