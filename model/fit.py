"""Fit before price: every option is priced as a design that can run the workload, or it is out.

A run that passes one of an option's hard limits (steps, payload or state size, duration, the
longest wait, CPU time per step, the start rate, concurrency) cannot run on the option as
designed. The table's `designs` are the vendor's documented ways around such limits: a design
that keeps the payloads in an object store and passes references, or one that raises a limit the
vendor lets a team raise. For each profile, a set of designs that gets its run under every hard
limit prices the option that way, named for it ("Acme Cloud, payloads by reference"), with the
design's own lines (the object store's storage, requests and transfer). Where no set does, the
option is ruled out for that profile.

A design is also taken where it is cheaper than the run as designed (payloads kept in a bucket
rather than in a history billed by the GB-hour): so an option's cost is the cheapest way to run
the workload on it that passes its limits, and never falls as the volume or the run grows.
`candidates` returns the sets of designs worth pricing and `merge` the run each profile is priced
on; the engine prices them and picks (`model.engine`). The status per profile: `fits` (as
designed), `workaround` (a design), `not_public` (only a contract plan without a public price
takes it), `ruled_out`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from model.billing import Array, Bools, repeated
from model.limits import LimitProjection, project_limits
from model.usage import Usage
from model.workload import Workload, workload
from schema.meters import Design
from schema.numbers import Pick
from schema.tables import PriceTable

__all__ = [
    "FITS",
    "NOT_PUBLIC",
    "RULED_OUT",
    "STATUSES",
    "WORKAROUND",
    "Candidate",
    "Choice",
    "Status",
    "candidates",
    "design_names",
    "lift",
    "merge",
    "passed",
    "waived",
]

Status = Literal["fits", "workaround", "not_public", "ruled_out"]
FITS: Status = "fits"
WORKAROUND: Status = "workaround"
NOT_PUBLIC: Status = "not_public"
RULED_OUT: Status = "ruled_out"
STATUSES: tuple[Status, ...] = (FITS, WORKAROUND, NOT_PUBLIC, RULED_OUT)
"""From the best to the worst: where several apply to a profile, the worst is its status."""

DESIGN = "design"
"""The column naming each profile's design: design ids joined by `+`, empty as designed."""
OFFLOADED = "offloaded_kb_per_run"
"""The column of what a run keeps in the object store instead of passing it [KB per run]."""
STORE = "store"
"""The column naming the object store a profile's design keeps its payloads in (empty: none)."""


@dataclass(frozen=True)
class Choice:
    """The run each profile is priced on: `work` (its own, or its design's), and per profile the
    ids of the designs applied (`+`-joined, empty as designed)."""

    work: Workload
    design: npt.NDArray[np.object_]

    @property
    def any(self) -> bool:
        return bool((self.design != "").any())


def passed(limits: Sequence[LimitProjection]) -> dict[str, Bools]:
    """Per hard limit, the profiles whose run passes it with nothing in the table's own history
    (Continue-As-New segments) keeping it under."""
    return {x.id: x.exceeded & ~x.lifted for x in limits if x.spec.hard and not x.avoidable}


def _raised_ok(u: Usage, limits: Sequence[LimitProjection], raises: Mapping[str, str]) -> dict[str, Bools]:
    """Per raised limit, the profiles whose value stays within the level a design raises it to."""
    out = {}
    for x in limits:
        key = raises.get(x.id)
        if key is not None:
            number = u.table.number("limits", key)
            level = number.pick(u.fixed) * (x.limit / u.table.number("limits", x.id).pick(u.fixed))
            out[x.id] = x.value <= level
    return out


def waived(design: Design) -> set[str]:
    """The limits a design does not have at all: a design that moves the steps elsewhere (a machine
    product) lifts its limits outright, where one that transforms the run or raises a level does not."""
    if design.by_reference is not None:
        return set()
    return set(design.lifts) - set(design.raises)


def lift(u: Usage, limits: tuple[LimitProjection, ...], design: npt.NDArray[np.object_]) -> tuple[LimitProjection, ...]:
    """The limits with `lifted` set where a profile's designs raise a limit its run passes (and the run
    stays within the raised level) or move the steps where the limit does not apply."""
    if not (design != "").any():
        return limits
    distinct, inverse = np.unique(design.astype(str), return_inverse=True)  # each design read once
    out = []
    for x in limits:
        lifted = np.zeros(len(x.value), dtype=bool)
        for d in u.table.designs:
            key = d.raises.get(x.id)
            outright = x.id in waived(d)
            if key is None and not outright:
                continue
            uses = uses_design(distinct, inverse.reshape(-1), d.id)
            if outright or key is None:
                within = np.ones(len(x.value), dtype=bool)
            else:
                within = _raised_ok(u, [x], {x.id: key})[x.id]
            lifted |= uses & x.exceeded & within
        out.append(replace(x, lifted=lifted) if lifted.any() else x)
    return tuple(out)


def uses_design(distinct: npt.ArrayLike, inverse: npt.NDArray[np.intp], design_id: str) -> Bools:
    """Where a row's designs (ids joined by `+`, as `_transform` writes them) include `design_id`,
    given the column's distinct values and each row's index among them: each value read once.

    >>> uses_design(np.array(["", "a+b", "b"]), np.array([0, 1, 2, 1]), "a").tolist()
    [False, True, False, True]
    """
    return np.array([design_id in str(d).split("+") for d in np.asarray(distinct)], dtype=bool)[inverse]


def _transform(u: Usage, designs: Sequence[Design], rows: int) -> dict[str, npt.NDArray[np.object_] | Array]:
    """The columns a set of designs changes, for every profile."""
    columns: dict[str, npt.NDArray[np.object_] | Array] = {}
    ids = "+".join(d.id for d in designs)
    columns[DESIGN] = repeated(rows, ids)
    moved = next((d.machine for d in designs if d.machine is not None), None)
    if moved is not None:
        # The steps' work runs on the vendor's machine product at the profile's CPU share; the
        # orchestrator's own runtime only calls it and waits.
        columns["machine_cpu_share"] = u.column("step_cpu_share")
        columns["step_cpu_share"] = np.broadcast_to(np.asarray(u.params[moved.cpu_share], dtype=np.float64), (rows,))
    store = next((d.by_reference for d in designs if d.by_reference is not None), None)
    if store is not None:
        steps = u.work.steps
        payload, growth = u.column("step_payload_kb"), u.column("context_growth_kb")
        # What the steps would record (step i carries payload + (i - 1) x growth), or the state the
        # profile says a run keeps, whichever is more: it all moves to the store.
        recorded = steps * payload + growth * steps * np.maximum(steps - 1.0, 0.0) / 2.0
        columns[OFFLOADED] = np.fmax(recorded, u.column("state_kb_per_run"))
        reference = np.broadcast_to(np.asarray(u.params[store.reference_kb], dtype=np.float64), (rows,))
        columns["step_payload_kb"] = np.minimum(reference, payload + growth * np.maximum(steps - 1.0, 0.0))
        columns["context_growth_kb"] = np.zeros(rows)
        columns["state_kb_per_run"] = np.full(rows, np.nan)
        columns[STORE] = repeated(rows, store.store)
    return columns


@dataclass(frozen=True)
class Candidate:
    """A set of a table's designs applied to every profile's run: the columns they change, the run
    so designed, and per profile whether it passes no hard limit (`fits`) and whether every design
    in the set does something for it (`useful`: a raised limit the run passes, payloads to move)."""

    designs: tuple[Design, ...]
    columns: dict[str, npt.NDArray[np.object_] | Array]
    work: Workload
    fits: Bools
    useful: Bools


def candidates(
    work: Workload, table: PriceTable, scenario: Pick, usage: Usage, limits: tuple[LimitProjection, ...]
) -> list[Candidate]:
    """Every set of the table's designs that could be the way some profile's run is priced, smallest
    sets first. A design that raises a limit is useful where the run as designed passes that limit; a
    design that moves payloads to an object store, where the run carries payloads or keeps state."""
    rows = work.rows
    if not table.designs:
        return []
    crossed = passed(limits)
    nothing = np.zeros(rows, dtype=bool)
    carries = (
        (usage.column("step_payload_kb") > 0)
        | (usage.column("context_growth_kb") > 0)
        | (np.nan_to_num(usage.column("state_kb_per_run")) > 0)
    )
    useful_alone: dict[str, Bools] = {}
    for design in table.designs:
        lifts = nothing.copy()
        for limit in design.lifts:
            lifts |= crossed.get(limit, nothing)
        useful_alone[design.id] = lifts | carries if design.by_reference is not None else lifts
    out = []
    for size in range(1, len(table.designs) + 1):
        for combo in itertools.combinations(table.designs, size):
            useful = np.ones(rows, dtype=bool)
            for design in combo:
                useful &= useful_alone[design.id]
            if not useful.any():
                continue
            columns = _transform(usage, combo, rows)
            trial = Usage(workload(work.frame.replaced(columns)), table, scenario)
            tried = project_limits(trial, hard_only=True)
            raises = {k: v for d in combo for k, v in d.raises.items()}
            ok_raised = _raised_ok(trial, tried, raises)
            gone = set().union(*(waived(d) for d in combo))
            still = nothing.copy()
            for x in tried:
                if x.spec.hard and not x.avoidable and x.id not in gone:
                    still |= x.exceeded & ~ok_raised.get(x.id, nothing)
            out.append(Candidate(combo, columns, trial.work, ~still, useful))
    return out


def merge(work: Workload, chosen: Sequence[tuple[Candidate, Bools]]) -> Choice:
    """The run each profile is priced on, given the candidate each takes (rows taking none keep
    their own run)."""
    rows = work.rows
    design = repeated(rows, "")
    replaced: dict[str, npt.NDArray[np.object_] | Array] = {}
    for candidate, take in chosen:
        if not take.any():
            continue
        design[take] = candidate.columns[DESIGN][take]
        for name, values in candidate.columns.items():
            base = replaced.get(name)
            if base is None:
                base = _default(work, name, rows)
            replaced[name] = np.where(take, values, base)
    if not replaced:
        return Choice(work, design)
    return Choice(workload(work.frame.replaced(replaced)), design)


def _default(work: Workload, name: str, rows: int) -> npt.NDArray[np.object_] | Array:
    """A column as the profile has it (a design's own columns: nothing)."""
    if name in (DESIGN, STORE):
        return repeated(rows, "")
    if name == OFFLOADED:
        return np.zeros(rows)
    if name == "machine_cpu_share":
        return np.asarray(work.frame["step_cpu_share"], dtype=np.float64)
    return np.asarray(work.frame[name], dtype=np.float64)


def design_names(table: PriceTable, ids: str) -> str:
    """The names of a profile's designs, as they follow the option's name ("payloads by reference")."""
    named = {d.id: d.name for d in table.designs}
    return ", ".join(named[i] for i in ids.split("+") if i in named)
