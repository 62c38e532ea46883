"""Learning-rate schedules against torch.optim.lr_scheduler, and the rate the trainer really applies."""
import copy
import math

import numpy as np
import pytest
import torch

from explorer import ModelConfig, build_model
from explorer.config import TaskConfig, TrainConfig
from explorer.data.tasks import make_task
from explorer.training.history import History
from explorer.training.schedule import learning_rate
from explorer.training.trainer import Trainer

N = 400


def torch_rates(cfg: TrainConfig, make_scheduler) -> list[float]:
    """The rate of each of N updates as a torch scheduler sets it (scheduler.step() after every update)."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=cfg.lr)
    sched = make_scheduler(opt)
    rates = []
    for _ in range(N):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


@pytest.mark.parametrize("cfg, make", [
    (TrainConfig(lr=0.1), lambda o: torch.optim.lr_scheduler.ConstantLR(o, factor=1.0)),
    (TrainConfig(lr=0.1, lr_schedule="step", lr_step_size=70, lr_gamma=0.3),
     lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=70, gamma=0.3)),
    (TrainConfig(lr=0.05, lr_schedule="inverse", lr_k=0.02),
     lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda t: 1 / (1 + 0.02 * t))),
    (TrainConfig(lr=0.1, lr_schedule="cosine", lr_min=0.001, steps=N),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=N, eta_min=0.001)),
])
def test_schedules_match_torch(cfg, make):
    want = torch_rates(cfg, make)
    got = [learning_rate(cfg, t) for t in range(N)]
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_schedule_formulas_by_hand():
    step = TrainConfig(lr=1.0, lr_schedule="step", lr_step_size=10, lr_gamma=0.5)
    assert [learning_rate(step, t) for t in (0, 9, 10, 25)] == [1.0, 1.0, 0.5, 0.25]
    inv = TrainConfig(lr=0.3, lr_schedule="inverse", lr_k=0.1)
    assert learning_rate(inv, 20) == pytest.approx(0.3 / 3)  # lr / (1 + k·t)
    cos = TrainConfig(lr=0.2, lr_schedule="cosine", lr_min=0.0, steps=100)
    assert learning_rate(cos, 0) == 0.2 and learning_rate(cos, 50) == pytest.approx(0.1)
    assert learning_rate(cos, 100) == pytest.approx(0.0) and learning_rate(cos, 150) == pytest.approx(0.0)  # no restart


def test_schedule_config_is_validated():
    with pytest.raises(ValueError, match="lr_schedule must be one of constant, step, inverse, cosine"):
        TrainConfig(lr_schedule="linear")
    with pytest.raises(ValueError, match="lr_min .* must not exceed lr"):
        TrainConfig(lr=0.01, lr_schedule="cosine", lr_min=0.1)
    with pytest.raises(ValueError, match="lr_gamma"):
        TrainConfig(lr_gamma=0.0)


def test_the_trainer_updates_with_the_scheduled_rate_and_records_it():
    """Plain SGD: the update is exactly −lr_t·g with the rate of torch's StepLR at every step."""
    task = make_task(TaskConfig(name="sine", seq_len=10))
    model = build_model(ModelConfig(cell="gru", hidden_size=6, input_size=1, output_size=1))
    cfg = TrainConfig(optimizer="sgd", momentum=0.0, clip="none", lr=0.5, batch_size=4, lr_schedule="step",
                      lr_step_size=2, lr_gamma=0.1, eval_every=0)
    ref = copy.deepcopy(model)
    opt = torch.optim.SGD(ref.parameters(), lr=0.5)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    tr, history = Trainer(model, task, cfg), History()
    for step in range(1, 6):
        stats = tr.step()
        history.append(stats)
        batch = task.batch(4, seed=step)
        opt.zero_grad()
        task.loss(ref(batch.x), batch).backward()
        assert stats.lr == pytest.approx(opt.param_groups[0]["lr"], rel=1e-12)
        opt.step()
        sched.step()
        for p, q in zip(tr.model.parameters(), ref.parameters()):
            torch.testing.assert_close(p, q)
    np.testing.assert_allclose(history.scalars()["lr"], [0.5, 0.5, 0.05, 0.05, 0.005])
    assert math.isclose(stats.to_json()["lr"], 0.005)
