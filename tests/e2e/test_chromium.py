"""The browser the tests drive: Chromium as Playwright launches it, less the pages no test needs."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.e2e.switches import CHROMIUM_ARGS, OMNIBOX_FEATURES

FEATURES = re.compile(r"--disable-features=(\S+)")


def _descendants(root: int) -> list[int]:
    """Every process below `root` (read from /proc)."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, up in parent.items() if up in frontier]
        found += children
        frontier = children
    return found


def _disabled_in_effect(kind, chromium: str, args: list[str]) -> set[str]:  # type: ignore[no-untyped-def]
    """The features a Chromium launched by Playwright (`kind`, its browser type) with `args` runs with
    disabled: what its GPU process is told (the browser passes its children the features in effect,
    as one switch)."""
    before = set(_descendants(os.getpid()))
    browser = kind.launch(executable_path=chromium, args=args)
    try:
        browser.new_page().close()
        for pid in set(_descendants(os.getpid())) - before:
            try:
                line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "--type=gpu-process" in line:
                match = FEATURES.search(line)
                return set(match.group(1).split(",")) if match else set()
    finally:
        browser.close()
    raise AssertionError("no GPU process of the launched Chromium was found")


def test_chromium_disables_what_playwright_does_and_no_omnibox(chromium, browser, page):  # type: ignore[no-untyped-def]
    """Chromium keeps only the last `--disable-features`: ours must repeat every feature Playwright's
    own launch disables, and add the address bar's suggestion pages, which cost CPU on every load."""
    plain = [a for a in CHROMIUM_ARGS if not a.startswith("--disable-features=")]
    playwrights = _disabled_in_effect(browser.browser_type, chromium, plain)
    ours = _disabled_in_effect(browser.browser_type, chromium, CHROMIUM_ARGS)
    assert playwrights, "Playwright's launch disabled no feature (or the check no longer finds them)"
    assert playwrights <= ours, f"disabled by Playwright, not by the tests' launch: {sorted(playwrights - ours)}"
    assert set(OMNIBOX_FEATURES) <= ours
    page.goto(page.base_url + "/")  # the tests' own browser, on the app: no suggestion page beside it
    page.locator("[data-testid=stApp]").wait_for()
    session = browser.new_browser_cdp_session()
    urls = [t["url"] for t in session.send("Target.getTargets")["targetInfos"]]
    assert [u for u in urls if u.startswith(page.base_url)], urls
    assert not [u for u in urls if u.startswith("chrome://omnibox")], urls
