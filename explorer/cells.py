"""One time step of each cell, written from PyTorch's own equations.

Every cell takes `xp = W_ih x_t + b_ih` (B, G·H), computed for all t at once by the caller, and the
previous state; it returns the new state and the activated gates. Gate blocks are stacked in
PyTorch's order: LSTM i, f, g, o; GRU r, z, n.
"""
from __future__ import annotations

import torch
from torch import Tensor


def rnn_cell(xp: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor, nonlinearity: str) -> Tensor:
    """h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), φ = tanh or relu."""
    a = torch.addmm(xp + b_hh, h, w_hh.T)  # (B, H)
    return torch.tanh(a) if nonlinearity == "tanh" else torch.relu(a)


def lstm_cell(xp: Tensor, h: Tensor, c: Tensor, w_hh: Tensor, b_hh: Tensor):
    """i, f, o = σ(·), g = tanh(·);  c_t = f ⊙ c_{t-1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)."""
    a = torch.addmm(xp + b_hh, h, w_hh.T)  # (B, 4H)
    i, f, _, o = torch.sigmoid(a).chunk(4, dim=-1)  # each (B, H); one sigmoid call for three gates
    g = torch.tanh(a.chunk(4, dim=-1)[2])
    c_new = torch.addcmul(f * c, i, g)  # f ⊙ c + i ⊙ g
    h_new = o * torch.tanh(c_new)
    return h_new, c_new, {"i": i, "f": f, "g": g, "o": o}


def gru_cell(xp: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor):
    """r, z = σ(·);  n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn));  h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}."""
    x_r, x_z, x_n = xp.chunk(3, dim=-1)  # each (B, H)
    h_r, h_z, h_n = torch.addmm(b_hh, h, w_hh.T).chunk(3, dim=-1)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)  # PyTorch's form: r multiplies (W_hn h + b_hn), not h
    h_new = n + z * (h - n)  # = (1 − z) ⊙ n + z ⊙ h_{t-1}
    return h_new, {"r": r, "z": z, "n": n}
