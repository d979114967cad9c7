"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

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


def _num(low: float, high: float) -> st.SearchStrategy[float]:
    """A value a person would enter: at most three decimals (no 1e-300 s steps)."""
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False).map(
        lambda v: min(max(round(v, 3), low), high)
    )


@st.composite
def profiles(draw: st.DrawFn) -> WorkloadProfile:
    """Realistic agent workloads, from idle to very large."""
    return WorkloadProfile(
        monthly_runs=draw(st.one_of(st.just(0.0), _num(0, 5e7))),
        steps_per_run=draw(_num(0, 2000)),
        step_seconds=draw(_num(0, 600)),
        retry_rate=draw(_num(0, 3)),
        step_kind=draw(st.sampled_from(list(StepKind))),
        sleeps_per_run=draw(_num(0, 50)),
        sleep_seconds=draw(_num(0, 86_400)),
        human_waits_per_run=draw(_num(0, 5)),
        human_wait_seconds=draw(_num(0, 7 * 86_400)),
        child_runs_per_run=draw(_num(0, 20)),
        heartbeat_seconds=draw(_num(0, 120)),
        heartbeat_timeout_seconds=draw(_num(0, 600)),
        step_payload_kb=draw(_num(0, 4096)),
        context_growth_kb=draw(_num(0, 64)),
        peak_concurrent_runs=draw(st.one_of(st.none(), _num(1, 5000))),
        peak_window_hours=draw(_num(1, 24)),
        machine=draw(st.sampled_from(MACHINES)),
        retention_days=draw(_num(1, 90)),
    )
