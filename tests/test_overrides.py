"""A buyer's own terms: negotiated prices, a discount, a committed spend with its credit, a pinned
plan and the add-ons the tables list, in the profile, the engine, the CLI and the reports."""

from __future__ import annotations

import pytest

from cli import main
from model.engine import estimate
from model.result import summarize
from pricing.load import PricingError, read_pricebook
from pricing.profiles import known_from, parse_profile_text
from report.words import say
from schema.inputs import OptionOverrides
from tests.agents import agent

BOOK = read_pricebook()
TEMPORAL = "temporal/cloud"


def _option(profile, option=TEMPORAL):
    return next(o for o in summarize(estimate(profile, BOOK, [option])).options if o.id == option)


def _line(option, key):
    return next(c for c in option.components if c.key == key)


def _temporal(**terms):
    """1,250,000 runs of 10 one-attempt steps: 11 Actions a run, 13.75M a month."""
    return agent(
        monthly_runs=1_250_000,
        steps_per_run=10,
        retry_rate=0,
        human_waits_per_run=0,
        step_payload_kb=1,
        overrides={TEMPORAL: OptionOverrides(**terms)} if terms else {},
    )


def test_temporal_s_business_example_with_a_pinned_plan():
    """docs.temporal.io/cloud/pricing: 11.25M Actions past Business's allowance bill
    5M x $50 + 5M x $45 + 1.25M x $40 = $525. Business is not the cheapest plan here."""
    listed = _option(_temporal())
    assert listed.plan != "Business"
    pinned = _option(_temporal(plan="business"))
    assert pinned.plan == "Business"
    actions = _line(pinned, "actions")
    assert actions.quantity == pytest.approx(11_250_000)
    assert actions.cost_usd == pytest.approx(525.0)
    cheapest = next(p for p in pinned.plans if p.id != "business" and p.monthly_usd is not None)
    assert pinned.plan_reason.code == "plan_pinned"
    assert pinned.plan_reason.data["cheapest"] == cheapest.name
    assert pinned.plan_reason.data["cheapest_usd"] == pytest.approx(cheapest.monthly_usd)
    assert say(pinned.plan_reason).startswith(f"your pinned plan (the cheapest, {cheapest.name}, would bill $")


def test_a_negotiated_rate_replaces_the_list_price_exactly():
    """$30 per million Actions, in the unit the table quotes."""
    base = _option(_temporal(plan="business"))
    mine = _option(_temporal(plan="business", prices={"actions": 30}))
    actions = _line(mine, "actions")
    assert actions.cost_usd == pytest.approx(11_250_000 * 30 / 1e6)
    assert actions.unit_price == pytest.approx(30 / 1e6)
    assert actions.list_unit_price == pytest.approx(525.0 / 11_250_000)
    assert actions.provenance is not None and actions.provenance.confidence == "yours"
    assert _line(base, "actions").provenance.confidence == "primary"


def test_a_discount_comes_off_the_vendor_s_bill():
    base = _option(_temporal(plan="business"))
    mine = _option(_temporal(plan="business", discount_percent=20))
    discount = _line(mine, "your_discount")
    assert discount.cost_usd == pytest.approx(-0.2 * base.subtotals["vendor"])
    assert mine.subtotals["vendor"] == pytest.approx(0.8 * base.subtotals["vendor"])
    assert mine.subtotals["people"] == base.subtotals["people"]


@pytest.mark.parametrize(("commitment", "credit"), [(2000, None), (500, 600), (3000, 2500)])
def test_a_commitment_is_paid_and_its_credit_pays_for_usage(commitment, credit):
    vendor = _option(_temporal(plan="business")).subtotals["vendor"]
    mine = _option(_temporal(plan="business", commitment_usd=commitment, commitment_credit_usd=credit))
    covered = commitment if credit is None else credit
    assert mine.subtotals["vendor"] == pytest.approx(commitment + max(vendor - covered, 0))


def test_high_availability_doubles_actions_and_storage():
    base = _option(_temporal(plan="business"))
    ha = _option(_temporal(plan="business", addons={"high_availability": 1}))
    included = 2_500_000
    assert _line(ha, "actions").quantity == pytest.approx(2 * (_line(base, "actions").quantity + included) - included)
    assert ha.quantities["actions"] == pytest.approx(2 * base.quantities["actions"])


def test_an_add_on_a_plan_does_not_sell_rules_that_plan_out():
    """Extra Trigger.dev concurrency bought in the dashboard: Pro sells it, Hobby does not."""
    profile = agent(overrides={"trigger.dev/cloud": OptionOverrides(addons={"extra_concurrency": 50})})
    option = _option(profile, "trigger.dev/cloud")
    assert option.plan == "Pro"
    hobby = next(p for p in option.plans if p.id == "hobby")
    assert hobby.monthly_usd is None and hobby.reason.code == "plan_unsold"
    assert say(hobby.reason) == "Hobby does not sell Extra concurrency (bought in the dashboard)"
    bought = _line(option, "addon.extra_concurrency")
    assert bought.quantity == 50 and bought.cost_usd == pytest.approx(50 * bought.unit_price) and bought.cost_usd > 0


def test_a_pinned_plan_that_cannot_take_the_workload_rules_the_option_out():
    """A buyer's pinned plan is priced as pinned, but a plan that cannot take the workload makes the
    option unable to run it: it is never the cheapest (it was, with a warning, before)."""
    busy = agent(monthly_runs=4_360_000, overrides={"trigger.dev/cloud": OptionOverrides(plan="hobby")})
    result = summarize(estimate(busy, BOOK))
    option = next(o for o in result.options if o.id == "trigger.dev/cloud")
    assert option.plan == "Hobby"
    assert option.fit.status == "ruled_out" and not option.applicable
    assert [r.code for r in option.fit.reasons] == ["pinned_plan_refused"]
    assert option.plan_reason.data["refused"] is not None
    assert result.cheapest != "trigger.dev/cloud"


def test_the_profile_file_names_what_it_may_override():
    text = """version: 2
monthly_runs: 1000
steps_per_run: 10
step_seconds: 2
overrides:
  temporal/cloud:
    prices: {actionz: 30}
    plan: gold
    addons: {teleport: 1}
  acme/nope: {discount_percent: 5}
"""
    with pytest.raises(PricingError) as info:
        parse_profile_text(text, "mine.yaml", known=known_from(BOOK))
    fields = {p.field: p for p in info.value.problems}
    assert set(fields) == {
        "overrides.temporal/cloud.prices.actionz",
        "overrides.temporal/cloud.plan",
        "overrides.temporal/cloud.addons.teleport",
        "overrides.acme/nope",
    }
    assert "allowed: " in fields["overrides.temporal/cloud.plan"].message and "business" in (
        fields["overrides.temporal/cloud.plan"].message
    )
    assert fields["overrides.temporal/cloud.plan"].line == 8


def test_the_cli_prices_a_contract_from_the_profile(tmp_path, capsys):
    path = tmp_path / "contract.yaml"
    path.write_text(
        """version: 2
extends: coding-agent
monthly_runs: 1250000
options: [temporal/cloud]
overrides:
  temporal/cloud:
    prices: {actions: 30}
    discount_percent: 20
    plan: business
""",
        encoding="utf-8",
    )
    assert main(["compare", "--profile", str(path), "--format", "md"]) == 0
    out = capsys.readouterr().out.replace("\\$", "$")  # Markdown writes a dollar as `\$`
    assert "your price (list $" in out
    assert "Your discount" in out and "your pinned plan" in out
