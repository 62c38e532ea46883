"""AppTest of the Step-through page: it runs for every cell, sends the browser views whose numbers are the
model's (checked against PyTorch's fused modules), keeps the step the browser reports, puts it in the share
link, and the language-model views and generation work; bad input gives a message, not a traceback.

What the browser does with the views (the slider, Play, the drawing) is tested in
tests/browser/test_step_through_browser.py."""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np
import pytest
import torch
from bridge_views import arr, report, views
from streamlit.testing.v1 import AppTest

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.views import payload as wire
from explorer.views import stepview as sv
from explorer.views.style import PRESENTER

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/step_through.py"


def open_page(lab=None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    if lab is not None:
        at.session_state["lab"] = lab
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at





def lab_for(cell="lstm", task="sine", nonlinearity="tanh", layers=1, hidden=8, seq_len=20):
    return make_lab(ModelConfig(cell=cell, nonlinearity=nonlinearity, num_layers=layers, hidden_size=hidden),
                    TaskConfig(name=task, seq_len=seq_len), TrainConfig())


def fused_hidden(lab, x) -> np.ndarray:
    """(T, H): the top layer's h_t by PyTorch's fused module, independent of the page's unroll."""
    with torch.no_grad():
        return lab.model.rnn(x)[0][0].numpy()


@pytest.mark.parametrize("cell,nl,layers", [("rnn", "tanh", 1), ("rnn", "relu", 2), ("lstm", "tanh", 2), ("gru", "tanh", 1)])
def test_loads_for_every_cell_and_sends_the_models_numbers(cell, nl, layers):
    lab = lab_for(cell, nonlinearity=nl, layers=layers)
    at = open_page(lab)
    v = views(at)
    heat = ["step_heat_h", "step_heat_c"] if cell == "lstm" else ["step_heat_h"]
    assert set(v) == {"step_player", "step_state", "step_text_view", "step_pred", "step_equations", "step_pca",
                      *heat, "step_saliency", "step_back_player", "step_grad", "step_grad_caption", "step_jac"}
    assert v["step_player"]["n"] == 20 and v["step_player"]["start"] == 0 and v["step_player"]["play"]
    x = sv.sample_batch(lab.task, 0).x
    bars = v["step_state"]
    np.testing.assert_allclose(arr(bars["rows"][layers - 1]["values"]), fused_hidden(lab, x), atol=1e-5)
    assert len(bars["rows"]) == layers + {"rnn": 0, "lstm": 5, "gru": 3}[cell]
    assert any("bound" in (d.get("name") or "") for d in v["step_jac"]["figure"]["data"]) == (cell == "rnn")
    eq = v["step_equations"]
    shown = wire.fill(eq["html"], {"t": 9, **wire.fields_at(eq["fields"], 8)})
    assert shown.count('class="rnnx-eq-lhs"') == {"rnn": 1, "lstm": 6, "gru": 4}[cell]
    if layers == 1:  # the last line ends with h_t[0] at t = 9
        last = shown.rsplit('rnnx-eq-num">', 1)[1].split("</div>")[0].rsplit("= ", 1)[1]
        assert float(last.replace("×10<sup>", "e").replace("</sup>", "")) == pytest.approx(
            fused_hidden(lab, x)[8, 0], rel=6e-4, abs=1e-7)


def test_loss_and_prediction_are_the_models():
    lab = lab_for("gru")
    at = open_page(lab)
    at.number_input(key="step_sample").set_value(4).run()
    batch = sv.sample_batch(lab.task, 4)
    with torch.no_grad():
        out = lab.model(batch.x)
        loss = lab.task.loss(out, batch).item()
    assert f"loss on this sample **{loss:.4g}**" in "\n".join(m.value for m in at.markdown)
    text = views(at)["step_text_view"]
    shown = wire.fill(text["html"], {"t": 12, **wire.fields_at(text["fields"], 11)})
    assert f"prediction <b>{out[0, 11, 0].item():.4f}</b> · target <b>{batch.y[0, 11, 0].item():.4f}</b>" in shown
    np.testing.assert_allclose(arr(views(at)["step_pred"]["overlays"][1]["y"]), out[0, :, 0].numpy(), atol=1e-5)


def test_the_reported_step_is_kept_and_starts_the_player_after_a_rerun():
    at = open_page(lab_for(seq_len=20))
    report(at, "step_player", {"i": 8})
    assert not at.exception and at.session_state["step_t"] == 9
    at.run()
    assert views(at)["step_player"]["start"] == 8  # a remount (a return to the page) starts at t = 9
    report(at, "step_player", {"i": 99})  # not a position of this sample: ignored
    assert at.session_state["step_t"] == 9
    report(at, "step_back_player", {"i": 3})
    assert at.session_state["step_back"] == 3 and views(at)["step_back_player"]["start"] == 3


def test_the_step_survives_leaving_the_page_and_is_clamped_to_a_shorter_sample():
    at = open_page(lab_for(seq_len=20))
    report(at, "step_player", {"i": 15})
    at.switch_page("pages/build.py").run()
    at.switch_page(PAGE).run()
    assert views(at)["step_player"]["start"] == 15
    at.session_state["lab"] = lab_for(seq_len=10)
    at.run()
    assert views(at)["step_player"]["start"] == 9 and views(at)["step_player"]["n"] == 10


def test_the_share_link_carries_the_sample_and_step_and_opens_there():
    at = open_page(lab_for(seq_len=20))
    at.number_input(key="step_sample").set_value(5).run()
    report(at, "step_player", {"i": 11})
    link = at.sidebar.code[0].value
    query = dict(parse_qsl(link.split("?", 1)[1]))
    assert (query["v.sample"], query["v.step"], query["t.seq_len"]) == ("5", "12", "20")
    opened = open_page(None, **query)
    assert opened.session_state["step_sample"] == 5 and not opened.warning
    assert views(opened)["step_player"]["start"] == 11
    sample = sv.sample_batch(opened.session_state["lab"].task, 5)
    np.testing.assert_allclose(arr(views(opened)["step_state"]["rows"][0]["values"]),
                               fused_hidden(opened.session_state["lab"], sample.x), atol=1e-5)


def test_a_link_with_a_bad_step_says_so():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"v.step": "-3", "v.sample": "2"})
    at.run()
    assert [w.value for w in at.warning] == ["Ignored v.step=-3: not a whole number in 1..1000."]
    assert at.session_state["step_sample"] == 2 and "step_t" not in at.session_state


def test_backward_views_follow_the_back_clock_from_T():
    lab = lab_for("rnn")
    at = open_page(lab)
    v = views(at)
    assert v["step_back_player"]["start"] == 19 and not v["step_back_player"]["play"]
    assert v["step_grad"]["group"] == v["step_back_player"]["group"] == v["step_grad_caption"]["group"]
    assert v["step_grad"]["reveal"][0]["from"] == [19, -1]


def test_trained_model_is_picked_up():
    lab = lab_for()
    at = open_page(lab)
    lab.trainer.step()  # as the Train page would, between two reruns
    at.run()
    assert "trained for 1 steps" in "\n".join(m.value for m in at.markdown)
    x = sv.sample_batch(lab.task, 0).x
    np.testing.assert_allclose(arr(views(at)["step_state"]["rows"][0]["values"]), fused_hidden(lab, x), atol=1e-5)


def test_unit_and_layer_choose_the_equations():
    lab = lab_for("lstm", layers=2)
    at = open_page(lab)
    at.number_input(key="step_unit").set_value(5).run()
    at.selectbox(key="step_layer").set_value(1).run()
    eq = views(at)["step_equations"]
    assert "Unit 5 of layer 1 at t = {t}" in eq["html"] and "layer below" in eq["html"]
    assert views(at)["step_state"]["rows"][2]["label"] == "c (layer 1)"


def test_language_model_text_colouring_and_generation():
    lab = lab_for("lstm", task="charlm", seq_len=40)
    at = open_page(lab)
    v = views(at)
    assert v["step_lm"]["html"].count("<span") == 40 and v["step_lm"]["outline"]
    assert v["step_probs"]["title"] == "Prediction at t = {t}: top 5" and "step_pred" not in v
    at.text_input(key="step_gen_prompt").set_value("The ")
    at.slider(key="step_gen_len").set_value(50)
    at.slider(key="step_gen_temp").set_value(0.0)
    at.button(key="step_gen_btn").click().run()
    assert not at.exception and not at.error
    want = sv.generate(lab.model, lab.task, "The ", 50, 0.0, 0)
    assert f"<b>The </b>{want}" in "\n".join(m.value for m in at.markdown).replace("&#x27;", "'").replace("&quot;", '"')


def test_typed_text_and_invalid_characters():
    lab = lab_for("gru", task="charlm", seq_len=30)
    at = open_page(lab)
    at.toggle(key="step_own_text").set_value(True).run()
    at.text_input(key="step_text").set_value("the king").run()
    assert not at.exception and not at.error
    assert views(at)["step_player"]["n"] == 8 and views(at)["step_lm"]["html"].count("<span") == 8
    at.text_input(key="step_text").set_value("the €uro").run()
    assert not at.exception
    assert "not in the alphabet" in at.error[0].value and "'€'" in at.error[0].value
    assert views(at)["step_player"]["n"] == 30  # fell back to the data sample
    at.text_input(key="step_gen_prompt").set_value("€").run()
    at.button(key="step_gen_btn").click().run()
    assert not at.exception and any("not in the alphabet" in e.value for e in at.error)


def test_presenter_mode_enlarges_every_view():
    at = open_page(lab_for("gru", task="order"))
    at.toggle(key="presenter").set_value(True).run()
    v = views(at)
    assert v["step_state"]["sizes"] == wire.sizes(PRESENTER) and v["step_probs"]["sizes"] == wire.sizes(PRESENTER)
    for key in ("step_pca", "step_heat_h", "step_grad", "step_jac"):
        assert v[key]["figure"]["layout"]["font"]["size"] == PRESENTER.font, key


def test_a_rerun_rebuilds_no_view_and_sends_the_same_payloads():
    at = open_page(lab_for())
    before = views(at)
    cache = at.session_state["step_views"]
    at.run()
    assert views(at) == before and at.session_state["step_views"] is cache


def test_server_time_of_a_rerun_is_measured(capsys):
    """Reports (does not assert) the server-side time of a whole-page rerun with the default model: what the
    browser's report of a settled step costs."""
    at = open_page()
    times = []
    for i in range(10):
        start = time.perf_counter()
        report(at, "step_player", {"i": i + 1})
        times.append(time.perf_counter() - start)
    assert not at.exception
    with capsys.disabled():
        print(f"\nstep_through: rerun after a reported step (AppTest, whole script) median "
              f"{1000 * np.median(times):.0f} ms, min {1000 * min(times):.0f} ms over {len(times)}")
