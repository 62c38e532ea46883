"""The independent checks shown on screen and used by the tests: the same network differentiated by torch's
autograd (float64), and one table of every weight: hand BPTT against autograd and against central differences."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..config import ModelConfig
from ..models.recurrent import RecurrentModel, build_model
from .convert import to_torch
from .gradcheck import LossFn, numeric_grads, relative_error
from .net import Net

# When two gradients "agree" (relative_error, float64): autograd differs from the hand-written pass only by
# rounding (~1e-16 per operation); central differences carry an error of ~1e-10 over the gradient's size,
# more for a weight whose whole gradient is tiny, and a ReLU kink within δ of a pre-activation breaks them.
AUTOGRAD_TOL = 1e-8
NUMERIC_TOL = 1e-5
FORWARD_TOL = 1e-10  # numpy against torch, float64, the same weights: only the order of the sums differs


@dataclass(frozen=True)
class Autograd:
    grads: dict[str, np.ndarray]   # ∂L/∂θ keyed like net.params
    dh: np.ndarray                 # (L, B, T, H): total ∂L/∂h_t
    dc: np.ndarray | None          # (L, B, T, H): total ∂L/∂c_t (LSTM, peephole)


def _torch_step(net: Net, p: dict[str, torch.Tensor], x, h, c):
    """One step in torch: PyTorch's own cell kernels where it has the cell, else the equations in torch ops."""
    w = (p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"])
    if net.cell == "rnn":
        return (torch.rnn_tanh_cell if net.nonlinearity == "tanh" else torch.rnn_relu_cell)(x, h, *w), None
    if net.cell == "lstm":
        return torch.lstm_cell(x, (h, c), *w)
    if net.cell == "gru" and net.gru_form == "pytorch":
        return torch.gru_cell(x, h, *w), None
    if net.cell == "gru":  # the textbook form: r multiplies h before W_hn
        xr, xz, xn = (x @ p["weight_ih"].T + p["bias_ih"]).chunk(3, dim=1)
        (w_r, w_z, w_n), (b_r, b_z, b_n) = p["weight_hh"].chunk(3), p["bias_hh"].chunk(3)
        r = torch.sigmoid(xr + h @ w_r.T + b_r)
        z = torch.sigmoid(xz + h @ w_z.T + b_z)
        n = torch.tanh(xn + (r * h) @ w_n.T + b_n)
        return (1 - z) * n + z * h, None

    def peep(name, state):  # diagonal (H,) or full (H, H) peephole
        return state @ p[name].T if p[name].dim() == 2 else state * p[name]

    ai, af, ag, ao = (x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]).chunk(4, dim=1)
    c_new = torch.sigmoid(af + peep("weight_cf", c)) * c + torch.sigmoid(ai + peep("weight_ci", c)) * torch.tanh(ag)
    return torch.sigmoid(ao + peep("weight_co", c_new)) * torch.tanh(c_new), c_new


@dataclass(frozen=True)
class ForwardCheck:
    max_diff: float   # max |numpy − torch| over every output and every h_t
    reference: str    # what computed the torch side, e.g. "PyTorch's nn.LSTM (the app's model, in float64)"


def forward_check(net: Net, x: np.ndarray) -> ForwardCheck:
    """The numpy forward pass against the app's torch model with the same weights, in float64 (the fused
    nn.RNN/LSTM/GRU, or whatever module the app builds for the cell); for a cell the app does not build (the
    textbook GRU) against the same equations written in torch ops."""
    cache = net.forward(x)
    model = _app_model(net)
    if model is not None:
        with torch.no_grad():
            hs, _ = model.rnn(torch.from_numpy(cache.x))
            out = model.head(hs)
        module = type(model.rnn).__name__
        reference = (f"PyTorch's nn.{module}" if module in ("RNN", "LSTM", "GRU") else f"the app's {module} module") \
            + " (the app's model with these weights, in float64)"
    else:
        all_h, _ = _torch_states(net, x)
        hs = torch.stack(all_h[-1], 1)  # (B, T, H)
        out = hs @ torch.from_numpy(net.params["head.weight"]).T + torch.from_numpy(net.params["head.bias"])
        reference = "the same equations in torch operations (PyTorch has no such module)"
    diff = max(np.abs(out.numpy() - cache.outputs).max(), np.abs(hs.numpy() - cache.hidden[-1]).max())
    return ForwardCheck(float(diff), reference)


def _app_model(net: Net) -> RecurrentModel | None:
    """The app's torch model of this network, in float64 with its weights; None for a cell the app does not build
    (the textbook GRU; a peephole LSTM with full (H, H) peephole matrices: the app's are diagonal, (H,))."""
    if net.cell == "gru" and net.gru_form == "textbook":
        return None
    if net.cell == "peephole" and net.params["rnn.weight_ci_l0"].ndim == 2:
        return None
    try:
        cfg = ModelConfig(cell=net.cell, nonlinearity=net.nonlinearity, num_layers=net.num_layers,
                          hidden_size=net.hidden_size, input_size=net.input_size, output_size=net.output_size)
    except ValueError:
        return None
    return to_torch(net, build_model(cfg).double().eval())


def _torch_states(net: Net, x: np.ndarray, params: dict[str, torch.Tensor] | None = None):
    """h_t of every layer and step computed step by step in torch: ([layer][t] h (B, H), [layer][t] c or None)."""
    params = params or {name: torch.from_numpy(w) for name, w in net.params.items()}
    xs = torch.as_tensor(np.asarray(x, dtype=np.float64)).unbind(1)  # T × (B, I)
    b = xs[0].shape[0]
    all_h, all_c = [], []
    for l in range(net.num_layers):
        p = {k: params[f"rnn.{k}_l{l}"] for k in net.layer(l)}
        h = c = torch.zeros(b, net.hidden_size, dtype=torch.float64)
        row_h, row_c = [], []
        for x_t in xs:
            h, c = _torch_step(net, p, x_t, h, c)
            row_h.append(h)
            row_c.append(c)
        all_h.append(row_h)
        all_c.append(row_c)
        xs = row_h
    return all_h, all_c


def autograd(net: Net, x: np.ndarray, d_out: np.ndarray) -> Autograd:
    """The gradients of L = Σ outputs ⊙ d_out (so ∂L/∂outputs = d_out) by torch.autograd in float64."""
    params = {name: torch.tensor(w, requires_grad=True) for name, w in net.params.items()}
    all_h, all_c = _torch_states(net, x, params)
    outputs = torch.stack(all_h[-1], 1) @ params["head.weight"].T + params["head.bias"]  # (B, T, O)
    loss = (outputs * torch.as_tensor(np.asarray(d_out, dtype=np.float64))).sum()
    has_c = all_c[0][0] is not None
    states = [h for row in all_h for h in row] + ([c for row in all_c for c in row] if has_c else [])
    found = torch.autograd.grad(loss, [*params.values(), *states])
    grads = {name: g.numpy() for name, g in zip(params, found)}
    t_len, n_layers = len(all_h[0]), net.num_layers
    flat = [g.numpy() for g in found[len(params):]]

    def per_step(start: int) -> np.ndarray:  # (L, B, T, H)
        return np.stack([np.stack(flat[start + l * t_len: start + (l + 1) * t_len], axis=1) for l in range(n_layers)])

    return Autograd(grads, per_step(0), per_step(n_layers * t_len) if has_c else None)


@dataclass(frozen=True)
class CheckRow:
    name: str                 # the weight, as in model.named_parameters(); or "∂L/∂h_t (every step)"
    shape: tuple[int, ...]
    hand_norm: float          # ‖hand-written gradient‖
    vs_autograd: float        # relative_error(hand, autograd)
    vs_numeric: float | None  # relative_error(hand, central differences) on the entries checked; None for ∂L/∂h_t
    index: np.ndarray         # (k,) flat indices of the entries checked by central differences (none for ∂L/∂h_t)
    numeric: np.ndarray       # (k,) the central differences there
    hand: np.ndarray          # (k,) the hand-written gradient there

    @property
    def checked(self) -> int:
        return len(self.index)


def check_table(net: Net, x: np.ndarray, loss_fn: LossFn, max_entries: int | None = None,
                seed: int = 0) -> list[CheckRow]:
    """Every weight's hand-written gradient of loss_fn(outputs) against autograd and central differences, and
    the total ∂L/∂h_t of every step against autograd (last row)."""
    cache = net.forward(x)
    _, d_out = loss_fn(cache.outputs)
    grads, dh = net.backward(cache, d_out)
    auto = autograd(net, x, d_out)
    numeric = numeric_grads(net, x, loss_fn, max_entries, seed)
    rows = []
    for name, g in grads.items():
        index, values = numeric[name].index, numeric[name].numeric
        hand = g.reshape(-1)[index]
        rows.append(CheckRow(name, g.shape, float(np.linalg.norm(g)), relative_error(g, auto.grads[name]),
                             relative_error(hand, values), index, values, hand))
    none = np.zeros(0)
    rows.append(CheckRow("∂L/∂h_t (every step)", dh.shape, float(np.linalg.norm(dh)), relative_error(dh, auto.dh),
                         None, none.astype(int), none, none))
    return rows
