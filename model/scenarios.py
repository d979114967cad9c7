"""A set of scenarios priced together: one `estimate()` call for every scenario and option."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from model.analysis import compared
from model.engine import estimate
from model.profile import WorkloadProfile
from model.result import EstimateOut, summarize
from model.verdict import verdict
from pricing.schema import PriceBook

__all__ = ["ScenarioResult", "compare_scenarios"]


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    result: EstimateOut
    cheapest: str | None
    """The id of the option that is cheapest in this scenario among those that can run it (None
    when none can)."""
    too_close: bool
    """The cheapest's range overlaps the runner-up's: too close to call on these inputs."""


def compare_scenarios(scenarios: Sequence[tuple[str, WorkloadProfile]], book: PriceBook) -> list[ScenarioResult]:
    """Each named scenario's full result, the options each compares, all priced in one call."""
    wanted = [compared(profile, book) for _, profile in scenarios]
    union = [t.id for t in book.options() if any(t.id in w for w in wanted)]
    priced = estimate([profile for _, profile in scenarios], book, union)
    out = []
    for i, ((name, _), mine) in enumerate(zip(scenarios, wanted, strict=True)):
        full = summarize(priced, i)
        result = full.model_copy(update={"options": [o for o in full.options if o.id in mine]})
        said = verdict(result)
        out.append(ScenarioResult(name, result, said.best.id if said.best is not None else None, said.too_close))
    return out
