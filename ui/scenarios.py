"""The scenarios view: the profile beside up to five named variants of it (10x growth, a
negotiated price, a longer retention), one row per scenario and option with the cheapest per
scenario marked, and a chart of every option's cost in each; scenarios are added and edited here
(`ui.scenario_editor`: any field the sidebar has, each with what it takes), loaded from a scenario
file, kept in the link and exported with the report. Computes nothing but one `compare_scenarios`
call."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st
import yaml

from model.analysis import Analysis
from model.scenarios import AccountScenario, ScenarioResult, compare_account_scenarios, compare_scenarios
from model.scenarios import account_groups as groups_of
from pricing.accounts import ACCOUNT_FIELDS
from pricing.load import PricingError
from pricing.profiles import Known
from pricing.scenarios import load_scenarios_text
from report.account import account_cell, scenario_account_lines, scenario_account_rows
from report.scenarios import scenario_chart_left_out, scenario_chart_spec, scenario_rows, scenario_summary
from report.text import escape
from schema.profile import WorkloadProfile
from ui.export import slug
from ui.link import BASE_SCENARIO, MAX_LINKED, changes_between, encode, profile_params, scenario_profile
from ui.scenario_editor import render_editor
from ui.session import Session
from ui.state import ScenarioLink, UiState

__all__ = [
    "MAX_UPLOAD_BYTES",
    "account_groups",
    "account_scenario_results",
    "render_scenarios",
    "scenario_profiles",
    "scenario_results",
]

MAX_UPLOAD_BYTES = 256 * 1024


def scenario_profiles(session: Session, state: UiState) -> tuple[list[tuple[str, WorkloadProfile]], list[str]]:
    """(name, profile) of every scenario, the profile itself first, and what could not be used."""
    base = profile_params(encode(state, session.presets, session.criteria))
    named = [(state.base_name or BASE_SCENARIO, state.profile)]
    problems = []
    for scenario in state.scenarios:
        profile, wrong = scenario_profile(base, scenario, session.presets, session.criteria, session.allowed)
        problems += [
            f"{scenario.name}: {field} = “{value}”: {message}"
            for field, value, message in wrong
            if field in scenario.changes
        ]
        named.append((scenario.name, profile))
    return named, problems


def account_groups(
    session: Session, state: UiState, named: Sequence[tuple[str, WorkloadProfile]]
) -> list[tuple[str, list[WorkloadProfile]]]:
    """Each scenario as an account: the scenario's profile first, then the Account view's other agents,
    sharing what the scenario says of the account (options, team, requirements, terms, path)."""
    from ui.account import account_agents

    return groups_of(named, account_agents(session, state)[0][1:], ACCOUNT_FIELDS)


def account_scenario_results(session: Session, state: UiState, analysis: Analysis) -> tuple[AccountScenario, ...]:
    """The scenarios over the account (one engine call), or none without both scenarios and other agents."""
    if not state.scenarios or not state.agents:
        return ()
    named, _ = scenario_profiles(session, state)
    groups = account_groups(session, state, named)
    return tuple(compare_account_scenarios(groups, analysis.book, state.profile.options or None))


def _account_scenarios(
    session: Session, state: UiState, named: Sequence[tuple[str, WorkloadProfile]], analysis: Analysis
) -> None:
    """The scenarios over the account: each scenario changes the sidebar's profile; the other agents stay
    as the Account view holds them and share what the scenario says of the account."""
    groups = account_groups(session, state, named)
    results = compare_account_scenarios(groups, analysis.book, state.profile.options or None)
    st.markdown(
        f"**The account in each scenario** (this profile and {len(groups[0][1]) - 1} more agent"
        f"{'s' if len(groups[0][1]) > 2 else ''}, priced together)"
    )
    st.markdown("  \n".join(escape(line) for line in scenario_account_lines(results)))
    wide: dict[str, dict[str, object]] = {}
    first: dict[str, float] = {}
    for row in scenario_account_rows(results):
        usd = row["account_usd"]
        said = account_cell(usd) + (" ✓" if row["cheapest"] else "")
        wide.setdefault(str(row["option"]), {"Option": row["option"]})[str(row["scenario"])] = said
        if row["scenario"] == results[0].name:
            first[str(row["option"])] = float(usd) if isinstance(usd, float) else float("inf")
    order = sorted(wide, key=lambda option: first.get(option, float("inf")))
    st.dataframe(pd.DataFrame([wide[o] for o in order]), hide_index=True, key="scenario.account")
    st.caption("A month, every agent on the option; ✓ the scenario's cheapest.")


def scenario_results(session: Session, state: UiState, analysis: Analysis) -> tuple[ScenarioResult, ...]:
    """The scenarios priced (one engine call), or none when the profile has no scenarios."""
    if not state.scenarios:
        return ()
    named, _ = scenario_profiles(session, state)
    return tuple(compare_scenarios(named, analysis.book))


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
    if chosen.agents:  # the set's other agents join the Account view, each as the profile with its changes
        agents = []
        for agent in chosen.agents:
            other = profile_params(encode(UiState(preset=preset, profile=agent), session.presets, session.criteria))
            agents.append(ScenarioLink(agent.name, changes_between(base, other, agent)))
        session.store["agents"] = agents


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
        if state.agents:
            _account_scenarios(session, state, named, analysis)
        st.download_button(
            "Download as a scenario file (YAML)",
            _download(named, state.profile.name),
            file_name=f"{slug(state.profile.name)}-scenarios.yaml",
            mime="application/yaml",
            key="scenario.download",
            on_click="ignore",
        )
    else:
        st.info("No scenarios yet: add one below, or load a scenario file.")
    render_editor(session, state, analysis.book)
    _load_file(session, state, known)
