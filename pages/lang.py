"""The session's language: `t("text", **fields)` in every page; the sidebar's switch; `lang=` in links.

The first page view takes the language from a link's `lang=zh` / `lang=en`, else from the browser's locale
(`st.context.locale`); afterwards the sidebar's switch decides, and share links carry it.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from explorer.i18n import LANG_NAMES, LANGS, lang_from_locale, message, tr
from explorer.lecture.share import LANG_KEY as QUERY_KEY

# The session's language, kept apart from the switch's widget key: Streamlit drops a widget's state after a run
# that does not draw it (one cut short by st.switch_page when a preset opens its page), and the URL's lang= is
# gone after a page change, so the widget key alone would fall back to the browser's language.
CHOSEN = "lang_chosen"


def lang() -> str:
    """"en" or "zh" for this session."""
    if CHOSEN not in st.session_state:
        asked = st.query_params.get(QUERY_KEY)
        st.session_state[CHOSEN] = asked if asked in LANGS else lang_from_locale(st.context.locale)
    return st.session_state[CHOSEN]


def t(text: str, /, **fields: Any) -> str:
    """`text` in the session's language, its `{fields}` filled in."""
    return tr(text, lang(), **fields)


def error_text(error: Exception) -> str:
    """An error's message in the session's language (translated if it is a UserError)."""
    return message(error, lang())


def language_switch() -> None:
    """The sidebar's language choice, written in each language itself so either reader finds it; and, in a
    language other than English, Streamlit's own words in it (`streamlit_words_css`)."""
    st.session_state[QUERY_KEY] = lang()
    if lang() != "en":
        st.html(streamlit_words_css())
    st.radio("Language · 语言", LANGS, key=QUERY_KEY, format_func=LANG_NAMES.get, horizontal=True,
             label_visibility="collapsed", on_change=_chosen)


def _chosen() -> None:
    st.session_state[CHOSEN] = st.session_state[QUERY_KEY]


def streamlit_words_css() -> str:
    """CSS that shows the words Streamlit's frontend writes itself (it has no translations) in the session's
    language: the file uploader's button and size limit.
    Each English text is taken out of the layout (display: none) and its translation drawn by ::after on its
    parent, selected by Streamlit's stable data-testids (tests/browser/test_chinese_browser.py checks them)."""
    limit = t("{mb}MB per file", mb=st.get_option("server.maxUploadSize"))
    return f"""<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"],
[data-testid="stFileUploaderDropzoneInstructions"] > div > span {{ display: none; }}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] span[data-has-shortcut]::after {{
  content: "{t("Upload")}"; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: "{limit}"; font-size: 0.875rem; }}
</style>"""
