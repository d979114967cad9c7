"""What runs beside the orchestrator, in words and figures: the model's tokens and the sandboxes,
what they add to each option's bill, what cannot run as described, and the lines a comparison
lists under the options."""

from __future__ import annotations

import datetime as dt

from model.option_out import OptionOut
from model.result import EstimateOut
from model.tokens_out import TokenRateOut
from model.verdict import Verdict
from report.option_words import checked_text, option_name, option_names
from report.words import elapsed, many, money, number

__all__ = [
    "TOKENS_NOTE",
    "adding",
    "beside_lines",
    "beside_sentence",
    "beside_usd",
    "beside_warnings",
    "context_warning",
    "sandbox_lines",
    "tokens_lines",
    "tokens_source",
    "whole_cost",
]


TOKENS_NOTE = (
    "the same on every option that keeps a finished step's result: every attempt of a step calls the model once"
)


def beside_usd(option: OptionOut, result: EstimateOut) -> float:
    """What runs beside the orchestrator a month on `option`: the model's tokens (and what its retries
    add where they re-run finished inline steps) and the sandboxes; 0 where the profile names neither."""
    t, b = result.tokens, result.sandbox
    tokens = 0.0 if t is None else t.monthly_usd + t.reruns_usd.get(option.id, 0.0)
    return tokens + (0.0 if b is None else b.monthly_usd)


def whole_cost(option: OptionOut, result: EstimateOut) -> float:
    """The whole cost of running the agent on `option`: its bill and what runs beside it."""
    return option.monthly_usd + beside_usd(option, result)


def adding(parts: list[tuple[str, float]], cents: bool = True) -> str:
    """What several things beside the orchestrator add, in words: "The model's tokens add $X" or "The
    model's tokens ($X) and E2B sandboxes ($Y) add $Z".

    >>> adding([("the model's tokens", 5692.5)]), adding([("the model's tokens", 10.0), ("E2B sandboxes", 2.5)])
    ("The model's tokens add $5,692.50", "The model's tokens ($10.00) and E2B sandboxes ($2.50) add $12.50")
    """
    if len(parts) == 1:
        what, usd = parts[0]
        return f"{what[:1].upper()}{what[1:]} add {money(usd, cents)}"
    named = " and ".join(f"{what} ({money(usd, cents)})" for what, usd in parts)
    return f"{named[:1].upper()}{named[1:]} add {money(sum(u for _, u in parts), cents)}"


def _beside_parts(result: EstimateOut) -> list[tuple[str, float]]:
    parts = []
    if result.tokens is not None:
        parts.append(("the model's tokens", result.tokens.monthly_usd))
    if result.sandbox is not None:
        parts.append((result.sandbox.name, result.sandbox.monthly_usd))
    return parts


def beside_sentence(v: Verdict, result: EstimateOut) -> str | None:
    """What runs beside the orchestrator (the model's tokens, the sandboxes), and the orchestrator's share
    of the whole, for the named option (short: the headline's second line); None when the profile names
    neither."""
    parts = _beside_parts(result)
    if not parts:
        return None
    what = adding(parts) + " a month on every option"
    best = v.best
    if best is None:
        return what + "."
    t = result.tokens
    extra = t.reruns_usd.get(best.id, 0.0) if t is not None else 0.0
    if extra > 0:
        what += f", {money(extra)} more on {option_name(best)} (its retries re-run the finished inline steps)"
    whole = whole_cost(best, result)
    share = best.monthly_usd / whole if whole > 0 else 0.0
    return f"{what}; with them, {option_name(best)} is {share:.1%} of the whole ({money(whole)} a month)."


def context_warning(result: EstimateOut) -> str | None:
    """A run whose calls outgrow the model's context window, in words; None when they fit."""
    t = result.tokens
    if t is None or t.context_step is None or t.context_window is None:
        return None
    return (
        f"Step {t.context_step:,} of a run would send {t.provider} {t.name} more than its context window of "
        f"{number(t.context_window)} tokens (the last step's input: {number(t.largest_input_tokens)}): the run "
        "cannot call this model as described; trim or summarise the context, or choose a model with a larger window."
    )


def beside_warnings(result: EstimateOut) -> list[str]:
    """What beside the orchestrator cannot run as described: a context window passed, a sandbox plan's
    limit passed."""
    out = [w for w in (context_warning(result),) if w is not None]
    b = result.sandbox
    if b is not None and b.problem:
        out.append(
            f"No {b.vendor} plan takes these sandboxes ({b.problem}): they cannot run there as described; the "
            f"figure is {b.plan}'s. Shorten the sandboxes' time, give each less, or choose another service."
        )
    return out


def sandbox_lines(result: EstimateOut, today: dt.date | None = None) -> list[str]:
    """The sandboxes' bill as a comparison lists it under the options, with when its prices hold as of
    and whether their re-check is overdue on `today` (the clock's date by default); empty when the
    profile names none."""
    b = result.sandbox
    if b is None:
        return []
    held = checked_text(b.table, today or dt.date.today())
    fee = f"{b.plan} plan, {money(b.fee_usd)} a month" if b.fee_usd else f"{b.plan} plan, no fee"
    credit = f", {money(b.credit_usd)} of usage included" if b.credit_usd else ""
    return [
        f"Sandboxes, {b.name} ({fee}{credit}): {money(b.monthly_usd)} a month ({money(b.per_run_usd)} a run), one "
        f"a run of {b.vcpus:g} vCPU and {b.memory_gb:g} GB for {elapsed(b.seconds_per_run)}: "
        f"{many(b.sandboxes_per_month)} a month, {number(b.peak_sandboxes)} at once at the peak, at "
        f"{_small(b.vcpu_second_usd)} a vCPU-second and {_small(b.memory_gb_second_usd)} a GB-second. The steps that "
        "need a machine run there, so no option hosts one.",
        f"Sandbox {held}; sources: " + ", ".join(b.sources) + ".",
    ]


def _small(usd: float) -> str:
    """A price per second, with every figure it has.

    >>> _small(0.000014), _small(0.0000045)
    ('$0.000014', '$0.0000045')
    """
    return "$" + f"{usd:.10f}".rstrip("0").rstrip(".")


def beside_lines(result: EstimateOut, today: dt.date | None = None) -> list[str]:
    """Everything beside the orchestrator, as a comparison lists it: the model's tokens, then the sandboxes."""
    return tokens_lines(result) + sandbox_lines(result, today)


def _rate_words(label: str, rate: TokenRateOut) -> str:
    listed = money(rate.usd_per_mtok)
    tiers = "".join(f", {money(price)} past {number(start)} input tokens" for start, price in rate.tiers)
    if rate.yours is not None:
        return f"{label} {money(rate.yours)} (yours; list {listed}{tiers})"
    return f"{label} {listed}{tiers}"


def tokens_lines(result: EstimateOut) -> list[str]:
    """The model's bill as a comparison lists it under the options: what it costs, at which prices,
    from where; empty when the profile names no model."""
    t = result.tokens
    if t is None:
        return []
    prices = "; ".join(
        [
            _rate_words("input", t.input),
            _rate_words("cached input", t.cached_input),
            _rate_words("output", t.output),
        ]
    )
    off = f", less your {t.discount_percent:g}% discount" if t.discount_percent else ""
    lines = [
        f"Model tokens, {t.provider} {t.name} ({t.model}): {money(t.monthly_usd)} a month ({money(t.per_run_usd)} a "
        f"run){off}, for {many(t.calls_per_month)} calls, {many(t.input_tokens_per_month)} tokens in "
        f"({many(t.cached_input_tokens_per_month)} of them from the prompt cache) and "
        f"{many(t.output_tokens_per_month)} out; {TOKENS_NOTE}. Per million tokens: {prices}."
    ]
    if t.per_request_usd:
        lines.append(f"Each call also pays {money(t.per_request_usd)}.")
    if t.reruns_usd:
        names = option_names(result)
        more = "; ".join(f"{names.get(k, k)} {money(v)}" for k, v in sorted(t.reruns_usd.items(), key=lambda kv: kv[1]))
        lines.append(
            "Where a retry runs a run's code again from its start, the steps written inline before the one retried "
            f"call the model again: a month, {more} more."
        )
    source = tokens_source(result)
    if source is not None:
        lines.append(source)
    return lines


def tokens_source(result: EstimateOut) -> str | None:
    """Where the token prices come from, in words."""
    t = result.tokens
    if t is None:
        return None
    dated = f", as of {t.snapshot_dated}" if t.snapshot_dated is not None else ""
    page = f"; the provider's page: {t.pricing_url}" if t.pricing_url else ""
    return f"Token prices: {t.snapshot.replace('@', ' ')}{dated} ({t.provider}'s list prices{page})."
