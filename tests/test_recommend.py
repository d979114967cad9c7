"""The recommendation checklist: answers and figures weigh for a vendor with their sources; the
verdict is the heaviest vendor; vendors with nothing priced on the date are not weighed."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.engine import estimate
from model.recommend import recommend
from model.result import summarize
from pricing.load import read_criteria, read_pricebook
from tests.agents import agent

CRITERIA = read_criteria()
ANSWERS = st.fixed_dictionaries(
    {}, optional={q.id: st.sampled_from([a.id for a in q.answers]) for q in CRITERIA.questions}
)
"""Any answers to any of the questions (a question may be left unanswered)."""


@pytest.fixture(scope="module")
def result(book, presets):
    return summarize(estimate(presets["coding-agent"], book))


def _cheapest_that_counts(result, hosting=None):
    counted = [o for o in result.options if o.applicable and (hosting is None or o.hosting == hosting)]
    return min(counted, key=lambda o: o.monthly_usd)


def test_with_no_answers_only_the_figures_weigh(result):
    rec = recommend(CRITERIA, {}, result)
    assert set(rec.unanswered) == {q.id for q in CRITERIA.questions} and rec.answers == {}
    assert {f.kind for f in rec.findings} <= {"figures", "excludes", "default"}
    cheapest = _cheapest_that_counts(result)
    cost = next(f for f in rec.findings if f.rule == "cost-at-this-volume")
    assert cost.favours == CRITERIA.vendor_of(cheapest.id) == rec.vendor
    assert cheapest.name in cost.reason
    assert all(f.source_url.startswith("https://") for f in rec.findings)


def test_a_small_typescript_team_without_a_platform_team_is_pointed_to_trigger(result):
    answers = {"languages": "typescript", "platform_team": "no", "team_size": "under_25"}
    rec = recommend(CRITERIA, answers, result)
    assert rec.vendor == "trigger.dev" and rec.option == "trigger.dev/cloud"
    assert all(f.kind != "answer" or f.favours == "trigger.dev" for f in rec.findings)
    assert set(rec.unanswered) == {q.id for q in CRITERIA.questions} - set(answers)


def test_an_answer_to_no_question_is_named():
    with pytest.raises(ValueError, match=r"regulatd: not a question"):
        recommend(CRITERIA, {"regulatd": "yes"}, summarize(estimate(agent(), read_pricebook())))


@pytest.mark.parametrize("question", ["regulated", "sagas", "polyglot_workers", "mirror_openai", "platform_team"])
def test_one_pick_temporal_box_outweighs_the_soft_preferences(result, question):
    rec = recommend(CRITERIA, {question: "yes"}, result)
    assert rec.vendor == "temporal" and rec.option in ("temporal/cloud", "temporal/self-hosted")
    assert any(f.kind == "answer" and f.favours == "temporal" and f.weight == 6 for f in rec.findings)


@given(answers=ANSWERS)
def test_scores_are_the_sum_of_the_reasons_and_the_verdict_the_heaviest(result, answers):
    rec = recommend(CRITERIA, answers, result)
    for vendor, score in rec.scores.items():
        assert score == pytest.approx(sum(f.weight for f in rec.findings if f.favours == vendor))
    if rec.vendor is None:  # every vendor ruled out: nothing is recommended, and the summary says why
        assert not rec.scores and rec.option is None and set(rec.excluded) == set(CRITERIA.vendors)
        return
    assert rec.vendor not in rec.excluded
    assert rec.scores[rec.vendor] == max(rec.scores.values())
    assert rec.option in CRITERIA.vendors[rec.vendor].options
    hosting = "self-hosted" if answers.get("self_host", "no") != "no" else None
    mine = [
        o
        for o in result.options
        if o.id in CRITERIA.vendors[rec.vendor].options and o.applicable and (hosting is None or o.hosting == hosting)
    ]
    assert rec.monthly_usd == min(o.monthly_usd for o in mine)


def test_a_wrong_answer_names_the_question_and_the_allowed_answers(result):
    with pytest.raises(ValueError, match=r"regulated: 'perhaps' is not an answer; allowed: no, yes"):
        recommend(CRITERIA, {"regulated": "perhaps"}, result)


def test_history_limits_weigh_against_temporal(book, presets):
    rec = recommend(CRITERIA, {}, summarize(estimate(presets["deep-research"], book)))
    history = [f for f in rec.findings if f.rule.startswith("history") or "Continue-As-New" in f.reason]
    assert history and all(f.favours == "trigger.dev" for f in history)


def test_before_any_trigger_table_trigger_is_not_weighed(presets):
    book = read_pricebook(on=dt.date(2025, 3, 1))
    assert not any(t.id.startswith("trigger.dev") for t in book.options())
    rec = recommend(CRITERIA, {"languages": "typescript"}, summarize(estimate(presets["coding-agent"], book)))
    priced = {CRITERIA.vendor_of(t.id) for t in book.options()}
    assert rec.vendor in priced and set(rec.scores) == priced
    unweighed = [f for f in rec.findings if f.favours == "trigger.dev"]
    assert unweighed and all(f.weight == 0 and "Not weighed" in f.reason for f in unweighed)


def test_a_language_without_an_sdk_rules_the_vendor_out(result):
    rec = recommend(CRITERIA, {"languages": "dotnet"}, result)
    assert {"trigger.dev", "cloudflare", "inngest", "hatchet", "restate", "dbos"} <= set(rec.excluded)
    assert rec.vendor in ("temporal", "aws")
    ruled = [f for f in rec.findings if f.kind == "excludes"]
    assert ruled and all(f.weight == 0 and f.reason.startswith("Ruled out") for f in ruled)
    assert not set(rec.scores) & set(rec.excluded)


def test_self_hosting_under_an_open_source_licence_counts_only_such_options(result):
    rec = recommend(CRITERIA, {"self_host": "open_source"}, result)
    assert {"aws", "cloudflare", "inngest", "restate"} <= set(rec.excluded)
    chosen = next(o for o in result.options if o.id == rec.option)
    assert chosen.hosting == "self-hosted"
    assert "Ruled out" in rec.summary


def test_a_vendor_none_of_whose_options_can_run_the_workload_is_ruled_out(book):
    # A run longer than five minutes: Express cannot take it, Standard can, so AWS stays in.
    long = summarize(estimate(agent(steps_per_run=100, step_seconds=10), book))
    express = next(o for o in long.options if o.id == "aws/step-functions-express")
    assert not express.applicable
    assert "aws" not in recommend(CRITERIA, {}, long).excluded
    # Only Express in the comparison: AWS is ruled out, with the limit's reason.
    only = summarize(
        estimate(agent(steps_per_run=100, step_seconds=10), book, ["aws/step-functions-express", "trigger.dev/cloud"])
    )
    rec = recommend(CRITERIA, {}, only)
    assert "aws" in rec.excluded and "run duration past 300 s" in rec.excluded["aws"]
    assert rec.option == "trigger.dev/cloud"


def test_when_every_vendor_is_ruled_out_nothing_is_recommended(book):
    only = summarize(estimate(agent(), book, ["trigger.dev/cloud"]))
    rec = recommend(CRITERIA, {"languages": "python"}, only)
    assert rec.vendor is None and rec.option is None and rec.monthly_usd is None
    assert rec.summary.startswith("No vendor meets every requirement") and "Trigger.dev" in rec.summary
