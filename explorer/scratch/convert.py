"""Weights both ways between the app's torch model and a numpy `Net` (same names, same shapes)."""
from __future__ import annotations

import numpy as np
import torch

from .net import Net

# ModelConfig fields whose other values the numpy networks do not support: (supported value, why not, in words).
UNSUPPORTED = {
    "bidirectional": (False, "The numpy networks read the sequence in one direction only, and this model is "
                             "bidirectional."),
    "embedding_dim": (0, "The numpy networks read one-hot or real-valued inputs as they are, and this model looks "
                         "its inputs up in an embedding."),
    "pool": ("last", "The numpy networks' output at step t reads h_t, and this model's reads the mean of h_1 … h_t."),
}


def from_state_dict(state, cell: str, nonlinearity: str = "tanh", gru_form: str = "pytorch") -> Net:
    """A Net from weights keyed like model.named_parameters() (numpy arrays or tensors; copied as float64)."""
    return Net({name: _numpy(w) for name, w in state.items()}, cell, nonlinearity, gru_form)


def from_torch(model) -> Net:
    """A float64 numpy copy of the app's model (RecurrentModel: model.cfg and model.named_parameters()).
    ValueError, in one sentence a page can show, for a model the numpy networks cannot follow (UNSUPPORTED)."""
    check_supported(model.cfg)
    return from_state_dict(dict(model.named_parameters()), model.cfg.cell, model.cfg.nonlinearity)


def check_supported(cfg) -> None:
    """ValueError, in one sentence a page can show, if the numpy networks cannot follow a model of config `cfg`."""
    for field, (supported, why) in UNSUPPORTED.items():
        if getattr(cfg, field, supported) != supported:
            raise ValueError(why)


@torch.no_grad()
def to_torch(net: Net, model):
    """Copy the net's weights into `model` in place (each tensor keeps its dtype and device); returns `model`.
    ValueError, with `model` unchanged, unless the names and shapes match exactly."""
    named = dict(model.named_parameters())
    if set(named) != set(net.params):
        raise ValueError(f"the weights differ by name: the model has {sorted(set(named) - set(net.params))} "
                         f"and the numpy network {sorted(set(net.params) - set(named))} beyond the shared ones")
    for name, p in named.items():
        if tuple(p.shape) != net.params[name].shape:
            raise ValueError(f"{name}: the model's shape is {tuple(p.shape)}, the numpy network's "
                             f"{net.params[name].shape}")
    for name, p in named.items():
        p.copy_(torch.from_numpy(net.params[name]))
    return model


def _numpy(w) -> np.ndarray:
    if isinstance(w, torch.Tensor):
        w = w.detach().cpu().double().numpy()
    return np.array(w, dtype=np.float64)
