"""The trainer: every StepStats number against an independent computation, divergence, settings."""
import copy
import json
import math
import time

import numpy as np
import pytest
import torch

from explorer import ModelConfig, build_model
from explorer.config import TaskConfig, TrainConfig
from explorer.data.tasks import make_task
from explorer.lab import make_lab, rebuild, set_train_config, step_cost
from explorer.trace.gradients import hidden_grad_norms
from explorer.training.trainer import Trainer, spectrum_stride


def trainer_for(cell="lstm", task="sine", **train):
    t = make_task(TaskConfig(name=task, seq_len=20))
    model = build_model(ModelConfig(cell=cell, hidden_size=8, input_size=t.input_size, output_size=t.output_size))
    return Trainer(model, t, TrainConfig(**{"batch_size": 8, **train}))


@pytest.mark.parametrize("field, bad", [("optimizer", "lbfgs"), ("lr", 0.0), ("lr", 11.0), ("momentum", 1.0),
                                        ("clip", "sometimes"), ("clip_threshold", 0.0), ("batch_size", 513),
                                        ("steps", 0), ("probe_every", -1), ("seed", -5)])
def test_train_config_validation(field, bad):
    with pytest.raises(ValueError, match=field):
        TrainConfig(**{field: bad})


def test_step_stats_match_an_independent_computation():
    tr = trainer_for(clip="norm", clip_threshold=0.05)
    before = copy.deepcopy(tr.model)
    stats = tr.step()
    batch = tr.task.batch(8, seed=tr.cfg.seed * 1_000_003 + 1)  # the documented batch of step 1
    loss = tr.task.loss(before(batch.x), batch)
    loss.backward()
    assert stats.loss == pytest.approx(loss.item(), rel=1e-6)
    norms = {n: p.grad.norm().item() for n, p in before.named_parameters()}
    assert stats.param_grad_norms == pytest.approx(norms, rel=1e-5)
    total = math.sqrt(sum(v * v for v in norms.values()))
    assert stats.grad_norm == pytest.approx(total, rel=1e-5)
    assert stats.clipped and stats.grad_norm_clipped == pytest.approx(0.05, rel=1e-4)
    assert stats.baseline == tr.task.baseline
    with torch.no_grad():
        assert stats.metrics == pytest.approx(tr.task.metrics(before(batch.x), batch), rel=1e-5)


def test_the_update_is_adam_on_the_clipped_gradient():
    tr = trainer_for(clip="norm", clip_threshold=0.05, lr=0.01)
    ref = copy.deepcopy(tr.model)
    opt = torch.optim.Adam(ref.parameters(), lr=0.01)
    tr.step()
    batch = tr.task.batch(8, seed=1)
    tr.task.loss(ref(batch.x), batch).backward()
    torch.nn.utils.clip_grad_norm_(ref.parameters(), 0.05)
    opt.step()
    for p, q in zip(tr.model.parameters(), ref.parameters()):
        torch.testing.assert_close(p, q)


def test_probes_every_k_steps_and_equal_an_independent_probe():
    tr = trainer_for(probe_every=3)
    got = [s for s in tr.run(6)]
    assert [s.step for s in got if s.hidden_grad_norms is not None] == [3, 6]
    assert all((s.sigma_max is None) == (s.hidden_grad_norms is None) for s in got)
    last, pb = got[-1], tr.probe_batch  # probed on the weights after step 6's update: the current ones
    tr.model.eval()
    expected = hidden_grad_norms(tr.model, pb.x, lambda out: tr.task.loss(out, pb))
    assert expected.shape == (1, 20)
    np.testing.assert_allclose(last.hidden_grad_norms, expected, rtol=1e-5)
    sig = np.linalg.svd(tr.model.rnn.weight_hh_l0.detach().double().numpy()[8:16], compute_uv=False)[0]
    assert last.sigma_max["0/f"] == pytest.approx(sig, rel=1e-6)
    assert np.abs(last.eigenvalues["0/f"]).max() <= sig + 1e-9


def test_clip_modes():
    assert not any(s.clipped for s in trainer_for(clip="none").run(5))
    s = trainer_for(clip="value", clip_threshold=1e-4).step()
    assert s.clipped and s.grad_norm_clipped < s.grad_norm


@pytest.mark.parametrize("opt, cls", [("sgd", torch.optim.SGD), ("rmsprop", torch.optim.RMSprop), ("adam", torch.optim.Adam)])
def test_optimizers(opt, cls):
    tr = trainer_for(optimizer=opt, lr=0.01)
    assert isinstance(tr.optimizer, cls)
    list(tr.run(3))


def test_set_config_keeps_weights_and_applies_the_new_rate():
    tr = trainer_for(lr=0.01)
    list(tr.run(5))
    weights = [p.detach().clone() for p in tr.model.parameters()]
    state = tr.optimizer
    tr.set_config(TrainConfig(batch_size=8, lr=0.5, clip="none"))
    assert tr.optimizer is state and tr.optimizer.param_groups[0]["lr"] == 0.5
    assert all(torch.equal(p, w) for p, w in zip(tr.model.parameters(), weights))
    tr.set_config(TrainConfig(batch_size=8, optimizer="sgd", lr=0.1))
    assert isinstance(tr.optimizer, torch.optim.SGD) and tr.step_count == 5


def test_learns_sine():
    lab = make_lab(ModelConfig(hidden_size=16), TaskConfig(), TrainConfig())
    last = [s for s in lab.trainer.run(150)][-1]
    assert last.loss < 0.1 * last.baseline


def exploding_trainer():
    """Trains normally for 3 steps, then SGD with a huge rate sends the weights to infinity."""
    tr = trainer_for(cell="rnn", clip="none", lr=0.01)
    list(tr.run(3))
    tr.set_config(TrainConfig(batch_size=8, optimizer="sgd", lr=10.0, momentum=0.0, clip="none"))
    return tr


def test_divergence_is_reported_and_the_last_good_weights_restorable():
    tr = exploding_trainer()
    good_before = None
    stats = None
    for _ in range(200):
        snapshot = [p.detach().clone() for p in tr.model.parameters()]
        stats = tr.step()
        if stats.diverged:
            break
        good_before = snapshot  # the weights before this finite step's update
    assert stats.diverged and f"step {stats.step}" in stats.diverged
    assert ("loss is" in stats.diverged) or ("gradient norm is" in stats.diverged)
    assert tr.diverged == stats.diverged
    unchanged = [p.detach().clone() for p in tr.model.parameters()]
    assert list(tr.run(5))[0].diverged  # stays diverged: run() stops after one step
    assert all(torch.equal(p, u) for p, u in zip(tr.model.parameters(), unchanged))  # bad updates never applied
    tr.restore_last_good()
    assert tr.diverged is None
    assert all(torch.equal(p, g) for p, g in zip(tr.model.parameters(), good_before))
    assert all(torch.isfinite(p).all() for p in tr.model.parameters())


def test_to_json_is_json_with_the_promised_keys():
    tr = trainer_for(probe_every=1)
    d = json.loads(json.dumps(tr.step().to_json()))
    for key in ("step", "loss", "baseline", "grad_norm", "grad_norm_clipped", "clipped", "metrics",
                "param_grad_norms", "sigma_max", "hidden_grad_norms", "eigenvalues", "diverged", "finished_at"):
        assert key in d
    assert len(d["hidden_grad_norms"][0]) == 20
    bad = exploding_trainer()
    while not (s := bad.step()).diverged:
        pass
    json.dumps(s.to_json(), allow_nan=False)  # non-finite numbers became null


def test_each_step_records_when_it_finished():
    tr = trainer_for(probe_every=2)
    before = time.time()
    stamps = [s.finished_at for s in tr.run(4)]
    after = time.time()
    assert before <= stamps[0] < stamps[1] < stamps[2] < stamps[3] <= after
    bad = exploding_trainer()
    while not (s := bad.step()).diverged:
        pass
    assert before < s.finished_at <= time.time()


def test_lab_rebuild_and_settings():
    lab = make_lab(ModelConfig(cell="gru"), TaskConfig(name="copy", seq_len=10), TrainConfig())
    assert (lab.model_cfg.input_size, lab.model_cfg.output_size) == (lab.task.input_size, lab.task.output_size)
    list(lab.trainer.run(2))
    with pytest.raises(ValueError):
        rebuild(lab, task_cfg=TaskConfig(name="csv"), user_data=b"")
    assert lab.steps_trained == 2  # untouched
    new = rebuild(lab, model_cfg=ModelConfig(cell="rnn"))
    assert new.steps_trained == 0 and new.model_cfg.cell == "rnn" and new.task_cfg == lab.task_cfg
    weights = [p.detach().clone() for p in lab.model.parameters()]
    set_train_config(lab, TrainConfig(lr=0.1, clip="value"))
    assert lab.train_cfg.lr == 0.1 and lab.trainer.cfg.clip == "value"
    assert all(torch.equal(p, w) for p, w in zip(lab.model.parameters(), weights))


def test_oversized_runs_are_refused_before_anything_is_built():
    with pytest.raises(ValueError, match="too large for a shared server"):
        make_lab(ModelConfig(hidden_size=512, num_layers=4), TaskConfig(name="adding", seq_len=1000),
                 TrainConfig(batch_size=512))
    make_lab(ModelConfig(hidden_size=512), TaskConfig(name="adding", seq_len=100), TrainConfig())  # fine


def test_step_cost_counts_activations():
    saved, flops = step_cost(ModelConfig(cell="lstm", hidden_size=10, num_layers=2), seq_len=7, batch_size=3)
    assert saved == 3 * 7 * 2 * 10 * (4 + 2) * 4
    assert flops == 3 * 2 * 3 * 7 * 2 * 4 * 10 * (10 + 10)


def test_spectrum_comes_with_every_probe_up_to_128_units_and_less_often_beyond():
    assert spectrum_stride(ModelConfig(cell="lstm", hidden_size=128)) == 1
    assert spectrum_stride(ModelConfig(cell="gru", hidden_size=32, num_layers=4)) == 1
    assert spectrum_stride(ModelConfig(cell="lstm", hidden_size=512, num_layers=4)) == 256
    t = make_task(TaskConfig(name="sine", seq_len=5))
    tr = Trainer(build_model(ModelConfig(hidden_size=200)), t, TrainConfig(batch_size=2, probe_every=1))
    stride = spectrum_stride(tr.model.cfg)
    got = [s for s in tr.run(2 * stride)]
    assert all(s.hidden_grad_norms is not None for s in got)
    assert [s.step for s in got if s.eigenvalues is not None] == [stride, 2 * stride]
