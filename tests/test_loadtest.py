"""deploy/loadtest.py against real servers on loopback: its browser protocol (page views, a click on Start and the
fragment timer that keeps training) and the proxy set-up (HAProxy with deploy/haproxy.cfg: tabs spread over two
replicas and sticky). Figures are printed, not asserted (the machine is shared)."""
import importlib.util
import os
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("loadtest", Path(__file__).parents[1] / "deploy" / "loadtest.py")
loadtest = sys.modules["loadtest"] = importlib.util.module_from_spec(spec)  # deploy/ is not a package
spec.loader.exec_module(loadtest)


def run(args: list[str]) -> None:
    """loadtest.main(args) on a thread of its own: its asyncio.run needs a thread without an event loop, and in
    a full test run the browser tests' Playwright keeps one running on the main thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(loadtest.main, args).result()


def test_a_tab_pressing_start_keeps_training_while_another_browses(capsys):
    run(["train", "--trainers", "1", "--browsers", "1", "--duration", "8", "--settle", "3", "--think", "0.5",
                   "--max-seconds", "240"])
    out = capsys.readouterr().out
    print(out)
    assert "errors: 0" in out
    assert "tabs still training at the end: 1 of 1" in out  # the click landed and the timer kept the run going
    rate = float(re.search(r"training steps/s per tab: min ([\d.]+)", out)[1])
    assert rate > 0
    assert re.search(r"page views of the browsing tabs: [1-9]\d* page views", out)


def test_two_replicas_behind_haproxy_share_the_tabs_and_keep_each_on_its_own(capsys):
    if shutil.which("haproxy") is None:
        msg = "needs Debian's haproxy (apt-get install haproxy)"
        if os.environ.get("RNN_EXPLORER_REQUIRE_BROWSER") == "1":  # CI installs it: the test may not skip there
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    run(["burst", "--sessions", "8", "--within", "0.5", "--replicas", "2", "--max-seconds", "240"])
    out = capsys.readouterr().out
    print(out)
    assert "served: 8 of 8" in out and "errors: 0" in out
    assert re.search(r"pinned the tabs to \(cookie rnnx_replica\): \d+ tabs, \d+ tabs", out)  # both replicas used
    assert "reconnect with its own cookie: 8 of 8 tabs got their session back" in out
    assert "reconnect with the other replica's cookie (control): 0 of 8" in out
