"""What the same profiles cost under different pricing versions.

The app's pricing view shows one profile under every version of the tables; `tco pricing impact`
compares two pricing dates for the preset profiles. Both read `costs_by_date`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import pandas as pd

from model.engine import estimate
from model.result import summarize
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

__all__ = ["COLUMNS", "costs_by_date", "impact_frame"]

COLUMNS = [
    "profile_index",
    "profile",
    "pricing",
    "option",
    "option_name",
    "plan",
    "monthly_usd",
    "low_usd",
    "high_usd",
    "tables",
]


def costs_by_date(profiles: Sequence[WorkloadProfile], books: Mapping[Any, PriceBook]) -> pd.DataFrame:
    """One row per (profile, price book, option in it): the plan chosen and the
    monthly cost with its range. `books` are labelled by pricing date, or by any label (the data
    of a base branch against this one, say), in the order given; `pricing` holds the label.
    `tables` names the table versions that priced it. Profiles are
    told apart by position (`profile_index`); a name two profiles share gets its number."""
    names = [p.name for p in profiles]
    labels = [f"{n} ({i + 1})" if names.count(n) > 1 else n for i, n in enumerate(names)]
    rows = []
    for label, book in books.items():
        result = estimate(list(profiles), book)
        for index in range(len(profiles)):
            out = summarize(result, index)
            for option in out.options:
                rows.append(
                    {
                        "profile_index": index,
                        "profile": labels[index],
                        "pricing": label,
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


def impact_frame(costs: pd.DataFrame, before: Hashable, after: Hashable) -> pd.DataFrame:
    """Side by side, per profile and option: cost under the `before` book, under the `after`
    one, the change and its share. An option priced in only one of them has the other side empty."""
    keys = ["profile_index", "profile", "option", "option_name"]
    old = costs[costs["pricing"] == before].set_index(keys)[["plan", "monthly_usd"]]
    new = costs[costs["pricing"] == after].set_index(keys)[["plan", "monthly_usd"]]
    both = old.merge(new, how="outer", left_index=True, right_index=True, suffixes=("_before", "_after"))
    both["change_usd"] = both["monthly_usd_after"] - both["monthly_usd_before"]
    both["change"] = both["change_usd"] / both["monthly_usd_before"].where(both["monthly_usd_before"] > 0)
    return both.reset_index()
