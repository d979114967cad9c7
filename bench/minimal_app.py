"""The smallest Streamlit app to set `bench/browser.py`'s timings against: one number input, a
heading that shows its value (the headline the benchmark waits for) and one small Altair chart
that depends on it.

    .venv/bin/python -m streamlit run bench/minimal_app.py
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

value = st.number_input("Value", min_value=0.0, value=1000.0, step=1.0)
st.markdown(f"#### The value is {value:,.0f}")
points = pd.DataFrame({"x": range(20), "y": [value * (1 + i / 10) for i in range(20)]})
st.altair_chart(alt.Chart(points).mark_line().encode(x="x", y="y"), width="stretch")
