"""The answer, as sure as its numbers: which option is cheapest, by how much and on what, whether
the ranges let anyone call it, and what would flip it.

`verdict` reads a summarized estimate: the gap between the cheapest option and the runner-up,
split into the vendor's bill, your infrastructure and your people, and whether their low-high
ranges overlap ("too close to call on these inputs"). `flip_point` then finds the input that
decides it with the crossover machinery: the break-even share of an engineer operating one of the
two (when people and machines, not the vendor's bill, make the gap), or the volume at which the
runner-up becomes the cheaper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from model.crossover import OPS_BOUNDS, OPS_PREFIX, all_crossovers
from model.profile import WorkloadProfile
from model.result import EstimateOut, OptionOut
from pricing.schema import PriceBook

__all__ = ["CATEGORIES", "Flip", "Verdict", "flip_point", "verdict"]

Category = Literal["vendor", "infrastructure", "people"]
CATEGORIES: tuple[Category, ...] = ("vendor", "infrastructure", "people")
RUNS_RANGE = (1.0, 1e9)


@dataclass(frozen=True)
class Verdict:
    best: OptionOut | None
    """The cheapest option that can run the workload at a public price; None when none can."""
    runner: OptionOut | None
    """The cheapest of the others that can run the workload; None when there is none."""
    gap: float
    """How much more the runner-up costs [USD/month]."""
    share: float | None
    """The gap as a share of the runner-up's cost."""
    too_close: bool
    """The two low-high ranges overlap: on these inputs either could be the cheaper."""
    parts: dict[str, float]
    """The gap by category (runner-up minus cheapest): vendor, infrastructure, people."""
    decided_by: Category | None
    """The category that makes most of the gap."""


@dataclass(frozen=True)
class Flip:
    """What would flip the verdict: the runner-up becomes the cheaper past `value` of `field`
    (the sentence is the client's: `report.words.flip_sentence`)."""

    field: str
    """`ops_fte.<option>` or `monthly_runs`."""
    value: float
    """Where the two cost the same."""
    current: float
    runner: str
    """The runner-up's id."""
    best: str
    """The cheapest option's id."""
    below: bool
    """The runner-up is the cheaper below `value` (else above it)."""


def _ranked(result: EstimateOut) -> list[OptionOut]:
    """The options that can run the workload at a public price, cheapest first."""
    return sorted((o for o in result.options if o.applicable), key=lambda o: o.monthly_usd)


def verdict(result: EstimateOut) -> Verdict:
    order = _ranked(result)
    if not order:
        return Verdict(None, None, 0.0, None, False, {}, None)
    best = order[0]
    runner = order[1] if len(order) > 1 else None
    if runner is None:
        return Verdict(best, None, 0.0, None, False, {}, None)
    gap = runner.monthly_usd - best.monthly_usd
    share = gap / runner.monthly_usd if runner.monthly_usd > 0 else None
    parts: dict[str, float] = {c: runner.subtotals[c] - best.subtotals[c] for c in CATEGORIES}
    largest: Category = max(CATEGORIES, key=parts.__getitem__)
    decided = largest if gap > 0 else None
    too_close = runner.low_usd <= best.high_usd
    return Verdict(best, runner, gap, share, too_close, parts, decided)


def flip_point(profile: WorkloadProfile, book: PriceBook, result: EstimateOut) -> Flip | None:
    """The input that decides the verdict and its break-even, or None when nothing in range flips it.

    When people or machines make most of the gap, the lever is the share of an engineer operating
    the runner-up (if it has one) or the cheapest; otherwise it is the monthly volume."""
    v = verdict(result)
    if v.best is None or v.runner is None or v.decided_by is None:
        return None
    best, runner = v.best, v.runner
    if v.decided_by in ("people", "infrastructure"):
        for option, lower in ((runner, True), (best, False)):
            people = next((c for c in option.components if c.key == "ops_people"), None)
            if people is None:
                continue
            field = f"{OPS_PREFIX}{option.id}"
            current = people.quantity
            # Where the runner-up becomes the cheaper: below the break-even of its own share, or
            # above the break-even of the cheapest's.
            pair = [best.id, runner.id]
            values = [
                c.value
                for c in all_crossovers(profile, field, book, *OPS_BOUNDS, pair, log=False)
                if (lower and c.value < current and c.cheaper_below == runner.id)
                or (not lower and c.value > current and c.cheaper_above == runner.id)
            ]
            if not values:
                continue
            value = min(values, key=lambda x: abs(x - current))
            return Flip(field, value, current, runner.id, best.id, lower)
    current = profile.monthly_runs
    found = [
        c
        for c in all_crossovers(profile, "monthly_runs", book, *RUNS_RANGE, [best.id, runner.id], log=True)
        if (c.value > current and c.cheaper_above == runner.id) or (c.value < current and c.cheaper_below == runner.id)
    ]
    if not found:
        return None
    nearest = min(found, key=lambda c: abs(c.value - current))
    return Flip("monthly_runs", nearest.value, current, runner.id, best.id, nearest.value < current)
