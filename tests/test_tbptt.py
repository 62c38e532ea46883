"""Truncated BPTT: the forward values are the full pass's, the parameter gradients and the ‖∂L/∂h_t‖ probe
are autograd's on the truncated graph (the state detached every k steps), and nothing crosses a cut."""
import copy

import numpy as np
import pytest
import torch

from explorer import ModelConfig, build_model
from explorer.config import TaskConfig, TrainConfig
from explorer.data.tasks import make_task
from explorer.trace.gradients import hidden_grads, top_layer_grad
from explorer.trace.record import unroll
from explorer.training.tbptt import cut_positions, forward_truncated, truncated_bptt, truncated_hidden_grad_norms
from explorer.training.trainer import Trainer
from tests.reference import peephole_step


def autograd_truncated(model, x, loss_fn, k):
    """(loss, (L, B, T, H) ∂L/∂h_t) by autograd through torch's single-step cell kernels, detaching every
    layer's state (h and c) at the start of each window: the graph truncated training differentiates."""
    cfg = model.cfg
    b, t_len = x.shape[:2]
    inp, all_h = model.embed(x), []  # (B, T, I or E)
    for layer in range(cfg.num_layers):
        w = model.recurrent_weights(layer)
        args = (w["weight_ih"], w["weight_hh"], w["bias_ih"], w["bias_hh"])
        h = c = torch.zeros(b, cfg.hidden_size)
        hs = []
        for t in range(t_len):
            if t and t % k == 0:
                h, c = h.detach(), c.detach()
            if cfg.cell == "lstm":
                h, c = torch.lstm_cell(inp[:, t], (h, c), *args)
            elif cfg.cell == "peephole":
                h, c = peephole_step(inp[:, t], h, c, *args, w["weight_ci"], w["weight_cf"], w["weight_co"])
            elif cfg.cell == "gru":
                h = torch.gru_cell(inp[:, t], h, *args)
            else:
                h = torch.rnn_tanh_cell(inp[:, t], h, *args)
            hs.append(h)
        all_h += hs
        inp = torch.stack(hs, 1)
    loss = loss_fn(model.head(inp))
    grads = torch.autograd.grad(loss, all_h, allow_unused=True, materialize_grads=True, retain_graph=True)
    return loss, torch.stack([torch.stack(grads[i * t_len : (i + 1) * t_len], 1) for i in range(cfg.num_layers)])


def setup(cell, task_name, layers=1, seq_len=13, **model_fields):
    task = make_task(TaskConfig(name=task_name, seq_len=seq_len, seed=1))
    vocab = {"vocab_size": task.input_size} if model_fields.get("embedding_dim") else {}
    model = build_model(ModelConfig(cell=cell, hidden_size=5, num_layers=layers, input_size=task.input_size,
                                    output_size=task.output_size, seed=3, **vocab, **model_fields))
    if cell == "peephole":  # peepholes start at 0: give them values so that every test exercises them
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "weight_c" in name:
                    p.uniform_(-1.0, 1.0, generator=torch.Generator().manual_seed(4))
    return task, model, task.batch(3, seed=1)


def test_cut_positions():
    assert cut_positions(100, 20) == [20, 40, 60, 80]
    assert cut_positions(13, 5) == [5, 10] and cut_positions(13, 13) == [] and cut_positions(13, 0) == []


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "peephole"])
def test_forward_values_equal_the_full_pass(cell):
    _, model, batch = setup(cell, "sine", layers=2)
    torch.testing.assert_close(forward_truncated(model, batch.x, 4), model(batch.x))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "peephole"])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("task_name", ["sine", "adding"])  # a loss at every step; a loss at the last step only
@pytest.mark.parametrize("k", [1, 4, 5])
def test_probe_is_autograd_on_the_truncated_graph(cell, layers, task_name, k):
    task, model, batch = setup(cell, task_name, layers)
    loss_fn = lambda out: task.loss(out, batch)  # noqa: E731
    _, want = autograd_truncated(model, batch.x, loss_fn, k)
    trace = unroll(model, batch.x)
    _, top = top_layer_grad(model, trace, loss_fn)
    got = truncated_bptt(model, trace, top, k)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-4, atol=1e-7)
    norms = truncated_hidden_grad_norms(model, batch.x, loss_fn, k)
    np.testing.assert_allclose(norms, want.double().pow(2).sum((1, 3)).sqrt().numpy(), rtol=1e-4, atol=1e-7)
    if task_name == "adding":  # the loss sits at the last step: every window but the last gets nothing
        last_window = cut_positions(13, k)[-1]
        assert (norms[:, :last_window] == 0).all() and (norms[:, last_window:] > 0).all()


@pytest.mark.parametrize("cell", ["lstm", "peephole"])
def test_probe_of_a_model_with_an_embedding_is_autograd_on_the_truncated_graph(cell):
    """Symbol inputs looked up in an embedding (charlm, one-hot inputs times the embedding matrix)."""
    task, model, batch = setup(cell, "charlm", layers=2, seq_len=11, embedding_dim=4)
    loss_fn = lambda out: task.loss(out, batch)  # noqa: E731
    torch.testing.assert_close(forward_truncated(model, batch.x, 3), model(batch.x))
    _, want = autograd_truncated(model, batch.x, loss_fn, 3)
    trace = unroll(model, batch.x)
    got = truncated_bptt(model, trace, top_layer_grad(model, trace, loss_fn)[1], 3)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-4, atol=1e-7)


def test_a_window_as_long_as_the_sequence_is_full_bptt():
    task, model, batch = setup("lstm", "adding", layers=2)
    loss_fn = lambda out: task.loss(out, batch)  # noqa: E731
    _, full = hidden_grads(model, batch.x, loss_fn)
    trace = unroll(model, batch.x)
    np.testing.assert_allclose(truncated_bptt(model, trace, top_layer_grad(model, trace, loss_fn)[1], 13), full,
                               rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_training_step_uses_the_truncated_gradient(cell):
    """The trainer's update (plain SGD) is −lr·∇ of the loss on the truncated graph, which differs from the full one."""
    task, model, _ = setup(cell, "sine", layers=2)
    cfg = TrainConfig(optimizer="sgd", momentum=0.0, lr=0.1, clip="none", batch_size=3, tbptt=4, eval_every=0,
                      probe_every=1)
    ref = copy.deepcopy(model)
    stats = Trainer(model, task, cfg).step()
    batch = task.batch(3, seed=1)
    loss, _ = autograd_truncated(ref, batch.x, lambda out: task.loss(out, batch), 4)
    grads = torch.autograd.grad(loss, list(ref.parameters()))
    full = torch.autograd.grad(task.loss(ref(batch.x), batch), list(ref.parameters()))
    assert not all(torch.allclose(g, f) for g, f in zip(grads, full))
    for p, q, g in zip(model.parameters(), ref.parameters(), grads):
        torch.testing.assert_close(p, q - 0.1 * g, rtol=1e-4, atol=1e-6)
    assert stats.loss == pytest.approx(loss.item(), rel=1e-5)
    # The probe after the update is the truncated one, on the fixed probe batch.
    pb = Trainer(model, task, cfg).probe_batch
    model.eval()
    want = truncated_hidden_grad_norms(model, pb.x, lambda out: task.loss(out, pb), 4)
    np.testing.assert_allclose(stats.hidden_grad_norms, want, rtol=1e-5)


@pytest.mark.parametrize("task_name, fields, message", [
    ("adding", {"bidirectional": True}, "needs a unidirectional model"),
    ("adding", {"pool": "mean"}, "would start again in every window"),
    ("sentiment", {"embedding_dim": 4}, "needs sequences of one length"),
])
def test_what_truncation_would_change_is_refused_with_one_sentence(task_name, fields, message):
    task, model, _ = setup("gru", task_name, **fields)
    with pytest.raises(ValueError, match=message):
        Trainer(model, task, TrainConfig(tbptt=5))
    trainer = Trainer(model, task, TrainConfig())
    with pytest.raises(ValueError, match=message):  # nor can the settings switch it on later
        trainer.set_config(TrainConfig(tbptt=5))
    assert trainer.cfg.tbptt == 0
    if fields.get("bidirectional"):  # the probe refuses too, whoever calls it
        trace = unroll(model, task.batch(2, seed=0).x)
        with pytest.raises(ValueError, match="unidirectional"):
            truncated_bptt(model, trace, torch.zeros(2, 13, 10), 5)
