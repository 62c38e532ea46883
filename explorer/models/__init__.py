"""Torch modules: the recurrent model (nn.RNN/LSTM/GRU + a head), the cells written from PyTorch's equations,
and parameter counts."""
from .recurrent import RecurrentModel, build_model

__all__ = ["RecurrentModel", "build_model"]
