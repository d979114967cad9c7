"""History projection: event counts from Temporal's own tests, limits against a step-by-step
simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.history import project_history
from model.profile import Columns, WorkloadProfile, profiles_frame
from model.units import BYTES_PER_KB, BYTES_PER_MB
from pricing.load import read_pricebook
from tests.conftest import latest_date

_TABLE = read_pricebook(on=latest_date()).table("temporal/cloud")


@pytest.fixture(scope="module")
def temporal(book):
    return book.table("temporal/cloud")


def _project(table, **fields):
    base = {"retry_rate": 0, "human_waits_per_run": 0, "sleeps_per_run": 0}
    return project_history(Columns(profiles_frame(WorkloadProfile(**{**base, **fields}))), table)


def test_one_activity_is_eleven_events(temporal):
    # temporalio/temporal tests/activity_test.go: a workflow with one activity has 11 events.
    h = _project(temporal, steps_per_run=1)
    assert h.events_per_run[0] == 11


def test_sequential_activity_cap(temporal):
    h = _project(temporal, steps_per_run=10, step_payload_kb=0)
    # (51,200 - 5) / 6 = 8,532.5: step 8,533 takes the history past the limit.
    assert h.steps_until_event_limit[0] == 8533
    # warning at 10,240 events: (10,240 - 5) / 6 = 1,705.8 -> step 1,706
    assert h.steps_until_event_warning[0] == 1706


def test_timers_signals_and_children_add_events(temporal):
    base = _project(temporal, steps_per_run=3).events_per_run[0]
    assert _project(temporal, steps_per_run=3, sleeps_per_run=2, sleep_seconds=60).events_per_run[0] == base + 10
    assert _project(temporal, steps_per_run=3, human_waits_per_run=1).events_per_run[0] == base + 6
    assert _project(temporal, steps_per_run=3, child_runs_per_run=1).events_per_run[0] == base + 9


def test_growing_context_makes_size_bind_first_and_payload_block(temporal):
    h = _project(temporal, steps_per_run=400, step_payload_kb=16, context_growth_kb=6)
    assert h.binding_limit[0] == "history_size"
    assert h.steps_until_size_limit[0] < h.steps_until_payload_limit[0] < h.steps_until_event_limit[0]
    # step n records 16 + 6 (n - 1) KB; 2 MB = 2,048 KB is passed at n = ceil((2048-16)/6) + 1
    assert h.steps_until_payload_limit[0] == math.floor((2048 - 16) / 6) + 2
    assert bool(h.payload_blocks_continue_as_new[0])
    assert h.continue_as_new_segments[0] > 1


def test_small_run_needs_no_continue_as_new(temporal):
    h = _project(temporal, steps_per_run=50, step_payload_kb=8)
    assert h.continue_as_new_segments[0] == 1
    assert not h.exceeds_limit[0]


def _simulate_size_step(table, steps_cap, payload_kb, growth_kb, overhead, limit_bytes):
    """Walk step by step: the first step after which the history passes `limit_bytes`."""
    size = 5 * overhead
    for n in range(1, steps_cap + 1):
        size += 6 * overhead + (payload_kb + growth_kb * (n - 1)) * BYTES_PER_KB
        if size > limit_bytes:
            return n
    return math.inf


@settings(max_examples=60, deadline=None)
@given(payload=st.floats(0, 2000), growth=st.floats(0, 200))
def test_size_limit_step_matches_a_step_by_step_walk(payload, growth):
    table = _TABLE
    h = _project(table, steps_per_run=1, step_payload_kb=payload, context_growth_kb=growth)
    overhead = table.counting["event_overhead_bytes"].expected
    expected = _simulate_size_step(table, 20_000, payload, growth, overhead, 50 * BYTES_PER_MB)
    got = h.steps_until_size_limit[0]
    if math.isinf(expected):
        assert got > 20_000
    else:
        assert got == expected


def test_vectorised_projection_equals_one_by_one(temporal):
    profiles = [
        WorkloadProfile(steps_per_run=s, context_growth_kb=g, step_kind=k)
        for s in (1, 50, 900)
        for g in (0, 3)
        for k in ("activity", "local_activity")
    ]
    together = project_history(Columns(profiles_frame(profiles)), temporal)
    for i, p in enumerate(profiles):
        alone = project_history(Columns(profiles_frame(p)), temporal)
        for name in ("events_per_run", "history_bytes_per_run", "steps_until_size_limit", "continue_as_new_segments"):
            assert np.array_equal(getattr(together, name)[i : i + 1], getattr(alone, name)), name
