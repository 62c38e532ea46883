"""Measure the Train page's live loop in a real browser, beside the headless trainer in the same run.

    .venv/bin/python tests/browser/bench_train.py                      # this checkout, 3 rounds
    .venv/bin/python tests/browser/bench_train.py --app /tmp/old --app .   # A/B: rounds alternate between the two
    .venv/bin/python tests/browser/bench_train.py --pin                    # the server on CPU 0, the browser on CPU 1

Per round and app: start `streamlit run app.py` in the app's folder, open Train in headless Chromium, press Start
(steps per run 20000), and over a window of --seconds count, by sampling every animation frame
(requestAnimationFrame), how often what the browser shows changed: the loss chart's line, the ‖∂L/∂h_t‖ curve's
line, the step counter; how many frames the browser drew at all, and how many feed elements reached the page.
Also: the in-app training steps/s (from the counter); the headless trainer's steps/s (this process, the same lab,
measured while the app is idle right before Start and right after Pause: their mean is the yardstick); the server
process's CPU seconds over the window, per loss-chart update, in all and beyond the training's own share (steps ×
the headless trainer's CPU seconds per step; also per second, in cores); the CPU the browser's processes used (cores);
after Pause, when the server's last step finished (the history CSV's finished_at), when the loss chart
last showed a new point and last changed at all (its axes fit the data once the run stops), and when the counter
last changed, in seconds after the click. Where the browser's time goes over the window: the
share of its main thread that was busy (with --profile: a DevTools CPU profile, all but its idle samples; the
profiler slows the page it measures, so it is off by default), and for each live chart the plotly.js calls that
redrew it (how many a second, ms each). Prints one line per round and the medians.
Nothing here is asserted: the machine is shared; read the ratios.
"""
from __future__ import annotations

import argparse
import math
import os
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

SAMPLER_JS = """() => {  // every animation frame: did the loss line, the curve line or the counter change?
  const log = window.__frames = [];  // [ms, what, value?]; "frame": every animation frame the browser drew
  const last = {};
  const seen = (what, v, extra) => { if (v != null && v !== last[what]) { last[what] = v; log.push([performance.now(), what, extra]); } };
  document.addEventListener("click", (e) => {
    if (e.target.closest("button")?.innerText.includes("Pause")) log.push([performance.now(), "pause", Date.now()]);
  }, true);
  const main = () => document.querySelector('[data-testid="stMain"]');
  const line = (key) => {  // the chart's first trace as drawn: plotly.js's line and the points sketched beyond it
    const chart = main()?.querySelector(`[class*="st-key-${key}"]`);
    const drawn = chart?.querySelector(".scatterlayer .js-line")?.getAttribute("d");
    const sketched = [...chart?.querySelectorAll('.rnnx-sketches [data-trace="0"] .rnnx-line') || []];
    return drawn == null ? null : drawn + sketched.map((e) => e.getAttribute("d")).join();
  };
  const points = () => {  // how many points of the loss line the browser shows: plotly.js's and those sketched
    const chart = main()?.querySelector('[class*="st-key-train_loss_chart"]');
    const gd = chart?.querySelector(".js-plotly-plot"), sketch = chart?.querySelector('.rnnx-sketches [data-trace="0"] .rnnx-line');
    return gd?.data ? gd.data[0].x.length + (sketch?.getAttribute("d").match(/L/g) || []).length : null;
  };
  const tick = () => {
    const counter = main()?.querySelector('[data-testid="stProgress"]')?.innerText;
    log.push([performance.now(), "frame", null]);
    if (window.rnnxFeed && !window.rnnxFeed.counted) {  // every feed element the page receives
      const feed = window.rnnxFeed;
      window.rnnxFeed = Object.assign((d) => { log.push([performance.now(), "feed", null]); return feed(d); }, { counted: true });
    }
    const n = counter && Number(/Step ([\\d,]+)/.exec(counter)?.[1].replace(/,/g, ""));
    if (Number.isInteger(n)) seen("step", n, n);
    seen("loss", line("train_loss_chart"));
    seen("points", points());
    seen("curve", line("train_curve_chart"));
    requestAnimationFrame(tick);
  };
  tick();
}"""


PLOTLY_TIMER_JS = """() => {  // time every plotly.js redraw by chart: window.__plotly["train_loss_chart"] = [calls, ms]
  const P = window.Plotly, log = window.__plotly = {};
  for (const name of ["extendTraces", "react", "restyle", "relayout"]) {
    const call = P[name];
    P[name] = function (gd, ...args) {
      const t0 = performance.now(), key = [...gd.closest('[class*="st-key-"]')?.classList || []]
        .find((c) => c.startsWith("st-key-"))?.slice(7) || "?";
      const done = () => { const e = log[key] ||= [0, 0]; e[0]++; e[1] += performance.now() - t0; };
      const out = call.call(this, gd, ...args);
      Promise.resolve(out).then(done, done);
      return out;
    };
  }
}"""
LIVE_CHARTS = {"train_loss_chart": "loss", "train_curve_chart": "curve"}  # reported by name; the rest as "other"


def busy_share(profile: dict) -> float:
    """The share of a DevTools CPU profile's time its thread was not idle."""
    idle = {n["id"] for n in profile["nodes"] if n["callFrame"]["functionName"] == "(idle)"}
    total = sum(profile["timeDeltas"])
    return 1 - sum(d for n, d in zip(profile["samples"], profile["timeDeltas"]) if n in idle) / max(total, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu() -> float:
    """CPU seconds of this process's Chromium (every descendant process whose command line names it)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        try:
            children.setdefault(int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
        except (ValueError, OSError):
            pass
    total, todo = 0.0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            if b"chromium" in Path(f"/proc/{pid}/cmdline").read_bytes():
                total += cpu_seconds(pid)
        except OSError:
            pass
    return total


def start_server(app: Path, cpus: set[int] | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(app), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log = open(Path(tempfile.mkdtemp(prefix="rnnx-bench-")) / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=app, env=env, stdout=log, stderr=subprocess.STDOUT)
    if cpus:
        os.sched_setaffinity(proc.pid, cpus)  # before it imports torch: its threads inherit it
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).status == 200:
                return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server in {app} did not start")
        time.sleep(0.3)


def headless_rate(seconds: float, cpus: set[int] | None = None) -> tuple[float, float]:
    """The default lab's training steps/s in this process, without the app, and its CPU seconds per step; on `cpus`
    (the server's, with --pin) if given."""
    import torch

    from explorer.lab import default_lab
    from explorer.training.live import train_chunk

    torch.set_num_threads(1)
    mine = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus or mine)
    try:
        lab = default_lab()
        train_chunk(lab, 20, math.inf)
        t, cpu = time.perf_counter(), time.process_time()
        n = len(train_chunk(lab, 10**6, seconds))
        return n / (time.perf_counter() - t), (time.process_time() - cpu) / n
    finally:
        os.sched_setaffinity(0, mine)


def finished_at(page) -> list[float]:
    from browser_helpers import history_rows  # beside this script

    return [float(r["finished_at"]) for r in history_rows(page) if r["finished_at"]]


def measure(browser, app: Path, seconds: float, probe_every: int, server_cpus: set[int] | None = None,
            profile: bool = False) -> dict:
    from browser_helpers import until
    from playwright.sync_api import expect

    proc, url = start_server(app, server_cpus)
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.goto(url)
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Train").first.click()
        main = page.get_by_test_id("stMain")
        main.get_by_role("button", name="Start").wait_for(timeout=60_000)
        page.wait_for_selector('[class*="st-key-train_loss_chart"] .main-svg', timeout=60_000)
        for name, value in (("Steps per run", 20000), ("Probe every (steps)", probe_every)):
            box = main.get_by_role("spinbutton", name=name, exact=True)
            box.fill(str(value))
            box.press("Enter")
            page.wait_for_timeout(1500)
        page.evaluate(SAMPLER_JS)
        page.evaluate(PLOTLY_TIMER_JS)
        devtools = page.context.new_cdp_session(page) if profile else None
        if devtools:
            devtools.send("Profiler.enable")
        before = headless_rate(2.0, server_cpus)  # the app idle: the yardstick just before and just after
        main.get_by_role("button", name="Start").click()
        page.wait_for_timeout(2500)  # get going
        page.evaluate("() => { for (const k in window.__plotly) delete window.__plotly[k]; }")
        if devtools:
            devtools.send("Profiler.start")
        t0, c0, b0 = page.evaluate("performance.now()"), cpu_seconds(proc.pid), browser_cpu()
        page.wait_for_timeout(seconds * 1000)
        t1, c1, b1 = page.evaluate("performance.now()"), cpu_seconds(proc.pid), browser_cpu()
        busy = busy_share(devtools.send("Profiler.stop")["profile"]) if devtools else math.nan
        plotly = page.evaluate("window.__plotly")
        main.get_by_role("button", name="Pause").click()
        clicked_twice = False
        try:
            expect(main.get_by_role("button", name="Start")).to_be_enabled(timeout=30_000)
        except AssertionError:  # its rerun never came (seen twice in many rounds, under load): click again
            clicked_twice = True
            pause = main.get_by_role("button", name="Pause")
            until(lambda: pause.is_enabled() and pause.click(),
                  lambda: expect(main.get_by_role("button", name="Start")).to_be_enabled(timeout=30_000))
        page.wait_for_timeout(3000)
        after = headless_rate(2.0, server_cpus)
        frames = page.evaluate("window.__frames")
        ends = finished_at(page)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    paused, clicked = next((t, v / 1000) for t, what, v in frames if what == "pause")
    window = [f for f in frames if t0 <= f[0] < t1]
    span = (t1 - t0) / 1000
    steps = [f[2] for f in window if f[1] == "step"]
    loss = sum(f[1] == "loss" for f in window)
    curve = sum(f[1] == "curve" for f in window)
    drawn = sum(f[1] == "frame" for f in window)
    feeds = sum(f[1] == "feed" for f in window)
    app_rate = (steps[-1] - steps[0]) / span if len(steps) > 1 else 0.0
    headless = (before[0] + after[0]) / 2
    cpu = c1 - c0
    trained = app_rate * span * (before[1] + after[1]) / 2  # CPU seconds the steps themselves cost (headless)
    beyond = cpu - trained  # the server's CPU seconds beyond the training

    def last_after(what: str) -> float:
        ts = [t for t, w, *_ in frames if w == what and t >= paused]
        return (ts[-1] - paused) / 1000 if ts else 0.0

    redraws = {name: [0, 0.0] for name in (*LIVE_CHARTS.values(), "other")}
    for key, (calls, ms) in plotly.items():
        r = redraws[LIVE_CHARTS.get(key, "other")]
        r[0], r[1] = r[0] + calls, r[1] + ms
    per_chart = {f"{name}_{what}": value for name, (calls, ms) in redraws.items()
                 for what, value in (("redraws", calls / span), ("ms", ms / max(calls, 1)))}
    return per_chart | {"busy": busy, "headless": headless, "app": app_rate, "share": app_rate / headless, "loss_fps": loss / span,
            "curve_fps": curve / span, "counter_fps": len(steps) / span, "browser_fps": drawn / span,
            "feeds": feeds / span, "browser_cpu": (b1 - b0) / span, "other_cpu": beyond / span, "cpu_per_update": cpu / max(loss, 1),
            "other_cpu_per_update": beyond / max(loss, 1), "cpu_share": cpu / span,
            **{key: math.nan if clicked_twice else value for key, value in (  # timed from a click without effect
                ("pause_server", max(ends) - clicked), ("pause_loss", last_after("loss")),
                ("pause_counter", last_after("step")), ("pause_points", last_after("points")))}}


FIELDS = (("headless", "headless {:.0f} steps/s"), ("app", "app {:.0f}"), ("share", "({:.0%})"),
          ("loss_fps", "loss chart {:.1f}/s"), ("curve_fps", "curve {:.1f}/s"), ("counter_fps", "counter {:.1f}/s"),
          ("browser_fps", "of {:.0f} frames/s"), ("feeds", "feeds {:.1f}/s"), ("browser_cpu", "browser CPU {:.2f} cores"),
          ("cpu_share", "server CPU {:.2f} cores"), ("cpu_per_update", "{:.3f} s/loss update"),
          ("other_cpu_per_update", "(beyond training {:.3f}"), ("other_cpu", "{:.2f} cores)"), ("pause_server", "Pause: last step +{:.2f} s"),
          ("pause_points", "last point on the loss chart +{:.2f} s"), ("pause_loss", "its last redraw +{:.2f} s"),
          ("pause_counter", "counter +{:.2f} s"),
          ("busy", "browser main thread busy {:.0%}"), ("loss_redraws", "plotly.js: loss {:.1f}/s"),
          ("loss_ms", "× {:.0f} ms"), ("curve_redraws", "curve {:.1f}/s"), ("curve_ms", "× {:.0f} ms"),
          ("other_redraws", "other charts {:.1f}/s"), ("other_ms", "× {:.0f} ms"))


def line(r: dict) -> str:
    return ", ".join(fmt.format(r[k]) for k, fmt in FIELDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", action="append", type=Path, help="an app checkout (repeat for A/B; default: this)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the measured window")
    parser.add_argument("--probe-every", type=int, default=25, help="the Train page's 'Probe every (steps)'")
    parser.add_argument("--profile", action="store_true", help="profile the browser's main thread (slows it)")
    parser.add_argument("--pin", action="store_true",
                        help="the server on CPU 0, this process and its browser on the others (on a lecture's "
                             "network every browser has a machine of its own)")
    args = parser.parse_args()
    server_cpus = None
    if args.pin:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            parser.error("--pin needs two CPUs")
        server_cpus = {cpus[0]}
        os.sched_setaffinity(0, set(cpus[1:]))  # the browser, launched next, inherits it
    apps = [a.resolve() for a in args.app or [REPO]]
    sys.path.insert(0, str(REPO))
    from playwright.sync_api import sync_playwright

    results: dict[Path, list[dict]] = {a: [] for a in apps}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for k in range(args.rounds):
            for app in apps:
                r = measure(browser, app, args.seconds, args.probe_every, server_cpus, args.profile)
                results[app].append(r)
                print(f"round {k + 1} {app}: {line(r)}; load {os.getloadavg()[0]:.1f}", flush=True)
        browser.close()
    for app, rs in results.items():
        med = {key: statistics.median([r[key] for r in rs if not math.isnan(r[key])] or [math.nan]) for key in rs[0]}
        print(f"median of {len(rs)} {app}: {line(med)}")


if __name__ == "__main__":
    main()
