"""The exported report: each format carries what the issue lists, the HTML asks no host for
anything, the PDF opens, and `tco report` writes exactly what the app's builders build."""

from __future__ import annotations

import csv
import datetime as dt
import html as htmllib
import io
import json
import re

import pytest
from pypdf import PdfReader

from cli import main
from model.analysis import analyse
from model.result import EstimateOut
from pricing.load import read_criteria
from pricing.profiles import parse_profile_text, read_presets
from report.builders import BUILDERS, build
from report.verdict_words import verdict_sentence
from report.words import money

PRESETS = read_presets()
CRITERIA = read_criteria()
GENERATED = dt.date(2026, 11, 1)


@pytest.fixture(scope="module", params=["deep-research", "article-example"])
def analysis(request, book):
    answers = {"languages": "polyglot", "regulated": "yes"}
    return analyse(
        PRESETS[request.param], book, axis="context_growth_kb", criteria=CRITERIA, answers=answers
    ).with_outlook()


@pytest.fixture(scope="module")
def report(analysis):
    """The analysis's report in a format, built once for this module's tests (they only read it; a PDF
    takes seconds)."""
    built: dict[str, bytes] = {}

    def of(fmt: str) -> bytes:
        if fmt not in built:
            built[fmt] = build(analysis, fmt, GENERATED)
        return built[fmt]

    return of


def headline(analysis):
    return verdict_sentence(analysis.verdict, analysis.result)


def test_markdown_carries_every_part(analysis, report):
    md = report("md").decode("utf-8")
    assert headline(analysis) in md
    for title in (
        "What shaped it",
        "Options side by side",
        "Your answers",
        "Where the cheapest option changes with volume",
        "Crossovers along context growth",
        "Limits on one run",
        "Workload profile",
        "Assumptions",
        "Pricing tables and sources",
        "How each option bills",
        f"{analysis.result.history.name} per run",
    ):
        assert f"## {title}" in md, title
    for option in analysis.result.options:
        for component in option.components:
            # A fee's fixed part is listed only when the floor adds something above the share.
            if component.key == "plan_fee_floor" and component.cost_usd == 0:
                continue
            assert component.name in md
    yaml_text = md.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert parse_profile_text(yaml_text, "report.md") == analysis.profile
    for leaning in analysis.checklist.leanings:
        assert leaning.reason.replace("|", "\\|") in md


def test_html_is_self_contained_and_loads_the_profile_back(analysis, report):
    page = report("html").decode("utf-8")
    # two crossover charts, the breakdown, the history, the path and (when an input moves the gap) the tornado
    assert page.count("<svg") == 5 + bool(analysis.outlook.tornado.swings)
    assert "<script" not in page.lower()
    # Nothing that a browser would fetch: no src/href to a host except plain links to sources,
    # no CSS import or url() outside data:, and a CSP that forbids it anyway.
    assert not re.search(r"""\bsrc\s*=\s*["']?(?!data:)""", page)
    assert not re.search(r"""url\((?!["']?(data:|#))""", page)
    assert "@import" not in page
    hrefs = re.findall(r"""href=["']([^"']+)""", page)
    assert hrefs and all(h.startswith(("https://", "#")) for h in hrefs)
    assert not re.search(r"<link\b", page)
    assert "default-src 'none'" in page
    yaml_text = htmllib.unescape(page.split('<pre id="profile-yaml">', 1)[1].split("</pre>", 1)[0])
    assert parse_profile_text(yaml_text, "report.html") == analysis.profile
    assert htmllib.escape(headline(analysis), quote=False) in page or headline(analysis) in htmllib.unescape(page)


def test_page_one_is_the_decision(analysis, report):
    """The report opens on the verdict (the app's headline sentence), what shaped it, how sure, the path
    and the inputs that matter, in that order, before the detail; every figure there is the outlook's own."""
    md = report("md").decode("utf-8")
    o = analysis.outlook
    assert f"**{headline(analysis)}**" in md
    titles = [line.removeprefix("## ") for line in md.splitlines() if line.startswith("## ")]
    expected = ["What shaped it", "How sure", f"The next {o.path.months} months", "What moves the answer most"]
    shown = 3 + bool(o.tornado.swings)
    assert titles[:shown] == expected[:shown]
    assert titles.index("Options side by side") == 3 + bool(o.tornado.swings)
    for option in o.leading(3):
        s = o.monte_carlo.option(option)
        assert f"| {s.name} | {money(s.p50)} | {money(s.p10)} – {money(s.p90)} |" in md
    best = o.path.best
    assert money(best.total) in md
    pdf = PdfReader(io.BytesIO(report("pdf")))
    first = re.sub(r"\s+", " ", pdf.pages[0].extract_text())
    assert "What shaped it" in first and "P10" in first


def test_pdf_has_no_near_empty_page(analysis, report):
    """A chart that does not fit the rest of a page is shrunk to fit when most of it would, never taller than a
    page: no page but the last is left near empty (a page of a table's last rows and nothing else, or none)."""
    pages = PdfReader(io.BytesIO(report("pdf"))).pages
    sizes = [len(p.extract_text()) for p in pages]
    assert min(sizes[:-1]) >= 600, sizes


def test_pdf_opens_and_holds_the_figures(analysis, report):
    data = report("pdf")
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert len(reader.pages) >= 3
    for option in analysis.result.options:
        assert option.name in text
    assert "Assumptions" in text and "Your answers" in text and "version: 2" in text


def test_json_is_the_contract(analysis, report):
    data = json.loads(report("json"))
    assert EstimateOut.model_validate(data).profile == analysis.profile


def test_csv_line_items_add_up_to_each_total(analysis, report):
    rows = list(csv.DictReader(io.StringIO(report("csv").decode("utf-8"))))
    for option in analysis.result.options:
        mine = [r for r in rows if r["option"] == option.id]
        assert len(mine) == len(option.components)
        assert sum(float(r["cost_usd"]) for r in mine) == pytest.approx(option.monthly_usd, rel=1e-9, abs=1e-6)
        assert all(r["source_url"].startswith("https://") for r in mine if r["confidence"])
    # Every row, the path's yearly rows too, has a field per column and its pricing date in place.
    from report.builders import CSV_COLUMNS

    raw = list(csv.reader(io.StringIO(report("csv").decode("utf-8"))))
    assert all(len(r) == len(CSV_COLUMNS) for r in raw)
    path_rows = [r for r in rows if r["category"] == "path"]
    assert path_rows and all(r["pricing_date"] == str(analysis.result.pricing_date) for r in path_rows)


CLI_PROFILE = "version: 2\nname: CLI agent\nmonthly_runs: 12000\nsteps_per_run: 40\nstep_seconds: 8\n"


@pytest.fixture(scope="module")
def cli_analysis(book):
    """What `tco report` should write for `CLI_PROFILE`, worked out once for every format (the
    command itself runs once per format)."""
    profile = parse_profile_text(CLI_PROFILE, "p.yaml")
    return analyse(profile, book, criteria=CRITERIA, answers={"regulated": "yes"}).with_outlook()


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_cli_writes_what_the_builders_build(fmt, tmp_path, capsys, book, cli_analysis):
    out = tmp_path / f"report.{fmt}"
    profile_path = tmp_path / "p.yaml"
    profile_path.write_text(CLI_PROFILE, encoding="utf-8")
    code = main(
        [
            "report",
            "--profile",
            str(profile_path),
            "--format",
            fmt,
            "-o",
            str(out),
            "--pricing-date",
            book.as_of.isoformat(),
            "--answer",
            "regulated=yes",
        ]
    )
    assert code == 0
    written = out.read_bytes()
    expected = build(cli_analysis, fmt)
    if fmt == "pdf":  # fpdf2 stamps the creation time; compare the text

        def text(data: bytes) -> str:
            return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)

        assert text(written) == text(expected)
    else:
        assert written == expected


def test_cli_report_bad_answer_exits_2(tmp_path, capsys):
    code = main(
        [
            "report",
            "--profile",
            "data/profiles/coding-agent.yaml",
            "--format",
            "md",
            "-o",
            str(tmp_path / "x.md"),
            "--answer",
            "regulated=perhaps",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "regulated" in err and "perhaps" in err


@pytest.mark.parametrize("runs", [0.0, 100.0, 3000.0, 2e6])
def test_breakdown_bars_end_at_each_total(book, runs):
    from model.engine import estimate
    from model.result import summarize
    from report.breakdown_chart import breakdown_frame

    for profile in PRESETS.values():
        result = summarize(estimate(profile.model_copy(update={"monthly_runs": runs}), book))
        frame = breakdown_frame(result)
        assert (frame["cost_usd"] > 0).all()
        for option in result.options:
            drawn = frame.loc[frame["option"] == option.name, "cost_usd"].sum()
            assert drawn == pytest.approx(option.monthly_usd, abs=1e-6), (profile.name, runs, option.name)


def test_every_option_has_its_own_colour_and_a_vendor_keeps_one_hue(book):
    from model.engine import estimate
    from model.result import summarize
    from report.charts import PALETTE, option_scale

    result = summarize(estimate(PRESETS["coding-agent"], book))
    scale = option_scale(result).to_dict()
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    assert sorted(colour) == sorted(o.name for o in result.options)
    assert len(set(colour.values())) == len(colour)  # fifteen lines, fifteen colours
    hue = {o.vendor: set() for o in result.options}
    for option in result.options:
        hue[option.vendor].add(PALETTE.index(colour[option.name]) // 2)  # tableau20: pairs of one hue
    assert all(len(h) == 1 for h in hue.values())
    assert len({next(iter(h)) for h in hue.values()}) == len(hue)


def test_the_cost_chart_dashes_self_hosted_lines_and_its_legend_picks_options(analysis):
    from report.curve_chart import cost_curve_spec

    spec = cost_curve_spec(analysis)
    lines = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert lines["encoding"]["strokeDash"]["field"] == "hosting"
    assert lines["encoding"]["color"]["field"] == "option_name"
    assert any(p.get("bind") == "legend" for p in spec.get("params", []) + lines.get("params", []))
    assert "params" not in cost_curve_spec(analysis, interactive=False)["layer"][1]
    # On a screen the legend sits beneath the plot (beside it, a phone's plot was 130 px wide) and the
    # crossover labels hide on a plot under 480 px, where they collide; a static chart keeps both.
    static = cost_curve_spec(analysis, interactive=False)
    assert lines["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert (
        next(x for x in static["layer"] if x["mark"]["type"] == "line")["encoding"]["color"]["legend"]["orient"]
        == "right"
    )
    labels = [x for x in spec["layer"] if x["mark"]["type"] == "text" and x["encoding"]["text"]["field"] == "short"]
    assert labels and all(x["mark"]["opacity"] == {"expr": "width < 480 ? 0 : 1"} for x in labels)


def test_the_limits_chart_is_one_facet_over_the_measures_that_grow_with_steps(analysis):
    from report.limits_chart import limits_chart, limits_frame

    spec = limits_chart(analysis).to_dict()
    assert spec["facet"]["row"]["field"] == "panel"
    rows = spec["datasets"][spec["data"]["name"]]
    drawn = {r["panel"] for r in rows if r["kind"] == "curve"}
    curves = limits_frame(analysis.limit_curves)
    growing = {
        panel
        for (panel, _, _), part in curves.groupby(["panel", "option", "limit"])
        if part["value"].max() > part["value"].min() * (1 + 1e-9)
    }
    assert drawn == growing and drawn
    here = {r["panel"]: r["steps"] for r in rows if r["kind"] == "here"}
    assert here == dict.fromkeys(drawn, analysis.profile.steps_per_run)
    assert all(r["value"] > 0 for r in rows if r["kind"] in ("curve", "level"))


def test_the_screens_limits_panels_are_the_facets_each_stretching_to_its_column(analysis):
    """The app draws each panel as its own chart with no fixed width (a faceted chart keeps 640 px
    plus its legend, which a phone or a narrow column cuts), the legend beneath it."""
    from report.limits_chart import limits_chart, limits_panels

    facet = limits_chart(analysis).to_dict()
    rows = facet["datasets"][facet["data"]["name"]]
    panels = [p.to_dict() for p in limits_panels(analysis)]
    assert [p["title"] for p in panels] == facet["facet"]["row"]["sort"]
    for spec in panels:
        assert "width" not in spec and spec["height"] == 170
        mine = spec["datasets"][spec["data"]["name"]]
        assert mine == [r for r in rows if r["panel"] == spec["title"]]
        legends = [
            layer["encoding"]["color"].get("legend") for layer in spec["layer"] if "color" in layer.get("encoding", {})
        ]
        assert legends and all(legend["orient"] == "bottom" for legend in legends)


def test_the_cost_chart_keeps_its_structure_and_each_profile_brings_its_data(book):
    from report.curve_chart import cost_curve_spec

    first = analyse(PRESETS["coding-agent"], book)
    second = analyse(PRESETS["coding-agent"].model_copy(update={"monthly_runs": 50_000.0}), book)
    a, b = cost_curve_spec(first), cost_curve_spec(second)
    assert {k: v for k, v in a.items() if k != "datasets"} == {k: v for k, v in b.items() if k != "datasets"}
    assert a["datasets"]["here"] == [{"value": 3000.0, "label": "this profile"}]
    assert b["datasets"]["here"] == [{"value": 50000.0, "label": "this profile"}]
    assert len(a["datasets"]["sweep"]) == len(first.runs_sweep)
    assert [r["value"] for r in a["datasets"]["crossings"]] == [c.value for c in first.runs_crossovers]
    # NaN (an option that cannot run the workload there) travels as null, which Vega-Lite skips
    assert all(r["monthly_usd"] is None or r["monthly_usd"] == r["monthly_usd"] for r in a["datasets"]["sweep"])


def test_each_limit_says_how_long_into_the_run_it_is_passed(book):
    """Steps are read with the time they come at: the run's wall time spread over its steps."""
    from model.engine import estimate
    from model.result import summarize
    from report.limits import crossed_at
    from report.words import elapsed as format_elapsed
    from report.words import say

    profile = PRESETS["deep-research"]
    out = summarize(estimate(profile, book))
    per_step = out.workload.wall_seconds_per_run / profile.steps_per_run
    passed = [(o, x) for o in out.options for x in o.limits if x.steps_until_limit is not None]
    assert passed
    for option, limit in passed:
        assert limit.seconds_until_limit == pytest.approx(limit.steps_until_limit * per_step, rel=1e-12)
        shown = crossed_at(limit)
        assert shown == f"step {limit.steps_until_limit:,.0f} ({format_elapsed(limit.seconds_until_limit)} in)"
        if limit.exceeded and limit.hard and not limit.lifted:
            said = [say(r) for r in [*option.fit.reasons, *option.warnings]]
            assert any(f"(about {format_elapsed(limit.seconds_until_limit)} into the run)" in w for w in said)
    # A run of no steps has no time per step: no elapsed time, not zero.
    none = summarize(estimate(profile.model_copy(update={"steps_per_run": 0.0}), book))
    assert all(
        x.seconds_until_limit is None and x.seconds_until_warning is None for o in none.options for x in o.limits
    )


def test_an_option_keeps_its_colour_when_fewer_options_are_compared(book):
    """Colours follow every vendor in force, so the app with a narrowed list and the full report
    colour an option alike."""
    from model.engine import estimate
    from model.result import summarize
    from report.charts import option_scale

    def colours(options=None):
        scale = option_scale(summarize(estimate(PRESETS["coding-agent"], book, options))).to_dict()
        return dict(zip(scale["domain"], scale["range"], strict=True))

    every = colours()
    some = colours(["temporal/cloud", "trigger.dev/self-hosted"])
    assert sorted(some) == ["Temporal Cloud", "Trigger.dev self-hosted"]
    assert all(some[name] == every[name] for name in some)


RAW = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|OptionOverrides\(|FieldRange\(|PathInputs\(|TeamInputs\(|=None|\{\}|\[\]")
"""What a person should never read in a report: a Python value or an empty container as code."""


def test_no_export_writes_python_for_people(book):
    """A profile with terms, requirements, ranges, empty optional fields and options that cannot run
    it: every value in every text export is written for people (the profile's YAML is a file to load,
    and is left out of the check where it must name an empty field as YAML does)."""
    text = """version: 2
extends: coding-agent
name: Terms and doubts
overrides:
  temporal/cloud: {discount_percent: 20, commitment_usd: 1000}
requirements: {sso: true, seats: 5}
ranges:
  monthly_runs: {low: 2000, high: 5000}
"""
    profile = parse_profile_text(text, "terms.yaml")
    analysis = analyse(profile, book, criteria=CRITERIA, answers={"languages": "python"}, draws=400).with_outlook()
    md = build(analysis, "md", GENERATED).decode("utf-8").split("```yaml", 1)[0]
    assert not RAW.findall(md), sorted(set(RAW.findall(md)))
    page = htmllib.unescape(build(analysis, "html", GENERATED).decode("utf-8").split('<pre id="profile-yaml">', 1)[0])
    assert not RAW.findall(re.sub(r"<[^>]+>", " ", page)), sorted(set(RAW.findall(page)))
    rows = list(csv.reader(io.StringIO(build(analysis, "csv", GENERATED).decode("utf-8"))))
    assert not [cell for row in rows for cell in row if RAW.search(cell)]
    assert any(not o.applicable for o in analysis.result.options)  # the empty spreads are exercised


def test_a_wait_only_some_runs_have_is_not_spread_over_every_run(book):
    """0.2 waits a run of a day is one run in five waiting a day, not every run waiting five hours: the
    time into the run at which a limit is passed is then a run's that does not wait, and says so."""
    from model.engine import estimate
    from model.result import summarize
    from report.limits import crossed_at
    from report.words import say

    profile = PRESETS["deep-research"]
    day = 86400
    every = summarize(estimate(profile.model_copy(update={"human_waits_per_run": 1, "human_wait_seconds": day}), book))
    some = summarize(estimate(profile.model_copy(update={"human_waits_per_run": 0.2, "human_wait_seconds": day}), book))
    none = summarize(estimate(profile.model_copy(update={"human_waits_per_run": 0}), book))
    pairs = [
        (a, b, c)
        for o1, o2, o3 in zip(every.options, some.options, none.options, strict=True)
        for a, b, c in zip(o1.limits, o2.limits, o3.limits, strict=True)
        if c.seconds_until_limit is not None
    ]
    assert pairs
    for a, b, c in pairs:
        assert not a.seconds_without_waits and b.seconds_without_waits
        # per step: a wait's own events can move the step at which a limit is passed
        per_step = [x.seconds_until_limit / x.steps_until_limit for x in (a, b, c)]
        assert per_step[1] == pytest.approx(per_step[2], rel=1e-9)
        assert per_step[0] > per_step[1]
        assert "into a run that does not wait" in crossed_at(b)
    said = [say(r) for o in some.options for r in [*o.fit.reasons, *o.warnings]]
    assert any("into a run that does not wait for a person" in w for w in said)
    assert not any("into the run)" in w for w in said)
