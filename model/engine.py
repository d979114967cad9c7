"""`estimate()`: every option's monthly cost for one profile or a hundred thousand, in one call.

Each option is priced three times, with every sourced number at the low end of its range, at its
expected value and at the high end; the low and high totals are the least and the most of the
three. Its limits and recorded history are projected under the expected numbers. Everything the
app, the CLI and the reports show comes from an `Estimate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

import model.vendors  # noqa: F401  (registers the vendors' own counts)
from model.billing import Array, Bools, repeated
from model.columns import Columns, lookup, profiles_frame
from model.fit import FITS, NOT_PUBLIC, RULED_OUT, WORKAROUND, Choice, candidates, lift, merge, passed
from model.history import HistoryProjection, history_of
from model.limits import LimitProjection, project_limits
from model.lines import HOSTING_TABLE, PEOPLE_TABLE, OptionBill, machine_names
from model.option_bill import price_option
from model.sandbox import SandboxBill, price_sandboxes
from model.tokens import TokenBill, price_tokens
from model.usage import Usage
from model.workload import Workload, workload
from schema.numbers import Pick, Sampled, Scenario
from schema.profile import WorkloadProfile
from schema.tables import PriceBook, PriceTable

__all__ = [
    "SCENARIOS",
    "Estimate",
    "OptionEstimate",
    "comparable_totals",
    "estimate",
    "project",
    "saving_needed",
    "sized",
]

SCENARIOS: tuple[Scenario, ...] = ("low", "expected", "high")


@dataclass(frozen=True)
class OptionEstimate:
    """One option's monthly cost for every profile: the expected bill and its range, and its
    limits and recorded history under the expected numbers.

    `status` says per profile whether the option can run the workload (`model.fit`): as designed
    (`fits`), as one of its table's designs (`workaround`, `design` naming it), only on a contract
    plan without a public price (`not_public`), or not at all (`ruled_out`). Only the first two
    are ever compared on cost."""

    table: PriceTable
    bill: OptionBill
    low: Array
    high: Array
    line_low: dict[str, Array]
    line_high: dict[str, Array]
    status: npt.NDArray[np.object_]
    design: npt.NDArray[np.object_]
    limits: tuple[LimitProjection, ...] = ()
    designed_limits: tuple[LimitProjection, ...] = ()
    """The limits of the run as designed, where some profile is priced as a design (they say what
    the design gets around); empty otherwise."""
    designed_total: Array | None = None
    """The expected total of the run as designed, where some profile is priced as a design."""
    work: Workload | None = None
    """The runs the option was priced on (its designs' where some profile is priced as one)."""
    history: HistoryProjection | None = None

    @property
    def id(self) -> str:
        return self.table.id

    @property
    def total(self) -> Array:
        return self.bill.total

    @property
    def applicable(self) -> Bools:
        """Per profile: the option can run the workload (as designed or as a design) at a public price."""
        return np.asarray((self.status == FITS) | (self.status == WORKAROUND), dtype=bool)

    @property
    def comparable(self) -> Array:
        """The expected total where the option can run the workload at a public price, NaN elsewhere."""
        if (self.status == FITS).all():
            return self.total
        return np.where(self.applicable, self.total, np.nan)


@dataclass(frozen=True)
class Estimate:
    """The result of `estimate()`: arrays over profiles, one `OptionEstimate` per option."""

    frame: pd.DataFrame
    book: PriceBook
    options: tuple[OptionEstimate, ...]
    work: Workload
    profiles: tuple[WorkloadProfile, ...] | None = None
    tokens: TokenBill | None = None
    """The model's monthly bill beside every option's (the same on each; `model.tokens`)."""
    sandbox: SandboxBill | None = None
    """The sandboxes' monthly bill beside every option's (the same on each; `model.sandbox`)."""

    def __len__(self) -> int:
        return len(self.frame)

    def option(self, option_id: str) -> OptionEstimate:
        for item in self.options:
            if item.id == option_id:
                return item
        raise KeyError(f"no option {option_id!r}; have {', '.join(o.id for o in self.options)}")

    @property
    def history_option(self) -> OptionEstimate | None:
        """The option whose history the JSON contract's top-level `history` describes: the first
        (by id) whose history restarts to stay under its limits (Continue-As-New), where limits
        on history matter most; else the first that records a history."""
        recorded = [o for o in self.options if o.history is not None]
        restarts = [o for o in recorded if o.table.history is not None and o.table.history.segments is not None]
        return next(iter(restarts or recorded), None)

    def totals(self, which: Scenario = "expected") -> pd.DataFrame:
        """Monthly cost [USD/month]: one row per profile, one column per option id."""

        def pick(o: OptionEstimate) -> Array:
            return {"expected": o.total, "low": o.low, "high": o.high}[which]

        return pd.DataFrame({o.id: pick(o) for o in self.options})

    def cheapest(self) -> npt.NDArray[np.object_]:
        """Per profile, the id of the option with the lowest expected monthly cost among those that
        can run the workload at a public price (None where none can)."""
        costs = np.stack([o.comparable for o in self.options], axis=1)
        ids = np.array([o.id for o in self.options], dtype=object)
        found = np.where(np.isnan(costs), np.inf, costs)
        best = np.asarray(ids[np.argmin(found, axis=1)], dtype=object)
        best[~np.isfinite(found.min(axis=1))] = None
        return best

    def lines(self, index: int = 0) -> pd.DataFrame:
        """The line items of every option for one profile, as a long table."""
        rows = []
        for option in self.options:
            for line in option.bill.lines:
                rows.append(
                    {
                        "option": option.id,
                        "component": line.name,
                        "quantity": line.quantity[index],
                        "unit": line.quantity_unit,
                        "unit_price": line.unit_price[index],
                        "price_unit": line.price_unit,
                        "cost": line.cost[index],
                        "low": option.line_low[line.key][index],
                        "high": option.line_high[line.key][index],
                    }
                )
        return pd.DataFrame(rows)


def _spread(values: list[npt.NDArray[np.float64]]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The least and the greatest of the scenarios' arrays, element by element, without stacking
    them (a copy of every scenario's array per line, then a reduction along the short axis)."""
    low, high = np.array(values[0], dtype=np.float64), np.array(values[0], dtype=np.float64)
    for more in values[1:]:
        np.minimum(low, more, out=low)
        np.maximum(high, more, out=high)
    return low, high


def _status(table: PriceTable, bill: OptionBill, limits: tuple[LimitProjection, ...], design: Any) -> Any:
    """Each profile's fit (`model.fit`): the worst of what its run, its plan and its design say."""
    rows = len(bill.plan)
    out = repeated(rows, FITS)
    out[design != ""] = WORKAROUND
    out_of_reach = bill.past_published
    if out_of_reach is not None:
        out[out_of_reach] = NOT_PUBLIC
    if bill.unplanned is not None:
        out[bill.unplanned] = NOT_PUBLIC if table.contract is not None else RULED_OUT
    ruled = np.zeros(rows, dtype=bool)
    for flags in passed(limits).values():
        ruled |= flags
    if bill.unmet is not None:
        ruled |= np.fromiter((u is not None for u in bill.unmet), dtype=bool, count=rows)
    if bill.pinned_refused is not None:
        ruled |= bill.pinned_refused
    out[ruled] = RULED_OUT
    return out


def saving_needed(book: PriceBook, bill: Array, scenario: Pick = "expected") -> Array:
    """What a design the run does not need must save to be taken [USD/month]: a share of the bill,
    and at least a floor (`reference/people`'s `design_saving_share` and `design_saving_usd`). So
    where a limit then forces the design, the cost can fall by no more than that margin. Without
    those numbers, a design is taken only where a limit forces it."""
    people = book.tables.get(PEOPLE_TABLE)
    if people is None or not {"design_saving_share", "design_saving_usd"} <= set(people.assumptions):
        return np.full(len(bill), np.inf)
    share = people.assumptions["design_saving_share"].pick(scenario)
    floor = people.assumptions["design_saving_usd"].pick(scenario)
    return np.asarray(np.maximum(floor, share * bill), dtype=np.float64)


def _choose(
    work: Workload, table: PriceTable, book: PriceBook, main: Pick, bill: OptionBill, usage: Usage, limits: Any
) -> tuple[Choice, tuple[OptionBill, Usage] | None]:
    """Per profile, the cheapest way to run the workload on the option that passes its hard limits:
    as designed, or a set of the table's designs (`model.fit`); as designed where none does. With
    the choice, the bill and usage of the one design every profile takes, when one does (priced
    already, so not priced again)."""
    found = candidates(work, table, main, usage, limits)
    if not found:
        return Choice(work, repeated(work.rows, "")), None
    crossed = passed(limits)
    fits = ~np.logical_or.reduce([*crossed.values(), np.zeros(work.rows, dtype=bool)])
    best = np.where(fits, bill.total, np.inf)
    taken = np.full(work.rows, -1)
    priced: dict[int, tuple[OptionBill, Usage]] = {}
    for index, candidate in enumerate(found):
        open_ = candidate.fits & candidate.useful
        if not open_.any():
            continue
        priced[index] = price_option(candidate.work, table, book, main)
        total = np.where(open_, priced[index][0].total, np.inf)
        margin = np.where(np.isfinite(best), saving_needed(book, np.where(np.isfinite(best), best, 0.0), main), 0.0)
        better = total < best - margin
        best = np.where(better, total, best)
        taken = np.where(better, index, taken)
    choice = merge(work, [(c, taken == i) for i, c in enumerate(found)])
    first = int(taken[0])
    if first >= 0 and bool(np.all(taken == first)):  # one design for every profile: its run as priced
        return Choice(found[first].work, choice.design), priced[first]
    return choice, None


def _price(
    work: Workload, table: PriceTable, book: PriceBook, ranges: bool = True, draw: Sampled | None = None
) -> OptionEstimate:
    main: Pick = "expected" if draw is None else draw
    bill, usage = price_option(work, table, book, main)
    limits = project_limits(usage, hard_only=not ranges)
    choice, taken = _choose(work, table, book, main, bill, usage, limits)
    designed: tuple[LimitProjection, ...] = ()
    designed_total = None
    if choice.any:
        designed = limits if ranges else ()
        designed_total = bill.total
        work = choice.work
        bill, usage = taken if taken is not None else price_option(work, table, book, main)
        limits = lift(usage, project_limits(usage, hard_only=not ranges), choice.design)
    scenarios: tuple[Pick, ...] = SCENARIOS if ranges else ()
    bills = {main: bill, **{s: price_option(work, table, book, s)[0] for s in scenarios if s != main}}
    costs = [{ln.key: ln.cost for ln in b.lines} for b in bills.values()]
    low, high = _spread([b.total for b in bills.values()])
    line_low, line_high = {}, {}
    for line in bill.lines:
        line_low[line.key], line_high[line.key] = _spread([c[line.key] for c in costs])
    return OptionEstimate(
        table=table,
        bill=bill,
        low=low,
        high=high,
        line_low=line_low,
        line_high=line_high,
        status=_status(table, bill, limits, choice.design),
        design=choice.design,
        limits=limits if ranges else (),
        designed_limits=designed,
        designed_total=designed_total,
        work=work,
        history=history_of(usage) if ranges and table.history is not None else None,
    )


def sized(columns: Columns, book: PriceBook) -> Columns:
    """The columns with each profile's machine size read from the hosting table (`machine_vcpu`,
    `machine_memory_gb`): what counts of machine time need. Unchanged when the book has no hosting
    table or a machine is unknown (pricing then says which)."""
    if HOSTING_TABLE not in book.tables or "machine" not in columns:
        return columns
    machines = book.tables[HOSTING_TABLE].machines
    unique, _ = columns.categories("machine")
    names = machine_names(book)
    if any(str(m) not in machines and str(m) in names for m in unique):  # a vendor's name for a size
        columns = columns.replaced(
            {"machine": np.array([names.get(str(m), str(m)) for m in columns["machine"]], dtype=object)}
        )
        unique, _ = columns.categories("machine")
    if any(str(m) not in machines for m in unique):
        return columns
    vcpu = lookup(columns, "machine", {k: m.vcpu.expected for k, m in machines.items()})
    memory = lookup(columns, "machine", {k: m.memory_gb.expected for k, m in machines.items()})
    return columns.replaced({"machine_vcpu": vcpu, "machine_memory_gb": memory})


def project(profiles: WorkloadProfile | pd.DataFrame, book: PriceBook) -> dict[str, tuple[LimitProjection, ...]]:
    """Every option's per-run limits for every profile, without pricing anything (the limit
    curves over steps need these alone)."""
    frame = profiles_frame(profiles)
    work = workload(sized(Columns(frame), book))
    return {t.id: project_limits(Usage(work, t, "expected")) for t in book.options()}


def estimate(
    profiles: WorkloadProfile | Iterable[WorkloadProfile] | pd.DataFrame,
    book: PriceBook,
    options: Sequence[str] | None = None,
    *,
    ranges: bool = True,
    draw: Sampled | None = None,
) -> Estimate:
    """Price every option (or those named) for every profile.

    `profiles` is one profile, several, or a DataFrame with a column per profile field (missing
    columns take the defaults): a sweep of 100,000 profiles is one call. With `ranges=False` only
    the expected scenario is priced and no limits are projected (a third of the work; low and high
    then equal it), for callers that need the expected cost alone, such as root finding. With a
    `draw` (`model.uncertainty`), each row is priced on its own drawn numbers instead, without ranges.
    Raises
    `schema.profile.ProfileError` for values no option can price (an unknown machine, say).
    """
    kept: tuple[WorkloadProfile, ...] | None = None
    if isinstance(profiles, WorkloadProfile):
        kept = (profiles,)
    elif not isinstance(profiles, pd.DataFrame):
        kept = tuple(profiles)
    frame = profiles_frame(kept if kept is not None else profiles)
    tables = book.options()
    if options is not None:
        wanted = set(options)
        unknown = wanted - {t.id for t in tables}
        if unknown:
            raise KeyError(f"unknown option(s) {', '.join(sorted(unknown))}; have {', '.join(t.id for t in tables)}")
        tables = [t for t in tables if t.id in wanted]
    work = workload(sized(Columns(frame), book))
    if draw is not None:
        ranges = False
    priced = tuple(_price(work, table, book, ranges, draw) for table in tables)
    tokens = price_tokens(work.frame, work.steps, work.attempts_per_step, book.as_of)
    sandbox = price_sandboxes(work, book)
    return Estimate(frame=frame, book=book, options=priced, work=work, profiles=kept, tokens=tokens, sandbox=sandbox)


def comparable_totals(columns: Columns, book: PriceBook, options: Sequence[str]) -> npt.NDArray[np.float64]:
    """The expected monthly cost of each option (NaN where it cannot run the workload), shape
    (rows, options), from columns already checked: the inner loop of a root finder, with no
    DataFrame and no range."""
    work = workload(sized(columns, book))
    tables = {t.id: t for t in book.options()}
    return np.stack([_price(work, tables[option], book, False).comparable for option in options], axis=1)
