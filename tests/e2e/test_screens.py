"""The screens a buyer reads, in a real Chromium on a desktop (1440 px) and a phone (390 px): no chart
title or axis cut short, a view's own content soon after the headline, a Report view of a few screens,
an HTML export whose charts stay readable, a link to copy, several exports in one upload, an annual
commitment, and every picker in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from model.analysis import analyse
from pricing.load import read_criteria, read_pricebook
from pricing.profiles import read_presets
from report.builders import build
from tests.e2e.test_browser import expected_headline, open_app, show_view, wait_headline
from tests.e2e.waits import POLL, TIMEOUT, type_into_list, wait_idle

pytestmark = pytest.mark.browser
SIZES = {"desktop": (1440, 1000), "phone": (390, 844)}
PRESETS = read_presets()
HISTORIES = Path(__file__).resolve().parents[1] / "calibration" / "histories"


@pytest.fixture(params=list(SIZES))
def sized(request, page):  # type: ignore[no-untyped-def]
    width, height = SIZES[request.param]
    page.set_viewport_size({"width": width, "height": height})
    return page


CUT = """() => {
    const out = [];
    for (const c of document.querySelectorAll('[data-testid=stMain] [data-testid=stVegaLiteChart]')) {
        const box = c.getBoundingClientRect();
        for (const t of c.querySelectorAll('svg text')) {
            const r = t.getBoundingClientRect();
            if (r.width === 0 || getComputedStyle(t).opacity === '0' || t.getAttribute('opacity') === '0') continue;
            if (t.textContent.endsWith('…')) out.push('cut short: ' + t.textContent);
            if (r.right > box.right + 4 || r.left < box.left - 4) out.push('past the chart: ' + t.textContent);
        }
    }
    return {cut: out, charts: document.querySelectorAll('[data-testid=stMain] [data-testid=stVegaLiteChart] svg.marks')
        .length, sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize(("view", "charts"), [("compare", 3), ("outlook", 3), ("prices", 1)])
def test_no_chart_title_or_axis_is_cut(sized, view, charts):
    open_app(sized, f"?preset=coding-agent&view={view}")
    sized.wait_for_function(
        "(n) => document.querySelectorAll('[data-testid=stMain] [data-testid=stVegaLiteChart] svg.marks').length >= n",
        arg=charts,
        timeout=TIMEOUT,
        polling=POLL,
    )
    wait_idle(sized)
    sized.wait_for_timeout(1500)  # the charts lay out once their width is known
    found = sized.evaluate(CUT)
    assert found["charts"] >= charts
    assert found["cut"] == []
    assert found["sideways"] <= 1


def test_a_view_s_own_content_comes_soon_after_the_headline(sized):
    """The headline is the same above every view: on a phone it takes less than a screen and a half
    before the view's own heading (it took two screens and more with cards above every view)."""
    open_app(sized, "?preset=coding-agent&view=limits")
    heading = sized.get_by_role("heading", name="Limits on one run").first
    heading.wait_for(timeout=TIMEOUT)
    wait_idle(sized)  # measured once the run has ended: while it runs, the last run's elements still show
    top = sized.evaluate("(e) => e.getBoundingClientRect().top + window.scrollY", heading.element_handle())
    height = sized.viewport_size["height"]
    assert top < 1.5 * height, f"the view starts {top:.0f}px down a {height}px screen"
    # the option cards are the Compare view's own: none above the Limits view (its own figures of one
    # run's history are metrics too, so the cards are told by their labels, the options' names)
    names = {t.name for t in read_pricebook(on=dt.date.today()).options()}
    labels = sized.locator("[data-testid=stMain] [data-testid=stMetricLabel]").all_inner_texts()
    assert not [label for label in labels if label.strip().startswith(tuple(names))], labels  # a design: "X, …"


def test_the_report_view_is_a_few_screens_with_its_preview_folded(sized):
    open_app(sized, "?preset=coding-agent&view=report")
    sized.get_by_text("Take it to your team", exact=True).first.wait_for(timeout=TIMEOUT)
    wait_idle(sized)
    tall = sized.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    assert tall < 4 * sized.viewport_size["height"], f"the Report view is {tall}px tall"
    preview = sized.locator("[data-testid=stExpander]").filter(has_text="Preview")
    expect(preview.locator("[data-testid=stCode]")).to_be_hidden()


def test_the_html_export_s_charts_stay_readable(sized, tmp_path):
    """On a phone each chart keeps its own size and scrolls in its frame (scaled down to the screen its
    text was 4 px tall); on a desktop it fits the page."""
    analysis = analyse(PRESETS["coding-agent"], read_pricebook(), criteria=read_criteria(), draws=500).with_outlook()
    file = tmp_path / "report.html"
    file.write_bytes(build(analysis, "html", dt.date(2026, 12, 6)))
    sized.goto(file.as_uri())
    sized.locator("figure svg").first.wait_for(timeout=TIMEOUT)
    drawn = sized.evaluate(
        """() => [...document.querySelectorAll('figure svg')].map(s => ({
            shown: s.getBoundingClientRect().width, own: Number(s.getAttribute('width')),
            frame: s.parentElement.getBoundingClientRect().width}))"""
    )
    assert len(drawn) >= 3
    sideways = sized.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 1
    for chart in drawn:
        if sized.viewport_size["width"] < 640:
            assert chart["shown"] == pytest.approx(chart["own"], abs=1), chart
        else:
            assert chart["shown"] <= chart["frame"] + 1, chart
            assert chart["shown"] >= min(chart["own"], chart["frame"]) - 1, chart


def test_the_link_to_copy_opens_the_same_analysis(sized, browser):
    open_app(sized, "?preset=deep-research&monthly_runs=1234")
    sized.get_by_role("button", name="Copy link").first.click()
    code = sized.locator("[data-testid=stPopoverBody] [data-testid=stCode]").first
    code.wait_for(timeout=TIMEOUT)
    link = code.inner_text().strip()
    query = parse_qs(urlsplit(link).query)
    assert query["preset"] == ["deep-research"] and query["monthly_runs"] == ["1234"]
    assert link.startswith(sized.base_url)
    other = browser.new_page()
    try:
        other.goto(link)
        profile = PRESETS["deep-research"].model_copy(update={"monthly_runs": 1234.0})
        assert wait_headline(other) == expected_headline(profile)
    finally:
        other.close()


def _sidebar(page):  # type: ignore[no-untyped-def]
    page.locator("[data-testid=stSidebarCollapsedControl] button, [data-testid=stExpandSidebarButton]").first.click(
        timeout=TIMEOUT  # a loaded machine can take seconds before the button takes a click
    ) if page.viewport_size["width"] < 640 else None
    return page.locator("[data-testid=stSidebar]")


def test_several_histories_in_one_upload_and_the_month_s_runs_said(sized):
    from pricing.vendors.temporal_history import derive_profile

    first = open_app(sized)
    sidebar = _sidebar(sized)
    files = [HISTORIES / "coding-1.json", HISTORIES / "coding-2.json", HISTORIES / "coding-3.json"]
    sidebar.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files([str(f) for f in files])
    derived = derive_profile([(f.name, f.read_text()) for f in files], monthly_runs=3000).profile
    expect(sized.get_by_label("Steps per run [steps]", exact=True)).to_have_value(
        f"{derived.steps_per_run:g}", timeout=TIMEOUT
    )
    note = sidebar.get_by_text("3 files:", exact=False).first
    note.wait_for(timeout=TIMEOUT)
    expect(sidebar.get_by_text("Monthly runs kept at 3,000 as entered", exact=False).first).to_be_visible()
    wait_headline(sized, not_text=first)


def _open_contract(page, option_name: str):  # type: ignore[no-untyped-def]
    """The contract section open on `option_name`. A rerun that lands while the list is open redraws
    it, so a choice that did not take is made again (three times at most)."""
    from playwright.sync_api import Error as PlaywrightError

    sidebar = _sidebar(page)
    sidebar.get_by_text("Your prices and contract", exact=True).first.click()
    wait_idle(page)
    box = sidebar.get_by_role("combobox", name="Option", exact=True)
    for _ in range(3):
        wait_idle(page)
        box.click()
        box.fill(option_name)
        try:
            page.get_by_role("option", name=option_name, exact=True).click(timeout=5_000)
            break
        except PlaywrightError:
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"could not choose {option_name!r}")
    wait_idle(page)
    return sidebar


def _priced_by_a_key_of_two_words():  # type: ignore[no-untyped-def]
    """An option of the data with a meter whose price key is two words (`a_b`), and that meter."""
    for table in read_pricebook(on=dt.date.today()).options():
        for meter in table.meters:
            if meter.price and "_" in meter.price and meter.price in table.prices:
                return table, meter
    raise AssertionError("no price key of two words in the data")


def test_an_annual_commitment_is_priced_as_a_twelfth_a_month_and_prices_read_in_words(sized):
    table, meter = _priced_by_a_key_of_two_words()
    open_app(sized, "?preset=coding-agent")
    sidebar = _open_contract(sized, table.name)
    # each price by its name, never its key
    unit = table.prices[meter.price].unit.value
    expect(sidebar.get_by_label(f"{meter.name} [{unit}]", exact=True)).to_be_visible(timeout=TIMEOUT)
    assert sidebar.get_by_text(meter.price, exact=False).count() == 0
    yearly = sidebar.get_by_label("or [USD/year]", exact=True)
    yearly.fill("12000")
    yearly.press("Enter")
    expect(sidebar.get_by_label("Committed spend [USD/month]", exact=True)).to_have_value("1000", timeout=TIMEOUT)
    wait_idle(sized)
    sized.wait_for_function(
        "(key) => new URLSearchParams(location.search).get(key) === '1000'",
        arg=f"your.{table.id}.commitment",
        timeout=TIMEOUT,
        polling=POLL,
    )


def test_the_price_history_and_scenario_pickers_read_in_words(sized):
    open_app(sized, "?preset=coding-agent&view=scenarios")
    main = sized.locator("[data-testid=stMain]")
    box = main.get_by_role("combobox", name="A field to change", exact=True)
    options = type_into_list(sized, box, "storage")
    sized.keyboard.press("Escape")
    assert options, "no field matched"
    assert not any("_" in o for o in options), options
    show_view(sized, "Compare")


ACCOUNT = (
    "?preset=coding-agent&view=account&monthly_runs=40000&a1=Research%20agent&a1.preset=deep-research"
    "&a1.monthly_runs=2000&a1.steps_per_run=300"
)


def test_the_account_view_reads_on_both_screens_and_says_the_engine_s_figure(sized):
    """The account's chart draws every option that runs both agents, nothing in it is cut short or past it,
    nothing scrolls sideways, and the figure said is the engine's for the two agents as one account."""
    from model.account import estimate_account

    open_app(sized, ACCOUNT)
    sized.get_by_text("Several agents, one account", exact=True).first.wait_for(timeout=TIMEOUT)
    sized.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stMain] [data-testid=stVegaLiteChart] svg.marks').length >= 1",
        timeout=TIMEOUT,
        polling=POLL,
    )
    wait_idle(sized)
    sized.wait_for_timeout(1500)
    found = sized.evaluate(CUT)
    assert found["cut"] == [] and found["sideways"] <= 1
    coding = PRESETS["coding-agent"].model_copy(update={"monthly_runs": 40000.0})
    research = PRESETS["deep-research"].model_copy(
        update={"monthly_runs": 2000.0, "steps_per_run": 300.0, "name": "Research agent"}
    )
    account = estimate_account([coding, research], read_pricebook(on=dt.date.today()))
    best = account.cheapest()
    assert best is not None
    expect(
        sized.locator("[data-testid=stMain]").get_by_text(f"${account.total(best):,.2f} a month", exact=False).first
    ).to_be_visible(timeout=TIMEOUT)
