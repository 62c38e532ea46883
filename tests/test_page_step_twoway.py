"""AppTest of the Step-through page's views of a bidirectional model's two chains and of saliency: the payloads
the page sends hold the numbers of PyTorch's fused bidirectional modules, of autograd (each chain's gradient) and
of torch.autograd.functional.jacobian (saliency, one sample and the probe batch's mean); the peephole LSTM's
equations carry its peephole terms. The browser side: tests/browser/test_step_bidirectional_browser.py."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from test_page_step_through import open_page, views
from test_step_twoway import arr, autograd_direction_norms, jacobian_saliency

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.views import payload as wire
from explorer.views import stepview as sv


def lab_for(cell="lstm", task="neighbours", layers=1, two_way=True, seq_len=16):
    return make_lab(ModelConfig(cell=cell, num_layers=layers, hidden_size=6, bidirectional=two_way, seed=2),
                    TaskConfig(name=task, seq_len=seq_len), TrainConfig())


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "peephole"])
def test_both_chains_their_gradients_and_saliency_are_the_models(cell):
    lab = lab_for(cell)
    at = open_page(lab)
    v = views(at)
    model, task = lab.model, lab.task
    batch = sv.sample_batch(task, 0)
    t_len, h = batch.x.shape[1], model.cfg.hidden_size
    with torch.no_grad():
        out = model.rnn(batch.x)[0][0].numpy()  # (T, 2H) [h→_t; h←_t] by the fused module
    fwd, bwd = arr(v["step_chain_0"]["rows"][0]["values"]), arr(v["step_chain_1"]["rows"][0]["values"])
    np.testing.assert_allclose(fwd, out[:, :h], atol=2e-5)
    np.testing.assert_allclose(bwd, out[::-1, h:], atol=2e-5)  # in reading order: clock position i is t = T − i
    assert v["step_chain_1"]["at"] == {"t": [t_len, -1]}

    grads = v["step_chain_grads"]
    assert grads["group"] == "step_back"
    want = autograd_direction_norms(model, task, batch)
    want = np.where(want > 0, want, np.nan)
    np.testing.assert_allclose(arr(grads["reveal"][0]["y"]), want[0], rtol=1e-3)
    np.testing.assert_allclose(arr(grads["reveal"][1]["y"])[::-1], want[1], rtol=1e-3)

    heat = v["step_saliency"]
    assert heat["kind"] == "heatrows" and heat["group"] == "step"
    np.testing.assert_allclose(arr(heat["figure"]["data"][0]["customdata"]),
                               jacobian_saliency(model, batch.x, task.kind), rtol=1e-3, atol=1e-6)
    assert [b[2] for b in heat["bands"]] == list(range(1, t_len + 1))

    eq = v["step_equations"]  # the forward chain's, by default
    shown = wire.fill(eq["html"], {"t": 3, **wire.fields_at(eq["fields"], 2)})
    assert "Unit 0 of layer 0 →" in shown and "h→<sub>t−1</sub>" in shown
    if cell == "peephole":  # i, f and o look at the cell state
        assert shown.count("<i>w</i><sub>c") == 3, shown


def test_the_backward_direction_equations_and_the_same_step_option():
    lab = lab_for("lstm")
    at = open_page(lab)
    at.selectbox(key="step_direction").set_value(1).run()
    at.toggle(key="step_reading_order").set_value(False).run()
    assert not at.exception
    v = views(at)
    eq = v["step_equations"]
    shown = wire.fill(eq["html"], {"t": 3, **wire.fields_at(eq["fields"], 2)})
    assert "←" in shown and "h←<sub>t+1</sub>" in shown and "backward direction ←" in shown
    with torch.no_grad():
        out = lab.model.rnn(sv.sample_batch(lab.task, 0).x)[0][0].numpy()
    np.testing.assert_allclose(arr(v["step_chain_1"]["rows"][0]["values"]), out[:, 6:], atol=2e-5)  # both at t
    assert v["step_chain_1"]["at"] == {"t": [1, 1]}


@pytest.mark.parametrize("cell,two_way", [("gru", True), ("lstm", False)])
def test_saliency_mean_over_the_probe_batch(cell, two_way):
    lab = lab_for(cell, task="adding", two_way=two_way)
    at = open_page(lab)
    at.segmented_control(key="step_saliency_of").set_value("probe").run()
    assert not at.exception
    heat = views(at)["step_saliency"]
    probe = lab.trainer.probe_batch
    want = np.mean([jacobian_saliency(lab.model, probe.x[k:k + 1], "regression") for k in range(len(probe.x))],
                   axis=0)
    np.testing.assert_allclose(arr(heat["figure"]["data"][0]["customdata"]), want, rtol=1e-3, atol=1e-6)
    assert "mean over the 8 probe samples" in heat["figure"]["layout"]["title"]["text"]


def test_a_one_way_model_has_no_chain_views():
    at = open_page(lab_for("rnn", task="sine", two_way=False))
    v = views(at)
    assert not {"step_chain_0", "step_chain_1", "step_chain_grads"} & set(v)
    assert "step_saliency" in v
    assert any("σ_max(W_hh)^(T−t)" in c.value for c in at.caption)  # the vanilla RNN's bound is still explained
