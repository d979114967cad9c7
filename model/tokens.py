"""What the agent's model calls cost, beside the orchestrator: the same on every option.

Every attempt of a step calls the model once: a retried step calls it again on every option. A
step that finished is checkpointed on every option that does not say otherwise: its result handed
back on a replay or a resume, its call not made again. An option whose retries run a run's code
again from its start (its table's `counting.inline_retry_reruns_finished_steps`) calls the model
again for the inline steps before the retried one: `TokenBill.reruns_cost` is that extra for an
option that re-runs all of them (`model/llm_prices.py` says whose prices). Step n of a
run sends the first step's input plus n - 1 times the growth; of that input, the cached tokens (the
first step's, plus n - 1 times their own growth: the conversation so far, a prefix the provider
has cached) are read from the provider's prompt cache. A request whose whole input passes a tier's start pays that
tier's rate for all of its tokens (the providers' cliff tiers, as `genai-prices` prices them), so a
growing conversation is priced step by step: the steps are split at each tier's start and each
span summed in closed form, for any number of profiles at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.billing import Array
from model.columns import Columns, column
from model.llm_prices import ModelRate, TokenPrice, UnknownModel, model_rate
from schema.profile import ProfileError
from schema.tables import PriceTable

__all__ = ["RERUNS", "TokenBill", "price_tokens", "rerun_share", "tokens_per_run"]

RERUNS = "inline_retry_reruns_finished_steps"
"""A table's counting number: the share of a run's finished inline steps a retry re-runs (1: the
run's code starts again from the beginning; 0: each finished step's result is kept). Every option
table states it, from its docs (`model.requirements` refuses one that does not)."""

PER_MILLION = 1e6


@dataclass(frozen=True)
class TokenBill:
    """The model's monthly bill per profile (0 where a profile names no model)."""

    calls: Array
    """Model calls a month: steps x attempts x runs."""
    input_tokens: Array
    cached_input_tokens: Array
    output_tokens: Array
    list_cost: Array
    """At the catalogue's list prices (tiers included)."""
    cost: Array
    """What you pay: your contract's prices where given, less your discount."""
    reruns_cost: Array
    """What re-running a run's finished steps before every retried step would add a month (at your
    prices): 0 where the steps are tasks of their own. An option whose retries re-run finished
    inline steps (its table's `counting.inline_retry_reruns_finished_steps`) adds that share of it."""
    rates: Mapping[str, ModelRate]
    """Model reference as given -> its rates, for every model some profile names."""
    refs: np.ndarray
    """Each profile's model reference as given ('' for none)."""


def rerun_share(table: PriceTable) -> float:
    """The share of a run's finished inline steps the option re-runs when it retries one."""
    number = table.counting.get(RERUNS)
    return float(number.expected) if number is not None else 0.0


def _steps_upto(threshold: float, first: Array, growth: Array, steps: Array) -> Array:
    """How many of a run's steps send at most `threshold` input tokens (step n sends
    first + (n - 1) x growth)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = np.floor((threshold - first) / growth) + 1
    flat = np.where(first <= threshold, steps, 0.0)
    return np.clip(np.where(growth > 0, rising, flat), 0.0, steps)


def _input_sum(k: Array, first: Array, growth: Array) -> Array:
    """Input tokens of a run's first k steps."""
    return k * first + growth * k * (k - 1) / 2


def _breaks(*prices: TokenPrice) -> list[float]:
    return sorted({start for price in prices for start, _ in price.tiers})


def _power_sums(low: Array, high: Array) -> tuple[Array, Array, Array]:
    """(count, sum of k, sum of k squared) over the steps k in (low, high]."""

    def upto(n: Array) -> tuple[Array, Array, Array]:
        return n, n * (n + 1) / 2, n * (n + 1) * (2 * n + 1) / 6

    (n1, s1, q1), (n0, s0, q0) = upto(high), upto(low)
    return n1 - n0, s1 - s0, q1 - q0


def _per_run(
    rate: ModelRate,
    first: Array,
    growth: Array,
    cached: tuple[Array, Array],
    output: Array,
    steps: Array,
    given: dict[str, Array],
) -> tuple[Array, Array, Array]:
    """(list cost, cost at your prices, rerun cost at your prices) of one run's model calls, one attempt
    per step. The rerun cost is what re-running every step finished before each step costs once:
    the sum over steps k of step k's call times the S - k steps after it."""
    bounds = [-np.inf, *_breaks(rate.input, rate.cached_input, rate.output), np.inf]
    listed = np.zeros_like(first)
    yours = np.zeros_like(first)
    reruns = np.zeros_like(first)
    below = np.zeros_like(first)
    cached_first, cached_growth = cached
    for low, high in itertools.pairwise(bounds):
        upto = steps if high == np.inf else _steps_upto(high, first, growth, steps)
        count, sum_k, sum_k2 = _power_sums(below, upto)
        below = upto
        # every request of the span (low, high] pays the rate of its upper end
        point = high if high != np.inf else (float(np.nextafter(low, np.inf)) if low != -np.inf else 0.0)
        p_in, p_cached, p_out = rate.input.at(point), rate.cached_input.at(point), rate.output.at(point)
        mine: tuple[Any, Any, Any] = (
            np.where(np.isnan(given["input"]), p_in, given["input"]),
            np.where(np.isnan(given["cached"]), p_cached, given["cached"]),
            np.where(np.isnan(given["output"]), p_out, given["output"]),
        )
        listed_prices: tuple[Any, Any, Any] = (p_in, p_cached, p_out)
        for prices, into in ((listed_prices, "listed"), (mine, "yours")):
            q_in, q_cached, q_out = prices
            # step k's call costs a0 + a1 k: its uncached and cached input grow linearly with k
            a0 = (
                (first - cached_first - (growth - cached_growth)) * q_in
                + (cached_first - cached_growth) * q_cached
                + output * q_out
            ) / PER_MILLION + rate.per_request
            a1 = ((growth - cached_growth) * q_in + cached_growth * q_cached) / PER_MILLION
            plain = a0 * count + a1 * sum_k
            if into == "listed":
                listed += plain
            else:
                yours += plain
                reruns += a0 * steps * count + (a1 * steps - a0) * sum_k - a1 * sum_k2
    return listed, yours, reruns


def tokens_per_run(frame: Columns, steps: Array) -> tuple[Array, Array, Array]:
    """(input, cached input, output) tokens of one run, one attempt per step."""
    first = column(frame, "input_tokens_per_step")
    growth = column(frame, "input_token_growth_per_step")
    cached = column(frame, "cached_input_tokens_per_step"), column(frame, "cached_input_token_growth_per_step")
    return (
        _input_sum(steps, first, growth),
        _input_sum(steps, *cached),
        steps * column(frame, "output_tokens_per_step"),
    )


def price_tokens(frame: Columns, steps: Array, attempts_per_step: Array, on: dt.date) -> TokenBill:
    """Every profile's monthly model bill, at the catalogue's prices on `on`. Raises `ProfileError`
    for a model the catalogue does not have, with the nearest names it has."""
    rows = frame.rows
    refs = np.asarray(frame["model"]) if "model" in frame else np.full(rows, "", dtype=str)
    calls_per_run = steps * attempts_per_step
    runs = column(frame, "monthly_runs")
    listed = np.zeros(rows)
    yours = np.zeros(rows)
    reruns = np.zeros(rows)
    rates: dict[str, ModelRate] = {}
    given = {
        "input": column(frame, "input_price_per_mtok"),
        "cached": column(frame, "cached_input_price_per_mtok"),
        "output": column(frame, "output_price_per_mtok"),
    }
    first = column(frame, "input_tokens_per_step")
    growth = column(frame, "input_token_growth_per_step")
    cached = column(frame, "cached_input_tokens_per_step"), column(frame, "cached_input_token_growth_per_step")
    output = column(frame, "output_tokens_per_step")
    unique, inverse = frame.categories("model") if "model" in frame else (np.array([""]), np.zeros(rows, int))
    for index, ref in enumerate(unique.tolist()):
        if not ref:
            continue
        try:
            rate = model_rate(str(ref), on)
        except UnknownModel as exc:
            raise ProfileError([("model", str(ref), str(exc))]) from None
        rates[str(ref)] = rate
        mask = inverse == index
        at = np.flatnonzero(mask)
        part_list, part_yours, part_reruns = _per_run(
            rate,
            first[at],
            growth[at],
            (cached[0][at], cached[1][at]),
            output[at],
            steps[at],
            {k: v[at] for k, v in given.items()},
        )
        listed[at] = part_list
        yours[at] = part_yours
        reruns[at] = part_reruns
    scale = attempts_per_step * runs
    input_tokens, cached_tokens, output_tokens = tokens_per_run(frame, steps)
    discount = 1 - column(frame, "model_discount_percent") / 100
    inline = (np.asarray(frame["step_kind"]) == "inline").astype(np.float64) if "step_kind" in frame else np.zeros(rows)
    named = refs != ""
    return TokenBill(
        calls=np.where(named, calls_per_run * runs, 0.0),
        input_tokens=np.where(named, input_tokens * scale, 0.0),
        cached_input_tokens=np.where(named, cached_tokens * scale, 0.0),
        output_tokens=np.where(named, output_tokens * scale, 0.0),
        list_cost=listed * scale,
        cost=yours * scale * discount,
        reruns_cost=reruns * inline * column(frame, "retry_rate") * runs * discount,
        rates=rates,
        refs=refs,
    )
