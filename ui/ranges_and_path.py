"""The sidebar's section "Uncertainty and the months ahead": the workload's ranges (`range.` widgets:
a low and a high end for a number known only roughly, which the Monte Carlo draws between) and its
path (`path.` widgets: growth, horizon, cut-over, or the team's own forecast)."""

from __future__ import annotations

import streamlit as st

from schema.inputs import PathInputs, field_title
from schema.profile import DOUBTS, GROWTH, PATH_BOUNDS, field_unit
from ui.form import EXACT, field_bounds, folded
from ui.profile_parts import PATH, RANGE
from ui.session import Session

__all__ = ["RANGED", "render_months_ahead", "render_ranges"]

RANGED = ("monthly_runs", "steps_per_run", *DOUBTS)
"""The fields the sidebar offers a range for: the volume and the run's length, then each field the
schema doubts by default (a loaded profile's other ranges show too)."""


def _doubt_placeholder(name: str, end: str) -> str:
    """What an empty end of a range means, in its box: the schema's default doubt, or exact."""
    spec = DOUBTS.get(name)
    if spec is None:
        return "exact"
    if "low" in spec:
        return f"×{spec[end]:g} of the value (default)"
    points = spec["minus"] if end == "low" else spec["plus"]
    return f"{'−' if end == 'low' else '+'}{points:g} points (default)"


def _range_bounds(name: str) -> tuple[float, float]:
    return PATH_BOUNDS[name] if name == GROWTH else field_bounds(name)


def render_ranges(session: Session) -> None:
    """Workload numbers known only within bounds: the Monte Carlo draws between them."""
    given = {str(k).removeprefix(RANGE).rsplit(".", 1)[0] for k in session.store if str(k).startswith(RANGE)}
    names = [*RANGED, *sorted(given - set(RANGED))]
    with folded("What you are unsure of", "ranges") as shown:
        if not shown:
            return
        st.caption(
            "A low and a high end for a number you only know roughly; the field's own value stays the likeliest. "
            "Left empty, a field marked *default* is drawn between the ends its box shows (its value times "
            "them; the growth, points around it); give both ends equal to the value to pin it. The Outlook "
            "view draws every such range with every ranged price (10,000 draws)."
        )
        for name in names:
            low_col, high_col = st.columns(2)
            low, high = _range_bounds(name)
            unit = "%/month" if name == GROWTH else field_unit(name)
            label = f"{field_title(name)} [{unit}]" if unit else field_title(name)
            low_col.number_input(
                f"{label}: low",
                min_value=low,
                max_value=high,
                value=None,
                format=EXACT,
                key=f"{RANGE}{name}.low",
                persist_state="session",
                placeholder=_doubt_placeholder(name, "low"),
            )
            high_col.number_input(
                "high",
                min_value=low,
                max_value=high,
                value=None,
                format=EXACT,
                key=f"{RANGE}{name}.high",
                persist_state="session",
                placeholder=_doubt_placeholder(name, "high"),
            )


def render_months_ahead() -> None:
    """The path: growth, horizon, cut-over, or the team's own forecast."""
    fields = PathInputs.model_fields
    with folded("The months ahead", "path") as shown:
        if not shown:
            return
        st.number_input(
            "Growth [%/month]",
            min_value=-50.0,
            max_value=100.0,
            step=1.0,
            format=EXACT,
            key=f"{PATH}growth",
            persist_state="session",
            help=fields["growth_percent_per_month"].description,
        )
        st.number_input(
            "Horizon [months]",
            min_value=1,
            max_value=120,
            step=6,
            key=f"{PATH}horizon",
            persist_state="session",
            help=fields["horizon_months"].description,
        )
        st.number_input(
            "Cut-over [months]",
            min_value=0.0,
            max_value=24.0,
            step=0.5,
            format=EXACT,
            key=f"{PATH}cutover",
            persist_state="session",
            help=fields["cutover_months"].description,
        )
        st.text_input(
            "Your forecast [runs/month]",
            key=f"{PATH}runs",
            persist_state="session",
            placeholder="e.g. 50000, 80000, 120000",
            help=f"{fields['monthly_runs_by_month'].description}; comma-separated, instead of the growth",
        )
