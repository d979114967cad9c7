"""Property-based fuzzing of every vendor-export importer (`pricing/vendors/`, each module's `IMPORTER`).

For exports shaped as each vendor documents them (the right keys, the values drawn from valid ranges and
from hostile ones: wrong types, infinite, huge, denormal and negative numbers, empty lists, missing keys,
malformed or out-of-order timestamps, control characters, lone surrogates and lookalike digits in text),
the importer's entry (`Importer.derive`, what `tco profile <command>` calls) either derives a valid profile
(it re-validates as a `WorkloadProfile`, every number finite, and the annotated YAML the CLI writes is
UTF-8 that reads back to the same profile) or refuses the export with the project's refusal
(`PricingError`, `InputError`, `ProfileError`; a `PricingError` names the file): never another
exception. Through the CLI, `tco profile <command>` exits 0 or 2, never 3, and shows no traceback.

Each export is drawn at a level of hostility: 0 (a quarter of the examples, and what failures shrink
towards) has valid values only; above it, that per cent of its values are hostile (1 or 10), a third of
that of its keys are left out, and one or two of its fields (the example's targets) are hostile in half
their records. The exports that showed a bug (eight, all fixed) are pinned (`FOUND`): each is an explicit
example of its importer's property and a CLI case, so none can come back. Examples are
derandomized (CI sees the same ones every run) and no example database is written.

Why one file: one fuzzing harness: the strategies that draw each importer's exports at every level
of hostility share their building blocks.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from cli import main
from pricing.load import PricingError, list_table_files, read_pricebook
from pricing.profiles import parse_profile_text
from pricing.vendors import IMPORTERS, Imported, Importer, importer_for
from pricing.yamlio import InputError
from schema.profile import ProfileError, WorkloadProfile

EXAMPLES = max(150, settings.default.max_examples)
"""Examples per importer (more under HYPOTHESIS_PROFILE=thorough)."""
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
CLI_EXAMPLES = 12
"""Examples per importer run through `cli.main` (each reads the price book: about 60 ms)."""
REFUSALS = (PricingError, InputError, ProfileError)
"""What an importer may raise for an export it cannot read (the CLI's exit 2)."""
BY_COMMAND = {i.command: i for i in IMPORTERS}


@functools.cache
def _book() -> Any:
    """The bundled price book as of its newest table (as `tests/conftest.py`'s `book`; not a fixture, so
    that a falsifying example does not print the whole book)."""
    return read_pricebook(on=max(f.effective for f in list_table_files()))


# --- Hostile values ----------------------------------------------------------------------------------

POS_INF, NEG_INF = "@@fuzz+inf@@", "@@fuzz-inf@@"
"""Written into the JSON as 1e400 and -1e400: numbers Python's JSON reader reads as infinities."""


def _dumps(data: Any) -> str:
    """JSON text (ASCII: a lone surrogate is written as its \\u escape, which JSON readers accept)."""
    return json.dumps(data).replace(f'"{POS_INF}"', "1e400").replace(f'"{NEG_INF}"', "-1e400")


HOSTILE_NUMBERS = st.one_of(
    st.sampled_from(
        [0, -1, -0.0, 0.5, 1e-310, 5e-324, 1e308, -1e308, 2**53 + 1, 2**63, 2**64, 10**30, -(10**30), 10**99]
    ),
    st.sampled_from([POS_INF, NEG_INF]),
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=False, allow_infinity=False),
)
HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\x1b[31m",
            "\n",
            "x\nmonthly_runs: 0",
            "\u202e",
            "\ud800",
            "\ufeff",
            "²",
            "٣",
            "１２",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "1e400",
            "-1",
            "0",
            "null",
            "{}",
            "x" * 300,
            "🙂",
        ]
    ),
    st.text(max_size=30),
)
HOSTILE_SHAPES = st.one_of(
    st.none(),
    st.booleans(),
    st.just([]),
    st.just({}),
    st.lists(st.integers(-5, 5), max_size=2),
    st.dictionaries(st.text(max_size=5), st.integers(-5, 5), max_size=2),
)
HOSTILE = st.one_of(HOSTILE_NUMBERS, HOSTILE_TEXT, HOSTILE_SHAPES)


def _hostile(specific: Sequence[Any]) -> st.SearchStrategy[Any]:
    """Values hostile to one field (two draws in three), else hostile to any."""
    return st.integers(0, 2).flatmap(lambda i: HOSTILE if i == 0 else st.sampled_from(specific))


HOSTILE_TIMES = _hostile(
    [
        "",
        "2026-13-45T00:33:10Z",
        "2026-02-30T00:00:00Z",
        "2026-11-29T24:00:00Z",
        "2026-11-29T23:59:60Z",
        "2026-11-29T00:33:10+99:99",
        "2026-11-29T00:33:10+24:00",
        "0000-11-29T00:33:10Z",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59",
        "9999-12-31T23:59:59-23:59",
        "1970-01-01T00:00:00Z",
        "2026-11-29 00:33:10Z",
        "2026-11-29T00:33:10." + "9" * 40 + "Z",
        "2026-11-29",
        "20261129T003310Z",
        "２０２６-11-29T00:33:10Z",
        "2026-11-29T00:33:10Z\x00",
        1764376390,
        1764376390123,
        -1,
        "1764376390",
    ]
)
NAMES = ["x\nmonthly_runs: 0", "a\x00b", "\ud800", "\x1b[31mred", "# x\n- y", "", "'", "名前", "a: b", "x" * 300]
"""Text a vendor's export may hold where a name belongs: line breaks, control characters, a lone surrogate."""
HOSTILE_NAMES = _hostile(NAMES)
LEVELS = (0, 1, 1, 10)
"""Per cent of an export's values drawn hostile (0 first: examples shrink towards valid exports)."""
TARGETED = 50
"""Per cent of the values of an example's target fields drawn hostile."""
EPOCH_2020 = dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp()
EPOCH_2030 = dt.datetime(2030, 1, 1, tzinfo=dt.UTC).timestamp()
LAST_SECOND = dt.datetime(2099, 12, 31, tzinfo=dt.UTC).timestamp()
MONTHLY_RUNS = st.sampled_from([1000.0, 0.0, 1.0, 1e10, 12_345.5])
RUNS_GIVEN = st.sampled_from([1000.0, 0.0, 1.0, 1e10, 12_345.5, None])
"""--monthly-runs where no export shows it (now and then left out: refused)."""
FILES = st.sampled_from([1, 1, 2, 3])
"""Files an export comes in (one most often: several are refused if any one is)."""


class _Fuzz:
    """Draws one export's values: each valid, or hostile, or its key left out."""

    def __init__(self, draw: st.DrawFn, fields: Sequence[str]):
        self.draw = draw
        self.level: int = draw(st.sampled_from(LEVELS))
        self.targets: frozenset[str] = frozenset(
            draw(st.sets(st.sampled_from(fields), min_size=1, max_size=2)) if self.level else ()
        )

    def _roll(self, percent: int) -> bool:
        return percent > 0 and self.draw(st.integers(0, 99)) >= 100 - percent

    def pick(self, valid: Any, hostile: st.SearchStrategy[Any] = HOSTILE, key: str = "") -> Any:
        """`valid` (a strategy, or a value), or a draw of `hostile`."""
        if self._roll(self.level + (TARGETED if key in self.targets else 0)):
            return self.draw(hostile)
        return self.draw(valid) if isinstance(valid, st.SearchStrategy) else valid

    def row(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """A record of `fields` (key -> valid, or (valid, hostile)), some keys left out."""
        out = {}
        for key, spec in fields.items():
            if self._roll(self.level // 3 + (TARGETED // 4 if key in self.targets else 0)):
                continue
            valid, hostile = spec if isinstance(spec, tuple) else (spec, HOSTILE)
            out[key] = self.pick(valid, hostile, key)
        return out

    def times(self, count: int) -> list[float]:
        """Epoch seconds of `count` events in order: a step of a moment, of hours, or a jump (at the
        example's level, one back in time)."""
        now = self.draw(st.floats(EPOCH_2020, EPOCH_2030))
        out = []
        for _ in range(count):
            out.append(now)
            step = self.draw(
                st.one_of(
                    st.floats(0, 5),
                    st.floats(0, 3 * 86_400),
                    st.sampled_from([0.0, 1e-6, 3601.0, 90_000.0, 3.2e7, 1e9]),
                )
            )
            if self._roll(self.level // 2):
                step = -self.draw(st.sampled_from([1e-3, 1.0, 7200.0, 1e9]))
            now = min(max(now + step, 0.0), LAST_SECOND)
        return out


def _iso(seconds: float, style: int) -> str:
    """An instant as vendors write it: nanoseconds and Z (Temporal), microseconds and +00:00 (AWS, Python),
    milliseconds and Z (Restate, Trigger.dev), no offset, another offset, whole seconds."""
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    if style == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"
    if style == 1:
        return moment.isoformat()
    if style == 2:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if style == 3:
        return moment.replace(tzinfo=None).isoformat()
    if style == 4:
        return moment.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))).isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


TIME_STYLES = st.integers(0, 5)
BASE64 = st.binary(max_size=48).map(lambda b: base64.b64encode(b).decode("ascii"))
JSON_TEXT = st.one_of(
    st.dictionaries(st.sampled_from(["p", "items", "ok"]), st.text(max_size=40), max_size=2).map(json.dumps),
    st.text(max_size=60),
)
HOSTILE_JSON_TEXT = _hostile(["\ud800", "x" * 500, "\x00", "{", "é" * 100])

# --- Temporal: `temporal workflow show --output json` ------------------------------------------------

TEMPORAL_KINDS = (
    "ActivityTaskScheduled",
    "ActivityTaskStarted",
    "ActivityTaskCompleted",
    "ActivityTaskFailed",
    "MarkerRecorded",
    "WorkflowTaskScheduled",
    "WorkflowTaskStarted",
    "WorkflowTaskCompleted",
    "TimerStarted",
    "TimerFired",
    "TimerCanceled",
    "WorkflowExecutionSignaled",
    "StartChildWorkflowExecutionInitiated",
    "WorkflowExecutionCompleted",
)
TEMPORAL_FIELDS = (
    "eventId",
    "eventTime",
    "eventType",
    "attempt",
    "input",
    "result",
    "heartbeatTimeout",
    "startToFireTimeout",
    "details",
    "startedEventId",
    "attributes",
    "events",
)
PAYLOADS = st.lists(BASE64, max_size=3).map(
    lambda datas: {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": d} for d in datas]}
)
HOSTILE_PAYLOADS = _hostile(
    [
        {"payloads": 5},
        {"payloads": None},
        {"payloads": "abc"},
        {"payloads": {"data": "eA=="}},
        {"payloads": [5, None, "x"]},
        {"payloads": [{"data": 5}]},
        {"payloads": [{"data": ["x"]}]},
        {"payloads": [{"data": "!!not base64 \ud800"}]},
        {"payloads": [{"data": "é"}]},
        {},
    ]
)
DURATIONS = st.one_of(st.floats(0, 1e5).map(lambda s: f"{s:g}s"), st.integers(0, 86_400).map(lambda s: f"{s}s"))
HOSTILE_DURATIONS = _hostile(
    ["nans", "infs", "-infs", "1e400s", "-5s", "s", "10", "1e308s", "5e-324s", "١s", "1_000s", " 5s", 10]
)
HOSTILE_ATTEMPTS = _hostile(
    [0, -1, "1", "²", "٣", "00", "0001", "1234567", "12345678", 1.0, 1.5, True, 10**7, 10**99, POS_INF]
)
HOSTILE_TEMPORAL_TYPES = _hostile(
    [
        "activitytaskscheduled",
        "EVENT_TYPE_",
        "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED ",
        "Activity_Task",
        "EVENT_TYPE_UNSPECIFIED",
        "ActivityTaskScheduledX",
    ]
)


def _screaming(kind: str) -> str:
    return "EVENT_TYPE_" + "_".join(re.findall(r"[A-Z][a-z]*", kind)).upper()


def _temporal_history(f: _Fuzz) -> dict[str, Any]:
    count = f.draw(st.integers(2, 14))
    times = f.times(count)
    style = f.draw(TIME_STYLES)
    spelling = f.draw(st.sampled_from(["camel", "screaming"]))
    kinds = ["WorkflowExecutionStarted"] + [f.draw(st.sampled_from(TEMPORAL_KINDS)) for _ in range(count - 1)]
    events = []
    for i, kind in enumerate(kinds):
        earlier = (st.sampled_from([str(j + 1) for j in range(max(i, 1))]), HOSTILE_NAMES)
        fields: dict[str, Any] = {
            "ActivityTaskScheduled": {
                "activityId": str(i),
                "activityType": {"name": "step"},
                "input": (PAYLOADS, HOSTILE_PAYLOADS),
                "heartbeatTimeout": (DURATIONS, HOSTILE_DURATIONS),
            },
            "ActivityTaskStarted": {"scheduledEventId": earlier, "attempt": (st.integers(1, 5), HOSTILE_ATTEMPTS)},
            "ActivityTaskCompleted": {
                "scheduledEventId": earlier,
                "startedEventId": earlier,
                "result": (PAYLOADS, HOSTILE_PAYLOADS),
            },
            "MarkerRecorded": {
                "markerName": "LocalActivity",
                "details": (
                    PAYLOADS.map(lambda p: {"data": p, "result": p}),
                    HOSTILE_PAYLOADS.map(lambda p: {"result": p}),
                ),
            },
            "TimerStarted": {"timerId": "1", "startToFireTimeout": (DURATIONS, HOSTILE_DURATIONS)},
            "TimerFired": {"timerId": "1", "startedEventId": earlier},
            "WorkflowTaskCompleted": {"scheduledEventId": earlier, "startedEventId": earlier},
            "WorkflowExecutionSignaled": {"signalName": "approve"},
        }.get(kind, {})
        event_ = f.row(
            {
                "eventId": (str(i + 1), HOSTILE_NAMES),
                "eventTime": (_iso(times[i], style), HOSTILE_TIMES),
                "eventType": (kind if spelling == "camel" else _screaming(kind), HOSTILE_TEMPORAL_TYPES),
                "taskId": "1048587",
            }
        )
        event_[kind[0].lower() + kind[1:] + "EventAttributes"] = f.pick(f.row(fields), HOSTILE_SHAPES, "attributes")
        events.append(event_)
    return f.row({"events": (events, st.one_of(HOSTILE, st.just(events[:1]), st.just(events[::-1])))})


@st.composite
def temporal_exports(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    f = _Fuzz(draw, TEMPORAL_FIELDS)
    files = [(f"history-{n}.json", _dumps(_temporal_history(f))) for n in range(draw(FILES))]
    return files, {"monthly_runs": draw(RUNS_GIVEN)}


# --- Trigger.dev: runs.list as JSON ------------------------------------------------------------------

TRIGGER_FIELDS = ("createdAt", "durationMs", "costInCents", "baseCostInCents", "isTest", "status", "data")
HOSTILE_MS = _hostile([5e-324, 1e-310, 1.7e308, 0.5, 366 * 86_400_000 + 1, -1, True, "1000", POS_INF])
HOSTILE_CENTS = _hostile([5e-324, 1e-10, 1.7e308, 1e9 + 1, -0.0, -1, False, "1", NEG_INF])


def _trigger_run(f: _Fuzz, n: int, created: str) -> dict[str, Any]:
    return f.row(
        {
            "id": f"run_{n:024d}",
            "status": st.sampled_from(["COMPLETED", "FAILED", "CRASHED", "EXECUTING"]),
            "taskIdentifier": "coding-agent",
            "isTest": (st.booleans(), _hostile(["false", 0, 1, None])),
            "createdAt": (created, HOSTILE_TIMES),
            "costInCents": (st.one_of(st.just(0), st.floats(1e-6, 100)), HOSTILE_CENTS),
            "baseCostInCents": (st.sampled_from([0, 0.0025, 0.025]), HOSTILE_CENTS),
            "durationMs": (st.one_of(st.just(0), st.integers(1, 10**7), st.floats(1, 1e8)), HOSTILE_MS),
        }
    )


@st.composite
def trigger_exports(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    f = _Fuzz(draw, TRIGGER_FIELDS)
    files = []
    for n in range(draw(FILES)):
        count = draw(st.integers(1, 8))
        runs = [_trigger_run(f, i, _iso(t, draw(TIME_STYLES))) for i, t in enumerate(f.times(count))]
        shape = draw(st.sampled_from(["page", "list", "pages"]))
        data: Any = {
            "page": f.row({"data": (runs, HOSTILE), "pagination": {"next": None}}),
            "list": runs,
            "pages": [{"data": runs[: count // 2]}, {"data": runs[count // 2 :]}],
        }[shape]
        files.append((f"runs-{n}.json", _dumps(data)))
    options = {
        "monthly_runs": draw(st.one_of(st.none(), MONTHLY_RUNS)),
        "steps_per_run": draw(st.sampled_from([1.0, 3.0, 0.001, 1e6, 42.5])),
    }
    return files, options


# --- AWS Step Functions: get-execution-history -------------------------------------------------------

SFN_KINDS = (
    "TaskStateEntered",
    "TaskScheduled",
    "TaskStarted",
    "TaskSubmitted",
    "TaskSucceeded",
    "TaskFailed",
    "TaskTimedOut",
    "TaskStateExited",
    "LambdaFunctionScheduled",
    "LambdaFunctionStarted",
    "LambdaFunctionSucceeded",
    "LambdaFunctionFailed",
    "ActivityScheduled",
    "ActivityStarted",
    "ActivitySucceeded",
    "ChoiceStateEntered",
    "ChoiceStateExited",
    "PassStateEntered",
    "MapStateEntered",
    "ParallelStateEntered",
    "WaitStateEntered",
    "WaitStateExited",
    "SucceedStateEntered",
    "FailStateEntered",
    "ExecutionStarted",
    "ExecutionSucceeded",
    "ExecutionFailed",
    "ExecutionAborted",
)
SFN_FIELDS = (
    "timestamp",
    "type",
    "id",
    "previousEventId",
    "details",
    "resourceType",
    "resource",
    "parameters",
    "input",
    "output",
    "outputDetails",
    "name",
    "events",
    "nextToken",
)
SFN_RESOURCES = st.sampled_from(
    [
        ("lambda", "invoke"),
        ("lambda", "invoke.waitForTaskToken"),
        ("dynamodb", "putItem"),
        ("states", "startExecution.sync:2"),
        ("aws-sdk:sfn", "startExecution"),
        ("", "arn:aws:states:::lambda:invoke"),
        ("sqs", "sendMessage.waitForTaskToken"),
    ]
)
HOSTILE_IDS = _hostile([0, -1, 10**9 + 1, 10**18, 1.0, "1", True, None])


def _sfn_details(f: _Fuzz, kind: str) -> tuple[str, dict[str, Any]]:
    text = (JSON_TEXT, HOSTILE_JSON_TEXT)
    if kind.endswith(("StateEntered", "StateExited")):
        key = "stateEnteredEventDetails" if kind.endswith("Entered") else "stateExitedEventDetails"
        return key, f.row({"name": (st.sampled_from(["Step", "Wait", "Choice"]), HOSTILE_NAMES), "input": text})
    resource_type, resource = f.draw(SFN_RESOURCES)
    fields: dict[str, Any] = {"resourceType": resource_type, "resource": resource}
    if kind.endswith("Scheduled"):
        fields |= {"region": "us-east-1", "parameters": text, "input": text}
    elif kind.endswith(("Succeeded", "Submitted")):
        fields |= {"output": text, "outputDetails": st.booleans().map(lambda b: {"truncated": b})}
    elif kind.endswith(("Failed", "TimedOut", "Aborted")):
        fields |= {"error": "States.TaskFailed", "cause": st.text(max_size=20)}
    elif kind == "ExecutionStarted":
        fields = {"input": text, "inputDetails": {"truncated": False}, "roleArn": "arn:aws:iam::1:role/r"}
    return kind[0].lower() + kind[1:] + "EventDetails", f.row(fields)


def _sfn_history(f: _Fuzz) -> dict[str, Any]:
    count = f.draw(st.integers(2, 14))
    times = f.times(count)
    epoch = f.draw(st.booleans())
    style = f.draw(TIME_STYLES)
    kinds = ["ExecutionStarted"] + [f.draw(st.sampled_from(SFN_KINDS)) for _ in range(count - 1)]
    events = []
    for i, kind in enumerate(kinds):
        number = i + 1
        event_ = f.row(
            {
                "timestamp": (times[i] if epoch else _iso(times[i], style), HOSTILE_TIMES),
                "type": (kind, _hostile(["", "taskscheduled", "Unknown", "ExecutionStarted"])),
                "id": (number, HOSTILE_IDS),
                "previousEventId": (st.sampled_from(range(number)), HOSTILE_IDS),
            }
        )
        key, details = _sfn_details(f, kind)
        event_[key] = f.pick(details, HOSTILE_SHAPES, "details")
        events.append(event_)
    return f.row(
        {
            "events": (events, st.one_of(HOSTILE, st.just(events[:1]), st.just(events[::-1]))),
            "nextToken": (None, st.sampled_from(["AAAA", "", 5])),
        }
    )


@st.composite
def sfn_exports(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    f = _Fuzz(draw, SFN_FIELDS)
    files = [(f"execution-{n}.json", _dumps(_sfn_history(f))) for n in range(draw(FILES))]
    return files, {"monthly_runs": draw(RUNS_GIVEN)}


# --- DBOS: workflow_status and operation_outputs rows ------------------------------------------------

WORKFLOWS = ("wf-0", "wf-1", "wf-2", "wf-3", "child-0", "child-1")
DBOS_CALLS = (
    "step",
    "llm_call",
    "DBOS.sleep",
    "DBOS.recv",
    "DBOS.getEvent",
    "DBOS.getResult",
    "DBOS.send",
    "DBOS.setEvent",
    "DBOS.startWorkflow",
)
DBOS_FIELDS = (
    "workflow_uuid",
    "status",
    "name",
    "created_at",
    "parent_workflow_id",
    "recovery_attempts",
    "function_id",
    "function_name",
    "output",
    "error",
    "child_workflow_id",
    "started_at_epoch_ms",
    "completed_at_epoch_ms",
    "workflow_status",
    "operation_outputs",
)
EPOCH_MS_2020 = int(EPOCH_2020 * 1000)
HOSTILE_EPOCH_MS = _hostile(
    [
        "²",
        "¹²³",
        "1e12",
        "1796592318000.5",
        "١٧٩٦٥٩٢٣١٨٠٠٠",
        "１７９６５９２３１８０００",
        "-1796592318000",
        "9" * 21,
        1.5,
        -1,
        10**20,
        4_102_444_800_001,
        946_684_799_999,
        1e300,
        POS_INF,
    ]
)
HOSTILE_COUNTS = _hostile(["²", "3", " 3 ", 3.5, -1, 10**9 + 1, 10**25, POS_INF, True])


def _ms_forms(ms: int) -> st.SearchStrategy[Any]:
    """Epoch milliseconds as the clients give a bigint: a number, an integral float, digits as text."""
    return st.sampled_from([ms, float(ms), str(ms), f" {ms} "])


def _dbos_output(name: str, started: int) -> st.SearchStrategy[Any]:
    if name == "DBOS.sleep":  # the time it wakes, seconds since the epoch, as JSON text
        return st.floats(0, 1e5).map(lambda s: repr(started / 1000 + s))
    return st.one_of(st.none(), BASE64, st.text(max_size=40))


def _dbos_tables(f: _Fuzz) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    base = f.draw(st.integers(EPOCH_MS_2020, EPOCH_MS_2020 + 10 * 365 * 86_400_000))
    statuses = []
    for _ in range(f.draw(st.integers(1, 5))):
        created = base + f.draw(st.integers(0, 20 * 3_600_000))
        statuses.append(
            f.row(
                {
                    "workflow_uuid": (st.sampled_from(WORKFLOWS), HOSTILE_NAMES),
                    "status": (
                        st.sampled_from(["SUCCESS", "ERROR", "PENDING", "ENQUEUED", "CANCELLED", "success"]),
                        HOSTILE_NAMES,
                    ),
                    "name": (st.sampled_from(["agent", "research", "agent.run"]), HOSTILE_NAMES),
                    "created_at": (_ms_forms(created), HOSTILE_EPOCH_MS),
                    "parent_workflow_id": st.one_of(st.none(), st.none(), st.sampled_from(WORKFLOWS)),
                    "recovery_attempts": (st.one_of(st.none(), st.integers(0, 3)), HOSTILE_COUNTS),
                    "executor_id": "local",
                }
            )
        )
    outputs = []
    for _ in range(f.draw(st.integers(1, 12))):
        started = base + f.draw(st.integers(0, 20 * 3_600_000))
        completed = started + f.draw(st.one_of(st.integers(0, 60_000), st.sampled_from([0, 86_400_001, 10**11])))
        name = f.draw(st.sampled_from(DBOS_CALLS))
        outputs.append(
            f.row(
                {
                    "workflow_uuid": (st.sampled_from(WORKFLOWS), HOSTILE_NAMES),
                    "function_id": (st.integers(0, 12), HOSTILE_COUNTS),
                    "function_name": (name, _hostile([*NAMES, *(f"DBOS.{n}" for n in NAMES)])),
                    "output": (
                        _dbos_output(name, started),
                        _hostile(["nan", "inf", "-inf", "1e400", "1e308", "-5", "١٢", "\ud800", "x" * 500]),
                    ),
                    "error": (st.one_of(st.none(), st.none(), st.text(max_size=20)), HOSTILE_NAMES),
                    "child_workflow_id": st.one_of(st.none(), st.none(), st.sampled_from(WORKFLOWS)),
                    "started_at_epoch_ms": (st.one_of(_ms_forms(started), st.none()), HOSTILE_EPOCH_MS),
                    "completed_at_epoch_ms": (st.one_of(_ms_forms(completed), st.none()), HOSTILE_EPOCH_MS),
                    "serialization": "py_pickle",
                }
            )
        )
    return statuses, outputs


@st.composite
def dbos_exports(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    f = _Fuzz(draw, DBOS_FIELDS)
    statuses, outputs = _dbos_tables(f)
    shape = draw(st.sampled_from(["object", "files", "outputs"]))
    if shape == "object":
        files = [("dbos.json", _dumps(f.row({"workflow_status": statuses, "operation_outputs": outputs})))]
    elif shape == "files":
        files = [("workflow_status.json", _dumps(statuses)), ("operation_outputs.json", _dumps(outputs))]
    else:
        files = [("operation_outputs.json", _dumps(outputs))]
    return files, {"monthly_runs": draw(st.sampled_from([None, 1000.0, 0.0, 1e10]))}


# --- Restate: sys_journal, sys_invocation, sys_journal_events ----------------------------------------

INVOCATIONS = ("inv_a", "inv_b", "inv_c", "inv_d")
RESTATE_ENTRIES = (
    "Command: Run",
    "Notification: Run",
    "Command: Sleep",
    "Notification: Sleep",
    "Command: GetPromise",
    "Notification: GetPromise",
    "Command: Call",
    "Notification: Call",
    "Command: OneWayCall",
    "Notification: Signal",
    "Command: CompletePromise",
    "Command: CompleteAwakeable",
    "Command: Output",
)
RESTATE_FIELDS = (
    "id",
    "index",
    "entry_type",
    "raw_length",
    "appended_at",
    "entry_lite_json",
    "invoked_id",
    "target",
    "target_service_name",
    "target_handler_name",
    "invoked_by_id",
    "created_at",
    "status",
    "retry_count",
    "journal_size",
    "event_type",
    "after_journal_entry_index",
    "event_json",
    "sys_journal",
    "sys_invocation",
    "sys_journal_events",
)
HOSTILE_ENTRY_JSON = _hostile(
    [
        "",
        "{",
        "[]",
        "5",
        "null",
        "NaN",
        '{"Command": 5}',
        '{"Command": {"Run": []}}',
        '{"Command": {"Run": {"completion_id": 1e400}}}',
        '{"Command": {"Run": {"completion_id": -1}}}',
        '{"Command": {"Sleep": {"completion_id": 1, "wake_up_time": 1e400}}}',
        '{"Command": {"Sleep": {"completion_id": 1, "wake_up_time": 18446744073709551615}}}',
        '{"Command": {"Sleep": {"completion_id": 1, "wake_up_time": 1}}}',
        '{"Command": {"Call": {"result_completion_id": 1, "invocation_id": 5}}}',
        '{"Command": {"Call": {"result_completion_id": 1, "invocation_id": "inv_a"}}}',
        '{"Notification": {"id": {"SignalIndex": "x"}}}',
        '{"Notification": {"id": {"SignalIndex": 1e400}}}',
        '{"Notification": {"id": {"CompletionId": 1.5}}}',
        "[" * 70 + "]" * 70,
        '{"a": ' + "9" * 150 + "}",
    ]
)
HOSTILE_INDEXES = _hostile([-1, 10**9 + 1, 1.5, "1", True, 2**64, POS_INF, 1e300])


def _restate_json(kind: str, type_: str, completion: int, called: str, wakes: int, signal: int) -> str:
    """An entry's `entry_lite_json` (or, for some notifications, the full form's shape)."""
    if kind == "Command":
        body: dict[str, Any] = {"completion_id": completion, "name": "step"}
        if type_ == "Call":
            body = {"result_completion_id": completion, "invocation_id": called}
        elif type_ == "OneWayCall":
            body = {"invocation_id": called}
        elif type_ == "Sleep":
            body["wake_up_time"] = wakes
        return json.dumps({"Command": {type_: body}})
    if type_ == "Signal":
        return json.dumps({"Notification": {"ty": {"Signal": "Awakeable"}, "id": {"SignalIndex": signal}}})
    if completion % 2:
        return json.dumps({"Notification": {"Completion": {type_: {"completion_id": completion}}}})
    return json.dumps({"Notification": {"ty": {"Completion": type_}, "id": {"CompletionId": completion}}})


def _restate_tables(f: _Fuzz) -> dict[str, list[dict[str, Any]]]:
    style = f.draw(st.sampled_from([0, 1, 2, 3, 5]))
    journal, invocations, events = [], [], []
    for invocation in INVOCATIONS[: f.draw(st.integers(1, len(INVOCATIONS)))]:
        count = f.draw(st.integers(0, 10))
        types = ["Command: Input"] + [f.draw(st.sampled_from(RESTATE_ENTRIES)) for _ in range(count)]
        times = f.times(len(types))
        others = st.sampled_from([i for i in INVOCATIONS if i != invocation])
        for index, entry_type in enumerate(types):
            kind, _, type_ = entry_type.partition(": ")
            lite = _restate_json(
                kind,
                type_,
                f.draw(st.integers(0, 4)),
                f.draw(others),
                int((times[index] + f.draw(st.floats(0, 1e5))) * 1000),
                f.draw(st.sampled_from([1, 17, 18])),
            )
            journal.append(
                f.row(
                    {
                        "id": (invocation, HOSTILE_NAMES),
                        "index": (index, HOSTILE_INDEXES),
                        "entry_type": (entry_type, _hostile(["Run", "Command:", ": Run", "Command: ", "Notification"])),
                        "name": "step",
                        "raw_length": (st.integers(0, 5000), HOSTILE_INDEXES),
                        "appended_at": (_iso(times[index], style), HOSTILE_TIMES),
                        "entry_lite_json": (lite, HOSTILE_ENTRY_JSON),
                        "invoked_id": (st.one_of(st.none(), st.none(), others), HOSTILE_NAMES),
                    }
                )
            )
        invocations.append(
            f.row(
                {
                    "id": (invocation, HOSTILE_NAMES),
                    "target": (f"agent/key-{invocation}/run", _hostile(["", "/", "a/b/c/d", "\ud800/x", "x\ny/z"])),
                    "target_service_name": ("agent", HOSTILE_NAMES),
                    "target_handler_name": (st.sampled_from(["run", "approve", "step"]), HOSTILE_NAMES),
                    "invoked_by_id": (
                        st.integers(0, 4).flatmap(lambda i, o=others: o if i == 0 else st.none()),
                        HOSTILE_NAMES,
                    ),
                    "created_at": (_iso(times[0], style), HOSTILE_TIMES),
                    "status": (st.sampled_from(["completed"] * 4 + ["running", "backing-off"]), HOSTILE_NAMES),
                    "retry_count": (st.integers(0, 3), HOSTILE_INDEXES),
                    "journal_size": (st.integers(0, 20), HOSTILE_INDEXES),
                }
            )
        )
        for _ in range(f.draw(st.integers(0, 2))):
            related = {
                "ty": "TransientError",
                "related_command_index": f.draw(st.integers(0, 5)),
                "related_command_type": f.draw(st.sampled_from(["Run", "Call"])),
            }
            events.append(
                f.row(
                    {
                        "id": (invocation, HOSTILE_NAMES),
                        "event_type": (st.sampled_from(["TransientError", "Paused"]), HOSTILE_NAMES),
                        "after_journal_entry_index": (st.integers(0, 10), HOSTILE_INDEXES),
                        "event_json": (json.dumps(related), HOSTILE_ENTRY_JSON),
                    }
                )
            )
    return {"sys_journal": journal, "sys_invocation": invocations, "sys_journal_events": events}


@st.composite
def restate_exports(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    f = _Fuzz(draw, RESTATE_FIELDS)
    tables = _restate_tables(f)
    shape = draw(st.sampled_from(["sql", "query", "object"]))
    if shape == "object":
        files = [("restate.json", _dumps(f.row({t: (rows, HOSTILE) for t, rows in tables.items()})))]
    else:
        journal = tables["sys_journal"] if shape == "sql" else {"rows": tables["sys_journal"]}
        files = [("journal.json", _dumps(journal))]
        for table in ("sys_invocation", "sys_journal_events"):
            if draw(st.booleans()):
                files.append((f"{table}.json", _dumps(tables[table])))
    return files, {"monthly_runs": draw(RUNS_GIVEN)}


# --- The contract ------------------------------------------------------------------------------------

EXPORTS: dict[str, st.SearchStrategy[tuple[list[tuple[str, str]], dict[str, Any]]]] = {
    "from-history": temporal_exports(),
    "from-trigger-runs": trigger_exports(),
    "from-sfn-history": sfn_exports(),
    "from-dbos": dbos_exports(),
    "from-restate": restate_exports(),
}


def _numbers(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _numbers(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _numbers(item, f"{path}[{i}]")


def _check_derived(imported: Imported) -> None:
    """A derived profile is one the engine takes: valid, every number finite, and its YAML (what the CLI
    writes, as UTF-8) reads back to the same profile."""
    profile = imported.profile
    assert isinstance(profile, WorkloadProfile), type(profile)
    not_finite = [(p, v) for p, v in _numbers(profile.model_dump()) if not math.isfinite(v)]
    assert not not_finite, f"numbers not finite in the derived profile: {not_finite}"
    assert WorkloadProfile.model_validate(profile.model_dump()) == profile
    try:
        imported.text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AssertionError(f"the derived profile's YAML cannot be written as UTF-8: {exc}") from None
    try:
        again = parse_profile_text(imported.text, "derived.yaml")
    except PricingError as exc:
        raise AssertionError(f"the derived profile's YAML does not read back:\n{exc}\n---\n{imported.text}") from None
    assert again == profile, "the derived profile's YAML reads back to another profile"
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in imported.sources.items())


def _check_refusal(exc: Exception, files: Sequence[tuple[str, str]]) -> None:
    """A refusal says something; a `PricingError`'s or `InputError`'s problems name a file given (or the
    first of several, "a.json (and 2 more)")."""
    assert str(exc).strip(), f"a {type(exc).__name__} that says nothing"
    if isinstance(exc, ProfileError):
        return
    problems = exc.problems if isinstance(exc, PricingError) else [exc.problem] if isinstance(exc, InputError) else []
    assert problems, "a refusal with no problem"
    names = {name for name, _ in files}
    unnamed = [str(p) for p in problems if re.sub(r" \(and [\d,]+ more\)$", "", p.file) not in names]
    assert not unnamed, f"problems naming no file given: {unnamed}"


def _derive(importer: Importer, files: list[tuple[str, str]], options: Mapping[str, Any]) -> None:
    """The importer's entry, as `tco profile <command>` calls it: a valid profile, or a refusal."""
    try:
        imported = importer.derive(files, _book(), name=None, **options)
    except REFUSALS as exc:
        event(f"refused: {type(exc).__name__}")
        _check_refusal(exc, files)
        return
    event("derived")
    _check_derived(imported)


def test_every_importer_is_fuzzed():
    """A new importer's exports need a strategy here."""
    assert set(BY_COMMAND) == set(EXPORTS)


# --- What the fuzzing found: the smallest exports that show each bug ----------------------------------
# Each is an explicit example of its importer's property (run first, every time) and goes through the CLI
# below, so that the property fails on it until the importer is fixed.


Export = tuple[list[tuple[str, str]], dict[str, Any]]


def _export(runs: float | None = 10.0, **files: Any) -> Export:
    """Files (name without .json -> data) and --monthly-runs, as the strategies draw them."""
    return [(f"{name}.json", _dumps(data)) for name, data in files.items()], {"monthly_runs": runs}


def _temporal(kind: str, **attributes: Any) -> dict[str, Any]:
    """A history: WorkflowExecutionStarted, then one event of `kind` with `attributes`."""
    return {
        "events": [
            {"eventId": "1", "eventTime": "2026-01-01T00:00:00Z", "eventType": "WorkflowExecutionStarted"},
            {
                "eventId": "2",
                "eventTime": "2026-01-01T00:00:01Z",
                "eventType": kind,
                kind[0].lower() + kind[1:] + "EventAttributes": attributes,
            },
        ]
    }


def _dbos_call(**row: Any) -> list[dict[str, Any]]:
    return [{"workflow_uuid": "a", "function_id": 1, "function_name": "step", **row}]


def _dbos_workflows(*names: str) -> dict[str, Any]:
    """Finished workflows named `names`, each with a step."""
    ids = [f"wf-{i}" for i in range(len(names))]
    return {
        "workflow_status": [
            {"workflow_uuid": w, "status": "SUCCESS", "created_at": 1_796_592_318_000, "name": n}
            for w, n in zip(ids, names, strict=True)
        ],
        "operation_outputs": [{"workflow_uuid": w, "function_id": 1, "function_name": "step"} for w in ids],
    }


def _restate_handlers(*handlers: str) -> dict[str, Any]:
    """Completed invocations of `handlers`, each journaling one step."""
    ids = [f"inv_{i}" for i in range(len(handlers))]
    return {
        "sys_journal": [{"id": i, "index": 0, "entry_type": "Command: Run"} for i in ids],
        "sys_invocation": [
            {
                "id": i,
                "target": f"agent/k/{h}",
                "target_service_name": "agent",
                "target_handler_name": h,
                "status": "completed",
            }
            for i, h in zip(ids, handlers, strict=True)
        ],
    }


INJECTED = "x\nrequirements: {hipaa: true}\n#"
"""A name with line breaks: written into a note (a comment line), it adds a field to the profile's YAML."""
FOUND: dict[str, tuple[str, Export]] = {
    # ValueError: invalid literal for int() with base 10: '²' (temporal_history._check: "²".isdigit() is
    # true, int("²") raises)
    "temporal attempt '²'": ("from-history", _export(h=_temporal("ActivityTaskStarted", attempt="²"))),
    # TypeError: 'int' object is not iterable (temporal_history._payload_bytes, from run_facts: a marker's
    # details.result is never checked, as an activity's input and result are)
    "temporal marker payloads 5": (
        "from-history",
        _export(h=_temporal("MarkerRecorded", details={"result": {"payloads": 5}})),
    ),
    # RuntimeWarning, an error under this suite's filterwarnings: invalid value encountered in subtract
    # (np.percentile([inf, 1.0]) in temporal_history._spread): "infs" (or "1e400s") reads as an infinite
    # heartbeat timeout, unchecked; the CLI prints numpy's warning, then refuses the profile
    "temporal heartbeatTimeout 'infs' in one of two": (
        "from-history",
        _export(
            a=_temporal("ActivityTaskScheduled", heartbeatTimeout="infs"),
            b=_temporal("ActivityTaskScheduled", heartbeatTimeout="1s"),
        ),
    ),
    # ValueError: invalid literal for int() with base 10: '²' (dbos_tables._integer: "²".isdigit() is true);
    # in any whole-number column (function_id, created_at, started_at_epoch_ms, recovery_attempts)
    "dbos function_id '²'": ("from-dbos", _export(o=_dbos_call(function_id="²"))),
    # UnicodeEncodeError: surrogates not allowed (dbos_tables._read_output: output.encode("utf-8"); JSON's
    # "\ud800" is a lone surrogate; the error column too)
    "dbos output '\\ud800'": ("from-dbos", _export(o=_dbos_call(output="\ud800"))),
    # The YAML written reads back to another profile: a DBOS.* call's name goes into a note, a "# " line of
    # pricing.vendors.annotated_yaml, line breaks and all (here it adds requirements: {hipaa: true})
    "dbos call named with line breaks": ("from-dbos", _export(o=_dbos_call(function_name="DBOS." + INJECTED))),
    # The same by the note naming the runs' workflows; a lone surrogate there leaves the YAML unwritable as
    # UTF-8 (the CLI's exit 3, internal error)
    "dbos workflows named with line breaks": ("from-dbos", _export(dbos=_dbos_workflows(INJECTED, "y"))),
    "dbos workflow named with a surrogate": ("from-dbos", _export(dbos=_dbos_workflows("x\ud800", "y"))),
    # The same by the note naming the runs' handlers (restate_journal._notes)
    "restate handler named with line breaks": ("from-restate", _export(r=_restate_handlers(INJECTED, "run"))),
    "restate handler named with a surrogate": ("from-restate", _export(r=_restate_handlers("x\ud800", "run"))),
}


def _found(command: str) -> Any:
    """The explicit examples of `command`'s property: the exports that showed a bug."""

    def decorate(test: Any) -> Any:
        for export in reversed([e for c, e in FOUND.values() if c == command]):
            test = example(export=export)(test)
        return test

    return decorate


@FUZZ
@_found("from-history")
@given(export=temporal_exports())
def test_temporal_histories_derive_a_valid_profile_or_are_refused(export):
    _derive(BY_COMMAND["from-history"], *export)


@FUZZ
@_found("from-trigger-runs")
@given(export=trigger_exports())
def test_trigger_runs_lists_derive_a_valid_profile_or_are_refused(export):
    _derive(BY_COMMAND["from-trigger-runs"], *export)


@FUZZ
@_found("from-sfn-history")
@given(export=sfn_exports())
def test_step_functions_histories_derive_a_valid_profile_or_are_refused(export):
    _derive(BY_COMMAND["from-sfn-history"], *export)


@FUZZ
@_found("from-dbos")
@given(export=dbos_exports())
def test_dbos_tables_derive_a_valid_profile_or_are_refused(export):
    _derive(BY_COMMAND["from-dbos"], *export)


@FUZZ
@_found("from-restate")
@given(export=restate_exports())
def test_restate_journals_derive_a_valid_profile_or_are_refused(export):
    _derive(BY_COMMAND["from-restate"], *export)


def _cli(command: str, files: Sequence[tuple[str, str]], options: Mapping[str, Any]) -> int:
    """`tco profile <command> FILES -o OUT`: the profile written (exit 0) or a message (exit 2), never an
    internal error (exit 3) or a traceback."""
    importer = BY_COMMAND[command]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, text in files:
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        out = Path(folder) / "profile.yaml"
        argv = ["profile", command, *paths, "-o", str(out)]
        runs = options.get("monthly_runs")
        if runs is None and importer.needs_monthly_runs:
            runs = 1000.0
        if runs is not None:
            argv += ["--monthly-runs", repr(runs)]
        if "steps_per_run" in importer.options:
            argv += ["--steps-per-run", repr(options.get("steps_per_run", 1.0))]
        err, stdout = io.StringIO(), io.StringIO()
        with mock.patch.dict(os.environ), contextlib.redirect_stderr(err), contextlib.redirect_stdout(stdout):
            os.environ.pop("TCO_DEBUG", None)
            code = main(argv)
        said = err.getvalue()
        assert code in (0, 2), said
        assert "Traceback" not in said and "internal error" not in said, said
        if code == 0:
            parse_profile_text(out.read_text(encoding="utf-8"), str(out))
        else:
            assert said.startswith("tco: ") and not out.exists(), said
    return code


@pytest.mark.parametrize("command", sorted(EXPORTS))
@settings(FUZZ, max_examples=CLI_EXAMPLES, phases=[Phase.explicit, Phase.generate])
@given(data=st.data())
def test_the_cli_exits_0_or_2_and_shows_no_traceback(command, data):
    """Not shrunk (each call reads the price book): the properties above shrink what fails here too."""
    event(f"exit {_cli(command, *data.draw(EXPORTS[command]))}")


@pytest.mark.parametrize("found", sorted(FOUND))
def test_the_cli_on_the_exports_that_showed_a_bug(found):
    """What a user sees of each bug: exit 3 (internal error) where the importer raised, or wrote YAML it
    cannot encode; the profiles that read back altered pass here (the properties above catch them)."""
    command, export = FOUND[found]
    _cli(command, *export)


@pytest.mark.parametrize("command", sorted(EXPORTS))
def test_the_strategies_draw_exports_their_importer_reads(command):
    """The strategies reach what an importer derives, not only its first refusal: most exports drawn are
    recognised as this importer's (`importer_for`), and some derive a profile."""
    recognised, derived = [], []

    @settings(FUZZ, max_examples=40)
    @given(export=EXPORTS[command])
    def draw(export):
        files, options = export
        found = importer_for(json.loads(files[0][1]))
        recognised.append(found is not None and found.command == command)
        try:
            BY_COMMAND[command].derive(files, _book(), name=None, **options)
            derived.append(True)
        except Exception:  # a refusal, or a bug the properties above report
            derived.append(False)

    draw()
    assert sum(recognised) >= len(recognised) / 2, f"{sum(recognised)} of {len(recognised)} recognised"
    assert any(derived), f"none of {len(derived)} exports derived a profile"
