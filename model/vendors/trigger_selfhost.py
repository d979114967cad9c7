"""Trigger.dev self-hosted: Apache-2.0, so no license fee; the cost is the platform services
(webapp, Postgres, Redis, ClickHouse, object storage), the worker hosts, and the people.

Self-hosted Trigger.dev has no checkpoints, so a run keeps its container while it waits: worker
capacity must cover every open run, waiting or not (Little's law on the run's whole wall time),
each at its machine preset's size, and never less than the documented worker-host minimum.
"""

from __future__ import annotations

import numpy as np

from model.profile import Columns, column
from model.vendors.common import (
    Line,
    OptionBill,
    Rates,
    hosted_line,
    machine_resources,
    people_line,
    worker_lines,
)
from model.workload import open_runs_at_peak, run_time
from pricing.schema import PriceBook, PriceTable, Scenario

__all__ = ["BILLING_MODEL", "REQUIRED", "price"]

BILLING_MODEL = "trigger.dev-self-hosted"
REQUIRED = {
    "assumptions": ("platform_vcpu", "platform_memory_gb", "ops_fte", "worker_min_vcpu", "worker_min_memory_gb"),
}


def price(frame: Columns, table: PriceTable, book: PriceBook, scenario: Scenario) -> OptionBill:
    rates = Rates(table, scenario)
    n = frame.rows
    time = run_time(frame)
    average_open, peak_open = open_runs_at_peak(frame, time)
    vcpu_each, gb_each = machine_resources(frame, book, scenario)
    platform = hosted_line(
        "platform",
        "Platform services (webapp, Postgres, Redis, ClickHouse)",
        rates.number("assumptions", "platform_vcpu"),
        rates.number("assumptions", "platform_memory_gb"),
        book,
        scenario,
        n,
    )
    vcpu_line, gb_line, vcpu, gb = worker_lines(
        average_units=average_open,
        peak_units=peak_open,
        vcpu_per_unit=vcpu_each,
        gb_per_unit=gb_each,
        option=rates,
        book=book,
        label="Worker hosts",
    )
    lines: tuple[Line, ...] = (platform, vcpu_line, gb_line, people_line(table, frame, book, scenario))
    return OptionBill(
        lines=lines,
        plan=np.full(n, "self-hosted", dtype=object),
        plan_reason=np.full(n, "Apache-2.0 licence: no fee; waiting runs keep their containers", dtype=object),
        quantities={
            "runs": column(frame, "monthly_runs"),
            "open_runs_average": average_open,
            "open_runs_peak": peak_open,
            "worker_vcpu": vcpu,
            "worker_memory_gb": gb,
        },
    )
