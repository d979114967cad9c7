"""Waiting for the app in a real browser: one rule for every browser test."""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

TIMEOUT = 60_000
POLL = 100
"""Milliseconds between checks of a page function waited for. Playwright's default checks on every
animation frame, which keeps Chromium drawing frames all through the wait: 0.47 s of its CPU per 5 s
waited, against 0.02-0.1 s checking every 100 ms."""

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
    page.wait_for_function(SETTLED, timeout=TIMEOUT, polling=POLL)


def type_into_list(page, box, text: str, tries: int = 4):  # type: ignore[no-untyped-def]
    """Open a select box, type into it and return its drawn options. A rerun that lands while the
    list is open closes it (Streamlit redraws the widget), so a list that does not appear is opened
    again, after the app is idle, a few times before the test fails."""
    option = page.get_by_role("option")
    for attempt in range(tries):
        wait_idle(page)
        box.click()
        box.fill(text)
        try:
            option.first.wait_for(timeout=TIMEOUT // tries if attempt < tries - 1 else TIMEOUT)
            return [t.strip() for t in option.all_inner_texts()]
        except PlaywrightTimeout:  # the list did not appear: open it once more
            page.keyboard.press("Escape")
    return []
