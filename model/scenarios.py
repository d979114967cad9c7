"""A set of scenarios priced together: one `estimate()` call for every scenario and option."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.axes import compared
from model.columns import profiles_frame
from model.engine import estimate
from model.result import EstimateOut, summarize
from model.verdict import verdict
from model.workload import ACCOUNT
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

__all__ = ["AccountScenario", "ScenarioResult", "account_groups", "compare_account_scenarios", "compare_scenarios"]


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


@dataclass(frozen=True)
class AccountScenario:
    """One scenario of an account: every option's bill for all its agents together."""

    name: str
    agents: tuple[str, ...]
    totals: dict[str, float]
    """Option id -> the account's monthly bill (NaN where some agent cannot run there at a public price)."""
    names: dict[str, str]
    cheapest: str | None


def compare_account_scenarios(
    scenarios: Sequence[tuple[str, Sequence[WorkloadProfile]]], book: PriceBook, options: Sequence[str] | None = None
) -> list[AccountScenario]:
    """Each named scenario as an account of its agents, all priced in one call (each scenario an account
    of its own), on the options given (every option when None)."""
    agents = [agent for _, group in scenarios for agent in group]
    frame = profiles_frame(agents)
    frame[ACCOUNT] = np.repeat(np.arange(len(scenarios), dtype=np.intp), [len(group) for _, group in scenarios])
    priced = estimate(frame, book, options)
    ends = np.cumsum([0, *(len(group) for _, group in scenarios)])
    out = []
    for i, (name, group) in enumerate(scenarios):
        rows = slice(int(ends[i]), int(ends[i + 1]))
        totals = {}
        for option in priced.options:
            each = np.asarray(option.comparable[rows], dtype=np.float64)
            totals[option.id] = float("nan") if np.isnan(each).any() else float(each[0])
        runs = {k: v for k, v in totals.items() if np.isfinite(v)}
        out.append(
            AccountScenario(
                name,
                tuple(a.name for a in group),
                totals,
                {o.id: o.table.name for o in priced.options},
                min(runs, key=runs.__getitem__) if runs else None,
            )
        )
    return out


def account_groups(
    scenarios: Sequence[tuple[str, WorkloadProfile]], others: Sequence[WorkloadProfile], shared: Sequence[str]
) -> list[tuple[str, list[WorkloadProfile]]]:
    """Each scenario as an account: its profile first, then the other agents, each taking the scenario's
    `shared` fields (the account's: options, team, requirements, terms, path)."""
    return [
        (name, [profile, *(a.model_copy(update={f: getattr(profile, f) for f in shared}) for a in others)])
        for name, profile in scenarios
    ]
