"""The session's language: `t("text", **fields)` in every page; the sidebar's switch; `lang=` in links.

The first page view takes the language from a link's `lang=zh` / `lang=en`, else from the browser's locale
(`st.context.locale`); afterwards the sidebar's switch decides, and share links carry it.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from explorer.i18n import LANG_NAMES, LANGS, lang_from_locale, message, tr
from explorer.lecture.share import LANG_KEY as QUERY_KEY


def lang() -> str:
    """"en" or "zh" for this session."""
    if QUERY_KEY not in st.session_state:
        asked = st.query_params.get(QUERY_KEY)
        st.session_state[QUERY_KEY] = asked if asked in LANGS else lang_from_locale(st.context.locale)
    return st.session_state[QUERY_KEY]


def t(text: str, /, **fields: Any) -> str:
    """`text` in the session's language, its `{fields}` filled in."""
    return tr(text, lang(), **fields)


def error_text(error: Exception) -> str:
    """An error's message in the session's language (translated if it is a UserError)."""
    return message(error, lang())


def language_switch() -> None:
    """The sidebar's language choice, written in each language itself so either reader finds it."""
    lang()
    st.radio("Language · 语言", LANGS, key=QUERY_KEY, format_func=LANG_NAMES.get, horizontal=True,
             label_visibility="collapsed")
