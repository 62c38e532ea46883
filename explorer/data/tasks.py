"""Seeded training data: forecasting, long-range toy problems and character language models.

Every task yields batches of inputs `x` (B, T, I), targets `y` and a `mask` of the steps where the
loss counts, plus the loss of the best memoryless guess (`baseline`) to draw on the loss chart.
A batch depends only on (TaskConfig.seed, batch_size, batch seed): numpy's PCG64 generator gives
the same numbers on every machine (with the same numpy version; see NEP 19).

Held-out data: training batches come from the training split only. `eval_set(split)` is a fixed set of
sequences of the "train", "val" or "test" split. Synthetic tasks draw each split's fixed set from a stream
of its own (seed sequence [task seed, 0] with spawn key 0, 1, 2; training batches use [task seed, batch
seed] without a spawn key, so no stream is shared). A real series is cut chronologically and a text at
line starts into training | validation | test parts (the last HELD_OUT_FRACTION each, at least one window);
every window lies inside one part.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..config import MAX_SEQ_LEN, TaskConfig, check_choice, check_int
from ..i18n import N_, UserError, UserText
from ..metrics import accuracy, binary_f1, confusion_matrix, macro_f1, mae, perplexity, rmse, smape
from .text import PAD_ID, EncodedText, Vocabulary, encode_text, tokenize

MAX_BATCH_SIZE = 4096  # cap on batch(); one-hot text batches grow as B*T*V floats
# 2 MiB: ~100k rows of a CSV or a whole novel, still parsed and sampled in well under a second.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ALPHABET = 200  # distinct characters allowed in a text (the one-hot width)
COPY_RECALL = 10  # copy memory: number of symbols to remember
NEIGHBOUR_GAP = 5  # sum of neighbours: the target at t is x_{t−5} + x_{t+5}
# Tasks whose target is a later input (the next value or character): a bidirectional model would read it
# (explorer.lab.check_combination refuses the combination; the Build page does not offer it).
NEXT_STEP_TASKS = frozenset({"sine", "sunspots", "csv", "charlm", "text"})
DATA_DIR = Path(__file__).parent / "corpora"
SPLITS = ("train", "val", "test")
SPLIT_STREAM = {"train": 0, "val": 1, "test": 2}  # spawn key of each split's fixed evaluation set
HELD_OUT_FRACTION = 0.1  # of a real series or a text: the validation part, and again the test part
EVAL_SIZE = 128  # sequences in a fixed evaluation set (fewer for long one-hot sequences, see eval_size)
EVAL_MAX_VALUES = 1 << 20  # floats of x in one evaluation set (4 MiB)



@dataclass
class Batch:
    x: torch.Tensor  # (B, T, input_size) float32
    y: torch.Tensor  # regression: (B, T, output_size) float32; classification: (B, T) int64
    mask: torch.Tensor  # (B, T) bool: the time steps where the loss counts
    lengths: torch.Tensor | None = None  # (B,) int64 real length of each sequence, padding after it (None: all T)


class Task:
    """Seeded batches of one task, with its loss, metrics and memoryless baseline.

    Subclasses pass their description to __init__ and implement `_arrays` and `metrics`.
    """

    token_inputs = False  # True: x is (B, T) int64 ids into `vocab` (id 0 "<pad>"), not (B, T, I) floats

    def __init__(
        self,
        cfg: TaskConfig,
        *,
        kind: str,  # "regression" | "classification"
        input_size: int,  # width of x
        output_size: int,  # regression: number of outputs; classification: number of classes
        seq_len: int,  # total T of x
        baseline: float,  # loss of the best memoryless guess, same units as loss()
        baseline_label: str,  # one short line for a chart legend
        metric_names: tuple[str, ...],  # keys of metrics()
        vocab: list[str] | None = None,  # names of the one-hot input symbols (LM: also the classes)
    ):
        self.name = cfg.name
        self.kind = kind
        self.input_size = input_size
        self.output_size = output_size
        self.seq_len = seq_len
        self.baseline = float(baseline)
        self.baseline_label = baseline_label
        self.metric_names = metric_names
        self.vocab = vocab
        self._seed = cfg.seed
        self._eval_sets: dict[str, Batch] = {}

    def batch(self, batch_size: int, seed: int) -> Batch:
        """`batch_size` training sequences, identical for identical (task seed, batch_size, seed)."""
        check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
        check_int("seed", seed, 0, 2**63 - 1)
        return self._batch(*self._arrays(np.random.default_rng([self._seed, seed]), batch_size))

    @property
    def eval_size(self) -> int:
        """Sequences in a fixed evaluation set: EVAL_SIZE, fewer when x would exceed EVAL_MAX_VALUES floats."""
        return max(8, min(EVAL_SIZE, EVAL_MAX_VALUES // (self.seq_len * self.input_size)))

    def eval_set(self, split: str) -> Batch:
        """The fixed evaluation set of `split` ("train" | "val" | "test"), made once and kept."""
        check_choice("split", split, SPLITS)
        if split not in self._eval_sets:
            self._eval_sets[split] = self._batch(*self._eval_arrays(split))
        return self._eval_sets[split]

    def _batch(self, x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> Batch:
        y = torch.from_numpy(y)
        return Batch(
            x=torch.from_numpy(x).float(),
            y=y.float() if self.kind == "regression" else y.long(),
            mask=torch.from_numpy(mask),
        )

    def _eval_rng(self, split: str) -> np.random.Generator:
        """The split's own stream: [task seed, 0] with spawn key SPLIT_STREAM[split] (no training batch's)."""
        return np.random.default_rng(np.random.SeedSequence([self._seed, 0], spawn_key=(SPLIT_STREAM[split],)))

    def _eval_arrays(self, split: str):
        """Synthetic tasks: eval_size sequences from the split's own stream."""
        return self._arrays(self._eval_rng(split), self.eval_size)

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        """MSE (regression) or cross-entropy (classification) averaged over the masked steps."""
        want = (*batch.mask.shape, self.output_size)
        if tuple(out.shape) != want:
            raise ValueError(f"out must have shape {want}, got {tuple(out.shape)}")
        pred, target = out[batch.mask], batch.y[batch.mask]  # (N, O), (N, O) or (N,)
        if self.kind == "regression":
            return F.mse_loss(pred, target)
        return F.cross_entropy(pred, target)

    def metrics(self, out: torch.Tensor, batch: Batch) -> dict[str, float]:
        """The scores named in metric_names, for outputs `out` (B, T, output_size)."""
        raise NotImplementedError

    def _arrays(self, rng: np.random.Generator, batch_size: int):
        """Numpy x (B, T, I), y and mask (B, T) drawn from `rng`."""
        raise NotImplementedError


def _one_hot(ids: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n, dtype=np.float32)[ids]  # (*ids.shape, n)


def _last_step_mask(batch_size: int, seq_len: int) -> np.ndarray:
    mask = np.zeros((batch_size, seq_len), bool)
    mask[:, -1] = True
    return mask


def _windows(rng: np.random.Generator, series: np.ndarray, seq_len: int, batch_size: int):
    """Windows of T+1 consecutive values at uniform offsets 0..n-T-1."""
    offsets = rng.integers(0, len(series) - seq_len, batch_size)  # (B,)
    return series[offsets[:, None] + np.arange(seq_len + 1)]  # (B, T+1)


def _spread_windows(series: np.ndarray, seq_len: int, n: int) -> np.ndarray:
    """Every window of T+1 values of `series`, or n of them at evenly spread offsets when there are more."""
    last = len(series) - seq_len - 1  # the last offset
    offsets = np.unique(np.linspace(0, last, min(n, last + 1)).round().astype(np.int64))  # (B,)
    return series[offsets[:, None] + np.arange(seq_len + 1)]  # (B, T+1)


def min_length(seq_len: int) -> int:
    """Values (or characters) a real series (or text) needs for its three parts: two windows of T+1 for
    training, one each for validation and test."""
    return 3 * seq_len + 4


def chronological_split(n: int, seq_len: int) -> tuple[int, int]:
    """(v, t): training [0, v), validation [v, t), test [t, n). Each held-out part is the last
    HELD_OUT_FRACTION of what precedes it in time, and at least one window of T+1."""
    held = max(math.ceil(HELD_OUT_FRACTION * n), seq_len + 1)
    if n - 2 * held < seq_len + 2:
        raise UserError("{n} values are too few for training, validation and test parts at this sequence length; "
                        "it needs at least {least}.", n=n, least=min_length(seq_len))
    return n - 2 * held, n - held


def line_split(text: str, seq_len: int) -> tuple[int, int]:
    """(v, t) as in chronological_split, each moved back to the start of its line, so that no line is cut."""
    held = max(math.ceil(HELD_OUT_FRACTION * len(text)), seq_len + 1)
    t = text.rfind("\n", 0, len(text) - held) + 1  # the last line start at or before n − held
    v = text.rfind("\n", 0, t - held) + 1 if t - held > 0 else 0
    if v < seq_len + 2:
        raise UserError(
            "The text cannot be split at line breaks into training, validation and test parts with at least "
            "{least} characters each at this sequence length: lower seq_len or use a longer text with "
            "more lines.", least=seq_len + 1)
    return v, t




class _ForecastTask(Task):
    """Predict the next value of a 1-D series from the (noisy) values so far.

    MAE and RMSE are on the scale the model sees (RMSE² is the loss); SMAPE, in percent, is on
    the original scale (`mean + std * value`), where a relative error means something.
    """

    def __init__(self, cfg: TaskConfig, baseline: float, label: str, mean=0.0, std=1.0):
        super().__init__(
            cfg,
            kind="regression",
            input_size=1,
            output_size=1,
            seq_len=cfg.seq_len,
            baseline=baseline,
            baseline_label=label,
            metric_names=("MAE", "RMSE", "SMAPE"),
        )
        self._noise = cfg.noise
        self._mean, self._std = float(mean), float(std)

    def _series(self, rng: np.random.Generator, batch_size: int) -> np.ndarray:
        """Clean values (B, T+1)."""
        raise NotImplementedError

    def _arrays(self, rng, batch_size):
        return self._noisy(rng, self._series(rng, batch_size))

    def _noisy(self, rng: np.random.Generator, s: np.ndarray):
        """x, y, mask of clean values s (B, T+1): the noise goes on the inputs only."""
        x = s[:, :-1] + self._noise * rng.standard_normal(s[:, :-1].shape)  # (B, T)
        return x[..., None], s[:, 1:, None], np.ones(x.shape, bool)

    @torch.no_grad()
    def metrics(self, out, batch):
        pred, target = out[batch.mask], batch.y[batch.mask]  # (N, 1)
        return {
            "MAE": mae(pred, target),
            "RMSE": rmse(pred, target),
            "SMAPE": smape(self._mean + self._std * pred, self._mean + self._std * target),
        }


class SineTask(_ForecastTask):
    """Mean of n sines with frequencies freq·k (k = 1..n), each with a random phase per sample."""

    def __init__(self, cfg: TaskConfig):
        # A sine with a uniform random phase has, at every t, mean 0 and variance 1/2; the n phases
        # are independent, so the mean of the n sines has variance 1/(2n). The best constant guess
        # is therefore 0, with expected MSE exactly 1/(2n) (whatever the frequencies).
        baseline = 1 / (2 * cfg.n_sines)
        super().__init__(cfg, baseline, UserText("predict 0 always (MSE {mse:.3f})", mse=baseline))
        self._freqs = cfg.freq * np.arange(1, cfg.n_sines + 1)  # (K,) cycles per step

    def _series(self, rng, batch_size):
        t = np.arange(self.seq_len + 1)  # (T+1,)
        phase = rng.uniform(0, 2 * np.pi, (batch_size, len(self._freqs), 1))  # (B, K, 1)
        return np.sin(2 * np.pi * self._freqs[:, None] * t + phase).mean(axis=1)  # (B, T+1)


def _window_baseline(z: np.ndarray, seq_len: int) -> float:
    """Exact MSE of the best constant guess for the targets of uniformly drawn windows.

    Index i is a target of the windows at offsets o with o+1 <= i <= o+T and 0 <= o <= n-T-1.
    Weighting each value by that count gives the distribution of targets; the best constant is
    its mean and the MSE its variance (close to 1 on a z-scored series, less at the edges).
    """
    i = np.arange(len(z))
    cover = np.minimum(i - 1, len(z) - seq_len - 1) - np.maximum(i - seq_len, 0) + 1
    w = np.clip(cover, 0, None) / (seq_len * (len(z) - seq_len))  # (n,) sums to 1
    mean = (w * z).sum()
    return float((w * (z - mean) ** 2).sum())


class SeriesTask(_ForecastTask):
    """Windows of a real series (sunspots, an uploaded CSV column), z-scored with the training part's mean
    and std; cut chronologically into training | validation | test parts (`parts`)."""

    def __init__(self, cfg: TaskConfig, values: np.ndarray, name: str = UserText("The series")):
        v, t = chronological_split(len(values), cfg.seq_len)
        mean, std = values[:v].mean(), values[:v].std()
        if std == 0:
            raise UserError("{name} is constant in its training part (the first {v} values); there is nothing to "
                            "learn.", name=name, v=v)
        z = (values - mean) / std  # (n,)
        self.parts = {"train": (0, v), "val": (v, t), "test": (t, len(values))}  # [start, end) of each part
        self._z = {split: z[a:b] for split, (a, b) in self.parts.items()}
        baseline = _window_baseline(self._z["train"], cfg.seq_len)
        super().__init__(cfg, baseline, UserText("predict the mean (MSE {mse:.3f})", mse=baseline), mean, std)

    def _series(self, rng, batch_size):
        return _windows(rng, self._z["train"], self.seq_len, batch_size)

    def _eval_arrays(self, split):  # the split's windows, with noise from the split's own stream
        return self._noisy(self._eval_rng(split), _spread_windows(self._z[split], self.seq_len, self.eval_size))


class AddingTask(Task):
    """Adding problem (Arjovsky, Shah & Bengio 2016): sum the two marked values.

    x[..., 0] ~ U(0, 1); x[..., 1] marks one step in each half; the sum is due at the last step.
    """

    def __init__(self, cfg: TaskConfig):
        super().__init__(
            cfg,
            kind="regression",
            input_size=2,
            output_size=1,
            seq_len=cfg.seq_len,
            baseline=1 / 6,  # predicting the mean 1 leaves Var(U1 + U2) = 2/12
            baseline_label=UserText("predict 1 always (MSE 0.167)"),
            metric_names=("MSE", "acc@0.04"),
        )

    def _arrays(self, rng, batch_size):
        T, rows = self.seq_len, np.arange(batch_size)
        values = rng.random((batch_size, T))  # (B, T)
        first = rng.integers(0, T // 2, batch_size)  # (B,) marked step in the first half
        second = rng.integers(T // 2, T, batch_size)  # (B,) marked step in the second half
        markers = np.zeros((batch_size, T))
        markers[rows, first] = markers[rows, second] = 1
        y = np.zeros((batch_size, T, 1))
        y[:, -1, 0] = values[rows, first] + values[rows, second]
        return np.stack([values, markers], axis=-1), y, _last_step_mask(batch_size, T)

    @torch.no_grad()
    def metrics(self, out, batch):
        err = out[batch.mask] - batch.y[batch.mask]  # (B, 1)
        return {
            "MSE": err.pow(2).mean().item(),
            "acc@0.04": (err.abs() < 0.04).float().mean().item(),
        }


class CopyTask(Task):
    """Copy memory (Arjovsky, Shah & Bengio 2016): recall 10 symbols after a delay T.

    Symbols: 0 blank, 1..8 data, 9 delimiter. Input: 10 data symbols, T-1 blanks, the delimiter,
    10 blanks. Target: T+10 blanks, then the 10 data symbols.
    """

    BLANK, DELIMITER, N_DATA = 0, 9, 8

    def __init__(self, cfg: TaskConfig):
        T = cfg.seq_len + 2 * COPY_RECALL
        # Memoryless: blank with certainty (CE 0) until the recall, then uniform over the 8 data
        # symbols (CE ln 8) on the last 10 of the T+20 steps.
        baseline = COPY_RECALL * math.log(self.N_DATA) / T
        super().__init__(
            cfg,
            kind="classification",
            input_size=self.N_DATA + 2,
            output_size=self.N_DATA + 2,
            seq_len=T,
            baseline=baseline,
            baseline_label=UserText("blanks, then a uniform guess (CE {ce:.3f})", ce=baseline),
            metric_names=("accuracy", "CE"),
            vocab=["_", *"12345678", ">"],
        )

    def _arrays(self, rng, batch_size):
        n, T = COPY_RECALL, self.seq_len
        data = rng.integers(1, self.N_DATA + 1, (batch_size, n))  # (B, 10)
        x = np.full((batch_size, T), self.BLANK)
        x[:, :n] = data
        x[:, -n - 1] = self.DELIMITER
        y = np.full((batch_size, T), self.BLANK)
        y[:, -n:] = data
        return _one_hot(x, self.input_size), y, np.ones((batch_size, T), bool)

    @torch.no_grad()
    def metrics(self, out, batch):
        recalled = out[:, -COPY_RECALL:].argmax(-1)  # (B, 10)
        return {
            "accuracy": accuracy(recalled, batch.y[:, -COPY_RECALL:]),
            "CE": self.loss(out, batch).item(),
        }


class OrderTask(Task):
    """Temporal order (Hochreiter & Schmidhuber 1997, exp. 6a, without the B/E end markers).

    Distractors a..d, with an X or a Y at a random step of the first third and another in the
    middle third; the class (XX, XY, YX, YY = 0..3) is due at the last step. Classes are balanced.
    """

    CLASSES = ("XX", "XY", "YX", "YY")

    def __init__(self, cfg: TaskConfig):
        super().__init__(
            cfg,
            kind="classification",
            input_size=6,
            output_size=len(self.CLASSES),
            seq_len=cfg.seq_len,
            baseline=math.log(4),  # uniform over 4 balanced classes
            baseline_label=UserText("guess a class at random (CE {ce:.3f})", ce=math.log(4)),
            metric_names=("accuracy", "F1 (macro)"),
            vocab=["a", "b", "c", "d", "X", "Y"],
        )

    def _arrays(self, rng, batch_size):
        T, third, rows = self.seq_len, self.seq_len // 3, np.arange(batch_size)
        labels = rng.permutation(np.arange(batch_size) % 4)  # (B,) balanced classes
        x = rng.integers(0, 4, (batch_size, T))  # (B, T) distractors a..d
        x[rows, rng.integers(0, third, batch_size)] = 4 + labels // 2  # X = 4, Y = 5
        x[rows, rng.integers(third, 2 * third, batch_size)] = 4 + labels % 2
        y = np.zeros((batch_size, T), np.int64)
        y[:, -1] = labels
        return _one_hot(x, self.input_size), y, _last_step_mask(batch_size, T)

    @torch.no_grad()
    def metrics(self, out, batch):
        pred, target = out[batch.mask].argmax(-1), batch.y[batch.mask]  # (B,), (B,)
        return {
            "accuracy": accuracy(pred, target),
            "F1 (macro)": macro_f1(pred, target, self.output_size),
        }


class NeighboursTask(Task):
    """Sum of neighbours: at every step t (with both neighbours inside the sequence) output x_{t−d} + x_{t+d},
    d = NEIGHBOUR_GAP, the values x ~ U(0, 1). Half of each target lies in the future: a unidirectional network
    cannot know x_{t+d}, so its best possible MSE is Var(x) = 1/12 ≈ 0.083 (half the baseline); a bidirectional
    network reads both sides and can reach 0."""

    UNIDIRECTIONAL_FLOOR = 1 / 12  # MSE of the best unidirectional guess, x_{t−d} + E[x]

    def __init__(self, cfg: TaskConfig):
        super().__init__(
            cfg,
            kind="regression",
            input_size=1,
            output_size=1,
            seq_len=cfg.seq_len,
            baseline=1 / 6,  # predicting the mean 1 leaves Var(U1 + U2) = 2/12
            baseline_label=UserText("predict 1 always (MSE 0.167)"),
            metric_names=("MSE", "MAE"),
        )

    def _arrays(self, rng, batch_size):
        T, d = self.seq_len, NEIGHBOUR_GAP
        x = rng.random((batch_size, T))  # (B, T)
        y = np.zeros((batch_size, T, 1))
        y[:, d : T - d, 0] = x[:, : T - 2 * d] + x[:, 2 * d :]
        mask = np.zeros((batch_size, T), bool)
        mask[:, d : T - d] = True
        return x[..., None], y, mask

    @torch.no_grad()
    def metrics(self, out, batch):
        err = out[batch.mask] - batch.y[batch.mask]  # (N, 1)
        return {"MSE": err.pow(2).mean().item(), "MAE": err.abs().mean().item()}


class SpikesTask(Task):
    """Timed spikes, the task family of Gers, Schraudolph & Schmidhuber (2002): one input spike at a random step
    t0 < n; from then on the output must spike exactly every n = `period` steps (t0 + n, t0 + 2n, …) and stay
    silent in between. Nothing in the input marks the output times: the network has to count. The loss counts
    from t0 + 1 on; the memoryless baseline is the entropy of the spike rate."""

    def __init__(self, cfg: TaskConfig):
        n, T = cfg.period, cfg.seq_len
        t0 = np.arange(n)  # every start is equally likely; the loss pools all masked steps
        rate = ((T - 1 - t0) // n).sum() / (T - 1 - t0).sum()
        baseline = float(-(rate * np.log(rate) + (1 - rate) * np.log(1 - rate)))
        super().__init__(
            cfg,
            kind="classification",
            input_size=1,
            output_size=2,
            seq_len=T,
            baseline=baseline,
            baseline_label=UserText("the spike rate only (CE {ce:.3f})", ce=baseline),
            metric_names=("on time", "accuracy"),
        )
        self._period = n

    def _arrays(self, rng, batch_size):
        n, T, rows = self._period, self.seq_len, np.arange(batch_size)
        t0 = rng.integers(0, n, batch_size)  # (B,)
        x = np.zeros((batch_size, T, 1))
        x[rows, t0, 0] = 1.0
        t = np.arange(T)  # (T,)
        after = t[None] - t0[:, None]  # (B, T): steps since the input spike
        y = ((after > 0) & (after % n == 0)).astype(np.int64)
        return x, y, after > 0

    @torch.no_grad()
    def metrics(self, out, batch):
        right = (out.argmax(-1) == batch.y) | ~batch.mask  # (B, T)
        return {
            "on time": right.all(dim=1).float().mean().item(),  # sequences with every spike and silence right
            "accuracy": accuracy(out[batch.mask].argmax(-1), batch.y[batch.mask]),
        }


class CharLMTask(Task):
    """Next-character prediction on windows of T+1 characters at random offsets of a text's training part.

    The text is cut at line starts into training | validation | test parts (`parts`); the alphabet is the
    whole text's, the baseline the unigram entropy of the training part."""

    def __init__(self, cfg: TaskConfig, text: str):
        vocab = sorted(set(text))
        self._index = {c: i for i, c in enumerate(vocab)}
        ids = np.array([self._index[c] for c in text], np.int64)  # (n,)
        v, t = line_split(text, cfg.seq_len)
        self.parts = {"train": (0, v), "val": (v, t), "test": (t, len(text))}  # [start, end) of each part
        self._ids = {split: ids[a:b] for split, (a, b) in self.parts.items()}
        counts = np.bincount(self._ids["train"])
        p = counts[counts > 0] / v  # unigram frequencies of the training part
        baseline = float(-(p * np.log(p)).sum())  # their entropy in nats
        super().__init__(
            cfg,
            kind="classification",
            input_size=len(vocab),
            output_size=len(vocab),
            seq_len=cfg.seq_len,
            baseline=baseline,
            baseline_label=UserText("letter frequencies only (CE {ce:.2f})", ce=baseline),
            metric_names=("perplexity", "bits/char", "accuracy"),
            vocab=vocab,
        )

    def _arrays(self, rng, batch_size):
        return self._sequences(_windows(rng, self._ids["train"], self.seq_len, batch_size))

    def _eval_arrays(self, split):
        return self._sequences(_spread_windows(self._ids[split], self.seq_len, self.eval_size))

    def _sequences(self, w: np.ndarray):
        """x, y, mask of windows of ids (B, T+1)."""
        return _one_hot(w[:, :-1], self.input_size), w[:, 1:], np.ones(w[:, 1:].shape, bool)

    @torch.no_grad()
    def metrics(self, out, batch):
        logits, target = out[batch.mask], batch.y[batch.mask]  # (N, V), (N,)
        return {
            "perplexity": perplexity(logits, target),
            "bits/char": self.loss(out, batch).item() / math.log(2),
            "accuracy": accuracy(logits.argmax(-1), target),
        }

    def encode(self, text: str) -> torch.Tensor:
        """(T,) int64 ids of the characters of `text`."""
        unknown = sorted(set(text) - self._index.keys())
        if unknown:
            raise UserError("characters not in the alphabet: {chars}", chars=" ".join(map(repr, unknown)))
        return torch.tensor([self._index[c] for c in text], dtype=torch.int64)

    def decode(self, ids) -> str:
        return "".join(self.vocab[i] for i in torch.as_tensor(ids).reshape(-1).tolist())

    def inputs_from_text(self, text: str) -> torch.Tensor:
        """(1, T, V) one-hot float32 inputs for a model."""
        return F.one_hot(self.encode(text), self.input_size).float()[None]


def _decode_upload(data: bytes) -> str:
    """The UTF-8 text of an uploaded file, with \\n line ends; ValueError for anything else."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UserError("The file has {n:,} bytes; the limit is {limit:,} bytes (2 MB).", n=len(data),
                        limit=MAX_UPLOAD_BYTES)
    if b"\0" in data:
        raise UserError("The file looks binary (it contains NUL bytes); upload a plain-text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError("The file is not UTF-8 text (byte {byte} cannot be decoded); save it as UTF-8.",
                        byte=e.start) from None
    if not text.strip():
        raise UserError("The file is empty.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _to_number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _numeric_columns(header: list[str], first_row: list[str]) -> list[int]:
    """Indices of the columns whose first data row holds a number."""
    return [j for j in range(len(header)) if j < len(first_row) and _to_number(first_row[j].strip()) is not None]


def csv_columns(data: bytes) -> list[str]:
    """The columns of a CSV file that the csv task can forecast (a number in the first data row), in order;
    [] for a file that is no such CSV (building the task then says why)."""
    try:
        rows = (r for r in csv.reader(io.StringIO(_decode_upload(data))) if any(c.strip() for c in r))
        top = list(itertools.islice(rows, 2))  # the header and the first data row
    except (ValueError, csv.Error):
        return []
    if len(top) < 2:
        return []
    header = [h.strip() for h in top[0]]
    return [header[j] for j in _numeric_columns(header, top[1])]


def _read_column(data: bytes, column: str, min_rows: int) -> tuple[np.ndarray, str]:
    """The values of `column` (or of the first numeric column) of a CSV file with a header, and its name."""
    try:  # (line number, fields) of the non-blank rows
        rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(_decode_upload(data))), 1)
                if any(cell.strip() for cell in r)]
    except csv.Error as e:
        raise UserError("The file is not a readable CSV ({error}).", error=str(e)) from None
    header, body = [h.strip() for h in rows[0][1]], rows[1:]
    if not body:
        raise UserError("The file has no data rows below its header.")
    if all(_to_number(h) is not None for h in header):
        raise UserError("The first row must be a header naming the columns, e.g. 'year,value'.")

    def cell(row: list[str], j: int) -> str:
        return row[j].strip() if j < len(row) else ""

    if column:
        if column not in header:
            raise UserError("Column {column!r} not found; the columns are: {columns}.", column=column,
                            columns=", ".join(header))
        j = header.index(column)
    else:
        numeric = _numeric_columns(header, body[0][1])
        if not numeric:
            raise UserError("No numeric column found: the first data row holds no number.")
        j = numeric[0]
    name = header[j]

    values = []
    for line, row in body:
        value = _to_number(cell(row, j))
        if value is None or not math.isfinite(value):
            raise UserError("Column {name!r}, line {line}: {value!r} is not a finite number.", name=name, line=line,
                            value=cell(row, j))
        values.append(value)
    if len(values) < min_rows:
        raise UserError("Column {name!r} has {n} values; this sequence length needs at least {least} (lower seq_len "
                        "or use a longer file).", name=name, n=len(values), least=min_rows)
    values = np.array(values)
    if values.std() == 0:
        raise UserError("Column {name!r} is constant; there is nothing to forecast.", name=name)
    return values, name


def _read_text(data: bytes, min_chars: int) -> str:
    text = _decode_upload(data)
    if len(text) < min_chars:
        raise UserError("The text has {n} characters; this sequence length needs at least {least} (lower seq_len or "
                        "use a longer text).", n=len(text), least=min_chars)
    if len(set(text)) > MAX_ALPHABET:
        raise UserError("The text uses {n} distinct characters; the limit is {limit}.", n=len(set(text)),
                        limit=MAX_ALPHABET)
    return text


# ---- text classification: sentiment of whole texts, read token by token (issue 12) -------------

SENTIMENT_CLASSES = ("negative", "positive")  # class ids 0 and 1
_LABEL_IDS = {"negative": 0, "neg": 0, "0": 0, "positive": 1, "pos": 1, "1": 1}  # accepted spellings
MAX_TEXT_TOKENS = MAX_SEQ_LEN  # longest text an upload may hold: no model reads further
MIN_CLASS_TEXTS = 10  # fewest different texts of each class: every split needs both classes
SPLIT_FRACTIONS = (0.8, 0.1, 0.1)  # of each class's texts, in SPLITS order; val and test get at least one
SPLIT_SEED = 0  # the split is fixed (test scores stay comparable across data seeds)
VOCAB_MIN_COUNT = 2  # a token seen once in the training split reads as "<unk>"
VOCAB_MAX_SIZE = 10_000  # entries, "<pad>" and "<unk>" included


def _without_trailing_blanks(cells: list[str]) -> list[str]:
    """`cells` without the empty cells at their end (spreadsheets write them)."""
    n = len(cells)
    while n and not cells[n - 1].strip():
        n -= 1
    return cells[:n]


def _read_labelled_csv(data: bytes) -> tuple[list[str], list[list[str]], np.ndarray]:
    """(texts, their tokens, labels (N,) int64) of a CSV file whose header names a `text` and a `label`
    column (other columns are ignored); ValueError with one sentence for anything a user must fix."""
    reader = csv.reader(io.StringIO(_decode_upload(data)))
    rows = []  # (first line of the record, fields) of the non-blank records
    try:
        while True:
            line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                break
            if any(cell.strip() for cell in row):
                rows.append((line, row))
    except csv.Error as e:
        raise UserError("The file is not a readable CSV (line {line}: {error}).", line=reader.line_num,
                        error=str(e)) from None
    if not rows:
        raise UserError("The file is empty.")
    names = _without_trailing_blanks([h.strip() for h in rows[0][1]])
    header = [h.lower() for h in names]
    if "text" not in header or "label" not in header:
        shown = ", ".join(h if len(h) <= 30 else h[:29] + "…" for h in names[:6])
        raise UserError("The first row must be a header naming a 'text' and a 'label' column; it names: {shown}.",
                        shown=shown)
    if len(rows) == 1:
        raise UserError("The file has no data rows below its header.")
    j_text, j_label, width = header.index("text"), header.index("label"), len(header)
    texts, docs, labels = [], [], []
    for line, row in rows[1:]:
        row = _without_trailing_blanks(row)
        if len(row) > width:
            raise UserError("Line {line} has {n} fields but the header names {width} columns: put a text that "
                            "contains commas in double quotes.", line=line, n=len(row), width=width)
        row += [""] * (width - len(row))  # cells left out at the end are empty
        label, tokens = row[j_label].strip(), tokenize(row[j_text])
        if not label:
            raise UserError("Line {line} has no label; each row needs positive or negative.", line=line)
        if label.lower() not in _LABEL_IDS:
            raise UserError("Line {line} has the unknown label {label!r}; the labels are positive and negative (or "
                            "pos/neg, 1/0).", line=line, label=label)
        if not tokens:
            raise UserError("Line {line} has a label but no text.", line=line)
        if len(tokens) > MAX_TEXT_TOKENS:
            raise UserError("Line {line} holds a text of {n:,} tokens; the limit is {limit:,} (a word, a "
                            "punctuation mark or a Chinese character counts as one).", line=line, n=len(tokens),
                            limit=MAX_TEXT_TOKENS)
        texts.append(row[j_text])
        docs.append(tokens)
        labels.append(_LABEL_IDS[label.lower()])
    labels = np.array(labels, np.int64)
    present = sorted(set(labels.tolist()))
    if len(present) == 1:
        raise (UserError("Every text is labelled negative; the data need both positive and negative texts.")
               if SENTIMENT_CLASSES[present[0]] == "negative" else
               UserError("Every text is labelled positive; the data need both positive and negative texts."))
    for c, name in enumerate(SENTIMENT_CLASSES):
        distinct = len({" ".join(d) for d, y in zip(docs, labels) if y == c})
        if distinct < MIN_CLASS_TEXTS:
            template = (N_("Only {n} different texts are labelled negative; each label needs at least {least} for "
                           "the training, validation and test splits.") if name == "negative" else
                        N_("Only {n} different texts are labelled positive; each label needs at least {least} for "
                           "the training, validation and test splits."))
            raise UserError(template, n=distinct, least=MIN_CLASS_TEXTS)
    return texts, docs, labels


def split_documents(docs: list[list[str]], labels: np.ndarray, seed: int = SPLIT_SEED) -> dict[str, np.ndarray]:
    """Sorted document indices (n,) of each of SPLITS, drawn per class (stratified) with `seed`.

    Documents with the same tokens go to the same split, so no test text is also a training text.
    The fractions are SPLIT_FRACTIONS of each class's distinct texts; the result depends only on the
    documents, their order and the seed.
    """
    groups: dict[str, list[int]] = {}  # same tokens -> document indices, in order of first appearance
    for i, d in enumerate(docs):
        groups.setdefault(" ".join(d), []).append(i)
    rng = np.random.default_rng(seed)
    parts: dict[str, list[int]] = {s: [] for s in SPLITS}
    for c in range(len(SENTIMENT_CLASSES)):
        keys = [k for k, members in groups.items() if labels[members[0]] == c]
        n = len(keys)
        n_val, n_test = (max(1, round(n * f)) for f in SPLIT_FRACTIONS[1:])
        order = rng.permutation(n)
        for split, chunk in zip(SPLITS, np.split(order, [n - n_val - n_test, n - n_test])):
            parts[split] += [i for j in chunk for i in groups[keys[j]]]
    return {s: np.array(sorted(v), np.int64) for s, v in parts.items()}


class SentimentTask(Task):
    """Is a text positive or negative? The network reads the text's token ids one step at a time and
    answers at its last real step (`mask` is True there only; y holds the class there).

    The documents are split once (SPLIT_SEED) into training, validation and test texts; the vocabulary
    is built from the training texts only. Texts longer than seq_len tokens are cut to their first
    seq_len tokens when the task is built (`n_cut` counts them). A batch is padded with "<pad>" (id 0)
    to its longest text; `lengths` holds each text's real length.
    """

    token_inputs = True

    def __init__(self, cfg: TaskConfig, data: bytes):
        texts, docs, labels = _read_labelled_csv(data)
        self.texts = texts  # the raw texts, as in the file
        self.splits = split_documents(docs, labels)  # split name -> document indices (n,)
        train = self.splits["train"]
        self.vocabulary = Vocabulary.build((docs[i] for i in train), VOCAB_MIN_COUNT, VOCAB_MAX_SIZE)
        self._ids = [np.array(self.vocabulary.encode(d[: cfg.seq_len]), np.int64) for d in docs]
        self._labels = labels  # (N,) 0 negative, 1 positive
        self.n_cut = sum(len(d) > cfg.seq_len for d in docs)  # texts cut to seq_len tokens
        prior = np.bincount(labels[train], minlength=2) / len(train)  # training class frequencies
        baseline = float(-(prior * np.log(prior)).sum())  # CE of predicting them: best without reading
        super().__init__(
            cfg,
            kind="classification",
            input_size=len(self.vocabulary),
            output_size=len(SENTIMENT_CLASSES),
            seq_len=cfg.seq_len,
            baseline=baseline,
            baseline_label=UserText("class frequencies only (CE {ce:.3f})", ce=baseline),
            metric_names=("accuracy", "F1 (macro)", "F1 (positive)"),
            vocab=list(self.vocabulary.tokens),
        )
        self.class_names = SENTIMENT_CLASSES

    def batch(self, batch_size: int, seed: int, split: str = "train") -> Batch:
        """`batch_size` texts of `split` drawn at random (without replacement while the split has
        enough), identical for identical (task seed, batch_size, seed, split)."""
        check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
        check_int("seed", seed, 0, 2**63 - 1)
        check_choice("split", split, SPLITS)
        pool = self.splits[split]
        rng = np.random.default_rng([self._seed, seed, SPLITS.index(split)])
        return self._batch_of(rng.choice(pool, batch_size, replace=batch_size > len(pool)))

    def eval_set(self, split: str) -> Batch:
        """The fixed evaluation set of `split`: every validation or test text, or EVAL_SIZE training texts at
        evenly spread positions of the training split, as one padded batch (made once and kept)."""
        check_choice("split", split, SPLITS)
        if split not in self._eval_sets:
            pool = self.splits[split]
            if split == "train":
                pool = pool[np.unique(np.linspace(0, len(pool) - 1, min(EVAL_SIZE, len(pool))).round().astype(int))]
            self._eval_sets[split] = self._batch_of(pool)
        return self._eval_sets[split]

    def iter_batches(self, split: str, batch_size: int) -> Iterator[Batch]:
        """Every text of `split` once, in a fixed order, `batch_size` at a time (for evaluation)."""
        check_choice("split", split, SPLITS)
        check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
        pool = self.splits[split]
        return (self._batch_of(pool[start : start + batch_size]) for start in range(0, len(pool), batch_size))

    def _batch_of(self, docs: np.ndarray) -> Batch:
        seqs = [self._ids[i] for i in docs]
        lengths = np.array([len(s) for s in seqs], np.int64)  # (B,)
        B, T, rows = len(seqs), int(lengths.max()), np.arange(len(seqs))
        x = np.full((B, T), PAD_ID, np.int64)
        for r, s in enumerate(seqs):
            x[r, : len(s)] = s
        y = np.zeros((B, T), np.int64)
        y[rows, lengths - 1] = self._labels[docs]
        mask = np.zeros((B, T), bool)
        mask[rows, lengths - 1] = True
        return Batch(x=torch.from_numpy(x), y=torch.from_numpy(y), mask=torch.from_numpy(mask),
                     lengths=torch.from_numpy(lengths))

    @torch.no_grad()
    def metrics(self, out, batch):
        pred, target = out[batch.mask].argmax(-1), batch.y[batch.mask]  # (B,), (B,)
        return {
            "accuracy": accuracy(pred, target),
            "F1 (macro)": macro_f1(pred, target, self.output_size),
            "F1 (positive)": binary_f1(pred, target),
        }

    @torch.no_grad()
    def confusion(self, out: torch.Tensor, batch: Batch) -> np.ndarray:
        """(2, 2) counts: row = true class, column = predicted class (negative, positive)."""
        pred, target = out[batch.mask].argmax(-1), batch.y[batch.mask]
        return confusion_matrix(pred, target, self.output_size).numpy()

    def pipeline(self, text: str) -> EncodedText:
        """`text` as the network would read it: tokens, ids, unknown tokens marked, the cut at seq_len."""
        return encode_text(text, self.vocabulary, self.seq_len)

    def inputs_from_text(self, text: str) -> torch.Tensor:
        """(1, T) int64 ids of a typed text (no padding, so its length is T); ValueError if it has no token."""
        ids = self.pipeline(text).ids
        if not ids:
            raise ValueError("Type at least one word.")
        return torch.tensor([ids], dtype=torch.int64)

    def summary(self) -> dict:
        """Plain numbers about the data for a view: texts and classes per split, vocabulary, lengths."""
        lengths = np.array([len(s) for s in self._ids])  # after the cut at seq_len
        return {
            "texts": {s: len(idx) for s, idx in self.splits.items()},
            "classes": {s: dict(zip(SENTIMENT_CLASSES, np.bincount(self._labels[idx], minlength=2).tolist()))
                        for s, idx in self.splits.items()},
            "majority_accuracy": {s: float(np.bincount(self._labels[idx]).max() / len(idx))
                                  for s, idx in self.splits.items()},
            "vocab_size": len(self.vocabulary),
            "train_tokens": sum(self.vocabulary.counts),  # in the training texts, before the cut
            "train_unknown": self.vocabulary.counts[1],  # of them read as "<unk>"
            "cut": self.n_cut,
            "length_median": float(np.median(lengths)),
            "length_max": int(lengths.max()),
        }


def make_task(cfg: TaskConfig, user_data: bytes | None = None) -> Task:
    """The task of `cfg`; `user_data` is the uploaded file of the csv and text tasks.

    Any problem with the data raises ValueError with one sentence a UI can show.
    """
    if cfg.name in ("csv", "text", "text_csv") and user_data is None:
        raise ValueError(f"The {cfg.name} task needs an uploaded file.")
    need = min_length(cfg.seq_len)  # real data: training, validation and test parts
    match cfg.name:
        case "sine":
            return SineTask(cfg)
        case "adding":
            return AddingTask(cfg)
        case "copy":
            return CopyTask(cfg)
        case "order":
            return OrderTask(cfg)
        case "neighbours":
            return NeighboursTask(cfg)
        case "spikes":
            return SpikesTask(cfg)
        case "charlm":
            return CharLMTask(cfg, _read_text((DATA_DIR / "macbeth.txt").read_bytes(), need))
        case "text":
            return CharLMTask(cfg, _read_text(user_data, need))
        case "sunspots":
            csv_bytes = (DATA_DIR / "sunspots.csv").read_bytes()
            values, name = _read_column(csv_bytes, "SUNACTIVITY", need)
            return SeriesTask(cfg, values, UserText("Column {name!r}", name=name))
        case "csv":
            values, name = _read_column(user_data, cfg.csv_column, need)
            return SeriesTask(cfg, values, UserText("Column {name!r}", name=name))
        case "sentiment":
            return SentimentTask(cfg, (DATA_DIR / "sentiment_en.csv").read_bytes())
        case "sentiment_zh":
            return SentimentTask(cfg, (DATA_DIR / "sentiment_zh.csv").read_bytes())
        case "text_csv":
            return SentimentTask(cfg, user_data)
