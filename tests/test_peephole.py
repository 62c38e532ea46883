"""The peephole LSTM against an independent plain-torch re-implementation (tests.reference.peephole_step, gate by
gate, differentiated by autograd): forward, every gradient (the module's backward is hand-written), unroll, the
hand-written BPTT, names, initialisation, equations, and training on every task."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import ModelConfig, build_model, unroll
from explorer.config import TASK_NAMES, TOKEN_TASKS, TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.models.params import parameter_counts
from explorer.models.peephole import PeepholeLSTM
from explorer.views.equations import cell_equations, filled_equations
from tests.reference import html_number, peephole_step, reference_forward, reference_layers

DATA = {"csv": b"t,v\n" + b"".join(f"{i},{(i * 7) % 11}\n".encode() for i in range(200)),
        "text": b"The cat sat on the mat.\n" * 60,  # held-out parts are cut at line starts
        "text_csv": b"text,label\n" + b"".join(f"{w} film number {i},{w == 'good' and 'positive' or 'negative'}\n"
                                                .encode() for i in range(12) for w in ("good", "bad"))}


def with_peepholes(model, seed=0, scale=1.0):
    """Peepholes start at 0; give them values so that every test exercises them."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "weight_c" in name:
                p.uniform_(-scale, scale, generator=gen)
    return model


def reference_run(model, x, h0, c0):
    """Outputs (B, T, D·H), h_n and c_n (L·D, B, H) by `peephole_step`, with the given initial state."""
    cfg = model.cfg
    inp, h_n, c_n = x, [], []
    for layer in range(cfg.num_layers):
        outs = []
        for d in range(cfg.directions):
            w = model.recurrent_weights(layer, d)
            k = layer * cfg.directions + d
            h, c, hs = h0[k], c0[k], [None] * x.shape[1]
            for t in (range(x.shape[1]) if d == 0 else reversed(range(x.shape[1]))):
                h, c = peephole_step(inp[:, t], h, c, w["weight_ih"], w["weight_hh"], w["bias_ih"], w["bias_hh"],
                                     w["weight_ci"], w["weight_cf"], w["weight_co"])
                hs[t] = h
            outs.append(torch.stack(hs, 1))
            h_n.append(h)
            c_n.append(c)
        inp = torch.cat(outs, -1)
    return inp, torch.stack(h_n), torch.stack(c_n)


@settings(max_examples=25, deadline=None)
@given(layers=st.integers(1, 3), hidden=st.integers(1, 8), inputs=st.integers(1, 4), batch=st.integers(1, 3),
       steps=st.integers(1, 12), bidirectional=st.booleans(), seed=st.integers(0, 1000))
def test_forward_and_every_gradient_match_the_plain_torch_reference(layers, hidden, inputs, batch, steps,
                                                                     bidirectional, seed):
    model = with_peepholes(build_model(ModelConfig(cell="peephole", num_layers=layers, hidden_size=hidden,
                                                   input_size=inputs, output_size=2, seed=seed,
                                                   bidirectional=bidirectional)), seed)
    gen = torch.Generator().manual_seed(seed)
    n = layers * (2 if bidirectional else 1)
    x = torch.randn(batch, steps, inputs, generator=gen).requires_grad_(True)
    h0 = torch.randn(n, batch, hidden, generator=gen).requires_grad_(True)
    c0 = torch.randn(n, batch, hidden, generator=gen).requires_grad_(True)
    weights = torch.randn(batch, steps, 2, generator=gen)

    def loss_of(out, h_n, c_n):  # every output of the module matters
        return (model.head(out) * weights).sum() + (h_n * 0.7).sum() + (c_n**2).sum()

    out, (h_n, c_n) = model.rnn(x, (h0, c0))
    ref_out, ref_h, ref_c = reference_run(model, x, h0, c0)
    for got, want in ((out, ref_out), (h_n, ref_h), (c_n, ref_c)):
        torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    inputs_and_weights = [x, h0, c0, *model.rnn.parameters()]
    got = torch.autograd.grad(loss_of(out, h_n, c_n), inputs_and_weights)
    want = torch.autograd.grad(loss_of(ref_out, ref_h, ref_c), inputs_and_weights)
    for (name, _), g, w in zip([("x", 0), ("h0", 0), ("c0", 0), *model.rnn.named_parameters()], got, want):
        torch.testing.assert_close(g, w, atol=1e-5 * (w.abs().max().item() + 1), rtol=1e-4, msg=name)


def test_peepholes_change_the_output():
    """A check that the reference and the module really see the peepholes (not both ignoring them)."""
    model = build_model(ModelConfig(cell="peephole", input_size=2, hidden_size=4, seed=1))
    x = torch.randn(2, 6, 2)
    before = model(x).detach()
    with_peepholes(model, scale=2.0)
    assert (model(x).detach() - before).abs().max() > 1e-2
    torch.testing.assert_close(model(x), reference_forward(model, x), atol=1e-5, rtol=1e-5)


def test_names_and_shapes_are_nn_lstms_plus_the_peepholes():
    model = build_model(ModelConfig(cell="peephole", input_size=3, hidden_size=5, num_layers=2, bidirectional=True))
    shapes = {n: tuple(p.shape) for n, p in model.rnn.named_parameters()}
    lstm = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True)
    peep = {f"weight_c{g}_l{k}{s}": (5,) for g in "ifo" for k in range(2) for s in ("", "_reverse")}
    assert shapes == {**{n: tuple(p.shape) for n, p in lstm.named_parameters()}, **peep}
    names = {r.torch_name: r.name for r in parameter_counts(model)}
    assert names["rnn.weight_cf_l1_reverse"] == "layer 2 backward · w_cf (peephole)"
    assert names["rnn.weight_hh_l0"] == "layer 1 · W_hh"


def test_starts_as_the_plain_lstm_of_the_same_seed():
    """Peepholes start at 0 and draw nothing: every other weight is the LSTM's, so the outputs are too."""
    for bidirectional in (False, True):
        cfg = dict(input_size=2, hidden_size=6, num_layers=2, forget_bias=1.0, init="orthogonal", seed=5,
                   bidirectional=bidirectional)
        peephole, lstm = build_model(ModelConfig(cell="peephole", **cfg)), build_model(ModelConfig(cell="lstm", **cfg))
        lstm_params = dict(lstm.named_parameters())
        for name, p in peephole.named_parameters():
            assert torch.equal(p, lstm_params[name]) if name in lstm_params else not p.any(), name
        x = torch.randn(3, 9, 2)
        torch.testing.assert_close(peephole(x), lstm(x), atol=1e-6, rtol=1e-5)


def test_unroll_records_the_peephole_terms():
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    model = with_peepholes(build_model(ModelConfig(cell="peephole", input_size=2, hidden_size=4, num_layers=2,
                                                   bidirectional=True, seed=2)))
    x = torch.randn(3, 7, 2)
    trace = unroll(model, x)
    with torch.no_grad():
        per_layer = [torch.cat([torch.stack(hs, 1) for hs in dirs], -1) for dirs in reference_layers(model, x)]
        np.testing.assert_allclose(trace.hidden, torch.stack(per_layer).numpy(), atol=1e-5)  # every layer
        np.testing.assert_allclose(trace.outputs, reference_forward(model, x).numpy(), atol=1e-5)
    for layer in range(2):
        for d in range(2):
            v, w = trace.view(layer, d), {k: t.detach().numpy() for k, t in model.recurrent_weights(layer, d).items()}
            c_prev = np.zeros_like(v.cell)
            if d == 0:
                c_prev[:, 1:] = v.cell[:, :-1]
            else:
                c_prev[:, :-1] = v.cell[:, 1:]
            pc = np.split(v.preact_c, 4, axis=-1)
            np.testing.assert_allclose(pc[0], w["weight_ci"] * c_prev, atol=1e-6)
            np.testing.assert_allclose(pc[1], w["weight_cf"] * c_prev, atol=1e-6)
            np.testing.assert_allclose(pc[2], 0.0)
            np.testing.assert_allclose(pc[3], w["weight_co"] * v.cell, atol=1e-6)
            a = np.split(v.preact_x + v.preact_h, 4, axis=-1)
            for k, j in (("i", 0), ("f", 1), ("o", 3)):
                np.testing.assert_allclose(v.gates[k], sig(a[j] + pc[j]), atol=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_filled_equations_reproduce_the_recorded_numbers(seed):
    model = with_peepholes(build_model(ModelConfig(cell="peephole", input_size=2, hidden_size=3, seed=seed)), seed)
    trace = unroll(model, torch.randn(1, 5, 2, generator=torch.Generator().manual_seed(seed)))
    eq = filled_equations(trace, 0, 1)
    assert [lhs.split("</i>")[0].removeprefix("<i>") for lhs, _, _ in eq.lines] == ["i", "f", "g", "c", "o", "h"]
    assert "<i>w</i><sub>ci</sub> ⊙ <i>c</i><sub>t−1</sub>" in eq.lines[0][1]
    assert "<i>w</i><sub>co</sub> ⊙ <i>c</i><sub>t</sub>" in eq.lines[4][1]
    v = trace.view(0, 0)
    assert html_number(eq.numeric(0, 2).rsplit("=", 1)[1]) == pytest.approx(v.gates["i"][0, 2, 1], rel=1e-3)
    assert html_number(eq.numeric(5, 2).rsplit("=", 1)[1]) == pytest.approx(v.hidden[0, 2, 1], rel=1e-3, abs=1e-6)
    # the argument of σ in the i line is W x + b + W h + b + w_ci c_{t−1}, its parts as recorded
    parts = eq.numeric(0, 2).split(" = ")[0].removeprefix("σ(").removesuffix(")").split(" + ")
    assert len(parts) == 3
    total = sum(html_number(part) for part in parts)
    pre = v.preact_x[0, 2, 1] + v.preact_h[0, 2, 1] + v.preact_c[0, 2, 1]
    assert total == pytest.approx(pre, rel=1e-3, abs=1e-4)
    assert len(cell_equations("peephole")) == 6


@pytest.mark.parametrize("task", TASK_NAMES)
def test_trains_on_every_task(task):
    cfg = TaskConfig(name=task, seq_len=40, **({"period": 10} if task == "spikes" else {}))
    model = ModelConfig(cell="peephole", hidden_size=8, embedding_dim=8 if task in TOKEN_TASKS else 0)
    lab = make_lab(model, cfg, TrainConfig(batch_size=8, probe_every=3), DATA.get(task))
    before = {n: p.detach().clone() for n, p in lab.model.named_parameters()}
    stats = list(lab.trainer.run(3))
    assert all(np.isfinite(s.loss) for s in stats) and lab.trainer.diverged is None
    moved = {n for n, p in lab.model.named_parameters() if not torch.equal(p, before[n])}
    assert {"rnn.weight_ci_l0", "rnn.weight_cf_l0", "rnn.weight_co_l0"} <= moved  # the peepholes learn
    assert stats[-1].hidden_grad_norms is not None and "0/f" in stats[-1].sigma_max


def test_module_rejects_time_major_input():
    with pytest.raises(ValueError, match="batch_first"):
        PeepholeLSTM(1, 2, batch_first=False)
