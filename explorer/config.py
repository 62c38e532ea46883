"""The configurations, in one place: frozen dataclasses of the model, the task and the training, each validated on
creation, with the caps that keep one user from exhausting a shared lecture server."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .i18n import UserError

CELLS = ("rnn", "lstm", "gru", "peephole")
NONLINEARITIES = ("tanh", "relu")
INITS = ("default", "xavier", "orthogonal", "identity", "spectral")

# Caps that keep one user from exhausting a shared lecture server (documented in README.md).
MAX_HIDDEN = 512
MAX_LAYERS = 4
MAX_IO_SIZE = 256
MAX_VOCAB = 20_000   # symbols a task may feed by id (one-hot inputs stay within MAX_IO_SIZE)
MAX_EMBEDDING = 512  # size of an embedding vector
POOLS = ("last", "mean")
MAX_SEED = 2**31 - 1
MAX_SEQ_LEN = 1000  # cap on T (copy memory: on the delay)
MAX_BATCH = 512
MAX_STEPS = 100_000

# Tasks whose inputs are token ids (Task.token_inputs): the model reads them through its embedding layer
# (embedding_dim > 0), or as one-hot vectors when the vocabulary is small enough (see lab.make_lab).
TOKEN_TASKS = ("sentiment", "sentiment_zh", "text_csv")
TASK_NAMES = ("sine", "adding", "copy", "charlm", "order", "sunspots", "csv", "text", "neighbours", "spikes",
              *TOKEN_TASKS)
NEIGHBOURS_MIN_LEN = 11  # the sum-of-neighbours task needs a step with both x_{t−5} and x_{t+5}
OPTIMIZERS = ("adam", "sgd", "rmsprop", "adamw")
CLIP_MODES = ("none", "norm", "value")
LR_SCHEDULES = ("constant", "step", "inverse", "cosine")


def check_int(name: str, value: Any, lo: int, hi: int) -> None:
    """Raise ValueError naming `name` unless `value` is an int in lo..hi."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise UserError("{name} must be an integer in {lo}..{hi}, got {value!r}", name=name, lo=lo, hi=hi, value=value)


def check_float(name: str, value: Any, lo: float, hi: float) -> None:
    """Raise ValueError naming `name` unless `value` is a finite number in [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise UserError("{name} must be a number in [{lo:g}, {hi:g}], got {value!r}", name=name, lo=lo, hi=hi,
                        value=value)


def check_bool(name: str, value: Any) -> None:
    """Raise ValueError naming `name` unless `value` is True or False."""
    if not isinstance(value, bool):
        raise UserError("{name} must be true or false, got {value!r}", name=name, value=value)


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    """Raise ValueError naming `name` unless `value` is one of `choices`."""
    if value not in choices:
        raise UserError("{name} must be one of {choices}; got {value!r}", name=name, choices=", ".join(choices),
                        value=value)


def from_dict(cls, d: dict[str, Any]):
    """Build the dataclass `cls` from a dict, rejecting unknown keys (validation runs in __post_init__)."""
    if not isinstance(d, dict):
        raise UserError("{section} must be given as a mapping, got {kind}", section=cls.__name__,
                        kind=type(d).__name__)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(d) - known)
    if unknown:
        raise UserError("unknown {section} field(s): {fields}", section=cls.__name__, fields=", ".join(unknown))
    return cls(**d)


@dataclass(frozen=True)
class ModelConfig:
    cell: str = "lstm"             # "rnn" | "lstm" | "gru" | "peephole" (LSTM with diagonal peepholes)
    input_size: int = 1            # features per time step (set by the task)
    hidden_size: int = 32          # H: units per layer
    num_layers: int = 1            # stacked recurrent layers
    output_size: int = 1           # outputs per time step of the linear head (set by the task)
    nonlinearity: str = "tanh"     # RNN only: "tanh" | "relu"
    init: str = "default"          # "default" (PyTorch) | "xavier" | "orthogonal" | "identity" | "spectral"
    spectral_radius: float = 1.0   # init == "spectral": each W_hh block is rescaled to this spectral radius
    forget_bias: float | None = None  # LSTM: if set, b_if = forget_bias and b_hf = 0 (None: leave the init's)
    dropout: float = 0.0           # dropout between stacked layers (training only; needs num_layers > 1)
    seed: int = 0                  # seed of the weight initialisation
    bidirectional: bool = False    # every layer runs a forward and a backward chain; h_t = [h→_t, h←_t] (2H)
    embedding_dim: int = 0         # E: look each input symbol up in an embedding (V, E); 0 = one-hot inputs as they are
    vocab_size: int = 0            # V: input symbols (set by the task, = input_size); 0 = real-valued inputs
    pool: str = "last"             # what the head reads at step t: "last" h_t, or "mean" of h_1..h_t (real steps)

    def __post_init__(self) -> None:
        check_choice("cell", self.cell, CELLS)
        check_int("vocab_size", self.vocab_size, 0, MAX_VOCAB)
        check_int("input_size", self.input_size, 1, MAX_VOCAB if self.vocab_size else MAX_IO_SIZE)
        check_int("hidden_size", self.hidden_size, 1, MAX_HIDDEN)
        check_int("num_layers", self.num_layers, 1, MAX_LAYERS)
        check_int("output_size", self.output_size, 1, MAX_IO_SIZE)
        check_choice("nonlinearity", self.nonlinearity, NONLINEARITIES)
        check_choice("init", self.init, INITS)
        check_float("spectral_radius", self.spectral_radius, 0.01, 5.0)
        if self.forget_bias is not None:
            check_float("forget_bias", self.forget_bias, -10.0, 10.0)
        check_float("dropout", self.dropout, 0.0, 0.9)
        check_int("seed", self.seed, 0, MAX_SEED)
        check_bool("bidirectional", self.bidirectional)
        check_int("embedding_dim", self.embedding_dim, 0, MAX_EMBEDDING)
        check_choice("pool", self.pool, POOLS)
        if self.vocab_size and self.input_size != self.vocab_size:
            raise UserError("input_size must equal vocab_size for symbol inputs, got {input_size} and {vocab_size}",
                            input_size=self.input_size, vocab_size=self.vocab_size)

    @property
    def gate_names(self) -> tuple[str, ...]:
        """Names of the blocks stacked along dim 0 of W_ih / W_hh, in PyTorch's order."""
        return {"rnn": ("h",), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n"),
                "peephole": ("i", "f", "g", "o")}[self.cell]

    @property
    def rnn_input_size(self) -> int:
        """The width of the first recurrent layer's input x_t: E with an embedding, else input_size."""
        return self.embedding_dim or self.input_size

    @property
    def directions(self) -> int:
        """1, or 2 for a bidirectional model (the width of a layer's output is directions · H)."""
        return 2 if self.bidirectional else 1

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ModelConfig":
        return from_dict(cls, d)

@dataclass(frozen=True)
class TaskConfig:
    """Which task to learn and how its data are drawn; validated on construction."""

    name: str = "sine"  # one of TASK_NAMES
    seq_len: int = 50  # T: for copy memory this is the delay (sequence length is T + 20)
    noise: float = 0.0  # forecasting: std of Gaussian noise added to the inputs (0..1)
    n_sines: int = 1  # sine: number of summed sines (1..5)
    freq: float = 0.05  # sine: base frequency in cycles per step (0.005..0.5)
    csv_column: str = ""  # csv: column name to forecast ("" = first numeric column)
    seed: int = 0  # data seed (0..MAX_SEED)
    period: int = 20  # spikes: an output spike every `period` steps after the input spike (2..200)

    def __post_init__(self):
        check_choice("name", self.name, TASK_NAMES)
        check_int("seq_len", self.seq_len, 2, MAX_SEQ_LEN)
        if self.name == "order" and self.seq_len < 3:
            raise UserError("seq_len must be at least 3 for the order task, got {seq_len}", seq_len=self.seq_len)
        if self.name == "neighbours" and self.seq_len < NEIGHBOURS_MIN_LEN:
            raise UserError("seq_len must be at least {least} for the sum-of-neighbours task, got {seq_len}",
                            least=NEIGHBOURS_MIN_LEN, seq_len=self.seq_len)
        check_float("noise", self.noise, 0.0, 1.0)
        check_int("n_sines", self.n_sines, 1, 5)
        check_float("freq", self.freq, 0.005, 0.5)
        if not isinstance(self.csv_column, str):
            raise UserError("csv_column must be a string, got {value!r}", value=self.csv_column)
        check_int("seed", self.seed, 0, MAX_SEED)
        check_int("period", self.period, 2, 200)
        if self.name == "spikes" and self.seq_len < 2 * self.period:
            raise UserError("seq_len must be at least twice the period ({least}) for the spikes task (room for one "
                            "output spike), got {seq_len}", least=2 * self.period, seq_len=self.seq_len)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TaskConfig:
        """Inverse of to_dict; missing keys take their defaults, unknown keys are an error."""
        return from_dict(cls, d)

@dataclass(frozen=True)
class TrainConfig:
    optimizer: str = "adam"       # "adam" | "sgd" | "rmsprop" | "adamw" (Adam with decoupled weight decay)
    lr: float = 0.003             # learning rate
    momentum: float = 0.9         # SGD and RMSprop momentum
    clip: str = "norm"            # "none" | "norm" (rescale the global norm) | "value" (clamp each entry)
    clip_threshold: float = 1.0   # θ of the clipping
    batch_size: int = 32          # sequences per optimiser step
    steps: int = 1000             # length of a run (the CLI's and the Train page's budget)
    probe_every: int = 25         # probe ‖∂L/∂h_t‖ and the W_hh spectrum every k steps (0: never)
    seed: int = 0                 # seed of the batch sequence
    eval_every: int = 50          # loss and metrics on the validation set and a fixed training subset every k steps (0: never)
    lr_schedule: str = "constant" # "constant" | "step" | "inverse" (lr/(1 + k·t)) | "cosine"; t = steps taken before
    lr_step_size: int = 500       # "step": the rate is multiplied by lr_gamma every this many steps
    lr_gamma: float = 0.5         # "step": that factor
    lr_k: float = 0.001           # "inverse": k in lr / (1 + k·t)
    lr_min: float = 0.0           # "cosine": from lr down to lr_min over the first `steps` steps, then lr_min
    weight_decay: float = 0.0     # λ: adam/sgd/rmsprop add λ·θ to the gradient before clipping (L2);
                                  # adamw shrinks θ ← θ(1 − lr·λ) apart from the gradient (decoupled)
    patience: int = 0             # early stopping: stop after this many evaluations without improvement (0: off)
    min_delta: float = 0.0        # early stopping: an improvement lowers the best validation loss by more than this
    tbptt: int = 0                # truncated BPTT: the gradient is cut every k time steps (0: full BPTT)

    def __post_init__(self) -> None:
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_float("lr", self.lr, 1e-6, 10.0)
        check_float("momentum", self.momentum, 0.0, 0.999)
        check_choice("clip", self.clip, CLIP_MODES)
        check_float("clip_threshold", self.clip_threshold, 1e-4, 1e4)
        check_int("batch_size", self.batch_size, 1, MAX_BATCH)
        check_int("steps", self.steps, 1, MAX_STEPS)
        check_int("probe_every", self.probe_every, 0, MAX_STEPS)
        check_int("seed", self.seed, 0, MAX_SEED)
        check_int("eval_every", self.eval_every, 0, MAX_STEPS)
        check_choice("lr_schedule", self.lr_schedule, LR_SCHEDULES)
        check_int("lr_step_size", self.lr_step_size, 1, MAX_STEPS)
        check_float("lr_gamma", self.lr_gamma, 0.001, 1.0)
        check_float("lr_k", self.lr_k, 0.0, 10.0)
        check_float("lr_min", self.lr_min, 0.0, 10.0)
        check_float("weight_decay", self.weight_decay, 0.0, 10.0)
        check_int("patience", self.patience, 0, 1000)
        check_float("min_delta", self.min_delta, 0.0, 1000.0)
        check_int("tbptt", self.tbptt, 0, MAX_SEQ_LEN)
        if self.patience and not self.eval_every:
            raise UserError("early stopping (patience > 0) needs evaluations: set eval_every > 0")
        if self.lr_schedule == "cosine" and self.lr_min > self.lr:
            raise UserError("lr_min ({lr_min:g}) must not exceed lr ({lr:g}) for the cosine schedule", lr_min=self.lr_min,
                            lr=self.lr)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        return from_dict(cls, d)


# --- Sequence to sequence with attention (issue 14) ------------------------------------------------
SEQ2SEQ_TASKS = ("reverse", "sort", "dates")
ATTENTIONS = ("none", "additive", "dot", "general")
S2S_CELLS = ("rnn", "lstm", "gru")  # PyTorch's modules and their *Cell forms (no peephole LSTM in seq2seq)
MAX_S2S_HIDDEN = 256   # the decoder runs one Python step per output token: keep it light on a shared server
MAX_S2S_EMBED = 128
MAX_S2S_LEN = 40       # reverse/sort: longest source (dates are at most 37 characters)
MAX_S2S_SYMBOLS = 26   # reverse/sort: the letters a..z
MAX_EVAL_SIZE = 1000   # pairs of each evaluation set, decoded at every evaluation
MAX_BEAM = 10          # widest beam search


@dataclass(frozen=True)
class Seq2SeqConfig:
    """An encoder–decoder with attention and its task; the optimiser settings are a TrainConfig."""

    task: str = "dates"            # "reverse" | "sort" | "dates"
    min_len: int = 3               # reverse/sort: shortest source, in symbols
    max_len: int = 10              # reverse/sort: longest source, in symbols
    n_symbols: int = 10            # reverse/sort: alphabet size (the first n letters a, b, c, ...)
    data_seed: int = 0             # seed of the data (the held-out split and the pairs drawn)
    cell: str = "gru"              # encoder and decoder cell: "rnn" | "lstm" | "gru"
    embedding_dim: int = 16        # E: size of the source and target token embeddings
    hidden_size: int = 64          # H: units of the encoder (per direction) and of the decoder
    bidirectional: bool = False    # encoder reads both ways; annotations are then [→h_s; ←h_s] (2H)
    attention: str = "additive"    # "none" (context = last encoder state) | "additive" | "dot" | "general"
    teacher_forcing: float = 1.0   # probability that a decoder input is the true previous token (else its own guess)
    eval_size: int = 200           # pairs in each fixed evaluation set (train, val, test), greedy-decoded at every
                                   # evaluation (TrainConfig.eval_every)
    seed: int = 0                  # seed of the weight initialisation

    def __post_init__(self) -> None:
        check_choice("task", self.task, SEQ2SEQ_TASKS)
        check_int("min_len", self.min_len, 1, MAX_S2S_LEN)
        check_int("max_len", self.max_len, 1, MAX_S2S_LEN)
        if self.min_len > self.max_len:
            raise UserError("min_len ({min_len}) must not exceed max_len ({max_len})", min_len=self.min_len,
                            max_len=self.max_len)
        check_int("n_symbols", self.n_symbols, 2, MAX_S2S_SYMBOLS)
        check_int("data_seed", self.data_seed, 0, MAX_SEED)
        check_choice("cell", self.cell, S2S_CELLS)
        check_int("embedding_dim", self.embedding_dim, 1, MAX_S2S_EMBED)
        check_int("hidden_size", self.hidden_size, 1, MAX_S2S_HIDDEN)
        if not isinstance(self.bidirectional, bool):
            raise UserError("{name} must be true or false, got {value!r}", name="bidirectional", value=self.bidirectional)
        check_choice("attention", self.attention, ATTENTIONS)
        if self.attention == "dot" and self.bidirectional:
            raise UserError("dot attention compares the decoder state (H) with annotations of the same size; "
                            "a bidirectional encoder's are 2H: choose general or additive attention")
        check_float("teacher_forcing", self.teacher_forcing, 0.0, 1.0)
        check_int("eval_size", self.eval_size, 1, MAX_EVAL_SIZE)
        check_int("seed", self.seed, 0, MAX_SEED)

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Seq2SeqConfig":
        return from_dict(cls, d)
