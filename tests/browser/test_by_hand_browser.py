"""The By hand page in a real browser: step the backward pass with its buttons, check the numbers on screen against
the same computation done here, download the script, run it, and compare what it prints with the page; the README's
screenshot (1280×800)."""
from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from browser_helpers import assert_no_exception, goto_page, wait_idle

from explorer.lab import default_lab
from explorer.scratch import walkthrough as wk

pytestmark = pytest.mark.browser

NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def expected_walk() -> wk.Walk:
    """What a fresh session's By hand page computes: the default lab's small network on sample 0."""
    lab = default_lab()
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    return wk.walk(setup.net, setup.task, *wk.sample(setup.task, 0))


def code_text(page, key: str) -> str:
    return page.locator(f".st-key-{key} pre >> visible=true").first.inner_text()


def shown(text: str, name: str) -> np.ndarray:
    """The numbers of `name = [...]` (a line of its own or a `#   name = ...` comment) in a code block's text."""
    m = re.search(rf"^(?:#\s+)?{name} = (\[[^\]]*\])", text, flags=re.M)
    assert m, f"{name} not shown in:\n{text}"
    return np.array([float(v) for v in re.findall(NUMBER, m[1])])


def back_to(page, t: int) -> None:
    """Click ▶ of the backward pass once and wait until the page shows step t."""
    page.locator(".st-key-hand_back_next button >> visible=true").first.click()
    page.get_by_text(f"Step t = {t}, layer 0: what arrives").wait_for()
    wait_idle(page)


def test_step_the_backward_pass_check_numbers_and_download_the_script(page, app_url, tmp_path, shots):
    goto_page(page, app_url, "By hand")
    page.locator(".st-key-hand_forward_code pre").first.wait_for()
    assert_no_exception(page)
    w = expected_walk()
    T = w.seq_len
    info = page.get_by_test_id("stMain").get_by_test_id("stAlert").first.inner_text()  # the info box
    assert "A small, untrained LSTM, 1 layer × 4 units" in info and f"L = {w.loss:.6g}" in info

    forward = code_text(page, "hand_forward_code")
    np.testing.assert_allclose(shown(forward, "h"), w.cache.hidden[0, 0, 0], rtol=6e-4)  # t = 1

    page.get_by_text(f"Step t = {T}, layer 0: what arrives").wait_for()
    for t in range(T - 1, 5, -1):  # ▶ walks back in time: T−1, ..., 6
        back_to(page, t)
        incoming, backward = code_text(page, "hand_incoming"), code_text(page, "hand_backward_code")
        step = w.back.record[t - 1][1][0]
        np.testing.assert_allclose(shown(incoming, "dy"), w.d_out[0, t - 1], rtol=6e-4, atol=1e-12)
        np.testing.assert_allclose(shown(backward, "dh"), w.back.dh[0, 0, t - 1], rtol=6e-4, atol=1e-12)
        for gate in ("dc", "do", "di", "df", "dg", "dh_next", "dc_next"):
            np.testing.assert_allclose(shown(backward, gate), step[gate][0], rtol=6e-4, atol=1e-12, err_msg=gate)
    assert_no_exception(page)

    page.mouse.move(1275, 420)  # no tooltip or hover effect in the picture
    page.get_by_role("heading", name="Backward pass through time").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', state="attached")
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "by-hand-1280x800.png"))

    main = page.get_by_test_id("stMain")
    main.get_by_text("✓ Forward pass: every output and top-layer h_t of the numpy network equals PyTorch's nn.LSTM",
                     exact=False).wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as a script").click()
    assert download.value.suggested_filename == "by_hand_lstm.py"
    path = tmp_path / "by_hand_lstm.py"
    download.value.save_as(path)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    blocks = dict(zip(*[iter(re.split(r"^== (.+) ==$", done.stdout, flags=re.M)[1:])] * 2))
    assert f"L = {float(blocks['loss']):.6g}" in info  # the loss the page states
    dh = np.array([float(v) for v in re.findall(NUMBER, blocks[
        "dL/dh_t of layer 0 (T, H), total, by backpropagation through time"])]).reshape(T, -1)
    np.testing.assert_allclose(dh[5], shown(code_text(page, "hand_backward_code"), "dh"), rtol=6e-4)  # t = 6 on screen
