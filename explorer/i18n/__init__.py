"""Two languages, one mechanism: the code carries the English text; `zh.py` maps each to Simplified Chinese.

Mark every user-visible string where it is written:
- `tr("Step {t} of {T}", lang, t=3, T=50)`: translate now, then fill the `str.format` fields;
- `N_("Vanishing gradients")`: mark a string kept in data (a preset's title, a choice's label) that is
  translated later, where it is shown, with `tr(value, lang)`;
- `UserError("The file has {n:,} bytes; the limit is {limit:,}.", n=..., limit=...)`: a ValueError whose
  message a page shows translated with `message(e, lang)`;
- `UserText("Ignored {setting}: unknown setting.", setting=...)`: a str (the English sentence) that a page shows
  later, translated with `message(text, lang)` (a link's notices, an import's result).
A field that is itself a UserError or UserText is translated too.
tests/test_i18n.py extracts every marked string from explorer/ and pages/ (`extract.marked_strings`) and fails
when one lacks a translation, a catalog entry is no longer used, or a translation's fields differ from its source.
"""
from __future__ import annotations

from typing import Any

from .zh import ZH

LANGS = ("en", "zh")  # the languages the app speaks; "en" is the language of the source strings
LANG_NAMES = {"en": "English", "zh": "简体中文"}
CATALOGS = {"zh": ZH}


def check_lang(lang: str) -> str:
    """`lang` if it is one of LANGS; ValueError otherwise."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def tr(text: str, lang: str, /, **fields: Any) -> str:
    """`text` in `lang` (the English source itself for "en"), with `fields` filled in by str.format.

    A string missing from a catalog falls back to English (tests forbid that; the fallback keeps a running
    lecture readable if it ever happens)."""
    template = text if lang == "en" else CATALOGS[check_lang(lang)].get(text, text)
    return template.format(**fields) if fields else template


def N_(text: str) -> str:
    """Mark `text` for translation without translating it (translate where it is shown: `tr(text, lang)`)."""
    return text


class UserError(ValueError):
    """A ValueError whose message a page can show in the user's language: `message(error, lang)`.

    str(error) is the English message, so logs, the CLI and tests read as before."""

    def __init__(self, template: str, /, **fields: Any):
        self.template, self.fields = template, fields
        super().__init__(template.format(**fields) if fields else template)


class UserText(str):
    """A message kept as data: the str is the English sentence; `message(text, lang)` is it in `lang`."""

    template: str
    fields: dict[str, Any]

    def __new__(cls, template: str, /, **fields: Any) -> UserText:
        text = super().__new__(cls, template.format(**fields) if fields else template)
        text.template, text.fields = template, fields
        return text


def message(error: Exception | str, lang: str) -> str:
    """The message of `error` (or a notice) in `lang`: translated if it is a UserError or UserText (and so are
    its fields that are), else its text as it is."""
    if isinstance(error, (UserError, UserText)):
        fields = {k: message(v, lang) if isinstance(v, (UserError, UserText)) else v for k, v in error.fields.items()}
        return tr(error.template, lang, **fields)
    return str(error)


def lang_from_locale(locale: str | None) -> str:
    """The app language for a browser locale such as "zh-CN", "zh-Hans-TW" or "en-GB": Chinese for any "zh",
    English otherwise (and when the browser says nothing)."""
    return "zh" if (locale or "").lower().replace("_", "-").split("-")[0] == "zh" else "en"
