"""The numpy networks (explorer.scratch) against independent computations: PyTorch's fused nn.RNN/LSTM/GRU for the
forward pass (float64, ≤ 1e-10), torch autograd for the hand-written backward pass (≤ 1e-8), central differences,
and plain-Python references for the cells PyTorch does not have (textbook GRU, peephole LSTM)."""
from __future__ import annotations

import ast
import inspect
import textwrap
import types

import numpy as np
import pytest
import torch
from reference import autograd_hidden_grads
from scratch_reference import peephole_lstm, textbook_gru
from torch import nn

from explorer import ModelConfig, TaskConfig, build_model, scratch
from explorer.data.tasks import make_task
from explorer.scratch import gru, gru_textbook, lstm, peephole, rnn, verify
from explorer.scratch.gradcheck import entry_relative_errors, numeric_grads, relative_error
from explorer.scratch.loop import cross_entropy_loss, mse_loss
from explorer.scratch.net import Net
from explorer.scratch.train import batch_arrays

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def torch_model(cell="lstm", nonlinearity="tanh", layers=2, hidden=5, inputs=3, outputs=2, seed=0):
    cfg = ModelConfig(cell=cell, nonlinearity=nonlinearity, num_layers=layers, hidden_size=hidden, input_size=inputs,
                      output_size=outputs, seed=seed)
    return build_model(cfg).double().eval()


def data(b=3, t=6, i=3, o=2, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((b, t, i)), rng.standard_normal((b, t, o))


def random_params(cell, hidden=3, inputs=2, outputs=2, layers=2, peep_shape="diagonal", seed=0):
    """Weights keyed like model.named_parameters(), drawn at a scale where every gate is far from saturating."""
    rng = np.random.default_rng(seed)
    g = {"rnn": 1, "lstm": 4, "gru": 3, "peephole": 4}[cell] * hidden
    p = {}
    for l in range(layers):
        n_in = inputs if l == 0 else hidden
        p |= {f"rnn.weight_ih_l{l}": rng.normal(0, 0.6, (g, n_in)), f"rnn.weight_hh_l{l}": rng.normal(0, 0.6, (g, hidden)),
              f"rnn.bias_ih_l{l}": rng.normal(0, 0.6, g), f"rnn.bias_hh_l{l}": rng.normal(0, 0.6, g)}
        if cell == "peephole":
            shape = (hidden, hidden) if peep_shape == "full" else (hidden,)
            p |= {f"rnn.weight_c{k}_l{l}": rng.normal(0, 0.6, shape) for k in "ifo"}
    return p | {"head.weight": rng.normal(0, 0.6, (outputs, hidden)), "head.bias": rng.normal(0, 0.6, outputs)}


VARIANTS = {  # name -> (cell, Net kwargs, peephole shape)
    "rnn-tanh": ("rnn", {}, None), "rnn-relu": ("rnn", {"nonlinearity": "relu"}, None), "lstm": ("lstm", {}, None),
    "gru": ("gru", {}, None), "gru-textbook": ("gru", {"gru_form": "textbook"}, None),
    "peephole": ("peephole", {}, "diagonal"), "peephole-full": ("peephole", {}, "full"),
}


def variant_net(name: str, **kw) -> Net:
    cell, net_kw, peep = VARIANTS[name]
    return Net(random_params(cell, peep_shape=peep, **kw), cell, **net_kw)


# --- the public API, exactly as issue 10 writes it ------------------------------------------------------------

@pytest.mark.parametrize("cell,nl", CELLS)
def test_public_api_shapes_and_keys(cell, nl):
    model = torch_model(cell, nl, layers=2, hidden=5, inputs=3, outputs=2)
    net = scratch.from_torch(model)
    x, d_out = data(b=4, t=7)
    cache = net.forward(x)
    assert cache.outputs.shape == (4, 7, 2) and cache.hidden.shape == (2, 4, 7, 5)
    grads, dh = net.backward(cache, d_out)
    assert list(grads) == [name for name, _ in model.named_parameters()]
    assert all(grads[name].shape == tuple(p.shape) for name, p in model.named_parameters())
    assert dh.shape == (2, 4, 7, 5)
    assert all(w.dtype == np.float64 for w in net.params.values())


# --- forward: the fused PyTorch modules --------------------------------------------------------------------------

@pytest.mark.parametrize("cell,nl", CELLS)
@pytest.mark.parametrize("layers", [1, 3])
def test_forward_equals_the_torch_model(cell, nl, layers):
    model = torch_model(cell, nl, layers=layers, hidden=6, inputs=3, outputs=2, seed=layers)
    x, _ = data(b=3, t=9)
    cache = scratch.from_torch(model).forward(x)
    with torch.no_grad():
        hs, last = model.rnn(torch.from_numpy(x))
        out = model.head(hs)
    h_n, c_n = last if cell == "lstm" else (last, None)
    np.testing.assert_allclose(cache.outputs, out.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(cache.hidden[-1], hs.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(cache.hidden[:, :, -1], h_n.numpy(), rtol=0, atol=1e-10)  # every layer's last h
    if c_n is not None:
        np.testing.assert_allclose(cache.cell[:, :, -1], c_n.numpy(), rtol=0, atol=1e-10)


def test_forward_of_a_trained_float32_model():
    """The app trains in float32: the numpy copy reproduces it (as float64, from the same float32 weights)."""
    model = build_model(ModelConfig(cell="gru", hidden_size=8, input_size=2, output_size=1))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    x = torch.randn(4, 10, 2, generator=torch.Generator().manual_seed(0))
    for _ in range(20):
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        opt.step()
    cache = scratch.from_torch(model).forward(x.numpy())
    with torch.no_grad():
        np.testing.assert_allclose(cache.outputs, model.double()(x.double()).numpy(), rtol=0, atol=1e-10)


# --- backward: autograd ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell,nl", CELLS)
@pytest.mark.parametrize("layers", [1, 2])
def test_backward_equals_autograd_through_the_torch_model(cell, nl, layers):
    model = torch_model(cell, nl, layers=layers, hidden=5, inputs=3, outputs=2, seed=10 + layers)
    x, d_out = data(b=3, t=8, seed=layers)
    net = scratch.from_torch(model)
    grads, dh = net.backward(net.forward(x), d_out)
    (model(torch.from_numpy(x)) * torch.from_numpy(d_out)).sum().backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=1e-8, atol=1e-12, err_msg=name)
    torch.set_default_dtype(torch.float64)  # the shared reference builds its zero states in the default dtype
    try:
        want = autograd_hidden_grads(model, torch.from_numpy(x), lambda out: (out * torch.from_numpy(d_out)).sum())
    finally:
        torch.set_default_dtype(torch.float32)
    np.testing.assert_allclose(dh, want.numpy(), rtol=1e-8, atol=1e-12)


def test_lstm_cell_gradient_equals_autograd():
    """∂L/∂c_t of every step: autograd through torch.lstm_cell (verify.autograd) against the hand-written dc."""
    model = torch_model("lstm", layers=2, hidden=4, seed=3)
    x, d_out = data(b=2, t=7, seed=3)
    net = scratch.from_torch(model)
    back = net.backward_full(net.forward(x), d_out)
    auto = verify.autograd(net, x, d_out)
    np.testing.assert_allclose(back.dc, auto.dc, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(back.dh, auto.dh, rtol=1e-8, atol=1e-12)


# --- the cells PyTorch does not have -----------------------------------------------------------------------------

def test_textbook_gru_forward_equals_the_plain_python_reference():
    net = variant_net("gru-textbook", layers=1)
    x, _ = data(b=1, t=6, i=2)
    want = textbook_gru(net.layer(0), x[0].tolist())
    np.testing.assert_allclose(net.forward(x).hidden[0, 0], want, rtol=0, atol=1e-12)


@pytest.mark.parametrize("peep", ["peephole", "peephole-full"])
def test_peephole_forward_equals_the_plain_python_reference(peep):
    net = variant_net(peep, layers=1)
    x, _ = data(b=1, t=6, i=2)
    hs, cs = peephole_lstm(net.layer(0), x[0].tolist())
    cache = net.forward(x)
    np.testing.assert_allclose(cache.hidden[0, 0], hs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(cache.cell[0, 0], cs, rtol=0, atol=1e-12)


def test_the_two_gru_forms_differ_and_agree_only_where_they_must():
    """Same weights: with b_hn = 0 both forms give the same h_1 (h_0 = 0 kills W_hn h either way), and they part
    from t = 2 on; with b_hn ≠ 0 they differ at t = 1 already (PyTorch multiplies b_hn by r)."""
    params = random_params("gru", hidden=3, layers=1)
    x, _ = data(b=2, t=5, i=2)
    pytorch, textbook = (Net(params, "gru", gru_form=f).forward(x).hidden[0] for f in ("pytorch", "textbook"))
    assert np.abs(pytorch[:, 0] - textbook[:, 0]).max() > 1e-3
    params["rnn.bias_hh_l0"][6:] = 0.0  # b_hn
    pytorch, textbook = (Net(params, "gru", gru_form=f).forward(x).hidden[0] for f in ("pytorch", "textbook"))
    np.testing.assert_allclose(pytorch[:, 0], textbook[:, 0], rtol=0, atol=1e-15)
    assert np.abs(pytorch[:, 1] - textbook[:, 1]).max() > 1e-3


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_variant_backward_equals_autograd_and_central_differences(variant):
    net = variant_net(variant, layers=2)
    x, y = data(b=2, t=5, i=2)
    mask = np.array([[True, False, True, True, True], [False, True, True, False, True]])
    rows = verify.check_table(net, x, lambda out: mse_loss(out, y, mask))
    for row in rows:
        assert row.vs_autograd <= 1e-10, row
        assert row.vs_numeric is None or row.vs_numeric <= 1e-6, row
    back = net.backward_full(net.forward(x), mse_loss(net.forward(x).outputs, y, mask)[1])
    auto = verify.autograd(net, x, mse_loss(net.forward(x).outputs, y, mask)[1])
    if back.dc is not None:
        np.testing.assert_allclose(back.dc, auto.dc, rtol=1e-8, atol=1e-13)


def _negated(fn, k: int):
    """fn with the value of its k-th computing assignment negated (a wrong sign in one line)."""
    src = textwrap.dedent(inspect.getsource(fn))
    tree = ast.parse(src)
    node = _computing_lines(fn)[k]
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.Assign) and stmt.lineno == node.lineno:
            stmt.value = ast.UnaryOp(op=ast.USub(), operand=stmt.value)
    code = compile(ast.fix_missing_locations(tree), inspect.getsourcefile(fn), "exec")
    namespace = dict(fn.__globals__)
    exec(code, namespace)
    return namespace[fn.__name__]


def _computing_lines(fn) -> list[ast.Assign]:
    """The assignments of fn's body that compute one array (not those that read a dict or unpack several)."""
    body = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0].body
    return [s for s in body if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name)
            and not isinstance(s.value, ast.Subscript)]


MUTANTS = [(v, m, k) for v, m in [("rnn-tanh", rnn), ("rnn-relu", rnn), ("lstm", lstm), ("gru", gru),
                                  ("gru-textbook", gru_textbook), ("peephole", peephole), ("peephole-full", peephole)]
           for k in range(len(_computing_lines(m.step_backward)))]


@pytest.mark.parametrize("variant,module,k", MUTANTS,
                         ids=[f"{v}-line{k}" for v, _, k in MUTANTS])
def test_a_wrong_sign_in_any_backward_line_is_caught(monkeypatch, variant, module, k):
    """Flip the sign of one line of a step_backward: the check (central differences, autograd) must fail."""
    net = variant_net(variant, layers=2)
    x, y = data(b=2, t=4, i=2)
    mask = np.ones((2, 4), bool)
    monkeypatch.setattr(module, "step_backward", _negated(module.step_backward, k))
    rows = verify.check_table(net, x, lambda out: mse_loss(out, y, mask))
    worst = max(max(r.vs_autograd, r.vs_numeric or 0.0) for r in rows)
    assert worst > 1e-3, f"line {k} negated and still every gradient agrees: {rows}"


# --- numeric gradient check ----------------------------------------------------------------------------------------

def test_numeric_grads_restore_the_weights_and_sample_entries():
    net = variant_net("lstm", layers=1)
    before = net.state_dict()
    x, y = data(b=1, t=3, i=2)
    mask = np.ones((1, 3), bool)
    num = numeric_grads(net, x, lambda out: mse_loss(out, y, mask), max_entries=5, seed=3)
    assert all(np.array_equal(net.params[n], before[n]) for n in before)
    assert all(len(g.index) == min(5, net.params[n].size) for n, g in num.items())
    assert len(set(num["rnn.weight_hh_l0"].index)) == 5


def test_relative_errors():
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([2.0]), np.array([1.0])) == pytest.approx(0.5)
    np.testing.assert_allclose(entry_relative_errors([1.0, 0.0, 1.0], [1.0, 0.0, 3.0]), [0.0, 0.0, 0.5])
    assert entry_relative_errors([1.0], [-1.0])[0] == np.inf  # |a + n| = 0 but a ≠ n
    assert np.isnan(relative_error(np.array([np.nan, 1.0]), np.array([np.nan, 1.0])))  # NaN agrees with nothing


# --- losses against the app's tasks -------------------------------------------------------------------------------

@pytest.mark.parametrize("task_name", ["sine", "adding", "copy", "order"])
def test_losses_equal_the_tasks_loss_and_its_autograd(task_name):
    task = make_task(TaskConfig(name=task_name, seq_len=6, seed=1))
    batch = task.batch(5, seed=2)
    x, y, mask = batch_arrays(batch)
    out = np.random.default_rng(0).standard_normal((*mask.shape, task.output_size))
    fn = mse_loss if task.kind == "regression" else cross_entropy_loss
    loss, d_out = fn(out, y, mask)
    out_t = torch.tensor(out, requires_grad=True)
    batch.y = batch.y.double() if task.kind == "regression" else batch.y
    want = task.loss(out_t, batch)
    want.backward()
    assert loss == pytest.approx(want.item(), rel=1e-12)
    np.testing.assert_allclose(d_out, out_t.grad.numpy(), rtol=1e-10, atol=1e-15)


# --- weights both ways ----------------------------------------------------------------------------------------------

def test_to_torch_writes_the_numpy_weights_into_the_model():
    model = build_model(ModelConfig(cell="lstm", hidden_size=4, input_size=2, output_size=1, num_layers=2))
    net = scratch.from_torch(model)
    for w in net.params.values():
        w += 0.25
    assert scratch.to_torch(net, model) is model
    for name, p in model.named_parameters():
        assert p.dtype == torch.float32
        np.testing.assert_allclose(p.detach().numpy(), net.params[name], rtol=0, atol=1e-7)
    x = np.random.default_rng(0).standard_normal((2, 5, 2))
    with torch.no_grad():
        np.testing.assert_allclose(model(torch.from_numpy(x).float()).numpy(), net.forward(x).outputs, atol=1e-5)


def test_to_torch_refuses_a_mismatch_and_leaves_the_model_alone():
    model = build_model(ModelConfig(cell="gru", hidden_size=4))
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    with pytest.raises(ValueError, match="differ by name"):
        scratch.to_torch(Net(random_params("gru", hidden=4, inputs=1, outputs=1, layers=2), "gru"), model)
    other = Net(random_params("gru", hidden=3, inputs=1, outputs=1, layers=1), "gru")
    with pytest.raises(ValueError, match="shape"):
        scratch.to_torch(other, model)
    assert all(torch.equal(before[n], p) for n, p in model.named_parameters())


class _PeepholeModel(nn.Module):
    """Stands in for the models helper's peephole module until it lands: the agreed names and shapes
    (INTERFACES.md), a cfg with cell = "peephole"."""

    def __init__(self, params: dict[str, np.ndarray]):
        super().__init__()
        self.cfg = types.SimpleNamespace(cell="peephole", nonlinearity="tanh", bidirectional=False)
        self.rnn, self.head = nn.Module(), nn.Module()
        for name, w in params.items():
            module, local = name.split(".")
            getattr(self, module).register_parameter(local, nn.Parameter(torch.tensor(w, dtype=torch.float32)))


def test_from_torch_takes_a_peephole_model_by_the_agreed_names():
    params = random_params("peephole", hidden=3, inputs=2, outputs=1, layers=2)
    model = _PeepholeModel(params)
    assert [n for n, _ in model.named_parameters()][4:7] == ["rnn.weight_ci_l0", "rnn.weight_cf_l0", "rnn.weight_co_l0"]
    net = scratch.from_torch(model)
    assert net.cell == "peephole" and net.num_layers == 2 and list(net.params) == list(params)
    x, _ = data(b=1, t=5, i=2)
    hs, _ = peephole_lstm(net.layer(0), x[0].tolist())
    np.testing.assert_allclose(net.forward(x).hidden[0, 0], hs, atol=1e-12)
    for w in net.params.values():
        w *= 0.5
    scratch.to_torch(net, model)
    np.testing.assert_allclose(model.rnn.weight_co_l1.detach().numpy(), net.params["rnn.weight_co_l1"], atol=1e-7)


def test_unsupported_models_and_bad_weights_are_clear_errors():
    model = _PeepholeModel(random_params("peephole", layers=1))
    model.cfg.bidirectional = True
    with pytest.raises(ValueError, match="this model is bidirectional"):
        scratch.from_torch(model)
    params = random_params("lstm", layers=1) | {"rnn.weight_ih_l0_reverse": np.zeros((12, 2))}
    with pytest.raises(ValueError, match="bidirectional"):
        Net(params, "lstm")
    with pytest.raises(ValueError, match="rnn.weight_hh_l0 must have shape"):
        Net(random_params("lstm", layers=1) | {"rnn.weight_hh_l0": np.zeros((12, 2))}, "lstm")
    with pytest.raises(ValueError, match="missing weight rnn.weight_cf_l0"):
        Net({k: v for k, v in random_params("peephole", layers=1).items() if "cf" not in k}, "peephole")
    with pytest.raises(ValueError, match="cell must be one of"):
        Net(random_params("lstm", layers=1), "transformer")
    net = variant_net("lstm", layers=1)
    with pytest.raises(ValueError, match=r"x must have shape \(B, T, 2\)"):
        net.forward(np.zeros((1, 3, 5)))
    with pytest.raises(ValueError, match="d_out must have"):
        net.backward(net.forward(np.zeros((1, 3, 2))), np.zeros((1, 2, 2)))


def test_scratch_core_uses_numpy_only():
    """The networks, loops, optimisers and checks by central differences are numpy: only the conversion, the
    autograd check and the page helpers may import torch."""
    from pathlib import Path
    core = ["functions", "rnn", "lstm", "gru", "gru_textbook", "peephole", "loop", "net", "optim", "gradcheck", "code"]
    folder = Path(scratch.__file__).parent
    for name in core:
        tree = ast.parse((folder / f"{name}.py").read_text())
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
        assert imported <= {"numpy", "__future__", "math", "re", "dataclasses", "functools", "typing", "ast",
                             "inspect", "textwrap"}, (name, imported)
