"""Markdown for the pricing-update workflow: a table diff, the cost impact on the preset
profiles and the staleness list, ready to paste into a pull request (or a job summary)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import pandas as pd
from tabulate import tabulate

from model.result import features_of
from pricing.checks import Staleness
from pricing.provenance import NumberRow
from pricing.schema import PriceTable, Tiered
from pricing.versions import Change
from report.words import money

__all__ = ["diff_markdown", "impact_markdown", "show_markdown", "stale_markdown"]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _value(row: NumberRow | None) -> str:
    return "—" if row is None else f"{row.shown} {row.unit}"


def _source(row: NumberRow | None) -> str:
    if row is None:
        return "—"
    return f"[{row.source_key}]({row.url}) ({row.confidence}, {row.how})"


def _moved(change: Change) -> str:
    moved = change.moved
    if moved is None or change.old is None or change.new is None:
        return ""
    if change.old.tiers is not None:
        return "bands changed" if math.isinf(moved) else f"up to {moved:.1%} in a band"
    if math.isinf(moved):
        return "from 0"
    a, b = change.old.expected, change.new.expected
    sign = "" if a is None or b is None else ("+" if b >= a else "−")
    return f"{sign}{moved:.1%}"


def diff_markdown(
    old: PriceTable | None, new: PriceTable, changes: Sequence[Change], old_file: str | None, new_file: str
) -> str:
    counts = {k: sum(c.kind == k for c in changes) for k in ("changed", "added", "removed")}
    if old is None:
        lines = [
            f"### `{new.id}`: first version, effective {new.effective}",
            "",
            f"{counts['added']} numbers (`{new_file}`).",
            "",
        ]
    else:
        lines = [
            f"### `{new.id}`: {old.effective} → {new.effective}",
            "",
            f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed "
            f"(`{old_file}` → `{new_file}`).",
            "",
        ]
    if not changes:
        return "\n".join([*lines, "No number changed.", ""])
    rows = [
        [
            f"`{c.path}`",
            c.kind,
            _cell(_value(c.old)),
            _cell(_value(c.new)),
            _moved(c),
            _cell(_source(c.old)),
            _cell(_source(c.new)),
            _cell((c.new.note if c.new else None) or ""),
        ]
        for c in changes
    ]
    table = tabulate(
        rows, headers=["Number", "Change", "Old", "New", "Moved", "Old source", "New source", "Note"], tablefmt="github"
    )
    return "\n".join([*lines, table, ""])


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
                _cell(record["profile"]),
                _cell(record["option_name"]),
                _cell(record["plan_before"] if isinstance(record["plan_before"], str) else "—"),
                money(record["monthly_usd_before"]),
                _cell(record["plan_after"] if isinstance(record["plan_after"], str) else "—"),
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
            out.append(f"| {_cell(key)} | {where} | {_cell(shown)} | {item.unit.value} |")
    if table.plans:
        out += ["", "## Plans (`overrides.<option>.plan`)", "", "| id | name | fee | features |", "|---|---|---|---|"]
        for plan in table.plans:
            shown = "; ".join(f"{f.name}: {f.shown}" for f in features_of(table, plan.features)) or "none listed"
            fee = f"${plan.fee.expected:,.2f}/month" if plan.self_serve else "by contract"
            out.append(f"| {plan.id} | {_cell(plan.name)} | {fee} | {_cell(shown)} |")
    elif table.hosting == "cloud":
        shown = "; ".join(f"{f.name}: {f.shown}" for f in features_of(table, table.features)) or "none listed"
        out += ["", f"Features: {_cell(shown)}"]
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
            out.append(
                f"| {addon.id} | {_cell(addon.name)} | {', '.join(addon.plans) or 'all'} | {_cell('; '.join(does))} |"
            )
    return "\n".join(out) + "\n"
