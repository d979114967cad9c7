"""The recommendation checklist: the questions of `data/criteria.yaml`, the verdict and every
reason behind it with its source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from model.analysis import Analysis
from pricing.criteria import Criteria

__all__ = ["answer_key", "render_checklist"]


def answer_key(question_id: str) -> str:
    return f"q.{question_id}"


def _clear(criteria: Criteria) -> None:
    for question in criteria.questions:
        st.session_state[answer_key(question.id)] = None


def render_checklist(analysis: Analysis, criteria: Criteria) -> None:
    rec = analysis.recommendation
    left, right = st.columns([2, 3])
    with left:
        st.subheader("About your team")
        st.caption("A question left unanswered weighs nothing: no answer is assumed.")
        for question in criteria.questions:
            labels = {a.id: a.label for a in question.answers}
            st.radio(
                question.text,
                list(labels),
                format_func=labels.__getitem__,
                help=question.help,
                key=answer_key(question.id),
                persist_state="session",
                index=None,
            )
        st.button("Clear my answers", key="clear_answers", on_click=_clear, args=(criteria,))
    with right:
        st.subheader("Verdict")
        if rec is None:
            st.info("No criteria are loaded.")
            return
        if rec.vendor is None:
            st.warning(rec.summary)
        else:
            st.success(rec.summary)
        scores = pd.DataFrame(
            [
                {"Vendor": criteria.vendors[k].name, "Score": v}
                for k, v in sorted(rec.scores.items(), key=lambda item: (-item[1], item[0]))
            ]
        )
        if not scores.empty:
            st.dataframe(scores, hide_index=True)
        weighed = [f for f in rec.findings if f.kind != "excludes"]
        ruled_out = [f for f in rec.findings if f.kind == "excludes"]
        if weighed:
            st.markdown("**Reasons**")
        for f in weighed:
            origin = {"answer": "your answer", "figures": "the figures"}.get(f.kind, "the default")
            st.markdown(
                f"- **{f.favours_name}** (weight {f.weight:g}, from {origin}): {f.reason} "
                f"[{f.source_title}]({f.source_url})"
            )
        if ruled_out:
            st.markdown("**Ruled out**")
        for f in ruled_out:
            st.markdown(
                f"- **{f.favours_name}**: {f.reason.removeprefix('Ruled out: ')} [{f.source_title}]({f.source_url})"
            )
        if rec.unanswered:
            st.markdown("**Not answered** (they weigh nothing): " + "; ".join(rec.unanswered.values()))
        st.caption(
            "The soft preferences (team size, time to ship, a platform team) come from a comparison of "
            "two of the vendors; the others are weighed on cost, limits and what your answers require."
        )
