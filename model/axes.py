"""The fields the second crossover chart can run along, and the options a profile compares: what the
analysis, the outlook and the scenarios share (so none of them imports another for it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from model.result import EstimateOut
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

__all__ = ["AXES", "Axis", "compared", "value_of", "value_of_field"]


@dataclass(frozen=True)
class Axis:
    """A profile field the second crossover chart can run along, and its span."""

    label: str
    low: float
    high: float
    log: bool


AXES: dict[str, Axis] = {
    "monthly_runs": Axis("Runs per month", 10, 1e8, True),
    "steps_per_run": Axis("Steps per run", 1, 5000, True),
    "step_seconds": Axis("Seconds per step", 0.5, 600, True),
    "retry_rate": Axis("Retries per step", 0, 2, False),
    "context_growth_kb": Axis("Context growth per step [KB]", 0, 64, False),
    "step_payload_kb": Axis("Payload per step [KB]", 1, 4096, True),
    "human_wait_seconds": Axis("Length of a human wait [s]", 60, 30 * 86_400, True),
    "human_waits_per_run": Axis("Human waits per run", 0, 20, False),
    "child_runs_per_run": Axis("Child runs per run", 0, 50, False),
    "peak_concurrent_runs": Axis("Peak concurrent runs", 1, 5000, True),
    "retention_days": Axis("Retention [days]", 1, 90, False),
}


def value_of(profile: WorkloadProfile, result: EstimateOut, name: str) -> float:
    """A profile field as priced: a field left empty (the peak) takes the value the engine derived."""
    value = getattr(profile, name)
    if value is None and name == "peak_concurrent_runs" and result.workload is not None:
        return result.workload.peak_concurrent_runs
    return float(value)


def value_of_field(profile: WorkloadProfile, name: str) -> float:
    """A profile field's value for a chart's marker, before pricing (an empty peak: the axis's low end)."""
    value = getattr(profile, name)
    return float(AXES[name].low if value is None else value)


def compared(profile: WorkloadProfile, book: PriceBook, aside: Iterable[str] = ()) -> list[str]:
    """The options to compare: those the profile names that are priced on the book's date, or
    every option priced then when it names none (or none of them is); less those in `aside` (set
    aside by the checklist's answers)."""
    priced = [t.id for t in book.options()]
    named = [o for o in profile.options if o in priced]
    out = set(aside)
    return [o for o in (named or priced) if o not in out]
