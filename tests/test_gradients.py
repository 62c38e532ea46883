"""Gradients through time against autograd, and the vanishing/exploding theory against measurement."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import ModelConfig, build_model, unroll
from explorer.trace.gradients import (
    clip_gradients,
    hidden_grad_norms,
    hidden_grads,
    jacobian_norms,
    param_grad_norms,
    whh_spectra,
)
from tests.reference import autograd_hidden_grads, autograd_jacobian


def last_step_loss(out):
    return out[:, -1].pow(2).sum()


def every_step_loss(out):
    return (out - 0.3).pow(2).mean()


@settings(max_examples=30, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    nonlinearity=st.sampled_from(["tanh", "relu"]),
    layers=st.integers(1, 3),
    hidden=st.integers(1, 12),
    steps=st.integers(1, 25),
    every_step=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_bptt_matches_autograd(cell, nonlinearity, layers, hidden, steps, every_step, seed):
    cfg = ModelConfig(cell=cell, nonlinearity=nonlinearity, num_layers=layers, hidden_size=hidden,
                      input_size=2, output_size=3, seed=seed)
    model = build_model(cfg).eval()
    x = torch.randn(3, steps, 2, generator=torch.Generator().manual_seed(seed))
    loss_fn = every_step_loss if every_step else last_step_loss
    _, grads = hidden_grads(model, x, loss_fn)
    ref = autograd_hidden_grads(model, x, loss_fn).numpy()
    scale = np.abs(ref).max() + 1e-12
    np.testing.assert_allclose(grads, ref, atol=1e-5 * scale)
    norms = hidden_grad_norms(model, x, loss_fn)
    assert norms.shape == (layers, steps)
    np.testing.assert_allclose(norms, np.sqrt((ref.astype(np.float64) ** 2).sum(axis=(1, 3))), rtol=1e-4, atol=1e-6 * scale)


def test_total_not_direct_derivative():
    """With the loss at the last step only, earlier h_t have no direct path to L: a non-zero gradient there
    can only come from the paths through later time steps."""
    model = build_model(ModelConfig(cell="rnn", hidden_size=8, seed=1)).eval()
    norms = hidden_grad_norms(model, torch.randn(2, 10, 1), last_step_loss)
    assert (norms[0, :-1] > 0).all()


@pytest.mark.parametrize("a", [0.5, 0.9, 1.2])
def test_relu_identity_ratio_equals_a(a):
    """ReLU RNN, W_hh = a·I, every pre-activation positive: ∂L/∂h_t = a^(T−t) ∂L/∂h_T, so each step back
    multiplies the norm by exactly a."""
    model = build_model(ModelConfig(cell="rnn", nonlinearity="relu", input_size=1, hidden_size=6))
    with torch.no_grad():
        model.rnn.weight_hh_l0.copy_(a * torch.eye(6))
        model.rnn.weight_ih_l0.uniform_(0.1, 1.0)
        model.rnn.bias_ih_l0.fill_(0.1)
        model.rnn.bias_hh_l0.fill_(0.1)
    x = torch.rand(4, 30, 1) + 0.1
    assert (unroll(model, x).preact_x[0] + unroll(model, x).preact_h[0] > 0).all()
    norms = hidden_grad_norms(model, x, last_step_loss)[0]
    np.testing.assert_allclose(norms[:-1] / norms[1:], a, rtol=1e-5)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("radius", [0.8, 1.0, 1.5])
def test_tanh_decay_never_beats_the_bound(seed, radius):
    """‖∂h_T/∂h_t‖ ≤ (γ·σ_max)^(T−t) with γ = 1 for tanh (Pascanu et al. 2013)."""
    model = build_model(ModelConfig(cell="rnn", hidden_size=10, init="spectral", spectral_radius=radius, seed=seed))
    trace = unroll(model, torch.randn(1, 40, 1, generator=torch.Generator().manual_seed(seed)))
    norms = jacobian_norms(model, trace)
    sigma = whh_spectra(model)[0].sigma_max
    bound = sigma ** np.arange(39, -1, -1.0)
    assert (norms <= bound * (1 + 1e-4)).all()
    assert norms[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_jacobian_norms_match_autograd(cell):
    model = build_model(ModelConfig(cell=cell, hidden_size=5, seed=3)).eval()
    x = torch.randn(1, 12, 1, generator=torch.Generator().manual_seed(0))
    norms = jacobian_norms(model, unroll(model, x))
    for t in [0, 5, 10]:
        ref = torch.linalg.matrix_norm(autograd_jacobian(model, x, t).double(), ord=2).item()
        assert norms[t] == pytest.approx(ref, rel=1e-4)


def test_lstm_jacobian_includes_the_cell_path():
    """For an LSTM with f ≈ 1 (forget bias 10) the cell carries h's influence forward: ∂h_T/∂h_t stays large."""
    remembers = build_model(ModelConfig(cell="lstm", hidden_size=6, forget_bias=10.0, seed=0))
    forgets = build_model(ModelConfig(cell="lstm", hidden_size=6, forget_bias=-10.0, seed=0))
    x = torch.randn(1, 30, 1)
    assert jacobian_norms(remembers, unroll(remembers, x))[0] > 100 * jacobian_norms(forgets, unroll(forgets, x))[0]


def _model_with_grads(seed=0):
    model = build_model(ModelConfig(cell="lstm", hidden_size=8, num_layers=2, seed=seed))
    every_step_loss(model(torch.randn(4, 10, 1, generator=torch.Generator().manual_seed(seed)))).backward()
    return model


def test_param_grad_norms():
    model = _model_with_grads()
    norms = param_grad_norms(model)
    assert set(norms) == {n for n, _ in model.named_parameters()}
    for name, p in model.named_parameters():
        assert norms[name] == pytest.approx(p.grad.norm().item(), rel=1e-6)


def test_clip_by_norm():
    model = _model_with_grads()
    total = np.sqrt(sum(p.grad.pow(2).sum().item() for p in model.parameters()))
    res = clip_gradients(model, "norm", total / 2)
    assert res.norm_before == pytest.approx(total, rel=1e-5)
    assert res.clipped and res.norm_after == pytest.approx(total / 2, rel=1e-4)
    after = np.sqrt(sum(p.grad.pow(2).sum().item() for p in model.parameters()))
    assert after == pytest.approx(total / 2, rel=1e-4)
    res = clip_gradients(model, "norm", total * 10)
    assert not res.clipped and res.norm_after == res.norm_before


def test_clip_by_value_and_none():
    model = _model_with_grads()
    biggest = max(p.grad.abs().max().item() for p in model.parameters())
    assert not clip_gradients(model, "none", 1e-9).clipped
    res = clip_gradients(model, "value", biggest / 3)
    assert res.clipped and res.norm_after < res.norm_before
    assert max(p.grad.abs().max().item() for p in model.parameters()) <= biggest / 3 * (1 + 1e-6)
    with pytest.raises(ValueError):
        clip_gradients(model, "sideways", 1.0)


def test_spectra_per_gate_block():
    model = build_model(ModelConfig(cell="gru", hidden_size=7, num_layers=2, init="spectral", spectral_radius=1.3))
    spectra = whh_spectra(model)
    assert [(s.layer, s.gate) for s in spectra] == [(l, g) for l in range(2) for g in "rzn"]
    for s in spectra:
        block = model.rnn.weight_hh_l0 if s.layer == 0 else model.rnn.weight_hh_l1
        block = block.detach().double()["rzn".index(s.gate) * 7 : ("rzn".index(s.gate) + 1) * 7]
        assert s.sigma_max == pytest.approx(np.linalg.svd(block.numpy(), compute_uv=False)[0], rel=1e-9)
        assert s.spectral_radius == pytest.approx(1.3, rel=1e-5)
        assert s.eigenvalues.shape == (7,)
