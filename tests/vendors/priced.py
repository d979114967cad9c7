"""What the vendors' own tests share: an option's summarized estimate, one of its line items, and a
number's value under a scenario worked out by hand (not through the engine's own `pick`)."""

from __future__ import annotations

from typing import Any

from model.engine import estimate
from model.result import summarize
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

__all__ = ["by_hand", "component", "priced"]


def priced(profile: WorkloadProfile, book: PriceBook, *options: str) -> list[Any]:
    """Each named option's part of the JSON contract (`OptionOut`) for one profile, in that order."""
    return list(summarize(estimate(profile, book, list(options))).options)


def component(out: Any, key: str) -> Any:
    """The line item `key` of an option's contract (StopIteration where it has none)."""
    return next(c for c in out.components if c.key == key)


def by_hand(number: Any, scenario: str) -> float:
    """A table number under `low`, `expected` or `high`: the range's end, or its value."""
    end = {"low": number.low, "high": number.high}.get(scenario)
    return float(number.expected if end is None else end)
