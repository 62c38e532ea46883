"""The LSTM, one time step forward and backward (PyTorch's equations; gates stacked i, f, g, o).

i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o) with a = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh;
c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ tanh(c_t).  Conventions: see explorer/scratch/rnn.py.
"""
from __future__ import annotations

import numpy as np

from .functions import sigmoid


def step_forward(p, x, prev):
    """One step for a batch: x (B, I), prev["h"], prev["c"] (B, H)."""
    h_prev, c_prev = prev["h"], prev["c"]
    a = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]  # (B, 4H)
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i = sigmoid(a_i)
    f = sigmoid(a_f)
    g = np.tanh(a_g)
    o = sigmoid(a_o)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return dict(x=x, h_prev=h_prev, c_prev=c_prev, a=a, i=i, f=f, g=g, o=o, c=c, h=h)


def step_backward(p, s, dh_above, later):
    """Backpropagate one step: dh and the total dc (carried back through f), then each gate's derivative."""
    dh_next, dc_next = later["dh_next"], later["dc_next"]
    i, f, g, o, c = s["i"], s["f"], s["g"], s["o"], s["c"]
    dh = dh_above + dh_next  # (B, H): total ∂L/∂h_t
    tanh_c = np.tanh(c)
    do = dh * tanh_c
    dc = dc_next + dh * o * (1 - tanh_c**2)  # total ∂L/∂c_t
    di = dc * g
    df = dc * s["c_prev"]
    dg = dc * i
    da = np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), do * o * (1 - o)], axis=1)  # (B, 4H)
    dW_ih = da.T @ s["x"]  # (4H, I)
    dW_hh = da.T @ s["h_prev"]  # (4H, H)
    db_ih = da.sum(axis=0)
    db_hh = da.sum(axis=0)
    dx = da @ p["weight_ih"]  # (B, I): into the layer below
    dh_next = da @ p["weight_hh"]  # (B, H): into step t − 1
    dc_next = dc * f  # (B, H): into step t − 1
    return dict(dh=dh, do=do, dc=dc, di=di, df=df, dg=dg, da=da, dW_ih=dW_ih, dW_hh=dW_hh, db_ih=db_ih,
                db_hh=db_hh, dx=dx, dh_next=dh_next, dc_next=dc_next)
