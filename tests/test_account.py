"""Several agents on one account: each option prices the account once (allowances, tiers, plans,
caps, platform and operations on the summed load), each agent's share adds up to the bill, limits
stay each agent's, and a split across two options is offered only where it is cheaper and every
agent can run where it is put."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from model.account import MAX_AGENTS, estimate_account
from model.account_out import account_out
from model.engine import estimate
from pricing.accounts import load_workload_text, read_workload
from pricing.load import DATA_DIR, PricingError, read_pricebook
from pricing.profiles import read_presets

ON = dt.date(2026, 12, 7)
BOOK = read_pricebook(on=ON)
PRESETS = read_presets()
ACCOUNT_FILE = DATA_DIR / "accounts" / "two-agents.yaml"


def _agent(preset: str, runs: float, name: str, **more: float) -> object:
    return PRESETS[preset].model_copy(update={"monthly_runs": float(runs), "name": name, **more})


@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize(("first", "second"), [(1, 1), (300, 700), (20_000, 40_000), (1e6, 3e6)])
def test_two_agents_of_one_shape_cost_what_one_agent_with_all_their_runs_costs(preset, first, second):
    """Billing is on the summed load: an account of the same agent twice is that agent with both
    volumes, on every option, to the cent (plans, allowances, tiers, caps, workers, platform, people)."""
    account = estimate_account([_agent(preset, first, "a"), _agent(preset, second, "b")], BOOK)
    whole = estimate(_agent(preset, first + second, "ab"), BOOK)
    for option in whole.options:
        assert account.total(option.id) == pytest.approx(float(option.total[0]), rel=1e-9), option.id
        assert account.status(option.id) == str(option.status[0]), option.id
        assert account.option(option.id).bill.plan.tolist() == [option.bill.plan[0]] * 2


def test_an_allowance_is_shared_two_agents_under_it_are_billed_once_past_it():
    """Step Functions Standard includes 4,000 transitions a month: each agent alone stays under it, the
    account of both passes it and pays for the transitions past it, once."""
    option = "aws/step-functions-standard"
    probe = estimate(_agent("article-example", 1, "probe"), BOOK).option(option)
    per_run = float(probe.bill.quantities["transitions"][0])
    included = 4_000.0
    runs = 0.6 * included / per_run
    agents = [_agent("article-example", runs, "one"), _agent("article-example", runs, "two")]
    account = estimate_account(agents, BOOK, [option])
    alone = {ln.key: ln for ln in account.alone.option(option).bill.lines}
    together = {ln.key: ln for ln in account.option(option).bill.lines}
    assert alone["transitions"].quantity.tolist() == pytest.approx([0.0, 0.0], abs=1e-6)
    assert float(together["transitions"].quantity[0]) == pytest.approx(2 * 0.6 * included - included, rel=1e-9)
    shares = account.shares(option).set_index("line")
    assert shares.loc["transitions", ["one", "two"]].tolist() == pytest.approx(
        [float(together["transitions"].cost[0]) / 2] * 2
    )


def test_one_platform_and_one_operations_effort_for_the_account_not_two():
    option = "temporal/self-hosted"
    agents = [_agent("coding-agent", 40_000, "coding"), _agent("deep-research", 2_000, "research")]
    account = estimate_account(agents, BOOK, [option])
    alone = account.alone.option(option).bill
    fixed = [ln.key for ln in alone.lines if ln.quantity_unit == "month" or ln.key == "ops_people"]
    assert fixed, "the self-hosted option has fixed lines"
    together = {ln.key: float(ln.cost[0]) for ln in account.option(option).bill.lines}
    for key in fixed:
        mine = next(ln for ln in alone.lines if ln.key == key)
        assert together[key] == pytest.approx(float(mine.cost[0]), rel=1e-9), key
    assert account.total(option) < float(alone.total.sum())


@pytest.mark.parametrize("option", [t.id for t in BOOK.options()])
def test_each_line_s_shares_add_up_to_it_and_the_agents_to_the_bill(option):
    agents = [_agent("coding-agent", 40_000, "coding"), _agent("deep-research", 2_000, "research", steps_per_run=300.0)]
    account = estimate_account(agents, BOOK, [option])
    shares = account.shares(option)
    np.testing.assert_allclose(shares[["coding", "research"]].sum(axis=1), shares["account"], rtol=1e-9, atol=1e-9)
    assert sum(account.agent_totals(option).values()) == pytest.approx(account.total(option), rel=1e-9, abs=1e-9)


def test_an_option_one_agent_cannot_run_on_is_out_for_the_account_and_a_split_is_offered_where_cheaper():
    """Inngest Cloud cannot run the research agent's run; Trigger.dev self-hosted runs both. Together on the
    self-hosted option costs more than the coding agent on Inngest Cloud and the research agent self-hosted."""
    agents = [_agent("coding-agent", 40_000, "coding"), _agent("deep-research", 2_000, "research")]
    options = ["inngest/cloud", "trigger.dev/self-hosted"]
    account = estimate_account(agents, BOOK, options)
    assert account.alone.option("inngest/cloud").status.tolist() == ["fits", "ruled_out"]
    assert account.status("inngest/cloud") == "ruled_out" and account.cheapest() == "trigger.dev/self-hosted"
    mixed = account.mixed
    assert mixed is not None
    assert (mixed.first, mixed.agents_first, mixed.second, mixed.agents_second) == (
        "inngest/cloud",
        (0,),
        "trigger.dev/self-hosted",
        (1,),
    )
    alone = account.alone
    assert mixed.first_usd == pytest.approx(float(alone.option("inngest/cloud").total[0]))
    assert mixed.second_usd == pytest.approx(float(alone.option("trigger.dev/self-hosted").total[1]))
    assert mixed.total < account.total("trigger.dev/self-hosted")


def test_no_split_is_offered_where_one_account_is_cheaper_or_an_agent_cannot_run_where_put():
    agents = [_agent("coding-agent", 40_000, "coding"), _agent("deep-research", 2_000, "research")]
    account = estimate_account(agents, BOOK)
    assert account.mixed is None  # pooling one plan, one platform and one operations effort wins here
    for options in (["inngest/cloud", "trigger.dev/cloud"], ["aws/step-functions-express", "temporal/cloud"]):
        found = estimate_account(agents, BOOK, options).mixed
        if found is not None:
            for where, who in ((found.first, found.agents_first), (found.second, found.agents_second)):
                status = estimate_account(agents, BOOK, [where]).alone.option(where).status
                assert all(status[i] in ("fits", "workaround") for i in who), (where, who)


def test_the_account_file_reads_each_agent_as_a_profile_and_the_shared_fields_once():
    workload = read_workload(ACCOUNT_FILE)
    assert workload.account and [a.name for a in workload.agents] == ["Coding agent", "Research agent"]
    assert workload.agents[0].model == PRESETS["coding-agent"].model
    assert workload.agents[1].steps_per_run == 300
    text = """
name: Ours
options: [temporal/cloud, trigger.dev/cloud]
team: {engineer_cost_usd_per_year: 200000}
agents:
  - {name: one, extends: coding-agent}
  - {name: two, extends: deep-research, monthly_runs: 10}
"""
    account = load_workload_text(text, "ours.yaml")
    assert all(a.options == ("temporal/cloud", "trigger.dev/cloud") for a in account.agents)
    assert all(a.team.engineer_cost_usd_per_year == 200000 for a in account.agents)
    single = load_workload_text((DATA_DIR / "profiles" / "coding-agent.yaml").read_text(), "coding-agent.yaml")
    assert not single.account and single.profile == PRESETS["coding-agent"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("agents: []", "a list of 1 to"),
        ("agents: [{extends: coding-agent, team: {engineer_cost_usd_per_year: 1}}]", "team is the account's"),
        ("agents: [{extends: coding-agent}]\nagnets: 1", "did you mean 'agents'"),
        ("agents: [{extends: coding-agent, monthly_runs: -5}]", "agents[0].monthly_runs"),
        ("agents: [{extends: nope}]", "agents[0].extends"),
        ("agents: [{name: a, extends: coding-agent}, {name: a, extends: deep-research}]", "'a': each agent's own"),
        ("agents: [{extends: coding-agent, step_secnds: 3}]", "did you mean 'step_seconds'"),
        (
            "agents: " + json.dumps([{"extends": "coding-agent", "name": f"a{i}"} for i in range(MAX_AGENTS + 1)]),
            "1 to",
        ),
    ],
)
def test_a_bad_account_file_names_the_agent_the_field_and_what_is_allowed(text, said):
    with pytest.raises(PricingError) as caught:
        load_workload_text(text, "account.yaml")
    assert said in str(caught.value)


def test_the_json_contract_carries_the_account_its_agents_their_shares_and_tokens():
    workload = read_workload(ACCOUNT_FILE)
    out = account_out(workload.name, workload.description, estimate_account(workload.agents, BOOK))
    data = json.loads(out.model_dump_json())
    assert data["schema_version"] == 5 and data["kind"] == "account"
    assert [a["name"] for a in data["agents"]] == ["Coding agent", "Research agent"]
    best = next(o for o in data["options"] if o["id"] == data["cheapest"])
    assert sum(best["agents_usd"].values()) == pytest.approx(best["monthly_usd"])
    tokens = sum(a["tokens"]["monthly_usd"] for a in data["agents"])
    assert data["tokens_usd"] == pytest.approx(tokens) and best["whole_usd"] == pytest.approx(
        best["monthly_usd"] + tokens
    )
    assert data["agents"][0]["tokens"]["snapshot"].startswith("genai-prices@")


def test_a_path_outside_the_data_directory_reads_too(tmp_path: Path):
    path = tmp_path / "ours.yaml"
    path.write_text("agents:\n  - {name: one, extends: coding-agent}\n")
    assert read_workload(path).agents[0].name == "one"


def test_the_report_shows_the_account_beside_the_profile():
    from dataclasses import replace

    from model.analysis import analyse
    from report.builders import build_markdown

    workload = read_workload(ACCOUNT_FILE)
    account = estimate_account(workload.agents, BOOK)
    out = account_out(workload.name, workload.description, account)
    analysis = replace(analyse(workload.agents[0], BOOK, draws=200), account=out)
    text = build_markdown(analysis, ON).decode("utf-8")
    assert "The account: 2 agents on one bill" in text
    best = account.cheapest()
    assert best is not None and f"{account.total(best):,.2f}" in text
    assert "Research agent" in text and "Shares:" in text


def test_the_account_file_and_the_contract_match_their_published_schemas():
    import jsonschema
    import yaml
    from referencing import Registry, Resource

    schemas = DATA_DIR / "schema"
    profile = json.loads((schemas / "profile.schema.json").read_text())
    registry = Registry().with_resource("profile.schema.json", Resource.from_contents(profile))
    validator = jsonschema.Draft202012Validator(
        json.loads((schemas / "account.schema.json").read_text()), registry=registry
    )
    validator.validate(yaml.safe_load(ACCOUNT_FILE.read_text()))
    assert not validator.is_valid({"agents": [{"extends": "coding-agent"}], "agnets": []})
    assert not validator.is_valid({"agents": []})
    workload = read_workload(ACCOUNT_FILE)
    out = account_out(workload.name, workload.description, estimate_account(workload.agents, BOOK))
    contract = json.loads((schemas / "account-estimate.schema.json").read_text())
    jsonschema.validate(json.loads(out.model_dump_json()), contract)


def test_the_account_file_the_app_offers_reads_back_to_the_same_agents():
    from ui.account import _account_file

    workload = read_workload(ACCOUNT_FILE)
    out = account_out(workload.name, workload.description, estimate_account(workload.agents, BOOK))
    again = load_workload_text(_account_file(out, workload.agents), "downloaded.yaml")
    assert again.account and again.agents == workload.agents


def _pinned(profile, runs: float, name: str):  # type: ignore[no-untyped-def]
    """The profile with every doubt of its own pinned to its value (a range whose ends are the value)."""
    from schema.profile import DOUBTS, GROWTH

    ranges = {
        n: {"low": v, "high": v}
        for n in DOUBTS
        if n != GROWTH and (v := getattr(profile, n)) is not None and v > 0 and n != "monthly_runs"
    }
    return profile.model_copy(update={"monthly_runs": runs, "name": name}).model_validate(
        {
            **profile.model_dump(),
            "monthly_runs": runs,
            "name": name,
            "ranges": {**ranges, "monthly_runs": {"low": runs, "high": runs}},
        }
    )


def test_an_account_of_one_agent_is_that_profile_s_monte_carlo_draw_by_draw():
    from model.account_odds import account_monte_carlo
    from model.uncertainty import monte_carlo

    agent = PRESETS["coding-agent"]
    options = [t.id for t in BOOK.options()]
    ours = account_monte_carlo([agent], BOOK, options, draws=400, seed=3)
    theirs = monte_carlo(agent, BOOK, options, draws=400, seed=3)
    assert np.allclose(ours.totals, theirs.totals, equal_nan=True, rtol=1e-12)


@pytest.mark.parametrize("preset", ["coding-agent", "deep-research"])
def test_two_pinned_agents_draw_as_one_agent_with_both_volumes(preset):
    """With every doubt of their own pinned, two agents of one shape differ from one agent with both
    volumes only by the prices drawn, which are the account's: the draws agree one by one."""
    from model.account_odds import account_monte_carlo

    options = [t.id for t in BOOK.options()]
    one, two = _pinned(PRESETS[preset], 3_000, "one"), _pinned(PRESETS[preset], 7_000, "two")
    both = _pinned(PRESETS[preset], 10_000, "both")
    ours = account_monte_carlo([one, two], BOOK, options, draws=300, seed=11)
    theirs = account_monte_carlo([both], BOOK, options, draws=300, seed=11)
    assert np.allclose(ours.totals, theirs.totals, equal_nan=True, rtol=1e-9)
    assert np.nanstd(ours.totals) > 0  # the prices do move


def test_the_account_s_odds_never_name_an_option_set_aside_and_read_in_order():
    from model.account_odds import odds_of
    from model.analysis import checklist_of
    from pricing.load import read_criteria

    coding, research = _agent("coding-agent", 40_000, "coding"), _agent("deep-research", 2_000, "research")
    aside = checklist_of(coding, BOOK, read_criteria(), {"languages": "python"}).set_aside
    assert aside
    account = estimate_account([coding, research], BOOK, set_aside=aside)
    odds = odds_of(account, BOOK, draws=500)
    out = account_out("x", "", account, odds)
    assert out.draws == 500
    for o in out.options:
        if o.id in aside:
            assert not o.cheapest_share
        if o.p10_usd is not None:
            assert o.p10_usd <= o.p50_usd <= o.p90_usd
    assert sum(o.cheapest_share or 0 for o in out.options) <= 1 + 1e-9
    best = next(o for o in out.options if o.id == out.cheapest)
    assert best.cheapest_share is not None and best.cheapest_share > 0


def _growing(profile, runs: float, name: str, growth: float = 5.0):  # type: ignore[no-untyped-def]
    grown = profile.path.model_copy(update={"growth_percent_per_month": growth})
    return profile.model_copy(update={"monthly_runs": runs, "name": name, "path": grown})


def test_an_account_of_one_agent_follows_that_profile_s_path():
    from model.account_path import account_path
    from model.strategy import path

    agent = _growing(PRESETS["coding-agent"], 3_000, "one")
    options = [t.id for t in BOOK.options()]
    ours, theirs = account_path([agent], BOOK, options), path(agent, BOOK, options)
    assert [(s.key, s.month) for s in ours.strategies] == [(s.key, s.month) for s in theirs.strategies]
    assert [s.total for s in ours.strategies] == pytest.approx([s.total for s in theirs.strategies], rel=1e-12)
    assert [g.best.key for g in ours.by_growth] == [g.best.key for g in theirs.by_growth]


@pytest.mark.parametrize("preset", ["coding-agent", "deep-research"])
def test_two_agents_on_the_path_cost_what_one_agent_with_both_volumes_does(preset):
    """Month by month the account is priced on the summed load and the team sets up once: two agents of
    one shape growing at the account's rate are one agent with both volumes, on every strategy."""
    from model.account_path import account_path
    from model.strategy import path

    options = [t.id for t in BOOK.options()]
    two = account_path([_growing(PRESETS[preset], 1_000, "a"), _growing(PRESETS[preset], 2_500, "b")], BOOK, options)
    one = path(_growing(PRESETS[preset], 3_500, "ab"), BOOK, options)
    ours, theirs = {s.key: s.total for s in two.strategies}, {s.key: s.total for s in one.strategies}
    assert ours.keys() == theirs.keys() and ours
    assert [ours[k] for k in theirs] == pytest.approx(list(theirs.values()), rel=1e-9)
    assert two.runs == pytest.approx(one.runs)


def test_the_account_s_path_is_in_its_json_and_its_words_and_leaves_out_what_the_answers_set_aside():
    from model.account_odds import account_outlook
    from model.analysis import checklist_of
    from pricing.load import read_criteria
    from report.account import account_lines, path_words

    coding, research = _agent("coding-agent", 40_000, "coding"), _agent("deep-research", 2_000, "research")
    aside = checklist_of(coding, BOOK, read_criteria(), {"languages": "python"}).set_aside
    account = estimate_account([coding, research], BOOK, set_aside=aside)
    odds, lay = account_outlook(account, BOOK, draws=200)
    out = account_out("x", "", account, odds, lay)
    assert out.path is not None and out.path.best == lay.best.key
    assert not {s.start for s in out.path.strategies} & set(aside)
    said = path_words(out)
    assert said is not None and said in account_lines(out)
    assert f"{out.path.strategies[0].total_usd:,.2f}" in said


def test_scenarios_over_an_account_price_each_as_the_account_is_priced():
    """Every scenario is an account of its own in one call: each option's bill and the cheapest agree with
    pricing that scenario's agents as an account alone."""
    from model.scenarios import compare_account_scenarios

    research = _agent("deep-research", 2_000, "research", steps_per_run=300.0)
    groups = [
        ("today", [_agent("coding-agent", 40_000, "coding"), research]),
        ("twice the coding", [_agent("coding-agent", 80_000, "coding"), research]),
        ("a small coding agent", [_agent("coding-agent", 300, "coding"), research]),
        ("research alone", [research]),
    ]
    results = compare_account_scenarios(groups, BOOK)
    assert [r.name for r in results] == [name for name, _ in groups]
    for (name, agents), r in zip(groups, results, strict=True):
        account = estimate_account(agents, BOOK)
        assert r.cheapest == account.cheapest(), name
        for option in (o.id for o in account.together.options):
            if account.applicable(option):
                assert r.totals[option] == pytest.approx(account.total(option), rel=1e-12), (name, option)
            else:
                assert np.isnan(r.totals[option]), (name, option)


def test_the_report_carries_the_scenarios_over_the_account():
    from dataclasses import replace

    from model.analysis import analyse
    from model.scenarios import compare_account_scenarios
    from report.document import build_document

    research = _agent("deep-research", 2_000, "research", steps_per_run=300.0)
    coding = _agent("coding-agent", 40_000, "coding")
    results = tuple(
        compare_account_scenarios(
            [("today", [coding, research]), ("twice", [_agent("coding-agent", 80_000, "coding"), research])], BOOK
        )
    )
    analysis = replace(analyse(coding, BOOK, draws=200), account_scenarios=results)
    section = next(s for s in build_document(analysis).sections if s.title == "The account in each scenario")
    best = results[1].cheapest
    assert best is not None
    assert f"twice: {results[1].names[best]} is the cheapest for the account" in " ".join(section.paragraphs)
    assert ("twice", results[1].names[best], f"${results[1].totals[best]:,.2f}", "yes") in section.rows
