"""The loops over time and layers, the linear head and the losses: what `Net` runs and what an exported
script contains verbatim (so these functions use nothing but numpy and their arguments).

`layers` is a list of per-layer weight dicts under PyTorch's names without the layer suffix ("weight_ih", ...);
`head` is {"weight": W_hy (O, H), "bias": b_y (O,)}. The cell is passed in as its two step functions.
"""
from __future__ import annotations

import numpy as np

# The key of each weight's gradient in what a cell's step_backward returns.
GRAD_KEY = {"weight_ih": "dW_ih", "weight_hh": "dW_hh", "bias_ih": "db_ih", "bias_hh": "db_hh",
            "weight_ci": "dw_ci", "weight_cf": "dw_cf", "weight_co": "dw_co"}


def head_forward(p, h):
    """The linear head at one step: y = h @ W_hy.T + b_y, h (B, H) -> y (B, O)."""
    y = h @ p["weight"].T + p["bias"]
    return y


def head_backward(p, h, dy):
    """dy = ∂L/∂y_t (B, O) -> this step's share of the head's gradients and ∂L/∂h_t through the head."""
    dW_hy = dy.T @ h  # (O, H)
    db_y = dy.sum(axis=0)
    dh_above = dy @ p["weight"]  # (B, H): the tutorials' dy · W_hy
    return dict(dy=dy, dW_hy=dW_hy, db_y=db_y, dh_above=dh_above)


def forward_through_time(step_forward, layers, head, x):
    """x (B, T, I) -> (steps, outputs): steps[l][t] holds every intermediate of layer l at step t; outputs
    (B, T, O) is the head applied to the top layer's h_t. The state starts at zero."""
    b, t_len, _ = x.shape
    inputs = [x[:, t] for t in range(t_len)]  # each (B, I)
    steps = []
    for p in layers:
        hidden_size = p["weight_hh"].shape[1]
        prev = {"h": np.zeros((b, hidden_size)), "c": np.zeros((b, hidden_size))}
        row = []
        for x_t in inputs:
            prev = step_forward(p, x_t, prev)
            row.append(prev)
        steps.append(row)
        inputs = [s["h"] for s in row]  # the next layer reads this layer's h_t
    outputs = np.stack([head_forward(head, h) for h in inputs], axis=1)  # (B, T, O)
    return steps, outputs


def backward_through_time(step_backward, layers, head, steps, d_out):
    """Backpropagation through time, from t = T down to 1, at each step from the top layer down.

    d_out (B, T, O) = ∂L/∂outputs. Returns (grads, head_grads, record): grads[l] sums each weight's share over
    all steps (keyed like layers[l]), head_grads the head's, and record[t] = (the head's step dict, [each
    layer's step_backward dict]) with every derivative of step t.
    """
    b, t_len, _ = d_out.shape
    grads = [{name: np.zeros_like(w) for name, w in p.items()} for p in layers]
    head_grads = {name: np.zeros_like(w) for name, w in head.items()}
    later = [{"dh_next": np.zeros((b, p["weight_hh"].shape[1])), "dc_next": np.zeros((b, p["weight_hh"].shape[1]))}
             for p in layers]  # nothing flows back from beyond the last step
    record = [None] * t_len
    for t in reversed(range(t_len)):
        top = head_backward(head, steps[-1][t]["h"], d_out[:, t])
        head_grads["weight"] += top["dW_hy"]
        head_grads["bias"] += top["db_y"]
        dh_above, per_layer = top["dh_above"], [None] * len(layers)
        for l in reversed(range(len(layers))):
            back = step_backward(layers[l], steps[l][t], dh_above, later[l])
            for name in grads[l]:
                grads[l][name] += back[GRAD_KEY[name]]
            later[l] = per_layer[l] = back
            dh_above = back["dx"]  # the layer below gets ∂L/∂(its h_t) through this layer's input
        record[t] = (top, per_layer)
    return grads, head_grads, record


def mse_loss(outputs, y, mask):
    """Mean squared error over the steps where mask is True (as F.mse_loss on them) and ∂L/∂outputs.
    outputs, y (B, T, O); mask (B, T) bool."""
    m = mask[..., None]  # (B, T, 1)
    n = m.sum() * outputs.shape[-1]
    diff = (outputs - y) * m
    loss = (diff**2).sum() / n
    d_out = 2 * diff / n  # (B, T, O)
    return loss, d_out


def cross_entropy_loss(outputs, y, mask):
    """Mean cross-entropy over the steps where mask is True (as F.cross_entropy on them) and ∂L/∂outputs.
    outputs (B, T, C) logits; y (B, T) integer classes; mask (B, T) bool."""
    m = mask[..., None]  # (B, T, 1)
    n = m.sum()
    z = outputs - outputs.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))  # (B, T, C) log-softmax
    one_hot = np.eye(outputs.shape[-1])[y]  # (B, T, C)
    loss = -(log_p * one_hot * m).sum() / n
    d_out = (np.exp(log_p) - one_hot) * m / n  # softmax − one-hot
    return loss, d_out
