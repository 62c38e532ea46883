"""The bridge's live chart (pages/bridge.py, payload "stream") in a real browser: each payload carries only the
new points and the chart grows in place (same plot, same zoom); a chart that missed points asks for them."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from browser_helpers import assert_no_exception, wait_idle
from conftest import REPO_ROOT, SERVER_START_TIMEOUT_S, _free_port, _health_ok
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
APP = Path(__file__).with_name("bridge_stream_app.py")


@pytest.fixture(scope="module")
def stream_url(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("stream-app") / "server.log"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
                                 "--server.port", str(port), "--server.address", "127.0.0.1",
                                 "--server.fileWatcherType", "none"], cwd=REPO_ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _health_ok(f"http://127.0.0.1:{port}/_stcore/health"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.25)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


POINTS_JS = """() => { const gd = document.querySelector('[class*=\"st-key-live-\"] .js-plotly-plot');
  return gd && gd.data ? {x: Array.from(gd.data[0].x), y: Array.from(gd.data[0].y), tag: gd.dataset.tag || null} : null; }"""


def points(page, n: int) -> dict:
    page.wait_for_function(f"() => ({POINTS_JS})()?.x.length === {n}", timeout=30_000)
    return page.evaluate(POINTS_JS)


def test_the_server_sees_how_many_messages_wait_for_the_browser(page, stream_url):
    """pages/bridge.py backlog() reads Streamlit's send queue through its internals (the live loops stop sending while
    the browser is behind): it must find it on a real server, or the loops would drown a slow browser again."""
    page.goto(stream_url)
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"^Messages waiting for the browser: \d+$"))).to_be_visible()


def test_a_live_chart_grows_in_place_and_recovers_after_a_remount(page, stream_url):
    page.goto(stream_url)
    wait_idle(page)
    add = page.get_by_role("button", name="Add 5")
    add.click()
    first = points(page, 5)
    page.evaluate("document.querySelector('[class*=\"st-key-live\"] .js-plotly-plot').dataset.tag = 'the first plot'")
    page.evaluate("Plotly.relayout(document.querySelector('[class*=\"st-key-live\"] .js-plotly-plot'), {'xaxis.range': [2, 30]})")
    for n in (10, 15):
        add.click()
        grown = points(page, n)
    assert grown["tag"] == "the first plot"  # the same plot, not a new one
    assert grown["x"][:5] == first["x"]
    np.testing.assert_allclose(grown["y"], np.sin(np.arange(15) / 3.0), atol=1e-6)
    assert page.evaluate("document.querySelector('[class*=\"st-key-live\"] .js-plotly-plot').layout.xaxis.range") == [2, 30]

    # Hidden, then shown: a new chart is sent the whole series; it also asks for it if it was not.
    page.get_by_text("Show the chart").click()
    page.wait_for_function("() => !document.querySelector('[class*=\"st-key-live\"] .js-plotly-plot')")
    add.click()
    page.get_by_text("Show the chart").click()
    again = points(page, 20)
    np.testing.assert_allclose(again["y"], np.sin(np.arange(20) / 3.0), atol=1e-6)
    assert again["x"] == list(range(20))

    # A new element the server believes up to date: it is sent only new points, and asks for the rest.
    page.get_by_role("button", name="Remount (the server does not know)").click()
    add.click()
    asked = points(page, 25)
    assert asked["x"] == list(range(25))
    np.testing.assert_allclose(asked["y"], np.sin(np.arange(25) / 3.0), atol=1e-6)
    assert_no_exception(page)


THREE_JS = """() => { const gd = document.querySelector('[class*=\"st-key-three-\"] .js-plotly-plot');
  return gd && gd.data ? gd.data.map((t) => ({x: t.x && Array.from(t.x), y: Array.from(t.y),
                                              z: t.z && Array.from(t.z, (row) => Array.from(row))})) : null; }"""


def test_a_chart_with_several_streams_appends_each(page, stream_url):
    """Line streams, one keeping its last 8 points, and heatmap rows, all in one chart: each trace holds exactly what
    its stream sent (bridge.js draws the line streams with one Plotly.extendTraces, the rows with another)."""
    page.goto(stream_url)
    wait_idle(page)
    add = page.get_by_role("button", name="Add 5")
    for n in (5, 10, 15, 20):
        add.click()
        page.wait_for_function(f"() => ({THREE_JS})()?.[0].x.length === {n}", timeout=30_000)
    cos, last, rows = page.evaluate(THREE_JS)
    steps = np.arange(20)
    assert cos["x"] == steps.tolist()
    np.testing.assert_allclose(cos["y"], np.cos(steps / 3.0), atol=1e-6)
    assert last["x"] == steps[-8:].tolist()  # max_points 8: the newest 8
    np.testing.assert_allclose(last["y"], 2.0 * steps[-8:], atol=1e-6)
    assert rows["y"] == steps.tolist()
    np.testing.assert_allclose(rows["z"], steps[:, None] + [0.0, 0.5, 1.0], atol=1e-6)
    assert_no_exception(page)


def burst(page, stream_url: str, sampler: str, found: str, *toggles: str) -> dict:
    """Five points, then `sampler` watching every frame and twenty feeds in one run: what it found (window[found]).
    `toggles`: the app's toggles to switch on first."""
    page.goto(stream_url)
    wait_idle(page)
    for toggle in toggles:
        page.get_by_text(toggle).click()
        wait_idle(page)
    page.get_by_role("button", name="Add 5").click()
    points(page, 5)
    page.evaluate(sampler)
    page.get_by_role("button", name="Twenty feeds in one run").click()
    page.wait_for_function(f"() => window.{found}", timeout=30_000)
    return page.evaluate(f"window.{found}")


SKETCH_SAMPLER_JS = """() => {  // the first animation frame that shows sketched points: where they and plotly.js's are
  const centre = (e) => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; };
  window.__sketch = null;
  const tick = () => {
    const chart = document.querySelector('[class*="st-key-live-"]');
    const dots = [...chart?.querySelectorAll('.rnnx-sketches [data-trace="0"] .rnnx-dot') || []];
    if (dots.length) {
      const gd = chart.querySelector(".js-plotly-plot"), layer = chart.querySelector(".rnnx-overlay").getBoundingClientRect();
      const path = chart.querySelector('.rnnx-sketches [data-trace="0"] .rnnx-line')?.getAttribute("d") || "";
      window.__sketch = {
        x: Array.from(gd.data[0].x), y: Array.from(gd.data[0].y),  // the points plotly.js has drawn
        yrange: gd._fullLayout.yaxis.range,
        plotted: [...gd.querySelectorAll(".scatterlayer .trace .points path")].map(centre),  // its markers
        dots: dots.map(centre),
        path: [...path.matchAll(/[ML]([-\\d.e]+),([-\\d.e]+)/g)].map((m) => [layer.x + +m[1], layer.y + +m[2]]),
      };
      return;
    }
    requestAnimationFrame(tick);
  };
  tick();
}"""


@pytest.mark.parametrize("log_y, told", [(False, True), (True, False)], ids=["linear-told", "log-untold"])
def test_points_between_two_redraws_are_sketched_where_plotly_then_draws_them(page, stream_url, log_y, told):
    """Feeds 60 ms apart (a training run's pace): plotly.js redraws the live chart at most every second and the points
    between are sketched over it (bridge.js Chart.sketch), in plotly.js's own marker. Each sketched dot and vertex
    sits where the mapping that plotly.js used for the points it drew puts it (fitted from its own markers, in page
    pixels; on a log axis, of log10 y), and the y axis keeps only a little headroom; afterwards plotly.js holds every
    point, the sketch is gone, and the x axis fits the data again: at once when the page says the points stopped
    (`told`: streaming=False, and no fitting on a timer), else 1.5 s after the last."""
    seen = burst(page, stream_url, SKETCH_SAMPLER_JS, "__sketch", *(["Log y"] if log_y else []),
                 *(["Tell the chart"] if told else []))
    x, y, plotted = np.array(seen["x"]), np.array(seen["y"]), np.array(seen["plotted"])
    y = np.log10(y) if log_y else y  # what the y axis is linear in: the series
    assert len(plotted) == len(x) >= 5 and len(seen["dots"]) >= 1
    (ax, bx), (ay, by) = np.polyfit(x, plotted[:, 0], 1), np.polyfit(y, plotted[:, 1], 1)  # plotly.js's own mapping
    np.testing.assert_allclose(plotted, np.c_[ax * x + bx, ay * y + by], atol=0.5)  # linear axes: it is affine
    new = np.arange(len(x), len(x) + len(seen["dots"]))  # the points sketched: the next ones of the series
    np.testing.assert_allclose(seen["dots"], np.c_[ax * new + bx, ay * np.sin(new / 3.0) + by], atol=0.5)
    joined = np.r_[x[-1:], new]  # the sketched line starts at the last point plotly.js drew
    np.testing.assert_allclose(seen["path"], np.c_[ax * joined + bx, ay * np.sin(joined / 3.0) + by], atol=0.5)
    lo, hi = min(y.min(), np.sin(new / 3.0).min()), max(y.max(), np.sin(new / 3.0).max())
    assert np.ptp(seen["yrange"]) <= 1.4 * (hi - lo), (seen["yrange"], lo, hi)  # headroom, not plotly.js's default

    shown = points(page, 105)
    assert shown["x"] == list(range(105))
    np.testing.assert_allclose(shown["y"], 10.0 ** np.sin(np.arange(105) / 3.0) if log_y else np.sin(np.arange(105) / 3.0),
                               rtol=1e-6, atol=1e-6)
    gd = '[class*="st-key-live-"] .js-plotly-plot'
    page.wait_for_function(f"() => document.querySelector('{gd}').layout.xaxis.autorange === true", timeout=30_000)
    assert page.locator('[class*="st-key-live-"] .rnnx-sketch').count() == 0
    lo, hi = page.evaluate(f"document.querySelector('{gd}')._fullLayout.xaxis.range")
    assert lo <= 0 and 104 <= hi < 104 * 1.1  # no headroom left
    assert_no_exception(page)


PACED_SAMPLER_JS = """() => {  // every animation frame: how many points of the series the live chart shows, and feeds come
  const log = window.__paced = { frames: [], feeds: [] };
  const feed = window.rnnxFeed;
  window.rnnxFeed = (d) => { if (Object.keys(d.views).some((k) => k.startsWith("live-"))) log.feeds.push(performance.now()); feed(d); };
  const tick = () => {
    const chart = document.querySelector('[class*="st-key-live-"]');
    const gd = chart?.querySelector(".js-plotly-plot"), path = chart?.querySelector('.rnnx-sketches [data-trace="0"] .rnnx-line');
    // plotly.js's points, and those sketched beyond them (the sketch starts at plotly.js's last point: one "M")
    const shown = (gd?.data?.[0].x.length || 0) + (path?.getAttribute("d").match(/L/g) || []).length;
    log.frames.push([performance.now(), shown]);
    if (log.feeds.length < 6 || shown < 125) requestAnimationFrame(tick);
    else log.done = true;
  };
  tick();
}"""


def test_a_paced_feed_is_drawn_point_by_point_until_the_next(page, stream_url):
    """A paced chart's feed (payload "pace", as Train feeds its loss chart a few times a second, pages/live.py): six
    feeds of 20 points, 0.35 s apart. bridge.js draws each feed's points one after the other over about the time to
    the next feed (Chart.pace), so the chart moves several times between two feeds (drawn at once, it shows at most
    two counts between two feeds: even a browser starved to a few frames a second by a loaded machine shows more);
    it never goes back, and it lags at most one feed: the rest of a feed is drawn when the next arrives. Afterwards
    plotly.js holds every point, as sent."""
    burst(page, stream_url, PACED_SAMPLER_JS, "__paced.done", "Pace the feeds")
    seen = page.evaluate("window.__paced")
    frames, feeds = np.array(seen["frames"]), np.array(seen["feeds"])
    assert len(feeds) == 6
    shown = frames[:, 1]
    assert np.all(np.diff(shown) >= 0)  # no point taken back
    counts = [len(np.unique(shown[(frames[:, 0] >= a) & (frames[:, 0] < b)])) for a, b in zip(feeds[1:], feeds[2:])]
    assert sum(counts) > 2 * len(counts) + 1, counts  # between two feeds, several draws of new points
    for k, arrived in enumerate(feeds):  # frames drawn after feed k+1 arrived show at least all of feed k−1's points
        later = frames[frames[:, 0] > arrived + 100, 1]
        assert later.size == 0 or later.min() >= 5 + 20 * k, (k, later.min())
    final = points(page, 125)
    assert final["x"] == list(range(125))
    np.testing.assert_allclose(final["y"], np.sin(np.arange(125) / 3.0), rtol=1e-6, atol=1e-6)
    assert_no_exception(page)


REPLACED_SAMPLER_JS = """() => {  // the first animation frame that shows a figure bridge.js drew itself over plotly.js's hidden one
  const centre = (e) => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; };
  window.__replaced = null;
  const tick = () => {
    const chart = document.querySelector(".st-key-curve");
    if (chart?.querySelector(".rnnx-replaced")) {
      const gd = chart.querySelector(".js-plotly-plot"), rect = chart.querySelector(".rnnx-sketches rect").getBoundingClientRect();
      window.__replaced = {
        title: chart.querySelector(".gtitle").textContent,
        x: Array.from(gd._fullData[0].x), y: Array.from(gd._fullData[0].y),  // the figure plotly.js drew, now hidden
        plotted: [...gd.querySelectorAll(".scatterlayer .trace .points path")].map(centre),
        hidden: getComputedStyle(gd.querySelector(".scatterlayer")).visibility,
        dots: [...chart.querySelectorAll('.rnnx-sketches [data-trace="0"] .rnnx-dot')].map(centre),
        region: [rect.left, rect.right],
      };
      return;
    }
    requestAnimationFrame(tick);
  };
  tick();
}"""


def test_a_figure_replaced_between_two_redraws_is_drawn_where_plotly_draws_it(page, stream_url):
    """A chart replaced at each measurement (payload "defer", like the ‖∂L/∂h_t‖ curve) that gets new figures 60 ms
    apart: between two plotly.js redraws bridge.js draws the new curve, region and title itself, over plotly.js's
    hidden traces (Chart.replace). Its dots and the region's edges sit where plotly.js's own mapping (fitted from
    the markers it drew, log10 y) puts them; at the end plotly.js shows the last figure and nothing is hidden."""
    seen = burst(page, stream_url, REPLACED_SAMPLER_JS, "__replaced")
    n = int(re.fullmatch(r"Curve at n = (\d+)", seen["title"])[1])  # the figure drawn: its title says which
    t, shown_y, plotted = np.array(seen["x"]), np.log10(seen["y"]), np.array(seen["plotted"])
    assert seen["hidden"] == "hidden" and len(plotted) == len(t) == 12
    assert not np.allclose(shown_y, np.sin(t / 2 + n / 5) - 2)  # plotly.js still holds an earlier figure
    (ax, bx), (ay, by) = np.polyfit(t, plotted[:, 0], 1), np.polyfit(shown_y, plotted[:, 1], 1)
    np.testing.assert_allclose(plotted, np.c_[ax * t + bx, ay * shown_y + by], atol=0.5)
    np.testing.assert_allclose(seen["dots"], np.c_[ax * t + bx, ay * (np.sin(t / 2 + n / 5) - 2) + by], atol=0.5)
    np.testing.assert_allclose(seen["region"], [ax * (n % 7 + 0.5) + bx, ax * (n % 7 + 3.5) + bx], atol=0.5)

    points(page, 105)
    gd = ".st-key-curve .js-plotly-plot"
    page.wait_for_function(f"() => document.querySelector('{gd}').layout.title.text === 'Curve at n = 105'"
                           " && !document.querySelector('.st-key-curve .rnnx-replaced')", timeout=30_000)
    y = page.evaluate(f"Array.from(document.querySelector('{gd}')._fullData[0].y)")
    np.testing.assert_allclose(np.log10(y), np.sin(t / 2 + 105 / 5) - 2, atol=1e-9)
    assert page.locator(".st-key-curve .rnnx-sketch").count() == 0
    assert_no_exception(page)
