"""The real engines' clients run on a thread of their own.

A test worker that has run a browser test holds Playwright's sync API, which keeps an event loop
marked running on the worker's main thread for as long as the browser is open (one a worker). There
`asyncio.run` refuses to start and DBOS's synchronous calls refuse to run, so a calibration test
scheduled after a browser test on the same worker would fail for a reason that is not its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def off_loop(fn: Callable[[], T]) -> T:
    """`fn()` on a new thread, which has no event loop; its result, or its exception raised here."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine-client") as pool:
        return pool.submit(fn).result()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coroutine)` on a new thread (`off_loop`)."""
    return off_loop(lambda: asyncio.run(coroutine))
