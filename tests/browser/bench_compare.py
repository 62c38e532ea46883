"""Benchmark: how often the Compare page's live loss chart redraws in a real browser while the cells train.

    python tests/browser/bench_compare.py [--seconds 6] [--repo PATH ...]

Starts `streamlit run app.py` on a free port, opens the Compare page in Debian's Chromium, presses Start and samples
every animation frame (requestAnimationFrame) the SVG path of each curve on the loss chart (drawn by plotly.js or
sketched over it by bridge.js): a frame in which any path differs from the previous frame's is a browser-visible
update. Nothing the page does for the test is counted. Prints
updates/s (median gap and spread), each cell's steps/s as its counter shows them, and the machine's load average
(this machine is shared: read the figures with it). Several --repo checkouts (e.g. an export of the commit before
the page moved to the bridge) are measured in turn, A/B/A/B. Not a test: speed is never asserted.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
COUNTERS = re.compile(r"([\w -]+?): step (\d+)")

SAMPLER_JS = """() => {  // every animation frame: did any curve of the loss chart change on screen?
  const log = window.__frames = [];  // [ms, changed]
  let last = null;
  const tick = () => {
    const chart = '[class*="st-key-compare_loss"]';  // the lines plotly.js drew and those sketched over them
    const paths = [...document.querySelectorAll(`${chart} .scatterlayer .js-line, ${chart} .rnnx-sketches .rnnx-line`)];
    const now = paths.map((p) => p.getAttribute("d")).join("|");
    log.push([performance.now(), last !== null && now !== last && now !== ""]);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(repo: Path = REPO) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(repo), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    logs = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.fileWatcherType", "none"], cwd=repo, env=env,
                            stdout=open(logs / "out.log", "wb"), stderr=open(logs / "err.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=2).read().strip() == b"ok":
                return proc, base
        except OSError:
            time.sleep(0.25)
    proc.terminate()
    raise SystemExit(f"the server did not start (logs in {logs})")


def counters(page) -> dict[str, int]:
    text = page.get_by_test_id("stMain").get_by_text(re.compile(r": step \d+ ·")).first.inner_text()
    return {name.strip(): int(n) for name, n in COUNTERS.findall(text)}


def measure(base: str, seconds: float) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(60_000)
        page.goto(base)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached")
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Compare").first.click()
        main = page.get_by_test_id("stMain")
        main.get_by_role("button", name="Start").wait_for()
        page.wait_for_timeout(300)  # the page may still be running after the switch: a click then can be lost
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached")
        main.get_by_role("button", name="Start").click()
        page.wait_for_selector('[class*="st-key-compare_loss"] .scatterlayer .js-line')
        page.wait_for_timeout(2000)  # getting going
        page.evaluate(SAMPLER_JS)
        before, t0 = counters(page), time.perf_counter()
        load0 = os.getloadavg()
        page.wait_for_timeout(seconds * 1000)
        after, t1 = counters(page), time.perf_counter()
        frames = page.evaluate("window.__frames")
        main.get_by_role("button", name="Pause").click()
        browser.close()
    changes = [t for t, changed in frames if changed]
    span = (frames[-1][0] - frames[0][0]) / 1000
    gaps = [b - a for a, b in zip(changes, changes[1:])]
    rate = {k: (after[k] - before.get(k, 0)) / (t1 - t0) for k in after}
    print(f"Compare, default lab, vanilla RNN, LSTM, GRU: {len(changes) / span:.1f} browser-visible loss-chart updates/s over "
          f"{span:.1f} s ({len(frames) / span:.0f} animation frames/s sampled); gap between updates median "
          f"{statistics.median(gaps):.0f} ms, 10-90 % {sorted(gaps)[len(gaps) // 10]:.0f}-"
          f"{sorted(gaps)[len(gaps) * 9 // 10]:.0f} ms" if len(gaps) > 2 else f"only {len(changes)} updates")
    print("training steps/s per cell (its counter): " + ", ".join(f"{k} {v:.0f}" for k, v in rate.items()))
    print(f"load average (1 min) at start {load0[0]:.2f}, at end {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--repo", type=Path, action="append", help="a checkout to serve (default: this one)")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    for _ in range(args.rounds):
        for repo in args.repo or [REPO]:
            print(f"--- {repo}")
            proc, base = serve(repo)
            try:
                measure(base, args.seconds)
            finally:
                proc.terminate()
                proc.wait(timeout=10)


if __name__ == "__main__":
    main()
