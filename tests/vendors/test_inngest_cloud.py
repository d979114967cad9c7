"""Inngest Cloud: the vendor contract and its own rules (executions are a function run and each of its
steps, sleeps and waits included; plans include executions and events and cap the steps executing
at once; Pro buys extra concurrency in blocks of 25 and pays per million executions past its
allowance; the cheapest plan that takes the workload is chosen), and the run-state limits."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.engine import estimate
from model.result import summarize
from report.words import say
from schema.numbers import Tiered
from tests.agents import agent
from tests.vendors.contract import VendorContract, newest_book

OPTION = "inngest/cloud"
BOOK = newest_book()
TABLE = BOOK.table(OPTION)
PLANS = {p.id: p for p in TABLE.plans}
MILLION = 1e6
KB, MB = 1024.0, 1024.0**2


class TestInngestCloud(VendorContract):
    option = OPTION


# --- The table's numbers, read by hand -------------------------------------------------------------


def _execution_price(plan) -> float:
    """USD per execution past the plan's allowance (the Pro overage is a one-tier price)."""
    item = plan.prices.get("executions", TABLE.prices["executions"])
    assert item.unit.value == "USD/1M executions"
    if isinstance(item, Tiered):
        (tier,) = item.tiers
        return tier.price / MILLION
    return item.expected / MILLION


def _event_price() -> float:
    assert TABLE.prices["events"].unit.value == "USD/1M events"
    return TABLE.prices["events"].expected / MILLION


BLOCK = TABLE.counting["extra_concurrency_block"].expected


def _executions(runs, steps=0.0, retry=0.0, sleeps=0.0, waits=0.0, children=0.0) -> float:
    """ "An execution is one function run or one step execution. A function run with five steps uses
    six executions": the run, each step.run (and each retried attempt, as users count it), each
    step.sleep and step.waitForEvent, and per awaited child its step.invoke, the child's run and
    the child's step, whose retries count as the parent's do."""
    per_retry = TABLE.counting["executions_per_retry"].expected
    return runs * (1 + steps * (1 + retry * per_retry) + sleeps + waits + children * (3 + retry * per_retry))


def _published_ceiling(plan) -> float:
    """The most executions a plan's published prices cover: its allowance plus its last tier (Pro's
    pay as you go stops at 20M; past it, Enterprise), or no end."""
    item = plan.prices.get("executions", TABLE.prices["executions"])
    if isinstance(item, Tiered) and item.beyond_last and item.tiers[-1].up_to is not None:
        return plan.included["executions"].expected + item.tiers[-1].up_to
    return math.inf


def _plan_bills(executions: float, events: float, peak: float) -> dict[str, float]:
    """Each plan's bill, for the plans that can take the workload: the fee, executions and events
    past the allowance (only on a plan with overage; executions only up to what its published
    prices cover), and concurrency past the cap bought in whole blocks (only where the plan sells it)."""
    bills = {}
    for plan in TABLE.plans:
        covered = min(executions, _published_ceiling(plan))
        usage = (
            max(covered - plan.included["executions"].expected, 0.0) * _execution_price(plan)
            + max(events - plan.included["events"].expected, 0.0) * _event_price()
        )
        if not plan.overage and usage > 0:
            continue
        extra = 0.0
        cap = plan.concurrency.expected
        if peak > cap:
            if "extra_concurrency" not in plan.prices:
                continue
            extra = BLOCK * math.ceil((peak - cap) / BLOCK) * plan.prices["extra_concurrency"].expected
        bills[plan.id] = plan.fee.expected + usage + extra
    return bills


def _vendor(option) -> float:
    return sum(ln.cost[0] for ln in option.bill.lines if ln.category == "vendor")


def _lines(option):
    return {ln.key: ln for ln in option.bill.lines}


def test_the_plans_as_the_limits_page_lists_them():
    assert list(PLANS) == ["hobby", "pro", "business"]
    assert [PLANS[p].included["executions"].expected for p in PLANS] == [50_000, 1_000_000, 10_000_000]
    assert [PLANS[p].included["events"].expected for p in PLANS] == [500_000, 5_000_000, 50_000_000]
    assert [PLANS[p].concurrency.expected for p in PLANS] == [5, 100, 500]
    # only Pro takes usage past its allowance and sells extra concurrency: $25 a month per 25
    assert [PLANS[p].overage for p in PLANS] == [False, True, False]
    assert [p for p in PLANS if "extra_concurrency" in PLANS[p].prices] == ["pro"]
    assert BLOCK == 25 and BLOCK * PLANS["pro"].prices["extra_concurrency"].expected == 25
    assert _execution_price(PLANS["pro"]) * MILLION == 50


def test_a_run_with_five_steps_uses_six_executions():
    p = agent(monthly_runs=1000, steps_per_run=5, retry_rate=0, human_waits_per_run=0, sleeps_per_run=0)
    option = estimate(p, BOOK, [OPTION]).option(OPTION)
    assert option.bill.quantities["executions"][0] == 6 * 1000


def test_sleeps_waits_children_and_retries_are_executions():
    p = agent(
        monthly_runs=1000,
        steps_per_run=10,
        retry_rate=0.5,
        sleeps_per_run=2,
        sleep_seconds=60,
        human_waits_per_run=1,
        child_runs_per_run=3,
    )
    result = estimate(p, BOOK, [OPTION])
    # 1 run + 10 steps x 1.5 attempts + 2 sleeps + 1 wait + 3 x (invoke + child run + its step x 1.5) = 29.5
    assert result.option(OPTION).bill.quantities["executions"][0] == _executions(1000, 10, 0.5, 2, 1, 3) == 29_500
    # whether a retry is billed is not documented: the range spans 0 and 1 execution a retry
    counting = TABLE.counting["executions_per_retry"]
    assert (counting.low, counting.expected, counting.high) == (0, 1, 1)


# --- A bill by hand ------------------------------------------------------------------------------


def test_pro_bill_above_the_included_executions_by_hand():
    """100,000 runs of 20 steps: 2.1M executions. Pro: $99 + 1.1M x $50 per million = $154.
    Business ($499) takes it too; Hobby (50,000 executions, no overage) cannot."""
    p = agent(monthly_runs=100_000, steps_per_run=20, retry_rate=0, human_waits_per_run=0)
    result = estimate(p, BOOK, [OPTION])
    option = result.option(OPTION)
    lines = _lines(option)
    executions = _executions(100_000, 20)
    assert executions == 2_100_000
    fee = PLANS["pro"].fee.expected
    overage = (executions - PLANS["pro"].included["executions"].expected) * _execution_price(PLANS["pro"])
    assert fee + overage == pytest.approx(99 + 55)
    assert option.bill.plan[0] == "pro"
    assert lines["plan_fee"].cost[0] == fee
    assert lines["executions"].quantity[0] == pytest.approx(1_100_000)
    assert lines["executions"].cost[0] == pytest.approx(overage)
    assert lines["events"].cost[0] == 0  # 100,000 events of 5M included
    assert lines["extra_concurrency"].cost[0] == 0
    assert _vendor(option) == pytest.approx(154.0)
    out = summarize(result).options[0]
    plans = {x.id: x for x in out.plans}
    assert plans["hobby"].monthly_usd is None and plans["hobby"].reason.code == "plan_no_overage"
    assert plans["business"].monthly_usd == pytest.approx(499.0)
    assert out.subtotals["vendor"] == pytest.approx(154.0)


def test_events_past_the_allowance():
    p = agent(monthly_runs=200_000, steps_per_run=4, retry_rate=0, human_waits_per_run=0, events_per_run=40)
    option = estimate(p, BOOK, [OPTION]).option(OPTION)
    lines = _lines(option)
    # 8M events: 3M past Pro's 5M at $0.50 per million; 1M executions are all included
    assert option.bill.plan[0] == "pro"
    assert lines["events"].quantity[0] == 3_000_000
    assert lines["events"].cost[0] == pytest.approx(3 * 0.50)
    assert _vendor(option) == pytest.approx(99 + 1.50)


@pytest.mark.parametrize(("peak", "blocks"), [(101, 1), (125, 1), (126, 2), (130, 2), (300, 8)])
def test_extra_concurrency_is_bought_in_blocks_of_25(peak, blocks):
    p = agent(monthly_runs=10_000, steps_per_run=10, retry_rate=0, human_waits_per_run=0, peak_concurrent_runs=peak)
    option = estimate(p, BOOK, [OPTION]).option(OPTION)
    line = _lines(option)["extra_concurrency"]
    assert option.bill.plan[0] == "pro"
    assert line.quantity[0] == 25 * blocks
    assert line.cost[0] == pytest.approx(25.0 * blocks)
    assert _vendor(option) == pytest.approx(99 + 25 * blocks)
    assert bool(line.depends_on[0])


def test_business_wins_once_pro_needs_enough_extra_concurrency():
    """At 430 steps at once Pro needs 14 blocks ($350): $99 + $55 + $350 = $504 > Business's $499."""
    p = agent(monthly_runs=100_000, steps_per_run=20, retry_rate=0, human_waits_per_run=0, peak_concurrent_runs=430)
    option = estimate(p, BOOK, [OPTION]).option(OPTION)
    assert option.bill.plan_totals["pro"][0] == pytest.approx(99 + 55 + 14 * 25)
    assert option.bill.plan[0] == "business"
    assert _vendor(option) == pytest.approx(499.0)
    # past Business's 500 only Pro can buy the slots
    busier = p.model_copy(update={"peak_concurrent_runs": 520})
    option = estimate(busier, BOOK, [OPTION]).option(OPTION)
    assert option.bill.plan[0] == "pro"
    assert _vendor(option) == pytest.approx(99 + 55 + 17 * 25)


def test_hobby_caps_concurrency_at_five():
    small = agent(monthly_runs=1000, steps_per_run=10, retry_rate=0, human_waits_per_run=0)
    result = estimate([small, small.model_copy(update={"peak_concurrent_runs": 6})], BOOK, [OPTION]).option(OPTION)
    assert result.bill.plan.tolist() == ["hobby", "pro"]
    assert result.bill.plan_totals["hobby"][0] == 0


def test_executions_past_20m_have_no_public_price():
    """Past Business's 10M (no overage) and Pro's 1M + 19M pay as you go, only Enterprise takes the
    workload: the option is "price not public above 20M", never the cheapest, and its figure is what
    the published tiers cover (not 25M extrapolated at Pro's rate)."""
    inside = agent(monthly_runs=800_000, steps_per_run=24, retry_rate=0, human_waits_per_run=0)  # exactly 20M
    past = inside.model_copy(update={"monthly_runs": 1_000_000})  # 25M executions
    result = estimate([inside, past], BOOK, [OPTION, "trigger.dev/cloud"])
    option = result.option(OPTION)
    assert option.status.tolist() == ["fits", "not_public"]
    line = _lines(option)["executions"]
    assert line.quantity.tolist() == [19_000_000, 24_000_000]
    assert line.past_published.tolist() == [False, True]
    assert line.cost[1] == pytest.approx(19_000_000 * _execution_price(PLANS["pro"]))
    assert result.cheapest()[1] == "trigger.dev/cloud"
    out = summarize(result, 1).options[0]
    (reason,) = out.fit.reasons
    assert reason.code == "past_published_tier" and reason.data["up_to"] == 20_000_000
    assert say(reason).startswith("price not public above 20,000,000 executions of Executions")


@settings(max_examples=80, deadline=None)
@given(
    runs=st.floats(0, 3e6),
    steps=st.integers(0, 200),
    retry=st.sampled_from([0.0, 0.1, 1.0]),
    sleeps=st.integers(0, 3),
    waits=st.integers(0, 2),
    events=st.floats(0, 50),
    peak=st.one_of(st.none(), st.floats(1, 800)),
)
def test_the_cheapest_plan_that_takes_the_workload_is_chosen(runs, steps, retry, sleeps, waits, events, peak):
    p = agent(
        monthly_runs=runs,
        steps_per_run=steps,
        retry_rate=retry,
        sleeps_per_run=sleeps,
        sleep_seconds=60,
        human_waits_per_run=waits,
        events_per_run=events,
        peak_concurrent_runs=peak,
    )
    result = estimate(p, BOOK, [OPTION])
    option = result.option(OPTION)
    at_peak = float(result.work.peak_executing[0])  # the workload's peak, shared by every option
    bills = _plan_bills(_executions(runs, steps, retry, sleeps, waits), runs * events, at_peak)
    assert bills, "Pro always takes a workload"
    cheapest = min(bills.values())
    assert _vendor(option) == pytest.approx(cheapest, rel=1e-9, abs=1e-9)
    assert bills[option.bill.plan[0]] == pytest.approx(cheapest, rel=1e-9, abs=1e-9)
    for plan_id, total in option.bill.plan_totals.items():
        if plan_id in bills:
            assert total[0] == pytest.approx(bills[plan_id], rel=1e-9, abs=1e-9)
        else:
            assert math.isinf(total[0]), plan_id


def test_waiting_runs_hold_no_concurrency_and_cost_no_executions():
    """A sleeping or waiting run "does not count against your plan's concurrency limit"."""
    short = agent(monthly_runs=300_000, steps_per_run=20, human_wait_seconds=60)
    long = short.model_copy(update={"human_wait_seconds": 30 * 86_400})
    result = estimate([short, long], BOOK, [OPTION])
    option = result.option(OPTION)
    assert result.work.peak_executing[0] == result.work.peak_executing[1]
    assert option.total[0] == option.total[1]
    assert option.bill.quantities["executions"][0] == option.bill.quantities["executions"][1]


def test_your_app_serves_the_steps_and_is_priced_on_the_hosting_table():
    hosting = BOOK.table("reference/hosting")
    p = agent(monthly_runs=100_000, steps_per_run=20, retry_rate=0, human_waits_per_run=0, peak_concurrent_runs=200)
    out = summarize(estimate(p, BOOK, [OPTION])).options[0]
    executing = 20 * 8.0
    average = 100_000 / (730 * 3600) * executing
    units = average + hosting.assumptions["provisioning"].expected * (200 - average)
    vcpu = units * hosting.machines["0.5-vcpu-0.5-gb"].vcpu.expected
    assert out.quantities["worker_vcpu"] == pytest.approx(vcpu, rel=1e-9)
    cost = {c.key: c.cost_usd for c in out.components}
    assert cost["workers_vcpu"] == pytest.approx(vcpu * 730 * hosting.prices["vcpu_hour"].expected, rel=1e-9)
    people = BOOK.table("reference/people").assumptions["engineer_cost"].expected / 12
    assert cost["ops_people"] == pytest.approx(TABLE.assumptions["ops_fte"].expected * people)


# --- Limits on one run ---------------------------------------------------------------------------


def _walk_run_state(steps, payload_kb, growth_kb, sleeps=0, waits=0, children=0):
    """Step by step: the run state (each memoized step's result and its overhead, the trigger event's
    overhead, the children's results) and the first step that takes it past 32 MB."""
    overhead = TABLE.counting["state_overhead_bytes"].expected
    limit = TABLE.limits["run_state_mb"].expected * MB
    size = (1 + sleeps + waits + children) * overhead + children * payload_kb * KB
    first = math.inf
    for i in range(1, 200_000):
        size += overhead + (payload_kb + growth_kb * (i - 1)) * KB
        if i == steps:
            at_steps = size
        if size > limit and math.isinf(first):
            first = i
        if i >= steps and not math.isinf(first):
            break
    return (at_steps if steps else size), first


@pytest.mark.parametrize(
    ("steps", "payload", "growth", "sleeps", "waits", "children"),
    [(20, 8, 0, 0, 0, 0), (300, 16, 6, 2, 1, 0), (50, 64, 0, 0, 1, 3), (900, 4, 1.5, 5, 0, 2)],
)
def test_the_run_state_limit_is_projected_as_a_walk_through_the_steps(steps, payload, growth, sleeps, waits, children):
    p = agent(
        steps_per_run=steps,
        step_payload_kb=payload,
        context_growth_kb=growth,
        sleeps_per_run=sleeps,
        sleep_seconds=60,
        human_waits_per_run=waits,
        child_runs_per_run=children,
        retry_rate=0,
    )
    out = summarize(estimate(p, BOOK, [OPTION])).options[0]
    limits = {x.id: x for x in out.limits}
    state = limits["run_state_mb"]
    size, first = _walk_run_state(steps, payload, growth, sleeps, waits, children)
    assert state.limit == 32 * MB
    assert state.value == pytest.approx(size, rel=1e-12)
    assert state.steps_until_limit == (None if math.isinf(first) else first)
    assert state.exceeded == (size > 32 * MB)
    # the other limits of one run
    assert limits["steps_per_function"].value == steps + sleeps + waits + children
    assert limits["steps_per_function"].limit == 1000
    assert limits["step_return_mb"].value == pytest.approx((payload + growth * (steps - 1)) * KB)
    assert limits["step_return_mb"].limit == 4 * MB
    assert limits["step_timeout_hours"].limit == 2 * 3600
    assert limits["max_sleep_days"].limit == 365 * 86_400


def test_a_growing_conversation_passes_the_run_state_limit_and_says_so():
    p = agent(steps_per_run=300, step_payload_kb=16, context_growth_kb=6, retry_rate=0)
    out = summarize(estimate(p, BOOK, [OPTION])).options[0]
    state = {x.id: x for x in out.limits}["run_state_mb"]
    # 300 x (16 KB + 100 B) + 6 KB x 300 x 299 / 2 = about 267 MB, far past 32 MB
    assert state.exceeded and state.hard
    # No design of Inngest's table gets around it (its docs publish none): the option is ruled out.
    assert out.fit.status == "ruled_out" and not out.applicable
    assert any("32 MB run state size limit" in say(r) for r in out.fit.reasons)
