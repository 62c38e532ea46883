"""The vanilla RNN, one time step forward and backward: h_t = φ(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh).

Conventions of every cell module (see explorer/scratch/__init__.py for the row-vector layout):
`p` holds one layer's weights under PyTorch's names ("weight_ih" (G·H, I), "weight_hh" (G·H, H), "bias_ih",
"bias_hh" (G·H,)); a batch is a stack of row vectors, x (B, I) and h (B, H), so PyTorch's W_ih x is x @ W_ih.T.
`step_forward(p, x, prev)` returns every intermediate of the step (prev: the previous step's dict, or zeros);
`step_backward(p, s, dh_above, later)` takes that dict s, ∂L/∂h_t from outside the recurrence (the head or the
layer above) and `later`, what the step t + 1 returned ("dh_next": ∂L/∂h_t through step t + 1); it returns
every derivative of the step, including this step's share of each weight gradient (dW_ih, ...) and dh_next for
step t − 1 (the next one the backward loop visits: the tutorials' naming).
"""
from __future__ import annotations

import numpy as np


def step_forward(p, x, prev, relu=False):
    """One step of a tanh (or ReLU) RNN for a batch: x (B, I), prev["h"] (B, H)."""
    h_prev = prev["h"]
    a = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]  # (B, H)
    h = np.maximum(a, 0.0) if relu else np.tanh(a)
    return dict(x=x, h_prev=h_prev, a=a, h=h)


def step_backward(p, s, dh_above, later, relu=False):
    """Backpropagate one step (the tutorials' BPTT): total dh, then dh_raw = φ'(a) ⊙ dh into everything."""
    dh_next = later["dh_next"]
    dh = dh_above + dh_next  # (B, H): total ∂L/∂h_t
    dh_raw = dh * ((s["a"] > 0) if relu else (1 - s["h"] ** 2))  # ∂L/∂a_t: relu' = [a > 0], tanh' = 1 − h²
    dW_ih = dh_raw.T @ s["x"]  # (H, I)
    dW_hh = dh_raw.T @ s["h_prev"]  # (H, H)
    db_ih = dh_raw.sum(axis=0)
    db_hh = dh_raw.sum(axis=0)
    dx = dh_raw @ p["weight_ih"]  # (B, I): into the layer below
    dh_next = dh_raw @ p["weight_hh"]  # (B, H): into step t − 1
    return dict(dh=dh, dh_raw=dh_raw, dW_ih=dW_ih, dW_hh=dW_hh, db_ih=db_ih, db_hh=db_hh, dx=dx, dh_next=dh_next)
