"""Comparison labs differ only in the cell; the sweep trains every (cell, T) for its budget, resumably."""
import dataclasses

import numpy as np
import pytest
import torch

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.training.compare import ARCHITECTURES, Sweep, architecture_lab, comparison_labs, comparison_rows

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


def test_baselines_join_the_comparison_on_the_same_data():
    labs = comparison_labs(*CFG, cells=ARCHITECTURES)
    assert list(labs) == ["rnn", "lstm", "gru", "birnn", "bilstm", "bigru", "cnn", "transformer"]
    for lab in labs.values():
        assert lab.task_cfg == CFG[1] and lab.train_cfg == CFG[2]
        assert torch.equal(lab.task.batch(4, seed=3).x, labs["rnn"].task.batch(4, seed=3).x)
        assert torch.equal(lab.task.eval_set("val").x, labs["rnn"].task.eval_set("val").x)
        out = lab.model(lab.task.batch(2, seed=0).x)
        assert out.shape == (2, 10, 1)  # every architecture maps (B, T, I) to (B, T, O)


def test_comparison_rows_are_computed_from_each_lab():
    labs = comparison_labs(*CFG, cells=("gru", "cnn"))
    for lab in labs.values():
        for s in lab.trainer.run(50):  # one evaluation, at step 50
            lab.history.append(s)
    rows = comparison_rows(labs, metric="acc@0.04")
    assert [r.arch for r in rows] == ["gru", "cnn"] and [r.name for r in rows] == ["GRU", "1D-CNN"]
    for row, lab in zip(rows, labs.values()):
        assert row.parameters == sum(p.numel() for p in lab.model.parameters())
        losses = lab.history.scalars()["loss"]
        assert row.final_loss == pytest.approx(np.mean(losses[-5:]))  # the last tenth of 50 steps
        assert row.loss_ratio == pytest.approx(row.final_loss * 6)  # baseline 1/6
        assert row.steps == 50 and row.steps_per_second == pytest.approx(50 / lab.trainer.seconds_training)
        assert row.val_loss == lab.history.latest_eval.val_loss
        assert row.val_metric_value == lab.history.latest_eval.val_metrics["acc@0.04"]
    gru, cnn = rows
    assert gru.receptive_field is None and gru.note == ""
    assert cnn.receptive_field == 64 and "no hidden state" in cnn.note
    rnn = comparison_rows(comparison_labs(*CFG, cells=("rnn",)))[0]
    assert np.isnan(rnn.val_loss)  # before any evaluation
    assert rnn.name == "vanilla RNN"  # as the charts and the choice of architectures call it


def test_the_sweep_includes_the_baselines():
    sweep = Sweep(*CFG, seq_lens=(5,), cells=("lstm", "cnn", "transformer"), steps=50)
    while not sweep.done:
        sweep.advance(5.0)
    assert [p.cell for p in sweep.results] == ["lstm", "cnn", "transformer"]
    assert all(np.isfinite(p.final_loss) and p.steps == 50 for p in sweep.results)
    cnn = architecture_lab("cnn", CFG[0], dataclasses.replace(CFG[1], seq_len=5),
                           dataclasses.replace(CFG[2], probe_every=0))
    losses = [s.loss for s in cnn.trainer.run(50)]
    assert sweep.results[1].final_loss == pytest.approx(np.mean(losses[-5:]), rel=1e-6)
    assert sweep.results[1].val_loss == pytest.approx(cnn.trainer.evaluate("val").loss, rel=1e-6)


@pytest.mark.parametrize("task", ["sine", "sunspots", "charlm", "adding", "copy", "neighbours"])
def test_bidirectional_variants_are_offered_exactly_where_the_model_code_allows_them(task):
    from explorer.i18n import UserError
    from explorer.lab import check_combination
    from explorer.training.compare import BIDIRECTIONAL, bidirectional_refusal, offered

    task_cfg = TaskConfig(name=task)
    try:  # the model code's own rule, asked independently
        check_combination(ModelConfig(cell="gru", bidirectional=True), task_cfg)
        allowed = True
    except UserError:
        allowed = False
    assert (bidirectional_refusal(task_cfg) is None) == allowed
    assert set(offered(task_cfg)) == set(ARCHITECTURES) - (set() if allowed else set(BIDIRECTIONAL))
    if not allowed:
        assert "next value" in str(bidirectional_refusal(task_cfg))
        with pytest.raises(ValueError, match="bidirectional"):
            architecture_lab("bilstm", CFG[0], task_cfg, CFG[2])


def test_bidirectional_variants_train_on_the_same_data_and_seed():
    bi_cfg = dataclasses.replace(CFG[0], bidirectional=True)  # a Bi-LSTM built on Build: "lstm" is the plain one
    labs = comparison_labs(bi_cfg, CFG[1], CFG[2], cells=("lstm", "bilstm", "bigru"))
    assert [(l.model.cfg.cell, l.model.cfg.bidirectional) for l in labs.values()] == [
        ("lstm", False), ("lstm", True), ("gru", True)]
    assert [r.name for r in comparison_rows(labs)] == ["LSTM", "Bi-LSTM", "Bi-GRU"]
    # the same weights as a bidirectional LSTM built directly from that config
    direct = make_lab(dataclasses.replace(CFG[0], cell="lstm", bidirectional=True), *CFG[1:])
    for p, q in zip(labs["bilstm"].model.parameters(), direct.model.parameters()):
        assert torch.equal(p, q)
    assert torch.equal(labs["bilstm"].task.batch(4, seed=3).x, labs["lstm"].task.batch(4, seed=3).x)
    sweep = Sweep(*CFG, seq_lens=(5,), cells=("gru", "bigru"), steps=10)
    while not sweep.done:
        sweep.advance(5.0)
    lab = make_lab(dataclasses.replace(CFG[0], cell="gru", bidirectional=True), dataclasses.replace(CFG[1], seq_len=5),
                   dataclasses.replace(CFG[2], probe_every=0))
    losses = [s.loss for s in lab.trainer.run(10)]
    assert [p.cell for p in sweep.results] == ["gru", "bigru"]
    assert sweep.results[1].final_loss == pytest.approx(losses[-1], rel=1e-6)  # the last tenth of 10 steps
