"""The Train page in a real browser: Start makes the step counter and the charts move, Pause stops them.

`test_measure_live_training` prints the figures of the live loop (run with `pytest -s`); it asserts
nothing about speed, only that training does not stand still between two fragment runs. It saves screenshots to
the `shots` folder (RNN_EXPLORER_SHOTS=docs refreshes the README's).
"""
from __future__ import annotations

import base64
import math
import re
import time
from pathlib import Path

import numpy as np
import pytest
from browser_helpers import assert_legend_clear, assert_no_exception, goto_page, history_rows, until, wait_idle
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COUNTER = re.compile(r"Step (\d+) · this run (\d+) / (\d+)")
TIMELINE_JS = """() => {  // every animation frame, log changes of the step counter and of the loss line on screen
  const log = window.__timeline = [];  // [ms, "step", n] | [ms, "chart"] | [ms, "pause", Unix ms]
  let step = null, line = null;
  document.addEventListener("click", (e) => {
    if (e.target.closest("button")?.innerText.includes("Pause")) log.push([performance.now(), "pause", Date.now()]);
  }, true);
  const tick = () => {
    const counter = document.querySelector('[data-testid="stMain"] [data-testid="stProgress"]')?.innerText;
    const n = counter && Number(/Step (\\d+)/.exec(counter)?.[1]);
    if (Number.isInteger(n) && n !== step) { step = n; log.push([performance.now(), "step", n]); }
    const d = document.querySelector('[class*="st-key-train_loss_chart"] .scatterlayer .js-line')?.getAttribute("d");
    if (d && d !== line) { line = d; log.push([performance.now(), "chart"]); }
    requestAnimationFrame(tick);
  };
  tick();
}"""


def open_train(page, app_url, long_runs: bool = False) -> None:
    """From the home page, as a visitor would (a direct link to /train skips app.py: see the report); with
    `long_runs`, Steps per run 20000 (the default run could end before the test presses Pause)."""
    page.goto(app_url)
    goto_page(page, app_url, "Train")
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Start").wait_for()
    page.wait_for_selector('[class*="st-key-train_loss_chart"] .main-svg')
    assert_no_exception(page)
    if long_runs:
        steps = main.get_by_role("spinbutton", name="Steps per run", exact=True)
        steps.fill("20000")
        steps.press("Enter")
        wait_idle(page)


def step(page) -> int:
    """The step the counter shows."""
    try:
        text = page.get_by_test_id("stMain").get_by_test_id("stProgress").inner_text(timeout=30_000)
    except PlaywrightTimeoutError:
        state = page.get_by_test_id("stApp").get_attribute("data-test-script-state")
        pytest.fail(f"no step counter for 30 s (script {state}); the page shows:\n"
                    + page.get_by_test_id("stMain").inner_text()[:3000], pytrace=False)
    return int(COUNTER.search(text)[1])


def click(page, name: str) -> None:
    page.get_by_test_id("stMain").get_by_role("button", name=name).click()


def pause(page) -> None:
    """Press Pause and wait until the page has redrawn after it (Start enabled). In the full suite a Pause once
    left the page as it was for a minute (its rerun never arrived): press it again then, as a user would."""
    main = page.get_by_test_id("stMain")
    start, pause_button = main.get_by_role("button", name="Start"), main.get_by_role("button", name="Pause")
    until(lambda: pause_button.is_enabled() and pause_button.click(), lambda: expect(start).to_be_enabled(timeout=15_000),
          tries=3)


def test_start_moves_the_counter_and_pause_stops_it(page, app_url):
    open_train(page, app_url)
    assert step(page) == 0
    click(page, "Start")
    seen = {step(page)}
    deadline = time.monotonic() + 30
    while len(seen) < 3 and time.monotonic() < deadline:  # the counter changed at least twice
        page.wait_for_timeout(100)
        seen.add(step(page))
    assert len(seen) >= 3, f"the step counter did not move: {seen}"
    page.get_by_test_id("stMain").get_by_text("Log-scale loss").click()  # a widget changed while training runs
    changed_at = step(page)
    deadline = time.monotonic() + 30
    while step(page) <= changed_at + 20 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert step(page) > changed_at + 20, "training stopped after a widget changed"
    pause(page)
    settled = steady_step(page)  # on a busy machine the last slice's count may reach the screen a bit later
    page.wait_for_timeout(1500)
    assert step(page) == settled >= max(seen)
    assert_no_exception(page)


def steady_step(page, timeout_s: float = 10.0) -> int:
    """The step counter once it has stopped changing (two readings 0.7 s apart agree)."""
    deadline, last = time.monotonic() + timeout_s, step(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(700)
        now = step(page)
        if now == last:
            return now
        last = now
    raise AssertionError(f"the step counter kept moving after Pause (last {last})")


def test_exploding_gradients_pause_with_a_message(page, app_url, shots):
    """A shared link to a ReLU RNN that diverges within a few steps (see tests/test_live.py)."""
    from urllib.parse import urlencode

    from explorer import ModelConfig
    from explorer.config import TaskConfig, TrainConfig
    from explorer.lecture.share import to_query

    query = to_query(ModelConfig(cell="rnn", nonlinearity="relu", init="spectral", spectral_radius=1.0),
                     TaskConfig(name="adding", seq_len=100), TrainConfig(optimizer="sgd", lr=1.0, clip="none"))
    page.goto(f"{app_url.rstrip('/')}/?{urlencode(query)}")
    wait_idle(page)  # the link is applied: a nav click before that would open the default model's Train page
    goto_page(page, app_url, "Train")
    main = page.get_by_test_id("stMain")
    main.get_by_text("RNN, 1 layer × 32 units. Task: Adding problem (T = 100)").wait_for()
    click(page, "Start")
    main.get_by_text("Training paused: the gradients exploded at step").wait_for()
    restore = main.get_by_role("button", name="Restore last good weights")
    assert restore.is_visible() and main.get_by_role("button", name="Start").is_disabled()
    assert_no_exception(page)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "train-exploded.png"))
    restore.click()
    main.get_by_text("Training paused").wait_for(state="detached")
    assert main.get_by_role("button", name="Start").is_enabled()


def headless_steps_per_second(seconds: float = 3.0) -> float:
    """The default lab's training speed in this process, without the app: the yardstick."""
    import torch

    from explorer.lab import default_lab
    from explorer.training.live import train_chunk

    torch.set_num_threads(1)
    lab = default_lab()
    train_chunk(lab, 20, math.inf)  # warm up
    t = time.perf_counter()
    n = len(train_chunk(lab, 100_000, seconds))
    return n / (time.perf_counter() - t)


def test_measure_live_training(page, app_url, shots):
    headless = headless_steps_per_second()
    open_train(page, app_url, long_runs=True)
    page.evaluate(TIMELINE_JS)
    click(page, "Start")
    page.wait_for_timeout(7000)  # 2 s to get going, then 5 s measured
    pause(page)
    page.wait_for_timeout(3000)
    timeline = page.evaluate("window.__timeline")
    paused, clicked_at = next((t, rest[0] / 1000) for t, kind, *rest in timeline if kind == "pause")
    finished = steps_finished_at(page)
    trained_after = finished[finished > clicked_at]
    live = [e for e in timeline if paused - 5000 <= e[0] < paused]
    steps = [(t, n) for t, kind, *n in live if kind == "step"]
    seconds = (steps[-1][0] - steps[0][0]) / 1000
    app_rate = (steps[-1][1][0] - steps[0][1][0]) / seconds
    charts = sum(kind == "chart" for _, kind, *_ in live) / 5
    after = [(t, n[0]) for t, kind, *n in timeline if kind == "step" and t >= paused]
    last_move = (after[-1][0] - paused) / 1000 if after else 0.0
    moved = after[-1][1] - steps[-1][1][0] if after else 0
    # Fragment runs follow back to back (pages/live.py RERUN_GAP < RUN_SECONDS): no pause in the training between
    # two runs beyond mounting the charts (7 s spans two run boundaries; the kept steps are ≤ 4 steps apart here)
    gaps = np.diff(np.sort(finished[finished < clicked_at]))
    print(f"\n[train page] headless trainer {headless:.0f} steps/s; in the app {app_rate:.0f} steps/s "
          f"({app_rate / headless:.0%}); step counter updates {len(steps) / seconds:.1f}/s; loss chart redraws "
          f"{charts:.1f}/s; Pause: the server's last step finished {finished.max() - clicked_at:.2f} s after the "
          f"click ({len(trained_after)} kept steps after it), the counter last moved {last_move:.2f} s after it "
          f"({moved} steps after it); the longest gap between two steps {gaps.max():.2f} s")
    assert app_rate > 0 and charts > 0
    assert len(gaps) > 100 and gaps.max() < 1.5, f"training stood still {gaps.max():.2f} s between two steps"
    assert_no_exception(page)
    for key in ("train_loss_chart", "train_norm_chart", "train_param_chart"):
        assert_legend_clear(page, key)
    save_screenshots(page, app_url, shots)


def steps_finished_at(page) -> np.ndarray:
    """When the server finished each kept training step (Unix s), from the history CSV the sidebar exports.
    The server and the browser share this machine's clock."""
    # rows of evaluations whose step the thinning dropped carry no finished_at
    return np.array([float(row["finished_at"]) for row in history_rows(page) if row["finished_at"]])


def save_screenshots(page, app_url, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    page.mouse.move(900, 40)  # no hover highlight in the pictures
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out / "train-1280.png"))
    page.get_by_test_id("stMain").get_by_text("Each row is one probe").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "train-1280-gradients.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_train(page, app_url)
    click(page, "Start")
    page.get_by_test_id("stMain").get_by_text("this run 1000 / 1000").wait_for(timeout=120_000)  # the default run
    expect(page.get_by_test_id("stMain").get_by_role("button", name="Start")).to_be_enabled()
    page.wait_for_timeout(2500)
    page.screenshot(path=str(out / "train-1920.png"))


LOSS_CHART_JS = """() => { const gd = document.querySelector('[class*="st-key-train_loss_chart"] .js-plotly-plot');
  return gd && gd.data ? {traces: gd.data.map((t) => ({name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])})),
    tag: gd.dataset.tag || null, range: gd.layout.xaxis.range} : null; }"""
METRIC_TICKS_JS = """() => { const gd = document.querySelector('[class*="st-key-train_loss_chart"] .js-plotly-plot');
  return {dtick: gd._fullLayout.yaxis2.dtick, labels: [...gd.querySelectorAll(".y2tick text")].map((e) => e.textContent)}; }"""


def test_live_charts_grow_in_place_and_show_the_historys_numbers(page, app_url):
    """The loss chart on screen holds exactly the history's steps, losses, learning rates and validation losses
    (float32 on the wire) after training in appended slices, and a zoom survives the updates. (Streamlit remounts the
    chart's element now and then while the fragment reruns; the new element takes the points and the zoom from the
    browser's own copy, so the plot element itself may be a new one.)"""
    open_train(page, app_url)
    click(page, "Step 10")
    page.wait_for_function(f"() => ({LOSS_CHART_JS})()?.traces[0].x.length === 10", timeout=60_000)
    page.evaluate("Plotly.relayout(document.querySelector('[class*=\"st-key-train_loss_chart\"] .js-plotly-plot'), "
                  "{'xaxis.range': [2, 40]})")
    click(page, "Start")
    page.wait_for_function(f"() => ({LOSS_CHART_JS})()?.traces[0].x.length >= 80", timeout=120_000)
    pause(page)
    settled = steady_step(page)
    page.wait_for_function(f"() => ({LOSS_CHART_JS})()?.traces[0].x.length === {settled}", timeout=30_000)
    shown = page.evaluate(LOSS_CHART_JS)
    assert shown["range"] == [2, 40], "an update reset the user's zoom"
    rows = [r for r in history_rows(page) if r["loss"]]
    loss = next(t for t in shown["traces"] if t["name"] == "training loss (each batch)")
    assert loss["x"] == [int(r["step"]) for r in rows] == list(range(1, settled + 1))
    np.testing.assert_allclose(loss["y"], [float(r["loss"]) for r in rows], rtol=1e-6)
    lr = next(t for t in shown["traces"] if t["name"] == "learning rate")
    np.testing.assert_allclose(lr["y"], [float(r["lr"]) for r in rows], rtol=1e-6)
    evals = [r for r in history_rows(page) if r["val_loss"]]
    val = next(t for t in shown["traces"] if t["name"] == "validation loss")
    assert val["x"] == [int(r["step"]) for r in evals] and len(evals) >= 1
    np.testing.assert_allclose(val["y"], [float(r["val_loss"]) for r in evals], rtol=1e-6)
    ticks = page.evaluate(METRIC_TICKS_JS)  # the metric's axis (MAE) on the right: round numbers, whole steps apart
    assert len(ticks["labels"]) >= 2 and all(re.fullmatch(r"−?\d+(\.\d+)?", s) for s in ticks["labels"]), ticks
    assert all(abs(v / ticks["dtick"] - round(v / ticks["dtick"])) < 1e-6
               for v in (float(s.replace("−", "-")) for s in ticks["labels"])), ticks
    assert_no_exception(page)


CHARTS_JS = """() => {  // the loss line's points, the curve's title and points, the heatmap's rows, as plotted now
  const gd = (key) => document.querySelector(`[class*="st-key-${key}"] .js-plotly-plot`);
  const loss = gd("train_loss_chart"), curve = gd("train_curve_chart"), heat = gd("train_heat_chart");
  if (!loss?.data || !curve?.data || !heat?.data) return null;
  return {loss: loss.data[0].x.length, lossLast: Array.from(loss.data[0].x).at(-1) ?? 0,
          curveTitle: curve.layout.title.text, curve: curve._fullData.map((t) => Array.from(t.y)),
          heatSteps: Array.from(heat.data[0].y || []), heatRows: Array.from(heat.data[0].z || [], (r) => Array.from(r))};
}"""

FEED_SAMPLER_JS = """() => {  // every animation frame: the curve's title (its probe step) and the loss line's last step
  const seen = window.__fed = {titles: [], lossSteps: []};
  const tick = () => {
    const q = (key, sel) => document.querySelector(`[class*="st-key-${key}"] ${sel}`);
    const title = q("train_curve_chart", ".gtitle")?.textContent;
    if (title && title !== seen.titles.at(-1)) seen.titles.push(title);
    const x = q("train_loss_chart", ".js-plotly-plot")?.data?.[0]?.x;
    const last = x && x.length ? x[x.length - 1] : null;
    if (last !== null && last !== seen.lossSteps.at(-1)) seen.lossSteps.push(last);
    requestAnimationFrame(tick);
  };
  tick();
}"""


def test_fed_charts_show_the_trainers_numbers_and_stop_with_pause(page, app_url):
    """While training runs, the loss chart and the ‖∂L/∂h_t‖ curve are fed in place (pages/train.py): the curve's
    probe step and the loss line's last step move forward many times; after Pause both stop, the loss line holds
    exactly the history's steps, the curve shows the latest probe (every `Probe every` steps), and its numbers are
    the ones the heatmap's newest row shows on its own path (log₁₀, float32 on the wire)."""
    open_train(page, app_url, long_runs=True)
    page.evaluate(FEED_SAMPLER_JS)
    click(page, "Start")
    page.wait_for_function("() => window.__fed.titles.length >= 5 && window.__fed.lossSteps.length >= 10",
                           timeout=120_000)
    pause(page)
    settled = steady_step(page)
    page.wait_for_function(f"() => ({CHARTS_JS})()?.lossLast === {settled}", timeout=30_000)
    fed = page.evaluate("window.__fed")
    assert fed["lossSteps"] == sorted(fed["lossSteps"]) and fed["lossSteps"][-1] == settled  # never backwards
    probe = settled - settled % 25  # the default TrainConfig.probe_every
    page.locator('[class*="st-key-train_heat_chart"]').scroll_into_view_if_needed()  # drawn once in view
    page.wait_for_function(f"() => ({CHARTS_JS})()?.heatSteps.at(-1) === {probe}", timeout=30_000)
    shown = page.evaluate(CHARTS_JS)
    assert f"at step {probe}" in shown["curveTitle"] and f"at step {probe}" in fed["titles"][-1]
    assert shown["heatSteps"][-1] == probe and shown["loss"] == settled
    (curve,) = shown["curve"]  # one layer
    np.testing.assert_allclose(np.log10(curve), shown["heatRows"][-1], atol=1e-5)
    rows = [r for r in history_rows(page) if r["loss"]]
    assert [int(r["step"]) for r in rows] == list(range(1, settled + 1))
    page.wait_for_timeout(1500)
    assert page.evaluate(CHARTS_JS)["lossLast"] == step(page) == settled  # nothing moves after Pause
    assert_no_exception(page)


BRIDGE_MARK = b"KINDS.heatrows = HeatRows"  # a line of pages/bridge_js/bridge.js, in no other file


def test_the_bridge_code_reaches_the_browser_once(page, app_url):
    """Streamlit sends a component's code with each of its elements, so every view carries only a stub and
    bridge.js goes to the browser once per session (pages/bridge.py `scripts()`): over a view of Train (ten views),
    a run of training (whose fragment runs mount every chart anew every 3 s), Step through (its own views) and
    Train again, the websocket brings one copy of it. (Before, every view element carried one: dozens.)"""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    copies = []

    def received(event) -> None:
        frame = event["response"]
        data = base64.b64decode(frame["payloadData"]) if frame["opcode"] == 2 else frame["payloadData"].encode()
        copies.append(data.count(BRIDGE_MARK))

    cdp.on("Network.webSocketFrameReceived", received)
    open_train(page, app_url, long_runs=True)
    click(page, "Start")
    page.wait_for_function("() => /Step (\\d+)/.exec(document.querySelector("
                           "'[data-testid=\"stMain\"] [data-testid=\"stProgress\"]')?.innerText)?.[1] > 0",
                           timeout=60_000)
    page.wait_for_timeout(4000)  # past a run's end: the next run mounts the charts anew
    pause(page)
    goto_page(page, app_url, "Step through")
    page.get_by_test_id("stMain").locator('[class*="st-key-step_player"]').wait_for(timeout=60_000)
    goto_page(page, app_url, "Train")  # in the same page, as a visitor would (a reload is a new session)
    page.wait_for_selector('[class*="st-key-train_loss_chart"] .main-svg')
    assert len(copies) > 50 and sum(copies) == 1, f"{sum(copies)} copies of bridge.js in {len(copies)} messages"
    assert_no_exception(page)
