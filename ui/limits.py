"""The limits view: every option's per-run limits against this run, the recorded history of an
option that keeps one (chosen in the view), and each step-dependent limit as steps grow. Reads an
`Analysis`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from model.analysis import Analysis
from report.limits import crossed_at, format_measure, limit_status, warned_from
from report.option_words import fit_label, fit_reasons, option_name
from report.words import say, sentence
from ui.data import limit_panel_specs

__all__ = ["render_limits"]


def _limits_frame(analysis: Analysis) -> pd.DataFrame:
    rows = []
    for option in analysis.result.options:
        for limit in option.limits:
            rows.append(
                {
                    "Option": option.name,
                    "Limit": limit.name,
                    "This run": format_measure(limit.value, limit.unit),
                    "Limit at": limit.shown,
                    "Warning from": warned_from(limit),
                    "Crossed at": crossed_at(limit),
                    "Status": limit_status(limit),
                    "Source": limit.provenance.url if limit.provenance else None,
                }
            )
    return pd.DataFrame(rows)


def render_limits(analysis: Analysis) -> None:
    result = analysis.result
    frame = _limits_frame(analysis)
    if frame.empty:
        st.info("No option in force on this pricing date declares a limit on one run.")
        return
    shaped = [o for o in result.options if o.fit.status != "fits"]
    warned = [(o, w) for o in result.options for w in o.warnings if w.code.startswith("limit_")]
    for option in shaped:
        text = f"{option_name(option)}: {fit_label(option)}. " + " ".join(sentence(t) for t in fit_reasons(option))
        if option.fit.status == "ruled_out":
            st.warning(text, icon=":material/block:")
        elif option.fit.status == "not_public":
            st.warning(text, icon=":material/lock:")
        else:
            st.info(text, icon=":material/alt_route:")
    for option, warning in warned:
        st.warning(f"{option_name(option)}: {sentence(say(warning))}")
    if not shaped and not warned:
        st.success("As profiled, one run stays inside every option's hard limits.")
    st.subheader("Limits on one run")
    st.dataframe(frame, hide_index=True, column_config={"Source": st.column_config.LinkColumn(display_text="source")})

    recorded = {o.id: o for o in result.options if o.history is not None}
    if recorded:
        ids = list(recorded)
        default = result.history.table if result.history is not None else ids[0]
        if st.session_state.get("limits_history") not in ids:
            st.session_state["limits_history"] = default
        if len(ids) > 1:
            st.selectbox(
                "Recorded history of",
                ids,
                key="limits_history",
                format_func=lambda i: recorded[i].name,
                persist_state="session",
                help="The options whose tables record a per-run history with limits of its own",
            )
        owner = recorded[str(st.session_state["limits_history"])]
        h = owner.history
        assert h is not None
        st.subheader(f"{h.name} of one run ({owner.name})")
        a, b, c, d = st.columns(4)
        a.metric("Events per run", f"{h.events_per_run:,.0f}")
        b.metric("History per run", f"{h.history_mb_per_run:,.2f} MB")
        c.metric("Largest payload", f"{h.largest_payload_bytes / 1024:,.1f} KB")
        if h.restart_name:
            d.metric(
                f"{h.restart_name} segments",
                f"{h.continue_as_new_segments}",
                help="Fresh histories one run needs to stay under the suggested size",
            )
        st.markdown(f"**Binds first:** {h.binding_limit.replace('_', ' ')}")
        st.markdown("**What to do**")
        for line in h.advice:
            st.markdown(f"- {say(line)}")
    if analysis.limit_curves is not None and not analysis.limit_curves.empty:
        st.subheader("Limits on one run as steps grow")
        for spec in limit_panel_specs(analysis):
            st.vega_lite_chart(spec=spec, width="stretch")
