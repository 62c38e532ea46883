"""The Train page's live saliency in a real browser: after Step 10 on a shared link, both saliency heatmaps hold the
numbers of the latest saliency probe, as autograd computes them on a headless replica of the same training (same
configs, same seeds), the hover reads them, and the sample's inputs are drawn above it; the gradient norm's θ line
sits at θ on its log axis. Saves screenshots of the
two heatmaps (English, and Chinese in presenter mode) to the `shots` folder."""
from __future__ import annotations

import math
import re
from urllib.parse import urlencode

import numpy as np
import pytest
from browser_helpers import assert_no_exception, goto_page, wait_idle
from test_saliency import autograd_saliency

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.lecture.share import LANG_KEY, to_query
from explorer.training.live import train_chunk

pytestmark = pytest.mark.browser

CONFIGS = (ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="adding", seq_len=20), TrainConfig(probe_every=5))
SAMPLE = '[class*="st-key-train_saliency_sample_chart"] .js-plotly-plot'
MEAN = '[class*="st-key-train_saliency_mean_chart"] .js-plotly-plot'
SHOWN_JS = """(sel) => { const gd = document.querySelector(sel), f = gd._fullData;
  return {title: gd.layout.title.text, y: Array.from(f[0].y), z: Array.from(f[0].z, r => Array.from(r, Number)),
          values: Array.from(f[0].customdata, r => Array.from(r, Number)),
          inputs: f.slice(1).map(t => Array.from(t.y, Number)),
          drawn: gd.querySelectorAll('.heatmaplayer image').length}; }"""
COUNTER = re.compile(r"(?:Step|第) \**(\d+)")


def replica():
    """The same lab trained the same 10 steps headless: its latest saliency probe, autograd's saliency (B, R, T)
    of the model at that probe, and the probe batch."""
    lab = make_lab(*CONFIGS)
    steps = []
    for _ in range(10):  # the weights of every step: the latest saliency probe may be before the last step
        train_chunk(lab, 1, math.inf)
        steps.append([p.detach().clone() for p in lab.model.parameters()])
    probe = lab.history.latest_saliency
    for p, w in zip(lab.model.parameters(), steps[probe.step - 1]):
        p.data.copy_(w)
    batch = lab.trainer.probe_batch
    return probe, autograd_saliency(lab.model.eval(), batch.x, "regression", lab.trainer.saliency_steps), batch


def open_and_step(page, app_url: str, lang: str = "en", presenter: bool = False) -> None:
    query = to_query(*CONFIGS) | ({LANG_KEY: lang} if lang != "en" else {})
    page.goto(f"{app_url.rstrip('/')}/?{urlencode(query)}")
    wait_idle(page)  # the link is applied: a nav click before that would open the default model's Train page
    if presenter:
        page.get_by_test_id("stSidebar").get_by_text("演示模式" if lang == "zh" else "Presenter mode").click()
        wait_idle(page)
    goto_page(page, app_url, "训练" if lang == "zh" else "Train")
    page.get_by_test_id("stMain").get_by_role("button", name="走 10 步" if lang == "zh" else "Step 10").click()
    page.wait_for_function("() => /(?:Step|第) \\**10\\b/.test(document.querySelector("
                           "'[data-testid=stMain] [data-testid=stProgress]')?.innerText ?? '')", timeout=90_000)
    wait_idle(page)
    assert_no_exception(page)


def wait_for_probe(page, sel: str, step: int) -> dict:
    page.locator(sel).scroll_into_view_if_needed()  # a live chart off screen is drawn when it scrolls into view
    try:
        page.wait_for_function("([sel, step]) => { const gd = document.querySelector(sel);"
                               " return gd?.layout?.title?.text?.includes(`step ${step}`) || "
                               "gd?.layout?.title?.text?.includes(`${step} 步`); }", arg=[sel, step], timeout=60_000)
    except Exception as e:
        raise AssertionError(f"no saliency of step {step}: {page.evaluate(SHOWN_JS, sel)['title']}") from e
    return page.evaluate(SHOWN_JS, sel)


def test_the_saliency_heatmaps_draw_the_probes_numbers(page, app_url, shots):
    probe, want, batch = replica()
    open_and_step(page, app_url)
    for sel, matrix in ((SAMPLE, want[0]), (MEAN, want.mean(0))):
        shown = wait_for_probe(page, sel, probe.step)
        assert shown["drawn"] == 1 and shown["y"] == [20]  # the adding problem's one output step, t = T
        values = np.array(shown["values"])
        np.testing.assert_allclose(values, matrix, rtol=1e-4, atol=1e-7 * want.max())
        np.testing.assert_allclose(np.array(shown["z"]), np.log10(values), atol=1e-5)
    inputs = page.evaluate(SHOWN_JS, SAMPLE)["inputs"]  # value and marker of probe sample 1, above its saliency
    np.testing.assert_allclose(np.array(inputs).T, batch.x[0].numpy(), rtol=1e-6)

    # The hover over the strongest input of sample 1 reads its value.
    s = int(np.argmax(want[0, 0]))
    box = page.evaluate("""([sel, s]) => { const gd = document.querySelector(sel), l = gd._fullLayout;
        const r = gd.getBoundingClientRect();
        return [r.left + l.xaxis._offset + l.xaxis.c2p(s), r.top + l.yaxis._offset + l.yaxis.c2p(20)]; }""",
                        [SAMPLE, s + 1])
    page.mouse.move(*box)
    hover = page.locator(f"{SAMPLE} .hoverlayer .hovertext")
    hover.wait_for(timeout=30_000)
    text = hover.text_content()  # an SVG text: its lines run together
    assert int(re.search(r"input step s = (\d+)", text)[1]) == s + 1
    assert float(re.search(r"‖ = ([-\d.e+]+)\s*$", text)[1]) == pytest.approx(want[0, 0, s], rel=5e-3)
    page.mouse.move(0, 0)

    # The clipping threshold θ = 1 (the default) is drawn at 1 on the log axis of the gradient norm, which then
    # spans the norms, not 80 decades (a shape at log10 θ = 0 did: plotly takes shapes on log axes as data values).
    norm = '[class*="st-key-train_norm_chart"] .js-plotly-plot'
    page.locator(norm).scroll_into_view_if_needed()
    page.wait_for_function("(sel) => document.querySelector(sel)?._fullLayout?.shapes?.length > 0", arg=norm)
    lo, hi = page.evaluate("(sel) => document.querySelector(sel)._fullLayout.yaxis.range", norm)
    y0 = page.evaluate("(sel) => document.querySelector(sel)._fullLayout.shapes[0].y0", norm)
    assert y0 == 1 and -6 < lo < 0 < hi < 6, (y0, lo, hi)
    page.locator(SAMPLE).evaluate("e => e.closest('[data-testid=stHorizontalBlock]').scrollIntoView({block: 'center'})")
    wait_idle(page)
    page.screenshot(path=str(shots / "train-saliency.png"))
    assert_no_exception(page)


def test_the_saliency_heatmaps_in_chinese_and_presenter_mode(page, app_url, shots):
    probe, want, _ = replica()
    open_and_step(page, app_url, "zh", presenter=True)
    shown = wait_for_probe(page, SAMPLE, probe.step)
    assert shown["title"] == f"第 {probe.step} 步时探测样本 1 的显著性"
    np.testing.assert_allclose(np.array(shown["values"]), want[0], rtol=1e-4, atol=1e-7 * want.max())
    assert page.evaluate(f"() => document.querySelector('{SAMPLE}')._fullLayout.font.size") == 20  # presenter sizes
    wait_for_probe(page, MEAN, probe.step)
    page.locator(SAMPLE).evaluate("e => e.closest('[data-testid=stHorizontalBlock]').scrollIntoView({block: 'center'})")
    wait_idle(page)
    page.screenshot(path=str(shots / "train-saliency-zh-presenter.png"))
    assert_no_exception(page)
