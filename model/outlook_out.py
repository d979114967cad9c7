"""How sure and over what horizon, as the JSON contract carries it: the Monte Carlo's spread of each
option (`UncertaintyOut`, with its inputs and tornado) and the multi-year path (`PathOut`, with its
strategies). `model.outlook` fills them.
"""

from __future__ import annotations

from pydantic import BaseModel

from model.findings_out import OUT_CONFIG

__all__ = [
    "CrossoverSpreadOut",
    "GrowthOut",
    "InputOut",
    "PathOut",
    "SpreadOut",
    "StrategyOut",
    "SwingOut",
    "TornadoOut",
    "UncertaintyOut",
]


class _Out(BaseModel):
    model_config = OUT_CONFIG


class SpreadOut(_Out):
    """One option's monthly cost over the Monte Carlo draws [USD/month]."""

    option: str
    name: str
    point_usd: float | None
    """At every input's expected value (None: it cannot run the workload)."""
    p10_usd: float | None
    p50_usd: float | None
    p90_usd: float | None
    mean_usd: float | None
    cheapest_share: float
    """The share of draws in which it is the cheapest of the options that can run the workload."""
    runs_share: float
    """The share of draws in which it can run the workload."""


class InputOut(_Out):
    """An uncertain input and how it is drawn."""

    key: str
    label: str
    unit: str
    low: float
    expected: float
    high: float
    distribution: str
    source: str | None
    confidence: str | None


class SwingOut(_Out):
    key: str
    label: str
    gap_low_usd: float | None
    """Runner-up minus leader with this input at its low end, every other input expected [USD/month]."""
    gap_high_usd: float | None
    flips_at: float | None
    """The input's value at which the two cost the same, nearest its expected value."""
    flips_within_range: bool
    moves_with: list[str] = []


class TornadoOut(_Out):
    leader: str
    runner: str
    gap_usd: float | None
    swings: list[SwingOut]


class CrossoverSpreadOut(_Out):
    options: list[str]
    p10: float
    p50: float
    p90: float
    share: float
    """The share of draws in which the two cross within the chart's span of monthly runs."""


class UncertaintyOut(_Out):
    """The Monte Carlo over every uncertain input (README, "How sure: the method")."""

    draws: int
    seed: int
    sentence: str | None = None
    """Written by the clients where the contract is written out (`report.words`)."""
    leader: str | None
    none_share: float
    """The share of draws in which no option can run the workload; with every `cheapest_share` it sums to 1."""
    options: list[SpreadOut]
    inputs: list[InputOut]
    tornado: TornadoOut | None
    crossovers: list[CrossoverSpreadOut]
    """Where the options whose crossover changes the cheapest cross, along monthly runs, over the draws."""


class StrategyOut(_Out):
    key: str
    """`start` or `start>then`."""
    start: str
    then: str | None
    month: int | None
    """The month (1-based) at whose start the migration happens."""
    total_usd: float
    years_usd: list[float]
    """Cost in each year of the horizon (the last may be partial)."""


class GrowthOut(_Out):
    growth_percent: float
    best: str
    month: int | None
    total_usd: float


class PathOut(_Out):
    """The multi-year path (README, "The multi-year path")."""

    horizon_months: int
    growth_percent_per_month: float
    cutover_months: float
    sentence: str | None = None
    """Written by the clients where the contract is written out (`report.words`)."""
    runs: list[float]
    setup_usd: dict[str, float]
    migration_usd: dict[str, float]
    best: str | None
    strategies: list[StrategyOut]
    """Staying on each option, then each pair at its best migration month; cheapest first."""
    by_growth: list[GrowthOut]
    chances: dict[str, float]
    """With uncertainty: the share of draws in which each strategy (its month free) is the best."""
    draws: int
    stay_spread_usd: dict[str, list[float]] = {}
    """With uncertainty: [P10, P50, P90] of staying on each option over the horizon, over the draws."""
    tokens_usd: float | None = None
    """The model's tokens over the horizon (each month's runs at the profile's cost a run), the same on
    every strategy; null when the profile names no model."""
    sandbox_usd: float | None = None
    """The sandboxes over the horizon (each month's runs at their usage a run, and the plan's fee each
    month), the same on every strategy; null when the profile names no sandbox service."""
