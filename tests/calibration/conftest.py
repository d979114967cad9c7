"""A real Temporal server for the calibration suite (see `tests.calibration.server`): a missing
binary or a server that does not answer fails the suite rather than skipping it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.calibration.server import ServerError, dev_server


@pytest.fixture(scope="session")
def temporal_server() -> Iterator[str]:
    """The address (host:port) of a running dev server."""
    try:
        with dev_server() as address:
            yield address
    except ServerError as exc:
        pytest.fail(str(exc))
