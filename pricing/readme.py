"""The documents' tables that mirror the data, written from the newest table files so nobody types
them: the README's options compared and sandbox services, and CONTRIBUTING's quarterly re-check (each
table's `recheck_months`, `recheck_what` and `recheck_where`). `tco pricing readme` rewrites them
between their markers (`<!-- options:start -->` … `<!-- options:end -->`), and a test keeps both
documents equal to them."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pricing.load import list_table_files, read_table
from schema.tables import PriceTable

__all__ = ["BLOCKS", "contributing_blocks", "readme_blocks", "rewritten"]

BLOCKS = ("options", "sandboxes")
"""The README's blocks; CONTRIBUTING's is `recheck`."""


def _newest(root: Path | None) -> dict[str, PriceTable]:
    newest: dict[str, PriceTable] = {}
    for item in list_table_files(root):  # oldest first: the last file of an id is its newest
        newest[item.table_id] = read_table(item.path, root=root)
    return newest


def _rest_on(table: PriceTable) -> str:
    """How many sources a table cites, by confidence."""
    counts = Counter(str(s.confidence) for s in table.sources.values())
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return f"{len(table.sources)} source{'s' if len(table.sources) != 1 else ''} ({parts})"


def readme_blocks(root: Path | None = None) -> dict[str, str]:
    """Each block's Markdown table, from the newest version of every table."""
    newest = _newest(root)
    options = sorted((t for t in newest.values() if t.kind == "option"), key=lambda t: t.id)
    sandboxes = sorted((t for t in newest.values() if t.kind == "sandbox"), key=lambda t: t.id)
    rows = ["| option | name | prices effective | re-checked every |", "|---|---|---|---|"]
    rows += [f"| `{t.id}` | {t.name} | {t.effective} | {t.recheck_months} months |" for t in options]
    boxes = ["| service | name | prices effective | what the prices rest on |", "|---|---|---|---|"]
    boxes += [f"| `{t.id}` | {t.name} | {t.effective} | {_rest_on(t)} |" for t in sandboxes]
    return {"options": "\n".join(rows), "sandboxes": "\n".join(boxes)}


def contributing_blocks(root: Path | None = None) -> dict[str, str]:
    """CONTRIBUTING's quarterly table: what to re-check in every table, and where, from the newest
    version of each. A table that does not say is named (`ValueError`)."""
    newest = sorted(_newest(root).values(), key=lambda t: (t.kind == "reference", t.kind == "sandbox", t.id))
    silent = [t.id for t in newest if not (t.recheck_what and t.recheck_where)]
    if silent:
        raise ValueError(
            "the newest version of " + ", ".join(silent) + " does not say `recheck_what` and `recheck_where`"
        )
    rows = ["| Table | Every | What to check | Where |", "|---|---|---|---|"]
    rows += [f"| `{t.id}` | {t.recheck_months} months | {t.recheck_what} | {t.recheck_where} |" for t in newest]
    return {"recheck": "\n".join(rows)}


def rewritten(text: str, blocks: dict[str, str]) -> str:
    """`text` with each block's table between its markers; a missing marker is an error naming it."""
    for name, table in blocks.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"the document has no <!-- {name}:start --> … <!-- {name}:end --> markers")
        match = pattern.search(text)
        assert match is not None
        text = text[: match.start()] + match[1] + table + "\n" + match[2] + text[match.end() :]
    return text
