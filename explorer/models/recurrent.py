"""The torch model: a real nn.RNN / nn.LSTM / nn.GRU (batch_first) plus a linear head at every step."""
from __future__ import annotations

import torch
from torch import nn

from ..config import ModelConfig


class RecurrentModel(nn.Module):
    """`rnn` is the fused PyTorch module; `head` maps the top layer's h_t to the outputs at every step."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        kwargs = dict(
            input_size=cfg.input_size,
            hidden_size=cfg.hidden_size,
            num_layers=cfg.num_layers,
            batch_first=True,
            dropout=cfg.dropout if cfg.num_layers > 1 else 0.0,
        )
        if cfg.cell == "rnn":
            self.rnn = nn.RNN(nonlinearity=cfg.nonlinearity, **kwargs)
        else:
            self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[cfg.cell](**kwargs)
        self.head = nn.Linear(cfg.hidden_size, cfg.output_size)

    def forward(self, x: torch.Tensor, state=None) -> torch.Tensor:
        return self.forward_with_state(x, state)[0]  # (B, T, O)

    def forward_with_state(self, x: torch.Tensor, state=None):
        """Outputs (B, T, O) and the final state, from the initial `state` (None: zeros; else as nn.RNN/GRU's
        h_0 or nn.LSTM's (h_0, c_0), each (L, B, H)). Truncated BPTT passes one window's final state on."""
        hs, state = self.rnn(x, state)  # (B, T, H): h_t of the top layer
        return self.head(hs), state

    def recurrent_weights(self, layer: int) -> dict[str, torch.Tensor]:
        """W_ih (G·H, I), W_hh (G·H, H), b_ih, b_hh (G·H,) of one layer, gates stacked in PyTorch's order."""
        return {name: getattr(self.rnn, f"{name}_l{layer}") for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}


def _blocks(w: torch.Tensor, n: int) -> tuple[torch.Tensor, ...]:
    return w.chunk(n, dim=0)  # views: writing to a block writes to w


def _init_layer(cfg: ModelConfig, w: dict[str, torch.Tensor], gen: torch.Generator) -> None:
    """Apply cfg.init to one layer in place (W_hh per gate block, so each gate gets the scheme)."""
    n, h = len(cfg.gate_names), cfg.hidden_size
    bound = 1.0 / h**0.5
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
        w = model.recurrent_weights(layer)
        _init_layer(cfg, w, gen)
        if cfg.cell == "lstm" and cfg.forget_bias is not None:
            _blocks(w["bias_ih"], 4)[1].fill_(cfg.forget_bias)
            _blocks(w["bias_hh"], 4)[1].zero_()
    bound = 1.0 / cfg.hidden_size**0.5  # nn.Linear's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    for p in model.head.parameters():
        p.uniform_(-bound, bound, generator=gen)
    return model
