"""The Scenarios view in a real Chromium, on a desktop (1440 px) and a phone (390 px): its chart draws
a bar for every option that can run each scenario (a $0 option included) with no name cut short, a
scenario changing any field is added and priced as the engine prices it, an existing one is edited
and renamed, and both come back from the link alone."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from model.scenarios import ScenarioResult, compare_scenarios
from pricing.load import read_pricebook
from pricing.profiles import read_presets
from report.scenarios import scenario_summary
from schema.inputs import StepKind
from schema.profile import WorkloadProfile
from tests.e2e.waits import POLL, TIMEOUT, wait_idle

pytestmark = pytest.mark.browser
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


def _open(page, query: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base_url + "/" + query)
    page.get_by_text("Scenarios side by side", exact=True).first.wait_for(timeout=TIMEOUT)
    wait_idle(page)


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
    handle = page.wait_for_function(CHART, arg=count, timeout=TIMEOUT, polling=POLL)
    return dict(handle.json_value())


def _wait_summary(page, result: ScenarioResult) -> None:  # type: ignore[no-untyped-def]
    """The view's sentence for a scenario, as the engine's result for it says it."""
    _main(page).get_by_text(scenario_summary(result), exact=False).first.wait_for(timeout=TIMEOUT)


def _pick(page, box: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    """Choose `choice` in the main area's select box named `box`. A rerun that lands while its list
    is open redraws the list, so a choice that did not take is made again (three times at most)."""
    combo = _main(page).get_by_role("combobox", name=box, exact=True)
    for _ in range(3):
        wait_idle(page)
        combo.click()
        combo.fill(choice)
        try:
            page.get_by_role("option", name=choice, exact=True).click(timeout=5_000)
            return
        except PlaywrightError:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {choice!r} in {box!r}")


def _add_field(page, label: str) -> None:  # type: ignore[no-untyped-def]
    main = _main(page)
    box = "Change another field" if main.get_by_role("combobox", name="Change another field").count() else None
    _pick(page, box or "A field to change", label)
    expect(main.get_by_label(label, exact=True)).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)


def _choose(page, label: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    _pick(page, label, choice)
    expect(_main(page).get_by_role("combobox", name=label, exact=True)).to_have_value(choice)


def _query(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return parse_qs(urlsplit(page.url).query)


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


def test_a_scenario_changing_the_payload_and_the_machine_is_added_priced_and_comes_back_from_its_link(sized):
    from ui.data import machine_label, machines

    page = sized
    book = _book()
    machine = machines(book)[-1]
    heavier = CODING.model_copy(update={"step_payload_kb": 500.0, "machine": machine})
    results = _priced(("Heavier", heavier))
    _open(page, "?view=scenarios")
    main = _main(page)
    main.get_by_label("Name", exact=True).fill("Heavier")
    _add_field(page, "Payload per step [KB]")
    expect(main.get_by_label("Payload per step [KB]", exact=True)).to_have_value(f"{CODING.step_payload_kb:g}")
    main.get_by_label("Payload per step [KB]", exact=True).fill("500")
    _add_field(page, "Machine for each run")
    _choose(page, "Machine for each run", machine_label(machine, book))
    expect(main.get_by_label("Name", exact=True)).to_have_value("Heavier")  # kept while fields were added
    main.get_by_role("button", name="Add scenario", exact=True).click()
    _wait_summary(page, results[1])
    expect(page).to_have_url(re.compile(r"[?&]s1\.machine="), timeout=TIMEOUT)  # written after the run
    query = _query(page)
    assert query["s1"] == ["Heavier"] and query["s1.step_payload_kb"] == ["500"] and query["s1.machine"] == [machine]
    _chart(page, len(_drawn(results)))
    assert page.locator("[data-testid=stException]").count() == 0
    # the link alone brings it back, in a new browser session
    again = page.context.new_page()
    again.set_viewport_size(page.viewport_size)
    again.base_url = page.base_url
    _open(again, "?" + urlsplit(page.url).query)
    _wait_summary(again, results[1])
    listed = _main(again).get_by_text(re.compile(r"^Heavier: .*Payload per step \[KB\] = 500"))
    listed.first.wait_for(timeout=TIMEOUT)
    _chart(again, len(_drawn(results)))
    again.close()


def test_an_existing_scenario_is_edited_renamed_and_the_change_priced_and_kept_in_the_link(sized):
    page = sized
    triple = CODING.model_copy(update={"monthly_runs": 9000.0, "step_kind": StepKind.INLINE})
    results = _priced(("Triple", triple))
    _open(page, "?view=scenarios&s1=Double&s1.monthly_runs=6000")
    main = _main(page)
    main.get_by_text("Double: Monthly runs [runs/month] = 6000", exact=False).first.wait_for(timeout=TIMEOUT)
    main.get_by_role("button", name="Edit", exact=True).click()
    wait_idle(page)
    expect(main.get_by_label("Name", exact=True)).to_have_value("Double", timeout=TIMEOUT)
    runs = main.get_by_label("Monthly runs [runs/month]", exact=True)
    expect(runs).to_have_value("6000")
    main.get_by_label("Name", exact=True).fill("Triple")
    runs.fill("9000")
    _add_field(page, "How a step runs")
    _choose(page, "How a step runs", "inline, in the run's own code")
    main.get_by_role("button", name="Save changes", exact=True).click()
    _wait_summary(page, results[1])
    expect(page).to_have_url(re.compile(r"[?&]s1=Triple"), timeout=TIMEOUT)
    query = _query(page)
    assert query["s1.monthly_runs"] == ["9000"] and query["s1.step_kind"] == ["inline"] and "s2" not in query
    assert main.get_by_text("Double: ", exact=False).count() == 0
    _chart(page, len(_drawn(results)))
    # reloaded from the link: the edited scenario, priced the same
    _open(page, "?" + urlsplit(page.url).query)
    _wait_summary(page, results[1])
    assert page.locator("[data-testid=stException]").count() == 0
