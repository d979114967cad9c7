"""The sandbox beside the orchestrator: priced per second on what each run's sandbox is given, on the
cheapest plan whose limits take the workload, shared by an account's agents; where it runs the steps
that need a machine, no option has to host one; what a profile may say about it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from model.account import estimate_account
from model.account_out import account_out
from model.engine import estimate
from model.result import summarize
from model.sandbox import price
from pricing.load import read_pricebook
from pricing.profiles import read_presets
from report.beside_words import beside_lines, beside_sentence, whole_cost
from schema.plans import Plan
from schema.profile import ProfileError
from schema.tables import PriceTable

ON = dt.date(2026, 12, 7)
BOOK = read_pricebook(on=ON)
PRESETS = read_presets()
SERVICES = {t.id: t for t in BOOK.sandboxes()}


def _profile(service: str, runs: float = 3_000, **more: object):  # type: ignore[no-untyped-def]
    return PRESETS["coding-agent"].model_copy(update={"sandbox": service, "monthly_runs": float(runs), **more})


def _limits(plan: Plan) -> dict[str, float]:
    return {k: float(v.expected) for k, v in plan.limits.items()}


def _theirs(table: PriceTable, runs: float, seconds: float, vcpus: float, memory: float, peak: float):  # type: ignore[no-untyped-def]
    """(plan name, monthly bill): every plan's fee and usage past its credit, the cheapest that fits, by hand."""
    usage = runs * seconds * (vcpus * price(table, "vcpu_second") + memory * price(table, "memory_second"))
    best = None
    for plan in table.plans:
        lim = _limits(plan)
        if seconds > lim.get("session_hours", np.inf) * 3600 or peak > lim.get("concurrent_sandboxes", np.inf):
            continue
        if vcpus > lim.get("vcpus", np.inf) or memory > lim.get("memory_gb", np.inf):
            continue
        if peak * vcpus > lim.get("pool_vcpus", np.inf):
            continue
        credit = float(plan.credit.expected) if plan.credit else 0.0
        bill = float(plan.fee.expected) + max(usage - credit, 0.0)
        if best is None or bill < best[1]:
            best = (plan.name, bill)
    return best


def test_there_are_sandbox_services_and_each_is_sourced():
    assert len(SERVICES) >= 3
    for table in SERVICES.values():
        for number in table.numbers().values():
            assert getattr(number, "source", None) in table.sources, table.id


@pytest.mark.parametrize("service", sorted(SERVICES))
@pytest.mark.parametrize(
    ("runs", "seconds", "vcpus", "memory"),
    [(3_000, 440, 2, 2), (100, 60, 1, 0.5), (200_000, 1_800, 4, 8), (50, 5 * 3600, 2, 4), (1e6, 30, 0.5, 1)],
)
def test_the_bill_is_the_cheapest_fitting_plan_s_fee_and_usage_past_its_credit(service, runs, seconds, vcpus, memory):
    profile = _profile(
        service, runs, sandbox_seconds_per_run=float(seconds), sandbox_vcpus=float(vcpus), sandbox_memory_gb=memory
    )
    result = estimate(profile, BOOK)
    out = summarize(result, 0).sandbox
    assert out is not None
    theirs = _theirs(SERVICES[service], runs, seconds, vcpus, memory, out.peak_sandboxes)
    if theirs is None:
        assert out.problem and out.plan == SERVICES[service].plans[-1].name
    else:
        assert out.problem is None
        assert (out.plan, out.monthly_usd) == (theirs[0], pytest.approx(theirs[1], rel=1e-12))
    assert out.peak_sandboxes == pytest.approx(float(result.work.peak_rate()[0]) * seconds, rel=1e-12)


def test_empty_seconds_are_the_time_the_run_s_steps_execute():
    service = sorted(SERVICES)[0]
    result = estimate(_profile(service), BOOK)
    assert float(result.sandbox.seconds_per_run[0]) == pytest.approx(float(result.work.executing[0]))


def _plans_by_session() -> tuple[str, float, float]:
    """A service whose plans allow different session lengths: (id, the shortest, the longest) in hours."""
    for table in SERVICES.values():
        hours = sorted({_limits(p)["session_hours"] for p in table.plans if "session_hours" in _limits(p)})
        if len(hours) >= 2:
            return table.id, hours[0], hours[-1]
    raise AssertionError("some service's plans allow different session lengths")


def test_a_longer_sandbox_moves_to_the_plan_that_allows_it_and_past_every_plan_it_is_said():
    service, short, long = _plans_by_session()
    within = summarize(estimate(_profile(service, 100, sandbox_seconds_per_run=short * 3600 * 0.9), BOOK), 0).sandbox
    longer = summarize(estimate(_profile(service, 100, sandbox_seconds_per_run=short * 3600 * 1.1), BOOK), 0).sandbox
    past = summarize(estimate(_profile(service, 100, sandbox_seconds_per_run=long * 3600 * 1.5), BOOK), 0).sandbox
    assert within.plan != longer.plan and longer.fee_usd > within.fee_usd and longer.problem is None
    assert past.problem and f"{long:g} h" in past.problem


def test_agents_on_one_service_share_one_plan_chosen_for_their_summed_peak():
    """Each agent alone fits the free plan's sandboxes at once; together they pass it: the account pays
    one fee of the plan that takes both, and their shares add up to it."""
    service = next(t.id for t in SERVICES.values() if any("concurrent_sandboxes" in _limits(p) for p in t.plans))
    table = SERVICES[service]
    first = next(p for p in table.plans if "concurrent_sandboxes" in _limits(p))
    cap = _limits(first)["concurrent_sandboxes"]
    probe = summarize(estimate(_profile(service, 1_000, sandbox_seconds_per_run=600.0), BOOK), 0).sandbox
    runs = 1_000 * 0.7 * cap / probe.peak_sandboxes
    one = _profile(service, runs, sandbox_seconds_per_run=600.0, name="one")
    two = _profile(service, runs, sandbox_seconds_per_run=600.0, name="two")
    alone = [summarize(estimate(p, BOOK), 0).sandbox for p in (one, two)]
    assert all(a.plan == first.name and a.peak_sandboxes <= cap for a in alone)
    out = account_out("both", "", estimate_account([one, two], BOOK))
    shares = [a.sandbox for a in out.agents]
    assert all(s.plan != first.name for s in shares)
    assert shares[0].peak_sandboxes == pytest.approx(2 * alone[0].peak_sandboxes, rel=1e-9)
    theirs = _theirs(table, 2 * runs, 600.0, 2, 2, 2 * alone[0].peak_sandboxes)
    assert out.sandbox_usd == pytest.approx(theirs[1], rel=1e-9)
    assert shares[0].monthly_usd == pytest.approx(shares[1].monthly_usd, rel=1e-9)
    best = next(o for o in out.options if o.applicable)
    assert best.whole_usd == pytest.approx(best.monthly_usd + out.tokens_usd + out.sandbox_usd, rel=1e-12)


def _machine_findings(result) -> set[str]:  # type: ignore[no-untyped-def]
    """The options whose fit names a limit on steps that need a machine (lifted by a design, or passed)."""
    machine = {(t.id, limit.id) for t in BOOK.options() for limit in t.run_limits if limit.measure == "needs_machine"}
    return {o.id for o in result.options for f in o.fit.reasons if (o.id, f.data.get("limit")) in machine}


def test_where_the_sandbox_runs_the_machine_steps_no_option_needs_a_machine_of_its_own():
    bare = PRESETS["coding-agent"]
    assert bare.step_needs_machine
    without = summarize(estimate(bare, BOOK), 0)
    with_it = summarize(estimate(bare.model_copy(update={"sandbox": sorted(SERVICES)[0]}), BOOK), 0)
    shaped = _machine_findings(without)
    assert shaped, "some option has a limit on steps that need a machine"
    assert _machine_findings(with_it) == set()
    for option in shaped:
        before = next(o for o in without.options if o.id == option)
        after = next(o for o in with_it.options if o.id == option)
        assert after.fit.status == "fits" and after.monthly_usd <= before.monthly_usd


def test_the_answer_adds_the_sandboxes_beside_the_orchestrator():
    from model.verdict import verdict

    service = sorted(SERVICES)[0]
    result = summarize(estimate(_profile(service), BOOK), 0)
    v = verdict(result)
    assert v.best is not None
    whole = whole_cost(v.best, result)
    assert whole == pytest.approx(v.best.monthly_usd + result.tokens.monthly_usd + result.sandbox.monthly_usd)
    said = beside_sentence(v, result)
    assert said is not None and result.sandbox.name in said
    lines = " ".join(beside_lines(result))
    assert result.sandbox.plan in lines and "hold as of" in lines


def test_an_unknown_service_names_the_field_and_what_is_allowed():
    with pytest.raises(ProfileError) as caught:
        estimate(_profile("nobody/sandbox"), BOOK)
    field, value, said = caught.value.problems[0]
    assert (field, value) == ("sandbox", "nobody/sandbox") and all(s in said for s in SERVICES)


def test_a_link_names_a_bad_service_and_keeps_the_rest():
    from ui.link import decode
    from ui.state import Allowed

    allowed = Allowed(sandboxes={k: t.name for k, t in SERVICES.items()})
    good, problems = decode({"preset": "coding-agent", "sandbox": sorted(SERVICES)[0]}, PRESETS, allowed=allowed)
    assert good.profile.sandbox == sorted(SERVICES)[0] and not problems
    bad, problems = decode(
        {"preset": "coding-agent", "sandbox": "nobody/sandbox", "monthly_runs": "5"}, PRESETS, allowed=allowed
    )
    assert bad.profile.monthly_runs == 5 and bad.profile.sandbox == ""
    assert any(p[0] == "sandbox" and p[1] == "nobody/sandbox" for p in problems)


def test_one_agent_s_long_sandboxes_take_the_account_to_the_plan_that_allows_them():
    service, short, _ = _plans_by_session()
    brief = _profile(service, 100, sandbox_seconds_per_run=short * 3600 * 0.5, name="brief")
    long = _profile(service, 100, sandbox_seconds_per_run=short * 3600 * 1.5, name="long")
    alone = summarize(estimate(brief, BOOK), 0).sandbox
    out = account_out("both", "", estimate_account([brief, long], BOOK))
    plans = {a.name: a.sandbox.plan for a in out.agents}
    assert plans["brief"] == plans["long"] != alone.plan
    assert sum(a.sandbox.monthly_usd for a in out.agents) == pytest.approx(out.sandbox_usd)


def test_the_report_carries_the_sandbox_and_says_when_its_prices_are_overdue():
    from model.analysis import analyse
    from report.document import build_document

    service = sorted(SERVICES)[0]
    table = SERVICES[service]
    analysis = analyse(_profile(service), BOOK, draws=200)
    name = table.name
    due = table.recheck_due()

    def text(on: dt.date) -> str:
        doc = build_document(analysis, on)
        return " ".join(p for s in doc.sections for p in s.paragraphs)

    before, after = text(due - dt.timedelta(days=1)), text(due + dt.timedelta(days=1))
    assert f"Sandboxes, {name}" in before and f"Sandboxes, {name}" in after
    assert f"{name}, prices hold as of" not in before
    assert f"{name}, prices hold as of {table.checked():%Y-%m-%d} (re-check overdue since {due:%Y-%m-%d})" in after
