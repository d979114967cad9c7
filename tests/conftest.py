"""Shared fixtures: the bundled price book, as of the newest table (so results do not drift with
the calendar), and the presets."""

from __future__ import annotations

import datetime as dt
import functools
import os

import pytest
from hypothesis import HealthCheck, settings

from pricing.load import list_table_files, read_pricebook
from pricing.profiles import read_presets
from schema.profile import WorkloadProfile
from schema.tables import PriceBook

settings.register_profile("default", max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _scan_components_once() -> None:
    """Every new `AppTest` scans every installed distribution's metadata for Streamlit components
    (3.6 % of the quick suite's CPU, measured with a sampling profiler). The installed packages do
    not change during a test run, so the scan is done once per worker and its list copied out."""
    from streamlit.components.v2 import manifest_scanner

    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is None:  # a Streamlit without the scan: nothing to save
        return
    once = functools.cache(scan)
    manifest_scanner.scan_component_manifests = lambda *args, **kwargs: list(once(*args, **kwargs))


_scan_components_once()


def latest_date() -> dt.date:
    return max(f.effective for f in list_table_files())


@pytest.fixture(scope="session")
def book() -> PriceBook:
    return read_pricebook(on=latest_date())


@pytest.fixture(scope="session")
def presets() -> dict[str, WorkloadProfile]:
    return read_presets()
