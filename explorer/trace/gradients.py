"""Gradients through time: per-step ‖∂L/∂h_t‖ by hand-written BPTT, Jacobian products, parameter
gradient norms, clipping, and the spectrum of W_hh."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import Tensor

from ..models.recurrent import RecurrentModel
from .record import Trace, unroll

LossFn = Callable[[Tensor], Tensor]  # outputs (B, T, O) -> scalar loss


def _tb(a: np.ndarray) -> Tensor:
    """(B, T, ...) numpy -> (T, B, ...) contiguous tensor."""
    return torch.from_numpy(np.ascontiguousarray(np.swapaxes(a, 0, 1)))


def _prev(a: Tensor) -> Tensor:
    """(T, B, ·) -> the value at t − 1 for each t (zeros at the first step)."""
    return torch.cat([torch.zeros_like(a[:1]), a[:-1]])


def _next(a: Tensor) -> Tensor:
    """(T, B, ·) -> the value at t + 1 for each t (zeros at the last step)."""
    return torch.cat([a[1:], torch.zeros_like(a[:1])])


def local_derivatives(trace: Trace, layer: int, nonlinearity: str = "tanh") -> dict[str, Tensor]:
    """The per-step factors of one layer's backward pass, each (T, B, ·), computed once for all t.

    With a_t the gate pre-activations (G·H) and dh_t, dc_t the total derivatives at step t:
      RNN : da_t = dh_t ⊙ φ'(a_t)
      LSTM: da_t = [dc_t, dc_t, dc_t, dh_t] ⊙ [g·i(1−i), c_{t−1}·f(1−f), i(1−g²), tanh(c_t)·o(1−o)]
            dc_t = dh_t ⊙ o(1 − tanh² c_t) + dc_{t+1} ⊙ f_{t+1}
      GRU : da_t = [dh_t, dh_t, dh_t] ⊙ [K·hn·r(1−r), (h_{t−1} − n)·z(1−z), K],  K = (1−z)(1−n²),
            hn = W_hn h_{t−1} + b_hn; into h_{t−1} the n block flows through r: K·r
    and then ∂L/∂h_{t−1} = direct_{t−1} + da_t W_hh (GRU: + dh_t ⊙ z_t, with the n block of da_t times r).
    """
    h = _tb(trace.hidden[layer])  # (T, B, H)
    if trace.cell_type == "rnn":
        return {"da": 1.0 - h * h if nonlinearity == "tanh" else (h > 0).to(h.dtype)}
    gates = {k: _tb(v[layer]) for k, v in trace.gates.items()}
    if trace.cell_type == "lstm":
        i, f, g, o = (gates[k] for k in "ifgo")
        c = _tb(trace.cell[layer])
        tc = torch.tanh(c)
        da = torch.cat([g * i * (1 - i), _prev(c) * f * (1 - f), i * (1 - g * g), tc * o * (1 - o)], -1)
        return {"da": da, "dc_dh": o * (1 - tc * tc), "f_next": _next(f)}
    r, z, n = (gates[k] for k in "rzn")
    hn = _tb(np.split(trace.preact_h[layer], 3, axis=-1)[2])
    k = (1 - z) * (1 - n * n)
    a_r, a_z = k * hn * r * (1 - r), (_prev(h) - n) * z * (1 - z)
    return {"da": torch.cat([a_r, a_z, k], -1), "da_hh_next": _next(torch.cat([a_r, a_z, k * r], -1)), "z_next": _next(z)}


def backward_layer(cell: str, w_hh: Tensor, d: dict[str, Tensor], direct: Tensor, dh: Tensor) -> Tensor:
    """Backpropagate through time in one layer, from t = T down to 1.

    direct (T, B, H): ∂L/∂h_t through everything but this layer's recurrence (the head, the layer above).
    d: `local_derivatives` of the layer. dh (T + 1, B, H), zeros: receives the total ∂L/∂h_t at t < T
    (dh[T] stays 0: nothing flows back from beyond the sequence). Returns ∂L/∂a_t (T, B, G·H), a_t the
    gate pre-activations, so that ∂L/∂x_t = ∂L/∂a_t W_ih.
    """
    t_len, b, _ = direct.shape
    da_all = direct.new_zeros(t_len + 1, b, d["da"].shape[-1])  # da[T] = 0 likewise
    # Per-step views, made once: indexing a tensor inside the loop costs as much as a small op.
    da, dh_t, direct_t = da_all.unbind(0), dh.unbind(0), direct.unbind(0)
    ds = {k: v.unbind(0) for k, v in d.items()}
    dc = torch.zeros_like(direct[0])  # LSTM: total ∂L/∂c_t, carried from t + 1
    if cell == "lstm":
        return _backward_lstm(w_hh, d, direct_t, dh, da_all, dc)
    for t in reversed(range(t_len)):
        if cell == "gru":
            via_z = torch.addcmul(direct_t[t], dh_t[t + 1], ds["z_next"][t])
            torch.addmm(via_z, dh_t[t + 1].repeat(1, 3) * ds["da_hh_next"][t], w_hh, out=dh_t[t])
            torch.mul(dh_t[t].repeat(1, 3), ds["da"][t], out=da[t])
            continue
        torch.addmm(direct_t[t], da[t + 1], w_hh, out=dh_t[t])
        torch.mul(dh_t[t], ds["da"][t], out=da[t])
    return da_all[:-1]


def _backward_lstm(w_hh: Tensor, d: dict[str, Tensor], direct_t: tuple[Tensor, ...], dh: Tensor, da_all: Tensor,
                   dc: Tensor) -> Tensor:
    """`backward_layer` for the LSTM: the same arithmetic, written for speed (this loop is most of the probe's
    cost, and each torch call costs more than its arithmetic): every per-step view made before the loop, ∂L/∂c_t
    updated in place, ∂L/∂a_t written block by block into its buffer (no concatenation, no temporaries)."""
    t_len, h = len(direct_t), dh.shape[-1]
    da, dh_t = da_all.unbind(0), dh.unbind(0)
    blocks = da_all.unflatten(-1, (4, h))        # (T + 1, B, 4, H): the i, f, g, o blocks of ∂L/∂a_t
    local = d["da"].unflatten(-1, (4, h))        # (T, B, 4, H): their local derivatives
    da_ifg, da_o = blocks[:, :, :3].unbind(0), blocks[:, :, 3].unbind(0)
    d_ifg, d_o = local[:, :, :3].unbind(0), local[:, :, 3].unbind(0)
    f_next, dc_dh = d["f_next"].unbind(0), d["dc_dh"].unbind(0)
    dc3 = dc.unsqueeze(1)  # (B, 1, H): a view of dc, which is updated in place
    for t in reversed(range(t_len)):
        torch.addmm(direct_t[t], da[t + 1], w_hh, out=dh_t[t])
        dc.mul_(f_next[t]).addcmul_(dh_t[t], dc_dh[t])  # dc_t = dc_{t+1} ⊙ f_{t+1} + dh_t ⊙ o(1 − tanh² c_t)
        torch.mul(d_ifg[t], dc3, out=da_ifg[t])          # i, f, g blocks: dc_t times their local derivative
        torch.mul(d_o[t], dh_t[t], out=da_o[t])           # o block: dh_t times its local derivative
    return da_all[:-1]


@torch.no_grad()
def bptt(model: RecurrentModel, trace: Trace, top_grad: Tensor | np.ndarray) -> np.ndarray:
    """Total derivatives ∂L/∂h_t of every layer, (L, B, T, H), given the direct ones of the top layer.

    `top_grad` (B, T, H) is ∂L/∂h_t of the top layer through the head only; the result adds every path
    through later time steps and, for lower layers, through the layers above.
    """
    cfg = model.cfg
    direct = torch.as_tensor(top_grad, dtype=torch.float32).transpose(0, 1).contiguous()  # (T, B, H)
    t_len, b, h = direct.shape
    dh = direct.new_zeros(cfg.num_layers, t_len + 1, b, h)
    for l in reversed(range(cfg.num_layers)):
        w = model.recurrent_weights(l)
        da = backward_layer(cfg.cell, w["weight_hh"], local_derivatives(trace, l, cfg.nonlinearity), direct, dh[l])
        direct = da @ w["weight_ih"]  # (T, B, I): ∂L/∂(this layer's input) = the direct grad of the layer below
    return dh[:, :-1].transpose(1, 2).numpy()


def top_layer_grad(model: RecurrentModel, trace: Trace, loss_fn: LossFn) -> tuple[float, Tensor]:
    """The loss and ∂L/∂h_t of the top layer through the head alone, (B, T, H)."""
    h_top = torch.from_numpy(trace.hidden[-1]).requires_grad_(True)
    with torch.enable_grad():
        loss = loss_fn(model.head(h_top))
        (grad,) = torch.autograd.grad(loss, h_top)
    return loss.item(), grad


def hidden_grads(model: RecurrentModel, x: Tensor, loss_fn: LossFn) -> tuple[Trace, np.ndarray]:
    """The trace of x and the total ∂L/∂h_t of every layer, (L, B, T, H) (eval mode: no dropout)."""
    trace = unroll(model, x)
    _, grad = top_layer_grad(model, trace, loss_fn)
    return trace, bptt(model, trace, grad)


def hidden_grad_norms(model: RecurrentModel, x: Tensor, loss_fn: LossFn) -> np.ndarray:
    """(L, T): entry [l, t] is the Frobenius norm over batch and units of the total ∂L/∂h_t of layer l."""
    _, grads = hidden_grads(model, x, loss_fn)
    return np.sqrt((grads.astype(np.float64) ** 2).sum(axis=(1, 3)))


@torch.no_grad()
def jacobian_norms(model: RecurrentModel, trace: Trace, layer: int = 0, sample: int = 0) -> np.ndarray:
    """(T,): the spectral norm of ∂h_T/∂h_t within one layer, for one sample (the last entry is 1).

    Backpropagates the H rows of the identity from t = T with the same backward pass as `bptt`.
    """
    cfg = model.cfg
    h = cfg.hidden_size
    d = local_derivatives(trace, layer, cfg.nonlinearity)
    d = {k: v[:, sample : sample + 1].expand(-1, h, -1) for k, v in d.items()}  # (T, H, ·): H rows, one sample
    t_len = trace.hidden.shape[2]
    seed = torch.zeros(t_len, h, h)
    seed[-1] = torch.eye(h)  # row k of the result at t: ∂h_T[k]/∂h_t
    mats = torch.zeros(t_len + 1, h, h)
    backward_layer(cfg.cell, model.recurrent_weights(layer)["weight_hh"], d, seed, mats)
    return torch.linalg.matrix_norm(mats[:-1].double(), ord=2).numpy()


def param_grad_norms(model: torch.nn.Module) -> dict[str, float]:
    """‖∂L/∂θ‖ of every parameter that has a gradient, by name (e.g. "rnn.weight_hh_l0", "head.bias")."""
    named = [(n, p.grad) for n, p in model.named_parameters() if p.grad is not None]
    if not named:
        return {}
    norms = torch.stack(torch._foreach_norm([g for _, g in named])).tolist()  # one call, one sync
    return dict(zip([n for n, _ in named], norms))


@dataclass(frozen=True)
class ClipResult:
    norm_before: float                  # global L2 norm of all gradients before clipping
    norm_after: float                   # the same after clipping
    clipped: bool                       # whether clipping changed anything
    param_norms: dict[str, float]       # per-parameter norms before clipping


def clip_gradients(model: torch.nn.Module, mode: str, threshold: float) -> ClipResult:
    """Clip the gradients in place: "none", "norm" (g ← g·θ/‖g‖ when ‖g‖ > θ, as clip_grad_norm_) or
    "value" (each entry to [−θ, θ]). Non-finite gradients are left alone."""
    if mode not in ("none", "norm", "value"):
        raise ValueError(f"clip mode must be none, norm or value; got {mode!r}")
    param_norms = param_grad_norms(model)
    before = math.sqrt(math.fsum(n * n for n in param_norms.values()))
    params = [p for p in model.parameters() if p.grad is not None]
    grads = [p.grad for p in params]
    if mode == "none" or not math.isfinite(before):
        return ClipResult(before, before, False, param_norms)
    if mode == "norm":
        coef = threshold / (before + 1e-6)  # the same coefficient as torch.nn.utils.clip_grad_norm_
        if coef >= 1.0:
            return ClipResult(before, before, False, param_norms)
        torch._foreach_mul_(grads, coef)
        return ClipResult(before, before * coef, True, param_norms)
    clipped = any(g.abs().max().item() > threshold for g in grads)
    torch.nn.utils.clip_grad_value_(params, threshold)
    after = torch.nn.utils.get_total_norm(grads).item() if clipped else before
    return ClipResult(before, after, clipped, param_norms)


@dataclass(frozen=True)
class Spectrum:
    layer: int
    gate: str                 # "h" for a vanilla RNN, else the LSTM/GRU gate of this W_hh block
    sigma_max: float          # largest singular value of the block
    eigenvalues: np.ndarray   # (H,) complex
    @property
    def spectral_radius(self) -> float:
        return float(np.abs(self.eigenvalues).max())


@torch.no_grad()
def whh_spectra(model: RecurrentModel) -> list[Spectrum]:
    """σ_max and eigenvalues of each H×H block of W_hh, per layer and gate."""
    cfg = model.cfg
    out = []
    for l in range(cfg.num_layers):
        blocks = model.recurrent_weights(l)["weight_hh"].detach().double().reshape(len(cfg.gate_names), cfg.hidden_size, -1)
        sigmas = torch.linalg.matrix_norm(blocks, ord=2).tolist()
        eigs = torch.linalg.eigvals(blocks).numpy()
        out += [Spectrum(l, g, s, e) for g, s, e in zip(cfg.gate_names, sigmas, eigs)]
    return out
