"""Optimisers, clipping, decay and the numpy training loop against torch.optim, torch.nn.utils and a float64
torch training loop on the same weights and batches (and the app's own float32 Trainer)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explorer import ModelConfig, TaskConfig, TrainConfig, build_model, scratch
from explorer.data.tasks import make_task
from explorer.lab import make_lab
from explorer.scratch import optim
from explorer.scratch.train import Trainer, batch_seed

SHAPES = {"w": (3, 4), "b": (4,), "v": (1,)}


def gradient_sequence(steps: int, seed: int = 0) -> list[dict[str, np.ndarray]]:
    """Gradients that change sign and scale (down to 1e-6, where ε matters) from step to step."""
    rng = np.random.default_rng(seed)
    return [{k: rng.standard_normal(s) * 10.0 ** rng.integers(-6, 2) for k, s in SHAPES.items()} for _ in range(steps)]


def start(seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {k: rng.standard_normal(s) for k, s in SHAPES.items()}


TORCH = {
    "sgd": lambda p, lr, m: torch.optim.SGD(p, lr=lr),
    "sgd-momentum": lambda p, lr, m: torch.optim.SGD(p, lr=lr, momentum=m),
    "rmsprop": lambda p, lr, m: torch.optim.RMSprop(p, lr=lr),
    "rmsprop-momentum": lambda p, lr, m: torch.optim.RMSprop(p, lr=lr, momentum=m),
    "adam": lambda p, lr, m: torch.optim.Adam(p, lr=lr),
}
OURS = {
    "sgd": lambda lr, m: optim.SGD(lr), "sgd-momentum": lambda lr, m: optim.SGD(lr, momentum=m),
    "rmsprop": lambda lr, m: optim.RMSprop(lr), "rmsprop-momentum": lambda lr, m: optim.RMSprop(lr, momentum=m),
    "adam": lambda lr, m: optim.Adam(lr),
}


@pytest.mark.parametrize("name", list(TORCH))
def test_trajectory_equals_torch_optim_for_the_same_gradients(name):
    lr, momentum = 0.05, 0.9
    ours = start()
    theirs = {k: torch.tensor(v, requires_grad=True) for k, v in start().items()}
    opt_ours, opt_theirs = OURS[name](lr, momentum), TORCH[name](list(theirs.values()), lr, momentum)
    for grads in gradient_sequence(60):
        opt_ours.step(ours, grads)
        for k, p in theirs.items():
            p.grad = torch.from_numpy(grads[k].copy())
        opt_theirs.step()
        for k in SHAPES:
            np.testing.assert_allclose(ours[k], theirs[k].detach().numpy(), rtol=0, atol=1e-10)
    assert not np.allclose(ours["w"], start()["w"])  # it moved


@pytest.mark.parametrize("name", list(TORCH))
def test_trajectory_equals_torch_optim_when_the_gradients_follow_the_weights(name):
    """A real descent on f(w) = Σ (w² − 1)²: each step's gradient depends on where the last step went."""
    ours = start()
    theirs = {k: torch.tensor(v, requires_grad=True) for k, v in start().items()}
    opt_ours, opt_theirs = OURS[name](0.01, 0.5), TORCH[name](list(theirs.values()), 0.01, 0.5)
    for _ in range(100):
        opt_ours.step(ours, {k: 4 * w * (w * w - 1) for k, w in ours.items()})
        opt_theirs.zero_grad()
        sum(((p * p - 1) ** 2).sum() for p in theirs.values()).backward()
        opt_theirs.step()
    for k in SHAPES:
        np.testing.assert_allclose(ours[k], theirs[k].detach().numpy(), rtol=0, atol=1e-10)


def test_adam_bias_correction_makes_the_first_step_lr_times_the_sign():
    """m̂ = g and v̂ = g² at step 1, so every weight moves by lr·g/(|g| + ε) ≈ lr·sign(g); without the
    correction the first step would be (1 − β₁)/√(1 − β₂) ≈ 3.16 times that."""
    w = {"w": np.zeros(3)}
    optim.Adam(0.1).step(w, {"w": np.array([2.0, -0.5, 1e-3])})
    np.testing.assert_allclose(w["w"], [-0.1, 0.1, -0.1], rtol=1e-5)


def test_clipping_equals_torch():
    grads = {k: g * 50 for k, g in gradient_sequence(1, seed=4)[0].items()}
    tensors = {k: torch.zeros(s, dtype=torch.float64, requires_grad=True) for k, s in SHAPES.items()}
    for k, p in tensors.items():
        p.grad = torch.from_numpy(grads[k].copy())
    clipped, norm = optim.clip_by_norm(grads, 1.5)
    want_norm = torch.nn.utils.clip_grad_norm_(list(tensors.values()), 1.5)
    assert norm == pytest.approx(want_norm.item(), rel=1e-12)
    for k, p in tensors.items():
        np.testing.assert_allclose(clipped[k], p.grad.numpy(), rtol=1e-12)
    assert optim.global_norm(clipped) == pytest.approx(1.5 * norm / (norm + 1e-6), rel=1e-12)
    small = {k: g * 1e-3 for k, g in grads.items()}
    unchanged, _ = optim.clip_by_norm(small, 1e6)
    assert all(np.array_equal(unchanged[k], small[k]) for k in SHAPES)

    for k, p in tensors.items():
        p.grad = torch.from_numpy(grads[k].copy())
    torch.nn.utils.clip_grad_value_(list(tensors.values()), 0.7)
    by_value = optim.clip_by_value(grads, 0.7)
    for k, p in tensors.items():
        np.testing.assert_array_equal(by_value[k], p.grad.numpy())
    assert max(np.abs(g).max() for g in by_value.values()) == 0.7


def test_decay_equals_torch_lambda_lr():
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.2)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (1 + 0.3 * epoch))
    for epoch in range(10):
        assert optim.decayed_lr(0.2, 0.3, epoch) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-15)
        opt.step()
        sched.step()
    assert optim.decayed_lr(0.2, 0.0, 99) == 0.2


def test_make_optimizer_names():
    assert isinstance(optim.make_optimizer("adam", 0.1), optim.Adam)
    assert optim.make_optimizer("sgd", 0.1, 0.9).momentum == 0.9
    with pytest.raises(ValueError, match="adam, sgd or rmsprop"):
        optim.make_optimizer("lbfgs", 0.1)


# --- training ---------------------------------------------------------------------------------------------------

def torch_float64_run(model_cfg, task, cfg: TrainConfig, steps: int, decay=0.0, epoch_steps=100) -> list[float]:
    """The same training in torch, float64: autograd, torch.optim, clip_grad_norm_/value_, LambdaLR decay."""
    model = build_model(model_cfg).double()
    params = list(model.parameters())
    opt = {"adam": lambda: torch.optim.Adam(params, lr=cfg.lr),
           "sgd": lambda: torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum),
           "rmsprop": lambda: torch.optim.RMSprop(params, lr=cfg.lr, momentum=cfg.momentum)}[cfg.optimizer]()
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 1 / (1 + decay * e))
    losses = []
    for step in range(1, steps + 1):
        batch = task.batch(cfg.batch_size, seed=batch_seed(cfg, step))
        batch.y = batch.y.double() if task.kind == "regression" else batch.y
        opt.zero_grad()
        loss = task.loss(model(batch.x.double()), batch)
        loss.backward()
        if cfg.clip == "norm":
            torch.nn.utils.clip_grad_norm_(params, cfg.clip_threshold)
        elif cfg.clip == "value":
            torch.nn.utils.clip_grad_value_(params, cfg.clip_threshold)
        opt.step()
        if step % epoch_steps == 0:
            sched.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("cell,task_name,opt,clip", [
    ("lstm", "sine", "adam", "norm"), ("gru", "adding", "sgd", "value"), ("rnn", "copy", "rmsprop", "none"),
    ("lstm", "order", "rmsprop", "norm"), ("gru", "sine", "adam", "value"),
])
def test_numpy_training_follows_the_torch_loss_curve(cell, task_name, opt, clip):
    task = make_task(TaskConfig(name=task_name, seq_len=6, seed=3))
    model_cfg = ModelConfig(cell=cell, hidden_size=6, input_size=task.input_size, output_size=task.output_size, seed=4)
    cfg = TrainConfig(optimizer=opt, lr=0.02, momentum=0.9, clip=clip, clip_threshold=0.3, batch_size=4, seed=5)
    net = scratch.from_torch(build_model(model_cfg))
    ours = [s.loss for s in Trainer(net, task, cfg, decay=0.5, epoch_steps=5).run(25)]
    theirs = torch_float64_run(model_cfg, task, cfg, 25, decay=0.5, epoch_steps=5)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0)
    assert ours[-1] != ours[0]


def test_numpy_training_follows_the_apps_trainer():
    """The app's Trainer (float32, the fused module) and the numpy loop from the same weights and batches: the
    same curve up to float32 rounding."""
    lab = make_lab(ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="sine", seq_len=12),
                   TrainConfig(optimizer="adam", lr=0.01, batch_size=8, clip="norm", clip_threshold=0.5, seed=3))
    net = scratch.from_torch(lab.model)
    ours = [s.loss for s in Trainer(net, lab.task, lab.train_cfg).run(40)]
    theirs = [s.loss for s in lab.trainer.run(40)]
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    assert ours[-1] < 0.5 * ours[0]  # it learned


def test_training_stops_on_a_non_finite_loss():
    task = make_task(TaskConfig(name="sine", seq_len=5))
    net = scratch.from_torch(build_model(ModelConfig(cell="rnn", hidden_size=4)))
    net.params["head.bias"][:] = np.inf
    trainer = Trainer(net, task, TrainConfig(batch_size=2))
    results = trainer.run(5)
    assert len(results) == 1 and "update was not applied" in trainer.diverged
    assert np.isinf(net.params["head.bias"]).all() and np.isfinite(net.params["head.weight"]).all()
