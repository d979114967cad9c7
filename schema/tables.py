"""Pydantic models of a pricing-and-limits table, and of the resolved `PriceBook`.

A table is one YAML file: one vendor offering (or one shared reference, such as the prices of
self-managed hosting) at one effective date. Every number in it is a `Number` (`schema.numbers`):
a value or a range, a unit and a key into the table's `sources`. Its plans are `schema.plans`, its
meters and limits `schema.meters`.

Pure: it knows neither files nor YAML (see `pricing.load`), so the engine in `model/` can depend on
these types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from schema.meters import Category, Concurrency, Design, HistorySpec, Holds, Meter, QuantitySpec, Retention, RunLimit
from schema.numbers import (
    MAX_ENTRIES,
    MAX_PLANS,
    Bool,
    Confidence,
    Date,
    Key,
    Number,
    PriceOrTiers,
    Source,
    StrictModel,
    Text,
    Tiered,
)
from schema.plans import Machine, Plan, PlanFeatures

__all__ = [
    "Addon",
    "Contract",
    "FixedCost",
    "Infrastructure",
    "License",
    "Load",
    "ModelsFile",
    "PriceBook",
    "PriceTable",
    "Service",
    "Workers",
    "months_after",
]


class Contract(StrictModel):
    """A plan above the published ones, sold by contract at a price the vendor does not publish
    ("Enterprise"). A workload no published plan takes is then "price not public" on this option:
    shown, never named cheapest, its total not extrapolated from a smaller plan's rates."""

    name: Text
    source: Key
    note: Text | None = None


class Workers(StrictModel):
    """The machines you run the steps on, sized from the runs that hold one (`holds`) at the
    profile's machine size, on the hosting reference table's prices, never below the `assumptions`
    minimums named here."""

    name: Text = "Workers"
    holds: Holds
    min_vcpu: Key = "worker_min_vcpu"
    min_memory_gb: Key = "worker_min_memory_gb"


class Load(StrictModel):
    """The load a fixed cost holds up to: the peak rate of a per-run quantity (per second);
    past `up_to` (a key of `assumptions`) the cost depends on sizing."""

    quantity: Key
    up_to: Key
    reports_as: Key
    depends_on: Text


class Service(StrictModel):
    """A fixed self-managed service: `vcpu` and `memory_gb` (keys of `assumptions`) for a month,
    holding up to a `load` (past it the line depends on sizing)."""

    id: Key
    name: Text
    vcpu: Key
    memory_gb: Key
    load: Load | None = None


class FixedCost(StrictModel):
    """A monthly cost from `assumptions` (a self-hosted cluster, say)."""

    id: Key
    name: Text
    monthly: Key
    category: Category = "infrastructure"
    load: Load | None = None


class Infrastructure(StrictModel):
    """What you run yourself."""

    workers: Workers | None = None
    services: tuple[Service, ...] = ()
    fixed: tuple[FixedCost, ...] = ()


class Addon(StrictModel):
    """Something a buyer may add to the option (a profile's `overrides.<option>.addons` names it by
    `id`, with 1 to switch it on or how many units).

    `multiplies` lists meters whose quantity it multiplies by the `counting` number `factor` (High
    Availability doubles Actions and storage); `price` prices each unit a month (a price id of the
    table or of a plan); with `raises_concurrency` each unit lifts the plan's concurrency cap by
    one (extra concurrency bought in a dashboard). `plans`: the plans that sell it (empty: all)."""

    id: Key
    name: Text
    multiplies: tuple[Key, ...] = ()
    factor: Key | None = None
    price: Key | None = None
    raises_concurrency: Bool = False
    plans: tuple[Key, ...] = ()
    note: Text | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Addon:
        if bool(self.multiplies) != (self.factor is not None):
            raise ValueError("`multiplies` (meter ids) and `factor` (a `counting` key) go together")
        if not self.multiplies and self.price is None:
            raise ValueError("an add-on `multiplies` meters or has a `price`")
        if self.raises_concurrency and self.price is None:
            raise ValueError("an add-on that `raises_concurrency` has a `price` per slot")
        return self


class License(StrictModel):
    name: Text
    note: Text
    """What self-hosting needs, said after "no fee" in the plan reason."""
    source: Key | None = None
    """Where the licence is stated (a key of `sources`)."""


class PriceTable(StrictModel):
    """One versioned table: an offering (`kind: option`) or shared reference data."""

    schema_version: Literal[2]
    id: Annotated[str, Field(pattern=r"^[a-z0-9.\-]+/[a-z0-9.\-]+$")]
    kind: Literal["option", "reference", "sandbox"]
    """`option`: an orchestrator offering to compare; `reference`: shared prices the options read
    (hosting, people, object storage); `sandbox`: a service the agent's code runs in beside the
    orchestrator (its `prices.vcpu_second` and `prices.memory_second`, its plans' fees, credits and
    `limits`), priced the same on every option."""
    hosting: Literal["cloud", "self-hosted"] | None = None
    license: License | None = None
    vendor: Text
    name: Text
    summary: Text
    effective: Date
    recheck_months: Annotated[int, Strict()] = Field(ge=1, le=24)
    recheck_what: Text | None = None
    """What a maintainer re-reads at each re-check (fees, included usage, what is metered, limits).
    The newest version of every table states it: CONTRIBUTING's quarterly table is written from it."""
    recheck_where: Text | None = None
    """The vendor's own pages (and files, by repository) where `recheck_what` is read, in Markdown."""
    uses: tuple[str, ...] = ()
    components: tuple[Text, ...] = ()
    """What you run yourself, for a self-hosted option."""
    notes: Text | None = None
    sources: Mapping[Key, Source] = Field(min_length=1, max_length=MAX_ENTRIES)
    plans: tuple[Plan, ...] = Field(default=(), max_length=MAX_PLANS)
    prices: Mapping[Key, PriceOrTiers] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    machines: Mapping[Key, Machine] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    limits: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    counting: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    assumptions: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    quantities: Mapping[Key, QuantitySpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    meters: tuple[Meter, ...] = Field(default=(), max_length=MAX_ENTRIES)
    concurrency: Concurrency | None = None
    history: HistorySpec | None = None
    retention: Retention | None = None
    """The bounds of the profile's `retention_days` on this option (closed runs' history or state)."""
    run_limits: tuple[RunLimit, ...] = Field(default=(), max_length=MAX_ENTRIES)
    designs: tuple[Design, ...] = Field(default=(), max_length=MAX_ENTRIES)
    """The vendor's documented ways around a hard run limit, each priced as a design of its own."""
    contract: Contract | None = None
    """A contract-only plan above the published ones (no public price)."""
    infrastructure: Infrastructure = Field(default_factory=Infrastructure)
    people: Key | None = None
    """The `assumptions` key of the share of an engineer operating this option [FTE]."""
    features: PlanFeatures = Field(default_factory=PlanFeatures)
    """A cloud option without plans: what its one offering includes (see `Plan.features`)."""
    addons: tuple[Addon, ...] = Field(default=(), max_length=MAX_ENTRIES)

    @model_validator(mode="after")
    def _option_has_hosting(self) -> PriceTable:
        if self.kind == "option" and self.hosting is None:
            raise ValueError("an option table needs `hosting`: cloud or self-hosted")
        return self

    @model_validator(mode="after")
    def _drawn_with_exists(self) -> PriceTable:
        numbers = {".".join(path): item for path, item in self.numbers().items()}
        for path, item in numbers.items():
            if not isinstance(item, Number) or item.drawn_with is None:
                continue
            other = numbers.get(item.drawn_with)
            if other is None or not other.ranged or other is item:
                raise ValueError(
                    f"{path}: drawn_with {item.drawn_with!r} is not another ranged number of this table "
                    "(a path such as plans.pro.fee)"
                )
        return self

    def cited_sources(self) -> list[Source]:
        """The sources its numbers cite (every source, if none is cited)."""
        cited = {item.source for item in self.numbers().values()}
        return [s for key, s in self.sources.items() if key in cited] or list(self.sources.values())

    def checked(self) -> dt.date:
        """The day its prices are known to hold: the oldest day among the sources its numbers cite on
        which their number was read (at the source, or the date of the copy read instead)."""
        return min(s.checked for s in self.cited_sources())

    def recheck_due(self) -> dt.date:
        """When its sources are due to be read again: `recheck_months` after `checked()`."""
        return months_after(self.checked(), self.recheck_months)

    def numbers(self) -> dict[tuple[str, ...], Number | Tiered]:
        """Every sourced number of the table, keyed by its path (e.g. ('plans', 'pro', 'fee'))."""
        found: dict[tuple[str, ...], Number | Tiered] = {}
        for section in ("prices", "limits", "counting", "assumptions"):
            for key, item in getattr(self, section).items():
                found[(section, key)] = item
        for name, machine in self.machines.items():
            found[("machines", name, "vcpu")] = machine.vcpu
            found[("machines", name, "memory_gb")] = machine.memory_gb
        for plan in self.plans:
            base = ("plans", plan.id)
            found[(*base, "fee")] = plan.fee
            for name in ("fee_share", "credit", "concurrency"):
                item = getattr(plan, name)
                if item is not None:
                    found[(*base, name)] = item
            for key, item in plan.included.items():
                found[(*base, "included", key)] = item
            for key, price in plan.prices.items():
                found[(*base, "prices", key)] = price
            for key, cap in plan.rate_caps.items():
                found[(*base, "rate_caps", key)] = cap
            for key, limit in plan.limits.items():
                found[(*base, "limits", key)] = limit
        return found

    def price(self, key: str, plan: Plan | None = None) -> Number | Tiered:
        """The price `key`, a plan's override first."""
        if plan is not None and key in plan.prices:
            return plan.prices[key]
        try:
            return self.prices[key]
        except KeyError:
            raise KeyError(f"{self.id} {self.effective}: no price {key!r}") from None

    def number(self, section: str, key: str) -> Number:
        """A `Number` from `limits`, `counting` or `assumptions`."""
        try:
            item = getattr(self, section)[key]
        except KeyError:
            raise KeyError(f"{self.id} {self.effective}: no {section}.{key}") from None
        assert isinstance(item, Number)
        return item

    def source_for(self, item: Number | Tiered) -> Source:
        return self.sources[item.source]

    def confidence_of(self, item: Number | Tiered) -> Confidence:
        return item.confidence or self.sources[item.source].confidence


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it has fewer).

    >>> months_after(dt.date(2026, 11, 30), 3), months_after(dt.date(2026, 11, 19), 3)
    (datetime.date(2027, 2, 28), datetime.date(2027, 2, 19))
    """
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


class ModelsFile(StrictModel):
    """`data/models.yaml`: the pinned `genai-prices` version whose bundled snapshot prices the model's
    tokens (`model.llm_prices`), and where and when that snapshot comes from."""

    version: Literal[1]
    package: Literal["genai-prices"]
    pinned: Text = Field(pattern=r"^\d+(\.\d+)*$")
    recheck_months: int = Field(ge=1, le=24)
    source: Source

    def checked(self) -> dt.date:
        """The day the snapshot is known to hold: the day it was verified, or the date of what was read."""
        if self.source.verified is not None:
            return self.source.verified
        assert self.source.read is not None
        return self.source.read.dated

    def recheck_due(self) -> dt.date:
        return months_after(self.checked(), self.recheck_months)


class PriceBook(BaseModel):
    """The tables in force on `as_of`: for each table id, the newest file not after that date."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    as_of: dt.date
    tables: Mapping[str, PriceTable]
    files: Mapping[str, str] = Field(default_factory=dict)
    """Table id -> the file it was read from, relative to the data directory."""
    later: Mapping[str, tuple[str, dt.date]] = Field(default_factory=dict)
    """Option id -> (its name, the date of its first table), for options with no table in force
    yet: "no prices before" that date."""
    models: ModelsFile | None = None
    """Which snapshot prices the model's tokens (`data/models.yaml`); None in a data directory
    without one (a profile that names a model is then refused)."""

    def table(self, table_id: str) -> PriceTable:
        try:
            return self.tables[table_id]
        except KeyError:
            known = ", ".join(sorted(self.tables)) or "none"
            raise KeyError(f"no pricing table {table_id!r} in force on {self.as_of} (have: {known})") from None

    def options(self) -> list[PriceTable]:
        """The offerings to compare, in a stable order."""
        return [t for _, t in sorted(self.tables.items()) if t.kind == "option"]

    def sandboxes(self) -> list[PriceTable]:
        """The sandbox services a profile may name, in a stable order."""
        return [t for _, t in sorted(self.tables.items()) if t.kind == "sandbox"]
