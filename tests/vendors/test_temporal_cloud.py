"""Temporal Cloud: the vendor contract, the worked examples on its own pricing pages, and the
counting rules of its SDKs and server (heartbeats, Event History, Continue-As-New)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.columns import Columns, profiles_frame
from model.engine import estimate, saving_needed
from model.history import history_of
from model.meters import charge
from model.result import summarize
from model.units import BYTES_PER_KB, BYTES_PER_MB
from model.usage import Usage
from model.workload import workload
from pricing.load import list_table_files, read_pricebook, read_table
from pricing.profiles import read_presets
from report.words import money
from schema.inputs import OptionOverrides
from tests.agents import agent
from tests.test_app import metrics, param, start, unfold
from tests.vendors.contract import VendorContract

OPTION = "temporal/cloud"
CURRENT = dt.date(2026, 11, 1)
ESSENTIALS_ERA = dt.date(2026, 3, 1)
TABLE = read_pricebook(on=CURRENT).table(OPTION)


class TestTemporalCloud(VendorContract):
    option = OPTION


def _plan(table, plan_id):
    return next(p for p in table.plans if p.id == plan_id)


def _usage(**fields) -> Usage:
    base = {"retry_rate": 0, "human_waits_per_run": 0, "sleeps_per_run": 0}
    profile = agent(**{**base, **fields})
    return Usage(workload(Columns(profiles_frame(profile))), TABLE, "expected")


def test_both_price_lists_are_kept():
    versions = {f.effective: read_table(f.path) for f in list_table_files() if f.table_id == OPTION}
    assert [p.id for p in versions[dt.date(2025, 1, 1)].plans] == ["essentials", "business"]
    assert [p.id for p in versions[dt.date(2026, 9, 17)].plans] == ["developer", "business"]


# --- Worked examples on Temporal's pricing pages ------------------------------------------------


@pytest.mark.parametrize("when", [CURRENT, ESSENTIALS_ERA])
def test_action_tiers_example_525(when):
    # "If you are on the Business plan and consume 11.25M Actions in excess of your plan's
    # allocation ... $250 + $225 + $50 = $525" (same example on the Essentials-era page).
    table = read_pricebook(on=when).table(OPTION)
    cost, beyond = charge(np.array([11.25e6]), table.price("actions", _plan(table, "business")), "expected")
    assert cost[0] == pytest.approx(525.0)
    assert not beyond[0]


@pytest.mark.parametrize("when", [CURRENT, ESSENTIALS_ERA])
def test_storage_example_34_02(when):
    # 720 GBh Active x $0.042 + 3,600 GBh Retained x $0.00105 = $30.24 + $3.78 = $34.02
    table = read_pricebook(on=when).table(OPTION)
    active = table.price("active_storage").pick("expected")
    retained = table.price("retained_storage").pick("expected")
    assert 720 * active + 3600 * retained == pytest.approx(34.02)


def test_plan_fee_examples_from_the_tables():
    current = read_pricebook(on=CURRENT).table(OPTION)
    business = _plan(current, "business")
    assert max(business.fee.expected, business.fee_share.expected * 6000) == pytest.approx(600)
    old = read_pricebook(on=ESSENTIALS_ERA).table(OPTION)
    essentials = _plan(old, "essentials")
    assert max(essentials.fee.expected, essentials.fee_share.expected * 3000) == pytest.approx(150)


def test_developer_faq_10000_actions_cost_0_50_plus_10_percent():
    # "running a test Workflow with 10,000 Actions costs 10,000 x $50 per million Actions = $0.50,
    # plus 10% for support, for a total of $0.55" -- through the whole engine: 10,000 runs of a
    # workflow with no steps is 10,000 starts; storage of their tiny histories is priced too, so
    # the fee is 10% of Actions + storage.
    book = read_pricebook(on=CURRENT)
    profile = agent(monthly_runs=10_000, steps_per_run=0, human_waits_per_run=0, retry_rate=0, retention_days=1)
    bill = estimate(profile, book, [OPTION]).option(OPTION).bill
    lines = {ln.key: ln for ln in bill.lines}
    assert bill.plan[0] == "developer"
    assert lines["actions"].quantity[0] == 10_000
    assert lines["actions"].cost[0] == pytest.approx(0.50)
    storage = lines["active_storage"].cost[0] + lines["retained_storage"].cost[0]
    assert storage < 0.001
    assert lines["plan_fee"].cost[0] == pytest.approx(0.10 * (0.50 + storage))
    assert lines["actions"].cost[0] + lines["plan_fee"].cost[0] == pytest.approx(0.55, abs=0.001)
    # The fee reads as what it is: 10 % of the usage, sourced to the share (not "1 month x $0.055").
    fee = lines["plan_fee"]
    assert fee.quantity[0] == pytest.approx(0.50 + storage) and fee.quantity_unit == "USD of usage"
    assert fee.unit_price[0] == 0.10 and fee.price[0].path == ("plans", "developer", "fee_share")
    assert "plan_fee_floor" not in lines or lines["plan_fee_floor"].cost[0] == 0


def test_essentials_included_actions_come_off_first():
    book = read_pricebook(on=ESSENTIALS_ERA)
    # 1.5M Actions: 1 start + 29 steps, 50,000 runs; Essentials includes 1M.
    profile = agent(monthly_runs=50_000, steps_per_run=29, retry_rate=0, human_waits_per_run=0)
    bill = estimate(profile, book, [OPTION]).option(OPTION).bill
    lines = {ln.key: ln for ln in bill.lines}
    assert bill.plan[0] == "essentials"
    assert lines["actions"].quantity[0] == pytest.approx(500_000)
    assert lines["actions"].cost[0] == pytest.approx(25.0)
    # The greater of $100 and 5 % of the $25 usage: the share, then what the floor adds above it.
    assert lines["plan_fee"].cost[0] == pytest.approx(0.05 * 25.0)
    assert lines["plan_fee_floor"].cost[0] == pytest.approx(100.0 - 0.05 * 25.0)
    assert lines["plan_fee_floor"].price[0].path == ("plans", "essentials", "fee")


def test_business_wins_at_high_volume_and_developer_at_low():
    book = read_pricebook(on=CURRENT)
    small = agent(monthly_runs=1_000, steps_per_run=10)
    large = agent(monthly_runs=2_000_000, steps_per_run=20)
    result = estimate([small, large], book, [OPTION]).option(OPTION)
    assert result.bill.plan.tolist() == ["developer", "business"]
    totals = result.bill.plan_totals
    assert totals["business"][1] < totals["developer"][1]
    assert totals["developer"][0] < totals["business"][0]


def test_actions_past_the_last_tier_have_no_public_price():
    """Past Business's last published tier Temporal prices by contract: the option is "price not
    public" and never the cheapest."""
    book = read_pricebook(on=CURRENT)
    huge = agent(monthly_runs=10_000_000, steps_per_run=30)
    option = estimate(huge, book, [OPTION]).option(OPTION)
    line = {ln.key: ln for ln in option.bill.lines}["actions"]
    assert line.past_published is not None and bool(line.past_published[0])
    assert option.status.tolist() == ["not_public"]


def test_retention_outside_cloud_bounds_is_clamped_and_flagged():
    bill = estimate(agent(retention_days=365), read_pricebook(on=CURRENT), [OPTION]).option(OPTION).bill
    assert any(m.code == "retention_clamped" for m, f in bill.warnings.items() if f[0])


def test_the_price_is_shown_as_the_vendor_quotes_it():
    out = summarize(estimate(agent(), read_pricebook(on=CURRENT), [OPTION])).options[0]
    actions = next(c for c in out.components if c.key == "actions")
    assert (actions.price_unit, actions.quoted_unit) == ("USD/action", "USD/1M actions")


# --- Actions: the counting rules of the SDKs and the server ---------------------------------------


def test_article_actions_are_one_start_plus_one_per_step():
    assert _usage(steps_per_run=30).per_run("actions").total[0] == 31


def test_first_heartbeat_is_sent_at_once_and_later_ones_throttled():
    # Step of 8 s heartbeating every 5 s, default 30 s throttle: the first call goes out at once.
    assert _usage(steps_per_run=1, step_seconds=8, heartbeat_seconds=5).count("heartbeats").total[0] == 1
    # No call within a step shorter than the heartbeat interval.
    assert _usage(steps_per_run=1, step_seconds=4, heartbeat_seconds=5).count("heartbeats").total[0] == 0
    # 100 s, every 5 s, timeout 20 s: throttle 16 s: sent at 5, 21, 37, 53, 69, 85 -> 6.
    assert (
        _usage(steps_per_run=1, step_seconds=100, heartbeat_seconds=5, heartbeat_timeout_seconds=20)
        .count("heartbeats")
        .total[0]
        == 6
    )
    # Every attempt heartbeats; local activities do not.
    assert _usage(steps_per_run=3, retry_rate=1, step_seconds=8, heartbeat_seconds=5).count("heartbeats").total[0] == 6
    assert (
        _usage(steps_per_run=3, step_seconds=8, heartbeat_seconds=5, step_kind="inline").count("heartbeats").total[0]
        == 0
    )


@settings(max_examples=60, deadline=None)
@given(seconds=st.floats(0.5, 600), every=st.floats(0.5, 120), timeout=st.sampled_from([0.0, 10.0, 30.0, 300.0]))
def test_heartbeats_match_a_walk_through_the_throttle(seconds, every, timeout):
    """Calls at every, 2*every, ...; the first is sent at once, later ones held until the throttle
    interval since the last send ends, and sent then if the attempt is still running (one that falls
    due as the attempt ends is not sent: the attempt's completion goes instead)."""
    throttle = min(0.8 * timeout, 60.0) if timeout > 0 else 30.0
    interval = max(every, throttle)
    sent, next_send, pending, k = 0, -math.inf, False, 1
    # a call due within a rounding error of the attempt's end falls due as it ends (the engine rounds
    # its counts so: 0.5000000000000001 s with a call every 0.5 s makes no call)
    while k * every < seconds * (1 - 1e-12):
        t = k * every
        while pending and next_send <= t:  # a held heartbeat goes out when its interval ends
            sent, pending, next_send = sent + 1, False, next_send + interval
        if t >= next_send:
            sent, next_send = sent + 1, t + interval
        else:
            pending = True
        k += 1
    if pending and next_send < seconds:
        sent += 1
    got = (
        _usage(steps_per_run=1, step_seconds=seconds, heartbeat_seconds=every, heartbeat_timeout_seconds=timeout)
        .count("heartbeats")
        .total[0]
    )
    assert got == sent


# --- Event History -----------------------------------------------------------------------------


def test_one_activity_is_eleven_events():
    # temporalio/temporal tests/activity_test.go: a workflow with one activity has 11 events.
    assert history_of(_usage(steps_per_run=1)).events_per_run[0] == 11


def test_sequential_activity_cap():
    summary = summarize(
        estimate(
            agent(steps_per_run=10, step_payload_kb=0, human_waits_per_run=0), read_pricebook(on=CURRENT), [OPTION]
        )
    )
    h = summary.history
    # (51,200 - 5) / 6 = 8,532.5: step 8,533 takes the history past the limit.
    assert h.steps_until_event_limit == 8533
    # warning at 10,240 events: (10,240 - 5) / 6 = 1,705.8 -> step 1,706
    assert h.steps_until_event_warning == 1706


def test_timers_signals_and_children_add_events():
    base = history_of(_usage(steps_per_run=3)).events_per_run[0]
    assert history_of(_usage(steps_per_run=3, sleeps_per_run=2, sleep_seconds=60)).events_per_run[0] == base + 10
    assert history_of(_usage(steps_per_run=3, human_waits_per_run=1)).events_per_run[0] == base + 6
    assert history_of(_usage(steps_per_run=3, child_runs_per_run=1)).events_per_run[0] == base + 9


def test_growing_context_makes_size_bind_first_and_payload_block():
    """As designed, a growing conversation passes the 50 MB history size first (which
    Continue-As-New fixes) and then the 2 MB payload (which it cannot: the context is the next
    segment's input). So the option is priced as payloads by reference, whose history grows by a
    reference a step."""
    profile = agent(steps_per_run=400, step_payload_kb=16, context_growth_kb=6, retry_rate=0, human_waits_per_run=0)
    book = read_pricebook(on=CURRENT)
    designed = estimate(profile, book, [OPTION]).option(OPTION).designed_limits
    until = {x.id: float(x.steps_until_limit[0]) for x in designed}
    assert until["history_size_mb"] < until["payload_mb"] < until["history_events"]
    # step n records 16 + 6 (n - 1) KB; 2 MB = 2,048 KB is passed at n = floor((2048-16)/6) + 2
    assert until["payload_mb"] == math.floor((2048 - 16) / 6) + 2
    out = summarize(estimate(profile, book, [OPTION])).options[0]
    assert out.fit.status == "workaround" and out.fit.design == "by-reference"
    (lifted,) = out.fit.reasons
    assert (lifted.code, lifted.data["limit"]) == ("limit_lifted", "payload_mb")
    assert lifted.data["step"] == until["payload_mb"]
    h = out.history
    assert not h.exceeds_limit and h.binding_limit == "history_events"
    assert h.largest_payload_bytes < 2 * 1024


def test_small_run_needs_no_continue_as_new():
    h = history_of(_usage(steps_per_run=50, step_payload_kb=8))
    assert h.segments[0] == 1 and math.isinf(h.first_segment_steps[0])


def _walk(steps, payload_kb, growth_kb, top_events=4096, top_mb=4.0):
    """Step by step: lay a run of one-activity steps out in Continue-As-New segments, with the
    bytes the table measured per kind of event (a run's own, an activity step's).

    Returns (segments, events of all segments, bytes of all segments)."""
    run_bytes = TABLE.counting["history_bytes_workflow"].expected
    step_bytes = TABLE.counting["history_bytes_activity"].expected
    e, skeleton = 6, 5
    events, size, segments = skeleton, run_bytes, 1
    all_events, all_bytes = 0, 0.0
    for i in range(1, steps + 1):
        events += e
        size += step_bytes + (payload_kb + growth_kb * (i - 1)) * BYTES_PER_KB
        if i < steps and (events > top_events or size > top_mb * BYTES_PER_MB):
            carried = growth_kb * i * BYTES_PER_KB
            all_events, all_bytes = all_events + events, all_bytes + size + carried
            segments += 1
            events, size = skeleton, run_bytes + carried
    return segments, all_events + events, all_bytes + size


@settings(max_examples=50, deadline=None)
@given(steps=st.integers(1, 3000), payload=st.floats(0, 900), growth=st.one_of(st.just(0.0), st.floats(0, 40)))
def test_continue_as_new_carries_the_context_as_a_walk_does(steps, payload, growth):
    h = history_of(_usage(steps_per_run=steps, step_payload_kb=payload, context_growth_kb=growth))
    segments, events, size = _walk(steps, payload, growth)
    assert h.segments[0] == segments
    assert h.recorded_events[0] == events
    assert h.recorded_bytes[0] == pytest.approx(size, rel=1e-9)


def test_size_limit_step_matches_a_step_by_step_walk():
    run_bytes = TABLE.counting["history_bytes_workflow"].expected
    step_bytes = TABLE.counting["history_bytes_activity"].expected
    for payload, growth in ((8, 0), (16, 6), (900, 3), (0.5, 0.01)):
        size, expected = run_bytes, math.inf
        for n in range(1, 20_001):
            size += step_bytes + (payload + growth * (n - 1)) * BYTES_PER_KB
            if size > 50 * BYTES_PER_MB:
                expected = n
                break
        profile = agent(
            steps_per_run=1, step_payload_kb=payload, context_growth_kb=growth, retry_rate=0, human_waits_per_run=0
        )
        h = summarize(estimate(profile, read_pricebook(on=CURRENT), [OPTION])).history
        assert h.steps_until_size_limit == expected


def test_cost_never_falls_across_a_continue_as_new_boundary():
    """A run with big payloads and a month-long wait: adding steps past the first restart adds a
    segment, and the bill (storage of the open history included) keeps growing."""
    base = agent(
        monthly_runs=1000,
        step_payload_kb=512,
        human_waits_per_run=1,
        human_wait_seconds=30 * 86_400,
        retry_rate=0,
        retention_days=30,
    )
    steps = np.arange(1, 40)
    frame = profiles_frame(base).loc[[0] * steps.size].reset_index(drop=True)
    frame["steps_per_run"] = steps.astype(float)
    option = estimate(frame, read_pricebook(on=CURRENT), [OPTION]).option(OPTION)
    assert (option.history.segments > 1).any()
    same = option.design[1:] == option.design[:-1]
    assert (np.diff(option.total)[same] >= 0).all()
    # Where payloads by reference become worth it, the bill falls by less than a design must save
    # to be taken unasked, and keeps growing after.
    step_down = np.diff(option.total)[~same]
    assert (step_down >= -saving_needed(read_pricebook(on=CURRENT), option.total[:-1][~same])).all()


# The app: a contract entered in the link reprices the option and survives the round trip.
def test_your_prices_and_plan_survive_the_link_and_reprice_the_option():
    link = {
        "preset": "coding-agent",
        "monthly_runs": "1250000",
        "your.temporal/cloud.price.actions": "30",
        "your.temporal/cloud.plan": "business",
        "your.temporal/cloud.discount": "20",
    }
    at = start(link)
    assert not at.exception and not at.error
    assert param(at, "your.temporal/cloud.price.actions") == "30"
    assert param(at, "your.temporal/cloud.plan") == "business"
    profile = read_presets()["coding-agent"].model_copy(
        update={
            "monthly_runs": 1_250_000.0,
            "overrides": {
                "temporal/cloud": OptionOverrides(prices={"actions": 30}, plan="business", discount_percent=20)
            },
        }
    )
    result = summarize(estimate(profile, read_pricebook(on=dt.date.today())))
    temporal = next(o for o in result.options if o.id == "temporal/cloud")
    assert metrics(at)["Temporal Cloud"] == money(temporal.monthly_usd)
    # the sidebar shows the terms of the option picked there
    unfold(at, "contract")
    at.selectbox(key="your.option").set_value("temporal/cloud").run()
    assert at.number_input(key="your.temporal/cloud.price.actions").value == 30
    assert at.selectbox(key="your.temporal/cloud.plan").value == "business"
    again = start({k: param(at, k) for k in at.query_params})
    assert metrics(again)["Temporal Cloud"] == money(temporal.monthly_usd)


def test_a_closed_segment_leaves_active_storage():
    """With Continue-As-New, an open run's history is its open segment: the closed ones are retained
    storage. Walked step by step here (a segment restarts with its carried context once the next step
    would pass the suggested size), the open segment's average over the run is what the engine takes,
    to within the spread of its even-steps quadrature (a few per cent)."""
    u = _usage(steps_per_run=120, step_payload_kb=300, context_growth_kb=0)
    h = history_of(u)
    assert h.segments[0] > 1
    c = float(h.bytes_per_step[0])
    top = TABLE.counting["continue_as_new_mb"].expected * BYTES_PER_MB
    restart = TABLE.counting["history_bytes_workflow"].expected
    size, sizes = float(h.fixed_bytes[0]), []
    for _ in range(120):
        if size + c > top:
            size = restart
        size += c
        sizes.append(size)
    walked = float(np.mean(sizes))
    assert h.mean_open_bytes[0] == pytest.approx(walked, rel=0.1)
    # far below the run's whole history, which is what an open run's storage was before
    assert h.mean_open_bytes[0] < 0.2 * h.recorded_bytes[0]


def test_local_activities_start_a_workflow_task_after_every_timer():
    """Each sleep or wait ends the workflow task; the next local activity starts a new one, which
    heartbeats on its own clock: 40 steps of 2 s and three sleeps are four tasks of 20 s, each
    heartbeating twice (every 8 s), so 4 + 8 = 12 tasks' worth of Actions, not 4 + 10."""
    u = _usage(steps_per_run=40, step_seconds=2, step_kind="inline", sleeps_per_run=3, sleep_seconds=60)
    assert u.count("local_activity_tasks").total[0] == 12
    assert u.count("local_activity_task_heartbeats").total[0] == 8
    one = _usage(steps_per_run=40, step_seconds=2, step_kind="inline")
    assert one.count("local_activity_tasks").total[0] == 1 + 10
