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


def lstm_steps(acts: Tensor) -> list[tuple[Tensor, ...]]:
    """Per-step views (i and f together, i, f, g, o), each (B, ·), of a (T, B, 4H) buffer of LSTM gates, for
    `lstm_cell`. Made once per unroll: slicing inside the time loop costs as much as a small op."""
    n = acts.shape[-1] // 4
    blocks = acts.unflatten(-1, (4, n))  # (T, B, 4, H)
    return list(zip(acts[..., : 2 * n].unbind(0), *(blocks[:, :, k].unbind(0) for k in range(4))))


def lstm_cell(gates: tuple[Tensor, ...], c: Tensor, h_out: Tensor, c_out: Tensor) -> None:
    """gates: one step's views from `lstm_steps`, holding a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh (blocks i, f,
    g, o), activated here in place;  c = c_{t-1}  (B, H).

    i, f, o = σ(a_i), σ(a_f), σ(a_o);  g = tanh(a_g);  c_t = f ⊙ c_{t-1} + i ⊙ g;  h_t = o ⊙ tanh(c_t).
    """
    # Speed: called T times per layer by `unroll`, where the cost is one Python-to-torch call per op, not the
    # arithmetic: everything in place in the given buffers, 7 calls and no temporaries (was 12 with slicing).
    i_f, i, f, g, o = gates
    i_f.sigmoid_()
    g.tanh_()
    o.sigmoid_()
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
