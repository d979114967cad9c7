"""One profile's estimate as plain models: the documented contract behind `tco compare --format
json`, the reports and the app's tables.

`summarize(estimate, i)` reads row `i` of an `Estimate` and attaches to every line item where its
price came from (table version, source URL, dates, confidence). Nothing here computes a price.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict

from model.engine import Estimate, OptionEstimate
from model.findings import Finding
from model.fit import design_names
from model.limits import LimitProjection
from model.lines import Line, PriceRef
from model.llm_prices import TokenPrice
from model.plan_choice import plan_name
from model.sandbox import price
from model.tokens import rerun_share
from model.units import BYTES_PER_MB
from model.usage import Usage
from schema.meters import Measure
from schema.numbers import Number, Tiered
from schema.plans import PlanFeatures
from schema.profile import NUMERIC_FIELDS, OPTIONAL_FIELDS, WorkloadProfile
from schema.tables import PriceBook, PriceTable

__all__ = [
    "RESULT_VERSION",
    "ComponentOut",
    "CrossoverSpreadOut",
    "EstimateOut",
    "FeatureOut",
    "FindingOut",
    "FitOut",
    "GrowthOut",
    "HistoryOut",
    "InputOut",
    "LimitOut",
    "OptionOut",
    "PathOut",
    "PlanOut",
    "ProvenanceOut",
    "RestartOut",
    "SpreadOut",
    "StrategyOut",
    "SwingOut",
    "TableRef",
    "TornadoOut",
    "UncertaintyOut",
    "WorkloadOut",
    "features_of",
    "finding_out",
    "profile_at",
    "summarize",
]

RESULT_VERSION = 3

Binding = Literal["history_events", "history_size", "payload_size"]
"""The hard history limits a growing run can reach first."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


FindingValue = Union[float, int, str, bool, None, "FindingOut", list["FindingOut"]]


class FindingOut(_Out):
    """What the engine found (`model.findings.CODES`): a code and the values its sentence rests on.
    The sentence itself is the client's (`report.words.say`)."""

    code: str
    data: dict[str, FindingValue] = {}
    text: str | None = None
    """The sentence, as the clients write it (`report.words.say`); filled where the contract is written
    out (the JSON), never by the engine."""


class FitOut(_Out):
    """Whether the option can run this workload, and as what."""

    status: Literal["fits", "workaround", "not_public", "ruled_out", "set_aside"]
    """`fits`: as designed; `workaround`: as the design named here (the vendor's documented way around a
    hard limit, priced with its own lines); `not_public`: only a contract plan without a public price
    takes it (the figures are what the published prices cover, a floor); `ruled_out`: it cannot run it
    (the figures are shown for reference); `set_aside`: it could, but your checklist answers require
    what it lacks (`reasons`: a `set_aside` finding per rule, with its source)."""
    design: str | None = None
    """The ids of the designs applied, `+`-joined."""
    design_name: str | None = None
    """How the design is named after the option's name ("payloads by reference")."""
    reasons: list[FindingOut] = []
    """Why: the limits passed (ruled out), lifted (a design), the plan or tier past which the price is
    not public, the requirements no plan meets."""


class TableRef(_Out):
    table: str
    kind: Literal["option", "reference", "sandbox"] = "option"
    effective: dt.date
    file: str | None
    checked: dt.date | None = None
    """The day its prices are known to hold (the oldest day among the sources its numbers cite)."""
    recheck_due: dt.date | None = None
    """When its sources are due to be read again; past it, a client marks the prices overdue."""

    @classmethod
    def of(cls, table: PriceTable, file: str | None) -> TableRef:
        return cls(
            table=table.id,
            kind=table.kind,
            effective=table.effective,
            file=file,
            checked=table.checked(),
            recheck_due=table.recheck_due(),
        )


class ProvenanceOut(_Out):
    """Where one number came from."""

    table: str
    effective: dt.date
    field: str
    url: str
    title: str
    stated: dt.date
    verified: dt.date | None
    """The day the number was read at `url` itself; null when something else was read (see `how`)."""
    checked: dt.date
    """The day the number is known to hold: `verified`, or the date of the copy, repository,
    package or third party read instead."""
    how: str
    """How it was checked, in words."""
    confidence: Literal["primary", "secondary", "estimate", "yours"]
    """`yours`: a number the profile gives (a negotiated price, a contract's terms)."""
    note: str | None = None


class ComponentOut(_Out):
    """A line item: quantity x unit price = cost [USD/month], with its range and provenance."""

    key: str
    name: str
    quantity: float
    unit: str
    unit_price: float
    price_unit: str
    cost_usd: float
    low_usd: float
    high_usd: float
    category: Literal["vendor", "infrastructure", "people"]
    depends_on: str | None = None
    provenance: ProvenanceOut | None = None
    quoted_unit: str | None = None
    """How the vendor quotes the price when per many units (`USD/1M actions`); `unit_price` is
    always per one unit of `unit` (`price_unit`)."""
    list_unit_price: float | None = None
    """The table's unit price, where your own (`overrides`) replaces it."""
    quantity_confidence: Literal["primary", "secondary", "estimate"] | None = None
    """The weakest confidence of the counting rules the quantity rests on for this profile (an
    estimate of how many transitions a step takes, say); null when it rests on none. A line is only
    as sure as its weakest input: the reports show the weaker of this and the price's."""


class FeatureOut(_Out):
    """A plan feature a buyer may require (seats, log retention, SSO, SLA, support, HIPAA)."""

    id: str
    name: str
    value: float | bool | str
    """A number (seats, days, percent), a flag, a support level, or `unlimited`."""
    shown: str
    addon: str | None = None
    """The add-on that supplies it where the plan lacks it (a seat per unit)."""
    unpriced: str | None = None
    """It costs extra at a price the vendor does not publish: how it is sold."""
    url: str
    confidence: Literal["primary", "secondary", "estimate"]
    note: str | None = None


class PlanOut(_Out):
    id: str
    name: str
    monthly_usd: float | None
    """What the bill would be on this plan; null where the plan cannot take this workload."""
    chosen: bool
    reason: FindingOut
    features: list[FeatureOut] = []


class LimitOut(_Out):
    """One per-run limit against this run. Sizes in bytes, times in seconds (`unit`);
    `steps_until_*` are 1-based steps at which the measure first passes the level, null when no
    number of steps does or when the measure does not grow with steps."""

    id: str
    name: str
    measure: Measure
    unit: str
    value: float
    limit: float
    warning: float | None
    shown: str
    """The limit as the vendor states it (`2 MB`, `51,200 events`)."""
    steps_until_warning: float | None
    steps_until_limit: float | None
    seconds_until_warning: float | None = None
    seconds_until_limit: float | None = None
    """How long into the run those steps come: each step's share of the run's wall time (work, sleeps
    and human waits spread evenly over its steps)."""
    seconds_without_waits: bool = False
    """Those times leave the human waits out: only some runs wait (a fraction of a wait per run), so
    they are the times of a run that does not."""
    exceeded: bool
    """This run, as profiled, passes the limit."""
    warned: bool
    hard: bool
    avoidable: bool
    """The option's segments (Continue-As-New) keep each segment under it."""
    lifted: bool = False
    """The run passes the limit's default, and the option's design raises it (the run stays under
    the raised level)."""
    advice: str | None
    provenance: ProvenanceOut | None = None


class RestartOut(_Out):
    """A run that restarts with a fresh history (Continue-As-New, say)."""

    name: str
    segments: int
    """Histories one run is split into (1: no restart)."""
    first_segment_steps: float | None
    """Steps the first segment holds before it restarts; null when it never does."""


class OptionOut(_Out):
    id: str
    name: str
    vendor: str
    plan: str
    plan_reason: FindingOut
    monthly_usd: float
    low_usd: float
    high_usd: float
    per_run_usd: float | None
    subtotals: dict[str, float]
    """Cost by category: `vendor` (the orchestrator's bill), `infrastructure`, `people`."""
    components: list[ComponentOut]
    quantities: dict[str, float]
    plans: list[PlanOut]
    warnings: list[FindingOut]
    """A soft limit passed, a hard one close ahead, a retention bound, a feature at an unpublished price."""
    depends_on: list[str]
    pricing: TableRef
    hosting: Literal["cloud", "self-hosted"] | None = None
    limits: list[LimitOut] = []
    """Every per-run limit the option's table declares, projected for this run."""
    restart: RestartOut | None = None
    """How the option's history restarts (Continue-As-New), if it does."""
    fit: FitOut = FitOut(status="fits")
    """Whether the option can run this workload, as designed or as a named design, at a public price."""
    applicable: bool = True
    """`fit.status` is `fits` or `workaround`: the option can run the workload at a public price. Only
    such an option is ever the cheapest; the others' figures are for reference (`fit` says why)."""
    history: HistoryOut | None = None
    """One run's recorded history on this option, if its table records one."""
    features: list[FeatureOut] = []
    """What the chosen plan (or the offering, without plans) includes; empty when self-hosted."""


class UnpricedOut(_Out):
    id: str
    name: str
    first_priced: dt.date
    """The effective date of its first table: "no prices before" this date."""


class HistoryOut(_Out):
    """One run's recorded history on one option (an Event History, an execution history).
    `steps_until_*` are 1-based step numbers at which a threshold is first crossed; null when no
    number of steps crosses it."""

    table: str
    events_per_run: float
    history_bytes_per_run: float
    history_mb_per_run: float
    largest_payload_bytes: float
    steps_until_event_warning: float | None
    steps_until_event_limit: float | None
    steps_until_size_warning: float | None
    steps_until_size_limit: float | None
    steps_until_payload_warning: float | None
    steps_until_payload_limit: float | None
    binding_limit: Binding
    exceeds_limit: bool
    continue_as_new_segments: int
    steps_per_segment: float
    """Steps the first segment holds before it restarts (all of them without a restart)."""
    payload_blocks_continue_as_new: bool
    limits: dict[str, float]
    advice: list[FindingOut]
    name: str = "Event History"
    """What the option calls its history."""
    restart_name: str | None = None
    """What the option calls a restart with a fresh history (Continue-As-New), if it has one."""


class WorkloadOut(_Out):
    """What the engine derived from the profile, shared by every option."""

    peak_concurrent_runs: float
    """Runs executing at once at the busiest moment, as priced [runs]."""
    peak_concurrent_runs_source: Literal["given", "derived", "raised"]
    """`given` by the profile; `derived` from the volume (the profile left it empty); `raised` to
    the runs executing at once on average within the busy window, which the profile's figure was
    below."""
    peak_floor: float
    """Runs executing at once on average within the busy window [runs]."""
    open_runs_peak: float
    """Runs open at once (executing or waiting) at the busiest moment [runs]."""
    executing_seconds_per_run: float
    wall_seconds_per_run: float


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


class QuestionOut(_Out):
    """A checklist question not answered whose answers would set the named option aside."""

    id: str
    text: str
    would: dict[str, list[str]]
    """Answer label -> the option ids it would set aside."""


class LeaningOut(_Out):
    """An answer that weighs for a vendor other than the named option's, with its source."""

    vendor: str
    weight: float
    question: str
    answer: str
    reason: str
    source_title: str
    source_url: str


class HorizonOut(_Out):
    months: int
    strategy: str
    """The cheapest path's key: an option id, or `<start>><then>` for a migration."""
    month: int | None
    """The month it migrates at, if it does."""
    total_usd: float
    named_total_usd: float | None
    """Staying on the named option over the horizon; null when it cannot run every month."""
    differs: bool
    why: list[FindingOut] = []


class FlipOut(_Out):
    field: str
    value: float
    current: float
    runner_up: str
    below: bool


class VerdictOut(_Out):
    """The one verdict every view names (`model.verdict`); `sentence` is the clients' (filled where the
    contract is written out)."""

    option: str | None
    """The cheapest option that can run the workload at a public price and is not set aside: `cheapest`."""
    runner_up: str | None
    gap_usd: float
    too_close: bool
    sure_share: float | None
    """The share of draws in which `option` is the cheapest; null without draws."""
    runner_up_share: float | None
    draws: int
    set_aside: dict[str, list[FindingOut]] = {}
    open_questions: list[QuestionOut] = []
    leanings: list[LeaningOut] = []
    horizon: HorizonOut | None = None
    flip: FlipOut | None = None
    sentence: str | None = None


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


class SandboxOut(_Out):
    """The sandboxes' monthly bill for this profile: the same on every option (the steps that need a
    machine run there, so no option hosts one)."""

    service: str
    """The sandbox service's table id."""
    vendor: str
    name: str
    plan: str
    """The plan chosen: the cheapest whose limits take the workload (the last plan where none does)."""
    sandboxes_per_month: float
    """One a run."""
    seconds_per_run: float
    vcpus: float
    memory_gb: float
    usage_usd: float
    """A month's vCPUs and memory at the service's rates, before the plan's credit."""
    fee_usd: float
    """The plan's fee a month (the account's, where agents share one)."""
    credit_usd: float
    monthly_usd: float
    """What this profile pays a month: its share of the fee and of the usage past the credit."""
    per_run_usd: float | None
    peak_sandboxes: float
    """Sandboxes running at once at the busiest moment."""
    problem: str | None = None
    """Which of the plans' limits the workload passes, where no plan takes it: the run cannot use
    this service as described."""
    vcpu_second_usd: float
    memory_gb_second_usd: float
    table: TableRef
    """The prices' table, with when they hold as of and when they are due a re-check."""
    sources: list[str]
    """The URLs its prices and limits cite."""


class EstimateOut(_Out):
    """The whole answer for one profile (the JSON contract, version 5)."""

    schema_version: Literal[5] = 5
    profile: WorkloadProfile
    pricing_date: dt.date
    pricing: list[TableRef]
    cheapest: str | None
    """The option with the lowest expected monthly cost among those that can run the workload at a
    public price (`options[].applicable`); null when none can."""
    options: list[OptionOut]
    history: HistoryOut | None
    """The history of `Estimate.history_option` (every option's own is in `options[].history`)."""
    unpriced: list[UnpricedOut] = []
    """Options with no price table in force on `pricing_date` yet (among those the profile's short
    list names, or every such option without one)."""
    workload: WorkloadOut | None = None
    warnings: list[FindingOut] = []
    """About the profile as a whole (a peak raised to what the volume implies)."""
    verdict: VerdictOut | None = None
    """The one verdict, with how sure, the horizon and what could change it (`tco compare`, reports)."""
    uncertainty: UncertaintyOut | None = None
    """How sure: present in reports (`tco report`, `tco compare --outlook`)."""
    path: PathOut | None = None
    """Over what horizon: present where `uncertainty` is."""
    tokens: TokensOut | None = None
    """The model's tokens, where the profile names a model: add `monthly_usd` to every option's to get
    the whole cost of running the agent."""
    sandbox: SandboxOut | None = None
    """The sandboxes, where the profile names a service: add `monthly_usd` to every option's too."""


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def provenance(book: PriceBook, ref: PriceRef) -> ProvenanceOut | None:
    """The source of the number at `ref`, or None if the table has no such number."""
    table = book.tables.get(ref.table_id)
    if table is None:
        return None
    if ref.path and ref.path[0] == "overrides":
        what = "your price" if ref.path[1] == "prices" else "your contract's terms"
        return ProvenanceOut(
            table=table.id,
            effective=table.effective,
            field=".".join(ref.path),
            url="",
            title=f"{what.capitalize()}, from the profile's overrides",
            stated=book.as_of,
            verified=None,
            checked=book.as_of,
            how="given in the profile",
            confidence="yours",
            note=None,
        )
    item: Number | Tiered | None = table.numbers().get(ref.path)
    if item is None:
        return None
    source = table.source_for(item)
    return ProvenanceOut(
        table=table.id,
        effective=table.effective,
        field=".".join(ref.path),
        url=str(source.url),
        title=source.title,
        stated=source.stated,
        verified=source.verified,
        checked=source.checked,
        how=source.how_checked,
        confidence=table.confidence_of(item),
        note=item.note,
    )


def profile_at(estimate: Estimate, index: int) -> WorkloadProfile:
    """The profile of row `index` (rebuilt from the frame when the input was a DataFrame)."""
    if estimate.profiles is not None:
        return estimate.profiles[index]
    row = estimate.frame.iloc[index]
    data: dict[str, object] = {name: float(row[name]) for name in NUMERIC_FIELDS}
    for name in OPTIONAL_FIELDS:
        if math.isnan(float(row[name])):
            data[name] = None
    return WorkloadProfile.model_validate(
        {
            **data,
            "step_needs_machine": bool(row["step_needs_machine"]),
            "machine": str(row["machine"]),
            "step_kind": str(row["step_kind"]),
            "name": str(row["name"]),
        }
    )


_SURE = ("estimate", "secondary", "primary")


def _quantity_confidence(usage: Usage, option: OptionEstimate, key: str, i: int) -> str | None:
    """The weakest confidence among the `counting` numbers a meter's quantity uses where its count is
    not zero for profile `i`."""
    table = option.table
    meter = next((m for m in table.meters if m.id == key), None)
    spec = table.quantities.get(meter.quantity) if meter is not None else None
    if spec is None or spec.per_run is None:
        return None
    found: list[str] = []
    for name, coefficient in spec.per_run.items():
        keys = (
            [coefficient]
            if isinstance(coefficient, str)
            else [c for c in coefficient if isinstance(c, str)]
            if isinstance(coefficient, tuple)
            else []
        )
        if not keys or float(usage.count(name).total[i]) == 0:
            continue
        found += [table.confidence_of(table.counting[k]) for k in keys if k in table.counting]
    return min(found, key=_SURE.index) if found else None


def _component(book: PriceBook, option: OptionEstimate, line: Line, i: int, usage: Usage | None = None) -> ComponentOut:
    ref = line.price[i] if isinstance(line.price, np.ndarray) else line.price
    depends = None
    if line.depends_on is not None and bool(line.depends_on[i]):
        depends = line.depends_on_reason
    return ComponentOut(
        key=line.key,
        name=line.name,
        quantity=float(line.quantity[i]),
        unit=line.quantity_unit,
        unit_price=float(line.unit_price[i]),
        price_unit=line.price_unit,
        cost_usd=float(line.cost[i]),
        low_usd=float(option.line_low[line.key][i]),
        high_usd=float(option.line_high[line.key][i]),
        category=line.category,
        depends_on=depends,
        provenance=provenance(book, ref) if ref is not None else None,
        quoted_unit=line.quoted_unit,
        list_unit_price=_finite(line.list_unit_price[i]) if line.list_unit_price is not None else None,
        quantity_confidence=_quantity_confidence(usage, option, line.key, i) if usage is not None else None,
    )


_UNITS = {"seats": " seats", "log_retention_days": " days", "sla_percent": "%"}


def features_of(table: PriceTable, features: PlanFeatures) -> list[FeatureOut]:
    """A plan's features for the reader: each value shown in words, with its source."""
    out = []
    for key, feature in features.items():
        value = feature.value
        if isinstance(value, bool):
            shown = "yes" if value else (f"add-on ({_addon_name(table, feature.addon)})" if feature.addon else "no")
        elif value == "unlimited":
            shown = "unlimited"
        elif isinstance(value, float | int):
            shown = f"{value:,.10g}{_UNITS[key]}"
            if value == 1 and key in ("seats", "log_retention_days"):
                shown = shown.removesuffix("s")
        else:
            shown = str(value)
        if key == "seats" and feature.addon:
            shown += f", more as {_addon_name(table, feature.addon)}"
        if feature.unpriced:
            shown += " (extra, price not published)"
        source = table.sources[feature.source]
        out.append(
            FeatureOut(
                id=key,
                name=str(PlanFeatures.model_fields[key].title),
                value=value,
                shown=shown,
                addon=feature.addon,
                unpriced=feature.unpriced,
                url=str(source.url),
                confidence=feature.confidence or source.confidence,
                note=feature.note,
            )
        )
    return out


def _addon_name(table: PriceTable, addon_id: str | None) -> str:
    return next((a.name for a in table.addons if a.id == addon_id), str(addon_id)).lower()


def _shown(table: PriceTable, key: str) -> str:
    number = table.limits[key]
    return f"{number.expected:,.10g} {number.unit.value}"


def _limit(
    book: PriceBook, table: PriceTable, p: LimitProjection, i: int, step_seconds: float | None, without_waits: bool
) -> LimitOut:
    warning, limit = _finite(p.steps_until_warning[i]), _finite(p.steps_until_limit[i])
    return LimitOut(
        id=p.id,
        name=p.spec.name,
        measure=p.spec.measure,
        unit=p.unit,
        value=float(p.value[i]),
        limit=p.limit,
        warning=p.warning,
        shown=_shown(table, p.id),
        steps_until_warning=warning,
        steps_until_limit=limit,
        seconds_until_warning=None if warning is None or step_seconds is None else warning * step_seconds,
        seconds_until_limit=None if limit is None or step_seconds is None else limit * step_seconds,
        seconds_without_waits=without_waits,
        exceeded=bool(p.exceeded[i]),
        warned=bool(p.warned[i]),
        hard=p.spec.hard,
        avoidable=p.avoidable,
        lifted=bool(p.lifted[i]),
        advice=p.spec.advice,
        provenance=provenance(book, p.ref),
    )


def _limit_values(limit: LimitOut) -> dict[str, FindingValue]:
    """What a sentence about a limit needs."""
    return {
        "limit": limit.id,
        "name": limit.name,
        "shown": limit.shown,
        "level": limit.limit,
        "value": limit.value,
        "unit": limit.unit,
        "step": limit.steps_until_limit,
        "seconds": limit.seconds_until_limit,
        "without_waits": limit.seconds_without_waits,
        "advice": limit.advice,
        "none_allowed": limit.limit == 0,
        "source": limit.provenance.url if limit.provenance is not None else None,
    }


def finding_out(finding: Finding, fill: Mapping[str, float] | None = None) -> FindingOut:
    """A finding as the contract carries it; `fill` gives values the engine left for the profile
    (the peak a plan's cap is set against)."""
    data: dict[str, FindingValue] = {}
    for key, value in finding.data.items():
        if isinstance(value, Finding):
            data[key] = finding_out(value, fill)
        elif isinstance(value, tuple):
            data[key] = [finding_out(v, fill) for v in value if isinstance(v, Finding)]
        elif value is None and fill is not None and key in fill:
            data[key] = fill[key]
        else:
            data[key] = value
    return FindingOut(code=finding.code, data=data)


def _limit_warnings(table: PriceTable, limits: list[LimitOut]) -> list[FindingOut]:
    """A finding for every limit that warns: a soft limit passed, a history limit that restarting
    keeps each segment under, a hard limit whose warning level the run passes."""
    segments = table.history.segments if table.history is not None else None
    out = []
    for limit in limits:
        if limit.exceeded and limit.hard and limit.avoidable and segments is not None:
            out.append(FindingOut(code="limit_avoided", data={**_limit_values(limit), "restart": segments.name}))
        elif limit.exceeded and not limit.hard:
            out.append(FindingOut(code="limit_warned", data=_limit_values(limit)))
        elif limit.warned and not limit.exceeded and limit.hard:
            values = _limit_values(limit)
            values["step"] = limit.steps_until_warning
            values["seconds"] = limit.seconds_until_warning
            values["level"] = limit.warning
            out.append(FindingOut(code="limit_ahead", data={**values, "limit_step": limit.steps_until_limit}))
    return out


def _fit(
    estimate: Estimate,
    option: OptionEstimate,
    i: int,
    limits: list[LimitOut],
    step_seconds: float | None,
    without_waits: bool = False,
) -> FitOut:
    """The option's fit for profile `i`, with its reasons."""
    status = str(option.status[i])
    bill = option.bill
    reasons: list[FindingOut] = []
    if status == "ruled_out":
        for limit in limits:
            if limit.exceeded and limit.hard and not limit.avoidable and not limit.lifted:
                reasons.append(FindingOut(code="limit_passed", data=_limit_values(limit)))
        if bill.unmet is not None and bill.unmet[i] is not None:
            reasons.append(finding_out(bill.unmet[i]))
        if bill.pinned_refused is not None and bool(bill.pinned_refused[i]):
            reasons.append(
                FindingOut(code="pinned_plan_refused", data={"plan": plan_name(option.table, str(bill.plan[i]))})
            )
        if bill.unplanned is not None and bool(bill.unplanned[i]) and option.table.contract is None:
            last = option.table.plans[-1]
            why = bill.plan_reasons.get(last.id)
            reasons.append(
                FindingOut(
                    code="no_plan",
                    data={"plan": last.name, "why": finding_out(why[i]) if why is not None else None},
                )
            )
    elif status == "not_public":
        contract = option.table.contract
        if bill.unplanned is not None and bool(bill.unplanned[i]) and contract is not None:
            last = option.table.plans[-1]
            why = bill.plan_reasons.get(last.id)
            reasons.append(
                FindingOut(
                    code="no_published_plan",
                    data={
                        "contract": contract.name,
                        "plan": last.name,
                        "why": finding_out(
                            why[i],
                            {"peak": float(Usage(option.work or estimate.work, option.table, "expected").slots()[i])},
                        )
                        if why is not None
                        else None,
                    },
                )
            )
        for line in bill.lines:
            if line.past_published is not None and bool(line.past_published[i]):
                item = next((m for m in option.table.meters if m.id == line.key), None)
                price = option.table.price(item.price, None) if item is not None and item.price else None
                reasons.append(
                    FindingOut(
                        code="past_published_tier",
                        data={
                            "meter": line.name,
                            "up_to": _finite(line.ceiling[i]) if line.ceiling is not None else None,
                            "unit": line.quantity_unit,
                            "contract": getattr(price, "beyond_last", None) or (contract.name if contract else None),
                        },
                    )
                )
    design_ids = str(option.design[i])
    design_name = design_names(option.table, design_ids) if design_ids else None
    if status == "workaround" and option.designed_limits:
        for p in option.designed_limits:
            if p.spec.hard and not p.avoidable and bool(p.exceeded[i]):
                limit = _limit(estimate.book, option.table, p, i, step_seconds, without_waits)
                reasons.append(FindingOut(code="limit_lifted", data={**_limit_values(limit), "design": design_name}))
    if status == "workaround" and not reasons and option.designed_total is not None:
        reasons.append(
            FindingOut(
                code="design_cheaper",
                data={"design": design_name, "as_designed_usd": float(option.designed_total[i])},
            )
        )
    said = {r.data.get("limit") for r in reasons if r.code == "limit_lifted"}
    for limit in limits:
        if limit.lifted and limit.id not in said:
            reasons.append(FindingOut(code="limit_lifted", data={**_limit_values(limit), "design": design_name}))
    return FitOut(
        status=status,
        design=design_ids or None,
        design_name=design_name,
        reasons=reasons,
    )


def _option(estimate: Estimate, option: OptionEstimate, i: int, profile: WorkloadProfile) -> OptionOut:
    book = estimate.book
    bill = option.bill
    usage = Usage(option.work or estimate.work, option.table, "expected")
    components = [_component(book, option, line, i, usage) for line in bill.lines]
    plan_id = str(bill.plan[i])
    total = float(option.total[i])
    runs = profile.monthly_runs
    fill = {"peak": float(usage.slots()[i]), "given": float(profile.retention_days)}
    steps = profile.steps_per_run
    # A fraction of a wait per run is some runs waiting, not every run waiting a little: the time into
    # the run is then a run's that does not wait.
    waits = profile.human_waits_per_run
    without_waits = waits != int(waits)
    wall = float(estimate.work.wall[i]) - (float(estimate.work.human_wait[i]) if without_waits else 0.0)
    step_seconds = wall / steps if steps > 0 else None
    limits = [_limit(book, option.table, p, i, step_seconds, without_waits) for p in option.limits]
    fit = _fit(estimate, option, i, limits, step_seconds, without_waits)
    return OptionOut(
        id=option.id,
        name=option.table.name,
        vendor=option.table.vendor,
        plan=plan_name(option.table, plan_id),
        plan_reason=finding_out(bill.plan_reason[i], fill),
        monthly_usd=total,
        low_usd=float(option.low[i]),
        high_usd=float(option.high[i]),
        per_run_usd=total / runs if runs > 0 else None,
        subtotals={
            cat: sum(c.cost_usd for c in components if c.category == cat)
            for cat in ("vendor", "infrastructure", "people")
        },
        components=components,
        quantities={k: float(v[i]) for k, v in bill.quantities.items()},
        plans=[
            PlanOut(
                id=p.id,
                name=p.name,
                monthly_usd=_finite(bill.plan_totals[p.id][i]),
                chosen=p.id == plan_id,
                reason=finding_out(bill.plan_reasons[p.id][i], fill),
                features=features_of(option.table, p.features),
            )
            for p in option.table.plans
        ],
        features=[]
        if option.table.hosting != "cloud"
        else features_of(
            option.table, next((p.features for p in option.table.plans if p.id == plan_id), option.table.features)
        ),
        warnings=[finding_out(finding, fill) for finding, flags in bill.warnings.items() if bool(flags[i])]
        + _limit_warnings(option.table, limits),
        depends_on=[f"{c.name}: depends on {c.depends_on}" for c in components if c.depends_on],
        pricing=TableRef.of(option.table, book.files.get(option.id)),
        hosting=option.table.hosting,
        limits=limits,
        restart=_restart(option, i),
        fit=fit,
        applicable=fit.status in ("fits", "workaround"),
    )


def _restart(option: OptionEstimate, i: int) -> RestartOut | None:
    spec = option.table.history
    if spec is None or spec.segments is None or option.history is None:
        return None
    return RestartOut(
        name=spec.segments.name,
        segments=int(option.history.segments[i]),
        first_segment_steps=_finite(option.history.first_segment_steps[i]),
    )


_HISTORY_MEASURES: dict[str, Binding] = {
    "events": "history_events",
    "history_bytes": "history_size",
    "payload_bytes": "payload_size",
}
_UNTIL = {"events": "event", "history_bytes": "size", "payload_bytes": "payload"}


def _history(option: OptionEstimate, out: OptionOut, i: int, profile: WorkloadProfile) -> HistoryOut:
    """The contract's `history` block, from the option's recorded history and its limits."""
    table = option.table
    h = option.history
    assert h is not None and table.history is not None
    spec = table.history
    segments = spec.segments
    shown = {limit.id: limit for limit in out.limits if limit.measure in _HISTORY_MEASURES}
    until: dict[str, float | None] = {}
    hard: dict[Binding, float] = {}  # hard limit -> the step at which it is crossed
    for limit in shown.values():
        prefix = _UNTIL[limit.measure]
        until[f"steps_until_{prefix}_warning"] = limit.steps_until_warning
        until[f"steps_until_{prefix}_limit"] = limit.steps_until_limit
        if limit.hard:
            hard[_HISTORY_MEASURES[limit.measure]] = (
                math.inf if limit.steps_until_limit is None else limit.steps_until_limit
            )
    binding: Binding = min(hard, key=lambda k: hard[k]) if hard else "history_events"
    blocked = [x for x in shown.values() if x.exceeded and x.hard and not x.avoidable]
    count = int(h.segments[i])
    first = float(h.first_segment_steps[i])
    advice: list[FindingOut] = []
    for limit in blocked:
        values = {**_limit_values(limit), "restart": segments.name if segments is not None else None}
        advice.append(FindingOut(code="history_passes", data=values))
    if segments is not None and count > 1 and first >= 1 and not blocked:
        # Only advice that can be followed: a segment must hold at least one step, and a run whose
        # own payload passes a limit that restarting cannot fix has been told so above.
        advice.append(
            FindingOut(
                code="history_segments",
                data={
                    "advice": segments.advice.format(
                        every=first,
                        segments=count,
                        events=table.counting[segments.events].expected,
                        mb=table.counting[segments.size_mb].expected,
                    ),
                    "every": first,
                    "segments": count,
                },
            )
        )
    if profile.context_growth_kb > 0 and not blocked:
        advice.append(FindingOut(code="history_grows"))
    if not advice:
        advice.append(FindingOut(code="history_inside", data={"vendor": table.vendor, "name": spec.name}))
    numbers: dict[str, float] = {}
    for run_limit in table.run_limits:
        if run_limit.measure in _HISTORY_MEASURES:
            for key in (run_limit.id, run_limit.warning):
                if key is not None:
                    numbers[key] = table.limits[key].expected
    steps = profile.steps_per_run
    return HistoryOut(
        table=table.id,
        events_per_run=float(h.events_per_run[i]),
        history_bytes_per_run=float(h.history_bytes_per_run[i]),
        history_mb_per_run=float(h.history_bytes_per_run[i] / BYTES_PER_MB),
        largest_payload_bytes=float(h.largest_payload_bytes[i]),
        steps_until_event_warning=until.get("steps_until_event_warning"),
        steps_until_event_limit=until.get("steps_until_event_limit"),
        steps_until_size_warning=until.get("steps_until_size_warning"),
        steps_until_size_limit=until.get("steps_until_size_limit"),
        steps_until_payload_warning=until.get("steps_until_payload_warning"),
        steps_until_payload_limit=until.get("steps_until_payload_limit"),
        binding_limit=binding,
        exceeds_limit=any(x.exceeded and x.hard for x in shown.values()),
        continue_as_new_segments=count,
        steps_per_segment=min(first, steps),
        payload_blocks_continue_as_new=any(x.measure == "payload_bytes" for x in blocked),
        limits=numbers,
        advice=advice,
        name=f"{table.vendor} {spec.name}",
        restart_name=segments.name if segments is not None else None,
    )


def _workload(estimate: Estimate, i: int) -> WorkloadOut:
    w = estimate.work
    given = not math.isnan(float(estimate.frame["peak_concurrent_runs"].iloc[i]))
    source: Literal["given", "derived", "raised"] = (
        "raised" if bool(w.peak_raised[i]) else ("given" if given else "derived")
    )
    return WorkloadOut(
        peak_concurrent_runs=float(w.peak_executing[i]),
        peak_concurrent_runs_source=source,
        peak_floor=float(w.peak_floor[i]),
        open_runs_peak=float(w.open_peak[i]),
        executing_seconds_per_run=float(w.executing[i]),
        wall_seconds_per_run=float(w.wall[i]),
    )


def _cheapest(options: list[OptionOut]) -> str | None:
    """The cheapest option that can run the workload at a public price and is not set aside."""
    runs = [o for o in options if o.applicable]
    return min(runs, key=lambda o: o.monthly_usd).id if runs else None


def summarize(
    estimate: Estimate, index: int = 0, *, set_aside: Mapping[str, Sequence[Finding]] | None = None
) -> EstimateOut:
    """Everything about profile `index`, in the order a reader wants it. An option in `set_aside` (by
    the checklist's answers: option id -> why) is shown apart: never the cheapest."""
    profile = profile_at(estimate, index)
    aside = set_aside or {}
    options = []
    for o in estimate.options:
        out = _option(estimate, o, index, profile)
        if o.history is not None:
            out = out.model_copy(update={"history": _history(o, out, index, profile)})
        if o.id in aside:
            fit = out.fit.model_copy(update={"status": "set_aside", "reasons": [finding_out(f) for f in aside[o.id]]})
            out = out.model_copy(update={"fit": fit, "applicable": False})
        options.append(out)
    book = estimate.book
    recorder = estimate.history_option
    history = next(o.history for o in options if o.id == recorder.id) if recorder is not None else None
    workload = _workload(estimate, index)
    warnings = []
    if workload.peak_concurrent_runs_source == "raised":
        warnings.append(
            FindingOut(
                code="peak_raised",
                data={
                    "given": profile.peak_concurrent_runs,
                    "floor": workload.peak_floor,
                    "window_hours": profile.peak_window_hours,
                },
            )
        )
    named = set(profile.options)
    unpriced = [
        UnpricedOut(id=k, name=name, first_priced=first)
        for k, (name, first) in sorted(book.later.items())
        if not named or k in named
    ]
    return EstimateOut(
        profile=profile,
        pricing_date=book.as_of,
        unpriced=unpriced,
        pricing=[TableRef.of(t, book.files.get(t.id)) for _, t in sorted(book.tables.items())],
        cheapest=_cheapest(options),
        options=options,
        history=history,
        workload=workload,
        warnings=warnings,
        tokens=tokens_out(estimate, index, profile),
        sandbox=sandbox_out(estimate, index, profile),
    )


def sandbox_out(estimate: Estimate, index: int, profile: WorkloadProfile) -> SandboxOut | None:
    """The sandboxes' bill for profile `index`, or None where it names no service."""
    bill = estimate.sandbox
    if bill is None or not profile.sandbox:
        return None
    table = bill.tables[profile.sandbox]
    runs = profile.monthly_runs
    cost = float(bill.cost[index])
    cited = {table.sources[k].url for k in _cited(table)}
    return SandboxOut(
        service=table.id,
        vendor=table.vendor,
        name=table.name,
        plan=str(bill.plan[index]),
        sandboxes_per_month=runs,
        seconds_per_run=float(bill.seconds_per_run[index]),
        vcpus=profile.sandbox_vcpus,
        memory_gb=profile.sandbox_memory_gb,
        usage_usd=float(bill.usage[index]),
        fee_usd=float(bill.fee[index]),
        credit_usd=float(bill.credit[index]),
        monthly_usd=cost,
        per_run_usd=cost / runs if runs > 0 else None,
        peak_sandboxes=float(bill.peak[index]),
        problem=str(bill.problem[index]) or None,
        vcpu_second_usd=price(table, "vcpu_second"),
        memory_gb_second_usd=price(table, "memory_second"),
        table=TableRef.of(table, estimate.book.files.get(table.id)),
        sources=sorted(str(u) for u in cited),
    )


def _cited(table: PriceTable) -> set[str]:
    """The source keys a table's numbers cite."""
    return {n.source for n in table.numbers().values() if getattr(n, "source", None)}


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
