"""The report view: the same files `tco report` writes, built on demand, and a preview."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st

from model.analysis import Analysis
from report.builders import BUILDERS, EXTENSIONS, MIME_TYPES, build

__all__ = ["FORMAT_LABELS", "file_name", "render_export", "render_share", "share_link", "slug"]

FORMAT_LABELS = {
    "html": "HTML (self-contained, charts inline, opens offline)",
    "pdf": "PDF",
    "md": "Markdown",
    "json": "JSON (the CLI's contract)",
    "csv": "CSV (every line item)",
}


def slug(name: str) -> str:
    """A profile name as a file-name part: `Coding agent (v2)` -> `coding-agent-v2`."""
    words = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    return "-".join(words) or "profile"


def file_name(analysis: Analysis, fmt: str) -> str:
    return f"tco-{slug(analysis.profile.name)}-{analysis.book.as_of.isoformat()}.{EXTENSIONS[fmt]}"


def share_link(params: Mapping[str, str], base: str | None) -> str:
    """The link that opens this analysis: the app's address (as the browser has it) and the state."""
    query = urlencode(params)
    return f"{(base or '').split('?')[0]}?{query}" if query else (base or "")


LINK_MAX_PARAMS, LINK_MAX_CHARS = 1000, 512 * 1024
"""What Streamlit reads of a link: past either bound it ignores the whole query, and every input
of the page opened from it would start over."""


def link_fits(params: Mapping[str, str]) -> bool:
    return len(params) <= LINK_MAX_PARAMS and len(urlencode(params)) <= LINK_MAX_CHARS


def render_share(params: Mapping[str, str]) -> None:
    """A button that shows the link to this analysis, with the code box's copy button beside it; a
    state too large for a link is said, with the file that carries it instead."""
    with st.popover("Copy link", icon=":material/link:"):
        if not link_fits(params):
            st.warning(
                f"This analysis has {len(params):,} settings, more than a link carries ({LINK_MAX_PARAMS:,}): "
                "opened, such a link would start every input over. Share the profile instead: the Report "
                "view's files carry it, and the sidebar's upload loads it back."
            )
            return
        st.caption("Everything on this page is in the link: the profile, your terms, the answers and the date.")
        st.code(share_link(params, st.context.url), language=None, wrap_lines=True)


def render_export(analysis: Analysis) -> None:
    st.subheader("Take it to your team")
    st.write(
        "Every report carries the profile (load it back with the sidebar's upload or "
        "`tco compare --profile`), the pricing versions and sources, each cost with its line items, "
        "the crossovers, the history projection, the checklist and the assumptions. "
        f"`tco report --profile FILE --format {'|'.join(BUILDERS)} -o OUT` writes the same files."
    )
    if analysis.scenarios:
        st.caption(
            f"With the {len(analysis.scenarios)} scenarios side by side (the Scenarios view); the JSON "
            "export is then the scenario set's (`tco compare --scenarios FILE --format json`)."
        )
    today = dt.date.today()
    columns = st.columns(len(FORMAT_LABELS))
    for column, (fmt, label) in zip(columns, FORMAT_LABELS.items(), strict=True):
        with column:
            st.download_button(
                label.split(" (")[0],
                data=functools.partial(build, analysis, fmt, today),
                file_name=file_name(analysis, fmt),
                mime=MIME_TYPES[fmt],
                help=label,
                key=f"download.{fmt}",
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )
    with st.expander("Preview (the Markdown file, as text)", expanded=False):
        # As text: the report holds the profile's own name and description, which are never rendered.
        st.code(build(analysis, "md", today).decode("utf-8"), language=None, wrap_lines=True)
