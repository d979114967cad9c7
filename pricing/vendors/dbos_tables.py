"""A workload profile from a team's own DBOS workflow tables.

Reads the rows of DBOS's two system tables exported as JSON: `workflow_status` (a row per workflow:
`workflow_uuid`, `status`, `name`, `created_at` in epoch milliseconds, `parent_workflow_id`,
`recovery_attempts`) and `operation_outputs` (a row per recorded call of a workflow:
`workflow_uuid`, `function_id`, `function_name`, `output`, `error`, `child_workflow_id`,
`started_at_epoch_ms`, `completed_at_epoch_ms`), as DBOS 3.4.0 writes them on SQLite or Postgres.
Accepted: one JSON object `{"workflow_status": [rows], "operation_outputs": [rows]}`, or each
table's rows as a JSON list in a file of its own (`sqlite3 -json dbos.sqlite "select * from
operation_outputs"`, or psql's `select json_agg(t) from dbos.operation_outputs t`), recognised by
its columns; any number of files, whose rows are pooled (a row given twice is read once).

A run is a workflow no other workflow started; the workflows it started (`child_workflow_id`,
`parent_workflow_id`) and theirs are part of it. Per run: steps (rows that are not `DBOS.*` calls
or child starts), durable sleeps (`DBOS.sleep`, but for the durable sleep that times a
`DBOS.recv` or `DBOS.getEvent`, written at the next `function_id`), waits for a message
(`DBOS.recv`), child workflows started, and their lengths, from the rows' timestamps; a step's
stored output (DBOS stores no step's input). With many runs each field is the median, and its
spread (10th to 90th percentile) is kept. Runs a month come from the span the runs were created
over, unless given. The engine's checkpoints for the derived profile (`dbos/conductor`) are set
against the rows counted.

Nothing in an export is deserialized: outputs are measured, never unpickled.

Why one file: one vendor's export format, read in one place: the two tables' columns, the checks on
each row and the profile derived from them are one set of rules; split, each room would need the
others' to make sense.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.units import BYTES_PER_KB, DAYS_PER_MONTH, SECONDS_PER_DAY
from pricing.load import PricingError
from pricing.vendors.rows import RowProblems, count_cell, shown, text_cell, whole
from pricing.yamlio import InputError, Problem, load_json
from schema.profile import WorkloadProfile

__all__ = [
    "IMPORTER",
    "OPTION",
    "DerivedProfile",
    "RunFacts",
    "Tables",
    "derive_profile",
    "is_dbos_export",
    "read_tables",
]

OPTION = "dbos/conductor"
STATUS, OUTPUTS = "workflow_status", "operation_outputs"
TABLES = (STATUS, OUTPUTS)
REQUIRED = {
    STATUS: ("workflow_uuid", "status", "created_at"),
    OUTPUTS: ("workflow_uuid", "function_id", "function_name"),
}
"""The columns a row of each table must have (the others are read where the export has them)."""
MAX_ROWS = 2_000_000
MAX_ID = 10**9
EPOCH_MS = (946_684_800_000, 4_102_444_800_000)
"""Timestamps are epoch milliseconds from 2000 to 2100."""
MIN_SPAN_SECONDS = 3600.0
"""Runs created over less than an hour do not say how many there are a month."""
UNFINISHED = frozenset({"PENDING", "ENQUEUED", "DELAYED"})

SLEEP, RECV, RESULT = "DBOS.sleep", "DBOS.recv", "DBOS.getResult"
TIMED = frozenset({RECV, "DBOS.getEvent"})
"""Calls whose timeout is a durable sleep of its own, recorded at the next `function_id`."""

SOURCES = {
    "steps_per_run": "operation_outputs rows that are not DBOS.* calls or child starts (a child's first step "
    "is part of its child run)",
    "step_seconds": "started_at_epoch_ms to completed_at_epoch_ms of those rows (a step's retries included)",
    "sleeps_per_run": "DBOS.sleep rows, but for a DBOS.recv's timeout (the row after it)",
    "sleep_seconds": "a DBOS.sleep row's output (the time it wakes) less its started_at_epoch_ms",
    "human_waits_per_run": "DBOS.recv rows",
    "human_wait_seconds": "started_at_epoch_ms to completed_at_epoch_ms of the DBOS.recv rows",
    "child_runs_per_run": "operation_outputs rows with a child_workflow_id, but for DBOS.getResult",
    "step_payload_kb": "the length of a step row's stored output (and error); DBOS stores no step's input",
}
PER_EVENT = {
    "step_seconds": "steps_per_run",
    "step_payload_kb": "steps_per_run",
    "sleep_seconds": "sleeps_per_run",
    "human_wait_seconds": "human_waits_per_run",
}
"""Lengths and sizes of one thing: their median is over the runs that have one."""


@dataclass(frozen=True)
class Operation:
    workflow: str
    function_id: int
    name: str
    output: str | None
    stored_bytes: int
    error: bool
    child: str | None
    started_ms: int | None
    completed_ms: int | None


@dataclass(frozen=True)
class Workflow:
    id: str
    status: str
    name: str
    created_ms: int
    parent: str | None
    recovery_attempts: int | None


@dataclass
class Tables:
    """The rows read from every file, one per workflow and one per recorded call."""

    workflows: dict[str, Workflow] = field(default_factory=dict)
    operations: dict[tuple[str, int], Operation] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=lambda: {STATUS: [], OUTPUTS: []})
    """Table -> the files that gave its rows."""
    repeated: int = 0
    """Rows given more than once (read once)."""


@dataclass(frozen=True)
class RunFacts:
    """What one run (the workflow and every workflow it started) shows."""

    workflow: str
    name: str
    created_ms: int | None
    steps: int
    step_seconds: float | None
    sleeps: int
    sleep_seconds: float | None
    waits: int
    wait_seconds: float | None
    children: int
    awaited: int
    step_payload_bytes: float | None
    workflows: int
    rows: int
    other_calls: Mapping[str, int]
    failed_steps: int
    recovered: bool

    @property
    def checkpoints(self) -> int:
        """Rows of both tables: one per workflow and one per recorded call (what Conductor bills)."""
        return self.workflows + self.rows


@dataclass(frozen=True)
class DerivedProfile:
    profile: WorkloadProfile
    sources: Mapping[str, str]
    spread: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    runs: tuple[RunFacts, ...] = ()
    notes: tuple[str, ...] = ()
    span_seconds: float = 0.0


# --- Reading --------------------------------------------------------------------------------------


def _table_of(row: Any) -> str | None:
    """Which table a row is from, by its columns."""
    if not isinstance(row, Mapping):
        return None
    for table in (OUTPUTS, STATUS):
        if all(column in row for column in REQUIRED[table]):
            return table
    return None


def _tables_of(data: Any) -> dict[str, Any] | None:
    """Table -> its rows (as given), if the data is one of the accepted shapes."""
    if isinstance(data, Mapping) and any(t in data for t in TABLES):
        return {t: data[t] for t in TABLES if t in data}
    if isinstance(data, list) and data:
        table = _table_of(data[0])
        return {table: data} if table else None
    return None


def is_dbos_export(data: Any) -> bool:
    return _tables_of(data) is not None


def _epoch_ms(row: Mapping[str, Any], column: str, where: str, problems: RowProblems, *, null: bool) -> int | None:
    value = row.get(column)
    if value is None and null:
        return None
    number = whole(value)
    if number is None or not EPOCH_MS[0] <= number <= EPOCH_MS[1]:
        problems.add(
            f"{where}.{column}",
            f"epoch milliseconds from 2000 to 2100 ({EPOCH_MS[0]:,} to {EPOCH_MS[1]:,})"
            + (" or null" if null else "")
            + f" (got {shown(value)})",
        )
        return None
    return number


def _missing(row: Mapping[str, Any], table: str, where: str, problems: RowProblems) -> bool:
    missing = [c for c in REQUIRED[table] if c not in row]
    for column in missing:
        problems.add(f"{where}.{column}", f"missing: every {table} row has {', '.join(REQUIRED[table])}")
    return bool(missing)


def _read_status(row: Mapping[str, Any], where: str, problems: RowProblems) -> Workflow | None:
    before = len(problems.found)
    workflow = text_cell(row, "workflow_uuid", where, problems, null=False)
    status = text_cell(row, "status", where, problems, null=False)
    created = _epoch_ms(row, "created_at", where, problems, null=False)
    name = text_cell(row, "name", where, problems, null=True) if "name" in row else None
    parent = text_cell(row, "parent_workflow_id", where, problems, null=True)
    recovery = count_cell(row, "recovery_attempts", where, problems, null=True, most=MAX_ID)
    if len(problems.found) > before or workflow is None or status is None or created is None:
        return None
    return Workflow(workflow, status.upper(), name or "", created, parent or None, recovery)


def _read_output(row: Mapping[str, Any], where: str, problems: RowProblems) -> Operation | None:
    before = len(problems.found)
    workflow = text_cell(row, "workflow_uuid", where, problems, null=False)
    function_id = count_cell(row, "function_id", where, problems, null=False, most=MAX_ID)
    name = text_cell(row, "function_name", where, problems, null=False)
    output = text_cell(row, "output", where, problems, null=True)
    error = text_cell(row, "error", where, problems, null=True)
    child = text_cell(row, "child_workflow_id", where, problems, null=True)
    started = _epoch_ms(row, "started_at_epoch_ms", where, problems, null=True)
    completed = _epoch_ms(row, "completed_at_epoch_ms", where, problems, null=True)
    if started is not None and completed is not None and completed < started:
        problems.add(
            f"{where}.completed_at_epoch_ms",
            f"{completed} is before started_at_epoch_ms {started}: a call ends after it starts",
        )
    if len(problems.found) > before or workflow is None or function_id is None or name is None:
        return None
    stored = len((output or "").encode("utf-8")) + len((error or "").encode("utf-8"))
    return Operation(workflow, function_id, name, output, stored, error is not None, child or None, started, completed)


def read_tables(files: Sequence[tuple[str, str]]) -> Tables:
    """The rows of every file ((name, text) pairs); a `PricingError` names the file, the row (its
    table and index) and the column of every problem."""
    tables = Tables()
    found: list[Problem] = []
    for file, text in files:
        try:
            data = load_json(text, file, "rows")
        except InputError as exc:
            found.append(exc.problem)
            continue
        problems = RowProblems(file)
        _read_file(data, file, tables, problems)
        found += problems.found
    if found:
        raise PricingError(found)
    if not tables.operations:
        raise PricingError(
            [
                Problem(
                    files[0][0] if files else OUTPUTS,
                    None,
                    OUTPUTS,
                    "no operation_outputs rows in any file: give that table's rows (they show what a run does)",
                )
            ]
        )
    return tables


def _read_file(data: Any, file: str, tables: Tables, problems: RowProblems) -> None:
    if isinstance(data, list) and not data:
        problems.add("rows", "an empty list: no rows to read (a table's rows, or both tables in one object)")
        return
    given = _tables_of(data)
    if given is None:
        problems.add(
            "rows",
            "DBOS's workflow tables as JSON: an object with `workflow_status` and `operation_outputs` (lists of "
            "rows), or one table's rows as a list (`sqlite3 -json`, or psql's json_agg), each row with the table's "
            f"columns ({OUTPUTS}: {', '.join(REQUIRED[OUTPUTS])}; {STATUS}: {', '.join(REQUIRED[STATUS])})",
        )
        return
    for table, rows in given.items():
        if not isinstance(rows, list):
            problems.add(table, f"a list of rows (got {type(rows).__name__})")
            continue
        if len(rows) > MAX_ROWS:
            problems.add(table, f"{len(rows):,} rows; at most {MAX_ROWS:,} a file")
            continue
        if rows:
            tables.files[table].append(file)
        for i, row in enumerate(rows):
            if problems.full:
                return
            where = f"{table}.{i}"
            if not isinstance(row, Mapping):
                problems.add(where, f"a row: an object of its columns (got {shown(row)})")
                continue
            if _missing(row, table, where, problems):
                continue
            if table == STATUS:
                workflow = _read_status(row, where, problems)
                if workflow is not None:
                    tables.repeated += workflow.id in tables.workflows
                    tables.workflows.setdefault(workflow.id, workflow)
            else:
                operation = _read_output(row, where, problems)
                if operation is not None:
                    key = (operation.workflow, operation.function_id)
                    tables.repeated += key in tables.operations
                    tables.operations.setdefault(key, operation)


# --- What each run shows ---------------------------------------------------------------------------


def _started(operation: Operation) -> str | None:
    """The workflow this call started, if it is a child start."""
    return operation.child if operation.child and operation.name != RESULT else None


def _seconds(operation: Operation) -> float | None:
    if operation.started_ms is None or operation.completed_ms is None:
        return None
    return (operation.completed_ms - operation.started_ms) / 1000


def _slept(operation: Operation) -> float | None:
    """A durable sleep's length: the time it wakes (its output, seconds since the epoch, as DBOS
    3.4.0 stores it in JSON) less the time it started; None if the output is not that."""
    if operation.output is None or operation.started_ms is None or len(operation.output) > 40:
        return None
    try:
        wakes = float(operation.output)
    except ValueError:
        return None
    seconds = wakes - operation.started_ms / 1000
    return seconds if math.isfinite(seconds) and 0 <= seconds <= 3.2e7 else None


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


@dataclass(frozen=True)
class _Index:
    by_workflow: Mapping[str, Sequence[Operation]]
    """Workflow -> its calls, in the order of their function_id."""
    started_by: Mapping[str, Sequence[str]]
    """Workflow -> the workflows it started (by child_workflow_id or parent_workflow_id)."""

    @staticmethod
    def of(tables: Tables) -> _Index:
        by_workflow: dict[str, list[Operation]] = {}
        for operation in tables.operations.values():
            by_workflow.setdefault(operation.workflow, []).append(operation)
        started_by: dict[str, set[str]] = {}
        for w in tables.workflows.values():
            if w.parent:
                started_by.setdefault(w.parent, set()).add(w.id)
        for workflow, operations in by_workflow.items():
            operations.sort(key=lambda o: o.function_id)
            started_by.setdefault(workflow, set()).update(c for o in operations if (c := _started(o)))
        return _Index(by_workflow, {k: sorted(v) for k, v in started_by.items()})


def run_facts(tables: Tables, root: str, index: _Index | None = None) -> RunFacts:
    """What a run shows: the workflow `root` and every workflow it started, recursively."""
    index = index or _Index.of(tables)
    tree, seen, queue = [root], {root}, [root]
    while queue:  # every workflow once, whatever loops the rows claim
        for child in index.started_by.get(queue.pop(), ()):
            if child not in seen:
                seen.add(child)
                tree.append(child)
                queue.append(child)
    steps, step_seconds, payloads, sleeps, sleep_seconds, waits, wait_seconds = 0, [], [], 0, [], 0, []
    children, awaited, rows, failed = 0, 0, 0, 0
    other: Counter[str] = Counter()
    first_steps = 0
    for workflow in tree:
        operations = index.by_workflow.get(workflow, ())
        names = {o.function_id: o.name for o in operations}
        own_steps = 0
        for operation in operations:
            rows += 1
            if operation.name == RESULT:
                awaited += 1
            elif _started(operation):
                children += 1
            elif operation.name == SLEEP:
                if names.get(operation.function_id - 1) in TIMED:
                    continue  # the timeout of the wait just before it
                sleeps += 1
                slept = _slept(operation)
                if slept is not None:
                    sleep_seconds.append(slept)
            elif operation.name == RECV:
                waits += 1
                seconds = _seconds(operation)
                if seconds is not None:
                    wait_seconds.append(seconds)
            elif operation.name.startswith("DBOS."):
                other[operation.name] += 1
            else:
                own_steps += 1
                failed += operation.error
                payloads.append(float(operation.stored_bytes))
                seconds = _seconds(operation)
                if seconds is not None:
                    step_seconds.append(seconds)
        steps += own_steps
        if workflow != root:
            first_steps += min(own_steps, 1)
    facts = tables.workflows.get(root)
    return RunFacts(
        workflow=root,
        name=facts.name if facts else "",
        created_ms=facts.created_ms if facts else None,
        steps=steps - first_steps,
        step_seconds=_mean(step_seconds),
        sleeps=sleeps,
        sleep_seconds=_mean(sleep_seconds),
        waits=waits,
        wait_seconds=_mean(wait_seconds),
        children=children,
        awaited=awaited,
        step_payload_bytes=_mean(payloads),
        workflows=len(tree),
        rows=rows,
        other_calls=dict(other),
        failed_steps=failed,
        recovered=bool(facts and facts.recovery_attempts and facts.recovery_attempts > 1),
    )


def _roots(tables: Tables) -> tuple[list[str], int]:
    """The runs (workflows no other workflow started) that have finished, and how many have not."""
    started = {c for o in tables.operations.values() if (c := _started(o))}
    started |= {w.id for w in tables.workflows.values() if w.parent}
    if tables.workflows:
        tops = [w for w in tables.workflows.values() if w.id not in started]
        done = [w.id for w in tops if w.status not in UNFINISHED]
        return sorted(done), len(tops) - len(done)
    return sorted({o.workflow for o in tables.operations.values()} - started), 0


# --- The profile ----------------------------------------------------------------------------------


def _spread(values: Sequence[float]) -> tuple[float, float]:
    low, high = np.percentile(np.asarray(values, dtype=np.float64), [10, 90])
    return float(low), float(high)


def _monthly_runs(tables: Tables, files: Sequence[tuple[str, str]], given: float | None) -> tuple[float, str, float]:
    """(runs a month, where that came from, the span the runs were created over in seconds)."""
    started = {c for o in tables.operations.values() if (c := _started(o))}
    created = sorted(w.created_ms / 1000 for w in tables.workflows.values() if w.id not in started and not w.parent)
    span = created[-1] - created[0] if created else 0.0
    if given is not None:
        return given, "given", span
    file = tables.files[STATUS][0] if tables.files[STATUS] else files[0][0]
    if not created:
        raise PricingError(
            [
                Problem(
                    file,
                    None,
                    "monthly_runs",
                    "give the runs a month (--monthly-runs), or the workflow_status rows too (their created_at "
                    "shows how many runs a month there are)",
                )
            ]
        )
    if span < MIN_SPAN_SECONDS:
        raise PricingError(
            [
                Problem(
                    file,
                    None,
                    f"{STATUS}.created_at",
                    f"the runs were created over {span:,.0f} s; give the runs a month (--monthly-runs), or runs "
                    "created over an hour or more",
                )
            ]
        )
    # n runs over the span: the gaps between them average span / (n - 1)
    runs = (len(created) - 1) / span * DAYS_PER_MONTH * SECONDS_PER_DAY
    said = f"{len(created):,} runs created over {span / SECONDS_PER_DAY:,.3g} days (workflow_status.created_at), "
    return runs, said + "scaled to a month", span


def derive_profile(
    files: Sequence[tuple[str, str]],
    *,
    monthly_runs: float | None = None,
    name: str | None = None,
    base: Mapping[str, Any] | None = None,
) -> DerivedProfile:
    """A profile from exported DBOS tables ((file, text) pairs): each derived field is the median
    across the runs; runs a month from the span they were created over unless `monthly_runs` is
    given; `base` fields complete it."""
    tables = read_tables(files)
    roots, unfinished = _roots(tables)
    if not roots:
        raise PricingError(
            [
                Problem(
                    files[0][0],
                    None,
                    STATUS,
                    f"no finished run: every workflow no other started is {', '.join(sorted(UNFINISHED))}"
                    if unfinished
                    else "no run: every workflow in the rows was started by another",
                )
            ]
        )
    index = _Index.of(tables)
    runs = [run_facts(tables, root, index) for root in roots]
    runs_a_month, runs_source, span = _monthly_runs(tables, files, monthly_runs)
    columns: dict[str, list[float]] = {
        "steps_per_run": [float(r.steps) for r in runs],
        "sleeps_per_run": [float(r.sleeps) for r in runs],
        "human_waits_per_run": [float(r.waits) for r in runs],
        "child_runs_per_run": [float(r.children) for r in runs],
        "step_seconds": [r.step_seconds for r in runs if r.step_seconds is not None],
        "sleep_seconds": [r.sleep_seconds for r in runs if r.sleep_seconds is not None],
        "human_wait_seconds": [r.wait_seconds for r in runs if r.wait_seconds is not None],
        "step_payload_kb": [r.step_payload_bytes / BYTES_PER_KB for r in runs if r.step_payload_bytes is not None],
    }
    data: dict[str, Any] = dict(base or {})
    for key, values in columns.items():
        data[key] = float(f"{statistics.median(values):.6g}") if values else 0.0
    data["monthly_runs"] = float(f"{runs_a_month:.6g}")
    data["name"] = name or data.get("name") or f"From {len(runs):,} DBOS run{'s' if len(runs) != 1 else ''}"
    data.setdefault("description", "Derived by `tco profile from-dbos` from exported DBOS workflow tables.")
    data.pop("extends", None)
    spread = {key: _spread(values) for key, values in columns.items() if len(values) > 1}
    from pricing.vendors import spread_ranges

    ranges = spread_ranges(data, spread)
    if ranges:  # how much the runs differ becomes the Monte Carlo's range of each field
        data["ranges"] = {**data.get("ranges", {}), **ranges}
    from pricing.vendors import derived_profile

    profile = derived_profile(data, [f for f, _ in files], "tables")
    sources = {}
    for key, source in SOURCES.items():
        counted = len(columns[key])
        if key in PER_EVENT and counted < len(runs):
            shown = (
                f" (median of the {counted:,} runs that have one)"
                if counted > 1
                else (" (the one run that has one)" if counted else " (no run has one: 0)")
            )
        else:
            shown = f" (median of {counted:,} runs)" if counted > 1 else ""
        sources[key] = source + shown
    sources["monthly_runs"] = runs_source
    notes = _notes(tables, runs, unfinished)
    return DerivedProfile(profile, sources, spread, tuple(runs), tuple(notes), span)


def _notes(tables: Tables, runs: Sequence[RunFacts], unfinished: int) -> list[str]:
    notes = [
        "retry_rate: not recorded (DBOS writes one operation_outputs row for a step, however many attempts it "
        "took); left as given or 0",
        "context_growth_kb: not derived (DBOS stores no step's input, so a growing context does not show); "
        "left as given or 0",
    ]
    if not any(r.step_seconds is not None for r in runs) and any(r.steps for r in runs):
        notes.append(
            "step_seconds: the rows have no started_at_epoch_ms and completed_at_epoch_ms (DBOS before 3.x "
            "does not record them): 0; give it in the profile"
        )
    if not tables.workflows:
        notes.append(
            "workflow_status not given: every workflow of operation_outputs is taken as finished, with one "
            "workflow row each"
        )
    names = Counter(r.name for r in runs if r.name)
    if len(names) > 1:
        listed = ", ".join(f"{n} ({c:,})" for n, c in names.most_common(5))
        notes.append(f"runs of {len(names)} workflows ({listed}): the profile is their median; export one "
                     "workflow's rows (where name = ...) for a profile of its own")  # fmt: skip
    if unfinished:
        notes.append(f"{unfinished:,} runs not finished (PENDING, ENQUEUED or DELAYED) are left out")
    other: Counter[str] = Counter()
    for r in runs:
        other.update(r.other_calls)
    if other:
        listed = ", ".join(f"{n} {c:,}" for n, c in sorted(other.items()))
        notes.append(f"DBOS calls the profile has no field for, not counted as steps ({listed} rows over "
                     f"{len(runs):,} runs); each is a checkpoint")  # fmt: skip
    unawaited = sum(r.children - r.awaited for r in runs if r.children > r.awaited)
    if unawaited:
        notes.append(f"{unawaited:,} child workflows were started and never awaited (no DBOS.getResult row)")
    failed = sum(r.failed_steps for r in runs)
    if failed:
        notes.append(f"{failed:,} steps recorded an error (their last attempt failed)")
    recovered = sum(r.recovered for r in runs)
    if recovered:
        notes.append(f"{recovered:,} runs were recovered after an interruption (recovery_attempts over 1)")
    if tables.repeated:
        notes.append(f"{tables.repeated:,} rows were given more than once (read once)")
    return notes


def checkpoints_check(derived: DerivedProfile, book: Any) -> str | None:
    """The engine's checkpoints a run for the derived profile (`dbos/conductor`) against the rows
    the runs wrote; None if no such table is in force."""
    from model.columns import Columns, profiles_frame
    from model.usage import Usage
    from model.workload import workload

    table = next((t for t in book.options() if t.id == OPTION), None)
    if table is None:
        return None
    usage = Usage(workload(Columns(profiles_frame([derived.profile]))), table, "expected")
    engine = float(usage.per_run("checkpoints").total[0])
    counted = float(statistics.median(r.checkpoints for r in derived.runs))
    gap = round((engine - counted) / counted * 100, 1) + 0.0 if counted else 0.0
    runs = len(derived.runs)
    return (
        f"Checkpoints a run: the engine counts {engine:,.4g} for the derived profile ({OPTION}); the tables hold "
        f"{counted:,.4g} (workflow_status + operation_outputs rows of a run and the workflows it started, "
        f"{'median of ' + format(runs, ',') + ' runs' if runs > 1 else 'one run'}) ({gap:+.1f} %)."
    )


def derived_yaml(derived: DerivedProfile, check: str | None = None) -> str:
    from pricing.vendors import annotated_yaml, spread_comments

    runs = len(derived.runs)
    header = [
        f"Derived by `tco profile from-dbos` from {runs:,} run{'s' if runs != 1 else ''} in exported DBOS tables.",
        *([check] if check else []),
        *derived.notes,
    ]
    return annotated_yaml(derived.profile, header, spread_comments(derived.sources, derived.spread))


def _derive(
    files: Sequence[tuple[str, str]], book: Any, *, monthly_runs: float | None = None, name: str | None = None, **_: Any
) -> Any:
    from pricing.vendors import Imported

    derived = derive_profile(files, monthly_runs=monthly_runs, name=name)
    check = checkpoints_check(derived, book)
    return Imported(derived.profile, derived_yaml(derived, check), derived.sources, derived.notes, check)


def _importer() -> Any:
    from pricing.vendors import Importer

    return Importer(
        command="from-dbos",
        help="a profile from DBOS's workflow tables as JSON (the rows of workflow_status and operation_outputs: "
        "sqlite3 -json, or psql's json_agg), with the engine's checkpoints set against the rows",
        accepts=is_dbos_export,
        derive=_derive,
    )


IMPORTER = _importer()
