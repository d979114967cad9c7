"""A Temporal history that cannot be read is refused by name (exit 2: the file, the event, the field,
the value and what is allowed), never read as zeros and never a traceback (issue 23, items 1 to 3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli import main

HISTORY = Path(__file__).parent / "calibration" / "histories" / "coding-1.json"


def _events(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["events"]


def _first_with(data: dict[str, Any], key: str) -> dict[str, Any]:
    for event in _events(data):
        for name, value in event.items():
            if name.endswith("EventAttributes") and isinstance(value, dict) and key in value:
                return value
    raise AssertionError(f"no event with {key}")


def _set_attempt(value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        _first_with(data, "attempt")["attempt"] = value

    return edit


def _set_time(index: int, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        _events(data)[index]["eventTime"] = value

    return edit


def _payloads(data: dict[str, Any]) -> None:
    _first_with(data, "input")["input"] = {"payloads": 5}


def _lower(data: dict[str, Any]) -> None:
    for event in _events(data):
        event["eventType"] = event["eventType"].lower()


def _one(data: dict[str, Any]) -> None:
    data["events"] = data["events"][:1]


def _completed_before_started(data: dict[str, Any]) -> None:
    events = _events(data)
    done = next(
        i for i, e in enumerate(events) if e["eventType"].endswith(("ACTIVITY_TASK_COMPLETED", "ActivityTaskCompleted"))
    )
    events[done]["eventTime"] = "2000-01-01T00:00:00Z"


def _space(data: dict[str, Any]) -> None:
    for event in _events(data):
        event["eventTime"] = event["eventTime"].replace("T", " ")


CASES = {
    "attempt abc": (_set_attempt("abc"), "attempt"),
    "attempt {}": (_set_attempt({}), "attempt"),
    "attempt []": (_set_attempt([]), "attempt"),
    "attempt 1e400": (_set_attempt("__1e400__"), "attempt|JSON"),
    "attempt 0": (_set_attempt(0), "attempt"),
    "payloads 5": (_payloads, "input.payloads"),
    "month 13": (_set_time(1, "2026-13-45T00:33:10Z"), "eventTime"),
    "offset +99:99": (_set_time(1, "2026-11-29T00:33:10+99:99"), "eventTime"),
    "year 0000": (_set_time(1, "0000-11-29T00:33:10Z"), "eventTime"),
    "epoch number": (_set_time(1, 1764376390), "eventTime"),
    "a space for the T": (_space, "eventTime"),
    "completed before started": (_completed_before_started, "eventTime"),
    "lower-case types": (_lower, "eventType"),
    "one event": (_one, "events"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_unreadable_history_is_refused_by_name(case, tmp_path, capsys):
    edit, field = CASES[case]
    data = json.loads(HISTORY.read_text(encoding="utf-8"))
    edit(data)
    file = tmp_path / "history.json"
    file.write_text(json.dumps(data).replace('"__1e400__"', "1e400"), encoding="utf-8")
    code = main(["profile", "from-history", str(file), "--monthly-runs", "1000", "-o", str(tmp_path / "out.yaml")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert str(file) in err and any(f in err for f in field.split("|")) and "allow" in err
    assert "Traceback" not in err and "internal error" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_the_real_history_still_reads(tmp_path, capsys):
    code = main(["profile", "from-history", str(HISTORY), "--monthly-runs", "1000", "-o", str(tmp_path / "out.yaml")])
    assert code == 0, capsys.readouterr().err


@pytest.mark.parametrize("case", ["attempt abc", "payloads 5", "month 13", "completed before started"])
def test_the_app_s_upload_says_why_and_keeps_the_form(case):
    """The same histories dropped in the sidebar: the problem is said by name and every field typed
    stays as it was (the page was replaced by a traceback)."""
    from pricing.load import read_criteria
    from pricing.profiles import read_presets
    from tests.test_ui_state import _Upload
    from ui.session import Session
    from ui.state import Allowed
    from ui.upload import on_upload

    edit, field = CASES[case]
    data = json.loads(HISTORY.read_text(encoding="utf-8"))
    edit(data)
    store: dict[str, Any] = {"field.monthly_runs": 1234.0, "field.steps_per_run": 77.0}
    session = Session(store, {}, read_presets(), read_criteria(), Allowed(options=("temporal/cloud",)))
    store["upload"] = [_Upload("history.json", json.dumps(data))]
    on_upload(session)
    assert store["upload_problems"] and any(field.split("|")[0] in p for p in store["upload_problems"])
    assert store["field.monthly_runs"] == 1234.0 and store["field.steps_per_run"] == 77.0


RUNS = Path(__file__).parent / "fixtures" / "trigger-runs-pages.json"


def _runs(edit: Callable[[list[dict[str, Any]]], None]) -> str:
    pages = json.loads(RUNS.read_text(encoding="utf-8"))
    edit([run for page in pages for run in page["data"]])
    return json.dumps(pages).replace('"__tiny__"', "5e-324").replace('"__huge__"', "1.7e308")


def _every(key: str, value: Any) -> Callable[[list[dict[str, Any]]], None]:
    def edit(runs: list[dict[str, Any]]) -> None:
        for run in runs:
            run[key] = value

    return edit


def _first(key: str, value: Any) -> Callable[[list[dict[str, Any]]], None]:
    def edit(runs: list[dict[str, Any]]) -> None:
        runs[0][key] = value

    return edit


RUN_CASES = {
    "durationMs 5e-324": (_every("durationMs", "__tiny__"), "durationMs"),
    "costInCents 1.7e308": (_every("costInCents", "__huge__"), "costInCents"),
    "createdAt in year 0001": (_first("createdAt", "0001-01-01T00:00:00Z"), "createdAt"),
    "isTest as text": (_first("isTest", "false"), "isTest"),
}


@pytest.mark.parametrize("case", list(RUN_CASES))
def test_a_runs_list_of_nonsense_is_refused_by_name(case, tmp_path, capsys):
    edit, field = RUN_CASES[case]
    file = tmp_path / "runs.json"
    file.write_text(_runs(edit), encoding="utf-8")
    code = main(["profile", "from-trigger-runs", str(file), "-o", str(tmp_path / "out.yaml")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert str(file) in err and field in err and "internal error" not in err and "Traceback" not in err


def test_runs_of_no_cost_claim_no_agreement(tmp_path, capsys):
    """All-zero costs: nothing to check the tables against, said so, no "(+0.0 %)"."""

    def free(runs: list[dict[str, Any]]) -> None:
        for run in runs:
            run["costInCents"] = run["baseCostInCents"] = 0

    file = tmp_path / "runs.json"
    file.write_text(_runs(free), encoding="utf-8")
    assert main(["profile", "from-trigger-runs", str(file), "-o", str(tmp_path / "out.yaml")]) == 0
    err = capsys.readouterr().err
    assert "carry no cost of their own" in err and "%" not in err.split("nothing to check")[0]
