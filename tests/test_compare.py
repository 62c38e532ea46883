"""Comparison labs differ only in the cell; the sweep trains every (cell, T) for its budget, resumably."""
import dataclasses

import numpy as np
import pytest
import torch

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.training.compare import Sweep, comparison_labs

CFG = (ModelConfig(hidden_size=8), TaskConfig(name="adding", seq_len=10), TrainConfig(batch_size=8))


def test_labs_share_everything_but_the_cell():
    labs = comparison_labs(*CFG)
    assert list(labs) == ["rnn", "lstm", "gru"]
    batches = [lab.task.batch(4, seed=3) for lab in labs.values()]
    for lab, batch in zip(labs.values(), batches):
        assert lab.model_cfg.cell == lab.model.cfg.cell
        assert lab.task_cfg == CFG[1] and lab.train_cfg == CFG[2]
        assert torch.equal(batch.x, batches[0].x)


def test_sweep_runs_every_point_and_records_the_tail_mean():
    sweep = Sweep(*CFG, seq_lens=(5, 10), cells=("rnn", "gru"), steps=20)
    calls = 0
    while not sweep.done:
        sweep.advance(0.0)  # one step per call: the finest possible slicing
        calls += 1
        assert 0 < sweep.progress <= 1
    assert calls == 4 * 20
    assert [(p.cell, p.seq_len) for p in sweep.results] == [("rnn", 5), ("gru", 5), ("rnn", 10), ("gru", 10)]
    # the same run done in one go, independently
    lab = make_lab(dataclasses.replace(CFG[0], cell="gru"), dataclasses.replace(CFG[1], seq_len=10),
                   dataclasses.replace(CFG[2], probe_every=0))
    losses = [s.loss for s in lab.trainer.run(20)]
    assert sweep.results[-1].final_loss == pytest.approx(np.mean(losses[-2:]), rel=1e-6)
    assert sweep.results[-1].ratio == pytest.approx(sweep.results[-1].final_loss / (1 / 6))


def test_sweep_marks_divergence():
    cfg = (ModelConfig(cell="rnn", nonlinearity="relu", init="spectral", spectral_radius=3.0, hidden_size=16),
           TaskConfig(name="adding", seq_len=100), TrainConfig(clip="none", lr=1.0))
    sweep = Sweep(*cfg, seq_lens=(100,), cells=("rnn",), steps=50)
    sweep.advance(10.0)
    assert sweep.done and sweep.results[0].diverged and np.isnan(sweep.results[0].final_loss)
