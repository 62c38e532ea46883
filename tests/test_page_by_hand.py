"""AppTest of the By hand page: it runs for every cell, picks the network it says, steps the forward and the
backward pass, and every number it shows is the model's (PyTorch's fused module, autograd) or the walkthrough's."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch
from plotly_json import decode, figures
from reference import autograd_hidden_grads, reference_layers
from streamlit.testing.v1 import AppTest
from test_scratch_walkthrough import NUMBER, comment_values

from explorer import ModelConfig, TaskConfig, TrainConfig
from explorer.data.tasks import Batch
from explorer.lab import make_lab
from explorer.scratch import walkthrough as wk

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/by_hand.py"


def open_page(lab=None, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if lab is not None:
        at.session_state["lab"] = lab
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def lab_for(cell="lstm", hidden=4, layers=1, task="sine", seq_len=6, nonlinearity="tanh"):
    return make_lab(ModelConfig(cell=cell, hidden_size=hidden, num_layers=layers, nonlinearity=nonlinearity),
                    TaskConfig(name=task, seq_len=seq_len), TrainConfig())


def code_block(at, text: str) -> str:
    """The first code block on the page that contains `text`."""
    return next(c.value for c in at.code if text in c.value)


def fused(lab, index: int):
    """(the model's h_t of the top layer (T, H), ∂L/∂h_t of every layer (L, T, H)) on the page's sample, by
    PyTorch's fused module and autograd, float32: independent of the numpy network."""
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    x, y, mask = (torch.from_numpy(a) for a in wk.sample(setup.task, index))
    batch = Batch(x=x.float(), y=y.float() if setup.task.kind == "regression" else y, mask=mask)
    with torch.no_grad():
        hs = lab.model.rnn(x.float())[0][0].numpy()
    dh = autograd_hidden_grads(lab.model, x.float(), lambda out: setup.task.loss(out, batch))
    return hs, dh[:, 0].numpy()


@pytest.mark.parametrize("cell,nl,layers", [("rnn", "tanh", 1), ("rnn", "relu", 2), ("lstm", "tanh", 2),
                                            ("gru", "tanh", 1)])
def test_loads_for_every_cell_and_shows_the_models_numbers(cell, nl, layers):
    lab = lab_for(cell, hidden=5, layers=layers, nonlinearity=nl, task="adding", seq_len=7)
    at = open_page(lab, {"hand_sample": 2})
    hs, dh = fused(lab, 2)
    assert at.info[0].value.startswith(f"Your model: {wk.describe(lab.model_cfg)}.")
    assert "sample 2, T = 7 steps" in at.info[0].value
    top = layers - 1
    if layers > 1:
        at.selectbox(key="hand_layer").set_value(top).run()
    at.slider(key="hand_t").set_value(5).run()
    shown = comment_values(code_block(at, "prev[\"h\"]"))["h"][-1]
    np.testing.assert_allclose(shown, hs[4], rtol=6e-4, atol=1e-6)  # the fused module's h_5
    at.number_input(key="hand_unit").set_value(3).run()
    latex = at.latex[0].value
    last = float(re.findall(NUMBER, latex.split(r"\end{aligned}")[0].rsplit("=", 1)[1])[0])
    assert last == pytest.approx(hs[4, 3], rel=6e-4, abs=1e-6)  # the equations end in h_5[3]
    at.select_slider(key="hand_back_t").set_value(3).run()
    for l in range(layers):
        if layers > 1:
            at.selectbox(key="hand_back_layer").set_value(l).run()
        back = comment_values(code_block(at, "dh = dh_above + dh_next"))
        np.testing.assert_allclose(back["dh"][-1], dh[l, 2], rtol=2e-3, atol=1e-6)  # autograd's ∂L/∂h_3
    assert not at.exception


def test_forward_and_backward_buttons_stop_at_the_ends():
    at = open_page(lab_for(seq_len=4))
    at.button(key="hand_next").click().run()
    at.button(key="hand_next").click().run()
    assert at.slider(key="hand_t").value == 3
    at.button(key="hand_prev").click().run()
    assert at.slider(key="hand_t").value == 2
    assert at.select_slider(key="hand_back_t").value == 4  # the backward pass starts at t = T
    for want in (3, 2, 1, 1):
        at.button(key="hand_back_next").click().run()
        assert at.select_slider(key="hand_back_t").value == want
    at.button(key="hand_back_prev").click().run()
    assert at.select_slider(key="hand_back_t").value == 2
    assert "**Step t = 2, layer 0: what arrives**" in [m.value for m in at.markdown]
    assert not at.exception


def test_the_running_sum_is_the_whole_gradient_at_t_1():
    lab = lab_for("gru", seq_len=5)
    at = open_page(lab)
    at.select_slider(key="hand_back_t").set_value(1).run()
    summed = next(f for f in figures(at) if f["layout"]["title"]["text"] == "dW_hh summed over t = 5 … 1")
    z = decode(summed["data"][0]["z"])  # (3H, H)
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    x, y, mask = wk.sample(setup.task, 0)
    out = lab.model(torch.from_numpy(x).float())
    batch = Batch(x=torch.from_numpy(x).float(), y=torch.from_numpy(y).float(), mask=torch.from_numpy(mask))
    setup.task.loss(out, batch).backward()
    np.testing.assert_allclose(z, lab.model.rnn.weight_hh_l0.grad.numpy(), rtol=1e-4, atol=1e-7)  # autograd's
    assert any("This is the whole gradient" in c.value for c in at.caption)


def test_check_table_agrees_for_every_weight():
    lab = lab_for("lstm", hidden=3, layers=2)
    at = open_page(lab)
    assert any(m.value.startswith("✓ Forward pass: every output and top-layer h_t of the numpy network equals "
                                  "PyTorch's nn.LSTM") for m in at.markdown)
    table = at.dataframe[0].value
    assert list(table["weight"]) == [n for n, _ in lab.model.named_parameters()] + ["∂L/∂h_t (every step)"]
    assert set(table[""]) == {"✓ agree"}
    assert all(float(v) <= 1e-8 for v in table["hand vs autograd"])
    assert all(float(v) <= 1e-5 for v in table["hand vs numeric"] if v != "—")
    spot = code_block(at, "=>")
    assert "=>" in spot and spot.count("\n") > 10


def test_large_model_and_copy_memory_say_what_is_shown_instead():
    at = open_page(lab_for("lstm", hidden=32, task="sine", seq_len=50))
    info = at.info[0].value
    assert "A small, untrained LSTM, 1 layer × 4 units" in info and "your model has 32 units" in info
    assert "T = 10 steps" in info
    at = open_page(lab_for("gru", hidden=4, task="copy", seq_len=5))
    assert "copy memory needs at least 22 steps" in at.info[0].value and "Task **sine**" in at.info[0].value


def test_textbook_switch_compares_the_two_grus():
    lab = lab_for("gru", hidden=4, seq_len=6)
    at = open_page(lab)
    assert not at.toggle(key="hand_textbook").disabled
    assert not any(h.value.startswith("Textbook GRU beside") for h in at.subheader)
    at.toggle(key="hand_textbook").set_value(True).run()
    assert not at.exception
    assert any(h.value == "Textbook GRU beside PyTorch's, on the same weights" for h in at.subheader)
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    cmp = wk.compare_gru_forms(setup.net, setup.task, *wk.sample(setup.task, 0))
    assert wk.forms_summary(cmp) in [m.value for m in at.markdown]
    assert f"L = {cmp.loss_textbook:.6g}" in at.info[0].value  # the walkthrough now runs the textbook form
    assert r"W_{hn} (r_t \odot h_{t-1})" in at.latex[0].value
    assert r"r_t \odot (W_{hn} h_{t-1} + b_{hn})" in at.latex[1].value  # PyTorch's, beside it
    assert "drh = da_n @ W_hn" in code_block(at, "dh = dh_above + dh_next")
    checks = next(d.value for d in at.dataframe if "hand vs autograd" in d.value.columns)
    assert set(checks[""]) == {"✓ agree"}  # the textbook BPTT is right about its own network


def test_textbook_switch_is_off_for_other_cells():
    at = open_page(lab_for("lstm"), {"hand_textbook": True})
    assert at.toggle(key="hand_textbook").disabled
    assert not any(h.value.startswith("Textbook GRU beside") for h in at.subheader)
    assert not at.exception


def test_download_button_offers_the_script():
    at = open_page(lab_for("rnn", nonlinearity="relu"))
    button = at.get("download_button")
    labels = [b.proto.label for b in button]
    assert "Download as a script" in labels


def test_a_diverged_model_says_so_instead_of_agreeing():
    lab = lab_for("lstm", hidden=4)
    with torch.no_grad():
        lab.model.rnn.weight_hh_l0.fill_(float("nan"))
    at = open_page(lab, {"presenter": True})
    assert "not finite" in at.warning[0].value
    table = at.dataframe[0].value
    assert dict(zip(table["weight"], table[""]))["rnn.weight_hh_l0"] == "✗ not finite"


def test_a_peephole_model_is_followed_with_its_own_numbers():
    """The app's peephole LSTM (explorer.models.peephole) through from_torch: the numbers on the page are those of
    an independent plain-torch peephole LSTM (tests.reference) and its autograd gradients."""
    lab = make_lab(ModelConfig(cell="peephole", hidden_size=4, num_layers=2), TaskConfig(name="adding", seq_len=6),
                   TrainConfig())
    gen = torch.Generator().manual_seed(5)
    with torch.no_grad():  # peepholes start at 0: give them values so that they count
        for name, p in lab.model.named_parameters():
            if "weight_c" in name:
                p.uniform_(-1.0, 1.0, generator=gen)
    at = open_page(lab, {"hand_sample": 1})
    assert at.info[0].value.startswith(f"Your model: {wk.describe(lab.model_cfg)}.")
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    x, y, mask = (torch.from_numpy(a) for a in wk.sample(setup.task, 1))
    batch = Batch(x=x.float(), y=y.float(), mask=mask)
    with torch.no_grad():
        hs = torch.stack(reference_layers(lab.model, x.float())[-1][0], 1)[0].numpy()  # (T, H) of the top layer
    dh = autograd_hidden_grads(lab.model, x.float(), lambda out: setup.task.loss(out, batch))[:, 0].numpy()
    at.selectbox(key="hand_layer").set_value(1).run()
    at.slider(key="hand_t").set_value(5).run()
    shown = comment_values(code_block(at, "prev[\"h\"]"))["h"][-1]
    np.testing.assert_allclose(shown, hs[4], rtol=6e-4, atol=1e-6)  # the reference's h_5
    at.select_slider(key="hand_back_t").set_value(3).run()
    for l in range(2):
        at.selectbox(key="hand_back_layer").set_value(l).run()
        back = comment_values(code_block(at, "dh = dh_above + dh_next"))
        np.testing.assert_allclose(back["dh"][-1], dh[l, 2], rtol=2e-3, atol=1e-6)  # autograd's ∂L/∂h_3
    table = next(d.value for d in at.dataframe if "hand vs autograd" in d.value.columns)
    assert {"rnn.weight_ci_l0", "rnn.weight_cf_l1", "rnn.weight_co_l1"} <= set(table["weight"])
    assert set(table[""]) == {"✓ agree"}
    assert not at.exception


@pytest.mark.parametrize("model, task, why", [
    (ModelConfig(cell="lstm", hidden_size=4, bidirectional=True), TaskConfig(name="adding", seq_len=6),
     "this model is bidirectional"),
    (ModelConfig(cell="gru", hidden_size=4, embedding_dim=3), TaskConfig(name="charlm", seq_len=6),
     "looks its inputs up in an embedding"),
    (ModelConfig(cell="rnn", hidden_size=4, pool="mean"), TaskConfig(name="sine", seq_len=6),
     "the mean of h_1 … h_t"),
    (ModelConfig(cell="lstm", hidden_size=4, embedding_dim=8), TaskConfig(name="sentiment", seq_len=12),
     "word ids of texts of different lengths"),
])
def test_models_the_numpy_networks_cannot_follow_get_one_sentence(model, task, why):
    at = open_page(make_lab(model, task, TrainConfig()))
    assert len(at.info) == 1 and why in at.info[0].value and "to follow it by hand here" in at.info[0].value
    assert not at.dataframe and not [w for w in at.slider if w.key == "hand_t"]  # nothing else is drawn
    assert not [c for c in at.code if "np." in c.value]
