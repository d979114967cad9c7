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

CRITERIA = read_criteria()
ANSWERS = st.fixed_dictionaries({q.id: st.sampled_from([a.id for a in q.answers]) for q in CRITERIA.questions})


@pytest.fixture(scope="module")
def result(book, presets):
    return summarize(estimate(presets["coding-agent"], book))


def test_defaults_favour_the_cheaper_typescript_option(result):
    rec = recommend(CRITERIA, {}, result)
    assert rec.vendor == "trigger.dev" and rec.option == "trigger.dev/cloud"
    cost = next(f for f in rec.findings if f.rule == "cost-at-this-volume")
    assert cost.kind == "figures" and cost.favours == "trigger.dev"
    assert "Trigger.dev Cloud" in cost.reason
    assert all(f.source_url.startswith("https://") for f in rec.findings)


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
    assert rec.scores[rec.vendor] == max(rec.scores.values())
    assert rec.option in CRITERIA.vendors[rec.vendor].options
    assert rec.monthly_usd == min(o.monthly_usd for o in result.options if o.id in CRITERIA.vendors[rec.vendor].options)


def test_a_wrong_answer_names_the_question_and_the_allowed_answers(result):
    with pytest.raises(ValueError, match=r"regulated: 'perhaps' is not an answer; allowed: no, yes"):
        recommend(CRITERIA, {"regulated": "perhaps"}, result)


def test_history_limits_weigh_against_temporal(book, presets):
    rec = recommend(CRITERIA, {}, summarize(estimate(presets["deep-research"], book)))
    history = [f for f in rec.findings if f.rule.startswith("history") or "Continue-As-New" in f.reason]
    assert history and all(f.favours == "trigger.dev" for f in history)


def test_before_any_trigger_table_only_temporal_is_weighed(presets):
    book = read_pricebook(on=dt.date(2025, 3, 1))
    assert not any(t.id.startswith("trigger.dev") for t in book.options())
    rec = recommend(CRITERIA, {}, summarize(estimate(presets["coding-agent"], book)))
    assert rec.vendor == "temporal" and set(rec.scores) == {"temporal"}
    unweighed = [f for f in rec.findings if f.favours == "trigger.dev"]
    assert unweighed and all(f.weight == 0 and "Not weighed" in f.reason for f in unweighed)
