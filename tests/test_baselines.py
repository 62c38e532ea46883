"""The CNN and Transformer baselines: causality and the CNN's receptive field measured by autograd,
positional encoding by hand, reproducible initialisation, and training through the same Trainer."""
import math

import numpy as np
import pytest
import torch

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.models.baselines import (
    BASELINES,
    CausalCNN,
    build_baseline,
    positional_encoding,
    receptive_field,
)
from explorer.training.compare import architecture_lab

CFG = ModelConfig(input_size=3, output_size=2, hidden_size=16, seed=5)
T = 90


def input_gradient(model, t: int, x: torch.Tensor) -> np.ndarray:
    """(T,): ‖∂(Σ_o y_t,o)/∂x_s‖ for every input step s, by autograd."""
    x = x.clone().requires_grad_(True)
    model(x)[0, t].sum().backward()
    return x.grad[0].norm(dim=-1).numpy()


def test_the_cnn_receptive_field_is_what_the_output_depends_on():
    model = build_baseline("cnn", CFG).eval()
    rf = model.receptive_field
    assert rf == receptive_field(2, (1, 2, 4, 8, 16, 32)) == 64
    x = torch.randn(1, T, 3, generator=torch.Generator().manual_seed(0))
    for t in (63, 70, 89):
        g = input_gradient(model, t, x)
        seen = np.flatnonzero(g)  # the inputs that y_t depends on
        assert seen.min() == t - rf + 1 and seen.max() == t, (t, seen.min(), seen.max())
        assert g[t - rf + 1] > 0 and (g[: t - rf + 1] == 0).all() and (g[t + 1 :] == 0).all()
    g = input_gradient(model, 10, x)  # early steps see the whole past (padding beyond it)
    assert (g[:11] > 0).all() and (g[11:] == 0).all()


def test_receptive_field_formula_for_other_kernels():
    cnn = CausalCNN(CFG, kernel_size=3, levels=4)  # 1 + 2·(1 + 2 + 4 + 8)
    assert cnn.receptive_field == 31
    x = torch.randn(1, 40, 3, generator=torch.Generator().manual_seed(1))
    seen = np.flatnonzero(input_gradient(cnn.eval(), 39, x))
    assert (seen.min(), seen.max()) == (39 - 31 + 1, 39)


def test_the_transformer_is_causal_and_sees_the_whole_past():
    model = build_baseline("transformer", CFG)
    model.eval()
    x = torch.randn(2, 30, 3, generator=torch.Generator().manual_seed(2))
    for t in (0, 12, 29):
        g = input_gradient(model, t, x)
        assert (g[: t + 1] > 0).all() and (g[t + 1 :] == 0).all()
    later = x.clone()
    later[:, 13:] += 1.0  # changing the future leaves every earlier output unchanged
    with torch.no_grad():
        torch.testing.assert_close(model(later)[:, :13], model(x)[:, :13])
        assert not torch.allclose(model(later)[:, 13:], model(x)[:, 13:])


def test_positional_encoding_by_hand():
    pe = positional_encoding(7, 5)
    for t in range(7):
        for i in range(5):
            angle = t / 10000 ** ((i - i % 2) / 5)
            assert pe[t, i].item() == pytest.approx(math.sin(angle) if i % 2 == 0 else math.cos(angle), abs=1e-6)


@pytest.mark.parametrize("kind", BASELINES)
def test_initialisation_is_reproducible_and_leaves_the_global_generator_alone(kind):
    state = torch.get_rng_state()
    a, b = build_baseline(kind, CFG), build_baseline(kind, CFG)
    assert torch.equal(torch.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    c = build_baseline(kind, ModelConfig(input_size=3, output_size=2, hidden_size=16, seed=6))
    assert not all(torch.equal(p, q) for p, q in zip(a.parameters(), c.parameters()))
    for name, m in a.named_modules():  # PyTorch's default ranges: U(±1/√fan_in) for linear layers and convolutions
        if isinstance(m, (torch.nn.Linear, torch.nn.Conv1d)) and not name.endswith("out_proj"):
            bound = 1 / math.sqrt(m.weight[0].numel())
            assert m.weight.abs().max() <= bound and m.weight.abs().max() > 0.8 * bound


@pytest.mark.parametrize("kind", BASELINES)
def test_baselines_train_with_the_same_trainer_and_skip_recurrent_probes(kind):
    lab = architecture_lab(kind, ModelConfig(hidden_size=16), TaskConfig(name="sine", seq_len=30),
                           TrainConfig(batch_size=16, lr=0.01, probe_every=10, eval_every=50, tbptt=5))
    stats = list(lab.trainer.run(150))
    assert stats[-1].val_loss < 0.2 * lab.task.baseline  # it learns the sine
    probe_steps = [s for s in stats if s.step % 10 == 0]
    assert all(s.hidden_grad_norms is None and s.sigma_max is None for s in stats)
    assert all(s.probe_skipped and "no hidden state" in s.probe_skipped for s in probe_steps)
    assert all(s.probe_skipped is None for s in stats if s.step % 10)
    assert set(lab.trainer.skipped) == {"hidden_grad_norms", "spectrum", "tbptt"}
    assert stats[-1].to_json()["probe_skipped"] == stats[-1].probe_skipped


def test_baseline_dropout_is_reproducible():
    cfgs = (ModelConfig(hidden_size=16, dropout=0.3), TaskConfig(name="sine", seq_len=20), TrainConfig(batch_size=8))
    runs = [[s.loss for s in architecture_lab("transformer", *cfgs).trainer.run(5)] for _ in range(2)]
    assert runs[0] == runs[1]


def test_an_oversized_transformer_is_refused():
    with pytest.raises(ValueError, match="too large for a shared server"):
        architecture_lab("transformer", ModelConfig(hidden_size=512), TaskConfig(name="adding", seq_len=1000),
                         TrainConfig(batch_size=512))


@pytest.mark.parametrize("kind", ["cnn", "transformer"])
def test_a_token_task_is_refused_with_a_sentence(kind):
    with pytest.raises(ValueError, match="word ids of texts of different lengths"):
        architecture_lab(kind, ModelConfig(embedding_dim=8), TaskConfig(name="sentiment", seq_len=20), TrainConfig())
