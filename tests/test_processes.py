"""A server a test starts ends with the process that started it, even when that process is killed
and runs no `finally` (`tests.processes`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTER = """
import subprocess, sys
from tests.processes import ends_with_this_process
child = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(60)"],
    start_new_session=True,  # as the servers are: a Ctrl-C reaches only the tests
    preexec_fn=ends_with_this_process() if sys.argv[1] == "ends" else None,
)
print(child.pid, flush=True)
child.wait()
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _orphan_after_kill(mode: str) -> bool:
    """Start a process that starts a child, kill it with SIGKILL, and say whether the child lives on."""
    with subprocess.Popen(
        [sys.executable, "-c", STARTER, mode], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as starter:
        assert starter.stdout is not None
        child = int(starter.stdout.readline())
        starter.kill()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline and mode == "ends":
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_server_ends_with_the_killed_process_that_started_it() -> None:
    assert not _orphan_after_kill("ends")
    assert _orphan_after_kill("plain"), "without the request the child outlives its parent: the check can fail"
