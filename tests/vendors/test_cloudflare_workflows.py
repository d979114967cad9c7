"""Cloudflare Workflows: the vendor contract, the worked examples on the Workers pricing page the
table cites (the Workers Paid plan: $5 a month, requests and CPU-ms included, then per-million
prices), CPU time billed, not wall time (waiting costs nothing), stored state in GB-months, the
per-step billing from 2026-08-10 against the 2025-09-15 price list, and one instance's limits."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import assume, given, settings

from model.engine import estimate
from model.result import summarize
from pricing.load import list_table_files, read_pricebook, read_table
from report.words import say
from schema.profile import WorkloadProfile
from tests.agents import agent
from tests.strategies import profiles
from tests.vendors.contract import VendorContract, newest_book

OPTION = "cloudflare/workflows"
STORAGE_ERA = dt.date(2025, 9, 15)
"""Requests, CPU time and (from this day) stored state; steps not billed."""
STEPS_ERA = dt.date(2026, 8, 10)
"""Steps billed too."""
OLD_BOOK = read_pricebook(on=STORAGE_ERA)
NEW_BOOK = read_pricebook(on=STEPS_ERA)
OLD = OLD_BOOK.table(OPTION)
NEW = NEW_BOOK.table(OPTION)
BOOK = newest_book()
TABLE = BOOK.table(OPTION)

MILLION = 1e6
HUNDRED_K = 1e5
KB, GB = 1024.0, 1024.0**3


def _records(table, steps: float, sleeps: float = 0, waits: float = 0) -> float:  # type: ignore[no-untyped-def]
    """What the engine stores of a run beside its steps' results [KB]: the table's measured overheads
    (`state_overhead_kb_*`) per run, step, sleep and wait."""
    c = {k: v.expected for k, v in table.counting.items()}
    return (
        c["state_overhead_kb_per_run"]
        + steps * c["state_overhead_kb_per_step"]
        + sleeps * c["state_overhead_kb_per_sleep"]
        + waits * c["state_overhead_kb_per_wait"]
    )


DAYS_PER_MONTH = 365 / 12  # the engine's average month (730 h), as the README states
SECONDS_PER_DAY = 86_400


class TestCloudflareWorkflows(VendorContract):
    option = OPTION


# --- Reading the table's own numbers ---------------------------------------------------------------


def _paid(table):
    plan = next(p for p in table.plans if p.id == "paid")
    assert [p.id for p in table.plans] in (["paid"], ["free", "paid"])
    return plan


def _rates(table) -> dict[str, float]:
    """Per-unit prices, converted by hand from the units the table quotes them in."""
    units = {
        "requests": ("USD/1M requests", MILLION),
        "cpu_ms": ("USD/1M CPU-ms", MILLION),
        "storage": ("USD/GB-month", 1.0),
        "steps": ("USD/100k steps", HUNDRED_K),
    }
    out = {}
    for key, item in table.prices.items():
        if key.startswith("container_"):  # the Containers a step may run in: priced apart (below)
            continue
        unit, per = units[key]
        assert item.unit.value == unit, key
        out[key] = item.expected / per
    return out


def _hand_bill(
    table,
    *,
    runs,
    steps=0.0,
    sleeps=0.0,
    waits=0.0,
    children=0.0,
    retry=0.0,
    step_seconds=0.0,
    cpu_share=0.0,
    gb_months=0.0,
) -> dict[str, float]:
    """The Workers Paid bill as Cloudflare's pricing pages state it: $5, then requests (a new
    instance, and each child instance) and CPU milliseconds (every attempt of every step) past
    the allowances, stored GB-months past the included one, and, where the table bills steps,
    step.do, step.sleep and step.waitForEvent calls (a child's step too; retries are not steps)."""
    plan, rate = _paid(table), _rates(table)
    included = {k: v.expected for k, v in plan.included.items()}
    usage = {
        "requests": runs * (1 + children),
        "cpu_ms": runs * (steps + children) * step_seconds * (1 + retry) * cpu_share * 1000,
        "storage": gb_months,
    }
    if "steps" in table.prices:
        usage["steps"] = runs * (steps + sleeps + waits + children)
    bill = {"plan_fee": plan.fee.expected}
    for key, quantity in usage.items():
        bill[key] = max(quantity - included[key], 0.0) * rate[key]
    return bill


def _lines(book, profile):
    option = estimate(profile, book, [OPTION]).option(OPTION)
    return {ln.key: ln for ln in option.bill.lines}, option


def _vendor_total(lines) -> float:
    return sum(ln.cost[0] for ln in lines.values() if ln.category == "vendor")


def test_both_price_lists_are_kept_and_only_the_later_bills_steps():
    versions = {f.effective: read_table(f.path) for f in list_table_files() if f.table_id == OPTION}
    assert sorted(versions) == [STORAGE_ERA, STEPS_ERA]
    assert OLD.effective == STORAGE_ERA and NEW.effective == STEPS_ERA and TABLE.effective == STEPS_ERA
    assert [m.id for m in OLD.meters] == ["requests", "cpu_ms", "storage"]
    assert [m.id for m in NEW.meters] == ["requests", "cpu_ms", "storage", "steps", "container_cpu", "container_memory"]
    assert [m.design for m in NEW.meters] == [None, None, None, None, "containers", "containers"]
    # the Workers Paid prices and allowances did not move when step billing began (the Containers a
    # step may run in are priced in the later table only)
    later = {"steps", "container_cpu", "container_memory"}
    assert _rates(OLD) == {k: v for k, v in _rates(NEW).items() if k not in later}
    old_in = {k: v.expected for k, v in _paid(OLD).included.items()}
    new_in = {k: v.expected for k, v in _paid(NEW).included.items()}
    assert old_in == {k: v for k, v in new_in.items() if k not in later}
    assert _paid(OLD).fee.expected == _paid(NEW).fee.expected == 5


# --- Worked examples on the Workers pricing page (the table's cf-minimum source) -------------------

WORKERS_EXAMPLES = [
    # (example, requests a month, CPU ms a request, stated requests $, stated CPU $, stated total $)
    ("example 1", 15_000_000, 7, 1.50, 1.50, 8.00),
    ("example 3", 720, 180_000, 0.00, 1.99, 6.99),
    ("example 4", 100_000_000, 7, 27.00, 13.40, 45.40),
]


def _one_request_profile(requests: float, cpu_ms: float) -> WorkloadProfile:
    """A request that is an instance with one step using `cpu_ms` of CPU and storing nothing."""
    return agent(
        monthly_runs=requests,
        steps_per_run=1,
        step_seconds=cpu_ms / 1000,
        step_cpu_share=1.0,
        retry_rate=0,
        human_waits_per_run=0,
        sleeps_per_run=0,
        child_runs_per_run=0,
        state_kb_per_run=0,
    )


@pytest.mark.parametrize(
    ("name", "requests", "cpu_ms", "stated_requests", "stated_cpu", "stated_total"),
    WORKERS_EXAMPLES,
    ids=[e[0] for e in WORKERS_EXAMPLES],
)
def test_workers_pricing_examples(name, requests, cpu_ms, stated_requests, stated_cpu, stated_total):
    """ "A Worker that serves 15 million requests per month, and uses an average of 7 milliseconds (ms)
    of CPU time per request": $5.00 + $1.50 + $1.50 = $8.00 (and examples 3 and 4 on the same page),
    priced on the list before steps were billed."""
    lines, option = _lines(OLD_BOOK, _one_request_profile(requests, cpu_ms))
    hand = _hand_bill(OLD, runs=requests, steps=1, step_seconds=cpu_ms / 1000, cpu_share=1.0)
    assert option.bill.plan[0] == "paid"
    assert {k for k, ln in lines.items() if ln.category == "vendor"} == set(hand)
    for key, cost in hand.items():
        assert lines[key].cost[0] == pytest.approx(cost, rel=1e-12, abs=1e-12), key
    # the page's own figures, to the cent
    assert lines["plan_fee"].cost[0] == 5.00
    assert lines["requests"].cost[0] == pytest.approx(stated_requests, abs=0.005)
    assert lines["cpu_ms"].cost[0] == pytest.approx(stated_cpu, abs=0.005)
    assert lines["storage"].cost[0] == 0
    assert _vendor_total(lines) == pytest.approx(stated_total, abs=0.005)
    # quantities past the allowances, by hand
    assert lines["requests"].quantity[0] == max(requests - 10_000_000, 0)
    assert lines["cpu_ms"].quantity[0] == pytest.approx(max(requests * cpu_ms - 30_000_000, 0))


WITHIN_A_STEP = [e for e in WORKERS_EXAMPLES if e[2] <= 30_000]
"""The examples whose CPU a step may use by default on Workflows (30 s)."""


@pytest.mark.parametrize(
    ("name", "requests", "cpu_ms", "stated_requests", "stated_cpu", "stated_total"),
    WITHIN_A_STEP,
    ids=[e[0] for e in WITHIN_A_STEP],
)
def test_the_same_examples_from_2026_08_10_add_exactly_the_step_charge(
    name, requests, cpu_ms, stated_requests, stated_cpu, stated_total
):
    profile = _one_request_profile(requests, cpu_ms)
    old, old_option = _lines(OLD_BOOK, profile)
    new, new_option = _lines(NEW_BOOK, profile)
    # one step an instance: 500,000 a month included, then $0.80 per 100,000
    step_charge = max(requests * 1 - 500_000, 0) * 0.80 / 100_000
    assert new["steps"].cost[0] == pytest.approx(step_charge, rel=1e-12, abs=1e-12)
    for key in old:
        assert new[key].cost[0] == old[key].cost[0], key
    assert new_option.total[0] - old_option.total[0] == pytest.approx(step_charge, rel=1e-9, abs=1e-9)
    assert _vendor_total(new) == pytest.approx(stated_total + step_charge, abs=0.005)


@settings(max_examples=60, deadline=None)
@given(p=profiles())
def test_the_step_list_differs_from_the_storage_list_by_the_step_charge_alone(p):
    """On any workload the 2026-08-10 bill is the 2025-09-15 bill plus the step charge: step.do,
    step.sleep and step.waitForEvent calls and each child's step, retries not counted, past
    500,000 a month at $0.80 per 100,000."""
    old, old_option = _lines(OLD_BOOK, p)
    new, new_option = _lines(NEW_BOOK, p)
    # Where the later table's own limits (CPU a step, instances a second) or its Containers price
    # the run as another design than the earlier table can, the bills differ by more than steps.
    assume(old_option.design[0] == new_option.design[0] and new_option.status[0] == old_option.status[0])
    assume(new_option.bill.plan[0] == "paid")  # Workers Free (the later table's) bills nothing at all
    steps = p.monthly_runs * (p.steps_per_run + p.sleeps_per_run + p.human_waits_per_run + p.child_runs_per_run)
    included = _paid(NEW).included["steps"].expected
    charge = max(steps - included, 0.0) * NEW.prices["steps"].expected / HUNDRED_K
    assert new["steps"].quantity[0] == pytest.approx(max(steps - included, 0.0), rel=1e-12, abs=1e-6)
    assert new["steps"].cost[0] == pytest.approx(charge, rel=1e-9, abs=1e-9)
    for key in old:
        assert new[key].cost[0] == old[key].cost[0], key
    scale = max(old_option.total[0], 1.0)
    assert new_option.total[0] - old_option.total[0] == pytest.approx(charge, rel=1e-9, abs=1e-9 * scale)


def test_steps_are_every_call_but_retries():
    p = agent(
        monthly_runs=10_000,
        steps_per_run=40,
        retry_rate=2.0,
        sleeps_per_run=3,
        sleep_seconds=600,
        human_waits_per_run=2,
        child_runs_per_run=5,
    )
    lines, option = _lines(NEW_BOOK, p)
    # 40 step.do + 3 step.sleep + 2 step.waitForEvent + 5 children's steps = 50 a run; two retries
    # a step add none
    assert option.bill.quantities["steps"][0] == 10_000 * 50
    assert lines["steps"].quantity[0] == 10_000 * 50 - 500_000
    # each child is an instance of its own: a request
    assert option.bill.quantities["requests"][0] == 10_000 * 6
    # but every attempt of every step burns CPU: (40 + 5) steps x 3 attempts x 8 s x 2% x 1000 ms
    assert option.bill.quantities["cpu_ms"][0] == pytest.approx(10_000 * 45 * 3 * 8 * 0.02 * 1000)


def test_a_step_past_30_s_of_cpu_runs_with_the_limit_raised_or_in_containers():
    """Workers pricing example 3 (180 s of CPU a request) as a Workflow step: past the 30 s a step may
    use by default. It is priced with the limit raised to five minutes, or in a Container where that
    costs less, and says which; past five minutes only a Container runs it."""
    out = summarize(estimate(_one_request_profile(720, 180_000), NEW_BOOK, [OPTION])).options[0]
    assert out.fit.status == "workaround" and out.fit.design in ("more-cpu", "containers")
    assert "cpu_per_step_seconds" in {r.data.get("limit") for r in out.fit.reasons}
    longer = summarize(estimate(_one_request_profile(720, 400_000), NEW_BOOK, [OPTION])).options[0]
    assert longer.fit.design == "containers"


def test_a_bill_above_every_allowance_by_hand():
    """5M instances a month, 40 steps of 8 s at 2% CPU, one retry in ten, a sleep, a wait of a day,
    two children, 4 KB kept per step for 7 days: every meter past its allowance."""
    p = agent(
        monthly_runs=5_000_000,
        steps_per_run=40,
        step_seconds=8,
        step_cpu_share=0.02,
        retry_rate=0.1,
        sleeps_per_run=1,
        sleep_seconds=3600,
        human_waits_per_run=1,
        human_wait_seconds=86_400,
        child_runs_per_run=2,
        step_payload_kb=4,
        retention_days=7,
    )
    wall = (40 + 2) * 8 * 1.1 + 3600 + 86_400
    state_kb = 40 * 4 + _records(NEW, 40, sleeps=1, waits=1)  # the results, and the engine's records
    gb_months = 5_000_000 / DAYS_PER_MONTH * (wall / SECONDS_PER_DAY + 7) * state_kb * KB / GB
    hand = _hand_bill(
        NEW,
        runs=5_000_000,
        steps=40,
        sleeps=1,
        waits=1,
        children=2,
        retry=0.1,
        step_seconds=8,
        cpu_share=0.02,
        gb_months=gb_months,
    )
    lines, option = _lines(NEW_BOOK, p)
    for key, cost in hand.items():
        assert lines[key].cost[0] == pytest.approx(cost, rel=1e-9), key
    # written out: 15M requests ($1.50); (40 + 2) steps x 1.1 attempts x 160 ms; 44 steps a run
    assert hand["requests"] == pytest.approx((15e6 - 10e6) * 0.30 / 1e6) == pytest.approx(1.50)
    assert hand["cpu_ms"] == pytest.approx((5e6 * 42 * 1.1 * 160 - 30e6) * 0.02 / 1e6) == pytest.approx(738.6)
    assert hand["steps"] == pytest.approx((5e6 * 44 - 0.5e6) * 0.80 / 1e5) == pytest.approx(1756.0)
    assert hand["storage"] == pytest.approx((gb_months - 1) * 0.20) and gb_months > 1
    assert _vendor_total(lines) == pytest.approx(sum(hand.values()), rel=1e-9)
    # Cloudflare runs the code: no machines of your own, only the people who operate it
    assert option.total[0] == pytest.approx(_vendor_total(lines) + lines["ops_people"].cost[0], rel=1e-12)
    assert not [ln for ln in lines.values() if ln.category == "infrastructure" and ln.cost[0] > 0]


# --- CPU time, not wall time -------------------------------------------------------------------------


def test_a_longer_human_wait_does_not_change_the_bill():
    """Waiting for an event (or sleeping) is not CPU time: only the state kept while waiting grows,
    here well within the included GB-month."""
    base = dict(
        monthly_runs=100_000,
        steps_per_run=20,
        retry_rate=0,
        state_kb_per_run=1,
        retention_days=7,
        human_waits_per_run=1,
        sleeps_per_run=1,
    )
    short = agent(**base, human_wait_seconds=60, sleep_seconds=10)
    long = agent(**base, human_wait_seconds=30 * SECONDS_PER_DAY, sleep_seconds=7 * SECONDS_PER_DAY)
    for book in (OLD_BOOK, NEW_BOOK):
        a, option_a = _lines(book, short)
        b, option_b = _lines(book, long)
        for key in a:
            if key != "storage":
                assert a[key].quantity[0] == b[key].quantity[0], key
        hand = _hand_bill(book.table(OPTION), runs=100_000, steps=20, sleeps=1, waits=1, step_seconds=8, cpu_share=0.02)
        assert _vendor_total(a) == _vendor_total(b) == pytest.approx(sum(hand.values()), rel=1e-12)
        assert option_a.total[0] == option_b.total[0]
        # the state is kept the extra days: runs a day x extra days x 1 KB
        extra_days = (30 * SECONDS_PER_DAY + 7 * SECONDS_PER_DAY - 70) / SECONDS_PER_DAY
        grown = option_b.bill.quantities["storage_gb_months"][0] - option_a.bill.quantities["storage_gb_months"][0]
        assert grown == pytest.approx(100_000 / DAYS_PER_MONTH * extra_days * KB / GB, rel=1e-9)
        assert option_b.bill.quantities["storage_gb_months"][0] < _paid(book.table(OPTION)).included["storage"].expected


def test_cpu_is_billed_not_wall_time():
    """Twice the wall time at half the CPU share is the same CPU bill (an LLM call is mostly I/O)."""
    fast = agent(
        monthly_runs=2_000_000,
        steps_per_run=30,
        step_seconds=4,
        step_cpu_share=0.04,
        retry_rate=0,
        state_kb_per_run=0,
        human_waits_per_run=0,
    )
    slow = fast.model_copy(update={"step_seconds": 8, "step_cpu_share": 0.02})
    a, _ = _lines(NEW_BOOK, fast)
    b, _ = _lines(NEW_BOOK, slow)
    assert a["cpu_ms"].cost[0] == pytest.approx(b["cpu_ms"].cost[0], rel=1e-12)
    assert a["cpu_ms"].cost[0] == pytest.approx((2e6 * 30 * 4 * 0.04 * 1000 - 30e6) * 0.02 / 1e6)


# --- Stored state ------------------------------------------------------------------------------------


def test_stored_state_past_the_included_gb_month():
    """Every step's result is kept while the instance runs and for its retention; by Little's law the
    average kept is runs a day x days kept x state a run, priced past 1 GB-month at $0.20."""
    p = agent(
        monthly_runs=500_000,
        steps_per_run=50,
        step_payload_kb=16,
        human_waits_per_run=1,
        human_wait_seconds=2 * SECONDS_PER_DAY,
        retry_rate=0,
        retention_days=30,
    )
    wall_days = (50 * 8 + 2 * SECONDS_PER_DAY) / SECONDS_PER_DAY
    state_kb = 50 * 16 + _records(NEW, 50, waits=1)
    gb_months = 500_000 / DAYS_PER_MONTH * (wall_days + 30) * state_kb * KB / GB
    lines, option = _lines(NEW_BOOK, p)
    assert option.bill.quantities["storage_gb_months"][0] == pytest.approx(gb_months, rel=1e-9)
    assert lines["storage"].cost[0] == pytest.approx((gb_months - 1) * 0.20, rel=1e-9)


def test_retention_past_30_days_is_priced_at_30_and_flagged():
    kept = agent(monthly_runs=200_000, state_kb_per_run=100, retention_days=30)
    longer = kept.model_copy(update={"retention_days": 90})
    a, option_a = _lines(NEW_BOOK, kept)
    b, option_b = _lines(NEW_BOOK, longer)
    assert b["storage"].cost[0] == a["storage"].cost[0]
    assert not any(flag[0] for flag in option_a.bill.warnings.values())
    assert any(f.code == "retention_clamped" and flag[0] for f, flag in option_b.bill.warnings.items())


# --- One instance's limits -------------------------------------------------------------------------


def _limits(profile, book=BOOK):
    out = summarize(estimate(profile, book, [OPTION])).options[0]
    return out, {x.id: x for x in out.limits}


def test_every_limit_is_projected_by_hand():
    p = agent(
        steps_per_run=12_000,
        sleeps_per_run=3,
        sleep_seconds=3600,
        human_waits_per_run=1,
        human_wait_seconds=5 * SECONDS_PER_DAY,
        child_runs_per_run=2,
        step_payload_kb=8,
        context_growth_kb=0,
        monthly_runs=1000,
    )
    out, limits = _limits(p)
    assert list(limits) == [x.id for x in TABLE.run_limits]
    # steps: 12,000 step.do + 1 wait + 2 children (sleeps do not count), against the 10,000 default
    steps = limits["steps_per_workflow"]
    assert steps.value == 12_003 and steps.limit == TABLE.limits["steps_per_workflow"].expected == 10_000
    assert steps.exceeded and steps.hard and steps.lifted
    assert steps.steps_until_limit == 10_000 - 3 + 1
    # one step's result, against 1 MiB
    assert limits["step_result_mb"].value == 8 * KB and limits["step_result_mb"].limit == 1024 * KB
    assert not limits["step_result_mb"].exceeded
    # every step's result kept in the instance, with the engine's records of it, against 1 GB
    per_step = 8 + _records(TABLE, 1) - _records(TABLE, 0)
    fixed = _records(TABLE, 0, sleeps=3, waits=1)
    assert limits["state_per_instance_gb"].value == pytest.approx((12_000 * per_step + fixed) * KB, rel=1e-12)
    assert limits["state_per_instance_gb"].limit == GB
    assert limits["state_per_instance_gb"].steps_until_limit == math.floor((GB - fixed * KB) / (per_step * KB)) + 1
    # the longest single sleep or wait, against 365 days
    assert limits["max_sleep_days"].value == 5 * SECONDS_PER_DAY
    assert limits["max_sleep_days"].limit == 365 * SECONDS_PER_DAY
    # past the 10,000 default the option is priced with the limit raised, as Cloudflare allows up to 25,000
    assert out.fit.status == "workaround" and out.fit.design == "more-steps"
    (lifted,) = out.fit.reasons
    assert lifted.code == "limit_lifted" and lifted.data["limit"] == "steps_per_workflow"
    assert "10,000 steps" in say(lifted) and "25,000" in say(lifted)


def test_a_run_past_a_hard_limit_is_priced_as_the_documented_design_or_ruled_out():
    """Every limit here is hard (the run fails past it). Where Cloudflare documents a way around it
    (the step limit raised up to 25,000; results kept in R2 and passed by reference) the option is
    priced that way and named for it; past what those allow, it is ruled out with the limit."""
    cases = [
        (agent(steps_per_run=30_000), "ruled_out", None, "steps_per_workflow"),
        (agent(steps_per_run=20_000), "workaround", "more-steps", "steps_per_workflow"),
        (agent(steps_per_run=10, state_kb_per_run=2_000_000), "workaround", "results-in-r2", "state_per_instance_gb"),
        (agent(steps_per_run=10, step_payload_kb=2048), "workaround", "results-in-r2", "step_result_mb"),
        (agent(sleeps_per_run=1, sleep_seconds=366 * SECONDS_PER_DAY), "ruled_out", None, "max_sleep_days"),
    ]
    for p, status, design, limit in cases:
        out, _ = _limits(p)
        assert out.fit.status == status, (limit, out.fit)
        assert out.fit.design == design
        assert limit in {r.data["limit"] for r in out.fit.reasons}
        assert out.applicable == (status == "workaround")


def test_waiting_instances_do_not_count_towards_the_concurrency_limit():
    short = agent(monthly_runs=3_000_000, steps_per_run=10, human_wait_seconds=60)
    long = short.model_copy(update={"human_wait_seconds": 7 * SECONDS_PER_DAY})
    result = estimate([short, long], BOOK, [OPTION])
    limit = {x.id: x for x in result.option(OPTION).limits}["concurrent_instances"]
    executing = result.work.peak_executing
    assert executing[0] == executing[1]
    assert limit.value[0] == limit.value[1] == executing[0]


def test_sleeps_do_not_count_towards_the_step_limit():
    base = agent(steps_per_run=100, human_waits_per_run=1, child_runs_per_run=0)
    sleepy = base.model_copy(update={"sleeps_per_run": 50, "sleep_seconds": 60})
    for book in (OLD_BOOK, NEW_BOOK):
        values = [_limits(p, book)[1]["steps_per_workflow"].value for p in (base, sleepy)]
        assert values == [101, 101]


def test_a_small_workload_fits_the_workers_free_plan_at_no_charge():
    """Workers Free: 3,000 steps and 100,000 requests a day, 10 ms of CPU a step, 1,024 steps and
    100 MB an instance, 100 at once; no fee and nothing billed. Past any of them, Workers Paid."""
    small = agent(monthly_runs=1000, steps_per_run=10, step_seconds=2, step_cpu_share=0.001, human_waits_per_run=0)
    out = summarize(estimate(small, NEW_BOOK, [OPTION])).options[0]
    assert out.plan == "Workers Free" and out.subtotals["vendor"] == 0
    assert out.subtotals["people"] > 0  # a team still runs it
    for bigger in (
        small.model_copy(update={"step_cpu_share": 0.01}),  # 20 ms of CPU a step
        small.model_copy(update={"monthly_runs": 20_000}),  # 200,000 steps: past 3,000 a day
        small.model_copy(update={"steps_per_run": 1100}),  # past 1,024 steps an instance
    ):
        paid = summarize(estimate(bigger, NEW_BOOK, [OPTION])).options[0]
        assert paid.plan == "Workers Paid", bigger
        free = next(p for p in paid.plans if p.id == "free")
        assert free.monthly_usd is None
