"""Helpers for the browser tests (import: `from browser_helpers import wait_idle, ...`).

Stable Streamlit test ids used: stApp (data-test-script-state), stMain, stSidebarNav,
stException, stPlotlyChart.
"""
from __future__ import annotations

import csv
import warnings

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

IDLE_TIMEOUT_MS = 60_000
IDLE_SELECTOR = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_idle(page, timeout_ms: int = IDLE_TIMEOUT_MS) -> None:
    """Wait until the app's script has finished running.

    Not reliable on a page with an active `st.fragment(run_every=...)`: wait for
    content there instead.
    """
    page.wait_for_selector(IDLE_SELECTOR, state="attached", timeout=timeout_ms)
    # Streamlit may flip to "running" a moment after load (e.g. after a page switch):
    # a short settle, then make sure it is idle again.
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE_SELECTOR, state="attached", timeout=timeout_ms)


def assert_no_exception(page) -> None:
    """Fail if any Streamlit exception box is visible; include its text."""
    boxes = page.locator('[data-testid="stException"]')
    texts = [
        boxes.nth(i).inner_text()
        for i in range(boxes.count())
        if boxes.nth(i).is_visible()
    ]
    if texts:
        pytest.fail(
            f"Streamlit exception shown on {page.url}:\n" + "\n---\n".join(texts),
            pytrace=False,
        )


def assert_legend_clear(page, key: str) -> None:
    """The chart `key`'s legend (below the plot) overlaps neither its x axis's title nor its tick labels."""
    boxes = page.evaluate("""(key) => { const gd = document.querySelector(`[class*="st-key-${key}"] .js-plotly-plot`);
      const box = (s) => [...gd.querySelectorAll(s)].map((e) => e.getBoundingClientRect()).filter((r) => r.height);
      return {legend: box(".legend"), above: [...box(".g-xtitle"), ...box(".xaxislayer-above text")]}; }""", key)
    (legend,) = boxes["legend"]
    lowest = max(r["bottom"] for r in boxes["above"])
    assert legend["top"] >= lowest, f"{key}: the legend (top {legend['top']:.0f} px) overlaps the x axis (to {lowest:.0f} px)"


def nav_links(page):
    """The sidebar navigation links (locator)."""
    return page.locator('[data-testid="stSidebarNav"] a')


def pick(page, box, option: str) -> None:
    """Choose `option` in the select or multiselect `box` (a locator): open it, type to filter (the list is
    virtual), click the option.

    Under load the list can close or move while Playwright clicks it (the input then intercepts the click and
    the option is detached): close it and try again, up to four times.
    """
    for attempt in range(4):
        box.get_by_role("combobox").click()
        page.keyboard.type(option)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=15_000)
            return
        except PlaywrightTimeoutError:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)


def open_expander(where, label: str, open_: bool = True):
    """The expander `label` inside the locator `where`, opened (or closed) if it is not yet (a click toggles it; one
    that is still closing counts as open)."""
    box = where.get_by_test_id("stExpander").filter(has_text=label).first
    if (box.locator("details").get_attribute("open") is None) == open_:
        box.locator("summary").click()
    return box


def until(act, settled, tries: int = 4) -> None:
    """act(), then settled() (a Playwright wait or `expect`); again while it times out, up to `tries` times: a click
    while the page runs can be lost under load. Each retry is reported as a warning, so that lost clicks show."""
    for attempt in range(tries):
        act()
        try:
            settled()
            return
        except (PlaywrightTimeoutError, AssertionError):
            if attempt == tries - 1:
                raise
            warnings.warn(f"no effect after try {attempt + 1} of {tries}; acting again", stacklevel=2)


def history_rows(page) -> list[dict]:
    """The kept training history as the sidebar's CSV exports it (the server's own numbers); the Export / import
    panel is closed again afterwards (closed, not closing), as the screenshots expect."""
    sidebar = page.get_by_test_id("stSidebar")
    button = sidebar.get_by_role("button", name="Training history (CSV)")
    until(lambda: open_expander(sidebar, "Export / import"), lambda: button.wait_for(state="visible", timeout=15_000))
    with page.expect_download() as download:
        button.click()
    until(lambda: open_expander(sidebar, "Export / import", open_=False),
          lambda: button.wait_for(state="hidden", timeout=15_000))
    with open(download.value.path(), newline="") as f:
        return list(csv.DictReader(f))


def goto_page(page, base: str, title: str) -> None:
    """Open the app (if not already on it) and click the sidebar nav link `title`."""
    if not page.url.startswith(base):
        page.goto(base)
        wait_idle(page)
    link = nav_links(page).filter(has_text=title).first
    link.click()
    wait_idle(page)


# The bars of each row of a bars view (explorer/views/payload.py "bars"): the row's box and each bar's top and
# height, in pixels; `page.evaluate(BARS_JS, key)` with the view's key.
BARS_JS = """(key) => [...document.querySelectorAll(`.st-key-${key} svg .rnnx-row`)].map(row => {
    const top = Number(row.getAttribute('y')), height = Number(row.getAttribute('height'));
    const bars = [];
    for (let r = row.nextElementSibling; r; r = r.nextElementSibling) {
      if (r.classList.contains('rnnx-row')) break;
      if (r.tagName === 'rect') bars.push([Number(r.getAttribute('y')), Number(r.getAttribute('height'))]);
    }
    return {top, height, bars};
})"""
