"""The Restate server for the calibration suite (see `tests.calibration.restate_server`), with the
harness's service (`tests.calibration.restate_harness`) registered: a missing binary or a server
that does not become healthy fails the suite rather than skipping it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.calibration.restate_server import Server, ServerError, restate_server


@pytest.fixture(scope="session")
def restate() -> Iterator[Server]:
    """A running Restate server, the harness's service registered with it."""
    try:
        with restate_server("tests.calibration.restate_harness:app") as server:
            yield server
    except ServerError as exc:
        pytest.fail(str(exc))
