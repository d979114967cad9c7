"""Fit before price: for every hard limit every table declares, a run just under it and just over it.

Under, the option runs the workload (as designed, or as a design taken because it is cheaper) and
the limit is not among its reasons. Over, it is priced as the table's named design that lifts the
limit, or it is ruled out with the limit, the step and the source; and then it is never the cheapest
in the engine, the JSON contract, the headline or the Monte Carlo.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from model.columns import profiles_frame
from model.engine import estimate, project
from model.fit import WORKAROUND
from model.outlook import outlook
from model.result import summarize
from model.verdict import verdict
from pricing.load import read_pricebook
from report.compare import to_jsonable
from report.option_words import option_name
from report.verdict_words import verdict_sentence
from report.words import say
from schema.profile import WorkloadProfile
from tests.agents import agent

BOOK = read_pricebook()
CHEAP = "trigger.dev/cloud"
"""An option priced beside each one tested, so there is always something else to be the cheapest."""

BASE = agent(
    monthly_runs=1000,
    steps_per_run=10,
    step_seconds=5,
    retry_rate=0,
    human_waits_per_run=0,
    step_payload_kb=0,
    context_growth_kb=0,
    peak_window_hours=24,
)

# How each measure is moved: the field, and a base that lets it move (a wait to lengthen, say).
MOVES: dict[str, tuple[str, dict[str, float]]] = {
    "events": ("steps_per_run", {}),
    "history_bytes": ("context_growth_kb", {"steps_per_run": 200, "step_payload_kb": 1}),
    "payload_bytes": ("step_payload_kb", {}),
    "state_bytes": ("step_payload_kb", {}),
    "run_seconds": ("human_wait_seconds", {"human_waits_per_run": 1}),
    "wait_seconds": ("sleep_seconds", {"sleeps_per_run": 1}),
    "step_seconds": ("step_seconds", {}),
    "step_cpu_seconds": ("step_seconds", {"step_cpu_share": 0.5}),
    "step_memory_mb": ("step_memory_mb", {}),
    "concurrent_runs": ("monthly_runs", {"step_seconds": 600, "peak_window_hours": 1}),
    "start_rate": ("monthly_runs", {"peak_window_hours": 1}),
    "quantity": ("steps_per_run", {}),
}
QUANTITY_MOVES = {"callbacks": "human_waits_per_run", "awaited_children": "child_runs_per_run"}
"""Quantity limits of none, moved by the count they bound."""


def _cases() -> list[tuple[str, str]]:
    return [(t.id, x.id) for t in BOOK.options() for x in t.run_limits if x.hard]


def _limit_value(profiles: list[WorkloadProfile], option: str, limit: str) -> tuple[np.ndarray, float]:
    projected = {x.id: x for x in project(profiles_frame(profiles), BOOK)[option]}[limit]
    return np.asarray(projected.value, dtype=float), projected.limit


def _crossing(option: str, limit: str) -> tuple[WorkloadProfile, WorkloadProfile] | None:
    """A profile just under the limit and one just over it, moved along one field; None when the
    field cannot reach it within its bounds."""
    table = BOOK.table(option)
    spec = next(x for x in table.run_limits if x.id == limit)
    if spec.measure == "needs_machine":  # a yes or no: an API call, or a step that needs a machine
        return BASE, BASE.model_copy(update={"step_needs_machine": True})
    field, base = MOVES[spec.measure]
    if spec.measure == "quantity" and limit in QUANTITY_MOVES:
        field, base = QUANTITY_MOVES[limit], {}
    start = BASE.model_copy(update=base)
    high = {"monthly_runs": 1e10, "steps_per_run": 1e6}.get(field)
    top = float(high if high is not None else WorkloadProfile.model_fields[field].metadata[-1].le)
    least = float(WorkloadProfile.model_fields[field].metadata[0].ge or 0.0)
    grid = np.unique(np.concatenate([[least], np.geomspace(max(least, 1e-3), top, 400)]))
    if field in ("steps_per_run", "human_waits_per_run", "child_runs_per_run", "sleeps_per_run"):
        grid = np.unique(np.ceil(grid))
    at: Callable[[float], WorkloadProfile] = lambda v: start.model_copy(update={field: float(v)})  # noqa: E731
    values, level = _limit_value([at(v) for v in grid], option, limit)
    over = np.flatnonzero(values > level)
    if not len(over) or over[0] == 0:
        return None
    lo, hi = float(grid[over[0] - 1]), float(grid[over[0]])
    integral = field in ("steps_per_run", "human_waits_per_run", "child_runs_per_run", "sleeps_per_run")
    for _ in range(200):
        if (integral and hi - lo <= 1) or (not integral and hi - lo <= 1e-9 * max(1.0, hi)):
            break
        mid = math.floor((lo + hi) / 2) if integral else (lo + hi) / 2
        (value,), _ = _limit_value([at(mid)], option, limit)
        lo, hi = (mid, hi) if value <= level else (lo, mid)
    return at(lo), at(hi)


@pytest.mark.parametrize(("option", "limit"), _cases())
def test_just_under_a_hard_limit_runs_and_just_over_it_is_a_design_or_out(option, limit):
    pair = _crossing(option, limit)
    if pair is None:
        pytest.skip(f"{limit} cannot be reached by moving one field of a small run")
    under, over = pair
    result = estimate([under, over], BOOK, [option, CHEAP])
    mine = result.option(option)
    below, above = (summarize(result, i) for i in (0, 1))
    out_below = next(o for o in below.options if o.id == option)
    out_above = next(o for o in above.options if o.id == option)

    # Under: the limit is neither passed nor lifted.
    crossed = {x.id: x for x in out_below.limits}[limit]
    assert not crossed.exceeded
    assert limit not in {r.data.get("limit") for r in out_below.fit.reasons if r.code.startswith("limit_")}

    # Over a limit of the history that the option's restarts (Continue-As-New) keep each segment
    # under: it still runs, and says so as a warning.
    if {x.id: x for x in out_above.limits}[limit].avoidable:
        assert out_above.applicable
        assert any(w.code == "limit_avoided" and w.data["limit"] == limit for w in out_above.warnings)
        return

    # Over: a named design that lifts it, or out with the limit, its step and its source.
    lifted_by = [d for d in BOOK.table(option).designs if limit in d.lifts]
    status = str(mine.status[1])
    about = {r.data.get("limit"): r for r in out_above.fit.reasons}
    assert limit in about, (status, out_above.fit)
    reason = about[limit]
    if status == WORKAROUND:
        assert lifted_by and reason.code == "limit_lifted"
        assert out_above.fit.design_name and option_name(out_above).endswith(out_above.fit.design_name)
    else:
        assert status == "ruled_out", status
        assert reason.code == "limit_passed"
        assert reason.data["source"], reason  # the page the limit is read from
        assert say(reason).startswith("the run ")
        # never the cheapest: in the engine, the JSON, the headline
        assert result.cheapest()[1] != option
        assert to_jsonable(above)["cheapest"] != option
        best = verdict(above).best
        assert best is None or best.id != option
        assert not verdict_sentence(verdict(above), above).startswith(out_above.name)


def test_a_ruled_out_option_is_never_the_monte_carlo_s_cheapest():
    """A run of 200 steps of 2 minutes with a person's approval: Express's five minutes rule it out, and
    in no draw is it the cheapest."""
    profile = BASE.model_copy(update={"steps_per_run": 200, "step_seconds": 120, "human_waits_per_run": 1})
    seen = outlook(profile, BOOK, ["aws/step-functions-express", CHEAP], draws=200, band_draws=0, path_draws=0)
    express = seen.monte_carlo.option("aws/step-functions-express")
    assert express.cheapest_share == 0 and express.runs_share == 0
