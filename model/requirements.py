"""What the engine needs from a table: every quantity, count, coefficient, price, limit and
assumption its meters, history, limits, infrastructure and people name must exist.

`table_problems` returns each gap as (YAML path, message); the loader turns them into problems
that name the file and the line, so a table missing a count fails `tco pricing validate` (and
loading), never `tco compare`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import model.vendors  # noqa: F401  (registers the vendors' own counts)
from model.lines import HOSTING_TABLE, PEOPLE_TABLE
from model.units import in_base_unit
from model.usage import COUNTS, DERIVED
from pricing.schema import Coefficient, Number, PriceTable, QuantitySpec

__all__ = ["Gap", "table_problems"]

Gap = tuple[tuple[str | int, ...], str]
"""(YAML path, what is wrong)."""

_MEASURE_UNITS = {
    "events": {"events", "count"},
    "history_bytes": {"bytes"},
    "payload_bytes": {"bytes"},
    "run_seconds": {"s"},
    "step_seconds": {"s"},
    "wait_seconds": {"s"},
    "concurrent_runs": {"concurrent runs", "count", "runs"},
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
        yield from _params(table, definition.params, (*at, name), f"count {name!r}")
        if definition.needs_history and table.history is None:
            yield (*at, name), f"count {name!r} needs the table's `history`"
        if name == "segment_restarts" and table.history is not None and table.history.segments is None:
            yield (*at, name), "count 'segment_restarts' needs `history.segments`"


def _params(table: PriceTable, params: tuple[str, ...], at: tuple[str | int, ...], what: str) -> Iterator[Gap]:
    for key in params:
        if key not in table.counting:
            yield at, f"{what} reads `counting.{key}`, which this table does not have"


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
            yield (*at, "derived"), (
                f"unknown derived quantity {spec.derived!r}; the engine derives: {', '.join(sorted(DERIVED))}"
            )
        else:
            yield from _params(table, definition.params, (*at, "derived"), f"{spec.derived!r}")
            if definition.needs_history and table.history is None:
                yield (*at, "derived"), f"{spec.derived!r} needs the table's `history`"
    yield from _in("counting", table, spec.granule, (*at, "granule"))


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
    yield from _counts(table, spec.events, ("history", "events"))
    yield from _counts(table, spec.payloads, ("history", "payloads"))
    yield from _in("counting", table, spec.event_bytes, ("history", "event_bytes"))
    for i, key in enumerate(spec.child_events):
        yield from _in("counting", table, key, ("history", "child_events", i))
    if spec.segments is not None:
        for field in ("events", "size_mb", "restart_events"):
            yield from _in("counting", table, getattr(spec.segments, field), ("history", "segments", field))



def _limits(table: PriceTable) -> Iterator[Gap]:
    if table.retention is not None:
        yield from _in("limits", table, table.retention.min, ("retention", "min"))
        yield from _in("limits", table, table.retention.max, ("retention", "max"))
    for i, limit in enumerate(table.run_limits):
        at: tuple[str | int, ...] = ("run_limits", i)
        for field in ("id", "warning"):
            key = getattr(limit, field)
            yield from _in("limits", table, key, (*at, field))
            if key in table.limits and limit.measure in _MEASURE_UNITS:
                base = in_base_unit(table.limits[key].unit.value)[0]
                if base not in _MEASURE_UNITS[limit.measure]:
                    yield (*at, field), (
                        f"`limits.{key}` is in {table.limits[key].unit.value!r}, which cannot bound {limit.measure}"
                    )
        if limit.measure in ("events", "history_bytes") and table.history is None:
            yield (*at, "measure"), f"a limit on {limit.measure} needs the table's `history`"
        if limit.blocks and not limit.advice:
            yield (*at, "advice"), "a limit that `blocks` says why in `advice` (it is the reason shown)"
        if limit.quantity is not None:
            spec = table.quantities.get(limit.quantity)
            if spec is None or spec.per_run is None:
                yield (*at, "quantity"), f"{limit.quantity!r} is not a `per_run` quantity of `quantities`"


def _infrastructure(table: PriceTable) -> Iterator[Gap]:
    infra = table.infrastructure
    needs = set()
    if infra.workers is not None:
        needs.add(HOSTING_TABLE)
        yield from _in("assumptions", table, infra.workers.min_vcpu, ("infrastructure", "workers", "min_vcpu"))
        yield from _in("assumptions", table, infra.workers.min_memory_gb,
                       ("infrastructure", "workers", "min_memory_gb"))
    for i, service in enumerate(infra.services):
        needs.add(HOSTING_TABLE)
        yield from _in("assumptions", table, service.vcpu, ("infrastructure", "services", i, "vcpu"))
        yield from _in("assumptions", table, service.memory_gb, ("infrastructure", "services", i, "memory_gb"))
    for i, fixed in enumerate(infra.fixed):
        at: tuple[str | int, ...] = ("infrastructure", "fixed", i)
        yield from _in("assumptions", table, fixed.monthly, (*at, "monthly"))
        if fixed.load is not None:
            spec = table.quantities.get(fixed.load.quantity)
            if spec is None or spec.per_run is None:
                yield (*at, "load", "quantity"), f"{fixed.load.quantity!r} is not a `per_run` quantity of `quantities`"
            yield from _in("assumptions", table, fixed.load.up_to, (*at, "load", "up_to"))
    if table.people is not None:
        needs.add(PEOPLE_TABLE)
        yield from _in("assumptions", table, table.people, ("people",))
    for ref in sorted(needs - set(table.uses)):
        yield ("uses",), f"this table prices with {ref!r}: list it in `uses`"


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
    if spec is not None and spec.extra_price is not None and not any(spec.extra_price in p.prices for p in table.plans):
        yield ("concurrency", "extra_price"), f"no plan has a price {spec.extra_price!r}"


def table_problems(table: PriceTable) -> list[Gap]:
    """Every reference of the table the engine could not follow, with where it is."""
    if table.kind != "option":
        return []
    gaps: list[Gap] = []
    if not (table.meters or table.infrastructure.workers or table.infrastructure.services
            or table.infrastructure.fixed or table.people):
        gaps.append(((), "an option table must price something: `meters`, `infrastructure` or `people`"))
    for name, spec in table.quantities.items():
        gaps += _quantity(table, name, spec)
    for generator in (_meters, _history, _limits, _infrastructure, _plans):
        gaps += generator(table)
    return gaps
