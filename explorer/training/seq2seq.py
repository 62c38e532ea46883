"""Training an encoder–decoder: a `Trainer` whose model reads a whole `Seq2SeqBatch` (its optimisers,
schedules, weight decay, clipping, divergence guard, evaluations, early stopping and `StepStats` as they
are), and the `Seq2SeqLab`, one user's model, task, trainer and history.

What the StepStats hold for an encoder–decoder:
- loss: cross-entropy per target token, the decoder fed the true previous token with the configured
  teacher-forcing probability (else its own guess); baseline: the best guess from the output position
  alone (`Seq2SeqTask._position_entropy`); metrics: "next-token accuracy" on the training batch;
- every eval_every steps, val_loss / train_eval_loss (teacher-forced cross-entropy on the fixed validation
  set and training subset) and val_metrics / train_eval_metrics: "BLEU" (corpus BLEU-4, 0–100), "exact match"
  and "token accuracy" of greedy decoding;
- hidden_grad_norms: (D, S) ‖∂L/∂h_s‖ of each encoder direction at each source position, on a fixed
  validation batch of sources of one length. No W_hh spectrum.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import torch

from ..config import Seq2SeqConfig, TrainConfig
from ..data.seq2seq import Seq2SeqBatch, Seq2SeqTask, make_seq2seq_task
from ..lab import MAX_STEP_BYTES, MAX_STEP_FLOPS
from ..metrics import bleu, exact_match, token_accuracy
from ..models.seq2seq import Seq2Seq, build_seq2seq, greedy_decode
from ..trace.seq2seq import encoder_grad_norms
from .history import History
from .trainer import PROBE_BATCH, Evaluation, StepStats, Trainer

PROBE_CANDIDATES = 512  # validation pairs among which the probe batch (sources of one length) is chosen


def probe_batch(task: Seq2SeqTask, n: int = PROBE_BATCH) -> Seq2SeqBatch:
    """n validation pairs whose sources all have the same length, the longest length that n of them share
    (so that position s means the same thing in every row)."""
    by_len = defaultdict(list)
    for pair in task.pairs(PROBE_CANDIDATES, seed=1, split="val"):
        by_len[len(pair[0])].append(pair)
    length = max(k for k, v in by_len.items() if len(v) >= n)
    return task.collate(by_len[length][:n])


@torch.no_grad()
def decode_scores(model: Seq2Seq, task: Seq2SeqTask, batch: Seq2SeqBatch) -> dict[str, float]:
    """"BLEU", "exact match" and "token accuracy" of greedy decoding on `batch` against its targets."""
    ids, _ = greedy_decode(model, batch.src, batch.src_lengths, task.max_tgt_len + 1)
    outputs = [task.target_tokens(row) for row in ids]
    return {"BLEU": bleu(outputs, batch.targets), "exact match": exact_match(outputs, batch.targets),
            "token accuracy": token_accuracy(outputs, batch.targets)}


class Seq2SeqTrainer(Trainer):
    """Trains a `Seq2Seq` on a `Seq2SeqTask`; `step()` runs one optimiser step and returns its StepStats."""

    def __init__(self, model: Seq2Seq, task: Seq2SeqTask, cfg: Seq2SeqConfig, train: TrainConfig):
        if train.tbptt:
            raise ValueError("Truncated BPTT does not apply to an encoder–decoder (the decoder reads the whole "
                             "encoded source at every step): set tbptt to 0.")
        super().__init__(model, task, train)
        self.s2s = cfg
        self.skipped = {"spectrum": "An encoder–decoder has two recurrences and attention: no single W_hh."}
        self.probe_batch = probe_batch(task)
        self._sets = {split: task.eval_set(split, cfg.eval_size) for split in ("train", "val")}

    def _outputs(self, batch: Seq2SeqBatch) -> torch.Tensor:
        """Logits (B, J, V), teacher forcing drawn from a generator seeded by the step."""
        gen = torch.Generator().manual_seed(self.cfg.seed * 1_000_003 + self.step_count)
        return self.model(batch, self.s2s.teacher_forcing, gen)[0]

    def _probe_into(self, stats: StepStats) -> None:
        stats.hidden_grad_norms = self.probe()

    def probe(self) -> np.ndarray:
        """(D, S): ‖∂L/∂h_s‖ on the fixed probe batch, for the current weights (L: the mean token loss, teacher
        forced)."""
        b = self.probe_batch
        self.model.eval()
        return encoder_grad_norms(self.model, b.src, b.src_lengths, b.tgt_in, b.tgt_out)

    @torch.no_grad()
    def evaluate(self, split: str) -> Evaluation:
        """Teacher-forced loss and greedy-decoding scores on the fixed `split` set ("train" | "val" | "test")."""
        if split not in self._sets:
            self._sets[split] = self.task.eval_set(split, self.s2s.eval_size)
        batch = self._sets[split]
        was_training = self.model.training
        self.model.eval()
        loss = self.task.loss(self.model(batch)[0], batch).item()
        scores = decode_scores(self.model, self.task, batch)
        self.model.train(was_training)
        return Evaluation(split, self.step_count, loss, scores, len(batch.sources))


@dataclass
class Seq2SeqLab:
    """One user's encoder–decoder: configs, task, model, trainer and history (lives in st.session_state)."""

    cfg: Seq2SeqConfig
    train_cfg: TrainConfig
    task: Seq2SeqTask
    model: Seq2Seq
    trainer: Seq2SeqTrainer
    history: History = field(default_factory=History)

    @property
    def steps_trained(self) -> int:
        return self.trainer.step_count


def step_cost(cfg: Seq2SeqConfig, task: Seq2SeqTask, batch_size: int) -> tuple[float, float]:
    """Estimated (bytes of saved activations, floating-point operations) of one training step at the task's
    longest source S and target J."""
    g = {"rnn": 1, "lstm": 4, "gru": 3}[cfg.cell]
    h, e, d = cfg.hidden_size, cfg.embedding_dim, cfg.directions
    c, s_len, j_len, v = h * d, task.max_src_len, task.max_tgt_len + 1, len(task.tgt_vocab)
    attention = {"none": 0, "additive": s_len * h, "dot": s_len, "general": s_len}[cfg.attention]
    per_step = (g + 2) * h + 2 * c + v + 2 * s_len + attention  # floats saved per decoder step and sample
    saved = 4 * batch_size * (j_len * per_step + d * s_len * (g + 2) * h)
    encoder = d * s_len * 2 * g * h * (e + h)
    decoder = j_len * (2 * g * h * (e + c + h) + 2 * (h + c) * v + 2 * s_len * (c + h) + 2 * h * h)
    return saved, 3.0 * batch_size * (encoder + decoder)  # forward + about twice that backwards


def make_seq2seq_lab(cfg: Seq2SeqConfig, train: TrainConfig) -> Seq2SeqLab:
    """A fresh, untrained lab. Raises ValueError (nothing else) on a bad setting or a model too large for one
    training step on a shared server."""
    task = make_seq2seq_task(cfg)
    saved, flops = step_cost(cfg, task, train.batch_size)
    if saved > MAX_STEP_BYTES or flops > MAX_STEP_FLOPS:
        raise ValueError(
            f"This encoder–decoder is too large for a shared server at this batch size (about "
            f"{saved / 2**30:.1f} GiB and {flops / 1e9:.0f} GFLOP per step; the limits are "
            f"{MAX_STEP_BYTES / 2**30:.0f} GiB and {MAX_STEP_FLOPS / 1e9:.0f} GFLOP). "
            "Reduce the hidden size, the source length or the batch size.")
    model = build_seq2seq(cfg, len(task.src_vocab), len(task.tgt_vocab))
    return Seq2SeqLab(cfg, train, task, model, Seq2SeqTrainer(model, task, cfg, train))


def with_weights(lab: Seq2SeqLab, model: Seq2Seq) -> Seq2SeqLab:
    """The lab with another model of the same config (e.g. loaded weights), a fresh trainer and history."""
    return dataclasses.replace(lab, model=model, trainer=Seq2SeqTrainer(model, lab.task, lab.cfg, lab.train_cfg),
                               history=History())
