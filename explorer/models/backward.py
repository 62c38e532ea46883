"""The backward pass through time of each cell, on plain tensors: the per-step local derivatives of one layer in one
direction, and the loop that carries ∂L/∂h_t (and ∂L/∂c_t) from the last step of processing back to the first.

Used by explorer.trace.gradients (per-step gradients of a recorded trace, saliency, Jacobian norms) and by the
peephole LSTM's own backward (explorer.models.peephole). Every tensor is time-major, (T, ·, ·), in the order the
direction processes its steps: "t − 1" is the step processed before t (for the backward direction of a
bidirectional layer, the later one in time).
"""
from __future__ import annotations

import torch
from torch import Tensor


def prev_step(a: Tensor, first: Tensor | None = None) -> Tensor:
    """(T, ·, ·) -> the value at the previous step of processing for each step (`first`, default zeros, at the first)."""
    return torch.cat([torch.zeros_like(a[:1]) if first is None else first[None], a[:-1]])


def next_step(a: Tensor) -> Tensor:
    """(T, ·, ·) -> the value at the next step of processing for each step (zeros at the last)."""
    return torch.cat([a[1:], torch.zeros_like(a[:1])])


def rnn_derivatives(h: Tensor, nonlinearity: str) -> dict[str, Tensor]:
    """Vanilla RNN: da_t = dh_t ⊙ φ'(a_t), from h_t = φ(a_t) (T, B, H)."""
    return {"da": 1.0 - h * h if nonlinearity == "tanh" else (h > 0).to(h.dtype)}


def lstm_derivatives(i: Tensor, f: Tensor, g: Tensor, o: Tensor, c: Tensor, c_prev: Tensor,
                     peephole: bool) -> dict[str, Tensor]:
    """LSTM: da_t = [dc_t, dc_t, dc_t, dh_t] ⊙ [g·i(1−i), c_{t−1}·f(1−f), i(1−g²), tanh(c_t)·o(1−o)],
    dc_t = dh_t ⊙ o(1 − tanh² c_t) + dc_{t+1} ⊙ f_{t+1}.

    Peephole LSTM: da_o = dh_t ⊙ tanh(c_t)·o(1−o);  dc_t = dh_t ⊙ o(1 − tanh² c_t) + da_o ⊙ w_co + carry_{t+1};
    [da_i, da_f, da_g] = [dc_t, dc_t, dc_t] ⊙ [g·i(1−i), c_{t−1}·f(1−f), i(1−g²)];
    carry_t = dc_t ⊙ f_t + da_i ⊙ w_ci + da_f ⊙ w_cf (what c_{t−1} receives from step t). All inputs (T, B, H).
    """
    tc = torch.tanh(c)
    da = [g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g), tc * o * (1 - o)]
    if peephole:
        return {**dict(zip(("di", "df", "dg", "do"), da)), "dc_dh": o * (1 - tc * tc), "f": f}
    return {"da": torch.cat(da, -1), "dc_dh": o * (1 - tc * tc), "f_next": next_step(f)}


def gru_derivatives(h: Tensor, r: Tensor, z: Tensor, n: Tensor, hn: Tensor) -> dict[str, Tensor]:
    """GRU (PyTorch's form): da_t = [dh_t, dh_t, dh_t] ⊙ [K·hn·r(1−r), (h_{t−1} − n)·z(1−z), K], K = (1−z)(1−n²),
    hn = W_hn h_{t−1} + b_hn; into h_{t−1} the n block flows through r (K·r), and directly through z."""
    k = (1 - z) * (1 - n * n)
    a_r, a_z = k * hn * r * (1 - r), (prev_step(h) - n) * z * (1 - z)
    return {"da": torch.cat([a_r, a_z, k], -1), "da_hh_next": next_step(torch.cat([a_r, a_z, k * r], -1)),
            "z_next": next_step(z)}


def _rep3(a: Tensor) -> Tensor:
    return torch.cat([a, a, a], -1)


def backward_layer(cell: str, w_hh: Tensor, d: dict[str, Tensor], direct: Tensor, dh: Tensor,
                   peepholes: tuple[Tensor, Tensor, Tensor] | None = None, carry: Tensor | None = None) -> Tensor:
    """Backpropagate through time in one layer and direction, from its last step of processing to its first.

    direct (T, *S, H): ∂L/∂h_t through everything but this recurrence (the head, the layer above), in the order of
    processing (as `d`, the `*_derivatives` above, whose entries (T, ·, ·) broadcast against it: S is the batch,
    or seeds per sample laid out around the batch axis). dh (T + 1, *S, H) with dh[T] = 0 (nothing flows back
    from beyond the sequence): receives the total ∂L/∂h_t. peepholes: (w_ci, w_cf, w_co) of a peephole LSTM;
    its `carry` (*S, H), if given, holds ∂L/∂c from beyond the last step and receives ∂L/∂c of the state before
    the first step. An entry "valid" of `d` (T, ·, 1), 1 on real steps and 0 on padding, stops every derivative
    on the padding (a padded batch read as a packed one: each direction starts from zero at the sequence's end).
    Returns ∂L/∂a_t (T, *S, G·H), a_t the gate pre-activations: ∂L/∂x_t = ∂L/∂a_t W_ih.
    """
    t_len, n = direct.shape[0], direct.shape[-1]
    da_all = direct.new_empty(t_len + 1, *direct.shape[1:-1], w_hh.shape[0])
    da_all[-1] = 0.0  # nothing flows back from beyond the sequence; every other step is written below
    # Per-step views, made once: indexing a tensor inside the loop costs as much as a small op. The matrix
    # products see every step's rows flattened into one matrix.
    da, dh_t, direct_t = da_all.unbind(0), dh.unbind(0), direct.unbind(0)
    da_2d, dh_2d, direct_2d = (da, dh_t, direct_t) if direct.ndim == 3 else (
        [v.view(-1, v.shape[-1]) for v in a] for a in (da, dh_t, direct_t))
    valid = d["valid"].unbind(0) if "valid" in d else None  # per step (·, 1), or None
    dc = torch.zeros_like(direct[0]) if carry is None else carry  # LSTM: total ∂L/∂c_{t+1}; peephole: the carry
    if cell == "lstm":
        return _backward_lstm(w_hh, d, (direct_2d, dh_t, dh_2d, da_2d, valid), da_all, dc)
    ds = {k: v.unbind(0) for k, v in d.items()}
    if cell == "peephole":
        w_ci, w_cf, w_co = peepholes
        da_i, da_f, da_g, da_o = (b.unbind(0) for b in da_all.chunk(4, dim=-1))  # per-step views of each block
    for t in reversed(range(t_len)):
        if cell == "gru":
            via_z = torch.addcmul(direct_t[t], dh_t[t + 1], ds["z_next"][t])
            torch.addmm(via_z.view(-1, n), (_rep3(dh_t[t + 1]) * ds["da_hh_next"][t]).view(-1, 3 * n), w_hh,
                        out=dh_2d[t])
            if valid is not None:
                dh_t[t].mul_(valid[t])
            torch.mul(_rep3(dh_t[t]), ds["da"][t], out=da[t])
            continue
        torch.addmm(direct_2d[t], da_2d[t + 1], w_hh, out=dh_2d[t])
        if valid is not None:
            dh_t[t].mul_(valid[t])
        if cell == "peephole":  # ten small operations a step: this loop is the peephole LSTM's training backward
            torch.mul(dh_t[t], ds["do"][t], out=da_o[t])
            dc_t = torch.addcmul(dc, da_o[t], w_co).addcmul_(dh_t[t], ds["dc_dh"][t])
            if valid is not None:
                dc_t.mul_(valid[t])
            for out, coef in ((da_i, "di"), (da_f, "df"), (da_g, "dg")):
                torch.mul(dc_t, ds[coef][t], out=out[t])
            dc = torch.mul(dc_t, ds["f"][t]).addcmul_(da_i[t], w_ci).addcmul_(da_f[t], w_cf)
        else:
            torch.mul(dh_t[t], ds["da"][t], out=da[t])
    if carry is not None and dc is not carry:
        carry.copy_(dc)
    return da_all[:-1]


def _backward_lstm(w_hh: Tensor, d: dict[str, Tensor], views: tuple, da_all: Tensor, dc: Tensor) -> Tensor:
    """`backward_layer` for the LSTM: the same arithmetic, written for speed (this loop is most of the probe's
    cost, and each torch call costs more than its arithmetic): every per-step view made before the loop, ∂L/∂c_t
    updated in place, ∂L/∂a_t written block by block into its buffer (no concatenation, no temporaries).
    views: `backward_layer`'s per-step views (direct_2d, dh_t, dh_2d, da_2d, valid); dc (*S, H) zeros."""
    direct_2d, dh_t, dh_2d, da_2d, valid = views
    h = dh_t[0].shape[-1]
    blocks = da_all.unflatten(-1, (4, h))        # (T + 1, *S, 4, H): the i, f, g, o blocks of ∂L/∂a_t
    local = d["da"].unflatten(-1, (4, h))        # (T, B, 1…, 4, H): their local derivatives
    da_ifg, da_o = blocks[..., :3, :].unbind(0), blocks[..., 3, :].unbind(0)
    d_ifg, d_o = local[..., :3, :].unbind(0), local[..., 3, :].unbind(0)
    f_next, dc_dh = d["f_next"].unbind(0), d["dc_dh"].unbind(0)
    dc3 = dc.unsqueeze(-2)  # (*S, 1, H): a view of dc, which is updated in place
    for t in reversed(range(len(direct_2d))):
        torch.addmm(direct_2d[t], da_2d[t + 1], w_hh, out=dh_2d[t])
        if valid is not None:  # the padding passes no derivative
            dh_t[t].mul_(valid[t])
        dc.mul_(f_next[t]).addcmul_(dh_t[t], dc_dh[t])  # dc_t = dc_{t+1} ⊙ f_{t+1} + dh_t ⊙ o(1 − tanh² c_t)
        if valid is not None:
            dc.mul_(valid[t])
        torch.mul(d_ifg[t], dc3, out=da_ifg[t])          # i, f, g blocks: dc_t times their local derivative
        torch.mul(d_o[t], dh_t[t], out=da_o[t])           # o block: dh_t times its local derivative
    return da_all[:-1]
