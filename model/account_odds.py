"""How sure the account's answer is: the Monte Carlo of `model.uncertainty` over an account of agents.

One engine call on `draws` x agents rows: each draw is an account of its own (`ACCOUNT` = the draw),
so every option prices the agents together in each draw as `model.account` does once. A table's
number takes one value per draw for every agent (the same price for the whole account); each agent's
own doubts (its ranges, the schema's default doubts) are drawn from streams of its own, so two agents
are not assumed to be wrong the same way. The first agent draws from the streams a profile alone uses:
an account of one agent is that profile's Monte Carlo, draw by draw.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from model.account import AccountEstimate
from model.account_path import account_path
from model.billing import Array
from model.columns import profiles_frame
from model.engine import estimate
from model.strategy import Path
from model.uncertainty import DEFAULT_SEED, Input, MonteCarlo, draw, inputs, spread_of
from model.workload import ACCOUNT
from schema.numbers import Sampled
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

__all__ = ["ACCOUNT_DRAWS", "account_monte_carlo", "account_outlook", "odds_of"]

ACCOUNT_DRAWS = 2_000
"""Draws for an account (each draw prices every agent): enough for shares to a percentage point or so."""


def _agent_inputs(agent: WorkloadProfile, number: int, book: PriceBook, options: Sequence[str]) -> list[Input]:
    """The agent's inputs; its own doubts on streams of its own after the first agent."""
    found = inputs(agent, book, options)
    if number == 0:
        return found
    return [
        inp if inp.item is not None else dataclasses.replace(inp, stream=f"agent{number}:{inp.stream or inp.key}")
        for inp in found
    ]


def account_monte_carlo(
    agents: Sequence[WorkloadProfile],
    book: PriceBook,
    options: Sequence[str],
    *,
    draws: int = ACCOUNT_DRAWS,
    seed: int = DEFAULT_SEED,
    point: Mapping[str, float] | None = None,
    set_aside: Sequence[str] = (),
) -> MonteCarlo:
    """Each option's monthly account bill over `draws` draws: P10, P50, P90 and the share of draws in
    which it is the cheapest of those that run every agent. `point` is each option's account bill at the
    expected values (NaN where it cannot run them all); options `set_aside` are never the cheapest."""
    if draws < 1:
        raise ValueError(f"draws: {draws} must be at least 1")
    count = len(agents)
    frames: list[pd.DataFrame] = []
    table_draws: dict[int, tuple[Input, Array]] = {}
    found_all: list[Input] = []
    for number, agent in enumerate(agents):
        frame = profiles_frame(agent).take(np.zeros(draws, dtype=np.intp))
        for inp in _agent_inputs(agent, number, book, options):
            values = draw(inp, draws, seed)
            if inp.item is not None:
                table_draws.setdefault(id(inp.item), (inp, values))
            else:
                assert inp.field is not None
                frame[inp.field] = values
                found_all.append(inp)
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    frame[ACCOUNT] = np.tile(np.arange(draws, dtype=np.intp), count)
    sampled = Sampled({key: np.tile(values, count) for key, (_, values) in table_draws.items()})
    priced = estimate(frame, book, options, draw=sampled)
    aside = set(set_aside)
    columns = []
    for option in priced.options:
        each = np.asarray(option.comparable, dtype=np.float64).reshape(count, draws)
        whole = np.where(np.isnan(each).any(axis=0), np.nan, each[0])
        columns.append(np.full(draws, np.nan) if option.id in aside else whole)
    totals = np.stack(columns, axis=1)
    found = tuple(inp for inp, _ in table_draws.values()) + tuple(found_all)
    named = [(o.id, o.table.name) for o in priced.options]
    return spread_of(named, totals, dict(point or {}), draws, seed, found)


def odds_of(
    account: AccountEstimate, book: PriceBook, *, draws: int = ACCOUNT_DRAWS, seed: int = DEFAULT_SEED
) -> MonteCarlo:
    """How sure an account's answer is, over the options it was priced on, with the options its answers
    set aside never the cheapest (`account_monte_carlo`)."""
    options = [o.id for o in account.together.options]
    point = {o: account.total(o) if account.applicable(o) else float("nan") for o in options}
    return account_monte_carlo(
        account.agents, book, options, draws=draws, seed=seed, point=point, set_aside=tuple(account.set_aside)
    )


def account_outlook(
    account: AccountEstimate, book: PriceBook, *, draws: int = ACCOUNT_DRAWS, seed: int = DEFAULT_SEED
) -> tuple[MonteCarlo, Path]:
    """How sure the account's answer is (`odds_of`) and its path over the months ahead, over the options
    its answers leave (`model.account_path`)."""
    left = [o.id for o in account.together.options if o.id not in account.set_aside]
    return odds_of(account, book, draws=draws, seed=seed), account_path(account.agents, book, left)
