"""The Step-through page's data (explorer/stepview.py) and filled-in equations (explorer/equations.py),
each checked against an independent computation: numpy eigendecomposition, PyTorch's fused modules,
autograd, a greedy loop that re-runs the whole prompt, and the equations' own arithmetic."""
from __future__ import annotations

import html
import math
import re

import numpy as np
import plotly.colors
import pytest
import torch
from reference import autograd_hidden_grads

from explorer import ModelConfig, build_model, unroll
from explorer.config import TaskConfig
from explorer.data.tasks import make_task
from explorer.views import stepview as sv
from explorer.views.equations import filled_equations
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


# --- filled-in equations -------------------------------------------------------------------------------

def _to_python(expr: str) -> str:
    expr = re.sub(r"\\times 10\^\{(-?\d+)\}", r"e\1", expr)
    for latex, py in ((r"\operatorname{relu}", "relu"), (r"\sigma", "sig"), (r"\tanh", "tanh"), (r"\cdot", "*")):
        expr = expr.replace(latex, py)
    assert re.fullmatch(r"[\d\s.e+\-*()sigtanhrelu]*", expr), expr  # numbers and the functions only
    return expr


FUNCS = {"sig": lambda a: 1 / (1 + math.exp(-a)), "tanh": math.tanh, "relu": lambda a: max(a, 0.0)}
NUMBER = re.compile(r"\d+\.?\d*(?:e-?\d+)?")


def _trace_value(trace, name, layer, unit, t):
    arr = {"h": trace.hidden, "c": trace.cell}.get(name)
    arr = trace.gates[name] if arr is None else arr
    return float(arr[layer, 0, t, unit])


@pytest.mark.parametrize("cell,nl", CELLS)
@pytest.mark.parametrize("init", ["default", "spectral"])
def test_filled_equations_recompute_and_end_at_the_trace(cell, nl, init):
    cfg = ModelConfig(cell=cell, nonlinearity=nl, input_size=3, hidden_size=6, num_layers=2, output_size=1,
                      init=init, spectral_radius=1.8, seed=7)
    model = build_model(cfg)
    trace = unroll(model, torch.randn(1, 9, 3, generator=torch.Generator().manual_seed(1)) * 2)
    n_lines = {"rnn": 1, "lstm": 6, "gru": 4}[cell]
    for layer, unit, t in [(0, 0, 0), (0, 5, 4), (1, 2, 8), (1, 3, 1)]:
        lines = filled_equations(trace, layer, unit, t, nl)
        assert len(lines) == n_lines
        for line in lines:
            lhs, _symbolic, *numeric = line.split(" = ")
            assert len(numeric) >= 2, line
            name = lhs.split("_")[0]
            assert lhs == f"{name}_t[{unit}]"
            values = [eval(_to_python(e), {"__builtins__": {}}, FUNCS) for e in numeric]  # noqa: S307
            for e, a, b in zip(numeric, values, values[1:]):
                scale = 1 + sum(abs(float(n)) for n in NUMBER.findall(_to_python(e)))
                assert a == pytest.approx(b, abs=1e-3 * scale), f"{e} = {a}, displayed {b}: {line}"
            want = _trace_value(trace, name, layer, unit, t)
            assert values[-1] == pytest.approx(want, rel=6e-4, abs=1e-12), line


def test_filled_equations_use_the_previous_step():
    cfg = ModelConfig(cell="lstm", input_size=2, hidden_size=4, output_size=1)
    trace = unroll(build_model(cfg), torch.randn(1, 5, 2))
    c_line = filled_equations(trace, 0, 1, 3)[4]
    assert f"{float(trace.cell[0, 0, 2, 1]):.4g}" in c_line  # c_{t-1}
    assert "\\cdot 0 +" in filled_equations(trace, 0, 1, 0)[4]  # c_{t-1} = 0 at the first step
    with pytest.raises(ValueError):
        filled_equations(trace, 0, 4, 0)


def test_numbers_are_four_significant_digits():
    cfg = ModelConfig(cell="rnn", input_size=1, hidden_size=2, output_size=1, init="xavier")  # zero biases
    trace = unroll(build_model(cfg), torch.tensor([[[1e-7], [3.0]]]))
    tiny = filled_equations(trace, 0, 0, 0)[0]  # W x_1 ~ 1e-7: written with a power of ten
    assert r"\times 10^{-" in tiny
    for t in (0, 1):
        for part in filled_equations(trace, 0, 0, t)[0].split(" = ")[2:]:
            for n in NUMBER.findall(_to_python(part)):
                assert len(n.split("e")[0].replace(".", "").lstrip("0")) <= 4, (n, part)


@pytest.mark.parametrize("shown,last,expected", [
    (10, 10, 10),                       # the browser shows the last frame
    (9, 10, 10), (7, 10, 10),           # it lags up to ECHO_FRAMES behind: playback stays at the last frame
    (6, 10, 6), (1, 10, 1),             # further back: the user moved the slider
    (11, 10, 11), (30, 10, 30),         # ahead of anything sent: the user
    (5, None, 5),                       # nothing sent yet
])
def test_play_position(shown, last, expected):
    assert sv.ECHO_FRAMES == 3
    assert sv.play_position(shown, last) == expected
