"""Adding an orchestrator is a data change.

A fixture orchestrator (billed per step, with a plan fee, an allowance and a concurrency cap) is
one YAML file plus its lines in the checklist criteria, added to a copy of the data directory: it
shows up in `tco compare`, in the report and in the app, with no code change. And a table that
lacks what its meters need fails validation with the file, the line and the field, instead of
failing later in `compare`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cli import main
from model.engine import estimate
from model.result import summarize
from pricing.load import DATA_DIR, DATA_ENV, read_pricebook
from pricing.profiles import read_presets
from report.words import money

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "vendor" / "acme-cloud.yaml"
CRITERIA_LINES = (
    "  acme:\n    name: Acme\n    options: [acme/cloud]\n    sdks: [typescript]\n"
    '    sdks_reason: "Acme is TypeScript only."\n    sdks_source: article\n'
)
PROFILE = """\
version: 2
name: Steps
monthly_runs: 10000
steps_per_run: 20
step_seconds: 5
step_payload_kb: 8
peak_window_hours: 8
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    folder = data / "pricing" / "acme" / "cloud"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE, folder / "2026-01-01.yaml")
    criteria = data / "criteria.yaml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8").replace("vendors:\n", "vendors:\n" + CRITERIA_LINES, 1), encoding="utf-8"
    )
    return data


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_new_table_validates(data, capsys):
    code, out, err = run(capsys, "--data", data, "pricing", "validate")
    assert code == 0, err
    assert "0 problem(s)" in out


def test_compare_prices_it_by_its_meters_plans_and_cap(data, tmp_path, capsys):
    profile = tmp_path / "steps.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    code, out, err = run(capsys, "--data", data, "compare", "--profile", profile, "--format", "json")
    assert code == 0, err
    acme = next(o for o in json.loads(out)["options"] if o["id"] == "acme/cloud")
    # 10,000 runs x (1 start + 20 steps) = 210,000 steps; Starter includes 100,000: 110,000 x $5/M + $20.
    assert acme["plan"] == "Starter"
    assert acme["monthly_usd"] == pytest.approx(20 + 110_000 * 5e-6)
    steps = next(c for c in acme["components"] if c["key"] == "steps")
    assert steps["quantity"] == 110_000 and steps["quoted_unit"] == "USD/1M steps"
    assert [(x["id"], x["value"], x["limit"]) for x in acme["limits"]] == [("steps_per_run", 21, 500)]

    # A peak above Starter's cap of 10 runs, and no extra concurrency to buy: Scale it is.
    profile.write_text(PROFILE + "peak_concurrent_runs: 50\n", encoding="utf-8")
    code, out, err = run(capsys, "--data", data, "compare", "--profile", profile, "--format", "json")
    acme = next(o for o in json.loads(out)["options"] if o["id"] == "acme/cloud")
    assert acme["plan"] == "Scale" and acme["monthly_usd"] == pytest.approx(200)
    starter = next(p for p in acme["plans"] if p["id"] == "starter")
    assert starter["monthly_usd"] is None and "fewer than the peak of 50" in starter["reason"]["text"]


def test_the_report_shows_it(data, tmp_path, capsys):
    profile = tmp_path / "steps.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    code, out, err = run(capsys, "--data", data, "report", "--profile", profile, "--format", "md", "-o", "-")
    assert code == 0, err
    assert "## Acme Cloud: $20.55 a month" in out
    assert "| Acme Cloud | Steps per run | 21 steps | 500 steps |" in out
    assert "Acme Cloud: A fixture" in out  # how it bills, from its table


def test_the_app_shows_it(data, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(data))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    preset = read_presets(data)["coding-agent"]
    want = next(o for o in summarize(estimate(preset, read_pricebook(data))).options if o.id == "acme/cloud")
    shown = {m.label.removesuffix(" ⚠"): m.value for m in at.metric}  # ⚠: prices overdue for a re-check
    assert shown["Acme Cloud"] == money(want.monthly_usd)
    at.segmented_control(key="view").set_value("limits").run()
    assert not at.exception
    assert any("Acme Cloud" in str(frame.value) for frame in at.dataframe)


def _a_coefficient_in_force() -> tuple[Path, str, str, str]:
    """(newest table file, quantity, count, counting key) of a per-run coefficient in force today."""
    book = read_pricebook()
    for table in book.options():
        for name, spec in table.quantities.items():
            for count, coefficient in (spec.per_run or {}).items():
                if isinstance(coefficient, str):
                    return DATA_DIR / book.files[table.id], name, count, coefficient
    raise AssertionError("no table in force has a per-run coefficient from its counting")


def test_a_table_missing_a_count_fails_validation_not_compare(tmp_path, capsys):
    """Delete a counting number a meter's quantity needs: validation names the file, the line
    and the field; `compare` refuses the data as bad input (exit 2), never an internal error."""
    original, quantity, count, key = _a_coefficient_in_force()
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    copy = data / original.relative_to(DATA_DIR)
    lines = copy.read_text(encoding="utf-8").splitlines(keepends=True)
    copy.write_text("".join(ln for ln in lines if not ln.startswith(f"  {key}:")), encoding="utf-8")
    code, _, err = run(capsys, "--data", data, "pricing", "validate")
    assert code == 1
    field = f"quantities.{quantity}.per_run.{count}:"
    found = [ln for ln in err.splitlines() if field in ln and f"{key!r} is not in `counting`" in ln]
    assert found and found[0].startswith(f"data/{copy.relative_to(data).as_posix()}:"), err
    number = int(found[0].split(":")[1])
    assert copy.read_text(encoding="utf-8").splitlines()[number - 1].strip().startswith(f"{count}:")
    profile = ROOT / "data" / "profiles" / "coding-agent.yaml"
    code, _, err = run(capsys, "--data", data, "compare", "--profile", profile)
    assert code == 2 and key in err and "internal error" not in err


def test_a_plan_rate_cap_rules_the_plan_out_past_it(data, tmp_path, capsys):
    """Give Starter a cap of 0.1 steps a second: 10,000 runs of 21 steps, 100 s each, start 1.14
    at once in the busy window, 0.011 runs a second, 0.24 steps a second: past it."""
    table = data / "pricing" / "acme" / "cloud" / "2026-01-01.yaml"
    text = table.read_text(encoding="utf-8").replace(
        "    concurrency: {value: 10, unit: concurrent runs, source: acme-pricing}\n",
        "    concurrency: {value: 10, unit: concurrent runs, source: acme-pricing}\n"
        "    rate_caps: {steps: {value: 0.1, unit: per s, source: acme-pricing}}\n",
        1,
    )
    table.write_text(text, encoding="utf-8")
    profile = tmp_path / "steps.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    code, out, err = run(capsys, "--data", data, "compare", "--profile", profile, "--format", "json")
    assert code == 0, err
    acme = next(o for o in json.loads(out)["options"] if o["id"] == "acme/cloud")
    starter = next(p for p in acme["plans"] if p["id"] == "starter")
    assert acme["plan"] == "Scale" and starter["monthly_usd"] is None
    assert "at most 0.1 steps per second" in starter["reason"]["text"]


def test_a_new_sdk_language_is_data_alone(data, capsys):
    """A language no vendor had (an answer added to the languages question) with a vendor that lists it:
    answering it leaves that vendor alone in the comparison, every other set aside for lacking an SDK,
    and no code changes."""
    criteria = data / "criteria.yaml"
    text = criteria.read_text(encoding="utf-8")
    text = text.replace(
        "      - {id: dotnet, label: .NET}\n",
        "      - {id: dotnet, label: .NET}\n      - {id: elixir, label: Elixir}\n",
        1,
    )
    text = text.replace(
        '    sdks: [typescript]\n    sdks_reason: "Acme', '    sdks: [typescript, elixir]\n    sdks_reason: "Acme', 1
    )
    criteria.write_text(text, encoding="utf-8")
    code, out, err = run(
        capsys,
        "--data",
        data,
        "compare",
        "--profile",
        data / "profiles" / "coding-agent.yaml",
        "--answer",
        "languages=elixir",
        "--format",
        "json",
    )
    assert code == 0, err
    result = json.loads(out)
    kept = [o["id"] for o in result["options"] if o["fit"]["status"] != "set_aside"]
    assert kept == ["acme/cloud"], kept
    aside = [o for o in result["options"] if o["fit"]["status"] == "set_aside"]
    assert aside and all(any(r["data"]["rule"].endswith("-sdks") for r in o["fit"]["reasons"]) for o in aside)


def test_a_vendor_that_lists_no_sdk_is_refused(data, capsys):
    criteria = data / "criteria.yaml"
    text = criteria.read_text(encoding="utf-8").replace(
        '    sdks: [typescript]\n    sdks_reason: "Acme is TypeScript only."\n', "", 1
    )
    criteria.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "--data", data, "pricing", "validate")
    assert code != 0 and "acme" in err and "sdks" in err, err


def test_a_price_quoted_per_a_new_multiple_is_data_alone(data, tmp_path, capsys):
    """A vendor quoting per 1,000 steps (a multiple no table used before) is read by the unit's pattern:
    the same bill as the same price per million, with no code change; a unit that counts nothing is
    refused with what is allowed."""
    table = data / "pricing" / "acme" / "cloud" / "2026-01-01.yaml"
    text = table.read_text(encoding="utf-8")
    table.write_text(
        text.replace("{value: 5, unit: USD/1M steps,", "{value: 0.005, unit: USD/1k steps,"), encoding="utf-8"
    )
    profile = tmp_path / "steps.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    code, out, err = run(capsys, "--data", data, "compare", "--profile", profile, "--format", "json")
    assert code == 0, err
    acme = next(o for o in json.loads(out)["options"] if o["id"] == "acme/cloud")
    assert acme["monthly_usd"] == pytest.approx(20 + 110_000 * 5e-6)
    steps = next(c for c in acme["components"] if c["key"] == "steps")
    assert steps["quoted_unit"] == "USD/1k steps"
    table.write_text(text.replace("unit: USD/1M steps,", "unit: USD/1k parsecs,"), encoding="utf-8")
    code, _, err = run(capsys, "--data", data, "pricing", "validate")
    assert code == 1 and "USD/1k parsecs" in err and "prices.steps.unit" in err, err
