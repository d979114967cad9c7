"""Bad pricing data is rejected with a message naming the file, the line and the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pricing.load import PricingError, parse_table, read_pricebook, read_table

GOOD = """\
schema_version: 2
id: acme/cloud
kind: option
hosting: cloud
vendor: Acme
name: Acme Cloud
summary: test table
effective: 2026-01-01
recheck_months: 3
sources:
  s:
    url: https://example.com/pricing
    title: Acme pricing
    stated: 2026-01-01
    verified: 2026-02-01
    confidence: primary
prices:
  invocation: {value: 0.1, unit: USD/run, source: s}
  tiered:
    unit: USD/1M actions
    quantity_unit: actions
    source: s
    tiers:
      - {up_to: 10, price: 2}
      - {up_to: 20, price: 1}
quantities:
  runs: {unit: runs, per_run: {runs: 1}}
meters:
  - {id: runs, name: Runs, quantity: runs, price: invocation}
"""
TODAY = dt.date(2026, 6, 1)


def problems(text: str) -> list[str]:
    with pytest.raises(PricingError) as info:
        parse_table(text, "acme.yaml", today=TODAY)
    return [str(p) for p in info.value.problems]


def test_the_good_table_parses():
    table = parse_table(GOOD, "acme.yaml", today=TODAY)
    assert table.prices["invocation"].expected == 0.1


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        (
            ("  invocation: {value: 0.1,", "  invocation: {value: 0.1, colour: red,"),
            18,
            "prices.invocation.colour",
            "unknown key",
        ),
        (("{value: 0.1, unit", "{value: '0.1', unit"), 18, "prices.invocation.value", "valid number"),
        (("{value: 0.1, unit", "{value: -0.1, unit"), 18, "prices.invocation.value", "greater than or equal to 0"),
        (("      - {up_to: 20, price: 1}", "      - {up_to: 5, price: 1}"), 23, "prices.tiered.tiers", "must increase"),
        (("unit: USD/run, source: s}", "unit: USD/run}"), 18, "prices.invocation.source", "missing"),
        (("    verified: 2026-02-01", "    verified: 2027-02-01"), 15, "sources.s.verified", "in the future"),
        (("unit: USD/run,", "unit: USD/parsec,"), 18, "prices.invocation.unit", "USD/run"),
        (("source: s}", "source: nowhere}"), 18, "prices.invocation.source", "unknown source 'nowhere'"),
        (("recheck_months: 3", "recheck_months: 3\nrecheck_months: 4"), 10, "recheck_months", "duplicate key"),
        (("    url: https://example.com/pricing", "    url: not a url"), 12, "sources.s.url", "URL"),
    ],
)
def test_each_problem_names_file_line_and_field(change, line, field, words):
    old, new = change
    assert old in GOOD
    found = problems(GOOD.replace(old, new, 1))
    assert any(p.startswith(f"acme.yaml:{line}: {field}:") and words in p for p in found), found


def test_yaml_syntax_error_names_the_line():
    found = problems(GOOD.replace("kind: option", "kind: [option"))
    assert found[0].startswith("acme.yaml:") and "not valid YAML" in found[0]


def test_file_name_and_folder_must_match_date_and_id(tmp_path: Path):
    folder = tmp_path / "pricing" / "acme" / "cloud"
    folder.mkdir(parents=True)
    wrong = folder / "2026-02-02.yaml"
    wrong.write_text(GOOD, encoding="utf-8")
    with pytest.raises(PricingError) as info:
        read_table(wrong, today=TODAY, root=tmp_path)
    text = str(info.value)
    assert "does not match the file name" in text


def test_newest_file_not_after_the_date_is_in_force(tmp_path: Path):
    folder = tmp_path / "pricing" / "acme" / "cloud"
    folder.mkdir(parents=True)
    (folder / "2026-01-01.yaml").write_text(GOOD, encoding="utf-8")
    (folder / "2026-04-01.yaml").write_text(
        GOOD.replace("effective: 2026-01-01", "effective: 2026-04-01").replace("value: 0.1", "value: 0.2"),
        encoding="utf-8",
    )
    assert (
        read_pricebook(tmp_path, dt.date(2026, 3, 31), today=TODAY).table("acme/cloud").prices["invocation"].expected
        == 0.1
    )
    assert (
        read_pricebook(tmp_path, dt.date(2026, 4, 1), today=TODAY).table("acme/cloud").prices["invocation"].expected
        == 0.2
    )
    with pytest.raises(PricingError, match="no pricing table is in force"):
        read_pricebook(tmp_path, dt.date(2025, 1, 1), today=TODAY)


def test_a_source_verified_today_anywhere_loads_everywhere():
    """'Today' is checked against the latest date on Earth, so a table verified in Asia this
    morning loads in the Americas, where it is still yesterday."""
    import datetime as dt

    from pydantic import ValidationError

    from pricing.schema import Source, latest_today

    base = {"url": "https://example.com/p", "title": "A page", "stated": dt.date(2025, 1, 1), "confidence": "primary"}
    Source.model_validate({**base, "verified": latest_today()})
    with pytest.raises(ValidationError, match="in the future"):
        Source.model_validate({**base, "verified": latest_today() + dt.timedelta(days=1)})
    with pytest.raises(ValidationError, match="in the future"):  # an explicit day stays strict
        Source.model_validate({**base, "verified": dt.date(2026, 1, 2)}, context={"today": dt.date(2026, 1, 1)})
