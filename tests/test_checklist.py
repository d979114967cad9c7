"""The checklist: an answer that requires what an option lacks sets it aside (with the rule and its
source); an answer that only weighs for a vendor is a leaning named beside the verdict, never in its
place; a question not answered weighs nothing, and those that could still set the named option aside
are named beside it. Every reason cites a source about what it claims."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.analysis import checklist_of, headline_of
from model.checklist import check_answers
from pricing.load import read_criteria, read_pricebook
from report.verdict_words import verdict_details, verdict_sentence
from tests.conftest import latest_date

CRITERIA = read_criteria()
BOOK = read_pricebook(on=latest_date())
ANSWERS = st.fixed_dictionaries(
    {}, optional={q.id: st.sampled_from([a.id for a in q.answers]) for q in CRITERIA.questions}
)
"""Any answers to any of the questions (a question may be left unanswered)."""


def test_with_no_answers_nothing_is_set_aside_and_the_questions_that_could_are_named(presets):
    found = checklist_of(presets["coding-agent"], BOOK, CRITERIA, {})
    assert not found.set_aside and not found.leanings
    assert set(found.unanswered) == {q.id for q in CRITERIA.questions}
    assert {q.id for q in found.open_questions} == {"languages", "self_host"}


def test_an_answer_to_no_question_and_an_answer_that_is_none_are_named():
    with pytest.raises(ValueError, match=r"regulatd: not a question"):
        check_answers(CRITERIA, {"regulatd": "yes"})
    with pytest.raises(ValueError, match=r"regulated: 'perhaps' is not an answer; allowed: no, yes"):
        check_answers(CRITERIA, {"regulated": "perhaps"})


def test_a_language_without_an_sdk_sets_the_vendor_aside_with_its_source(presets):
    head = headline_of(presets["coding-agent"], BOOK, criteria=CRITERIA, answers={"languages": "dotnet"}, draws=300)
    aside = head.verdict.set_aside
    for vendor in ("trigger.dev", "cloudflare", "inngest", "hatchet", "restate", "dbos"):
        assert set(CRITERIA.vendors[vendor].options) <= set(aside), vendor
    assert head.verdict.best is not None and CRITERIA.vendor_of(head.verdict.best.id) in ("temporal", "aws")
    for found in aside.values():
        for f in found:
            assert f.code == "set_aside" and str(f.data["source_url"]).startswith("https://")
    shown = {o.id: o for o in head.result.options}
    assert all(shown[o].fit.status == "set_aside" and not shown[o].applicable for o in aside)
    assert "Set aside by your answers" in " ".join(verdict_details(head.verdict, head.result))


def test_self_hosting_under_an_open_source_licence_leaves_only_such_options(presets):
    head = headline_of(
        presets["coding-agent"], BOOK, criteria=CRITERIA, answers={"self_host": "open_source"}, draws=300
    )
    left = [o for o in head.result.options if o.fit.status != "set_aside"]
    assert left and all(o.hosting == "self-hosted" for o in left)
    assert not {"inngest/self-hosted", "restate/self-hosted"} & {o.id for o in left}
    assert head.verdict.best is not None and head.verdict.best.hosting == "self-hosted"


@pytest.mark.parametrize("question", ["regulated", "sagas", "polyglot_workers", "mirror_openai", "platform_team"])
def test_a_pick_temporal_box_is_named_beside_the_cheapest_with_what_it_costs(presets, question):
    head = headline_of(presets["coding-agent"], BOOK, criteria=CRITERIA, answers={question: "yes"}, draws=300)
    v = head.verdict
    assert v.best is not None and CRITERIA.vendor_of(v.best.id) != "temporal"  # the cheapest stays named
    assert v.leanings and v.leanings[0].vendor == "temporal" and v.leanings[0].weight == 6
    assert v.leaning_option is not None and v.leaning_option.id.startswith("temporal/")
    said = " ".join(verdict_details(v, head.result))
    assert "Your answers lean to Temporal" in said and v.leaning_option.name in said and "more a month" in said


@settings(max_examples=25, deadline=None)
@given(answers=ANSWERS)
def test_the_verdict_is_the_cheapest_option_that_runs_and_meets_the_answers(presets, answers):
    head = headline_of(presets["coding-agent"], BOOK, criteria=CRITERIA, answers=answers, draws=0)
    v, result = head.verdict, head.result
    counted = [o for o in result.options if o.applicable]
    assert not set(v.set_aside) & {o.id for o in counted}
    if not counted:
        assert v.best is None and result.cheapest is None
        assert verdict_sentence(v, result).startswith("No option")
        return
    cheapest = min(counted, key=lambda o: o.monthly_usd)
    assert v.best is not None and v.best.id == cheapest.id == result.cheapest
    assert verdict_sentence(v, result).startswith(v.best.name) or verdict_sentence(v, result).startswith("Too close")


def test_every_rule_cites_a_source_about_what_it_claims():
    """A rule that sets a vendor aside, or weighs for one, cites a page of that vendor or one that
    names it (the article compares Trigger.dev and Temporal: it backs rules about those two only)."""
    for rule in CRITERIA.rules:
        source = CRITERIA.sources[rule.source]
        about = f"{source.title} {source.url}".lower()
        vendors = [*rule.excludes, *([rule.favours] if rule.favours else [])]
        for vendor in vendors:
            name = CRITERIA.vendors[vendor].name.lower()
            words = {name, vendor, name.split()[0], *({"aws", "amazon"} if vendor == "aws" else set())}
            assert any(w in about for w in words), (rule.id, vendor, source.title)
