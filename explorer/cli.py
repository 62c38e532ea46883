"""Headless training for scripted experiments and lecture preparation: `python -m explorer train --help`."""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import torch

from .config import TASK_NAMES, ModelConfig, TaskConfig, TrainConfig
from .data.tasks import MAX_UPLOAD_BYTES, make_task
from .lab import check_combination, with_task_sizes
from .models.recurrent import build_model
from .training.trainer import Trainer

# One flag per config field: (dataclass, field, flag, help). input_size/output_size come from the task.
FLAGS = [
    (ModelConfig, "cell", "--cell", "recurrent cell: rnn, lstm, gru or peephole (LSTM with peepholes)"),
    (ModelConfig, "hidden_size", "--hidden-size", "units per layer"),
    (ModelConfig, "num_layers", "--num-layers", "stacked recurrent layers"),
    (ModelConfig, "nonlinearity", "--nonlinearity", "RNN activation: tanh or relu"),
    (ModelConfig, "init", "--init", "weight initialisation: default, xavier, orthogonal, identity or spectral"),
    (ModelConfig, "spectral_radius", "--spectral-radius", "with --init spectral: spectral radius of each W_hh block"),
    (ModelConfig, "forget_bias", "--forget-bias", "LSTM: set the forget-gate bias (b_if) to this value"),
    (ModelConfig, "dropout", "--dropout", "dropout between stacked layers"),
    (ModelConfig, "seed", "--model-seed", "seed of the weight initialisation (default: --seed)"),
    (ModelConfig, "bidirectional", "--bidirectional", "a forward and a backward chain in every layer (not on "
                                                      "tasks that predict the next value)"),
    (ModelConfig, "embedding_dim", "--embedding-dim", "symbol inputs: embedding size (0: one-hot inputs)"),
    (ModelConfig, "pool", "--pool", "what the head reads: last (h_t) or mean (of h_1..h_t)"),
    (TaskConfig, "name", "--task", f"task: {', '.join(TASK_NAMES[:-1])} or {TASK_NAMES[-1]}"),
    (TaskConfig, "seq_len", "--seq-len", "sequence length T (copy memory: the delay)"),
    (TaskConfig, "noise", "--noise", "forecasting: std of the noise added to the inputs"),
    (TaskConfig, "n_sines", "--n-sines", "sine: number of summed sines"),
    (TaskConfig, "freq", "--freq", "sine: base frequency in cycles per step"),
    (TaskConfig, "csv_column", "--csv-column", "csv: the column to forecast (default: the first numeric one)"),
    (TaskConfig, "seed", "--data-seed", "seed of the data (default: --seed)"),
    (TaskConfig, "period", "--period", "spikes: an output spike every this many steps"),
    (TrainConfig, "optimizer", "--optimizer", "adam, sgd, rmsprop or adamw"),
    (TrainConfig, "lr", "--lr", "learning rate"),
    (TrainConfig, "momentum", "--momentum", "SGD/RMSprop momentum"),
    (TrainConfig, "clip", "--clip", "gradient clipping: none, norm or value"),
    (TrainConfig, "clip_threshold", "--clip-threshold", "clipping threshold θ"),
    (TrainConfig, "batch_size", "--batch-size", "sequences per step"),
    (TrainConfig, "steps", "--steps", "optimiser steps to run"),
    (TrainConfig, "probe_every", "--probe-every", "probe ||dL/dh_t|| every k steps (0: never)"),
    (TrainConfig, "seed", "--seed", "master seed: batches, and the model and data unless given"),
    (TrainConfig, "eval_every", "--eval-every", "validation loss and metrics every k steps (0: never)"),
    (TrainConfig, "lr_schedule", "--lr-schedule", "learning-rate schedule: constant, step, inverse or cosine"),
    (TrainConfig, "lr_step_size", "--lr-step-size", "step schedule: multiply the rate by --lr-gamma every k steps"),
    (TrainConfig, "lr_gamma", "--lr-gamma", "step schedule: the factor"),
    (TrainConfig, "lr_k", "--lr-k", "inverse schedule: k in lr / (1 + k*t)"),
    (TrainConfig, "lr_min", "--lr-min", "cosine schedule: the rate reached after --steps steps"),
    (TrainConfig, "weight_decay", "--weight-decay", "weight decay: L2 in the gradient (adamw: decoupled)"),
    (TrainConfig, "patience", "--patience", "early stopping: evaluations without improvement (0: off)"),
    (TrainConfig, "min_delta", "--min-delta", "early stopping: the smallest improvement that counts"),
    (TrainConfig, "tbptt", "--tbptt", "truncated BPTT: cut the gradient every k time steps (0: full BPTT)"),
]
SEEDS_FROM_MASTER = {"--model-seed", "--data-seed"}


def _field(cls, name):
    return next(f for f in dataclasses.fields(cls) if f.name == name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m explorer", description="RNN Explorer, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a model and log one JSON object per step",
                           formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    for cls, name, flag, help_ in FLAGS:
        f = _field(cls, name)
        default = None if flag in SEEDS_FROM_MASTER else f.default
        if f.type == "bool":
            train.add_argument(flag, action=argparse.BooleanOptionalAction, default=default, help=help_)
            continue
        kind = {"int": int, "float": float, "str": str}.get(str(f.type).split(" |")[0], float)
        train.add_argument(flag, type=kind, default=default, help=help_)
    train.add_argument("--data", type=Path, help="csv/text tasks: the file to learn from")
    train.add_argument("--jsonl", type=Path, help="write one JSON object per logged step to this file")
    train.add_argument("--log-every", type=int, default=1, help="log every k-th step (the last step always)")
    train.add_argument("--test", action="store_true",
                       help="after training, evaluate on the held-out test set (printed, and a last JSONL line)")
    from .cli_seq2seq import add_parser as add_seq2seq  # imported here: it reuses this module's flags
    add_seq2seq(sub)
    return parser


def configs_from_args(args: argparse.Namespace) -> tuple[dict, TaskConfig, TrainConfig]:
    """The model fields (the task fills in input/output sizes), the task and the training config."""
    values = {cls: {} for cls in (ModelConfig, TaskConfig, TrainConfig)}
    for cls, name, flag, _ in FLAGS:
        value = getattr(args, flag[2:].replace("-", "_"))
        values[cls][name] = args.seed if value is None and flag in SEEDS_FROM_MASTER else value
    return values[ModelConfig], TaskConfig(**values[TaskConfig]), TrainConfig(**values[TrainConfig])


def train(args: argparse.Namespace) -> int:
    model_values, task_cfg, train_cfg = configs_from_args(args)
    data = None
    if args.data is not None:
        if args.data.stat().st_size > MAX_UPLOAD_BYTES:
            raise ValueError(f"{args.data} is larger than {MAX_UPLOAD_BYTES // 1024**2} MB")
        data = args.data.read_bytes()
    task = make_task(task_cfg, data)
    check_combination(ModelConfig(**model_values), task_cfg)
    model_cfg = with_task_sizes(ModelConfig(**model_values), task)
    trainer = Trainer(build_model(model_cfg), task, train_cfg)
    out = args.jsonl.open("w") if args.jsonl else None
    start = time.perf_counter()
    try:
        for stats in trainer.run(train_cfg.steps):
            last = stats.step == train_cfg.steps or stats.diverged or stats.early_stop
            if stats.step % args.log_every == 0 or last:
                if out:
                    out.write(json.dumps(stats.to_json()) + "\n")
                val = "" if stats.val_loss is None else f"  val {stats.val_loss:.4g}"
                print(f"step {stats.step:6d}  loss {stats.loss:.4g}{val}  baseline {stats.baseline:.4g}  "
                      f"grad {stats.grad_norm:.3g}  lr {stats.lr:.3g}", file=sys.stderr)
            if stats.diverged:
                print(f"stopped: {stats.diverged}", file=sys.stderr)
                return 1
            if stats.early_stop:
                print(stats.early_stop.message, file=sys.stderr)
        rate = trainer.step_count / (time.perf_counter() - start)
        print(f"{trainer.step_count} steps, {rate:.0f} steps/s", file=sys.stderr)
        if args.test:
            test = trainer.evaluate("test")
            if out:
                out.write(json.dumps({"test": test.to_json()}) + "\n")
            metrics = "".join(f"  {k} {v:.4g}" for k, v in test.metrics.items())
            print(f"test ({test.size} sequences): loss {test.loss:.4g}{metrics}", file=sys.stderr)
    finally:
        if out:
            out.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    torch.set_num_threads(1)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return train(args) if args.command == "train" else args.run(args)
    except (ValueError, OSError) as e:
        parser.exit(2, f"error: {e}\n")
