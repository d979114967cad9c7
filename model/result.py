"""One profile's estimate as plain models: the documented contract behind `tco compare --format
json`, the reports and the app's tables.

`summarize(estimate, i)` reads row `i` of an `Estimate` and attaches to every line item where its
price came from (table version, source URL, dates, confidence). Nothing here computes a price.

The whole answer (`EstimateOut`) is built from parts kept in modules of their own: each option's
(`model.option_out`, with its fit, limits and history in `model.fit_out` and `model.limits_out`),
where prices came from (`model.provenance_out`), findings (`model.findings_out`), the outlook
(`model.outlook_out`), the verdict (`model.verdict_out`), the model's tokens (`model.tokens_out`)
and the sandboxes (`model.sandbox_out`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel

from model.engine import Estimate
from model.findings import Finding
from model.findings_out import OUT_CONFIG, FindingOut, finding_out
from model.limits_out import HistoryOut, history_out
from model.option_out import OptionOut, option_out
from model.outlook_out import PathOut, UncertaintyOut
from model.provenance_out import TableRef
from model.sandbox_out import SandboxOut, sandbox_out
from model.tokens_out import TokensOut, tokens_out
from model.verdict_out import VerdictOut
from schema.profile import NUMERIC_FIELDS, OPTIONAL_FIELDS, WorkloadProfile

__all__ = [
    "EstimateOut",
    "UnpricedOut",
    "WorkloadOut",
    "profile_at",
    "summarize",
]


class _Out(BaseModel):
    model_config = OUT_CONFIG


class UnpricedOut(_Out):
    id: str
    name: str
    first_priced: dt.date
    """The effective date of its first table: "no prices before" this date."""


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
        out = option_out(estimate, o, index, profile)
        if o.history is not None:
            out = out.model_copy(update={"history": history_out(o, out.limits, index, profile)})
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
