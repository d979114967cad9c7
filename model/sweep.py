"""Sweeps: one profile with one numeric field varied, priced in a single `estimate()` call."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.engine import Estimate, estimate
from model.profile import NUMERIC_FIELDS, Columns, ProfileError, WorkloadProfile, profiles_frame
from pricing.schema import PriceBook, PriceTable

__all__ = ["history_curve", "sweep", "sweep_estimate", "varied_frame"]


def varied_frame(profile: WorkloadProfile, field: str, values: npt.ArrayLike) -> pd.DataFrame:
    """The profile repeated once per value, with `field` set to each value."""
    if field not in NUMERIC_FIELDS:
        raise ProfileError([(field, field, "allowed sweep fields: " + ", ".join(NUMERIC_FIELDS))])
    x = np.atleast_1d(np.asarray(values, dtype=np.float64))
    base = profiles_frame(profile)
    frame = base.loc[np.zeros(x.size, dtype=int)].reset_index(drop=True)
    frame[field] = x
    return frame


def sweep_estimate(
    profile: WorkloadProfile,
    field: str,
    values: npt.ArrayLike,
    book: PriceBook,
    options: list[str] | None = None,
    *,
    ranges: bool = True,
) -> Estimate:
    return estimate(varied_frame(profile, field, values), book, options, ranges=ranges)


def sweep(
    profile: WorkloadProfile, field: str, values: npt.ArrayLike, book: PriceBook, options: list[str] | None = None
) -> pd.DataFrame:
    """Monthly cost of every option as `field` takes each value: long format, one row per
    (value, option), with the expected cost and its low-high range [USD/month]."""
    result = sweep_estimate(profile, field, values, book, options)
    x = result.frame[field].to_numpy()
    parts = [
        pd.DataFrame(
            {
                field: x,
                "option": o.id,
                "name": o.table.name,
                "monthly_usd": o.total,
                "low_usd": o.low,
                "high_usd": o.high,
                "plan": o.bill.plan,
            }
        )
        for o in result.options
    ]
    return pd.concat(parts, ignore_index=True)


def history_curve(profile: WorkloadProfile, table: PriceTable, steps: npt.ArrayLike) -> pd.DataFrame:
    """One run's history as the number of steps grows: events, size [MB] and largest payload
    [KB] after each step count, for the history-limit chart."""
    from model.history import project_history
    from model.units import BYTES_PER_KB, BYTES_PER_MB

    frame = varied_frame(profile, "steps_per_run", steps)
    h = project_history(Columns(frame), table)
    return pd.DataFrame(
        {
            "steps": frame["steps_per_run"].to_numpy(),
            "events": h.events_per_run,
            "history_mb": h.history_bytes_per_run / BYTES_PER_MB,
            "largest_payload_kb": h.largest_payload_bytes / BYTES_PER_KB,
        }
    )
