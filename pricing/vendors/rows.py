"""Reading the rows of a database table exported as JSON (DBOS's, Restate's): the problems found,
each naming the row and the column, and the cells as text or whole numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pricing.yamlio import Problem

MAX_PROBLEMS = 20
"""Problems reported of one file; then that the reading stopped."""


class RowProblems:
    """The problems of one file's rows, the first `MAX_PROBLEMS` of them."""

    def __init__(self, file: str):
        self.file = file
        self.found: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(Problem(self.file, None, where, message))
        elif len(self.found) == MAX_PROBLEMS:
            self.found.append(Problem(self.file, None, "rows", f"stopped after {MAX_PROBLEMS} problems"))

    @property
    def full(self) -> bool:
        return len(self.found) > MAX_PROBLEMS


def shown(value: Any) -> str:
    """A cell's value as a problem quotes it: its repr, cut at 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def text_cell(row: Mapping[str, Any], column: str, where: str, problems: RowProblems, *, null: bool) -> str | None:
    value = row.get(column)
    if value is None and null:
        return None
    if not isinstance(value, str) or (not null and not value):
        problems.add(f"{where}.{column}", f"{'text or null' if null else 'text, not empty'} (got {shown(value)})")
        return None
    return value


def whole(value: Any) -> int | None:
    """A whole number as JSON gives it (a number, or ASCII digits as text, as some clients give a bigint)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 20:
        return int(value.strip())
    return None


def count_cell(
    row: Mapping[str, Any], column: str, where: str, problems: RowProblems, *, null: bool, most: int
) -> int | None:
    """A whole number from 0 to `most`, or None with the problem said."""
    value = row.get(column)
    if value is None and null:
        return None
    number = whole(value)
    if number is None or not 0 <= number <= most:
        problems.add(f"{where}.{column}", f"a whole number from 0 to {most:,} (got {shown(value)})")
        return None
    return number
