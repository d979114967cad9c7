"""`tco profile from-history`: a profile from exported Temporal histories (written from the real
dev server by `make history-fixtures`), which must give back the runs' own shape and, priced by the
engine, the histories' own events and bytes."""

from __future__ import annotations

import json

import pytest
from google.protobuf import json_format
from temporalio.api.history.v1 import History

from cli import main
from model.columns import Columns, profiles_frame
from model.history import history_of
from model.usage import Usage
from model.workload import workload
from pricing.load import PricingError, read_pricebook
from pricing.profiles import read_profile
from pricing.vendors.temporal_history import derive_profile, read_history
from tests.calibration.harness import Shape
from tests.calibration.write_histories import FIXTURES, FOLDER

pytestmark = pytest.mark.xdist_group("temporal")
"""The engine starts once a test run: every test of it on one worker (`make test`: --dist loadgroup)."""

OPTION = "temporal/self-hosted"


def _text(name: str) -> tuple[str, str]:
    path = FOLDER / f"{name}.json"
    return path.name, path.read_text(encoding="utf-8")


def _server_bytes(text: str) -> int:
    """The history's size as the server counts it (what DescribeWorkflowExecution reports): each
    event's encoded size and its two bytes of framing."""
    history = json_format.Parse(text, History(), ignore_unknown_fields=True)
    return sum(e.ByteSize() + 2 for e in history.events)


@pytest.mark.parametrize("name", list(FIXTURES))
def test_one_history_gives_back_its_shape(name):
    shape: Shape = FIXTURES[name]
    derived = derive_profile([_text(name)], monthly_runs=1000).profile
    assert derived.steps_per_run == shape.steps
    assert derived.retry_rate == shape.failures
    assert derived.sleeps_per_run == shape.sleeps and derived.human_waits_per_run == shape.waits
    assert derived.child_runs_per_run == shape.children
    assert derived.step_kind.value == ("inline" if shape.local else "task")
    payload = (2 * shape.output_bytes if shape.local else shape.input_bytes + shape.output_bytes) / 1024
    assert derived.step_payload_kb == pytest.approx(payload, rel=0.01)
    assert derived.context_growth_kb == pytest.approx(shape.growth_bytes / 1024, rel=0.01)


@pytest.mark.parametrize("name", list(FIXTURES))
def test_the_derived_profile_reproduces_the_history_s_own_figures(name):
    file, text = _text(name)
    derived = derive_profile([(file, text)], monthly_runs=1000).profile
    history = history_of(Usage(workload(Columns(profiles_frame(derived))), read_pricebook().table(OPTION), "expected"))
    assert history.events_per_run[0] == pytest.approx(len(read_history(text, file)), abs=0.01)
    assert history.history_bytes_per_run[0] == pytest.approx(_server_bytes(text), rel=0.05)


def test_several_histories_give_the_median_and_the_spread():
    derived = derive_profile([_text(n) for n in ("coding-1", "coding-2", "coding-3")], monthly_runs=3000)
    assert derived.profile.steps_per_run == 8  # of 8, 9 and 7
    low, high = derived.spread["steps_per_run"]
    assert 7 <= low < 8 < high <= 9
    assert derived.profile.retry_rate == 0 and derived.spread["retry_rate"][1] > 0  # one run retried
    assert "median of 3" in derived.sources["steps_per_run"]
    # The spread is the profile's range of each field that differs between the runs (the Monte Carlo's input).
    assert derived.profile.ranges["steps_per_run"].low == pytest.approx(low, rel=1e-5)
    assert derived.profile.ranges["steps_per_run"].high == pytest.approx(high, rel=1e-5)
    assert derived.profile.ranges["retry_rate"].high == pytest.approx(derived.spread["retry_rate"][1], rel=1e-5)
    assert set(derived.profile.ranges) == {k for k, (lo, hi) in derived.spread.items() if lo < hi}


def test_one_history_gives_no_range():
    assert derive_profile([_text("coding-1")], monthly_runs=3000).profile.ranges == {}


def test_cli_writes_a_profile_that_reads_back(tmp_path, capsys):
    out = tmp_path / "mine.yaml"
    files = [str(FOLDER / f"coding-{i}.json") for i in (1, 2, 3)]
    assert main(["profile", "from-history", *files, "--monthly-runs", "3000", "--name", "Ours", "-o", str(out)]) == 0
    text = out.read_text()
    assert "# ActivityTaskScheduled and MarkerRecorded events (one per step) (median of 3)" in text
    profile = read_profile(out)
    expected = derive_profile([_text(f"coding-{i}") for i in (1, 2, 3)], monthly_runs=3000, name="Ours").profile
    assert profile == expected
    assert main(["compare", "--profile", str(out)]) == 0


def test_a_file_that_is_not_a_history_is_named(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"runs": []}))
    assert main(["profile", "from-history", str(bad), "--monthly-runs", "10"]) == 2
    assert "bad.json" in capsys.readouterr().err
    with pytest.raises(PricingError, match="not JSON"):
        read_history("{", "x.json")
    missing = tmp_path / "none.json"
    assert main(["profile", "from-history", str(missing), "--monthly-runs", "10"]) == 2
    assert "cannot read the file" in capsys.readouterr().err
