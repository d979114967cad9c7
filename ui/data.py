"""Loading at the UI edge, cached on explicit keys: the price book by (date, fingerprint of the
data files), the headline (the one verdict) by (profile, date, fingerprint, answers), the sweeps by
(profile, date, fingerprint, axis, the options the answers set aside): answering a question that
sets nothing aside re-runs no sweep. The engine itself is never cached inside."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from model.account_out import AccountEstimateOut
from model.analysis import Analysis, Headline, Sweeps, assemble, headline_of, sweeps_of
from model.axes import compared
from model.impact import costs_by_date
from model.lines import HOSTING_TABLE, machine_names
from model.llm_prices import model_refs
from model.result import EstimateOut
from pricing.checks import TableVersion
from pricing.load import data_dir, list_table_files, read_criteria, read_pricebook, read_versions, version_dates
from pricing.profiles import OptionTerms, read_presets
from pricing.versions import history_frame
from report.breakdown_chart import breakdown_chart
from report.curve_chart import cost_curve_spec
from report.limits_chart import limits_chart, limits_panels
from schema.criteria import Criteria
from schema.profile import WorkloadProfile
from schema.tables import PriceBook
from ui.state import Allowed

__all__ = [
    "all_versions",
    "allowed",
    "analysis_for",
    "begin_run",
    "book_for",
    "chart_spec",
    "costs_over_versions",
    "criteria",
    "data_fingerprint",
    "headline_for",
    "history",
    "machine_label",
    "machines",
    "outlook_for",
    "presets",
]


_run = threading.local()
"""What one run of the script has read already: Streamlit runs each session's script on a thread of
its own, one run at a time."""


def begin_run() -> None:
    """Read data/'s fingerprint once for the run starting on this thread: every cached call of the run
    keys on it (about ten calls a run; each reading took 1.5 ms, a sixth of a rerun that changes
    nothing)."""
    _run.fingerprint = _fingerprint()


def data_fingerprint() -> str:
    """Changes whenever a file under data/ changes, so edited tables are picked up: as read at the
    start of this run (`begin_run`), or now outside a run."""
    fingerprint: str | None = getattr(_run, "fingerprint", None)
    return fingerprint if fingerprint is not None else _fingerprint()


def _fingerprint() -> str:
    root = data_dir()
    parts = [str(root)]
    for path in sorted(root.rglob("*.yaml")):
        stat = path.stat()
        parts.append(f"{path.relative_to(root)}:{stat.st_mtime_ns}:{stat.st_size}")
    return str(hash(tuple(parts)))


@st.cache_resource(show_spinner=False)
def _presets(fingerprint: str) -> dict[str, WorkloadProfile]:
    return read_presets()


@st.cache_resource(show_spinner=False)
def _criteria(fingerprint: str) -> Criteria:
    return read_criteria()


@st.cache_resource(show_spinner=False, max_entries=16)
def _book(on: dt.date, fingerprint: str) -> PriceBook:
    return read_pricebook(on=on)


Answers = tuple[tuple[str, str], ...]
"""The checklist's answers as a cache key."""


def _answers(answers: dict[str, str] | None) -> Answers:
    return tuple(sorted((answers or {}).items()))


@st.cache_resource(show_spinner=False, max_entries=64)
def _headline(profile_json: str, on: dt.date, fingerprint: str, answers: Answers) -> Headline:
    profile = WorkloadProfile.model_validate_json(profile_json)
    return headline_of(profile, _book(on, fingerprint), criteria=_criteria(fingerprint), answers=dict(answers))


def headline_for(profile: WorkloadProfile, on: dt.date, answers: dict[str, str] | None = None) -> Headline:
    """The one verdict: the estimate, the Monte Carlo, the path and what would flip it, over the options the
    answers leave (`model.analysis.headline_of`), once per profile, date and answers."""
    return _headline(profile.model_dump_json(), on, data_fingerprint(), _answers(answers))


def account_priced(
    agents: list[WorkloadProfile], title: str, on: dt.date, answers: dict[str, str] | None = None
) -> AccountEstimateOut:
    """The agents priced as one account, with the checklist's answers (for the first agent, whose account
    fields every agent shares) setting options aside, once per agents, date and answers; ValueError where
    they cannot be priced."""
    return _account(tuple(a.model_dump_json() for a in agents), title, on, data_fingerprint(), _answers(answers))


@st.cache_resource(show_spinner=False, max_entries=16)
def _account(
    agents_json: tuple[str, ...], title: str, on: dt.date, fingerprint: str, answers: Answers
) -> AccountEstimateOut:
    from model.account import estimate_account
    from model.account_odds import account_outlook
    from model.account_out import account_out
    from model.analysis import checklist_of

    agents = [WorkloadProfile.model_validate_json(j) for j in agents_json]
    book = _book(on, fingerprint)
    first = agents[0]
    aside = checklist_of(first, book, _criteria(fingerprint), dict(answers)).set_aside
    account = estimate_account(agents, book, first.options or None, set_aside=aside)
    return account_out(title, first.description, account, *account_outlook(account, book))


@st.cache_resource(show_spinner=False, max_entries=64)
def _sweeps(
    profile_json: str, on: dt.date, fingerprint: str, axis: str, aside: tuple[str, ...], _result: EstimateOut
) -> Sweeps:
    """The sweeps; `_result` is the headline's estimate of the same profile (not part of the key)."""
    profile = WorkloadProfile.model_validate_json(profile_json)
    book = _book(on, fingerprint)
    return sweeps_of(profile, book, axis, compared(profile, book, aside), _result)


def _analysis(profile_json: str, on: dt.date, fingerprint: str, axis: str, answers: Answers) -> Analysis:
    head = _headline(profile_json, on, fingerprint, answers)
    aside = tuple(sorted(head.checklist.set_aside))
    profile = WorkloadProfile.model_validate_json(profile_json)
    sweeps = _sweeps(profile_json, on, fingerprint, axis, aside, head.result)
    return assemble(profile, _book(on, fingerprint), head, sweeps)


@st.cache_resource(show_spinner=False, max_entries=16)
def _outlook(profile_json: str, on: dt.date, fingerprint: str, axis: str, answers: Answers) -> Analysis:
    return _analysis(profile_json, on, fingerprint, axis, answers).with_outlook()


def outlook_for(analysis: Analysis) -> Analysis:
    """The analysis with its outlook (the path, the tornado, the bands, over the verdict's own draws),
    once per profile, date, axis and answers."""
    full = _outlook(
        analysis.profile.model_dump_json(),
        analysis.book.as_of,
        data_fingerprint(),
        analysis.axis,
        _answers(dict(analysis.answers)),
    )
    return replace(analysis, outlook=full.outlook)


CHARTS: dict[str, Callable[[Analysis], Any]] = {
    "runs": lambda a: cost_curve_spec(a, "monthly_runs"),
    "axis": lambda a: cost_curve_spec(a, a.axis),
    "breakdown": lambda a: breakdown_chart(a.result),
    "limits": limits_chart,
}
"""Each chart of an analysis, as an Altair chart or (the cost curves, the most often redrawn) as
a ready Vega-Lite spec."""


@st.cache_resource(show_spinner=False, max_entries=256)
def _chart_spec(
    kind: str, profile_json: str, on: dt.date, fingerprint: str, axis: str, answers: Answers
) -> dict[str, Any]:
    # Not validated here: the report tests render these same charts through the validating path.
    chart = CHARTS[kind](_analysis(profile_json, on, fingerprint, axis, answers))
    return chart if isinstance(chart, dict) else dict(chart.to_dict(validate=False))


@st.cache_resource(show_spinner=False, max_entries=64)
def _limit_panel_specs(
    profile_json: str, on: dt.date, fingerprint: str, axis: str, answers: Answers
) -> list[dict[str, Any]]:
    panels = limits_panels(_analysis(profile_json, on, fingerprint, axis, answers))
    return [dict(panel.to_dict(validate=False)) for panel in panels]


def limit_panel_specs(analysis: Analysis) -> list[dict[str, Any]]:
    """The limits chart as one Vega-Lite spec per panel (each stretches to its column), built once
    per analysis."""
    specs = _limit_panel_specs(
        analysis.profile.model_dump_json(),
        analysis.book.as_of,
        data_fingerprint(),
        analysis.axis,
        _answers(dict(analysis.answers)),
    )
    return [{**spec, "datasets": {k: list(v) for k, v in spec.get("datasets", {}).items()}} for spec in specs]


def presets() -> dict[str, WorkloadProfile]:
    return _presets(data_fingerprint())


def criteria() -> Criteria:
    return _criteria(data_fingerprint())


def allowed() -> Allowed:
    """What a link or an upload may name: machine sizes, option ids, the span of pricing dates."""
    return _allowed(data_fingerprint(), dt.date.today())


@st.cache_resource(show_spinner=False, max_entries=4)
def _allowed(fingerprint: str, today: dt.date) -> Allowed:
    files = list_table_files()
    options = sorted({v.table.id for v in _versions(fingerprint) if v.table.kind == "option"})
    first = min(f.effective for f in files if f.table_id in options)
    tables = tuple(sorted({v.table.id for v in _versions(fingerprint)}))
    versions = [v.table for v in _versions(fingerprint) if v.table.kind == "option"]
    counts = Counter(t.id for t in versions)
    latest = {t.id: max(u.effective for u in versions if u.id == t.id) for t in versions}
    # The table whose prices changed most often; of those, the one that changed last.
    default = max(counts, key=lambda t: (counts[t], latest[t], t)) if counts else None
    terms: dict[str, OptionTerms] = {}
    for table in versions:  # what any version names, so a link dated in the past keeps its terms
        have, more = terms.get(table.id, OptionTerms()), OptionTerms.of(table)
        terms[table.id] = OptionTerms(
            prices=tuple(sorted({*have.prices, *more.prices})),
            plans=tuple(sorted({*have.plans, *more.plans})),
            addons=tuple(sorted({*have.addons, *more.addons})),
            names=tuple(sorted({**dict(have.names), **dict(more.names)}.items())),
        )
    return Allowed(
        machines=tuple(machines(_book(today, fingerprint))),
        machine_names=machine_names(_book(today, fingerprint)),
        tables=tables,
        options=tuple(options),
        first_date=first,
        last_date=today,
        default_table=default,
        terms=terms,
        models=model_refs(),
        sandboxes={v.table.id: v.table.name for v in _versions(fingerprint) if v.table.kind == "sandbox"},
    )


def book_for(on: dt.date) -> PriceBook:
    return _book(on, data_fingerprint())


def analysis_for(profile: WorkloadProfile, on: dt.date, axis: str, answers: dict[str, str]) -> Analysis:
    return _analysis(profile.model_dump_json(), on, data_fingerprint(), axis, _answers(answers))


def chart_spec(analysis: Analysis, kind: str) -> dict[str, Any]:
    """The Vega-Lite spec of one of the analysis' charts (`CHARTS`), built once per analysis:
    a rerun that changes nothing (switching views, answering the checklist) reuses it."""
    spec = _chart_spec(
        kind,
        analysis.profile.model_dump_json(),
        analysis.book.as_of,
        data_fingerprint(),
        analysis.axis,
        _answers(dict(analysis.answers)),
    )
    # Streamlit moves the datasets out of the spec it is given: hand it a copy of the cached one.
    return {**spec, "datasets": {name: list(rows) for name, rows in spec.get("datasets", {}).items()}}


@st.cache_resource(show_spinner=False, max_entries=32)
def _costs_over_versions(profile_json: str, fingerprint: str) -> pd.DataFrame:
    profile = WorkloadProfile.model_validate_json(profile_json)
    return costs_by_date([profile], {d: _book(d, fingerprint) for d in version_dates()})


def costs_over_versions(profile: WorkloadProfile) -> pd.DataFrame:
    """The profile's cost under every version of the pricing tables."""
    return _costs_over_versions(profile.model_dump_json(), data_fingerprint())


def machine_label(name: str, book: PriceBook) -> str:
    """A machine size in words: "0.5 vCPU · 0.5 GB"."""
    size = book.table(HOSTING_TABLE).machines.get(name)
    if size is None:
        return name
    return f"{size.vcpu.expected:g} vCPU · {size.memory_gb.expected:g} GB"


def machines(book: PriceBook) -> list[str]:
    """The machine sizes a profile may name, smallest first."""
    sizes = book.table(HOSTING_TABLE).machines
    return sorted(sizes, key=lambda k: (sizes[k].vcpu.expected, sizes[k].memory_gb.expected))


@st.cache_resource(show_spinner=False, max_entries=2)
def _versions(fingerprint: str) -> list[TableVersion]:
    return read_versions()


@st.cache_resource(show_spinner=False, max_entries=2)
def _history(fingerprint: str) -> pd.DataFrame:
    return history_frame([v.table for v in _versions(fingerprint)])


def all_versions() -> list[TableVersion]:
    """Every version of every table (the price-history view)."""
    return _versions(data_fingerprint())


def history() -> pd.DataFrame:
    """Every number of every version, for charting (`pricing.versions.history_frame`)."""
    return _history(data_fingerprint())
