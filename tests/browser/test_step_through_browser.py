"""The Step-through page in a real browser, where the step t lives: the numbers every view shows at t = k are
the trace's (downloaded as NPZ, independent of the views), the slider answers ← →, ◀ ▶ and Play/Pause, the
step survives a rerun, a return to the page and a shared link; measured: key press → frame, frames/s while
dragging, Play at 30 steps/s, server CPU (printed with `pytest -s`); screenshots for the README."""
from __future__ import annotations

import io
import os
import statistics
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from browser_helpers import BARS_JS, assert_no_exception, goto_page, open_expander, wait_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SLIDER = ".st-key-step_player input[type=range]"
BACK = ".st-key-step_back_player input[type=range]"

# The step t (1-based) every per-step view of the page shows, read from what each one drew; null if they disagree.
VIEWS_STEP_JS = """() => {
  const q = (s) => document.querySelector(s);
  const title = q(".st-key-step_state .rnnx-title");
  const t = title ? Number(title.textContent.replace("State at t = ", "")) : NaN;
  const text = (s) => q(s) ? q(s).textContent : "";
  const marks = [...document.querySelectorAll('[class*="st-key-step_"] .rnnx-overlay [data-i]')]
    .filter((m) => !m.closest(".st-key-step_grad"));
  const lm = [...document.querySelectorAll(".st-key-step_lm span")];
  const probs = q(".st-key-step_probs .rnnx-title");
  const agree = Number.isInteger(t)
    && text(".st-key-step_text_view .rnnx-h").startsWith(`Step t = ${t} of`)
    && text(".st-key-step_equations .rnnx-h").includes(`at t = ${t},`)
    && marks.length > 0 && marks.every((m) => Number(m.dataset.i) === t - 1)
    && (!lm.length || lm[t - 1].classList.contains("rnnx-now"))
    && (!probs || probs.textContent.startsWith(`Prediction at t = ${t}:`));
  return agree ? t : null;
}"""
SHOWS_JS = f"(t) => ({VIEWS_STEP_JS})() === t && Number(document.querySelector('{SLIDER}').value) === t - 1"


def open_step_through(page, app_url: str, query: str = "") -> None:
    """The Step-through page, its views drawn (plotly.js arrives once per session)."""
    if query:
        page.goto(f"{app_url.rstrip('/')}/step_through?{query}")
        wait_idle(page)
    else:
        goto_page(page, app_url, "Step through")
    page.wait_for_selector(".st-key-step_pred .rnnx-overlay [data-i], .st-key-step_probs .rnnx-title",
                           state="attached", timeout=60_000)
    page.wait_for_selector(".st-key-step_heat_h .rnnx-overlay [data-i]", state="attached", timeout=60_000)
    assert_no_exception(page)


# What each view shows, for the message of a timeout.
VIEWS_SHOWN_JS = """() => {
  const text = (s) => { const e = document.querySelector(s); return e ? e.textContent.slice(0, 60) : null; };
  return {
    slider: document.querySelector('""" + SLIDER + """')?.value,
    state: text(".st-key-step_state .rnnx-title"), text: text(".st-key-step_text_view .rnnx-h"),
    equations: text(".st-key-step_equations .rnnx-h"), probs: text(".st-key-step_probs .rnnx-title"),
    marks: [...document.querySelectorAll('[class*="st-key-step_"] .rnnx-overlay [data-i]')]
      .filter((m) => !m.closest(".st-key-step_grad")).map((m) => m.dataset.i).join(","),
  };
}"""


def wait_shows(page, t: int, timeout_ms: int = 30_000) -> None:
    try:
        page.wait_for_function(SHOWS_JS, arg=t, timeout=timeout_ms)
    except Exception as e:
        raise AssertionError(f"the views do not all show t = {t}: {page.evaluate(VIEWS_SHOWN_JS)}") from e


def settled_step(page, timeout_ms: int = 30_000) -> int:
    """The step t once the slider and every view agree on it. A position set just before (e.g. by Play's last
    tick) is drawn in the next animation frame: two frames pass first, so that a stale frame is not read."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    js = f"() => {{ const t = ({VIEWS_STEP_JS})(); " \
         f"return t !== null && Number(document.querySelector('{SLIDER}').value) === t - 1 ? t : null; }}"
    try:
        return page.wait_for_function(js, timeout=timeout_ms).json_value()
    except Exception as e:
        raise AssertionError(f"the views do not settle on one step: {page.evaluate(VIEWS_SHOWN_JS)}") from e


def shown_step(page) -> int:
    return int(page.locator(SLIDER).input_value()) + 1


def trace_npz(page) -> dict[str, np.ndarray]:
    """Every number of the sample, from the page's "Trace (NPZ)" download (not from the views)."""
    with page.expect_download() as d:
        page.get_by_test_id("stMain").get_by_role("button", name="Trace (NPZ)").click()
    with np.load(io.BytesIO(Path(d.value.path()).read_bytes())) as npz:
        return {k: npz[k] for k in npz.files}


def share_link(page) -> str:
    box = open_expander(page.get_by_test_id("stSidebar"), "Share this setup")
    return box.get_by_test_id("stCode").inner_text().strip()


def g4(v: float) -> str:
    """A number as the equation panel writes it (4 significant digits)."""
    s = f"{v:.4g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        s = f"{mantissa}×10{int(exp)}"  # the exponent is a superscript: its text follows
    return s


def test_keys_buttons_and_the_numbers_shown(page, app_url):
    open_step_through(page, app_url)
    wait_shows(page, 1)
    trace = trace_npz(page)
    page.locator(SLIDER).focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    wait_shows(page, 7)
    page.keyboard.press("ArrowLeft")
    wait_shows(page, 6)
    page.locator(".st-key-step_player button[data-act=next]").click()
    wait_shows(page, 7)
    page.locator(".st-key-step_player button[data-act=prev]").click()
    page.locator(".st-key-step_player button[data-act=prev]").click()
    wait_shows(page, 5)
    t = 4  # 0-based

    # The equation panel's numbers are the trace's: unit 0, layer 0 of an LSTM (i, f, g, o, c, h).
    numbers = page.locator(".st-key-step_equations .rnnx-eq-num").all_inner_texts()
    ends = [n.rsplit("= ", 1)[1] for n in numbers]
    gates = [trace[f"gate_{k}"][0, 0, t, 0] for k in "ifgo"]
    assert ends == [g4(v) for v in [*gates, trace["cell"][0, 0, t, 0], trace["hidden"][0, 0, t, 0]]], ends
    c_prev = trace["cell"][0, 0, t - 1, 0]
    c_prev = g4(c_prev) if c_prev >= 0 else f"({g4(c_prev)})"
    assert numbers[4].startswith(f"= {g4(trace['gate_f'][0, 0, t, 0])} · {c_prev} + "), numbers[4]  # f·c_(t−1)

    # The bars are the states at t: each bar spans from 0 to its value on its row's fixed range.
    drawn = page.evaluate(BARS_JS, "step_state")
    rows = [("hidden", (-1, 1)), ("cell", None), ("gate_i", (0, 1)), ("gate_f", (0, 1)), ("gate_g", (-1, 1)),
            ("gate_o", (0, 1))]
    assert len(drawn) == len(rows)
    for (name, rng), row in zip(rows, drawn):
        values = trace[name][0, 0]  # (T, H)
        lo, hi = rng or (-np.abs(values).max(), np.abs(values).max())  # c: symmetric over every step
        y = lambda v: row["top"] + row["height"] * (hi - np.clip(v, lo, hi)) / (hi - lo)  # noqa: E731
        want_top = np.minimum(y(values[t]), y(max(lo, 0.0)))
        want_height = np.abs(y(values[t]) - y(max(lo, 0.0)))
        got = np.array(row["bars"])
        np.testing.assert_allclose(got[:, 0], want_top, atol=0.01, err_msg=name)
        np.testing.assert_allclose(got[:, 1], want_height, atol=0.01, err_msg=name)
    h = trace["hidden"][0, 0, t]

    # Hover on a bar reads its value out.
    box = page.locator(".st-key-step_state svg rect[stroke]").nth(3).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + max(box["height"], 2) / 2)
    expect(page.locator(".st-key-step_state .rnnx-tip")).to_contain_text(f"value {h[3]:.4f}")

    # The prediction marker sits on the model's output at t; the text says the same number.
    y = page.evaluate("""() => { const gd = document.querySelector('.st-key-step_pred .js-plotly-plot');
        const p = document.querySelector('.st-key-step_pred .rnnx-point');
        return gd._fullLayout.yaxis.p2c(Number(p.getAttribute('cy')) - gd._fullLayout.yaxis._offset); }""")
    assert y == pytest.approx(float(trace["outputs"][0, t, 0]), abs=0.02)
    # The heatmaps' cursors stand at t (read back from their pixels through each chart's own axis).
    cursors = page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-step_heat_"] .js-plotly-plot')]
        .map(gd => { const xa = gd._fullLayout.xaxis, line = gd.parentElement.querySelector('.rnnx-vline');
                     return xa.p2c(Number(line.getAttribute('x1')) - xa._offset); })""")
    assert len(cursors) == 2 and cursors == [pytest.approx(t + 1, abs=0.05)] * 2, cursors
    expect(page.locator(".st-key-step_text_view")).to_contain_text(f"prediction {trace['outputs'][0, t, 0]:.4f}")
    assert_no_exception(page)


def test_backward_slider_reveals_the_gradient_from_T(page, app_url):
    open_step_through(page, app_url)
    finite = """() => document.querySelector('.st-key-step_grad .js-plotly-plot').data[0].y
                      .filter(Number.isFinite).length"""
    page.wait_for_function(f"() => ({finite})() === 50")  # at first the whole way back, to t = 1
    assert page.locator(".st-key-step_grad .rnnx-vline").get_attribute("data-x") == "1"
    expect(page.locator(".st-key-step_back_player .rnnx-player-value")).to_have_text("49 of 49")
    back = page.locator(BACK)
    back.focus()
    page.keyboard.press("Home")  # no step travelled: only ‖∂L/∂h_T‖
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({finite})() === 3")
    expect(page.locator(".st-key-step_grad_caption")).to_contain_text("for t from 50 down to 48")
    assert page.locator(".st-key-step_grad .rnnx-vline").get_attribute("data-x") == "48"


def test_play_pause_and_the_step_reaches_the_server(page, app_url):
    open_step_through(page, app_url)
    page.locator(".st-key-step_player select").select_option("30")
    play = page.locator(".st-key-step_player button[data-act=play]")
    play.click()
    page.wait_for_function(f"() => Number(document.querySelector('{SLIDER}').value) >= 10")
    expect(play).to_have_text("⏸ Pause")
    play.click()
    expect(play).to_have_text("▶ Play")
    paused = settled_step(page)
    page.wait_for_timeout(1000)  # 30 steps' worth of time: nothing moves after Pause
    assert shown_step(page) == paused
    wait_shows(page, paused)
    # Pause reports the step: the server's rerun puts it in the share link.
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text="Share this setup")).to_be_attached()
    page.wait_for_function("(t) => [...document.querySelectorAll('[data-testid=stSidebar] [data-testid=stCode]')]"
                           ".some(c => c.textContent.includes(`v.step=${t}`))", arg=paused, timeout=30_000)
    # Play from the end starts again at t = 1.
    page.locator(SLIDER).focus()
    page.keyboard.press("End")
    wait_shows(page, 50)
    play.click()
    page.wait_for_function(f"() => Number(document.querySelector('{SLIDER}').value) < 49")
    play.click()
    assert_no_exception(page)


def test_a_rerun_a_return_and_a_shared_link_keep_the_step(page, app_url, browser):
    open_step_through(page, app_url)
    page.locator(SLIDER).focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    wait_shows(page, 7)
    link = None
    for _ in range(60):  # the settled step reaches the server, which reruns: the link then carries it
        link = share_link(page)
        if "v.step=7" in link:
            break
        page.wait_for_timeout(250)
    assert "v.step=7" in link, link
    # A rerun that changes the views (another unit) keeps t.
    page.locator(".st-key-step_unit button").last.click()  # unit + 1
    page.wait_for_function("() => document.querySelector('.st-key-step_equations .rnnx-h')?.textContent"
                           ".startsWith('Unit 1 of layer 0')")
    wait_shows(page, 7)
    # So does a return to the page.
    goto_page(page, app_url, "Build")
    open_step_through(page, app_url)
    wait_shows(page, 7)
    # And a new browser opening the link.
    other = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        fresh = other.new_page()
        fresh.goto(link.replace(urlparse(link).netloc, urlparse(app_url).netloc))
        wait_idle(fresh)
        fresh.wait_for_selector(SLIDER, state="attached", timeout=60_000)
        wait_shows(fresh, 7, timeout_ms=60_000)
        assert_no_exception(fresh)
    finally:
        other.close()


def test_language_model_text_outlines_the_symbol_of_step_t(page, app_url):
    open_step_through(page, app_url, "t.name=charlm&t.seq_len=60&m.hidden_size=16")
    wait_shows(page, 1)
    page.locator(SLIDER).focus()
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    wait_shows(page, 10)  # includes the outline of the 10th symbol and the top-5 title
    assert page.locator(".st-key-step_lm .rnnx-now").count() == 1
    expect(page.locator(".st-key-step_probs .rnnx-title")).to_have_text("Prediction at t = 10: top 5")


# --- measured, not asserted -------------------------------------------------------------------------------

FRAME_LOG_JS = """() => {  // after every frame: when it finished and the step every view shows (null: views disagree)
  const log = window.__frames = [];
  const step = %s;
  const sample = () => log.push([performance.now(), step()]);
  const frame = () => { setTimeout(sample, 0); requestAnimationFrame(frame); };  // after the frame's drawing
  requestAnimationFrame(frame);
  window.__keys = [];
  document.addEventListener("keydown", (e) => window.__keys.push(e.timeStamp), true);
}""" % VIEWS_STEP_JS


DRAG_JS = """(ms) => new Promise((done) => {  // a drag's input event at every frame (Chromium aligns pointer
  const r = document.querySelector("%s");      // events to frames), t = 2, 3, ...: a hand faster than the frames
  const end = performance.now() + ms;
  const move = () => {
    r.value = (Number(r.value) + 1) %% 200;
    r.dispatchEvent(new Event("input", {bubbles: true}));
    if (performance.now() < end) requestAnimationFrame(move); else done();
  };
  requestAnimationFrame(move);
})""" % SLIDER


def measure_frames(page, act) -> tuple[float, float, int, float]:
    """While `act()` runs: distinct frames/s of every per-step view, frames/s, frames with views disagreeing, s."""
    start = page.evaluate("window.__frames.length")
    t0 = page.evaluate("performance.now()")
    act()
    t1 = page.evaluate("performance.now()")
    frames = [f for f in page.evaluate(f"window.__frames.slice({start})") if t0 <= f[0] <= t1]
    changes = sum(1 for a, b in zip(frames, frames[1:]) if b[1] is not None and b[1] != a[1])
    secs = (t1 - t0) / 1000
    return changes / secs, len(frames) / secs, sum(1 for f in frames if f[1] is None), secs


def server_cpu_seconds(app_url: str) -> float:
    """utime + stime of the app's server process (found by its port), from /proc."""
    port = str(urlparse(app_url).port)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and port.encode() in args:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    raise AssertionError(f"no streamlit server on port {port}")


def test_measure_scrubbing_play_and_server_cpu(page, app_url):
    """Prints: ArrowRight → the frame in which every per-step view shows the new step (ms), distinct frames/s
    while dragging the slider, Play at 30 steps/s, and the server's CPU time per interaction. T = 200 so that a
    drag never runs out of steps. Frames are sampled after each animation frame (rAF, then a task)."""
    open_step_through(page, app_url, "t.seq_len=200")
    wait_shows(page, 1)
    page.evaluate(FRAME_LOG_JS)
    cpu0 = server_cpu_seconds(app_url)

    # 1. key press → frame: 40 presses, each after the previous one has been drawn.
    page.locator(SLIDER).focus()
    latencies = []
    for k in range(2, 42):
        n_keys = page.evaluate("window.__keys.length")
        page.keyboard.press("ArrowRight")
        wait_shows(page, k)
        page.wait_for_timeout(30)
        key_at = page.evaluate(f"window.__keys[{n_keys}]")
        drawn = page.evaluate(f"window.__frames.find(([at, t]) => at > {key_at} && t === {k})[0]")
        latencies.append(drawn - key_at)
    page.wait_for_timeout(1500)  # the settled step's report and its rerun count too
    cpu_keys = server_cpu_seconds(app_url)

    # 2. dragging the thumb: Playwright's pointer moves (each one waits for the browser's acknowledgement), and
    #    the input event a drag fires, dispatched in the page at every frame (a new step each frame).
    cpu1 = cpu_keys
    box = page.locator(SLIDER).bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 8, y)
    page.mouse.down()
    page.evaluate("window.__moves = 0; document.addEventListener('pointermove', () => window.__moves++, true)")
    drag = measure_frames(page, lambda: page.mouse.move(box["x"] + box["width"] - 8, y, steps=400))
    page.mouse.up()
    moves = page.evaluate("window.__moves")
    fast = measure_frames(page, lambda: page.evaluate(DRAG_JS, 3000))
    page.wait_for_timeout(1500)  # the report of where the drags ended, and its rerun
    cpu_drag = server_cpu_seconds(app_url) - cpu1

    # 3. Play at 30 steps/s from t = 1, for about 4 s.
    page.locator(SLIDER).focus()
    page.keyboard.press("Home")
    wait_shows(page, 1)
    page.locator(".st-key-step_player select").select_option("30")
    page.wait_for_timeout(1500)  # Home's report and its rerun are over
    cpu2 = server_cpu_seconds(app_url)
    start = page.evaluate("window.__frames.length")
    page.locator(".st-key-step_player button[data-act=play]").click()
    page.wait_for_function(f"() => Number(document.querySelector('{SLIDER}').value) >= 120", timeout=30_000)
    page.locator(".st-key-step_player button[data-act=play]").click()  # Pause
    page.wait_for_timeout(1500)  # Pause reports the step: its rerun counts
    cpu_play = server_cpu_seconds(app_url) - cpu2
    shown = [f for f in page.evaluate(f"window.__frames.slice({start})") if f[1] is not None]
    steps = [(b[0], b[1] - a[1]) for a, b in zip(shown, shown[1:]) if b[1] != a[1]]
    play_rate = (len(steps) - 1) / ((steps[-1][0] - steps[0][0]) / 1000)
    gaps = np.diff([at for at, _ in steps])
    single = sum(1 for _, d in steps if d == 1) / len(steps)

    print(f"\n[step-through, browser] key press → every per-step view drawn: median {statistics.median(latencies):.0f} ms,"
          f" p90 {np.percentile(latencies, 90):.0f} ms, max {max(latencies):.0f} ms over {len(latencies)} presses")
    for name, (fps, rate, torn, secs), inputs in (("Playwright pointer drag", drag, f"{moves / drag[3]:.0f}"),
                                                  ("a drag's input event at every frame", fast, f"{fast[1]:.0f}")):
        print(f"[step-through, browser] {name} ({inputs} moves/s): {fps:.0f} distinct frames/s of every view"
              f" (frames {rate:.0f}/s, {torn} with views disagreeing) over {secs:.1f} s")
    print(f"[step-through, browser] Play at 30 steps/s: {play_rate:.1f} view changes/s, {100 * single:.0f}% of them"
          f" one step, interval median {np.median(gaps):.0f} ms, p90 {np.percentile(gaps, 90):.0f} ms")
    print(f"[step-through, server] CPU: {cpu_keys - cpu0:.2f} s for {len(latencies)} key presses, {cpu_drag:.2f} s"
          f" for the two drags, {cpu_play:.2f} s for {len(steps)} steps of Play (each with the rerun of its report)")
    assert_no_exception(page)


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_screenshots(page, app_url, shots, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_step_through(page, app_url)
    page.locator(SLIDER).focus()
    for _ in range(11):  # to a step where the states have built up
        page.keyboard.press("ArrowRight")
    wait_shows(page, 12)
    page.locator(SLIDER).blur()
    wait_idle(page)
    page.wait_for_timeout(500)
    assert_no_exception(page)
    page.screenshot(path=str(shots / f"step-through-{width}x{height}.png"))
    back = page.get_by_text("Backward pass through time")
    back.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    if width == 1920:
        page.screenshot(path=str(shots / "step-backward-1920x1080.png"))
