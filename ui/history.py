"""The history-limit view: one Temporal run's Event History against the limits, as steps grow."""

from __future__ import annotations

import streamlit as st

from model.analysis import Analysis
from ui.data import chart_spec

__all__ = ["render_history"]


def _step(value: float | None) -> str:
    return "never" if value is None else f"step {value:,.0f}"


def render_history(analysis: Analysis) -> None:
    h = analysis.result.history
    if h is None or analysis.history is None:
        st.info("No Temporal table is in force on this pricing date, so there is no history to project.")
        return
    st.subheader("Temporal Event History of one run")
    if h.payload_blocks_continue_as_new:
        st.warning("One step's payload passes Temporal's payload limit: Continue-As-New cannot fix that.",
                   icon=":material/block:")
    elif h.exceeds_limit:
        st.warning("As profiled, one run passes a hard history limit: it needs Continue-As-New.")
    else:
        st.success("As profiled, one run stays inside Temporal's hard history limits.")
    a, b, c, d = st.columns(4)
    a.metric("Events per run", f"{h.events_per_run:,.0f}",
             help=f"Limit {h.limits['history_events']:,.0f}, warning at {h.limits['history_events_warning']:,.0f}")
    b.metric("History per run", f"{h.history_mb_per_run:,.2f} MB",
             help=f"Limit {h.limits['history_size_mb']:g} MB, warning at {h.limits['history_size_warning_mb']:g} MB")
    c.metric("Largest payload", f"{h.largest_payload_bytes / 1024:,.1f} KB",
             help=f"Limit {h.limits['payload_mb']:g} MB per payload")
    d.metric("Continue-As-New segments", f"{h.continue_as_new_segments}",
             help="Fresh histories one run needs to stay under the server's suggested size")
    st.vega_lite_chart(spec=chart_spec(analysis, "history"), width="stretch")
    st.dataframe(
        {
            "Threshold": ["Event warning", "Event limit", "Size warning", "Size limit", "Payload warning",
                          "Payload limit"],
            "First crossed at": [
                _step(h.steps_until_event_warning),
                _step(h.steps_until_event_limit),
                _step(h.steps_until_size_warning),
                _step(h.steps_until_size_limit),
                _step(h.steps_until_payload_warning),
                _step(h.steps_until_payload_limit),
            ],
        },
        hide_index=True,
    )
    st.markdown(f"**Binds first:** {h.binding_limit.replace('_', ' ')}")
    st.markdown("**What to do**")
    for line in h.advice:
        st.markdown(f"- {line}")
