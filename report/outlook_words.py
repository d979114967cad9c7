"""How sure and over what horizon, in words: the option cheapest over the draws, the cheapest path
and its strategies, what runs beside the orchestrator over the same months, the best month to
migrate, where the crossovers lie over the draws, and an uncertain input's values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from model.result import EstimateOut
from report.beside_words import adding
from report.words import money, number, share_text

if TYPE_CHECKING:
    from model.outlook import Outlook
    from model.strategy import Path, Strategy
    from model.uncertainty import Band, Input, MonteCarlo

__all__ = [
    "crossover_sentences",
    "describe_strategy",
    "input_value",
    "mc_sentence",
    "migration_sentences",
    "path_sandbox",
    "path_sentence",
    "path_tokens",
    "path_tokens_sentence",
]


def describe_strategy(strategy: Strategy, names: Mapping[str, str]) -> str:
    """A strategy in words: "stay on A", or "start on A, move to B at month m"."""
    if strategy.then is None:
        return f"stay on {names.get(strategy.start, strategy.start)}"
    return (
        f"start on {names.get(strategy.start, strategy.start)}, move to "
        f"{names.get(strategy.then, strategy.then)} at month {strategy.month}"
    )


def mc_sentence(mc: MonteCarlo) -> str:
    """How sure, over the draws: the option cheapest in the most draws and the next."""
    best = mc.leader
    if best is None:
        return f"No option can run this workload in any of {mc.draws:,} draws."
    if not mc.inputs:
        return f"{best.name} is the cheapest: no input of this comparison is uncertain."
    others = sorted(
        (s for s in mc.options if s.id != best.id and s.cheapest_share > 0), key=lambda s: -s.cheapest_share
    )
    said = f"{best.name} is the cheapest in {share_text(best.cheapest_share)} of {mc.draws:,} draws"
    if others:
        said += f" ({others[0].name}: {share_text(others[0].cheapest_share)})"
    return said + f" of {len(mc.inputs)} uncertain inputs, your own numbers' doubts among them."


def path_sentence(p: Path, names: Mapping[str, str]) -> str:
    """The best strategy over the horizon, and what it saves against the next best."""
    best = p.best
    if best is None:
        return f"No strategy can run this workload in every one of the {p.months} months."
    said = (
        f"Over {p.months} months the cheapest path is to {describe_strategy(best, names)}: "
        f"{money(best.total, cents=False)} in all"
    )
    if best.then is not None:
        stay = p.stay(best.start)
        if stay is not None:
            said += (
                f", {money(stay.total - best.total, cents=False)} less than staying on "
                f"{names.get(best.start, best.start)}"
            )
        return said + "."
    runner = next((s for s in p.strategies[1:]), None)
    if runner is not None:
        said += (
            f", {money(runner.total - best.total, cents=False)} less than the next best "
            f"({describe_strategy(runner, names)})"
        )
    moves = [s for s in p.strategies if s.start == best.start and s.then is not None]
    return said + (". No migration from it pays off within the horizon." if moves or runner is None else ".")


def path_tokens(p: Path, result: EstimateOut) -> float | None:
    """The model's tokens over the path's months (`model.outlook.tokens_over_path`)."""
    from model.outlook import tokens_over_path

    t = result.tokens
    return None if t is None or t.per_run_usd is None else tokens_over_path(p, t.per_run_usd)


def path_sandbox(p: Path, result: EstimateOut) -> float | None:
    """The sandboxes over the path's months (`model.outlook.sandbox_over_path`)."""
    from model.outlook import sandbox_over_path

    b = result.sandbox
    if b is None or b.sandboxes_per_month <= 0:
        return None
    return sandbox_over_path(p, b.usage_usd / b.sandboxes_per_month, b.fee_usd, b.credit_usd)


def path_tokens_sentence(p: Path, result: EstimateOut) -> str | None:
    """What runs beside the orchestrator (the model's tokens, the sandboxes) beside the path's total; None
    when the profile names neither."""
    tokens, sandbox = path_tokens(p, result), path_sandbox(p, result)
    if tokens is None and sandbox is None:
        return None
    parts = [(w, u) for w, u in (("the model's tokens", tokens), ("the sandboxes", sandbox)) if u is not None]
    total = sum(u for _, u in parts)
    what = adding(parts, cents=False)
    best = p.best
    whole = (
        f": with them the cheapest path costs {money(best.total + total, cents=False)} in all, the orchestrator "
        f"{best.total / (best.total + total):.1%} of it"
        if best is not None and best.total + total > 0
        else ""
    )
    return f"{what} over the same {p.months} months, growing with the runs and the same on every path{whole}."


def migration_sentences(o: Outlook, names: Mapping[str, str]) -> list[str]:
    """The best month to move each way between the two leading options, or that it never pays within the
    horizon."""
    from model.outlook import migration_month

    lead = o.leading(2)
    if len(lead) < 2:
        return []
    out = []
    for a, b in (lead, lead[::-1]):
        month = migration_month(o.path, a, b)
        when = f"month {month}." if month is not None else f"never within {o.path.months} months."
        out.append(f"Best month to move from {names[a]} to {names[b]}: {when}")
    return out


def crossover_sentences(band: Band, names: Mapping[str, str], what: str) -> list[str]:
    """Where each crossover that changes the cheapest lies over the draws (`what`: the chart's field in words)."""
    return [
        f"{names[c.options[0]]} and {names[c.options[1]]} cross between {number(c.p10)} and {number(c.p90)} "
        f"({what}) in eight draws of ten (median {number(c.p50)}; they cross within the chart in "
        f"{share_text(c.share)} of the draws)."
        for c in band.crossovers
    ]


_PER = {"s": "a second", "h": "an hour", "month": "a month", "year": "a year", "GB-month": "a GB-month"}


def input_value(inp: Input, value: float) -> str:
    """A value of an uncertain input as a reader says it: dollars with what they buy, a share as a
    percentage, a factor as ×, else the number and its unit.

    >>> from model.uncertainty import Input
    >>> input_value(Input("k", "l", "USD/s", 0, 0, 1, "triangular"), 3.375e-05)
    '$0.0000338 a second'
    >>> input_value(Input("k", "l", "USD/1M actions", 0, 0, 1, "triangular"), 25)
    '$25.00 per 1M actions'
    >>> input_value(Input("k", "l", "fraction", 0, 0, 1, "triangular"), 0.125)
    '12.5%'
    >>> input_value(Input("k", "l", "FTE", 0, 0, 1, "triangular"), 0.03)
    '0.03 FTE'
    """
    unit = inp.unit
    if unit == "multiplier":
        return f"×{value:.3g}"
    if unit == "fraction":
        return f"{value * 100:.3g}%"
    if unit.startswith("USD"):
        per = unit.removeprefix("USD").lstrip("/")
        figure = f"${value:.3g}" if 0 < abs(value) < 0.01 else money(value)
        if figure.startswith("$") and "e" in figure:
            figure = f"${value:.7f}".rstrip("0")
        if not per:
            return figure
        words = _PER.get(per)
        return f"{figure} {words}" if words else f"{figure} per {per}"
    shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{shown} {unit}".strip() if unit not in ("", "count") else shown
