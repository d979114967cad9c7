"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from schema.inputs import StepKind
from schema.profile import WorkloadProfile

MACHINES = (
    "0.25-vcpu-0.25-gb",
    "0.5-vcpu-0.5-gb",
    "1-vcpu-1-gb",
    "1-vcpu-2-gb",
    "2-vcpu-4-gb",
    "4-vcpu-8-gb",
    "8-vcpu-16-gb",
)


@functools.cache  # one strategy a range: Hypothesis validates each new strategy it is given to draw
def _num(low: float, high: float) -> st.SearchStrategy[float]:
    """A value a person would enter: at most three decimals (no 1e-300 s steps)."""
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False).map(
        lambda v: min(max(round(v, 3), low), high)
    )


STEP_KINDS = st.sampled_from(list(StepKind))
MACHINE_SIZES = st.sampled_from(MACHINES)
RUNS = st.one_of(st.just(0.0), _num(0, 5e7))
PEAK = st.one_of(st.none(), _num(1, 5000))


@st.composite
def profiles(draw: st.DrawFn) -> WorkloadProfile:
    """Realistic agent workloads, from idle to very large."""
    return WorkloadProfile(
        monthly_runs=draw(RUNS),
        steps_per_run=draw(_num(0, 2000)),
        step_seconds=draw(_num(0, 600)),
        retry_rate=draw(_num(0, 3)),
        step_kind=draw(STEP_KINDS),
        sleeps_per_run=draw(_num(0, 50)),
        sleep_seconds=draw(_num(0, 86_400)),
        human_waits_per_run=draw(_num(0, 5)),
        human_wait_seconds=draw(_num(0, 7 * 86_400)),
        child_runs_per_run=draw(_num(0, 20)),
        heartbeat_seconds=draw(_num(0, 120)),
        heartbeat_timeout_seconds=draw(_num(0, 600)),
        step_payload_kb=draw(_num(0, 4096)),
        context_growth_kb=draw(_num(0, 64)),
        peak_concurrent_runs=draw(PEAK),
        peak_window_hours=draw(_num(1, 24)),
        machine=draw(MACHINE_SIZES),
        retention_days=draw(_num(1, 90)),
    )
