"""Versions of a table: the diff's kinds and moves, the history frame behind the price-history
chart, and the CHANGELOG naming every data version."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from pathlib import Path

import pytest

from pricing.load import list_table_files, read_table
from pricing.versions import diff_tables, history_frame

ROOT = Path(__file__).resolve().parent.parent
ACME = Path(__file__).resolve().parent / "fixtures" / "pricing-update" / "good" / "pricing" / "acme" / "cloud"


@pytest.fixture(scope="module")
def acme():
    root = ACME.parents[2]
    return [read_table(ACME / f"{d}.yaml", root=root) for d in ("2026-01-01", "2026-04-01")]


def test_diff_kinds_and_moves(acme):
    changes = {c.path: c for c in diff_tables(*acme)}
    assert {p: c.kind for p, c in changes.items()} == {
        "prices.run": "changed",
        "prices.compute": "changed",
        "limits.payload_mb": "re-checked",  # same value, another source: not a price change
        "limits.output_mb": "added",
        "prices.storage": "removed",
    }
    assert changes["prices.run"].moved == pytest.approx(0.1)
    assert changes["prices.compute"].moved == pytest.approx(0.5)
    assert changes["limits.payload_mb"].moved == 0  # only the source moved
    assert changes["limits.output_mb"].moved is None


def _versions_by_table():
    versions = {}
    for item in list_table_files():
        versions.setdefault(item.table_id, []).append(read_table(item.path))
    return versions


@pytest.fixture(scope="module")
def bundled():
    """Every version of every bundled table, oldest first, by table id."""
    return _versions_by_table()


def _value(row):
    return (row.value, row.low, row.high, row.tiers, row.shown, row.unit)


def test_a_number_is_changed_only_when_its_value_differs(bundled):
    """A number whose value, range, bands and unit are all the same in both versions is not a
    change of price: a new source or a new note for it makes it re-checked, same value."""
    seen = set()
    for versions in bundled.values():
        for old, new in itertools.pairwise(versions):
            for change in diff_tables(old, new):
                seen.add(change.kind)
                if change.kind == "changed":
                    assert _value(change.old) != _value(change.new), f"{new.id} {change.path}: listed as changed"
                if change.kind == "re-checked":
                    assert _value(change.old) == _value(change.new), f"{new.id} {change.path}"
                    assert change.moved in (0, None)  # (None: a yes/no term or a plan)
    assert {"re-checked", "added", "removed"} <= seen  # (the fixture's versions have changed prices)


def test_the_temporal_developer_plan_re_checks_the_numbers_it_kept(bundled):
    old, new = bundled["temporal/cloud"][:2]
    kinds = {c.path: c.kind for c in diff_tables(old, new)}
    assert kinds["plans.business.fee"] == "re-checked"  # 500 USD/month in both, read at a new address
    assert kinds["prices.active_storage"] == "re-checked"
    assert kinds["prices.actions"] == "re-checked"  # the same six bands
    assert [p for p, k in kinds.items() if k == "changed"] == []


def _own_notes(table):
    """Every note of a table, at the place it is written: each number's, and each plan's."""
    notes = {".".join(path): item.note for path, item in table.numbers().items()}
    for plan in table.plans:
        notes[f"plans.{plan.id}"] = plan.note
        notes[f"plans.{plan.id}.self_serve"] = notes[f"plans.{plan.id}.overage"] = None  # yes/no terms: none
    return notes


def test_each_note_stays_on_the_number_it_was_written_for(bundled):
    """A plan's note is the plan's (on its own row, `plans.<id>`), not its yes/no terms'."""
    rows = 0
    for versions in bundled.values():
        for old, new in [(None, versions[0]), *itertools.pairwise(versions)]:
            for change in diff_tables(old, new):
                for row, table in ((change.old, old), (change.new, new)):
                    if row is not None:
                        assert row.note == _own_notes(table)[change.path], f"{table.id} {change.path}"
                        rows += 1
    assert rows > 100
    old, new = bundled["temporal/cloud"][:2]
    plan = {c.path: c for c in diff_tables(old, new)}["plans.developer"]
    assert plan.kind == "added" and plan.new.shown == "Developer" and plan.new.note.startswith("The docs state HIPAA")


def test_a_table_against_itself_has_no_changes(acme):
    assert diff_tables(acme[0], acme[0]) == []
    assert all(c.kind == "added" for c in diff_tables(None, acme[0]))


def test_graduated_prices_compare_band_by_band():
    folder = ROOT / "data" / "pricing" / "temporal" / "cloud"
    table = read_table(min(folder.glob("*.yaml")))
    data = table.model_dump(mode="python")
    tiers = data["prices"]["actions"]["tiers"]
    raised = [{**t, "price": t["price"] * (1.3 if i == 2 else 1)} for i, t in enumerate(tiers)]
    moved = table.model_copy(
        update={
            "prices": {
                **table.prices,
                "actions": table.prices["actions"].model_copy(
                    update={"tiers": tuple(type(table.prices["actions"].tiers[0])(**t) for t in raised)}
                ),
            }
        }
    )
    (change,) = [c for c in diff_tables(table, moved) if c.path == "prices.actions"]
    assert change.moved == pytest.approx(0.3)
    fewer = table.prices["actions"].model_copy(update={"tiers": table.prices["actions"].tiers[:-1]})
    (change,) = [
        c
        for c in diff_tables(table, table.model_copy(update={"prices": {**table.prices, "actions": fewer}}))
        if c.path == "prices.actions"
    ]
    assert math.isinf(change.moved)


def test_history_frame_marks_what_changed(acme):
    frame = history_frame(acme)
    changed = frame.groupby("path")["changed"].first().to_dict()
    assert changed == {
        "prices.run": True,
        "prices.compute": True,
        "prices.storage": True,  # gone in the second version
        "limits.payload_mb": False,  # same value, new source: not a moved number
        "limits.output_mb": True,  # new in the second version
    }
    assert frame.loc[frame["path"] == "prices.compute", "expected"].tolist() == [0.00004, 0.00006]


def test_price_history_chart_holds_each_number_until_the_next_version(acme):
    from report.price_history_chart import price_history_chart

    frame = history_frame(acme)
    charts = [c.to_dict() for c in price_history_chart(frame, [t.effective for t in acme], dt.date(2026, 6, 1))]
    # One chart per unit, none with a fixed width (each stretches to its column, phone or desktop).
    assert sorted(c["title"] for c in charts) == sorted(frame["unit"].unique())
    assert all("width" not in c for c in charts)
    rows = [r for c in charts for r in next(iter(c["datasets"].values()))]
    ends = {}
    for row in rows:
        ends[row["path"]] = max(ends.get(row["path"], ""), row["effective"][:10])
    assert ends["prices.storage"] == "2026-04-01"  # dropped by the second version
    assert ends["prices.compute"] == "2026-06-01"  # still in force


def test_changelog_names_every_table_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    bullets = re.split(r"\n\s*- ", text)
    for item in list_table_files():
        assert any(f"`{item.table_id}`" in b and item.effective.isoformat() in b for b in bullets), (
            f"CHANGELOG.md has no entry for {item.table_id} {item.effective}"
        )
