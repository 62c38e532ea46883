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
