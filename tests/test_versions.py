"""Versions of a table: the diff's kinds and moves, the history frame behind the price-history
chart, and the CHANGELOG naming every data version."""

from __future__ import annotations

import datetime as dt
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
        "limits.payload_mb": "changed",
        "limits.output_mb": "added",
        "prices.storage": "removed",
    }
    assert changes["prices.run"].moved == pytest.approx(0.1)
    assert changes["prices.compute"].moved == pytest.approx(0.5)
    assert changes["limits.payload_mb"].moved == 0  # only the source moved
    assert changes["limits.output_mb"].moved is None


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
    from report.charts import price_history_chart

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
