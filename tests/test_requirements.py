"""Plans chosen for production: what a plan must offer (seats, log retention, SSO, SLA, support,
HIPAA), the cheapest plan that meets it, ties toward headroom, add-ons bought for a need, and
each plan's features shown beside its price."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import main
from model.engine import estimate
from model.result import summarize
from model.verdict import verdict
from pricing.load import PricingError, read_pricebook
from pricing.profiles import known_from, parse_profile_text, read_presets
from report.compare import format_markdown
from report.option_words import plan_reason
from report.words import say
from schema.inputs import PlanRequirements
from schema.plans import SUPPORT_LEVELS
from schema.profile import ProfileError
from tests.agents import agent
from ui.link import decode, encode
from ui.profile_parts import requirements_from

BOOK = read_pricebook()
TRIGGER, TEMPORAL = "trigger.dev/cloud", "temporal/cloud"
ARTICLE = read_presets()["article-example"]


def _option(profile, option, book=BOOK):
    return next(o for o in summarize(estimate(profile, book, [option])).options if o.id == option)


def _needs(profile, **requirements):
    return profile.model_copy(update={"requirements": PlanRequirements(**requirements)})


def _plan(table_id, plan_id, book=BOOK):
    return next(p for p in book.table(table_id).plans if p.id == plan_id)


def test_a_tie_goes_to_the_plan_with_more_headroom():
    """At the article's volume Hobby and Pro bill the same (each fee is all usage credit): the
    larger plan is chosen, and the reason says why."""
    option = _option(ARTICLE, TRIGGER)
    bills = {p.id: p.monthly_usd for p in option.plans}
    assert bills["hobby"] is not None and round(bills["hobby"], 2) == round(bills["pro"], 2)
    assert option.plan == "Pro"
    assert "as cheap as Hobby, with more headroom" in plan_reason(option)


def test_a_plan_short_of_the_log_retention_is_passed_over_with_its_reason():
    needed = 14
    hobby_days = _plan(TRIGGER, "hobby").features.log_retention_days.value
    assert hobby_days < needed
    option = _option(_needs(agent(monthly_runs=300), log_retention_days=needed), TRIGGER)
    hobby = next(p for p in option.plans if p.id == "hobby")
    assert option.plan == "Pro"
    assert hobby.monthly_usd is None
    assert hobby.reason.code == "plan_short"
    (short,) = hobby.reason.data["short"]
    assert short.data == {"feature": "log_retention_days", "have": hobby_days, "want": needed}
    assert f"logs kept {hobby_days:g} days, fewer than the {needed} you need" in say(hobby.reason)


def test_seats_past_a_plan_s_count_are_bought_as_its_add_on():
    pro = _plan(TRIGGER, "pro")
    included = pro.features.seats.value
    price = pro.prices["extra_seat"].expected
    option = _option(_needs(ARTICLE, seats=included + 5), TRIGGER)
    line = next(c for c in option.components if c.key == "needs.extra_seats")
    assert option.plan == "Pro"
    assert line.quantity == 5 and line.cost_usd == pytest.approx(5 * price)
    base = _option(ARTICLE, TRIGGER)
    assert option.monthly_usd == pytest.approx(base.monthly_usd + 5 * price)
    # within the plan's seats, nothing is bought
    within = _option(_needs(ARTICLE, seats=included), TRIGGER)
    assert next(c for c in within.components if c.key == "needs.extra_seats").cost_usd == 0


def test_an_option_with_no_plan_that_meets_a_need_is_not_applicable_but_self_hosting_is():
    profile = _needs(ARTICLE, support="priority")
    result = summarize(estimate(profile, BOOK, [TEMPORAL, "temporal/self-hosted"]))
    cloud, hosted = (next(o for o in result.options if o.id == i) for i in (TEMPORAL, "temporal/self-hosted"))
    assert not cloud.applicable and cloud.fit.status == "ruled_out"
    (why,) = cloud.fit.reasons
    assert why.code == "requirements_unmet"
    said = say(why)
    assert said.startswith("no plan both takes this workload and meets your requirements")
    assert "email support, below the priority support you need" in said
    assert hosted.applicable


def test_a_need_the_vendor_lists_as_an_extra_at_no_published_price_is_a_warning():
    option = _option(_needs(ARTICLE, hipaa=True), TRIGGER)
    assert option.plan in ("Hobby", "Pro") and option.applicable
    assert any(
        w.code == "feature_unpriced"
        and w.data["feature"] == "hipaa"
        and "costs extra at a price the vendor does not publish" in say(w)
        for w in option.warnings
    )
    free = next(p for p in option.plans if p.id == "free")
    assert say(free.reason) == "Free does not meet your requirements: no HIPAA BAA"


def test_a_flag_sold_as_an_add_on_is_bought_on_the_plan_that_sells_it():
    """Temporal Cloud's 2025 Business plan sold SAML SSO as an add-on; Essentials had none."""
    old = read_pricebook(on=dt.date(2025, 6, 1))
    option = _option(_needs(agent(monthly_runs=3000), sso=True), TEMPORAL, old)
    assert option.plan == "Business"
    line = next(c for c in option.components if c.key == "needs.saml_sso")
    assert line.quantity == 1 and line.cost_usd == pytest.approx(old.table(TEMPORAL).prices["saml_sso"].expected)
    essentials = next(p for p in option.plans if p.id == "essentials")
    assert "no SSO / SAML" in say(essentials.reason)


def test_every_plan_shows_its_features_with_a_source():
    option = _option(ARTICLE, TRIGGER)
    for plan in option.plans:
        shown = {f.id: f for f in plan.features}
        assert {"seats", "log_retention_days", "support"} <= set(shown)
        assert all(f.url.startswith("https://") for f in plan.features)
    pro = next(p for p in option.plans if p.id == "pro")
    assert next(f for f in pro.features if f.id == "seats").shown.startswith("25 seats, more as extra seats")
    result = summarize(estimate(ARTICLE, BOOK, [TRIGGER]))
    text = format_markdown(result, verdict(result))
    assert "Plans and what they include" in text and "| Hobby " in text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seats=st.none() | st.integers(1, 60),
    days=st.none() | st.sampled_from([1.0, 7.0, 14.0, 30.0, 90.0]),
    sso=st.booleans(),
    hipaa=st.booleans(),
    support=st.none() | st.sampled_from(SUPPORT_LEVELS),
    runs=st.sampled_from([300.0, 50_000.0, 2_000_000.0]),
)
def test_a_need_never_makes_an_option_cheaper(seats, days, sso, hipaa, support, runs):
    """Requirements only remove plans or add add-ons: no option costs less with them, and one that
    meets them on its cheapest plan costs the same."""
    base = agent(monthly_runs=runs)
    needs = _needs(base, seats=seats, log_retention_days=days, sso=sso, hipaa=hipaa, support=support)
    plain = {o.id: o for o in summarize(estimate(base, BOOK)).options}
    for option in summarize(estimate(needs, BOOK)).options:
        before = plain[option.id]
        if option.applicable and before.applicable:
            assert option.monthly_usd >= before.monthly_usd - 1e-6, option.id
        if option.hosting == "self-hosted":
            assert option.monthly_usd == pytest.approx(before.monthly_usd)


def test_requirements_in_a_profile_file_and_their_errors():
    known = known_from(BOOK, {t.id for t in BOOK.options()})
    loaded = parse_profile_text(
        "version: 2\nextends: article-example\nrequirements: {seats: 30, sso: true}\n", "mine.yaml", known=known
    )
    assert loaded.requirements.seats == 30 and loaded.requirements.sso is True
    with pytest.raises((ProfileError, PricingError)) as bad:
        parse_profile_text(
            "version: 2\nextends: article-example\nrequirements: {seat: 3, support: gold}\n", "mine.yaml", known=known
        )
    text = str(bad.value)
    assert "requirements.seat" in text and "did you mean 'seats'" in text
    assert "requirements.support" in text and "'dedicated'" in text


def test_requirements_travel_in_the_link():
    presets = read_presets()
    profile = _needs(presets["coding-agent"], seats=12, support="email", hipaa=True)
    from ui.state import UiState

    params = encode(UiState(preset="coding-agent", profile=profile), presets)
    assert params["need.seats"] == "12" and params["need.support"] == "email" and params["need.hipaa"] == "true"
    state, problems = decode(params, presets)
    assert problems == [] and state.profile.requirements == profile.requirements
    _, problems = requirements_from({"need.sla_percent": "80", "need.colour": "red", "need.sso": "maybe"})
    fields = {p[0] for p in problems}
    assert fields == {"need.sla_percent", "need.colour", "need.sso"}


def test_cli_prices_the_requirements(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text("version: 2\nextends: article-example\nrequirements: {seats: 30}\noptions: [trigger.dev/cloud]\n")
    assert main(["compare", "--profile", str(path), "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "Extra seats (for your requirements)" in out and "| 5 seats" in out


def test_validate_catches_a_feature_without_a_source_and_plans_out_of_order(tmp_path):
    import shutil

    from pricing.load import DATA_DIR, read_table

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = max((data / "pricing" / "trigger.dev" / "cloud").glob("*.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("seats: {value: 5, source: td-limits", "seats: {value: 5, source: nowhere", 1), encoding="utf-8"
    )
    with pytest.raises(PricingError, match="unknown source 'nowhere'"):
        read_table(path, root=data)
    path.write_text(
        text.replace("fee: {value: 50, low: 40, high: 60", "fee: {value: 5, low: 4, high: 6", 1), encoding="utf-8"
    )
    with pytest.raises(PricingError, match="plans go from the smallest to the largest"):
        read_table(path, root=data)


def test_the_app_takes_requirements_from_the_link_and_the_sidebar():
    from tests.test_app import metrics, param, start, unfold

    at = start({"preset": "article-example", "need.seats": "30", "options": f"{TRIGGER},{TEMPORAL}"})
    assert not at.exception and not at.error
    unfold(at, "requirements")
    assert at.number_input(key="need.seats").value == 30
    expected = _option(_needs(ARTICLE.model_copy(update={"options": (TRIGGER, TEMPORAL)}), seats=30), TRIGGER)
    name = BOOK.table(TRIGGER).name
    from report.words import money

    assert metrics(at)[name] == money(expected.monthly_usd)
    frames = [f.value for f in at.dataframe if "Seats" in f.value.columns]
    assert frames and "25 seats, more as extra seats" in set(frames[0]["Seats"])
    at.checkbox(key="need.hipaa").check().run()
    assert param(at, "need.hipaa") == "true" and param(at, "need.seats") == "30"


def test_pricing_show_lists_what_a_profile_may_name(capsys):
    assert main(["pricing", "show", TRIGGER]) == 0
    out = capsys.readouterr().out
    table = BOOK.table(TRIGGER)
    for key in table.prices:
        assert f"| {key} | table |" in out
    for plan in table.plans:
        assert f"| {plan.id} | {plan.name} |" in out
    assert "Log retention: 1 day;" in out and "| extra_seats | Extra seats | pro |" in out
    assert main(["pricing", "show", "nobody/cloud"]) == 2
    assert "is not an option" in capsys.readouterr().err
