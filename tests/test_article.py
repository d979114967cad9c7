"""The seed article's worked example, reproduced; docs/article-reconciliation.md must agree."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from model.engine import estimate
from model.result import summarize
from pricing.load import read_pricebook
from report.option_words import plan_reason

DOC = Path(__file__).resolve().parent.parent / "docs" / "article-reconciliation.md"
ARTICLE_DATE = dt.date(2026, 5, 31)


def _doc_figures() -> dict[str, str]:
    block = re.search(r"<!-- figures:start -->(.*?)<!-- figures:end -->", DOC.read_text(encoding="utf-8"), re.S)
    assert block
    rows = [ln for ln in block.group(1).strip().splitlines()[2:]]
    return {cells[0]: cells[2] for cells in ([c.strip() for c in ln.split("|")[1:-1]] for ln in rows)}


def _money(text: str) -> float:
    return float(text.replace("$", "").replace(",", ""))


@pytest.fixture(scope="module")
def figures(presets):
    profile = presets["article-example"]
    now = summarize(estimate(profile, read_pricebook(on=dt.date(2026, 11, 25))))
    then = summarize(estimate(profile, read_pricebook(on=ARTICLE_DATE)))
    by = lambda r: {o.id: o for o in r.options}  # noqa: E731
    machines = {
        m: next(
            o.subtotals["vendor"]
            for o in summarize(
                estimate(
                    profile.model_copy(update={"machine": m}),
                    read_pricebook(on=dt.date(2026, 11, 25)),
                    ["trigger.dev/cloud"],
                )
            ).options
        )
        for m in ("0.25-vcpu-0.25-gb", "1-vcpu-1-gb")
    }
    return {"now": by(now), "then": by(then), "machines": machines}


def test_actions_are_one_start_plus_one_per_step(figures):
    assert figures["now"]["temporal/cloud"].quantities["actions"] == 50_000 * 31


def test_figures_on_the_reconciliation_page_match_the_engine(figures):
    doc = _doc_figures()
    now, then = figures["now"], figures["then"]
    temporal_now, temporal_then = now["temporal/cloud"], then["temporal/cloud"]
    trigger = now["trigger.dev/cloud"]
    actions_line = next(c for c in temporal_now.components if c.key == "actions")
    expected = {
        "Temporal Actions per month": temporal_now.quantities["actions"],
        "Temporal Actions at $50/M": actions_line.cost_usd,
        "Temporal Cloud vendor bill, Essentials era (May 2026 tables)": temporal_then.subtotals["vendor"],
        "Temporal Cloud vendor bill, Developer plan (current tables)": temporal_now.subtotals["vendor"],
        "Temporal Cloud with workers and operations (current tables)": temporal_now.monthly_usd,
        "Trigger.dev compute seconds per month": trigger.quantities["billable_seconds"],
        "Trigger.dev Cloud bill, small-1x": trigger.subtotals["vendor"],
        "Trigger.dev Cloud bill, micro": figures["machines"]["0.25-vcpu-0.25-gb"],
        "Trigger.dev Cloud bill, small-2x": figures["machines"]["1-vcpu-1-gb"],
    }
    assert set(doc) == set(expected)
    for name, value in expected.items():
        assert _money(doc[name]) == pytest.approx(value, abs=0.005), name


def test_article_ranges_bracket_our_trigger_figure(figures):
    assert 80 <= figures["now"]["trigger.dev/cloud"].subtotals["vendor"] <= 180
    # Hobby and Pro bill the same here (each fee is all usage credit); the tie goes to Pro
    trigger = figures["now"]["trigger.dev/cloud"]
    assert trigger.plan == "Pro" and "as cheap as Hobby" in plan_reason(trigger)
    assert figures["then"]["temporal/cloud"].plan == "Essentials"
