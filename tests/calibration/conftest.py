"""A real Temporal server for the calibration suite (see `tests.calibration.server`): a missing
binary or a server that does not answer fails the suite rather than skipping it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.calibration.restate_fixtures import restate  # noqa: F401  (the Restate suite's server)
from tests.calibration.server import Server, ServerError, dev_server


@pytest.fixture(scope="session")
def temporal() -> Iterator[Server]:
    """A running dev server."""
    try:
        with dev_server() as server:
            yield server
    except ServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def temporal_server(temporal: Server) -> str:
    """The address (host:port) of a running dev server."""
    return temporal.address
