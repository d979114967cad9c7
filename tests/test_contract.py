"""The contract every pricing table passes (one suite over every vendor, like holidays' common
tests): it loads, every number it needs exists and is sourced, every source is used and dated."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from model.vendors import BILLING_MODELS
from model.vendors.common import HOSTING_TABLE
from pricing.load import list_table_files, read_table
from pricing.schema import Number, Tiered

FILES = list_table_files()
TABLES = {f.path.relative_to(f.path.parents[3]).as_posix(): read_table(f.path) for f in FILES}
README = Path(__file__).resolve().parent.parent / "README.md"


def test_there_are_tables_for_every_required_offering():
    ids = {t.id for t in TABLES.values()}
    assert {"trigger.dev/cloud", "trigger.dev/self-hosted", "temporal/cloud", "temporal/self-hosted"} <= ids


def test_temporal_cloud_keeps_both_price_lists():
    dates = sorted(f.effective for f in FILES if f.table_id == "temporal/cloud")
    assert dt.date(2025, 1, 1) in dates and dt.date(2026, 9, 17) in dates
    plans = {
        str(f.effective): [p.id for p in read_table(f.path).plans] for f in FILES if f.table_id == "temporal/cloud"
    }
    assert "essentials" in plans["2025-01-01"] and "developer" in plans["2026-09-17"]


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_number_is_sourced_and_every_source_used(name):
    table = TABLES[name]
    used = set()
    for path, item in table.numbers().items():
        assert item.source in table.sources, path
        used.add(item.source)
        if isinstance(item, Number):
            used.update(alt.source for alt in item.alternatives)
        assert table.confidence_of(item) in ("primary", "secondary", "estimate")
    assert used == set(table.sources), f"unused sources: {set(table.sources) - used}"
    for key, source in table.sources.items():
        assert source.stated <= source.verified <= dt.date.today(), key
        assert str(source.url).startswith("https://"), key


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_number_the_engine_asks_for_exists(name):
    table = TABLES[name]
    if table.kind != "option":
        return
    model = BILLING_MODELS[table.billing_model]
    for section in ("prices", "counting", "limits", "assumptions"):
        for key in model.REQUIRED.get(section, ()):
            assert key in getattr(table, section), f"{table.id}: missing {section}.{key}"
    for plan in table.plans:
        for key in model.REQUIRED.get("plan", ()):
            present = key in ("fee",) or getattr(plan, key, None) is not None or key in plan.included
            assert present, f"{table.id} plan {plan.id}: missing {key}"
        if "actions" in model.REQUIRED.get("prices", ()):
            assert isinstance(table.price("actions", plan), (Number, Tiered))


@pytest.mark.parametrize("name", sorted(TABLES))
def test_referenced_tables_exist(name):
    ids = {t.id for t in TABLES.values()}
    for ref in TABLES[name].uses:
        assert ref in ids


def test_every_machine_has_a_trigger_price_and_the_catalogue_agrees():
    hosting = [t for t in TABLES.values() if t.id == HOSTING_TABLE]
    for cloud in (t for t in TABLES.values() if t.id == "trigger.dev/cloud"):
        priced = {k.removeprefix("compute.") for k in cloud.prices if k.startswith("compute.")}
        for h in hosting:
            assert set(h.machines) == priced


def test_readme_lists_every_option_as_the_data_does():
    """The README's option table (between its markers) matches the newest tables."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- options:start -->(.*?)<!-- options:end -->", text, re.S)
    assert block, "README needs the options table between <!-- options:start --> and <!-- options:end -->"
    rows = [ln for ln in block.group(1).strip().splitlines()[2:] if ln.startswith("|")]
    listed = {ln.split("|")[1].strip().strip("`") for ln in rows}
    newest = {}
    for f in FILES:
        newest[f.table_id] = read_table(f.path)
    options = {tid for tid, t in newest.items() if t.kind == "option"}
    assert listed == options
    for ln in rows:
        cells = [c.strip() for c in ln.split("|")[1:-1]]
        table = newest[cells[0].strip("`")]
        assert cells[1] == table.name
        assert cells[2] == str(table.effective)
        assert cells[3] == f"{table.recheck_months} months"
