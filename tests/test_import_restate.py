"""`tco profile from-restate`: a profile from Restate's invocation journals exported as JSON. The
fixtures are the real server's rows (1.7.12 with the Python SDK, `tests/fixtures/restate/write_exports.py`,
exported with `restate sql --json` and the admin API's `POST /query`); every derived field is set
against a count made by hand from those rows.

What the rows hold (counted by hand):

    coding-journal.json (+ coding-invocations.json, coding-events.json), three runs of agent/run:
      Input, 8 x (Command: Run "step", Notification: Run), Command: Run "request review" and its
      Notification: Run (the awakeable's id handed out), Notification: Signal (index 17), Output:
      11 commands; likewise 9 steps (12 commands) and 7 steps (10 commands). A step's result:
      1,000 / 1,100 / 900 characters, a JSON string 2 bytes more, raw_length 8 bytes more again:
      1,010 / 1,110 / 910. coding-events.json: one TransientError, the 9-step run's step at
      command index 3 (its third step failed once).
    research-journal.json (+ research-invocations.json), one run and two more invocations:
      agent/run: Input, 12 steps whose results grow by 200 characters (raw_length 1,010, 1,210,
      ... 3,210), 2 x Command: Sleep, Command: GetPromise, Command: Call (child/step), Output:
      18 commands; child/step: Input, 1 step, Output: 3 commands; agent/approve (resolves the
      promise): Input, CompletePromise, Output: 3 commands, not the run's.
    small-query.json ({"rows": [...]}, select * from sys_journal, no sys_invocation): Input, 2
      steps (raw_length 18: 10 characters), a Sleep, a Call, Output: 6 commands; the child's 3.

Actions a run as the engine counts them (restate/cloud, the calibration suite's measure): the run's
commands and its calls': 11, 12, 10; 18 + 3 = 21; 6 + 3 = 9.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from pathlib import Path
from typing import Any

import pytest

from cli import main
from model.units import BYTES_PER_KB, DAYS_PER_MONTH, SECONDS_PER_DAY
from pricing.load import PricingError, read_pricebook
from pricing.profiles import read_profile
from pricing.vendors import importer_for
from pricing.vendors.restate_journal import IMPORTER, actions_check, derive_profile, read_journals

FOLDER = Path(__file__).resolve().parent / "fixtures" / "restate"
CODING = [FOLDER / f"coding-{t}.json" for t in ("journal", "invocations", "events")]
RESEARCH = [FOLDER / "research-journal.json", FOLDER / "research-invocations.json"]
SMALL = FOLDER / "small-query.json"


def _files(*paths: Path) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths]


def _rows(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = data["rows"] if isinstance(data, dict) else data
    return rows


def _ms(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000 + 0.5)


def _by_invocation(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: (r["id"], r["index"])):
        out.setdefault(row["id"], []).append(row)
    return out


def _by_steps() -> dict[int, list[dict[str, Any]]]:
    """The coding runs' journals by their steps (the Run commands named "step")."""
    return {
        sum(e["entry_type"] == "Command: Run" and e["name"] == "step" for e in entries): entries
        for entries in _by_invocation(_rows(CODING[0])).values()
    }


def test_the_coding_runs_give_their_counts_by_hand():
    derived = derive_profile(_files(*CODING), monthly_runs=1000)
    runs = sorted(derived.runs, key=lambda r: r.steps)
    assert [r.steps for r in runs] == [7, 8, 9]
    assert [r.commands for r in runs] == [10, 11, 12]
    assert [(r.waits, r.sleeps, r.children) for r in runs] == [(1, 0, 0)] * 3
    assert [r.retries for r in runs] == [0, 0, 1]  # the 9-step run's third step failed once
    profile = derived.profile
    assert (profile.steps_per_run, profile.human_waits_per_run, profile.sleeps_per_run) == (8, 1, 0)
    assert profile.child_runs_per_run == 0
    assert profile.retry_rate == 0 and derived.spread["retry_rate"][1] == pytest.approx(
        0.8 / 9
    )  # the 90th percentile of 0, 0, 1/9
    # a step's result: raw_length 1,010 / 1,110 / 910 bytes, the same at every step: no growth
    assert profile.step_payload_kb == pytest.approx(1010 / BYTES_PER_KB, rel=1e-5)
    assert profile.context_growth_kb == 0
    by_steps = _by_steps()
    means, waits = [], []
    for steps in (7, 8, 9):
        entries = by_steps[steps]
        runs_ = [i for i, e in enumerate(entries) if e["entry_type"] == "Command: Run" and e["name"] == "step"]
        assert {entries[i + 1]["raw_length"] for i in runs_} == {steps * 100 + 210}  # 910, 1,010, 1,110
        means.append(
            statistics.fmean(_ms(entries[i + 1]["appended_at"]) - _ms(entries[i]["appended_at"]) for i in runs_)
        )
        signal = next(i for i, e in enumerate(entries) if e["entry_type"] == "Notification: Signal")
        waits.append(_ms(entries[signal]["appended_at"]) - _ms(entries[signal - 1]["appended_at"]))
    assert profile.step_seconds == pytest.approx(statistics.median(means) / 1000, rel=1e-5, abs=1e-9)
    assert profile.human_wait_seconds == pytest.approx(statistics.median(waits) / 1000, rel=1e-5)
    assert profile.monthly_runs == 1000 and derived.sources["monthly_runs"].startswith("given")


def test_the_research_run_by_hand():
    """12 steps of its own (the child's one step is its child run), 2 sleeps, a promise, a call; the
    invocation that resolves the promise is not a run."""
    derived = derive_profile(_files(*RESEARCH), monthly_runs=1000)
    (run,) = derived.runs
    assert (run.steps, run.sleeps, run.waits, run.children) == (12, 2, 1, 1)
    assert (run.invocations, run.commands) == (2, 21) and derived.resolving_commands == 3
    profile = derived.profile
    # results 1,010 + 200 i bytes (i = 0 to 11): the line through them starts at 1,010 and climbs 200 a step
    assert profile.step_payload_kb == pytest.approx(1010 / BYTES_PER_KB, rel=1e-5)
    assert profile.context_growth_kb == pytest.approx(200 / BYTES_PER_KB, rel=1e-5)
    entries = _by_invocation(_rows(RESEARCH[0]))[run.invocation]
    sleeps = [
        _ms(entries[i + 1]["appended_at"]) - _ms(e["appended_at"])
        for i, e in enumerate(entries)
        if e["entry_type"] == "Command: Sleep"
    ]
    assert len(sleeps) == 2 and profile.sleep_seconds == pytest.approx(statistics.fmean(sleeps) / 1000, rel=1e-5)
    assert 0.005 <= profile.sleep_seconds <= 0.05  # the harness sleeps 10 ms
    promise = next(i for i, e in enumerate(entries) if e["entry_type"] == "Command: GetPromise")
    assert entries[promise + 1]["entry_type"] == "Notification: GetPromise"
    waited = _ms(entries[promise + 1]["appended_at"]) - _ms(entries[promise]["appended_at"])
    assert profile.human_wait_seconds == pytest.approx(waited / 1000, rel=1e-5)
    assert any("1 invocation only resolving a promise" in n for n in derived.notes)


def test_a_query_answer_with_every_column_and_no_sys_invocation():
    """The admin API's answer, `select *`: the call is linked to its invocation by the Call's JSON."""
    derived = derive_profile(_files(SMALL), monthly_runs=10)
    (run,) = derived.runs
    assert (run.steps, run.sleeps, run.children, run.commands) == (2, 1, 1, 9)
    assert derived.profile.step_payload_kb == pytest.approx(18 / BYTES_PER_KB, rel=1e-5)
    # without the entries' JSON a call names no invocation: its invocation is taken as a run of its own
    rows = [{k: v for k, v in r.items() if k not in ("entry_json", "entry_lite_json")} for r in _rows(SMALL)]
    bare = derive_profile([("bare.json", json.dumps(rows))], monthly_runs=10)
    assert len(bare.runs) == 2 and any("1 call naming no invocation" in n for n in bare.notes)


def test_several_files_give_the_median_and_the_spread():
    derived = derive_profile(_files(*CODING, *RESEARCH), monthly_runs=1000)
    assert len(derived.runs) == 4
    profile = derived.profile
    assert profile.steps_per_run == 8.5  # of 7, 8, 9 and 12
    assert derived.spread["steps_per_run"] == pytest.approx((7.3, 11.1))
    assert profile.ranges["steps_per_run"].low == pytest.approx(7.3)
    assert profile.human_waits_per_run == 1 and profile.sleeps_per_run == 0
    assert "the one run that has one" in derived.sources["sleep_seconds"]
    # an events file given is taken as all the events: the research run, with none, had no failure
    assert "median of 4 runs" in derived.sources["retry_rate"]
    assert next(r for r in derived.runs if r.steps == 12).retries == 0
    assert derive_profile(_files(*RESEARCH), monthly_runs=1000).runs[0].retries is None  # no events: unknown
    assert set(profile.ranges) == {k for k, (lo, hi) in derived.spread.items() if lo < hi}


def test_one_run_gives_no_range():
    assert derive_profile(_files(*RESEARCH), monthly_runs=10).profile.ranges == {}


def _spread_out(hours: int = 2) -> str:
    """coding-invocations.json with its runs created `hours` apart, in the order they were created."""
    rows = sorted(_rows(CODING[1]), key=lambda r: r["created_at"])
    for i, row in enumerate(rows):
        moved = dt.datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")) + dt.timedelta(hours=i * hours)
        row["created_at"] = moved.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps(rows)


def test_runs_a_month_from_sys_invocation_when_not_given():
    """Three runs created two hours apart: 2 gaps in 4 hours, 365 a month. The CLI and the app give
    the runs a month (the journal alone does not show them); the created_at spread is then a note."""
    files = [_files(CODING[0])[0], ("invocations.json", _spread_out())]
    derived = derive_profile(files)
    created = sorted(_ms(r["created_at"]) for r in json.loads(files[1][1]))
    span = (created[-1] - created[0]) / 1000  # 4 hours and the real runs' 97 ms
    assert derived.profile.monthly_runs == pytest.approx(2 / span * DAYS_PER_MONTH * SECONDS_PER_DAY, rel=1e-5)
    assert derived.profile.monthly_runs == pytest.approx(365, rel=1e-4)
    assert "3 runs created over 0.167 days (sys_invocation.created_at)" in derived.sources["monthly_runs"]
    given = derive_profile(files, monthly_runs=1000)
    assert any("created_at shows 3 runs over 0.167 days, 365 a month" in n for n in given.notes)
    with pytest.raises(PricingError, match=r"sys_invocation\.created_at: the runs were created over 0 s"):
        derive_profile(_files(*CODING))  # the real runs: within a second
    with pytest.raises(PricingError, match=r"monthly_runs: give the runs a month \(--monthly-runs\)"):
        derive_profile(_files(CODING[0]))
    assert IMPORTER.needs_monthly_runs


def test_the_check_sets_the_engine_s_actions_against_the_commands():
    book = read_pricebook()
    for files, commands in ((CODING, 11), (RESEARCH, 21), ([SMALL], 9), ([*CODING, *RESEARCH], 11.5)):
        said = actions_check(derive_profile(_files(*files), monthly_runs=1000), book)
        assert said is not None
        assert (
            f"the engine counts {commands:g} for the derived profile (restate/cloud); the journal holds {commands:g}"
            in said
        )
        assert "(+0.0 %)" in said
    said = actions_check(derive_profile(_files(*RESEARCH), monthly_runs=1000), book)
    assert said is not None and "The 3 commands of the invocations that resolved promises are not counted" in said


def test_tables_in_one_object_read_like_their_files():
    together = {
        "sys_journal": _rows(CODING[0]),
        "sys_invocation": _rows(CODING[1]),
        "sys_journal_events": _rows(CODING[2]),
    }
    one = derive_profile([("all.json", json.dumps(together))], monthly_runs=50).profile
    assert one == derive_profile(_files(*CODING), monthly_runs=50).profile
    # a row given twice (overlapping exports) is read once
    assert derive_profile(_files(*CODING, CODING[0]), monthly_runs=50).profile == one
    assert read_journals(_files(CODING[0], CODING[0])).repeated == len(_rows(CODING[0]))


def test_each_file_is_recognized_as_restate():
    for path in (*CODING, *RESEARCH, SMALL):
        assert importer_for(json.loads(path.read_text())) is IMPORTER, path.name
    dbos = json.loads((FOLDER.parent / "dbos" / "coding.json").read_text())
    assert importer_for(dbos).command == "from-dbos"
    assert importer_for({"rows": []}) is None and importer_for([{"id": "x"}]) is None


def test_cli_writes_a_profile_that_reads_back(tmp_path, capsys):
    out = tmp_path / "ours.yaml"
    files = [str(p) for p in (*CODING, *RESEARCH)]
    code = main(["profile", "from-restate", *files, "--monthly-runs", "3000", "--name", "Ours", "-o", str(out)])
    assert code == 0
    err = capsys.readouterr().err
    assert "Actions a run: the engine counts 11.5" in err and f"wrote {out}" in err
    assert "# Command: Sleep entries (median of 4 runs)" in out.read_text()
    profile = read_profile(out)
    assert profile == derive_profile(_files(*CODING, *RESEARCH), monthly_runs=3000, name="Ours").profile
    assert profile.monthly_runs == 3000 and profile.steps_per_run == 8.5
    assert main(["compare", "--profile", str(out)]) == 0


def _refused(capsys: pytest.CaptureFixture[str], code: int, *expect: str) -> None:
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    for text in expect:
        assert text in err, (text, err)


def _journal(row: int = 0, **changes: Any) -> list[dict[str, Any]]:
    """coding-journal.json with one row changed (a column set, or removed with KeyError)."""
    rows = _rows(CODING[0])
    for key, value in changes.items():
        if value is KeyError:
            del rows[row][key]
        else:
            rows[row][key] = value
    return rows


def _invocations(**changes: Any) -> dict[str, Any]:
    rows = _rows(CODING[1])
    rows[0].update(changes)
    return {"sys_journal": _rows(CODING[0]), "sys_invocation": rows}


RESOLVER = [
    {"id": "inv_a", "index": 0, "entry_type": "Command: Input"},
    {"id": "inv_a", "index": 1, "entry_type": "Command: CompletePromise"},
    {"id": "inv_a", "index": 2, "entry_type": "Command: Output"},
]
LOOP = [
    {"id": "inv_a", "index": 0, "entry_type": "Command: Call", "invoked_id": "inv_b"},
    {"id": "inv_b", "index": 0, "entry_type": "Command: Call", "invoked_id": "inv_a"},
]

HOSTILE: dict[str, tuple[Any, tuple[str, ...]]] = {
    "an index as text": (_journal(index="one"), ("sys_journal.0.index", "'one'")),
    "a huge index": (_journal(index=10**30), ("sys_journal.0.index", "1,000,000,000")),
    "a missing column": (_journal(3, entry_type=KeyError), ("sys_journal.3.entry_type", "missing")),
    "an entry type of no kind": (_journal(entry_type="Banana"), ("sys_journal.0.entry_type", "'Command: <type>'")),
    "a time that is no time": (_journal(appended_at="yesterday"), ("sys_journal.0.appended_at", "'yesterday'")),
    "a time in the year 9999": (
        _journal(appended_at="9999-01-01T00:00:00Z"),
        ("sys_journal.0.appended_at", "from 2000 to 2100"),
    ),
    "a time as epoch milliseconds": (_journal(appended_at=1796592318000), ("sys_journal.0.appended_at", "ISO 8601")),
    "a negative length": (_journal(raw_length=-1), ("sys_journal.0.raw_length",)),
    "an entry's JSON that is not JSON": (
        _journal(entry_lite_json="{not json"),
        ("sys_journal.0.entry_lite_json", "not JSON"),
    ),
    "an entry's JSON as a number": (_journal(entry_lite_json=5), ("sys_journal.0.entry_lite_json", "JSON text")),
    "a row that is a list": ({"sys_journal": [[1, 2]]}, ("sys_journal.0", "a row")),
    "a table that is not a list": ({"sys_journal": "rows"}, ("sys_journal", "a list of rows")),
    "a created_at that is no time": (_invocations(created_at="soon"), ("sys_invocation.0.created_at", "'soon'")),
    "a retry count as text": (_invocations(retry_count="many"), ("sys_invocation.0.retry_count",)),
    "an event whose JSON is not JSON": (
        {
            "sys_journal": _rows(CODING[0]),
            "sys_journal_events": [{"id": "x", "event_type": "TransientError", "event_json": "{"}],
        },
        ("sys_journal_events.0.event_json", "not JSON"),
    ),
    "an empty list": ([], ("rows", "an empty list")),
    "an empty query answer": ({"rows": []}, ("rows", "an empty list")),
    "an empty journal": ({"sys_journal": []}, ("sys_journal", "no sys_journal rows")),
    "sys_invocation alone": (_rows(CODING[1]), ("sys_journal", "no sys_journal rows")),
    "a DBOS export": (
        json.loads((FOLDER.parent / "dbos" / "coding.json").read_text()),
        ("rows", "Restate's system tables as JSON"),
    ),
    "a Temporal history": (
        {"events": [{"eventType": "WorkflowExecutionStarted"}]},
        ("rows", "Restate's system tables"),
    ),
    "an invocation that only resolves a wait": (RESOLVER, ("sys_journal", "no run")),
    "invocations that call each other": (LOOP, ("sys_journal", "no run")),
    "only runs not completed": (
        _invocations(status="running") | {"sys_invocation": [{**r, "status": "suspended"} for r in _rows(CODING[1])]},
        ("sys_journal", "no finished run"),
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_export_is_refused_naming_the_file_and_field(case, tmp_path, capsys):
    data, expect = HOSTILE[case]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data))
    _refused(capsys, main(["profile", "from-restate", str(path), "--monthly-runs", "10"]), str(path), *expect)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("", "not JSON"),
        ('[{"id": "a", "index": 1e400, "entry_type": "Command: Run"}]', "sys_journal.0.index"),
        ('[{"id": "a", "index": ' + "9" * 5000 + ', "entry_type": "Command: Run"}]', "digits"),
    ],
    ids=["empty file", "an infinite number", "a 5,000-digit number"],
)
def test_unreadable_numbers_and_text_are_refused(text, expect, tmp_path, capsys):
    path = tmp_path / "rows.json"
    path.write_text(text)
    _refused(capsys, main(["profile", "from-restate", str(path), "--monthly-runs", "10"]), str(path), expect)


def test_problems_stop_after_twenty(tmp_path):
    rows = [{"id": "a", "index": -1, "entry_type": "Command: Run"} for _ in range(1000)]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(PricingError) as caught:
        read_journals(_files(path))
    assert len(caught.value.problems) == 21 and "stopped after 20" in str(caught.value.problems[-1])


def test_the_app_reads_the_journal_and_the_invocations_dropped_at_once(presets):
    """Two files dropped together fill the form with the derived fields; the runs a month stay as
    entered (the importer needs them given), and the check is said."""
    from pricing.load import read_criteria
    from tests.test_ui_state import _Upload
    from ui.session import Session
    from ui.state import Allowed
    from ui.upload import on_upload

    store: dict[str, Any] = {}
    session = Session(store, {}, presets, read_criteria(), Allowed(options=("restate/cloud",)))
    store["field.monthly_runs"] = 5000.0
    store["upload"] = [_Upload(p.name, p.read_text()) for p in CODING[:2]]
    on_upload(session)
    assert store["upload_problems"] == []
    assert store["field.steps_per_run"] == 8 and store["field.human_waits_per_run"] == 1
    assert store["field.monthly_runs"] == 5000
    assert store["field.step_payload_kb"] == pytest.approx(1010 / BYTES_PER_KB, rel=1e-5)
    title, said = store["upload_derived"]
    assert title == "2 files"
    assert said[0].startswith("Monthly runs kept at 5,000 as entered")
    assert any(line.startswith("Actions a run: the engine counts 11 ") for line in said)
