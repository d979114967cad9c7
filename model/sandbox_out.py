"""The sandboxes for one profile, as the JSON contract carries them (`SandboxOut`): the plan chosen, a
month's usage, fee and credit, the bill, and the table and sources of their prices.
"""

from __future__ import annotations

from pydantic import BaseModel

from model.engine import Estimate
from model.findings_out import OUT_CONFIG
from model.provenance_out import TableRef
from model.sandbox import price
from schema.profile import WorkloadProfile
from schema.tables import PriceTable

__all__ = ["SandboxOut", "sandbox_out"]


class _Out(BaseModel):
    model_config = OUT_CONFIG


class SandboxOut(_Out):
    """The sandboxes' monthly bill for this profile: the same on every option (the steps that need a
    machine run there, so no option hosts one)."""

    service: str
    """The sandbox service's table id."""
    vendor: str
    name: str
    plan: str
    """The plan chosen: the cheapest whose limits take the workload (the last plan where none does)."""
    sandboxes_per_month: float
    """One a run."""
    seconds_per_run: float
    vcpus: float
    memory_gb: float
    usage_usd: float
    """A month's vCPUs and memory at the service's rates, before the plan's credit."""
    fee_usd: float
    """The plan's fee a month (the account's, where agents share one)."""
    credit_usd: float
    monthly_usd: float
    """What this profile pays a month: its share of the fee and of the usage past the credit."""
    per_run_usd: float | None
    peak_sandboxes: float
    """Sandboxes running at once at the busiest moment."""
    problem: str | None = None
    """Which of the plans' limits the workload passes, where no plan takes it: the run cannot use
    this service as described."""
    vcpu_second_usd: float
    memory_gb_second_usd: float
    table: TableRef
    """The prices' table, with when they hold as of and when they are due a re-check."""
    sources: list[str]
    """The URLs its prices and limits cite."""


def sandbox_out(estimate: Estimate, index: int, profile: WorkloadProfile) -> SandboxOut | None:
    """The sandboxes' bill for profile `index`, or None where it names no service."""
    bill = estimate.sandbox
    if bill is None or not profile.sandbox:
        return None
    table = bill.tables[profile.sandbox]
    runs = profile.monthly_runs
    cost = float(bill.cost[index])
    cited = {table.sources[k].url for k in _cited(table)}
    return SandboxOut(
        service=table.id,
        vendor=table.vendor,
        name=table.name,
        plan=str(bill.plan[index]),
        sandboxes_per_month=runs,
        seconds_per_run=float(bill.seconds_per_run[index]),
        vcpus=profile.sandbox_vcpus,
        memory_gb=profile.sandbox_memory_gb,
        usage_usd=float(bill.usage[index]),
        fee_usd=float(bill.fee[index]),
        credit_usd=float(bill.credit[index]),
        monthly_usd=cost,
        per_run_usd=cost / runs if runs > 0 else None,
        peak_sandboxes=float(bill.peak[index]),
        problem=str(bill.problem[index]) or None,
        vcpu_second_usd=price(table, "vcpu_second"),
        memory_gb_second_usd=price(table, "memory_second"),
        table=TableRef.of(table, estimate.book.files.get(table.id)),
        sources=sorted(str(u) for u in cited),
    )


def _cited(table: PriceTable) -> set[str]:
    """The source keys a table's numbers cite."""
    return {n.source for n in table.numbers().values() if getattr(n, "source", None)}
