"""The Step-through page's two-chain and saliency payloads (explorer/views/step_twoway.py) against independent
computations: each chain's states against PyTorch's fused bidirectional modules (and the peephole module's own
forward), each chain's gradient against autograd, saliency against torch.autograd.functional.jacobian."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from bridge_views import arr

from explorer import ModelConfig, build_model
from explorer.config import TaskConfig
from explorer.data.tasks import make_task
from explorer.models.recurrent import pool_states
from explorer.trace.saliency import Saliency, saliency
from explorer.views import payload as wire
from explorer.views import step_twoway as tw
from explorer.views import stepview as sv
from explorer.views.style import NORMAL

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh"), ("peephole", "tanh")]



def bidirectional(task_name="neighbours", cell="lstm", nl="tanh", layers=1, hidden=6, seq_len=12, sample=2):
    task = make_task(TaskConfig(name=task_name, seq_len=seq_len))
    cfg = ModelConfig(cell=cell, nonlinearity=nl, input_size=task.input_size, hidden_size=hidden, num_layers=layers,
                      output_size=task.output_size, bidirectional=True, seed=4)
    model = build_model(cfg).eval()
    if cell == "peephole":  # peepholes start at 0: give them values so that their terms count
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "weight_c" in name:
                    p.uniform_(-1, 1, generator=torch.Generator().manual_seed(3))
    batch = sv.sample_batch(task, sample)
    return task, model, batch, sv.compute(model, task, batch)


def top_states(model, x) -> tuple[torch.Tensor, tuple]:
    """(T, 2H) the top layer's [h→_t; h←_t] and the final states, by the model's own fused module (no unroll)."""
    with torch.no_grad():
        out, state = model.rnn(x)
    return out[0], state


def fill(p: dict, i: int) -> str:
    return wire.fill(p["title"], {name: off + scale * i for name, (off, scale) in p["at"].items()})


@pytest.mark.parametrize("cell,nl", CELLS)
@pytest.mark.parametrize("reading", [True, False])
def test_each_chains_bars_are_the_fused_modules_states(cell, nl, reading):
    task, model, batch, data = bidirectional(cell=cell, nl=nl, layers=2)
    t_len, h = data.seq_len, model.cfg.hidden_size
    out, state = top_states(model, batch.x)  # layer 1 is the top
    for d in (0, 1):
        p = tw.chain_bars(data, 1, 2, nl, NORMAL, d, reading)
        json.dumps(p, allow_nan=False)
        assert p["units"] == list(range(h))
        labels = [r["label"] for r in p["rows"]]
        gates = {"rnn": [], "lstm": ["c", "i", "f", "g", "o"], "peephole": ["c", "i", "f", "g", "o"],
                 "gru": ["r", "z", "n"]}[cell]
        assert labels == [f"{name}{'→←'[d]}" for name in ["h", *gates]]
        flip = d == 1 and reading
        shown = arr(p["rows"][0]["values"])  # (T, H): position i
        want = out[:, d * h:(d + 1) * h].numpy()
        np.testing.assert_allclose(shown, want[::-1] if flip else want, atol=2e-5)
        for i in (0, 3, t_len - 1):  # the title names the chain's step at position i
            t = t_len - i if flip else i + 1
            assert fill(p, i).startswith(f"{('Forward chain →', 'Backward chain ←')[d]} at t = {t}:")
        if cell in ("lstm", "peephole"):  # c at the step where each chain ends: c_n of the fused module
            c = arr(p["rows"][1]["values"])
            end = t_len - 1 if d == 0 or flip else 0  # the clock position of the chain's last step
            np.testing.assert_allclose(c[end], state[1][2 + d, 0].numpy(), atol=2e-5)


def test_the_backward_chain_in_reading_order_starts_at_T_and_ends_at_1():
    task, model, batch, data = bidirectional(cell="gru", seq_len=14)
    out, h_n = top_states(model, batch.x)
    p = tw.chain_bars(data, 0, 0, "tanh", NORMAL, 1, True)
    shown = arr(p["rows"][0]["values"])
    h = model.cfg.hidden_size
    # the backward chain's first step is t = T (position 0), its last t = 1 (position T − 1) = its h_n
    np.testing.assert_allclose(shown[-1], h_n[1, 0].numpy(), atol=2e-5)
    np.testing.assert_allclose(shown[0], out[-1, h:].numpy(), atol=2e-5)


def step_fn(model, d: int):
    """One step of direction d of a one-layer model, from the cell's equations with torch's cells (an LSTM's
    peepholes written out): (x, (h, c)) -> (h, c). Independent of the unroll and of the hand-written BPTT."""
    cfg, sfx = model.cfg, ("", "_reverse")[d]
    w = {k: getattr(model.rnn, f"{k}_l0{sfx}") for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    if cfg.cell == "peephole":
        ci, cf, co = (getattr(model.rnn, f"weight_{k}_l0{sfx}") for k in ("ci", "cf", "co"))

        def peephole(x, state):
            h, c = state
            i, f, g, o = (x @ w["weight_ih"].T + w["bias_ih"] + h @ w["weight_hh"].T + w["bias_hh"]).chunk(4, -1)
            i, f = torch.sigmoid(i + ci * c), torch.sigmoid(f + cf * c)
            c = f * c + i * torch.tanh(g)
            return torch.sigmoid(o + co * c) * torch.tanh(c), c
        return peephole
    kw = {"nonlinearity": cfg.nonlinearity} if cfg.cell == "rnn" else {}
    cell = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[cfg.cell](
        cfg.input_size, cfg.hidden_size, **kw)
    cell.load_state_dict(w)
    if cfg.cell == "lstm":
        return lambda x, state: cell(x, state)
    return lambda x, state: (cell(x, state[0]), state[1])


def autograd_direction_norms(model, task, batch) -> np.ndarray:
    """(2, T): the total ‖∂L/∂h→_t‖ and ‖∂L/∂h←_t‖ of a one-layer bidirectional model by autograd: each chain
    run step by step with a zero δ_t added to h_t (which feeds both the output and the next step); ∂L/∂δ_t is
    the total gradient of h_t."""
    x = batch.x
    t_len, h_size = x.shape[1], model.cfg.hidden_size
    delta = torch.zeros(2, t_len, 1, h_size, requires_grad=True)
    chains = []
    for d, order in ((0, range(t_len)), (1, range(t_len - 1, -1, -1))):
        step, state, out = step_fn(model, d), (torch.zeros(1, h_size), torch.zeros(1, h_size)), {}
        for t in order:
            h, c = step(x[:, t], state)
            h = h + delta[d, t]
            state, out[t] = (h, c), h
        chains.append(torch.stack([out[t] for t in range(t_len)], 1))  # (1, T, H)
    hs = torch.cat(chains, -1)  # (1, T, 2H) = [h→_t; h←_t]
    loss = task.loss(model.head(pool_states(hs, None, model.cfg.pool)), batch)
    (grad,) = torch.autograd.grad(loss, delta)
    return grad.double().pow(2).sum((2, 3)).sqrt().numpy()


@pytest.mark.parametrize("cell,nl", CELLS)
@pytest.mark.parametrize("task_name", ["neighbours", "adding"])
def test_each_chains_gradient_is_autograds_and_travels_its_own_way(cell, nl, task_name):
    task, model, batch, data = bidirectional(task_name, cell=cell, nl=nl, layers=1)
    t_len = data.seq_len
    want = autograd_direction_norms(model, task, batch)  # (2, T)
    want = np.where(want > 0, want, np.nan)  # 0 is not drawn on the log axis
    p = tw.chain_gradients(data, 0, NORMAL)
    json.dumps(p, allow_nan=False)
    fwd, bwd = (arr(r["y"]).astype(np.float64) for r in p["reveal"])
    np.testing.assert_allclose(fwd, want[0], rtol=1e-3, atol=1e-9)
    np.testing.assert_allclose(bwd[::-1], want[1], rtol=1e-3, atol=1e-9)  # sent from t = T down
    figure_x = [arr(d["x"]) for d in p["figure"]["data"]]
    assert len(figure_x) == 2
    np.testing.assert_array_equal(figure_x[0], np.arange(1, t_len + 1))
    np.testing.assert_array_equal(figure_x[1], np.arange(t_len, 0, -1))
    # After b steps travelled, the browser shows the indices k ≥ from = T − 1 − b: t ≥ T − b forward, t ≤ b + 1
    # backward, and the cursors stand there.
    for b in (0, 4, t_len - 1):
        start = p["reveal"][0]["from"][0] + p["reveal"][0]["from"][1] * b
        shown = [set(figure_x[d][start:].tolist()) for d in (0, 1)]
        assert shown == [set(range(t_len - b, t_len + 1)), set(range(1, b + 2))]
        cursors = [o["x"][0] + o["x"][1] * b for o in p["overlays"]]
        assert cursors == [t_len - b, b + 1]


def jacobian_saliency(model, x: torch.Tensor, kind: str) -> np.ndarray:
    """(T, T) ‖∂ỹ_t/∂x_s‖ of one sample by torch.autograd.functional.jacobian (regression: every output;
    classification: the logit of the class predicted at t)."""
    with torch.no_grad():
        cls = model(x)[0].argmax(-1)  # (T,)

    def f(inp):
        out = model(inp[None])[0]  # (T, O)
        return out if kind == "regression" else out.gather(1, cls[:, None])

    jac = torch.autograd.functional.jacobian(f, x[0])  # (T, O, T, I)
    return jac.double().pow(2).sum((1, 3)).sqrt().numpy()


@pytest.mark.parametrize("task_name,cell,two_way", [("neighbours", "lstm", True), ("adding", "peephole", True),
                                                     ("order", "gru", True), ("copy", "rnn", False),
                                                     ("sine", "lstm", False)])
def test_saliency_view_is_autograds_jacobian(task_name, cell, two_way):
    task = make_task(TaskConfig(name=task_name, seq_len=12))
    cfg = ModelConfig(cell=cell, input_size=task.input_size, hidden_size=6, num_layers=2, bidirectional=two_way,
                      output_size=task.output_size, seed=1)
    model = build_model(cfg).eval()
    batch = sv.sample_batch(task, 1)
    data = sv.compute(model, task, batch)
    sal = saliency(model, batch.x, task.kind, trace=data.trace)
    t_len = data.seq_len
    p = tw.saliency_rows(sal, sal.per_sample[0], t_len, NORMAL, "saliency", log=False)
    json.dumps(p, allow_nan=False)
    heat = p["figure"]["data"][0]
    z, rows = arr(heat["z"]), arr(heat["y"])
    logged = tw.saliency_rows(sal, sal.per_sample[0], t_len, NORMAL, "saliency")["figure"]["data"][0]
    np.testing.assert_allclose(arr(logged["customdata"]), z)  # the hover's value
    np.testing.assert_allclose(arr(logged["z"]), np.where(z > 0, np.log10(np.where(z > 0, z, 1)), np.nan),
                               rtol=1e-5)  # the colour: log10, 0 blank
    assert logged["zmax"] == pytest.approx(np.log10(z.max()), abs=1e-5)
    assert logged["zmax"] - logged["zmin"] == pytest.approx(4)
    want = jacobian_saliency(model, batch.x, task.kind)
    np.testing.assert_array_equal(rows, np.arange(1, t_len + 1))
    np.testing.assert_allclose(z, want, rtol=1e-3, atol=1e-6)
    if not two_way:  # a one-way model cannot use later inputs
        assert np.all(np.triu(z, 1) == 0)
    else:
        assert np.triu(z, 1).max() > 0
    assert p["bands"][4] == [4.5, 5.5, 5.0]  # the row of step t = 5


def test_mean_saliency_is_the_mean_of_each_samples_jacobian():
    task = make_task(TaskConfig(name="neighbours", seq_len=12))
    cfg = ModelConfig(cell="lstm", input_size=1, hidden_size=5, bidirectional=True, output_size=1, seed=2)
    model = build_model(cfg).eval()
    b = task.batch(4, seed=9)
    sal = saliency(model, b.x, task.kind)
    p = tw.saliency_rows(sal, sal.mean, 12, NORMAL, "mean", log=False)
    heat = p["figure"]["data"][0]
    z = arr(heat["z"])
    want = np.mean([jacobian_saliency(model, b.x[k:k + 1], task.kind) for k in range(4)], axis=0)
    np.testing.assert_allclose(z, want, rtol=1e-3, atol=1e-6)


def test_row_bands_outline_the_nearest_kept_row():
    bands = tw.row_bands(np.array([0, 4, 9]), 10)  # rows of t = 1, 5, 10
    assert bands[0] == [0.5, 3.0, 1.0]
    assert bands[2] == [0.5, 3.0, 1.0]      # t = 3 is as near to t = 1 as to t = 5: the first wins
    assert bands[3] == [3.0, 7.5, 5.0]      # t = 4
    assert bands[9] == [7.5, 10.5, 10.0]
    assert tw.row_bands(np.array([], np.int64), 3) == [None] * 3


def test_saliency_of_a_diverged_model_is_blank_not_broken():
    sal = Saliency(np.arange(3), np.full((1, 3, 3), np.nan, np.float32))
    for log in (True, False):
        p = tw.saliency_rows(sal, sal.mean, 3, NORMAL, "diverged", log=log)
        json.dumps(p, allow_nan=False)
