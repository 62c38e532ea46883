"""Truncated backpropagation through time (D2L §9.7): the forward pass runs over the whole sequence, window
by window of k steps, and the state carried into each window is detached, so that no gradient crosses a
window's start. The ‖∂L/∂h_t‖ probe under truncation shows what this training really backpropagates.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from torch import Tensor

from ..models.backward import backward_layer
from ..models.peephole import PEEPHOLES
from ..models.recurrent import RecurrentModel
from ..trace.gradients import local_derivatives, top_layer_grad
from ..trace.record import Trace, unroll


def cut_positions(seq_len: int, k: int) -> list[int]:
    """The time steps t (0-based) at whose start the gradient is cut: k, 2k, … < T ([] for k = 0, full BPTT).
    Nothing flows back from step t to step t − 1 across a cut."""
    return list(range(k, seq_len, k)) if k else []


def _detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def forward_truncated(model: RecurrentModel, x: Tensor, k: int) -> Tensor:
    """Outputs (B, T, O) of `model` on x (B, T, I), computed window by window of k steps: the state carries
    over (the values equal the full forward pass), its gradient is cut at every window's start."""
    state, outs = None, []
    for start in range(0, x.shape[1], k):
        out, state = model.forward_with_state(x[:, start : start + k], None if state is None else _detach(state))
        outs.append(out)  # (B, k, O)
    return torch.cat(outs, 1)


@torch.no_grad()
def truncated_bptt(model: RecurrentModel, trace: Trace, top_grad: Tensor, k: int) -> np.ndarray:
    """(L, B, T, H): ∂L/∂h_t of every layer on the truncated graph that training with window k differentiates.

    Within a window this is the full BPTT of the losses at that window's steps; nothing arrives from later
    windows (so ∂L/∂h_t = 0 in a window without a loss term, e.g. all but the last on the adding problem).
    The local derivatives come from the whole trace: the first step of a window sees the carried-in state.
    A unidirectional model on sequences of one length (the trainer refuses the rest: see trainer._check_tbptt).
    """
    cfg = model.cfg
    if cfg.bidirectional or trace.lengths is not None:
        raise ValueError("Truncated BPTT needs a unidirectional model and sequences of one length.")
    direct = torch.as_tensor(top_grad, dtype=torch.float32).transpose(0, 1).contiguous()  # (T, B, H)
    t_len, b, h = direct.shape
    dh = direct.new_zeros(cfg.num_layers, t_len, b, h)
    for layer in reversed(range(cfg.num_layers)):
        w = model.recurrent_weights(layer)
        peepholes = tuple(w[n] for n in PEEPHOLES) if cfg.cell == "peephole" else None
        d = local_derivatives(trace, layer, cfg.nonlinearity)
        das = []
        for start in range(0, t_len, k):
            end = min(start + k, t_len)
            # Its last row stays 0, and ∂L/∂c starts at 0 (LSTM, peephole): the cut of the detached (h, c).
            window_dh = direct.new_zeros(end - start + 1, b, h)
            das.append(backward_layer(cfg.cell, w["weight_hh"], {n: v[start:end] for n, v in d.items()},
                                      direct[start:end], window_dh, peepholes))
            dh[layer, start:end] = window_dh[:-1]
        direct = torch.cat(das) @ w["weight_ih"]  # (T, B, I): the direct gradient of the layer below
    return dh.transpose(1, 2).numpy()


def truncated_hidden_grads(model: RecurrentModel, x: Tensor, loss_fn: Callable[[Tensor], Tensor],
                           k: int) -> tuple[Trace, np.ndarray]:
    """The trace of x and the truncated ∂L/∂h_t of every layer, (L, B, T, H) (see truncated_bptt)."""
    trace = unroll(model, x)
    _, grad = top_layer_grad(model, trace, loss_fn)
    return trace, truncated_bptt(model, trace, grad, k)


def truncated_hidden_grad_norms(model: RecurrentModel, x: Tensor, loss_fn: Callable[[Tensor], Tensor],
                                k: int) -> np.ndarray:
    """(L, T): the Frobenius norm over batch and units of the truncated ∂L/∂h_t (see truncated_bptt)."""
    _, grads = truncated_hidden_grads(model, x, loss_fn, k)
    return np.sqrt((grads.astype(np.float64) ** 2).sum(axis=(1, 3)))
