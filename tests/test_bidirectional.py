"""Bidirectional RNN/LSTM/GRU (and peephole LSTM): PyTorch's own modules and names, `unroll` against their outputs
for every layer and both directions, per-direction gradients through time against autograd, per-direction Jacobian
norms and spectra, and the refusal of a bidirectional model on a task that predicts the next value."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import ModelConfig, build_model, unroll
from explorer.config import TaskConfig, TrainConfig
from explorer.data.tasks import NEXT_STEP_TASKS
from explorer.lab import make_lab
from explorer.trace.gradients import grad_norms, hidden_grad_norms, hidden_grads, jacobian_norms, whh_spectra
from tests.reference import autograd_hidden_grads, html_number


def every_step_loss(out):
    return (out - 0.3).pow(2).mean()


def first_step_loss(out):
    return out[:, 0].pow(2).sum()


def last_step_loss(out):
    return out[:, -1].pow(2).sum()


def each_layers_output(model, x):
    """(L, B, T, D·H): every layer's output by the fused module, one layer at a time (nn.LSTM exposes only the
    top layer's h_t for all t): layer k is re-run as a one-layer bidirectional module with layer k's weights."""
    cfg = model.cfg
    outs, inp = [], x
    for layer in range(cfg.num_layers):
        one = build_model(ModelConfig(cell=cfg.cell, nonlinearity=cfg.nonlinearity, input_size=inp.shape[-1],
                                      hidden_size=cfg.hidden_size, bidirectional=True)).rnn
        with torch.no_grad():
            for d, suffix in enumerate(("", "_reverse")):
                for name, w in model.recurrent_weights(layer, d).items():
                    getattr(one, f"{name}_l0{suffix}").copy_(w)
            inp, _ = one(inp)
        outs.append(inp)
    return torch.stack(outs)


@settings(max_examples=30, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    nonlinearity=st.sampled_from(["tanh", "relu"]),
    init=st.sampled_from(["default", "xavier", "orthogonal", "identity", "spectral"]),
    layers=st.integers(1, 3),
    hidden=st.integers(1, 12),
    inputs=st.integers(1, 4),
    batch=st.integers(1, 3),
    steps=st.integers(1, 25),
    seed=st.integers(0, 10_000),
)
def test_unroll_matches_pytorch_bidirectional_in_every_layer(cell, nonlinearity, init, layers, hidden, inputs, batch,
                                                              steps, seed):
    cfg = ModelConfig(cell=cell, nonlinearity=nonlinearity, init=init, num_layers=layers, hidden_size=hidden,
                      input_size=inputs, output_size=2, spectral_radius=0.9, seed=seed, bidirectional=True)
    model = build_model(cfg).eval()
    x = torch.randn(batch, steps, inputs, generator=torch.Generator().manual_seed(seed))
    trace = unroll(model, x)
    with torch.no_grad():
        top, final = model.rnn(x)
        per_layer = each_layers_output(model, x)
        outputs = model(x)
    assert trace.hidden.shape == (layers, batch, steps, 2 * hidden) and trace.directions == 2
    np.testing.assert_allclose(trace.hidden[-1], top.numpy(), atol=1e-5)  # [forward, backward] as nn.* orders them
    np.testing.assert_allclose(trace.hidden, per_layer.numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.outputs, outputs.numpy(), atol=1e-5)
    h_n = (final[0] if cell == "lstm" else final).view(layers, 2, batch, hidden)  # (L·D, B, H) -> (L, D, B, H)
    np.testing.assert_allclose(trace.hidden[:, :, -1, :hidden], h_n[:, 0].numpy(), atol=1e-5)  # forward ends at T
    np.testing.assert_allclose(trace.hidden[:, :, 0, hidden:], h_n[:, 1].numpy(), atol=1e-5)  # backward ends at 1
    if cell == "lstm":
        c_n = final[1].view(layers, 2, batch, hidden)
        np.testing.assert_allclose(trace.cell[:, :, -1, :hidden], c_n[:, 0].numpy(), atol=1e-5)
        np.testing.assert_allclose(trace.cell[:, :, 0, hidden:], c_n[:, 1].numpy(), atol=1e-5)


@pytest.mark.parametrize("cell, gates", [("rnn", ""), ("lstm", "ifgo"), ("gru", "rzn"), ("peephole", "ifgo")])
def test_trace_layout_doubles_the_last_axis(cell, gates):
    model = build_model(ModelConfig(cell=cell, input_size=3, hidden_size=5, num_layers=2, output_size=2,
                                    bidirectional=True))
    trace = unroll(model, torch.randn(4, 7, 3))
    g = max(len(gates), 1)
    assert trace.hidden.shape == (2, 4, 7, 10) and trace.hidden_size == 5
    assert list(trace.gates) == list(gates) and all(v.shape == (2, 4, 7, 10) for v in trace.gates.values())
    assert trace.preact_x.shape == trace.preact_h.shape == (2, 4, 7, 2 * g * 5)
    assert (trace.cell is not None) == (cell in ("lstm", "peephole"))
    assert (trace.preact_c is not None) == (cell == "peephole")
    back = trace.view(1, 1)
    assert back.hidden.shape == (4, 7, 5) and back.name == "backward"
    np.testing.assert_array_equal(back.hidden, trace.hidden[1, ..., 5:])
    assert (back.prev(0), back.prev(6), trace.view(0, 0).prev(0), trace.view(0, 0).prev(3)) == (1, None, None, 2)
    with pytest.raises(ValueError, match="direction"):
        trace.view(0, 2)


def test_gates_of_the_backward_direction_follow_its_equations():
    """The backward direction's gates, recomputed from its recorded pre-activations and its state at t + 1."""
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    model = build_model(ModelConfig(cell="lstm", input_size=2, hidden_size=4, bidirectional=True, seed=3))
    v = unroll(model, torch.randn(3, 6, 2)).view(0, 1)
    a = np.split(v.preact_x + v.preact_h, 4, axis=-1)
    for name, pre, act in zip("ifgo", a, [sig, sig, np.tanh, sig]):
        np.testing.assert_allclose(v.gates[name], act(pre), atol=1e-6)
    c_next = np.concatenate([v.cell[:, 1:], np.zeros_like(v.cell[:, :1])], axis=1)  # c_{t+1}, 0 after the end
    np.testing.assert_allclose(v.cell, v.gates["f"] * c_next + v.gates["i"] * v.gates["g"], atol=1e-6)
    h_next = np.concatenate([v.hidden[:, 1:], np.zeros_like(v.hidden[:, :1])], axis=1)
    w = model.recurrent_weights(0, 1)
    np.testing.assert_allclose(v.preact_h, h_next @ w["weight_hh"].detach().numpy().T + w["bias_hh"].detach().numpy(),
                               atol=1e-6)


def test_pytorch_names_and_shapes():
    model = build_model(ModelConfig(cell="lstm", input_size=3, hidden_size=5, num_layers=2, output_size=2,
                                    bidirectional=True))
    shapes = {n: tuple(p.shape) for n, p in model.named_parameters()}
    reference = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True)
    assert {f"rnn.{n}": tuple(p.shape) for n, p in reference.named_parameters()} == {
        n: s for n, s in shapes.items() if n.startswith("rnn.")}
    assert shapes["rnn.weight_ih_l1_reverse"] == (20, 10) and shapes["head.weight"] == (2, 10)


def test_same_seed_same_weights_and_forward_weights_as_drawn_first():
    a, b = (build_model(ModelConfig(cell="gru", num_layers=2, bidirectional=True, seed=4)) for _ in range(2))
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    one_way = build_model(ModelConfig(cell="gru", num_layers=2, seed=4))  # layer 0's forward weights come first
    assert torch.equal(a.rnn.weight_ih_l0, one_way.rnn.weight_ih_l0)
    assert not torch.equal(a.rnn.weight_ih_l0_reverse, a.rnn.weight_ih_l0)


@pytest.mark.parametrize("init", ["orthogonal", "spectral", "identity"])
def test_init_and_forget_bias_apply_to_both_directions(init):
    cfg = ModelConfig(cell="lstm", hidden_size=6, num_layers=2, bidirectional=True, init=init, spectral_radius=1.3,
                      forget_bias=2.0)
    model = build_model(cfg)
    for layer in range(2):
        for d in range(2):
            w = model.recurrent_weights(layer, d)
            for block in w["weight_hh"].detach().double().chunk(4):
                if init == "orthogonal":
                    np.testing.assert_allclose(block @ block.T, np.eye(6), atol=1e-5)
                elif init == "spectral":
                    assert np.abs(np.linalg.eigvals(block.numpy())).max() == pytest.approx(1.3, rel=1e-5)
                else:
                    assert torch.equal(block, torch.eye(6, dtype=torch.float64))
            assert torch.equal(w["bias_ih"][6:12], torch.full((6,), 2.0))
            assert torch.equal(w["bias_hh"][6:12], torch.zeros(6))


@settings(max_examples=25, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru", "peephole"]),
    nonlinearity=st.sampled_from(["tanh", "relu"]),
    layers=st.integers(1, 3),
    hidden=st.integers(1, 8),
    steps=st.integers(1, 15),
    loss=st.sampled_from([every_step_loss, first_step_loss, last_step_loss]),
    seed=st.integers(0, 1000),
)
def test_bptt_of_both_directions_matches_autograd(cell, nonlinearity, layers, hidden, steps, loss, seed):
    cfg = ModelConfig(cell=cell, nonlinearity=nonlinearity, num_layers=layers, hidden_size=hidden, input_size=2,
                      output_size=3, seed=seed, bidirectional=True)
    model = build_model(cfg).eval()
    with torch.no_grad():  # peepholes start at 0: give them values so that their paths are tested
        for name, p in model.named_parameters():
            if "weight_c" in name:
                p.uniform_(-1, 1, generator=torch.Generator().manual_seed(seed))
    x = torch.randn(3, steps, 2, generator=torch.Generator().manual_seed(seed))
    _, grads = hidden_grads(model, x, loss)
    ref = autograd_hidden_grads(model, x, loss).numpy()
    scale = np.abs(ref).max() + 1e-12
    np.testing.assert_allclose(grads, ref, atol=1e-5 * scale)
    by_dir = hidden_grad_norms(model, x, loss, per_direction=True)
    ref_by_dir = np.sqrt((ref.reshape(layers, 3, steps, 2, hidden).astype(np.float64) ** 2).sum(axis=(1, 4)))
    np.testing.assert_allclose(by_dir, ref_by_dir.transpose(0, 2, 1), rtol=1e-4, atol=1e-6 * scale)
    np.testing.assert_allclose(hidden_grad_norms(model, x, loss), np.sqrt((by_dir**2).sum(axis=1)), rtol=1e-6)


def test_the_backward_directions_gradient_travels_from_step_1_towards_t():
    """Loss on the first output only: the forward chain's gradient lives at t = 1 alone (nothing later reaches
    y_1), the backward chain's reaches every step, and decays towards T (tanh RNN, W_hh of radius 0.5)."""
    model = build_model(ModelConfig(cell="rnn", hidden_size=8, bidirectional=True, init="spectral",
                                    spectral_radius=0.5, seed=1)).eval()
    norms = hidden_grad_norms(model, torch.randn(4, 12, 1), first_step_loss, per_direction=True)[0]  # (D, T)
    assert norms[0, 0] > 0 and np.all(norms[0, 1:] == 0)
    assert np.all(norms[1] > 0) and np.all(np.diff(norms[1]) < 0)


def test_grad_norms_split_units_by_direction():
    grads = np.arange(2 * 3 * 4 * 6, dtype=np.float32).reshape(2, 3, 4, 6)  # (L, B, T, D·H), H = 3
    norms = grad_norms(grads, 2)
    assert norms.shape == (2, 2, 4)
    assert norms[1, 1, 2] == pytest.approx(np.linalg.norm(grads[1, :, 2, 3:]))
    assert norms[0, 0, 3] == pytest.approx(np.linalg.norm(grads[0, :, 3, :3]))


def jacobian_of_the_backward_chain(model, x, t):
    """(H, H): ∂h←_1/∂h←_t by autograd through the fused module, on the time-reversed input (the backward chain of
    a one-layer model is the forward chain of the reversed sequence with the `_reverse` weights)."""
    cfg = model.cfg
    one = build_model(ModelConfig(cell=cfg.cell, input_size=cfg.input_size, hidden_size=cfg.hidden_size)).rnn
    with torch.no_grad():
        for name, w in model.recurrent_weights(0, 1).items():
            getattr(one, f"{name}_l0").copy_(w)
    rev = x.flip(1)
    k = x.shape[1] - 1 - t  # step t in the reversed sequence
    h_k = one(rev[:, : k + 1])[0][0, -1].detach()
    return torch.autograd.functional.jacobian(lambda h: one(rev[:, k + 1 :], h.view(1, 1, -1))[0][0, -1], h_k)


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_jacobian_norms_of_the_backward_direction_match_autograd(cell):
    model = build_model(ModelConfig(cell=cell, hidden_size=5, bidirectional=True, seed=3)).eval()
    x = torch.randn(1, 12, 1, generator=torch.Generator().manual_seed(0))
    trace = unroll(model, x)
    norms = jacobian_norms(model, trace, direction=1)
    assert norms[0] == pytest.approx(1.0)
    for t in [1, 6, 10]:
        ref = torch.linalg.matrix_norm(jacobian_of_the_backward_chain(model, x, t).double(), ord=2).item()
        assert norms[t] == pytest.approx(ref, rel=1e-4)
    assert jacobian_norms(model, trace, direction=0)[-1] == pytest.approx(1.0)


def test_spectra_per_direction():
    model = build_model(ModelConfig(cell="gru", hidden_size=7, num_layers=2, bidirectional=True, init="spectral",
                                    spectral_radius=1.3))
    spectra = whh_spectra(model)
    assert [(s.layer, s.direction, s.gate) for s in spectra] == [(l, d, g) for l in range(2) for d in range(2)
                                                                  for g in "rzn"]
    assert spectra[3].key == "0/r_reverse" and spectra[0].key == "0/r"
    for s in spectra:
        w = model.recurrent_weights(s.layer, s.direction)["weight_hh"].detach().double()
        block = w["rzn".index(s.gate) * 7 : ("rzn".index(s.gate) + 1) * 7].numpy()
        assert s.sigma_max == pytest.approx(np.linalg.svd(block, compute_uv=False)[0], rel=1e-9)
        assert s.spectral_radius == pytest.approx(1.3, rel=1e-5)


@pytest.mark.parametrize("task", sorted(NEXT_STEP_TASKS - {"csv", "text"}))
def test_a_bidirectional_model_is_refused_on_tasks_that_predict_the_next_value(task):
    with pytest.raises(ValueError, match="would see the very value it has to predict"):
        make_lab(ModelConfig(bidirectional=True), TaskConfig(name=task), TrainConfig())
    make_lab(ModelConfig(bidirectional=False), TaskConfig(name=task), TrainConfig())  # the one-way model is fine


@pytest.mark.parametrize("task", ["adding", "copy", "order", "neighbours", "spikes"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "peephole"])
def test_bidirectional_models_train_on_the_other_tasks(task, cell):
    lab = make_lab(ModelConfig(cell=cell, hidden_size=8, num_layers=2, bidirectional=True),
                   TaskConfig(name=task, seq_len=40), TrainConfig(batch_size=4, probe_every=2))
    stats = list(lab.trainer.run(2))
    assert all(np.isfinite(s.loss) for s in stats) and lab.trainer.diverged is None
    probe = stats[-1]
    assert probe.hidden_grad_norms.shape == (2, lab.task.seq_len)
    assert probe.hidden_grad_norms_by_direction.shape == (2, 2, lab.task.seq_len)
    assert {k.split("/")[1] for k in probe.sigma_max} >= {f"{g}_reverse" for g in lab.model_cfg.gate_names}


def test_filled_equations_name_the_direction_and_use_its_previous_step():
    from explorer.views.equations import direction_header, filled_equations
    model = build_model(ModelConfig(cell="gru", input_size=2, hidden_size=3, bidirectional=True, seed=2))
    trace = unroll(model, torch.randn(1, 5, 2, generator=torch.Generator().manual_seed(0)))
    back, fwd = trace.view(0, 1), trace.view(0, 0)
    eq = filled_equations(trace, 0, 1, direction=1)
    lhs, symbolic, _ = eq.lines[-1]
    assert "<i>h←</i><sub>t+1</sub>" in symbolic and lhs == "<i>h←</i><sub>t</sub>[1]"
    line = eq.numeric(len(eq.lines) - 1, 2)
    h_next = float(back.hidden[0, 3, 1])  # the backward chain's previous state is that of step t + 1
    assert f"· {h_next:.4g} =" in line or f"· ({h_next:.4g}) =" in line
    assert html_number(line.rsplit("=", 1)[1]) == pytest.approx(back.hidden[0, 2, 1], rel=1e-3)
    forward = filled_equations(trace, 0, 1, direction=0)
    assert html_number(forward.numeric(len(forward.lines) - 1, 2).rsplit("=", 1)[1]) == pytest.approx(
        fwd.hidden[0, 2, 1], rel=1e-3)
    assert "<i>h→</i><sub>t−1</sub>" in forward.lines[0][1]
    last = filled_equations(trace, 0, 0, direction=1)
    assert "· 0 =" in last.numeric(len(last.lines) - 1, 4)  # the backward chain starts at T from zero
    assert "backward" in direction_header(1) and "forward" in direction_header(0)
    with pytest.raises(ValueError, match="unit < 3"):
        filled_equations(trace, 0, 3)
