"""Headless encoder–decoder training: `python -m explorer seq2seq --help`.

Trains, logs one JSON object per logged step (as `train` does), prints the validation scores at the end
(and the test scores with --test), and translates the sources given with --translate (greedy, and a beam
of --beam).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .cli import FLAGS as TRAIN_FLAGS
from .cli import _field
from .config import Seq2SeqConfig, TrainConfig
from .lecture.export_seq2seq import weights_safetensors
from .trace.seq2seq import decode_trace
from .training.seq2seq import make_seq2seq_lab

# One flag per Seq2SeqConfig field (bidirectional is a switch); the training flags are `train`'s own.
FLAGS = [
    (Seq2SeqConfig, "task", "--task", "task: reverse, sort or dates"),
    (Seq2SeqConfig, "min_len", "--min-len", "reverse/sort: shortest source"),
    (Seq2SeqConfig, "max_len", "--max-len", "reverse/sort: longest source"),
    (Seq2SeqConfig, "n_symbols", "--n-symbols", "reverse/sort: alphabet size (letters a, b, ...)"),
    (Seq2SeqConfig, "data_seed", "--data-seed", "seed of the data and the held-out split (default: --seed)"),
    (Seq2SeqConfig, "cell", "--cell", "encoder and decoder cell: rnn, lstm or gru"),
    (Seq2SeqConfig, "embedding_dim", "--embedding-dim", "size of the token embeddings"),
    (Seq2SeqConfig, "hidden_size", "--hidden-size", "units of the encoder (per direction) and decoder"),
    (Seq2SeqConfig, "attention", "--attention", "none, additive, dot or general"),
    (Seq2SeqConfig, "teacher_forcing", "--teacher-forcing", "probability of feeding the true previous token"),
    (Seq2SeqConfig, "eval_size", "--eval-size", "pairs in each evaluation set (train subset, val, test)"),
    (Seq2SeqConfig, "seed", "--model-seed", "seed of the weight initialisation (default: --seed)"),
] + [flag for flag in TRAIN_FLAGS if flag[0] is TrainConfig]
SEEDS_FROM_MASTER = {"--model-seed", "--data-seed"}


def add_parser(sub) -> None:
    """The `seq2seq` subcommand of the CLI."""
    p = sub.add_parser("seq2seq", help="train an encoder-decoder with attention and log one JSON object per step",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    for cls, name, flag, help_ in FLAGS:
        f = _field(cls, name)
        kind = {"int": int, "float": float, "str": str}.get(str(f.type).split(" |")[0], float)
        p.add_argument(flag, type=kind, default=None if flag in SEEDS_FROM_MASTER else f.default, help=help_)
    p.add_argument("--bidirectional", action="store_true", help="read the source both ways (annotations 2H)")
    p.add_argument("--jsonl", type=Path, help="write one JSON object per logged step to this file")
    p.add_argument("--log-every", type=int, default=50, help="log every k-th step (the last step always)")
    p.add_argument("--translate", action="append", default=[], metavar="TEXT",
                   help="after training, translate this source (repeatable)")
    p.add_argument("--beam", type=int, default=3, help="beam width for --translate")
    p.add_argument("--test", action="store_true", help="after training, evaluate on the test set too")
    p.add_argument("--save-weights", type=Path, help="write the trained weights (safetensors) to this file")
    p.set_defaults(run=run)


def configs_from_args(args: argparse.Namespace) -> tuple[Seq2SeqConfig, TrainConfig]:
    values: dict = {Seq2SeqConfig: {"bidirectional": args.bidirectional}, TrainConfig: {}}
    for cls, name, flag, _ in FLAGS:
        value = getattr(args, flag[2:].replace("-", "_"))
        values[cls][name] = args.seed if value is None and flag in SEEDS_FROM_MASTER else value
    return Seq2SeqConfig(**values[Seq2SeqConfig]), TrainConfig(**values[TrainConfig])


def _text(tokens: list[str]) -> str:
    return "".join(t for t in tokens if t != "<eos>")


def _scores(metrics: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.3g}" for k, v in metrics.items())


def run(args: argparse.Namespace) -> int:
    cfg, train = configs_from_args(args)
    lab = make_seq2seq_lab(cfg, train)
    for text in args.translate:  # a typo should not cost a training run
        lab.task.encode_source(text)
    out = args.jsonl.open("w") if args.jsonl else None
    start = time.perf_counter()
    try:
        for stats in lab.trainer.run(train.steps):
            if stats.step % args.log_every == 0 or stats.step == train.steps or stats.diverged or stats.early_stop:
                if out:
                    out.write(json.dumps(stats.to_json()) + "\n")
                val = "" if stats.val_metrics is None else "  val " + _scores(stats.val_metrics)
                print(f"step {stats.step:6d}  loss {stats.loss:.4g}  baseline {stats.baseline:.4g}{val}",
                      file=sys.stderr)
            if stats.diverged:
                print(f"stopped: {stats.diverged}", file=sys.stderr)
                return 1
            if stats.early_stop:
                print(stats.early_stop.message, file=sys.stderr)
    finally:
        if out:
            out.close()
    rate = lab.trainer.step_count / (time.perf_counter() - start)
    print(f"{lab.trainer.step_count} steps, {rate:.0f} steps/s", file=sys.stderr)
    for split in ("val", "test") if args.test else ("val",):
        e = lab.trainer.evaluate(split)
        print(f"{split} ({e.size} pairs): loss {e.loss:.4g}  {_scores(e.metrics)}", file=sys.stderr)
    for text in args.translate:
        trace = decode_trace(lab.model, lab.task, text, beam_width=args.beam)
        beams = "; ".join(f"{_text(t)} (log p {lp:.2f})" for t, lp, _ in trace.beam)
        print(f"{text} -> {_text(trace.outputs)}   beam {args.beam}: {beams}")
    if args.save_weights:
        args.save_weights.write_bytes(weights_safetensors(lab.model))
    return 0
