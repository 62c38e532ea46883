"""RNN Explorer's logic: models, step-by-step traces, gradients through time, tasks and training.

Pure Python/torch/numpy/plotly; never imports streamlit. Subpackages: `models` (torch modules), `trace`
(unroll and gradients through time), `data` (tasks and shipped corpora), `training` (trainer, history,
live chunks, compare), `views` (figures and page data), `lecture` (presets, links, export/import), `scratch`
(the numpy networks with hand-written backpropagation through time, optimisers and checks);
`config` holds every configuration dataclass and cap, `lab` one user's model, task and trainer.
"""
from .config import ModelConfig, TaskConfig, TrainConfig
from .models import RecurrentModel, build_model
from .trace import Trace, unroll

__all__ = ["ModelConfig", "RecurrentModel", "TaskConfig", "Trace", "TrainConfig", "build_model", "unroll"]
