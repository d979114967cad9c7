"""Temporal self-hosted: MIT-licensed, so no license fee; the cost is the cluster (persistence,
visibility store, Temporal services), the workers, and the people who run it.

The cluster is a fixed monthly range for small production scale (the table says where it comes
from); larger volumes need more history shards and nodes, which the table does not price, so the
line says it depends on scale. Workers are sized like Temporal Cloud's.
"""

from __future__ import annotations

import numpy as np

from model.history import project_history
from model.profile import Columns, column
from model.vendors.common import Line, OptionBill, Rates, people_line
from model.vendors.temporal import ACTION_COUNTS, HISTORY_COUNTS, HISTORY_LIMITS, actions_per_run, temporal_workers
from model.workload import run_time
from pricing.schema import PriceBook, PriceTable, Scenario

__all__ = ["BILLING_MODEL", "REQUIRED", "price"]

BILLING_MODEL = "temporal-self-hosted"
REQUIRED = {
    "counting": (*ACTION_COUNTS, *HISTORY_COUNTS),
    "limits": HISTORY_LIMITS,
    "assumptions": (
        "cluster_monthly",
        "cluster_actions_per_second",
        "ops_fte",
        "worker_min_vcpu",
        "worker_min_memory_gb",
    ),
}


def price(frame: Columns, table: PriceTable, book: PriceBook, scenario: Scenario) -> OptionBill:
    rates = Rates(table, scenario)
    n = frame.rows
    time = run_time(frame)
    cluster = rates.number("assumptions", "cluster_monthly")
    # The load the cluster carries at the peak, in Actions per second: Cloud's billing unit is a
    # fair proxy for the persistence writes a run causes.
    count = {k: v.pick(scenario) for k, v in table.counting.items()}
    per_run = actions_per_run(frame, count, project_history(frame, table, scenario))["total"]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        peak_rate = np.where(time.executing > 0, column(frame, "peak_concurrent_runs") / time.executing, 0.0)
        peak_aps = peak_rate * per_run
    beyond = peak_aps > rates.number("assumptions", "cluster_actions_per_second")
    vcpu_line, gb_line, vcpu, gb = temporal_workers(frame, book, rates, scenario, time)
    lines = (
        Line(
            "cluster",
            "Cluster (persistence, visibility, services)",
            np.ones(n),
            "month",
            np.full(n, cluster),
            "USD/month",
            np.full(n, cluster),
            rates.ref("assumptions", "cluster_monthly"),
            depends_on=beyond,
            depends_on_reason="cluster sizing beyond small production scale (more shards and nodes)",
            category="infrastructure",
        ),
        vcpu_line,
        gb_line,
        people_line(table, frame, book, scenario),
    )
    return OptionBill(
        lines=lines,
        plan=np.full(n, "self-hosted", dtype=object),
        plan_reason=np.full(n, "MIT licence: no fee; you run the cluster and the workers", dtype=object),
        quantities={
            "runs": column(frame, "monthly_runs"),
            "peak_actions_per_second": peak_aps,
            "worker_vcpu": vcpu,
            "worker_memory_gb": gb,
        },
    )
