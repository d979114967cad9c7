"""Checks across all the data: every option has its own contract test module, the README's table
of options matches the newest tables, referenced tables exist, and machine-priced meters price
every machine size of the hosting table."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from model.lines import HOSTING_TABLE
from pricing.load import list_table_files, read_table

FILES = list_table_files()
TABLES = {f.path.relative_to(f.path.parents[3]).as_posix(): read_table(f.path) for f in FILES}
ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _newest() -> dict[str, object]:
    newest = {}
    for f in FILES:
        newest[f.table_id] = read_table(f.path)
    return newest


def test_every_option_has_a_contract_test_class():
    """A module in tests/vendors/ subclasses the shared `VendorContract` for every option."""
    from tests.vendors.contract import VendorContract

    covered = set()
    for path in sorted((ROOT / "tests" / "vendors").glob("test_*.py")):
        module = importlib.import_module(f"tests.vendors.{path.stem}")
        for item in vars(module).values():
            if isinstance(item, type) and issubclass(item, VendorContract) and item is not VendorContract:
                covered.add(item.option)
    options = {t.id for t in TABLES.values() if t.kind == "option"}
    assert options <= covered, f"no contract test class for {sorted(options - covered)}"


def test_referenced_tables_exist():
    ids = {t.id for t in TABLES.values()}
    for name, table in TABLES.items():
        for ref in table.uses:
            assert ref in ids, (name, ref)


def test_machine_priced_meters_price_every_machine_of_the_hosting_table():
    hosting = {m for t in TABLES.values() if t.id == HOSTING_TABLE for m in t.machines}
    for name, table in TABLES.items():
        for meter in table.meters:
            if meter.price_by == "machine":
                priced = {k.removeprefix(f"{meter.price}.") for k in table.prices if k.startswith(f"{meter.price}.")}
                assert priced == hosting, name


def test_the_readme_s_tables_of_the_data_are_the_data_s():
    """The README's options and sandbox tables are what `tco pricing readme` writes from the newest
    tables (run it after adding a table), and they list every option and every sandbox service."""
    from pricing.readme import readme_blocks, rewritten

    text = README.read_text(encoding="utf-8")
    blocks = readme_blocks()
    assert rewritten(text, blocks) == text, "run `tco pricing readme`"
    newest = _newest()
    for name, kind in (("options", "option"), ("sandboxes", "sandbox")):
        listed = {ln.split("|")[1].strip().strip("`") for ln in blocks[name].splitlines()[2:]}
        assert listed == {tid for tid, t in newest.items() if t.kind == kind} and listed, name


def test_contributing_s_quarterly_table_is_written_from_every_table():
    """CONTRIBUTING's re-check table is what `tco pricing readme` writes: one row per table, each
    with what the newest version says to re-check and where; a table that does not say is named."""
    from pricing.readme import contributing_blocks, rewritten

    contributing = README.with_name("CONTRIBUTING.md")
    text = contributing.read_text(encoding="utf-8")
    blocks = contributing_blocks()
    assert rewritten(text, blocks) == text, "run `tco pricing readme`"
    listed = {ln.split("|")[1].strip().strip("`") for ln in blocks["recheck"].splitlines()[2:]}
    assert listed == set(_newest())


def test_a_table_that_does_not_say_what_to_re_check_is_named(tmp_path):
    import shutil

    from pricing.readme import contributing_blocks

    data = tmp_path / "data"
    shutil.copytree(README.with_name("data"), data)
    quiet = sorted(_newest())[-1]
    newest = sorted((data / "pricing" / quiet).glob("*.yaml"))[-1]
    text = newest.read_text(encoding="utf-8")
    newest.write_text("\n".join(ln for ln in text.splitlines() if not ln.startswith("recheck_what:")) + "\n")
    with pytest.raises(ValueError, match=f"{quiet} does not say `recheck_what`"):
        contributing_blocks(data)


def test_a_readme_without_the_markers_is_named():
    from pricing.readme import readme_blocks, rewritten

    with pytest.raises(ValueError, match="sandboxes:start"):
        rewritten("<!-- options:start -->\n<!-- options:end -->\n", readme_blocks())


def test_readme_lists_every_count_the_engine_knows():
    """The README's table of counts (between its markers) names every registered count and
    derived quantity, so a table's author sees the whole vocabulary."""
    import model.vendors  # noqa: F401  (registers the vendors' own counts)
    from model.usage import COUNTS, DERIVED

    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- counts:start -->(.*?)<!-- counts:end -->", text, re.S)
    assert block, "README needs the table of counts between <!-- counts:start --> and <!-- counts:end -->"
    listed = {ln.split("|")[1].strip().split()[0].strip("`") for ln in block.group(1).strip().splitlines()[2:]}
    assert listed == set(COUNTS) | set(DERIVED)


def test_the_quarterly_check_covers_every_table():
    """CONTRIBUTING's table of what to re-check names every table, with a link to check."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = {ln.split("|")[1].strip().strip("`"): ln for ln in text.splitlines() if ln.startswith("| `")}
    for table_id in {f.table_id for f in FILES}:
        assert table_id in rows, f"CONTRIBUTING.md's quarterly check has no row for {table_id}"
        assert "https://" in rows[table_id], table_id
