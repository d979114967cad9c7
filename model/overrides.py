"""A buyer's own terms for an option (`overrides.<option>`): checked against the option's table,
their own unit prices beside the list prices, and a discount and committed spend on the vendor's
bill.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from model.columns import OverrideColumns
from model.lines import Line, PriceRef
from model.usage import Usage
from schema.profile import ProfileError
from schema.tables import PriceTable

__all__ = ["check_overrides", "terms", "your_price"]


def your_price(u: Usage, key: str, ov: OverrideColumns | None, scale: float, line: Line) -> Line:
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


def check_overrides(table: PriceTable, ov: OverrideColumns) -> None:
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


def terms(u: Usage, ov: OverrideColumns, chosen: tuple[Line, ...]) -> list[Line]:
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
