"""The app under Streamlit's AppTest: every view renders for every preset, the headline is
exactly what the engine says, and the state survives the URL.

Why one file: the tests of one script under one harness (AppTest), sharing its fixtures; the views'
own tests live beside their modules' tests.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from model.analysis import headline_of
from model.engine import estimate
from model.result import summarize
from pricing.load import read_criteria, read_pricebook, read_versions
from pricing.profiles import read_presets
from report.beside_words import beside_sentence
from report.compare import monthly_cell
from report.option_words import option_name
from report.verdict_words import flip_sentence, verdict_sentence
from report.words import say, sentence
from ui.state import VIEWS, field_key

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PRESETS = ["article-example", "coding-agent", "deep-research", "background-agent"]
VERSIONS = read_versions()
OPTIONS = {v.table.id: v.table for v in VERSIONS if v.table.kind == "option"}
"""Every option of every table version, by id (the newest version's table)."""
NAMES = {t.name for t in OPTIONS.values()}
CRITERIA = read_criteria()


def _versions_of(option: str) -> list[dt.date]:
    return sorted(v.table.effective for v in VERSIONS if v.table.id == option)


MOST_VERSIONS = max(OPTIONS, key=lambda o: (len(_versions_of(o)), _versions_of(o)[-1], o))
"""The option whose prices changed most often, and of those the last to change (the price-history
view opens on it)."""


def start(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unfold(at: AppTest, *sections: str) -> AppTest:
    """Open the sidebar's folded sections (`ui.form.folded`): their inputs are drawn only while open."""
    for section in sections:
        at.session_state[f"open.{section}"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(markdown: str) -> str:
    """What Markdown the app escaped (`report.text.escape`) reads as: the text itself."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("&amp;", "&")


def problems_shown(at: AppTest) -> str:
    """What the app's problem boxes say: their titles (`st.error`) and the problems beneath, shown as plain
    text (`ui.text.problems`)."""
    return plain(" ".join([e.value for e in at.error] + [t.value for t in at.text]))


def param(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value if isinstance(value, str) else value[-1]


def shown_headline(at: AppTest) -> str:
    """The verdict above the views: the first level-4 heading (a view may have headings of its own)."""
    texts = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert texts
    return plain(texts[0].removeprefix("#### "))


def metrics(at: AppTest) -> dict[str, str]:
    """The Compare view's figures by option (a ⚠ after a name marks prices overdue for a re-check)."""
    out = {}
    for m in at.metric:
        label = m.label.removesuffix(" ⚠")
        if any(label == n or label.startswith(f"{n}, ") for n in NAMES):
            out[label] = m.value
    return out


def expected(profile, answers: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    head = headline_of(profile, read_pricebook(on=dt.date.today()), criteria=CRITERIA, answers=answers)
    result = head.result
    return verdict_sentence(head.verdict, result), {option_name(o): monthly_cell(o) for o in result.options}


@pytest.mark.parametrize("preset", PRESETS)
def test_every_view_renders_for_every_preset(preset, presets):
    at = start({"preset": preset})
    assert at.text_input(key=field_key("name")).value == presets[preset].name
    for view in VIEWS:
        at.segmented_control(key="view").set_value(view).run()
        assert not at.exception, (view, [e.value for e in at.exception])
        assert not at.error, (view, [e.value for e in at.error])
        assert shown_headline(at), view


def test_headline_is_what_the_engine_says_and_follows_inputs(presets):
    at = start()
    want_headline, want_metrics = expected(presets["coding-agent"])
    assert shown_headline(at) == want_headline
    assert metrics(at) == want_metrics

    at.number_input(key=field_key("monthly_runs")).set_value(2_000_000).run()
    at.number_input(key=field_key("steps_per_run")).set_value(12).run()
    changed = presets["coding-agent"].model_copy(update={"monthly_runs": 2_000_000.0, "steps_per_run": 12.0})
    want_headline2, want_metrics2 = expected(changed)
    assert want_headline2 != want_headline  # the change is visible
    assert shown_headline(at) == want_headline2
    assert metrics(at) == want_metrics2


def test_team_inputs_reach_the_engine(presets):
    at = start()
    at.number_input(key="team.engineer_cost").set_value(400_000).run()
    profile = presets["coding-agent"].model_copy(
        update={"team": presets["coding-agent"].team.model_copy(update={"engineer_cost_usd_per_year": 400_000.0})}
    )
    assert metrics(at) == expected(profile)[1]
    assert param(at, "engineer_cost") == "400000"


def test_choosing_a_preset_fills_every_field(presets):
    at = start()
    at.number_input(key=field_key("steps_per_run")).set_value(7).run()
    at.selectbox(key="preset").set_value("deep-research").run()
    for name in ("steps_per_run", "context_growth_kb", "sleeps_per_run", "human_wait_seconds"):
        assert at.number_input(key=field_key(name)).value == getattr(presets["deep-research"], name)
    assert shown_headline(at) == expected(presets["deep-research"])[0]


def test_url_parameters_round_trip(presets):
    params = {
        "v": "1",
        "preset": "deep-research",
        "steps_per_run": "120",
        "context_growth_kb": "2.5",
        "engineer_cost": "150000",
        "view": "limits",
        "axis": "context_growth_kb",
        "date": "2025-09-01",
        "q.languages": "polyglot",
    }
    at = start(params)
    assert at.number_input(key=field_key("steps_per_run")).value == 120
    assert at.number_input(key=field_key("context_growth_kb")).value == 2.5
    assert at.segmented_control(key="view").value == "limits"
    assert at.date_input(key="pricing_date").value == dt.date(2025, 9, 1)
    written = {k: param(at, k) for k in at.query_params}
    # the changed preset is titled as edited; everything else comes back as given
    assert written == {**params, "name": presets["deep-research"].name + " (edited)"}
    # The same link opened again shows the same thing.
    again = start(written)
    assert shown_headline(again) == shown_headline(at)
    assert metrics(again) == metrics(at)


def test_pricing_date_shows_older_tables(presets):
    """Before the newest version of the option whose prices changed most, its figure differs."""
    before = _versions_of(MOST_VERSIONS)[-1] - dt.timedelta(days=1)
    today = start()
    old = start({"date": before.isoformat()})
    name = OPTIONS[MOST_VERSIONS].name
    assert metrics(old)[name] != metrics(today)[name]
    result = summarize(estimate(presets["coding-agent"], read_pricebook(on=before)))
    assert metrics(old) == {option_name(o): monthly_cell(o) for o in result.options}


def test_bad_link_values_are_named_and_the_rest_kept():
    at = start({"steps_per_run": "-4", "monthly_runs": "1234", "view": "elsewhere"})
    text = problems_shown(at)
    assert "steps_per_run = '-4'" in text and "view = 'elsewhere'" in text
    assert at.number_input(key=field_key("monthly_runs")).value == 1234
    at.button(key="dismiss_url_problems").click().run()
    assert not at.error


def test_checklist_answers_change_the_verdict_and_survive_view_changes(presets):
    """The Checklist's verdict is the headline's: an answer that sets the cheapest aside moves both;
    one that only weighs for a vendor leaves the verdict and is named beside it."""
    at = start({"view": "checklist"})
    verdict = lambda: plain(" ".join(s.value for s in [*at.success, *at.warning]))  # noqa: E731
    assert verdict() == shown_headline(at) == expected(presets["coding-agent"])[0]
    at.radio(key="q.regulated").set_value("yes").run()
    assert verdict() == shown_headline(at) == expected(presets["coding-agent"], {"regulated": "yes"})[0]
    favoured = next(CRITERIA.vendors[r.favours].name for r in CRITERIA.rules if r.id == "regulated" and r.favours)
    assert f"Your answers lean to {favoured}" in plain(" ".join(m.value for m in at.markdown))
    at.radio(key="q.languages").set_value("go").run()
    answers = {"regulated": "yes", "languages": "go"}
    assert verdict() == shown_headline(at) == expected(presets["coding-agent"], answers)[0]
    assert "Set aside by your answers" in plain(" ".join(m.value for m in at.markdown))
    at.segmented_control(key="view").set_value("compare").run()
    at.segmented_control(key="view").set_value("checklist").run()
    assert at.radio(key="q.regulated").value == "yes"
    assert param(at, "q.regulated") == "yes" and param(at, "q.languages") == "go"


def test_price_history_shows_every_version_of_the_chosen_table():
    at = start({"view": "prices"})
    assert at.selectbox(key="history_table").value == MOST_VERSIONS
    first, second = _versions_of(MOST_VERSIONS)[:2]
    text = " ".join(m.value for m in at.markdown)
    assert f"{first} → {second}" in text
    single = min(o for o in OPTIONS if len(_versions_of(o)) == 1)
    at.selectbox(key="history_table").set_value(single).run()
    assert not at.exception
    assert "This table has one version so far." in [m.value for m in at.markdown]
    assert param(at, "table") == single
    again = start({k: param(at, k) for k in at.query_params})
    assert again.selectbox(key="history_table").value == single


def test_every_view_renders_on_a_date_with_fewer_tables():
    """On a date when only some options have a table, every view still renders."""
    firsts = sorted({_versions_of(o)[0] for o in OPTIONS})
    assert len(firsts) > 1, "the data has no date on which only some options are priced"
    on = firsts[-1] - dt.timedelta(days=1)
    priced = {OPTIONS[o].name for o in OPTIONS if _versions_of(o)[0] <= on}
    at = start({"date": on.isoformat()})
    assert set(metrics(at)) == priced and priced != NAMES
    later: dict[dt.date, list[str]] = {}
    for option in sorted(o for o in OPTIONS if _versions_of(o)[0] > on):
        later.setdefault(_versions_of(option)[0], []).append(OPTIONS[option].name)
    expected_note = (
        "Not compared: "
        + "; ".join(f"{', '.join(names)} (no prices before {first})" for first, names in sorted(later.items()))
        + "."
    )
    for view in VIEWS:
        at.segmented_control(key="view").set_value(view).run()
        assert not at.exception and not at.error, view
        # every view says which options have no prices yet, and from when
        assert expected_note in [i.value for i in at.info], view


LATEST = max(OPTIONS, key=lambda o: (_versions_of(o)[0], o))
"""The option whose first table is the newest."""


def test_choosing_a_preset_keeps_the_team_inputs():
    at = start({"engineer_cost": "300000", f"ops.{LATEST}": "0.2"})
    at.selectbox(key="preset").set_value("deep-research").run()
    unfold(at, "ops")
    assert at.number_input(key="team.engineer_cost").value == 300000
    assert at.number_input(key=f"team.ops.{LATEST}").value == 0.2
    assert param(at, "engineer_cost") == "300000" and param(at, f"ops.{LATEST}") == "0.2"


def test_team_inputs_survive_a_date_without_that_option():
    at = start({f"ops.{LATEST}": "0.2"})
    at.date_input(key="pricing_date").set_value(_versions_of(LATEST)[0] - dt.timedelta(days=1)).run()
    at.date_input(key="pricing_date").set_value(dt.date.today()).run()
    assert param(at, f"ops.{LATEST}") == "0.2"


def test_the_link_names_the_pricing_date():
    at = start()
    assert param(at, "date") == dt.date.today().isoformat()


@pytest.mark.parametrize("bad", ["2030-01-01", "2024-06-01"])
def test_a_date_outside_the_data_is_explained(bad):
    at = start({"date": bad, "steps_per_run": "77"})
    text = problems_shown(at)
    assert f"date = '{bad}'" in text and "a date from" in text
    assert at.number_input(key=field_key("steps_per_run")).value == 77


def test_broken_data_is_explained_not_a_traceback(tmp_path, monkeypatch):
    """A misnamed table file in the data: the page says which and why."""
    import shutil

    import pricing.load

    data = tmp_path / "data"
    shutil.copytree(pricing.load.DATA_DIR, data)
    folder = data / "pricing" / MOST_VERSIONS
    shutil.copy(max(folder.glob("*.yaml")), folder / "2027-1-1.yaml")
    monkeypatch.setenv(pricing.load.DATA_ENV, str(data))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "2027-1-1.yaml: file name must be the effective date" in problems_shown(at)


def test_the_checklist_starts_unanswered_and_assumes_nothing():
    at = start({"view": "checklist"})
    assert all(at.radio(key=f"q.{q.id}").value is None for q in CRITERIA.questions)
    text = plain(" ".join(m.value for m in at.markdown))
    assert "What could still change it" in text and "you answered" not in text
    at.radio(key="q.regulated").set_value("yes").run()
    assert param(at, "q.regulated") == "yes"
    assert any("you answered" in m.value for m in at.markdown)
    at.button(key="clear_answers").click().run()
    assert at.radio(key="q.regulated").value is None
    assert not any(k.startswith("q.") for k in at.query_params)


def test_the_headline_says_what_it_rests_on_and_what_would_flip_it():
    from model.analysis import analyse
    from pricing.profiles import read_presets

    at = start({"preset": "background-agent"})
    analysis = analyse(read_presets()["background-agent"], read_pricebook(on=dt.date.today()), criteria=CRITERIA)
    text = plain(" ".join(m.value for m in at.markdown))
    assert analysis.flip is not None
    assert f"**What would flip it:** {flip_sentence(analysis.flip, analysis.result)}" in text
    assert "vendor $" in text and "your infrastructure $" in text and "people $" in text


def test_a_link_that_names_no_option_s_terms_is_explained():
    at = start({"your.acme/nope.discount": "5", "your.temporal/cloud.colour": "red"})
    problems = at.session_state["url_problems"]
    assert {p[0] for p in problems} == {"your.acme/nope.discount", "your.temporal/cloud.colour"}


def test_an_edited_preset_is_titled_as_edited_and_its_description_is_yours():
    at = start({"preset": "coding-agent", "view": "report"})
    preset = read_presets()["coding-agent"]
    assert "name" not in at.query_params  # the preset as it is keeps its name
    at.number_input(key=field_key("monthly_runs")).set_value(preset.monthly_runs * 2).run()
    assert param(at, "name") == preset.name + " (edited)"
    # the preset's words describe the preset's figures: the report says what changed, then quotes them
    # (said again from the fields, not carried in the link)
    assert "description" not in at.query_params
    said = " ".join(c.value for c in at.code)
    assert f"Edited from the preset “{preset.name}”: monthly runs {preset.monthly_runs * 2:,.10g}" in said
    assert f"The preset reads: {preset.description}" in said
    at.number_input(key=field_key("monthly_runs")).set_value(preset.monthly_runs * 3).run()
    assert f"monthly runs {preset.monthly_runs * 3:,.10g} (preset: " in " ".join(c.value for c in at.code)
    at.text_area(key=field_key("description")).input("Our agents, next quarter").run()
    assert param(at, "description") == "Our agents, next quarter"
    preview = " ".join(c.value for c in at.code)
    assert f"# {preset.name} (edited)" in preview and "Our agents, next quarter" in preview
    renamed = start({"preset": "coding-agent", "monthly_runs": "9000", "name": "Ours"})
    assert param(renamed, "name") == "Ours"  # a name of your own stays yours


def test_the_limits_view_says_a_limit_of_none_as_none_and_each_passed_limit_as_the_engine_does():
    """Every hard limit the run passes is named in the Limits view; one the option allows none of
    reads "none is allowed", not "passes the 0 count ... limit"."""
    from pricing.profiles import read_presets

    at = start({"preset": "deep-research"})
    at.segmented_control(key="view").set_value("Limits").run()
    shown = [w.value for w in [*at.warning, *at.info]]
    result = summarize(estimate(read_presets()["deep-research"], read_pricebook(on=dt.date.today())))
    passed = [(o, r) for o in result.options for r in o.fit.reasons if r.code in ("limit_passed", "limit_lifted")]
    assert passed
    for option, reason in passed:
        assert any(s.startswith(f"{option_name(option)}: ") and sentence(say(reason)) in s for s in shown), reason
    nothing = [(o, r) for o, r in passed if r.data["none_allowed"]]
    assert nothing, "the preset should hit a limit of none (Express cannot wait for a person)"
    for option, reason in nothing:
        name = str(reason.data["name"]).lower()
        assert any(f"The run has {name}, and none is allowed" in s for s in shown if s.startswith(option.name))
    assert not [s for s in shown if "passes the 0 " in s]


FOLDED = ("contract", "ops", "setup", "migrate", "requirements", "ranges", "path")
"""The sidebar's folded sections (`ui.form.folded`)."""


def test_folded_sections_draw_no_inputs_and_keep_what_was_typed_in_them():
    """A rerun draws only the inputs a person can see; a value typed in a section survives the section
    being folded, an edit elsewhere and a preset change of the workload, in the profile and the link."""
    at = start({"preset": "article-example"})
    folded = len(at.number_input)
    unfold(at, *FOLDED)
    assert len(at.number_input) >= folded + 3 * len(OPTIONS), "every option's team inputs, when open"
    at.number_input(key=f"team.ops.{LATEST}").set_value(0.35).run()
    at.number_input(key="need.seats").set_value(12).run()
    at.number_input(key="range.monthly_runs.low").set_value(500.0).run()
    at.number_input(key="range.monthly_runs.high").set_value(90_000.0).run()
    for section in FOLDED:
        at.session_state[f"open.{section}"] = False
    at.run()
    assert len(at.number_input) == folded
    at.number_input(key=field_key("monthly_runs")).set_value(4321.0).run()
    assert not at.exception, [e.value for e in at.exception]
    for key, value in ((f"ops.{LATEST}", "0.35"), ("need.seats", "12"), ("range.monthly_runs", "500,90000")):
        assert param(at, key) == value, key
    unfold(at, "ops", "requirements", "ranges")
    assert at.number_input(key=f"team.ops.{LATEST}").value == 0.35
    assert at.number_input(key="need.seats").value == 12
    assert at.number_input(key="range.monthly_runs.low").value == 500


def test_the_contract_option_chosen_comes_back_after_a_date_without_it():
    """Streamlit resets a box whose value is not among its choices; the option chosen for the contract
    terms returns when the pricing date has it again, and its typed terms were never lost."""
    first = _versions_of(LATEST)[0]
    at = unfold(start(), "contract")
    at.selectbox(key="your.option").set_value(LATEST).run()
    at.date_input(key="pricing_date").set_value(first - dt.timedelta(days=1)).run()
    assert at.selectbox(key="your.option").value != LATEST
    at.date_input(key="pricing_date").set_value(dt.date.today()).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="your.option").value == LATEST


def test_the_pricing_view_shows_no_empty_value_as_none_and_marks_overdue_tables():
    """Every cell of the Pricing view is written for people: a number without a note, an option not
    priced yet on an older date, read as such (no "None"); each table says when its prices hold as of
    and marks a re-check overdue."""
    import pandas as pd

    at = start({"view": "pricing"})
    frames = [df.value for df in at.dataframe if isinstance(df.value, pd.DataFrame)]
    assert len(frames) >= 3
    for frame in frames:
        assert not frame.isna().any().any(), [c for c in frame.columns if frame[c].isna().any()]
        assert not frame.astype(str).apply(lambda c: c.str.fullmatch("None|nan")).any().any()
    tables = frames[0]
    overdue = [t for t in read_pricebook(on=dt.date.today()).tables.values() if t.recheck_due() < dt.date.today()]
    assert overdue and set(tables.loc[tables["Overdue"] != "", "Table"]) == {t.name for t in overdue}


@pytest.mark.parametrize("which", ["first", "last"])
def test_a_reopened_link_shows_the_contract_of_the_option_whose_terms_it_holds(which):
    """The contract section opens on the option whose terms the link carries, the first in the list
    included (it was never remembered: the box's own first choice looked like no choice)."""
    at = start()
    unfold(at, "contract")
    choices = at.selectbox(key="your.option").options
    option = choices[0] if which == "first" else choices[-1]
    option_id = next(i for i, t in OPTIONS.items() if t.name == option)
    reopened = unfold(start({f"your.{option_id}.discount": "12"}), "contract")
    assert not reopened.exception, [e.value for e in reopened.exception]
    assert reopened.selectbox(key="your.option").value == option_id
    assert reopened.number_input(key=f"your.{option_id}.discount").value == 12


def test_the_pricing_date_box_shows_the_date_in_force():
    at = start()
    assert at.date_input(key="pricing_date").value == dt.date.today()
    on = _versions_of(LATEST)[0]
    dated = start({"date": on.isoformat()})
    assert dated.date_input(key="pricing_date").value == on


def test_every_workload_input_is_drawn_with_its_own_value_as_its_default():
    """A click that cuts the first run short leaves the browser drawing the inputs from their defaults
    (Streamlit sends a value set from code only with the run that first draws the widget); each
    default is the input's own value, so the browser never shows, nor sends back, a stale zero."""
    option = read_pricebook().options()[-1].id
    at = start({"preset": "deep-research", "monthly_runs": "1234", "step_needs_machine": "true", "options": option})
    numbers = [box for box in at.sidebar.number_input if str(box.key).startswith("field.")]
    assert len(numbers) >= 10
    for box in numbers:
        value = at.session_state[box.key]
        if value is None:  # an optional field left empty: no default either
            assert not box.proto.HasField("default"), box.key
        else:
            assert box.proto.default == pytest.approx(value), box.key
    assert at.sidebar.number_input(key=field_key("monthly_runs")).proto.default == 1234
    assert at.sidebar.text_input(key=field_key("name")).proto.default == at.session_state[field_key("name")]
    assert at.sidebar.checkbox(key=field_key("step_needs_machine")).proto.default is True
    for key in ("preset", field_key("machine"), field_key("step_kind")):
        box = at.sidebar.selectbox(key=key)
        assert box.index is not None and box.proto.default == box.index, key
    assert at.sidebar.selectbox(key="preset").value == "deep-research"
    chosen = at.sidebar.multiselect(key="options")
    assert [chosen.options[i] for i in chosen.proto.default] == [chosen.format_func(option)]


def _second_lines(at: AppTest) -> str:
    """The lines under the headline (its second line first)."""
    texts = [m.value for m in at.markdown]
    at_head = next(i for i, t in enumerate(texts) if t.startswith("#### "))
    return plain(texts[at_head + 1])


def test_the_model_s_tokens_are_the_headline_s_second_line_and_follow_the_sidebar(presets):
    """The tokens the preset states frame the verdict; an edit in the sidebar's tokens section reaches the
    engine and the link; no model, no tokens line; another preset brings its own model."""
    at = start()
    head = headline_of(presets["coding-agent"], read_pricebook(on=dt.date.today()), criteria=CRITERIA)
    want = beside_sentence(head.verdict, head.result)
    assert want is not None and _second_lines(at).startswith(want)
    unfold(at, "tokens")
    at.number_input(key=field_key("output_tokens_per_step")).set_value(4000.0).run()
    changed = presets["coding-agent"].model_copy(update={"output_tokens_per_step": 4000.0})
    head = headline_of(changed, read_pricebook(on=dt.date.today()), criteria=CRITERIA)
    again = beside_sentence(head.verdict, head.result)
    assert again != want and _second_lines(at).startswith(str(again))
    assert param(at, "output_tokens_per_step") == "4000"
    at.selectbox(key=field_key("model")).set_value("openai/gpt-4o").run()
    other = changed.model_copy(update={"model": "openai/gpt-4o"})
    head = headline_of(other, read_pricebook(on=dt.date.today()), criteria=CRITERIA)
    assert param(at, "model") == "openai/gpt-4o"
    assert _second_lines(at).startswith(str(beside_sentence(head.verdict, head.result)))
    at.selectbox(key=field_key("model")).set_value("").run()  # no model: the tokens typed are kept, not priced
    assert not at.exception, [e.value for e in at.exception]
    assert "The model's tokens" not in " ".join(m.value for m in at.markdown)
    assert at.number_input(key=field_key("output_tokens_per_step")).value == 4000
    at.selectbox(key=field_key("model")).set_value("openai/gpt-4o").run()
    assert _second_lines(at).startswith(str(beside_sentence(head.verdict, head.result)))
    at.selectbox(key="preset").set_value("deep-research").run()
    assert at.selectbox(key=field_key("model")).value == presets["deep-research"].model


def test_a_link_naming_a_model_the_catalogue_lacks_is_explained_and_the_rest_kept():
    at = start({"model": "anthropic/claude-sonet-4-5", "monthly_runs": "1234"})
    shown = problems_shown(at)
    assert "anthropic/claude-sonet-4-5" in shown and "anthropic/claude-sonnet-4-5" in shown
    assert at.number_input(key=field_key("monthly_runs")).value == 1234


ACCOUNT_LINK = {
    "view": "account",
    "monthly_runs": "40000",
    "a1": "Research agent",
    "a1.preset": "deep-research",
    "a1.monthly_runs": "2000",
    "a1.steps_per_run": "300",
}


def test_the_account_view_prices_the_sidebar_s_profile_and_its_agents_as_one_account(presets):
    """The link's agents are priced with the sidebar's profile as one account, as the engine prices them;
    adding, duplicating and removing an agent reaches the engine and the link."""
    from model.account import estimate_account
    from model.account_out import account_out
    from report.account import account_lines

    at = start(ACCOUNT_LINK)
    coding = presets["coding-agent"].model_copy(update={"monthly_runs": 40000.0})
    coding = coding.model_copy(update={"name": coding.name + " (edited)"})
    research = presets["deep-research"].model_copy(
        update={"monthly_runs": 2000.0, "steps_per_run": 300.0, "name": "Research agent"}
    )
    shown = plain(" ".join(m.value for m in at.markdown))
    account = estimate_account([coding, research], read_pricebook(on=dt.date.today()))
    best = account.cheapest()
    assert best is not None and f"${account.total(best):,.2f} a month" in shown
    out = account_out("x", "", account)
    assert account_lines(out)[1] in shown  # each agent's share, as the engine splits the bill
    at.text_input(key="account.new.name").set_value("Second coder")
    at.button(key="account.add").click().run()
    assert param(at, "a2") == "Second coder" and "a2.preset" not in at.query_params
    at.button(key="account.dup.0").click().run()
    assert param(at, "a2") == "Research agent (copy)" and param(at, "a2.preset") == "deep-research"
    at.button(key="account.remove.0").click().run()
    at.button(key="account.remove.0").click().run()
    at.button(key="account.remove.0").click().run()
    assert not [k for k in at.query_params if k.startswith("a1")]
    assert any("One agent so far" in i.value for i in at.info)


def test_an_agent_s_name_is_its_own_and_a_bad_agent_in_a_link_is_named():
    at = start({**ACCOUNT_LINK, "a2": "Other", "a2.monthly_runs": "-5", "a0": "x"})
    shown = problems_shown(at)
    assert "a2.monthly_runs" in shown and "a0" in shown
    at.text_input(key="account.new.name").set_value("Research agent")
    at.button(key="account.add").click().run()
    assert any("already an agent of this account" in w.value for w in at.warning)


def test_the_account_view_follows_the_checklist_s_answers():
    from model.account import estimate_account
    from model.analysis import checklist_of

    at = start({**ACCOUNT_LINK, "q.languages": "go"})
    shown = plain(" ".join(m.value for m in at.markdown))
    assert "set aside by your answers" in shown
    presets = read_presets()
    coding = presets["coding-agent"].model_copy(update={"monthly_runs": 40000.0})
    coding = coding.model_copy(update={"name": coding.name + " (edited)"})
    research = presets["deep-research"].model_copy(
        update={"monthly_runs": 2000.0, "steps_per_run": 300.0, "name": "Research agent"}
    )
    book = read_pricebook(on=dt.date.today())
    aside = checklist_of(coding, book, CRITERIA, {"languages": "go"}).set_aside
    account = estimate_account([coding, research], book, set_aside=aside)
    best = account.cheapest()
    assert best is not None and best not in aside
    assert f"{account.option(best).table.name}" in shown.split("is the cheapest for the account")[0]


def test_every_view_says_the_account_s_answer_and_where_it_is_not_the_profile_s_own(presets):
    """With other agents in the link, the line under the headline is the engine's account answer in every
    view; where the account's cheapest is not the sidebar profile's own, it says so."""
    from model.account import estimate_account
    from model.analysis import headline_of

    book = read_pricebook(on=dt.date.today())
    research = presets["deep-research"].model_copy(
        update={"monthly_runs": 2000.0, "steps_per_run": 300.0, "name": "Research agent"}
    )
    for runs in (40000.0, 300.0):
        coding = presets["coding-agent"].model_copy(update={"monthly_runs": runs})
        account = estimate_account([coding, research], book)
        best = account.cheapest()
        assert best is not None
        alone = headline_of(coding, book, criteria=CRITERIA).verdict.best.id
        for view in ("compare", "limits", "checklist"):
            at = start({**ACCOUNT_LINK, "monthly_runs": str(int(runs)), "view": view})
            shown = plain(" ".join(m.value for m in at.markdown))
            said = f"For the account of this profile and Research agent: {account.option(best).table.name}"
            assert said in shown and f"${account.total(best):,.2f} a month" in shown, view
            assert ("not this profile's own cheapest" in shown) == (best != alone), (runs, view)


def test_the_scenarios_view_prices_each_scenario_over_the_account(presets):
    """With other agents in the link, each scenario changes the sidebar's profile and is priced with the
    other agents as one account, as the engine prices it."""
    from model.account import estimate_account

    at = start({**ACCOUNT_LINK, "view": "scenarios", "s1": "Twice the coding", "s1.monthly_runs": "80000"})
    shown = plain(" ".join(m.value for m in at.markdown))
    assert "The account in each scenario" in shown
    book = read_pricebook(on=dt.date.today())
    research = presets["deep-research"].model_copy(
        update={"monthly_runs": 2000.0, "steps_per_run": 300.0, "name": "Research agent"}
    )
    for name, runs in (("Twice the coding", 80000.0), (None, 40000.0)):
        coding = presets["coding-agent"].model_copy(update={"monthly_runs": runs})
        account = estimate_account([coding, research], book)
        best = account.cheapest()
        assert best is not None
        said = (
            f"{account.option(best).table.name} is the cheapest for the account at ${account.total(best):,.2f} a month"
        )
        assert said in shown, (name, said)
    assert "Twice the coding: " in shown


def test_the_app_script_holds_no_bare_string_streamlit_would_write_on_the_page():
    """Streamlit's magic writes every bare expression of its script on the page: a string after a
    module-level statement (a docstring of a constant, say) would show as text above the headline."""
    import ast

    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    bare = [
        node.lineno
        for node in tree.body[1:]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    ]
    assert bare == [], f"bare strings at lines {bare} of app.py"
