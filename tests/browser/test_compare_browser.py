"""The Compare page in a real browser: the live loss curves (bridge chart) hold the training's own numbers, recomputed
here headless from the same seeds; a zoom survives the updates; the saliency small multiples of every architecture,
in English and Chinese (screenshots compare-live.png, compare-saliency.png, compare-saliency-zh.png).
Speed is measured by tests/browser/bench_compare.py, not here."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import numpy as np
import pytest
from browser_helpers import assert_no_exception, goto_page, pick, wait_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COUNTERS = re.compile(r"vanilla RNN: step (\d+) · LSTM: step (\d+) · GRU: step (\d+)")
LOSS_JS = """() => { const gd = document.querySelector('[class*="st-key-compare_loss"] .js-plotly-plot');
  return gd && gd.data ? {traces: gd.data.map((t) => ({name: t.name, x: Array.from(t.x || []),
    y: Array.from(t.y || [])})), range: gd.layout.xaxis.range} : null; }"""
SALIENCY_JS = """() => { const gd = [...document.querySelectorAll('.js-plotly-plot')].find(
    (g) => g.layout && g.layout.coloraxis && g.data.some((t) => t.type === "heatmap"));
  return gd ? gd.data.filter((t) => t.type === "heatmap").map((t) => t.name) : null; }"""


def main(page):
    return page.get_by_test_id("stMain")


def points(page, n: int) -> str:
    """JS: every curve of the loss chart has at least n points."""
    return f"() => {{ const c = ({LOSS_JS})(); return !!c && c.traces.length === 4 && " \
           f"c.traces.slice(0, 3).every((t) => t.x.length >= {n}); }}"


def headless_losses(steps: dict[str, int]) -> dict[str, np.ndarray]:
    """Each cell's training losses of its first n steps, computed here from the default setup's seeds."""
    import torch

    from explorer import ModelConfig
    from explorer.config import TaskConfig, TrainConfig
    from explorer.training.compare import comparison_labs

    torch.set_num_threads(1)
    labs = comparison_labs(ModelConfig(), TaskConfig(), TrainConfig())
    return {arch: np.array([s.loss for s in labs[arch].trainer.run(n)]) for arch, n in steps.items()}


def test_live_curves_show_the_trainings_numbers_and_keep_the_zoom(page, app_url, shots):
    page.goto(app_url)
    wait_idle(page)
    goto_page(page, app_url, "Compare")
    main(page).get_by_role("button", name="Start").click()
    page.wait_for_function(points(page, 5), timeout=120_000)
    page.evaluate("Plotly.relayout(document.querySelector('[class*=\"st-key-compare_loss\"] .js-plotly-plot'), "
                  "{'xaxis.range': [2, 60]})")
    page.wait_for_function(points(page, 30), timeout=120_000)
    main(page).get_by_role("button", name="Pause").click()
    expect(main(page).get_by_role("button", name="Start")).to_be_visible(timeout=60_000)
    wait_idle(page)
    m = COUNTERS.search(main(page).inner_text())
    steps = dict(zip(("rnn", "lstm", "gru"), (int(k) for k in m.groups())))
    page.wait_for_function(f"() => {{ const c = ({LOSS_JS})(); return !!c && "
                           f"c.traces.slice(0, 3).map((t) => t.x.length).join() === "
                           f"'{','.join(map(str, steps.values()))}'; }}",
                           timeout=30_000)
    shown = page.evaluate(LOSS_JS)
    assert shown["range"] == [2, 60], "an update reset the user's zoom"
    want = headless_losses(steps)
    from explorer.config import TaskConfig
    from explorer.data.tasks import make_task

    baseline = make_task(TaskConfig()).baseline
    assert shown["traces"][3]["name"].startswith("baseline")
    np.testing.assert_allclose(shown["traces"][3]["y"], [baseline, baseline])
    for trace, arch in zip(shown["traces"], steps):
        assert trace["x"] == list(range(1, steps[arch] + 1))
        np.testing.assert_allclose(trace["y"], want[arch], rtol=1e-4)  # float32 on the wire
    assert_no_exception(page)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "compare-live.png"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_saliency_of_every_architecture(page, app_url, shots, lang):
    from explorer import ModelConfig
    from explorer.config import TaskConfig, TrainConfig
    from explorer.lecture.share import to_query

    query = to_query(ModelConfig(hidden_size=16), TaskConfig(name="adding", seq_len=40),
                     TrainConfig(steps=60, probe_every=10)) | ({"lang": "zh"} if lang == "zh" else {})
    page.goto(f"{app_url.rstrip('/')}/?{urlencode(query)}")
    wait_idle(page)
    goto_page(page, app_url, "比较" if lang == "zh" else "Compare")
    archs = main(page).get_by_test_id("stMultiSelect").first
    names = ("双向 GRU", "1D-CNN", "Transformer") if lang == "zh" else ("Bi-GRU", "1D-CNN", "Transformer")
    for name in names:
        pick(page, archs, name)
        page.keyboard.press("Escape")
        wait_idle(page)
    start = main(page).get_by_role("button", name="开始" if lang == "zh" else "Start")
    start.click()
    expect(start).to_be_hidden()
    expect(start).to_be_visible(timeout=180_000)  # the 60 steps are done: the page reran with the final weights
    wait_idle(page)
    heading = "每个模型能往回看多远" if lang == "zh" else "How far back each model looks"
    expect(main(page).get_by_role("heading", name=heading)).to_be_visible()
    page.wait_for_function(f"() => ({SALIENCY_JS})()?.length === 6", timeout=60_000)
    heat = page.evaluate(SALIENCY_JS)
    assert heat == (["普通 RNN", "LSTM", "GRU", "双向 GRU", "1D-CNN", "Transformer"] if lang == "zh"
                    else ["vanilla RNN", "LSTM", "GRU", "Bi-GRU", "1D-CNN", "Transformer"])
    assert_no_exception(page)
    main(page).get_by_test_id("stPlotlyChart").last.evaluate("e => e.scrollIntoView({block: 'end'})")  # the grid
    page.mouse.move(900, 40)  # no hover label in the picture
    page.wait_for_timeout(500)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"compare-saliency{'-zh' if lang == 'zh' else ''}.png"), full_page=False)
