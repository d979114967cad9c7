"""Calendar and size conventions shared by the engine.

These are definitions, not vendor rules: a vendor's own conversion (Temporal counts 744 GBh in
a GB-month of allowance) lives in its pricing table.
"""

from __future__ import annotations

__all__ = [
    "BYTES_PER_GB",
    "BYTES_PER_KB",
    "BYTES_PER_MB",
    "HOURS_PER_DAY",
    "HOURS_PER_MONTH",
    "MONTHS_PER_YEAR",
    "PER_UNIT",
    "SECONDS_PER_DAY",
    "SECONDS_PER_HOUR",
    "SECONDS_PER_MONTH",
]

SECONDS_PER_HOUR = 3600.0
HOURS_PER_DAY = 24.0
MONTHS_PER_YEAR = 12.0
HOURS_PER_MONTH = 365.0 * HOURS_PER_DAY / MONTHS_PER_YEAR
"""An average month, 730 h: what cloud providers use to quote hourly prices per month."""
SECONDS_PER_MONTH = HOURS_PER_MONTH * SECONDS_PER_HOUR
SECONDS_PER_DAY = HOURS_PER_DAY * SECONDS_PER_HOUR

BYTES_PER_KB = 1024.0
BYTES_PER_MB = 1024.0 * BYTES_PER_KB
"""Binary megabytes: Temporal's history limits are set in code as multiples of 1024 * 1024."""
BYTES_PER_GB = 1024.0 * BYTES_PER_MB

PER_UNIT = {"USD/1M actions": 1e-6}
"""Price units quoted per many units, and the factor that turns them into per-one prices."""
