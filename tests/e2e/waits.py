"""Waiting for the app in a real browser: one rule for every browser test."""

from __future__ import annotations

TIMEOUT = 60_000

SETTLED = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    return app && app.dataset.testScriptState === 'notRunning'
        && app.dataset.testConnectionState === 'CONNECTED'
        && !document.querySelector('[data-testid=stStatusWidget]');
}"""
"""Streamlit's own marks on the page: its script is not running, no rerun is asked for, and the
connection is up. The 'running' badge alone is not enough: it shows only once a run has lasted a
moment, so on a loaded machine a run can be under way without it."""


def wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app has finished every run asked of it (a short pause first, so a run the last
    action asks for has begun)."""
    page.wait_for_timeout(300)
    page.wait_for_function(SETTLED, timeout=TIMEOUT)
