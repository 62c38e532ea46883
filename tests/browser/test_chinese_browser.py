"""The app in Simplified Chinese in a real browser: the browser's language picks it, and a Chinese page shows no
English words other than names (LSTM, PyTorch, ...) and math. Pages join CHINESE_PAGES as they are translated."""
from __future__ import annotations

import re

import pytest
from browser_helpers import assert_no_exception, wait_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser



def _backward_steps() -> int:
    """T of the By hand page in a fresh session (the default lab's sample, shortened)."""
    from explorer.lab import default_lab
    from explorer.scratch import walkthrough as wk

    lab = default_lab()
    return wk.setup(lab.model_cfg, lab.model, lab.task_cfg).task.seq_len


T = _backward_steps()
# (URL path ("" = Home), the clicks made before the scan: (what to click, a text that shows the click took effect)).
# The page is scanned after loading and again after each click.
CHINESE_PAGES = [
    ("", (("text=导出 / 导入", "加载配置或权重文件"),)),  # the sidebar's file uploader: Streamlit's own words
    ("", ((".st-key-home_preset_textbook-gru button", "同一组权重上的教科书 GRU 与 PyTorch 的 GRU"),)),
    ("by_hand", ((".st-key-hand_next button", "手算 t = 2 时的单元 0"),
                 (".st-key-hand_back_next button", f"第 t = {T - 1} 步，第 0 层"),
                 ("text=行向量：为什么代码写 x @ W.T", "许多 numpy 教程改为存储转置后的矩阵"),
                 ("text=dy 从哪里来：损失函数", "就是第 t 步的 dy"))),
    ("build", ()),  # the sine task: one-way networks only (its bidirectional toggle is off)
    ("seq2seq", ((".st-key-s2s_view button >> text=训练", "每次运行的步数"),)),
    ("train", ()),
    ("compare", ()),
    ("step_through", ((".st-key-step_player button[data-act=next]", "第 t = 2 步，共 50 步"),
                      ("text=探测批次上的平均", "显著性，"))),
    # a link's bidirectional model: the two chains, each chain's gradient, the backward chain's equations
    ("step_through?m.bidirectional=true&t.name=neighbours&t.seq_len=16",
     (("text=两条链", "反向链按其读取顺序显示"),)),
    # the sentiment preset: the sentence word by word, then the test split's scores
    ("", ((".st-key-home_preset_sentiment-word-by-word button", "读完最后一个词后，模型判断为"),
          ("text=在测试集上评估", "用当前权重为测试集"),
          (".st-key-step_evaluate button", "F1（宏平均）"))),
]
# Names and symbols a Chinese page shows as they are.
ALLOWED = {"RNN", "Explorer", "LSTM", "GRU", "PyTorch", "Adam", "AdamW", "SGD", "RMSprop", "BPTT", "ReLU", "IRNN",
           "tanh", "CSV", "JSON", "NPZ", "PNG", "BLEU", "MSE", "MAE", "RMSE", "PCA", "CNN", "Transformer",
           "safetensors", "English", "Bi", "NaN", "Okabe", "Ito", "ISO",
           # authors cited in the texts
           "Gers", "Schmidhuber", "Cummins", "Jozefowicz", "Zaremba", "Sutskever", "Le", "Jaitly", "Hinton",
           "Schraudolph", "Bahdanau", "Luong", "Macbeth", "Greff",
           # names of libraries and units the texts keep, and one-word math symbols (dy = ∂L/∂y_t, lr, diag(·), log₁₀)
           "numpy", "autograd", "Dropout", "nats", "nn", "Karpathy", "Sigmoid", "relu", "dy", "lr", "max", "diag",
           # Seq2seq: the date standard, the tokens <bos>/<eos>, and the score equation's math (exp, log, softmax, e_js)
           "ISO", "bos", "eos", "exp", "log", "softmax", "js",
           "Re", "Im",  # the eigenvalue chart's axes: Re λ, Im λ
           # Step through: the equations' and charts' math (logistic sigmoid, logits, PC1/PC2 of the PCA, <unk>)
           "logistic", "sigmoid", "logits", "logit", "PC", "unk", "pad", "id",
           # data: the sentence the sentiment preset reads, shown word by word
           "this", "movie", "is", "not", "good"}
# Names of several words: removed before the scan.
PHRASES = ("min-char-rnn",
           # data the texts quote: the inputs a model reads
           "“this movie is not good”", "“this movie is good”", "“not”",
           "Saturday, the 28th of November 2026", "28 November 2026", "nov 28, 26")
# The text a reader sees in the main area and the sidebar: visible text nodes, without formulas (KaTeX, and the
# indices of HTML math such as W<sub>ih</sub>), code (the share link) and icon ligatures (Material icons are words
# such as "keyboard_arrow_down" in an icon font).
VISIBLE_TEXT_JS = """() => {
  const skip = '.katex, sub, code, pre, [data-testid=stCode], [data-testid=stIconMaterial], script, style';
  const parts = [];
  for (const root of document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebar]')) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const e = n.parentElement;
      if (e && !e.closest(skip) && e.checkVisibility({ visibilityProperty: true })) parts.push(n.textContent);
    }
  }
  return parts.join(" ");
}"""


def english_words(text: str) -> list[str]:
    """The words of `text` a Chinese reader should not meet: runs of 2+ Latin letters, except ALLOWED names and
    the parts of symbols joined by "_" (W_hh, dh_next, c_t), which are math."""
    for phrase in PHRASES:
        text = text.replace(phrase, " ")
    return sorted({w for w in re.findall(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])", text) if w not in ALLOWED})


def test_the_browser_language_chooses_chinese(browser, app_url):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(app_url)
        wait_idle(page)
        expect(page.get_by_text("从哪里开始")).to_be_visible()
        expect(page.get_by_test_id("stSidebar").get_by_text("演示模式")).to_be_visible()
    finally:
        context.close()


def scan(page, where: str) -> None:
    assert_no_exception(page)
    left = english_words(page.evaluate(VISIBLE_TEXT_JS))
    assert not left, f"English on the Chinese page {where}: {left}"


@pytest.mark.parametrize("path, clicks", CHINESE_PAGES,
                         ids=[f"/{p}" + "".join(f" +{c[0]}" for c in clicks) for p, clicks in CHINESE_PAGES])
def test_a_chinese_page_shows_no_english(page, app_url, path, clicks):
    page.goto(f"{app_url.rstrip('/')}/{path}{'&' if '?' in path else '?'}lang=zh")
    wait_idle(page)
    page.get_by_text("演示模式").wait_for()
    scan(page, f"/{path}")
    for target, shows in clicks:
        page.locator(f"{target} >> visible=true").first.click()
        page.get_by_text(shows).first.wait_for(timeout=60_000)
        wait_idle(page)
        scan(page, f"/{path} after clicking {target}")


UPLOADER_WORDS_JS = """() => {
  const zone = document.querySelector('[data-testid=stSidebar] [data-testid=stFileUploaderDropzone]');
  const button = zone.querySelector('[data-testid=stBaseButton-secondary] span[data-has-shortcut]');
  const limit = zone.querySelector('[data-testid=stFileUploaderDropzoneInstructions] > div');
  const english = [button.querySelector('[data-testid=stMarkdownContainer]'), limit.querySelector('span')];
  return [getComputedStyle(button, '::after').content, getComputedStyle(limit, '::after').content,
          ...english.map(e => e.checkVisibility() ? e.innerText : "")];
}"""


@pytest.mark.parametrize("lang, words", [
    ("zh", ['"上传"', '"每个文件最大 2MB"', "", ""]),  # the English texts are out of the layout
    ("en", ["none", "none", "Upload", "2MB per file • JSON, SAFETENSORS"]),
])
def test_the_file_uploader_speaks_the_sessions_language(page, app_url, lang, words):
    """Streamlit writes the uploader's words itself; in Chinese, CSS keyed on its data-testids replaces them."""
    page.goto(f"{app_url.rstrip('/')}/?lang={lang}")
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_test_id("stExpander").first.click()
    page.get_by_test_id("stSidebar").get_by_test_id("stFileUploaderDropzone").wait_for()
    assert page.evaluate(UPLOADER_WORDS_JS) == words



@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_chinese_screenshots(page, app_url, shots, width, height):
    """README.zh-CN.md's pictures (RNN_EXPLORER_SHOTS=docs writes them there): Home, By hand and Step through in
    Chinese."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url.rstrip('/')}/?lang=zh")
    wait_idle(page)
    expect(page.get_by_text("从哪里开始")).to_be_visible()
    page.wait_for_timeout(500)
    scan(page, "/ (screenshot)")
    page.screenshot(path=str(shots / f"zh-home-{width}x{height}.png"))
    page.goto(f"{app_url.rstrip('/')}/by_hand?lang=zh")
    wait_idle(page)
    for _ in range(3):
        page.locator(".st-key-hand_next button >> visible=true").first.click()
        wait_idle(page)
    page.get_by_text("手算 t = 4 时的单元 0").first.wait_for()
    page.wait_for_timeout(500)
    scan(page, "/by_hand (screenshot)")
    page.screenshot(path=str(shots / f"zh-by-hand-{width}x{height}.png"))
    page.goto(f"{app_url.rstrip('/')}/step_through?lang=zh")
    wait_idle(page)
    for _ in range(5):
        page.locator(".st-key-step_player button[data-act=next] >> visible=true").first.click()
    page.get_by_text("第 t = 6 步，共 50 步").first.wait_for()
    wait_idle(page)
    page.wait_for_timeout(500)
    scan(page, "/step_through (screenshot)")
    page.screenshot(path=str(shots / f"zh-step-through-{width}x{height}.png"))
