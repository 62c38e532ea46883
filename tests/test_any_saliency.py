"""Saliency for any model (explorer.trace.any_saliency) against torch.autograd.functional.jacobian, one sample at a
time: the 1D-CNN and the Transformer by batched vector-Jacobian products, the recurrent cells by the hand-written
backward pass; and what a student should see (the CNN's hard edge, causal zeros, a bidirectional cell reading later
steps)."""
import numpy as np
import pytest
import torch

from explorer import ModelConfig, build_model
from explorer.models.baselines import build_baseline
from explorer.trace import any_saliency
from explorer.trace.any_saliency import model_saliency
from tests.test_saliency import autograd_saliency as jacobian_saliency  # per sample, by the full Jacobian


def make(arch, inputs, outputs, hidden=8):
    cfg = ModelConfig(hidden_size=hidden, input_size=inputs, output_size=outputs, seed=3, dropout=0.3)
    if arch in ("cnn", "transformer"):
        return build_baseline(arch, cfg)
    return build_model(ModelConfig(cell=arch.removeprefix("bi"), bidirectional=arch.startswith("bi"),
                                   hidden_size=hidden, input_size=inputs, output_size=outputs, seed=3))


@pytest.mark.parametrize("arch", ["cnn", "transformer", "lstm", "bigru"])
@pytest.mark.parametrize("kind, outputs", [("regression", 2), ("classification", 3)])
def test_matches_the_jacobian(arch, kind, outputs):
    model = make(arch, 3, outputs)
    x = torch.randn(3, 12, 3, generator=torch.Generator().manual_seed(1))
    steps = np.array([11, 0, 6, 3])  # any order
    got = model_saliency(model.train(), x, kind, steps)  # in training mode: dropout must not apply
    assert model.training  # the mode is left as it was
    want = jacobian_saliency(model.eval(), x, kind, steps)
    assert got.per_sample.shape == (3, 4, 12) and got.out_steps.tolist() == steps.tolist()
    np.testing.assert_allclose(got.per_sample, want, rtol=1e-4, atol=1e-6 * want.max())
    np.testing.assert_allclose(got.mean, want.mean(axis=0), rtol=1e-4, atol=1e-6 * want.max())


def test_chunks_of_seeds_change_nothing(monkeypatch):
    model = make("cnn", 2, 2)
    x = torch.randn(2, 10, 2, generator=torch.Generator().manual_seed(2))
    whole = model_saliency(model, x, "regression").per_sample
    monkeypatch.setattr(any_saliency, "CHUNK_FLOATS", 1)  # one row (its two outputs) per chunk
    np.testing.assert_array_equal(model_saliency(model, x, "regression").per_sample, whole)


def test_what_each_architecture_can_see():
    x = torch.randn(2, 80, 1, generator=torch.Generator().manual_seed(0))
    steps = np.arange(80)
    future = steps[None, :] > steps[:, None]  # (R, T): s > t
    cnn = make("cnn", 1, 1)
    s_cnn = model_saliency(cnn, x, "regression", steps).mean
    r = cnn.receptive_field  # 64
    too_far = steps[None, :] <= steps[:, None] - r  # s ≤ t − r: outside the receptive field
    seen = ~future & ~too_far
    assert (s_cnn[future] == 0).all() and (s_cnn[too_far] == 0).all() and (s_cnn[seen] > 0).all()
    s_tf = model_saliency(make("transformer", 1, 1), x, "regression", steps).mean
    assert (s_tf[future] == 0).all() and (s_tf[~future] > 0).all()  # the causal triangle, every earlier step
    s_bi = model_saliency(make("bilstm", 1, 1).eval(), x, "regression", steps).mean
    assert (s_bi > 0).all()  # reads both ways


def test_bad_arguments():
    model = make("cnn", 1, 1)
    with pytest.raises(ValueError, match="kind"):
        model_saliency(model, torch.zeros(1, 5, 1), "ranking")
    with pytest.raises(ValueError, match="out_steps"):
        model_saliency(model, torch.zeros(1, 5, 1), "regression", [5])
