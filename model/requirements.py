"""What the engine needs from a table: every quantity, count, coefficient, price, limit and
assumption its meters, history, limits, infrastructure and people name must exist.

`table_problems` returns each gap as (YAML path, message); the loader turns them into problems
that name the file and the line, so a table missing a count fails `tco pricing validate` (and
loading), never `tco compare`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

import model.vendors  # noqa: F401  (registers the vendors' own counts)
from model.lines import HOSTING_TABLE, PEOPLE_TABLE, STORAGE_PRICES, STORAGE_TABLE
from model.sandbox import LIMITS as SANDBOX_LIMITS
from model.tokens import RERUNS
from model.units import in_base_unit
from model.usage import COUNTS, DERIVED
from schema.meters import Coefficient, QuantitySpec
from schema.numbers import Number
from schema.plans import Plan
from schema.tables import Load, PriceBook, PriceTable

__all__ = ["Gap", "book_problems", "table_problems"]

Gap = tuple[tuple[str | int, ...], str]
"""(YAML path, what is wrong)."""

_MEASURE_UNITS = {
    "events": {"events", "count"},
    "history_bytes": {"bytes"},
    "payload_bytes": {"bytes"},
    "run_seconds": {"s"},
    "step_seconds": {"s"},
    "wait_seconds": {"s"},
    "step_cpu_seconds": {"s"},
    "state_bytes": {"bytes"},
    "step_memory_mb": {"bytes"},
    "needs_machine": {"count"},
    "concurrent_runs": {"concurrent runs", "count", "runs"},
    "start_rate": {"runs/s", "per s"},
}


def _keys(value: Coefficient) -> list[str]:
    if isinstance(value, tuple):
        return [k for v in value for k in _keys(v)]
    return [value] if isinstance(value, str) else []


def _known(names: Mapping[str, object]) -> str:
    return ", ".join(sorted(names)) or "none"


def _counts(table: PriceTable, terms: Mapping[str, Coefficient], at: tuple[str | int, ...]) -> Iterator[Gap]:
    """Every count of a linear combination exists, with its parameters and its coefficients."""
    for name, coefficient in terms.items():
        definition = COUNTS.get(name)
        if definition is None:
            yield (*at, name), f"unknown count {name!r}; the engine counts: {', '.join(sorted(COUNTS))}"
            continue
        for key in _keys(coefficient):
            if key not in table.counting:
                yield (*at, name), f"coefficient {key!r} is not in `counting` (have: {_known(table.counting)})"
        yield from _params(table, definition.params, (*at, name), f"count {name!r}", definition.positive)
        if definition.needs_history and table.history is None:
            yield (*at, name), f"count {name!r} needs the table's `history`"
        if name == "segment_restarts" and table.history is not None and table.history.segments is None:
            yield (*at, name), "count 'segment_restarts' needs `history.segments`"


def _params(
    table: PriceTable, params: tuple[str, ...], at: tuple[str | int, ...], what: str, positive: tuple[str, ...] = ()
) -> Iterator[Gap]:
    for key in params:
        if key not in table.counting:
            yield at, f"{what} reads `counting.{key}`, which this table does not have"
        elif key in positive and _least(table.counting[key]) <= 0:
            yield ("counting", key), f"{what} divides by it: it must be above zero, at its low end too"


def _least(number: Number) -> float:
    return min(v for v in (number.low, number.value, number.high) if v is not None)


def _in(section: str, table: PriceTable, key: str | None, at: tuple[str | int, ...]) -> Iterator[Gap]:
    if key is not None and key not in getattr(table, section):
        yield at, f"{key!r} is not in `{section}` (have: {_known(getattr(table, section))})"


def _quantity(table: PriceTable, name: str, spec: QuantitySpec) -> Iterator[Gap]:
    at: tuple[str | int, ...] = ("quantities", name)
    if spec.per_run is not None:
        yield from _counts(table, spec.per_run, (*at, "per_run"))
    if spec.derived is not None:
        definition = DERIVED.get(spec.derived)
        if definition is None:
            yield (
                (*at, "derived"),
                (f"unknown derived quantity {spec.derived!r}; the engine derives: {', '.join(sorted(DERIVED))}"),
            )
        else:
            yield from _params(table, definition.params, (*at, "derived"), f"{spec.derived!r}", definition.positive)
            if definition.needs_history and table.history is None:
                yield (*at, "derived"), f"{spec.derived!r} needs the table's `history`"
    yield from _in("counting", table, spec.granule, (*at, "granule"))
    if spec.granule is not None and spec.granule in table.counting and _least(table.counting[spec.granule]) <= 0:
        yield ("counting", spec.granule), "a quantity rounds up to it: it must be above zero, at its low end too"


def _meters(table: PriceTable) -> Iterator[Gap]:
    for i, meter in enumerate(table.meters):
        at: tuple[str | int, ...] = ("meters", i)
        if meter.quantity not in table.quantities:
            yield (*at, "quantity"), f"{meter.quantity!r} is not in `quantities` (have: {_known(table.quantities)})"
        if meter.price is None:
            pass  # price not public: the line shows the quantity and says so
        elif meter.price_by == "machine":
            priced = [k for k in table.prices if k.startswith(f"{meter.price}.")]
            if not priced:
                yield (*at, "price"), f"no `prices.{meter.price}.<machine>` for a price by machine"
            for key in priced:
                if not isinstance(table.prices[key], Number):
                    yield (*at, "price"), f"`prices.{key}`: a price by machine must be one number, not tiers"
        else:
            plans = table.plans or ()
            missing = [p.id for p in plans if meter.price not in p.prices] if meter.price not in table.prices else []
            if meter.price not in table.prices and (not plans or missing):
                where = f" (plans without it: {', '.join(missing)})" if plans else ""
                yield (*at, "price"), f"{meter.price!r} is not in `prices`{where}"
        yield from _in("counting", table, meter.included_scale, (*at, "included_scale"))
        if meter.included is not None and not any(meter.included in p.included for p in table.plans):
            yield (*at, "included"), f"no plan includes {meter.included!r}"


def _history(table: PriceTable) -> Iterator[Gap]:
    spec = table.history
    if spec is None:
        return
    sections = {
        "events": spec.events,
        "payloads": spec.payloads,
        "bytes": spec.bytes,
        "step_payloads": spec.step_payloads,
        "growth": spec.growth,
    }
    for section, terms in sections.items():
        yield from _counts(table, terms, ("history", section))
        for name in terms:
            if name in COUNTS and COUNTS[name].needs_history:
                yield ("history", section, name), f"count {name!r} depends on the history itself: it cannot shape it"
    if spec.event_bytes is not None:
        yield from _in("counting", table, spec.event_bytes, ("history", "event_bytes"))
    for field in ("child_events", "child_bytes"):
        for i, key in enumerate(getattr(spec, field)):
            yield from _in("counting", table, key, ("history", field, i))
    for key in _keys(spec.child_payloads):
        yield from _in("counting", table, key, ("history", "child_payloads"))
    if spec.segments is not None:
        for field in ("events", "size_mb", "restart_events", "restart_bytes"):
            if getattr(spec.segments, field) is not None:
                yield from _in("counting", table, getattr(spec.segments, field), ("history", "segments", field))
        if spec.bytes and spec.segments.restart_bytes is None:
            yield ("history", "segments", "restart_bytes"), "with `bytes`, say what a new segment starts with"


def _limits(table: PriceTable) -> Iterator[Gap]:
    if table.retention is not None:
        yield from _in("limits", table, table.retention.min, ("retention", "min"))
        yield from _in("limits", table, table.retention.max, ("retention", "max"))
        per_plan = table.retention.per_plan
        if per_plan is not None and not any(per_plan in plan.limits for plan in table.plans):
            yield ("retention", "per_plan"), f"no plan has {per_plan!r} in its `limits`"
    if table.license is not None and table.license.source is not None and table.license.source not in table.sources:
        yield ("license", "source"), f"unknown source {table.license.source!r}"
    meter_ids = {m.id for m in table.meters}
    for i, plan in enumerate(table.plans):
        for meter in plan.capped:
            if meter not in meter_ids:
                yield ("plans", i, "capped"), f"{meter!r} is not a meter of this table"
    for i, limit in enumerate(table.run_limits):
        at: tuple[str | int, ...] = ("run_limits", i)
        for field in ("id", "warning"):
            key = getattr(limit, field)
            yield from _in("limits", table, key, (*at, field))
            if key in table.limits and limit.measure in _MEASURE_UNITS:
                base = in_base_unit(table.limits[key].unit.value)[0]
                if base not in _MEASURE_UNITS[limit.measure]:
                    yield (
                        (*at, field),
                        (f"`limits.{key}` is in {table.limits[key].unit.value!r}, which cannot bound {limit.measure}"),
                    )
        if limit.measure in ("events", "history_bytes") and table.history is None:
            yield (*at, "measure"), f"a limit on {limit.measure} needs the table's `history`"
        if limit.hard and not limit.advice:
            yield (
                (*at, "advice"),
                "a hard limit says the way around it in `advice` (shown when it rules the option out)",
            )
        if limit.quantity is not None:
            spec = table.quantities.get(limit.quantity)
            if spec is None or spec.per_run is None:
                yield (*at, "quantity"), f"{limit.quantity!r} is not a `per_run` quantity of `quantities`"
            elif limit.id in table.limits:
                mine = in_base_unit(spec.unit.value)[0]
                theirs = in_base_unit(table.limits[limit.id].unit.value)[0]
                if mine != theirs and {mine, theirs} - {"count", "steps", "runs", "events"}:
                    bound = table.limits[limit.id].unit.value
                    yield (
                        (*at, "quantity"),
                        (
                            f"{limit.quantity!r} is in {spec.unit.value!r}, which "
                            f"`limits.{limit.id}` ({bound!r}) cannot bound"
                        ),
                    )


def _designs(table: PriceTable) -> Iterator[Gap]:
    """Every design lifts hard limits of the table, raises them to `limits` it has, and keeps
    payloads in a store of the object-storage table with counting numbers it has."""
    hard = {limit.id for limit in table.run_limits if limit.hard}
    seen: set[str] = set()
    for i, design in enumerate(table.designs):
        at: tuple[str | int, ...] = ("designs", i)
        if design.id in seen:
            yield (*at, "id"), f"design {design.id!r} is listed twice"
        seen.add(design.id)
        if design.source not in table.sources:
            yield (*at, "source"), f"unknown source {design.source!r}"
        for limit in design.lifts:
            if limit not in hard:
                yield (
                    (*at, "lifts"),
                    f"{limit!r} is not a hard run limit of this table (have: {_known(dict.fromkeys(hard))})",
                )
        for limit, key in design.raises.items():
            if limit not in {x.id for x in table.run_limits}:
                yield (*at, "raises", limit), f"{limit!r} is not a run limit of this table"
            yield from _in("limits", table, key, (*at, "raises", limit))
        billed = [m.id for m in table.meters if m.design == design.id]
        if not design.raises and design.by_reference is None and not billed:
            yield (*at, "id"), "a design raises a limit, keeps payloads `by_reference` or bills meters that name it"
        if design.machine is not None:
            yield from _in("counting", table, design.machine.cpu_share, (*at, "machine", "cpu_share"))
        ref = design.by_reference
        if ref is not None:
            for field in ("reference_kb", "writes_per_step", "reads_per_step"):
                yield from _in("counting", table, getattr(ref, field), (*at, "by_reference", field))
            if STORAGE_TABLE not in table.uses:
                yield (
                    (*at, "by_reference"),
                    f"payloads by reference are priced with {STORAGE_TABLE!r}: list it in `uses`",
                )
    ids = {d.id for d in table.designs}
    for i, meter in enumerate(table.meters):
        if meter.design is not None and meter.design not in ids:
            have = _known(dict.fromkeys(ids))
            yield ("meters", i, "design"), f"{meter.design!r} is not a design of this table (have: {have})"
    if table.contract is not None and table.contract.source not in table.sources:
        yield ("contract", "source"), f"unknown source {table.contract.source!r}"


def _load(table: PriceTable, load: Load | None, at: tuple[str | int, ...]) -> Iterator[Gap]:
    if load is None:
        return
    spec = table.quantities.get(load.quantity)
    if spec is None or spec.per_run is None:
        yield (*at, "load", "quantity"), f"{load.quantity!r} is not a `per_run` quantity of `quantities`"
    yield from _in("assumptions", table, load.up_to, (*at, "load", "up_to"))


def _infrastructure(table: PriceTable) -> Iterator[Gap]:
    infra = table.infrastructure
    needs = set()
    if infra.workers is not None:
        needs.add(HOSTING_TABLE)
        yield from _in("assumptions", table, infra.workers.min_vcpu, ("infrastructure", "workers", "min_vcpu"))
        yield from _in(
            "assumptions", table, infra.workers.min_memory_gb, ("infrastructure", "workers", "min_memory_gb")
        )
    for i, service in enumerate(infra.services):
        needs.add(HOSTING_TABLE)
        at: tuple[str | int, ...] = ("infrastructure", "services", i)
        yield from _in("assumptions", table, service.vcpu, (*at, "vcpu"))
        yield from _in("assumptions", table, service.memory_gb, (*at, "memory_gb"))
        yield from _load(table, service.load, at)
    for i, fixed in enumerate(infra.fixed):
        at = ("infrastructure", "fixed", i)
        yield from _in("assumptions", table, fixed.monthly, (*at, "monthly"))
        yield from _load(table, fixed.load, at)
    if table.people is not None:
        needs.add(PEOPLE_TABLE)
        yield from _in("assumptions", table, table.people, ("people",))
    for ref in sorted(needs - set(table.uses)):
        yield ("uses",), f"this table prices with {ref!r}: list it in `uses`"


def _scalar(table: PriceTable, key: str, at: tuple[str | int, ...], what: str) -> Iterator[Gap]:
    """A price the engine reads as one number, wherever a plan overrides it too."""
    if key in table.prices and not isinstance(table.prices[key], Number):
        yield ("prices", key), f"{what}: `prices.{key}` must be one number, not tiers"
    for i, plan in enumerate(table.plans):
        if key in plan.prices and not isinstance(plan.prices[key], Number):
            yield ("plans", i, "prices", key), f"{what}: plan {plan.id!r}'s `{key}` must be one number, not tiers"


def _line_keys(table: PriceTable) -> Iterator[Gap]:
    """Every line item has its own key (the ranges and the breakdown are keyed by it)."""
    seen: dict[str, tuple[str | int, ...]] = {}
    reserved = [
        "plan_fee",
        "plan_fee_floor",
        "usage_credit",
        "extra_concurrency",
        "workers_vcpu",
        "workers_memory",
        "ops_people",
        *(f"store_{item}" for item in STORAGE_PRICES),
    ]
    keys: list[tuple[str, tuple[str | int, ...]]] = [(k, ()) for k in reserved]
    keys += [(m.id, ("meters", i, "id")) for i, m in enumerate(table.meters)]
    keys += [(s.id, ("infrastructure", "services", i, "id")) for i, s in enumerate(table.infrastructure.services)]
    keys += [(f.id, ("infrastructure", "fixed", i, "id")) for i, f in enumerate(table.infrastructure.fixed)]
    for key, at in keys:
        if key in seen and at:
            yield at, f"line key {key!r} is used twice (every meter, service and fixed cost needs its own id)"
        seen.setdefault(key, at)


def _sandbox(table: PriceTable) -> Iterator[Gap]:
    """A sandbox service: its two prices per second, as one number each, and plans with known limits."""
    for key in ("vcpu_second", "memory_second"):
        yield from _in("prices", table, key, ("prices",))
        yield from _scalar(table, key, ("prices", key), "a sandbox price")
    if not table.plans:
        yield ("plans",), "a sandbox service lists at least one plan (its fee, any credit and its limits)"
    for i, plan in enumerate(table.plans):
        for key in plan.limits:
            if key not in SANDBOX_LIMITS:
                yield ("plans", i, "limits", key), f"not a sandbox limit; known: {', '.join(SANDBOX_LIMITS)}"


def _reference(table: PriceTable) -> Iterator[Gap]:
    """The numbers the engine reads from the shared reference tables."""
    if table.kind == "sandbox":
        yield from _sandbox(table)
    if table.id == HOSTING_TABLE:
        for key in ("vcpu_hour", "gb_ram_hour"):
            yield from _in("prices", table, key, ("prices",))
            yield from _scalar(table, key, ("prices", key), "a hosting price")
        yield from _in("assumptions", table, "provisioning", ("assumptions",))
        if not table.machines:
            yield ("machines",), "the hosting table lists the machine sizes a profile may name"
    if table.id == PEOPLE_TABLE:
        yield from _in("assumptions", table, "engineer_cost", ("assumptions",))
    if table.id == STORAGE_TABLE:
        stores = {key.split(".")[0] for key in table.prices}
        if not stores:
            yield ("prices",), "the object-storage table prices at least one store (`<store>.storage`, …)"
        for store in sorted(stores):
            for item in STORAGE_PRICES:
                yield from _in("prices", table, f"{store}.{item}", ("prices",))
                yield from _scalar(table, f"{store}.{item}", ("prices", f"{store}.{item}"), "an object-store price")


def _plans(table: PriceTable) -> Iterator[Gap]:
    for i, plan in enumerate(table.plans):
        for quantity in plan.rate_caps:
            named = table.quantities.get(quantity)
            if named is None or named.per_run is None:
                yield ("plans", i, "rate_caps", quantity), f"{quantity!r} is not a `per_run` quantity of `quantities`"
    capped = [i for i, p in enumerate(table.plans) if p.concurrency is not None]
    if capped and table.concurrency is None:
        yield ("plans", capped[0], "concurrency"), "plans cap concurrency: say which runs hold a slot in `concurrency`"
    spec = table.concurrency
    if spec is not None and spec.also:
        yield from _counts(table, dict.fromkeys(spec.also, 1.0), ("concurrency", "also"))
    if spec is not None and spec.extra_price is not None:
        if not any(spec.extra_price in p.prices for p in table.plans):
            yield ("concurrency", "extra_price"), f"no plan has a price {spec.extra_price!r}"
        yield from _scalar(table, spec.extra_price, ("concurrency", "extra_price"), "extra concurrency")
    if spec is not None and spec.extra_block is not None:
        yield from _in("counting", table, spec.extra_block, ("concurrency", "extra_block"))
        if spec.extra_block in table.counting and _least(table.counting[spec.extra_block]) <= 0:
            yield ("counting", spec.extra_block), "extra slots are sold in blocks of it: it must be above zero"
    for meter in table.meters:
        if meter.price_by == "machine":
            for i, plan in enumerate(table.plans):
                for key, price in plan.prices.items():
                    if key.startswith(f"{meter.price}.") and not isinstance(price, Number):
                        yield ("plans", i, "prices", key), "a price by machine must be one number, not tiers"


def _addons(table: PriceTable) -> Iterator[Gap]:
    meters = {m.id for m in table.meters}
    plans = {p.id for p in table.plans}
    priced = set(table.prices) | {k for p in table.plans for k in p.prices}
    for i, addon in enumerate(table.addons):
        at: tuple[str | int, ...] = ("addons", i)
        for meter in addon.multiplies:
            if meter not in meters:
                yield (*at, "multiplies"), f"{meter!r} is not a meter (have: {', '.join(sorted(meters))})"
        if addon.factor is not None:
            yield from _in("counting", table, addon.factor, (*at, "factor"))
        if addon.price is not None and addon.price not in priced:
            yield (*at, "price"), f"{addon.price!r} is not a price of the table or of a plan"
        for plan in addon.plans:
            if plan not in plans:
                yield (*at, "plans"), f"{plan!r} is not a plan (have: {', '.join(sorted(plans))})"
        if addon.raises_concurrency and table.concurrency is None:
            yield (*at, "raises_concurrency"), "the table has no `concurrency` to raise"


def _features(table: PriceTable) -> Iterator[Gap]:
    """Every feature names a source of the table, and an add-on it names sells on that plan at a
    price; plans go from the smallest to the largest (a tie in cost goes to the later one)."""
    addons = {a.id: a for a in table.addons}
    owners: list[tuple[tuple[str | int, ...], Plan | None]] = [(("plans", i), p) for i, p in enumerate(table.plans)]
    owners.append(((), None))
    for at, plan in owners:
        features = plan.features if plan is not None else table.features
        for key, feature in features.items():
            where = (*at, "features", key)
            if feature.source not in table.sources:
                yield (*where, "source"), f"unknown source {feature.source!r}"
            if feature.addon is None:
                continue
            addon = addons.get(feature.addon)
            if addon is None:
                yield (*where, "addon"), f"{feature.addon!r} is not an add-on (have: {_known(addons)})"
            elif addon.price is None:
                yield (*where, "addon"), f"add-on {feature.addon!r} has no `price` to buy it by"
            elif plan is not None and addon.plans and plan.id not in addon.plans:
                yield (*where, "addon"), f"add-on {feature.addon!r} is not sold on plan {plan.id!r}"
    if table.plans and table.features.items():
        yield ("features",), "a table with plans gives each plan its `features`"
    fees = [(i, p) for i, p in enumerate(table.plans) if p.self_serve]
    for (_, before), (i, plan) in itertools.pairwise(fees):
        if plan.fee.expected < before.fee.expected:
            yield (
                ("plans", i, "fee"),
                (f"plans go from the smallest to the largest: {plan.id!r} costs less than {before.id!r} before it"),
            )


def table_problems(table: PriceTable) -> list[Gap]:
    """Every reference of the table the engine could not follow, with where it is."""
    if table.kind != "option":
        return list(_reference(table))
    gaps: list[Gap] = []
    if not (
        table.meters
        or table.infrastructure.workers
        or table.infrastructure.services
        or table.infrastructure.fixed
        or table.people
    ):
        gaps.append(((), "an option table must price something: `meters`, `infrastructure` or `people`"))
    if RERUNS not in table.counting:
        gaps.append(
            (
                ("counting",),
                f"say in `counting.{RERUNS}` what share of a run's finished inline steps a retry runs again "
                "(0 where each finished step's result is kept; 1 where a retry runs the run's code from its start), "
                "with its source: the model's calls for them are paid again",
            )
        )
    for name, spec in table.quantities.items():
        gaps += _quantity(table, name, spec)
    for generator in (_meters, _history, _limits, _designs, _infrastructure, _plans, _line_keys, _addons, _features):
        gaps += generator(table)
    return gaps


def book_problems(book: PriceBook) -> list[tuple[str, tuple[str | int, ...], str]]:
    """What the tables in force on a date need from each other: every machine size of the hosting
    table priced by every option that prices compute by machine. (table id, path, message)."""
    out: list[tuple[str, tuple[str | int, ...], str]] = []
    stores = {key.split(".")[0] for key in book.tables[STORAGE_TABLE].prices} if STORAGE_TABLE in book.tables else set()
    for table in book.options():
        for i, design in enumerate(table.designs):
            if design.by_reference is not None and design.by_reference.store not in stores:
                out.append(
                    (
                        table.id,
                        ("designs", i, "by_reference", "store"),
                        f"{design.by_reference.store!r} is not a store of {STORAGE_TABLE} "
                        f"(have: {_known(dict.fromkeys(stores))})",
                    )
                )
    if HOSTING_TABLE not in book.tables:
        return out
    machines = set(book.tables[HOSTING_TABLE].machines)
    for table in book.options():
        for i, meter in enumerate(table.meters):
            if meter.price_by != "machine":
                continue
            priced = {k.removeprefix(f"{meter.price}.") for k in table.prices if k.startswith(f"{meter.price}.")}
            missing = sorted(machines - priced)
            if missing:
                out.append(
                    (
                        table.id,
                        ("meters", i, "price"),
                        f"no price for the machine size(s) {', '.join(missing)} of {HOSTING_TABLE} "
                        f"(add `prices.{meter.price}.<machine>`)",
                    )
                )
    return out
