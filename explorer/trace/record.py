"""`unroll`: re-run a model step by step with its own weights and record every intermediate."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..models.cells import gru_cell, lstm_cell, lstm_steps, rnn_cell
from ..models.recurrent import RecurrentModel


@dataclass
class Trace:
    """Everything the model computed on one batch (eval mode: no dropout; zero initial state)."""

    cell_type: str                # "rnn" | "lstm" | "gru"
    inputs: np.ndarray            # (B, T, I)
    hidden: np.ndarray            # (L, B, T, H): h_t of every layer
    cell: np.ndarray | None       # (L, B, T, H): c_t of every layer (LSTM), else None
    gates: dict[str, np.ndarray]  # LSTM i, f, g, o; GRU r, z, n; each (L, B, T, H); RNN: empty
    preact_x: np.ndarray          # (L, B, T, G·H): W_ih x_t + b_ih, x_t = the layer's input
    preact_h: np.ndarray          # (L, B, T, G·H): W_hh h_{t-1} + b_hh
    outputs: np.ndarray           # (B, T, O): the head applied to the top layer's h_t


@torch.no_grad()
def unroll(model: RecurrentModel, x: torch.Tensor | np.ndarray) -> Trace:
    """Recompute `model` on x (B, T, I) one time step at a time with the hand-written cells."""
    cfg = model.cfg
    x = torch.as_tensor(x, dtype=torch.float32)
    if x.ndim != 3 or x.shape[-1] != cfg.input_size:
        raise ValueError(f"x must have shape (B, T, {cfg.input_size}), got {tuple(x.shape)}")
    b, t_len, h, g = x.shape[0], x.shape[1], cfg.hidden_size, len(cfg.gate_names)
    # All buffers time-major, (L, T, B, ·), allocated once: the cells write step t of layer l in place.
    hidden = x.new_empty(cfg.num_layers, t_len, b, h)
    cell = x.new_empty(cfg.num_layers, t_len, b, h) if cfg.cell == "lstm" else None
    acts = x.new_empty(cfg.num_layers, t_len, b, g * h) if cfg.cell != "rnn" else None
    preact_x = x.new_empty(cfg.num_layers, t_len, b, g * h)
    preact_h = x.new_empty(cfg.num_layers, t_len, b, g * h)
    zeros = x.new_zeros(b, h)
    layer_in = x.transpose(0, 1)  # (T, B, I)
    for l in range(cfg.num_layers):
        w = model.recurrent_weights(l)
        w_hh_t = w["weight_hh"].T  # (H, G·H)
        scratch = x.new_empty(b, g * h)  # RNN: W_hh h_{t-1} + the rest, rewritten at every step (no temporaries)
        xp = torch.add(layer_in @ w["weight_ih"].T, w["bias_ih"], out=preact_x[l])  # (T, B, G·H), all t at once
        # RNN/LSTM add both biases before the nonlinearity; the GRU keeps b_hh inside r ⊙ (W_hn h + b_hn).
        steps = (xp if cfg.cell == "gru" else xp + w["bias_hh"]).unbind(0)
        # Per-step views, made once: indexing a tensor inside the loop costs as much as a small op.
        hs = hidden[l].unbind(0)
        cs = cell[l].unbind(0) if cell is not None else None
        gs = acts[l].unbind(0) if acts is not None else None
        gate_steps = lstm_steps(acts[l]) if cfg.cell == "lstm" else None
        for t in range(t_len):
            h_prev = hs[t - 1] if t else zeros
            if cfg.cell == "rnn":
                rnn_cell(torch.addmm(steps[t], h_prev, w_hh_t, out=scratch), cfg.nonlinearity, hs[t])
            elif cfg.cell == "lstm":  # the step's pre-activation goes straight into its gates' buffer
                torch.addmm(steps[t], h_prev, w_hh_t, out=gs[t])
                lstm_cell(gate_steps[t], cs[t - 1] if t else zeros, hs[t], cs[t])
            else:
                gru_cell(steps[t], torch.addmm(w["bias_hh"], h_prev, w_hh_t), h_prev, hs[t], gs[t])
        preact_h[l, 0] = w["bias_hh"]  # h_0 = 0
        torch.addmm(w["bias_hh"], hidden[l, :-1].flatten(0, 1), w_hh_t, out=preact_h[l, 1:].view(-1, g * h))
        layer_in = hidden[l]

    def btf(a: torch.Tensor) -> np.ndarray:  # (L, T, B, F) -> (L, B, T, F) view
        return a.transpose(1, 2).numpy()

    gate_arrays = np.split(btf(acts), g, axis=-1) if acts is not None else []
    return Trace(
        cell_type=cfg.cell,
        inputs=x.numpy(),
        hidden=btf(hidden),
        cell=btf(cell) if cell is not None else None,
        gates=dict(zip(cfg.gate_names, gate_arrays)),
        preact_x=btf(preact_x),
        preact_h=btf(preact_h),
        outputs=model.head(layer_in).transpose(0, 1).numpy(),
    )
