"""The `Lab`: one user's model, task, trainer and history, shared by every page via st.session_state."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from .config import MAX_IO_SIZE, ModelConfig, TaskConfig, TrainConfig
from .data.tasks import NEXT_STEP_TASKS, Task, make_task
from .i18n import UserError, UserText
from .lecture.export import load_weights, parse_config_json
from .models.recurrent import RecurrentModel, build_model
from .training.history import History
from .training.trainer import Trainer


@dataclass
class Lab:
    model_cfg: ModelConfig      # input_size/output_size always those of the task
    task_cfg: TaskConfig
    train_cfg: TrainConfig
    task: Task
    model: RecurrentModel
    trainer: Trainer
    user_data: bytes | None = None    # the uploaded file of the csv/text tasks
    user_data_name: str = ""          # its file name, for display
    history: History = field(default_factory=History)

    @property
    def steps_trained(self) -> int:
        return self.trainer.step_count


# A single training step must fit a shared lecture server: memory and work per step are capped
# (the fields' own ranges allow combinations that would not).
MAX_STEP_BYTES = 1 << 30     # activations kept for the backward pass: 1 GiB
MAX_STEP_FLOPS = 1e11        # a few seconds of one CPU core


def step_cost(model_cfg: ModelConfig, seq_len: int, batch_size: int) -> tuple[float, float]:
    """Estimated (bytes of saved activations, floating-point operations) of one training step."""
    g, h = len(model_cfg.gate_names), model_cfg.hidden_size
    layers = model_cfg.num_layers * model_cfg.directions  # every direction is a chain of its own
    unit_steps = batch_size * seq_len * layers * h
    saved = unit_steps * (g + 2) * 4  # gates, c and h per unit and step, float32
    width = max(model_cfg.rnn_input_size, model_cfg.directions * h)  # the widest layer input
    flops = 3 * 2 * batch_size * seq_len * layers * g * h * (width + h)  # fwd + 2x bwd
    return saved, flops


def check_budget(model_cfg: ModelConfig, seq_len: int, batch_size: int) -> None:
    """ValueError naming the sizes to reduce when one training step would be too big for the server."""
    check_cost(*step_cost(model_cfg, seq_len, batch_size))


def check_cost(saved: float, flops: float) -> None:
    """ValueError when one training step of this (saved bytes, flops) estimate is too big for the server."""
    if saved > MAX_STEP_BYTES or flops > MAX_STEP_FLOPS:
        raise UserError(
            "This model is too large for a shared server at this sequence length and batch size (about {gib:.1f} GiB "
            "and {gflop:.0f} GFLOP per step; the limits are {max_gib:.0f} GiB and {max_gflop:.0f} GFLOP). Reduce the "
            "hidden size, the layers, the sequence length or the batch size.", gib=saved / 2**30, gflop=flops / 1e9,
            max_gib=MAX_STEP_BYTES / 2**30, max_gflop=MAX_STEP_FLOPS / 1e9)


def symbols(task: Task) -> int:
    """V, the number of input symbols of a task whose inputs are symbols (token ids, or one-hot vectors over its
    vocabulary); 0 for real-valued inputs."""
    if task.vocab is not None and (getattr(task, "token_inputs", False) or task.input_size == len(task.vocab)):
        return len(task.vocab)
    return 0


def with_task_sizes(model_cfg: ModelConfig, task: Task) -> ModelConfig:
    """`model_cfg` with the sizes the task sets (input, output, vocabulary); ValueError with a sentence a UI can show
    when its embedding does not fit the task's inputs."""
    vocab = symbols(task)
    if model_cfg.embedding_dim and not vocab:
        raise UserError("An embedding needs inputs that are symbols (characters, words or tokens); this task's "
                        "inputs are numbers. Set the embedding size to 0 (none).")
    if getattr(task, "token_inputs", False) and not model_cfg.embedding_dim and vocab > MAX_IO_SIZE:
        raise UserError("This task reads words from a vocabulary of {vocab:,}: one-hot vectors that wide are too "
                        "large. Choose an embedding size (e.g. 32).", vocab=vocab)
    return dataclasses.replace(model_cfg, input_size=task.input_size, output_size=task.output_size, vocab_size=vocab)


def check_combination(model_cfg: ModelConfig, task_cfg: TaskConfig) -> None:
    """ValueError with a sentence a UI can show when the model does not fit the task (each config valid alone)."""
    if model_cfg.bidirectional and task_cfg.name in NEXT_STEP_TASKS:
        raise UserError(
            "A bidirectional network cannot learn a task that predicts the next value: its backward chain reads "
            "the sequence from the end, so it would see the very value it has to predict. Switch bidirectional "
            "off, or choose a task where the whole sequence may be read first (adding, copy, order, sum of "
            "neighbours).")


def make_lab(model_cfg: ModelConfig, task_cfg: TaskConfig, train_cfg: TrainConfig,
             user_data: bytes | None = None, user_data_name: str = "") -> Lab:
    """A fresh, untrained lab. Raises ValueError (nothing else) on a bad config, bad user data, a model that
    does not fit the task (check_combination) or a model too large for one training step on a shared server."""
    check_combination(model_cfg, task_cfg)
    task = make_task(task_cfg, user_data)
    model_cfg = with_task_sizes(model_cfg, task)
    check_budget(model_cfg, task.seq_len, train_cfg.batch_size)
    model = build_model(model_cfg)
    return Lab(model_cfg, task_cfg, train_cfg, task, model, Trainer(model, task, train_cfg),
               user_data, user_data_name)


def default_lab() -> Lab:
    """What a first visit shows: an LSTM on sine forecasting, quick to train and easy to read."""
    return make_lab(ModelConfig(), TaskConfig(), TrainConfig())


def rebuild(lab: Lab, model_cfg: ModelConfig | None = None, task_cfg: TaskConfig | None = None,
            user_data: bytes | None = None, user_data_name: str | None = None) -> Lab:
    """A new, untrained lab with some configs replaced; the old lab is left as it was (so a ValueError
    from bad input changes nothing)."""
    keep_data = user_data is None
    return make_lab(model_cfg or lab.model_cfg, task_cfg or lab.task_cfg, lab.train_cfg,
                    lab.user_data if keep_data else user_data,
                    lab.user_data_name if keep_data else (user_data_name or ""))


def set_train_config(lab: Lab, train_cfg: TrainConfig) -> None:
    """Change the training settings in place, keeping the trained weights and the history."""
    lab.trainer.set_config(train_cfg)
    lab.train_cfg = train_cfg


def with_weights(lab: Lab, data: bytes) -> Lab:
    """A new lab whose model carries the given safetensors weights, with a fresh trainer and history.
    Raises ValueError, leaving `lab` untouched, if the weights do not fit its model."""
    model = build_model(lab.model_cfg)
    load_weights(model, data)
    return dataclasses.replace(lab, model=model, trainer=Trainer(model, lab.task, lab.train_cfg), history=History())


def import_file(lab: Lab, name: str, data: bytes) -> tuple[Lab, str]:
    """The lab an uploaded file asks for, and a one-line message: a config JSON gives a new untrained lab,
    a safetensors file the current model with those weights. ValueError (nothing changed) on a bad file."""
    if name.lower().endswith(".json"):
        return make_lab(*parse_config_json(data)), UserText("Config loaded: a new, untrained model.")
    if name.lower().endswith(".safetensors"):
        return with_weights(lab, data), UserText("Weights loaded into the current model; its training history is "
                                                 "cleared.")
    raise UserError("Only a config (.json) or a weights file (.safetensors) can be loaded.")
