"""The Step-through page's data (explorer/views/stepview.py), each checked against an independent computation:
numpy eigendecomposition, PyTorch's fused modules, autograd and a greedy loop that re-runs the whole prompt.
(The filled-in equations and the views sent to the browser: tests/test_step_payload.py.)"""
from __future__ import annotations

import html
import re

import numpy as np
import plotly.colors
import pytest
import torch
from reference import autograd_hidden_grads

from explorer import ModelConfig, build_model
from explorer.config import TaskConfig
from explorer.data.tasks import make_task
from explorer.views import stepview as sv
from explorer.views.style import DIVERGING

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def model_for(task, cell="lstm", nonlinearity="tanh", layers=1, hidden=8, seed=0, **kw):
    cfg = ModelConfig(cell=cell, nonlinearity=nonlinearity, input_size=task.input_size, hidden_size=hidden,
                      num_layers=layers, output_size=task.output_size, seed=seed, **kw)
    return build_model(cfg).eval()


@pytest.fixture(scope="module")
def charlm():
    return make_task(TaskConfig(name="charlm", seq_len=30))


# --- PCA -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_pca_matches_covariance_eigendecomposition(seed):
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((40, 6)) @ rng.standard_normal((6, 6))  # (T, H), correlated units
    proj = sv.pca_2d(h)
    centred = h - h.mean(axis=0)
    evals, evecs = np.linalg.eigh(np.cov(centred, rowvar=False))  # ascending
    order = np.argsort(evals)[::-1]
    want = centred @ evecs[:, order[:2]]  # (T, 2), up to the sign of each axis
    for k in range(2):
        sign = np.sign(want[:, k] @ proj.coords[:, k])
        np.testing.assert_allclose(proj.coords[:, k], sign * want[:, k], atol=1e-9)
    np.testing.assert_allclose(proj.explained, evals[order[:2]] / evals.sum(), rtol=1e-9)


@pytest.mark.parametrize("h", [
    np.random.default_rng(1).standard_normal((20, 5)),
    np.outer(np.arange(10.0), np.ones(4)),  # rank 1: one component explains everything
    np.ones((8, 3)),                        # constant: nothing to explain
    np.random.default_rng(2).standard_normal((12, 1)),  # a single unit
])
def test_explained_variance_is_a_fraction(h):
    e = sv.pca_2d(h).explained
    assert np.all((e >= 0) & (e <= 1)) and e.sum() <= 1 + 1e-12
    assert sv.pca_2d(h).coords.shape == (h.shape[0], 2)


def test_pca_of_rank_one_states():
    proj = sv.pca_2d(np.outer(np.arange(10.0), np.ones(4)))
    assert proj.explained[0] == pytest.approx(1.0) and proj.explained[1] == pytest.approx(0.0, abs=1e-12)


# --- one sample: the panel at t, the loss, the backward view ---------------------------------------------

@pytest.mark.parametrize("cell,nl", CELLS)
def test_panel_equals_the_fused_pytorch_model(cell, nl):
    task = make_task(TaskConfig(name="adding", seq_len=12))
    model = model_for(task, cell, nl, layers=2)
    batch = sv.sample_batch(task, 3)
    data = sv.compute(model, task, batch)
    with torch.no_grad():
        hs, _ = model.rnn(batch.x)  # (1, T, H): top layer, PyTorch's fused kernels
        out = model(batch.x)[0].numpy()  # (T, O)
        loss = task.loss(model(batch.x), batch).item()
    for t in (0, 5, 11):
        p = sv.panel_at(data, t)
        np.testing.assert_allclose(p.hidden[-1], hs[0, t].numpy(), atol=1e-5)
        np.testing.assert_allclose(p.output, out[t], atol=1e-5)
        np.testing.assert_array_equal(p.x, batch.x[0, t].numpy())
    assert sv.panel_at(data, 5).target is None  # the adding task only scores the last step
    np.testing.assert_allclose(sv.panel_at(data, 11).target, batch.y[0, 11].numpy())
    assert data.loss == pytest.approx(loss, rel=1e-5)
    with pytest.raises(ValueError):
        sv.panel_at(data, 12)


def test_sample_is_one_row_of_the_fixed_batch():
    task = make_task(TaskConfig(name="sine"))
    full = task.batch(sv.SAMPLE_BATCH, sv.SAMPLE_SEED)
    b = sv.sample_batch(task, 7)
    assert torch.equal(b.x[0], full.x[7]) and torch.equal(b.y[0], full.y[7])
    with pytest.raises(ValueError):
        sv.sample_batch(task, sv.SAMPLE_BATCH)


@pytest.mark.parametrize("cell,nl", CELLS)
def test_backward_view_equals_autograd(cell, nl):
    task = make_task(TaskConfig(name="sine", seq_len=15))
    model = model_for(task, cell, nl, layers=2)
    batch = sv.sample_batch(task, 2)
    data = sv.compute(model, task, batch)
    want = autograd_hidden_grads(model, batch.x, lambda out: task.loss(out, batch))  # (L, 1, T, H)
    np.testing.assert_allclose(data.grad_norms, want[:, 0].norm(dim=-1).detach().numpy(), rtol=1e-4, atol=1e-9)


@pytest.mark.parametrize("nl", ["tanh", "relu"])
@pytest.mark.parametrize("init,radius", [("default", 1.0), ("spectral", 0.7), ("spectral", 1.6)])
def test_rnn_bound_is_sigma_max_power_and_lies_above(nl, init, radius):
    task = make_task(TaskConfig(name="sine", seq_len=25))
    model = model_for(task, "rnn", nl, init=init, spectral_radius=radius)
    data = sv.compute(model, task, sv.sample_batch(task, 0))
    sigma = np.linalg.svd(model.rnn.weight_hh_l0.detach().double().numpy(), compute_uv=False)[0]
    assert data.sigma_max[0] == pytest.approx(sigma, rel=1e-6)
    bound = sv.rnn_bound(data.sigma_max[0], 25)
    np.testing.assert_allclose(bound, sigma ** (25 - np.arange(1, 26)), rtol=1e-6)
    assert np.all(data.jac_norms[0] <= bound * (1 + 1e-4) + 1e-12)


def test_no_bound_data_for_gated_cells():
    task = make_task(TaskConfig(name="sine", seq_len=10))
    assert sv.compute(model_for(task, "gru"), task, sv.sample_batch(task, 0)).sigma_max is None


# --- classification helpers --------------------------------------------------------------------------------

def test_top_k_matches_torch():
    logits = np.random.default_rng(0).standard_normal(9)
    idx, p = sv.top_k(logits, 4)
    want = torch.softmax(torch.tensor(logits), -1).topk(4)
    np.testing.assert_array_equal(idx, want.indices.numpy())
    np.testing.assert_allclose(p, want.values.numpy(), rtol=1e-12)


def test_class_names():
    assert sv.class_names(make_task(TaskConfig(name="order"))) == ["XX", "XY", "YX", "YY"]
    copy = make_task(TaskConfig(name="copy", seq_len=5))
    assert sv.class_names(copy) == copy.vocab
    assert sv.class_names(make_task(TaskConfig(name="sine"))) == ["0"]


# --- typed text, coloured text, generation ----------------------------------------------------------------

def test_text_batch_targets_are_the_next_characters(charlm):
    text = "the king"
    b = sv.text_batch(charlm, text)
    assert charlm.decode(b.y[0, :-1]) == text[1:]
    assert b.mask[0].tolist() == [True] * 7 + [False]
    assert sv.symbols(charlm, b.x[0].numpy()) == list(text)
    with pytest.raises(ValueError, match="not in the alphabet"):
        sv.text_batch(charlm, "the €uro")
    with pytest.raises(ValueError):
        sv.text_batch(charlm, "t")


def test_colored_text_escapes_html():
    text = "<script>alert('x')</script>&\n"
    values = np.linspace(-1, 1, len(text))
    out = sv.colored_text_html(text, values)
    assert "<script" not in out and "</script" not in out and "&lt;" in out
    visible = re.sub(r"<[^>]+>", "", out)  # the text a browser shows, still escaped
    assert html.unescape(visible) == text.replace("\n", "↵")
    assert out.count("<span") == len(text) and "<br>" in out


def test_colored_text_colours_come_from_the_diverging_scale():
    scale = plotly.colors.get_colorscale(DIVERGING)
    lo, hi = sv.activation_colors(np.array([-5.0, 1.0]))  # clipped to [-1, 1]
    assert lo == plotly.colors.sample_colorscale(scale, [0.0])[0]
    assert hi == plotly.colors.sample_colorscale(scale, [1.0])[0]
    assert f"background:{hi}" in sv.colored_text_html("ab", np.array([0.0, 1.0]))


def independent_greedy(model, task, prompt, length):
    """Greedy text by re-running the whole string through the fused model at every step."""
    text = prompt
    with torch.no_grad():
        for _ in range(length):
            logits = model(task.inputs_from_text(text))[0, -1]
            text += task.vocab[int(logits.argmax())]
    return text[len(prompt):]


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_greedy_generation_matches_an_independent_loop(charlm, cell):
    model = model_for(charlm, cell, layers=2, hidden=16, seed=3)
    want = independent_greedy(model, charlm, "The ", 25)
    assert sv.generate(model, charlm, "The ", 25, temperature=0.0, seed=0) == want
    assert sv.generate(model, charlm, "The ", 25, temperature=1e-6, seed=5) == want


def test_sampled_generation_is_seeded_sized_and_in_vocab(charlm):
    model = model_for(charlm, hidden=16)
    a = sv.generate(model, charlm, "Th", 120, temperature=1.0, seed=11)
    assert a == sv.generate(model, charlm, "Th", 120, temperature=1.0, seed=11)
    assert a != sv.generate(model, charlm, "Th", 120, temperature=1.0, seed=12)
    assert len(a) == 120 and set(a) <= set(charlm.vocab)
    with pytest.raises(ValueError, match="not in the alphabet"):
        sv.generate(model, charlm, "€", 10, 1.0, 0)
    with pytest.raises(ValueError):
        sv.generate(model, charlm, "Th", sv.MAX_GEN_CHARS + 1, 1.0, 0)
