"""What you run yourself, on the hosting reference table's prices: machine sizes, workers sized
from the runs that hold a machine, fixed services and fixed monthly costs, and the object store a
design that keeps payloads by reference pays.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from model.billing import Array, Bools
from model.columns import lookup
from model.fit import OFFLOADED
from model.lines import HOSTING_TABLE, STORAGE_TABLE, Line, Rates
from model.units import BYTES_PER_GB, BYTES_PER_KB, DAYS_PER_MONTH, HOURS_PER_MONTH, SECONDS_PER_DAY, price_unit_parts
from model.usage import Usage
from schema.profile import ProfileError
from schema.tables import Load, PriceBook

__all__ = ["check_machines", "infrastructure", "machine_resources", "store_lines"]


def check_machines(u: Usage, known: Iterable[str]) -> None:
    """Raise `ProfileError` naming the field, the value and the allowed values for an unknown
    machine size."""
    allowed = list(known)
    unknown = sorted(set(u.frame.categories("machine")[0].tolist()) - set(allowed))
    if unknown:
        raise ProfileError([("machine", unknown[0], "allowed: " + ", ".join(allowed))])


def machine_resources(u: Usage, book: PriceBook) -> tuple[Array, Array]:
    """(vCPU, GB of RAM) of each profile's machine size, from the hosting reference table."""
    machines = book.table(HOSTING_TABLE).machines
    check_machines(u, machines)
    vcpu = lookup(u.frame, "machine", {k: m.vcpu.pick(u.fixed) for k, m in machines.items()})
    memory = lookup(u.frame, "machine", {k: m.memory_gb.pick(u.fixed) for k, m in machines.items()})
    return vcpu, memory


def _worker_lines(u: Usage, rates: Rates, book: PriceBook) -> tuple[list[Line], dict[str, Array]]:
    spec = u.table.infrastructure.workers
    if spec is None:
        return [], {}
    vcpu_each, gb_each = machine_resources(u, book)
    hosting = Rates(book.table(HOSTING_TABLE), u.scenario)
    average, peak = u.work.average(spec.holds), u.work.peak(spec.holds)
    share = hosting.number("assumptions", "provisioning")
    units = average + share * np.maximum(peak - average, 0.0)
    vcpu = np.maximum(u.work.pooled(units * vcpu_each), rates.number("assumptions", spec.min_vcpu))
    gb = np.maximum(u.work.pooled(units * gb_each), rates.number("assumptions", spec.min_memory_gb))
    average, peak = u.work.pooled(average), u.work.pooled(peak)
    lines = []
    for key, resource, amount, unit, price in (
        ("workers_vcpu", "vCPU", vcpu, "vCPU-h", "vcpu_hour"),
        ("workers_memory", "memory", gb, "GB-RAM-h", "gb_ram_hour"),
    ):
        hours = amount * HOURS_PER_MONTH
        each = hosting.scalar_price(price)
        lines.append(
            Line(
                key,
                f"{spec.name} ({resource})",
                hours,
                unit,
                np.full_like(hours, each),
                f"USD/{unit}",
                hours * each,
                hosting.price_ref(price),
                category="infrastructure",
            )
        )
    sizing = {
        f"{spec.holds}_runs_average": average,
        f"{spec.holds}_runs_peak": peak,
        "worker_vcpu": vcpu,
        "worker_memory_gb": gb,
    }
    return lines, sizing


def _load(u: Usage, rates: Rates, load: Load | None, reported: dict[str, Array]) -> tuple[Bools | None, str]:
    """Whether the peak rate of a per-run quantity passes what a fixed cost holds (and why it
    then depends on sizing); the rate is reported under the load's name."""
    if load is None:
        return None, ""
    rate = u.work.pooled(u.work.peak_rate() * u.per_run(load.quantity).total)
    reported[load.reports_as] = rate
    return rate > rates.number("assumptions", load.up_to), load.depends_on


def infrastructure(u: Usage, rates: Rates, book: PriceBook) -> tuple[list[Line], dict[str, Array]]:
    """What you run yourself: fixed services, fixed monthly costs and the workers."""
    n = u.work.rows
    infra = u.table.infrastructure
    lines: list[Line] = []
    reported: dict[str, Array] = {}
    if infra.services:
        hosting = Rates(book.table(HOSTING_TABLE), u.scenario)
        vcpu_price, gb_price = hosting.scalar_price("vcpu_hour"), hosting.scalar_price("gb_ram_hour")
        for service in infra.services:
            vcpu = rates.number("assumptions", service.vcpu)
            gb = rates.number("assumptions", service.memory_gb)
            monthly = (vcpu * vcpu_price + gb * gb_price) * HOURS_PER_MONTH
            beyond, reason = _load(u, rates, service.load, reported)
            lines.append(
                Line(
                    service.id,
                    service.name,
                    np.ones(n),
                    "month",
                    np.full(n, monthly),
                    "USD/month",
                    np.full(n, monthly),
                    hosting.price_ref("vcpu_hour"),
                    depends_on=beyond,
                    depends_on_reason=reason,
                    category="infrastructure",
                )
            )
    for fixed in infra.fixed:
        monthly = rates.number("assumptions", fixed.monthly)
        beyond, reason = _load(u, rates, fixed.load, reported)
        lines.append(
            Line(
                fixed.id,
                fixed.name,
                np.ones(n),
                "month",
                np.full(n, monthly),
                "USD/month",
                np.full(n, monthly),
                rates.ref("assumptions", fixed.monthly),
                depends_on=beyond,
                depends_on_reason=reason,
                category=fixed.category,
            )
        )
    workers, sizing = _worker_lines(u, rates, book)
    return lines + workers, {**reported, **sizing}


def store_lines(u: Usage, rates: Rates, book: PriceBook) -> list[Line]:
    """What a design that keeps payloads by reference pays its object store: the data kept (while
    the run is open and for the retention period), the writes and reads of each step, and the data
    read back out, after the store's free allowances; zero for profiles priced as designed."""
    ref = next((d.by_reference for d in u.table.designs if d.by_reference is not None), None)
    if ref is None or OFFLOADED not in u.frame:
        return []
    n = u.work.rows
    store = Rates(book.table(STORAGE_TABLE), u.scenario)
    kept_kb = u.column(OFFLOADED)
    used = kept_kb > 0
    runs = u.column("monthly_runs")
    gb_per_run = kept_kb * BYTES_PER_KB / BYTES_PER_GB
    days = u.work.wall / SECONDS_PER_DAY + u.retention_days()
    steps = np.where(used, u.work.steps, 0.0)
    quantities = {
        "storage": (runs / DAYS_PER_MONTH * days * gb_per_run, "GB-month", "Object store: data kept"),
        "writes": (runs * steps * u.coefficient(ref.writes_per_step), "requests", "Object store: writes"),
        "reads": (runs * steps * u.coefficient(ref.reads_per_step), "requests", "Object store: reads"),
        "transfer": (runs * gb_per_run, "GB", "Object store: data read back"),
    }
    table = store.table
    lines = []
    for item, (quantity, unit, name) in quantities.items():
        key = f"{ref.store}.{item}"
        free_key = f"{key}_free"
        free = store.number("assumptions", free_key) if free_key in table.assumptions else 0.0
        billable = np.maximum(u.work.pooled(quantity) - free, 0.0)
        item_price = table.price(key)
        scale, per_one = price_unit_parts(item_price.unit)
        each = np.broadcast_to(np.asarray(store.scalar_price(key), dtype=np.float64) * scale, (n,))
        lines.append(
            Line(
                f"store_{item}",
                name,
                billable,
                unit,
                np.array(each),
                per_one,
                billable * each,
                store.price_ref(key),
                category="infrastructure",
                quoted_unit=item_price.unit if scale != 1.0 else None,
            )
        )
    return lines
