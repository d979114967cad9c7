"""Golden outputs of the preset profiles. On a deliberate change: `make golden`, review the diff."""

from __future__ import annotations

import json

import pytest

from tests.golden.regenerate import HERE, render

RENDERED = render()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_preset_output_matches_golden(name):
    golden = HERE / name
    assert golden.exists(), f"{name}: no golden file; run `make golden` and review it"
    assert RENDERED[name] == golden.read_text(encoding="utf-8"), (
        f"{name} changed; run `make golden` and review the diff"
    )


def test_no_stale_golden_files():
    on_disk = {p.name for p in HERE.iterdir() if p.suffix in (".json", ".md")}
    assert on_disk == set(RENDERED)


def test_json_contract_fields():
    data = json.loads(RENDERED["article-example.json"])
    assert data["schema_version"] == 5
    assert data["verdict"]["option"] == data["cheapest"] and data["verdict"]["sentence"]
    ids = {o["id"] for o in data["options"]}
    assert {"trigger.dev/cloud", "temporal/cloud", "trigger.dev/self-hosted", "temporal/self-hosted"} <= ids
    for option in data["options"]:
        for key in ("id", "plan", "monthly_usd", "low_usd", "high_usd", "components", "quantities", "fit"):
            assert key in option, key
        assert option["fit"]["status"] in ("fits", "workaround", "not_public", "ruled_out")
        assert option["applicable"] == (option["fit"]["status"] in ("fits", "workaround"))
        for finding in [option["plan_reason"], *option["warnings"], *option["fit"]["reasons"]]:
            assert set(finding) == {"code", "data", "text"} and finding["text"]
        assert "runs" in option["quantities"]
        for c in option["components"]:
            assert {"name", "quantity", "unit", "unit_price", "cost_usd"} <= set(c)
    by_id = {o["id"]: o for o in data["options"]}
    assert "billable_seconds" in by_id["trigger.dev/cloud"]["quantities"]
    assert {"actions", "active_storage_gbh", "retained_storage_gbh"} <= set(by_id["temporal/cloud"]["quantities"])
    history = data["history"]
    for key in (
        "events_per_run",
        "history_bytes_per_run",
        "steps_until_event_limit",
        "steps_until_size_limit",
        "binding_limit",
        "continue_as_new_segments",
    ):
        assert key in history, key
