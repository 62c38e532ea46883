"""One time step of each cell, written from PyTorch's own equations (and the peephole LSTM's, which PyTorch lacks).

The matrix products are left to the caller (`trace.unroll`), which does the input products
W_ih x_t + b_ih for all t in one go and W_hh h_{t-1} + b_hh step by step. A cell takes those
pre-activations and the previous state and writes the new state and its activated gates into the
buffers it is given (the step's slices of the trace: no per-step allocation or stacking). Gates are
stacked in PyTorch's order: LSTM (and peephole LSTM) i, f, g, o; GRU r, z, n. The cells do not care about the
direction of time: the backward direction of a bidirectional layer passes h_{t+1}, c_{t+1} as the previous state.
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
    n = c.shape[1]
    torch.sigmoid(a, out=acts_out)  # (B, 4H): i, f and o; the g block is overwritten next
    acts_out[:, 2 * n : 3 * n] = torch.tanh(a[:, 2 * n : 3 * n])
    i, f, g, o = acts_out.chunk(4, dim=-1)  # each (B, H)
    torch.addcmul(f * c, i, g, out=c_out)
    torch.mul(o, torch.tanh(c_out), out=h_out)


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


def peephole_cell(a: tuple[Tensor, Tensor, Tensor, Tensor], c: Tensor, w_ci: Tensor, w_cf: Tensor, w_co: Tensor,
                  h_out: Tensor, c_out: Tensor, acts_out: tuple[Tensor, Tensor, Tensor, Tensor]) -> None:
    """The peephole LSTM (Gers, Schraudolph & Schmidhuber 2002). a = the blocks a_i, a_f, a_g, a_o (B, H) of
    W_ih x_t + b_ih + W_hh h_prev + b_hh, to which the peephole terms are added in place;  c = c_prev  (B, H);
    w_ci, w_cf, w_co  (H,);  acts_out = the i, f, g, o buffers.

    i, f = σ(a_i + w_ci ⊙ c_prev), σ(a_f + w_cf ⊙ c_prev);  g = tanh(a_g);  c_t = f ⊙ c_prev + i ⊙ g;
    o = σ(a_o + w_co ⊙ c_t);  h_t = o ⊙ tanh(c_t).
    The caller makes the per-step block views once (slicing inside a loop costs as much as a small operation):
    this is also the peephole LSTM's training forward, eleven small operations a step.
    """
    a_i, a_f, a_g, a_o = a
    i, f, g, o = acts_out
    torch.sigmoid(a_i.addcmul_(c, w_ci), out=i)
    torch.sigmoid(a_f.addcmul_(c, w_cf), out=f)
    torch.tanh(a_g, out=g)
    torch.mul(f, c, out=c_out).addcmul_(i, g)
    torch.sigmoid(a_o.addcmul_(c_out, w_co), out=o)
    torch.mul(o, torch.tanh(c_out), out=h_out)
