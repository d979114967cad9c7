"""The floor under `app.py`'s rerun: a Streamlit app that draws only as many number inputs as the app's
sidebar (the `n` query parameter, counted in the browser by `bench/browser.py`) and a heading that
shows the first one's value. No pricing, no chart: what the inputs alone cost a rerun.

    .venv/bin/python -m streamlit run bench/inputs_app.py   (then open /?n=88)
"""

from __future__ import annotations

import streamlit as st

count = max(1, min(500, int(st.query_params.get("n", "1"))))
with st.sidebar:
    value = st.number_input("Value", min_value=0.0, value=1000.0, step=1.0)
    total = sum(st.number_input(f"Input {i}", min_value=0.0, value=float(i), step=1.0) for i in range(1, count))
st.markdown(f"#### The value is {value:,.0f} (and {total:,.0f})")
