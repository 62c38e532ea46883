"""What every page shares: presets on Home and in the sidebar, shareable links, presenter mode."""
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import torch
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



@pytest.mark.parametrize("page", ["pages/home.py", "pages/build.py", "pages/compare.py"])
def test_every_chart_is_drawn_without_streamlits_theme(page):  # (Step through's and Train's are the browser's: pages/bridge.py)
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


def test_an_idle_session_frees_what_it_can_recompute_and_keeps_the_training():
    """After IDLE_AFTER without a click, Step through's trace cache and Build's preview go, and the models' gradient
    buffers (cleared by every step anyway); the weights, optimiser state, history and Compare's cells stay."""
    import math

    from explorer.lab import default_lab
    from explorer.training.live import train_chunk
    from pages.common import IDLE_AFTER, release_if_idle

    lab, cell, twin = default_lab(), default_lab(), default_lab()
    train_chunk(lab, 3, math.inf)
    train_chunk(twin, 3, math.inf)
    train_chunk(cell, 2, math.inf)
    weights = [p.detach().clone() for p in lab.model.parameters()]
    adam = {k: v["exp_avg"].clone() for k, v in lab.trainer.optimizer.state.items()}
    state = {"lab": lab, "compare_labs": {"lstm": cell}, "step_cache": ("trace",), "build_candidate": ("lab",),
             "active_at": 100.0, "presenter": True}
    assert not release_if_idle(state, 100.0 + IDLE_AFTER - 1)  # not idle long enough
    assert "step_cache" in state and all(p.grad is not None for p in lab.model.parameters())
    state["train_running"] = True
    assert not release_if_idle(state, 100.0 + IDLE_AFTER + 1)  # training runs: not idle
    state["train_running"] = False
    assert release_if_idle(state, 100.0 + IDLE_AFTER + 1)
    assert "step_cache" not in state and "build_candidate" not in state
    assert all(p.grad is None for p in [*lab.model.parameters(), *cell.model.parameters()])
    assert state["lab"] is lab and state["compare_labs"]["lstm"] is cell and state["presenter"]
    assert all(torch.equal(a, p) for a, p in zip(weights, lab.model.parameters()))
    assert all(torch.equal(adam[k], v["exp_avg"]) for k, v in lab.trainer.optimizer.state.items())
    assert len(lab.history) == 3 and lab.steps_trained == 3
    train_chunk(lab, 2, math.inf)  # training goes on exactly as if nothing had been freed
    train_chunk(twin, 2, math.inf)
    assert all(torch.equal(a, b) for a, b in zip(lab.model.parameters(), twin.model.parameters()))
