"""The engines' clients run even where a browser test left Playwright's event loop marked running
on the worker's main thread (`tests.calibration.off_loop`)."""

from __future__ import annotations

import asyncio

import pytest

from tests.calibration import off_loop


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


def test_an_engine_client_runs_while_the_main_thread_holds_a_running_loop():
    before = asyncio._get_running_loop()  # Playwright's own, on a worker that ran a browser test: kept
    held = asyncio.new_event_loop()
    asyncio._set_running_loop(held)  # what Playwright's sync API leaves between its calls
    try:
        coroutine = _answer()
        with pytest.raises(RuntimeError, match="running event loop"):
            asyncio.run(coroutine)
        coroutine.close()
        assert off_loop.run(_answer()) == 42
        with pytest.raises(ZeroDivisionError):  # an exception comes back to the caller
            off_loop.off_loop(lambda: 1 // 0)
    finally:
        asyncio._set_running_loop(before)
        held.close()
