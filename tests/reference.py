"""Independent reference computations for the tests: PyTorch's own single-step cell kernels, a plain-torch
peephole LSTM written separately from explorer's, and autograd; and a reader of the numbers in the HTML equations."""
import re

import torch

from explorer.models.recurrent import RecurrentModel


def peephole_step(x, h, c, w_ih, w_hh, b_ih, b_hh, w_ci, w_cf, w_co):
    """One step of the peephole LSTM (Gers, Schraudolph & Schmidhuber 2002), straight from the equations, gate by
    gate (an independent re-implementation: explorer's own code works on the stacked blocks)."""
    w_ii, w_if, w_ig, w_io = w_ih.chunk(4)
    w_hi, w_hf, w_hg, w_ho = w_hh.chunk(4)
    b_i, b_f, b_g, b_o = (b_ih + b_hh).chunk(4)
    i = torch.sigmoid(x @ w_ii.T + h @ w_hi.T + b_i + w_ci * c)
    f = torch.sigmoid(x @ w_if.T + h @ w_hf.T + b_f + w_cf * c)
    g = torch.tanh(x @ w_ig.T + h @ w_hg.T + b_g)
    c_new = f * c + i * g
    o = torch.sigmoid(x @ w_io.T + h @ w_ho.T + b_o + w_co * c_new)
    return o * torch.tanh(c_new), c_new


def reference_layers(model: RecurrentModel, x: torch.Tensor) -> list[list[list[torch.Tensor]]]:
    """h_t of every layer and direction, [layer][direction][t] each (B, H), computed with torch's fused
    single-step kernels (torch.lstm_cell, torch.gru_cell, torch.rnn_*_cell) or `peephole_step`; the backward
    direction runs from t = T down to 1. Differentiable."""
    cfg = model.cfg
    b, t_len, _ = x.shape
    inp, layers = x, []
    for l in range(cfg.num_layers):
        per_dir = []
        for d in range(cfg.directions):
            w = model.recurrent_weights(l, d)
            args = (w["weight_ih"], w["weight_hh"], w["bias_ih"], w["bias_hh"])
            h = c = torch.zeros(b, cfg.hidden_size)
            hs = [None] * t_len
            for t in (range(t_len) if d == 0 else reversed(range(t_len))):
                if cfg.cell == "lstm":
                    h, c = torch.lstm_cell(inp[:, t], (h, c), *args)
                elif cfg.cell == "peephole":
                    h, c = peephole_step(inp[:, t], h, c, *args, w["weight_ci"], w["weight_cf"], w["weight_co"])
                elif cfg.cell == "gru":
                    h = torch.gru_cell(inp[:, t], h, *args)
                elif cfg.nonlinearity == "tanh":
                    h = torch.rnn_tanh_cell(inp[:, t], h, *args)
                else:
                    h = torch.rnn_relu_cell(inp[:, t], h, *args)
                hs[t] = h
            per_dir.append(hs)
        layers.append(per_dir)
        inp = torch.cat([torch.stack(hs, 1) for hs in per_dir], dim=-1)  # (B, T, D·H)
    return layers


def reference_forward(model: RecurrentModel, x: torch.Tensor) -> torch.Tensor:
    """The model's outputs (B, T, O) through `reference_layers`."""
    top = reference_layers(model, x)[-1]
    return model.head(torch.cat([torch.stack(hs, 1) for hs in top], dim=-1))


def autograd_hidden_grads(model: RecurrentModel, x: torch.Tensor, loss_fn) -> torch.Tensor:
    """(L, B, T, D·H): ∂L/∂h_t of every layer (both directions, [forward, backward]) by autograd through
    `reference_layers`."""
    layers = reference_layers(model, x)
    top = torch.cat([torch.stack(hs, 1) for hs in layers[-1]], dim=-1)
    flat = [h for per_dir in layers for hs in per_dir for h in hs]
    grads = iter(torch.autograd.grad(loss_fn(model.head(top)), flat, allow_unused=True))
    out = []
    for per_dir in layers:
        out.append(torch.cat([torch.stack([next(grads) for _ in hs], 1) for hs in per_dir], dim=-1))
    return torch.stack(out)


def autograd_jacobian(model: RecurrentModel, x: torch.Tensor, t: int) -> torch.Tensor:
    """(H, H): ∂h_T/∂h_t of a single-layer model on one sample (x: (1, T, I)), by torch.autograd.functional."""
    h0 = model.rnn(x[:, : t + 1])[0][0, -1].detach()  # h_t

    def run_from(h_t):
        state = h_t.view(1, 1, -1)
        if model.cfg.cell == "lstm":
            raise NotImplementedError("the LSTM state is (h, c): use a GRU or RNN here")
        return model.rnn(x[:, t + 1 :], state)[0][0, -1]

    return torch.autograd.functional.jacobian(run_from, h0)


def html_number(text: str) -> float:
    """A number as equations.number writes it: "0.1234", "(-0.5)" or "1.2×10<sup>-5</sup>"."""
    text = text.strip().strip("()")
    m = re.fullmatch(r"(-?[\d.]+)×10<sup>(-?\d+)</sup>", text)
    return float(m[1]) * 10 ** int(m[2]) if m else float(text)
