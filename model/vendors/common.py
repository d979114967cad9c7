"""What every vendor module shares: line items, a scenario's view of a table, and the costs of
self-managed workers and of people.

A vendor module turns a profile frame into billable quantities and names each price it needs by
id; the price comes from the table through `Rates`. No dollar figure lives in this package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from model.billing import Array, Bools, cheapest
from model.profile import Columns, ProfileError, column, lookup
from model.units import HOURS_PER_MONTH, MONTHS_PER_YEAR
from pricing.schema import Number, Plan, PriceBook, PriceTable, Scenario, Tiered

__all__ = [
    "HOSTING_TABLE",
    "PEOPLE_TABLE",
    "Category",
    "Line",
    "OptionBill",
    "PriceRef",
    "Rates",
    "check_machines",
    "hosted_line",
    "machine_resources",
    "people_line",
    "select_plan",
    "worker_lines",
]

Category = Literal["vendor", "infrastructure", "people"]

HOSTING_TABLE = "reference/hosting"
PEOPLE_TABLE = "reference/people"


@dataclass(frozen=True)
class PriceRef:
    """Where a unit price came from: a table and the path of the number inside it."""

    table_id: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class Line:
    """One line item: quantity x unit price = cost, each an array over profiles.

    `unit_price` of a graduated price is the effective average. A credit is a line with a
    negative cost. `depends_on` says what the figure hinges on when the tables cannot price it
    exactly (a negotiated contract, an add-on bought in a dashboard).
    """

    key: str
    name: str
    quantity: Array
    quantity_unit: str
    unit_price: Array
    price_unit: str
    cost: Array
    price: PriceRef | npt.NDArray[np.object_] | None = None
    """Where the unit price came from; per profile when it depends on the plan chosen."""
    depends_on: Bools | None = None
    """Per profile: True where the cost is not fully priced (see `depends_on_reason`)."""
    depends_on_reason: str = ""
    category: Category = "vendor"
    """What the money is for: `vendor` (the orchestrator's bill), `infrastructure` (machines you
    run yourself) or `people` (engineering time)."""


@dataclass(frozen=True)
class OptionBill:
    """One option's monthly bill under one scenario, for every profile."""

    lines: tuple[Line, ...]
    plan: npt.NDArray[np.object_]
    plan_reason: npt.NDArray[np.object_]
    quantities: Mapping[str, Array]
    warnings: Mapping[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    """Message -> per profile, whether it applies."""
    plan_totals: Mapping[str, Array] = field(default_factory=dict)
    """Plan id -> what the bill would be on that plan (inf where the plan is not allowed)."""
    plan_reasons: Mapping[str, npt.NDArray[np.object_]] = field(default_factory=dict)
    """Plan id -> why that plan is or is not allowed, per profile."""

    @property
    def total(self) -> Array:
        return np.asarray(np.sum([line.cost for line in self.lines], axis=0), dtype=np.float64)


class Rates:
    """A table seen under one scenario: every number as a float (its low, expected or high)."""

    def __init__(self, table: PriceTable, scenario: Scenario):
        self.table = table
        self.scenario = scenario

    def number(self, section: str, key: str) -> float:
        return self.table.number(section, key).pick(self.scenario)

    def price(self, key: str, plan: Plan | None = None) -> Number | Tiered:
        return self.table.price(key, plan)

    def scalar_price(self, key: str, plan: Plan | None = None) -> float:
        item = self.price(key, plan)
        if isinstance(item, Tiered):
            raise TypeError(f"{self.table.id}: price {key!r} is tiered, not a single number")
        return item.pick(self.scenario)

    def ref(self, *path: str) -> PriceRef:
        return PriceRef(self.table.id, tuple(path))

    def price_ref(self, key: str, plan: Plan | None = None) -> PriceRef:
        if plan is not None and key in plan.prices:
            return self.ref("plans", plan.id, "prices", key)
        return self.ref("prices", key)

    def plan_number(self, plan: Plan, name: str, default: float | None = None) -> float:
        item: Number | None
        if name in ("fee", "fee_share", "concurrency"):
            item = getattr(plan, name)
        else:
            item = plan.included.get(name)
        if item is None:
            if default is None:
                raise KeyError(f"{self.table.id}: plan {plan.id!r} has no {name!r}")
            return default
        return item.pick(self.scenario)


def machine_resources(frame: Columns, book: PriceBook, scenario: Scenario) -> tuple[Array, Array]:
    """(vCPU, GB of RAM) of each profile's machine size, from the hosting reference table."""
    machines = book.table(HOSTING_TABLE).machines
    check_machines(frame, machines)
    vcpu = lookup(frame, "machine", {k: m.vcpu.pick(scenario) for k, m in machines.items()})
    memory = lookup(frame, "machine", {k: m.memory_gb.pick(scenario) for k, m in machines.items()})
    return vcpu, memory


def check_machines(frame: Columns, known: Iterable[str]) -> None:
    """Raise `ProfileError` naming the field, the value and the allowed values for an unknown
    machine size."""
    allowed = list(known)
    unknown = sorted(set(frame.categories("machine")[0].tolist()) - set(allowed))
    if unknown:
        raise ProfileError([("machine", unknown[0], "allowed: " + ", ".join(allowed))])


def worker_lines(
    *,
    average_units: Array,
    peak_units: Array,
    vcpu_per_unit: Array,
    gb_per_unit: Array,
    option: Rates,
    book: PriceBook,
    label: str,
) -> tuple[Line, Line, Array, Array]:
    """Self-managed capacity as two line items (vCPU-hours and GB-RAM-hours per month).

    Capacity is sized between the average and the peak number of occupied units (runs that
    hold a machine) by the hosting table's `provisioning` share, times each unit's resources,
    and never below the option's minimum fleet (`assumptions.worker_min_vcpu`,
    `worker_min_memory_gb`). Returns the two lines and the vCPU and GB provisioned.
    """
    hosting = Rates(book.table(HOSTING_TABLE), option.scenario)
    share = hosting.number("assumptions", "provisioning")
    units = average_units + share * np.maximum(peak_units - average_units, 0.0)
    vcpu = np.maximum(units * vcpu_per_unit, option.number("assumptions", "worker_min_vcpu"))
    gb = np.maximum(units * gb_per_unit, option.number("assumptions", "worker_min_memory_gb"))
    vcpu_price = hosting.scalar_price("vcpu_hour")
    gb_price = hosting.scalar_price("gb_ram_hour")
    vcpu_hours = vcpu * HOURS_PER_MONTH
    gb_hours = gb * HOURS_PER_MONTH
    return (
        Line(
            "workers_vcpu",
            f"{label} (vCPU)",
            vcpu_hours,
            "vCPU-h",
            np.full_like(vcpu, vcpu_price),
            "USD/vCPU-h",
            vcpu_hours * vcpu_price,
            hosting.price_ref("vcpu_hour"),
            category="infrastructure",
        ),
        Line(
            "workers_memory",
            f"{label} (memory)",
            gb_hours,
            "GB-RAM-h",
            np.full_like(gb, gb_price),
            "USD/GB-RAM-h",
            gb_hours * gb_price,
            hosting.price_ref("gb_ram_hour"),
            category="infrastructure",
        ),
        vcpu,
        gb,
    )


def hosted_line(key: str, name: str, vcpu: float, gb: float, book: PriceBook, scenario: Scenario, n: int) -> Line:
    """A fixed self-managed service priced as its vCPU and RAM for a month on the hosting table."""
    hosting = Rates(book.table(HOSTING_TABLE), scenario)
    monthly = (vcpu * hosting.scalar_price("vcpu_hour") + gb * hosting.scalar_price("gb_ram_hour")) * HOURS_PER_MONTH
    return Line(
        key,
        name,
        np.ones(n),
        "month",
        np.full(n, monthly),
        "USD/month",
        np.full(n, monthly),
        hosting.price_ref("vcpu_hour"),
        category="infrastructure",
    )


def people_line(option: PriceTable, frame: Columns, book: PriceBook, scenario: Scenario) -> Line:
    """Operations effort: the option's share of an engineer [FTE] x the loaded engineer cost.

    The FTE share is the option's `assumptions.ops_fte` unless the profile's team inputs name
    this option; the engineer cost comes from the people reference table unless the profile
    gives one.
    """
    n = frame.rows
    fte = np.full(n, Rates(option, scenario).number("assumptions", "ops_fte"))
    given = frame.ops_fte(option.id)
    if given is not None:
        fte = np.where(np.isfinite(given), given, fte)
    yearly = np.full(n, Rates(book.table(PEOPLE_TABLE), scenario).number("assumptions", "engineer_cost"))
    if "engineer_cost_usd_per_year" in frame:
        given_cost = column(frame, "engineer_cost_usd_per_year")
        yearly = np.where(np.isfinite(given_cost), given_cost, yearly)
    monthly = yearly / MONTHS_PER_YEAR
    return Line(
        "ops_people",
        "Operations effort",
        fte,
        "FTE",
        monthly,
        "USD/FTE-month",
        fte * monthly,
        PriceRef(PEOPLE_TABLE, ("assumptions", "engineer_cost")),
        category="people",
    )


def _pick_refs(refs: Sequence[PriceRef | npt.NDArray[np.object_] | None], index: npt.NDArray[np.intp]) -> Any:
    """Each profile's price reference from its chosen plan; per-row arrays only where needed."""
    if not any(isinstance(r, np.ndarray) for r in refs):
        small = np.empty(len(refs), dtype=object)
        small[:] = list(refs)
        return small[index]
    rows = np.arange(len(index))
    stacked = np.empty((len(refs), len(index)), dtype=object)
    for p, r in enumerate(refs):
        stacked[p, :] = r if isinstance(r, np.ndarray) else [r] * len(index)
    return stacked[index, rows]


def select_plan(
    plans: Sequence[Plan],
    per_plan: Sequence[tuple[Line, ...]],
    allowed: npt.NDArray[np.bool_],
    reasons: Sequence[npt.NDArray[np.object_]],
) -> tuple[tuple[Line, ...], npt.NDArray[np.object_], npt.NDArray[np.object_], dict[str, Array]]:
    """Pick, per profile, the cheapest allowed plan, and keep that plan's line items.

    `per_plan[p]` holds plan p's lines: the same keys and names in the same order on every
    plan. `reasons[p]` says per profile why plan p is or is not allowed. Where no plan is
    allowed, the last (contract) plan is chosen and its reason says why.
    """
    totals = np.stack([np.sum([ln.cost for ln in lines], axis=0) for lines in per_plan])
    index, _any_ok = cheapest(totals, allowed)
    cols = np.arange(totals.shape[1])

    def pick(values: Sequence[Array]) -> Array:
        return np.asarray(np.stack(values)[index, cols], dtype=np.float64)

    def pick_flags(values: Sequence[Bools]) -> Bools:
        return np.asarray(np.stack(values)[index, cols], dtype=bool)

    chosen: list[Line] = []
    for j, first in enumerate(per_plan[0]):
        column = [lines[j] for lines in per_plan]
        assert all(ln.key == first.key for ln in column), "plans must list the same lines"
        depends = None
        if any(ln.depends_on is not None for ln in column):
            zeros = np.zeros(len(cols), dtype=bool)
            depends = pick_flags([ln.depends_on if ln.depends_on is not None else zeros for ln in column])
        chosen.append(
            replace(
                first,
                quantity=pick([ln.quantity for ln in column]),
                unit_price=pick([ln.unit_price for ln in column]),
                cost=pick([ln.cost for ln in column]),
                price=_pick_refs([ln.price for ln in column], index),
                depends_on=depends,
                depends_on_reason=next((ln.depends_on_reason for ln in column if ln.depends_on_reason), ""),
            )
        )
    plan_ids = np.array([p.id for p in plans], dtype=object)[index]
    plan_reason = np.stack(reasons)[index, cols].astype(object)
    plan_totals = {p.id: np.where(allowed[i], totals[i], np.inf) for i, p in enumerate(plans)}
    return tuple(chosen), plan_ids, plan_reason, plan_totals
