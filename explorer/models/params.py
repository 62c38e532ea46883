"""How many numbers a model learns, tensor by tensor, with readable names."""
from __future__ import annotations

import re
from dataclasses import dataclass

from torch import nn

from ..i18n import N_, tr

READABLE = {"weight_ih": "W_ih", "weight_hh": "W_hh", "bias_ih": "b_ih", "bias_hh": "b_hh",
            "weight_ci": "w_ci (peephole)", "weight_cf": "w_cf (peephole)", "weight_co": "w_co (peephole)"}
OTHER_NAMES = {"head.weight": N_("head · weight"), "head.bias": N_("head · bias"),
               "embedding.weight": N_("embedding · weight")}  # name (in `lang`) of every tensor outside the cells
RECURRENT_NAME = re.compile(r"rnn\.(weight_ih|weight_hh|bias_ih|bias_hh|weight_ci|weight_cf|weight_co)_l(\d+)(_reverse)?$")


@dataclass(frozen=True)
class ParamCount:
    name: str               # readable, e.g. "layer 1 · W_hh", "layer 1 backward · W_hh", "head · weight"
    torch_name: str         # PyTorch's name, e.g. "rnn.weight_hh_l0"
    shape: tuple[int, ...]  # e.g. (4·H, H) for an LSTM's W_hh
    count: int              # number of entries

    def name_in(self, lang: str) -> str:
        """`name` in `lang` (the math, W_hh and the like, stays)."""
        match = RECURRENT_NAME.fullmatch(self.torch_name)
        if not match:
            return tr(OTHER_NAMES[self.torch_name], lang) if self.torch_name in OTHER_NAMES else self.name
        tensor = READABLE[match[1]]
        if tensor.endswith(" (peephole)"):
            tensor = tr("{tensor} (peephole)", lang, tensor=tensor.removesuffix(" (peephole)"))
        template = N_("layer {n} backward · {tensor}") if match[3] else N_("layer {n} · {tensor}")
        return tr(template, lang, n=int(match[2]) + 1, tensor=tensor)


def parameter_counts(model: nn.Module) -> list[ParamCount]:
    """One row per learnable tensor of `model`, in PyTorch's order (layer by layer, then the head)."""
    rows = []
    for torch_name, p in model.named_parameters():
        match = RECURRENT_NAME.fullmatch(torch_name)
        if match:
            direction = " backward" if match[3] else ""
            name = f"layer {int(match[2]) + 1}{direction} · {READABLE[match[1]]}"
        else:
            name = torch_name.replace(".", " · ")
        rows.append(ParamCount(name, torch_name, tuple(p.shape), p.numel()))
    return rows
