"""One verdict, the same in every view: which option, how sure, over what horizon, and what could
still change it.

`decide` combines what the engine computed into the one answer every client writes out (the app's
headline, the Outlook and the Checklist, the report's first page, the CLI and the JSON):

- **the option**: the cheapest that can run the workload at a public price and is not set aside by
  the checklist's answers (`model.checklist.set_aside`; those are shown apart, with the rule and
  its source), against the runner-up, the gap split into the vendor's bill, your infrastructure and
  your people;
- **how sure**: the share of the Monte Carlo's draws (prices, estimates and the profile's own doubts)
  in which it is the cheapest; under the criteria's `sure_share` it is too close to call;
- **over what horizon**: the cheapest path over the profile's months ahead, and, when it is another
  option or a migration, why (setup, the bills as the volume grows, a move), said in the same
  sentence;
- **what could still change it**: what would flip it (the break-even of the input that decides it,
  `flip_point`), the questions not answered whose answers would set the option aside, and the
  answers that lean to another vendor, with what following them costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from model.checklist import Leaning, OpenQuestion
from model.crossover import OPS_BOUNDS, OPS_PREFIX, all_crossovers
from model.findings import Finding
from model.findings_out import finding_out
from model.option_out import OptionOut
from model.result import EstimateOut
from model.verdict_out import FlipOut, HorizonOut, LeaningOut, QuestionOut, VerdictOut
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

if TYPE_CHECKING:
    from model.strategy import Path, Strategy
    from model.uncertainty import MonteCarlo

__all__ = ["CATEGORIES", "Flip", "Horizon", "Verdict", "decide", "flip_point", "horizon", "verdict", "verdict_out"]

Category = Literal["vendor", "infrastructure", "people"]
CATEGORIES: tuple[Category, ...] = ("vendor", "infrastructure", "people")
RUNS_RANGE = (1.0, 1e9)


@dataclass(frozen=True)
class Flip:
    """What would flip the verdict: the runner-up becomes the cheaper past `value` of `field`
    (the sentence is the client's: `report.verdict_words.flip_sentence`)."""

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


@dataclass(frozen=True)
class Horizon:
    """The cheapest path over the months ahead, against staying on the option the verdict names."""

    months: int
    best: Strategy
    named_total: float | None
    """Staying on the named option over the horizon [USD]; None when it cannot run every month."""
    why: tuple[Finding, ...] = ()
    """Why another path costs less (`horizon_setup`, `horizon_bills`, `horizon_migration`)."""

    @property
    def saving(self) -> float | None:
        return None if self.named_total is None else self.named_total - self.best.total


@dataclass(frozen=True)
class Verdict:
    best: OptionOut | None
    """The cheapest option that can run the workload at a public price and is not set aside."""
    runner: OptionOut | None
    """The cheapest of the others that can; None when there is none."""
    gap: float
    """How much more the runner-up costs [USD/month]."""
    share: float | None
    """The gap as a share of the runner-up's cost."""
    too_close: bool
    """On these inputs either could be the cheaper: the named option is the cheapest in fewer draws
    than the criteria's sure share (or, without draws, the two low-high ranges overlap)."""
    parts: dict[str, float]
    """The gap by category (runner-up minus cheapest): vendor, infrastructure, people."""
    decided_by: Category | None
    """The category that makes most of the gap."""
    sure: float | None = None
    """The share of draws in which the named option is the cheapest; None without draws."""
    runner_sure: float | None = None
    draws: int = 0
    set_aside: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    """Option id -> why the answers set it aside."""
    open_questions: tuple[OpenQuestion, ...] = ()
    """Questions not answered whose answers would set the named option aside."""
    leanings: tuple[Leaning, ...] = ()
    """Answers that weigh for a vendor other than the named option's."""
    leaning_option: OptionOut | None = None
    """The cheapest option of the vendor the heaviest leaning favours, if that is another vendor."""
    horizon: Horizon | None = None
    flip: Flip | None = None

    @property
    def differs_over_horizon(self) -> bool:
        """The cheapest path over the months ahead is not staying on the named option."""
        h = self.horizon
        return (
            h is not None
            and self.best is not None
            and (h.best.then is not None or h.best.start != self.best.id)
            and h.saving is not None
            and h.saving > 0
        )


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


def _vendor(option_id: str) -> str:
    return option_id.split("/", 1)[0]


def decide(
    result: EstimateOut,
    *,
    mc: MonteCarlo | None = None,
    sure_share: float = 0.75,
    path: Path | None = None,
    flip: Flip | None = None,
    set_aside: Mapping[str, tuple[Finding, ...]] | None = None,
    open_questions: tuple[OpenQuestion, ...] = (),
    leanings: tuple[Leaning, ...] = (),
    vendor_of: Mapping[str, str] | None = None,
) -> Verdict:
    """The one verdict: `result` summarized with the set-aside options marked, `mc` drawn over the
    options that count, `path` over them too (without draws)."""
    plain = verdict(result)
    best = plain.best
    vendor = dict(vendor_of or {})
    sure = runner_sure = None
    too_close = plain.too_close
    if mc is not None and best is not None:
        shares = {s.id: s.cheapest_share for s in mc.options}
        sure = shares.get(best.id, 0.0)
        runner_sure = shares.get(plain.runner.id, 0.0) if plain.runner is not None else None
        too_close = plain.runner is not None and sure < sure_share
    named_vendor = vendor.get(best.id, _vendor(best.id)) if best is not None else None
    asked = tuple(q for q in open_questions if best is not None and q.sets_aside(best.id))
    other = tuple(x for x in leanings if x.vendor != named_vendor)
    leaning_option = None
    if other:
        theirs = [o for o in result.options if o.applicable and vendor.get(o.id, _vendor(o.id)) == other[0].vendor]
        leaning_option = min(theirs, key=lambda o: o.monthly_usd) if theirs else None
    return Verdict(
        best=best,
        runner=plain.runner,
        gap=plain.gap,
        share=plain.share,
        too_close=too_close,
        parts=plain.parts,
        decided_by=plain.decided_by,
        sure=sure,
        runner_sure=runner_sure,
        draws=mc.draws if mc is not None else 0,
        set_aside=dict(set_aside or {}),
        open_questions=asked,
        leanings=other,
        leaning_option=leaning_option,
        horizon=horizon(path, best.id) if path is not None and best is not None else None,
        flip=flip,
    )


def horizon(path: Path, named: str) -> Horizon | None:
    """The cheapest path against staying on `named`, and why it costs less when it is another."""
    best = path.best
    if best is None:
        return None
    stay = path.stay(named)
    named_total = stay.total if stay is not None else None
    why: list[Finding] = []
    if named_total is not None and (best.then is not None or best.start != named):
        months = path.months
        if best.then is not None:
            start = path.stay(best.start)
            why.append(
                Finding(
                    "horizon_migration",
                    {
                        "start": best.start,
                        "then": best.then,
                        "month": best.month,
                        "usd": (start.total - best.total) if start is not None else None,
                    },
                )
            )
        other = best.start if best.then is None else None
        if other is not None:
            setup_gap = path.setup[named] - path.setup[other]
            bills_gap = (named_total - path.setup[named]) - (best.total - path.setup[other])
            if setup_gap > 0:
                why.append(Finding("horizon_setup", {"months": months, "usd": setup_gap}))
            if bills_gap > 0:
                frame = path.monthly
                mine = frame.loc[frame.option == named, "cost_usd"].to_numpy()
                theirs = frame.loc[frame.option == other, "cost_usd"].to_numpy()
                cheaper = np.nonzero(theirs < mine)[0]
                why.append(
                    Finding(
                        "horizon_bills",
                        {
                            "months": months,
                            "usd": bills_gap,
                            "month": int(cheaper[0]) + 1 if cheaper.size else None,
                        },
                    )
                )
    return Horizon(path.months, best, named_total, tuple(why))


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


def verdict_out(v: Verdict) -> VerdictOut:
    """The verdict as the JSON contract carries it."""
    h = v.horizon
    return VerdictOut(
        option=v.best.id if v.best is not None else None,
        runner_up=v.runner.id if v.runner is not None else None,
        gap_usd=v.gap,
        too_close=v.too_close,
        sure_share=v.sure,
        runner_up_share=v.runner_sure,
        draws=v.draws,
        set_aside={k: [finding_out(f) for f in found] for k, found in v.set_aside.items()},
        open_questions=[
            QuestionOut(id=q.id, text=q.text, would={a: list(ids) for a, ids in q.would}) for q in v.open_questions
        ],
        leanings=[
            LeaningOut(
                vendor=x.vendor,
                weight=x.weight,
                question=x.question,
                answer=x.answer,
                reason=x.reason,
                source_title=x.source_title,
                source_url=x.source_url,
            )
            for x in v.leanings
        ],
        horizon=HorizonOut(
            months=h.months,
            strategy=h.best.key,
            month=h.best.month,
            total_usd=h.best.total,
            named_total_usd=h.named_total,
            differs=v.differs_over_horizon,
            why=[finding_out(f) for f in h.why],
        )
        if h is not None
        else None,
        flip=FlipOut(
            field=v.flip.field, value=v.flip.value, current=v.flip.current, runner_up=v.flip.runner, below=v.flip.below
        )
        if v.flip is not None
        else None,
    )
