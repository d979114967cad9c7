"""A workload profile from a team's own Temporal workflow histories.

Reads histories as Temporal exports them (`temporal workflow show --output json`, or the Web UI's
download: `{"events": [...]}` with each event's type as `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` or
`ActivityTaskScheduled`) and derives what a profile needs: steps and their kind, step seconds from
the events' timestamps, the retry rate from the attempts, sleeps and their length, waits for a
signal and their length, child workflows, the heartbeat timeout, the payload of a step and how
fast the context grows (a line fitted through the recorded inputs), and the run's duration. With
many histories each field is the median, and its spread (10th to 90th percentile) is kept. Every
derived field says which events it came from.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.units import BYTES_PER_KB
from pricing.load import PricingError
from pricing.yamlio import InputError, Problem, load_json
from schema.inputs import StepKind
from schema.profile import WorkloadProfile

__all__ = [
    "IMPORTER",
    "DerivedProfile",
    "RunFacts",
    "derive_profile",
    "derived_yaml",
    "is_history",
    "read_history",
    "run_facts",
]

MAX_EVENTS = 250_000
"""Events one history may have: Temporal ends an execution at 51,200 by default (the tables'
`history_events`, source tc-limits), which a self-hosted server may raise; five times that is room
enough, and bounds what one file costs to read (about 0.6 GB and 6 s for 250,000 small events)."""

SOURCES = {
    "steps_per_run": "ActivityTaskScheduled and MarkerRecorded events (one per step)",
    "step_kind": "activities (ActivityTaskScheduled) or local activities (MarkerRecorded), whichever the run "
    "has more of",
    "step_seconds": "ActivityTaskStarted to ActivityTaskCompleted timestamps of each step's last attempt "
    "(local activities: their workflow task's time, shared among its markers)",
    "retry_rate": "the attempt numbers of ActivityTaskStarted events (attempts past the first, per step)",
    "sleeps_per_run": "TimerStarted events whose timer fired (TimerFired)",
    "sleep_seconds": "the startToFireTimeout of the timers that fired",
    "human_waits_per_run": "WorkflowExecutionSignaled events",
    "human_wait_seconds": "from the workflow task before each signal to the signal",
    "child_runs_per_run": "StartChildWorkflowExecutionInitiated events",
    "heartbeat_timeout_seconds": "the heartbeatTimeout of ActivityTaskScheduled events",
    "step_payload_kb": "the input of ActivityTaskScheduled and the result of ActivityTaskCompleted, fitted at "
    "the first step (a local activity's marker records its result alone: its input is taken "
    "to be as large)",
    "context_growth_kb": "the slope of a line fitted through each step's recorded input size",
}


@dataclass(frozen=True)
class RunFacts:
    """What one history shows."""

    steps: int
    local_steps: int
    step_seconds: float
    retry_rate: float
    sleeps: int
    sleep_seconds: float
    waits: int
    wait_seconds: float
    children: int
    heartbeat_timeout_seconds: float
    step_payload_bytes: float
    growth_bytes: float
    run_seconds: float
    events: int


@dataclass(frozen=True)
class DerivedProfile:
    profile: WorkloadProfile
    sources: Mapping[str, str]
    """Field -> the events it came from."""
    spread: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Field -> (10th, 90th percentile) across the histories (only with several)."""
    runs: tuple[RunFacts, ...] = ()
    notes: tuple[str, ...] = ()


def is_history(data: Any) -> bool:
    return isinstance(data, Mapping) and isinstance(data.get("events"), list)


def read_history(text: str, file: str) -> list[Mapping[str, Any]]:
    """The events of an exported history; a `PricingError` names what is wrong."""
    # Counted before the JSON is read into objects (ten times the text's size): a million events
    # took 42 s and 1.4 GB to refuse after reading them.
    counted = text.count('"eventType"')
    if counted > MAX_EVENTS:
        raise PricingError([Problem(file, None, "events", f"about {counted:,} events; allowed: 1 to {MAX_EVENTS:,}")])
    try:
        data = load_json(text, file, "history")
    except InputError as exc:
        raise PricingError([exc.problem]) from None
    if not is_history(data):
        raise PricingError(
            [
                Problem(
                    file,
                    None,
                    "history",
                    "a Temporal history export: a JSON object with `events` "
                    "(`temporal workflow show --output json`, or the Web UI's download)",
                )
            ]
        )
    events = data["events"]
    if not events or len(events) > MAX_EVENTS:
        raise PricingError([Problem(file, None, "events", f"{len(events):,} events; allowed: 1 to {MAX_EVENTS:,}")])
    if not all(isinstance(e, Mapping) and isinstance(e.get("eventType"), str) for e in events):
        raise PricingError([Problem(file, None, "events", "every event needs an `eventType`")])
    problems = _check(events, file)
    if problems:
        raise PricingError(problems)
    return list(events)


_TYPE = re.compile(r"EVENT_TYPE_[A-Z]+(_[A-Z]+)*|[A-Z][a-z]+([A-Z][a-z]*)*")
MAX_ATTEMPT = 1_000_000
MAX_PROBLEMS = 20


def _check(events: Sequence[Mapping[str, Any]], file: str) -> list[Problem]:
    """What makes a history unreadable, each named by its event and field with what is allowed: an
    event type in neither of Temporal's spellings, a time that is not an ISO 8601 instant or runs
    backwards, an attempt that is not a whole number from 1, a payload block that is not a list of
    payloads, a history that does not start with WorkflowExecutionStarted or has nothing after it."""
    found: list[Problem] = []

    def say(i: int, name: str, value: Any, allowed: str) -> None:
        if len(found) < MAX_PROBLEMS:
            found.append(Problem(file, None, f"events[{i}].{name}", f"{str(value)[:80]!r}; allowed: {allowed}"))

    last = -np.inf
    for i, event in enumerate(events):
        raw = str(event.get("eventType"))
        if _TYPE.fullmatch(raw) is None:
            say(
                i,
                "eventType",
                raw,
                "a Temporal event type, EVENT_TYPE_ACTIVITY_TASK_SCHEDULED or ActivityTaskScheduled",
            )
        when = event.get("eventTime")
        seconds = _time(event) if isinstance(when, str) else float("nan")
        if not np.isfinite(seconds):
            say(i, "eventTime", when, "an ISO 8601 instant, e.g. 2026-11-29T00:33:10.123Z")
        elif seconds < last - 1e-6:
            say(i, "eventTime", when, "no earlier than the event before it (events in the order they happened)")
        else:
            last = seconds
        attributes = _attributes(event)
        if "attempt" in attributes:
            attempt = attributes["attempt"]
            whole = isinstance(attempt, int) and not isinstance(attempt, bool)
            if isinstance(attempt, str) and attempt.isascii() and attempt.isdigit() and len(attempt) < 8:
                whole, attempt = True, int(attempt)
            if not whole or not 1 <= int(attempt) <= MAX_ATTEMPT:
                say(i, "attempt", attributes["attempt"], f"a whole number from 1 to {MAX_ATTEMPT:,}")
        details = attributes.get("details") if _kind(event) == "MarkerRecorded" else None
        blocks = [(name, attributes.get(name)) for name in ("input", "result")]
        blocks += [(f"details.{k}", v) for k, v in details.items()] if isinstance(details, Mapping) else []
        for name, block in blocks:
            if block is not None and not (isinstance(block, Mapping) and isinstance(block.get("payloads", []), list)):
                say(i, f"{name}.payloads", block, "a list of payloads, each {data: base64}")
        for name, value in attributes.items():
            if isinstance(value, str) and name.endswith(("Timeout", "StartToFireTimeout", "Duration")):
                try:
                    good = value.endswith("s") and 0 <= float(value[:-1]) < 1e12  # NaN and infinity fail
                except ValueError:
                    good = False
                if not good:
                    say(i, name, value, 'a duration in seconds, e.g. "30s"')
    if _kind(events[0]) != "WorkflowExecutionStarted":
        say(0, "eventType", events[0].get("eventType"), "WorkflowExecutionStarted: a history starts with it")
    if len(events) < 2:
        found.append(
            Problem(
                file,
                None,
                "events",
                "1 event; allowed: 2 or more (WorkflowExecutionStarted and what followed it: "
                "a history of one event shows no run)",
            )
        )
    return found


def _kind(event: Mapping[str, Any]) -> str:
    """`ActivityTaskScheduled` from either spelling of the event's type."""
    raw = str(event.get("eventType", ""))
    if raw.startswith("EVENT_TYPE_"):
        return "".join(part.capitalize() for part in raw.removeprefix("EVENT_TYPE_").split("_"))
    return raw


def _attributes(event: Mapping[str, Any]) -> Mapping[str, Any]:
    for key, value in event.items():
        if key.endswith("EventAttributes") and isinstance(value, Mapping):
            return value
    return {}


def _time(event: Mapping[str, Any]) -> float:
    """The event's time [s since the epoch]; NaN when it is not an ISO 8601 instant (a month 13, an
    offset past 23:59 and year 0000 included)."""
    text = str(event.get("eventTime", ""))
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?$", text)
    if match is None:
        return float("nan")
    try:
        base = dt.datetime.fromisoformat(match[1] + (match[3] or "Z").replace("Z", "+00:00"))
        return base.timestamp() + (float("0" + match[2]) if match[2] else 0.0)
    except (ValueError, OverflowError):
        return float("nan")


def _seconds(text: Any) -> float:
    """A protobuf JSON duration ("3600s", "0.5s") in seconds."""
    if isinstance(text, str) and text.endswith("s"):
        try:
            value = float(text[:-1])
        except ValueError:
            return 0.0
        return value if np.isfinite(value) else 0.0  # refused by `_check` before it gets here
    return 0.0


def _payload_bytes(payloads: Any) -> float:
    """Bytes of the data of a `{"payloads": [{"data": base64}]}` block."""
    if not isinstance(payloads, Mapping):
        return 0.0
    total = 0
    items = payloads.get("payloads", ())
    for item in items if isinstance(items, list) else ():  # `_check` refuses a block that is not a list
        data = item.get("data", "") if isinstance(item, Mapping) else ""
        try:
            total += len(base64.b64decode(data, validate=False))
        except (binascii.Error, ValueError, TypeError):
            total += len(str(data))
    return float(total)


def run_facts(events: Sequence[Mapping[str, Any]]) -> RunFacts:
    """What one history shows, from its events."""
    by_id = {str(e.get("eventId")): e for e in events}
    inputs, results, seconds, attempts = [], [], [], []
    sleeps, sleep_seconds, waits, wait_seconds, children = 0, [], 0, [], 0
    heartbeat, markers = 0.0, 0
    inputs_local: list[float] = []
    local_seconds: list[float] = []
    fired = {str(_attributes(e).get("startedEventId")) for e in events if _kind(e) == "TimerFired"}
    last_task_done = _time(events[0])
    task_started = _time(events[0])
    groups: list[list[float]] = [[0.0, 0]]  # (a workflow task's seconds, the local activities it ran)
    for event in events:
        kind, attributes = _kind(event), _attributes(event)
        if kind == "ActivityTaskScheduled":
            inputs.append(_payload_bytes(attributes.get("input")))
            heartbeat = max(heartbeat, _seconds(attributes.get("heartbeatTimeout")))
        elif kind == "ActivityTaskStarted":
            attempts.append(int(attributes.get("attempt", 1) or 1))
        elif kind == "ActivityTaskCompleted":
            results.append(_payload_bytes(attributes.get("result")))
            started = by_id.get(str(attributes.get("startedEventId")))
            if started is not None:
                seconds.append(_time(event) - _time(started))
        elif kind == "MarkerRecorded":
            markers += 1
            groups[-1][1] += 1
            details = attributes.get("details", {})
            result = details.get("result") if isinstance(details, Mapping) else None
            # only the result is recorded: the input is taken to be alike (the engine's convention)
            inputs_local.append(_payload_bytes(result))
            results.append(_payload_bytes(result))
        elif kind == "WorkflowTaskStarted":
            task_started = _time(event)
        elif kind == "WorkflowTaskCompleted":
            last_task_done = _time(event)
            groups.append([last_task_done - task_started, 0])  # the markers this task recorded follow it
        elif kind == "TimerStarted" and str(event.get("eventId")) in fired:
            sleeps += 1
            sleep_seconds.append(_seconds(attributes.get("startToFireTimeout")))
        elif kind == "WorkflowExecutionSignaled":
            waits += 1
            wait_seconds.append(max(_time(event) - last_task_done, 0.0))
        elif kind == "StartChildWorkflowExecutionInitiated":
            children += 1
    for task_seconds, count in groups:
        local_seconds += [task_seconds / count] * int(count) if count else []
    steps = len(inputs) + markers
    step_payload, growth = _fit_payload(inputs + inputs_local, results)
    retried = sum(a - 1 for a in attempts)
    times = [t for t in (*seconds, *local_seconds) if np.isfinite(t)]
    return RunFacts(
        steps=steps,
        local_steps=markers,
        step_seconds=statistics.fmean(times) if times else 0.0,
        retry_rate=retried / len(inputs) if inputs else 0.0,
        sleeps=sleeps,
        sleep_seconds=statistics.fmean(sleep_seconds) if sleep_seconds else 0.0,
        waits=waits,
        wait_seconds=statistics.fmean(wait_seconds) if wait_seconds else 0.0,
        children=children,
        heartbeat_timeout_seconds=heartbeat,
        step_payload_bytes=step_payload,
        growth_bytes=growth,
        run_seconds=max(_time(events[-1]) - _time(events[0]), 0.0),
        events=len(events),
    )


def _fit_payload(inputs: list[float], results: list[float]) -> tuple[float, float]:
    """(a step's input + output at the first step, how much each input is larger than the last),
    from a least-squares line through the recorded inputs (never a negative growth)."""
    if not inputs and not results:
        return 0.0, 0.0
    output = statistics.fmean(results) if results else 0.0
    if len(inputs) < 2:
        return (inputs[0] if inputs else 0.0) + output, 0.0
    x = np.arange(len(inputs), dtype=np.float64)
    slope, intercept = np.polyfit(x, np.asarray(inputs, dtype=np.float64), 1)
    if slope < 1.0:  # under a byte a step: no growth (and no floating-point dust)
        return statistics.fmean(inputs) + output, 0.0
    return max(float(intercept), 0.0) + output, float(slope)  # a payload is never below nothing


def _spread(values: Sequence[float]) -> tuple[float, float]:
    low, high = np.percentile(np.asarray(values, dtype=np.float64), [10, 90])
    return float(low), float(high)


def derive_profile(
    histories: Sequence[tuple[str, str]],
    *,
    monthly_runs: float,
    name: str | None = None,
    base: Mapping[str, Any] | None = None,
) -> DerivedProfile:
    """A profile from one or many exported histories ((file, text) pairs): each derived field is
    the median across them; `monthly_runs` (which no history shows) and `base` fields complete it."""
    problems: list[Problem] = []
    runs: list[RunFacts] = []
    for file, text in histories:
        try:
            runs.append(run_facts(read_history(text, file)))
        except PricingError as exc:
            problems += exc.problems
    if problems:
        raise PricingError(problems)
    if not runs:
        raise PricingError([Problem("history", None, "history", "give at least one history file")])
    columns = {
        "steps_per_run": [float(r.steps) for r in runs],
        "step_seconds": [r.step_seconds for r in runs],
        "retry_rate": [r.retry_rate for r in runs],
        "sleeps_per_run": [float(r.sleeps) for r in runs],
        "sleep_seconds": [r.sleep_seconds for r in runs],
        "human_waits_per_run": [float(r.waits) for r in runs],
        "human_wait_seconds": [r.wait_seconds for r in runs],
        "child_runs_per_run": [float(r.children) for r in runs],
        "heartbeat_timeout_seconds": [r.heartbeat_timeout_seconds for r in runs],
        "step_payload_kb": [r.step_payload_bytes / BYTES_PER_KB for r in runs],
        "context_growth_kb": [r.growth_bytes / BYTES_PER_KB for r in runs],
    }
    data: dict[str, Any] = dict(base or {})
    data.update({key: float(f"{statistics.median(values):.6g}") for key, values in columns.items()})
    local = sum(r.local_steps for r in runs) * 2 > sum(r.steps for r in runs)
    data["step_kind"] = (StepKind.INLINE if local else StepKind.TASK).value
    data["monthly_runs"] = monthly_runs
    data["name"] = name or data.get("name") or f"From {len(runs)} Temporal histor{'y' if len(runs) == 1 else 'ies'}"
    data.setdefault("description", "Derived by `tco profile from-history` from exported workflow histories.")
    data.pop("extends", None)
    spread = {key: _spread(values) for key, values in columns.items()} if len(runs) > 1 else {}
    from pricing.vendors import spread_ranges

    ranges = spread_ranges(data, spread)
    if ranges:  # how much the runs differ becomes the Monte Carlo's range of each field
        data["ranges"] = {**data.get("ranges", {}), **ranges}
    from pricing.vendors import derived_profile

    profile = derived_profile(data, [f for f, _ in histories], "histories")
    sources = {key: f"{SOURCES[key]}" + (f" (median of {len(runs)})" if len(runs) > 1 else "") for key in SOURCES}
    sources["monthly_runs"] = "given (no history shows how many runs a month there are)"
    notes = [
        "heartbeat_seconds: not in a history (heartbeats are not recorded); left as given or 0",
        f"run duration: median {statistics.median(r.run_seconds for r in runs):,.3g} s over "
        f"{len(runs)} histor{'y' if len(runs) == 1 else 'ies'}",
    ]
    return DerivedProfile(profile, sources, spread, tuple(runs), tuple(notes))


def derived_yaml(derived: DerivedProfile) -> str:
    """The derived profile as YAML, each derived field followed by the events it came from (and,
    from several histories, its spread)."""
    from pricing.vendors import annotated_yaml, spread_comments

    runs = len(derived.runs)
    header = [
        f"Derived by `tco profile from-history` from {runs} exported histor{'y' if runs == 1 else 'ies'}.",
        *derived.notes,
    ]
    return annotated_yaml(derived.profile, header, spread_comments(derived.sources, derived.spread))


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
    return Imported(derived.profile, derived_yaml(derived), derived.sources, derived.notes)


def _importer() -> Any:
    from pricing.vendors import Importer

    return Importer(
        command="from-history",
        help="a profile from exported Temporal workflow histories (temporal workflow show --output json, or the "
        "Web UI's download); with several, each field is their median",
        accepts=is_history,
        derive=_derive,
        needs_monthly_runs=True,
    )


IMPORTER = _importer()
