"""`unroll`: re-run a model step by step with its own weights and record every intermediate."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..models.cells import gru_cell, lstm_cell, lstm_steps, peephole_cell, rnn_cell
from ..models.recurrent import RecurrentModel, pool_states

DIRECTION_NAMES = ("forward", "backward")


@dataclass
class Trace:
    """Everything the model computed on one batch (eval mode: no dropout; zero initial state).

    D = `directions` (2 for a bidirectional model). Along the last axis of every per-layer array the forward
    direction's block comes first, then the backward one's, exactly as nn.LSTM(bidirectional=True) orders its
    output: hidden[l, b, t] = [h→_t, h←_t]. `view(layer, direction)` slices one direction out.
    """

    cell_type: str                # "rnn" | "lstm" | "gru" | "peephole"
    inputs: np.ndarray            # (B, T, I): x_t as the first layer reads it (with an embedding: the vectors, I = E)
    hidden: np.ndarray            # (L, B, T, D·H): h_t of every layer
    cell: np.ndarray | None       # (L, B, T, D·H): c_t of every layer (LSTM, peephole), else None
    gates: dict[str, np.ndarray]  # LSTM/peephole i, f, g, o; GRU r, z, n; each (L, B, T, D·H); RNN: empty
    preact_x: np.ndarray          # (L, B, T, D·G·H): W_ih x_t + b_ih, x_t = the layer's input
    preact_h: np.ndarray          # (L, B, T, D·G·H): W_hh h_prev + b_hh; h_prev = h_{t−1} (forward), h_{t+1} (backward)
    outputs: np.ndarray           # (B, T, O): the head applied to the top layer's h_t
    preact_c: np.ndarray | None = None  # peephole: (L, B, T, D·4H) [w_ci ⊙ c_prev, w_cf ⊙ c_prev, 0, w_co ⊙ c_t]
    directions: int = 1           # D: 2 for a bidirectional model
    lengths: np.ndarray | None = None    # (B,) int64: each sequence's real length (every array is 0 past it); None: T
    token_ids: np.ndarray | None = None  # (B, T) int64: the symbols an embedding looked up (None without embedding)

    @property
    def hidden_size(self) -> int:
        """H: units per layer and direction."""
        return self.hidden.shape[-1] // self.directions

    def view(self, layer: int, direction: int = 0) -> DirectionTrace:
        """One layer's record in one direction (0 forward, 1 backward), each array (B, T, ·) in time order."""
        if not (0 <= layer < self.hidden.shape[0] and 0 <= direction < self.directions):
            raise ValueError(f"need layer < {self.hidden.shape[0]} and direction < {self.directions}; "
                             f"got {layer}, {direction}")

        def half(a: np.ndarray | None) -> np.ndarray | None:  # the direction's block of the last axis
            if a is None:
                return None
            width = a.shape[-1] // self.directions
            return a[layer, ..., direction * width : (direction + 1) * width]

        return DirectionTrace(direction=direction, hidden=half(self.hidden), cell=half(self.cell),
                              gates={k: half(v) for k, v in self.gates.items()}, preact_x=half(self.preact_x),
                              preact_h=half(self.preact_h), preact_c=half(self.preact_c))


@dataclass
class DirectionTrace:
    """One layer of a trace in one direction (views, no copies). The forward direction reads t = 1..T and its
    state at t comes from t − 1; the backward direction reads t = T..1 and its state comes from t + 1."""

    direction: int                # 0 forward, 1 backward
    hidden: np.ndarray            # (B, T, H)
    cell: np.ndarray | None       # (B, T, H) LSTM and peephole
    gates: dict[str, np.ndarray]  # each (B, T, H)
    preact_x: np.ndarray          # (B, T, G·H)
    preact_h: np.ndarray          # (B, T, G·H)
    preact_c: np.ndarray | None   # (B, T, 4H) peephole

    @property
    def name(self) -> str:
        return DIRECTION_NAMES[self.direction]

    def prev(self, t: int) -> int | None:
        """The 0-based step whose state this direction reads at step t (t − 1 or t + 1); None where it starts
        (from a zero state)."""
        p = t - 1 if self.direction == 0 else t + 1
        return p if 0 <= p < self.hidden.shape[1] else None


@torch.no_grad()
def unroll(model: RecurrentModel, x: torch.Tensor | np.ndarray, lengths: torch.Tensor | np.ndarray | None = None) -> Trace:
    """Recompute `model` on x one time step at a time with the hand-written cells (each direction of a
    bidirectional layer in its own order of time). x: (B, T, I) floats, or (B, T) int64 token ids.

    lengths (B,): the real length of each sequence of a padded batch. Every recorded array is then 0 past each
    sequence's end and each direction starts at the sequence's own end, exactly as the fused module reads a packed
    batch: `trace.hidden[l]` equals pad_packed_sequence(...) of layer l's output.
    """
    cfg = model.cfg
    x = torch.as_tensor(x)
    if x.is_floating_point():
        x = x.float()
        if x.ndim != 3 or x.shape[-1] != cfg.input_size:
            raise ValueError(f"x must have shape (B, T, {cfg.input_size}), got {tuple(x.shape)}")
    elif x.ndim != 2 or not cfg.vocab_size:
        raise ValueError(f"token ids must have shape (B, T) and need a model of symbols; got {tuple(x.shape)}")
    token_ids = None
    if cfg.embedding_dim:
        token_ids = (x if not x.is_floating_point() else x.argmax(-1)).numpy()
    x = model.embed(x)  # (B, T, I or E): what the first layer reads
    b, t_len, h, g = x.shape[0], x.shape[1], cfg.hidden_size, len(cfg.gate_names)
    valid = None  # (T, B, 1): 1 on the real steps
    if lengths is not None:
        lengths = torch.as_tensor(lengths, dtype=torch.int64)
        if lengths.shape != (b,) or lengths.min() < 1 or lengths.max() > t_len:
            raise ValueError(f"lengths must hold {b} lengths in 1..{t_len}")
        valid = (torch.arange(t_len)[:, None] < lengths[None]).to(x.dtype)[..., None]
    n_dir, layers = cfg.directions, cfg.num_layers
    has_cell = cfg.cell in ("lstm", "peephole")
    # All buffers time-major, (L, D, T, B, ·), allocated once: the cells write step t of layer l in place.
    hidden = x.new_empty(layers, n_dir, t_len, b, h)
    cell = x.new_empty(layers, n_dir, t_len, b, h) if has_cell else None
    acts = x.new_empty(layers, n_dir, t_len, b, g * h) if cfg.cell != "rnn" else None
    peep = x.new_empty(layers, n_dir, t_len, b, g * h) if cfg.cell == "peephole" else None
    preact_x = x.new_empty(layers, n_dir, t_len, b, g * h)
    preact_h = x.new_empty(layers, n_dir, t_len, b, g * h)
    zeros = x.new_zeros(b, h)
    layer_in = x.transpose(0, 1)  # (T, B, I)
    for l in range(layers):
        for d in range(n_dir):
            w = model.recurrent_weights(l, d)
            w_hh_t = w["weight_hh"].T  # (H, G·H)
            scratch = x.new_empty(b, g * h)  # RNN: W_hh h_prev + the rest, rewritten at every step (no temporaries)
            xp = torch.add(layer_in @ w["weight_ih"].T, w["bias_ih"], out=preact_x[l, d])  # (T, B, G·H), all t at once
            # RNN/LSTM add both biases before the nonlinearity; the GRU keeps b_hh inside r ⊙ (W_hn h + b_hn).
            steps = (xp if cfg.cell == "gru" else xp + w["bias_hh"]).unbind(0)
            # Per-step views, made once: indexing a tensor inside the loop costs as much as a small op.
            hs = hidden[l, d].unbind(0)
            cs = cell[l, d].unbind(0) if cell is not None else None
            gs = acts[l, d].unbind(0) if acts is not None else None
            gate_steps = lstm_steps(acts[l, d]) if cfg.cell == "lstm" else None
            if cfg.cell == "peephole":  # per-step views of each gate block (the cell adds the peepholes in place)
                pre = torch.stack(steps)  # (T, B, 4H): W_ih x_t + b_ih + b_hh, to which W_hh h_prev is added
                steps, pre_blocks = pre.unbind(0), [blk.unbind(0) for blk in pre.chunk(4, dim=-1)]
                act_blocks = [blk.unbind(0) for blk in acts[l, d].chunk(4, dim=-1)]
            order = range(t_len) if d == 0 else range(t_len - 1, -1, -1)
            back = 1 if d == 0 else -1  # the previous state is at t − back
            valid_t = valid.unbind(0) if valid is not None else None
            for t in order:
                first = t == order[0]
                h_prev = zeros if first else hs[t - back]
                if cfg.cell == "rnn":
                    rnn_cell(torch.addmm(steps[t], h_prev, w_hh_t, out=scratch), cfg.nonlinearity, hs[t])
                elif cfg.cell == "lstm":  # the step's pre-activation goes straight into its gates' buffer
                    torch.addmm(steps[t], h_prev, w_hh_t, out=gs[t])
                    lstm_cell(gate_steps[t], zeros if first else cs[t - back], hs[t], cs[t])
                elif cfg.cell == "peephole":
                    steps[t].addmm_(h_prev, w_hh_t)
                    peephole_cell([blk[t] for blk in pre_blocks], zeros if first else cs[t - back], w["weight_ci"],
                                  w["weight_cf"], w["weight_co"], hs[t], cs[t], [blk[t] for blk in act_blocks])
                else:
                    gru_cell(steps[t], torch.addmm(w["bias_hh"], h_prev, w_hh_t), h_prev, hs[t], gs[t])
                if valid_t is not None:  # padding: the state stays 0 (the backward chain starts from it)
                    hs[t].mul_(valid_t[t])
                    if cs is not None:
                        cs[t].mul_(valid_t[t])
            # W_hh h_prev + b_hh for every t at once (h_prev = 0 where the direction starts)
            start, reads, fills = (0, slice(None, -1), slice(1, None)) if d == 0 else (-1, slice(1, None), slice(None, -1))
            preact_h[l, d, start] = w["bias_hh"]
            torch.addmm(w["bias_hh"], hidden[l, d, reads].flatten(0, 1), w_hh_t,
                        out=preact_h[l, d, fills].view(-1, g * h))
            if peep is not None:  # [w_ci ⊙ c_prev, w_cf ⊙ c_prev, 0, w_co ⊙ c_t]
                c_prev = torch.zeros_like(cell[l, d])
                c_prev[fills] = cell[l, d, reads]
                peep[l, d] = torch.cat([w["weight_ci"] * c_prev, w["weight_cf"] * c_prev, torch.zeros_like(c_prev),
                                        w["weight_co"] * cell[l, d]], dim=-1)
            if valid is not None:  # zeros past each end in every record
                for buffer in (acts, peep, preact_x, preact_h):
                    if buffer is not None:
                        buffer[l, d].mul_(valid)
        layer_in = torch.cat(hidden[l].unbind(0), dim=-1) if n_dir == 2 else hidden[l, 0]  # (T, B, D·H)

    def btf(a: torch.Tensor) -> np.ndarray:  # (L, D, T, B, F) -> (L, B, T, D·F): [forward, backward] along the last axis
        a = a.permute(0, 3, 2, 1, 4)
        return (a.reshape(*a.shape[:3], -1) if n_dir == 2 else a[..., 0, :]).numpy()

    gate_arrays = [btf(a) for a in acts.chunk(g, dim=-1)] if acts is not None else []
    return Trace(
        cell_type=cfg.cell,
        inputs=x.numpy(),
        hidden=btf(hidden),
        cell=btf(cell) if cell is not None else None,
        gates=dict(zip(cfg.gate_names, gate_arrays)),
        preact_x=btf(preact_x),
        preact_h=btf(preact_h),
        outputs=model.head(pool_states(layer_in.transpose(0, 1), lengths, cfg.pool)).numpy(),
        preact_c=btf(peep) if peep is not None else None,
        directions=n_dir,
        lengths=lengths.numpy() if lengths is not None else None,
        token_ids=token_ids,
    )
