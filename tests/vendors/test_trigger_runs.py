"""`tco profile from-trigger-runs`: a profile from a Trigger.dev runs list (hand-written in the shape
of `@trigger.dev/core`'s `ListRunResponseItem`, 4.8.3), with the runs' own cost reproduced."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import numpy as np
import pytest

from cli import main
from pricing.load import PricingError, read_pricebook
from pricing.profiles import read_profile
from pricing.vendors import importer_for
from pricing.vendors.trigger_runs import OPTION, derive_from_runs, read_runs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = FIXTURES / "trigger-runs-pages.json"
BOOK = read_pricebook()
TABLE = BOOK.table(OPTION)


def _runs() -> list[dict]:
    return [r for page in json.loads(PAGES.read_text()) for r in page["data"]]


def test_runs_a_month_seconds_and_machine_come_from_the_list():
    runs = [r for r in _runs() if not r["isTest"]]
    check = derive_from_runs([(PAGES.name, PAGES.read_text())], TABLE, steps_per_run=50)
    assert check.runs == len(runs) == 120
    created = sorted(r["createdAt"] for r in runs)
    assert check.span_days == pytest.approx(119 * 36 / 60 / 24)  # one run every 36 minutes
    assert check.profile.monthly_runs == pytest.approx(40 * 365 / 12, rel=1e-5)  # 40 a day
    assert created[0] < created[-1]
    seconds = statistics.median(r["durationMs"] / 1000 for r in runs)
    assert check.profile.step_seconds * 50 == pytest.approx(seconds, rel=1e-5)
    assert check.machine == "0.5-vcpu-0.5-gb" == check.profile.machine
    # How much the runs' durations differ is the range of a step's time (10th to 90th percentile).
    low, high = np.percentile([r["durationMs"] / 1000 for r in runs], [10, 90]) / 50
    assert check.profile.ranges["step_seconds"].low == pytest.approx(low, rel=1e-5)
    assert check.profile.ranges["step_seconds"].high == pytest.approx(high, rel=1e-5)


def test_the_runs_own_cost_is_reproduced_by_the_tables():
    runs = [r for r in _runs() if not r["isTest"]]
    check = derive_from_runs([(PAGES.name, PAGES.read_text())], TABLE)
    vendor = sum(r["costInCents"] + r["baseCostInCents"] for r in runs) / 100
    assert check.vendor_usd == pytest.approx(vendor)
    assert check.tables_usd == pytest.approx(vendor, rel=0.001)


def test_a_burst_of_runs_needs_the_month_s_runs_given():
    burst = FIXTURES / "trigger-runs-burst.json"
    with pytest.raises(PricingError, match="give --monthly-runs"):
        derive_from_runs([(burst.name, burst.read_text())], TABLE)
    check = derive_from_runs([(burst.name, burst.read_text())], TABLE, monthly_runs=5000)
    assert check.profile.monthly_runs == 5000


def test_bad_runs_are_named_by_index_and_field():
    bad = json.dumps({"data": [{"createdAt": "yesterday", "durationMs": -1, "costInCents": "1", "baseCostInCents": 0}]})
    with pytest.raises(PricingError) as caught:
        read_runs(bad, "runs.json")
    fields = {p.field for p in caught.value.problems}
    assert fields == {"data.0.createdAt", "data.0.durationMs", "data.0.costInCents"}


def test_cli_prints_both_costs_and_writes_a_profile_that_reads_back(tmp_path, capsys):
    out = tmp_path / "runs.yaml"
    assert main(["profile", "from-trigger-runs", str(PAGES), "--steps-per-run", "50", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "The runs' own cost" in err and "priced with the tables (0.5-vcpu-0.5-gb" in err
    profile = read_profile(out)
    assert profile.steps_per_run == 50 and profile.machine == "0.5-vcpu-0.5-gb"
    assert main(["compare", "--profile", str(out)]) == 0
    assert main(["profile", "from-trigger-runs", str(PAGES), "--steps-per-run", "0"]) == 2


def test_each_export_is_recognized_by_its_own_importer():
    assert importer_for(json.loads(PAGES.read_text())).command == "from-trigger-runs"
    history = Path(__file__).resolve().parents[1] / "calibration" / "histories" / "local.json"
    assert importer_for(json.loads(history.read_text())).command == "from-history"
    assert importer_for({"something": "else"}) is None
