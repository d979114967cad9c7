"""The checklist: the questions of `data/criteria.yaml`, the one verdict (the headline's), and every
reason behind it with its source: what the answers set aside or weigh for, and what cannot run the
workload, by the vendor's own limits."""

from __future__ import annotations

import streamlit as st

from model.analysis import Analysis
from model.option_out import OptionOut
from report.compare import ranked
from report.option_words import option_name
from report.text import escape
from report.verdict_words import verdict_sentence
from report.words import say
from schema.criteria import Criteria

__all__ = ["answer_key", "render_checklist"]


def answer_key(question_id: str) -> str:
    return f"q.{question_id}"


def _clear(criteria: Criteria) -> None:
    for question in criteria.questions:
        st.session_state[answer_key(question.id)] = None


def _limit_source(option: OptionOut, limit_id: object) -> str:
    found = next((x for x in option.limits if x.id == limit_id), None)
    if found is None or found.provenance is None:
        return ""
    return f" [{escape(found.provenance.title)}]({found.provenance.url})"


def render_checklist(analysis: Analysis, criteria: Criteria) -> None:
    v, checklist, result = analysis.verdict, analysis.checklist, analysis.result
    left, right = st.columns([2, 3])
    with left:
        st.subheader("About your team")
        st.caption(
            "An answer that requires what an option lacks sets it aside; one that only weighs for a vendor is "
            "named beside the verdict. A question left unanswered weighs nothing."
        )
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
        text = escape(verdict_sentence(v, result))
        (st.success if v.best is not None and not v.too_close else st.warning)(text)
        st.caption("The same verdict as the headline, the Outlook and the report.")
        names = {o.id: option_name(o) for o in result.options}
        if v.set_aside:
            st.markdown("**Set aside by your answers**")
            for option, found in v.set_aside.items():
                for f in found:
                    st.markdown(
                        f"- **{escape(names.get(option, option))}**: {escape(str(f.data.get('reason')))} "
                        f"[{escape(str(f.data.get('source_title')))}]({f.data.get('source_url')})"
                    )
        if checklist.leanings:
            st.markdown("**What your answers weigh for** (named beside the verdict, never in its place)")
            for x in checklist.leanings:
                st.markdown(
                    f"- **{escape(x.vendor_name)}** (weight {x.weight:g}; you answered “{escape(x.answer)}”): "
                    f"{escape(x.reason)} [{escape(x.source_title)}]({x.source_url})"
                )
        unable = [o for o in ranked(result) if o.fit.status in ("ruled_out", "not_public")]
        if unable:
            st.markdown("**Cannot run this workload at a public price** (the vendor's own limits and prices)")
            for o in unable:
                reasons = "; ".join(escape(say(r)) + _limit_source(o, r.data.get("limit")) for r in o.fit.reasons)
                st.markdown(f"- **{escape(option_name(o))}**: {reasons}")
        if v.open_questions:
            st.markdown("**What could still change it**: " + "; ".join(escape(q.text) for q in v.open_questions))
        elif checklist.unanswered:
            st.caption("Not answered (they weigh nothing): " + escape("; ".join(checklist.unanswered.values())))
