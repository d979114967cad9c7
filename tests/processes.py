"""The servers the tests start end with the test process that started them, however it ends.

A fixture's `finally` stops its server when the run ends normally; a run stopped by a signal runs no
`finally` (pytest-xdist's workers are killed with the run), and a server started in a session of its
own (so a Ctrl-C reaches only the tests) then ran on, using CPU, until someone killed it. On Linux
the kernel can do it: a process may ask for a signal when its parent dies (`PR_SET_PDEATHSIG`).
Elsewhere nothing changes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
"""prctl(2)'s option: the signal this process gets when the thread that started it ends."""
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
"""Looked up here, not in the child: between fork and exec the child only calls it."""


def end_with_parent(parent: int) -> None:
    """Ask for SIGTERM when this process's parent dies (`parent`, the parent's pid as the caller
    knew it: if that parent has died already, exit now). As a `preexec_fn` it runs in the child
    before the server's program starts, and the request outlives the exec."""
    if _prctl is None:
        return
    if _prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return  # the kernel refused: the fixture's own stop still applies
    if os.getppid() != parent:
        os._exit(1)


def ends_with_this_process() -> Callable[[], None]:
    """A `preexec_fn` for `subprocess.Popen`: the child ends when this process does."""
    parent = os.getpid()
    return lambda: end_with_parent(parent)
