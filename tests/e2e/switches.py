"""The switches Debian's Chromium is launched with, by the browser tests and by `bench/browser.py`
alike, so the benchmark measures the browser the tests drive. Plain data: no pytest here."""

from __future__ import annotations

PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
    "SkipListAccountsWithoutGaiaCookies",
)
"""The features Playwright's own launch disables. Chromium reads only the last `--disable-features`
switch, so the one below repeats them (`test_chromium_disables_what_playwright_does_and_no_omnibox`
fails when a new Playwright disables more)."""
OMNIBOX_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
"""Chromium draws the address bar's suggestions as web pages of their own, which work on every load
of a page though a headless browser shows no address bar: about a quarter of Chromium's CPU per
load of the app (20.7 s against 15.2 s over six loads, three runs each)."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *OMNIBOX_FEATURES)),
]
