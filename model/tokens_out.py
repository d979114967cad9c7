"""The model's tokens for one profile, as the JSON contract carries them (`TokensOut`): a month's
calls and tokens, the prices of each kind of token (`TokenRateOut`), the bill, and where a run passes
the model's context window.
"""

from __future__ import annotations

import datetime as dt
import math

from pydantic import BaseModel

from model.engine import Estimate
from model.findings_out import OUT_CONFIG
from model.llm_prices import TokenPrice
from model.tokens import rerun_share
from schema.profile import WorkloadProfile

__all__ = ["TokenRateOut", "TokensOut", "tokens_out"]


class _Out(BaseModel):
    model_config = OUT_CONFIG


class TokenRateOut(_Out):
    """One kind of token's price, USD per million tokens: `base`, or a tier's price for a request whose
    whole input passes the tier's start (the whole request at that rate)."""

    usd_per_mtok: float
    tiers: list[tuple[float, float]] = []
    """(input tokens a request passes, USD per million tokens from then on), lowest first."""
    yours: float | None = None
    """Your contract's price, replacing the list price and its tiers."""


class TokensOut(_Out):
    """The model's monthly bill for this profile: the same on every option (a retried step calls the
    model again on each); `reruns_usd` adds where an option's retries run finished inline steps again."""

    model: str
    """`provider/model`, as the catalogue names it."""
    name: str
    provider: str
    calls_per_month: float
    input_tokens_per_month: float
    cached_input_tokens_per_month: float
    output_tokens_per_month: float
    list_usd: float
    """A month's tokens at the catalogue's list prices."""
    monthly_usd: float
    """What you pay: your contract's prices where given, less your discount."""
    per_run_usd: float | None
    discount_percent: float
    input: TokenRateOut
    cached_input: TokenRateOut
    output: TokenRateOut
    per_request_usd: float
    prices_start: dt.date | None
    """The day these prices took effect, where the catalogue dates them."""
    pricing_url: str | None
    """The provider's pricing page, as the catalogue names it."""
    snapshot: str
    """`genai-prices@<version>`: the snapshot that priced the tokens."""
    snapshot_dated: dt.date | None
    """The snapshot's date (its release), from `data/models.yaml`."""
    source_url: str | None
    largest_input_tokens: float
    """The input of a run's last (largest) call."""
    context_window: float | None = None
    """The most tokens one request to the model may hold, where the catalogue says: a run whose last
    call passes it cannot be run as described (`context_step` says from which step)."""
    context_step: int | None = None
    """The first step whose input and output pass the context window; None when none does."""
    reruns_usd: dict[str, float] = {}
    """Option id -> what it adds a month on top of `monthly_usd`, where its retries re-run a run's finished
    inline steps and so call the model again for them (its table's `inline_retry_reruns_finished_steps`)."""


def _rate(price: TokenPrice, yours: float) -> TokenRateOut:
    return TokenRateOut(
        usd_per_mtok=price.base, tiers=list(price.tiers), yours=None if math.isnan(yours) else float(yours)
    )


def tokens_out(estimate: Estimate, index: int, profile: WorkloadProfile) -> TokensOut | None:
    """The model's bill for profile `index`, or None where it names no model."""
    bill = estimate.tokens
    if bill is None or not profile.model:
        return None
    rate = bill.rates[profile.model]
    models = estimate.book.models
    runs = profile.monthly_runs
    given = estimate.work.frame
    steps = float(estimate.work.steps[index])
    first, growth = profile.input_tokens_per_step, profile.input_token_growth_per_step
    largest = first + max(math.ceil(steps) - 1, 0) * growth
    window = rate.context_window
    step = None
    if window is not None and largest + profile.output_tokens_per_step > window:
        over = window - profile.output_tokens_per_step - first
        step = 1 if over < 0 or growth <= 0 else int(over // growth) + 2
    return TokensOut(
        model=rate.ref,
        name=rate.name,
        provider=rate.provider,
        calls_per_month=float(bill.calls[index]),
        input_tokens_per_month=float(bill.input_tokens[index]),
        cached_input_tokens_per_month=float(bill.cached_input_tokens[index]),
        output_tokens_per_month=float(bill.output_tokens[index]),
        list_usd=float(bill.list_cost[index]),
        monthly_usd=float(bill.cost[index]),
        per_run_usd=float(bill.cost[index]) / runs if runs > 0 else None,
        discount_percent=profile.model_discount_percent,
        input=_rate(rate.input, float(given["input_price_per_mtok"][index])),
        cached_input=_rate(rate.cached_input, float(given["cached_input_price_per_mtok"][index])),
        output=_rate(rate.output, float(given["output_price_per_mtok"][index])),
        per_request_usd=rate.per_request,
        prices_start=rate.starts,
        pricing_url=rate.pricing_url,
        snapshot=rate.package,
        snapshot_dated=models.source.read.dated if models is not None and models.source.read is not None else None,
        source_url=str(models.source.url) if models is not None else None,
        largest_input_tokens=largest,
        context_window=window,
        context_step=step,
        reruns_usd={
            o.id: float(rerun_share(o.table) * bill.reruns_cost[index])
            for o in estimate.options
            if rerun_share(o.table) * bill.reruns_cost[index] > 0
        },
    )
