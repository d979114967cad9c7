"""Browser benchmark: a keypress to the new headline in a real Chromium, as ratios in one run.

    .venv/bin/python bench/browser.py

Both apps are served by `streamlit run` on 127.0.0.1 (its file watcher off: the code measured is the
code loaded) and driven in Debian's Chromium; a page's request to any other host is blocked and
counted. An edit is a user's: focus the number input, select all, type a value not used before, press
Enter. The clock is the page's: from the Enter keydown's event time to the moment a MutationObserver
sees the headline (the first h4 of the main area) change in the DOM, and to the moment the app root's
`data-test-script-state` (what the status widget shows, without its 500 ms delay and 200 ms fade) is
back to `notRunning`: the run finished.

1. One session: app.py (monthly runs, in the sidebar) against bench/minimal_app.py (one number input,
   a heading, a small chart), after warm-up edits: median, p95 (nearest rank), the ratio; and
   bench/inputs_app.py, as many number inputs as the app draws and nothing else: the floor under it.
2. Twenty sessions on the same app server, a browser context each, all pressing Enter together
   (asyncio, once each has typed its value), round after round: p50, p95 against the one-session median;
   then the same against the minimal app, the floor this machine and harness set.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Locator, Page, Route, async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the repository, for the switches the browser tests launch Chromium with
from tests.e2e.switches import CHROMIUM_ARGS  # noqa: E402

CHROMIUM = os.environ.get("TCO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
"""Debian's Chromium (TCO_CHROMIUM names another binary, as for the browser tests)."""
WARMUP, EDITS = 3, 15
SESSIONS, ROUNDS = 20, 4  # 5 rounds took over 5 minutes on a shared 2-core machine
TIMEOUT = 300_000  # ms; twenty runs at once on a shared two-core machine take a while
SETTLE = 300  # ms after a run finishes before the next edit (charts draw after the run)

OBSERVE = """() => {
    const text = () => document.querySelector('[data-testid=stMain] h4')?.textContent ?? null;
    const b = window.__bench = {armed: false, key: null, done: null, arm: () => Object.assign(b,
        {armed: true, old: text(), key: null, shown: null, done: null})};
    const state = () => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state');
    document.addEventListener('keydown', e => {
        if (b.armed && e.key === 'Enter' && b.key === null) b.key = e.timeStamp;
    }, true);
    new MutationObserver(() => {
        if (b.key === null) return;
        const now = performance.now();
        if (b.shown === null && text() !== null && text() !== b.old) b.shown = now;
        if (b.shown !== null && b.done === null && state() === 'notRunning') b.done = now;
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                               attributeFilter: ['data-test-script-state']});
}"""
ARM = "() => window.__bench.arm()"
READ = """() => { const b = window.__bench; b.armed = false;
    return [b.shown - b.key, b.done - b.key, performance.timeOrigin + b.key]; }"""
EXCEPTION = "[data-testid=stException]"
FAILED = f"!!document.querySelector('{EXCEPTION}')"
IDLE = f"""() => {FAILED} || document.querySelector('[data-testid=stMain] h4') &&
    document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"""

Timing = tuple[float, float, float]  # keypress to headline, keypress to run finished (ms), keypress wall time


class Outside:
    """Blocks and remembers every request to a host other than 127.0.0.1."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    async def route(self, route: Route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            self.urls.append(route.request.url)
            await route.abort()
        else:
            await route.continue_()


def serve(script: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run script` on a free port of 127.0.0.1, in its own process group; waits until it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.address", "127.0.0.1"]
    command += ["--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    command += ["--server.fileWatcherType", "none"]  # the code measured stays the code loaded, whatever is edited
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
            if answer.status == 200:
                return process, base
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"{script} did not start (exit {process.poll()}):\n{log.read_text()[-2000:]}")
        time.sleep(0.3)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


async def open_page(browser: Browser, outside: Outside, url: str, label: str) -> tuple[BrowserContext, Page]:
    """A fresh context on `url`, its run over and the input drawn (a widget is a placeholder until its code loads)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT)
    await context.route("**/*", outside.route)
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_function(IDLE, polling=100)
    await raised(page)
    await page.get_by_label(label, exact=True).wait_for()
    await page.evaluate(OBSERVE)
    await page.wait_for_timeout(1000)
    return context, page


async def raised(page: Page) -> None:
    if await page.locator(EXCEPTION).count():
        raise RuntimeError(f"the app raised: {await page.locator(EXCEPTION).first.inner_text()}")


async def type_value(box: Locator, value: int) -> None:
    await box.press("ControlOrMeta+a")  # focuses the input, then selects all
    await box.press_sequentially(str(value))
    await box.page.evaluate(ARM)


async def measured(page: Page) -> Timing:
    await page.wait_for_function(f"() => window.__bench.done !== null || {FAILED}", polling=50)
    await raised(page)
    key_to_headline, key_to_done, wall = await page.evaluate(READ)
    await page.wait_for_timeout(SETTLE)
    return float(key_to_headline), float(key_to_done), float(wall)


async def single(browser: Browser, outside: Outside, url: str, label: str, values: list[int]) -> list[Timing]:
    """One session's edits in turn; the first WARMUP are left out."""
    context, page = await open_page(browser, outside, url, label)
    try:
        box, out = page.get_by_label(label, exact=True), []
        for value in values:
            await type_value(box, value)
            await page.keyboard.press("Enter")
            out.append(await measured(page))
        return out[WARMUP:]
    finally:
        await context.close()


async def crowd(browser: Browser, outside: Outside, url: str, label: str, start: int) -> tuple[list[Timing], float]:
    """SESSIONS sessions, loaded first, then ROUNDS rounds of one edit each pressed together.
    Returns every session's timing of every round, and the widest spread of keypresses in a round (ms)."""
    opened = await asyncio.gather(*(open_page(browser, outside, url, label) for _ in range(SESSIONS)))
    try:
        pages = [page for _, page in opened]
        boxes = [page.get_by_label(label, exact=True) for page in pages]
        out, spread = list[Timing](), 0.0
        for r in range(ROUNDS):
            values = [start + (r * SESSIONS + s) * 7_919 for s in range(SESSIONS)]
            await asyncio.gather(*(type_value(box, v) for box, v in zip(boxes, values, strict=True)))
            await asyncio.gather(*(page.keyboard.press("Enter") for page in pages))
            round_ = await asyncio.gather(*(measured(page) for page in pages))
            spread = max(spread, max(t[2] for t in round_) - min(t[2] for t in round_))
            out += round_
        return out, spread
    finally:
        await asyncio.gather(*(context.close() for context, _ in opened))


def p95(xs: list[float]) -> float:
    return sorted(xs)[math.ceil(0.95 * len(xs)) - 1]


def line(name: str, timings: list[Timing]) -> tuple[float, float]:
    shown, done = [t[0] for t in timings], [t[1] for t in timings]
    med, run = statistics.median(shown), statistics.median(done)
    print(
        f"{name:<34} headline median {med:7.1f} ms  p95 {p95(shown):7.1f} ms   "
        f"run finished median {run:7.1f} ms  p95 {p95(done):7.1f} ms"
    )
    return med, run


async def number_inputs(browser: Browser, outside: Outside, url: str, label: str) -> int:
    """How many number inputs a page draws once its run is over (its sidebar's expanders hold some)."""
    context, page = await open_page(browser, outside, url, label)
    try:
        return await page.locator("[data-testid=stNumberInput]").count()
    finally:
        await context.close()


async def together(browser: Browser, outside: Outside, url: str, label: str, one: float) -> float:
    """SESSIONS sessions pressing together on one server, against `one` (that app's one-session median);
    the p95 of keypress to headline."""
    began = time.perf_counter()
    timings, spread = await crowd(browser, outside, url, label, 3_000_000)
    shown = [t[0] for t in timings]
    print(
        f"  {ROUNDS} rounds (keypresses at most {spread:.0f} ms apart in a round; "
        f"{time.perf_counter() - began:.0f} s with the loads):"
    )
    print(f"  keypress to headline:      p50 {statistics.median(shown):8.1f} ms  p95 {p95(shown):8.1f} ms")
    if any(t[1] != t[0] for t in timings):
        done = [t[1] for t in timings]
        print(f"  keypress to run finished:  p50 {statistics.median(done):8.1f} ms  p95 {p95(done):8.1f} ms")
    print(f"  ratio, p95 / its one-session median, headline:  {p95(shown) / one:8.1f}x")
    return p95(shown)


async def measure(browser: Browser, outside: Outside, app_url: str, minimal_url: str, inputs_url: str) -> None:
    print(f"browser: Chromium {browser.version} (headless, {CHROMIUM})")
    n, runs = WARMUP + EDITS, "Monthly runs [runs/month]"
    count = await number_inputs(browser, outside, app_url, runs)
    inputs_url = f"{inputs_url}/?n={count}"
    at_app = await single(browser, outside, app_url, runs, [20_000 + i * 104_729 for i in range(n)])
    at_minimal = await single(browser, outside, minimal_url, "Value", [2_000 + i * 7 for i in range(n)])
    at_inputs = await single(browser, outside, inputs_url, "Value", [5_000 + i * 7 for i in range(n)])
    print(f"\none session, {EDITS} edits after {WARMUP} warm-up (keypress to the new headline in the DOM):")
    app_med, app_run = line("app.py (monthly runs)", at_app)
    min_med, min_run = line("minimal app (one input, one chart)", at_minimal)
    inputs_med, _ = line(f"its {count} number inputs alone", at_inputs)
    print(f"ratio, app / minimal, headline median:      {app_med / min_med:8.1f}x  (goal 1.5x)")
    print(f"ratio, app / minimal, run finished median:  {app_run / min_run:8.1f}x")
    print(f"ratio, the inputs alone / minimal:          {inputs_med / min_med:8.1f}x  (the floor under the app's)")

    print(f"\n{SESSIONS} sessions on the one app server, each in its own browser context:")
    print("app.py:")
    app_p95 = await together(browser, outside, app_url, runs, app_med)
    print("minimal app (the floor: what twenty Chromium pages and one Streamlit server cost on this machine):")
    min_p95 = await together(browser, outside, minimal_url, "Value", min_med)
    print(f"ratio, app / minimal, {SESSIONS} sessions' p95 keypress to headline: {app_p95 / min_p95:8.1f}x  (goal 2x)")


async def run() -> None:
    outside, logs = Outside(), Path(tempfile.mkdtemp(prefix="bench-browser-"))
    servers: list[subprocess.Popen[bytes]] = []
    try:
        urls = []
        for script in ("app.py", "bench/minimal_app.py", "bench/inputs_app.py"):
            process, url = serve(script, logs / f"{Path(script).stem}.log")
            servers.append(process)
            urls.append(url)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                await measure(browser, outside, *urls)
            finally:
                await browser.close()
    finally:
        for process in servers:
            stop(process)
    print(f"\nrequests to hosts other than 127.0.0.1: {len(outside.urls)}")
    if outside.urls:
        raise SystemExit(f"requests left 127.0.0.1: {outside.urls[:5]}")


def main() -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load}"
    )
    asyncio.run(run())


if __name__ == "__main__":
    main()
