"""The translation mechanism (explorer/i18n) and the completeness of the Chinese catalog."""
from __future__ import annotations

import string
from pathlib import Path

import pytest

from explorer.i18n import LANGS, N_, ZH, UserError, lang_from_locale, message, tr
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
