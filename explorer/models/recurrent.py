"""The torch model: a real nn.RNN / nn.LSTM / nn.GRU (batch_first), or the peephole LSTM written from its equations,
plus a linear head at every step. Bidirectional models run both directions in every layer (PyTorch's own
bidirectional modules and parameter names, `..._reverse`); the head then reads [h→_t, h←_t] (2H).

Symbol inputs (one-hot vectors, or token ids (B, T) int64) can go through an embedding (`embedding.weight` (V, E)).
Batches of unequal lengths run packed (pack_padded_sequence), so that nothing reads the padding; the head reads h_t
("last") or the mean of h_1..h_t over the real steps ("mean"), which at a sequence's last real step is its whole
mean: a sequence-level label sits there.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..config import ModelConfig
from .peephole import PEEPHOLES, PeepholeLSTM

DIRECTION_SUFFIX = ("", "_reverse")  # PyTorch's parameter-name suffix of the forward and the backward direction


class RecurrentModel(nn.Module):
    """`rnn` is the fused PyTorch module; `head` maps the top layer's h_t to the outputs at every step."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        kwargs = dict(
            input_size=cfg.rnn_input_size,
            hidden_size=cfg.hidden_size,
            num_layers=cfg.num_layers,
            batch_first=True,
            dropout=cfg.dropout if cfg.num_layers > 1 else 0.0,
            bidirectional=cfg.bidirectional,
        )
        if cfg.cell == "rnn":
            self.rnn = nn.RNN(nonlinearity=cfg.nonlinearity, **kwargs)
        else:
            self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "peephole": PeepholeLSTM}[cfg.cell](**kwargs)
        self.head = nn.Linear(cfg.directions * cfg.hidden_size, cfg.output_size)
        if cfg.embedding_dim:
            if not cfg.vocab_size:
                raise ValueError("An embedding needs a task whose inputs are symbols (characters, words or tokens).")
            self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The first layer's input x_t (B, T, I or E) from the model's input: real values or one-hot vectors
        (B, T, I) float, or token ids (B, T) int64. One-hot vectors times the embedding matrix are the rows their
        ids would look up."""
        cfg = self.cfg
        if not x.is_floating_point():  # token ids
            return self.embedding(x) if cfg.embedding_dim else F.one_hot(x, cfg.input_size).float()
        return x @ self.embedding.weight if cfg.embedding_dim else x

    def readout(self, hs: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """The outputs (B, T, O) from the top layer's h_t (B, T, D·H): the head applied to `pool_states`."""
        return self.head(pool_states(hs, lengths, self.cfg.pool))

    def forward(self, x: torch.Tensor, state=None, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """Outputs (B, T, O) of x (B, T, I) float or (B, T) int64 ids; see `forward_with_state`."""
        return self.forward_with_state(x, state, lengths)[0]

    def forward_with_state(self, x: torch.Tensor, state=None, lengths: torch.Tensor | None = None):
        """Outputs (B, T, O) and the final state, from the initial `state` (None: zeros; else as nn.RNN/GRU's
        h_0 or nn.LSTM's (h_0, c_0), each (L·D, B, H)). Truncated BPTT passes one window's final state on.
        lengths (B,): the real length of each sequence of a padded batch (None: all T); it runs packed, and the
        final state is each sequence's state at its own end."""
        e = self.embed(x)
        if lengths is None:
            hs, state = self.rnn(e, state)  # (B, T, D·H): h_t of the top layer, [forward, backward] when bidirectional
        elif self.cfg.cell == "peephole":
            hs, state = self.rnn(e, state, lengths=lengths)
        else:
            packed = pack_padded_sequence(e, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, state = self.rnn(packed, state)
            hs, _ = pad_packed_sequence(out, batch_first=True, total_length=e.shape[1])  # zeros after each end
        return self.readout(hs, lengths), state  # (B, T, O)

    def recurrent_weights(self, layer: int, direction: int = 0) -> dict[str, torch.Tensor]:
        """W_ih (G·H, I), W_hh (G·H, H), b_ih, b_hh (G·H,) of one layer and direction (0 forward, 1 backward), gates
        stacked in PyTorch's order; the peephole LSTM adds weight_ci, weight_cf, weight_co (H,)."""
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh") + (PEEPHOLES if self.cfg.cell == "peephole" else ())
        return {name: getattr(self.rnn, f"{name}_l{layer}{DIRECTION_SUFFIX[direction]}") for name in names}


def pool_states(hs: torch.Tensor, lengths: torch.Tensor | None, pool: str) -> torch.Tensor:
    """What the head reads at each step, (B, T, F) from h_t (B, T, F): "last" h_t itself; "mean" the mean of h_1..h_t
    over the real steps (past a sequence's end it stays the mean of the whole sequence; the padding is 0)."""
    if pool == "last":
        return hs
    steps = torch.arange(1, hs.shape[1] + 1, device=hs.device)  # (T,)
    count = steps if lengths is None else torch.minimum(steps, torch.as_tensor(lengths)[:, None]).clamp(min=1)
    return hs.cumsum(1) / count[..., None].to(hs.dtype)


def _blocks(w: torch.Tensor, n: int) -> tuple[torch.Tensor, ...]:
    return w.chunk(n, dim=0)  # views: writing to a block writes to w


def _init_layer(cfg: ModelConfig, w: dict[str, torch.Tensor], gen: torch.Generator) -> None:
    """Apply cfg.init to one layer and direction in place (W_hh per gate block, so each gate gets the scheme).

    Peepholes start at 0 and draw nothing from `gen`: a peephole LSTM then starts as exactly the plain LSTM of the
    same seed (every other weight identical), so that a comparison of the two isolates what the peepholes learn."""
    n, h = len(cfg.gate_names), cfg.hidden_size
    bound = 1.0 / h**0.5
    for name in PEEPHOLES:
        if name in w:
            w.pop(name).zero_()
    for p in w.values():  # PyTorch's own default: U(-1/sqrt(H), 1/sqrt(H)), drawn from our generator
        p.uniform_(-bound, bound, generator=gen)
    if cfg.init == "default":
        return
    for b in (w["bias_ih"], w["bias_hh"]):
        b.zero_()
    for block in _blocks(w["weight_ih"], n):
        if cfg.init == "identity":
            block.normal_(0.0, 0.001, generator=gen)  # IRNN (Le, Jaitly & Hinton 2015): small inputs
        else:
            nn.init.xavier_uniform_(block, generator=gen)
    for block in _blocks(w["weight_hh"], n):
        if cfg.init == "xavier":
            nn.init.xavier_uniform_(block, generator=gen)
        elif cfg.init == "orthogonal":
            nn.init.orthogonal_(block, generator=gen)
        elif cfg.init == "identity":
            block.copy_(torch.eye(h))
        else:  # spectral: a Gaussian matrix rescaled so that max |eigenvalue| is exactly the chosen radius
            m = torch.randn(h, h, generator=gen) / h**0.5
            radius = torch.linalg.eigvals(m).abs().max()  # float32: 3x faster than float64, error ~1e-6
            block.copy_(m * (cfg.spectral_radius / radius))


@torch.no_grad()
def build_model(cfg: ModelConfig) -> RecurrentModel:
    """The model of `cfg`, initialised reproducibly from cfg.seed."""
    model = RecurrentModel(cfg)
    gen = torch.Generator().manual_seed(cfg.seed)  # never the global generator: sessions share it
    for layer in range(cfg.num_layers):
        for direction in range(cfg.directions):
            w = model.recurrent_weights(layer, direction)
            _init_layer(cfg, dict(w), gen)
            if cfg.cell in ("lstm", "peephole") and cfg.forget_bias is not None:
                _blocks(w["bias_ih"], 4)[1].fill_(cfg.forget_bias)
                _blocks(w["bias_hh"], 4)[1].zero_()
    bound = 1.0 / (cfg.directions * cfg.hidden_size) ** 0.5  # nn.Linear's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    for p in model.head.parameters():
        p.uniform_(-bound, bound, generator=gen)
    if cfg.embedding_dim:  # nn.Embedding's default N(0, 1), drawn last: the other weights are those without it
        model.embedding.weight.normal_(generator=gen)
    return model
