"""Calendar, size and unit conventions shared by the engine.

These are definitions, not vendor rules: a vendor's own conversion (744 GBh in a GB-month of
allowance, say) lives in its pricing table.
"""

from __future__ import annotations

import functools
import re

__all__ = [
    "BYTES_PER_GB",
    "BYTES_PER_KB",
    "BYTES_PER_MB",
    "DAYS_PER_MONTH",
    "HOURS_PER_DAY",
    "HOURS_PER_MONTH",
    "MONTHS_PER_YEAR",
    "ROUNDING",
    "SECONDS_PER_DAY",
    "SECONDS_PER_HOUR",
    "SECONDS_PER_MONTH",
    "in_base_unit",
    "price_unit_parts",
]

SECONDS_PER_HOUR = 3600.0
HOURS_PER_DAY = 24.0
MONTHS_PER_YEAR = 12.0
DAYS_PER_MONTH = 365.0 / MONTHS_PER_YEAR
HOURS_PER_MONTH = DAYS_PER_MONTH * HOURS_PER_DAY
"""An average month, 730 h: what cloud providers use to quote hourly prices per month."""
SECONDS_PER_MONTH = HOURS_PER_MONTH * SECONDS_PER_HOUR
SECONDS_PER_DAY = HOURS_PER_DAY * SECONDS_PER_HOUR

BYTES_PER_KB = 1024.0
BYTES_PER_MB = 1024.0 * BYTES_PER_KB
"""Binary megabytes: vendors set history limits in code as multiples of 1024 * 1024."""
BYTES_PER_GB = 1024.0 * BYTES_PER_MB

ROUNDING = 1e-9
"""Relative slack for floating-point rounding: a remainder smaller than this is none."""

_BASE: dict[str, tuple[str, float]] = {
    "bytes": ("bytes", 1.0),
    "KB": ("bytes", BYTES_PER_KB),
    "MB": ("bytes", BYTES_PER_MB),
    "GB": ("bytes", BYTES_PER_GB),
    "s": ("s", 1.0),
    "hours": ("s", SECONDS_PER_HOUR),
    "days": ("s", SECONDS_PER_DAY),
    "weeks": ("s", 7 * SECONDS_PER_DAY),
}


def in_base_unit(unit: str) -> tuple[str, float]:
    """(base unit, factor) of a limit's unit: sizes in bytes, times in seconds, counts as they are.

    >>> in_base_unit("MB"), in_base_unit("days"), in_base_unit("events")
    (('bytes', 1048576.0), ('s', 86400.0), ('events', 1.0))
    """
    return _BASE.get(unit, (unit, 1.0))


_PER_MANY = re.compile(r"^(?P<currency>[A-Z]{3})/(?P<count>\d+(?:\.\d+)?)(?P<multiple>[kM]?) (?P<noun>.+)$")
_MULTIPLE = {"": 1.0, "k": 1e3, "M": 1e6}


@functools.lru_cache(maxsize=512)  # a book has a few dozen units; the engine asks hundreds of times a call
def price_unit_parts(unit: str) -> tuple[float, str]:
    """(factor, per-one unit) of a price unit: a price quoted per many units (`USD/1M actions`)
    times the factor is the price of one (`USD/action`). Other units are per one already.

    >>> price_unit_parts("USD/1M actions"), price_unit_parts("USD/100k steps"), price_unit_parts("USD/GBh")
    ((1e-06, 'USD/action'), (1e-05, 'USD/step'), (1.0, 'USD/GBh'))
    """
    match = _PER_MANY.match(unit)
    if match is None:
        return 1.0, unit
    many = float(match["count"]) * _MULTIPLE[match["multiple"]]
    noun = match["noun"]
    one = noun[:-1] if noun.endswith("s") else noun
    return 1.0 / many, f"{match['currency']}/{one}"
