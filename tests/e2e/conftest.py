"""Real-browser fixtures: the app served by `streamlit run` on 127.0.0.1, and Debian's Chromium
driven by Playwright through `executable_path` (the tests never use a browser Playwright downloads).

Without a Chromium the browser tests skip, saying why; with TCO_REQUIRE_BROWSER=1 (set by
`.ci/run`) a missing browser fails the run instead, so CI always runs them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.switches import CHROMIUM_ARGS
from tests.processes import ends_with_this_process

ROOT = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = {"127.0.0.1"}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("TCO_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        reason = (
            "browser tests need Debian's Chromium (apt-get install chromium; or set TCO_CHROMIUM to a "
            "Chromium binary) and none was found"
        )
        if os.environ.get("TCO_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; TCO_REQUIRE_BROWSER=1 makes that a failure")
        pytest.skip(reason)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port of 127.0.0.1; yields its base URL. Its output goes
    to a log file whose tail is shown if it does not start."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, preexec_fn=ends_with_this_process()
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"streamlit did not start (exit {process.poll()}):\n{tail}")
                time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def browser(chromium: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Requests:
    """Every request and web socket a page opened, and those to any host but 127.0.0.1. Chromium itself
    resolves no other host (`--host-resolver-rules` above), so such a request is seen here and fails."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.outside: list[str] = []

    def watch(self, target) -> None:  # type: ignore[no-untyped-def]
        """Record what the page `target` asks for. Listening, unlike routing every request through
        Playwright, leaves Chromium's cache on."""
        target.on("request", lambda request: self.seen(request.url))
        target.on("websocket", lambda socket: self.seen(socket.url))

    def seen(self, url: str) -> None:
        self.urls.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.outside.append(url)

    def check(self) -> None:
        assert self.urls, "the page made no request at all"
        assert self.outside == [], f"requests to hosts other than 127.0.0.1: {self.outside}"


FRESH_STORAGE = """if (!sessionStorage.getItem('tco.fresh')) {
    localStorage.clear();
    sessionStorage.setItem('tco.fresh', '1');
}"""
"""Run before each document of a page: its first one starts on empty storage (the page's tab keeps
the mark, so the test's later documents keep what the first stored, as in a context of their own)."""


@pytest.fixture(scope="session")
def shared(browser):  # type: ignore[no-untyped-def]
    """One browser context for a worker's tests: Chromium keeps the app's scripts and their compiled
    code between tests (a context each cost about 28 % more CPU in the browser suite)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    yield context
    context.close()


@contextlib.contextmanager
def local_page(context, server: str):  # type: ignore[no-untyped-def]
    """A new page on the app in `context`, its storage empty; fails, once closed, if it made no
    request at all or asked any host but 127.0.0.1."""
    requests = Requests()
    page = context.new_page()
    page.add_init_script(FRESH_STORAGE)
    requests.watch(page)
    page.base_url = server
    yield page
    page.close()
    requests.check()


@pytest.fixture
def page(shared, server):  # type: ignore[no-untyped-def]
    """A new page on the app for one test (`local_page`)."""
    with local_page(shared, server) as page:
        yield page
