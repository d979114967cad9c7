"""Several agents on one account: each option prices the account once, then says what each agent's
share of that bill is; and, where no one option is the cheapest way to run them all, the agents
split across two options (a mixed design).

One bill for the account. The agents are rows of one frame sharing an `ACCOUNT` number: every
quantity an option's prices are a function of (metered usage, the runs holding a slot at the peak,
the rate a cap or a fixed service bounds, the machines the workers need, the object store) is the
sum over the account's agents before any allowance, credit, tier, plan or cap applies
(`model.workload.Workload.pooled`); a plan fee, a self-hosted platform and the operations effort are
paid once. Each row then carries the whole account's bill. What each agent's run can and cannot
do stays its own: an option whose limits rule out one agent's run is ruled out for the account.

Each agent's share, line by line: a metered line by the agent's own quantity of that meter; every
other line (plan fee, credits, add-ons, platform, workers, operations) in proportion to what the
agent alone would pay for that line, or, where no agent alone would pay it, to what each alone
would pay in all. The shares of a line add up to it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model.billing import Array
from model.columns import profiles_frame
from model.engine import Estimate, OptionEstimate, estimate
from model.findings import Finding
from model.fit import STATUSES, WORKAROUND
from model.workload import ACCOUNT
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

__all__ = ["MAX_AGENTS", "AccountEstimate", "Mixed", "estimate_account"]

MAX_AGENTS = 8
"""The most agents one account holds (its mixed designs try every split of them in two)."""


@dataclass(frozen=True)
class Mixed:
    """The agents split across two options, each option's account priced on its own agents."""

    first: str
    second: str
    agents_first: tuple[int, ...]
    agents_second: tuple[int, ...]
    first_usd: float
    second_usd: float

    @property
    def total(self) -> float:
        return self.first_usd + self.second_usd


@dataclass(frozen=True)
class AccountEstimate:
    """An account of agents priced together (`together`: every row the account's bill) and each
    agent alone (`alone`: for the shares, and to show what pooling saves)."""

    agents: tuple[WorkloadProfile, ...]
    together: Estimate
    alone: Estimate
    mixed: Mixed | None
    """The cheapest split of the agents across two options, where it is cheaper than every single
    option that can run them all (or where none can)."""
    set_aside: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    """Option id -> why the checklist's answers set it aside: never the cheapest, never in a split."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.agents)

    def option(self, option_id: str) -> OptionEstimate:
        return self.together.option(option_id)

    def total(self, option_id: str) -> float:
        return float(self.option(option_id).total[0])

    def status(self, option_id: str) -> str:
        """The account's fit on the option: the worst of its agents' (a design where one needs it)."""
        found = {str(s) for s in self.option(option_id).status.tolist()}
        return max(found, key=lambda s: STATUSES.index(s))

    def design(self, option_id: str) -> str:
        """The designs some agent is priced as on the option, joined ('' for none)."""
        designs = sorted({part for d in self.option(option_id).design.tolist() for part in str(d).split("+") if part})
        return "+".join(designs)

    def applicable(self, option_id: str) -> bool:
        """The option runs every agent at a public price and the answers do not set it aside."""
        if option_id in self.set_aside:
            return False
        return STATUSES.index(self.status(option_id)) <= STATUSES.index(WORKAROUND)

    def cheapest(self) -> str | None:
        """The option with the lowest account bill among those that can run every agent."""
        runs = [o.id for o in self.together.options if self.applicable(o.id)]
        return min(runs, key=self.total) if runs else None

    def shares(self, option_id: str) -> pd.DataFrame:
        """Each line of the option's account bill split across the agents: one row per line, one
        column per agent (by name), and the line's account cost (`account`)."""
        option, alone = self.option(option_id), self.alone.option(option_id)
        table = option.table
        meters = {m.id: m.reports_as or m.quantity for m in table.meters}
        alone_lines = {ln.key: ln.cost for ln in alone.bill.lines}
        alone_totals = np.asarray(alone.total, dtype=np.float64)
        rows = []
        for line in option.bill.lines:
            cost = float(line.cost[0])
            weights: Array | None = None
            if line.key in meters and meters[line.key] in alone.bill.quantities:
                weights = np.asarray(alone.bill.quantities[meters[line.key]], dtype=np.float64)
            if weights is None or weights.sum() <= 0:
                own = alone_lines.get(line.key)
                weights = np.abs(np.asarray(own, dtype=np.float64)) if own is not None else None
            if weights is None or weights.sum() <= 0:
                weights = alone_totals if alone_totals.sum() > 0 else np.ones(len(self.names))
            split = cost * weights / weights.sum()
            rows.append(
                {"line": line.key, "name": line.name, "account": cost, **dict(zip(self.names, split, strict=True))}
            )
        return pd.DataFrame(rows)

    def agent_totals(self, option_id: str) -> dict[str, float]:
        """Each agent's share of the option's account bill."""
        frame = self.shares(option_id)
        return {name: float(frame[name].sum()) for name in self.names}


def _frame(agents: Sequence[WorkloadProfile], accounts: Sequence[int]) -> pd.DataFrame:
    frame = profiles_frame(list(agents))
    frame[ACCOUNT] = np.asarray(accounts, dtype=np.intp)
    return frame


def _mixed(
    agents: Sequence[WorkloadProfile], book: PriceBook, options: Sequence[str] | None
) -> dict[str, dict[frozenset[int], float]]:
    """Every option's bill for every proper, non-empty subset of the agents (inf where it cannot run
    every agent of the subset at a public price): one estimate, one account number per subset."""
    count = len(agents)
    subsets = [frozenset(c) for size in range(1, count) for c in itertools.combinations(range(count), size)]
    rows: list[WorkloadProfile] = []
    accounts: list[int] = []
    first_row: list[int] = []
    for number, subset in enumerate(subsets):
        first_row.append(len(rows))
        for index in sorted(subset):
            rows.append(agents[index])
            accounts.append(number)
    priced = estimate(_frame(rows, accounts), book, options)
    out: dict[str, dict[frozenset[int], float]] = {}
    for option in priced.options:
        runs = option.applicable
        costs = {}
        for number, subset in enumerate(subsets):
            at = first_row[number]
            every = bool(runs[at : at + len(subset)].all())
            costs[subset] = float(option.total[at]) if every else float("inf")
        out[option.id] = costs
    return out


def _best_split(count: int, costs: dict[str, dict[frozenset[int], float]], to_beat: float) -> Mixed | None:
    whole = frozenset(range(count))
    best: Mixed | None = None
    for first, second in itertools.permutations(costs, 2):
        for subset, cost in costs[first].items():
            if min(subset) != 0:  # each split once: the first agent always on `first`
                continue
            rest = whole - subset
            other = costs[second].get(rest, float("inf"))
            total = cost + other
            if np.isfinite(total) and total < to_beat and (best is None or total < best.total):
                best = Mixed(first, second, tuple(sorted(subset)), tuple(sorted(rest)), cost, other)
    return best


def estimate_account(
    agents: Sequence[WorkloadProfile],
    book: PriceBook,
    options: Sequence[str] | None = None,
    *,
    set_aside: Mapping[str, tuple[Finding, ...]] | None = None,
) -> AccountEstimate:
    """Price the agents as one account on every option (or those named), each agent alone, and the
    cheapest split across two options where that beats every single option. The options `set_aside`
    by the checklist's answers are priced and shown, never named cheapest nor put in a split."""
    if not agents:
        raise ValueError("an account needs at least one agent")
    if len(agents) > MAX_AGENTS:
        raise ValueError(f"an account holds at most {MAX_AGENTS} agents (got {len(agents)})")
    together = estimate(_frame(agents, [0] * len(agents)), book, options)
    alone = estimate(list(agents), book, options)
    aside = dict(set_aside or {})
    account = AccountEstimate(tuple(agents), together, alone, None, aside)
    if len(agents) < 2:
        return account
    single = account.cheapest()
    to_beat = account.total(single) if single is not None else float("inf")
    costs = {k: v for k, v in _mixed(agents, book, options).items() if k not in aside}
    mixed = _best_split(len(agents), costs, to_beat)
    return AccountEstimate(account.agents, together, alone, mixed, aside)
