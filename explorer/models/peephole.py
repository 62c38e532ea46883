"""The peephole LSTM (Gers, Schraudolph & Schmidhuber 2002), which PyTorch does not have, as a torch module
written from its equations, with nn.LSTM's interface, parameter names and shapes plus the peepholes.

    i = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi + w_ci ⊙ c_{t−1})
    f = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf + w_cf ⊙ c_{t−1})
    g = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)
    c_t = f ⊙ c_{t−1} + i ⊙ g
    o = σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho + w_co ⊙ c_t)
    h_t = o ⊙ tanh(c_t)

The peepholes w_ci, w_cf, w_co (H,) are diagonal: each gate of unit k sees only that unit's cell c[k]. The input
and forget gates look at the previous cell state, the output gate at the new one. The backward direction of a
bidirectional layer runs the same equations from t = T down to 1, with h_{t+1}, c_{t+1} in place of h_{t−1}, c_{t−1}.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .backward import backward_layer, lstm_derivatives, prev_step
from .cells import peephole_cell

PEEPHOLES = ("weight_ci", "weight_cf", "weight_co")
WEIGHTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", *PEEPHOLES)  # per layer and direction, in this order


class _Chain(torch.autograd.Function):
    """One layer in one direction. Forward: the hand-written cell step by step (the same `peephole_cell` that
    trace.unroll records with); backward: the hand-written BPTT of models.backward and one matrix product per
    weight, instead of autograd's graph of ~10 small operations per step (about 3x faster on CPU)."""

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_ci, w_cf, w_co, reverse: bool, lengths):
        """x (T, B, I), h0 and c0 (B, H) -> h_t for every t (T, B, H) in time order, h_n, c_n (B, H).

        lengths (B,) or None: each sequence's real length; its steps beyond are padding, where h and c stay 0 (so
        that the backward direction starts from zero at the sequence's own last step, as on a packed batch) and
        h_n, c_n are the states at the sequence's last step of processing."""
        t_len, b = x.shape[:2]
        n = w_hh.shape[1]
        xs = x.flip(0) if reverse else x  # the order of processing
        valid = None if lengths is None else _valid(lengths, t_len, reverse, x.dtype)  # (T, B, 1) processing order
        pre = torch.addmm(b_ih + b_hh, xs.flatten(0, 1), w_ih.T).view(t_len, b, 4 * n)  # (T, B, 4H), all t at once
        hs, cs, acts = x.new_empty(t_len, b, n), x.new_empty(t_len, b, n), x.new_empty(t_len, b, 4 * n)
        # Per-step views, made once: the loop then runs eleven small operations a step and no slicing.
        pre_t, pre_blocks = pre.unbind(0), [blk.unbind(0) for blk in pre.chunk(4, dim=-1)]
        act_blocks = [blk.unbind(0) for blk in acts.chunk(4, dim=-1)]
        w_hh_t = w_hh.T
        h, c = h0, c0
        valid_t = valid.unbind(0) if valid is not None else None
        for t, (h_t, c_t) in enumerate(zip(hs.unbind(0), cs.unbind(0))):
            pre_t[t].addmm_(h, w_hh_t)
            peephole_cell([blk[t] for blk in pre_blocks], c, w_ci, w_cf, w_co, h_t, c_t, [blk[t] for blk in act_blocks])
            if valid_t is not None:  # padding: the state stays 0
                h_t.mul_(valid_t[t])
                c_t.mul_(valid_t[t])
            h, c = h_t, c_t
        last = None
        if lengths is not None and not reverse:  # a sequence's last step of processing is its own last step
            last = (torch.as_tensor(lengths) - 1).clamp(min=0)
            h, c = hs[last, torch.arange(b)], cs[last, torch.arange(b)]
        ctx.save_for_backward(xs, h0, c0, w_ih, w_hh, w_ci, w_cf, w_co, hs, cs, acts)
        ctx.reverse, ctx.valid, ctx.last = reverse, valid, last
        return (hs.flip(0) if reverse else hs), h.clone(), c.clone()

    @staticmethod
    def backward(ctx, g_out, g_hn, g_cn):
        xs, h0, c0, w_ih, w_hh, w_ci, w_cf, w_co, hs, cs, acts = ctx.saved_tensors
        direct = (g_out.flip(0) if ctx.reverse else g_out).clone(memory_format=torch.contiguous_format)  # (T, B, H)
        if ctx.last is None:
            direct[-1] += g_hn
            carry = g_cn.clone()
        else:  # h_n and c_n were taken at each sequence's own last step
            direct[ctx.last, torch.arange(direct.shape[1])] += g_hn
            if g_cn.any():
                raise RuntimeError("gradients through c_n of a batch with lengths are not supported")
            carry = torch.zeros_like(c0)
        c_prev = prev_step(cs, c0)
        d = lstm_derivatives(*acts.chunk(4, dim=-1), cs, c_prev, peephole=True)
        if ctx.valid is not None:
            d["valid"] = ctx.valid
        dh = direct.new_empty(len(direct) + 1, *direct.shape[1:])
        dh[-1] = 0.0
        da = backward_layer("peephole", w_hh, d, direct, dh, (w_ci, w_cf, w_co), carry)  # (T, B, 4H)
        flat = da.flatten(0, 1)
        g_x = da @ w_ih
        da_i, da_f, _, da_o = da.chunk(4, dim=-1)
        g_b = flat.sum(0)
        return ((g_x.flip(0) if ctx.reverse else g_x), da[0] @ w_hh, carry,
                flat.T @ xs.flatten(0, 1), flat.T @ prev_step(hs, h0).flatten(0, 1), g_b, g_b,
                (da_i * c_prev).sum((0, 1)), (da_f * c_prev).sum((0, 1)), (da_o * cs).sum((0, 1)), None, None)


def _valid(lengths: Tensor, t_len: int, reverse: bool, dtype: torch.dtype) -> Tensor:
    """(T, B, 1): 1 at the real steps of each sequence, 0 on its padding, in the order of processing."""
    mask = (torch.arange(t_len)[:, None] < torch.as_tensor(lengths)[None]).to(dtype)[..., None]
    return mask.flip(0) if reverse else mask


class PeepholeLSTM(nn.Module):
    """Like nn.LSTM(batch_first=True): forward(x (B, T, I), (h_0, c_0) or None) -> (out (B, T, D·H), (h_n, c_n)),
    h_n and c_n (L·D, B, H). Parameters per layer k and direction: weight_ih_l{k} (4H, I_k), weight_hh_l{k} (4H, H),
    bias_ih_l{k}, bias_hh_l{k} (4H,) with the gates stacked i, f, g, o, and weight_ci_l{k}, weight_cf_l{k},
    weight_co_l{k} (H,); the backward direction's carry the suffix "_reverse"."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, dropout: float = 0.0,
                 bidirectional: bool = False, batch_first: bool = True):
        super().__init__()
        if not batch_first:
            raise ValueError("PeepholeLSTM is batch_first only")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.dropout, self.bidirectional = dropout, bidirectional
        directions = 2 if bidirectional else 1
        h = hidden_size
        for layer in range(num_layers):
            width = input_size if layer == 0 else directions * h
            for suffix in ("", "_reverse")[:directions]:
                shapes = dict(zip(WEIGHTS, [(4 * h, width), (4 * h, h), (4 * h,), (4 * h,), (h,), (h,), (h,)]))
                for name, shape in shapes.items():  # initialised by models.recurrent.build_model
                    self.register_parameter(f"{name}_l{layer}{suffix}", nn.Parameter(torch.zeros(shape)))

    def forward(self, x: Tensor, state: tuple[Tensor, Tensor] | None = None,
                lengths: Tensor | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """lengths (B,): the real length of each sequence of a padded batch (what nn.LSTM reads from a packed
        sequence): the output is 0 past each end, and each direction starts at the sequence's own end."""
        directions = 2 if self.bidirectional else 1
        b = x.shape[0]
        if lengths is not None and state is not None:
            raise ValueError("a batch with lengths starts from the zero state")
        if state is None:
            zeros = x.new_zeros(self.num_layers * directions, b, self.hidden_size)
            state = (zeros, zeros)
        layer_in = x.transpose(0, 1)  # (T, B, I)
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs = []
            for d, suffix in enumerate(("", "_reverse")[:directions]):
                k = layer * directions + d  # nn.LSTM's order of h_n: layer by layer, forward then backward
                w = [getattr(self, f"{name}_l{layer}{suffix}") for name in WEIGHTS]
                hs, h, c = _Chain.apply(layer_in, state[0][k], state[1][k], *w, d == 1, lengths)
                outs.append(hs)
                h_n.append(h)
                c_n.append(c)
            layer_in = torch.cat(outs, dim=-1) if directions == 2 else outs[0]  # (T, B, D·H)
            if layer < self.num_layers - 1 and self.dropout > 0:
                layer_in = F.dropout(layer_in, self.dropout, self.training)
        return layer_in.transpose(0, 1), (torch.stack(h_n), torch.stack(c_n))
