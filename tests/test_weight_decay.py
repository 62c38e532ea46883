"""Weight decay: L2 added to the gradient (adam, sgd, rmsprop) against torch's own coupled weight_decay, and
AdamW's decoupled decay against Adam followed by θ ← θ − lr·λ·θ."""
import copy

import pytest
import torch

from explorer import ModelConfig, build_model
from explorer.config import TaskConfig, TrainConfig
from explorer.data.tasks import make_task
from explorer.training.trainer import Trainer

TASK = make_task(TaskConfig(name="adding", seq_len=8))
LAM = 0.3  # large, so that a decay applied wrongly shows at once


def setup(**train):
    model = build_model(ModelConfig(cell="lstm", hidden_size=6, input_size=2, output_size=1, seed=4))
    cfg = TrainConfig(**{"batch_size": 4, "lr": 0.01, "clip": "none", "eval_every": 0, **train})
    return Trainer(model, TASK, cfg), copy.deepcopy(model)


def assert_same_weights(a, b):
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name, make", [
    ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9, weight_decay=LAM)),
    ("adam", lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=LAM)),
    ("rmsprop", lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.9, weight_decay=LAM)),
])
def test_l2_matches_torch_weight_decay(name, make):
    tr, ref = setup(optimizer=name, weight_decay=LAM)
    opt = make(ref.parameters())
    for step in range(1, 5):
        tr.step()
        batch = TASK.batch(4, seed=step)
        opt.zero_grad()
        TASK.loss(ref(batch.x), batch).backward()
        opt.step()
        assert_same_weights(tr.model, ref)


def test_l2_is_added_before_clipping_and_counts_in_the_gradient_norm():
    tr, ref = setup(optimizer="adam", weight_decay=LAM, clip="norm", clip_threshold=0.05)
    opt = torch.optim.Adam(ref.parameters(), lr=0.01)
    stats = tr.step()
    batch = TASK.batch(4, seed=1)
    TASK.loss(ref(batch.x), batch).backward()
    for p in ref.parameters():
        p.grad += LAM * p.detach()  # ∇ of loss + (λ/2)‖θ‖²
    norm = torch.nn.utils.clip_grad_norm_(ref.parameters(), 0.05)
    opt.step()
    assert stats.grad_norm == pytest.approx(norm.item(), rel=1e-5) and stats.clipped
    assert_same_weights(tr.model, ref)


def test_adamw_decays_apart_from_the_gradient():
    tr, ref = setup(optimizer="adamw", weight_decay=LAM)
    assert isinstance(tr.optimizer, torch.optim.AdamW)
    opt = torch.optim.Adam(ref.parameters(), lr=0.01)  # no decay inside: it is applied by hand below
    for step in range(1, 5):
        tr.step()
        before = [p.detach().clone() for p in ref.parameters()]
        batch = TASK.batch(4, seed=step)
        opt.zero_grad()
        TASK.loss(ref(batch.x), batch).backward()
        opt.step()
        with torch.no_grad():
            for p, old in zip(ref.parameters(), before):
                p -= 0.01 * LAM * old  # θ ← θ − lr·λ·θ_old, not through Adam's normalisation
        assert_same_weights(tr.model, ref)


def test_no_decay_is_the_old_behaviour():
    tr, ref = setup(optimizer="adamw", weight_decay=0.0)
    opt = torch.optim.Adam(ref.parameters(), lr=0.01)
    tr.step()
    batch = TASK.batch(4, seed=1)
    TASK.loss(ref(batch.x), batch).backward()
    opt.step()
    assert_same_weights(tr.model, ref)


def test_set_config_changes_the_decay():
    tr, _ = setup(optimizer="adamw", weight_decay=0.1)
    tr.set_config(TrainConfig(optimizer="adamw", weight_decay=0.02, batch_size=4))
    assert tr.optimizer.param_groups[0]["weight_decay"] == 0.02
