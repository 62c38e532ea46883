"""AppTest of the Step-through page: it runs for every cell, the slider and ◀ ▶ move the step, the numbers
on screen are the model's (checked against PyTorch's fused modules), the language-model views work and
bad input gives a message, not a traceback."""
from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.views import stepview as sv

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/step_through.py"


def open_page(lab=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if lab is not None:
        at.session_state["lab"] = lab
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def _decode(v):
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    if isinstance(v, dict):
        return {k: _decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def charts(at) -> dict[str, dict]:
    """The page's Plotly figures by title, numpy data decoded."""
    out = {}
    for el in at.get("plotly_chart"):
        spec = _decode(json.loads(el.proto.spec))
        out[spec["layout"]["title"]["text"]] = spec
    return out


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def lab_for(cell="lstm", task="sine", nonlinearity="tanh", layers=1, hidden=8, seq_len=20):
    return make_lab(ModelConfig(cell=cell, nonlinearity=nonlinearity, num_layers=layers, hidden_size=hidden),
                    TaskConfig(name=task, seq_len=seq_len), TrainConfig())


def fused_hidden(lab, x) -> np.ndarray:
    """(T, H): the top layer's h_t by PyTorch's fused module, independent of the page's unroll."""
    with torch.no_grad():
        return lab.model.rnn(x)[0][0].numpy()


@pytest.mark.parametrize("cell,nl,layers", [("rnn", "tanh", 1), ("rnn", "relu", 2), ("lstm", "tanh", 2), ("gru", "tanh", 1)])
def test_loads_for_every_cell_and_shows_the_models_numbers(cell, nl, layers):
    lab = lab_for(cell, nonlinearity=nl, layers=layers)
    at = open_page(lab)
    assert "Step t = 1 of 20" in markdown(at)
    at.slider(key="step_t").set_value(9).run()
    assert not at.exception
    assert "Step t = 9 of 20" in markdown(at)
    figs = charts(at)
    state = figs["State at t = 9"]
    h_top = state["data"][layers - 1]
    x = sv.sample_batch(lab.task, 0).x
    np.testing.assert_allclose(h_top["y"], fused_hidden(lab, x)[8], atol=1e-5)
    n_gates = {"rnn": 0, "lstm": 5, "gru": 3}[cell]  # gates, plus c for the LSTM
    assert len(state["data"]) == layers + n_gates
    assert "Hidden-state trajectory (PCA)" in figs
    assert any("bound" in (d.get("name") or "") for d in figs["How much h_T depends on h_t: ‖∂h_T/∂h_t‖"]["data"]) == (cell == "rnn")
    latex = at.latex[0].value
    assert latex.count(r"\\[6pt]") == {"rnn": 0, "lstm": 5, "gru": 3}[cell]
    shown = float(latex.split(r"\end{aligned}")[0].rsplit("= ", 1)[1])  # the last line ends with h_t[0]
    if layers == 1:
        assert shown == pytest.approx(fused_hidden(lab, x)[8, 0], rel=6e-4, abs=1e-7)


def test_prediction_and_loss_are_the_models():
    lab = lab_for("gru")
    at = open_page(lab)
    at.number_input(key="step_sample").set_value(4).run()
    at.slider(key="step_t").set_value(12).run()
    batch = sv.sample_batch(lab.task, 4)
    with torch.no_grad():
        out = lab.model(batch.x)
        loss = lab.task.loss(out, batch).item()
    md = markdown(at)
    assert f"prediction **{out[0, 11, 0].item():.4f}** · target **{batch.y[0, 11, 0].item():.4f}**" in md
    assert f"loss on this sample **{loss:.4g}**" in md
    pred = charts(at)["Prediction vs target"]
    np.testing.assert_allclose(pred["data"][1]["y"], out[0, :, 0].numpy(), atol=1e-5)


def test_step_buttons_move_and_stop_at_the_ends():
    at = open_page(lab_for())
    at.button(key="step_next").click().run()
    at.button(key="step_next").click().run()
    assert at.slider(key="step_t").value == 3 and "Step t = 3 of 20" in markdown(at)
    at.button(key="step_prev").click().run()
    assert at.slider(key="step_t").value == 2
    at.slider(key="step_t").set_value(20).run()
    at.button(key="step_next").click().run()
    assert at.slider(key="step_t").value == 20
    assert not at.exception


def test_play_and_pause():
    at = open_page(lab_for())
    at.button(key="step_play_btn").click().run()
    assert at.session_state["step_playing"] and "Pause" in at.button(key="step_play_btn").label
    at.button(key="step_play_btn").click().run()
    assert not at.session_state["step_playing"] and "Play" in at.button(key="step_play_btn").label
    assert not at.exception


def _due(at: AppTest, due: bool) -> None:
    """Make the next run a Play tick (the last frame went out long ago) or not (it just went out)."""
    at.session_state["step_frame_at"] = time.monotonic() - (10.0 if due else 0.0)


def test_play_advances_and_ignores_a_lagging_browser_but_not_the_user():
    at = open_page(lab_for(seq_len=20))
    at.button(key="step_play_btn").click().run()
    for expected in (2, 3, 4):
        _due(at, True)
        at.run()
        assert at.slider(key="step_t").value == expected and f"Step t = {expected} of 20" in markdown(at)
    _due(at, False)
    at.slider(key="step_t").set_value(2).run()  # a browser that has drawn only frame 2 sends it back
    assert at.slider(key="step_t").value == 4
    _due(at, False)
    at.slider(key="step_t").set_value(15).run()  # the user drags ahead
    assert at.slider(key="step_t").value == 15
    _due(at, False)
    at.slider(key="step_t").set_value(1).run()  # ... or back to the start
    assert at.slider(key="step_t").value == 1
    _due(at, False)
    at.button(key="step_next").click().run()  # ◀ ▶ work while playing
    assert at.slider(key="step_t").value == 2 and at.session_state["step_playing"]


def test_pause_keeps_the_last_frame_then_the_slider_is_free():
    at = open_page(lab_for(seq_len=20))
    at.button(key="step_play_btn").click().run()
    for _ in range(3):
        _due(at, True)
        at.run()
    at.button(key="step_play_btn").click().run()
    assert not at.session_state["step_playing"] and at.slider(key="step_t").value == 4
    at.slider(key="step_t").set_value(3).run()  # a late echo of frame 3, just after Pause
    assert at.slider(key="step_t").value == 4
    at.session_state["step_frame_at"] = time.monotonic() - 10.0  # long after Pause: the user's own move
    at.slider(key="step_t").set_value(3).run()
    assert at.slider(key="step_t").value == 3 and "Step t = 3 of 20" in markdown(at)


def test_leaving_the_page_pauses_playback():
    at = open_page(lab_for(seq_len=20))
    at.button(key="step_play_btn").click().run()
    at.switch_page("pages/build.py").run()
    at.switch_page(PAGE).run()
    assert not at.session_state["step_playing"] and "Play" in at.button(key="step_play_btn").label
    assert not at.exception


def test_play_stops_at_the_end_and_restarts_from_the_start():
    at = open_page(lab_for(seq_len=20))
    at.slider(key="step_t").set_value(19).run()
    at.button(key="step_play_btn").click().run()
    _due(at, True)
    at.run()
    assert at.slider(key="step_t").value == 20 and at.session_state["step_playing"]
    _due(at, True)
    at.run()
    assert not at.session_state["step_playing"] and "Play" in at.button(key="step_play_btn").label
    assert at.slider(key="step_t").value == 20
    at.button(key="step_play_btn").click().run()
    assert at.session_state["step_playing"] and at.slider(key="step_t").value == 1
    assert not at.exception


def test_backward_slider_reveals_from_T():
    lab = lab_for("rnn")
    at = open_page(lab)
    at.slider(key="step_back").set_value(4).run()
    grad = charts(at)["Backward pass: ‖∂L/∂h_t‖ from t = T back"]["data"][0]["y"]
    assert np.isnan(grad[:15]).all() and np.isfinite(grad[15:]).all()


def test_trained_model_is_picked_up():
    lab = lab_for()
    at = open_page(lab)
    lab.trainer.step()  # as the Train page would, between two reruns
    at.run()
    assert "trained for 1 steps" in markdown(at)
    x = sv.sample_batch(lab.task, 0).x
    state = charts(at)["State at t = 1"]
    np.testing.assert_allclose(state["data"][0]["y"], fused_hidden(lab, x)[0], atol=1e-5)


def test_language_model_text_colouring_and_generation():
    lab = lab_for("lstm", task="charlm", seq_len=40)
    at = open_page(lab)
    md = markdown(at)
    assert md.count("<span") == 40 and "background:" in md
    assert charts(at)["Prediction at t = 1: top 5"]
    at.text_input(key="step_gen_prompt").set_value("The ")
    at.slider(key="step_gen_len").set_value(50)
    at.slider(key="step_gen_temp").set_value(0.0)
    at.button(key="step_gen_btn").click().run()
    assert not at.exception and not at.error
    want = sv.generate(lab.model, lab.task, "The ", 50, 0.0, 0)
    assert f"<b>The </b>{want}" in markdown(at).replace("&#x27;", "'").replace("&quot;", '"')


def test_typed_text_and_invalid_characters():
    lab = lab_for("gru", task="charlm", seq_len=30)
    at = open_page(lab)
    at.toggle(key="step_own_text").set_value(True).run()
    at.text_input(key="step_text").set_value("the king").run()
    assert not at.exception and not at.error
    assert "Step t = 1 of 8" in markdown(at) and markdown(at).count("<span") == 8
    at.text_input(key="step_text").set_value("the €uro").run()
    assert not at.exception
    assert "not in the alphabet" in at.error[0].value and "'€'" in at.error[0].value
    assert "Step t = 1 of 30" in markdown(at)  # fell back to the data sample
    at.text_input(key="step_gen_prompt").set_value("€").run()
    at.button(key="step_gen_btn").click().run()
    assert not at.exception and any("not in the alphabet" in e.value for e in at.error)


def test_slider_move_time_is_measured(capsys):
    """Reports (does not assert) the server-side time of one step change for the default model."""
    at = open_page()
    times = []
    for t in range(2, 12):
        start = time.perf_counter()
        at.slider(key="step_t").set_value(t).run()
        times.append(time.perf_counter() - start)
    assert not at.exception
    with capsys.disabled():
        print(f"\nstep_through: slider move rerun (AppTest, whole script) median {1000 * np.median(times):.0f} ms, "
              f"min {1000 * min(times):.0f} ms over {len(times)} moves")
