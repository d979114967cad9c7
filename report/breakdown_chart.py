"""The breakdown: each option's monthly cost stacked by line item, coloured by what the money is
for, with a credit netted so every bar ends at the option's total."""

from __future__ import annotations

import altair as alt
import pandas as pd

from model.result import EstimateOut
from report.charts import WIDTH
from report.compare import ranked
from report.words import number

__all__ = ["CATEGORY_ORDER", "breakdown_chart", "breakdown_frame"]


CATEGORY_ORDER = ["vendor", "infrastructure", "people"]


def breakdown_frame(result: EstimateOut) -> pd.DataFrame:
    """Line items with a cost, for stacking. A credit (a negative line, such as usage a plan
    includes) is netted against the plan fee it comes with, and what is left of it against the
    plan's usage lines in proportion, so every bar starts at zero and ends at the option's total."""
    rows = []
    for option in result.options:
        credit = -sum(c.cost_usd for c in option.components if c.cost_usd < 0)
        costs = {c.key: c.cost_usd for c in option.components if c.cost_usd > 0}
        netted: set[str] = set()
        if credit > 0 and costs.get("plan_fee", 0) > 0:
            taken = min(credit, costs["plan_fee"])
            costs["plan_fee"] -= taken
            credit -= taken
            netted.add("plan_fee")
        usage = [c.key for c in option.components if c.category == "vendor" and c.key != "plan_fee" and c.cost_usd > 0]
        usage_total = sum(costs[k] for k in usage)
        if credit > 0 and usage_total > 0:
            keep = 1 - min(credit, usage_total) / usage_total
            for key in usage:
                costs[key] *= keep
                netted.add(key)
        for c in option.components:
            cost = costs.get(c.key, 0.0)
            if cost <= 1e-12:
                continue
            rows.append(
                {
                    "option": option.name,
                    "component": f"{c.name} (net of included usage)" if c.key in netted else c.name,
                    "category": c.category,
                    "cost_usd": cost,
                    "quantity": f"{number(c.quantity)} {c.unit}",
                    "unit_price": f"{c.unit_price:.6g} {c.price_unit}",
                    "source": c.provenance.confidence if c.provenance else "",
                }
            )
    return pd.DataFrame(
        rows, columns=["option", "component", "category", "cost_usd", "quantity", "unit_price", "source"]
    )


def breakdown_chart(result: EstimateOut) -> alt.Chart:
    """Each option's monthly cost stacked by line item, coloured by what the money is for."""
    data = breakdown_frame(result)
    order = [o.name for o in ranked(result)]
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("option:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("sum(cost_usd):Q", title="Cost per month [USD]", stack="zero"),
            color=alt.Color("category:N", title="For", scale=alt.Scale(domain=CATEGORY_ORDER)),
            detail="component:N",
            order=alt.Order("category:N"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("component:N", title="Line item"),
                alt.Tooltip("quantity:N", title="Quantity"),
                alt.Tooltip("unit_price:N", title="Unit price"),
                alt.Tooltip("cost_usd:Q", title="USD/month", format="$,.2f"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(44), title="What the money is for")
    )
    return chart
