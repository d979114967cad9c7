"""The Scenarios view in a real Chromium, on a desktop (1440 px) and a phone (390 px): its chart draws
a bar for every option that can run each scenario (a $0 option included) with no name cut short."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from model.profile import WorkloadProfile
from model.scenarios import ScenarioResult, compare_scenarios
from pricing.load import read_pricebook
from pricing.profiles import read_presets
from report.scenarios import scenario_summary

pytestmark = pytest.mark.browser
TIMEOUT = 60_000
CODING = read_presets()["coding-agent"]
SIZES = {"desktop": (1440, 1000), "phone": (390, 844)}


@pytest.fixture(params=list(SIZES))
def sized(request, page):  # type: ignore[no-untyped-def]
    """The `page` fixture at a desktop's and at a phone's size."""
    width, height = SIZES[request.param]
    page.set_viewport_size({"width": width, "height": height})
    return page


def _book():  # type: ignore[no-untyped-def]
    return read_pricebook(on=dt.date.today())


def _priced(*scenarios: tuple[str, WorkloadProfile]) -> list[ScenarioResult]:
    return compare_scenarios([("As profiled", CODING), *scenarios], _book())


def _drawn(results: list[ScenarioResult]) -> list[float]:
    """The costs the chart should draw: every option that can run a scenario, at a finite price."""
    return [o.monthly_usd for r in results for o in r.result.options if o.applicable and math.isfinite(o.monthly_usd)]


def _wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=TIMEOUT)


def _open(page, query: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base_url + "/" + query)
    page.get_by_text("Scenarios side by side", exact=True).first.wait_for(timeout=TIMEOUT)
    _wait_idle(page)


def _main(page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid=stMain]")


CHART = """(count) => {
    const svg = document.querySelector('[data-testid=stMain] [data-testid=stVegaLiteChart] svg.marks');
    if (!svg) return null;
    const bars = [...svg.querySelectorAll('.mark-rect path')];
    if (count !== null && bars.length !== count) return null;
    const box = svg.getBoundingClientRect();
    return {
        bars: bars.map(p => p.getBoundingClientRect().width),
        texts: [...svg.querySelectorAll('text')].map(t => t.textContent),
        right: box.right,
        viewport: document.documentElement.clientWidth,
    };
}"""


def _chart(page, count: int | None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The scenarios chart as drawn, once it draws `count` bars."""
    handle = page.wait_for_function(CHART, arg=count, timeout=TIMEOUT)
    return dict(handle.json_value())


def _wait_summary(page, result: ScenarioResult) -> None:  # type: ignore[no-untyped-def]
    """The view's sentence for a scenario, as the engine's result for it says it."""
    _main(page).get_by_text(scenario_summary(result), exact=False).first.wait_for(timeout=TIMEOUT)


def test_the_chart_draws_every_option_s_bar_a_0_dollar_one_included_and_cuts_no_name(sized):
    """A scenario in which an option costs $0: the old log axis drew no bar at all. Every option that
    can run a scenario has a bar (as long as its cost), the $0 one its amount, and every option's and
    scenario's name is shown whole inside the page."""
    page = sized
    tiny = CODING.model_copy(
        update={
            "monthly_runs": 10.0,
            "team": CODING.team.model_copy(update={"engineer_cost_usd_per_year": 0.0}),
        }
    )
    results = _priced(("Tiny", tiny))
    costs = _drawn(results)
    assert min(costs) == 0, "the case needs a $0 option"
    _open(page, "?view=scenarios&s1=Tiny&s1.monthly_runs=10&s1.engineer_cost=0")
    _wait_summary(page, results[1])
    chart = _chart(page, len(costs))
    top = max(costs)
    long_enough = sum(c / top >= 0.02 for c in costs)
    assert sum(w >= 1 for w in chart["bars"]) >= long_enough > len(costs) // 2, chart["bars"]
    texts = chart["texts"]
    assert "$0.00" in texts
    assert not [t for t in texts if "…" in t], "a name is cut short"
    names = {o.name for r in results for o in r.result.options if o.applicable}
    assert names <= set(texts)
    assert {"As profiled", "Tiny", "USD per month"} <= set(texts)
    assert chart["right"] <= chart["viewport"] + 1, "the chart runs off the page"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls {overflow}px sideways"
    assert page.locator("[data-testid=stException]").count() == 0
