"""A plan's features against a profile's plan requirements (support, SSO, HIPAA, seats and the
numbers a plan allows): whether the plan meets them, what it lacks, and the add-ons it buys for
them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from model.billing import Array, Bools, repeated
from model.columns import OverrideColumns, RequirementColumns
from model.findings import Finding
from model.findings import Value as Said
from model.lines import Line, Rates
from model.units import price_unit_parts
from model.usage import Usage
from schema.numbers import Number
from schema.plans import FEATURES, SUPPORT_LEVELS, Plan
from schema.tables import Addon, PriceTable

__all__ = ["requirements"]


def _feature_addons(table: PriceTable) -> list[Addon]:
    """The add-ons some plan's features name: bought as a requirement needs them."""
    every = [*(p.features for p in table.plans), table.features]
    named = {f.addon for features in every for _, f in features.items() if f.addon is not None}
    return [a for a in table.addons if a.id in named]


def requirements(
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
        want, needed, have, short = _shortfall(key, feature, req, n, addon, sold, bought, units)
        if feature is not None and feature.unpriced is not None:
            met = needed & ~short
            if met.any():
                warnings[Finding("feature_unpriced", {"plan": name, "feature": key, "how": feature.unpriced})] = met
        if not short.any():
            continue
        ok &= ~short
        _say_short(why, short, key, feature, want, have, bought)
    return _need_lines(u, rates, plan, addons, units), ok, why, warnings


def _shortfall(
    key: str,
    feature: Any,
    req: RequirementColumns,
    n: int,
    addon: Addon | None,
    sold: bool,
    bought: Array,
    units: dict[str, Array],
) -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any] | None, Bools]:
    """One feature of a plan against the requirement `key`: (what each profile wants, where it
    wants it, what the plan has where a level is compared, where the plan falls short). Where the
    plan sells `addon` for it, the add-on is bought instead (its count added to `units`, in place)
    and the plan does not fall short; `bought` counts the add-on's units the profile already buys."""
    want: npt.NDArray[Any]
    have: npt.NDArray[Any] | None = None
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
    return want, needed, have, short


def _say_short(
    why: npt.NDArray[np.object_],
    short: Bools,
    key: str,
    feature: Any,
    want: npt.NDArray[Any],
    have: npt.NDArray[Any] | None,
    bought: Array,
) -> None:
    """Add, in place, a `feature_short` finding (what the plan has, what the profile wants) to
    `why` of each profile the plan falls short of for the requirement `key`."""
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
            assert have is not None
            have_value = float(have[i]) - (float(bought[i]) if key == "seats" else 0.0)
            want_value = float(want[i])
        why[i] = (*why[i], Finding("feature_short", {"feature": key, "have": have_value, "want": want_value}))


def _need_lines(u: Usage, rates: Rates, plan: Plan | None, addons: list[Addon], units: dict[str, Array]) -> list[Line]:
    """The lines of the add-ons bought for the requirements (`units` of each, by add-on id), at the
    plan's price (0 where the plan does not price it); an add-on that sells seats counts seats."""
    table, n = u.table, u.work.rows
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
    return lines
