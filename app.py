"""The web app: pick or enter a workload, see what each orchestrator costs and why.

A thin client: the sidebar builds a `WorkloadProfile`, `model.analysis.analyse` prices it, and the
views in `ui/` draw the result. The whole state lives in the URL (see `ui.state`).
Run with `make run` (streamlit run app.py).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from dataclasses import dataclass, replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from model.analysis import Analysis
from pricing.load import PricingError
from pricing.profiles import known_from
from schema.profile import ProfileError, WorkloadProfile
from ui import data
from ui.account import account_for, render_account, render_account_line
from ui.checklist import render_checklist
from ui.compare import render_compare, render_headline
from ui.export import render_export, render_share
from ui.limits import render_limits
from ui.link import encode
from ui.outlook import render_outlook
from ui.price_history import render_price_history
from ui.provenance import render_pricing
from ui.scenarios import account_scenario_results, render_scenarios, scenario_results
from ui.session import REPEATED, Session
from ui.sidebar import render_sidebar
from ui.state import PROFILE_FIELDS, VIEWS, UiState, second_axes
from ui.text import problems

PHONE_CSS = """<style>
@media (max-width: 640px) {
  [data-testid="stMain"] h3 { font-size: 1.2rem; }
  .st-key-headline h4 { font-size: 1.05rem; line-height: 1.35; }
  .st-key-headline p { font-size: 0.9rem; }
  [data-testid="stMain"] [data-testid="stButtonGroup"] button { padding: 0.15rem 0.55rem; min-height: 2rem; }
  [data-testid="stMain"] [data-testid="stButtonGroup"] button p { font-size: 0.85rem; }
}
</style>"""
# On a phone the headline, the titles and the views' buttons take a smaller type, so a view's own
# content comes sooner (the sentences stay whole; the nine views fit two rows).


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


def _headline(place: DeltaGenerator, profile: WorkloadProfile, on: dt.date, answers: dict[str, str]) -> bool:
    """The headline in its place; False (the place left empty) when the profile cannot be priced,
    which the caller then says after the sidebar is drawn."""
    try:
        head = data.headline_for(profile, on, answers)
    except (ProfileError, KeyError, ValueError):
        return False
    with place.container(key="headline"):
        render_headline(head, dt.date.today())
    return True


@dataclass(frozen=True)
class View:
    """What a view is drawn from: the session, the state the link describes, and the analysis."""

    session: Session
    state: UiState
    analysis: Analysis


def _with_outlook(v: View) -> Analysis:
    with st.spinner("Laying out the months ahead and what moves the answer…"):
        return data.outlook_for(v.analysis)


# Each view (`ui.state.VIEWS`) and what draws it. (A comment, not a string: Streamlit writes a bare
# string of its script on the page.)
VIEW_DRAWERS: dict[str, Callable[[View], None]] = {
    "compare": lambda v: render_compare(v.analysis, second_axes(), dt.date.today()),
    "outlook": lambda v: render_outlook(_with_outlook(v)),
    "scenarios": lambda v: render_scenarios(
        v.session, v.state, v.analysis, known_from(v.analysis.book, v.session.allowed.options)
    ),
    "account": lambda v: render_account(v.session, v.state, v.analysis.book),
    "limits": lambda v: render_limits(v.analysis),
    "checklist": lambda v: render_checklist(v.analysis, v.session.criteria),
    "pricing": lambda v: render_pricing(v.analysis, data.costs_over_versions(v.state.profile)),
    "prices": lambda v: render_price_history(),
    "report": lambda v: render_export(_with_outlook(v)),
}
if set(VIEW_DRAWERS) != set(VIEWS):  # a view added to one and not the other fails at start, not on a click
    raise RuntimeError(f"views without a drawer or a name: {sorted(set(VIEW_DRAWERS) ^ set(VIEWS))}")


def main() -> None:
    st.set_page_config(page_title="Agent orchestrator TCO", layout="wide")
    data.begin_run()
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
    st.html(PHONE_CSS)
    st.markdown("### Which orchestrator should run our agents, and what will it cost?", width="stretch")
    notices, view_place, head_place, account_place = st.container(), st.container(), st.empty(), st.empty()
    # An edit shows its new headline first: the widgets' values are in the session state before the
    # sidebar is drawn, so the headline (the one verdict) goes out ahead of the sidebar's inputs.
    early = _early_profile(session)
    answers = session.answers()
    shown = _headline(head_place, early, on, answers) if early is not None else False
    profile = render_sidebar(session, machines, book)

    url_problems = session.store.get("url_problems") or []
    if url_problems:
        lines = [
            f"{param} = {value!r}: allowed {allowed}" + ("" if allowed.endswith(REPEATED) else f"; {_fallback(param)}")
            for param, value, allowed in url_problems
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
    with view_place:
        render_share(encode(state, presets, criteria))
    try:
        # The headline is the one verdict (the estimate, the draws, the path, what would flip it); then the
        # view, whose sweeps are cached apart from the answers that set nothing aside.
        if not shown or early != profile or dict(state.answers) != answers:
            head_place.empty()
            if not _headline(head_place, profile, on, dict(state.answers)):
                data.headline_for(profile, on, dict(state.answers))  # raises the reason
        analysis = data.analysis_for(profile, on, state.axis, dict(state.answers))
    except (ProfileError, KeyError, ValueError) as exc:
        head_place.empty()
        _problems("This profile cannot be priced:", str(exc).strip("'\"").splitlines())
        session.write_url(state)
        st.stop()
    if state.scenarios:  # the report and the scenarios view show them; the headline is the profile's
        analysis = replace(analysis, scenarios=scenario_results(session, state, analysis))
    if state.agents:  # every view says the account's answer under the profile's; the report carries it
        account = account_for(session, state, analysis.book.as_of)
        if account is not None:
            with account_place.container(key="account_headline"):
                render_account_line(account, analysis.verdict.best.id if analysis.verdict.best else None)
        if view == "report":
            analysis = replace(
                analysis, account=account, account_scenarios=account_scenario_results(session, state, analysis)
            )
    VIEW_DRAWERS[view](View(session, state, analysis))
    session.write_url(state)


main()
