"""The README's tables that mirror the data (the options compared, the sandbox services), written from
the newest table files so nobody types them: `tco pricing readme` rewrites them between their markers
(`<!-- options:start -->` … `<!-- options:end -->`), and a test keeps the README equal to them."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pricing.load import list_table_files, read_table
from schema.tables import PriceTable

__all__ = ["BLOCKS", "readme_blocks", "rewritten"]

BLOCKS = ("options", "sandboxes")


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


def rewritten(text: str, blocks: dict[str, str]) -> str:
    """`text` with each block's table between its markers; a missing marker is an error naming it."""
    for name, table in blocks.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"the README has no <!-- {name}:start --> … <!-- {name}:end --> markers")
        match = pattern.search(text)
        assert match is not None
        text = text[: match.start()] + match[1] + table + "\n" + match[2] + text[match.end() :]
    return text
