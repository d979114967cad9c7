"""The outlook view: how sure the answer is and what it costs over the months ahead. Reads an
`Analysis` with its outlook (`model.outlook`); computes nothing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from model.analysis import Analysis
from report.curve_chart import cost_curve_spec
from report.outlook_words import (
    crossover_sentences,
    describe_strategy,
    migration_sentences,
    path_sentence,
    path_tokens_sentence,
)
from report.path_chart import path_chart, path_strategies
from report.tornado_chart import tornado_chart, tornado_frame

__all__ = ["render_outlook", "spread_frame"]

MONEY = st.column_config.NumberColumn(format="dollar")
SHARE = st.column_config.NumberColumn(format="percent")


def spread_frame(analysis: Analysis) -> pd.DataFrame:
    """Each option's monthly cost over the draws, the likeliest cheapest first."""
    assert analysis.outlook is not None
    mc = analysis.outlook.monte_carlo
    spreads = sorted(mc.options, key=lambda s: (-s.cheapest_share, s.runs_share == 0, s.p50))
    return pd.DataFrame(
        [
            {
                "Option": s.name,
                "P10": s.p10,
                "P50": s.p50,
                "P90": s.p90,
                "Estimate": s.point,
                "Cheapest in": s.cheapest_share,
                "Runs it in": s.runs_share,
            }
            for s in spreads
        ]
    )


def render_outlook(analysis: Analysis) -> None:
    o = analysis.outlook
    assert o is not None
    mc, p = o.monte_carlo, o.path
    names = {s.id: s.name for s in mc.options}
    st.subheader("How sure")
    st.caption(
        f"{mc.draws:,} draws (seed {mc.seed}) of {len(mc.inputs)} uncertain inputs: every ranged number of "
        "the pricing tables (triangular on low, expected, high unless the table says otherwise), and your own "
        "numbers: the ranges in the sidebar's *What you are unsure of*, or, left empty, the default doubt on "
        "seconds per step, retries, payload, context growth, CPU share and the length of a human wait. The "
        "same inputs give the same figures; the headline's share is these draws'."
    )
    st.dataframe(
        spread_frame(analysis),
        hide_index=True,
        column_config={
            **{k: MONEY for k in ("P10", "P50", "P90", "Estimate")},
            "Cheapest in": SHARE,
            "Runs it in": SHARE,
        },
    )
    st.caption(
        "P10–P90: nine draws in ten cost more than P10 and less than P90. The estimate prices every input at "
        "its expected value; where that value is the end of its range (a list price, with a lower one seen "
        "elsewhere) the estimate can sit outside P10–P90."
    )
    st.vega_lite_chart(spec=cost_curve_spec(analysis, "monthly_runs"), width="stretch")
    if o.runs_band is not None:
        for sentence in crossover_sentences(o.runs_band, names, "runs per month"):
            st.caption(sentence)

    if o.tornado is not None:
        t = o.tornado
        st.subheader("What moves the answer")
        if t.swings:
            st.vega_lite_chart(spec=tornado_chart(analysis).to_dict(), width="stretch")
            frame = (
                tornado_frame(analysis)
                .drop(columns="swing")
                .rename(
                    columns={
                        "input": "Input",
                        "gap_low": "Gap at low",
                        "gap_high": "Gap at high",
                        "low": "Low end",
                        "high": "High end",
                        "flips": "Flips the decision at",
                    }
                )
            )
            st.dataframe(frame, hide_index=True, column_config={"Gap at low": MONEY, "Gap at high": MONEY})
            st.caption(
                f"The gap is what {t.runner_name} costs more than {t.leader_name} a month, each input from "
                "its low to its high end with every other at its expected value; below zero the decision "
                "flips."
            )
        else:
            st.caption(f"No uncertain input moves the gap between {t.leader_name} and {t.runner_name}.")

    st.subheader(f"The next {p.months} months")
    st.text(path_sentence(p, names))
    tokens = path_tokens_sentence(p, analysis.result)
    if tokens is not None:
        st.text(tokens)
    for sentence in migration_sentences(o, names):
        st.caption(sentence)
    # Stretched to the column, Streamlit fits the whole chart, legend included, into its height: give it
    # room, or the legend beneath leaves the plot a sliver (seen in Chromium).
    st.vega_lite_chart(spec=path_chart(analysis).to_dict(), width="stretch", height=460)
    years = p.years()
    rows = []
    for s in path_strategies(analysis):
        mine = years[years["strategy"] == s.key]
        rows.append(
            {
                "Strategy": describe_strategy(s, names),
                **{f"Year {int(y)}": float(v) for y, v in zip(mine["year"], mine["cost_usd"], strict=True)},
                "Total": s.total,
                "Best in": p.chances.get(s.key, 0.0),
            }
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={**{c: MONEY for r in rows for c in r if c.startswith("Year") or c == "Total"}, "Best in": SHARE},
    )
    st.caption(
        f"Setup (weeks to the first workflow in production) is paid in month 1 and a migration in its month, at "
        f"the engineer's cost; {p.cutover_months:g} months of both bills during a cut-over. Set the growth, the "
        "horizon and the cut-over in the sidebar's *The months ahead*, and the weeks in Team. *Best in*: the "
        f"share of {p.draws:,} draws in which the strategy (its month free) is the cheapest."
    )
    if p.by_growth:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Growth [%/month]": g.growth_percent,
                        "Best path": describe_strategy(g.best, names),
                        "Total": g.best.total,
                    }
                    for g in p.by_growth
                ]
            ),
            hide_index=True,
            column_config={"Total": MONEY},
        )
