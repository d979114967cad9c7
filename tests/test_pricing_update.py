"""The quarterly pricing-update workflow: sanity rules, diff, impact and staleness on fixture
tables with known differences, and the CI workflows running these same commands."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from cli import _parser, main
from model.engine import estimate
from model.result import summarize
from pricing.load import DATA_DIR, read_pricebook
from pricing.profiles import read_presets
from report.words import money

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pricing-update"
GOOD, BAD = FIXTURES / "good", FIXTURES / "bad"
ACME = GOOD / "pricing" / "acme" / "cloud"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def table_rows(markdown: str) -> list[dict[str, str]]:
    """The rows of the first GitHub-style table in `markdown`, by header."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    return [dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True)) for line in lines[2:]]


# -- diff -------------------------------------------------------------------------------------

EXPECTED_DIFF = {
    "`prices.run`": ("changed", "0.0001 USD/run", "0.00011 USD/run", "+10.0%"),
    "`prices.compute`": ("changed", "0.00004 USD/s", "0.00006 USD/s", "+50.0%"),
    "`limits.payload_mb`": ("re-checked, same value", "3 MB", "same", ""),
    "`limits.output_mb`": ("added", "—", "10 MB", ""),
    "`prices.storage`": ("removed", "0.05 USD/GBh", "—", ""),
}


def _check_diff(out: str) -> None:
    assert "### `acme/cloud`: 2026-01-01 → 2026-04-01" in out
    assert "2 changed, 1 added, 1 removed; 1 re-checked, same value" in out
    rows = {r["Number"]: r for r in table_rows(out)}
    assert {k: (r["Change"], r["Old"], r["New"], r["Moved"]) for k, r in rows.items()} == EXPECTED_DIFF
    assert "acme-limits-v2" in rows["`limits.payload_mb`"]["New source"]
    assert "acme-limits](" in rows["`limits.payload_mb`"]["Old source"]
    assert rows["`prices.compute`"]["Note"].startswith("Raised on 2026-03-20")


def test_diff_of_two_files(capsys):
    code, out, _ = run(
        capsys, "--data", str(GOOD), "pricing", "diff", str(ACME / "2026-01-01.yaml"), str(ACME / "2026-04-01.yaml")
    )
    assert code == 0
    _check_diff(out)


def test_diff_by_table_and_dates(capsys):
    code, out, _ = run(capsys, "--data", str(GOOD), "pricing", "diff", "acme/cloud", "2026-02-01", "2026-05-01")
    assert code == 0
    _check_diff(out)


def test_diff_of_one_file_uses_the_previous_version(capsys):
    code, out, _ = run(capsys, "--data", str(GOOD), "pricing", "diff", str(ACME / "2026-04-01.yaml"))
    assert code == 0
    _check_diff(out)
    code, out, _ = run(capsys, "--data", str(GOOD), "pricing", "diff", str(ACME / "2026-01-01.yaml"))
    assert code == 0 and "first version" in out and len(table_rows(out)) == 4


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", "nope/cloud", "2026-01-01", "2026-05-01"], "allowed: acme/cloud"),
        (["diff", "acme/cloud", "2026-01-01", "soon"], "'soon' is not a date"),
        (["diff", "acme/cloud", "2025-01-01", "2025-02-01"], "no pricing table is in force on 2025-01-01"),
        (["diff", "missing.yaml"], "missing.yaml: no such file"),
        (["impact", "--from", "2026-01-01", "--to", "2026-02-01", "--no-presets"], "no profiles"),
        (["diff", "acme/cloud", "2026-05-01", "2026-02-01"], "must be before the second"),
        (["impact", "--from", "2026-01-01", "--to", "2026-05-01", "--on", "2026-02-01"], "--on goes with --against"),
        (["impact", "--against", "/nonexistent"], "not a data directory"),
        (["stale", "--today", "2026-01-01"], "before the tables were last read (2026-01-02)"),
    ],
)
def test_pricing_commands_explain_bad_input(capsys, argv, message):
    code, _, err = run(capsys, "--data", str(GOOD), "pricing", *argv)
    assert code == 2 and message in err and "Traceback" not in err


# -- validate: the sanity rules ---------------------------------------------------------------


def test_validate_accepts_the_good_fixture_and_the_bundled_data(capsys):
    assert run(capsys, "--data", str(GOOD), "pricing", "validate")[0] == 0
    assert run(capsys, "pricing", "validate")[0] == 0


def test_validate_names_each_broken_rule(capsys):
    code, _, err = run(capsys, "--data", str(BAD), "pricing", "validate")
    assert code == 1
    lines = err.strip().splitlines()
    file = "bad/pricing/acme/cloud/2026-04-01.yaml"
    assert any(re.match(rf"{file}:\d+: prices.compute: moved by 50% since 2026-01-01", line) for line in lines)
    assert any(re.match(rf"{file}:\d+: sources.acme-limits-v2.url: .* must use https", line) for line in lines)
    assert any(
        re.match(rf"{file}:\d+: prices.run: a price must be in a USD unit \(got 'count'\)", line) for line in lines
    )
    assert any("prices.run: unit changed from 'USD/run' to 'count'" in line for line in lines)
    assert len(lines) == 4


def test_validate_checks_the_criteria_name_real_options(capsys, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    criteria = data / "criteria.yaml"
    criteria.write_text(
        criteria.read_text().replace("[temporal/cloud, temporal/self-hosted]", "[temporal/cloud, temporal/on-prem]")
    )
    code, _, err = run(capsys, "--data", str(data), "pricing", "validate")
    assert code == 1
    assert "option 'temporal/on-prem' has no pricing table" in err
    assert "option table 'temporal/self-hosted' belongs to no vendor" in err


# -- impact -----------------------------------------------------------------------------------


def test_impact_shows_exactly_the_moved_option(capsys, tmp_path):
    """A new Trigger.dev Cloud version doubles the 0.5-vcpu-0.5-gb price; only profiles on 0.5-vcpu-0.5-gb
    and only that option move, by what the engine says."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    folder = data / "pricing" / "trigger.dev" / "cloud"
    old = max(folder.glob("*.yaml"))
    text = old.read_text(encoding="utf-8").replace(f"effective: {old.stem}", "effective: 2026-10-01")
    text = text.replace(
        "  compute.0.5-vcpu-0.5-gb:\n    value: 0.0000338\n    low: 0.00003375\n    high: 0.0000338",
        "  compute.0.5-vcpu-0.5-gb:\n    value: 0.0000676\n    low: 0.0000675\n    high: 0.0000676",
    )
    assert "value: 0.0000676\n    low: 0.0000675" in text
    (folder / "2026-10-01.yaml").write_text(text, encoding="utf-8")

    code, out, _ = run(capsys, "--data", str(data), "pricing", "impact", "--from", "2026-09-30", "--to", "2026-10-01")
    assert code == 0
    rows = table_rows(out)
    presets = read_presets(data)
    options = read_pricebook(data, on=dt.date(2026, 10, 1)).options()
    assert len(rows) == len(options) * len(presets)
    moved = {(r["Profile"], r["Option"]) for r in rows if r["Change"] != "+$0.00"}
    on_small = {p.name for p in presets.values() if p.machine == "0.5-vcpu-0.5-gb"}
    assert moved == {(name, "Trigger.dev Cloud") for name in on_small} and on_small
    for profile in presets.values():
        for day, column in ((dt.date(2026, 9, 30), "Before"), (dt.date(2026, 10, 1), "After")):
            result = summarize(estimate(profile, read_pricebook(data, on=day)))
            for option in result.options:
                row = next(r for r in rows if r["Profile"] == profile.name and r["Option"] == option.name)
                assert row[column] == money(option.monthly_usd)


def test_impact_across_the_temporal_plan_change(capsys):
    code, out, _ = run(
        capsys,
        "pricing",
        "impact",
        "--from",
        "2025-09-01",
        "--to",
        "2026-10-01",
        "--profile",
        "data/profiles/coding-agent.yaml",
        "--no-presets",
    )
    assert code == 0
    rows = {r["Option"]: r for r in table_rows(out)}
    assert rows["Temporal Cloud"]["Plan before"] == "Essentials" and rows["Temporal Cloud"]["Plan after"] == "Developer"
    assert rows["Trigger.dev Cloud"]["Change"] == "+$0.00"


# -- stale ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "code", "status"),
    [
        ("2026-03-01", 0, "due in 32 days"),  # the first version, verified 2026-01-02, due 2026-04-02
        ("2026-04-01", 0, "due in 91 days"),  # the second version is in force: verified 2026-04-01
        ("2026-07-01", 0, "due in 0 days"),
        ("2026-07-02", 1, "1 days overdue"),
        ("2027-01-01", 1, "184 days overdue"),
    ],
)
def test_stale_with_a_fixed_today(capsys, today, code, status):
    got, out, _ = run(capsys, "--data", str(GOOD), "pricing", "stale", "--today", today)
    assert got == code
    (row,) = table_rows(out)
    assert row["Status"] == status and row["Table"] == "`acme/cloud`"


def test_stale_judges_a_copy_on_its_own_date_not_on_the_day_it_was_read(capsys, tmp_path):
    """Prices read from a third party on 2026-04-01 hold only as of the third party's date: the
    table is due three months after that date, however recently the copy was read."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    newest = data / "pricing" / "acme" / "cloud" / "2026-04-01.yaml"
    text = newest.read_text(encoding="utf-8")
    verified = "    stated: 2026-03-20\n    verified: 2026-04-01\n"
    assert verified in text
    newest.write_text(
        text.replace(
            verified,
            "    stated: 2026-01-15\n"
            "    read: {kind: third-party, at: https://blog.example.org/acme, dated: 2026-01-15, on: 2026-04-01}\n",
        ),
        encoding="utf-8",
    )
    got, out, _ = run(capsys, "--data", str(data), "pricing", "stale", "--today", "2026-05-01")
    (row,) = table_rows(out)
    assert got == 1 and row["Holds as of"] == "2026-01-15" and row["Due"] == "2026-04-15"
    assert row["Status"] == "16 days overdue" and row["Sources read"] == "1 of 2 through copies"
    # The unchanged fixture, every source read at its address, is fresh on the same day.
    got, out, _ = run(capsys, "--data", str(GOOD), "pricing", "stale", "--today", "2026-05-01")
    (row,) = table_rows(out)
    assert got == 0 and row["Sources read"] == "all at the source" and row["Holds as of"] == "2026-04-01"


# -- the workflows run these same commands ----------------------------------------------------


def _run_lines(workflow: Path) -> list[str]:
    doc = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    lines = []
    for job in doc["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                lines.append(line.strip())
    return lines


def test_workflow_tco_commands_are_valid_cli_calls():
    calls = 0
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        for line in _run_lines(workflow):
            if ".venv/bin/tco" not in line:
                continue
            command = line[line.index(".venv/bin/tco") :]
            words = shlex.split(re.split(r"\s(\|\||>>|>|;|&&)\s", command)[0])
            _parser().parse_args(words[1:])  # exits (fails the test) on an unknown option
            calls += 1
    assert calls >= 3


def test_pull_request_workflow_runs_validate_summary_and_ci():
    pr = ROOT / ".github" / "workflows" / "pricing.yml"
    doc = yaml.safe_load(pr.read_text(encoding="utf-8"))
    assert doc[True]["pull_request"]["paths"] == ["data/**"]  # YAML reads the key `on` as True
    lines = _run_lines(pr)
    assert ".venv/bin/tco pricing validate" in lines
    assert any(line.startswith("scripts/pricing-pr-summary") and "GITHUB_STEP_SUMMARY" in line for line in lines)
    assert ".ci/run" in lines
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and ".venv/bin/tco pricing validate" in ci
    assert ".ci/run" in _run_lines(ROOT / ".github" / "workflows" / "ci.yml")
    stale = _run_lines(ROOT / ".github" / "workflows" / "stale-prices.yml")
    assert any(".venv/bin/tco pricing stale" in line for line in stale)


def test_ci_runs_every_test_with_the_quick_ones_under_the_coverage_floor():
    """`.ci/run` runs the README's `make test` with COVERAGE=1: the quick suite once, under coverage
    (which fails below `fail_under`), and the browser and real-engine suites beside it."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test COVERAGE=1" in ci.splitlines()
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = make[make.index("\ntest:") :].split("\nendif")[0]
    covered, plain = target.split("else")
    quick = make[make.index("QUICK :=") :].splitlines()[0]
    assert "--ignore=tests/e2e" in quick and "--ignore=tests/calibration" in quick
    assert "$(QUICK) --cov" in covered and "tests/e2e tests/calibration" in covered
    assert "--cov" not in plain
    with (ROOT / "pyproject.toml").open("rb") as f:
        assert tomllib.load(f)["tool"]["coverage"]["report"]["fail_under"] >= 95


def test_the_weekly_workflow_runs_the_property_tests_at_their_thorough_size():
    """`make test` tries hundreds of examples per property; a weekly workflow tries thousands."""
    weekly = ROOT / ".github" / "workflows" / "thorough.yml"
    doc = yaml.safe_load(weekly.read_text(encoding="utf-8"))
    assert "schedule" in doc[True]
    assert "make test-thorough" in _run_lines(weekly)
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = make[make.index("test-thorough:") :].split("\n\n")[0]
    assert "HYPOTHESIS_PROFILE=thorough" in target


def _repo(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A git repository holding a copy of the bundled data and the summary script, committed."""
    repo = tmp_path / "repo"
    shutil.copytree(DATA_DIR, repo / "data")
    (repo / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "pricing-pr-summary", repo / "scripts")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "base")
    return repo, git


def _summary(repo: Path) -> str:
    tco = str(Path(sys.executable).parent / "tco")
    result = subprocess.run(
        ["scripts/pricing-pr-summary", "HEAD~1", "data"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={"TCO": tco, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _impact_rows(out: str) -> list[dict[str, str]]:
    return table_rows(out[out.index("### Monthly cost of the profiles") :])


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@needs_git
def test_pull_request_summary_of_a_new_version(tmp_path):
    """The script CI runs, on a branch that adds a version of a table with a new run price."""
    repo, git = _repo(tmp_path)
    folder = repo / "data" / "pricing" / "trigger.dev" / "cloud"
    old = max(folder.glob("*.yaml"))
    text = old.read_text(encoding="utf-8").replace(f"effective: {old.stem}", "effective: 2026-10-01")
    text = text.replace("  invocation:\n    value: 0.000025", "  invocation:\n    value: 0.000026")
    (folder / "2026-10-01.yaml").write_text(text, encoding="utf-8")
    git("add", ".")
    git("commit", "-qm", "new prices")
    out = _summary(repo)
    assert "### `trigger.dev/cloud`: 2025-08-18 → 2026-10-01" in out
    assert "| `prices.invocation`" in out and "+4.0%" in out
    moved = {(r["Profile"], r["Option"]) for r in _impact_rows(out) if r["Change"] != "+$0.00"}
    assert moved and {option for _, option in moved} == {"Trigger.dev Cloud"}


@needs_git
def test_pull_request_summary_of_a_re_verified_first_version(tmp_path):
    """Moving the day a source was read in the oldest file (the quarterly routine) changes no number."""
    repo, git = _repo(tmp_path)
    path = repo / "data" / "pricing" / "reference" / "people" / "2025-01-01.yaml"
    text = path.read_text(encoding="utf-8")
    assert "on: 2026-11-29}" in text
    path.write_text(text.replace("on: 2026-11-29}", "on: 2026-11-28}"), encoding="utf-8")
    git("commit", "-qam", "re-verified")
    out = _summary(repo)
    assert "### `reference/people`: 2025-01-01 → 2025-01-01" in out and "No number changed." in out
    assert "No profile's cost changed." in out


@needs_git
def test_pull_request_summary_of_a_corrected_price(tmp_path):
    """Correcting a landed file shows base against head, not the previous version."""
    repo, git = _repo(tmp_path)
    path = repo / "data" / "pricing" / "reference" / "hosting" / "2025-01-01.yaml"
    text = path.read_text(encoding="utf-8")
    assert "value: 0.04048\n    low: 0.03238\n    high: 0.04048" in text
    path.write_text(
        text.replace(
            "value: 0.04048\n    low: 0.03238\n    high: 0.04048", "value: 0.05048\n    low: 0.03238\n    high: 0.05048"
        ),
        encoding="utf-8",
    )
    git("commit", "-qam", "fix vCPU price")
    out = _summary(repo)
    rows = {r["Number"]: r for r in table_rows(out)}
    assert rows["`prices.vcpu_hour`"]["Old"].startswith("0.04048") and rows["`prices.vcpu_hour`"]["New"].startswith(
        "0.05048"
    )
    assert any(r["Change"] != "+$0.00" for r in _impact_rows(out))


@needs_git
def test_pull_request_summary_of_an_unadded_file_and_a_removed_one(tmp_path):
    repo, git = _repo(tmp_path)
    folder = repo / "data" / "pricing" / "temporal" / "cloud"
    newest = max(folder.glob("*.yaml"))
    newest.unlink()
    git("commit", "-qam", "drop the newest Temporal Cloud version")
    draft = repo / "data" / "pricing" / "trigger.dev" / "cloud"
    old = max(draft.glob("*.yaml"))
    (draft / "2026-10-01.yaml").write_text(
        old.read_text(encoding="utf-8").replace(f"effective: {old.stem}", "effective: 2026-10-01"), encoding="utf-8"
    )  # written, not yet added to git
    tco = str(Path(sys.executable).parent / "tco")
    result = subprocess.run(
        ["scripts/pricing-pr-summary", "HEAD~1", "data"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={"TCO": tco, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"Removed: `data/pricing/temporal/cloud/{newest.name}`" in result.stdout
    assert "### `trigger.dev/cloud`: 2025-08-18 → 2026-10-01" in result.stdout
    assert any(r["Option"] == "Temporal Cloud" and r["Change"] != "+$0.00" for r in _impact_rows(result.stdout))


@needs_git
def test_pull_request_summary_refuses_an_unknown_base(tmp_path):
    repo, _ = _repo(tmp_path)
    tco = str(Path(sys.executable).parent / "tco")
    result = subprocess.run(
        ["scripts/pricing-pr-summary", "origin/nowhere", "data"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={"TCO": tco, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 2 and "is not a commit here" in result.stderr


def _new_version(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    folder = data / "pricing" / "temporal" / "cloud"
    old = max(folder.glob("*.yaml"))
    text = edit(old.read_text(encoding="utf-8").replace(f"effective: {old.stem}", "effective: 2026-11-01"))
    (folder / "2026-11-01.yaml").write_text(text, encoding="utf-8")
    return data


def test_a_renamed_plan_must_be_explained(capsys, tmp_path):
    hipaa = "    note: The docs state HIPAA compliance for the company, not which plan signs a BAA; ask Temporal.\n"
    data = _new_version(
        tmp_path,
        lambda t: (
            t.replace("id: developer", "id: developer-v2", 1)
            .replace("plans: [developer, business]", "plans: [developer-v2, business]")
            .replace(hipaa, "", 1)
        ),
    )  # a plan with a note of its own explains itself
    code, _, err = run(capsys, "--data", str(data), "pricing", "validate")
    assert code == 1
    assert "plans.developer-v2: new plan since 2026-09-17" in err
    assert "plan 'Developer' of 2026-09-17 is gone" in err


def test_a_plan_term_that_flips_shows_in_the_diff(capsys, tmp_path):
    flip = "    name: Developer\n    self_serve: false\n"
    data = _new_version(tmp_path, lambda t: t.replace("    name: Developer\n", flip, 1))
    code, out, _ = run(capsys, "--data", str(data), "pricing", "diff", "temporal/cloud", "2026-10-01", "2026-11-02")
    assert code == 0
    rows = {r["Number"]: r for r in table_rows(out)}
    flipped = [r for k, r in rows.items() if k.endswith(".self_serve`")]
    assert [r["Number"] for r in flipped] == ["`plans.developer.self_serve`"]
    assert flipped[0]["Old"].startswith("yes") and flipped[0]["New"].startswith("no")


def test_a_number_not_from_the_vendor_needs_a_range(capsys, tmp_path):
    """`ranges_unless_primary` in data/policy.yaml: a third party's price without a range is refused."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "pricing" / "reference" / "hosting" / "2025-01-01.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    value: 0.04048\n    low: 0.03238\n    high: 0.04048\n", "    value: 0.04048\n"),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--data", str(data), "pricing", "validate")
    assert code == 1
    assert "prices.vcpu_hour: not from the vendor's own page" in out + err and "low" in out + err
    line = next(ln for ln in (out + err).splitlines() if "prices.vcpu_hour" in ln)
    where = path.read_text(encoding="utf-8").splitlines().index("  vcpu_hour:") + 1
    assert f"2025-01-01.yaml:{where}:" in line
