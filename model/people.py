"""The people an option needs: its share of an engineer [FTE] at the loaded engineer cost."""

from __future__ import annotations

import numpy as np

from model.columns import column
from model.lines import PEOPLE_TABLE, Line, PriceRef, Rates
from model.units import MONTHS_PER_YEAR
from model.usage import Usage
from schema.tables import PriceBook

__all__ = ["people"]


def people(u: Usage, rates: Rates, book: PriceBook) -> list[Line]:
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
