"""The workload the engine's tests start from: the coding agent, as profile format version 1
completed any field a profile left out. Format version 2 gives a left-out field a neutral default
instead (and requires the three that size the work), so a test that changes a few fields of this
workload says so by calling `agent(...)`."""

from __future__ import annotations

from typing import Any

from schema.profile import DOUBTS, GROWTH, WorkloadProfile

__all__ = ["CODING_AGENT", "agent", "pinned"]

CODING_AGENT: dict[str, Any] = {
    "monthly_runs": 3000,
    "steps_per_run": 50,
    "step_seconds": 8,
    "retry_rate": 0.1,
    "human_waits_per_run": 1,
    "human_wait_seconds": 7200,
    "step_payload_kb": 8,
    "peak_window_hours": 8,
}


def agent(**fields: Any) -> WorkloadProfile:
    """The coding agent with `fields` changed."""
    return WorkloadProfile(**{**CODING_AGENT, **fields})


def pinned(profile: WorkloadProfile, *, keep: tuple[str, ...] = ()) -> WorkloadProfile:
    """The profile with no doubt of its own (each defaulted doubt pinned to the field's value), but for
    the ranges it gives and the fields in `keep`: a test of what the prices alone do."""
    dump = profile.model_dump()
    pins = {}
    for name in DOUBTS:
        value = profile.path.growth_percent_per_month if name == GROWTH else getattr(profile, name)
        if name not in keep and value is not None:
            pins[name] = {"low": value, "high": value}
    return WorkloadProfile.model_validate({**dump, "ranges": {**pins, **dump["ranges"]}})
