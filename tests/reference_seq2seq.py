"""Independent references for the seq2seq tests: every number of a decoding recomputed from the equations in plain
torch, and the gradients by autograd through the fused PyTorch modules."""
import numpy as np
import torch

from explorer.data.seq2seq import BOS


def split_grad_norms(model, task, source: str, outputs: list[str]) -> np.ndarray:
    """(D, S) ‖∂(−log p(outputs|x))/∂h_s‖ by autograd through the fused modules: each direction is rebuilt as
    a one-way nn.RNN/LSTM/GRU, run up to step s, its state there given an additive zero δ, and run on."""
    cfg, H = model.cfg, model.cfg.hidden_size
    xs = model.src_embedding.weight[task.source_ids(list(source))].detach()[None]  # (1, S, E)
    S = xs.shape[1]
    rnn_cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cfg.cell]
    one_way = []
    for suffix in ("", "_reverse")[: cfg.directions]:
        m = rnn_cls(cfg.embedding_dim, H, batch_first=True)
        for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(m, f"{k}_l0").data.copy_(getattr(model.encoder, f"{k}_l0{suffix}"))
        one_way.append(m)
    tgt = [task.tgt_vocab.index(t) for t in outputs]
    norms = np.zeros((cfg.directions, S))
    for d in range(cfg.directions):
        for s in range(S):
            runs, finals = [], []
            for dd, m in enumerate(one_way):
                seq = xs if dd == 0 else xs.flip(1)
                if dd != d:
                    out, fin = m(seq)
                else:
                    cut = s + 1 if d == 0 else S - s  # steps up to and including source position s
                    out1, fin1 = m(seq[:, :cut])
                    delta = torch.zeros(H, requires_grad=True)
                    h_s = out1[:, -1] + delta  # (1, H)
                    state = (h_s[None], fin1[1]) if cfg.cell == "lstm" else h_s[None]
                    out2, fin = m(seq[:, cut:], state) if cut < S else (out1[:, :0], state)
                    out = torch.cat([out1[:, :-1], h_s[:, None], out2], 1)
                runs.append(out if dd == 0 else out.flip(1))
                finals.append(fin)
            annotations = torch.cat(runs, -1)  # (1, S, C)
            h_n = torch.cat([f[0] if cfg.cell == "lstm" else f for f in finals])  # (D, 1, H)
            c_n = torch.cat([f[1] for f in finals]) if cfg.cell == "lstm" else None
            enc = model._finish(annotations, torch.ones(1, S, dtype=torch.bool), h_n, c_n)
            logits, _ = model.decode(enc, torch.tensor([[BOS, *tgt[:-1]]]))
            loss = -torch.log_softmax(logits[0], -1)[range(len(tgt)), tgt].sum()
            (g,) = torch.autograd.grad(loss, delta)
            norms[d, s] = g.norm().item()
    return norms


def cell_step(cell, x, h, c, w_ih, w_hh, b_ih, b_hh):
    """One step of PyTorch's RNN (tanh) / LSTM / GRU from its documented equations: (h, c, gates)."""
    if cell == "rnn":
        return torch.tanh(w_ih @ x + b_ih + w_hh @ h + b_hh), None, {}
    if cell == "lstm":
        a_i, a_f, a_g, a_o = (w_ih @ x + b_ih + w_hh @ h + b_hh).chunk(4)
        i, f, g, o = torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g), torch.sigmoid(a_o)
        c = f * c + i * g
        return o * torch.tanh(c), c, {"i": i, "f": f, "g": g, "o": o}
    x_r, x_z, x_n = (w_ih @ x + b_ih).chunk(3)
    h_r, h_z, h_n = (w_hh @ h + b_hh).chunk(3)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h, None, {"r": r, "z": z, "n": n}


def run_direction(model, xs, suffix):
    """Encoder states of one direction over the embedded tokens xs (in the order given)."""
    p = {k: getattr(model.encoder, f"{k}_l0{suffix}") for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    h = c = torch.zeros(model.cfg.hidden_size)
    hs, cs = [], []
    for x in xs:
        h, c, _ = cell_step(model.cfg.cell, x, h, c, p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"])
        hs.append(h)
        cs.append(c)
    return hs, cs


@torch.no_grad()
def recompute(model, task, source: str, outputs: list[str]) -> dict:
    """Every number of the trace, with the decoder fed the trace's own outputs."""
    cfg, V = model.cfg, task.tgt_vocab
    xs = model.src_embedding.weight[task.source_ids(list(source))]  # (S, E)
    fwd, fwd_c = run_direction(model, xs, "")
    ann = torch.stack(fwd)
    summary, h0, c0 = fwd[-1], fwd[-1], fwd_c[-1]
    if cfg.bidirectional:
        bwd, bwd_c = run_direction(model, xs.flip(0), "_reverse")
        bwd, bwd_c = bwd[::-1], bwd_c[::-1]  # back in source order: bwd[0] = ←h_1
        ann = torch.cat([ann, torch.stack(bwd)], 1)
        summary = torch.cat([fwd[-1], bwd[0]])
        h0 = torch.tanh(model.bridge_h.weight @ summary + model.bridge_h.bias)
        if cfg.cell == "lstm":
            c0 = model.bridge_c.weight @ torch.cat([fwd_c[-1], bwd_c[0]]) + model.bridge_c.bias
    s, c = h0, c0
    out = {"annotations": ann, "states": [s], "cells": [c], "scores": [], "attention": [], "context": [],
           "probs": [], "gates": {}}
    att, dec = model.attention, model.decoder
    for y in ["<bos>", *outputs[:-1]]:
        if cfg.attention == "none":
            context = summary
        else:
            if cfg.attention == "additive":
                e = torch.stack([att.v.weight[0] @ torch.tanh(att.W_q.weight @ s + att.W_k.weight @ h) for h in ann])
            elif cfg.attention == "general":
                e = torch.stack([s @ (att.W_a.weight @ h) for h in ann])
            else:
                e = torch.stack([s @ h for h in ann])
            alpha = torch.exp(e) / torch.exp(e).sum()
            context = (alpha[:, None] * ann).sum(0)
            out["scores"].append(e)
            out["attention"].append(alpha)
        x = torch.cat([model.tgt_embedding.weight[V.index(y)], context])
        s, c, gates = cell_step(cfg.cell, x, s, c, dec.weight_ih, dec.weight_hh, dec.bias_ih, dec.bias_hh)
        logits = model.out.weight @ torch.cat([s, context]) + model.out.bias
        p = torch.exp(logits) * torch.tensor([0.0, 0.0] + [1.0] * (len(V) - 2))  # <pad>, <bos>: never
        out["probs"].append(p / p.sum())
        out["context"].append(context)
        out["states"].append(s)
        out["cells"].append(c)
        for k, v in gates.items():
            out["gates"].setdefault(k, []).append(v)
    return out
