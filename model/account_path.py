"""The account's path over the months ahead (`model.strategy` over an account of agents).

The months ahead are the account's (`path:` is shared by every agent): each agent's volume grows from
its own runs at the account's rate (or follows its own forecast, `path.monthly_runs_by_month`, which
then holds for the first agent only: the others grow at no rate). Month t's bill is every agent on
the option priced together at that month's volumes, so plans, tiers and allowances move with the summed
load month by month; setup and migration are one team's work, paid once for the account.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.columns import profiles_frame
from model.engine import estimate
from model.strategy import GROWTH_RATES, Path, efforts, strategies_of, volumes
from model.workload import ACCOUNT
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

__all__ = ["account_path"]


def _volumes(agent: WorkloadProfile, first: WorkloadProfile, growth: float | None) -> np.ndarray:
    """An agent's runs each month: the first agent's as a profile's; another's grown at the account's rate."""
    if agent is first:
        return volumes(agent, growth)
    rate = first.path.growth_percent_per_month if growth is None else growth
    if first.path.monthly_runs_by_month and growth is None:
        rate = 0.0
    return volumes(agent.model_copy(update={"path": first.path.model_copy(update={"monthly_runs_by_month": ()})}), rate)


def account_path(
    agents: Sequence[WorkloadProfile],
    book: PriceBook,
    options: Sequence[str],
    *,
    growth_rates: Sequence[float] = GROWTH_RATES,
) -> Path:
    """Every strategy over the account's horizon: stay on each option, or start on one and migrate to
    another in its best month, with every agent on it; the best at other growth rates."""
    first = agents[0]
    h = first.path.horizon_months
    wanted = set(options)
    opts = [t.id for t in book.options() if t.id in wanted]
    rates = [] if first.path.monthly_runs_by_month else [float(g) for g in growth_rates]
    batches = [None, *rates]
    frames = []
    for agent in agents:
        runs = np.concatenate([_volumes(agent, first, g) for g in batches])
        frame = profiles_frame(agent).take(np.zeros(runs.size, dtype=np.intp))
        frame["monthly_runs"] = runs
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    rows = len(batches) * h
    frame[ACCOUNT] = np.tile(np.arange(rows, dtype=np.intp), len(agents))
    priced = estimate(frame, book, opts, ranges=False)
    batch = len(batches)
    columns = []
    for option in priced.options:
        each = np.asarray(option.comparable, dtype=np.float64).reshape(len(agents), rows)
        columns.append(np.where(np.isnan(each).any(axis=0), np.nan, each[0]).reshape(batch, h))
    cost = np.stack(columns)
    plans = {o.id: o.bill.plan[:h] for o in priced.options}
    names = {o.id: o.table.name for o in priced.options}
    setup, migration = efforts(first, book, opts)
    cut = first.path.cutover_months
    runs = np.sum([_volumes(a, first, None) for a in agents], axis=0)
    return strategies_of(opts, names, plans, runs, rates, cost, setup, migration, cut)
