"""Gradients through time: per-step ‖∂L/∂h_t‖ by hand-written BPTT, Jacobian products, parameter
gradient norms, clipping, and the spectrum of W_hh."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import Tensor

from ..models.backward import backward_layer, gru_derivatives, lstm_derivatives, prev_step, rnn_derivatives
from ..models.recurrent import RecurrentModel
from .record import Trace, unroll

LossFn = Callable[[Tensor], Tensor]  # outputs (B, T, O) -> scalar loss


def _tb(a: np.ndarray, direction: int = 0) -> Tensor:
    """(B, T, ...) numpy -> (T, B, ...) contiguous tensor in the direction's order of processing (reversed in
    time for the backward direction)."""
    a = torch.from_numpy(np.ascontiguousarray(np.swapaxes(a, 0, 1)))
    return a.flip(0) if direction else a


def local_derivatives(trace: Trace, layer: int, nonlinearity: str = "tanh", direction: int = 0) -> dict[str, Tensor]:
    """The per-step factors of one layer's backward pass in one direction, each (T, B, ·), computed once for all t,
    in the direction's order of processing (for the backward direction index 0 is t = T). The formulas, per cell,
    are those of explorer.models.backward; `backward_layer` there runs the loop through time with them.
    """
    view = trace.view(layer, direction)
    h = _tb(view.hidden, direction)  # (T, B, H)
    gates = {k: _tb(v, direction) for k, v in view.gates.items()}
    if trace.cell_type == "rnn":
        d = rnn_derivatives(h, nonlinearity)
    elif trace.cell_type in ("lstm", "peephole"):
        c = _tb(view.cell, direction)
        d = lstm_derivatives(*(gates[k] for k in "ifgo"), c, prev_step(c), trace.cell_type == "peephole")
    else:
        hn = _tb(np.split(view.preact_h, 3, axis=-1)[2], direction)
        d = gru_derivatives(h, *(gates[k] for k in "rzn"), hn)
    if trace.lengths is not None:  # (T, B, 1): 1 on the real steps; the padding passes no derivative
        valid = torch.arange(h.shape[0])[:, None] < torch.from_numpy(trace.lengths)[None]
        d["valid"] = (valid.flip(0) if direction else valid).to(h.dtype)[..., None]
    return d


def _peepholes(w: dict[str, Tensor]) -> tuple[Tensor, Tensor, Tensor] | None:
    return (w["weight_ci"], w["weight_cf"], w["weight_co"]) if "weight_ci" in w else None


def backprop(model: RecurrentModel, trace: Trace, direct: Tensor, inner: int = 0,
             keep_hidden: bool = True) -> tuple[Tensor | None, Tensor]:
    """Hand-written BPTT through every layer and direction: (∂L/∂h_t of every layer (L, T, *S, D·H) or None,
    ∂L/∂x_t (T, *S, I)), given direct (T, *S, D·H), the derivative of the top layer's h_t through the head alone.

    S holds the trace's batch axis followed by `inner` axes of seeds per sample, and any axes before it (e.g. one
    seed per output step: S = (R, B, K) with inner = 1). Each direction runs in its own order of processing: the
    backward direction's gradient travels from t = 1 to T.
    """
    cfg = model.cfg
    h, n_dir = cfg.hidden_size, cfg.directions
    t_len, seeds = direct.shape[0], direct.shape[1:-1]
    hidden = direct.new_empty(cfg.num_layers, t_len, *seeds, n_dir * h) if keep_hidden else None
    for l in reversed(range(cfg.num_layers)):
        below = None
        for d in range(n_dir):
            w = model.recurrent_weights(l, d)
            local = {k: v.view(*v.shape[:2], *[1] * inner, v.shape[-1])  # (T, B, 1…, ·): broadcast over seeds
                     for k, v in local_derivatives(trace, l, cfg.nonlinearity, d).items()}
            seed = direct[..., d * h : (d + 1) * h]
            dh = direct.new_empty(t_len + 1, *seeds, h)
            dh[-1] = 0.0
            da = backward_layer(cfg.cell, w["weight_hh"], local, (seed.flip(0) if d else seed).contiguous(), dh,
                                _peepholes(w))
            dh = dh[:-1].flip(0) if d else dh[:-1]  # back to time order
            if hidden is not None:
                hidden[l, ..., d * h : (d + 1) * h] = dh
            into_input = (da.flip(0) if d else da) @ w["weight_ih"]  # (T, *S, I_l): ∂L/∂(the layer's input)
            below = into_input if below is None else below + into_input
        direct = below  # the direct grad of the layer below (or, below layer 0, ∂L/∂x_t)
    return hidden, direct


@torch.no_grad()
def bptt(model: RecurrentModel, trace: Trace, top_grad: Tensor | np.ndarray) -> np.ndarray:
    """Total derivatives ∂L/∂h_t of every layer, (L, B, T, D·H), given the direct ones of the top layer.

    `top_grad` (B, T, D·H) is ∂L/∂h_t of the top layer through the head only; the result adds every path
    through later time steps (for the backward direction: earlier ones) and, for lower layers, through the
    layers above. Bidirectional: [forward, backward] along the last axis, like trace.hidden.
    """
    direct = torch.as_tensor(top_grad, dtype=torch.float32).transpose(0, 1).contiguous()  # (T, B, D·H)
    hidden, _ = backprop(model, trace, direct)
    return hidden.transpose(1, 2).numpy()


def top_layer_grad(model: RecurrentModel, trace: Trace, loss_fn: LossFn) -> tuple[float, Tensor]:
    """The loss and ∂L/∂h_t of the top layer through the head (and its pooling) alone, (B, T, D·H)."""
    h_top = torch.from_numpy(trace.hidden[-1]).requires_grad_(True)
    lengths = torch.from_numpy(trace.lengths) if trace.lengths is not None else None
    with torch.enable_grad():
        loss = loss_fn(model.readout(h_top, lengths))
        (grad,) = torch.autograd.grad(loss, h_top)
    return loss.item(), grad


def hidden_grads(model: RecurrentModel, x: Tensor, loss_fn: LossFn,
                 lengths: Tensor | None = None) -> tuple[Trace, np.ndarray]:
    """The trace of x and the total ∂L/∂h_t of every layer, (L, B, T, D·H) (eval mode: no dropout); with
    `lengths`, of the padded batch read as a packed one (0 past each end)."""
    trace = unroll(model, x, lengths)
    _, grad = top_layer_grad(model, trace, loss_fn)
    return trace, bptt(model, trace, grad)


def grad_norms(grads: np.ndarray, directions: int = 1) -> np.ndarray:
    """Per-step norms of `hidden_grads`' (L, B, T, D·H): (L, D, T), entry [l, d, t] the Frobenius norm over the
    batch and the units of direction d of ∂L/∂h_t in layer l."""
    g = grads.astype(np.float64).reshape(*grads.shape[:3], directions, -1)  # (L, B, T, D, H)
    return np.sqrt((g**2).sum(axis=(1, 4))).transpose(0, 2, 1)


def hidden_grad_norms(model: RecurrentModel, x: Tensor, loss_fn: LossFn, per_direction: bool = False,
                      lengths: Tensor | None = None) -> np.ndarray:
    """(L, T): entry [l, t] is the Frobenius norm over batch and units of the total ∂L/∂h_t of layer l (both
    directions together for a bidirectional model: h_t = [h→_t, h←_t]); per_direction: (L, D, T), one row per
    direction (the backward direction's gradient grows from t = 1 towards T)."""
    _, grads = hidden_grads(model, x, loss_fn, lengths)
    norms = grad_norms(grads, model.cfg.directions)  # (L, D, T)
    return norms if per_direction else np.sqrt((norms**2).sum(axis=1))


@torch.no_grad()
def jacobian_norms(model: RecurrentModel, trace: Trace, layer: int = 0, sample: int = 0, direction: int = 0) -> np.ndarray:
    """(T,): the spectral norm of ∂h_T/∂h_t within one layer and direction, for one sample (the last entry is 1).
    The backward direction ends at t = 1: its entries are ‖∂h←_1/∂h←_t‖ (the first entry is 1). For a trace with
    lengths the forward direction ends at the sample's last real step, and the entries past it are 0.

    Backpropagates the H rows of the identity from the direction's last step with the same backward pass as `bptt`.
    """
    cfg = model.cfg
    h = cfg.hidden_size
    d = local_derivatives(trace, layer, cfg.nonlinearity, direction)
    d = {k: v[:, sample : sample + 1] for k, v in d.items()}  # (T, 1, ·): one sample, broadcast over H rows
    t_len = trace.hidden.shape[2]
    seed = torch.zeros(t_len, h, h)
    end = t_len - 1 if direction or trace.lengths is None else int(trace.lengths[sample]) - 1  # of processing
    seed[end] = torch.eye(h)  # row k of the result at t: ∂h_T[k]/∂h_t
    mats = torch.zeros(t_len + 1, h, h)
    w = model.recurrent_weights(layer, direction)
    backward_layer(cfg.cell, w["weight_hh"], d, seed, mats, _peepholes(w))
    norms = torch.linalg.matrix_norm(mats[:-1].double(), ord=2).numpy()
    return norms[::-1].copy() if direction else norms


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
    direction: int = 0        # 0 forward, 1 the backward direction's W_hh (weight_hh_l{k}_reverse)

    @property
    def key(self) -> str:
        """"layer/gate", e.g. "0/f"; the backward direction's block "0/f_reverse" (PyTorch's suffix)."""
        return f"{self.layer}/{self.gate}" + ("_reverse" if self.direction else "")

    @property
    def spectral_radius(self) -> float:
        return float(np.abs(self.eigenvalues).max())


@torch.no_grad()
def whh_spectra(model: RecurrentModel) -> list[Spectrum]:
    """σ_max and eigenvalues of each H×H block of W_hh, per layer, direction and gate."""
    cfg = model.cfg
    out = []
    for l in range(cfg.num_layers):
        for d in range(cfg.directions):
            w_hh = model.recurrent_weights(l, d)["weight_hh"]
            blocks = w_hh.detach().double().reshape(len(cfg.gate_names), cfg.hidden_size, -1)
            sigmas = torch.linalg.matrix_norm(blocks, ord=2).tolist()
            eigs = torch.linalg.eigvals(blocks).numpy()
            out += [Spectrum(l, g, s, e, d) for g, s, e in zip(cfg.gate_names, sigmas, eigs)]
    return out
