"""`tco profile from-dbos`: a profile from DBOS's workflow tables exported as JSON. The fixtures are
the real library's rows (dbos 3.4.0 on SQLite, `tests/fixtures/dbos/write_exports.py`, exported with
`sqlite3 -json`); every derived field is set against a count made by hand from those rows.

What the rows hold (counted by hand; function ids in brackets):

    coding.json (both tables in one object), three runs of the `agent` workflow:
      agent-0: 8 step rows [1-8], DBOS.recv [9], DBOS.sleep [10] (the recv's timeout)   10 rows
      agent-1: 9 step rows [1-9], DBOS.recv [10], DBOS.sleep [11]                         11 rows
      agent-2: 7 step rows [1-7], DBOS.recv [8], DBOS.sleep [9]                            9 rows
      each step's output: base64 of the pickle of 1,000 / 1,100 / 900 characters:
      1,360 / 1,492 / 1,224 bytes
    research-workflow_status.json + research-operation_outputs.json, one run:
      agent-3: 12 step rows [1-12], DBOS.sleep [13, 14], `child` [15] starting
      agent-3-15, DBOS.getResult [16]; agent-3-15: 1 step row [1]                         17 rows
      every step's output 1,360 bytes

Checkpoints a run (a row of workflow_status per workflow + the rows of operation_outputs):
11, 12 and 10 for the coding runs; 2 + 17 = 19 for the research run.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import pytest

from cli import main
from model.units import DAYS_PER_MONTH, SECONDS_PER_DAY
from pricing.load import PricingError, read_pricebook
from pricing.profiles import read_profile
from pricing.vendors import importer_for
from pricing.vendors.dbos_tables import IMPORTER, checkpoints_check, derive_profile, read_tables

FOLDER = Path(__file__).resolve().parent / "fixtures" / "dbos"
CODING = FOLDER / "coding.json"
RESEARCH = [FOLDER / "research-workflow_status.json", FOLDER / "research-operation_outputs.json"]
HOUR_MS = 3_600_000


def _files(*paths: Path) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths]


def _coding() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = json.loads(CODING.read_text(encoding="utf-8"))
    return data


def _rows(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return rows


def _spread_out(data: dict[str, list[dict[str, Any]]], hours: int = 2) -> dict[str, list[dict[str, Any]]]:
    """The coding runs as if created `hours` apart (agent-0 first): the rows DBOS wrote, each run's
    timestamps moved by the same amount."""
    shift = {f"agent-{i}": i * hours * HOUR_MS for i in range(3)}
    moved = json.loads(json.dumps(data))
    for row in moved["workflow_status"]:
        for key in ("created_at", "updated_at", "completed_at"):
            row[key] += shift[row["workflow_uuid"]]
    for row in moved["operation_outputs"]:
        for key in ("started_at_epoch_ms", "completed_at_epoch_ms"):
            row[key] += shift[row["workflow_uuid"]]
    return moved


def _seconds(rows: list[dict[str, Any]], workflow: str, name: str) -> list[float]:
    return [
        (r["completed_at_epoch_ms"] - r["started_at_epoch_ms"]) / 1000
        for r in rows
        if r["workflow_uuid"] == workflow and r["function_name"] == name
    ]


def test_the_coding_runs_give_their_counts_by_hand():
    rows = _coding()["operation_outputs"]
    derived = derive_profile(_files(CODING), monthly_runs=1000)
    profile = derived.profile
    assert [r.steps for r in derived.runs] == [8, 9, 7]
    assert [r.waits for r in derived.runs] == [1, 1, 1] and [r.sleeps for r in derived.runs] == [0, 0, 0]
    assert [r.checkpoints for r in derived.runs] == [11, 12, 10]
    # medians of the three runs
    assert profile.steps_per_run == 8 and profile.human_waits_per_run == 1
    assert profile.sleeps_per_run == 0 and profile.child_runs_per_run == 0
    # a step's time: the mean of its run's step rows (completed - started), the median of the runs
    means = [statistics.fmean(_seconds(rows, f"agent-{i}", "step")) for i in range(3)]
    assert profile.step_seconds == pytest.approx(statistics.median(means), rel=1e-5)
    waits = [_seconds(rows, f"agent-{i}", "DBOS.recv")[0] for i in range(3)]
    assert profile.human_wait_seconds == pytest.approx(statistics.median(waits), rel=1e-5)
    # a step's stored output: 1,360, 1,492 and 1,224 bytes; the median 1,360
    assert {len(r["output"]) for r in rows if r["function_name"] == "step"} == {1360, 1492, 1224}
    assert profile.step_payload_kb == pytest.approx(1360 / 1024, rel=1e-5)
    assert profile.retry_rate == 0 and profile.context_growth_kb == 0  # not recorded by DBOS
    assert profile.monthly_runs == 1000 and derived.sources["monthly_runs"] == "given"


def test_the_research_run_from_two_files_by_hand():
    """12 steps of its own; the child's one step is its child run; two sleeps; no wait."""
    rows = _rows(RESEARCH[1])
    derived = derive_profile(_files(*RESEARCH), monthly_runs=1000)
    (run,) = derived.runs
    assert (run.steps, run.sleeps, run.waits, run.children, run.awaited) == (12, 2, 0, 1, 1)
    assert (run.workflows, run.rows, run.checkpoints) == (2, 17, 19)
    profile = derived.profile
    assert (profile.steps_per_run, profile.sleeps_per_run, profile.child_runs_per_run) == (12, 2, 1)
    # a sleep: its output (the time it wakes, in seconds) less its start
    slept = [float(r["output"]) - r["started_at_epoch_ms"] / 1000 for r in rows if r["function_name"] == "DBOS.sleep"]
    assert len(slept) == 2 and profile.sleep_seconds == pytest.approx(statistics.fmean(slept), rel=1e-4)
    assert 0.01 <= profile.sleep_seconds < 0.05  # the harness sleeps 10 ms
    steps = [r for r in rows if r["function_name"] == "step"]  # 12 of the run, 1 of its child
    assert len(steps) == 13
    seconds = statistics.fmean((r["completed_at_epoch_ms"] - r["started_at_epoch_ms"]) / 1000 for r in steps)
    assert profile.step_seconds == pytest.approx(seconds, rel=1e-5)
    assert profile.step_payload_kb == pytest.approx(1360 / 1024, rel=1e-5)
    assert profile.human_waits_per_run == 0 and profile.human_wait_seconds == 0


def test_several_files_give_the_median_and_the_spread():
    derived = derive_profile(_files(CODING, *RESEARCH), monthly_runs=1000)
    assert len(derived.runs) == 4
    profile = derived.profile
    assert profile.steps_per_run == 8.5  # of 8, 9, 7 and 12
    assert derived.spread["steps_per_run"] == pytest.approx((7.3, 11.1))  # numpy's 10th and 90th percentiles
    assert profile.ranges["steps_per_run"].low == pytest.approx(7.3) and profile.ranges["steps_per_run"].high == 11.1
    assert profile.human_waits_per_run == 1 and profile.sleeps_per_run == 0
    assert profile.ranges["sleeps_per_run"].high == pytest.approx(1.4)  # one run in four sleeps twice
    # a length is the median over the runs that have the thing: a sleep's, the research run's alone
    assert "the one run that has one" in derived.sources["sleep_seconds"]
    assert "median of the 3 runs that have one" in derived.sources["human_wait_seconds"]
    alone = derive_profile(_files(*RESEARCH), monthly_runs=1000).profile
    assert profile.sleep_seconds == alone.sleep_seconds
    assert set(profile.ranges) == {k for k, (lo, hi) in derived.spread.items() if lo < hi}
    assert "median of 4 runs" in derived.sources["steps_per_run"]


def test_one_run_gives_no_range():
    assert derive_profile(_files(*RESEARCH), monthly_runs=10).profile.ranges == {}


def test_runs_a_month_from_the_span_they_were_created_over(tmp_path):
    """Three runs created two hours apart: 2 gaps in 4 hours, 12 runs a day, 365 a month."""
    path = tmp_path / "spread.json"
    path.write_text(json.dumps(_spread_out(_coding())))
    derived = derive_profile(_files(path))
    assert derived.profile.monthly_runs == pytest.approx(2 / (4 * 3600) * DAYS_PER_MONTH * SECONDS_PER_DAY)
    assert derived.profile.monthly_runs == pytest.approx(365, rel=1e-5)
    assert "3 runs created over 0.167 days" in derived.sources["monthly_runs"]
    # the real runs were created within a second: the runs a month must be given
    with pytest.raises(PricingError, match=r"workflow_status\.created_at: the runs were created over 0 s"):
        derive_profile(_files(CODING))
    with pytest.raises(PricingError, match="monthly_runs: give the runs a month"):
        derive_profile(_files(RESEARCH[1]))  # operation_outputs alone: no created_at


def test_the_check_sets_the_engine_s_checkpoints_against_the_rows():
    book = read_pricebook()
    for files, rows in (([CODING], 11), (RESEARCH, 19), ([CODING, *RESEARCH], 11.5)):
        derived = derive_profile(_files(*files), monthly_runs=1000)
        said = checkpoints_check(derived, book)
        assert said is not None
        assert f"the engine counts {rows:g} for the derived profile (dbos/conductor); the tables hold {rows:g}" in said
        assert "(+0.0 %)" in said


def test_the_tables_in_one_file_or_two_read_alike(tmp_path):
    """The coding runs' two tables as one object, or each table's rows in a file of its own."""
    data = _coding()
    status, outputs = tmp_path / "status.json", tmp_path / "outputs.json"
    status.write_text(json.dumps(data["workflow_status"]))
    outputs.write_text(json.dumps(data["operation_outputs"]))
    one = derive_profile(_files(CODING), monthly_runs=50).profile
    assert derive_profile(_files(outputs, status), monthly_runs=50).profile == one
    # a row given twice (two overlapping exports) is read once
    assert derive_profile(_files(CODING, outputs, status), monthly_runs=50).profile == one
    assert read_tables(_files(CODING, outputs)).repeated == len(data["operation_outputs"])


def test_each_file_is_recognized_as_dbos():
    assert importer_for(_coding()) is IMPORTER
    for path in RESEARCH:
        assert importer_for(_rows(path)) is IMPORTER
    trigger = Path(__file__).resolve().parent / "fixtures" / "trigger-runs-pages.json"
    assert importer_for(json.loads(trigger.read_text())).command == "from-trigger-runs"
    assert importer_for([]) is None and importer_for([{"workflow_uuid": "x"}]) is None


def test_cli_writes_a_profile_that_reads_back(tmp_path, capsys):
    out = tmp_path / "ours.yaml"
    spread = tmp_path / "coding-spread.json"
    spread.write_text(json.dumps(_spread_out(_coding())))
    assert main(["profile", "from-dbos", str(spread), *map(str, RESEARCH), "--name", "Ours", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Checkpoints a run: the engine counts" in err and f"wrote {out}" in err
    text = out.read_text()
    assert "# DBOS.recv rows (median of 4 runs)" in text
    profile = read_profile(out)
    assert profile == derive_profile(_files(spread, *RESEARCH), name="Ours").profile
    assert profile.name == "Ours" and profile.steps_per_run == 8.5
    assert main(["compare", "--profile", str(out)]) == 0


def _refused(capsys: pytest.CaptureFixture[str], code: int, *expect: str) -> None:
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    for text in expect:
        assert text in err, (text, err)


def _one_row(**changes: Any) -> dict[str, Any]:
    """The coding export with its first operation_outputs row (agent-0's first step) changed."""
    data = _coding()
    row = data["operation_outputs"][0]
    for key, value in changes.items():
        if value is KeyError:
            del row[key]
        else:
            row[key] = value
    return data


HOSTILE: dict[str, tuple[Any, tuple[str, ...]]] = {
    "a function id as text": (_one_row(function_id="one"), ("operation_outputs.0.function_id", "'one'")),
    "a huge function id": (_one_row(function_id=10**30), ("operation_outputs.0.function_id", "1,000,000,000")),
    "a missing column": (_one_row(function_name=KeyError), ("operation_outputs.0.function_name", "missing")),
    "an output that is not text": (_one_row(output={"a": 1}), ("operation_outputs.0.output", "text or null")),
    "a start as a date": (
        _one_row(started_at_epoch_ms="2026-01-01T00:00:00Z"),
        ("operation_outputs.0.started_at_epoch_ms", "epoch milliseconds"),
    ),
    "a negative start": (_one_row(started_at_epoch_ms=-5), ("operation_outputs.0.started_at_epoch_ms",)),
    "an end before the start": (
        _one_row(started_at_epoch_ms=1796592318024, completed_at_epoch_ms=1796592318017),
        ("operation_outputs.0.completed_at_epoch_ms", "before started_at_epoch_ms"),
    ),
    "a start in the year 10000": (
        _one_row(started_at_epoch_ms=253_402_300_800_000),
        ("operation_outputs.0.started_at_epoch_ms", "2000 to 2100"),
    ),
    "a row that is a list": (
        {"operation_outputs": [[1, 2]], "workflow_status": []},
        ("operation_outputs.0", "a row"),
    ),
    "a table that is not a list": ({"operation_outputs": 5}, ("operation_outputs", "a list of rows")),
    "an empty list": ([], ("rows", "an empty list")),
    "empty tables": ({"workflow_status": [], "operation_outputs": []}, ("operation_outputs", "no operation_outputs")),
    "a Temporal history": ({"events": [{"eventType": "WorkflowExecutionStarted"}]}, ("rows", "DBOS's workflow tables")),
    "a runs list": (
        [{"durationMs": 5, "costInCents": 1, "baseCostInCents": 0, "createdAt": "2026-01-01T00:00:00Z"}],
        ("rows", "DBOS's workflow tables"),
    ),
    "rows of workflow_status alone": (
        {"workflow_status": [{"workflow_uuid": "a", "status": "SUCCESS", "created_at": 1796592318000}]},
        ("operation_outputs", "no operation_outputs rows"),
    ),
    "a created_at as text": (
        {
            "workflow_status": [{"workflow_uuid": "a", "status": "SUCCESS", "created_at": "yesterday"}],
            "operation_outputs": [{"workflow_uuid": "a", "function_id": 1, "function_name": "step"}],
        },
        ("workflow_status.0.created_at", "'yesterday'"),
    ),
    "workflows that started each other": (
        {
            "workflow_status": [
                {"workflow_uuid": "a", "status": "SUCCESS", "created_at": 1796592318000, "parent_workflow_id": "b"},
                {"workflow_uuid": "b", "status": "SUCCESS", "created_at": 1796592318000, "parent_workflow_id": "a"},
            ],
            "operation_outputs": [
                {"workflow_uuid": "a", "function_id": 1, "function_name": "b", "child_workflow_id": "b"}
            ],
        },
        ("workflow_status", "no run: every workflow in the rows was started by another"),
    ),
    "only unfinished runs": (
        {
            "workflow_status": [{"workflow_uuid": "a", "status": "PENDING", "created_at": 1796592318000}],
            "operation_outputs": [{"workflow_uuid": "a", "function_id": 1, "function_name": "step"}],
        },
        ("workflow_status", "no finished run"),
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_export_is_refused_naming_the_file_and_field(case, tmp_path, capsys):
    data, expect = HOSTILE[case]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data))
    _refused(capsys, main(["profile", "from-dbos", str(path), "--monthly-runs", "10"]), str(path), *expect)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("", "not JSON"),
        ('{"operation_outputs": [{"workflow_uuid": "a", "function_id": 1e400, "function_name": "s"}]}', "function_id"),
        ('[{"workflow_uuid": "a", "function_id": ' + "9" * 5000 + ', "function_name": "s"}]', "digits"),
    ],
    ids=["empty file", "an infinite number", "a 5,000-digit number"],
)
def test_unreadable_numbers_and_text_are_refused(text, expect, tmp_path, capsys):
    path = tmp_path / "rows.json"
    path.write_text(text)
    _refused(capsys, main(["profile", "from-dbos", str(path), "--monthly-runs", "10"]), str(path), expect)


def test_problems_stop_after_twenty(tmp_path, capsys):
    rows = [{"workflow_uuid": "a", "function_id": -1, "function_name": "s"} for _ in range(1000)]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(PricingError) as caught:
        read_tables(_files(path))
    assert len(caught.value.problems) == 21 and "stopped after 20" in str(caught.value.problems[-1])


def test_the_app_reads_both_tables_dropped_at_once(presets):
    """Two files dropped together (each table's rows, created over four hours) fill the form with
    the derived fields, and say where each came from."""
    from pricing.load import read_criteria
    from tests.test_ui_state import _Upload
    from ui.session import Session
    from ui.state import Allowed
    from ui.upload import on_upload

    data = _spread_out(_coding())
    store: dict[str, Any] = {}
    session = Session(store, {}, presets, read_criteria(), Allowed(options=("dbos/conductor",)))
    store["upload"] = [
        _Upload("workflow_status.json", json.dumps(data["workflow_status"])),
        _Upload("operation_outputs.json", json.dumps(data["operation_outputs"])),
    ]
    on_upload(session)
    assert store["upload_problems"] == []
    assert store["field.steps_per_run"] == 8 and store["field.human_waits_per_run"] == 1
    assert store["field.monthly_runs"] == pytest.approx(365, rel=1e-5)
    assert store["field.step_payload_kb"] == pytest.approx(1360 / 1024, rel=1e-5)
    title, said = store["upload_derived"]
    assert title == "2 files"
    assert any("DBOS.recv rows" in line for line in said)
    assert any(line.startswith("Checkpoints a run: the engine counts 11 ") for line in said)
