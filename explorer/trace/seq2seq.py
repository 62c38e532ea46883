"""The decoding trace: everything an encoder–decoder computes while it translates one typed source,
recorded step by step into plain numpy data for the views (the alignment heatmap, the context vector,
the decoder state and gates, the top-k next tokens, the equation of one attention score).

Decoding is greedy (the trace follows the most probable token); a beam search of the chosen width runs
alongside and its k best outputs are listed. `DecodeTrace.to_json()` is the payload a page draws from.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..config import MAX_BEAM, check_int
from ..data.seq2seq import BOS, EOS, PAD, Seq2SeqTask
from ..models.cells import gru_cell, lstm_cell, lstm_steps, rnn_cell
from ..models.seq2seq import Seq2Seq, beam_decode, source_mask

GATES = {"rnn": (), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
MAX_TOP_K = 20


@dataclass
class DecodeTrace:
    """One source translated greedily in J output steps (j = 1..J is row j − 1 of every (J, ·) array)."""

    cell: str                       # "rnn" | "lstm" | "gru" (encoder and decoder)
    attention_kind: str             # "none" | "additive" | "dot" | "general"
    source: list[str]               # (S,) source tokens
    target_vocab: list[str]         # (V,) index = token id
    inputs: list[str]               # (J,) the decoder input at step j: "<bos>", then the previous output
    outputs: list[str]              # (J,) the token chosen at step j; the last is "<eos>" unless the cap was hit
    annotations: np.ndarray         # (S, C) encoder states h_s (C = H; 2H = [→h_s; ←h_s] when bidirectional)
    scores: np.ndarray | None       # (J, S) attention scores e_js (None for attention "none")
    attention: np.ndarray | None    # (J, S) weights α_js, each row sums to 1 (the alignment matrix)
    context: np.ndarray             # (J, C) context c_j (attention "none": the encoder's last state)
    states: np.ndarray              # (J + 1, H) decoder states s_0 (from the encoder) .. s_J
    cells: np.ndarray | None        # (J + 1, H) LSTM cell states c_0 .. c_J (None for RNN/GRU)
    gates: dict[str, np.ndarray]    # decoder gates at each step, name -> (J, H): LSTM i f g o, GRU r z n, RNN none
    probs: np.ndarray               # (J, V) p(y_j = v | y_<j, x)
    top_tokens: list[list[str]]     # (J, k) the k most probable tokens at step j, best first
    top_probs: np.ndarray           # (J, k) their probabilities
    log_prob: float                 # log p(outputs | x) = Σ_j log probs[j, outputs[j]]
    grad_norms: np.ndarray          # (D, S) ‖∂(−log p(outputs | x))/∂h_s‖ per encoder direction (→, ←) and step s
    beam: list[tuple[list[str], float, bool]]  # beam search: (tokens, log p, ended with <eos>), best first
    reference: list[str] | None     # the correct output when the task can compute it (reverse, sort), else None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (arrays as nested lists of floats)."""
        def arr(a):
            return None if a is None else np.asarray(a, dtype=np.float64).tolist()

        return {
            "cell": self.cell, "attention_kind": self.attention_kind, "source": self.source,
            "target_vocab": self.target_vocab, "inputs": self.inputs, "outputs": self.outputs,
            "annotations": arr(self.annotations), "scores": arr(self.scores), "attention": arr(self.attention),
            "context": arr(self.context), "states": arr(self.states), "cells": arr(self.cells),
            "gates": {k: arr(v) for k, v in self.gates.items()}, "probs": arr(self.probs),
            "top_tokens": self.top_tokens, "top_probs": arr(self.top_probs), "log_prob": self.log_prob,
            "grad_norms": arr(self.grad_norms),
            "beam": [{"tokens": t, "log_prob": lp, "finished": f} for t, lp, f in self.beam],
            "reference": self.reference,
        }


def _cell_step(model: Seq2Seq, x: torch.Tensor, s: torch.Tensor, c: torch.Tensor | None):
    """One decoder step with the hand-written cells (explorer.models.cells): (s_j, c_j, {gate: (1, H)})."""
    cell, w = model.cfg.cell, model.decoder
    xp = x @ w.weight_ih.T + w.bias_ih  # (1, G·H)
    hp = s @ w.weight_hh.T + w.bias_hh
    h_out, c_out = torch.empty_like(s), torch.empty_like(s)
    acts = torch.empty_like(xp)
    if cell == "lstm":
        torch.add(xp, hp, out=acts)  # activated in place into i, f, g, o
        lstm_cell(lstm_steps(acts[None])[0], c, h_out, c_out)
    elif cell == "gru":
        gru_cell(xp, hp, s, h_out, acts)
    else:
        rnn_cell(xp + hp, "tanh", h_out)
    names = GATES[cell]
    gates = dict(zip(names, acts.chunk(len(names), -1))) if names else {}
    return h_out, (c_out if cell == "lstm" else None), gates


def encoder_grad_norms(model: Seq2Seq, src: torch.Tensor, lengths: torch.Tensor, tgt_in: torch.Tensor,
                       tgt_out: torch.Tensor, reduction: str = "mean") -> np.ndarray:
    """(D, S): ‖∂L/∂h_s‖ for every encoder direction and source position, the norm taken over the batch and
    the units (0 at padding). L is the cross-entropy of the targets under teacher forcing ("mean" per target
    token: the training loss; "sum": −log p(targets | x)). ∂L/∂h_s is the total derivative: through the
    attention to h_s directly and through every later encoder state."""
    with torch.enable_grad():
        enc, states = model.encode_stepwise(src, lengths)
        logits, _ = model.decode(enc, tgt_in)
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), tgt_out.flatten(), ignore_index=PAD,
                                                 reduction=reduction)
        flat = [h for hs in states for h in hs]
        grads = torch.autograd.grad(loss, flat, allow_unused=True)
    s_len = src.shape[1]
    norms = np.zeros((len(states), s_len))
    mask = source_mask(src, lengths)  # (B, S)
    for i, g in enumerate(grads):
        d, s = divmod(i, s_len)
        if g is not None:
            norms[d, s] = g.double()[mask[:, s]].pow(2).sum().sqrt().item()
    return norms


@torch.no_grad()
def decode_trace(model: Seq2Seq, task: Seq2SeqTask, source: str, top_k: int = 5, beam_width: int = 3) -> DecodeTrace:
    """Translate a typed source greedily and record every step. ValueError (a sentence a UI can show) if the
    source is empty, holds characters the model never saw, or is longer than any training source."""
    check_int("top_k", top_k, 1, MAX_TOP_K)
    check_int("beam width", beam_width, 1, MAX_BEAM)
    tokens = task.encode_source(source)
    model.eval()
    ids = torch.tensor([task.source_ids(tokens)])  # (1, S)
    length = torch.tensor([len(tokens)])
    enc = model.encode(ids, length)
    max_len = task.max_tgt_len + 1
    vocab = task.tgt_vocab
    s, c = enc.state
    y = torch.tensor([BOS])
    rows: dict[str, list] = {k: [] for k in ("scores", "attention", "context", "states", "cells", "probs", "out")}
    rows["states"].append(s[0])
    rows["cells"].append(None if c is None else c[0])
    gates: dict[str, list] = {g: [] for g in GATES[model.cfg.cell]}
    inputs = []
    for _ in range(max_len):
        inputs.append(vocab[y.item()])
        if model.attention is not None:
            context, alpha, scores = model.attention(s, enc)  # (1, C), (1, S), (1, S)
            rows["scores"].append(scores[0])
            rows["attention"].append(alpha[0])
        else:
            context = enc.summary
        x = torch.cat([model.tgt_embedding(y), context], -1)  # (1, E + C)
        s, c, g = _cell_step(model, x, s, c)
        probs = torch.softmax(model.output_logits(s, context), -1)[0]  # (V,)
        for name, v in g.items():
            gates[name].append(v[0])
        rows["context"].append(context[0])
        rows["states"].append(s[0])
        rows["cells"].append(None if c is None else c[0])
        rows["probs"].append(probs)
        y = probs.argmax()[None]
        rows["out"].append(y.item())
        if y.item() == EOS:
            break
    probs = torch.stack(rows["probs"]).numpy()  # (J, V)
    outputs = rows["out"]
    k = min(top_k, len(vocab) - 2)  # <pad> and <bos> always have probability 0
    top = np.argsort(-probs, axis=1, kind="stable")[:, :k]  # (J, k)
    has_attention = model.attention is not None
    grads = encoder_grad_norms(model, ids, length, torch.tensor([[BOS, *outputs[:-1]]]), torch.tensor([outputs]),
                               reduction="sum")
    hyps = beam_decode(model, ids, len(tokens), beam_width, max_len)
    return DecodeTrace(
        cell=model.cfg.cell, attention_kind=model.cfg.attention, source=tokens, target_vocab=list(vocab),
        inputs=inputs, outputs=[vocab[i] for i in outputs],
        annotations=enc.annotations[0].numpy(),
        scores=torch.stack(rows["scores"]).numpy() if has_attention else None,
        attention=torch.stack(rows["attention"]).numpy() if has_attention else None,
        context=torch.stack(rows["context"]).numpy(), states=torch.stack(rows["states"]).numpy(),
        cells=torch.stack(rows["cells"]).numpy() if c is not None else None,
        gates={name: torch.stack(v).numpy() for name, v in gates.items()},
        probs=probs, top_tokens=[[vocab[i] for i in row] for row in top],
        top_probs=np.take_along_axis(probs, top, 1),
        log_prob=float(np.log(probs[np.arange(len(outputs)), outputs].astype(np.float64)).sum()),
        grad_norms=grads,
        beam=[([vocab[i] for i in h.tokens], h.log_prob, h.finished) for h in hyps],
        reference=task.reference(tokens),
    )


@dataclass
class ScoreTerms:
    """The attention score e_js of one (output step j, source position s) pair, written out term by term."""

    kind: str                    # "additive" | "dot" | "general"
    j: int                       # output step, 1-based (the query is s_{j−1})
    s: int                       # source position, 1-based
    query: np.ndarray            # (H,) s_{j−1}
    key: np.ndarray              # (C,) h_s
    parts: dict[str, np.ndarray]  # additive: "W_q s", "W_k h", "W_q s + W_k h", "tanh", "v";
    #                               general: "W_a h"; every kind: "terms" (its sum is the score)
    score: float                 # e_js = Σ terms
    denominator: float           # Σ_{s' real} exp(e_js')
    weight: float                # α_js = exp(e_js) / denominator

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "j": self.j, "s": self.s, "query": self.query.tolist(), "key": self.key.tolist(),
                "parts": {k: v.tolist() for k, v in self.parts.items()}, "score": self.score,
                "denominator": self.denominator, "weight": self.weight}


@torch.no_grad()
def score_terms(model: Seq2Seq, trace: DecodeTrace, j: int, s: int) -> ScoreTerms:
    """The pieces of e_js = score(s_{j−1}, h_s) in `trace` (j, s 1-based), from the model's own weights:
    additive vᵀ tanh(W_q s_{j−1} + W_k h_s), dot s_{j−1}ᵀ h_s, general s_{j−1}ᵀ W_a h_s."""
    if trace.attention is None:
        raise ValueError("This model has no attention (its context is the encoder's last state): "
                         "there is no score to write out.")
    check_int("j", j, 1, len(trace.outputs))
    check_int("s", s, 1, len(trace.source))
    q = torch.from_numpy(trace.states[j - 1]).double()  # s_{j−1}
    h = torch.from_numpy(trace.annotations[s - 1]).double()
    att = model.attention
    parts: dict[str, torch.Tensor] = {}
    if att.kind == "additive":
        parts["W_q s"] = att.W_q.weight.double() @ q
        parts["W_k h"] = att.W_k.weight.double() @ h
        parts["W_q s + W_k h"] = parts["W_q s"] + parts["W_k h"]
        parts["tanh"] = torch.tanh(parts["W_q s + W_k h"])
        parts["v"] = att.v.weight.double()[0]
        parts["terms"] = parts["v"] * parts["tanh"]
    elif att.kind == "general":
        parts["W_a h"] = att.W_a.weight.double() @ h
        parts["terms"] = q * parts["W_a h"]
    else:
        parts["terms"] = q * h
    score = float(parts["terms"].sum())
    denominator = math.fsum(math.exp(e) for e in trace.scores[j - 1].astype(np.float64))
    return ScoreTerms(att.kind, j, s, q.numpy(), h.numpy(), {k: v.numpy() for k, v in parts.items()},
                      score, denominator, math.exp(score) / denominator)
