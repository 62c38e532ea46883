"""The translation mechanism (explorer/i18n) and the completeness of the Chinese catalog."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from explorer.i18n import LANGS, N_, ZH, UserError, UserText, extract, lang_from_locale, message, tr
from explorer.i18n.extract import marked_in_tree, marked_strings

ROOT = Path(__file__).resolve().parents[1]


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def test_tr_fills_fields_in_either_language(monkeypatch):
    monkeypatch.setitem(ZH, "Step {t} of {T}", "第 {t} 步,共 {T} 步")
    assert tr("Step {t} of {T}", "en", t=3, T=50) == "Step 3 of 50"
    assert tr("Step {t} of {T}", "zh", t=3, T=50) == "第 3 步,共 50 步"
    assert tr("Not in the catalog", "zh") == "Not in the catalog"  # falls back to the source
    assert tr("{x}", "en") == "{x}"  # no fields given: the text is not formatted
    with pytest.raises(ValueError, match="lang"):
        tr("Start", "fr")


def test_user_error_reads_in_english_and_translates(monkeypatch):
    monkeypatch.setitem(ZH, "The file has {n:,} bytes.", "文件有 {n:,} 字节。")
    e = UserError("The file has {n:,} bytes.", n=3000)
    assert isinstance(e, ValueError) and str(e) == "The file has 3,000 bytes."
    assert message(e, "zh") == "文件有 3,000 字节。" and message(e, "en") == str(e)
    assert message(ValueError("plain"), "zh") == "plain"
    assert N_("Vanishing gradients") == "Vanishing gradients"


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("zh_TW", "zh"), ("ZH", "zh"), ("zh-Hans-HK", "zh"),
                                          ("en-GB", "en"), ("de", "en"), ("", "en"), (None, "en")])
def test_language_follows_the_browser_locale(locale, lang):
    assert lang_from_locale(locale) == lang


def test_extraction_finds_every_marker_form():
    src = '''
x = tr("a {n}", lang, n=1)
y = t("b")
z = N_("c")
raise UserError("d {k}", k=2)
w = obj.tr("e", lang)
not_marked = f("g"); t(variable)
'''
    assert set(marked_strings(src)) == {"a {n}", "b", "c", "d {k}", "e"}


def test_extraction_reads_the_text_fields_of_marked_data(monkeypatch):
    monkeypatch.setattr(extract, "MARKED_FIELDS", {"Preset": ("title", "look_at")})
    src = 'Preset(key="k", title="Vanishing", look_at="Look " "here", page="train")\nOther(title="no")'
    assert set(marked_strings(src)) == {"Vanishing", "Look here"}


def test_every_marked_string_has_a_translation_and_every_entry_is_used():
    marked = marked_in_tree(ROOT)
    missing = sorted(set(marked) - set(ZH))
    unused = sorted(set(ZH) - set(marked))
    assert not missing, "no Chinese for:\n" + "\n".join(f"  {marked[m][0]}: {m!r}" for m in missing)
    assert not unused, "catalog entries no longer used:\n" + "\n".join(f"  {u!r}" for u in unused)


@pytest.mark.parametrize("source", sorted(ZH))
def test_translations_keep_the_fields_of_their_source(source):
    assert fields(ZH[source]) == fields(source)
    assert ZH[source].strip(), "empty translation"


def test_languages():
    assert LANGS[0] == "en" and "zh" in LANGS


# --- strings a page shows without marking them ----------------------------------------------------------------

# Streamlit calls whose first argument (and these keywords) a user reads.
UI_CALLS = {"title", "header", "subheader", "markdown", "caption", "text", "write", "button", "toggle", "checkbox",
            "selectbox", "multiselect", "radio", "slider", "select_slider", "number_input", "text_input",
            "text_area", "file_uploader", "download_button", "expander", "popover", "info", "warning", "error",
            "success", "toast", "page_link", "metric", "segmented_control", "pills", "form_submit_button",
            "link_button", "Page", "spinner", "status", "progress", "tabs"}
TEXT_KWARGS = {"label", "help", "placeholder", "title", "body", "text", "value_label"}
# Words a Chinese page shows as they are.
NAMES = {"RNN", "Explorer", "LSTM", "GRU", "PyTorch", "Adam", "AdamW", "SGD", "RMSprop", "BPTT", "ReLU", "tanh",
         "CSV", "JSON", "NPZ", "PNG", "BLEU", "MSE", "MAE", "RMSE", "PCA", "CNN", "Transformer", "safetensors"}
# The files that show UI strings: app.py and every page (issue 15: a new page comes in both languages).
TRANSLATED = ("app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py")))


def words(node: ast.expr) -> list[str]:
    """The English words of a literal (or f-string's literal parts), names aside."""
    parts = [node] if isinstance(node, ast.Constant) else node.values if isinstance(node, ast.JoinedStr) else []
    text = " ".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
    if re.search(r"[\u4e00-\u9fff]", text):  # written in both languages on purpose (the language switch)
        return []
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in NAMES]


def unmarked_ui_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every literal with English words that a Streamlit call shows unmarked."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in UI_CALLS):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", None))
        shown = [k.value for k in node.keywords if k.arg in TEXT_KWARGS]
        shown += node.args[:1] if name not in ("Page", "page_link") else []  # theirs is a path
        if name == "tabs" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            shown = list(node.args[0].elts)
        out += [(n.lineno, ast.unparse(n)[:80]) for n in shown if words(n)]
    return out


def test_the_guard_finds_unmarked_strings():
    src = '''
st.button("Start", help=t("Go"))
col.caption(f"Step {k} of {n}")
st.markdown(f"**{t('Loss')}**")
st.title("RNN Explorer")
st.tabs([t("A"), "Bee"])
st.selectbox(t("Cell"), CELLS, help="Which cell")
st.page_link("pages/x.py", label=t("X"))
st.radio("Language · 语言", LANGS)
'''
    assert [line for line, _ in unmarked_ui_strings(src)] == [2, 3, 6, 7]


@pytest.mark.parametrize("path", TRANSLATED)
def test_translated_files_mark_every_string_they_show(path):
    found = unmarked_ui_strings((ROOT / path).read_text(encoding="utf-8"))
    assert not found, f"{path}: strings shown without t(...):\n" + "\n".join(f"  {n}: {s}" for n, s in found)


def test_user_text_is_its_english_sentence_and_translates_with_its_fields(monkeypatch):
    monkeypatch.setitem(ZH, "Ignored {setting}: {error}.", "已忽略 {setting}：{error}。")
    monkeypatch.setitem(ZH, "not a number", "不是数字")
    text = UserText("Ignored {setting}: {error}.", setting="r.lr=x", error=UserError("not a number"))
    assert text == "Ignored r.lr=x: not a number." and isinstance(text, str)
    assert message(text, "zh") == "已忽略 r.lr=x：不是数字。" and message(text, "en") == text
    assert message(UserText("Ignored {setting}: {error}.", setting="a", error=ValueError("as raised")), "zh") \
        == "已忽略 a：as raised。"  # a plain error inside stays as it was raised


def test_import_messages_translate():
    from explorer.lab import default_lab, import_file
    from explorer.lecture.export import config_json

    lab = default_lab()
    with pytest.raises(UserError) as e:
        import_file(lab, "x.json", b"\xff")
    assert str(e.value) == "The config file is not valid UTF-8 JSON." and message(e.value, "zh") == ZH[str(e.value)]
    _, done = import_file(lab, "c.json", config_json(lab.model_cfg, lab.task_cfg, lab.train_cfg))
    assert message(done, "zh") == "配置已加载：一个新的、未训练的模型。"
    with pytest.raises(UserError) as e:
        import_file(lab, "w.safetensors", b"not safetensors")
    assert message(e.value, "zh") == "这不是 safetensors 权重文件。"
