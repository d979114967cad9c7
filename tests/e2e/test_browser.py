"""The app in a real Chromium: load, change inputs, watch the headline and charts follow, move
through the views, download every export and check it, upload a profile, and never ask any host
but 127.0.0.1 (see the `page` fixture)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from model.analysis import headline_of
from model.engine import estimate
from model.result import EstimateOut, summarize
from pricing.load import read_criteria, read_pricebook
from pricing.profiles import dump_profile, parse_profile_text, read_presets
from report.option_words import fit_label, option_name
from report.verdict_words import flip_sentence, verdict_sentence
from tests.e2e.waits import POLL, TIMEOUT, wait_idle

pytestmark = pytest.mark.browser
PRESETS = read_presets()
HEADLINE = re.compile("is the cheapest|Too close to call|only option")
"""What the headline (an h4) says, whichever verdict it gives."""


def expected_headline(profile, answers=None) -> str:  # type: ignore[no-untyped-def]
    """The one verdict, as the engine gives it (the app shows the same sentence)."""
    head = headline_of(profile, read_pricebook(on=dt.date.today()), criteria=read_criteria(), answers=answers)
    return verdict_sentence(head.verdict, head.result)


def open_app(page, query: str = "") -> str:  # type: ignore[no-untyped-def]
    page.goto(page.base_url + "/" + query)
    return wait_headline(page)


def wait_headline(page, not_text: str | None = None) -> str:  # type: ignore[no-untyped-def]
    locator = page.locator("h4").filter(has_text=HEADLINE)
    locator.first.wait_for(timeout=TIMEOUT)
    if not_text is not None:
        page.wait_for_function(
            """(old) => {
                const h = [...document.querySelectorAll('h4')].find(e => /is the cheapest|Too close to call|only option/
                    .test(e.innerText));
                return h && h.innerText.trim() !== old;
            }""",
            arg=not_text,
            timeout=TIMEOUT,
            polling=POLL,
        )
    wait_idle(page)
    return str(locator.first.inner_text()).strip()


def set_number(page, label: str, value: float) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_label(label, exact=True)
    box.fill(f"{value:g}")
    box.press("Enter")


def charts(page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid=stVegaLiteChart]")


def show_view(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("[data-testid=stButtonGroup] button").filter(has_text=name).first.click()
    wait_idle(page)


def test_load_change_inputs_and_see_headline_and_charts_follow(page):
    first = open_app(page)
    assert first == expected_headline(PRESETS["coding-agent"])
    # The runs chart, the second axis and the breakdown, each drawn by Vega.
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
        "[data-testid=stVegaLiteChart] svg.marks').length >= 3",
        timeout=TIMEOUT,
        polling=POLL,
    )
    before = charts(page).first.screenshot()

    set_number(page, "Monthly runs [runs/month]", 2_000_000)
    changed = PRESETS["coding-agent"].model_copy(update={"monthly_runs": 2_000_000.0})
    second = wait_headline(page, not_text=first)
    assert second == expected_headline(changed)
    charts(page).first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    assert charts(page).first.screenshot() != before, "the crossover chart did not redraw"
    assert parse_qs(urlsplit(page.url).query)["monthly_runs"] == ["2000000"]

    # The address alone brings the same view back in a new page.
    again = page.context.new_page()
    again.goto(page.url)
    assert wait_headline(again) == second
    again.close()


def test_fields_show_exactly_what_is_priced(page):
    open_app(page, "?steps_per_run=2.5&monthly_runs=1500.6&engineer_cost=187654.5")
    # The browser may paint a field for a moment before its value arrives: wait for the value.
    expect(page.get_by_label("Steps per run [steps]", exact=True)).to_have_value("2.5", timeout=TIMEOUT)
    expect(page.get_by_label("Monthly runs [runs/month]", exact=True)).to_have_value("1500.6", timeout=TIMEOUT)
    expect(page.get_by_label("Engineer cost [USD/year]", exact=True)).to_have_value("187654.5", timeout=TIMEOUT)


def test_every_view_renders(page):
    open_app(page, "?preset=deep-research")
    for view, marker in [
        ("Outlook", "How sure"),
        ("Limits", "Limits on one run"),
        ("Checklist", "Verdict"),
        ("Pricing", "Every number, with its source"),
        ("Price history", "What changed at each version"),
        ("Report", "Take it to your team"),
        ("Compare", "Options side by side"),
    ]:
        show_view(page, view)
        page.get_by_text(marker, exact=True).first.wait_for(timeout=TIMEOUT)
        assert page.locator("[data-testid=stException]").count() == 0, view


def test_every_option_is_shown_and_a_short_list_narrows_them(page):
    open_app(page)
    result = summarize(estimate(PRESETS["coding-agent"], read_pricebook(on=dt.date.today())))
    options = result.options
    tokens = 2 if result.tokens is not None else 0  # the model's bill, and the whole with the cheapest option
    metrics = page.locator("[data-testid=stMetric]")
    page.locator("[data-testid=stExpander] summary").filter(has_text="other").first.click()
    wait_idle(page)
    expect(metrics.locator("[data-testid=stMetricLabel]")).to_have_count(len(options) + tokens, timeout=TIMEOUT)
    labels = metrics.locator("[data-testid=stMetricLabel]").all_inner_texts()
    labels = [label for label in labels if not label.startswith(("Model tokens", "With "))]
    # (a ⚠ after a name marks prices overdue for a re-check)
    assert sorted(label.strip().removesuffix(" ⚠") for label in labels) == sorted(option_name(o) for o in options)
    unable = [o for o in options if not o.applicable]
    for option in unable:  # an option that cannot run the workload says so where its figure is
        metric = metrics.filter(has=page.locator("[data-testid=stMetricLabel]", has_text=option_name(option))).first
        assert fit_label(option) in metric.inner_text()

    short = ",".join(o.id for o in options[:2])
    open_app(page, f"?options={short}")
    expect(metrics).to_have_count(2 + tokens, timeout=TIMEOUT)
    assert page.locator("[data-testid=stExpander] summary").filter(has_text="other").count() == 0
    assert parse_qs(urlsplit(page.url).query)["options"] == [short]


def _download(page, label: str, target: Path) -> Path:  # type: ignore[no-untyped-def]
    with page.expect_download(timeout=TIMEOUT) as info:
        page.locator("[data-testid=stDownloadButton] button").filter(has_text=label).first.click()
    path = target / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_every_export_downloads_and_checks_out(page, browser, tmp_path):
    shown = open_app(page, "?preset=background-agent")
    show_view(page, "Report")
    profile = PRESETS["background-agent"]
    result = summarize(estimate(profile, read_pricebook(on=dt.date.today())))

    md = _download(page, "Markdown", tmp_path).read_text(encoding="utf-8")
    assert shown in md and dump_profile(profile).strip() in md

    html_path = _download(page, "HTML", tmp_path)
    html = html_path.read_text(encoding="utf-8")
    assert html.count("<svg") >= 3 and "<script" not in html.lower()
    assert shown in html

    pdf_path = _download(page, "PDF", tmp_path)
    reader = PdfReader(pdf_path)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 2 and "cheapest" in text

    data = json.loads(_download(page, "JSON", tmp_path).read_text(encoding="utf-8"))
    contract = EstimateOut.model_validate(data)
    assert contract.profile == profile
    assert {o.id: round(o.monthly_usd, 2) for o in contract.options} == {
        o.id: round(o.monthly_usd, 2) for o in result.options
    }

    # The exports carry the outlook: the JSON's uncertainty and path, the CSV's spreads and path rows.
    assert contract.uncertainty is not None and contract.path is not None
    assert contract.uncertainty.draws == 10_000 and contract.path.horizon_months == 36
    assert contract.uncertainty.sentence in md and contract.path.sentence in md
    every = list(csv.DictReader(io.StringIO(_download(page, "CSV", tmp_path).read_text(encoding="utf-8"))))
    rows = [r for r in every if r["category"] != "path"]
    assert {r["option"] for r in rows} == {o.id for o in result.options}
    # every option some draw can run has its spread; one no draw can run an empty cell, never "nan"
    runs = {o.id for o in result.options if o.applicable}
    assert all(r["option_p50_usd"] for r in rows if r["option"] in runs)
    assert not any("nan" in r["option_p50_usd"].lower() for r in rows)
    assert {r["option"].removeprefix("path:").split(">")[0] for r in every if r["category"] == "path"} <= {
        o.id for o in result.options
    }
    for option in result.options:
        total = sum(float(r["cost_usd"]) for r in rows if r["option"] == option.id)
        assert total == pytest.approx(option.monthly_usd, rel=1e-9, abs=1e-6)

    # The profile the sidebar offers loads back to the same profile.
    yaml_path = _download(page, "Download this profile", tmp_path)
    assert parse_profile_text(yaml_path.read_text(encoding="utf-8"), yaml_path.name) == profile

    # The HTML report opened offline, from disk, asks nothing of any host.
    offline = browser.new_context(offline=True)
    asked: list[str] = []
    offline.on("request", lambda request: asked.append(request.url))
    view = offline.new_page()
    view.goto(html_path.as_uri())
    view.wait_for_load_state("load")
    assert view.locator("svg").count() >= 3
    assert [u for u in asked if not u.startswith(("file:", "data:"))] == []
    # On a phone the report never scrolls sideways: tables and charts scroll inside themselves and
    # long source titles (with their permalinks) wrap.
    view.set_viewport_size({"width": 390, "height": 844})
    view.wait_for_timeout(300)
    overflow = view.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the HTML report scrolls {overflow}px sideways on a phone"
    offline.close()


def test_uploading_a_profile_fills_the_form(page, tmp_path):
    first = open_app(page)
    mine = PRESETS["article-example"].model_copy(update={"name": "Uploaded agent", "steps_per_run": 75.0})
    file = tmp_path / "uploaded.yaml"
    file.write_text(dump_profile(mine), encoding="utf-8")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(file))
    assert wait_headline(page, not_text=first) == expected_headline(mine)
    expect(page.get_by_label("Profile name", exact=True)).to_have_value("Uploaded agent", timeout=TIMEOUT)
    # A file that extends a preset: the sidebar says which fields came from where.
    short = tmp_path / "short.yaml"
    short.write_text("version: 2\nname: Short\nextends: deep-research\nmonthly_runs: 777\n", encoding="utf-8")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(short))
    expect(page.get_by_label("Monthly runs [runs/month]", exact=True)).to_have_value("777", timeout=TIMEOUT)
    note = page.locator("[data-testid=stSidebar] [data-testid=stText]").filter(has_text="Loaded.")
    expect(note.first).to_contain_text("from short.yaml: name, monthly runs", timeout=TIMEOUT)
    expect(note.first).to_contain_text("from preset deep-research: steps per run")


def test_a_broken_upload_is_explained_and_nothing_is_lost(page, tmp_path):
    first = open_app(page)
    set_number(page, "Steps per run [steps]", 64)
    wait_headline(page, not_text=first)
    file = tmp_path / "broken.yaml"
    file.write_text("version: 1\nname: Broken\nmonthly_runs: -3\nsteps_per_run: lots\n", encoding="utf-8")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(file))
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.locator("[data-testid=stAlert]").filter(has_text="cannot be used").first.wait_for(timeout=TIMEOUT)
    text = " ".join(sidebar.locator("[data-testid=stText]").all_inner_texts())
    assert "monthly_runs" in text and "-3" in text and "steps_per_run" in text and "lots" in text
    expect(page.get_by_label("Steps per run [steps]", exact=True)).to_have_value("64", timeout=TIMEOUT)


def _contract_link():  # type: ignore[no-untyped-def]
    """Two cloud options with plans, taken from the data (no vendor named here): the runner-up gets
    your price at half the list on its largest usage line and its largest plan pinned."""
    from schema.inputs import OptionOverrides, PlanRequirements
    from schema.numbers import Number

    book = read_pricebook(on=dt.date.today())
    base = PRESETS["coding-agent"].model_copy(update={"monthly_runs": 1_250_000.0})
    cloud = sorted(
        (
            o
            for o in summarize(estimate(base, book)).options
            if o.hosting == "cloud" and o.applicable and len(o.plans) >= 2
        ),
        key=lambda o: o.monthly_usd,
    )
    first, second = cloud[:2]
    table = book.table(second.id)
    usage = [
        c
        for c in second.components
        if c.category == "vendor"
        and c.key != "plan_fee"
        and c.provenance
        and c.provenance.field.split(".")[-2] == "prices"
        and c.cost_usd > 0
    ]
    priced = [(c, c.provenance.field.split(".")[-1]) for c in usage]
    numbers = [(c, key, next(p.prices[key] for p in (*table.plans, table) if key in p.prices)) for c, key in priced]
    _, price_id, listed = max(
        ((c, k, n) for c, k, n in numbers if isinstance(n, Number)), key=lambda item: item[0].cost_usd
    )
    plan = [p for p in table.plans if p.self_serve][-1].id
    mine = base.model_copy(
        update={
            "options": (first.id, second.id),
            "requirements": PlanRequirements(log_retention_days=1),
            "overrides": {second.id: OptionOverrides(prices={price_id: listed.expected / 2}, plan=plan)},
        }
    )
    yours = f"your.{second.id}"
    query = (
        f"?preset=coding-agent&monthly_runs=1250000&{yours}.price.{price_id}={listed.expected / 2!r}"
        f"&{yours}.plan={plan}&need.log_retention_days=1&options={first.id},{second.id}"
        "&s1=Double&s1.monthly_runs=2500000"
    )
    return query, mine, book


def test_a_contract_requirements_and_scenarios_travel_in_a_link(page):
    """Your price and plan, what a plan must offer and a scenario, all from the address: the
    headline and what would flip it are the engine's for that profile, the plans table shows the
    features, the scenarios view shows both scenarios."""
    from model.verdict import flip_point

    query, mine, book = _contract_link()
    shown = open_app(page, query)
    assert shown == expected_headline(mine)
    result = summarize(estimate(mine, book, list(mine.options)))
    flip = flip_point(mine, book, result)
    if flip is not None:
        page.get_by_text(flip_sentence(flip, result), exact=False).first.wait_for(timeout=TIMEOUT)
    else:
        assert page.get_by_text("What would flip it").count() == 0
    page.get_by_text("Plans and what they include", exact=False).first.wait_for(timeout=TIMEOUT)
    show_view(page, "Scenarios")
    page.get_by_text("Scenarios side by side", exact=True).first.wait_for(timeout=TIMEOUT)
    page.get_by_text("Double: ", exact=False).first.wait_for(timeout=TIMEOUT)
    assert page.locator("[data-testid=stException]").count() == 0
    assert parse_qs(urlsplit(page.url).query)["s1.monthly_runs"] == ["2500000"]


def test_a_scenario_file_loads_into_the_scenarios_view(page, tmp_path):
    open_app(page, "?view=scenarios")
    page.get_by_text("No scenarios yet", exact=False).first.wait_for(timeout=TIMEOUT)
    file = tmp_path / "set.yaml"
    file.write_text(
        "version: 1\nbase: {extends: coding-agent, monthly_runs: 4321}\nscenarios:\n"
        "  - {name: Now, changes: {}}\n  - {name: Later, changes: {monthly_runs: 43210}}\n",
        encoding="utf-8",
    )
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="scenario file")
    uploader.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(file))
    expect(page.get_by_label("Monthly runs [runs/month]", exact=True)).to_have_value("4321", timeout=TIMEOUT)
    page.get_by_text("Later: ", exact=False).first.wait_for(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]s0=Now"), timeout=TIMEOUT)  # the link is written after the run
    query = parse_qs(urlsplit(page.url).query)
    assert query["s0"] == ["Now"] and query["s1"] == ["Later"] and query["s1.monthly_runs"] == ["43210"]


def test_a_temporal_history_upload_derives_the_profile(page):
    """A history exported from the real dev server (tests/calibration/histories): the sidebar takes
    the shape it shows and says where each field came from."""
    from pricing.vendors.temporal_history import derive_profile

    first = open_app(page)
    history = Path(__file__).resolve().parents[1] / "calibration" / "histories" / "research.json"
    upload = page.locator("[data-testid=stSidebar] [data-testid=stFileUploaderDropzoneInput]").first
    upload.set_input_files(str(history))
    derived = derive_profile([(history.name, history.read_text())], monthly_runs=3000).profile
    expect(page.get_by_label("Steps per run [steps]", exact=True)).to_have_value(
        f"{derived.steps_per_run:g}", timeout=TIMEOUT
    )
    wait_headline(page, not_text=first)
    shown = page.locator("[data-testid=stSidebar]").get_by_text("StartChildWorkflowExecutionInitiated", exact=False)
    shown.first.wait_for(timeout=TIMEOUT)
    # a runs list: the month's runs come from it, and its own cost is set against the tables'
    runs = Path(__file__).resolve().parents[1] / "fixtures" / "trigger-runs-pages.json"
    upload.set_input_files(str(runs))
    page.locator("[data-testid=stSidebar]").get_by_text("The runs' own cost", exact=False).first.wait_for(
        timeout=TIMEOUT
    )
    expect(page.get_by_label("Monthly runs [runs/month]", exact=True)).to_have_value("1216.67", timeout=TIMEOUT)


def test_the_outlook_shows_the_engine_s_decision_with_its_charts_and_fits_a_phone(page):
    """The Outlook view in Chromium: the verdict above it is the engine's for the profile in the link (growth
    and a workload range included), its three charts draw, and on a 390 px phone nothing scrolls sideways."""
    from schema.inputs import FieldRange, PathInputs

    query = "?preset=article-example&view=outlook&path.growth=8&range.monthly_runs=20000,90000"
    open_app(page, query)
    page.get_by_text("How sure", exact=True).first.wait_for(timeout=TIMEOUT)
    profile = PRESETS["article-example"].model_copy(
        update={
            "path": PathInputs(growth_percent_per_month=8),
            "ranges": {"monthly_runs": FieldRange(low=20000, high=90000)},
        }
    )
    assert wait_headline(page) == expected_headline(profile)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
        "[data-testid=stVegaLiteChart] svg.marks').length >= 3",
        timeout=TIMEOUT,
        polling=POLL,
    )
    assert page.locator("[data-testid=stException]").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(800)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls {overflow}px sideways on a phone"


SHOTS = [
    ("compare", "", None),
    ("outlook", "?view=outlook&path.growth=5", None),
    ("limits", "?preset=deep-research&view=limits", None),
    ("checklist", "?view=checklist", None),
    ("pricing", "?view=pricing", None),
    ("price-history", "?view=prices", None),
]


PHONE_SHOTS = ("compare", "outlook", "limits")


@pytest.mark.skipif(
    not os.environ.get("TCO_SCREENSHOTS"),
    reason="takes the README's screenshots: `make screenshots` (every view is checked at both widths elsewhere)",
)
def test_screenshots_of_the_main_views(page):
    """The README's screenshots. `make screenshots` writes them to docs/screenshots/."""
    out = Path(os.environ["TCO_SCREENSHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    for suffix, (width, height) in (("", (1440, 1500)), ("-phone", (390, 1400))):
        page.set_viewport_size({"width": width, "height": height})
        for name, query, _ in SHOTS:
            if suffix and name not in PHONE_SHOTS:
                continue
            open_app(page, query)
            if charts(page).count():
                charts(page).first.wait_for(timeout=TIMEOUT)
            page.wait_for_timeout(1000)
            target = out / f"{name}{suffix}.png"
            page.screenshot(path=str(target))
            assert target.stat().st_size > 20_000, name


HOSTILE_LINKS = [
    "?name=%21%5Bx%5D%28http%3A%2F%2Fevil.example%2Fname.png%29"
    "&description=%60%60%60%0A%3Cimg+src%3Dhttp%3A%2F%2Fevil.example%2Fdesc.png%3E%0A%60%60%60&view=report",
    "?machine=%21%5Bx%5D%28http%3A%2F%2Fevil.example%2Fmachine.png%29"
    "&%5Blog+in%5D%28https%3A%2F%2Fevil.example%29=1&steps_per_run=%21%5Bx%5D%28http%3A%2F%2Fevil.example%2Fs.png%29",
    "?s1=%21%5Bx%5D%28http%3A%2F%2Fevil.example%2Fs1.png%29&s1.monthly_runs=5&view=scenarios",
]


@pytest.mark.parametrize("query", HOSTILE_LINKS)
def test_a_hostile_link_fetches_nothing_and_links_nowhere(page, query):
    """Images and links hidden in a link's values (the profile's name and description, an unusable
    machine, a parameter's name, a scenario's name) reach no host and become no link: the `page`
    fixture fails the test on any request that leaves 127.0.0.1, and no anchor points outside."""
    open_app(page, query)
    page.wait_for_timeout(1500)
    wait_idle(page)
    assert page.locator("[data-testid=stException]").count() == 0
    outside = page.evaluate(
        "() => [...document.querySelectorAll('a[href], img[src]')].map(e => e.href || e.src)"
        ".filter(u => new URL(u).hostname.endsWith('evil.example'))"
    )
    assert outside == []
