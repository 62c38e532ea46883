"""An independent reference for the seq2seq gradient tests: autograd through the fused PyTorch modules."""
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
