"""RNN Explorer's logic: models, step-by-step traces, gradients through time, tasks and training.

Pure Python/torch/numpy/plotly; never imports streamlit.
"""
from .config import ModelConfig
from .model import RecurrentModel, build_model
from .trace import Trace, unroll

__all__ = ["ModelConfig", "RecurrentModel", "Trace", "build_model", "unroll"]
