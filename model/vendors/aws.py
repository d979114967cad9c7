"""AWS Step Functions Express bills duration x memory in granules: each execution's duration
rounded up to 100 ms (an execution that does nothing still bills one), times its memory rounded up
to 64 MB, where the memory is 50 MB + the state machine's definition + the execution data (the
payload a step carries). The numbers are `counting` data in the Express table."""

from __future__ import annotations

import numpy as np

from model.billing import Array
from model.units import ROUNDING, SECONDS_PER_HOUR
from model.usage import Usage, derived

__all__ = ["express_gb_hours"]

PARAMS = (
    "memory_base_mb",
    "definition_kb",
    "memory_granule_mb",
    "duration_granule_seconds",
)


@derived(
    "express_gb_hours",
    "GBh",
    "each execution's duration (rounded up to `duration_granule_seconds`) x its memory (`memory_base_mb` + "
    "`definition_kb` + the largest payload a step carries, rounded up to `memory_granule_mb`)",
    PARAMS,
    positive=("memory_granule_mb", "duration_granule_seconds"),
)
def express_gb_hours(u: Usage) -> Array:
    """GB-hours of the month's executions.

    >>> from model.columns import Columns, profiles_frame
    >>> from schema.profile import WorkloadProfile
    >>> from model.workload import workload
    >>> from pricing.load import read_pricebook
    >>> import datetime as dt
    >>> table = read_pricebook(on=dt.date(2026, 11, 28)).table("aws/step-functions-express")
    >>> p = WorkloadProfile(monthly_runs=1000, steps_per_run=1, step_seconds=9.93, retry_rate=0,
    ...                     human_waits_per_run=0, step_payload_kb=8)
    >>> round(float(express_gb_hours(Usage(workload(Columns(profiles_frame(p))), table, "expected"))[0]), 4)
    0.1736
    """
    p = u.params
    granule = p["duration_granule_seconds"]
    seconds = np.maximum(np.ceil(u.work.wall / granule - ROUNDING), 1.0) * granule
    steps = u.work.steps
    largest = u.column("step_payload_kb") + u.column("context_growth_kb") * np.maximum(steps - 1, 0)
    data_kb = np.where(steps > 0, largest, 0.0)
    memory_mb = p["memory_base_mb"] + (p["definition_kb"] + data_kb) / 1024.0
    chunk = p["memory_granule_mb"]
    billed_gb = np.ceil(memory_mb / chunk - ROUNDING) * chunk / 1024.0
    return np.asarray(u.column("monthly_runs") * seconds * billed_gb / SECONDS_PER_HOUR, dtype=np.float64)
