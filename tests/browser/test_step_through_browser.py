"""The Step-through page in a real browser: step, slide, Play advances t on its own, Pause stops it;
screenshots for the README at laptop (1280×800) and projector (1920×1080) size."""
from __future__ import annotations

import pytest
from browser_helpers import assert_no_exception, goto_page, wait_idle
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

THUMB = ".st-key-step_t input[type=range]"  # the slider's (visually hidden) input
SLIDER_LOG_JS = """() => {  // log ["shown", t] at every change of the slider, ["pause", t] at the Pause click
  const log = window.__sliderLog = [];
  const value = () => Number(document.querySelector("%s")?.value);
  document.addEventListener("click", (e) => {
    if (e.target.closest("button")?.innerText.includes("Pause")) log.push(["pause", value()]);
  }, true);
  let shown = null;
  const tick = () => {
    const v = value();
    if (v !== shown) { shown = v; log.push(["shown", v]); }
    requestAnimationFrame(tick);
  };
  tick();
}""" % THUMB


def step(page) -> int:
    return int(page.locator(THUMB).input_value())


def click(page, key: str, text: str | None = None) -> None:
    """Click the button with widget key `key` (Streamlit may keep a hidden copy of a fragment's elements)."""
    buttons = page.locator(f".st-key-{key} button >> visible=true")
    if text is not None:
        buttons = buttons.filter(has_text=text)
    buttons.first.click()


def wait_step(page, predicate_js: str, timeout_ms: int = 30_000) -> None:
    """Wait until the slider's value v satisfies the JS expression `predicate_js` (in terms of v)."""
    try:
        page.wait_for_function(
            f"() => {{ const e = document.querySelector(\"{THUMB}\");"
            f" if (!e) return false; const v = Number(e.value); return {predicate_js}; }}",
            timeout=timeout_ms,
        )
    except PlaywrightTimeout as e:
        raise AssertionError(f"slider never satisfied `{predicate_js}`: it shows {step(page)}") from e


def test_step_buttons_slider_and_play(page, app_url):
    goto_page(page, app_url, "Step through")
    page.wait_for_selector(THUMB, state="attached")
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
    assert_no_exception(page)
    assert step(page) == 1

    click(page, "step_next")
    wait_step(page, "v === 2")
    page.locator(THUMB).focus()
    page.keyboard.press("ArrowRight")  # the slider itself
    wait_step(page, "v === 3")
    wait_idle(page)
    click(page, "step_prev")
    wait_step(page, "v === 2")
    wait_idle(page)
    assert page.get_by_test_id("stMain").get_by_text("Step t = 2 of 50").count() == 1

    page.evaluate(SLIDER_LOG_JS)
    click(page, "step_play_btn")
    wait_step(page, "v >= 4")  # advanced at least twice on its own
    click(page, "step_play_btn", "Pause")
    page.locator(".st-key-step_play_btn button").filter(has_text="Play").wait_for()
    wait_idle(page)
    settled = page.evaluate("window.__sliderLog.length")
    page.wait_for_timeout(2500)  # three Play intervals
    log = page.evaluate("window.__sliderLog")
    print(f"\n[step-through Play/Pause] slider log: {log}")
    assert log[settled:] == [], log  # stopped
    at_click = next(v for kind, v in log if kind == "pause")
    after = [v for kind, v in log[log.index(["pause", at_click]) :] if kind == "shown"]
    # The click may overtake a frame already on its way; on a busy machine the browser may lag one more.
    assert all(at_click <= v <= at_click + 2 for v in after), log
    assert after == sorted(after), log  # after Pause, t never steps back
    assert_no_exception(page)


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_screenshots(page, app_url, shots, width, height):
    page.set_viewport_size({"width": width, "height": height})
    goto_page(page, app_url, "Step through")
    page.wait_for_selector(THUMB, state="attached")
    for t in range(2, 13):  # to a step where the states have built up
        click(page, "step_next")
        wait_step(page, f"v === {t}")  # one click at a time: two clicks in one pending rerun count once
    wait_idle(page)
    page.wait_for_timeout(500)
    assert_no_exception(page)
    page.screenshot(path=str(shots / f"step-through-{width}x{height}.png"))
    back = page.get_by_text("Backward pass through time")
    back.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    if width == 1920:
        page.screenshot(path=str(shots / "step-backward-1920x1080.png"))
