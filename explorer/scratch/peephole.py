"""The peephole LSTM (Gers, Schraudolph & Schmidhuber 2002), one time step forward and backward.

The gates also look at the cell: i and f at c_{t−1}, o at the new c_t:
i = σ(a_i + w_ci ⊙ c_{t−1}),  f = σ(a_f + w_cf ⊙ c_{t−1}),  g = tanh(a_g),  c_t = f ⊙ c_{t−1} + i ⊙ g,
o = σ(a_o + w_co ⊙ c_t),  h_t = o ⊙ tanh(c_t),  with a = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh as in the LSTM.
Peepholes "weight_ci", "weight_cf", "weight_co" of shape (H,) are the paper's diagonal ones (each unit sees
only its own cell). Given as (H, H) matrices they are the full peepholes of some numpy tutorials (W_ci c_{t−1}:
every unit sees every cell; H² weights each instead of H); `functions.peep` tells them apart by shape.
Conventions: see explorer/scratch/rnn.py.
"""
from __future__ import annotations

import numpy as np

from .functions import peep, peep_back, peep_grad, sigmoid


def step_forward(p, x, prev):
    """One step for a batch: x (B, I), prev["h"], prev["c"] (B, H)."""
    h_prev, c_prev = prev["h"], prev["c"]
    a = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]  # (B, 4H)
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i = sigmoid(a_i + peep(p["weight_ci"], c_prev))
    f = sigmoid(a_f + peep(p["weight_cf"], c_prev))
    g = np.tanh(a_g)
    c = f * c_prev + i * g
    o = sigmoid(a_o + peep(p["weight_co"], c))
    h = o * np.tanh(c)
    return dict(x=x, h_prev=h_prev, c_prev=c_prev, a=a, i=i, f=f, g=g, o=o, c=c, h=h)


def step_backward(p, s, dh_above, later):
    """Backpropagate one step; c_t also reaches the loss through o's peephole, c_{t−1} through i's and f's."""
    dh_next, dc_next = later["dh_next"], later["dc_next"]
    i, f, g, o, c, c_prev = s["i"], s["f"], s["g"], s["o"], s["c"], s["c_prev"]
    dh = dh_above + dh_next  # (B, H): total ∂L/∂h_t
    tanh_c = np.tanh(c)
    do = dh * tanh_c
    da_o = do * o * (1 - o)
    dc = dc_next + dh * o * (1 - tanh_c**2) + peep_back(p["weight_co"], da_o)  # total ∂L/∂c_t
    di = dc * g
    df = dc * c_prev
    dg = dc * i
    da_i = di * i * (1 - i)
    da_f = df * f * (1 - f)
    da = np.concatenate([da_i, da_f, dg * (1 - g**2), da_o], axis=1)  # (B, 4H)
    dW_ih = da.T @ s["x"]  # (4H, I)
    dW_hh = da.T @ s["h_prev"]  # (4H, H)
    db_ih = da.sum(axis=0)
    db_hh = da.sum(axis=0)
    dw_ci = peep_grad(p["weight_ci"], da_i, c_prev)
    dw_cf = peep_grad(p["weight_cf"], da_f, c_prev)
    dw_co = peep_grad(p["weight_co"], da_o, c)
    dx = da @ p["weight_ih"]  # (B, I): into the layer below
    dh_next = da @ p["weight_hh"]  # (B, H): into step t − 1
    dc_next = dc * f + peep_back(p["weight_ci"], da_i) + peep_back(p["weight_cf"], da_f)  # (B, H): into t − 1
    return dict(dh=dh, do=do, da_o=da_o, dc=dc, di=di, df=df, dg=dg, da_i=da_i, da_f=da_f, da=da, dW_ih=dW_ih,
                dW_hh=dW_hh, db_ih=db_ih, db_hh=db_hh, dw_ci=dw_ci, dw_cf=dw_cf, dw_co=dw_co, dx=dx, dh_next=dh_next,
                dc_next=dc_next)
