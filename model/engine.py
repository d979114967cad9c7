"""`estimate()`: every option's monthly cost for one profile or a hundred thousand, in one call.

Each option is priced three times, with every sourced number at the low end of its range, at its
expected value and at the high end; the low and high totals are the least and the most of the
three. Everything the app, the CLI and the reports show comes from an `Estimate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.billing import Array
from model.history import HistoryProjection, project_history
from model.profile import Columns, WorkloadProfile, profiles_frame
from model.vendors import BILLING_MODELS
from model.vendors.common import OptionBill
from pricing.schema import PriceBook, PriceTable, Scenario

__all__ = ["SCENARIOS", "Estimate", "OptionEstimate", "estimate"]

SCENARIOS: tuple[Scenario, ...] = ("low", "expected", "high")
HISTORY_MODELS = ("temporal-cloud", "temporal-self-hosted")


@dataclass(frozen=True)
class OptionEstimate:
    """One option's monthly cost for every profile: the expected bill and its range."""

    table: PriceTable
    bill: OptionBill
    low: Array
    high: Array
    line_low: dict[str, Array]
    line_high: dict[str, Array]

    @property
    def id(self) -> str:
        return self.table.id

    @property
    def total(self) -> Array:
        return self.bill.total


@dataclass(frozen=True)
class Estimate:
    """The result of `estimate()`: arrays over profiles, one `OptionEstimate` per option."""

    frame: pd.DataFrame
    book: PriceBook
    options: tuple[OptionEstimate, ...]
    history: HistoryProjection | None
    profiles: tuple[WorkloadProfile, ...] | None = None

    def __len__(self) -> int:
        return len(self.frame)

    def option(self, option_id: str) -> OptionEstimate:
        for item in self.options:
            if item.id == option_id:
                return item
        raise KeyError(f"no option {option_id!r}; have {', '.join(o.id for o in self.options)}")

    def totals(self, which: Scenario = "expected") -> pd.DataFrame:
        """Monthly cost [USD/month]: one row per profile, one column per option id."""

        def pick(o: OptionEstimate) -> Array:
            return {"expected": o.total, "low": o.low, "high": o.high}[which]

        return pd.DataFrame({o.id: pick(o) for o in self.options})

    def cheapest(self) -> npt.NDArray[np.object_]:
        """Per profile, the id of the option with the lowest expected monthly cost."""
        totals = self.totals()
        ids = np.asarray(totals.columns.to_numpy(dtype=object), dtype=object)
        return np.asarray(ids[np.argmin(totals.to_numpy(), axis=1)], dtype=object)

    def lines(self, index: int = 0) -> pd.DataFrame:
        """The line items of every option for one profile, as a long table."""
        rows = []
        for option in self.options:
            for line in option.bill.lines:
                rows.append(
                    {
                        "option": option.id,
                        "component": line.name,
                        "quantity": line.quantity[index],
                        "unit": line.quantity_unit,
                        "unit_price": line.unit_price[index],
                        "price_unit": line.price_unit,
                        "cost": line.cost[index],
                        "low": option.line_low[line.key][index],
                        "high": option.line_high[line.key][index],
                    }
                )
        return pd.DataFrame(rows)


def _price_option(frame: Columns, table: PriceTable, book: PriceBook, ranges: bool = True) -> OptionEstimate:
    model = BILLING_MODELS.get(table.billing_model or "")
    if model is None:
        raise KeyError(f"{table.id}: unknown billing_model {table.billing_model!r}; known: {', '.join(BILLING_MODELS)}")
    scenarios: tuple[Scenario, ...] = SCENARIOS if ranges else ("expected",)
    bills = {s: model.price(frame, table, book, s) for s in scenarios}
    totals = np.stack([b.total for b in bills.values()])
    line_stack = {
        line.key: np.stack([{ln.key: ln.cost for ln in b.lines}[line.key] for b in bills.values()])
        for line in bills["expected"].lines
    }
    return OptionEstimate(
        table=table,
        bill=bills["expected"],
        low=totals.min(axis=0),
        high=totals.max(axis=0),
        line_low={k: v.min(axis=0) for k, v in line_stack.items()},
        line_high={k: v.max(axis=0) for k, v in line_stack.items()},
    )


def estimate(
    profiles: WorkloadProfile | Iterable[WorkloadProfile] | pd.DataFrame,
    book: PriceBook,
    options: Sequence[str] | None = None,
    *,
    ranges: bool = True,
) -> Estimate:
    """Price every option (or those named) for every profile.

    `profiles` is one profile, several, or a DataFrame with a column per profile field (missing
    columns take the defaults): a sweep of 100,000 profiles is one call. With `ranges=False` only
    the expected scenario is priced (a third of the work; low and high then equal it), for
    callers that need the expected cost alone, such as root finding. Raises
    `model.profile.ProfileError` for values no option can price (an unknown machine, say).
    """
    kept: tuple[WorkloadProfile, ...] | None = None
    if isinstance(profiles, WorkloadProfile):
        kept = (profiles,)
    elif not isinstance(profiles, pd.DataFrame):
        kept = tuple(profiles)
    frame = profiles_frame(kept if kept is not None else profiles)
    tables = book.options()
    if options is not None:
        wanted = set(options)
        unknown = wanted - {t.id for t in tables}
        if unknown:
            raise KeyError(f"unknown option(s) {', '.join(sorted(unknown))}; have {', '.join(t.id for t in tables)}")
        tables = [t for t in tables if t.id in wanted]
    columns = Columns(frame)
    priced = tuple(_price_option(columns, table, book, ranges) for table in tables)
    history_table = next((t for t in book.options() if t.billing_model in HISTORY_MODELS), None)
    history = project_history(columns, history_table) if history_table is not None else None
    return Estimate(frame=frame, book=book, options=priced, history=history, profiles=kept)
