"""Trigger.dev self-hosted: the vendor contract; no checkpoints, so every open run holds its
container, and the documented platform and worker-host minimums."""

from __future__ import annotations

import pytest

from model.engine import estimate
from model.result import summarize
from report.words import say
from tests.agents import agent
from tests.vendors.contract import VendorContract, newest_book

OPTION = "trigger.dev/self-hosted"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)


class TestTriggerSelfHosted(VendorContract):
    option = OPTION


def test_waiting_runs_keep_their_containers():
    short = agent(monthly_runs=200_000, human_wait_seconds=60)
    long = agent(monthly_runs=200_000, human_wait_seconds=86_400)
    result = estimate([short, long], BOOK, [OPTION]).option(OPTION)
    assert result.bill.quantities["open_runs_peak"][1] > result.bill.quantities["open_runs_peak"][0]
    assert result.total[1] > result.total[0]


def test_a_small_workload_still_needs_the_minimum_worker_host():
    out = summarize(estimate(agent(monthly_runs=10), BOOK, [OPTION])).options[0]
    assert out.quantities["worker_vcpu"] == TABLE.assumptions["worker_min_vcpu"].expected
    assert out.quantities["worker_memory_gb"] == TABLE.assumptions["worker_min_memory_gb"].expected
    assert out.plan == "self-hosted" and say(out.plan_reason).startswith(TABLE.license.name)


def test_the_platform_is_priced_on_the_hosting_table():
    hosting = BOOK.table("reference/hosting")
    out = summarize(estimate(agent(), BOOK, [OPTION])).options[0]
    platform = next(c for c in out.components if c.key == "platform")
    per_hour = (
        TABLE.assumptions["platform_vcpu"].expected * hosting.prices["vcpu_hour"].expected
        + TABLE.assumptions["platform_memory_gb"].expected * hosting.prices["gb_ram_hour"].expected
    )
    assert platform.cost_usd == pytest.approx(per_hour * 730)
