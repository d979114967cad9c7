"""The web app: pick or enter a workload, see what each orchestrator costs and why.

A thin client: the sidebar builds a `WorkloadProfile`, `model.analysis.analyse` prices it, and the
views in `ui/` draw the result. The whole state lives in the URL (see `ui.state`).
Run with `make run` (streamlit run app.py).
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from model.profile import ProfileError, WorkloadProfile
from pricing.load import PricingError
from pricing.profiles import known_from
from ui import data
from ui.checklist import render_checklist
from ui.compare import flip_line, render_compare, render_headline, sure_line
from ui.export import render_export
from ui.limits import render_limits
from ui.outlook import render_outlook
from ui.price_history import render_price_history
from ui.provenance import render_pricing
from ui.scenarios import render_scenarios, scenario_results
from ui.sidebar import render_sidebar
from ui.state import PROFILE_FIELDS, VIEWS, Session, second_axes
from ui.text import problems


def _problems(title: str, lines: list[str]) -> None:
    """Problems in a box, each line shown as the text it is (`ui.text.problems`)."""
    problems(title, lines)


def _fallback(param: str) -> str:
    if param in PROFILE_FIELDS:
        return "the preset's value is used"
    if param in ("view", "axis", "date", "preset") or param.startswith("q."):
        return "the default is used"
    return "ignored"


@st.cache_resource(show_spinner=False)
def _freeze_loaded() -> bool:
    """Once per server, after the data is loaded: keep what lives as long as the server (modules, tables,
    presets) out of every later garbage collection."""
    gc.collect()
    gc.freeze()
    return True


def _early_profile(session: Session) -> WorkloadProfile | None:
    """The profile the widgets' values describe, read before the sidebar is drawn; None when they
    do not make one (the sidebar then shows why, beside the fields)."""
    try:
        return session.profile(list(session.allowed.options))
    except ProfileError:
        return None


def _headline(
    place: DeltaGenerator, profile: WorkloadProfile, on: dt.date
) -> tuple[DeltaGenerator, DeltaGenerator] | None:
    """The headline in its place; None (the place left empty) when the profile cannot be priced,
    which the caller then says after the sidebar is drawn."""
    try:
        result = data.priced_for(profile, on)
    except (ProfileError, KeyError, ValueError):
        return None
    with place.container():
        return render_headline(result)


def main() -> None:
    st.set_page_config(page_title="Agent orchestrator TCO", layout="wide")
    try:
        presets, criteria, allowed = data.presets(), data.criteria(), data.allowed()
        machines = data.machines(data.book_for(dt.date.today()))
    except PricingError as exc:
        _problems("The data does not load (run `tco pricing validate`):", [str(p) for p in exc.problems])
        st.stop()
    _freeze_loaded()
    session = Session(st.session_state, st.query_params, presets, criteria, allowed)
    session.start()

    on = session.store.get("pricing_date") or dt.date.today()
    try:
        book = data.book_for(on)
    except PricingError:
        book = None
    st.markdown("### Which orchestrator should run our agents, and what will it cost?")
    notices, view_place, head_place = st.container(), st.container(), st.empty()
    # An edit shows its new headline first: the widgets' values are in the session state before the
    # sidebar is drawn, so the headline (one estimate) goes out ahead of the sidebar's inputs.
    early = _early_profile(session)
    shown = _headline(head_place, early, on) if early is not None else None
    profile = render_sidebar(session, machines, book)

    url_problems = session.store.get("url_problems") or []
    if url_problems:
        lines = [
            f"{param} = {value!r}: allowed {allowed}; {_fallback(param)}" for param, value, allowed in url_problems
        ]
        with notices:
            _problems("Some values in the link could not be used:", lines)
            if st.button("Dismiss", key="dismiss_url_problems"):
                session.store["url_problems"] = []
                st.rerun()
    upload_problems = session.store.get("upload_problems") or []
    if upload_problems:  # said where the answer is, not only beside the upload at the sidebar's foot
        with notices:
            _problems(
                "The file you loaded cannot be used; what follows is the profile as it was before:",
                list(upload_problems),
            )
    if profile is None:
        head_place.empty()
        st.stop()
    with view_place:
        view = (
            st.segmented_control(
                "View",
                list(VIEWS),
                format_func=VIEWS.__getitem__,
                key="view",
                required=True,
                label_visibility="collapsed",
            )
            or "compare"
        )
    state = session.state(profile, on)
    try:
        # Then what would flip it (two options' crossovers), then the view (the sweeps), then how sure
        # it is (10,000 draws).
        if shown is None or early != profile:
            result = data.priced_for(profile, on)
            with head_place.container():
                shown = render_headline(result)
        how_sure, flip_place = shown
        headline_result, flip = data.headline_for(profile, on)
        flip_place.markdown(flip_line(flip, headline_result))
        analysis = data.analysis_for(profile, on, state.axis, dict(state.answers))
    except (ProfileError, KeyError, ValueError) as exc:
        head_place.empty()
        _problems("This profile cannot be priced:", str(exc).strip("'\"").splitlines())
        session.write_url(state)
        st.stop()
    if state.scenarios:  # the report and the scenarios view show them; the headline is the profile's
        analysis = replace(analysis, scenarios=scenario_results(session, state, analysis))
    if view == "compare":
        render_compare(analysis, second_axes())
    elif view == "outlook":
        with st.spinner("Drawing 10,000 times and laying out the months ahead…"):
            analysis = data.outlook_for(analysis)
        render_outlook(analysis)
    elif view == "scenarios":
        render_scenarios(session, state, analysis, known_from(analysis.book, allowed.options))
    elif view == "limits":
        render_limits(analysis)
    elif view == "checklist":
        render_checklist(analysis, criteria)
    elif view == "pricing":
        render_pricing(analysis, data.costs_over_versions(profile))
    elif view == "prices":
        render_price_history()
    elif view == "report":
        with st.spinner("Drawing 10,000 times and laying out the months ahead…"):
            analysis = data.outlook_for(analysis)
        render_export(analysis)
    session.write_url(state)
    # Last, once the view is drawn: the headline's Monte Carlo (10,000 draws) fills its place beneath it,
    # so an edit shows its new headline and view without waiting for the draws.
    how_sure.markdown(sure_line(data.monte_carlo_for(analysis)))


main()
