"""Sweeps: one profile with a numeric field varied (or several, each in rows of its own), priced in a
single `estimate()` call."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.columns import profiles_frame
from model.engine import Estimate, estimate, project
from schema.profile import NUMERIC_FIELDS, ProfileError, WorkloadProfile
from schema.tables import PriceBook

__all__ = ["STEP_MEASURES", "limit_curves", "sweep", "sweep_estimate", "sweeps", "varied_frame"]


def varied_frame(profile: WorkloadProfile, field: str, values: npt.ArrayLike) -> pd.DataFrame:
    """The profile repeated once per value, with `field` set to each value."""
    if field not in NUMERIC_FIELDS:
        raise ProfileError([(field, field, "allowed sweep fields: " + ", ".join(NUMERIC_FIELDS))])
    x = np.atleast_1d(np.asarray(values, dtype=np.float64))
    frame = profiles_frame(profile).take(np.zeros(x.size, dtype=np.intp))
    frame.index = pd.RangeIndex(x.size)
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
    return sweeps(profile, [(field, values)], book, options)[0]


def sweeps(
    profile: WorkloadProfile,
    along: Sequence[tuple[str, npt.ArrayLike]],
    book: PriceBook,
    options: list[str] | None = None,
) -> list[pd.DataFrame]:
    """`sweep` along each (field, values) of `along`, every row priced in one `estimate()` call: an
    estimate's cost is mostly per call, not per row (the two sweeps of an analysis took two)."""
    frames = [varied_frame(profile, field, values) for field, values in along]
    result = estimate(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0], book, options)
    out, start = [], 0
    for (field, _), frame in zip(along, frames, strict=True):
        rows = slice(start, start + len(frame))
        start = rows.stop
        parts = [
            pd.DataFrame(
                {
                    field: frame[field].to_numpy(),
                    "option": o.id,
                    "name": o.table.name,
                    "monthly_usd": o.comparable[rows],
                    "low_usd": np.where(np.isnan(o.comparable[rows]), np.nan, o.low[rows]),
                    "high_usd": np.where(np.isnan(o.comparable[rows]), np.nan, o.high[rows]),
                    "plan": o.bill.plan[rows],
                }
            )
            for o in result.options
        ]
        out.append(pd.concat(parts, ignore_index=True))
    return out


STEP_MEASURES = ("events", "history_bytes", "payload_bytes", "run_seconds", "state_bytes", "quantity")
"""Measures that grow with the number of steps, and so can be drawn against it."""


def limit_curves(
    profile: WorkloadProfile, book: PriceBook, steps: npt.ArrayLike, options: list[str] | None = None
) -> pd.DataFrame:
    """Every option's step-dependent limits as the number of steps grows: long format, one row per
    (steps, option, limit) with this run's measure, the limit and its warning level, in the
    limit's unit (bytes, seconds, events, or the quantity's unit)."""
    frame = varied_frame(profile, "steps_per_run", steps)
    limits = project(frame, book)
    x = frame["steps_per_run"].to_numpy()
    parts = []
    for option in book.options():
        if options is not None and option.id not in options:
            continue
        for limit in limits[option.id]:
            if limit.spec.measure not in STEP_MEASURES:
                continue
            parts.append(
                pd.DataFrame(
                    {
                        "steps": x,
                        "option": option.id,
                        "option_name": option.name,
                        "vendor": option.vendor,
                        "limit": limit.id,
                        "name": limit.spec.name,
                        "measure": limit.spec.measure,
                        "unit": limit.unit,
                        "value": limit.value,
                        "limit_value": limit.limit,
                        "warning_value": np.nan if limit.warning is None else limit.warning,
                    }
                )
            )
    columns = [
        "steps",
        "option",
        "option_name",
        "vendor",
        "limit",
        "name",
        "measure",
        "unit",
        "value",
        "limit_value",
        "warning_value",
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
