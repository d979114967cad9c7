"""Nothing outside the data, `model/vendors/` and `pricing/vendors/` (a vendor's own counts and
importers) names a vendor: the report's prose, the unit formatting, the app and its tests take vendors,
options and units from the tables. A vendor's own tests (`tests/vendors/`) and the seed article's worked
example may name it."""

from __future__ import annotations

import re
from pathlib import Path

from pricing.load import list_table_files, read_table

ROOT = Path(__file__).resolve().parent.parent
CHECKED = [
    ROOT / "app.py",
    ROOT / "cli.py",
    *sorted((ROOT / "commands").rglob("*.py")),
    *sorted((ROOT / "ui").rglob("*.py")),
    *sorted((ROOT / "report").rglob("*.py")),
    *sorted((ROOT / "report").rglob("*.j2")),
    *sorted(p for p in (ROOT / "pricing").rglob("*.py") if "vendors" not in p.parts),
    *sorted(p for p in (ROOT / "model").rglob("*.py") if "vendors" not in p.parts),
    *sorted((ROOT / "bench").rglob("*.py")),
    ROOT / "tests" / "test_app.py",
    ROOT / "tests" / "test_seam.py",
    *sorted((ROOT / "tests" / "e2e").rglob("*.py")),
]


def _names() -> set[str]:
    names = set()
    for f in list_table_files():
        table = read_table(f.path)
        if table.kind == "option":
            names.add(table.vendor)
            names.add(table.id.split("/")[0])
    return names


def test_no_vendor_is_named_outside_the_data_and_its_own_modules():
    pattern = re.compile(
        r"(?<![\w.])(" + "|".join(re.escape(n) for n in sorted(_names())) + r")(?![\w])", re.IGNORECASE
    )
    found = []
    for path in CHECKED:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = pattern.search(line)
            if match:
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r} in {line.strip()[:80]}")
    assert not found, "\n".join(found)
