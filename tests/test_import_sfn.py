"""`tco profile from-sfn-history`: a profile from AWS Step Functions execution histories, read off
histories moto 5.2.6's emulation recorded (`tests/fixtures/sfn/write_histories.py`). Each field is
worked out here by hand from the fixtures' events (their ids and timestamps are quoted); hostile files
give exit status 2 and a message naming the file and the field, never a traceback."""

from __future__ import annotations

import copy
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import main
from pricing.load import PricingError, read_pricebook
from pricing.profiles import read_profile
from pricing.vendors import IMPORTERS, importer_for
from pricing.vendors.sfn_history import derive_profile, read_history, run_facts, transitions_check
from tests.test_hostile import EXPORTS, refused, run

FOLDER = Path(__file__).resolve().parent / "fixtures" / "sfn"
CHAIN, LOOP, PARENT = (FOLDER / f"{n}.json" for n in ("chain-retry-wait", "loop-callback", "parent-child"))
ALL = (CHAIN, LOOP, PARENT)
KB = 1024


def _text(path: Path) -> tuple[str, str]:
    return path.name, path.read_text(encoding="utf-8")


def _derived(*paths: Path, runs: float = 1000) -> Any:
    return derive_profile([_text(p) for p in paths], monthly_runs=runs)


def _data(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --- Each field, by hand -----------------------------------------------------------------------------


def test_the_chain_with_a_retry_and_a_wait():
    """Four Task states (events 2, 7, 17, 22), the second failing once (TaskFailed 10, then TaskScheduled
    11 in the same state), a Wait state between the second and the third (15 to 16)."""
    derived = _derived(CHAIN)
    profile, (run,) = derived.profile, derived.runs
    assert profile.steps_per_run == 4
    # TaskStarted -> TaskSucceeded/TaskFailed of the five attempts: 4->5 .830->.852, 9->10 .855->.906 (failed),
    # 12->13 31.738->31.768, 19->20 32.794->32.816, 24->25 32.829->32.878
    assert profile.step_seconds == pytest.approx((0.022 + 0.051 + 0.030 + 0.022 + 0.049) / 5)
    assert profile.retry_rate == pytest.approx(1 / 4)  # one retry, four steps
    assert profile.sleeps_per_run == 1
    assert profile.sleep_seconds == pytest.approx(32.778 - 31.770)  # WaitStateEntered 15 -> WaitStateExited 16
    assert profile.decisions_per_step == 0
    assert profile.human_waits_per_run == 0 and profile.human_wait_seconds == 0
    assert profile.child_runs_per_run == 0
    # every TaskScheduled records 641 bytes of parameters (the 500-byte payload in the item), every
    # TaskSucceeded the output "{}" (2 bytes)
    assert profile.step_payload_kb == pytest.approx((641 + 2) / KB, rel=1e-5)
    assert profile.step_kind.value == "task"
    assert run.events == 27
    assert (run.states_entered, run.all_retries, run.transitions) == (5, 1, 6)  # 4 Task + 1 Wait; 1 retry
    assert run.run_seconds == pytest.approx(32.884 - 30.816)  # ExecutionStarted 1 -> ExecutionSucceeded 27


def test_the_agent_loop_with_a_callback():
    """The loop's Task state `Step` entered five times (events 2, 9, 16, 23, 30), a Choice state after each
    (7, 14, 21, 28, 35), then `Callback1` (37) waiting for a task token: not a step, a wait."""
    derived = _derived(LOOP)
    profile, (run,) = derived.profile, derived.runs
    assert profile.steps_per_run == 5  # the loop's iterations
    # 4->5 .422->.453, 11->12 .729->.765, 18->19 .771->.778, 25->26 .780->.787, 32->33 .798->.807
    assert profile.step_seconds == pytest.approx((0.031 + 0.036 + 0.007 + 0.007 + 0.009) / 5)
    assert profile.retry_rate == 0
    assert profile.decisions_per_step == 1  # five Choice states, five steps
    assert profile.sleeps_per_run == 0
    assert profile.human_waits_per_run == 1  # TaskSubmitted 40 of sqs:sendMessage.waitForTaskToken
    assert profile.human_wait_seconds == pytest.approx(31.864 - 31.815)  # TaskSubmitted 40 -> TaskSucceeded 41
    assert profile.child_runs_per_run == 0
    # parameters 177 bytes each; outputs 129 (the first updateItem returns the whole item) and 4 x 99
    assert profile.step_payload_kb == pytest.approx((177 + (129 + 4 * 99) / 5) / KB, rel=1e-5)
    assert run.events == 43
    assert (run.states_entered, run.all_retries, run.transitions) == (11, 0, 11)  # 6 Task + 5 Choice


def test_the_parent_with_a_child_and_epoch_timestamps():
    """Two Task states (2, 7), then `Child1` (12) starting an execution (aws-sdk:sfn:startExecution
    .waitForTaskToken: moto cannot run states:startExecution.sync); timestamps in epoch seconds."""
    data = _data(PARENT)
    assert all(isinstance(e["timestamp"], float) for e in data["events"])
    derived = _derived(PARENT)
    profile, (run,) = derived.profile, derived.runs
    assert profile.steps_per_run == 2
    # 4->5 1796592330.961->.974, 9->10 .978->.988
    assert profile.step_seconds == pytest.approx((0.013 + 0.010) / 2, abs=1e-6)
    assert profile.child_runs_per_run == 1  # TaskSubmitted 15 of startExecution
    assert profile.human_waits_per_run == 0  # its task token is the child's, not a person's
    assert profile.step_payload_kb == pytest.approx((118 + 2) / KB, rel=1e-5)
    assert (run.events, run.states_entered, run.transitions) == (18, 3, 3)


@pytest.mark.parametrize(
    ("path", "said"),
    [
        (
            CHAIN,
            "the engine counts 6 state transitions a run for the derived profile; the history records 6 "
            "(5 states entered + 1 retry)",
        ),
        (
            LOOP,
            "the engine counts 11 state transitions a run for the derived profile; the history records 11 "
            "(11 states entered + 0 retries)",
        ),
        # the engine adds the child's own state (one attempt of its one step): in the child's history
        (
            PARENT,
            "the engine counts 3 state transitions a run for the derived profile and 1 more for the child "
            "executions' own states (in their own histories); the history records 3 (3 states entered + 0 retries)",
        ),
    ],
)
def test_the_check_sets_the_engine_s_transitions_against_the_history_s(path, said):
    check = transitions_check(_derived(path), read_pricebook())
    assert check is not None and said in check
    assert "History events a run" in check


# --- Several histories ----------------------------------------------------------------------------------


def test_several_histories_give_the_median_and_the_spread():
    derived = _derived(*ALL, runs=3000)
    profile = derived.profile
    assert profile.steps_per_run == 4  # of 4, 5 and 2
    assert profile.step_seconds == pytest.approx(0.018)  # of 0.0348, 0.018 and 0.0115
    assert profile.retry_rate == 0  # of 0.25, 0, 0
    assert profile.human_waits_per_run == 0 and profile.child_runs_per_run == 0
    assert profile.monthly_runs == 3000
    # numpy's percentiles of (2, 4, 5): 2 + 0.2 x 2 and 4 + 0.8 x 1
    assert derived.spread["steps_per_run"] == pytest.approx((2.4, 4.8))
    assert profile.ranges["steps_per_run"].low == pytest.approx(2.4)
    assert profile.ranges["steps_per_run"].high == pytest.approx(4.8)
    assert derived.spread["retry_rate"] == pytest.approx((0, 0.2))  # (0, 0, 0.25)
    assert set(profile.ranges) == {k for k, (lo, hi) in derived.spread.items() if lo < hi}
    assert "median of 3" in derived.sources["steps_per_run"]
    for key in derived.spread:
        values = [getattr(_derived(p).profile, key) for p in ALL]
        assert getattr(profile, key) == pytest.approx(statistics.median(values), rel=1e-5), key
        assert derived.spread[key] == pytest.approx(tuple(np.percentile(values, [10, 90])), rel=1e-4, abs=1e-9)


def test_one_history_gives_no_range():
    assert _derived(CHAIN).profile.ranges == {}


# --- The command and the app -----------------------------------------------------------------------------


def test_cli_writes_a_profile_that_reads_back(tmp_path, capsys):
    out = tmp_path / "ours.yaml"
    files = [str(p) for p in ALL]
    argv = ["profile", "from-sfn-history", *files, "--monthly-runs", "3000", "--name", "Ours", "-o", str(out)]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "Check against AWS Step Functions (Standard)" in err and f"wrote {out} from 3 files" in err
    text = out.read_text()
    assert "# TaskStateEntered events of the Task states that run work" in text and "(median of 3)" in text
    assert read_profile(out) == derive_profile([_text(p) for p in ALL], monthly_runs=3000, name="Ours").profile
    assert main(["compare", "--profile", str(out)]) == 0


def test_the_command_needs_the_month_s_runs(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["profile", "from-sfn-history", str(CHAIN)])
    assert exc.value.code == 2
    assert "--monthly-runs" in capsys.readouterr().err


def test_the_importer_is_registered_and_recognizes_its_files():
    assert any(i.command == "from-sfn-history" and i.needs_monthly_runs for i in IMPORTERS)
    for path in ALL:
        assert importer_for(_data(path)).command == "from-sfn-history"
    temporal = Path(__file__).resolve().parent / "calibration" / "histories" / "local.json"
    assert importer_for(json.loads(temporal.read_text())).command == "from-history"


def test_the_app_takes_two_histories_at_once(presets):
    from pricing.load import read_criteria
    from tests.test_ui_state import _Upload
    from ui.session import Session
    from ui.state import Allowed
    from ui.upload import on_upload

    store: dict[str, Any] = {"field.monthly_runs": 500.0}
    session = Session(store, {}, presets, read_criteria(), Allowed(options=("aws/step-functions-standard",)))
    store["upload"] = [_Upload(p.name, p.read_text(encoding="utf-8")) for p in (CHAIN, LOOP)]
    on_upload(session)
    assert store["upload_problems"] == []
    assert store["field.steps_per_run"] == 4.5  # the median of 4 and 5
    assert store["field.decisions_per_step"] == 0.5 and store["field.monthly_runs"] == 500
    title, said = store["upload_derived"]
    assert title == "2 files" and any(s.startswith("Check against AWS Step Functions") for s in said)


# --- What else a history may hold ------------------------------------------------------------------------


def _event(number: int, kind: str, at: float, previous: int = 0, **details: Any) -> dict[str, Any]:
    key = {"Entered": "stateEnteredEventDetails", "Exited": "stateExitedEventDetails"}
    detail = next((v for k, v in key.items() if kind.endswith("State" + k)), None)
    name = detail or kind[0].lower() + kind[1:] + "EventDetails"
    event = {"timestamp": at, "type": kind, "id": number, "previousEventId": previous}
    return {**event, name: details} if details else event


def test_interleaved_branches_are_tied_by_previous_event_id():
    """A Parallel state's two branches, their events interleaved: each attempt's end is found by its
    previousEventId, not by the order. Branch A's step runs 10 to 12 s, branch B's 11 to 20 s, B's
    after a failed attempt (11 to 13 s); a .sync child start (arn:aws:states:::states:startExecution
    .sync:2) is a child run."""
    events = [
        _event(1, "ExecutionStarted", 0.0),
        _event(2, "ParallelStateEntered", 1.0, 1),
        _event(3, "TaskStateEntered", 2.0, 2, name="A"),
        _event(4, "TaskStateEntered", 2.0, 2, name="B"),
        _event(5, "TaskScheduled", 3.0, 3, resourceType="lambda", resource="invoke", parameters="{}"),
        _event(6, "TaskScheduled", 3.0, 4, resourceType="lambda", resource="invoke", parameters="{}"),
        _event(7, "TaskStarted", 10.0, 5),
        _event(8, "TaskStarted", 11.0, 6),
        _event(9, "TaskSucceeded", 12.0, 7, output="{}"),
        _event(10, "TaskFailed", 13.0, 8, error="E"),
        _event(11, "TaskScheduled", 14.0, 10, resourceType="lambda", resource="invoke", parameters="{}"),
        _event(12, "TaskStarted", 14.0, 11),
        _event(13, "TaskSucceeded", 20.0, 12, output="{}"),
        _event(14, "TaskStateEntered", 21.0, 13, name="Child"),
        _event(15, "TaskScheduled", 21.0, 14, resource="arn:aws:states:::states:startExecution.sync:2"),
        _event(16, "TaskStarted", 21.0, 15),
        _event(17, "TaskSubmitted", 22.0, 16, output="{}"),
        _event(18, "TaskSucceeded", 90.0, 17, output="{}"),
        _event(19, "SucceedStateEntered", 91.0, 18),
        _event(20, "ExecutionSucceeded", 92.0, 19),
    ]
    run = run_facts(events)
    assert run.steps == 2 and run.retries == 1 and run.children == 1 and run.waits == 0
    assert run.step_seconds == pytest.approx((2 + 2 + 6) / 3)  # 7->9, 8->10, 12->13
    assert run.decisions == 1 and run.terminal_states == 1
    assert run.transitions == 5 + 1  # Parallel, A, B, Child, Succeed; one retry
    text = json.dumps({"events": events})
    derived = derive_profile([("parallel.json", text)], monthly_runs=10)
    check = transitions_check(derived, read_pricebook())
    assert check is not None and "1 of them Succeed or Fail states, which the engine does not count" in check


def test_lambda_function_events_are_steps_and_iso_text_of_either_kind_is_read():
    """A Task state whose resource is a Lambda function's ARN records LambdaFunction* events; boto3's
    datetimes dumped with `default=str` use a space, not a T; a time with no offset is UTC."""
    stamps = ["2025-01-31 12:00:00+00:00", "2025-01-31T12:00:01Z", "2025-01-31T12:00:02", "2025-01-31T13:00:04.5+01:00"]
    events = [
        _event(1, "ExecutionStarted", stamps[0]),
        _event(2, "TaskStateEntered", stamps[0], 1, name="Call"),
        _event(
            3,
            "LambdaFunctionScheduled",
            stamps[1],
            2,
            resource="arn:aws:lambda:us-east-1:1:function:f",
            input="x" * 100,
        ),
        _event(4, "LambdaFunctionStarted", stamps[2], 3),
        _event(5, "LambdaFunctionSucceeded", stamps[3], 4, output="y" * 50),
        _event(6, "ExecutionSucceeded", stamps[3], 5),
    ]
    run = run_facts(events)
    assert (run.steps, run.step_seconds, run.step_payload_bytes) == (1, pytest.approx(2.5), 150)
    assert run.run_seconds == pytest.approx(4.5)


# --- Hostile input ---------------------------------------------------------------------------------------


def _mutated(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(_data(CHAIN))
    change(data)
    return data


def _set(index: int, key: str, value: Any) -> Any:
    return lambda d: d["events"][index].__setitem__(key, value)


HOSTILE: dict[str, tuple[Any, str, str]] = {
    # name: (the file's content, the field named, a part of what is said)
    "month 13": (_mutated(_set(3, "timestamp", "2026-13-06T21:25:30.830000+00:00")), "events.3.timestamp", "ISO 8601"),
    "a timestamp of 1e300": (_mutated(_set(3, "timestamp", 1e300)), "events.3.timestamp", "seconds since 1970"),
    "milliseconds": (_mutated(_set(3, "timestamp", 1796592330945)), "events.3.timestamp", "not milliseconds"),
    "a timestamp of true": (_mutated(_set(3, "timestamp", True)), "events.3.timestamp", "got True"),
    "a date alone": (_mutated(_set(3, "timestamp", "2026-12-06")), "events.3.timestamp", "a date and time"),
    "no timestamp": (_mutated(lambda d: d["events"][2].pop("timestamp")), "events.2.timestamp", "got None"),
    "a huge id": (_mutated(_set(3, "id", 10**99)), "events.3.id", "a whole number, 1 to 1,000,000,000"),
    "an id as text": (_mutated(_set(3, "id", "4")), "events.3.id", "got '4'"),
    "no id": (_mutated(lambda d: d["events"][2].pop("id")), "events.2.id", "got None"),
    "a type as a number": (_mutated(_set(2, "type", 7)), "events.2.type", "an event's type"),
    "no type": (_mutated(lambda d: d["events"][2].pop("type")), "events.2.type", "an event's type"),
    "previousEventId as text": (_mutated(_set(3, "previousEventId", "3")), "events.3.previousEventId", "got '3'"),
    "previousEventId ahead": (_mutated(_set(3, "previousEventId", 99)), "events.3.previousEventId", "below"),
    "parameters as an object": (
        _mutated(lambda d: d["events"][2]["taskScheduledEventDetails"].__setitem__("parameters", {"a": 1})),
        "events.2.taskScheduledEventDetails.parameters",
        "text",
    ),
    "details as text": (
        _mutated(_set(2, "taskScheduledEventDetails", "x")),
        "events.2.taskScheduledEventDetails",
        "an object",
    ),
    "an event that is null": (_mutated(lambda d: d["events"].__setitem__(3, None)), "events.3", "an event"),
    "events as text": ({"events": "x"}, "events", "a list of events"),
    "an empty events list": ({"events": []}, "events", "0 events; allowed: 1 to"),
    "no ExecutionStarted": (_mutated(lambda d: d["events"].pop(0)), "events", "no ExecutionStarted"),
    "reversed": (_mutated(lambda d: d["events"].reverse()), "events.1.id", "without --reverse-order"),
    "out of order": (
        _mutated(lambda d: d["events"].insert(5, d["events"].pop(4))),
        "events.5.id",
        "events out of order: event 5 follows event 6",
    ),
    "a task ending before it starts": (
        _mutated(_set(4, "timestamp", "2026-12-06T21:25:29+00:00")),
        "events.4.timestamp",
        "a negative duration: event 5 (TaskSucceeded)",
    ),
    "a step of 1,600 years": (
        _mutated(lambda d: [e.__setitem__("timestamp", "9999-12-31T00:00:00+00:00") for e in d["events"][4:]]),
        "step_seconds",
        "a profile allows 0 to 86,400",
    ),
    "a page of a longer history": (_mutated(lambda d: d.__setitem__("nextToken", "abc")), "nextToken", "one page"),
    "a runs list": ({"data": [{"durationMs": 1}]}, "history", "a Step Functions execution history"),
    "a list": ([1, 2], "history", "got a list"),
    "not JSON": ("{", "history", "not JSON"),
    "a 200-digit number": ('{"events": [{"id": ' + "9" * 200 + "}]}", "history", "200 digits"),
    "a Temporal history": (
        (Path(__file__).resolve().parent / "calibration" / "histories" / "local.json").read_text(),
        "history",
        "tco profile from-history",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_exit_2_naming_the_file_and_the_field(name, tmp_path, capsys):
    content, field, said = HOSTILE[name]
    bad = tmp_path / "bad-history.json"
    bad.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(CHAIN.read_text())
    assert main(["profile", "from-sfn-history", str(good), str(bad), "--monthly-runs", "10"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}" in err and f" {field}: " in err and said in err, err
    assert "Traceback" not in err and "internal error" not in err and str(good) not in err


def test_the_app_names_a_hostile_upload(presets):
    from pricing.load import read_criteria
    from tests.test_ui_state import _Upload
    from ui.session import Session
    from ui.state import Allowed
    from ui.upload import on_upload

    store: dict[str, Any] = {"field.monthly_runs": 500.0}
    session = Session(store, {}, presets, read_criteria(), Allowed(options=("aws/step-functions-standard",)))
    bad = json.dumps(HOSTILE["month 13"][0])
    store["upload"] = [_Upload("ok.json", CHAIN.read_text()), _Upload("bad.json", bad)]
    on_upload(session)
    assert store["upload_problems"] and store["upload_problems"][0].startswith("bad.json: events.3.timestamp:")


def test_the_console_script_shows_no_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(HOSTILE["month 13"][0]))
    tco = Path(sys.executable).parent / "tco"
    proc = subprocess.run(
        [str(tco), "profile", "from-sfn-history", str(bad), "--monthly-runs", "10"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "events.3.timestamp" in proc.stderr


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)
KEYS = st.sampled_from(
    ["timestamp", "type", "id", "previousEventId", "taskScheduledEventDetails", "stateEnteredEventDetails", "x"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.integers(0, 26), KEYS, JSON_VALUES), min_size=1, max_size=3))
def test_any_change_to_a_history_is_read_or_refused_by_name(changes):
    data = _data(CHAIN)
    for index, key, value in changes:
        data["events"][index][key] = value
    refused: tuple[Any, ...] = ()
    try:
        derive_profile([("fuzzed.json", json.dumps(data))], monthly_runs=10)
    except PricingError as exc:
        refused = exc.problems or ("a refusal that names nothing",)
    assert all(getattr(p, "file", None) == "fuzzed.json" and p.field for p in refused), refused


def test_a_running_execution_is_said_and_bad_monthly_runs_name_the_file():
    data = _data(CHAIN)
    data["events"] = data["events"][:-1]  # no ExecutionSucceeded yet
    derived = derive_profile([("running.json", json.dumps(data))], monthly_runs=10)
    assert any("1 of 1 history end with no ExecutionSucceeded" in n for n in derived.notes)
    with pytest.raises(PricingError, match=r"chain-retry-wait\.json: monthly_runs: .*greater than or equal to 0"):
        _derived(CHAIN, runs=-1)


def test_read_history_names_the_file():
    with pytest.raises(PricingError, match=r"^x\.json:1: history: not JSON"):
        read_history("{", "x.json")


@pytest.mark.parametrize("case", sorted(EXPORTS))
def test_the_shared_hostile_exports_are_refused_by_name(case, tmp_path, capsys):
    """The hostile exports the other importers are put to (`tests/test_hostile.py`), read as Step
    Functions histories."""
    path = tmp_path / "export.json"
    path.write_bytes(EXPORTS[case][0])
    code, _, err = run(["profile", "from-sfn-history", str(path), "--monthly-runs", "10"], capsys)
    refused(code, err, str(path))
