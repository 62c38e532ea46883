"""`unroll`: re-run a model step by step with its own weights and record every intermediate."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .cells import gru_cell, lstm_cell, rnn_cell
from .model import RecurrentModel


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

    def layer_input(self, layer: int) -> np.ndarray:
        """(B, T, I or H): what layer `layer` reads at each step."""
        return self.inputs if layer == 0 else self.hidden[layer - 1]


@torch.no_grad()
def unroll(model: RecurrentModel, x: torch.Tensor | np.ndarray) -> Trace:
    """Recompute `model` on x (B, T, I) one time step at a time with the hand-written cells."""
    cfg = model.cfg
    x = torch.as_tensor(x, dtype=torch.float32)
    if x.ndim != 3 or x.shape[-1] != cfg.input_size:
        raise ValueError(f"x must have shape (B, T, {cfg.input_size}), got {tuple(x.shape)}")
    b, t_len, h = x.shape[0], x.shape[1], cfg.hidden_size
    gate_names = cfg.gate_names if cfg.cell != "rnn" else ()
    hidden, cell, preact_x, preact_h = [], [], [], []
    gates: dict[str, list[torch.Tensor]] = {name: [] for name in gate_names}
    layer_in = x  # (B, T, I)
    for l in range(cfg.num_layers):
        w = model.recurrent_weights(l)
        xp = layer_in @ w["weight_ih"].T + w["bias_ih"]  # (B, T, G·H): all input projections at once
        xp_t = xp.transpose(0, 1).contiguous()  # (T, B, G·H)
        h_t = c_t = x.new_zeros(b, h)
        hs, cs, gs = [], [], {name: [] for name in gate_names}  # lists over t of (B, H)
        for t in range(t_len):
            if cfg.cell == "rnn":
                h_t = rnn_cell(xp_t[t], h_t, w["weight_hh"], w["bias_hh"], cfg.nonlinearity)
            elif cfg.cell == "lstm":
                h_t, c_t, step_gates = lstm_cell(xp_t[t], h_t, c_t, w["weight_hh"], w["bias_hh"])
                cs.append(c_t)
            else:
                h_t, step_gates = gru_cell(xp_t[t], h_t, w["weight_hh"], w["bias_hh"])
            hs.append(h_t)
            for name in gate_names:
                gs[name].append(step_gates[name])
        layer_h = torch.stack(hs, dim=1)  # (B, T, H)
        h_prev = torch.cat([x.new_zeros(b, 1, h), layer_h[:, :-1]], dim=1)  # (B, T, H)
        hidden.append(layer_h)
        if cs:
            cell.append(torch.stack(cs, dim=1))
        for name in gate_names:
            gates[name].append(torch.stack(gs[name], dim=1))
        preact_x.append(xp)
        preact_h.append(h_prev @ w["weight_hh"].T + w["bias_hh"])
        layer_in = layer_h
    return Trace(
        cell_type=cfg.cell,
        inputs=x.numpy(),
        hidden=torch.stack(hidden).numpy(),
        cell=torch.stack(cell).numpy() if cell else None,
        gates={name: torch.stack(v).numpy() for name, v in gates.items()},
        preact_x=torch.stack(preact_x).numpy(),
        preact_h=torch.stack(preact_h).numpy(),
        outputs=model.head(layer_in).numpy(),
    )
