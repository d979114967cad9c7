"""A workload profile from a team's own Restate invocation journals.

Reads the rows of Restate's system tables as JSON: `sys_journal` (required: a row per journal
entry, `id`, `index`, `entry_type`, and where exported `name`, `raw_length`, `appended_at`,
`entry_lite_json` or `entry_json`, `invoked_id`), and optionally `sys_invocation` (a row per
invocation: `id`, `target`, `target_service_name`, `target_handler_name`, `invoked_by_id`,
`created_at`, `status`, `retry_count`, `journal_size`) and `sys_journal_events` (`id`,
`event_type`, `event_json`: a failed attempt's `TransientError`), as server 1.7.12 serves them.
Accepted: `restate sql --json "select ... from sys_journal"` (a JSON list of rows), the admin API's
`POST /query` answer (`{"rows": [...]}`), or one object `{"sys_journal": [...], "sys_invocation":
[...], "sys_journal_events": [...]}`; each file's table is recognised by its columns, and the rows
of every file are pooled (a row given twice is read once).

A run is an invocation no other invocation of the export called, and that does work (an
invocation that only completes a promise or an awakeable resolves another run's wait); the
invocations it called (`Command: Call`, `Command: OneWayCall`) and theirs are part of it. Per run:
steps (`Command: Run`; the Run just before an awakeable's resolution is taken to hand out its id,
part of the wait, as the engine counts a wait), durable sleeps (`Command: Sleep`), waits (`Command:
GetPromise`, and awakeables resolved: `Notification: Signal`), calls, their seconds from the
entries' `appended_at`, a step's result bytes (`raw_length`), retries from the events (or
`retry_count`). With many runs each field is the median, and its spread (10th to 90th percentile)
is kept. The engine's actions for the derived profile (`restate/cloud`) are set against the
journal's commands.

Why one file: one vendor's export format, read in one place: the journal's entry types, the checks
on each row and the profile derived from them are one set of rules; split, each room would need the
others' to make sense.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.units import BYTES_PER_KB, DAYS_PER_MONTH, SECONDS_PER_DAY
from pricing.load import PricingError
from pricing.vendors.rows import RowProblems, count_cell, shown, text_cell
from pricing.yamlio import InputError, Problem, load_json
from schema.profile import WorkloadProfile

__all__ = [
    "IMPORTER",
    "OPTION",
    "DerivedProfile",
    "Journals",
    "RunFacts",
    "actions_check",
    "derive_profile",
    "is_restate_export",
    "read_journals",
]

OPTION = "restate/cloud"
JOURNAL, INVOCATIONS, EVENTS = "sys_journal", "sys_invocation", "sys_journal_events"
TABLES = (JOURNAL, INVOCATIONS, EVENTS)
REQUIRED = {
    JOURNAL: ("id", "index", "entry_type"),
    INVOCATIONS: ("id", "target"),
    EVENTS: ("id", "event_type"),
}
"""The columns a row of each table must have (the others are read where the export has them)."""
MAX_ROWS = 2_000_000
MAX_INDEX = 10**9
MAX_JSON_CHARS = 1_000_000
"""An entry's JSON column longer than this is not read (its sizes come from `raw_length`)."""
YEARS = (2000, 2100)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MIN_SPAN_SECONDS = 3600.0
"""Runs created over less than an hour do not say how many there are a month."""
FIRST_AWAKEABLE_SIGNAL = 17
"""Signal indexes below this are the server's own (1: cancel); an awakeable's are 17 and up."""
WORK = frozenset({"Run", "Sleep", "Call", "OneWayCall", "GetPromise"})
RESOLVE = frozenset({"CompletePromise", "CompleteAwakeable", "SendSignal"})

SOURCES = {
    "steps_per_run": "Command: Run entries, but for the Run that hands out an awakeable's id (the one just "
    "before its resolution); a called invocation's first step is part of its child run",
    "step_seconds": "appended_at of each step's Command: Run to its Notification: Run (its retries included)",
    "retry_rate": "TransientError events of sys_journal_events (a step failed at least once each), or "
    "sys_invocation.retry_count, over the steps",
    "sleeps_per_run": "Command: Sleep entries",
    "sleep_seconds": "appended_at of each Command: Sleep to its Notification: Sleep",
    "human_waits_per_run": "Command: GetPromise entries and awakeables resolved (Notification: Signal)",
    "human_wait_seconds": "appended_at of each Command: GetPromise to its notification; an awakeable's, from the "
    "entry before its Notification: Signal",
    "child_runs_per_run": "Command: Call and Command: OneWayCall entries",
    "step_payload_kb": "raw_length of each step's Notification: Run (its result, with a few bytes of framing), "
    "at the first step of a line fitted through them; Restate journals no step's input",
    "context_growth_kb": "the slope of that line: how much larger each step's result is than the last",
}
PER_EVENT = {
    "step_seconds": "steps_per_run",
    "step_payload_kb": "steps_per_run",
    "context_growth_kb": "steps_per_run",
    "retry_rate": "steps_per_run",
    "sleep_seconds": "sleeps_per_run",
    "human_wait_seconds": "human_waits_per_run",
}
"""Lengths and rates of one thing: their median is over the runs that have one."""


@dataclass(frozen=True)
class Entry:
    invocation: str
    index: int
    kind: str
    """Command or Notification."""
    type: str
    """Run, Sleep, Call, Signal, ..."""
    raw_length: int | None
    appended: int | None
    """Microseconds since the epoch."""
    completion_id: int | None = None
    """A command's (its result's, for a call) or a notification's completion id, from the JSON."""
    signal: int | None = None
    called: str | None = None
    """The invocation a Call or OneWayCall command started."""
    wakes: int | None = None
    """A Command: Sleep's wake-up time, microseconds since the epoch."""


@dataclass(frozen=True)
class Invocation:
    id: str
    target: str
    handler: str
    """service/handler (the target without its key)."""
    caller: str | None
    created: int | None
    """Microseconds since the epoch."""
    status: str | None
    retry_count: int | None
    journal_size: int | None


@dataclass
class Journals:
    """The rows read from every file."""

    entries: dict[tuple[str, int], Entry] = field(default_factory=dict)
    invocations: dict[str, Invocation] = field(default_factory=dict)
    failed: dict[str, set[int | str]] = field(default_factory=dict)
    """Invocation -> the commands (their index, or the event's own place) a TransientError names."""
    events_given: bool = False
    repeated: int = 0


@dataclass(frozen=True)
class RunFacts:
    """What one run (the invocation and every invocation it called) shows."""

    invocation: str
    handler: str
    steps: int
    step_seconds: float | None
    retries: int | None
    sleeps: int
    sleep_seconds: float | None
    waits: int
    wait_seconds: float | None
    children: int
    one_way: int
    step_payload_bytes: float | None
    growth_bytes: float | None
    invocations: int
    commands: int
    entries: int


@dataclass(frozen=True)
class DerivedProfile:
    profile: WorkloadProfile
    sources: Mapping[str, str]
    spread: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    runs: tuple[RunFacts, ...] = ()
    notes: tuple[str, ...] = ()
    resolving_commands: int = 0
    """Commands of the invocations that resolved the runs' waits (not the runs' own)."""


# --- Reading --------------------------------------------------------------------------------------


def _table_of(row: Any) -> str | None:
    if not isinstance(row, Mapping):
        return None
    for table in TABLES:
        if all(column in row for column in REQUIRED[table]):
            return table
    return None


def _tables_of(data: Any) -> dict[str, Any] | None:
    """Table -> its rows (as given), if the data is one of the accepted shapes."""
    if isinstance(data, Mapping) and any(t in data for t in TABLES):
        return {t: data[t] for t in TABLES if t in data}
    if isinstance(data, Mapping) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if isinstance(data, list) and data:
        table = _table_of(data[0])
        return {table: data} if table else None
    return None


def is_restate_export(data: Any) -> bool:
    return _tables_of(data) is not None


def _instant(value: Any) -> int | None:
    """Microseconds since the epoch of an ISO 8601 time (`2026-12-06T21:31:39.255Z`, as `restate sql --json`
    and the admin API give it; without an offset, UTC) from 2000 to 2100."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if not YEARS[0] <= parsed.year < YEARS[1]:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return (parsed - EPOCH) // dt.timedelta(microseconds=1)


def _time(row: Mapping[str, Any], column: str, where: str, problems: RowProblems) -> int | None:
    value = row.get(column)
    if value is None:
        return None
    instant = _instant(value)
    if instant is None:
        problems.add(
            f"{where}.{column}",
            f"a date and time, ISO 8601 (2026-12-06T21:31:39.255Z), from {YEARS[0]} to {YEARS[1]} or null "
            f"(got {shown(value)})",
        )
    return instant


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**63:
        return None
    return value


def _entry_json(row: Mapping[str, Any], where: str, problems: RowProblems) -> Mapping[str, Any] | None:
    """The entry's JSON (the lite form if exported, else the full one), or None."""
    for column in ("entry_lite_json", "entry_json"):
        value = row.get(column)
        if value is None or (isinstance(value, str) and len(value) > MAX_JSON_CHARS):
            continue
        if not isinstance(value, str):
            problems.add(f"{where}.{column}", f"the entry as JSON text, as the server writes it (got {shown(value)})")
            return None
        try:
            data = load_json(value, problems.file, f"{where}.{column}")
        except InputError as exc:
            problems.add(f"{where}.{column}", exc.problem.message)
            return None
        return data if isinstance(data, Mapping) else None
    return None


def _details(kind: str, type_: str, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Completion id, signal, the invocation called and a sleep's wake-up time, from either JSON form:
    `{"Command": {"Run": {"completion_id": 1}}}`, `{"Notification": {"ty": {"Completion": "Run"}, "id":
    {"CompletionId": 1}}}` (lite), `{"Notification": {"Completion": {"Run": {"completion_id": 1}}}}`."""
    if data is None:
        return {}
    if kind == "Command":
        body = _dig(data, "Command", type_)
        completion = _dig(body, "result_completion_id") if type_ == "Call" else _dig(body, "completion_id")
        called = _dig(body, "invocation_id")
        if called is None:
            called = _dig(body, "request", "invocation_id")
        wakes = _whole(_dig(body, "wake_up_time"))
        return {
            "completion_id": _whole(completion),
            "called": called if isinstance(called, str) and 0 < len(called) <= 200 else None,
            "wakes": wakes * 1000 if wakes is not None and wakes < 2**53 else None,
        }
    if type_ == "Signal":
        index = _dig(data, "Notification", "id", "SignalIndex")
        if index is None:
            index = _dig(data, "Notification", "Signal", "id", "Index")
        return {"signal": _whole(index)}
    completion = _dig(data, "Notification", "id", "CompletionId")
    if completion is None:
        completion = _dig(data, "Notification", "Completion", type_, "completion_id")
    return {"completion_id": _whole(completion)}


def _read_entry(row: Mapping[str, Any], where: str, problems: RowProblems) -> Entry | None:
    before = len(problems.found)
    invocation = text_cell(row, "id", where, problems, null=False)
    index = count_cell(row, "index", where, problems, null=False, most=MAX_INDEX)
    entry_type = text_cell(row, "entry_type", where, problems, null=False)
    raw_length = count_cell(row, "raw_length", where, problems, null=True, most=MAX_INDEX)
    appended = _time(row, "appended_at", where, problems)
    invoked = text_cell(row, "invoked_id", where, problems, null=True)
    kind, _, type_ = (entry_type or "").partition(": ")
    if entry_type is not None and (kind not in ("Command", "Notification") or not type_):
        problems.add(f"{where}.entry_type", f"'Command: <type>' or 'Notification: <type>' (got {shown(entry_type)})")
    data = _entry_json(row, where, problems)
    if len(problems.found) > before or invocation is None or index is None:
        return None
    details = _details(kind, type_, data)
    if invoked and not details.get("called"):
        details["called"] = invoked
    return Entry(invocation, index, kind, type_, raw_length, appended, **details)


def _read_invocation(row: Mapping[str, Any], where: str, problems: RowProblems) -> Invocation | None:
    before = len(problems.found)
    invocation = text_cell(row, "id", where, problems, null=False)
    target = text_cell(row, "target", where, problems, null=False)
    service = text_cell(row, "target_service_name", where, problems, null=True)
    handler = text_cell(row, "target_handler_name", where, problems, null=True)
    caller = text_cell(row, "invoked_by_id", where, problems, null=True)
    status = text_cell(row, "status", where, problems, null=True)
    created = _time(row, "created_at", where, problems)
    retries = count_cell(row, "retry_count", where, problems, null=True, most=MAX_INDEX)
    size = count_cell(row, "journal_size", where, problems, null=True, most=MAX_INDEX)
    if len(problems.found) > before or invocation is None or target is None:
        return None
    if service and handler:
        name = f"{service}/{handler}"
    else:  # service/key/handler or service/handler
        parts = target.split("/")
        name = f"{parts[0]}/{parts[-1]}" if len(parts) > 1 else target
    return Invocation(invocation, target, name, caller or None, created, status, retries, size)


def _read_event(row: Mapping[str, Any], where: str, problems: RowProblems, journals: Journals) -> None:
    before = len(problems.found)
    invocation = text_cell(row, "id", where, problems, null=False)
    event_type = text_cell(row, "event_type", where, problems, null=False)
    after = count_cell(row, "after_journal_entry_index", where, problems, null=True, most=MAX_INDEX)
    text = text_cell(row, "event_json", where, problems, null=True)
    if len(problems.found) > before or invocation is None or event_type != "TransientError":
        return
    data = None
    if text is not None and len(text) <= MAX_JSON_CHARS:
        try:
            data = load_json(text, problems.file, f"{where}.event_json")
        except InputError as exc:
            problems.add(f"{where}.event_json", exc.problem.message)
            return
    command = _whole(_dig(data, "related_command_index"))
    kind = _dig(data, "related_command_type")
    if kind is not None and kind != "Run":
        return  # a failure of another command (a call's), not a step's
    place: int | str = command if command is not None else f"after {after}"
    journals.failed.setdefault(invocation, set()).add(place)


def read_journals(files: Sequence[tuple[str, str]]) -> Journals:
    """The rows of every file ((name, text) pairs); a `PricingError` names the file, the row (its
    table and index) and the column of every problem."""
    journals = Journals()
    found: list[Problem] = []
    for file, text in files:
        try:
            data = load_json(text, file, "rows")
        except InputError as exc:
            found.append(exc.problem)
            continue
        problems = RowProblems(file)
        _read_file(data, journals, problems)
        found += problems.found
    if found:
        raise PricingError(found)
    if not journals.entries:
        raise PricingError(
            [
                Problem(
                    files[0][0] if files else JOURNAL,
                    None,
                    JOURNAL,
                    "no sys_journal rows in any file: give the journal's rows (restate sql --json "
                    '"select * from sys_journal"): they show what a run does',
                )
            ]
        )
    return journals


def _read_file(data: Any, journals: Journals, problems: RowProblems) -> None:
    rows_of = data.get("rows") if isinstance(data, Mapping) else data
    if isinstance(rows_of, list) and not rows_of:
        problems.add("rows", "an empty list: no rows to read (a table's rows, or the tables in one object)")
        return
    given = _tables_of(data)
    if given is None:
        problems.add(
            "rows",
            "Restate's system tables as JSON: rows of sys_journal (restate sql --json, a list; or the admin API's "
            '/query answer, {"rows": [...]}), of sys_invocation or of sys_journal_events, each with the table\'s '
            f"columns ({JOURNAL}: {', '.join(REQUIRED[JOURNAL])}; {INVOCATIONS}: {', '.join(REQUIRED[INVOCATIONS])}; "
            f"{EVENTS}: {', '.join(REQUIRED[EVENTS])}); or an object of those tables",
        )
        return
    for table, rows in given.items():
        if not isinstance(rows, list):
            problems.add(table, f"a list of rows (got {type(rows).__name__})")
            continue
        if len(rows) > MAX_ROWS:
            problems.add(table, f"{len(rows):,} rows; at most {MAX_ROWS:,} a file")
            continue
        journals.events_given |= table == EVENTS
        for i, row in enumerate(rows):
            if problems.full:
                return
            where = f"{table}.{i}"
            if not isinstance(row, Mapping):
                problems.add(where, f"a row: an object of its columns (got {shown(row)})")
                continue
            missing = [c for c in REQUIRED[table] if c not in row]
            for column in missing:
                problems.add(f"{where}.{column}", f"missing: every {table} row has {', '.join(REQUIRED[table])}")
            if missing:
                continue
            if table == JOURNAL:
                entry = _read_entry(row, where, problems)
                if entry is not None:
                    key = (entry.invocation, entry.index)
                    journals.repeated += key in journals.entries
                    journals.entries.setdefault(key, entry)
            elif table == INVOCATIONS:
                invocation = _read_invocation(row, where, problems)
                if invocation is not None:
                    journals.repeated += invocation.id in journals.invocations
                    journals.invocations.setdefault(invocation.id, invocation)
            else:
                _read_event(row, where, problems, journals)


# --- What each run shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    by_invocation: Mapping[str, Sequence[Entry]]
    """Invocation -> its entries in journal order."""
    called_by: Mapping[str, Sequence[str]]
    """Invocation -> the invocations it called."""

    @staticmethod
    def of(journals: Journals) -> _Index:
        by_invocation: dict[str, list[Entry]] = {}
        for entry in journals.entries.values():
            by_invocation.setdefault(entry.invocation, []).append(entry)
        called: dict[str, set[str]] = {}
        for invocation, entries in by_invocation.items():
            entries.sort(key=lambda e: e.index)
            called.setdefault(invocation, set()).update(e.called for e in entries if e.called and e.kind == "Command")
        for row in journals.invocations.values():
            if row.caller:
                called.setdefault(row.caller, set()).add(row.id)
        return _Index(by_invocation, {k: sorted(v) for k, v in called.items()})


def _commands(entries: Sequence[Entry]) -> Counter[str]:
    return Counter(e.type for e in entries if e.kind == "Command")


def _resolves(entries: Sequence[Entry]) -> bool:
    """An invocation that only completes a promise or an awakeable (a workflow's shared handler
    called to resolve a wait): it does no work of its own."""
    commands = _commands(entries)
    return bool(set(commands) & RESOLVE) and not set(commands) & WORK


def _pairs(entries: Sequence[Entry]) -> dict[int, Entry]:
    """Each command's index -> its notification: the one with its completion id, else the first
    notification of its type after it not taken yet."""
    by_completion: dict[tuple[str, int], Entry] = {}
    waiting: dict[str, list[Entry]] = {}
    found: dict[int, Entry] = {}
    for entry in entries:
        if entry.kind == "Command":
            if entry.completion_id is not None:
                by_completion[(entry.type, entry.completion_id)] = entry
            waiting.setdefault(entry.type, []).append(entry)
            continue
        command = by_completion.pop((entry.type, entry.completion_id), None) if entry.completion_id else None
        queue = waiting.get(entry.type, [])
        if command is None and entry.completion_id is None and queue:
            command = queue[0]
        if command is not None:
            if command in queue:
                queue.remove(command)
            found[command.index] = entry
    return found


def _awakeable(entry: Entry) -> bool:
    """An awakeable's resolution (a signal of its own, not the server's cancel)."""
    return (
        entry.kind == "Notification"
        and entry.type == "Signal"
        and (entry.signal is None or entry.signal >= FIRST_AWAKEABLE_SIGNAL)
    )


def _between(start: Entry, end: Entry | None) -> float | None:
    if end is None or start.appended is None or end.appended is None:
        return None
    return max(end.appended - start.appended, 0) / 1e6


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _fit(sizes: list[float]) -> tuple[float | None, float | None]:
    """(a step's result at the first step, how much each is larger than the last), from a
    least-squares line through the results in journal order (never a negative growth); as the
    Temporal import fits its inputs."""
    if not sizes:
        return None, None
    if len(sizes) < 2:
        return sizes[0], 0.0
    x = np.arange(len(sizes), dtype=np.float64)
    slope, intercept = np.polyfit(x, np.asarray(sizes, dtype=np.float64), 1)
    if slope < 1.0:  # under a byte a step: no growth (and no floating-point dust)
        return statistics.fmean(sizes), 0.0
    return max(float(intercept), 0.0), float(slope)  # a result is never below nothing


def run_facts(journals: Journals, root: str, index: _Index | None = None) -> RunFacts:
    """What a run shows: the invocation `root` and every invocation it called, recursively."""
    index = index or _Index.of(journals)
    tree, seen, queue = [root], {root}, [root]
    while queue:  # every invocation once, whatever loops the rows claim
        for child in index.called_by.get(queue.pop(), ()):
            if child not in seen:
                seen.add(child)
                tree.append(child)
                queue.append(child)
    steps = sleeps = waits = children = one_way = commands = entries_ = first_steps = 0
    step_seconds: list[float] = []
    sleep_seconds: list[float] = []
    wait_seconds: list[float] = []
    payloads: dict[str, list[float]] = {}
    """Invocation -> its steps' result bytes, in journal order."""
    retries: int | None = None
    for invocation in tree:
        entries = index.by_invocation.get(invocation, ())
        entries_ += len(entries)
        pairs = _pairs(entries)
        handouts: set[int] = set()
        last_run: Entry | None = None
        previous: Entry | None = None
        for entry in entries:
            if entry.kind == "Command" and entry.type == "Run":
                last_run = entry
            elif _awakeable(entry):
                waits += 1
                seconds = _between(previous, entry) if previous else None
                if seconds is not None:
                    wait_seconds.append(seconds)
                if last_run is not None:
                    handouts.add(last_run.index)
                    last_run = None
            previous = entry
        own_steps = 0
        for entry in entries:
            if entry.kind != "Command":
                continue
            commands += 1
            result = pairs.get(entry.index)
            if entry.type == "Run" and entry.index not in handouts:
                own_steps += 1
                seconds = _between(entry, result)
                if seconds is not None:
                    step_seconds.append(seconds)
                if result is not None and result.raw_length is not None:
                    payloads.setdefault(invocation, []).append(float(result.raw_length))
            elif entry.type == "Sleep":
                sleeps += 1
                seconds = _between(entry, result)
                if seconds is None and entry.wakes is not None and entry.appended is not None:
                    seconds = max(entry.wakes - entry.appended, 0) / 1e6
                if seconds is not None:
                    sleep_seconds.append(seconds)
            elif entry.type == "GetPromise":
                waits += 1
                seconds = _between(entry, result)
                if seconds is not None:
                    wait_seconds.append(seconds)
            elif entry.type in ("Call", "OneWayCall"):
                children += 1
                one_way += entry.type == "OneWayCall"
        steps += own_steps
        if invocation != root:
            first_steps += min(own_steps, 1)
        failed = len(journals.failed.get(invocation, ())) if journals.events_given else None
        row = journals.invocations.get(invocation)
        counted = row.retry_count if row is not None else None
        if failed is not None or counted is not None:
            retries = (retries or 0) + max(failed or 0, counted or 0)
    # the line through the run's own results (a child's results, a series of their own, only without them)
    payload, growth = _fit(payloads.get(root) or [b for sizes in payloads.values() for b in sizes])
    row = journals.invocations.get(root)
    return RunFacts(
        invocation=root,
        handler=row.handler if row else "",
        steps=steps - first_steps,
        step_seconds=_mean(step_seconds),
        retries=retries,
        sleeps=sleeps,
        sleep_seconds=_mean(sleep_seconds),
        waits=waits,
        wait_seconds=_mean(wait_seconds),
        children=children,
        one_way=one_way,
        step_payload_bytes=payload,
        growth_bytes=growth,
        invocations=len(tree),
        commands=commands,
        entries=entries_,
    )


@dataclass(frozen=True)
class _Runs:
    roots: list[str]
    resolvers: list[str]
    unfinished: int
    unlinked_calls: int
    """Calls whose invocation the export does not name (no JSON column, no sys_invocation)."""


def _runs(journals: Journals, index: _Index) -> _Runs:
    called = {c for children in index.called_by.values() for c in children}
    tops = [i for i in index.by_invocation if i not in called]
    resolvers = [i for i in tops if _resolves(index.by_invocation[i])]
    roots, unfinished = [], 0
    for invocation in tops:
        if invocation in resolvers:
            continue
        row = journals.invocations.get(invocation)
        if row is not None and row.status is not None and row.status != "completed":
            unfinished += 1
            continue
        roots.append(invocation)
    unlinked = sum(
        1
        for entries in index.by_invocation.values()
        for e in entries
        if e.kind == "Command" and e.type in ("Call", "OneWayCall") and not e.called
    )
    return _Runs(sorted(roots), sorted(resolvers), unfinished, 0 if journals.invocations else unlinked)


# --- The profile ----------------------------------------------------------------------------------


def _spread(values: Sequence[float]) -> tuple[float, float]:
    low, high = np.percentile(np.asarray(values, dtype=np.float64), [10, 90])
    return float(low), float(high)


def _created_spread(journals: Journals, runs: Sequence[RunFacts], index: _Index) -> tuple[int, float] | None:
    """(runs, the span in seconds they were created over) from sys_invocation: every invocation of the
    runs' handlers that no other invocation called, its journal exported or not."""
    handlers = {r.handler for r in runs if r.handler}
    called = {c for children in index.called_by.values() for c in children}
    created = sorted(
        row.created
        for row in journals.invocations.values()
        if row.created is not None and row.handler in handlers and row.id not in called and not row.caller
    )
    return (len(created), (created[-1] - created[0]) / 1e6) if created else None


def _monthly_runs(
    spread: tuple[int, float] | None, files: Sequence[tuple[str, str]], given: float | None
) -> tuple[float, str]:
    if given is not None:
        return given, "given (a journal does not show how many runs a month there are)"
    if spread is None:
        raise PricingError(
            [
                Problem(
                    files[0][0],
                    None,
                    "monthly_runs",
                    "give the runs a month (--monthly-runs): the journal does not show them (sys_invocation's "
                    "created_at would)",
                )
            ]
        )
    count, span = spread
    if span < MIN_SPAN_SECONDS:
        raise PricingError(
            [
                Problem(
                    files[0][0],
                    None,
                    f"{INVOCATIONS}.created_at",
                    f"the runs were created over {span:,.0f} s; give the runs a month (--monthly-runs), or runs "
                    "created over an hour or more",
                )
            ]
        )
    runs = (count - 1) / span * DAYS_PER_MONTH * SECONDS_PER_DAY
    return runs, f"{count:,} runs created over {span / SECONDS_PER_DAY:,.3g} days (sys_invocation.created_at), " + (
        "scaled to a month"
    )


def derive_profile(
    files: Sequence[tuple[str, str]],
    *,
    monthly_runs: float | None = None,
    name: str | None = None,
    base: Mapping[str, Any] | None = None,
) -> DerivedProfile:
    """A profile from exported Restate tables ((file, text) pairs): each derived field is the median
    across the runs; runs a month as given, else from sys_invocation's created_at; `base` fields
    complete it."""
    journals = read_journals(files)
    index = _Index.of(journals)
    found = _runs(journals, index)
    if not found.roots:
        said = (
            f"no finished run: {found.unfinished:,} invocations are not completed (sys_invocation.status)"
            if found.unfinished
            else "no run: every invocation in the journal was called by another, or only resolves a wait"
        )
        raise PricingError([Problem(files[0][0], None, JOURNAL, said)])
    runs = [run_facts(journals, root, index) for root in found.roots]
    created = _created_spread(journals, runs, index)
    runs_a_month, runs_source = _monthly_runs(created, files, monthly_runs)
    columns: dict[str, list[float]] = {
        "steps_per_run": [float(r.steps) for r in runs],
        "sleeps_per_run": [float(r.sleeps) for r in runs],
        "human_waits_per_run": [float(r.waits) for r in runs],
        "child_runs_per_run": [float(r.children) for r in runs],
        "step_seconds": [r.step_seconds for r in runs if r.step_seconds is not None],
        "retry_rate": [r.retries / r.steps for r in runs if r.retries is not None and r.steps],
        "sleep_seconds": [r.sleep_seconds for r in runs if r.sleep_seconds is not None],
        "human_wait_seconds": [r.wait_seconds for r in runs if r.wait_seconds is not None],
        "step_payload_kb": [r.step_payload_bytes / BYTES_PER_KB for r in runs if r.step_payload_bytes is not None],
        "context_growth_kb": [r.growth_bytes / BYTES_PER_KB for r in runs if r.growth_bytes is not None],
    }
    if not journals.events_given and not any(r.retries is not None for r in runs):
        del columns["retry_rate"]  # nothing shows the retries: left as given
    data: dict[str, Any] = dict(base or {})
    for key, values in columns.items():
        data[key] = float(f"{statistics.median(values):.6g}") if values else 0.0
    data["monthly_runs"] = float(f"{runs_a_month:.6g}")
    data["name"] = name or data.get("name") or f"From {len(runs):,} Restate run{'s' if len(runs) != 1 else ''}"
    data.setdefault("description", "Derived by `tco profile from-restate` from exported Restate journals.")
    data.pop("extends", None)
    spread = {key: _spread(values) for key, values in columns.items() if len(values) > 1}
    from pricing.vendors import spread_ranges

    ranges = spread_ranges(data, spread)
    if ranges:  # how much the runs differ becomes the Monte Carlo's range of each field
        data["ranges"] = {**data.get("ranges", {}), **ranges}
    from pricing.vendors import derived_profile

    profile = derived_profile(data, [f for f, _ in files], "journals")
    sources = {}
    for key, source in SOURCES.items():
        if key not in columns:
            continue
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
    resolving = sum(sum(_commands(index.by_invocation[i]).values()) for i in found.resolvers)
    sizes = {invocation: len(entries) for invocation, entries in index.by_invocation.items()}
    notes = _notes(journals, runs, found, created, monthly_runs, resolving, sizes)
    return DerivedProfile(profile, sources, spread, tuple(runs), tuple(notes), resolving)


def _notes(
    journals: Journals,
    runs: Sequence[RunFacts],
    found: _Runs,
    created: tuple[int, float] | None,
    given: float | None,
    resolving: int,
    sizes: Mapping[str, int],
) -> list[str]:
    notes = [
        "heartbeat_seconds: Restate has no heartbeats; left as given or 0",
        "a step's input is not journaled: a context passed into the steps, growing, shows only where their "
        "results grow",
    ]
    if not journals.events_given and not any(r.retries is not None for r in runs):
        notes.append(
            "retry_rate: not derived (export sys_journal_events: a failed attempt's TransientError); left as given or 0"
        )
    elif journals.events_given:
        notes.append("retry_rate: a step with a TransientError event is counted as retried once (the server keeps "
                     "one event for the same error again, not one per attempt): a lower bound")  # fmt: skip
    if given is not None and created is not None and created[1] >= MIN_SPAN_SECONDS:
        count, span = created
        rate = (count - 1) / span * DAYS_PER_MONTH * SECONDS_PER_DAY
        notes.append(
            f"monthly_runs: given; sys_invocation's created_at shows {count:,} runs over "
            f"{span / SECONDS_PER_DAY:,.3g} days, {rate:,.4g} a month"
        )
    handlers = Counter(r.handler for r in runs if r.handler)
    if len(handlers) > 1:
        listed = ", ".join(f"{n} ({c:,})" for n, c in handlers.most_common(5))
        notes.append(f"runs of {len(handlers)} handlers ({listed}): the profile is their median; export one "
                     "handler's invocations for a profile of its own")  # fmt: skip
    if found.resolvers:
        notes.append(
            f"{_many(len(found.resolvers), 'invocation')} only resolving a promise or an awakeable (a shared "
            f"handler called to answer a wait, {_many(resolving, 'command')}): part of the waits, not runs"
        )
    if found.unfinished:
        notes.append(f"{_many(found.unfinished, 'invocation')} not completed (sys_invocation.status) left out")
    if found.unlinked_calls:
        notes.append(
            f"{_many(found.unlinked_calls, 'call')} naming no invocation (no entry_lite_json, entry_json or "
            "sys_invocation.invoked_by_id): the invocations they started are taken as runs of their own"
        )
    one_way = sum(r.one_way for r in runs)
    if one_way:
        notes.append(f"{_many(one_way, 'call')} of them one-way (Command: OneWayCall), counted as child runs")
    if not any(r.step_seconds is not None for r in runs) and any(r.steps for r in runs):
        notes.append("step_seconds: the rows have no appended_at: 0; give it in the profile")
    incomplete = sum(
        1
        for r in runs
        if (row := journals.invocations.get(r.invocation)) is not None
        and row.journal_size is not None
        and row.journal_size != sizes.get(r.invocation, 0)
    )
    if incomplete:
        notes.append(
            f"{_many(incomplete, 'run')} whose journal holds fewer or more entries than "
            "sys_invocation.journal_size says (a LIMIT, or a filter on the rows?)"
        )
    if journals.repeated:
        notes.append(f"{_many(journals.repeated, 'row')} given more than once (read once)")
    return notes


def _many(count: int, thing: str) -> str:
    return f"{count:,} {thing}{'' if count == 1 else 's'}"


def actions_check(derived: DerivedProfile, book: Any) -> str | None:
    """The engine's actions a run for the derived profile (`restate/cloud`) against the commands the
    runs journaled; None if no such table is in force."""
    from model.columns import Columns, profiles_frame
    from model.usage import Usage
    from model.workload import workload

    table = next((t for t in book.options() if t.id == OPTION), None)
    if table is None:
        return None
    usage = Usage(workload(Columns(profiles_frame([derived.profile]))), table, "expected")
    engine = float(usage.per_run("actions").total[0])
    counted = float(statistics.median(r.commands for r in derived.runs))
    gap = round((engine - counted) / counted * 100, 1) + 0.0 if counted else 0.0
    runs = len(derived.runs)
    said = (
        f"Actions a run: the engine counts {engine:,.4g} for the derived profile ({OPTION}); the journal holds "
        f"{counted:,.4g} commands (a run's and its calls', "
        f"{'median of ' + format(runs, ',') + ' runs' if runs > 1 else 'one run'}) ({gap:+.1f} %)."
    )
    if derived.resolving_commands:
        said += (
            f" The {derived.resolving_commands:,} commands of the invocations that resolved promises are not "
            "counted (the engine takes a wait as its one command)."
        )
    return said


def derived_yaml(derived: DerivedProfile, check: str | None = None) -> str:
    from pricing.vendors import annotated_yaml, spread_comments

    runs = len(derived.runs)
    header = [
        f"Derived by `tco profile from-restate` from {runs:,} run{'s' if runs != 1 else ''} in exported Restate "
        "journals.",
        *([check] if check else []),
        *derived.notes,
    ]
    return annotated_yaml(derived.profile, header, spread_comments(derived.sources, derived.spread))


def _derive(
    files: Sequence[tuple[str, str]], book: Any, *, monthly_runs: float | None = None, name: str | None = None, **_: Any
) -> Any:
    from pricing.vendors import Imported

    derived = derive_profile(files, monthly_runs=monthly_runs, name=name)
    check = actions_check(derived, book)
    return Imported(derived.profile, derived_yaml(derived, check), derived.sources, derived.notes, check)


def _importer() -> Any:
    from pricing.vendors import Importer

    return Importer(
        command="from-restate",
        help="a profile from Restate's invocation journals (restate sql --json of sys_journal, and optionally "
        "sys_invocation and sys_journal_events), with the engine's actions set against the journal's commands",
        accepts=is_restate_export,
        derive=_derive,
        needs_monthly_runs=True,
    )


IMPORTER = _importer()
