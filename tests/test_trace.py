"""The hand-written cells, driven by `unroll`, reproduce PyTorch's fused nn.RNN / nn.LSTM / nn.GRU."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import ModelConfig, build_model, unroll


@settings(max_examples=40, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    nonlinearity=st.sampled_from(["tanh", "relu"]),
    init=st.sampled_from(["default", "xavier", "orthogonal", "identity", "spectral"]),
    layers=st.integers(1, 4),
    hidden=st.integers(1, 24),
    inputs=st.integers(1, 5),
    outputs=st.integers(1, 4),
    batch=st.integers(1, 4),
    steps=st.integers(1, 40),
    seed=st.integers(0, 10_000),
)
def test_unroll_matches_pytorch(cell, nonlinearity, init, layers, hidden, inputs, outputs, batch, steps, seed):
    cfg = ModelConfig(cell=cell, nonlinearity=nonlinearity, init=init, num_layers=layers, hidden_size=hidden,
                      input_size=inputs, output_size=outputs, spectral_radius=0.9, seed=seed)
    model = build_model(cfg).eval()
    x = torch.randn(batch, steps, inputs, generator=torch.Generator().manual_seed(seed))
    trace = unroll(model, x)
    with torch.no_grad():
        top, final = model.rnn(x)
        outputs_ref = model(x)
    np.testing.assert_allclose(trace.hidden[-1], top.numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.outputs, outputs_ref.numpy(), atol=1e-5)
    h_n = final[0] if cell == "lstm" else final  # (L, B, H): the last h of every layer
    np.testing.assert_allclose(trace.hidden[:, :, -1], h_n.numpy(), atol=1e-5)
    if cell == "lstm":
        np.testing.assert_allclose(trace.cell[:, :, -1], final[1].numpy(), atol=1e-5)


def test_trace_shapes_and_gates():
    for cell, names in [("rnn", []), ("lstm", ["i", "f", "g", "o"]), ("gru", ["r", "z", "n"])]:
        model = build_model(ModelConfig(cell=cell, input_size=3, hidden_size=5, num_layers=2, output_size=2))
        trace = unroll(model, torch.randn(4, 7, 3))
        assert trace.hidden.shape == (2, 4, 7, 5)
        assert trace.outputs.shape == (4, 7, 2)
        assert list(trace.gates) == names
        for g in trace.gates.values():
            assert g.shape == (2, 4, 7, 5)
        assert (trace.cell is not None) == (cell == "lstm")
        g_count = max(len(names), 1)
        assert trace.preact_x.shape == trace.preact_h.shape == (2, 4, 7, g_count * 5)


def test_gates_are_pytorchs_equations():
    """Every recorded gate equals its equation recomputed from the recorded pre-activations."""
    sig = lambda a: 1 / (1 + np.exp(-a))
    model = build_model(ModelConfig(cell="lstm", input_size=2, hidden_size=4))
    tr = unroll(model, torch.randn(3, 6, 2))
    a = np.split(tr.preact_x[0] + tr.preact_h[0], 4, axis=-1)
    for name, pre, act in zip("ifgo", a, [sig, sig, np.tanh, sig]):
        np.testing.assert_allclose(tr.gates[name][0], act(pre), atol=1e-6)
    c_prev = np.concatenate([np.zeros_like(tr.cell[0][:, :1]), tr.cell[0][:, :-1]], axis=1)
    np.testing.assert_allclose(tr.cell[0], tr.gates["f"][0] * c_prev + tr.gates["i"][0] * tr.gates["g"][0], atol=1e-6)

    model = build_model(ModelConfig(cell="gru", input_size=2, hidden_size=4))
    tr = unroll(model, torch.randn(3, 6, 2))
    xr, xz, xn = np.split(tr.preact_x[0], 3, axis=-1)
    hr, hz, hn = np.split(tr.preact_h[0], 3, axis=-1)
    np.testing.assert_allclose(tr.gates["r"][0], sig(xr + hr), atol=1e-6)
    np.testing.assert_allclose(tr.gates["n"][0], np.tanh(xn + tr.gates["r"][0] * hn), atol=1e-6)


def test_unroll_rejects_wrong_shape():
    model = build_model(ModelConfig(input_size=3))
    with pytest.raises(ValueError, match=r"\(B, T, 3\)"):
        unroll(model, torch.randn(2, 5, 2))
