"""The textbook GRU (Cho et al. 2014; d2l and most numpy tutorials), one step forward and backward.

Same weights, names and gate order (r, z, n) as nn.GRU; only the candidate differs:
n = tanh(W_in x + b_in + W_hn (r ⊙ h_{t−1}) + b_hn): the reset gate multiplies h before the product,
where PyTorch computes r ⊙ (W_hn h + b_hn). The two agree only if r = 1 (or h = 0 and b_hn = 0), so a numpy
GRU written from the textbook does not reproduce nn.GRU. Conventions: see explorer/scratch/rnn.py.
"""
from __future__ import annotations

import numpy as np

from .functions import sigmoid


def step_forward(p, x, prev):
    """One step for a batch: x (B, I), prev["h"] (B, H)."""
    h_prev = prev["h"]
    W_hr, W_hz, W_hn = np.split(p["weight_hh"], 3, axis=0)  # each (H, H)
    b_hr, b_hz, b_hn = np.split(p["bias_hh"], 3)
    gx = x @ p["weight_ih"].T + p["bias_ih"]  # (B, 3H)
    gx_r, gx_z, gx_n = np.split(gx, 3, axis=1)
    r = sigmoid(gx_r + h_prev @ W_hr.T + b_hr)
    z = sigmoid(gx_z + h_prev @ W_hz.T + b_hz)
    rh = r * h_prev
    n = np.tanh(gx_n + rh @ W_hn.T + b_hn)
    h = (1 - z) * n + z * h_prev
    return dict(x=x, h_prev=h_prev, gx=gx, r=r, z=z, rh=rh, n=n, h=h)


def step_backward(p, s, dh_above, later):
    """Backpropagate one step; the reset gate's path runs through W_hn (r ⊙ h_{t−1})."""
    dh_next = later["dh_next"]
    r, z, n, h_prev = s["r"], s["z"], s["n"], s["h_prev"]
    W_hr, W_hz, W_hn = np.split(p["weight_hh"], 3, axis=0)
    dh = dh_above + dh_next  # (B, H): total ∂L/∂h_t
    dn = dh * (1 - z)
    dz = dh * (h_prev - n)
    da_n = dn * (1 - n**2)  # ∂L/∂(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
    drh = da_n @ W_hn  # ∂L/∂(r ⊙ h_{t−1})
    dr = drh * h_prev
    da_r = dr * r * (1 - r)
    da_z = dz * z * (1 - z)
    da = np.concatenate([da_r, da_z, da_n], axis=1)  # (B, 3H): ∂L/∂ of the three pre-activations
    dW_ih = da.T @ s["x"]  # (3H, I)
    dW_hh = np.concatenate([da_r.T @ h_prev, da_z.T @ h_prev, da_n.T @ s["rh"]], axis=0)  # (3H, H)
    db_ih = da.sum(axis=0)
    db_hh = da.sum(axis=0)
    dx = da @ p["weight_ih"]  # (B, I): into the layer below
    dh_next = da_r @ W_hr + da_z @ W_hz + drh * r + dh * z  # (B, H): into step t − 1
    return dict(dh=dh, dn=dn, dz=dz, dr=dr, da_n=da_n, drh=drh, da_r=da_r, da_z=da_z, da=da, dW_ih=dW_ih,
                dW_hh=dW_hh, db_ih=db_ih, db_hh=db_hh, dx=dx, dh_next=dh_next)
