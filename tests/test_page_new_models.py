"""Every page runs without an exception for a bidirectional model, the peephole LSTM and a model with an embedding
(their own views on Step through, Train and Compare come with the client-side pages; until then the existing views
must not break), and the
Build page offers both: the peephole cell, and the Bidirectional toggle except on tasks that predict the next value."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.lecture.presets import PRESETS

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ("pages/home.py", "pages/build.py", "pages/step_through.py", "pages/train.py", "pages/compare.py")
LABS = {
    "bi-lstm-2-layers": (ModelConfig(cell="lstm", hidden_size=6, num_layers=2, bidirectional=True),
                         TaskConfig(name="adding", seq_len=15)),
    "peephole": (ModelConfig(cell="peephole", hidden_size=6), TaskConfig(name="sine", seq_len=15)),
    "bi-peephole": (ModelConfig(cell="peephole", hidden_size=6, bidirectional=True), TaskConfig(name="order", seq_len=15)),
    "bi-gru-neighbours": (ModelConfig(cell="gru", hidden_size=6, bidirectional=True),
                          TaskConfig(name="neighbours", seq_len=15)),
    "embedding-charlm-mean": (ModelConfig(cell="lstm", hidden_size=6, embedding_dim=5, pool="mean"),
                              TaskConfig(name="charlm", seq_len=15)),
}


def open_page(page: str, lab=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if lab is not None:
        at.session_state["lab"] = lab
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("name", list(LABS))
def test_every_page_runs(name):
    model, task = LABS[name]
    lab = make_lab(model, task, TrainConfig(batch_size=4, probe_every=1))
    for page in PAGES:
        at = open_page(page, lab)
        if page == "pages/train.py":
            at.button(key="train_step10").click().run()
            assert not at.exception, at.exception
            assert lab.steps_trained == 10 and lab.history.latest_saliency is not None


def texts(at) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "latex") for e in at.get(kind))


def test_build_offers_the_peephole_cell():
    at = open_page("pages/build.py")
    at.selectbox(key="build_cell").set_value("peephole").run()
    assert not at.exception
    lab = at.session_state["lab"]
    assert lab.model_cfg.cell == "peephole"
    assert r"w_{ci} \odot c_{t-1}" in texts(at) and "Peephole LSTM" in texts(at)
    assert any("layer 1 · w_co (peephole)" == t for t in at.dataframe[0].value["tensor"])
    at.radio(key="build_forget_mode").set_value("Set a value").run()  # the forget bias applies as for the LSTM
    assert at.session_state["lab"].model_cfg.forget_bias == 1.0


def test_bidirectional_is_not_offered_on_a_task_that_predicts_the_next_value():
    at = open_page("pages/build.py")  # the default task forecasts a sine
    toggle = at.toggle(key="build_bidirectional")
    assert toggle.disabled and not toggle.value
    assert "predicts the next value" in texts(at)
    at.selectbox(key="build_task").set_value("neighbours").run()
    assert not at.toggle(key="build_bidirectional").disabled
    at.toggle(key="build_bidirectional").set_value(True).run()
    lab = at.session_state["lab"]
    assert lab.model_cfg.bidirectional and lab.task_cfg.name == "neighbours"
    text = texts(at)
    assert r"\overleftarrow{h}_{t+1}" in text and r"\overrightarrow{h}_{t-1}" in text and "units per direction" in text
    assert any("layer 1 backward · W_hh" == t for t in at.dataframe[0].value["tensor"])
    at.selectbox(key="build_task").set_value("charlm").run()  # back to a next-step task: switched off, no error
    assert not at.exception and not at.error
    lab = at.session_state["lab"]
    assert not lab.model_cfg.bidirectional and lab.task_cfg.name == "charlm"
    assert at.toggle(key="build_bidirectional").disabled


def test_a_link_asking_for_a_bidirectional_forecaster_gets_a_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"m.bidirectional": "true", "t.name": "sine"})
    at.run()
    assert not at.exception
    assert not at.session_state["lab"].model_cfg.bidirectional
    assert any("would see the very value" in w.value for w in at.warning)


@pytest.mark.parametrize("key", ["bi-lstm", "peephole-spikes"])
def test_the_new_presets_load_from_the_sidebar(key):
    at = open_page("pages/home.py")
    at.selectbox(key="sidebar_preset").set_value(key).run()
    at.button(key="sidebar_preset_load").click().run()
    assert not at.exception
    assert at.session_state["lab"].model_cfg == PRESETS[key].model.__class__(
        **{**PRESETS[key].model.to_dict(), "input_size": 1, "output_size": at.session_state["lab"].task.output_size})
