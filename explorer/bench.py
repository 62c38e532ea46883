"""Benchmark, measured side by side in one run: `python -m explorer.bench [--cell lstm] [--repeats 15]`.

(1) trainer steps/s with all its monitoring vs a plain fused PyTorch loop (same model, batches, optimiser,
clipping); (2) `unroll` + per-step gradients vs one fused forward+backward; (3) peak memory; (4) the share of
training time that the validation evaluations take at the default eval_every; (5) the peephole LSTM's training
steps/s vs nn.LSTM's; (6) what the live saliency probe costs the trainer.
Short runs of A and B alternate (the order swapped every pair) and are timed in CPU seconds of this thread, so
that other programs on a shared machine count for neither; the median ratio over the pairs is reported with
its interquartile range.
"""
from __future__ import annotations

import argparse
import dataclasses
import resource
import statistics
import time

import torch

from .config import ModelConfig, TaskConfig, TrainConfig
from .data.tasks import make_task
from .models.recurrent import build_model
from .trace.gradients import hidden_grads
from .trace.saliency import saliency
from .training.trainer import Trainer


def _seconds(fn, n: int) -> float:
    """CPU seconds of this thread for fn(n) (torch runs on this thread: set_num_threads(1))."""
    start = time.thread_time()
    fn(n)
    return time.thread_time() - start


def _paired(a, b, n: int, pairs: int) -> list[tuple[float, float]]:
    """`pairs` of (seconds of a(n), seconds of b(n)), run alternately, which one goes first swapped each pair."""
    out = []
    for i in range(pairs):
        if i % 2:
            tb, ta = _seconds(b, n), _seconds(a, n)
        else:
            ta, tb = _seconds(a, n), _seconds(b, n)
        out.append((ta, tb))
    return out


def _spread(ratios: list[float]) -> str:
    q1, _, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (ratios[0],) * 3
    return f"median {statistics.median(ratios):.2f}x, interquartile {q1:.2f}-{q3:.2f}, {len(ratios)} pairs"


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cell", default="lstm", choices=["rnn", "lstm", "gru", "peephole"])
    parser.add_argument("--task", default="sine")
    parser.add_argument("--steps", type=int, default=50, help="training steps per timed run (2 probes at the default)")
    parser.add_argument("--repeats", type=int, default=15, help="alternating pairs of runs per measurement")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    task = make_task(TaskConfig(name=args.task))
    model_cfg = ModelConfig(cell=args.cell, input_size=task.input_size, output_size=task.output_size)
    train_cfg = TrainConfig(eval_every=0)  # (1) measures the monitoring; validation's own cost is (4)
    print(f"{args.cell.upper()} H={model_cfg.hidden_size} layers={model_cfg.num_layers}, task {args.task} "
          f"T={task.seq_len}, batch {train_cfg.batch_size}, {train_cfg.optimizer}, clip {train_cfg.clip}, "
          f"probe every {train_cfg.probe_every} steps; torch threads {torch.get_num_threads()}")
    rss_start = _peak_rss_mib()

    trainer = Trainer(build_model(model_cfg), task, train_cfg)
    plain_model = build_model(model_cfg)
    plain_opt = torch.optim.Adam(plain_model.parameters(), lr=train_cfg.lr)
    plain_step = [0]

    def plain(n: int) -> None:
        for _ in range(n):
            plain_step[0] += 1
            batch = task.batch(train_cfg.batch_size, seed=plain_step[0])
            plain_opt.zero_grad(set_to_none=True)
            loss = task.loss(plain_model(batch.x), batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(plain_model.parameters(), train_cfg.clip_threshold)
            plain_opt.step()
            loss.item()

    def monitored(n: int) -> None:
        for _ in trainer.run(n):
            pass

    monitored(args.steps), plain(args.steps)  # warm-up
    pairs = _paired(monitored, plain, args.steps, args.repeats)
    mon, pl = (args.steps / statistics.median(p[i] for p in pairs) for i in (0, 1))
    print(f"(1) training: trainer with monitoring {mon:.0f} steps/s, plain fused loop {pl:.0f} steps/s (CPU time); "
          f"speed ratio {_spread([p / m for m, p in pairs])} (goal >= 0.9x)")

    batch = task.batch(train_cfg.batch_size, seed=0)
    model = trainer.model.eval()
    loss_fn = lambda out: task.loss(out, batch)

    def instrumented(n: int) -> None:
        for _ in range(n):
            hidden_grads(model, batch.x, loss_fn)

    def fused(n: int) -> None:
        for _ in range(n):
            model.zero_grad(set_to_none=True)
            loss_fn(model(batch.x)).backward()

    reps = 5
    instrumented(reps), fused(reps)  # warm-up
    pairs = _paired(instrumented, fused, reps, args.repeats)
    ins, fu = (1e3 / reps * statistics.median(p[i] for p in pairs) for i in (0, 1))
    print(f"(2) unroll + per-step gradients {ins:.2f} ms vs fused forward+backward {fu:.2f} ms (CPU time); "
          f"time ratio {_spread([i / f for i, f in pairs])} (goal <= 2x)")
    trace, grads = hidden_grads(model, batch.x, loss_fn)
    trace_mib = sum(a.nbytes for a in [trace.inputs, trace.hidden, trace.preact_x, trace.preact_h, trace.outputs,
                                       *( [trace.cell] if trace.cell is not None else []), *trace.gates.values()]) / 2**20
    print(f"(3) memory: peak RSS {_peak_rss_mib():.0f} MiB (at start {rss_start:.0f} MiB, after import of torch); "
          f"one Trace of this batch {trace_mib:.2f} MiB, its gradients {grads.nbytes / 2**20:.2f} MiB")
    _validation_cost(task, model_cfg, args.steps, args.repeats)
    _peephole_and_saliency(task, model_cfg, train_cfg, args.steps, args.repeats)


def _validation_cost(task, model_cfg: ModelConfig, steps: int, repeats: int) -> None:
    """(4) the trainer at the default eval_every vs without evaluations (A/B alternating), and one evaluation."""
    train_cfg = TrainConfig()
    with_eval = Trainer(build_model(model_cfg), task, train_cfg)
    without = Trainer(build_model(model_cfg), task, TrainConfig(eval_every=0))
    n = max(steps, train_cfg.eval_every)  # at least one evaluation per timed run

    def run(trainer: Trainer):
        return lambda k: [None for _ in trainer.run(k)]

    pairs = [(1e3 * a / n, 1e3 * b / n) for a, b in _paired(run(with_eval), run(without), n, repeats)]  # ms/step
    shares = [(w - wo) / wo for w, wo in pairs]
    evals = []
    for _ in range(repeats):
        start = time.thread_time()
        with_eval.evaluate("train"), with_eval.evaluate("val")
        evals.append(1e3 * (time.thread_time() - start))
    print(f"(4) validation: {statistics.median(evals):.2f} ms per evaluation ({task.eval_size} validation + "
          f"{task.eval_size} training sequences), every {train_cfg.eval_every} steps: "
          f"{statistics.median(p[0] for p in pairs):.2f} vs {statistics.median(p[1] for p in pairs):.2f} ms per step "
          f"(CPU time), "
          f"+{100 * statistics.median(shares):.1f} % of training time "
          f"(runs: {', '.join(f'{100 * x:+.1f} %' for x in shares)}; goal <= 10 %)")


def _peephole_and_saliency(task, model_cfg: ModelConfig, train_cfg: TrainConfig, steps: int, repeats: int) -> None:
    """(5) training steps/s of the peephole LSTM (explorer.models.peephole) against nn.LSTM, same sizes, batches and
    optimiser (A/B alternating); (6) one saliency probe against the training steps between two of them (issue 11)."""
    models = {cell: build_model(dataclasses.replace(model_cfg, cell=cell))
              for cell in dict.fromkeys(("peephole", "lstm", model_cfg.cell))}
    optimizers = {cell: torch.optim.Adam(m.parameters(), lr=train_cfg.lr, foreach=True) for cell, m in models.items()}

    def loop(cell: str):
        def run(n: int) -> None:
            for i in range(n):
                batch = task.batch(train_cfg.batch_size, seed=i)
                optimizers[cell].zero_grad(set_to_none=True)
                task.loss(models[cell](batch.x), batch).backward()
                optimizers[cell].step()
        return run

    loop("peephole")(2), loop("lstm")(2)  # warm-up
    pairs = _paired(loop("peephole"), loop("lstm"), steps, repeats)
    peep, lstm = (steps / statistics.median(p[i] for p in pairs) for i in (0, 1))
    print(f"(5) peephole LSTM {peep:.0f} training steps/s vs nn.LSTM {lstm:.0f} (CPU time); "
          f"speed ratio {_spread([b / a for a, b in pairs])}")

    trainer = Trainer(build_model(model_cfg), task, train_cfg)
    batch = trainer.probe_batch

    def probe(n: int) -> None:
        for _ in range(n):
            saliency(trainer.model, batch.x, task.kind, trainer.saliency_steps)

    every = trainer.saliency_stride * train_cfg.probe_every  # training steps per saliency probe
    probe(1)  # warm-up
    shares = [p / (every * s) for p, s in _paired(probe, loop(model_cfg.cell), 3, repeats)]  # 3 probes vs 3 steps
    print(f"(6) saliency probe ({len(trainer.saliency_steps)} output steps x {len(batch.x)} samples) every {every} "
          f"training steps: {100 * statistics.median(shares):.1f} % of the plain training time "
          f"(runs: {', '.join(f'{100 * x:.1f} %' for x in shares)})")


if __name__ == "__main__":
    main()
