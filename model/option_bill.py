"""One option's monthly bill from its table: meters, plans, the machines you run, and people.

Every option is priced by the same function, `price_option`, from what its table declares:

- `meters`: quantities (from `model.usage`) priced flat or on graduated tiers, after the plan's
  allowances (`model.meters`);
- `plans`: a fee (or the greater of a floor and a share of the usage charges), usage credit,
  concurrency caps that extra slots may lift, and plans that take no usage beyond what they
  include (`model.plan_lines`); the cheapest plan allowed is chosen per profile
  (`model.plan_choice`);
- `infrastructure`: workers sized from the runs that hold a machine, fixed services and fixed
  monthly costs, on the hosting reference table's prices (`model.infrastructure`);
- `people`: a share of an engineer (`model.people`).

No dollar figure lives here: every price comes from the tables.
"""

from __future__ import annotations

from model.addons import multipliers
from model.billing import Array, Bools
from model.columns import OverrideColumns, column
from model.findings import Finding
from model.infrastructure import infrastructure, store_lines
from model.lines import OptionBill, Rates
from model.overrides import check_overrides, terms
from model.people import people
from model.plan_choice import choose_plan
from model.usage import Usage
from model.workload import Workload
from schema.numbers import Pick
from schema.tables import PriceBook, PriceTable

__all__ = ["price_option"]


def price_option(work: Workload, table: PriceTable, book: PriceBook, scenario: Pick) -> tuple[OptionBill, Usage]:
    """One option's bill under one scenario, for every profile (and the usage it was priced on)."""
    u = Usage(work, table, scenario)
    rates = Rates(table, scenario)
    quantities = {m.quantity: u.monthly(m.quantity) for m in table.meters}
    ov = u.frame.overrides(table.id)
    if ov is not None:
        check_overrides(table, ov)
    choice = choose_plan(u, rates, quantities, ov)
    chosen = choice.lines
    if ov is not None:
        chosen = (*chosen, *terms(u, ov, chosen))
    infra_lines, sizing = infrastructure(u, rates, book)
    bill = OptionBill(
        lines=(*chosen, *infra_lines, *store_lines(u, rates, book), *people(u, rates, book)),
        plan=choice.plan,
        plan_reason=choice.plan_reason,
        quantities=_reported(u, choice.quantities, ov, sizing),
        warnings={**choice.warnings, **_retention_clamped(u)},
        plan_totals=choice.plan_totals,
        plan_reasons=choice.plan_reasons,
        unmet=choice.unmet,
        unplanned=choice.unplanned,
        pinned_refused=choice.pinned_refused,
    )
    return bill, u


def _reported(
    u: Usage, quantities: dict[str, Array], ov: OverrideColumns | None, sizing: dict[str, Array]
) -> dict[str, Array]:
    """What the bill reports it priced, per account: the runs, each meter's quantity (under the
    name it reports as) and the sizing of what you run yourself."""
    reported: dict[str, Array] = {"runs": u.work.pooled(column(u.frame, "monthly_runs"))}
    factor = multipliers(u, ov)  # an add-on that multiplies a meter multiplies what it reports
    for meter in u.table.meters:
        reported[meter.reports_as or meter.quantity] = u.work.pooled(quantities[meter.quantity]) * factor.get(
            meter.id, 1.0
        )
    reported.update(sizing)
    return reported


def _retention_clamped(u: Usage) -> dict[Finding, Bools]:
    """A warning where a profile asks to keep closed runs for fewer or more days than the option
    allows [days] (the days are clamped to its bounds)."""
    table = u.table
    if table.retention is None:
        return {}
    given = column(u.frame, "retention_days")
    low = table.number("limits", table.retention.min).pick(u.fixed)
    high = table.number("limits", table.retention.max).pick(u.fixed)
    outside = (given < low) | (given > high)
    if not outside.any():
        return {}
    note = Finding(  # the days given are each profile's own: filled where the finding is written out
        "retention_clamped", {"option": table.name, "low": float(low), "high": float(high), "given": None}
    )
    return {note: outside}
