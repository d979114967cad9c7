"""The scenarios view: the profile beside up to five named variants of it (10x growth, a
negotiated price, a longer retention), one row per scenario and option with the cheapest per
scenario marked; scenarios are added here, loaded from a scenario file, kept in the link and
exported with the report. Computes nothing but one `compare_scenarios` call."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st
import yaml

from model.analysis import Analysis
from model.profile import WorkloadProfile
from model.scenarios import ScenarioResult, compare_scenarios
from pricing.load import PricingError
from pricing.profiles import Known
from pricing.scenarios import MAX_SCENARIOS, load_scenarios_text
from report.scenarios import scenario_chart_left_out, scenario_chart_spec, scenario_rows, scenario_summary
from ui.export import slug
from ui.state import (
    BASE_SCENARIO,
    MAX_LINKED,
    PROFILE_FIELDS,
    ScenarioLink,
    Session,
    UiState,
    changes_between,
    encode,
    profile_params,
    scenario_profile,
)

__all__ = ["render_scenarios", "scenario_results"]

MAX_UPLOAD_BYTES = 256 * 1024
CHANGES_PER_FORM = 3


def scenario_profiles(session: Session, state: UiState) -> tuple[list[tuple[str, WorkloadProfile]], list[str]]:
    """(name, profile) of every scenario, the profile itself first, and what could not be used."""
    base = profile_params(encode(state, session.presets, session.criteria))
    named = [(state.base_name or BASE_SCENARIO, state.profile)]
    problems = []
    for scenario in state.scenarios:
        profile, wrong = scenario_profile(base, scenario, session.presets, session.criteria, session.allowed)
        problems += [
            f"{scenario.name}: {field} = {value!r}: {message}"
            for field, value, message in wrong
            if field in scenario.changes
        ]
        named.append((scenario.name, profile))
    return named, problems


def scenario_results(session: Session, state: UiState, analysis: Analysis) -> tuple[ScenarioResult, ...]:
    """The scenarios priced (one engine call), or none when the profile has no scenarios."""
    if not state.scenarios:
        return ()
    named, _ = scenario_profiles(session, state)
    return tuple(compare_scenarios(named, analysis.book))


def _add_form(session: Session) -> None:
    fields = [f for f in PROFILE_FIELDS if f not in ("name", "description")]
    with st.form("add_scenario", clear_on_submit=False, border=True):
        st.markdown("**Add a scenario**: the profile with some fields changed")
        name = st.text_input("Name", max_chars=80, key="scenario.new.name", placeholder="10x growth")
        changes: dict[str, str] = {}
        for i in range(CHANGES_PER_FORM):
            left, right = st.columns(2)
            field = left.selectbox(
                "Field", fields, index=None, key=f"scenario.new.field.{i}", placeholder="a field to change"
            )
            value = right.text_input("Value", key=f"scenario.new.value.{i}")
            if field is not None and value.strip():
                changes[field] = value.strip()
        if not st.form_submit_button("Add"):
            return
    linked: list[ScenarioLink] = list(session.store.get("scenarios") or [])
    if not name.strip():
        st.error("Give the scenario a name.")
    elif any(s.name == name.strip() for s in linked) or name.strip() == BASE_SCENARIO:
        st.error("Another scenario has that name; give this one its own.")
    elif len(linked) >= MAX_LINKED:
        st.error(f"At most {MAX_SCENARIOS} scenarios side by side (the profile and {MAX_LINKED} more); remove one.")
    elif not changes:
        st.error("Pick a field and give it a value.")
    else:
        session.store["scenarios"] = [*linked, ScenarioLink(name.strip(), changes)]
        st.rerun()


def _on_scenario_file(session: Session, preset: str, known: Known) -> None:
    """A scenario file, loaded before the widgets are drawn: its first scenario becomes the profile
    (the sidebar), the others changes to it. Problems are kept for the view to show."""
    upload = session.store.get("scenario.file")
    session.store["scenario.file.problems"] = []
    if upload is None:
        return
    if upload.size > MAX_UPLOAD_BYTES:
        session.store["scenario.file.problems"] = [
            f"{upload.name}: {upload.size:,} bytes; a scenario file is at most {MAX_UPLOAD_BYTES:,}"
        ]
        return
    try:
        chosen = load_scenarios_text(upload.getvalue().decode("utf-8"), upload.name, known=known)
    except UnicodeDecodeError:
        session.store["scenario.file.problems"] = [f"{upload.name}: not UTF-8 text"]
        return
    except PricingError as exc:
        session.store["scenario.file.problems"] = [str(p) for p in exc.problems]
        return
    first, *rest = chosen.scenarios
    session.set_profile(first.profile)
    base = profile_params(encode(UiState(preset=preset, profile=first.profile), session.presets, session.criteria))
    linked = []
    for scenario in rest:
        other = profile_params(
            encode(UiState(preset=preset, profile=scenario.profile), session.presets, session.criteria)
        )
        linked.append(ScenarioLink(scenario.name, changes_between(base, other, scenario.profile)))
    session.store["scenarios"] = linked
    session.store["scenario_base_name"] = first.name


def _load_file(session: Session, state: UiState, known: Known) -> None:
    st.file_uploader(
        "Or load a scenario file (YAML, see data/scenarios/): its first scenario becomes the profile",
        type=["yaml", "yml"],
        key="scenario.file",
        on_change=_on_scenario_file,
        args=(session, state.preset, known),
    )
    problems = session.store.get("scenario.file.problems") or []
    if problems:
        st.error("The scenario file cannot be used:")
        st.text("\n".join(problems))


def _download(chosen: Sequence[tuple[str, WorkloadProfile]], title: str) -> bytes:
    data = {
        "version": 1,
        "name": title,
        "scenarios": [
            {"name": name, "profile": profile.model_dump(mode="json", exclude_defaults=True)}
            for name, profile in chosen
        ],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


def render_scenarios(session: Session, state: UiState, analysis: Analysis, known: Known) -> None:
    st.subheader("Scenarios side by side")
    st.caption(
        f"The profile (as edited in the sidebar) beside up to {MAX_LINKED} named variants of it: each "
        "scenario changes some fields and keeps the rest, so an edit in the sidebar moves every scenario. "
        "The link keeps them; the report includes them."
    )
    named, problems = scenario_profiles(session, state)
    if problems:
        st.warning("Some changes could not be used (the profile's value is kept):")
        st.text("\n".join(problems))
    if len(named) > 1:
        results = analysis.scenarios or tuple(compare_scenarios(named, analysis.book))
        st.text("\n".join(scenario_summary(r) for r in results))
        rows = pd.DataFrame(scenario_rows(results))
        rows["cheapest"] = rows["cheapest"].map({True: "✓", False: ""})
        st.dataframe(
            rows[["scenario", "option", "plan", "monthly_usd", "low_usd", "high_usd", "cheapest", "note"]],
            hide_index=True,
            column_config={
                "scenario": "Scenario",
                "option": "Option",
                "plan": "Plan",
                "cheapest": "Cheapest",
                "note": "Note",
                **{
                    k: st.column_config.NumberColumn(label, format="dollar")
                    for k, label in (("monthly_usd", "Per month"), ("low_usd", "Low"), ("high_usd", "High"))
                },
            },
        )
        st.vega_lite_chart(spec=scenario_chart_spec(results), width="stretch")
        left_out = scenario_chart_left_out(results)
        if left_out:
            st.text("Not drawn, as they cannot run these scenarios (the table says why): " + "; ".join(left_out) + ".")
        st.download_button(
            "Download as a scenario file (YAML)",
            _download(named, state.profile.name),
            file_name=f"{slug(state.profile.name)}-scenarios.yaml",
            mime="application/yaml",
            key="scenario.download",
            on_click="ignore",
        )
        for scenario in state.scenarios:
            shown = ", ".join(f"{k} = {v or '(the preset)'}" for k, v in scenario.changes.items()) or "no change"
            left, right = st.columns([5, 1])
            left.text(f"{scenario.name}: {shown}")
            if right.button("Remove", key=f"scenario.remove.{scenario.name}"):
                session.store["scenarios"] = [s for s in state.scenarios if s.name != scenario.name]
                st.rerun()
    else:
        st.info("No scenarios yet: add one below, or load a scenario file.")
    if len(state.scenarios) < MAX_LINKED:
        _add_form(session)
    _load_file(session, state, known)
