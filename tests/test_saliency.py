"""Saliency ‖∂ỹ_t/∂x_s‖ against torch.autograd.functional.jacobian for every cell, both directions and both kinds of
task; the trainer's live probe (every saliency_stride probes, bounded in History)."""
import numpy as np
import pytest
import torch

from explorer import ModelConfig, build_model
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.trace import saliency as sal
from explorer.trace.saliency import Saliency, output_rows, saliency, saliency_stride
from explorer.training.history import MAX_SALIENCY, History
from explorer.training.trainer import PROBE_BATCH


def autograd_saliency(model, x, kind, steps):
    """(B, R, T) by the full Jacobian of each sample's outputs with respect to its inputs (autograd through the
    fused module), reduced to the Frobenius norm of each (output step, input step) block; for a classification
    task only the row of the class the model predicts at that step."""
    out = []
    for xb in x:
        jac = torch.autograd.functional.jacobian(lambda v: model(v[None])[0], xb)[steps]  # (R, O, T, I)
        if kind == "classification":
            predicted = model(xb[None])[0, steps].argmax(-1)  # (R,)
            jac = jac[torch.arange(len(steps)), predicted][:, None]
        out.append(jac.double().pow(2).sum((1, 3)).sqrt())
    return torch.stack(out).numpy()


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "peephole"])
@pytest.mark.parametrize("kind, outputs", [("regression", 2), ("classification", 3)])
def test_matches_autograd(cell, bidirectional, kind, outputs):
    cfg = ModelConfig(cell=cell, num_layers=2, hidden_size=5, input_size=3, output_size=outputs, seed=7,
                      bidirectional=bidirectional)
    model = build_model(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "weight_c" in name:
                p.uniform_(-1, 1)
    x = torch.randn(3, 8, 3, generator=torch.Generator().manual_seed(1))
    steps = np.array([7, 0, 4, 2])  # any order
    got = saliency(model, x, kind, steps)
    assert isinstance(got, Saliency) and got.per_sample.shape == (3, 4, 8)
    np.testing.assert_array_equal(got.out_steps, steps)
    want = autograd_saliency(model, x, kind, steps)
    np.testing.assert_allclose(got.per_sample, want, rtol=1e-4, atol=1e-6 * want.max())
    np.testing.assert_allclose(got.mean, want.mean(axis=0), rtol=1e-4, atol=1e-6 * want.max())
    future = np.arange(8)[None, :] > steps[:, None]  # (R, T): s > t
    assert (got.per_sample[:, future] > 0).all() if bidirectional else (got.per_sample[:, future] == 0).all()


@pytest.mark.parametrize("bidirectional", [False, True])
def test_one_output_step_per_chunk(monkeypatch, bidirectional):
    """Chunks of rows (and, for a causal model, each chunk cut off after its last output step) change nothing."""
    model = build_model(ModelConfig(cell="gru", hidden_size=6, input_size=2, output_size=1,
                                    bidirectional=bidirectional)).eval()
    x = torch.randn(2, 10, 2)
    monkeypatch.setattr(sal, "CHUNK_FLOATS", 1)
    steps = np.array([3, 9, 0, 6])
    want = autograd_saliency(model, x, "regression", steps)
    np.testing.assert_allclose(saliency(model, x, "regression", steps).per_sample, want, rtol=1e-4,
                               atol=1e-6 * want.max())


def test_default_rows_are_every_step_thinned_to_max_rows():
    model = build_model(ModelConfig(hidden_size=4)).eval()
    assert saliency(model, torch.randn(1, 12, 1), "regression").out_steps.tolist() == list(range(12))
    rows = saliency(model, torch.randn(1, 120, 1), "regression").out_steps
    assert len(rows) == sal.MAX_ROWS and rows[0] == 0 and rows[-1] == 119 and np.all(np.diff(rows) > 0)


def test_output_rows_are_the_masked_steps():
    mask = torch.zeros(3, 10, dtype=torch.bool)
    mask[0, 9] = mask[2, 4] = True
    assert output_rows(mask).tolist() == [4, 9]
    assert output_rows(np.ones(200, bool), max_rows=5).tolist() == [0, 50, 100, 149, 199]


def test_bad_arguments():
    model = build_model(ModelConfig(hidden_size=4)).eval()
    with pytest.raises(ValueError, match="kind"):
        saliency(model, torch.randn(1, 5, 1), "forecast")
    with pytest.raises(ValueError, match="out_steps"):
        saliency(model, torch.randn(1, 5, 1), "regression", [5])


def test_a_model_that_only_uses_the_last_input():
    """W_hh = 0 and no bias: y_t depends on x_t alone, so S is diagonal (the plain-RNN identity, in numbers)."""
    model = build_model(ModelConfig(cell="rnn", hidden_size=3, input_size=1, output_size=1)).eval()
    with torch.no_grad():
        model.rnn.weight_hh_l0.zero_()
    s = saliency(model, torch.randn(2, 6, 1), "regression").per_sample
    assert (s[:, ~np.eye(6, dtype=bool)] == 0).all() and (np.diagonal(s, axis1=1, axis2=2) > 0).all()


def test_trainer_probes_saliency_every_stride_and_history_keeps_it_bounded():
    lab = make_lab(ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="adding", seq_len=20),
                   TrainConfig(batch_size=8, probe_every=2))
    stride = lab.trainer.saliency_stride
    history = History()
    stats = list(lab.trainer.run(2 + 2 * stride * (MAX_SALIENCY + 2)))  # ends on a step that carries saliency
    for s in stats:
        history.append(s)
    carrying = [s.step for s in stats if s.saliency is not None]
    assert carrying == list(range(2, len(stats) + 1, 2 * stride))  # the first probe, then every stride-th
    last = stats[-1]
    assert last.saliency_steps.tolist() == [19]  # the adding problem's loss counts at the last step only
    assert last.saliency.shape == last.saliency_sample.shape == (1, 20)
    batch = lab.trainer.probe_batch
    want = saliency(lab.model, batch.x, "regression", [19])  # the weights after the last step = those of the probe
    np.testing.assert_allclose(last.saliency, want.mean, rtol=1e-5)
    np.testing.assert_allclose(last.saliency_sample, want.per_sample[0], rtol=1e-5)
    assert len(history.saliency.rows) < MAX_SALIENCY and history.latest_saliency is last
    steps, mats, rows = history.saliency_series()
    assert steps[-1] <= last.step and mats[0].dtype == np.float32 and rows[0].tolist() == [19]
    json = last.to_json()
    assert json["saliency_steps"] == [19] and len(json["saliency"][0]) == 20


def test_the_probe_batch_is_averaged():
    lab = make_lab(ModelConfig(cell="gru", hidden_size=8, bidirectional=True), TaskConfig(name="order", seq_len=15),
                   TrainConfig(batch_size=8, probe_every=1))
    (s,) = list(lab.trainer.run(1))
    want = saliency(lab.model, lab.trainer.probe_batch.x, "classification", [14])
    assert want.per_sample.shape[0] == PROBE_BATCH
    np.testing.assert_allclose(s.saliency, want.per_sample.mean(axis=0), rtol=1e-5)


def test_stride_grows_with_the_cost():
    cfg = ModelConfig(cell="lstm", hidden_size=32, input_size=1, output_size=1)
    default = saliency_stride(cfg, 50, 50, 8, 1, 32, 25)
    assert 2 <= default <= 16  # every few probes at the default settings
    assert saliency_stride(cfg, 50, 1, 8, 1, 32, 25) == 1  # one output row (adding, order): every probe
    assert saliency_stride(cfg, 1000, 50, 8, 1, 32, 25) == default  # both grow with T
    assert saliency_stride(cfg, 50, 50, 8, 1, 32, 1) > default  # probing every step: rarer saliency
    assert saliency_stride(cfg, 50, 50, 8, 1, 32, 10_000) == 1
