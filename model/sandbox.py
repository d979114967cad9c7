"""Where the agent's code runs, beside the orchestrator: a sandbox service's bill, the same on every option.

A profile that names a sandbox service (`sandbox:`, a `kind: sandbox` table) keeps one sandbox per
run for `sandbox_seconds_per_run` (empty: the time the run's steps execute, every attempt), billed
per second on the vCPUs and memory it is given (`prices.vcpu_second`, `prices.memory_second`).
The sandbox is where the steps that need a machine run, so no option has to host one
(`model.limits` reads `step_needs_machine` as met there).

A plan is chosen as an option's is: the cheapest whose `limits` take the workload, each month its
fee plus the usage past its credit. The limits a plan may state: `session_hours` (the longest one
sandbox may run), `concurrent_sandboxes` (running at once at the peak), `vcpus` and `memory_gb` (the
most one sandbox may be given) and `pool_vcpus` (the vCPUs all running sandboxes share). The
sandboxes running at once at the peak are the runs starting per second at the busiest moment times
the seconds each sandbox runs. Agents of one account (`ACCOUNT`) that name the same service share
one plan, chosen for their summed usage and peak, and split its bill by their usage. Where no plan
takes the workload the last plan is priced and `problem` says which limit binds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model.billing import Array
from model.columns import column
from model.lines import Rates
from model.workload import Workload
from schema.plans import Plan
from schema.profile import ProfileError
from schema.tables import PriceBook, PriceTable

__all__ = ["LIMITS", "SandboxBill", "price", "price_sandboxes", "sandbox_seconds", "sandboxes_needed"]

LIMITS = {
    "session_hours": "the longest one sandbox may run",
    "concurrent_sandboxes": "sandboxes running at once",
    "vcpus": "vCPUs one sandbox may be given",
    "memory_gb": "memory one sandbox may be given",
    "pool_vcpus": "vCPUs all running sandboxes share",
}
"""The limits a sandbox plan may state, in words."""


@dataclass(frozen=True)
class SandboxBill:
    """The sandboxes' monthly bill per profile (0 where a profile names no service)."""

    ids: npt.NDArray[np.object_]
    """Each profile's service (its table id; '' for none)."""
    seconds_per_run: Array
    """How long each run's sandbox runs [s]."""
    sandbox_seconds: Array
    """Sandbox-seconds a month: runs x seconds per run."""
    usage: Array
    """The vCPUs and memory at the service's rates, before any credit [USD/month]."""
    peak: Array
    """Sandboxes running at once at the busiest moment (the account's, where agents share one)."""
    cost: Array
    """What the profile pays a month: its share of the plan's fee and of the usage past the credit."""
    fee: Array
    """The chosen plan's fee (the account's, where agents share one)."""
    credit: Array
    """The credit the chosen plan's fee includes, a month."""
    plan: npt.NDArray[np.object_]
    """The chosen plan's name ('' for none)."""
    problem: npt.NDArray[np.object_]
    """Why no plan takes the workload, in words ('' where one does)."""
    tables: dict[str, PriceTable]


def sandbox_seconds(work: Workload) -> Array:
    """How long each run's sandbox runs: the profile's figure, or the time its steps execute."""
    given = column(work.frame, "sandbox_seconds_per_run") if "sandbox_seconds_per_run" in work.frame else None
    if given is None:
        return np.asarray(work.executing, dtype=np.float64)
    return np.asarray(np.where(np.isnan(given), work.executing, given), dtype=np.float64)


def sandboxes_needed(work: Workload) -> npt.NDArray[np.bool_]:
    """Where a profile names a sandbox service."""
    if "sandbox" not in work.frame:
        return np.zeros(work.rows, dtype=bool)
    named = np.asarray(work.frame["sandbox"], dtype=object)
    none: npt.NDArray[np.bool_] = named == None  # noqa: E711 (elementwise: which rows name nothing)
    empty: npt.NDArray[np.bool_] = named == ""
    return ~(none | empty)


def price(table: PriceTable, key: str) -> float:
    """A sandbox service's price per second, one number (`model.requirements` checks it is)."""
    return float(Rates(table, "expected").scalar_price(key))


def _limit(plan_limits: dict[str, float], key: str) -> float:
    return plan_limits.get(key, np.inf)


def _limits(plan: Plan) -> dict[str, float]:
    return {key: float(number.expected) for key, number in plan.limits.items()}


def _credit(plan: Plan) -> float:
    return float(plan.credit.expected) if plan.credit is not None else 0.0


def price_sandboxes(work: Workload, book: PriceBook) -> SandboxBill | None:
    """The sandboxes' bill for every profile, or None where none names a service."""
    named = sandboxes_needed(work)
    if not named.any():
        return None
    rows = work.rows
    ids = np.asarray(work.frame["sandbox"], dtype=object)
    services = {t.id: t for t in book.sandboxes()}
    unknown = sorted({str(i) for i in ids[named]} - set(services))
    if unknown:
        have = ", ".join(services) or "none"
        raise ProfileError([("sandbox", unknown[0], f"no sandbox service of that id on {book.as_of}; have: {have}")])
    seconds = np.where(named, sandbox_seconds(work), 0.0)
    runs = column(work.frame, "monthly_runs")
    vcpus = column(work.frame, "sandbox_vcpus")
    memory = column(work.frame, "sandbox_memory_gb")
    peak_each = np.where(named, work.peak_rate() * seconds, 0.0)
    usage = np.zeros(rows)
    cost = np.zeros(rows)
    fee = np.zeros(rows)
    credit = np.zeros(rows)
    peak = np.zeros(rows)
    plan = np.full(rows, "", dtype=object)
    problem = np.full(rows, "", dtype=object)
    for service_id, table in services.items():
        mine = named & (ids == service_id)
        if not mine.any():
            continue
        rate = price(table, "vcpu_second") * vcpus + price(table, "memory_second") * memory
        own = np.where(mine, runs * seconds * rate, 0.0)
        pooled = work.pooled(own)
        together = work.pooled(np.where(mine, peak_each, 0.0))
        pool = work.pooled(np.where(mine, peak_each * vcpus, 0.0))
        bills, fitting = [], []
        for item in table.plans:
            limits = _limits(item)
            each_fits = (
                (seconds <= _limit(limits, "session_hours") * 3600)
                & (vcpus <= _limit(limits, "vcpus"))
                & (memory <= _limit(limits, "memory_gb"))
            )
            fits = work.pooled_all(each_fits | ~mine)
            fits &= (together <= _limit(limits, "concurrent_sandboxes")) & (pool <= _limit(limits, "pool_vcpus"))
            bills.append(float(item.fee.expected) + np.maximum(pooled - _credit(item), 0.0))
            fitting.append(mine & fits)
        paid = np.where(np.stack(fitting), np.stack(bills), np.inf)
        chosen = np.where(np.isfinite(paid).any(axis=0), np.argmin(paid, axis=0), len(table.plans) - 1)
        members = work.pooled(mine.astype(np.float64))
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(pooled > 0, own / pooled, 1.0 / np.maximum(members, 1.0))
        for p, item in enumerate(table.plans):
            at = mine & (chosen == p)
            cost = np.where(at, bills[p] * share, cost)
            fee = np.where(at, float(item.fee.expected), fee)
            credit = np.where(at, _credit(item), credit)
            plan[at] = item.name
        none_fit = mine & ~np.isfinite(paid).any(axis=0)
        if none_fit.any():
            last = _limits(table.plans[-1])
            found = zip(seconds, vcpus, memory, together, pool, strict=True)
            problem[none_fit] = [_why(last, *values) for values, bad in zip(found, none_fit, strict=True) if bad]
        usage = np.where(mine, own, usage)
        peak = np.where(mine, together, peak)
    return SandboxBill(
        ids=ids,
        seconds_per_run=seconds,
        sandbox_seconds=runs * seconds,
        usage=usage,
        peak=peak,
        cost=cost,
        fee=fee,
        credit=credit,
        plan=plan,
        problem=problem,
        tables=services,
    )


def _why(limits: dict[str, float], seconds: float, vcpus: float, memory: float, peak: float, pool: float) -> str:
    """Which of the top plan's limits the workload passes, in words."""
    out = []
    if seconds > _limit(limits, "session_hours") * 3600:
        hours = limits["session_hours"]
        out.append(f"a run's sandbox runs {seconds / 3600:,.1f} h, past the {hours:g} h one sandbox may run")
    if vcpus > _limit(limits, "vcpus"):
        out.append(f"{vcpus:g} vCPUs a sandbox, past the {limits['vcpus']:g} one may be given")
    if memory > _limit(limits, "memory_gb"):
        out.append(f"{memory:g} GB a sandbox, past the {limits['memory_gb']:g} GB one may be given")
    if peak > _limit(limits, "concurrent_sandboxes"):
        out.append(f"{peak:,.0f} sandboxes at once at the peak, past the {limits['concurrent_sandboxes']:,.0f} allowed")
    if pool > _limit(limits, "pool_vcpus"):
        out.append(f"{pool:,.0f} vCPUs at once at the peak, past the pool of {limits['pool_vcpus']:,.0f}")
    return "; ".join(out)
