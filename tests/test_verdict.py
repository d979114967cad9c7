"""The honest headline: the gap split by what it is made of, ranges that overlap called too close,
and the input that would flip the answer, checked against the engine directly."""

from __future__ import annotations

import numpy as np
import pytest

from model.engine import estimate
from model.result import summarize
from model.verdict import flip_point, verdict
from pricing.load import read_pricebook
from report.verdict_words import flip_sentence, verdict_details, verdict_sentence
from tests.agents import agent

BOOK = read_pricebook()


def _pair(best: str, runner: str, **fields):
    profile = agent(options=(best, runner), **fields)
    return profile, summarize(estimate(profile, BOOK, [best, runner]))


def test_the_gap_is_split_into_vendor_infrastructure_and_people():
    # The case: 200,000 runs of 15 four-second steps, Trigger.dev Cloud against Temporal Cloud.
    _, result = _pair("trigger.dev/cloud", "temporal/cloud", monthly_runs=200_000, steps_per_run=15, step_seconds=4)
    v = verdict(result)
    best, runner = v.best, v.runner
    assert (best.id, runner.id) == ("trigger.dev/cloud", "temporal/cloud")
    assert sum(v.parts.values()) == pytest.approx(v.gap)
    for category, part in v.parts.items():
        assert part == pytest.approx(runner.subtotals[category] - best.subtotals[category])
    assert v.parts["vendor"] < 0 and v.decided_by == "people"  # Temporal's own bill is the lower one
    details = " ".join(verdict_details(v, result))
    assert "Temporal Cloud's vendor bill is" in details and "lower" in details


def test_overlapping_ranges_are_too_close_to_call():
    _, result = _pair("trigger.dev/cloud", "temporal/cloud", monthly_runs=200_000, steps_per_run=15, step_seconds=4)
    v = verdict(result)
    assert v.too_close == (v.runner.low_usd <= v.best.high_usd) and v.too_close
    assert verdict_sentence(v, result).startswith("Too close to call on these inputs")
    assert "is the cheapest" not in verdict_sentence(v, result)


def test_a_clear_gap_names_the_winner():
    _, result = _pair("cloudflare/workflows", "temporal/self-hosted", monthly_runs=3000)
    v = verdict(result)
    assert not v.too_close and v.best.high_usd < v.runner.low_usd
    assert verdict_sentence(v, result).startswith(f"{v.best.name} ({v.best.plan}) is the cheapest")


def test_the_ops_share_break_even_flips_the_answer_as_the_engine_says():
    """Found with the crossover machinery; checked here on the engine directly: just under the
    break-even share Temporal Cloud is the cheaper, just over it Trigger.dev Cloud."""
    profile, result = _pair(
        "trigger.dev/cloud", "temporal/cloud", monthly_runs=200_000, steps_per_run=15, step_seconds=4
    )
    flip = flip_point(profile, BOOK, result)
    assert flip is not None and flip.field == "ops_fte.temporal/cloud"
    assert 0 < flip.value < flip.current
    # Independently: Temporal Cloud's total is linear in its ops share; solve for the share
    # at which it equals Trigger.dev Cloud's.
    temporal = next(o for o in result.options if o.id == "temporal/cloud")
    trigger = next(o for o in result.options if o.id == "trigger.dev/cloud")
    people = next(c for c in temporal.components if c.key == "ops_people")
    solved = people.quantity - (temporal.monthly_usd - trigger.monthly_usd) / people.unit_price
    assert flip.value == pytest.approx(solved, rel=1e-6)
    for share, cheaper in ((solved * 0.99, "temporal/cloud"), (solved * 1.01, "trigger.dev/cloud")):
        changed = profile.model_copy(
            update={"team": profile.team.model_copy(update={"ops_fte": {"temporal/cloud": share}})}
        )
        assert summarize(estimate(changed, BOOK, list(profile.options))).cheapest == cheaper
    said = flip_sentence(flip, result)
    assert f"{flip.value:.2g}" in said and "Temporal Cloud would be the cheaper" in said


def test_the_volume_break_even_flips_the_answer_as_the_engine_says():
    profile, result = _pair("cloudflare/workflows", "trigger.dev/cloud")  # the coding agent's shape
    flip = flip_point(profile, BOOK, result)
    assert flip is not None and flip.field == "monthly_runs"
    # Independently of the root finder: a fine grid of volumes, priced as profiles of their own (in
    # one call), changes its cheapest there.
    runs = np.geomspace(1, profile.monthly_runs, 400)
    grid = estimate([profile.model_copy(update={"monthly_runs": float(r)}) for r in runs], BOOK, list(profile.options))
    cheapest = [summarize(grid, i).cheapest for i in range(len(runs))]
    changes = [(runs[i], runs[i + 1]) for i in range(len(runs) - 1) if cheapest[i] != cheapest[i + 1]]
    assert changes, "the cheapest never changes on the grid"
    low, high = changes[-1]
    assert low <= flip.value <= high
    assert cheapest[0] == "trigger.dev/cloud" and flip.below and "below" in flip_sentence(flip, result)
