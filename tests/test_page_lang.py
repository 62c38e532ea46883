"""The interface language (pages/lang.py): a link's lang=, the sidebar's switch, and share links that carry it."""
from pathlib import Path
from urllib.parse import parse_qsl

from streamlit.testing.v1 import AppTest

from explorer.i18n import ZH

APP = str(Path(__file__).parents[1] / "app.py")


def app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    return at


def link_query(at: AppTest) -> dict[str, str]:
    return dict(parse_qsl(at.sidebar.code[0].value.split("?", 1)[1]))


def test_a_link_with_lang_zh_opens_the_app_in_chinese_and_shares_it():
    at = app(lang="zh")
    assert at.session_state["lang"] == "zh"
    assert at.header[0].value == ZH["Where to start"] == "从哪里开始"
    assert at.sidebar.toggle(key="presenter").label == ZH["Presenter mode"]
    assert [p.label for p in at.get("page_link")] == ["1 · 构建", "2 · 逐步执行", "3 · 训练"]
    assert link_query(at)["lang"] == "zh"
    assert not at.warning  # lang= is no setting of the model, so no "ignored" notice


def test_lang_travels_with_the_settings_of_a_link():
    at = app(lang="zh", **{"m.cell": "gru", "m.hidden_size": "8"})
    assert at.session_state["lang"] == "zh" and at.session_state["lab"].model_cfg.cell == "gru"
    assert link_query(at)["m.cell"] == "gru" and link_query(at)["lang"] == "zh"


def test_the_sidebar_switch_changes_the_language_and_the_link():
    at = app()
    assert at.session_state["lang"] == "en" and at.header[0].value == "Where to start"
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.header[0].value == "从哪里开始" and link_query(at)["lang"] == "zh"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.header[0].value == "Where to start" and link_query(at)["lang"] == "en"


def test_an_unknown_lang_falls_back_to_the_browser_language():
    at = app(lang="fr")
    assert at.session_state["lang"] == "en"
