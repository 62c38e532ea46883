"""The Step-through page of a bidirectional LSTM in a real browser: scrubbing moves the forward chain's step
with t and the backward chain's the other way (T + 1 − t), and both chains' bars show the numbers of the trace
download (independent of the views) at their steps; the saliency row of step t is outlined; the backward slider
reveals each chain's gradient its own way (T → 1 and 1 → T). Takes the README's screenshot when RNN_EXPLORER_SHOTS=docs."""
from __future__ import annotations

import numpy as np
import pytest
from browser_helpers import BARS_JS, assert_no_exception, wait_idle
from test_step_through_browser import trace_npz

pytestmark = pytest.mark.browser

T, H = 24, 8
QUERY = f"m.cell=lstm&m.bidirectional=true&m.hidden_size={H}&t.name=neighbours&t.seq_len={T}"
SLIDER = ".st-key-step_player input[type=range]"
BACK = ".st-key-step_back_player input[type=range]"

# What the two chains, the saliency row and the slider show, read from what each one drew.
SHOWN_JS = """() => {
  const text = (s) => document.querySelector(s)?.textContent ?? null;
  const band = document.querySelector('.st-key-step_saliency .rnnx-band');
  return {slider: Number(document.querySelector('""" + SLIDER + """').value),
          fwd: text('.st-key-step_chain_0 .rnnx-title'), bwd: text('.st-key-step_chain_1 .rnnx-title'),
          row: band && band.getAttribute('visibility') === 'visible' ? Number(band.dataset.row) : null};
}"""

def wait_step(page, t: int) -> None:
    want = {"slider": t - 1, "row": t,
            "fwd": f"Forward chain → at t = {t}: it has read x1 … x{t}",
            "bwd": f"Backward chain ← at t = {T + 1 - t}: it has read x{T} … x{T + 1 - t}"}
    try:
        page.wait_for_function(f"(want) => {{ const s = ({SHOWN_JS})(); "
                               "return Object.keys(want).every((k) => s[k] === want[k]); }", arg=want,
                               timeout=30_000)
    except Exception as e:
        raise AssertionError(f"not at t = {t}: {page.evaluate(SHOWN_JS)}") from e


def bar_values(page, key: str, row: int, lo: float, hi: float) -> np.ndarray:
    """The values the bars of `row` stand for, on the row's fixed range [lo, hi] (bars span from 0)."""
    r = page.evaluate(BARS_JS, key)[row]
    y0 = r["top"] + r["height"] * hi / (hi - lo)  # the pixel of 0
    bars = np.array(r["bars"])  # (H, 2): top, height
    above = np.abs(bars[:, 0] - y0) > np.abs(bars[:, 0] + bars[:, 1] - y0)  # the bar rises from 0
    return np.where(above, 1, -1) * bars[:, 1] * (hi - lo) / r["height"]


def test_scrub_both_chains_and_the_saliency_row(page, app_url, shots):
    page.goto(f"{app_url.rstrip('/')}/step_through?{QUERY}")
    wait_idle(page)
    page.wait_for_selector(".st-key-step_saliency .rnnx-band[data-row]", state="attached", timeout=60_000)
    page.wait_for_selector(".st-key-step_chain_1 .rnnx-title", state="attached", timeout=60_000)
    assert_no_exception(page)
    wait_step(page, 1)
    trace = trace_npz(page)
    assert trace["hidden"].shape == (1, 1, T, 2 * H)
    page.locator(SLIDER).focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    wait_step(page, 7)
    page.keyboard.press("ArrowLeft")
    wait_step(page, 6)
    t = 6
    # The forward chain's h→ at t and the backward chain's h← at T + 1 − t, as the trace holds them.
    h = trace["hidden"][0, 0]  # (T, 2H)
    np.testing.assert_allclose(bar_values(page, "step_chain_0", 0, -1, 1), h[t - 1, :H], atol=0.01)
    np.testing.assert_allclose(bar_values(page, "step_chain_1", 0, -1, 1), h[T - t, H:], atol=0.01)
    f_fwd, f_bwd = trace["gate_f"][0, 0, t - 1, :H], trace["gate_f"][0, 0, T - t, H:]  # row 3: f (0 … 1)
    np.testing.assert_allclose(bar_values(page, "step_chain_0", 3, 0, 1), f_fwd, atol=0.01)
    np.testing.assert_allclose(bar_values(page, "step_chain_1", 3, 0, 1), f_bwd, atol=0.01)
    # The outlined saliency row is t's, read back from its pixels through the chart's own axis.
    centre = page.evaluate("""() => { const gd = document.querySelector('.st-key-step_saliency .js-plotly-plot');
        const b = gd.parentElement.querySelector('.rnnx-band'), ya = gd._fullLayout.yaxis;
        return ya.p2c(Number(b.getAttribute('y')) + Number(b.getAttribute('height')) / 2 - ya._offset); }""")
    assert centre == pytest.approx(t, abs=0.05)

    # The backward slider, 9 steps back from T = 24: the forward chain's gradient has reached t = 15, the
    # backward chain's t = 10, each cursor where it has got to. The loss counts at t = 6 … 19 only (x(t−5) + x(t+5)
    # needs both neighbours), so the forward chain's gradient is 0 after t = 19 and the backward one's before t = 6
    # (0 is not drawn on the log axis).
    back = page.locator(BACK)
    back.focus()
    page.keyboard.press("Home")
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    shown = """() => { const gd = document.querySelector('.st-key-step_chain_grads .js-plotly-plot');
        return gd.data.map((d, j) => Array.from(gd._fullData[j].x).filter((x, k) => Number.isFinite(d.y[k]))
                                       .map(Number).sort((a, b) => a - b)); }"""
    want = [list(range(15, 20)), list(range(6, 11))]
    try:
        page.wait_for_function(f"(want) => JSON.stringify(({shown})()) === JSON.stringify(want)", arg=want,
                               timeout=30_000)
    except Exception as e:
        raise AssertionError(f"the gradients shown: {page.evaluate(shown)}") from e
    cursors = page.locator(".st-key-step_chain_grads .rnnx-vline")
    assert [cursors.nth(k).get_attribute("data-x") for k in (0, 1)] == ["15", "10"]
    assert_no_exception(page)

    page.locator(SLIDER).focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    wait_step(page, 11)
    page.locator(SLIDER).blur()
    page.get_by_text("The two chains", exact=True).evaluate("e => e.scrollIntoView({block: 'start'})")
    wait_idle(page)
    page.wait_for_timeout(300)  # the scroll's repaint; the content was awaited above
    page.screenshot(path=str(shots / "step-bidirectional-1280x800.png"))
    saliency = page.locator(".st-key-step_saliency")
    saliency.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_function("() => document.querySelector('.st-key-step_saliency .rnnx-band')?.dataset.row === '11'")
    saliency.screenshot(path=str(shots / "step-saliency.png"))


# After every animation frame (rAF, then a task): the step t at which both chains and the saliency row agree.
FRAME_LOG_JS = """() => {
  window.__keys = []; window.__frames = [];
  document.addEventListener('keydown', () => window.__keys.push(performance.now()), true);
  const shown = (""" + SHOWN_JS + """);
  const loop = () => {
    setTimeout(() => {
      const s = shown(), m = s.fwd && s.fwd.match(/t = (\\d+):/), t = m ? Number(m[1]) : null;
      const ok = t !== null && s.row === t && s.bwd.includes(`t = ${""" + str(T + 1) + """ - t}:`);
      window.__frames.push([performance.now(), ok ? t : null]);
    }, 0);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}"""


def test_measure_key_to_frame_of_the_two_chains_and_saliency(page, app_url):
    """Prints ArrowRight → the frame in which both chains' bars and the saliency row show the new step (ms)."""
    page.goto(f"{app_url.rstrip('/')}/step_through?{QUERY}")
    wait_idle(page)
    page.wait_for_selector(".st-key-step_saliency .rnnx-band[data-row]", state="attached", timeout=60_000)
    wait_step(page, 1)
    page.evaluate(FRAME_LOG_JS)
    page.locator(SLIDER).focus()
    latencies = []
    for k in range(2, T + 1):
        n_keys = page.evaluate("window.__keys.length")
        page.keyboard.press("ArrowRight")
        wait_step(page, k)
        page.wait_for_timeout(30)
        key_at = page.evaluate(f"window.__keys[{n_keys}]")
        drawn = page.evaluate(f"window.__frames.find(([at, t]) => at > {key_at} && t === {k})[0]")
        latencies.append(drawn - key_at)
    print(f"\n[step-through bidirectional, browser] key press → both chains and the saliency row drawn: median "
          f"{np.median(latencies):.0f} ms, p90 {np.percentile(latencies, 90):.0f} ms, max {max(latencies):.0f} ms "
          f"over {len(latencies)} presses")
    assert_no_exception(page)
