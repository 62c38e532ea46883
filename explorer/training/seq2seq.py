"""Training an encoder–decoder: a `Trainer` (same optimisers, clipping, divergence guard and `StepStats`)
whose steps run the seq2seq loss, evaluate on the held-out set every few steps, and probe ‖∂L/∂h_s‖ for
every encoder step s; and the `Seq2SeqLab`, one user's model, task, trainer and history.

StepStats as the Train page knows them, with:
- loss: cross-entropy per target token (teacher forcing at the configured ratio); baseline: the best guess
  from the output position alone (see `Seq2SeqTask._position_entropy`);
- metrics: "token_accuracy" (teacher-forced next-token accuracy on the training batch) at every step, and
  at each evaluation "val_bleu" (corpus BLEU-4, 0–100), "val_exact_match" and "val_token_accuracy" of greedy
  decoding on the held-out set;
- hidden_grad_norms: (D, S) ‖∂L/∂h_s‖ of each encoder direction at each source position, on a fixed
  held-out batch of sources of equal length.
"""
from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import torch

from ..config import Seq2SeqConfig, TrainConfig
from ..data.seq2seq import Seq2SeqBatch, Seq2SeqTask, make_seq2seq_task
from ..lab import MAX_STEP_BYTES, MAX_STEP_FLOPS
from ..metrics import bleu, exact_match, token_accuracy
from ..models.seq2seq import Seq2Seq, build_seq2seq, greedy_decode, sequence_loss
from ..trace.gradients import clip_gradients
from ..trace.seq2seq import encoder_grad_norms
from .history import History
from .trainer import PROBE_BATCH, StepStats, Trainer

PROBE_CANDIDATES = 512  # held-out pairs among which the probe batch (sources of one length) is chosen


def probe_batch(task: Seq2SeqTask, n: int = PROBE_BATCH) -> Seq2SeqBatch:
    """n held-out pairs whose sources all have the same length, the longest length that n of them share
    (so that position s means the same thing in every row)."""
    by_len = defaultdict(list)
    for pair in task.pairs(PROBE_CANDIDATES, seed=1, held_out=True):
        by_len[len(pair[0])].append(pair)
    length = max(k for k, v in by_len.items() if len(v) >= n)
    return task.collate(by_len[length][:n])


def evaluate(model: Seq2Seq, task: Seq2SeqTask, batch: Seq2SeqBatch) -> dict[str, float]:
    """BLEU, exact match and token accuracy of greedy decoding on `batch`, keyed val_bleu, val_exact_match,
    val_token_accuracy."""
    model.eval()
    ids, _ = greedy_decode(model, batch.src, batch.src_lengths, task.max_tgt_len + 1)
    outputs = [task.target_tokens(row) for row in ids]
    return {"val_bleu": bleu(outputs, batch.targets), "val_exact_match": exact_match(outputs, batch.targets),
            "val_token_accuracy": token_accuracy(outputs, batch.targets)}


class Seq2SeqTrainer(Trainer):
    """Trains a `Seq2Seq` on a `Seq2SeqTask`; `step()` runs one optimiser step and yields its StepStats."""

    def __init__(self, model: Seq2Seq, task: Seq2SeqTask, cfg: Seq2SeqConfig, train: TrainConfig):
        super().__init__(model, task, train)
        self.s2s = cfg
        self.probe_batch = probe_batch(task)
        self.validation = task.validation(cfg.eval_size)

    def probe(self) -> np.ndarray:
        """(D, S): ‖∂L/∂h_s‖ on the fixed probe batch, for the current weights (L: the mean token loss)."""
        b = self.probe_batch
        self.model.eval()
        return encoder_grad_norms(self.model, b.src, b.src_lengths, b.tgt_in, b.tgt_out)

    def evaluate(self) -> dict[str, float]:
        return evaluate(self.model, self.task, self.validation)

    def step(self) -> StepStats:
        """One optimiser step. On a non-finite loss or gradient the update is skipped and `diverged` says why."""
        cfg, model = self.cfg, self.model
        self.step_count += 1
        seed = cfg.seed * 1_000_003 + self.step_count
        batch = self.task.batch(cfg.batch_size, seed=seed)
        model.train()
        self.optimizer.zero_grad(set_to_none=True)
        logits, _ = model(batch, self.s2s.teacher_forcing, torch.Generator().manual_seed(seed))  # (B, J, V)
        loss = sequence_loss(logits, batch.tgt_out)
        loss_value = loss.item()
        clip = None
        if math.isfinite(loss_value):
            loss.backward()
            clip = clip_gradients(model, cfg.clip, cfg.clip_threshold)
        mask = batch.tgt_mask
        metrics = {"token_accuracy": (logits.detach().argmax(-1)[mask] == batch.tgt_out[mask]).float().mean().item()}
        stats = StepStats(
            step=self.step_count, loss=loss_value, metrics=metrics, baseline=self.task.baseline,
            grad_norm=clip.norm_before if clip else math.nan,
            grad_norm_clipped=clip.norm_after if clip else math.nan,
            clipped=clip.clipped if clip else False, param_grad_norms=clip.param_norms if clip else {},
        )
        if clip is None or not math.isfinite(clip.norm_after):
            what = f"the loss is {loss_value:g}" if clip is None else f"the gradient norm is {clip.norm_before:g}"
            self.diverged = stats.diverged = f"step {self.step_count}: {what}; the update was not applied."
            stats.finished_at = time.time()
            return stats
        self._last_good = self._snapshot()
        self.optimizer.step()
        if cfg.probe_every and self.step_count % cfg.probe_every == 0:
            stats.hidden_grad_norms = self.probe()
        if self.s2s.eval_every and self.step_count % self.s2s.eval_every == 0:
            stats.metrics |= self.evaluate()
        stats.finished_at = time.time()
        return stats


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
