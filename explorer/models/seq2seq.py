"""An encoder–decoder with attention (Bahdanau, Cho & Bengio 2015; Luong, Pham & Manning 2015).

Encoder: an nn.RNN / nn.LSTM / nn.GRU (one layer, optionally bidirectional) over the source embeddings;
its outputs are the annotations h_s (B, S, C), C = H, or 2H = [→h_s; ←h_s] when bidirectional.
Bridge: a unidirectional encoder hands its last state to the decoder as is (s_0 = →h_S, and c_0 = →c_S
for an LSTM); a bidirectional one through a learned layer, s_0 = tanh(W_b [→h_S; ←h_1] + b_b) and for an
LSTM c_0 = W_c [→c_S; ←c_1] + b_c (as in Bahdanau et al., who start the decoder from ←h_1 through tanh).

Decoder step j (one cell of the same family, Bahdanau's layout for every kind of attention):
    e_js = score(s_{j−1}, h_s)        additive: vᵀ tanh(W_q s_{j−1} + W_k h_s)        (Bahdanau)
                                      dot:      s_{j−1}ᵀ h_s                           (Luong)
                                      general:  s_{j−1}ᵀ W_a h_s                       (Luong)
    α_j = softmax_s(e_js)  over the real source positions (padding gets exactly 0)
    c_j = Σ_s α_js h_s                (attention "none": c_j = the encoder's last state, →h_S or [→h_S; ←h_1])
    s_j = cell([emb(y_{j−1}); c_j], s_{j−1})
    p(y_j | y_<j, x) = softmax(W_o [s_j; c_j] + b_o)   (over the target tokens and <eos>: <pad> and <bos>,
                                                      never targets, get probability 0)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..config import MAX_BEAM, Seq2SeqConfig, check_int
from ..data.seq2seq import BOS, EOS, PAD, Seq2SeqBatch

State = tuple[Tensor, Tensor | None]  # decoder (s, c): (B, H) each; c only for an LSTM


@dataclass
class Encoded:
    """What the decoder reads from the encoder, for B sources."""

    annotations: Tensor  # (B, S, C): h_s; zero at padding
    mask: Tensor         # (B, S) bool: the real source positions
    keys: Tensor | None  # (B, S, ·): the per-source part of the score, computed once (W_k h_s, W_a h_s or h_s)
    summary: Tensor      # (B, C): the last encoder state (the context of attention "none")
    state: State         # the decoder's initial state s_0 (and c_0)

    def repeat(self, n: int) -> "Encoded":
        """The encoding of a single source (B = 1) repeated for n hypotheses (views, no copies)."""
        def rows(t):
            return None if t is None else t.expand(n, *t.shape[1:])
        return Encoded(rows(self.annotations), rows(self.mask), rows(self.keys), rows(self.summary),
                       (rows(self.state[0]), rows(self.state[1])))


def source_mask(src: Tensor, lengths: Tensor) -> Tensor:
    """(B, S) bool: True at the real positions s < length of each source (whatever the ids beyond)."""
    return torch.arange(src.shape[1])[None] < lengths[:, None]


class Attention(nn.Module):
    """Scores e_js of the decoder state s_{j−1} (H) against every annotation h_s (C)."""

    def __init__(self, kind: str, hidden: int, annotation: int):
        super().__init__()
        self.kind = kind
        if kind == "additive":  # the score layer is H wide
            self.W_q = nn.Linear(hidden, hidden, bias=False)
            self.W_k = nn.Linear(annotation, hidden, bias=False)
            self.v = nn.Linear(hidden, 1, bias=False)
        elif kind == "general":
            self.W_a = nn.Linear(annotation, hidden, bias=False)

    def keys(self, annotations: Tensor) -> Tensor:
        """(B, S, ·): W_k h_s (additive), W_a h_s (general) or h_s itself (dot)."""
        if self.kind == "additive":
            return self.W_k(annotations)
        if self.kind == "general":
            return self.W_a(annotations)
        return annotations

    def forward(self, query: Tensor, enc: Encoded) -> tuple[Tensor, Tensor, Tensor]:
        """The context (B, C), weights α (B, S) and scores e (B, S) for decoder states `query` (B, H)."""
        if self.kind == "additive":
            scores = self.v(torch.tanh(self.W_q(query)[:, None] + enc.keys)).squeeze(-1)  # (B, S)
        else:
            scores = torch.bmm(enc.keys, query[:, :, None]).squeeze(-1)  # (B, S)
        alpha = torch.softmax(scores.masked_fill(~enc.mask, float("-inf")), dim=-1)  # (B, S)
        context = torch.bmm(alpha[:, None], enc.annotations).squeeze(1)  # (B, C)
        return context, alpha, scores


class Seq2Seq(nn.Module):
    """Embeddings, encoder, bridge, attention, decoder cell and output layer (see the module docstring)."""

    def __init__(self, cfg: Seq2SeqConfig, src_vocab_size: int, tgt_vocab_size: int):
        super().__init__()
        self.cfg = cfg
        e, h = cfg.embedding_dim, cfg.hidden_size
        c = h * cfg.directions
        self.src_embedding = nn.Embedding(src_vocab_size, e, padding_idx=PAD)
        self.tgt_embedding = nn.Embedding(tgt_vocab_size, e, padding_idx=PAD)
        rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cfg.cell]
        self.encoder = rnn(e, h, batch_first=True, bidirectional=cfg.bidirectional)
        if cfg.bidirectional:
            self.bridge_h = nn.Linear(c, h)
            if cfg.cell == "lstm":
                self.bridge_c = nn.Linear(c, h)
        self.attention = Attention(cfg.attention, h, c) if cfg.attention != "none" else None
        self.decoder = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}[cfg.cell](e + c, h)
        self.out = nn.Linear(h + c, tgt_vocab_size)
        never = torch.zeros(tgt_vocab_size, dtype=torch.bool)
        never[[PAD, BOS]] = True  # never a target: probability exactly 0, so decoding never emits them
        self.register_buffer("never_emitted", never, persistent=False)

    @property
    def context_size(self) -> int:
        return self.cfg.hidden_size * self.cfg.directions

    # -- encoder -------------------------------------------------------------------------------------
    def encode(self, src: Tensor, lengths: Tensor) -> Encoded:
        """Run the fused encoder over padded sources (B, S) of the given lengths (B,); what stands beyond a
    source's length is never read."""
        emb = self.src_embedding(src)  # (B, S, E)
        packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, finals = self.encoder(packed)
        annotations, _ = pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])  # (B, S, C)
        h_n, c_n = finals if self.cfg.cell == "lstm" else (finals, None)  # (D, B, H) each
        return self._finish(annotations, source_mask(src, lengths), h_n, c_n)

    def encode_stepwise(self, src: Tensor, lengths: Tensor) -> tuple[Encoded, list[list[Tensor]]]:
        """The same encoding, one step at a time with torch's single-step cells, so that every state is its
        own node of the graph. Returns it and the states h_s per direction: [forward[s], backward[s]], each
        (B, H) (at padding: a copy of the last real forward state, or zeros backwards)."""
        emb = self.src_embedding(src)  # (B, S, E)
        b, s_len, _ = emb.shape
        mask = source_mask(src, lengths)  # (B, S)
        finals_h, finals_c, states = [], [], []
        for d, suffix in enumerate(("", "_reverse")[: self.cfg.directions]):
            w = [getattr(self.encoder, f"{n}_l0{suffix}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            h = c = emb.new_zeros(b, self.cfg.hidden_size)
            hs: list[Tensor] = [None] * s_len  # type: ignore[list-item]
            for s in (range(s_len) if d == 0 else reversed(range(s_len))):
                real = mask[:, s, None]  # (B, 1)
                if self.cfg.cell == "lstm":
                    h_new, c_new = torch.lstm_cell(emb[:, s], (h, c), *w)
                    c = torch.where(real, c_new, c if d == 0 else torch.zeros_like(c))
                elif self.cfg.cell == "gru":
                    h_new = torch.gru_cell(emb[:, s], h, *w)
                else:
                    h_new = torch.rnn_tanh_cell(emb[:, s], h, *w)
                h = hs[s] = torch.where(real, h_new, h if d == 0 else torch.zeros_like(h))
            states.append(hs)
            finals_h.append(h)
            finals_c.append(c)
        annotations = torch.cat([torch.stack(hs, 1) for hs in states], -1) * mask[..., None]  # (B, S, C)
        c_n = torch.stack(finals_c) if self.cfg.cell == "lstm" else None
        return self._finish(annotations, mask, torch.stack(finals_h), c_n), states

    def _finish(self, annotations: Tensor, mask: Tensor, h_n: Tensor, c_n: Tensor | None) -> Encoded:
        """Keys, summary and the decoder's initial state from the annotations and the final states (D, B, H)."""
        summary = torch.cat(list(h_n), -1)  # (B, C): →h_S, or [→h_S; ←h_1]
        if self.cfg.bidirectional:
            s0 = torch.tanh(self.bridge_h(summary))
            c0 = self.bridge_c(torch.cat(list(c_n), -1)) if c_n is not None else None
        else:
            s0, c0 = h_n[0], (c_n[0] if c_n is not None else None)
        keys = self.attention.keys(annotations) if self.attention is not None else None
        return Encoded(annotations, mask, keys, summary, (s0, c0))

    # -- decoder -------------------------------------------------------------------------------------
    def decode_step(self, y_prev: Tensor, state: State, enc: Encoded) -> tuple[Tensor, State, Tensor | None]:
        """One decoder step: logits (B, V), the new state, and α (B, S) (None without attention)."""
        s_prev, c_prev = state
        if self.attention is not None:
            context, alpha, _ = self.attention(s_prev, enc)  # (B, C), (B, S)
        else:
            context, alpha = enc.summary, None
        x = torch.cat([self.tgt_embedding(y_prev), context], -1)  # (B, E + C)
        if self.cfg.cell == "lstm":
            s, c = self.decoder(x, (s_prev, c_prev))
        else:
            s, c = self.decoder(x, s_prev), None
        return self.output_logits(s, context), (s, c), alpha

    def output_logits(self, s: Tensor, context: Tensor) -> Tensor:
        """W_o [s_j; c_j] + b_o (B, V), with −inf for <pad> and <bos>."""
        return self.out(torch.cat([s, context], -1)).masked_fill(self.never_emitted, float("-inf"))

    def decode(self, enc: Encoded, tgt_in: Tensor, teacher_forcing: float = 1.0,
               generator: torch.Generator | None = None) -> tuple[Tensor, Tensor | None]:
        """Logits (B, J, V) and attention weights (B, J, S) (None without attention) for decoder inputs
        tgt_in (B, J) (<bos> first). With teacher_forcing < 1 each later input is the true previous token
        with that probability, else the decoder's own greedy guess at the previous step (drawn from
        `generator`, per sample and step)."""
        state, y = enc.state, tgt_in[:, 0]
        logits, alphas = [], []
        for j in range(tgt_in.shape[1]):
            out, state, alpha = self.decode_step(y, state, enc)
            logits.append(out)
            alphas.append(alpha)
            if j + 1 < tgt_in.shape[1]:
                y = tgt_in[:, j + 1]
                if teacher_forcing < 1.0:
                    keep = torch.rand(y.shape, generator=generator) < teacher_forcing  # (B,)
                    y = torch.where(keep, y, out.argmax(-1))
        alpha = torch.stack(alphas, 1) if self.attention is not None else None
        return torch.stack(logits, 1), alpha

    def forward(self, batch: Seq2SeqBatch, teacher_forcing: float = 1.0,
                generator: torch.Generator | None = None) -> tuple[Tensor, Tensor | None]:
        """Logits (B, J, V) and attention weights (B, J, S) or None, on a batch's decoder inputs."""
        return self.decode(self.encode(batch.src, batch.src_lengths), batch.tgt_in, teacher_forcing, generator)


@torch.no_grad()
def build_seq2seq(cfg: Seq2SeqConfig, src_vocab_size: int, tgt_vocab_size: int) -> Seq2Seq:
    """The model of `cfg`, initialised reproducibly from cfg.seed with PyTorch's own default schemes
    (embeddings N(0, 1) with a zero <pad> row; recurrent weights U(±1/√H); linear layers U(±1/√fan_in))."""
    model = Seq2Seq(cfg, src_vocab_size, tgt_vocab_size)
    gen = torch.Generator().manual_seed(cfg.seed)  # never the global generator: sessions share it
    for name, p in model.named_parameters():
        if name.endswith("embedding.weight"):
            p.normal_(0.0, 1.0, generator=gen)
            p[PAD] = 0.0
        elif name.startswith(("encoder.", "decoder.")):
            bound = cfg.hidden_size**-0.5
            p.uniform_(-bound, bound, generator=gen)
        else:
            module = model.get_submodule(name.rsplit(".", 1)[0])
            p.uniform_(-(module.in_features**-0.5), module.in_features**-0.5, generator=gen)
    return model


# -- decoding ----------------------------------------------------------------------------------------

@torch.no_grad()
def greedy_decode(model: Seq2Seq, src: Tensor, lengths: Tensor, max_len: int) -> tuple[list[list[int]], Tensor]:
    """The most probable next token at every step, until <eos> or max_len tokens. Returns each source's
    tokens (ending with <eos> if it was emitted) and their total log-probability log p(ŷ | x) (B,)."""
    enc = model.encode(src, lengths)
    b = src.shape[0]
    state, y = enc.state, torch.full((b,), BOS, dtype=torch.long)
    done = torch.zeros(b, dtype=torch.bool)
    score = torch.zeros(b)
    out = []
    for _ in range(max_len):
        logits, state, _ = model.decode_step(y, state, enc)
        logp = torch.log_softmax(logits, -1)  # (B, V)
        y = logp.argmax(-1)
        score = score + torch.where(done, 0.0, logp.gather(1, y[:, None]).squeeze(1))
        out.append(torch.where(done, PAD, y))
        done = done | (y == EOS)
        if done.all():
            break
    ids = torch.stack(out, 1).tolist()  # (B, ≤ max_len)
    return [[t for t in row if t != PAD] for row in ids], score


@dataclass(frozen=True)
class Hypothesis:
    tokens: list[int]   # the output ids (ending with <eos> if finished)
    log_prob: float     # log p(tokens | x): the sum of the step log-probabilities (no length normalisation)
    finished: bool      # ended with <eos> (else it reached the length cap)


StepFn = Callable[[Tensor, tuple], tuple[Tensor, tuple]]  # (tokens (N,), state rows) -> (log-probs (N, V), state)


def beam_search(step: StepFn, state: tuple, k: int, max_len: int, bos: int = BOS, eos: int = EOS) -> list[Hypothesis]:
    """The k most probable outputs that a beam of width k finds, best first.

    `step` maps the last tokens of the N live hypotheses and their states (a tuple of tensors or None,
    one row per hypothesis) to log-probabilities of the next token and the new states. At each step the
    k best one-token extensions of all live hypotheses are kept; an extension ending in <eos> is set aside
    as finished. Scores are log p(y | x), with no length normalisation: a log-probability only falls as a
    hypothesis grows, so a live one that scores no better than the k-th finished one is dropped, and the
    search ends when none is left or at max_len tokens (the unfinished ones then compete as they are).
    With k = 1 this is greedy decoding.
    """
    check_int("beam width", k, 1, MAX_BEAM)
    alive: list[list[int]] = [[]]
    scores = torch.zeros(1)
    tokens = torch.tensor([bos])
    finished: list[Hypothesis] = []
    for _ in range(max_len):
        logp, state = step(tokens, state)  # (N, V)
        total = scores[:, None] + logp  # (N, V)
        top = total.flatten().topk(min(k, total.numel()))
        live = []  # (row, tokens, score) of the extensions that go on
        for value, flat in zip(top.values.tolist(), top.indices.tolist()):
            row, tok = divmod(flat, logp.shape[1])
            if value == float("-inf"):  # an impossible token (fewer than k possible extensions)
                continue
            if tok == eos:
                finished.append(Hypothesis(alive[row] + [tok], value, True))
            else:
                live.append((row, alive[row] + [tok], value))
        if len(finished) >= k:  # drop the live ones that can no longer enter the k best
            kth = sorted(h.log_prob for h in finished)[-k]
            live = [c for c in live if c[2] > kth]
        if not live:
            break
        rows, keep, new_scores = zip(*live)
        index = torch.tensor(rows)
        state = tuple(None if t is None else t[index] for t in state)
        alive, scores, tokens = list(keep), torch.tensor(new_scores), torch.tensor([t[-1] for t in keep])
    else:
        finished += [Hypothesis(t, s, False) for t, s in zip(alive, scores.tolist())]
    return sorted(finished, key=lambda h: -h.log_prob)[:k]


@torch.no_grad()
def beam_decode(model: Seq2Seq, src: Tensor, length: int, k: int, max_len: int) -> list[Hypothesis]:
    """Beam search of width k for one source (src (1, S) ids of the given length)."""
    enc = model.encode(src, torch.tensor([length]))

    def step(tokens: Tensor, state: tuple) -> tuple[Tensor, tuple]:
        logits, new, _ = model.decode_step(tokens, state, enc.repeat(len(tokens)))
        return torch.log_softmax(logits, -1), new

    return beam_search(step, enc.state, k, max_len)
