"""PyTorch's GRU, one time step forward and backward (gates stacked r, z, n).

r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}.
The reset gate multiplies W_hn h + b_hn, after the product: nn.GRU's form (the textbook one is in
gru_textbook.py). Conventions: see explorer/scratch/rnn.py.
"""
from __future__ import annotations

import numpy as np

from .functions import sigmoid


def step_forward(p, x, prev):
    """One step for a batch: x (B, I), prev["h"] (B, H)."""
    h_prev = prev["h"]
    gx = x @ p["weight_ih"].T + p["bias_ih"]  # (B, 3H)
    gh = h_prev @ p["weight_hh"].T + p["bias_hh"]  # (B, 3H)
    gx_r, gx_z, gx_n = np.split(gx, 3, axis=1)
    gh_r, gh_z, gh_n = np.split(gh, 3, axis=1)
    r = sigmoid(gx_r + gh_r)
    z = sigmoid(gx_z + gh_z)
    n = np.tanh(gx_n + r * gh_n)
    h = (1 - z) * n + z * h_prev
    return dict(x=x, h_prev=h_prev, gx=gx, gh=gh, r=r, z=z, n=n, h=h)


def step_backward(p, s, dh_above, later):
    """Backpropagate one step; h_{t−1} gets three shares: through z, through W_hh, and directly."""
    dh_next = later["dh_next"]
    r, z, n, h_prev = s["r"], s["z"], s["n"], s["h_prev"]
    dh = dh_above + dh_next  # (B, H): total ∂L/∂h_t
    dn = dh * (1 - z)
    dz = dh * (h_prev - n)
    da_n = dn * (1 - n**2)  # ∂L/∂(W_in x + b_in + r ⊙ (W_hn h + b_hn))
    dr = da_n * np.split(s["gh"], 3, axis=1)[2]  # r multiplies W_hn h + b_hn
    da_r = dr * r * (1 - r)
    da_z = dz * z * (1 - z)
    dgx = np.concatenate([da_r, da_z, da_n], axis=1)  # (B, 3H): ∂L/∂(W_ih x + b_ih)
    dgh = np.concatenate([da_r, da_z, da_n * r], axis=1)  # (B, 3H): ∂L/∂(W_hh h + b_hh)
    dW_ih = dgx.T @ s["x"]  # (3H, I)
    dW_hh = dgh.T @ h_prev  # (3H, H)
    db_ih = dgx.sum(axis=0)
    db_hh = dgh.sum(axis=0)
    dx = dgx @ p["weight_ih"]  # (B, I): into the layer below
    dh_next = dgh @ p["weight_hh"] + dh * z  # (B, H): into step t − 1
    return dict(dh=dh, dn=dn, dz=dz, dr=dr, da_n=da_n, da_r=da_r, da_z=da_z, dgx=dgx, dgh=dgh, dW_ih=dW_ih,
                dW_hh=dW_hh, db_ih=db_ih, db_hh=db_hh, dx=dx, dh_next=dh_next)
