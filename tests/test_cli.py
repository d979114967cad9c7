"""The `tco` command line: its JSON contract, exit codes, and no traceback on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from pricing.load import read_pricebook

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = str(ROOT / "data" / "profiles" / "article-example.yaml")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_json_is_the_contract(capsys):
    code, out, err = run(capsys, "compare", "--profile", ARTICLE, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["cheapest"] in {o["id"] for o in data["options"]}
    assert data["history"]["binding_limit"] in ("history_events", "history_size", "payload_size")


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_compare_text_formats(capsys, fmt):
    code, out, _ = run(capsys, "compare", "--profile", ARTICLE, "--format", fmt)
    assert code == 0
    assert ("is the cheapest" in out or "Too close to call" in out) and "Temporal Cloud" in out
    assert "Trigger.dev Cloud" in out
    text = out.replace("\\$", "$")  # Markdown writes a dollar as `\$`, never the start of math
    assert "What would flip it:" in text and "vendor $" in text


def test_pricing_date_selects_the_older_table(capsys):
    _, out, _ = run(capsys, "compare", "--profile", ARTICLE, "--format", "json", "--pricing-date", "2026-03-01")
    plans = {o["id"]: o["plan"] for o in json.loads(out)["options"]}
    assert plans["temporal/cloud"] == "Essentials"
    _, out, _ = run(capsys, "compare", "--profile", ARTICLE, "--format", "json", "--pricing-date", "2026-10-01")
    assert {o["id"]: o["plan"] for o in json.loads(out)["options"]}["temporal/cloud"] == "Developer"


def test_bad_profile_exits_2_naming_the_field(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nmonthly_runs: lots\n", encoding="utf-8")
    code, out, err = run(capsys, "compare", "--profile", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:2: monthly_runs:" in err and "'lots'" in err


def test_unknown_machine_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nmachine: gpu-xl\n", encoding="utf-8")
    code, _, err = run(capsys, "compare", "--profile", str(bad))
    assert code == 2 and "machine" in err and "gpu-xl" in err and "0.5-vcpu-0.5-gb" in err


def test_missing_profile_and_bad_date_exit_2(capsys):
    code, _, err = run(capsys, "compare", "--profile", "/nonexistent/profile.yaml")
    assert code == 2 and "cannot read" in err
    with pytest.raises(SystemExit) as info:
        main(["compare", "--profile", ARTICLE, "--pricing-date", "May 2026"])
    assert info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_pricing_date_before_any_table_exits_2(capsys):
    code, _, err = run(capsys, "compare", "--profile", ARTICLE, "--pricing-date", "2020-01-01")
    assert code == 2 and "no pricing table" in err


def test_validate_all_tables_passes(capsys):
    code, out, err = run(capsys, "pricing", "validate")
    assert code == 0, err
    assert "0 problem(s)" in out


def test_validate_reports_problems_with_exit_1(capsys, tmp_path):
    folder = tmp_path / "pricing" / "acme" / "cloud"
    folder.mkdir(parents=True)
    broken = folder / "2026-01-01.yaml"
    broken.write_text("schema_version: 1\nid: acme/cloud\nkind: option\n", encoding="utf-8")
    code, _, err = run(capsys, "--data", str(tmp_path), "pricing", "validate")
    assert code == 1
    assert "required field is missing" in err and "2026-01-01.yaml" in err


def test_schema_command_writes_all_schemas(capsys, tmp_path):
    code, _out, _ = run(capsys, "pricing", "schema", "--out", str(tmp_path))
    assert code == 0
    assert {p.name for p in tmp_path.iterdir()} == {
        "pricing-table.schema.json",
        "profile.schema.json",
        "estimate.schema.json",
        "account-estimate.schema.json",
        "criteria.schema.json",
        "models.schema.json",
        "scenarios.schema.json",
        "account.schema.json",
    }


def test_published_schemas_are_current(tmp_path):
    from pricing.json_schemas import json_schemas

    for name, schema in json_schemas().items():
        published = json.loads((ROOT / "data" / "schema" / name).read_text(encoding="utf-8"))
        assert published == schema, f"{name} is stale: run `make schema`"


def test_console_script_never_shows_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nsteps_per_run: [1, 2]\n", encoding="utf-8")
    tco = Path(sys.executable).parent / "tco"
    proc = subprocess.run([str(tco), "compare", "--profile", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "steps_per_run" in proc.stderr


def test_report_to_an_unwritable_place_is_bad_input(capsys, tmp_path):
    code, _, err = run(
        capsys,
        "report",
        "--profile",
        "data/profiles/coding-agent.yaml",
        "--format",
        "md",
        "-o",
        str(tmp_path / "missing" / "x.md"),
    )
    assert code == 2 and "cannot write the report" in err


def test_report_axis_must_be_a_second_axis(capsys, tmp_path):
    code, _, err = run(
        capsys,
        "report",
        "--profile",
        "data/profiles/coding-agent.yaml",
        "--format",
        "md",
        "-o",
        str(tmp_path / "x.md"),
        "--axis",
        "monthly_runs",
    )
    assert code == 2 and "steps_per_run" in err


def test_stale_with_nothing_to_check_is_bad_input(capsys):
    code, _, err = run(capsys, "pricing", "stale", "--today", "2020-01-01")
    assert code == 2 and "nothing to check" in err


def test_profile_naming_what_the_data_lacks_is_bad_input(capsys, tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("version: 1\nname: x\nmachine: huge\nteam:\n  ops_fte: {temporal/clod: 1}\n", encoding="utf-8")
    code, _, err = run(capsys, "compare", "--profile", str(path))
    assert code == 2
    assert f"{path}:3: machine: 'huge' is not a machine size" in err
    assert f"{path}:5: team.ops_fte.temporal/clod: 'temporal/clod' is not an option" in err


def test_options_without_prices_yet_are_named_with_their_first_date(capsys):
    code, out, _ = run(
        capsys,
        "compare",
        "--profile",
        "data/profiles/coding-agent.yaml",
        "--pricing-date",
        "2025-03-01",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    from pricing.load import list_table_files, read_table

    firsts: dict[str, str] = {}
    for item in list_table_files():
        if read_table(item.path).kind == "option":
            firsts.setdefault(item.table_id, item.effective.isoformat())
    later = {k: v for k, v in firsts.items() if v > "2025-03-01"}
    assert {u["id"]: u["first_priced"] for u in data["unpriced"]} == later and later
    assert not {o["id"] for o in data["options"]} & set(later)
    code, text, _ = run(
        capsys, "compare", "--profile", "data/profiles/coding-agent.yaml", "--pricing-date", "2025-03-01"
    )
    assert "Not compared: " in text and "None" not in text


ACCOUNT = str(Path(__file__).resolve().parent.parent / "data" / "accounts" / "two-agents.yaml")


@pytest.mark.parametrize("fmt", ["table", "md", "json"])
def test_compare_takes_an_account_file_and_prices_the_account_once(capsys, fmt):
    from model.account import estimate_account
    from pricing.accounts import read_workload

    code, out, err = run(capsys, "compare", "--profile", ACCOUNT, "--format", fmt)
    assert code == 0, err
    workload = read_workload(Path(ACCOUNT))
    account = estimate_account(workload.agents, read_pricebook())
    best = account.cheapest()
    assert best is not None
    if fmt == "json":
        data = json.loads(out)
        assert data["kind"] == "account" and data["cheapest"] == best
        assert next(o for o in data["options"] if o["id"] == best)["monthly_usd"] == pytest.approx(account.total(best))
    else:
        assert f"{account.total(best):,.2f}" in out and "Coding agent" in out and "Research agent" in out
        assert "as separate accounts" in out


def test_an_account_refuses_the_flags_of_a_single_profile(capsys):
    code, _out, err = run(capsys, "compare", "--profile", ACCOUNT, "--outlook")
    assert code == 2 and "--outlook go with a single profile" in err


def test_a_bad_account_file_is_named_not_a_traceback(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("agents:\n  - {extends: coding-agent, monthly_runs: -1}\n")
    code, _out, err = run(capsys, "compare", "--profile", str(bad))
    assert code == 2 and "agents[0].monthly_runs" in err and "Traceback" not in err


def test_an_account_takes_the_checklist_s_answers_and_never_names_an_option_they_set_aside(capsys):
    from model.account import estimate_account
    from model.analysis import checklist_of
    from pricing.accounts import read_workload
    from pricing.load import read_criteria

    workload = read_workload(Path(ACCOUNT))
    book = read_pricebook()
    answers = {"languages": "go"}
    aside = checklist_of(workload.profile, book, read_criteria(), answers).set_aside
    before = estimate_account(workload.agents, book).cheapest()
    assert before in aside, "the answer must set aside the cheapest for this test to say anything"
    code, out, err = run(capsys, "compare", "--profile", ACCOUNT, "--answer", "languages=go", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (
        data["cheapest"] not in aside
        and data["cheapest"] == estimate_account(workload.agents, book, set_aside=aside).cheapest()
    )
    shown = {o["id"]: o for o in data["options"]}
    assert all(shown[o]["status"] == "set_aside" and not shown[o]["applicable"] for o in aside)
    mixed = data["mixed"]
    assert mixed is None or not {mixed["first"], mixed["second"]} & set(aside)
    code, out, _ = run(capsys, "compare", "--profile", ACCOUNT, "--answer", "languages=go")
    assert code == 0 and "set aside by your answers" in out


def test_an_account_takes_draws_and_a_seed_and_says_how_sure(capsys):
    code, out, err = run(capsys, "compare", "--profile", ACCOUNT, "--draws", "300", "--seed", "4", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["draws"] == 300
    best = next(o for o in data["options"] if o["id"] == data["cheapest"])
    assert 0 < best["cheapest_share"] <= 1 and best["p10_usd"] <= best["p90_usd"]
    again = json.loads(
        run(capsys, "compare", "--profile", ACCOUNT, "--draws", "300", "--seed", "4", "--format", "json")[1]
    )
    assert again["options"] == data["options"]  # the seed makes the draws repeat
    code, text, _ = run(capsys, "compare", "--profile", ACCOUNT, "--draws", "300")
    assert code == 0 and "of 300 draws" in text


def test_a_report_of_an_account_file_carries_the_account_on_its_first_page(capsys, tmp_path):
    from model.account import estimate_account
    from pricing.accounts import read_workload
    from pricing.load import read_pricebook

    out = tmp_path / "account.md"
    code, _, err = run(capsys, "report", "--profile", ACCOUNT, "--format", "md", "-o", str(out), "--draws", "300")
    assert code == 0, err
    text = out.read_text(encoding="utf-8").replace("\\$", "$")
    workload = read_workload(Path(ACCOUNT))
    account = estimate_account(workload.agents, read_pricebook())
    best = account.cheapest()
    assert best is not None
    first_page = text.split("## What shaped it")[0]
    names = [a.name for a in workload.agents]
    assert f"For the account of {names[0]} and {names[1]}:" in first_page
    assert f"${account.total(best):,.2f} a month" in first_page
    assert "## The account:" in text


def test_a_csv_report_of_an_account_lists_its_bills_and_each_agent_s_share(capsys, tmp_path):
    import csv as csv_module

    out = tmp_path / "account.csv"
    code, _, err = run(capsys, "report", "--profile", ACCOUNT, "--format", "csv", "-o", str(out), "--draws", "200")
    assert code == 0, err
    rows = list(csv_module.DictReader(out.read_text(encoding="utf-8").splitlines()))
    bills = {r["option"]: r for r in rows if r["category"] == "account"}
    shares = [r for r in rows if r["category"] == "account_share"]
    assert bills and shares
    for option, bill in bills.items():
        mine = [float(r["cost_usd"]) for r in shares if r["option"] == option]
        assert sum(mine) == pytest.approx(float(bill["cost_usd"]), rel=1e-9), option
    assert all(r["option_p10_usd"] == "" for r in shares)


def test_pricing_readme_writes_both_documents_tables(capsys, tmp_path):
    """`tco pricing readme` fills the README's and CONTRIBUTING's marked tables from the data, and a
    second run finds them current."""
    readme, contributing = tmp_path / "README.md", tmp_path / "CONTRIBUTING.md"
    readme.write_text(
        "# x\n<!-- options:start -->\n<!-- options:end -->\n<!-- sandboxes:start -->\n<!-- sandboxes:end -->\n"
    )
    contributing.write_text("# y\n<!-- recheck:start -->\n<!-- recheck:end -->\n")
    args = ("pricing", "readme", "--file", str(readme), "--contributing", str(contributing))
    code, out, _ = run(capsys, *args)
    assert code == 0 and out.count("rewritten") == 2
    assert "| Table | Every | What to check | Where |" in contributing.read_text()
    assert "| option | name |" in readme.read_text()
    code, out, _ = run(capsys, *args)
    assert code == 0 and out.count("already current") == 2
    contributing.write_text("# no markers\n")
    code, _, err = run(capsys, *args)
    assert code == 2 and "recheck:start" in err
