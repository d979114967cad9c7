"""Trigger.dev Cloud: the vendor contract and its own rules (compute-seconds with free checkpointed
waits, one fee per run, plans capped by the runs executing at once)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.columns import Columns, profiles_frame
from model.engine import estimate
from model.result import summarize
from model.usage import Usage
from model.workload import workload
from report.words import say
from tests.agents import agent
from tests.vendors.contract import VendorContract, newest_book

OPTION = "trigger.dev/cloud"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)


class TestTriggerCloud(VendorContract):
    option = OPTION


def _usage(**fields) -> Usage:
    return Usage(workload(Columns(profiles_frame(agent(**fields)))), TABLE, "expected")


def test_billable_seconds_count_attempts_short_sleeps_and_children():
    u = _usage(
        steps_per_run=10,
        step_seconds=2,
        retry_rate=0,
        sleeps_per_run=3,
        sleep_seconds=4,
        child_runs_per_run=2,
        human_waits_per_run=1,
        human_wait_seconds=7200,
    )
    # 10 x 2 s + 3 sleeps of 4 s (under the 5 s threshold: billed) + 2 children x 2 s; the wait is free.
    assert u.per_run("billable_seconds").total[0] == 36
    # the run and each awaited child pay the run fee
    assert u.per_run("invocations").total[0] == 3
    long = _usage(steps_per_run=10, step_seconds=2, retry_rate=0, sleeps_per_run=3, sleep_seconds=60)
    assert long.per_run("billable_seconds").total[0] == 20


def test_a_retry_is_billed_for_its_time_but_not_as_a_run():
    u = _usage(steps_per_run=10, step_seconds=2, retry_rate=0.5, human_waits_per_run=0)
    assert u.per_run("billable_seconds").total[0] == 30
    assert u.per_run("invocations").total[0] == 1


def test_waiting_runs_hold_no_concurrency_slot():
    short = agent(human_wait_seconds=60)
    long = agent(human_wait_seconds=30 * 86_400)
    result = estimate([short, long], BOOK, [OPTION])
    assert result.work.peak_executing[0] == result.work.peak_executing[1]
    assert result.option(OPTION).total[0] == result.option(OPTION).total[1]


def test_the_concurrency_cap_is_hard_and_the_peak_follows_volume(presets):
    """The coding agent at 4.36M runs a month keeps about 2,200 runs executing: far past Hobby's
    cap, so only a plan that can buy extra concurrency takes it."""
    busy = presets["coding-agent"].model_copy(update={"monthly_runs": 4_360_000})
    out = summarize(estimate(busy, BOOK, [OPTION]))
    assert out.workload.peak_concurrent_runs == pytest.approx(2190, rel=0.01)
    assert out.workload.peak_concurrent_runs_source in ("derived", "raised")
    option = out.options[0]
    hobby = next(p for p in option.plans if p.id == "hobby")
    assert hobby.monthly_usd is None and "fewer than the peak" in say(hobby.reason)
    assert option.plan == "Pro"
    extra = next(c for c in option.components if c.key == "extra_concurrency")
    cap = next(p for p in TABLE.plans if p.id == "pro").concurrency.expected
    block = TABLE.counting["extra_concurrency_block"].expected
    # bought in whole blocks: the fewest that cover the peak
    assert extra.quantity == block * math.ceil((out.workload.peak_concurrent_runs - cap) / block)
    assert extra.quantity - block < out.workload.peak_concurrent_runs - cap <= extra.quantity
    assert extra.depends_on


def test_the_free_plan_takes_no_usage_beyond_its_credit():
    tiny = agent(monthly_runs=10, steps_per_run=1, step_seconds=1, human_waits_per_run=0)
    more = tiny.model_copy(update={"monthly_runs": 100_000})
    result = estimate([tiny, more], BOOK, [OPTION]).option(OPTION)
    assert result.bill.plan.tolist()[0] == "free"
    assert result.bill.plan.tolist()[1] != "free"
    assert not np.isfinite(result.bill.plan_totals["free"][1])


def test_an_idle_month_costs_the_cheapest_plan_that_takes_the_peak():
    for peak in (5.0, 40.0, 150.0, 900.0):
        idle = agent(monthly_runs=0, peak_concurrent_runs=peak)
        fits = [p.fee.expected for p in TABLE.plans if p.concurrency.expected >= peak]
        if not fits:
            fits = [
                p.fee.expected + (peak - p.concurrency.expected) * p.prices["extra_concurrency"].expected
                for p in TABLE.plans
                if "extra_concurrency" in p.prices
            ]
        bill = estimate(idle, BOOK, [OPTION]).option(OPTION).bill
        vendor = sum(ln.cost[0] for ln in bill.lines if ln.category == "vendor")
        assert vendor == pytest.approx(min(fits))


def test_compute_is_priced_per_machine():
    small = agent(machine="0.5-vcpu-0.5-gb")
    big = agent(machine="8-vcpu-16-gb")
    lines = [
        next(ln for ln in estimate(p, BOOK, [OPTION]).option(OPTION).bill.lines if ln.key == "compute")
        for p in (small, big)
    ]
    assert lines[0].unit_price[0] == TABLE.prices["compute.0.5-vcpu-0.5-gb"].expected
    assert lines[1].unit_price[0] == TABLE.prices["compute.8-vcpu-16-gb"].expected


def test_a_short_wait_keeps_its_concurrency_slot():
    """A wait.for keeps its slot until it is checkpointed, 60 s into it: 50,000 runs of five 2 s steps
    and twenty 30 s sleeps, arriving over 8 hours, hold 34.8 slots at the peak (34 of them in the
    sleeps), past the Free plan's 20, where the steps alone would need 0.6."""
    release = TABLE.counting["slot_release_seconds"].expected
    assert release == 60
    p = agent(
        monthly_runs=50_000,
        steps_per_run=5,
        step_seconds=2,
        retry_rate=0,
        human_waits_per_run=0,
        sleeps_per_run=20,
        sleep_seconds=30,
        peak_window_hours=8,
    )
    usage = Usage(workload(Columns(profiles_frame(p))), TABLE, "expected")
    window_rate = 50_000 / (365 / 12) / (8 * 3600)
    assert usage.slots()[0] == pytest.approx(window_rate * (5 * 2 + 20 * 30))
    assert usage.work.peak_executing[0] == pytest.approx(window_rate * 10)
    free = next(x for x in TABLE.plans if x.id == "free")
    assert free.concurrency.expected == 20 < usage.slots()[0]
    out = summarize(estimate(p, BOOK, [OPTION])).options[0]
    assert out.plan != "Free"
    assert out.plan_reason.data["peak"] == pytest.approx(usage.slots()[0])
    # a wait past 60 s gives its slot back after 60 s: a 10-minute sleep holds one as long as a 60 s one
    longer = p.model_copy(update={"sleep_seconds": 600})
    minute = p.model_copy(update={"sleep_seconds": 60})
    slots = [Usage(workload(Columns(profiles_frame(x))), TABLE, "expected").slots()[0] for x in (longer, minute)]
    assert slots[0] == pytest.approx(slots[1])
