"""Scenario sets: 2 to 6 named futures, each a full profile or a base with changes, compared side
by side in one engine call, in the CLI (table, JSON, CSV, Markdown), the link and the app.

Why one file: the tests of one feature through every door (engine, CLI formats, link, app), which
share the scenario files and their fixtures.
"""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest

from cli import main
from model.axes import compared
from model.engine import estimate
from model.result import summarize
from model.scenarios import compare_scenarios
from pricing.load import DATA_DIR, PricingError, read_pricebook
from pricing.profiles import known_from, read_presets
from pricing.scenarios import load_scenarios_text, merged, read_scenarios
from report.option_words import option_name

BOOK = read_pricebook()
GROWTH = DATA_DIR / "scenarios" / "growth.yaml"
ACCOUNT_GROWTH = DATA_DIR / "scenarios" / "account-growth.yaml"
KNOWN = known_from(BOOK)


def _run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_bundled_three_scenario_file_reads_as_base_plus_changes():
    chosen = read_scenarios(GROWTH, known=KNOWN)
    assert [s.name for s in chosen.scenarios] == ["Today", "10x growth", "10x with our Temporal contract"]
    today, growth, contract = (s.profile for s in chosen.scenarios)
    coding = read_presets()["coding-agent"]
    assert today.monthly_runs == 200_000 and today.steps_per_run == coding.steps_per_run
    assert growth.monthly_runs == 10 * today.monthly_runs
    assert growth.model_copy(update={"monthly_runs": today.monthly_runs, "name": today.name}) == today
    terms = contract.overrides["temporal/cloud"]
    assert terms.prices == {"actions": 30} and terms.discount_percent == 10


def test_each_scenario_equals_its_own_estimate_and_the_cheapest_is_marked():
    chosen = read_scenarios(GROWTH, known=KNOWN)
    results = compare_scenarios([(s.name, s.profile) for s in chosen.scenarios], BOOK)
    for scenario, priced in zip(chosen.scenarios, results, strict=True):
        alone = summarize(estimate(scenario.profile, BOOK, compared(scenario.profile, BOOK)))
        assert {o.id: o.monthly_usd for o in priced.result.options} == pytest.approx(
            {o.id: o.monthly_usd for o in alone.options}
        )
        applicable = [o for o in alone.options if o.applicable]
        assert priced.cheapest == min(applicable, key=lambda o: o.monthly_usd).id
    # the negotiated rate moves Temporal Cloud, and only it
    growth, contract = ({o.id: o.monthly_usd for o in r.result.options} for r in results[1:])
    assert contract["temporal/cloud"] < growth["temporal/cloud"]
    assert {k: v for k, v in contract.items() if k != "temporal/cloud"} == pytest.approx(
        {k: v for k, v in growth.items() if k != "temporal/cloud"}
    )


def test_cli_table_json_and_csv(capsys):
    code, table, _ = _run(capsys, "compare", "--scenarios", str(GROWTH))
    assert code == 0 and "3 scenarios" in table and "10x growth" in table and "* " in table
    code, text, _ = _run(capsys, "compare", "--scenarios", str(GROWTH), "--format", "json")
    data = json.loads(text)
    assert data["contract"] == "scenarios/1" and len(data["scenarios"]) == 3
    schema = json.loads((DATA_DIR / "schema" / "estimate.schema.json").read_text())
    for scenario in data["scenarios"]:
        jsonschema.validate(scenario["result"], schema)
        assert scenario["cheapest"] in {o["id"] for o in scenario["result"]["options"]}
    assert data["scenarios"][1]["changes"] == {"monthly_runs": 2000000}
    code, text, _ = _run(capsys, "compare", "--scenarios", str(GROWTH), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["scenario"] for r in rows} == {"Today", "10x growth", "10x with our Temporal contract"}
    assert sum(r["cheapest"] == "True" for r in rows) == 3
    options = len(compared(read_presets()["coding-agent"], BOOK))
    assert len(rows) == 3 * options


def test_the_file_matches_its_published_schema():
    import yaml

    schema = json.loads((DATA_DIR / "schema" / "scenarios.schema.json").read_text())
    profile = json.loads((DATA_DIR / "schema" / "profile.schema.json").read_text())
    from referencing import Registry, Resource

    registry = Registry().with_resource("profile.schema.json", Resource.from_contents(profile))
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    validator.validate(yaml.safe_load(GROWTH.read_text()))
    validator.validate(yaml.safe_load(ACCOUNT_GROWTH.read_text()))
    assert not validator.is_valid({"scenarios": [{"name": "A", "changes": {}}]})  # one is not a set


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (
            "version: 1\nscenarios:\n  - {name: Only, profile: {extends: coding-agent}}\n",
            "scenarios",
            "a list of 2 to 6 scenarios (got 1)",
        ),
        (
            "version: 1\nscenarios:\n  - {name: A, profile: {extends: coding-agent}}\n  - {name: A, profile: "
            "{extends: coding-agent}}\n",
            "scenarios.1 (A).name",
            "'A' is used twice",
        ),
        (
            "version: 1\nscenarios:\n  - {name: A, changes: {monthly_runs: 5}}\n  - {name: B, profile: "
            "{extends: coding-agent}}\n",
            "scenarios.0 (A).changes",
            "need a `base`",
        ),
        (
            "version: 1\nbase: {extends: coding-agent}\nscenarios:\n  - {name: A, changes: {monthly_runz: 5}}\n"
            "  - {name: B, changes: {}}\n",
            "scenarios.0 (A).monthly_runz",
            "did you mean 'monthly_runs'",
        ),
        (
            "version: 1\nbase: {extends: coding-agent}\nscenarios:\n  - {name: A, changes: {}, profile: {}}\n"
            "  - {name: B, changes: {}}\n",
            "scenarios.0 (A)",
            "either `profile` or `changes`",
        ),
        (
            "version: 1\nbase: {extends: coding-agent}\nscenarios:\n  - {name: A, changes: {}}\n"
            "  - {name: B, changes: {overrides: {temporal/cloud: {plan: gold}}}}\n",
            "scenarios.1 (B).overrides.temporal/cloud.plan",
            "'gold' is not one of its plans",
        ),
        ("version: 1\nscenario: []\n", "scenario", "unknown field"),
    ],
)
def test_every_problem_names_the_scenario_the_field_and_the_line(text, field, message):
    with pytest.raises(PricingError) as caught:
        load_scenarios_text(text, "set.yaml", known=KNOWN)
    problems = caught.value.problems
    hit = [p for p in problems if p.field == field]
    assert hit and message in hit[0].message, [(p.field, p.message) for p in problems]
    assert hit[0].line is not None


def test_a_bad_scenario_file_exits_2_with_its_message(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nscenarios: [1]\n", encoding="utf-8")
    code, _, err = _run(capsys, "compare", "--scenarios", str(bad))
    assert code == 2 and "2 to 6 scenarios" in err
    code, _, err = _run(capsys, "compare", "--profile", "data/profiles/coding-agent.yaml", "--format", "csv")
    assert code == 2 and "--scenarios" in err


def test_changes_merge_nested_sections_key_by_key():
    base = {"team": {"engineer_cost_usd_per_year": 1}, "overrides": {"a/b": {"plan": "x"}}}
    assert merged(base, {"overrides": {"a/b": {"discount_percent": 5}}}) == {
        "team": {"engineer_cost_usd_per_year": 1},
        "overrides": {"a/b": {"plan": "x", "discount_percent": 5}},
    }


# --- the app: scenarios in the link, the view, the form, and a file's scenarios as link changes


def _app(params):
    from tests.test_app import start

    return start(params)


def test_the_scenarios_view_prices_each_linked_scenario_as_the_engine_does():
    from tests.test_app import param

    at = _app(
        {
            "preset": "coding-agent",
            "view": "scenarios",
            "s1": "10x growth",
            "s1.monthly_runs": "30000",
            "s2": "Our contract",
            "s2.your.temporal/cloud.price.actions": "30",
        }
    )
    assert not at.exception and not at.error
    frame = next(f.value for f in at.dataframe if "scenario" in f.value.columns)
    coding = read_presets()["coding-agent"]
    import datetime as dt

    book = read_pricebook(on=dt.date.today())
    grown = summarize(estimate(coding.model_copy(update={"monthly_runs": 30000.0}), book))
    mine = frame[frame["scenario"] == "10x growth"].set_index("option")["monthly_usd"].to_dict()
    assert mine == pytest.approx({option_name(o): o.monthly_usd for o in grown.options})
    assert (frame.groupby("scenario")["cheapest"].apply(lambda c: (c == "✓").sum()) == 1).all()
    assert param(at, "s2.your.temporal/cloud.price.actions") == "30"


def test_adding_and_removing_a_scenario_updates_the_link():
    from tests.test_app import param

    at = _app({"preset": "coding-agent", "view": "scenarios"})
    at.text_input(key="scenario.edit.name").input("Double")
    at.selectbox(key="scenario.edit.add").set_value("monthly_runs").run()
    at.text_input(key="scenario.edit.value.monthly_runs").input("6000")
    at.button(key="scenario.edit.save").click().run()
    assert not at.exception
    assert param(at, "s1") == "Double" and param(at, "s1.monthly_runs") == "6000"
    at.button(key="scenario.remove.1").click().run()
    assert "s1" not in at.query_params


def test_a_bad_scenario_value_in_the_link_is_named_and_the_rest_kept():
    from tests.test_app import param, problems_shown

    at = _app(
        {
            "preset": "coding-agent",
            "view": "scenarios",
            "s1": "Typo",
            "s1.monthly_runs": "lots",
            "s1.retention_days": "60",
            "s9": "too many",
        }
    )
    assert not at.exception
    shown = problems_shown(at)
    assert "s1.monthly_runs" in shown and "lots" in shown and "s9" in shown
    assert param(at, "s1.retention_days") == "60"


def test_a_scenario_file_becomes_link_changes_that_give_back_each_profile():
    """What the app does with an uploaded scenario file: the first scenario becomes the profile, the
    others changes to it; each change set must rebuild its scenario's profile exactly."""
    from ui.link import changes_between, encode, profile_params, scenario_profile
    from ui.state import Allowed, ScenarioLink, UiState

    presets = read_presets()
    allowed = Allowed(options=tuple(t.id for t in BOOK.options()))
    chosen = read_scenarios(GROWTH, known=KNOWN)
    text = (
        "version: 1\nscenarios:\n  - {name: Coding, profile: {extends: coding-agent, retention_days: 60}}\n"
        "  - {name: Research, profile: {extends: deep-research}}\n"
        "  - {name: Seats, profile: {extends: coding-agent, requirements: {seats: 30}, overrides: "
        "{temporal/cloud: {discount_percent: 15}}}}\n"
    )
    for scenario_set in (chosen, load_scenarios_text(text, "x.yaml", known=KNOWN)):
        first, *rest = scenario_set.scenarios
        base = profile_params(encode(UiState(preset="coding-agent", profile=first.profile), presets))
        for scenario in rest:
            other = profile_params(encode(UiState(preset="coding-agent", profile=scenario.profile), presets))
            link = ScenarioLink(scenario.name, changes_between(base, other, scenario.profile))
            rebuilt, problems = scenario_profile(base, link, presets, allowed=allowed)
            assert problems == []
            assert rebuilt == scenario.profile.model_copy(update={"name": scenario.name})


def test_the_report_carries_the_scenarios(capsys, tmp_path):
    out = tmp_path / "r.md"
    assert main(["report", "--scenarios", str(GROWTH), "--format", "md", "-o", str(out)]) == 0
    text = out.read_text()
    assert "## Scenarios side by side" in text and "10x with our Temporal contract" in text
    out = tmp_path / "r.html"
    assert main(["report", "--scenarios", str(GROWTH), "--format", "html", "-o", str(out)]) == 0
    assert "Scenarios side by side" in out.read_text()


# --- the scenarios view: its chart, and an editor that changes any field of any scenario


def _today_book():
    import datetime as dt

    return read_pricebook(on=dt.date.today())


def _tiny_results():
    """The coding agent beside a tiny scenario in which an option costs nothing at all."""
    coding = read_presets()["coding-agent"]
    tiny = coding.model_copy(
        update={
            "monthly_runs": 10.0,
            "team": coding.team.model_copy(update={"engineer_cost_usd_per_year": 0.0}),
            "name": "Tiny",
        }
    )
    results = compare_scenarios([("As profiled", coding), ("Tiny", tiny)], _today_book())
    costs = [o.monthly_usd for r in results for o in r.result.options if o.applicable]
    assert min(costs) == 0, "the case needs a $0 option"
    return results


def _bars(svg: str) -> list[float]:
    """The widths of the bars in a chart rendered to SVG by vl-convert [px]."""
    import re

    group = re.search(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    assert group is not None, "the chart has no bars"
    widths = []
    for d in re.findall(r'<path[^>]*\sd="([^"]*)"', group.group(1)):
        match = re.match(r"M(-?[\d.e-]+),(-?[\d.e-]+)h(-?[\d.e-]+)", d)
        widths.append(float(match.group(3)) if match else 0.0)
    return widths


@pytest.mark.parametrize("width", [980, 358])
def test_the_scenario_chart_draws_a_bar_for_every_priced_option_with_no_name_cut(width):
    """A log axis has no place for $0 (and drew no bar at all): the cost axis is linear from zero, every
    option that can run a scenario has its bar, long enough for its cost, and no name is cut short, on a
    desktop's and a phone's width."""
    from report.scenarios import scenario_chart_spec
    from report.svg import to_svg

    results = _tiny_results()
    spec = scenario_chart_spec(results)
    x = spec["layer"][1]["encoding"]["x"]
    assert x["scale"]["type"] == "linear" and x["scale"]["domain"][0] == 0
    priced = [(r.name, o) for r in results for o in r.result.options if o.applicable]
    svg = to_svg({**spec, "width": width})
    widths = _bars(svg)
    assert len(widths) == len(priced)
    top = max(o.monthly_usd for _, o in priced)
    plot = width * 0.8  # the plot takes most of the width; a bar of 1% of the dearest is > 1 px
    assert sum(w >= 1 for w in widths) >= sum(o.monthly_usd / top * plot >= 2 for _, o in priced) > 0
    assert "…" not in svg
    for name in {o.name for _, o in priced}:
        assert f">{name}<" in svg.replace("&amp;", "&"), name
    assert ">$0.00<" in svg  # the $0 option is marked by its amount
    for r in results:
        assert f">{r.name}<" in svg


def test_the_chart_leaves_out_only_options_that_cannot_run_a_scenario_and_says_so():
    from report.scenarios import scenario_chart_left_out, scenario_chart_spec

    results = _tiny_results()
    spec = scenario_chart_spec(results)
    drawn = {(b["scenario"], b["id"]) for b in spec["layer"][1]["data"]["values"]}
    out = {(r.name, o.id) for r in results for o in r.result.options if not o.applicable}
    assert drawn | out == {(r.name, o.id) for r in results for o in r.result.options} and not drawn & out
    said = " ".join(scenario_chart_left_out(results))
    for name, option in out:
        assert next(o.name for r in results for o in r.result.options if o.id == option) in said
        assert f"“{name}”" in said


def _allowed():
    from ui import data

    return data.allowed()


def test_every_field_of_the_sidebar_is_a_change_a_scenario_can_make():
    from schema.inputs import PlanRequirements
    from schema.profile import NUMERIC_FIELDS
    from ui.profile_parts import PATH_PARAMS
    from ui.scenario_fields import editable_fields
    from ui.state import PROFILE_FIELDS

    allowed = _allowed()
    fields = editable_fields(allowed, _today_book())
    wanted = {f for f in PROFILE_FIELDS if f not in ("name", "description")} | {"options", "engineer_cost"}
    wanted |= {f"{p}{o}" for p in ("ops.", "setup.", "migrate.") for o in allowed.options}
    wanted |= {f"need.{f}" for f in PlanRequirements.model_fields}
    wanted |= {f"path.{p}" for p in PATH_PARAMS} | {f"range.{f}" for f in NUMERIC_FIELDS}
    for option, terms in allowed.terms.items():
        wanted |= {f"your.{option}.{t}" for t in ("discount", "commitment", "credit")}
        wanted |= {f"your.{option}.price.{p}" for p in terms.prices}
        wanted |= {f"your.{option}.addon.{a}" for a in terms.addons}
        wanted |= {f"your.{option}.plan"} if terms.plans else set()
    assert wanted - set(fields) == set()
    assert fields["machine"].kind == "choice" and set(fields["machine"].choices) == set(allowed.machines)
    assert fields["step_kind"].kind == "choice" and fields["step_needs_machine"].kind == "flag"
    assert fields["options"].kind == "options" and fields["need.sso"].kind == "flag"
    for item in fields.values():  # every field says what it takes, in words
        assert item.label and item.allowed and "None" not in item.allowed and "nan" not in item.allowed


def test_each_field_s_value_goes_through_its_widget_and_back_unchanged():
    from schema.inputs import FieldRange, PathInputs, PlanRequirements
    from ui.scenario_fields import editable_fields, link_value, value_of, widget_value

    allowed = _allowed()
    fields = editable_fields(allowed, _today_book())
    coding = read_presets()["coding-agent"]
    profile = coding.model_copy(
        update={
            "machine": allowed.machines[-1],
            "step_needs_machine": True,
            "options": allowed.options[:2],
            "requirements": PlanRequirements(seats=12, sso=True, support="priority"),
            "ranges": {"monthly_runs": FieldRange(low=1000, high=9000, distribution="uniform")},
            "path": PathInputs(growth_percent_per_month=4.5, horizon_months=24),
            "step_payload_kb": 12.25,
        }
    )
    for key, item in fields.items():
        text = value_of(key, profile)
        if item.kind in ("choice",) and text == "":
            continue  # an unpinned plan, an unstated support level: nothing to show
        assert link_value(item, widget_value(item, text)) == (text or ("false" if item.kind == "flag" else "")), key
    assert value_of("step_payload_kb", profile) == "12.25" and value_of("need.sso", profile) == "true"
    assert value_of("range.monthly_runs", profile) == "1000,9000,uniform"


def _frame_of(at, scenario):
    frame = next(f.value for f in at.dataframe if "scenario" in f.value.columns)
    return frame[frame["scenario"] == scenario].set_index("option")["monthly_usd"].to_dict()


def _engine(profile):
    from model.axes import compared

    book = _today_book()
    return {option_name(o): o.monthly_usd for o in summarize(estimate(profile, book, compared(profile, book))).options}


def test_a_scenario_can_change_any_field_and_is_priced_as_the_engine_does():
    """Seven fields beyond the old form's three: a number, the machine, the step kind, a yes-or-no,
    what a plan must offer, the team's effort on one option and the options compared."""
    from tests.test_app import param

    allowed = _allowed()
    at = _app({"preset": "coding-agent", "view": "scenarios"})
    at.text_input(key="scenario.edit.name").input("Heavier")
    for key in ("step_payload_kb", "machine", "step_kind", "step_needs_machine", "need.sso", "ops.temporal/cloud"):
        at.selectbox(key="scenario.edit.add").set_value(key).run()
        assert not at.exception
    assert at.text_input(key="scenario.edit.name").value == "Heavier"  # adding a field keeps the name typed
    assert at.text_input(key="scenario.edit.value.step_payload_kb").value == "8"  # the profile's value to start from
    at.text_input(key="scenario.edit.value.step_payload_kb").input("500")
    at.selectbox(key="scenario.edit.value.machine").set_value(allowed.machines[-1])
    at.selectbox(key="scenario.edit.value.step_kind").set_value("inline")
    at.checkbox(key="scenario.edit.value.step_needs_machine").check()
    at.checkbox(key="scenario.edit.value.need.sso").check()
    at.text_input(key="scenario.edit.value.ops.temporal/cloud").input("0.5")
    at.button(key="scenario.edit.save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert param(at, "s1") == "Heavier"
    assert param(at, "s1.step_payload_kb") == "500" and param(at, "s1.machine") == allowed.machines[-1]
    assert param(at, "s1.step_kind") == "inline" and param(at, "s1.step_needs_machine") == "true"
    assert param(at, "s1.need.sso") == "true" and param(at, "s1.ops.temporal/cloud") == "0.5"
    from schema.inputs import PlanRequirements, StepKind

    coding = read_presets()["coding-agent"]
    heavier = coding.model_copy(
        update={
            "step_payload_kb": 500.0,
            "machine": allowed.machines[-1],
            "step_kind": StepKind.INLINE,
            "step_needs_machine": True,
            "requirements": PlanRequirements(sso=True),
            "team": coding.team.model_copy(update={"ops_fte": {"temporal/cloud": 0.5}}),
        }
    )
    assert _frame_of(at, "Heavier") == pytest.approx(_engine(heavier))
    assert _frame_of(at, "Heavier") != pytest.approx(_frame_of(at, "As profiled"))
    # and the options compared, in a second scenario
    at.text_input(key="scenario.edit.name").input("Two options")
    at.selectbox(key="scenario.edit.add").set_value("options").run()
    at.multiselect(key="scenario.edit.value.options").set_value(["temporal/cloud", "temporal/self-hosted"])
    at.button(key="scenario.edit.save").click().run()
    assert not at.exception and not at.error
    assert param(at, "s2.options") == "temporal/cloud,temporal/self-hosted"
    two = coding.model_copy(update={"options": ("temporal/cloud", "temporal/self-hosted")})
    assert _frame_of(at, "Two options") == pytest.approx(_engine(two))


def test_an_existing_scenario_is_edited_renamed_and_removed():
    from tests.test_app import param

    at = _app({"preset": "coding-agent", "view": "scenarios", "s1": "Double", "s1.monthly_runs": "6000"})
    at.button(key="scenario.open.1").click().run()
    assert at.selectbox(key="scenario.edit").value == "Double"
    assert at.text_input(key="scenario.edit.name").value == "Double"
    assert at.text_input(key="scenario.edit.value.monthly_runs").value == "6000"
    at.text_input(key="scenario.edit.name").input("Triple")
    at.text_input(key="scenario.edit.value.monthly_runs").input("9000")
    at.selectbox(key="scenario.edit.add").set_value("retention_days").run()
    assert at.text_input(key="scenario.edit.value.monthly_runs").value == "9000"  # kept while a field is added
    at.text_input(key="scenario.edit.value.retention_days").input("90")
    at.button(key="scenario.edit.save").click().run()
    assert not at.exception and not at.error
    assert param(at, "s1") == "Triple" and param(at, "s1.monthly_runs") == "9000"
    assert param(at, "s1.retention_days") == "90" and "s2" not in at.query_params
    coding = read_presets()["coding-agent"]
    assert _frame_of(at, "Triple") == pytest.approx(
        _engine(coding.model_copy(update={"monthly_runs": 9000.0, "retention_days": 90.0}))
    )
    assert _frame_of(at, "Double") == {}
    # a field dropped goes back to the profile's value
    at.button(key="scenario.edit.drop.retention_days").click().run()
    at.button(key="scenario.edit.save").click().run()
    assert "s1.retention_days" not in at.query_params and param(at, "s1.monthly_runs") == "9000"
    at.button(key="scenario.edit.remove").click().run()
    assert not at.exception and "s1" not in at.query_params
    assert at.selectbox(key="scenario.edit").value == ""  # the editor is back to a new scenario


def test_a_name_in_use_offers_to_update_that_scenario():
    from tests.test_app import param

    at = _app({"preset": "coding-agent", "view": "scenarios", "s1": "Double", "s1.monthly_runs": "6000"})
    at.text_input(key="scenario.edit.name").input("Double")
    at.selectbox(key="scenario.edit.add").set_value("step_payload_kb").run()
    at.text_input(key="scenario.edit.value.step_payload_kb").input("64")
    at.button(key="scenario.edit.save").click().run()
    assert not at.exception
    assert "Another scenario has this name" in " ".join(w.value for w in at.warning)
    assert "“Double”" in " ".join(t.value for t in at.text)
    assert "s1.step_payload_kb" not in at.query_params and "s2" not in at.query_params
    assert at.text_input(key="scenario.edit.value.step_payload_kb").value == "64"  # nothing typed is lost
    at.button(key="scenario.edit.update").click().run()
    assert not at.exception and not at.error
    assert param(at, "s1.step_payload_kb") == "64" and param(at, "s1.monthly_runs") == "6000"
    assert "s2" not in at.query_params
    assert "Updated with these changes" in " ".join(s.value for s in at.success)
    assert "“Double”" in " ".join(t.value for t in at.text)
    # the profile's own name is not a scenario's
    at.selectbox(key="scenario.edit").set_value("").run()
    at.text_input(key="scenario.edit.name").input("As profiled")
    at.selectbox(key="scenario.edit.add").set_value("monthly_runs").run()
    at.button(key="scenario.edit.save").click().run()
    assert "“As profiled” is the profile's own name" in " ".join(t.value for t in at.text)


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("step_payload_kb", "lots", "Payload per step [KB] = “lots”: allowed a number from 0 to 10,000,000 KB"),
        ("monthly_runs", "-5", "= “-5”: allowed a number from 0 to 10,000,000,000 runs/month"),
        ("need.seats", "0", "seats = “0”: allowed a number from 1 to 1,000,000 seats, or empty: any"),
        ("range.monthly_runs", "5", "Range of Monthly runs [runs/month] = “5”: <low>,<high>"),
        ("path.growth", "900", "Growth [%/month] = “900”: allowed a number from -50 to 100 % a month"),
    ],
)
def test_a_bad_value_names_the_field_the_value_and_what_is_allowed_and_keeps_what_was_typed(key, value, said):
    from tests.test_app import problems_shown

    at = _app({"preset": "coding-agent", "view": "scenarios"})
    at.text_input(key="scenario.edit.name").input("Bad")
    at.selectbox(key="scenario.edit.add").set_value(key).run()
    at.text_input(key=f"scenario.edit.value.{key}").input(value)
    at.button(key="scenario.edit.save").click().run()
    assert not at.exception
    shown = problems_shown(at)
    assert said in shown, shown
    assert "None" not in shown and "nan" not in shown and "'" + value + "'" not in shown
    assert not any(k.startswith("s1") for k in at.query_params)
    assert at.text_input(key="scenario.edit.name").value == "Bad"
    assert at.text_input(key=f"scenario.edit.value.{key}").value == value


def test_any_scenario_name_is_shown_whole_and_inert_in_the_chart():
    """A long name wraps in the legend; quotes, backslashes and Markdown in it are text, never syntax."""
    import re

    from report.scenarios import scenario_chart_spec
    from report.svg import to_svg

    coding = read_presets()["coding-agent"]
    odd = 'A "quoted" \\ name with ![x](http://evil.example/p.png) that runs on and on'
    results = compare_scenarios([("As profiled", coding), (odd, coding.model_copy(update={"monthly_runs": 9e3}))], BOOK)
    svg = to_svg({**scenario_chart_spec(results), "width": 358})
    shown = " ".join(re.findall(r">([^<>]*)<", svg)).replace("&quot;", '"').replace("&amp;", "&")
    for word in odd.split():
        assert word in shown, word
    assert "…" not in svg and "<a " not in svg and "<image" not in svg


def test_a_scenario_set_with_other_agents_prices_each_scenario_as_the_account():
    """`agents:` beside the scenarios: each scenario is its profile and those agents on one bill, the agents
    taking the scenario's account fields (its contract terms here), as `estimate_account` prices them."""
    from model.account import estimate_account
    from model.scenarios import account_groups, compare_account_scenarios
    from pricing.accounts import ACCOUNT_FIELDS

    book = read_pricebook()
    chosen = read_scenarios(ACCOUNT_GROWTH)
    assert [a.name for a in chosen.agents] == ["Research agent"]
    named = [(s.name, s.profile) for s in chosen.scenarios]
    results = compare_account_scenarios(account_groups(named, chosen.agents, ACCOUNT_FIELDS), book)
    for (name, profile), r in zip(named, results, strict=True):
        research = chosen.agents[0].model_copy(update={f: getattr(profile, f) for f in ACCOUNT_FIELDS})
        account = estimate_account([profile, research], book)
        assert r.cheapest == account.cheapest(), name
        for option in (o.id for o in account.together.options if account.applicable(o.id)):
            assert r.totals[option] == pytest.approx(account.total(option), rel=1e-12), (name, option)
    # the contract scenario's terms hold for the research agent too: the account's Temporal bill drops
    temporal = next(k for k in results[2].totals if k in chosen.scenarios[2].profile.overrides)
    assert results[2].totals[temporal] < results[1].totals[temporal]


@pytest.mark.parametrize(
    ("agents", "field", "said"),
    [
        ("agents:\n  - {extends: deep-research, monthly_runs: -5}\n", "agents[0].monthly_runs", "greater than"),
        ("agents:\n  - {extends: deep-research, options: [temporal/cloud]}\n", "agents[0].options", "account's"),
        ("agents: 5\n", "agents", "a list of 1 to"),
        (
            "agents:\n  - {extends: deep-research, name: R}\n  - {extends: deep-research, name: R}\n",
            "agents[1].name",
            "twice",
        ),
    ],
)
def test_a_bad_agent_in_a_scenario_set_names_the_field(agents, field, said):
    text = ACCOUNT_GROWTH.read_text(encoding="utf-8").split("agents:")[0] + agents
    with pytest.raises(PricingError) as caught:
        load_scenarios_text(text, "set.yaml")
    found = [str(p) for p in caught.value.problems]
    assert any(field in p and said in p for p in found), found


def test_a_scenario_file_s_other_agents_become_account_links_that_give_back_each_agent():
    """What the app does with the `agents:` of an uploaded scenario file: each agent becomes a link of
    the Account view (changes to the first scenario's profile) that rebuilds the agent exactly, the
    account's fields aside (the account's come from the sidebar)."""
    from pricing.accounts import ACCOUNT_FIELDS
    from ui.link import changes_between, encode, profile_params, scenario_profile
    from ui.state import Allowed, ScenarioLink, UiState

    presets = read_presets()
    allowed = Allowed(options=tuple(t.id for t in BOOK.options()))
    chosen = read_scenarios(ACCOUNT_GROWTH, known=KNOWN)
    first = chosen.scenarios[0].profile
    base = profile_params(encode(UiState(preset="coding-agent", profile=first), presets))
    shared = {f: getattr(first, f) for f in ACCOUNT_FIELDS}
    for agent in chosen.agents:
        other = profile_params(encode(UiState(preset="coding-agent", profile=agent), presets))
        link = ScenarioLink(agent.name, changes_between(base, other, agent))
        rebuilt, problems = scenario_profile(base, link, presets, allowed=allowed)
        assert problems == []
        assert rebuilt.model_copy(update=shared) == agent.model_copy(update={**shared, "name": agent.name})
