"""One time step of each cell, written from PyTorch's own equations.

The matrix products are left to the caller (`trace.unroll`), which does the input products
W_ih x_t + b_ih for all t in one go and W_hh h_{t-1} + b_hh step by step. A cell takes those
pre-activations and the previous state and writes the new state and its activated gates into the
buffers it is given (the step's slices of the trace: no per-step allocation or stacking). Gates are
stacked in PyTorch's order: LSTM i, f, g, o; GRU r, z, n.
"""
from __future__ import annotations

import torch
from torch import Tensor


def rnn_cell(a: Tensor, nonlinearity: str, h_out: Tensor) -> None:
    """h_t = φ(a),  a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh  (B, H);  φ = tanh or relu."""
    torch.tanh(a, out=h_out) if nonlinearity == "tanh" else torch.clamp(a, min=0.0, out=h_out)


def lstm_cell(a: Tensor, c: Tensor, h_out: Tensor, c_out: Tensor, acts_out: Tensor) -> None:
    """a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh  (B, 4H), blocks i, f, g, o;  c = c_{t-1}  (B, H).

    i, f, o = σ(a_i), σ(a_f), σ(a_o);  g = tanh(a_g);  c_t = f ⊙ c_{t-1} + i ⊙ g;  h_t = o ⊙ tanh(c_t).
    """
    # Speed: called T times per layer by `unroll`, where the cost is one Python-to-torch call per op, not the
    # arithmetic. So: every result written into the given buffers (no temporaries), 9 calls instead of 12.
    n = c.shape[1]
    torch.sigmoid(a, out=acts_out)  # (B, 4H): i, f and o; the g block is overwritten next
    torch.tanh(a[:, 2 * n : 3 * n], out=acts_out[:, 2 * n : 3 * n])
    i, f, g, o = acts_out.chunk(4, dim=-1)  # each (B, H)
    torch.mul(f, c, out=c_out).addcmul_(i, g)  # f ⊙ c_{t-1} + i ⊙ g
    torch.tanh(c_out, out=h_out).mul_(o)       # tanh(c_t) ⊙ o


def gru_cell(xp: Tensor, hp: Tensor, h: Tensor, h_out: Tensor, acts_out: Tensor) -> None:
    """xp = W_ih x_t + b_ih, hp = W_hh h_{t-1} + b_hh  (B, 3H), blocks r, z, n;  h = h_{t-1}  (B, H).

    r, z = σ(xp_r + hp_r), σ(xp_z + hp_z);  n = tanh(xp_n + r ⊙ hp_n);  h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}.
    PyTorch's form: r multiplies (W_hn h + b_hn), not h before the product (the textbook form).
    """
    rz = 2 * h.shape[1]  # the r and z blocks come first
    acts_out[:, :rz] = torch.sigmoid(xp[:, :rz] + hp[:, :rz])
    r, z, n = acts_out.chunk(3, dim=-1)  # each (B, H)
    n.copy_(torch.tanh(torch.addcmul(xp[:, rz:], r, hp[:, rz:])))
    torch.addcmul(n, z, h - n, out=h_out)  # = (1 − z) ⊙ n + z ⊙ h_{t-1}
