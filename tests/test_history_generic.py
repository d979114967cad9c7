"""The recorded-history projection, on the first option whose table records a history: one call
for many profiles equals one call each, and what a run records and keeps open never shrinks as
it grows."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model.columns import Columns, profiles_frame
from model.history import history_of
from model.usage import Usage
from model.workload import workload
from tests.agents import agent
from tests.vendors.contract import newest_book

BOOK = newest_book()
TABLE = next(t for t in BOOK.options() if t.history is not None)


def _history(profiles):
    return history_of(Usage(workload(Columns(profiles_frame(profiles))), TABLE, "expected"))


def test_vectorised_projection_equals_one_by_one():
    profiles = [
        agent(steps_per_run=s, context_growth_kb=g, step_kind=k, step_payload_kb=p)
        for s in (1, 50, 900, 4000)
        for g in (0, 3)
        for k in ("activity", "local_activity")
        for p in (8, 700)
    ]
    together = _history(profiles)
    for i, p in enumerate(profiles):
        alone = _history([p])
        for name in (
            "events_per_run",
            "history_bytes_per_run",
            "segments",
            "recorded_events",
            "recorded_bytes",
            "mean_open_bytes",
        ):
            assert np.array_equal(getattr(together, name)[i : i + 1], getattr(alone, name)), (name, p)


@settings(max_examples=60, deadline=None)
@given(
    payload=st.floats(0, 1500),
    growth=st.one_of(st.just(0.0), st.floats(0, 30)),
    kind=st.sampled_from(["activity", "local_activity"]),
    waits=st.integers(0, 3),
)
def test_what_a_run_records_and_keeps_open_grows_with_its_steps(payload, growth, kind, waits):
    steps = np.unique(np.round(np.geomspace(1, 3000, 60)))
    profiles = [
        agent(
            steps_per_run=float(s),
            step_payload_kb=payload,
            context_growth_kb=growth,
            step_kind=kind,
            human_waits_per_run=waits,
            human_wait_seconds=86_400,
        )
        for s in steps
    ]
    h = _history(profiles)
    for name in (
        "events_per_run",
        "history_bytes_per_run",
        "segments",
        "recorded_events",
        "recorded_bytes",
        "mean_open_bytes",
    ):
        values = getattr(h, name)
        assert (np.diff(values) >= -1e-9 * np.maximum(values[:-1], 1)).all(), name
