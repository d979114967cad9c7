"""The Restate server of `tests/calibration/restate/package.json` (npm `@restatedev/restate-server`),
started on free loopback ports with a temporary base directory and stopped by its process group:
for the Restate calibration suite (`tests/calibration/test_restate.py`).

The server reaches no outside host:

- its telemetry (a daily GET to restate.gateway.scarf.sh with the version, target and uptime) is
  turned off by the configuration option `disable-telemetry = true` (environment
  `RESTATE_DISABLE_TELEMETRY=true`);
- its check for a newer release (a GET to api.github.com at every start, `check-latest-release`)
  has no option in 1.7.12: where the machine allows an unprivileged network namespace (`unshare
  --user --map-root-user --net`), the server and the service it calls run in one that has only a
  loopback interface, and the test talks to them through the server's Unix sockets; where it does
  not, they run on the host's loopback and that single request fails on a machine without
  internet (`Server.isolated` says which).

The binary is the platform package's own (`@restatedev/restate-server-<os>-<arch>/bin/restate-server`),
not the npm wrapper, so the process group holds the server itself. A missing binary raises
`ServerError`: the fixture fails the suite rather than skipping it.

Run as a module (`python -m tests.calibration.restate_server`), this file is the launcher inside
the namespace: it brings the loopback interface up, starts the server and the service (hypercorn
serving an ASGI app), and stops both on SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.processes import ends_with_this_process

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent / "restate"
STARTUP_SECONDS = 30
NODE = "n1"
TELEMETRY_ENV = {"RESTATE_DISABLE_TELEMETRY": "true"}


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def restate_binary() -> Path:
    """The restate-server executable npm installed for this platform."""
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower())
    system = {"linux": "linux", "darwin": "darwin"}.get(sys.platform)
    found = PACKAGE_DIR / "node_modules" / "@restatedev" / f"restate-server-{system}-{arch}" / "bin" / "restate-server"
    if not found.exists():
        raise ServerError(
            f"no Restate server at {found.relative_to(ROOT)}: install it with "
            f"`npm ci --prefix {PACKAGE_DIR.relative_to(ROOT)}` (package.json pins @restatedev/restate-server)"
        )
    return found


def config_toml(node_port: int, admin_port: int, ingress_port: int) -> str:
    """The server's configuration: loopback only, no telemetry, one partition, invocation retries
    10 ms apart (a step that fails retries the invocation at once), small memory."""
    return f"""\
disable-telemetry = true
cluster-name = "calibration"
default-num-partitions = 1
rocksdb-total-memory-size = "256 MiB"
bind-address = "127.0.0.1:{node_port}"
advertised-address = "http://127.0.0.1:{node_port}/"
log-filter = "warn,restate=warn"
log-format = "compact"
log-disable-ansi-codes = true

[default-retry-policy]
initial-interval = "10ms"
exponentiation-factor = 1.0
max-interval = "10ms"
max-attempts = 100
on-max-attempts = "kill"

[admin]
bind-address = "127.0.0.1:{admin_port}"
disable-web-ui = true

[ingress]
bind-address = "127.0.0.1:{ingress_port}"
"""


def namespace_prefix() -> list[str]:
    """`unshare` into a new user and network namespace, if this machine allows it unprivileged
    (`TCO_RESTATE_SHARED_NETWORK=1`: never)."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux") or os.environ.get("TCO_RESTATE_SHARED_NETWORK") == "1":
        return []
    prefix = [unshare, "--user", "--map-root-user", "--net"]
    try:
        done = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return prefix if done.returncode == 0 else []


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self.path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def unix_request(
    path: Path, method: str, url: str, body: Any = None, timeout: float = 30.0, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """One HTTP/1.1 request over a Unix socket: (status, body)."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    conn = _UnixConnection(str(path), timeout)
    try:
        sent = {} if data is None else {"content-type": "application/json"}
        conn.request(method, url, body=data, headers={**sent, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass(frozen=True)
class Server:
    base: Path
    """The server's base directory (its data, its Unix sockets, the service's side files)."""
    service_port: int
    """The loopback port of the service (inside the namespace when isolated)."""
    isolated: bool
    """Whether the server and the service run in a network namespace of their own."""
    log_path: Path
    pid: int = 0
    """The launcher's process id (the server and the service are its children)."""

    @property
    def admin_socket(self) -> Path:
        return self.base / NODE / "admin.sock"

    @property
    def ingress_socket(self) -> Path:
        return self.base / NODE / "ingress.sock"

    def admin(self, method: str, url: str, body: Any = None, timeout: float = 30.0) -> tuple[int, bytes]:
        return unix_request(self.admin_socket, method, url, body, timeout, {"accept": "application/json"})

    def ingress(self, method: str, url: str, body: Any = None, timeout: float = 30.0) -> tuple[int, bytes]:
        return unix_request(self.ingress_socket, method, url, body, timeout)

    def sql(self, query: str) -> list[dict[str, Any]]:
        """Rows of a SQL query on the server's system tables (the admin API's `POST /query`)."""
        status, data = self.admin("POST", "/query", {"query": query}, timeout=30.0)
        if status != 200:
            raise ServerError(f"query failed ({status}): {data.decode(errors='replace')[:500]}")
        rows: list[dict[str, Any]] = json.loads(data)["rows"]
        return rows

    def register(self) -> None:
        """Register the service's deployment (the admin API's `POST /deployments`), retrying while
        the service starts."""
        uri = f"http://127.0.0.1:{self.service_port}"
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                status, data = self.admin("POST", "/deployments", {"uri": uri, "force": True})
            except OSError as exc:
                status, data = 0, str(exc).encode()
            if status in (200, 201):
                return
            if time.monotonic() > deadline:
                raise ServerError(f"could not register {uri} ({status}): {data.decode(errors='replace')[:500]}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _healthy(server: Server) -> bool:
    try:
        admin, _ = server.admin("GET", "/health", timeout=2)
        ingress, _ = server.ingress("GET", "/restate/health", timeout=2)
    except OSError:
        return False
    return admin == 200 and ingress == 200


@contextlib.contextmanager
def restate_server(app: str | None = None) -> Iterator[Server]:
    """Yield a running, healthy server; with `app` (an ASGI app as `module:attribute`), a service
    serving it on a free loopback port beside the server, registered with it."""
    binary = restate_binary()
    prefix = namespace_prefix()
    with tempfile.TemporaryDirectory(prefix="restate-") as tmp:
        base = Path(tmp)
        config = base / "restate.toml"
        config.write_text(config_toml(free_port(), free_port(), free_port()))
        server = Server(base, free_port(), bool(prefix), base / "launcher.log")
        command = [
            *prefix,
            sys.executable,
            "-m",
            "tests.calibration.restate_server",
            "--binary",
            str(binary),
            "--config",
            str(config),
            "--base-dir",
            str(base),
            "--service-port",
            str(server.service_port),
        ]
        if app:
            command += ["--app", app]
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, **TELEMETRY_ENV, "PYTHONPATH": path}
        with server.log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=ends_with_this_process(),
            )
        server = dataclasses.replace(server, pid=process.pid)
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _healthy(server):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise ServerError(f"the Restate server did not become healthy: {server.log()[-3000:]}")
                time.sleep(0.05)
            if app:
                server.register()
            yield server
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# --- the launcher, inside the namespace -----------------------------------------------------------


def _loopback_up() -> None:
    """Bring `lo` up (a new network namespace starts with it down); a no-op where it is up."""
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(s, siocgifflags, request))[1]
        if not flags & iff_up:
            fcntl.ioctl(s, siocsifflags, struct.pack("16sH22x", b"lo", flags | iff_up))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--base-dir", required=True)
    parser.add_argument("--service-port", type=int, required=True)
    parser.add_argument("--app")
    args = parser.parse_args(argv)
    if sys.platform.startswith("linux"):
        _loopback_up()
    children = [
        subprocess.Popen(
            [
                args.binary,
                "--config-file",
                args.config,
                "--base-dir",
                args.base_dir,
                "--node-name",
                NODE,
                "--listen-mode",
                "all",
                "--no-logo",
            ],
            env={**os.environ, **TELEMETRY_ENV},
            preexec_fn=ends_with_this_process(),
        )
    ]
    if args.app:
        children.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hypercorn",
                    "--bind",
                    f"127.0.0.1:{args.service_port}",
                    "--log-level",
                    "warning",
                    args.app,
                ],
                env={**os.environ, "RESTATE_HARNESS_DIR": args.base_dir},
                preexec_fn=ends_with_this_process(),
            )
        )

    def stop(*_: Any) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(child.poll() is None for child in children):
        time.sleep(0.1)
    stop()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
