"""A workload profile from a Trigger.dev runs list, and the vendor's own cost figures as a check.

Reads the management API's `runs.list` response as JSON (`{"data": [run, ...], "pagination":
{...}}`, or a bare list of runs, or several pages), each run in the shape of `@trigger.dev/core`'s
`ListRunResponseItem`: `createdAt`, `durationMs` (the compute time billed), `costInCents` (its
compute cost) and `baseCostInCents` (the run's invocation cost), `isTest`, `status`. Derives runs
per month (from the span the runs were created over), the seconds billed per run, and the machine
whose price per second the runs' own cost per second matches; then prices the runs with the
tables and sets both totals side by side.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.units import DAYS_PER_MONTH, SECONDS_PER_DAY
from pricing.load import PricingError
from pricing.yamlio import InputError, Problem, load_json
from schema.numbers import Number
from schema.profile import WorkloadProfile
from schema.tables import PriceTable

__all__ = ["IMPORTER", "OPTION", "RunsCheck", "derive_from_runs", "is_runs_list", "read_runs"]

MIN_SPAN_SECONDS = 3600.0
"""Runs created over less than an hour do not say how many there are a month."""
CENTS = 100.0


@dataclass(frozen=True)
class RunsCheck:
    profile: WorkloadProfile
    runs: int
    span_days: float
    machine: str
    machine_price_per_second: float
    seconds_per_run: float
    vendor_usd: float
    """What the runs cost by the vendor's own figures (`costInCents` + `baseCostInCents`)."""
    tables_usd: float
    """The same runs priced with the tables: seconds x the machine's price + the invocation price."""
    sources: Mapping[str, str]
    notes: tuple[str, ...] = ()


def _runs_of(data: Any) -> list[Any] | None:
    if isinstance(data, Mapping) and isinstance(data.get("data"), list):
        return list(data["data"])
    if isinstance(data, list):
        if all(isinstance(d, Mapping) and isinstance(d.get("data"), list) for d in data) and data:
            return [run for page in data for run in page["data"]]
        return data
    return None


def _instant(text: Any) -> float | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


FIELD_BOUNDS = {
    "durationMs": (1.0, 366 * 86_400_000.0),
    "costInCents": (1e-9, 1e9),
    "baseCostInCents": (1e-9, 1e9),
}
"""What a run's figures may be, besides 0: a billed millisecond to a year; a cost from a billionth of
a cent to ten million dollars (a denormal or 1.7e308 is no run's)."""
EARLIEST = dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp()
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp()


MAX_RUNS = 100_000
"""Runs one list may hold: a sample of a month is enough to size one, and the bound keeps a file's
cost to read near 0.5 GB and 3 s (350,000 runs took 1.3 GB and 9 s)."""


def read_runs(text: str, file: str) -> list[Mapping[str, Any]]:
    """The runs of a runs-list JSON; every problem names the run (its index) and the field."""
    counted = text.count('"createdAt"')  # before the JSON is read into objects (ten times its size)
    if counted > MAX_RUNS:
        raise PricingError([Problem(file, None, "runs", f"about {counted:,} runs; at most {MAX_RUNS:,} (a sample)")])
    try:
        data = load_json(text, file, "runs")
    except InputError as exc:
        raise PricingError([exc.problem]) from None
    runs = _runs_of(data)
    if runs is None:
        raise PricingError(
            [
                Problem(
                    file,
                    None,
                    "runs",
                    'a Trigger.dev runs list: {"data": [runs]} as runs.list '
                    "returns it (or a list of runs, or of such pages)",
                )
            ]
        )
    problems = []
    for i, run in enumerate(runs):
        if not isinstance(run, Mapping):
            problems.append(Problem(file, None, f"data.{i}", "a run: an object"))
            continue
        for key, (least, most) in FIELD_BOUNDS.items():
            value = run.get(key)
            number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
            if number is None or not (number == 0 or least <= number <= most):
                problems.append(
                    Problem(file, None, f"data.{i}.{key}", f"0, or a number from {least:g} to {most:g} (got {value!r})")
                )
        created = _instant(run.get("createdAt"))
        if created is None or not EARLIEST <= created <= LATEST:
            problems.append(
                Problem(
                    file,
                    None,
                    f"data.{i}.createdAt",
                    f"a date and time, ISO 8601, from 2020 to 2100 (got {run.get('createdAt')!r})",
                )
            )
        if "isTest" in run and not isinstance(run["isTest"], bool):
            problems.append(Problem(file, None, f"data.{i}.isTest", f"true or false (got {run['isTest']!r})"))
        if len(problems) >= 20:
            problems.append(Problem(file, None, "data", "stopped after 20 problems"))
            break
    if problems:
        raise PricingError(problems)
    return list(runs)


def _price(table: PriceTable, key: str) -> float:
    item = table.prices[key]
    assert isinstance(item, Number)
    return item.expected


def derive_from_runs(
    files: Sequence[tuple[str, str]],
    table: PriceTable,
    *,
    monthly_runs: float | None = None,
    steps_per_run: float = 1.0,
    name: str | None = None,
) -> RunsCheck:
    """A profile from runs lists ((file, text) pairs), with the vendor's cost set against the tables'."""
    runs: list[Mapping[str, Any]] = []
    for file, text in files:
        runs += read_runs(text, file)
    billed = [r for r in runs if not r.get("isTest") and float(r["durationMs"]) > 0]
    if not billed:
        raise PricingError(
            [Problem(files[0][0] if files else "runs", None, "data", "no run outside test mode with a billed duration")]
        )
    created = sorted(t for t in (_instant(r["createdAt"]) for r in billed) if t is not None)
    span = created[-1] - created[0]
    notes = []
    if monthly_runs is None:
        if span < MIN_SPAN_SECONDS:
            raise PricingError(
                [
                    Problem(
                        files[0][0],
                        None,
                        "createdAt",
                        f"the runs were created over {span:,.0f} s; give --monthly-runs, or runs "
                        f"created over an hour or more",
                    )
                ]
            )
        # n runs over the span: the gaps between them average span / (n - 1)
        monthly_runs = (len(billed) - 1) / span * DAYS_PER_MONTH * SECONDS_PER_DAY
        runs_source = (
            f"{len(billed):,} runs created over {span / SECONDS_PER_DAY:,.3g} days (createdAt), scaled to a month"
        )
    else:
        runs_source = "given"
    seconds = [float(r["durationMs"]) / 1000 for r in billed]
    cost_per_second = sum(float(r["costInCents"]) for r in billed) / CENTS / sum(seconds)
    machines = {key.removeprefix("compute."): _price(table, key) for key in table.prices if key.startswith("compute.")}
    machine = min(machines, key=lambda m: abs(machines[m] - cost_per_second) / machines[m])
    if abs(machines[machine] - cost_per_second) > 0.1 * machines[machine]:
        notes.append(
            f"the runs cost ${cost_per_second:.3g} a second, not within 10 % of any machine's price "
            f"(nearest: {machine}, ${machines[machine]:.3g}): a mix of machines, or other prices"
        )
    per_run = statistics.median(seconds)
    data = {
        "version": 2,
        "name": name or f"From {len(billed):,} Trigger.dev runs",
        "description": "Derived by `tco profile from-trigger-runs` from a runs list.",
        "monthly_runs": float(f"{monthly_runs:.6g}"),
        "steps_per_run": steps_per_run,
        "step_seconds": float(f"{per_run / steps_per_run:.6g}"),
        "machine": machine,
    }
    if len(seconds) > 1:  # how much the runs differ becomes the Monte Carlo's range of a step's time
        from pricing.vendors import spread_ranges

        low, high = np.percentile(np.asarray(seconds), [10, 90]) / steps_per_run
        data["ranges"] = spread_ranges(data, {"step_seconds": (float(low), float(high))})
    from pricing.vendors import derived_profile

    profile = derived_profile(data, [f for f, _ in files], "runs")
    vendor = sum(float(r["costInCents"]) + float(r["baseCostInCents"]) for r in billed) / CENTS
    tables = sum(seconds) * machines[machine] + len(billed) * _price(table, "invocation")
    sources = {
        "monthly_runs": runs_source,
        "step_seconds": f"median durationMs of {len(billed):,} runs (the compute time billed), split over "
        f"{steps_per_run:g} step{'s' if steps_per_run != 1 else ''} (the list does not show steps)",
        "machine": f"the preset whose price per second is nearest the runs' own (costInCents / durationMs: "
        f"${cost_per_second:.3g}/s)",
    }
    return RunsCheck(
        profile,
        len(billed),
        span / SECONDS_PER_DAY,
        machine,
        machines[machine],
        per_run,
        vendor,
        tables,
        sources,
        tuple(notes),
    )


OPTION = "trigger.dev/cloud"


def is_runs_list(data: Any) -> bool:
    runs = _runs_of(data)
    return runs is not None and bool(runs) and isinstance(runs[0], Mapping) and "durationMs" in runs[0]


def _derive(
    files: Sequence[tuple[str, str]],
    book: Any,
    *,
    monthly_runs: float | None = None,
    steps_per_run: float = 1.0,
    name: str | None = None,
    **_: Any,
) -> Any:
    from pricing.vendors import Imported, annotated_yaml

    table = next((t for t in book.options() if t.id == OPTION), None)
    if table is None:
        raise PricingError(
            [Problem(files[0][0] if files else "runs", None, "runs", f"no {OPTION} table is in force on {book.as_of}")]
        )
    check = derive_from_runs(files, table, monthly_runs=monthly_runs, steps_per_run=steps_per_run, name=name)
    tables = (
        f"priced with the tables ({check.machine}, ${check.machine_price_per_second:.3g}/s): ${check.tables_usd:,.4f}"
    )
    if check.vendor_usd > 0:
        gap = round((check.tables_usd - check.vendor_usd) / check.vendor_usd * 100, 1) + 0.0
        said = f"The runs' own cost (costInCents + baseCostInCents): ${check.vendor_usd:,.4f}; {tables} ({gap:+.1f} %)."
    else:  # nothing to agree with: the runs carry no cost of their own
        said = (
            f"The runs carry no cost of their own (costInCents and baseCostInCents are 0): nothing to check; {tables}."
        )
    header = [
        f"Derived by `tco profile from-trigger-runs` from {check.runs:,} runs over {check.span_days:,.3g} days.",
        said,
        *check.notes,
    ]
    return Imported(
        check.profile, annotated_yaml(check.profile, header, check.sources), check.sources, check.notes, said
    )


def _importer() -> Any:
    from pricing.vendors import Importer

    return Importer(
        command="from-trigger-runs",
        help="a profile from a Trigger.dev runs list (runs.list as JSON), with the runs' own cost set against "
        "the tables'",
        accepts=is_runs_list,
        derive=_derive,
        options=("steps_per_run",),
    )


IMPORTER = _importer()
