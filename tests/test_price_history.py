"""What the price-history view and `tco pricing diff` say changed between two versions of a table:
one column a phone can read (a list, not an eight-column table), no number listed as changed with
the same value, each note beside its own number, each value in the unit its table declares."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from pricing.load import list_table_files, read_table
from pricing.versions import diff_tables
from report.pricing import diff_list_markdown, diff_markdown, rechecked_markdown

ACME = Path(__file__).resolve().parent / "fixtures" / "pricing-update" / "good" / "pricing" / "acme" / "cloud"


@pytest.fixture(scope="module")
def bundled():
    """Every version of every bundled table, oldest first, by table id."""
    versions = {}
    for item in list_table_files():
        versions.setdefault(item.table_id, []).append(read_table(item.path))
    return versions


@pytest.fixture(scope="module")
def acme():
    return [read_table(ACME / f"{d}.yaml", root=ACME.parents[2]) for d in ("2026-01-01", "2026-04-01")]


def _pairs(bundled, acme):
    """(old, new) for every table's first version (old None), every later one, and the fixture's."""
    for versions in [*bundled.values(), acme]:
        yield from [(None, versions[0]), *itertools.pairwise(versions)]


def _texts(old, new):
    changes = diff_tables(old, new)
    files = (None if old is None else f"{old.effective}.yaml", f"{new.effective}.yaml")
    return (
        diff_list_markdown(old, new, changes, *files),
        rechecked_markdown(changes),
        diff_markdown(old, new, changes, *files),
    )


def _items(markdown: str) -> dict[str, str]:
    """Each list item (`- `path` ...` and the lines under it) of the screen's Markdown, by path."""
    items: dict[str, str] = {}
    for block in re.split(r"\n(?=- )", markdown):
        match = re.match(r"- `([^`]+)`", block)
        if match:
            assert match.group(1) not in items, f"{match.group(1)} listed twice"
            items[match.group(1)] = block
    return items


def test_the_screen_reads_as_one_column(bundled, acme):
    """No table (columns side by side that a phone squeezes): every change is one item of a list."""
    for old, new in _pairs(bundled, acme):
        changes = diff_tables(old, new)
        listed, rechecked, _ = _texts(old, new)
        for text in (listed, rechecked):
            assert not [line for line in text.splitlines() if line.lstrip().startswith("|")], new.id
        assert set(_items(listed)) == {c.path for c in changes if c.kind != "re-checked"}, new.id
        assert set(_items(rechecked)) == {c.path for c in changes if c.kind == "re-checked"}, new.id


def test_no_number_reads_as_changed_to_the_same_value(bundled, acme):
    for old, new in _pairs(bundled, acme):
        for text in _texts(old, new):
            assert not re.search(r"[+−-]0\.0%", text), f"{new.id}: a move of 0.0% listed"
            for left, right in re.findall(r"(?m)^- `[^`]+`[^:]*: (.+?) → (.+?)(?: \([+−]|  $|$)", text):
                assert left != right, f"{new.id}: {left} → {right}"
    old, new = bundled["temporal/cloud"][:2]
    listed, rechecked, table = _texts(old, new)
    assert "`plans.business.fee`" not in listed  # 500 USD/month before and after
    assert "500 USD/month" in _items(rechecked)["plans.business.fee"]
    assert "re-checked, same value" in _items(rechecked)["plans.business.fee"]
    row = next(line for line in table.splitlines() if line.startswith("| `plans.business.fee`"))
    assert "re-checked, same value" in row and "%" not in row


def test_the_fixture_s_changes_read_with_their_moves(acme):
    listed, rechecked, table = _texts(*acme)
    items = _items(listed)
    assert "0.0001 USD/run → 0.00011 USD/run (+10.0%)" in items["prices.run"]
    assert "0.00004 USD/s → 0.00006 USD/s (+50.0%)" in items["prices.compute"]
    assert "Raised on 2026-03-20" in items["prices.compute"]
    assert "2 changed, 1 added, 1 removed" in listed
    assert "1 re-checked" in listed
    assert "acme-limits-v2" in _items(rechecked)["limits.payload_mb"]
    row = next(line for line in table.splitlines() if line.startswith("| `limits.payload_mb`"))
    assert "re-checked, same value" in row and "%" not in row


def test_a_limit_reads_in_its_declared_unit_and_in_minutes(bundled):
    """A limit the table gives as 300 s reads as that, and as the five minutes the vendor says;
    a limit in hours stays in hours (never turned into seconds)."""
    old, new = bundled["cloudflare/workflows"][:2]
    listed, _, table = _texts(old, new)
    assert "300 s (5 min)" in _items(listed)["limits.cpu_per_step_max_seconds"]
    assert "30 s" in _items(listed)["limits.cpu_per_step_seconds"]
    assert "min)" not in _items(listed)["limits.cpu_per_step_seconds"]
    row = next(line for line in table.splitlines() if line.startswith("| `limits.cpu_per_step_max_seconds`"))
    assert "300 s (5 min)" in row
    (express,) = bundled["aws/step-functions-express"][:1]
    listed, _, _ = _texts(None, express)
    assert "300 s (5 min)" in _items(listed)["limits.max_duration_minutes"]
    (inngest,) = bundled["inngest/cloud"][:1]
    listed, _, _ = _texts(None, inngest)
    item = _items(listed)["limits.step_timeout_hours"]
    assert "2 hours" in item and "7,200" not in item and " s" not in item.split("\n")[0]


def test_each_note_is_beside_its_own_number(bundled):
    old, new = bundled["temporal/cloud"][:2]
    listed, rechecked, table = _texts(old, new)
    items = {**_items(listed), **_items(rechecked)}
    hipaa = "The docs state HIPAA compliance"
    assert [path for path, text in items.items() if hipaa in text] == ["plans.developer", "plans.business"]
    assert "no base fee" in items["plans.developer.fee"]
    # A removed number keeps the note it had, and a `$` in a note is text, not the start of a formula.
    assert r"\$200 a month for up to 25 users, \$300" in items["prices.saml_sso"]
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("| `")}
    assert hipaa not in rows["`plans.developer.self_serve`"]
    assert hipaa in rows["`plans.developer`"]
