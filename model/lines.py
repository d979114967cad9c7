"""Line items and plan choice: what every option's bill is made of.

A line item is quantity x unit price = cost, each an array over profiles, with a reference to the
number its price came from (`PriceRef`); `select_plan` keeps, per profile, the lines of the
cheapest plan allowed. No dollar figure lives here: prices come from the tables through `Rates`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from model.billing import Array, Bools, Value, cheapest
from model.findings import Finding
from schema.meters import Category
from schema.numbers import Number, Pick, Tiered
from schema.plans import Plan
from schema.tables import PriceBook, PriceTable

__all__ = [
    "HOSTING_TABLE",
    "PEOPLE_TABLE",
    "STORAGE_PRICES",
    "STORAGE_TABLE",
    "Line",
    "OptionBill",
    "PriceRef",
    "Rates",
    "machine_names",
    "select_plan",
]

HOSTING_TABLE = "reference/hosting"
PEOPLE_TABLE = "reference/people"
STORAGE_TABLE = "reference/object-storage"
STORAGE_PRICES = ("storage", "writes", "reads", "transfer")
"""What an object store's prices are named in the storage table: `<store>.storage` and so on."""


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
    """Per one unit of the quantity (`USD/action`); `quoted_unit` is how the vendor quotes it."""
    cost: Array
    price: PriceRef | npt.NDArray[np.object_] | None = None
    """Where the unit price came from; per profile when it depends on the plan chosen."""
    depends_on: Bools | None = None
    """Per profile: True where the cost is not fully priced (see `depends_on_reason`)."""
    depends_on_reason: str = ""
    category: Category = "vendor"
    """What the money is for: `vendor` (the orchestrator's bill), `infrastructure` (machines you
    run yourself) or `people` (engineering time)."""
    quoted_unit: str | None = None
    """The unit the price is quoted in when it is per many (`USD/1M actions`)."""
    list_unit_price: Array | None = None
    """Per profile, the table's unit price where the buyer's own replaces it (NaN elsewhere)."""
    past_published: Bools | None = None
    """Per profile: True where the quantity goes past the last published tier of a graduated price
    whose vendor prices the rest by contract (the option's price is then not public)."""
    ceiling: Array | None = None
    """Per profile, the most of the quantity the published prices cover (allowance included)."""


@dataclass(frozen=True)
class OptionBill:
    """One option's monthly bill under one scenario, for every profile."""

    lines: tuple[Line, ...]
    plan: npt.NDArray[np.object_]
    plan_reason: npt.NDArray[np.object_]
    quantities: Mapping[str, Array]
    warnings: Mapping[Finding, npt.NDArray[np.bool_]] = field(default_factory=dict)
    """A finding (`model.findings`) -> per profile, whether it applies."""
    plan_totals: Mapping[str, Array] = field(default_factory=dict)
    """Plan id -> what the bill would be on that plan (inf where the plan is not allowed)."""
    plan_reasons: Mapping[str, npt.NDArray[np.object_]] = field(default_factory=dict)
    """Plan id -> why that plan is or is not allowed, per profile (a finding)."""
    unmet: npt.NDArray[np.object_] | None = None
    """Per profile, a `requirements_unmet` finding where no plan meets the profile's plan
    requirements (None where one does); None when every profile has a plan that meets them."""
    unplanned: Bools | None = None
    """Per profile: no published plan takes the workload (the bill shown is the last plan's)."""
    pinned_refused: Bools | None = None
    """Per profile: the plan the buyer pinned cannot take the workload."""

    @property
    def past_published(self) -> Bools | None:
        """Per profile, whether some line's quantity goes past the last published tier of its price."""
        flags = [ln.past_published for ln in self.lines if ln.past_published is not None]
        if not flags:
            return None
        return np.asarray(np.logical_or.reduce(flags), dtype=bool)

    @property
    def total(self) -> Array:
        return np.asarray(np.sum([line.cost for line in self.lines], axis=0), dtype=np.float64)


def machine_names(book: PriceBook) -> dict[str, str]:
    """Every name a machine size goes by in the hosting table in force (its own, in plain words, and
    the vendor names earlier profiles used) -> its own name."""
    table = book.tables.get(HOSTING_TABLE)
    if table is None:
        return {}
    names = {name: name for name in table.machines}
    for name, machine in table.machines.items():
        for alias in machine.aliases:
            names.setdefault(alias, name)
    return names


class Rates:
    """A table seen under one scenario: every number as a float (its low, expected or high), or
    under a Monte Carlo draw as an array with a value per profile."""

    def __init__(self, table: PriceTable, scenario: Pick):
        self.table = table
        self.scenario = scenario

    def number(self, section: str, key: str) -> Value:
        return self.table.number(section, key).pick(self.scenario)

    def price(self, key: str, plan: Plan | None = None) -> Number | Tiered:
        return self.table.price(key, plan)

    def scalar_price(self, key: str, plan: Plan | None = None) -> Value:
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

    def plan_number(self, plan: Plan, name: str, default: float | None = None) -> Value:
        """A plan's `fee`, `fee_share`, `credit` or `concurrency`, or an allowance of `included`."""
        item: Number | None
        if name in ("fee", "fee_share", "credit", "concurrency"):
            item = getattr(plan, name)
        else:
            item = plan.included.get(name)
        if item is None:
            if default is None:
                raise KeyError(f"{self.table.id}: plan {plan.id!r} has no {name!r}")
            return default
        return item.pick(self.scenario)


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


def _sum(arrays: Sequence[Array]) -> Array:
    """The sum of arrays of one length, added in place (no stack of them all)."""
    total = np.array(arrays[0], dtype=np.float64)
    for more in arrays[1:]:
        total += more
    return total


def select_plan(
    plans: Sequence[Any],
    per_plan: Sequence[tuple[Line, ...]],
    allowed: npt.NDArray[np.bool_],
    reasons: Sequence[npt.NDArray[np.object_]],
) -> tuple[tuple[Line, ...], npt.NDArray[np.object_], npt.NDArray[np.object_], dict[str, Array]]:
    """Pick, per profile, the cheapest allowed plan, and keep that plan's line items.

    `per_plan[p]` holds plan p's lines: the same keys and names in the same order on every
    plan. `reasons[p]` says per profile why plan p is or is not allowed. Where no plan is
    allowed, the last (contract) plan is chosen and its reason says why.
    """
    totals = np.stack([_sum([ln.cost for ln in lines]) for lines in per_plan])
    index, _any_ok = cheapest(totals, allowed)
    cols = np.arange(totals.shape[1])
    # Each plan's rows, once: a value is taken from its plan's array where the plan was chosen
    # (masked copies, not a stack of every plan's array and a gather).
    only = int(index[0]) if len(index) and (index == index[0]).all() else None
    masks = [index == p for p in range(len(plans))] if only is None else []

    def choose(values: Sequence[Any], dtype: Any) -> Any:
        out = np.empty(len(cols), dtype=dtype)
        if only is not None:
            out[...] = values[only]
            return out
        out[...] = values[-1]
        for p, value in enumerate(values[:-1]):
            np.copyto(out, value, where=masks[p])
        return out

    def pick(values: Sequence[Array]) -> Array:
        if all(v is values[0] for v in values):  # every plan shares the array (a quantity, most often)
            return np.asarray(values[0], dtype=np.float64)
        return np.asarray(choose(values, np.float64), dtype=np.float64)

    def pick_flags(values: Sequence[Bools]) -> Bools:
        return np.asarray(choose(values, bool), dtype=bool)

    chosen: list[Line] = []
    for j, first in enumerate(per_plan[0]):
        column = [lines[j] for lines in per_plan]
        assert all(ln.key == first.key for ln in column), "plans must list the same lines"
        listed = None
        if any(ln.list_unit_price is not None for ln in column):
            nothing = np.full(len(cols), np.nan)
            listed = pick([ln.list_unit_price if ln.list_unit_price is not None else nothing for ln in column])
        depends = None
        zeros = np.zeros(len(cols), dtype=bool)
        if any(ln.depends_on is not None for ln in column):
            depends = pick_flags([ln.depends_on if ln.depends_on is not None else zeros for ln in column])
        past = None
        if any(ln.past_published is not None for ln in column):
            past = pick_flags([ln.past_published if ln.past_published is not None else zeros for ln in column])
        ceiling = None
        if any(ln.ceiling is not None for ln in column):
            unbounded = np.full(len(cols), np.inf)
            ceiling = pick([ln.ceiling if ln.ceiling is not None else unbounded for ln in column])
        chosen.append(
            replace(
                first,
                quantity=pick([ln.quantity for ln in column]),
                unit_price=pick([ln.unit_price for ln in column]),
                cost=pick([ln.cost for ln in column]),
                price=_pick_refs([ln.price for ln in column], index),
                depends_on=depends,
                depends_on_reason=next((ln.depends_on_reason for ln in column if ln.depends_on_reason), ""),
                list_unit_price=listed,
                past_published=past,
                ceiling=ceiling,
            )
        )
    plan_ids = np.array([p.id for p in plans], dtype=object)[index]
    plan_reason = choose(reasons, object)
    plan_totals = {p.id: np.where(allowed[i], totals[i], np.inf) for i, p in enumerate(plans)}
    return tuple(chosen), plan_ids, plan_reason, plan_totals
