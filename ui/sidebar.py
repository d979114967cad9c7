"""The sidebar: the workload form (every field with its unit, help and bounds), the team inputs
apart from it, the pricing date, and profile upload and download. It returns a valid profile.

Its sections and building blocks live beside it: `ui.form` (a field's box, folded sections),
`ui.buyer` (what a plan must offer, your prices and contract), `ui.ranges_and_path` (uncertainty and
the months ahead) and `ui.upload` (reading an uploaded file)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from pricing.profiles import dump_profile
from pricing.vendors import IMPORTERS
from schema.inputs import StepKind, TeamInputs
from schema.profile import TOKEN_FIELDS, ProfileError, WorkloadProfile
from schema.tables import PriceBook
from ui.buyer import render_contract, render_requirements
from ui.data import machine_label
from ui.export import slug
from ui.form import EXACT, choice_index, field_label, folded, held_value, number_field
from ui.profile_parts import ENGINEER_COST, OPS, each_bounds, team_bounds, team_key
from ui.ranges_and_path import render_months_ahead, render_ranges
from ui.session import Session
from ui.state import field_key
from ui.text import problems
from ui.upload import UPLOAD_MB, on_upload, sources_note

__all__ = ["GROUPS", "NO_MODEL", "NO_SANDBOX", "SANDBOX_FIELDS", "STEP_KIND_WORDS", "render_sidebar"]

NO_MODEL = "none: the model's tokens are not priced"
NO_SANDBOX = "none: no sandbox is priced"
SANDBOX_FIELDS = ("sandbox_vcpus", "sandbox_memory_gb", "sandbox_seconds_per_run")
STEP_KIND_WORDS = {"task": "a task of its own", "inline": "inline, in the run's own code"}
GROUPS = (
    ("Volume", ("monthly_runs", "peak_concurrent_runs", "peak_window_hours")),
    ("Each run", ("steps_per_run", "step_seconds", "retry_rate", "child_runs_per_run", "step_memory_mb")),
    ("Waits", ("sleeps_per_run", "sleep_seconds", "human_waits_per_run", "human_wait_seconds")),
    (
        "History and heartbeats",
        ("step_payload_kb", "context_growth_kb", "heartbeat_seconds", "heartbeat_timeout_seconds", "retention_days"),
    ),
    ("Billed by some vendors", ("step_cpu_share", "events_per_run", "state_kb_per_run")),
)


def _on_preset(session: Session) -> None:
    # A preset describes a workload, not a team: the team inputs stay as the user set them.
    session.set_profile(session.presets[str(session.store["preset"])], team=False)


def _tokens(models: tuple[str, ...]) -> None:
    """The model each step calls and its tokens: the bill beside the orchestrator's."""
    with folded("The model and its tokens", "tokens") as shown:
        if not shown:
            return
        st.caption(
            "What each step's model call costs, at the list prices of genai-prices' catalogue (or your "
            "contract's): the same on every option, shown beside the orchestrator's bill."
        )
        choices = ["", *models]
        st.selectbox(
            "Model (provider/model)",
            choices,
            index=choice_index(field_key("model"), choices),
            key=field_key("model"),
            format_func=lambda m: m or NO_MODEL,
            help=WorkloadProfile.model_fields["model"].description,
            persist_state="session",
        )
        for name in TOKEN_FIELDS:
            number_field(name, folded=True)


def _sandbox(services: Mapping[str, str]) -> None:
    """The sandbox service the agent's code and tests run in: the bill beside the orchestrator's."""
    with folded("The sandbox its code runs in", "sandbox") as shown:
        if not shown:
            return
        st.caption(
            "A sandbox a run keeps for its code and tests, billed per second on what it is given: the same on "
            "every option, shown beside the orchestrator's bill. The steps that need a machine then run there."
        )
        choices = ["", *services]
        st.selectbox(
            "Sandbox service",
            choices,
            index=choice_index(field_key("sandbox"), choices),
            key=field_key("sandbox"),
            format_func=lambda s: services.get(s, s) if s else NO_SANDBOX,
            help=WorkloadProfile.model_fields["sandbox"].description,
            persist_state="session",
        )
        for name in SANDBOX_FIELDS:
            number_field(name, folded=True)


def render_sidebar(session: Session, machines: list[str], book: PriceBook | None = None) -> WorkloadProfile | None:
    """Draw the form; return the profile it describes, or None (with the problems shown beside
    the form, every value kept) when the fields do not make a valid profile.

    The operations effort has an input for every option of every table version, so a value
    entered survives a pricing date on which that option has no table."""
    options = list(session.allowed.options)
    with st.sidebar:
        _workload(session, machines, book)
        _options(options)
        _team(options)
        render_requirements()
        if book is not None:
            render_contract(book)

        st.header("Uncertainty and the months ahead")
        render_ranges(session)
        render_months_ahead()

        _pricing_date(session)
        _profile_file(session)
        try:
            profile = session.profile(options)
        except ProfileError as exc:
            problems(
                "These values cannot be priced:",
                [f"{name} = {value!r}: {allowed}" for name, value, allowed in exc.problems],
            )
            return None
        st.download_button(
            "Download this profile",
            dump_profile(profile),
            file_name=f"{slug(profile.name)}.yaml",
            mime="application/yaml",
            on_click="ignore",
            key="download_profile",
        )
    return profile


def _workload(session: Session, machines: list[str], book: PriceBook | None) -> None:
    """The workload: a preset to start from, the profile's name and words, every field by group, the machine
    and how a step runs, then the model and the sandbox (folded)."""
    st.header("Workload")
    st.selectbox(
        "Start from a preset",
        list(session.presets),
        index=choice_index("preset", list(session.presets)),
        key="preset",
        format_func=lambda k: session.presets[k].name,
        on_change=_on_preset,
        args=(session,),
    )
    st.text_input(
        "Profile name",
        value=str(held_value(field_key("name"), "")),
        key=field_key("name"),
        max_chars=120,
        help="The report's title; a preset whose fields you change is reported as edited",
    )
    st.text_area(
        "Description",
        value=str(held_value(field_key("description"), "")),
        key=field_key("description"),
        max_chars=2000,
        height=80,
        help="Shown under the report's title",
    )
    for title, names in GROUPS:
        st.caption(title)
        for name in names:
            number_field(name)
    st.selectbox(
        field_label("machine"),
        machines,
        index=choice_index(field_key("machine"), machines),
        key=field_key("machine"),
        format_func=(lambda m: machine_label(m, book)) if book is not None else str,
        help=WorkloadProfile.model_fields["machine"].description,
    )
    st.checkbox(
        "A step needs a full machine (tests, a browser, binaries)",
        value=bool(held_value(field_key("step_needs_machine"), False)),
        key=field_key("step_needs_machine"),
        help=WorkloadProfile.model_fields["step_needs_machine"].description,
    )
    st.selectbox(
        field_label("step_kind"),
        [k.value for k in StepKind],
        index=choice_index(field_key("step_kind"), [k.value for k in StepKind]),
        key=field_key("step_kind"),
        format_func=STEP_KIND_WORDS.__getitem__,
        help=WorkloadProfile.model_fields["step_kind"].description,
    )
    _tokens(session.allowed.models)
    _sandbox(session.allowed.sandboxes)


def _options(options: list[str]) -> None:
    """The options compared (empty: every option priced on the date)."""
    st.header("Options")
    st.multiselect(
        "Compare only these",
        options,
        default=[o for o in held_value("options", ()) or () if o in options],  # type: ignore[attr-defined]
        key="options",
        placeholder="every option priced on the date",
        help="Leave empty to compare every option; the short list is kept in the link and the profile",
    )


def _team(options: list[str]) -> None:
    """The team: an engineer's cost, and each option's operations effort and engineer-weeks (folded)."""
    st.header("Team")
    st.number_input(
        "Engineer cost [USD/year]",
        min_value=team_bounds("engineer_cost_usd_per_year")[0],
        max_value=team_bounds("engineer_cost_usd_per_year")[1],
        step=5000.0,
        value=None,
        format=EXACT,
        key=ENGINEER_COST,
        placeholder="sourced default",
        help="Fully loaded cost of one engineer; empty takes the sourced default",
    )
    with folded("Operations effort per option [FTE]", "ops") as shown:
        for option in options if shown else ():
            st.number_input(
                option,
                min_value=each_bounds("ops_fte")[0],
                max_value=each_bounds("ops_fte")[1],
                step=0.05,
                value=None,
                format=EXACT,
                key=team_key(OPS, option),
                persist_state="session",
                placeholder="table default",
                help="Share of one engineer spent running this option",
            )
    team_fields = TeamInputs.model_fields
    for prefix, name, title in (
        ("setup.", "setup_weeks", "Weeks to the first workflow in production"),
        ("migrate.", "migration_weeks", "Weeks to migrate onto each option"),
    ):
        with folded(f"{title} [engineer-weeks]", prefix.rstrip(".")) as shown:
            for option in options if shown else ():
                st.number_input(
                    option,
                    min_value=each_bounds(name)[0],
                    max_value=each_bounds(name)[1],
                    step=1.0,
                    value=None,
                    format=EXACT,
                    key=team_key(prefix, option),
                    persist_state="session",
                    placeholder="table default",
                    help=team_fields[name].description,
                )


def _pricing_date(session: Session) -> None:
    """The date whose price tables are in force."""
    st.header("Prices")
    st.date_input(
        "Pricing date",
        key="pricing_date",
        min_value=session.allowed.first_date,
        max_value=session.allowed.last_date,
        help="Use the price tables in force on this date (empty: today). The link names the date, "
        "so it shows the same prices when opened later.",
    )


def _profile_file(session: Session) -> None:
    """Load a profile or exports of the team's runs, and what the sidebar says of the last upload."""
    st.header("Profile file")
    st.file_uploader(
        "Load a profile (YAML), or exports of your runs (JSON, one or more) to derive one from",
        type=["yaml", "yml", "json"],
        accept_multiple_files=True,
        key="upload",
        on_change=on_upload,
        args=(session,),
        help=f"At most {UPLOAD_MB} MB, all files together; a profile at most 1 MB. Exports: "
        + "; ".join(i.help for i in IMPORTERS),
    )
    if session.store.get("upload_problems"):
        problems("This file cannot be used:", session.store["upload_problems"])
    if session.store.get("upload_sources"):
        st.text(sources_note(*session.store["upload_sources"]))
    if session.store.get("upload_derived"):
        file, lines = session.store["upload_derived"]
        with st.expander("Derived from your runs", expanded=True):
            st.text("\n".join([f"{file}:", *lines]))
