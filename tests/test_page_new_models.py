"""Every page runs without an exception for a bidirectional model, the peephole LSTM, a model with an embedding and
one that reads texts of different lengths (their own views on Step through, Train and Compare come later; until then
the existing views must not break), and the Build page offers them: the peephole cell, the Bidirectional toggle
except on tasks that predict the next value, and the sentiment tasks with an embedding size and the head's pooling."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.lecture.presets import PRESETS

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ("pages/home.py", "pages/build.py", "pages/step_through.py", "pages/by_hand.py", "pages/train.py",
         "pages/compare.py")
LABS = {
    "bi-lstm-2-layers": (ModelConfig(cell="lstm", hidden_size=6, num_layers=2, bidirectional=True),
                         TaskConfig(name="adding", seq_len=15)),
    "peephole": (ModelConfig(cell="peephole", hidden_size=6), TaskConfig(name="sine", seq_len=15)),
    "bi-peephole": (ModelConfig(cell="peephole", hidden_size=6, bidirectional=True), TaskConfig(name="order", seq_len=15)),
    "bi-gru-neighbours": (ModelConfig(cell="gru", hidden_size=6, bidirectional=True),
                          TaskConfig(name="neighbours", seq_len=15)),
    "embedding-charlm-mean": (ModelConfig(cell="lstm", hidden_size=6, embedding_dim=5, pool="mean"),
                              TaskConfig(name="charlm", seq_len=15)),
    "sentiment-bi-gru": (ModelConfig(cell="gru", hidden_size=6, embedding_dim=8, bidirectional=True),
                         TaskConfig(name="sentiment", seq_len=20)),
    "sentiment-zh-peephole-mean": (ModelConfig(cell="peephole", hidden_size=6, embedding_dim=8, pool="mean"),
                                   TaskConfig(name="sentiment_zh", seq_len=20)),
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


def test_build_offers_the_sentiment_tasks_with_an_embedding_and_the_pooling():
    at = open_page("pages/build.py")
    assert not [r for r in at.radio if r.key == "build_pool"][0].disabled
    assert not [w for w in at.select_slider if w.key == "build_embedding"]  # sine: numbers, nothing to look up
    at.selectbox(key="build_task").set_value("sentiment").run()
    assert not at.exception and not at.error
    embedding = at.select_slider(key="build_embedding")
    assert embedding.value == 32 and embedding.options[0] == "4" and embedding.help  # one-hot would be too wide
    assert at.radio(key="build_pool").help
    lab = at.session_state["lab"]
    assert (lab.task_cfg.name, lab.model_cfg.embedding_dim, lab.model_cfg.pool) == ("sentiment", 32, "last")
    assert lab.model_cfg.vocab_size == lab.task.input_size > 256
    assert "embedding · weight" in list(at.dataframe[0].value["tensor"])
    at.radio(key="build_pool").set_value("mean").run()
    at.select_slider(key="build_embedding").set_value(16).run()
    lab = at.session_state["lab"]
    assert (lab.model_cfg.embedding_dim, lab.model_cfg.pool) == (16, "mean")
    stats = list(lab.trainer.run(3))  # the padded batches train packed, through the embedding
    assert all(np.isfinite(s.loss) for s in stats)
    at.selectbox(key="build_task").set_value("charlm").run()  # characters: the embedding stays, 0 is offered
    assert at.select_slider(key="build_embedding").options[0] == "0 (one-hot)"
    at.button(key="build_discard").click().run()  # the trained model is replaced only on request
    assert at.session_state["lab"].model_cfg.embedding_dim == 16 and at.session_state["lab"].task_cfg.name == "charlm"
    at.selectbox(key="build_task").set_value("adding").run()  # numbers: no embedding
    assert not at.exception and not at.error and at.session_state["lab"].model_cfg.embedding_dim == 0


def test_build_asks_for_a_labelled_csv_and_trains_on_it():
    at = open_page("pages/build.py")
    at.selectbox(key="build_task").set_value("text_csv").run()
    assert not at.exception and at.session_state["lab"].task_cfg.name == "sine"  # nothing built without a file
    assert any("Upload a labelled CSV file" in i.value for i in at.info)
