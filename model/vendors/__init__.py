"""Vendor billing models, by the `billing_model` id a pricing table names.

Adding a vendor is one YAML table; if its billing unit is new, one module here with a
`BILLING_MODEL` id, the `REQUIRED` numbers it reads, and a `price()` function, plus one line below.
"""

from __future__ import annotations

from types import ModuleType

from model.vendors import temporal_cloud, temporal_selfhost, trigger_cloud, trigger_selfhost

__all__ = ["BILLING_MODELS"]

BILLING_MODELS: dict[str, ModuleType] = {
    module.BILLING_MODEL: module for module in (trigger_cloud, trigger_selfhost, temporal_cloud, temporal_selfhost)
}
