"""Non-recurrent baselines for Compare: a causal dilated 1D-CNN and a small causal Transformer encoder.

Both are plain nn.Modules mapping inputs (B, T, I) to outputs (B, T, O), like RecurrentModel: the same
tasks, Trainer and input-gradient views (saliency ∂y/∂x_s) apply. Neither carries a hidden state through
time, so nothing that needs a recurrence (‖∂L/∂h_t‖, the W_hh spectrum, truncated BPTT, Step through)
applies: `recurrence_note` says why, in words a page can show. The output at step t depends only on the
inputs at steps ≤ t (tests/test_baselines.py measures it).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig
from ..i18n import N_

BASELINES = ("cnn", "transformer")
BASELINE_NAMES = {"cnn": "1D-CNN", "transformer": "Transformer"}
CNN_KERNEL = 2   # each layer sees its step and the one `dilation` steps before (WaveNet)
CNN_LEVELS = 6   # dilations 1, 2, 4, …, 32: a receptive field of 64 steps
TRANSFORMER_HEADS = 4   # fewer when hidden_size is not a multiple of 4
TRANSFORMER_LAYERS = 2


def receptive_field(kernel_size: int, dilations: tuple[int, ...]) -> int:
    """Steps of input that one output sees (its own included): 1 + (kernel − 1)·Σ dilations."""
    return 1 + (kernel_size - 1) * sum(dilations)


class CausalCNN(nn.Module):
    """Causal dilated convolutions with residual connections (WaveNet, van den Oord et al. 2016; TCN, Bai,
    Kolter & Koltun 2018): layer l has dilation 2^l and left padding only, so step t sees steps ≤ t."""

    recurrence_note = N_("The 1D-CNN has no hidden state carried through time: it has no ∂L/∂h_t to probe, no "
                         "W_hh and no truncated BPTT. It sees a fixed window of past inputs, its receptive field.")

    def __init__(self, cfg: ModelConfig, kernel_size: int = CNN_KERNEL, levels: int = CNN_LEVELS):
        super().__init__()
        self.cfg, self.kernel_size = cfg, kernel_size
        self.dilations = tuple(2**level for level in range(levels))
        h = cfg.hidden_size
        self.convs = nn.ModuleList(
            nn.Conv1d(cfg.input_size if level == 0 else h, h, kernel_size, dilation=d)
            for level, d in enumerate(self.dilations))
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(h, cfg.output_size)

    @property
    def receptive_field(self) -> int:
        return receptive_field(self.kernel_size, self.dilations)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.transpose(1, 2)  # (B, I, T): channels first
        for level, conv in enumerate(self.convs):
            y = torch.relu(conv(F.pad(h, ((self.kernel_size - 1) * conv.dilation[0], 0))))  # (B, H, T)
            h = self.dropout(y if level == 0 else h + y)
        return self.head(h.transpose(1, 2))  # (B, T, O)


def positional_encoding(seq_len: int, d_model: int) -> torch.Tensor:
    """(T, D) sinusoidal encoding (Vaswani et al. 2017): PE[t, 2i] = sin(t / 10000^(2i/D)), PE[t, 2i+1] = cos(…)."""
    t = torch.arange(seq_len, dtype=torch.float32)[:, None]  # (T, 1)
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)  # (⌈D/2⌉,)
    pe = torch.stack([torch.sin(t * freq), torch.cos(t * freq)], -1).flatten(1)  # (T, 2⌈D/2⌉): sin, cos, …
    return pe[:, :d_model]


class CausalTransformer(nn.Module):
    """A small Transformer encoder (pre-norm) with a causal mask: a linear embedding of x_t plus the sinusoidal
    position, TRANSFORMER_LAYERS layers of multi-head self-attention over steps ≤ t, a linear head."""

    recurrence_note = N_("The Transformer has no hidden state carried through time: every step attends directly "
                         "to all earlier steps. It has no ∂L/∂h_t chain to probe, no W_hh and no truncated BPTT.")

    def __init__(self, cfg: ModelConfig, heads: int = TRANSFORMER_HEADS, layers: int = TRANSFORMER_LAYERS):
        super().__init__()
        self.cfg = cfg
        d = cfg.hidden_size
        self.heads = next(n for n in range(min(heads, d), 0, -1) if d % n == 0)
        self.embed = nn.Linear(cfg.input_size, d)
        layer = nn.TransformerEncoderLayer(d, self.heads, dim_feedforward=2 * d, dropout=cfg.dropout,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d), enable_nested_tensor=False)
        self.head = nn.Linear(d, cfg.output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t_len = x.shape[1]
        z = self.embed(x) + positional_encoding(t_len, self.cfg.hidden_size)  # (B, T, D)
        mask = nn.Transformer.generate_square_subsequent_mask(t_len)  # (T, T): −inf above the diagonal
        return self.head(self.encoder(z, mask=mask, is_causal=True))  # (B, T, O)


CLASSES = {"cnn": CausalCNN, "transformer": CausalTransformer}


@torch.no_grad()
def build_baseline(kind: str, cfg: ModelConfig) -> nn.Module:
    """The baseline `kind` ("cnn" | "transformer") with cfg's input/output/hidden sizes and dropout, initialised
    as PyTorch does by default but reproducibly from cfg.seed (built on the meta device: the global
    generator is never drawn from)."""
    if kind not in CLASSES:
        raise ValueError(f"baseline must be one of {', '.join(BASELINES)}; got {kind!r}")
    with torch.device("meta"):
        model = CLASSES[kind](cfg)
    model = model.to_empty(device="cpu")
    gen = torch.Generator().manual_seed(cfg.seed)
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv1d)):  # PyTorch's default: U(±1/√fan_in) for weight and bias
            bound = 1 / math.sqrt(m.weight[0].numel())
            for p in (m.weight, m.bias):
                p.uniform_(-bound, bound, generator=gen)
        elif isinstance(m, nn.LayerNorm):
            m.weight.fill_(1.0)
            m.bias.zero_()
    for m in model.modules():
        if isinstance(m, nn.MultiheadAttention):  # as MultiheadAttention._reset_parameters
            nn.init.xavier_uniform_(m.in_proj_weight, generator=gen)
            m.in_proj_bias.zero_()
            m.out_proj.bias.zero_()
    return model


def baseline_step_cost(kind: str, cfg: ModelConfig, seq_len: int, batch_size: int) -> tuple[float, float]:
    """Estimated (bytes of saved activations, floating-point operations) of one training step, as
    lab.step_cost does for the recurrent models."""
    b, t, h = batch_size, seq_len, cfg.hidden_size
    if kind == "cnn":
        saved = b * t * h * CNN_LEVELS * 3 * 4  # conv output, ReLU, residual sum per level, float32
        flops = 3 * 2 * b * t * CNN_LEVELS * CNN_KERNEL * h * max(h, cfg.input_size)
        return saved, flops
    per_layer_saved = b * t * h * 12 + b * TRANSFORMER_HEADS * t * t * 2  # projections, FFN, norms; scores, softmax
    per_layer_flops = 2 * b * t * (4 * h * h + 4 * h * h) + 2 * 2 * b * t * t * h
    return TRANSFORMER_LAYERS * per_layer_saved * 4, 3 * TRANSFORMER_LAYERS * per_layer_flops
