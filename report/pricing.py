"""Markdown for the pricing-update workflow: a table diff, the cost impact on the preset
profiles and the staleness list, ready to paste into a pull request (or a job summary)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import pandas as pd
from tabulate import tabulate

from model.option_out import features_of
from model.units import ROUNDING, SECONDS_PER_DAY, SECONDS_PER_HOUR, in_base_unit
from pricing.checks import Staleness
from pricing.provenance import NumberRow
from pricing.versions import Change
from report.text import md
from report.words import money
from schema.numbers import Tiered
from schema.tables import PriceTable

__all__ = [
    "diff_list_markdown",
    "diff_markdown",
    "impact_markdown",
    "rechecked_markdown",
    "show_markdown",
    "stale_markdown",
]


_READER_TIMES = (("days", SECONDS_PER_DAY), ("hours", SECONDS_PER_HOUR), ("min", 60.0))


def _reads_as(row: NumberRow) -> str:
    """A time as a reader says it, when it is a whole number of a larger unit than the one the
    table declares: 300 s is "5 min", 48 hours "2 days"; otherwise nothing (the declared unit says it).

    >>> from pricing.provenance import NumberRow
    >>> def reads(value, unit):
    ...     row = NumberRow("t", None, "x", value, None, None, "", unit, *[""] * 4, None, None, "", None, None)
    ...     return _reads_as(row)
    >>> reads(300, "s"), reads(3600, "s"), reads(48, "hours"), reads(2, "hours")
    ('5 min', '1 hour', '2 days', '')
    >>> reads(30, "s"), reads(90, "s"), reads(300, "MB")
    ('', '', '')
    """
    base, factor = in_base_unit(row.unit)
    if base != "s" or row.value is None or row.low is not None or row.tiers is not None:
        return ""
    seconds = row.value * factor
    for name, size in _READER_TIMES:
        if size <= factor:
            break
        count = seconds / size
        if count >= 1 and abs(count - round(count)) <= ROUNDING * count:
            whole = round(count)
            return f"{whole:,} {name.removesuffix('s') if whole == 1 else name}"
    return ""


def _precise(row: NumberRow) -> str:
    """A number with every digit, for two versions whose usual text is the same."""
    if row.tiers is not None:
        return "; ".join(f"{p:.15g} " + ("beyond" if u is None else f"up to {u:,.15g}") for u, p in row.tiers)
    if row.low is not None and row.high is not None:
        span = f"{row.low:.15g} – {row.high:.15g}"
        return span if row.value is None else f"{row.value:.15g} ({span})"
    return row.shown if row.value is None else f"{row.value:.15g}"


def _value(row: NumberRow | None, shown: str | None = None) -> str:
    """A number in the unit its table declares (a time also as a reader says it), or "—". Numbers
    and units are the loader's own text (`describe`, the allowed units); a plan's name is escaped."""
    if row is None:
        return "—"
    shown = row.shown if shown is None else shown
    if row.unit == "yes/no":
        return shown
    if row.unit == "plan":
        return f"{md(shown)} plan"
    reads_as = _reads_as(row)
    return f"{shown} {row.unit}" + (f" ({reads_as})" if reads_as else "")


def _values(change: Change) -> tuple[str, str]:
    """The old and the new value; with every digit when a change hides beyond the usual ones."""
    old, new = _value(change.old), _value(change.new)
    if old == new and change.old is not None and change.new is not None and change.kind == "changed":
        old, new = _value(change.old, _precise(change.old)), _value(change.new, _precise(change.new))
    return old, new


_READ_FROM = re.compile(r"^read from (?P<what>.+?) \((?P<at>https?://\S+?)\)(?P<rest> dated .*)$")


def _link(text: str, url: str) -> str:
    """A link whose address holds nothing Markdown (or a table cell) would read as syntax."""
    address = url.replace("(", "%28").replace(")", "%29").replace("|", "%7C").replace(" ", "%20")
    return f"[{md(text)}]({address})"


def _source(row: NumberRow | None) -> str:
    """The source's key linked to its address, its confidence and how it was read (a copy read
    instead linked on its own words, so no bare address is printed), as Markdown with nothing
    a table cell would split on."""
    if row is None:
        return "—"
    match = _READ_FROM.match(row.how)
    how = f"read from {_link(match['what'], match['at'])}{md(match['rest'])}" if match else md(row.how)
    return f"{_link(row.source_key, row.url)} ({md(row.confidence)}, {how})"


def _moved(change: Change) -> str:
    """How far a changed number moved ("+10.0%", "up to 12.5% in a band"); nothing for a number
    that did not move (a re-checked one) or cannot be compared (a yes/no term, a new unit)."""
    moved = change.moved
    old, new = change.old, change.new
    if change.kind != "changed" or moved is None or old is None or new is None or old.unit != new.unit:
        return ""
    if old.tiers is not None:
        return "bands changed" if math.isinf(moved) else f"up to {_percent(moved)} in a band"
    if math.isinf(moved):
        return "from 0"
    if moved == 0:
        return "range changed, same midpoint"
    a, b = old.expected, new.expected
    sign = "" if a is None or b is None else ("+" if b >= a else "−")
    return f"{sign}{_percent(moved)}"


def _percent(share: float) -> str:
    """
    >>> _percent(0.1), _percent(0.00002), _percent(1.5)
    ('10.0%', '0.002%', '150.0%')
    """
    return f"{share:.1%}" if share >= 0.0005 else f"{share * 100:.1g}%"


def _note(change: Change) -> str:
    """The note of the number as it is now (as it was, for a removed one)."""
    row = change.new or change.old
    return (row.note if row else None) or ""


_KINDS = ("changed", "added", "removed")


def _counts(changes: Sequence[Change]) -> str:
    """
    >>> _counts([])
    '0 changed, 0 added, 0 removed'
    """
    counts = {k: sum(c.kind == k for c in changes) for k in (*_KINDS, "re-checked")}
    text = ", ".join(f"{counts[k]} {k}" for k in _KINDS)
    return text + (f"; {counts['re-checked']} re-checked, same value" if counts["re-checked"] else "")


def _heading(old: PriceTable | None, new: PriceTable, level: str) -> str:
    if old is None:
        return f"{level} `{new.id}`: first version, effective {new.effective}"
    return f"{level} `{new.id}`: {old.effective} → {new.effective}"


def _summary(old: PriceTable | None, changes: Sequence[Change], old_file: str | None, new_file: str) -> str:
    """How many numbers changed, and in which files (a first version: how many it has)."""
    if old is None:
        return f"{sum(c.kind == 'added' for c in changes)} numbers (`{new_file}`)."
    return f"{_counts(changes)} (`{old_file}` → `{new_file}`)."


def diff_markdown(
    old: PriceTable | None, new: PriceTable, changes: Sequence[Change], old_file: str | None, new_file: str
) -> str:
    """The changes as one table, for a pull request (`tco pricing diff`): a number re-checked
    with the same value says so, without a move."""
    lines = [_heading(old, new, "###"), "", _summary(old, changes, old_file, new_file), ""]
    if not changes:
        return "\n".join([*lines, "No number changed.", ""])
    rows = []
    for c in changes:
        old_value, new_value = _values(c)
        rechecked = c.kind == "re-checked"
        rows.append(
            [
                f"`{c.path}`",
                "re-checked, same value" if rechecked else c.kind,
                old_value,
                "same" if rechecked else new_value,
                _moved(c),
                _source(c.old),
                _source(c.new),
                md(_note(c)),
            ]
        )
    table = tabulate(
        rows,
        headers=["Number", "Change", "Old", "New", "Moved", "Old source", "New source", "Note"],
        tablefmt="github",
        disable_numparse=True,
    )
    return "\n".join([*lines, table, ""])


def _item(change: Change) -> str:
    """One change as a list item: the number and its value (old → new, and how far it moved),
    then its source and its note, each on a line of its own."""
    old, new = _values(change)
    if change.kind == "changed":
        moved = _moved(change)
        head = f"{old} → {new}" + (f" ({moved})" if moved else "")
    elif change.kind == "removed":
        head = f"{old}, removed"
    elif change.kind == "re-checked":
        head = f"{new}, re-checked, same value"
    else:
        head = new
    lines = [f"- `{change.path}`: {head}"]
    source = _source(change.new or change.old)
    if change.old is not None and change.new is not None and _source(change.old) != _source(change.new):
        was = _source(change.old)
        same_words = re.sub(r"\]\([^)]*\)", "]", was) == re.sub(r"\]\([^)]*\)", "]", source)
        source += f"; was read at {_link('another address', change.old.url)}" if same_words else f"; was {was}"
    lines.append(f"Source: {source}")
    note = _note(change)
    before = change.old.note if change.old is not None and change.new is not None else note
    if (before or "") != note:
        lines.append(f"Note: {md(note) if note else 'none now'} (before: {md(before) if before else 'none'})")
    elif note:
        lines.append(f"Note: {md(note)}")
    return "  \n  ".join(lines)


def diff_list_markdown(
    old: PriceTable | None, new: PriceTable, changes: Sequence[Change], old_file: str | None, new_file: str
) -> str:
    """The changes of prices and terms as lists (changed, added, removed), one column that fits a
    phone as well as a wide screen; the numbers re-checked with the same value are counted here
    and listed by `rechecked_markdown`."""
    lines = [_heading(old, new, "####"), "", _summary(old, changes, old_file, new_file), ""]
    if not any(c.kind in _KINDS for c in changes):
        return "\n".join([*lines, "No number changed.", ""])
    for kind in _KINDS:
        chosen = [c for c in changes if c.kind == kind]
        if chosen:
            lines += [f"**{kind.capitalize()}**", "", *(_item(c) for c in chosen), ""]
    return "\n".join(lines)


def rechecked_markdown(changes: Sequence[Change]) -> str:
    """The numbers whose value stayed while their source or note moved, as a list: each with its
    value once, its source now (and what it was) and its note."""
    items = [_item(c) for c in changes if c.kind == "re-checked"]
    return "\n".join([*items, ""]) if items else "No number was re-checked with the same value.\n"


def impact_markdown(frame: pd.DataFrame, before: object, after: object) -> str:
    """`frame` from `model.impact.impact_frame`; `before` and `after` name the two price books
    (dates, or descriptions such as "origin/main on 2026-12-01")."""
    lines = [f"### Monthly cost of the profiles: prices of {before} → {after}", ""]
    rows = []
    for record in frame.sort_values(["profile_index", "option"]).to_dict("records"):
        change = record["change_usd"]
        share = record["change"]
        rows.append(
            [
                md(record["profile"]),
                md(record["option_name"]),
                md(record["plan_before"] if isinstance(record["plan_before"], str) else "—"),
                money(record["monthly_usd_before"]),
                md(record["plan_after"] if isinstance(record["plan_after"], str) else "—"),
                money(record["monthly_usd_after"]),
                "—" if pd.isna(change) else ("+" if change >= 0 else "−") + money(abs(change)),
                "—" if pd.isna(share) else f"{share:+.1%}".replace("-", "−"),
            ]
        )
    table = tabulate(
        rows,
        headers=["Profile", "Option", "Plan before", "Before", "Plan after", "After", "Change", "Change %"],
        tablefmt="github",
        disable_numparse=True,
    )
    unchanged = frame["change_usd"].fillna(1).eq(0).all()
    note = ["", "No profile's cost changed."] if unchanged else []
    return "\n".join([*lines, table, *note, ""])


def stale_markdown(items: Sequence[Staleness], today: dt.date) -> str:
    stale = [s for s in items if s.stale]
    lines = [
        f"### Pricing tables due for re-verification on {today}",
        "",
        f"{len(stale)} of {len(items)} tables are past their re-check cadence."
        if stale
        else f"All {len(items)} tables are within their re-check cadence.",
        "",
        "A table holds as of the oldest day among the sources its numbers cite: the day a number was read "
        "at its source, or, where a copy, the vendor's repository or package, or a third party was read "
        "instead, that copy's own date. Reading a copy again does not make the table fresher; reading the "
        "source does.",
        "",
    ]
    rows = [
        [
            f"`{s.table}`",
            f"`{s.file}`",
            str(s.effective),
            f"{s.recheck_months} months",
            str(s.last_checked),
            "all at the source" if not s.through_copies else f"{s.through_copies} of {s.cited} through copies",
            str(s.due),
            f"{s.overdue_days} days overdue" if s.stale else f"due in {-s.overdue_days} days",
        ]
        for s in items
    ]
    table = tabulate(
        rows,
        headers=["Table", "File", "Effective", "Re-check every", "Holds as of", "Sources read", "Due", "Status"],
        tablefmt="github",
        disable_numparse=True,
    )
    return "\n".join([*lines, table, ""])


def show_markdown(table: PriceTable) -> str:
    """What a profile's `overrides` and `requirements` may name for one option: its prices (by
    id, in the unit quoted), its plans with their features, and its add-ons."""
    out = [
        f"# {table.name} ({table.id}, prices from {table.effective})",
        "",
        "## Prices (`overrides.<option>.prices.<id>`)",
        "",
        "| id | where | price | unit |",
        "|---|---|---|---|",
    ]
    places = [("table", table.prices), *((f"plan {p.id}", p.prices) for p in table.plans)]
    for where, prices in places:
        for key, item in sorted(prices.items()):
            if isinstance(item, Tiered):
                shown = ", ".join(
                    f"{t.price:g} to {t.up_to:,.0f}" if t.up_to else f"{t.price:g} beyond" for t in item.tiers
                )
            else:
                shown = f"{item.expected:.6g}"
            out.append(f"| {md(key)} | {where} | {md(shown)} | {item.unit.value} |")
    if table.plans:
        out += ["", "## Plans (`overrides.<option>.plan`)", "", "| id | name | fee | features |", "|---|---|---|---|"]
        for plan in table.plans:
            shown = "; ".join(f"{f.name}: {f.shown}" for f in features_of(table, plan.features)) or "none listed"
            fee = f"${plan.fee.expected:,.2f}/month" if plan.self_serve else "by contract"
            out.append(f"| {plan.id} | {md(plan.name)} | {fee} | {md(shown)} |")
    elif table.hosting == "cloud":
        shown = "; ".join(f"{f.name}: {f.shown}" for f in features_of(table, table.features)) or "none listed"
        out += ["", f"Features: {md(shown)}"]
    if table.addons:
        out += [
            "",
            "## Add-ons (`overrides.<option>.addons.<id>`)",
            "",
            "| id | name | plans | what it does |",
            "|---|---|---|---|",
        ]
        for addon in table.addons:
            does = (
                ([f"multiplies {', '.join(addon.multiplies)}"] if addon.multiplies else [])
                + ([f"price {addon.price}"] if addon.price else [])
                + (["raises concurrency"] if addon.raises_concurrency else [])
            )
            out.append(f"| {addon.id} | {md(addon.name)} | {', '.join(addon.plans) or 'all'} | {md('; '.join(does))} |")
    return "\n".join(out) + "\n"
