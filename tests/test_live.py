"""Chunked training: step and time budgets, divergence, the Start/Pause run, torch threads."""
import math
import threading

import pytest
import torch

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.training.live import Run, restore_last_good, train_chunk


def small_lab(**train):
    return make_lab(ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="sine", seq_len=20),
                    TrainConfig(**{"batch_size": 8, "probe_every": 5, **train}))


def exploding_lab():
    """A ReLU RNN with ρ(W_hh) = 1 on the adding problem, plain SGD at lr 1, no clipping: the gradient
    norm explodes within a few steps and then the loss is NaN (checked below)."""
    return make_lab(ModelConfig(cell="rnn", nonlinearity="relu", init="spectral", spectral_radius=1.0),
                    TaskConfig(name="adding", seq_len=100), TrainConfig(optimizer="sgd", lr=1.0, clip="none"))


def test_step_budget_and_history():
    lab = small_lab()
    out = train_chunk(lab, 12, math.inf)
    assert [s.step for s in out] == list(range(1, 13))
    assert lab.steps_trained == 12 and len(lab.history) == 12 and lab.history.latest is out[-1]
    assert [s.step for s in out if s.hidden_grad_norms is not None] == [5, 10]


def test_time_budget_takes_at_least_one_step_and_zero_steps_takes_none():
    lab = small_lab()
    assert len(train_chunk(lab, 100, 0.0)) == 1
    assert train_chunk(lab, 0, 10.0) == [] and lab.steps_trained == 1


def test_divergence_stops_the_chunk_and_restore_clears_it():
    lab = exploding_lab()
    out = train_chunk(lab, 50, math.inf)
    assert 2 <= len(out) <= 10 and out[-1].diverged and not any(s.diverged for s in out[:-1])
    assert all(math.isfinite(s.grad_norm) for s in out[:-1]) and max(s.grad_norm for s in out[:-1]) > 100
    assert lab.history.diverged == out[-1].diverged == lab.trainer.diverged
    before = [p.detach().clone() for p in lab.model.parameters()]
    restore_last_good(lab)
    assert lab.history.diverged is None and lab.trainer.diverged is None
    good = lab.trainer._last_good
    assert all(torch.equal(p, g) for p, g in zip(lab.model.parameters(), good))
    assert not all(torch.equal(p, b) for p, b in zip(lab.model.parameters(), before))


def test_run_progress_follows_the_configured_steps():
    lab = small_lab(steps=10)
    train_chunk(lab, 4, math.inf)
    run = Run(lab.steps_trained)
    train_chunk(lab, 3, math.inf)
    assert run.done(lab) == 3 and run.remaining(lab) == 7 and run.progress(lab) == pytest.approx(0.3)
    train_chunk(lab, run.remaining(lab), math.inf)
    assert run.remaining(lab) == 0 and run.progress(lab) == 1.0 and lab.steps_trained == 14


def test_training_runs_on_one_torch_thread_in_any_thread():
    lab, seen = small_lab(), []

    def rerun():  # what a Streamlit rerun thread does
        torch.set_num_threads(2)
        train_chunk(lab, 1, math.inf)
        seen.append(torch.get_num_threads())

    t = threading.Thread(target=rerun)
    t.start()
    t.join()
    torch.set_num_threads(1)
    assert seen == [1]


def test_early_stopping_ends_the_chunk_and_the_run_and_start_goes_on():
    lab = small_lab(lr=0.3, eval_every=1, patience=2, steps=500, probe_every=0)
    run = Run(start=0)
    out = train_chunk(lab, run.remaining(lab), math.inf)
    stop = out[-1].early_stop
    assert stop is not None and stop.step == lab.steps_trained < 500  # lr 0.3 makes the validation loss wander
    assert run.remaining(lab) == 0 and lab.history.early_stops == [stop]
    again = Run(start=lab.steps_trained)  # Start pressed again: a new run from the restored weights
    assert again.remaining(lab) == 500
    assert train_chunk(lab, 1, math.inf)[0].step == stop.step + 1 and lab.trainer.early_stop is None
