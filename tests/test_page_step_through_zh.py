"""The Step-through page in Simplified Chinese (issue 15): with lang=zh every word it shows is Chinese, names and
math aside: Streamlit's elements, and the words of every browser-side view it sends (titles, axis titles, legends,
hover templates, the equations' words, the player's labels, the views' own words); for the default model, a
bidirectional one (the two chains, saliency) and the sentiment preset (word by word, the test split's panel).
The same pages in English keep their English words (the payload builders' default)."""
from __future__ import annotations

import json
import re

import pytest
from test_page_step_through import open_page, views

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.i18n import ZH
from explorer.lab import make_lab
from explorer.lecture.presets import PRESETS
from explorer.lecture.presets import load as load_preset

# Names and one-word math symbols a Chinese page keeps (as tests/browser/test_chinese_browser.py's ALLOWED).
ALLOWED = {"RNN", "LSTM", "GRU", "PyTorch", "ReLU", "BPTT", "NPZ", "PNG", "PCA", "PC", "tanh", "relu", "softmax", "logits", "logit",
           "logistic", "sigmoid", "numpy", "id", "NaN", "max", "unk", "pad", "lt", "gt", "sub", "sup",
           "Sans", "Noto", "CJK", "SC"}
# Data the page quotes: the sentence the sentiment preset types, whole and word by word.
QUOTED = ("this movie is not good",)
DATA_WORDS = set(QUOTED[0].split())


def english(text: str) -> set[str]:
    """Runs of 2+ Latin letters that are neither ALLOWED nor part of a symbol joined by "_" (W_hh, h_t, x_s)."""
    for q in QUOTED:
        text = text.replace(q, " ")
    text = re.sub(r"<sub>[^<]*</sub>", "", text)  # indices: W_ih, b_hh (math)
    text = re.sub(r"<[^>]+>", " ", text)          # HTML tags
    text = re.sub(r"%\{[^}]*\}", " ", text)       # plotly hover fields %{y:.3f}
    text = re.sub(r"\{\w+\}", " ", text)          # the browser's template fields {t}, {note}, {f0}
    return {w for w in re.findall(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])", text) if w not in ALLOWED | DATA_WORDS}


def page_texts(at) -> list[str]:
    """Every text Streamlit shows on the page (main area): headings, markdown, captions, notices, widget labels,
    help texts and options."""
    main = at.main
    out = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error")
           for e in getattr(main, kind)]
    for kind in ("toggle", "text_input", "number_input", "selectbox", "slider", "button", "radio"):
        for w in getattr(main, kind):
            out += [w.label, getattr(w, "help", None) or ""]
            if kind in ("selectbox", "radio"):
                out += [str(o) for o in w.options]
    for kind in ("segmented_control", "pills"):
        out += [o for w in getattr(main, kind) for o in (w.label, w.help or "", *map(str, w.options))]
    out += [e.label for e in main.expander]
    out += [m.label for m in main.metric]
    return [s for s in out if s]


def figure_texts(fig: dict) -> list[str]:
    lay = fig.get("layout", {})
    out = [lay.get("title", {}).get("text", "")]
    for axis in ("xaxis", "yaxis"):
        title = lay.get(axis, {}).get("title", {})
        out.append(title.get("text", "") if isinstance(title, dict) else str(title))
    for tr in fig.get("data", []):
        out += [tr.get("name") or "", (tr.get("hovertemplate") or "").replace("<extra></extra>", "")]
    return out


def view_texts(v: dict) -> list[str]:
    """The words of one browser view's payload."""
    out = [v.get("title", ""), v.get("xlabel", ""), v.get("html", "")]
    out += [r["label"] for r in v.get("rows", [])]
    out += [n for names in v.get("names", []) for n in names]
    out += [s for values in v.get("fields", {}).values() for s in values if isinstance(s, str)]
    out += list(v.get("labels", {}).values())  # not v["ui"] (pages/bridge.py's UI words): still English, left
    if "figure" in v:
        out += figure_texts(json.loads(v["figure"]) if isinstance(v["figure"], str) else v["figure"])
    return [s for s in out if s]


# The task's data, not words of the app: the input text coloured by a unit (Macbeth) and the step's input symbol.
DATA_VIEWS = ("step_lm", "step_text_view")


def all_texts(at) -> list[str]:
    shown = [s for s in page_texts(at) if not s.startswith('<div style="font-family:monospace')]  # generated text
    return shown + [s for k, v in views(at).items() if k not in DATA_VIEWS for s in view_texts(v)]


def assert_chinese(at) -> None:
    assert not at.exception, at.exception
    left = {w: s[:120] for s in all_texts(at) for w in english(s)}
    assert not left, f"English words on the Chinese Step-through page: {left}"


def zh(source: str) -> str:
    return ZH[source]


def test_the_default_model_in_chinese():
    at = open_page(lang="zh")
    assert at.title[0].value == "逐步执行"
    v = views(at)
    assert v["step_state"]["title"] == zh("State at t = {t}") == "t = {t} 时的状态"
    assert "手算" in v["step_equations"]["html"] and "σ 是 logistic sigmoid 函数" in v["step_equations"]["html"]
    assert v["step_player"]["labels"]["play"] == "▶ 播放"
    assert any("所有时间步" == s.value for s in at.subheader)
    assert_chinese(at)


def test_a_bidirectional_model_in_chinese_its_two_chains_and_saliency():
    lab = make_lab(ModelConfig(cell="gru", num_layers=2, hidden_size=6, bidirectional=True, seed=2),
                   TaskConfig(name="neighbours", seq_len=16), TrainConfig())
    at = open_page(lab, lang="zh")
    v = views(at)
    assert v["step_chain_0"]["title"].startswith("t = {t} 时的正向链 →")
    assert v["step_chain_1"]["title"] == "t = {t} 时的反向链 ←：已读取 x16 … x{t}"
    assert "反向链" in json.dumps(v["step_chain_grads"], ensure_ascii=False)
    assert "显著性" in json.dumps(v["step_saliency"], ensure_ascii=False)
    assert_chinese(at)
    at.selectbox(key="step_direction").set_value(1)
    at.selectbox(key="step_layer").set_value(1)
    at.run()
    assert "反向 ←：依次读取" in views(at)["step_equations"]["html"]
    assert_chinese(at)
    at.segmented_control(key="step_saliency_of").set_value("probe").run()
    assert "显著性，" in views(at)["step_saliency"]["figure"]["layout"]["title"]["text"]
    assert_chinese(at)


@pytest.mark.parametrize("task", ["charlm", "adding"])
def test_the_text_and_numeric_tasks_in_chinese(task):
    lab = make_lab(ModelConfig(cell="rnn", hidden_size=6), TaskConfig(name=task, seq_len=12), TrainConfig())
    at = open_page(lab, lang="zh")
    assert_chinese(at)
    if task == "charlm":
        at.toggle(key="step_own_text").set_value(True).run()
        at.text_input(key="step_text").set_value("§§").run()  # characters the alphabet lacks: a message
        assert at.error and at.error[0].value.startswith("字母表中没有这些字符") and "改为显示样本 0" in at.error[0].value
        at.button(key="step_gen_btn").click().run()
        assert_chinese(at)


def test_the_sentiment_preset_in_chinese_word_by_word_and_the_test_split():
    key = "sentiment-word-by-word"
    at = open_page(lang="zh")
    at.session_state["lab"] = load_preset(key)
    for widget, value in PRESETS[key].widgets:
        at.session_state[widget] = value
    at.run()
    v = views(at)
    assert "读完最后一个词后，模型判断为" in v["step_words_step"]["html"]
    assert v["step_words_chart"]["figure"]
    assert any(s.value == "逐词情感分析" for s in at.subheader)
    assert_chinese(at)
    at.button(key="step_evaluate").click().run()
    assert [m.label for m in at.metric] == ["准确率", "F1（宏平均）", "F1（正类）"]
    assert_chinese(at)


def test_the_same_page_in_english_keeps_its_english():
    at = open_page(lang="en")
    v = views(at)
    assert at.title[0].value == "Step through" and v["step_state"]["title"] == "State at t = {t}"
    assert "by hand" in v["step_equations"]["html"]
