"""What the same profiles cost under different pricing versions.

The app's pricing view shows one profile under every version of the tables; `tco pricing impact`
compares two pricing dates for the preset profiles. Both read `costs_by_date`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from model.engine import estimate
from model.profile import WorkloadProfile
from model.result import summarize
from pricing.schema import PriceBook

__all__ = ["COLUMNS", "costs_by_date", "impact_frame"]

COLUMNS = ["profile", "pricing_date", "option", "option_name", "plan", "monthly_usd", "low_usd", "high_usd", "tables"]


def costs_by_date(profiles: Sequence[WorkloadProfile], books: Mapping[dt.date, PriceBook]) -> pd.DataFrame:
    """One row per (profile, pricing date, option in force then): the plan chosen and the
    monthly cost with its range. `tables` names the table versions that priced it."""
    rows = []
    for on, book in sorted(books.items()):
        result = estimate(list(profiles), book)
        for index, profile in enumerate(profiles):
            out = summarize(result, index)
            for option in out.options:
                rows.append(
                    {
                        "profile": profile.name,
                        "pricing_date": on,
                        "option": option.id,
                        "option_name": option.name,
                        "plan": option.plan,
                        "monthly_usd": option.monthly_usd,
                        "low_usd": option.low_usd,
                        "high_usd": option.high_usd,
                        "tables": ", ".join(f"{t.table}@{t.effective}" for t in out.pricing),
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)


def impact_frame(costs: pd.DataFrame, before: dt.date, after: dt.date) -> pd.DataFrame:
    """Side by side, per profile and option: cost before, after, the change and its share.
    An option priced on only one of the dates has the other side empty."""
    keys = ["profile", "option", "option_name"]
    old = costs[costs["pricing_date"] == before].set_index(keys)[["plan", "monthly_usd"]]
    new = costs[costs["pricing_date"] == after].set_index(keys)[["plan", "monthly_usd"]]
    both = old.merge(new, how="outer", left_index=True, right_index=True, suffixes=("_before", "_after"))
    both["change_usd"] = both["monthly_usd_after"] - both["monthly_usd_before"]
    both["change"] = both["change_usd"] / both["monthly_usd_before"].where(both["monthly_usd_before"] > 0)
    return both.reset_index()
