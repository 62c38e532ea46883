"""Fixtures for real-browser tests: a streamlit server and a playwright page.

The server is started once per session from the repo root (so .streamlit/config.toml
applies). Chromium is Debian's /usr/bin/chromium; if it is missing the browser tests
are skipped, unless RNN_EXPLORER_REQUIRE_BROWSER=1 (CI sets it), in which case they fail.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_helpers import IDLE_TIMEOUT_MS  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 60


def _browser_required() -> bool:
    return os.environ.get("RNN_EXPLORER_REQUIRE_BROWSER") == "1"


def _require_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    msg = (
        f"{CHROMIUM} not found: install Debian's chromium "
        "(apt-get update && apt-get install -y chromium) to run the browser tests"
    )
    if _browser_required():
        pytest.fail(msg + " [RNN_EXPLORER_REQUIRE_BROWSER=1]", pytrace=False)
    pytest.skip(msg)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def app_url():
    """Start `streamlit run app.py` on a free port; yield its base URL."""
    _require_chromium()  # no point starting a server nothing can look at
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
    )
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    # Server logs go to files (not pipes) so a chatty server can never block on a full pipe.
    log_dir = Path(tempfile.mkdtemp(prefix="rnn-explorer-server-"))
    out_f = open(log_dir / "stdout.log", "wb")
    err_f = open(log_dir / "stderr.log", "wb")
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out_f, stderr=err_f)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _health_ok(base + "/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                err_f.flush()
                out_f.flush()
                why = (
                    f"exited with code {proc.returncode}"
                    if proc.poll() is not None
                    else f"not healthy after {SERVER_START_TIMEOUT_S} s"
                )
                stderr = (log_dir / "stderr.log").read_text(errors="replace")
                stdout = (log_dir / "stdout.log").read_text(errors="replace")
                pytest.fail(
                    f"streamlit server {why}: {' '.join(cmd)}\n"
                    f"--- stderr ---\n{stderr[-5000:]}\n--- stdout ---\n{stdout[-2000:]}",
                    pytrace=False,
                )
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        out_f.close()
        err_f.close()


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh browser context (= a fresh Streamlit session) per test, 1280x800. What happened to the page (its
    websocket, JavaScript errors, a crash) is kept for the failure report (pytest_runtest_makereport)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.set_default_timeout(IDLE_TIMEOUT_MS)
    start = time.monotonic()
    events = PAGE_EVENTS[pg] = []

    def note(what: str) -> None:
        events.append(f"{time.monotonic() - start:7.1f} s  {what}")

    def websocket(ws) -> None:
        note(f"websocket opened: {ws.url}")
        ws.on("close", lambda _: note(f"websocket closed: {ws.url}"))

    pg.on("websocket", websocket)
    pg.on("crash", lambda _: note("the page crashed"))
    pg.on("pageerror", lambda error: note(f"JavaScript error: {error}"))
    pg.on("console", lambda msg: msg.type == "error" and note(f"console error: {msg.text[:300]}"))
    try:
        yield pg
    finally:
        PAGE_EVENTS.pop(pg, None)
        context.close()


PAGE_EVENTS: dict = {}  # page -> what happened to it (the page fixture)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report says what its page went through and what it showed at the end: the
    websocket's life, JavaScript errors, Streamlit's connection status and the start of the main area's text."""
    report = yield
    pg = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and pg in PAGE_EVENTS:
        lines = list(PAGE_EVENTS[pg])
        try:
            lines.append(f"connection status: {pg.get_by_test_id('stConnectionStatus').all_inner_texts()}")
            lines.append("main area: " + pg.get_by_test_id("stMain").inner_text(timeout=5_000)[:1500])
        except Exception as e:  # noqa: BLE001 - a report, whatever the page's state
            lines.append(f"could not read the page: {e}")
        report.sections.append(("the browser's page", "\n".join(lines)))
    return report


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser/ is a browser test, marked or not."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $RNN_EXPLORER_SHOTS (e.g. `docs`, to refresh the README's pictures), else a
    temporary folder, so that a test run never rewrites tracked files."""
    return Path(os.environ.get("RNN_EXPLORER_SHOTS") or tmp_path)
