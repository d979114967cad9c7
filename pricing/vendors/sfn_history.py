"""A workload profile from a team's own AWS Step Functions execution histories.

Reads a history as AWS returns it (`aws stepfunctions get-execution-history --output json`, or boto3's
`get_execution_history` response saved as JSON: `{"events": [{"timestamp", "type", "id",
"previousEventId", ...EventDetails}]}`), the timestamps either ISO 8601 text (AWS CLI v2, or boto3's
datetimes dumped as text) or epoch seconds (AWS CLI v1), and derives what a profile needs: steps (the
Task states entered that run work: for the agent-loop design, the loop's iterations), a step's
seconds (each attempt's TaskStarted to its end), the retry rate (attempts after a failure, per step),
decisions (Choice, Pass, Map and Parallel states entered, per step), Wait states and their length,
waits for a task token and their length, child executions, a step's payload (its recorded parameters
and output). With many histories each field is the median, and its spread (10th to 90th percentile)
is kept. Every derived field says which events it came from; a check sets the engine's state
transitions for the derived profile against the histories' own (states entered, and retries).

Events are tied to their Task state and attempt by `previousEventId` (so the branches of a Parallel or
Map state may interleave), or, where an event names no earlier one, to the latest such state or
attempt. A Task state whose resource is a Lambda function's ARN records LambdaFunction* events, an
activity Activity* events: both are read as Task* events.

Why one file: one vendor's export format, read in one place: the history's event types, the checks
on each event and the profile derived from them are one set of rules; split, each room would need
the others' to make sense.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.history import history_of
from model.units import BYTES_PER_KB
from pricing.load import PricingError
from pricing.yamlio import MAX_PROBLEMS, InputError, Problem, load_json
from schema.inputs import StepKind
from schema.profile import WorkloadProfile

__all__ = [
    "IMPORTER",
    "OPTION",
    "DerivedProfile",
    "RunFacts",
    "derive_profile",
    "derived_yaml",
    "is_sfn_history",
    "read_history",
    "run_facts",
    "transitions_check",
]

COMMAND = "from-sfn-history"
OPTION = "aws/step-functions-standard"
"""The table whose state transitions the check compares."""
MAX_EVENTS = 100_000
"""AWS fails an execution past 25,000 events (the table's `history_events`, source sf-limits); four
times that is room for histories saved page by page, and far more is not a history. Counted in the
text before the JSON is read into objects."""
MAX_ID = 10**9
LAST_EPOCH = 253_402_300_799.0
"""9999-12-31T23:59:59Z in epoch seconds: the last instant an ISO 8601 date can name."""

SOURCES = {
    "steps_per_run": "TaskStateEntered events of the Task states that run work (not a task-token wait or a "
    "child's start): for the agent loop, its iterations",
    "step_kind": "Step Functions runs every Task state as a task of its own",
    "step_seconds": "TaskStarted to TaskSucceeded or TaskFailed (or TaskTimedOut) timestamps of every attempt of "
    "those Task states",
    "retry_rate": "TaskFailed or TaskTimedOut attempts followed by a TaskScheduled in the same Task state (a "
    "retry), per step",
    "decisions_per_step": "ChoiceStateEntered, PassStateEntered, MapStateEntered and ParallelStateEntered events, "
    "per step",
    "sleeps_per_run": "WaitStateEntered events",
    "sleep_seconds": "WaitStateEntered to WaitStateExited timestamps",
    "human_waits_per_run": "TaskSubmitted events of .waitForTaskToken tasks (a task token sent out for an answer; "
    "TaskStarted where none is recorded)",
    "human_wait_seconds": "TaskSubmitted to the task's TaskSucceeded (or TaskFailed, TaskTimedOut) timestamps of "
    "those tasks",
    "child_runs_per_run": "TaskSubmitted or TaskSucceeded events of tasks starting an execution "
    "(arn:aws:states:::states:startExecution*, or the AWS SDK's sfn:startExecution*)",
    "step_payload_kb": "the parameters of TaskScheduled (a Lambda's or an activity's input) and the output of "
    "TaskSucceeded of the steps: their average sizes added",
}

SCHEDULED = {"TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"}
STARTED = {"TaskStarted", "LambdaFunctionStarted", "ActivityStarted"}
SUBMITTED = {"TaskSubmitted"}
SUCCEEDED = {"TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded"}
FAILED = {
    "TaskFailed",
    "TaskTimedOut",
    "TaskStartFailed",
    "TaskSubmitFailed",
    "LambdaFunctionFailed",
    "LambdaFunctionTimedOut",
    "LambdaFunctionStartFailed",
    "LambdaFunctionScheduleFailed",
    "ActivityFailed",
    "ActivityTimedOut",
    "ActivityScheduleFailed",
}
ATTEMPT_EVENTS = SCHEDULED | STARTED | SUBMITTED | SUCCEEDED | FAILED
DECISIONS = {"ChoiceStateEntered", "PassStateEntered", "MapStateEntered", "ParallelStateEntered"}
TERMINAL = {"SucceedStateEntered", "FailStateEntered"}
ENDED = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}
TEXT_FIELDS = ("resourceType", "resource", "parameters", "input", "output", "name")

_ISO = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


@dataclass(frozen=True)
class RunFacts:
    """What one history shows."""

    steps: int
    step_seconds: float
    retries: int
    """Retries of the steps (attempts past a step's first)."""
    all_retries: int
    """Retries of every Task state (a task-token wait's and a child's start's too)."""
    decisions: int
    sleeps: int
    sleep_seconds: float
    waits: int
    wait_seconds: float
    children: int
    step_payload_bytes: float
    states_entered: int
    terminal_states: int
    """Succeed and Fail states entered (the engine counts no terminal state)."""
    run_seconds: float
    events: int
    ended: bool
    truncated: int
    """Inputs, parameters or outputs the history records truncated."""

    @property
    def transitions(self) -> int:
        """State transitions as AWS bills them, read off the history: every state entered, and every retry."""
        return self.states_entered + self.all_retries


@dataclass(frozen=True)
class DerivedProfile:
    profile: WorkloadProfile
    sources: Mapping[str, str]
    """Field -> the events it came from."""
    spread: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Field -> (10th, 90th percentile) across the histories (only with several)."""
    runs: tuple[RunFacts, ...] = ()
    notes: tuple[str, ...] = ()


# --- Reading ------------------------------------------------------------------------------------------


def _is_event(event: Any) -> bool:
    return isinstance(event, Mapping) and "type" in event and "eventType" not in event


def is_sfn_history(data: Any) -> bool:
    """A Step Functions history: `events` whose first ones carry a `type` (a Temporal history's carry an
    `eventType`)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("events"), list):
        return False
    return any(_is_event(e) for e in data["events"][:10])


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _instant(value: Any) -> float | None:
    """Epoch seconds of an ISO 8601 timestamp (UTC unless it gives its offset) or of epoch seconds;
    None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
        return seconds if math.isfinite(seconds) and 0 <= seconds <= LAST_EPOCH else None
    if not isinstance(value, str) or len(value) > 64 or not _ISO.match(value):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.timestamp()
    except (OverflowError, ValueError):
        return None


def _details(event: Mapping[str, Any]) -> Any:
    for key, value in event.items():
        if key.endswith("EventDetails"):
            return value
    return {}


def _event_problems(file: str, i: int, event: Any) -> list[Problem]:
    where = f"events.{i}"
    if not isinstance(event, Mapping):
        return [
            Problem(file, None, where, f"an event: an object with `type`, `id` and `timestamp` (got {_shown(event)})")
        ]
    problems = []
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        problems.append(
            Problem(file, None, f"{where}.type", f"an event's type, such as TaskScheduled (got {_shown(kind)})")
        )
    number = event.get("id")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_ID:
        problems.append(Problem(file, None, f"{where}.id", f"a whole number, 1 to {MAX_ID:,} (got {_shown(number)})"))
    previous = event.get("previousEventId")
    if previous is not None and (isinstance(previous, bool) or not isinstance(previous, int) or previous < 0):
        problems.append(
            Problem(
                file, None, f"{where}.previousEventId", f"an earlier event's id, 0 or more (got {_shown(previous)})"
            )
        )
    if _instant(event.get("timestamp")) is None:
        problems.append(
            Problem(
                file,
                None,
                f"{where}.timestamp",
                "a date and time, ISO 8601 (2025-01-31T12:00:00.123+00:00) or seconds since 1970-01-01, "
                f"not milliseconds (0 to {LAST_EPOCH:,.0f}) (got {_shown(event.get('timestamp'))})",
            )
        )
    for key, details in event.items():
        if not key.endswith("EventDetails"):
            continue
        if not isinstance(details, Mapping):
            problems.append(Problem(file, None, f"{where}.{key}", f"an object (got {_shown(details)})"))
            continue
        for name in TEXT_FIELDS:
            if name in details and not isinstance(details[name], str):
                problems.append(
                    Problem(
                        file, None, f"{where}.{key}.{name}", f"text, as AWS records it (got {_shown(details[name])})"
                    )
                )
    return problems


def read_history(text: str, file: str) -> list[Mapping[str, Any]]:
    """The events of a saved history, checked; a `PricingError` names the file, the field and what is
    allowed."""
    counted = text.count('"timestamp"')
    if counted > MAX_EVENTS:
        raise PricingError([Problem(file, None, "events", f"about {counted:,} events; allowed: 1 to {MAX_EVENTS:,}")])
    try:
        data = load_json(text, file, "history")
    except InputError as exc:
        raise PricingError([exc.problem]) from None
    events = data.get("events") if isinstance(data, Mapping) else None
    if isinstance(events, list) and events and all(isinstance(e, Mapping) and "eventType" in e for e in events[:10]):
        raise PricingError(
            [Problem(file, None, "history", "a Temporal workflow history: read it with `tco profile from-history`")]
        )
    if isinstance(data, Mapping) and "events" in data and not isinstance(data["events"], list):
        raise PricingError([Problem(file, None, "events", f"a list of events (got {_kind_of(data['events'])})")])
    if not isinstance(data, Mapping) or not isinstance(data.get("events"), list):
        raise PricingError(
            [
                Problem(
                    file,
                    None,
                    "history",
                    'a Step Functions execution history: a JSON object with "events" (`aws stepfunctions '
                    "get-execution-history --execution-arn ARN --output json`, or boto3's get_execution_history "
                    f"response) (got {_kind_of(data)})",
                )
            ]
        )
    if data.get("nextToken"):
        raise PricingError(
            [
                Problem(
                    file,
                    None,
                    "nextToken",
                    "one page of a longer history: save the whole history (the AWS CLI pages through it by "
                    "itself; boto3: follow nextToken, or use the get_execution_history paginator)",
                )
            ]
        )
    events = data["events"]
    if not events or len(events) > MAX_EVENTS:
        raise PricingError([Problem(file, None, "events", f"{len(events):,} events; allowed: 1 to {MAX_EVENTS:,}")])
    problems: list[Problem] = []
    for i, event in enumerate(events):
        problems += _event_problems(file, i, event)
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(file, None, "events", f"stopped after {MAX_PROBLEMS} problems"))
            break
    if problems:
        raise PricingError(problems)
    _check_order(file, events)
    return list(events)


def _kind_of(data: Any) -> str:
    if isinstance(data, Mapping):
        keys = ", ".join(str(k) for k in list(data)[:5])
        return f"an object with {keys}" if keys else "an empty object"
    return {list: "a list", str: "text", bool: "true or false", type(None): "null"}.get(type(data), "a number")


def _check_order(file: str, events: Sequence[Mapping[str, Any]]) -> None:
    ids = [int(e["id"]) for e in events]
    for i in range(1, len(ids)):
        if ids[i] <= ids[i - 1]:
            reverse = all(a > b for a, b in itertools.pairwise(ids))
            said = (
                f"events in reverse order (ids {ids[0]:,} down to {ids[-1]:,}): save the history oldest first "
                "(without --reverse-order)"
                if reverse
                else f"events out of order: event {ids[i]:,} follows event {ids[i - 1]:,}; a history's ids "
                "increase from its first event"
            )
            raise PricingError([Problem(file, None, f"events.{i}.id", said)])
    for i, event in enumerate(events):
        previous = event.get("previousEventId")
        if isinstance(previous, int) and previous >= ids[i]:
            raise PricingError(
                [
                    Problem(
                        file,
                        None,
                        f"events.{i}.previousEventId",
                        f"{previous:,}: an earlier event's id, below the event's own ({ids[i]:,})",
                    )
                ]
            )
    starts = [i for i, e in enumerate(events) if e["type"] == "ExecutionStarted"]
    if not starts:
        raise PricingError(
            [
                Problem(
                    file,
                    None,
                    "events",
                    "no ExecutionStarted event: a whole execution's history, from its start, is needed",
                )
            ]
        )
    if starts != [0]:
        where = starts[0] if starts[0] else starts[1]
        said = (
            f"an ExecutionStarted event at position {where:,} of {len(events):,}: a history begins with its "
            "one ExecutionStarted event (one execution a file)"
        )
        raise PricingError([Problem(file, None, f"events.{where}.type", said)])


# --- One history's facts --------------------------------------------------------------------------------


@dataclass
class _Attempt:
    resource: str
    scheduled: int
    state: _State
    parameters: float = 0.0
    started: int = 0
    """The ids of its TaskStarted, TaskSubmitted and last event (0: none recorded)."""
    submitted: int = 0
    ended: int = 0
    outcome: str = ""
    output: float | None = None

    @property
    def waits_for_token(self) -> bool:
        return ".waitForTaskToken" in self.resource

    @property
    def starts_child(self) -> bool:
        return self.resource.startswith(("states:startExecution", "aws-sdk:sfn:startExecution"))


@dataclass
class _State:
    entered: int
    counted: bool = True
    attempts: list[_Attempt] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """step, wait (for a task token) or child (an execution started), by its first attempt's resource."""
        if not self.attempts:
            return "step"
        first = self.attempts[0]
        return "child" if first.starts_child else "wait" if first.waits_for_token else "step"


def _resource(details: Mapping[str, Any]) -> str:
    """`type:resource`, as an `arn:aws:states:::type:resource` ARN would name it (`dynamodb:putItem`,
    `states:startExecution.sync:2`, `aws-sdk:sfn:startExecution`, a Lambda function's ARN)."""
    kind, resource = str(details.get("resourceType", "")), str(details.get("resource", ""))
    resource = resource.removeprefix("arn:aws:states:::")
    if kind and not resource.startswith(f"{kind}:"):
        return f"{kind}:{resource}"
    return resource


def _size(text: Any) -> float:
    return float(len(text.encode("utf-8", "surrogatepass"))) if isinstance(text, str) else 0.0


def _duration(file: str, events: _Events, first: int, last: int) -> float:
    """Seconds from event `first` to event `last` (ids); a negative duration is refused."""
    seconds = events.times[last] - events.times[first]
    if seconds < 0:
        raise PricingError(
            [
                Problem(
                    file,
                    None,
                    f"events.{events.index[last]}.timestamp",
                    f"a negative duration: event {last:,} ({events.kinds[last]}) is {-seconds:,.6g} s before event "
                    f"{first:,} ({events.kinds[first]}), which it ends",
                )
            ]
        )
    return seconds


@dataclass(frozen=True)
class _Events:
    times: Mapping[int, float]
    index: Mapping[int, int]
    kinds: Mapping[int, str]


def run_facts(events: Sequence[Mapping[str, Any]], file: str = "history") -> RunFacts:
    """What one history (as `read_history` returns it) shows."""
    times = {int(e["id"]): float(_instant(e["timestamp"]) or 0.0) for e in events}
    known = _Events(
        times, {int(e["id"]): i for i, e in enumerate(events)}, {int(e["id"]): str(e["type"]) for e in events}
    )
    states: list[_State] = []
    state_of: dict[int, _State] = {}
    attempt_of: dict[int, _Attempt] = {}
    last_state: _State | None = None
    last_attempt: _Attempt | None = None
    open_waits: list[int] = []
    sleep_seconds: list[float] = []
    decisions = terminal = entered = truncated = 0
    for event in events:
        kind, number = str(event["type"]), int(event["id"])
        raw_previous = event.get("previousEventId")
        previous = raw_previous if isinstance(raw_previous, int) and raw_previous in times else None
        details = _details(event)
        truncated += sum(
            1
            for key, value in details.items()
            if key.endswith("Details") and isinstance(value, Mapping) and value.get("truncated") is True
        )
        if kind.endswith("StateEntered"):
            entered += 1
            decisions += kind in DECISIONS
            terminal += kind in TERMINAL
        if kind == "TaskStateEntered":
            last_state = _State(number)
            states.append(last_state)
            state_of[number] = last_state
        elif kind in SCHEDULED:
            state = state_of.get(previous) if previous is not None else None
            state = state or last_state
            if state is None:  # a task with no Task state entered before it: read, but no step
                state = _State(number, counted=False)
                states.append(state)
            last_attempt = _Attempt(_resource(details), number, state)
            last_attempt.parameters = _size(details.get("parameters", details.get("input")))
            state.attempts.append(last_attempt)
            attempt_of[number], state_of[number] = last_attempt, state
        elif kind in ATTEMPT_EVENTS:
            attempt = attempt_of.get(previous) if previous is not None else None
            attempt = attempt or last_attempt
            if attempt is None:
                continue
            attempt_of[number], state_of[number] = attempt, attempt.state
            if kind in STARTED:
                attempt.started = number
            elif kind in SUBMITTED:
                attempt.submitted = number
            else:
                attempt.ended, attempt.outcome = number, kind
                if kind in SUCCEEDED:
                    attempt.output = _size(details.get("output"))
        elif kind == "WaitStateEntered":
            open_waits.append(number)
        elif kind == "WaitStateExited" and open_waits:
            began = previous if previous in open_waits else open_waits[-1]
            open_waits.remove(began)
            sleep_seconds.append(_duration(file, known, began, number))

    steps = [s for s in states if s.kind == "step" and s.counted]
    step_attempts = [a for s in steps for a in s.attempts]
    seconds = [_duration(file, known, a.started, a.ended) for a in step_attempts if a.started and a.ended]
    waits, wait_seconds, children = 0, [], 0
    for state in states:
        for a in state.attempts:
            if state.kind == "child" and (a.submitted or a.outcome in SUCCEEDED):
                children += 1
            elif state.kind == "wait" and (a.submitted or a.started):
                waits += 1  # from the token sent out (TaskSubmitted; TaskStarted where none is recorded)
                if a.ended:
                    wait_seconds.append(_duration(file, known, a.submitted or a.started, a.ended))
    parameters = [a.parameters for a in step_attempts]
    outputs = [a.output for a in step_attempts if a.output is not None]
    payload = (statistics.fmean(parameters) if parameters else 0.0) + (statistics.fmean(outputs) if outputs else 0.0)
    first, last = int(events[0]["id"]), int(events[-1]["id"])
    run_seconds = _duration(file, known, first, last)
    return RunFacts(
        steps=len(steps),
        step_seconds=statistics.fmean(seconds) if seconds else 0.0,
        retries=sum(max(len(s.attempts) - 1, 0) for s in steps),
        all_retries=sum(max(len(s.attempts) - 1, 0) for s in states),
        decisions=decisions,
        sleeps=sum(1 for e in events if e["type"] == "WaitStateEntered"),
        sleep_seconds=statistics.fmean(sleep_seconds) if sleep_seconds else 0.0,
        waits=waits,
        wait_seconds=statistics.fmean(wait_seconds) if wait_seconds else 0.0,
        children=children,
        step_payload_bytes=payload,
        states_entered=entered,
        terminal_states=terminal,
        run_seconds=run_seconds,
        events=len(events),
        ended=str(events[-1]["type"]) in ENDED,
        truncated=truncated,
    )


# --- Many histories -------------------------------------------------------------------------------------


def _columns(run: RunFacts) -> dict[str, float]:
    per_step = run.steps if run.steps else None
    return {
        "steps_per_run": float(run.steps),
        "step_seconds": run.step_seconds,
        "retry_rate": run.retries / per_step if per_step else 0.0,
        "decisions_per_step": run.decisions / per_step if per_step else 0.0,
        "sleeps_per_run": float(run.sleeps),
        "sleep_seconds": run.sleep_seconds,
        "human_waits_per_run": float(run.waits),
        "human_wait_seconds": run.wait_seconds,
        "child_runs_per_run": float(run.children),
        "step_payload_kb": run.step_payload_bytes / BYTES_PER_KB,
    }


def _most(name: str) -> float:
    """The largest value a profile allows in field `name`."""
    info = WorkloadProfile.model_fields[name]
    return float(next((m.le for m in info.metadata if getattr(m, "le", None) is not None), math.inf))


def _bounded(file: str, values: Mapping[str, float]) -> list[Problem]:
    problems = []
    for name, value in values.items():
        most = _most(name)
        if value > most:
            problems.append(
                Problem(file, None, name, f"{value:,.6g} derived from the history; a profile allows 0 to {most:,.6g}")
            )
    return problems


def _spread(values: Sequence[float]) -> tuple[float, float]:
    low, high = np.percentile(np.asarray(values, dtype=np.float64), [10, 90])
    return float(low), float(high)


def _plural(count: int, what: str = "") -> str:
    return f"{count} {what}histor{'y' if count == 1 else 'ies'}"


def derive_profile(
    histories: Sequence[tuple[str, str]],
    *,
    monthly_runs: float,
    name: str | None = None,
) -> DerivedProfile:
    """A profile from one or many saved histories ((file, text) pairs): each derived field is the median
    across them; `monthly_runs` (which no history shows) completes it."""
    problems: list[Problem] = []
    runs: list[RunFacts] = []
    per_run: list[dict[str, float]] = []
    for file, text in histories:
        try:
            run = run_facts(read_history(text, file), file)
        except PricingError as exc:
            problems += exc.problems
            continue
        values = _columns(run)
        bad = _bounded(file, values)
        if bad:
            problems += bad
            continue
        runs.append(run)
        per_run.append(values)
    if problems:
        raise PricingError(problems)
    if not runs:
        raise PricingError([Problem("history", None, "history", "give at least one history file")])
    columns = {key: [values[key] for values in per_run] for key in SOURCES if key != "step_kind"}
    data: dict[str, Any] = {key: float(f"{statistics.median(values):.6g}") for key, values in columns.items()}
    data["step_kind"] = StepKind.TASK.value
    data["monthly_runs"] = monthly_runs
    data["name"] = name or f"From {_plural(len(runs), 'Step Functions ')}"
    data["description"] = f"Derived by `tco profile {COMMAND}` from Step Functions execution histories."
    spread = {key: _spread(values) for key, values in columns.items()} if len(runs) > 1 else {}
    from pricing.vendors import spread_ranges

    ranges = spread_ranges(data, spread)
    if ranges:  # how much the runs differ becomes the Monte Carlo's range of each field
        data["ranges"] = ranges
    from pricing.vendors import derived_profile

    profile = derived_profile(data, [f for f, _ in histories], "histories")
    median = f" (median of {len(runs)})" if len(runs) > 1 else ""
    sources = {key: SOURCES[key] + ("" if key == "step_kind" else median) for key in SOURCES}
    sources["monthly_runs"] = "given (no history shows how many runs a month there are)"
    notes = [
        f"events recorded: {_range_said([r.events for r in runs])} a history (AWS keeps at most 25,000 an execution)",
        f"run duration: median {statistics.median(r.run_seconds for r in runs):,.3g} s over {_plural(len(runs))}",
        "context_growth_kb, heartbeat_seconds and heartbeat_timeout_seconds: not derived (left at 0)",
    ]
    running = sum(1 for r in runs if not r.ended)
    if running:
        notes.append(
            f"{running} of {_plural(len(runs))} end with no ExecutionSucceeded, ExecutionFailed, ExecutionTimedOut "
            "or ExecutionAborted event (still running): what they did so far"
        )
    truncated = sum(r.truncated for r in runs)
    if truncated:
        notes.append(f"{truncated:,} inputs or outputs recorded truncated: the payload is at least as large")
    return DerivedProfile(profile, sources, spread, tuple(runs), tuple(notes))


def _range_said(values: Sequence[float]) -> str:
    low, high, middle = min(values), max(values), statistics.median(values)
    return f"{middle:,.6g}" if low == high else f"median {middle:,.6g} ({low:,.6g} to {high:,.6g})"


def derived_yaml(derived: DerivedProfile) -> str:
    """The derived profile as YAML, each derived field followed by the events it came from (and, from
    several histories, its spread)."""
    from pricing.vendors import annotated_yaml, spread_comments

    header = [
        f"Derived by `tco profile {COMMAND}` from {_plural(len(derived.runs), 'Step Functions execution ')}.",
        *derived.notes,
    ]
    return annotated_yaml(derived.profile, header, spread_comments(derived.sources, derived.spread))


def transitions_check(derived: DerivedProfile, book: Any) -> str | None:
    """The engine's state transitions a run for the derived profile against the histories' own (states
    entered and retries); None without the table."""
    from model.columns import Columns, profiles_frame
    from model.usage import Usage
    from model.workload import workload

    table = getattr(book, "tables", {}).get(OPTION)
    if table is None or "transitions" not in table.quantities or table.quantities["transitions"].per_run is None:
        return None
    usage = Usage(workload(Columns(profiles_frame(derived.profile))), table, "expected")
    terms = table.quantities["transitions"].per_run
    engine = float(usage.per_run("transitions").total[0])
    children = float(usage.combine({k: v for k, v in terms.items() if k == "child_attempts"}).total[0])
    runs = derived.runs
    if len(runs) == 1:
        (run,) = runs
        recorded = (
            f"the history records {run.transitions:,} ({run.states_entered:,} states entered + "
            f"{run.all_retries:,} retr{'y' if run.all_retries == 1 else 'ies'})"
        )
    else:
        recorded = f"the histories record {_range_said([r.transitions for r in runs])} (states entered + retries)"
    events = float(history_of(usage).events_per_run[0])
    terminal = statistics.median(r.terminal_states for r in runs)
    left_out = f", {terminal:g} of them Succeed or Fail states, which the engine does not count" if terminal else ""
    child_said = f" and {children:,.4g} more for the child executions' own states (in their own histories)"
    return (
        f"Check against {table.name} ({OPTION}): the engine counts {engine - children:,.4g} state transitions a "
        f"run for the derived profile{child_said if children else ''}; {recorded}{left_out}. History events a "
        f"run: the engine projects {events:,.4g}, the histor{'y records' if len(runs) == 1 else 'ies record'} "
        f"{_range_said([r.events for r in runs])}."
    )


def _derive(
    files: Sequence[tuple[str, str]], book: Any, *, monthly_runs: float | None = None, name: str | None = None, **_: Any
) -> Any:
    from pricing.vendors import Imported

    if monthly_runs is None:
        raise PricingError(
            [
                Problem(
                    files[0][0] if files else "history",
                    None,
                    "monthly_runs",
                    "give --monthly-runs: no history shows how many runs a month there are",
                )
            ]
        )
    derived = derive_profile(files, monthly_runs=monthly_runs, name=name)
    check = transitions_check(derived, book)
    return Imported(derived.profile, derived_yaml(derived), derived.sources, derived.notes, check)


def _importer() -> Any:
    from pricing.vendors import Importer

    return Importer(
        command=COMMAND,
        help="a profile from AWS Step Functions execution histories (aws stepfunctions get-execution-history "
        "--output json); with several, each field is their median",
        accepts=is_sfn_history,
        derive=_derive,
        needs_monthly_runs=True,
    )


IMPORTER = _importer()
