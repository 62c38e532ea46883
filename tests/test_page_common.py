"""What every page shares: presets on Home and in the sidebar, shareable links, presenter mode."""
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from explorer.lecture import presets
from explorer.lecture.share import from_query

APP = str(Path(__file__).parents[1] / "app.py")


def app(page: str | None = None, state: dict | None = None, **query) -> AppTest:
    """The app after its first run. Set everything before that run: AppTest drops the elements that
    app.py draws outside nav.run() (the sidebar) from its tree on later runs."""
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def test_home_offers_every_preset_and_loading_one_replaces_the_lab():
    at = app()
    for key in presets.PRESETS:
        assert at.button(key=f"home_preset_{key}")
    at.button(key="home_preset_exploding").click().run()
    assert not at.exception
    lab, preset = at.session_state["lab"], presets.PRESETS["exploding"]
    assert (lab.task_cfg, lab.train_cfg) == (preset.task, preset.train)
    assert lab.model_cfg.cell == preset.model.cell and lab.model_cfg.spectral_radius == preset.model.spectral_radius
    assert lab.steps_trained == 0


def test_sidebar_preset_shows_its_text_then_loads():
    at = app(state={"sidebar_preset": "charlm"})
    assert presets.PRESETS["charlm"].look_at in [c.value for c in at.sidebar.caption]
    at.button(key="sidebar_preset_load").click().run()
    assert not at.exception
    assert at.session_state["lab"].task_cfg == presets.PRESETS["charlm"].task


def test_share_link_carries_the_whole_configuration():
    at = app()
    code = at.sidebar.code[0].value
    query = dict(parse_qsl(code.split("?", 1)[1], keep_blank_values=True))
    lab = at.session_state["lab"]
    model, task, train, notices = from_query(query)
    assert notices == []
    assert (model.cell, model.hidden_size, task, train) == (lab.model_cfg.cell, lab.model_cfg.hidden_size,
                                                            lab.task_cfg, lab.train_cfg)


def test_opening_a_link_builds_its_lab():
    at = app(**{"m.cell": "gru", "m.hidden_size": "12", "t.name": "copy", "t.seq_len": "15", "r.lr": "0.02"})
    lab = at.session_state["lab"]
    assert (lab.model_cfg.cell, lab.model_cfg.hidden_size, lab.task_cfg.name, lab.task_cfg.seq_len,
            lab.train_cfg.lr) == ("gru", 12, "copy", 15, 0.02)
    assert not at.warning


def test_hostile_link_values_are_ignored_with_a_visible_notice():
    at = app(**{"m.cell": "<img src=x onerror=alert(1)>", "m.hidden_size": "99999", "evil": "1"})
    assert at.session_state["lab"].model_cfg.cell == "lstm"  # the default
    texts = [w.value for w in at.warning]
    assert len(texts) == 3 and all("Ignored" in t for t in texts)
    assert not any("<" in t for t in texts)
    at.run()
    assert not at.warning  # shown once


def test_a_link_too_large_for_the_server_falls_back_to_the_defaults():
    at = app(**{"m.hidden_size": "512", "m.num_layers": "4", "t.name": "adding", "t.seq_len": "1000",
                "r.batch_size": "512"})
    assert at.session_state["lab"].model_cfg.hidden_size == 32
    assert any("too large" in w.value for w in at.warning)


@pytest.mark.parametrize("page", ["pages/home.py", "pages/build.py", "pages/step_through.py", "pages/train.py",
                                  "pages/compare.py", "pages/seq2seq.py"])
def test_presenter_mode_on_every_page(page):
    assert not any("font-size" in h.proto.body for h in app(page).get("html"))
    at = app(page, state={"presenter": True})
    assert at.toggle(key="presenter").value
    assert any("font-size" in h.proto.body for h in at.get("html"))



@pytest.mark.parametrize("page", ["pages/home.py", "pages/build.py", "pages/train.py", "pages/compare.py"])
def test_every_chart_is_drawn_without_streamlits_theme(page):  # (Step through's charts are the browser's: pages/bridge.py)
    at = app(page)
    if page == "pages/compare.py":  # no charts before Start
        at.button(key="compare_start").click().run()
    charts = at.get("plotly_chart")
    assert charts and all(c.proto.theme == "" for c in charts)  # the look is explorer.views.style's


def test_export_buttons_are_offered():
    labels = {b.label for b in app().get("download_button")}
    assert {"Config (JSON)", "Weights (safetensors)", "Training history (CSV)"} <= labels


@pytest.mark.parametrize("page, panel", [("pages/build.py", "Model and task settings"),
                                         ("pages/train.py", "Training settings")])
def test_presenter_mode_tucks_the_settings_away(page, panel):
    assert panel not in [e.label for e in app(page).expander]
    at = app(page, state={"presenter": True})
    assert panel in [e.label for e in at.expander]
    assert not at.exception
