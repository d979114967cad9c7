"""User text in the app: shown as the text it is. A value from a link, a file or a form can hold anything
(Markdown images and links, HTML, a bare address a renderer would make a link of); it never goes
through Markdown, whose renderer links bare addresses even when they are escaped."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

__all__ = ["problems"]


def problems(title: str, lines: Sequence[str]) -> None:
    """A red box with `title` (the app's own words), and beneath it the problems as plain text."""
    st.error(title)
    if lines:
        st.text("\n".join(f"- {line}" for line in lines))
