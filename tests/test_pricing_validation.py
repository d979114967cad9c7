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
counting:
  inline_retry_reruns_finished_steps: {value: 0, unit: fraction, source: s}
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


def test_a_table_edited_in_place_is_read_again_and_an_unchanged_one_is_not(tmp_path: Path):
    """Tables are parsed once per text: the same file read again is the same table; the file edited
    in place (same name, same date) gives the new number, and a bad edit is refused, not served."""
    folder = tmp_path / "pricing" / "acme" / "cloud"
    folder.mkdir(parents=True)
    path = folder / "2026-01-01.yaml"
    path.write_text(GOOD, encoding="utf-8")
    first = read_table(path, today=TODAY, root=tmp_path)
    assert read_table(path, today=TODAY, root=tmp_path) is first
    path.write_text(GOOD.replace("value: 0.1", "value: 0.3"), encoding="utf-8")
    assert read_table(path, today=TODAY, root=tmp_path).prices["invocation"].expected == 0.3
    path.write_text(GOOD.replace("value: 0.1", "value: -1"), encoding="utf-8")
    with pytest.raises(PricingError):
        read_table(path, today=TODAY, root=tmp_path)
    with pytest.raises(PricingError):  # a refusal is not remembered as a table either
        read_table(path, today=TODAY, root=tmp_path)
    path.write_text(GOOD, encoding="utf-8")
    assert read_table(path, today=TODAY, root=tmp_path) is first


def test_a_source_verified_today_anywhere_loads_everywhere():
    """'Today' is checked against the latest date on Earth, so a table verified in Asia this
    morning loads in the Americas, where it is still yesterday."""
    import datetime as dt

    from pydantic import ValidationError

    from schema.numbers import Source, latest_today

    base = {"url": "https://example.com/p", "title": "A page", "stated": dt.date(2025, 1, 1), "confidence": "primary"}
    Source.model_validate({**base, "verified": latest_today()})
    with pytest.raises(ValidationError, match="in the future"):
        Source.model_validate({**base, "verified": latest_today() + dt.timedelta(days=1)})
    with pytest.raises(ValidationError, match="in the future"):  # an explicit day stays strict
        Source.model_validate({**base, "verified": dt.date(2026, 1, 2)}, context={"today": dt.date(2026, 1, 1)})


# -- what a `verified` date means -----------------------------------------------------------


READ_COPY = (
    """    read: {kind: third-party, at: https://blog.example.org/acme-prices, dated: 2026-01-15, on: 2026-02-01}"""
)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("    verified: 2026-02-01", "", "give `verified`"),  # neither
        ("    verified: 2026-02-01", "    verified: 2026-02-01\n" + READ_COPY, "not both"),
        (
            "    verified: 2026-02-01",
            READ_COPY.replace("dated: 2026-01-15", "dated: 2026-03-01"),
            "after the day it was read",
        ),
        ("    verified: 2026-02-01", READ_COPY.replace("on: 2026-02-01", "on: 2027-02-01"), "in the future"),
        ("    verified: 2026-02-01", READ_COPY.replace("kind: third-party", "kind: rumour"), "kind"),
        ("    stated: 2026-01-01", "    stated: 2026-03-01", "cannot be verified before it was written"),
    ],
)
def test_a_source_says_either_where_it_was_read_or_what_was_read_instead(old, new, words):
    found = problems(GOOD.replace(old, new, 1))
    assert any("sources.s" in p and words in p for p in found), found


def test_a_copy_cannot_show_a_page_before_it_was_written():
    text = GOOD.replace("    verified: 2026-02-01", READ_COPY, 1).replace(
        "    stated: 2026-01-01", "    stated: 2026-01-20"
    )
    found = problems(text)
    assert any("sources.s" in p and "cannot show a page before it was written" in p for p in found), found


def test_a_copy_read_today_holds_only_as_of_its_own_date():
    table = parse_table(GOOD.replace("    verified: 2026-02-01", READ_COPY, 1), "acme.yaml", today=TODAY)
    source = table.sources["s"]
    assert source.verified is None and source.checked == dt.date(2026, 1, 15) and source.read_on == dt.date(2026, 2, 1)
    assert "third party (https://blog.example.org/acme-prices) dated 2026-01-15" in source.how_checked


def _sanity(text: str) -> list[str]:
    from pricing.checks import TableVersion, sanity_problems
    from pricing.load import read_policy
    from pricing.yamlio import parse_yaml

    table = parse_table(text, "acme.yaml", today=TODAY)
    version = TableVersion("acme.yaml", table, parse_yaml(text, "acme.yaml"))
    return [str(p) for p in sanity_problems([version], read_policy())]


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://github.com/acme/acme/blob/main/docs/pricing.md", True),
        ("https://github.com/acme/acme/blob/master/docs/pricing.md", True),
        ("https://github.com/acme/acme/tree/refs/heads/release/docs", True),
        ("https://raw.githubusercontent.com/acme/acme/refs/heads/main/plans.yml", True),
        ("https://raw.githubusercontent.com/acme/acme/main/plans.yml", True),
        ("https://github.com/acme/acme/blob/v3/docs/pricing.md", True),  # a branch named like a tag
        ("https://github.com/acme/acme/blob/1.x/docs/pricing.md", True),
        ("https://github.com/acme/acme/blob/2.0-dev/docs/pricing.md", True),
        ("https://github.com/acme/acme/blob/refs/heads/v2.0.0/docs/pricing.md", True),
        ("https://github.com/acme/acme/blob/refs/tags/v1.2/docs/pricing.md", False),
        ("https://github.com/acme/acme/blob/v1.32.0-rc1/docs/pricing.md", False),
        ("https://github.com/acme/acme/blob/6805cae1c1d2b0a3e4f5a6b7c8d9e0f1a2b3c4d5/docs/pricing.md", False),
        ("https://github.com/acme/acme/blob/6805cae/docs/pricing.md", False),
        ("https://github.com/acme/acme/releases/tag/v1.32.0", False),
        ("https://github.com/acme/acme/blob/v1.32.0/docs/pricing.md", False),
        ("https://github.com/acme/acme/pull/18736", False),
        ("https://acme.example.com/main/pricing", False),
    ],
)
def test_a_repository_address_must_name_what_was_read_not_a_branch(url, refused):
    text = GOOD.replace("https://example.com/pricing", url, 1)
    found = [p for p in _sanity(text) if "whose files change" in p]
    assert bool(found) == refused, found
    if refused:
        assert found[0].startswith("acme.yaml:12: sources.s.url:")


@pytest.mark.parametrize("scheme", ["https://", "http://"])
def test_a_branch_is_refused_in_what_was_read_too(scheme):
    copy = READ_COPY.replace("https://blog.example.org/acme-prices", f"{scheme}github.com/o/r/blob/main/p.yml")
    found = _sanity(GOOD.replace("    verified: 2026-02-01", copy, 1))
    assert any("sources.s.read.at" in p and ("'main'" in p or "https" in p) for p in found), found


def test_two_sources_reading_one_address_are_one_source():
    second = """  t:
    url: https://example.com/pricing
    title: Acme pricing, again
    stated: 2026-01-01
    verified: 2026-02-01
    confidence: primary
prices:
  invocation: {value: 0.1, unit: USD/run, source: t}"""
    text = GOOD.replace("prices:\n  invocation: {value: 0.1, unit: USD/run, source: s}", second, 1)
    found = _sanity(text)
    assert any("sources.t:" in p and "cites what source 's' cites" in p for p in found), found
    # Two versions of the page, each at its own address (a copy and the live page), are two sources.
    assert not [
        p
        for p in _sanity(
            text.replace(
                "    verified: 2026-02-01\n    confidence: primary\nprices",
                READ_COPY + "\n    confidence: primary\nprices",
                1,
            )
        )
        if "cites what" in p
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/acme/blob/6805cae1c1d2b0a3e4f5a6b7c8d9e0f1a2b3c4d5/docs/pricing.md",
        "https://github.com/acme/acme/releases/tag/v1.32.0",
    ],
)
def test_a_permalink_is_a_copy_not_a_verification(url):
    """A commit shows the repository as it was then: `verified` there would make a table look fresh
    for a price the vendor may have changed since; it is recorded as a repository read instead."""
    found = _sanity(GOOD.replace("https://example.com/pricing", url, 1))
    assert any(p.startswith("acme.yaml:15: sources.s.verified:") and "as it was then" in p for p in found), found
    read = f"    read: {{kind: repository, at: {url}, dated: 2026-01-20, on: 2026-02-01}}"
    text = GOOD.replace("https://example.com/pricing", url, 1).replace("    verified: 2026-02-01", read, 1)
    assert not [p for p in _sanity(text) if "sources.s" in p]


def test_a_permalink_cited_as_the_url_is_not_repeated_in_how_it_was_checked():
    url = "https://github.com/acme/acme/blob/6805cae1c1d2b0a3e4f5a6b7c8d9e0f1a2b3c4d5/docs/pricing.md"
    read = f"    read: {{kind: repository, at: {url}, dated: 2026-01-20, on: 2026-02-01}}"
    text = GOOD.replace("https://example.com/pricing", url, 1).replace("    verified: 2026-02-01", read, 1)
    how = parse_table(text, "acme.yaml", today=TODAY).sources["s"].how_checked
    assert how == "read from the vendor's repository dated 2026-01-20, on 2026-02-01"
