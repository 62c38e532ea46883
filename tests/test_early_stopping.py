"""Early stopping on a scripted sequence of validation losses: when it stops, which weights it restores,
what it reports; and the evaluations the trainer records every eval_every steps."""
import json
import math

import pytest
import torch

from explorer import ModelConfig, build_model
from explorer.config import TaskConfig, TrainConfig
from explorer.data.tasks import make_task
from explorer.training.early_stopping import EarlyStopping
from explorer.training.history import History
from explorer.training.trainer import Evaluation, Trainer


def decisions(losses, patience, min_delta=0.0):
    es = EarlyStopping(patience, min_delta)
    return [es.update(i + 1, v) for i, v in enumerate(losses)], es


def test_a_scripted_sequence():
    #         1       2       3     4       5      6      7
    losses = [1.0, 0.9, 0.95, 0.89, 0.899, 0.9, 0.92]
    got, es = decisions(losses, patience=3, min_delta=0.005)
    # 0.89 beats 0.9 by more than 0.005: an improvement; 0.899 does not beat 0.89 at all.
    assert got == ["improved", "improved", "wait", "improved", "wait", "wait", "stop"]
    assert (es.best, es.best_step, es.wait) == (0.89, 4, 0)  # patience counts anew after a stop


def test_min_delta_decides_what_counts_as_an_improvement():
    losses = [1.0, 0.99, 0.98, 0.97]
    assert decisions(losses, patience=2, min_delta=0.0)[0] == ["improved"] * 4
    assert decisions(losses, patience=2, min_delta=0.015)[0] == ["improved", "wait", "improved", "wait"]
    assert decisions(losses, patience=2, min_delta=0.05)[0] == ["improved", "wait", "stop", "wait"]  # anew


def test_nan_never_improves_and_nothing_to_restore_never_stops():
    assert decisions([1.0, math.nan, math.nan, math.nan], patience=2)[0] == ["improved", "wait", "stop", "wait"]
    assert decisions([math.nan] * 4, patience=1)[0] == ["wait"] * 4


def test_patience_zero_never_stops():
    assert decisions([1.0, 2.0, 3.0, 4.0], patience=0)[0] == ["improved", "wait", "wait", "wait"]


def scripted_trainer(val_losses, **train):
    """A trainer whose validation loss at its k-th evaluation is val_losses[k] (the rest is real)."""
    task = make_task(TaskConfig(name="sine", seq_len=10))
    model = build_model(ModelConfig(hidden_size=6))
    tr = Trainer(model, task, TrainConfig(**{"batch_size": 4, "eval_every": 2, "probe_every": 0, **train}))
    script = iter(val_losses)
    real = tr.evaluate

    def evaluate(split):
        e = real(split)
        return Evaluation(split, e.step, next(script), e.metrics, e.size) if split == "val" else e

    tr.evaluate = evaluate
    return tr


def test_the_trainer_stops_restores_the_best_weights_and_says_at_which_step():
    tr = scripted_trainer([1.0, 0.8, 0.85, 0.9, 0.7, 0.75, 0.76], patience=2)
    weights, history = {}, History()
    for stats in tr.run(100):
        history.append(stats)
        weights[stats.step] = [p.detach().clone() for p in tr.model.parameters()]
    # Evaluations at steps 2, 4, 6, 8: best 0.8 at step 4, then two without improvement: stop after step 8.
    assert stats.step == 8 and tr.step_count == 8
    es = stats.early_stop
    assert (es.step, es.best_step, es.best_val_loss, es.patience) == (8, 4, 0.8, 2)
    assert "after step 8" in es.message and "weights of step 4" in es.message
    assert all(torch.equal(p, w) for p, w in zip(tr.model.parameters(), weights[4]))
    assert history.early_stops == [es] and tr.early_stop == es
    assert json.loads(json.dumps(stats.to_json()))["early_stop"]["best_step"] == 4
    # Going on trains from the restored weights with fresh patience; the best so far is kept.
    first = tr.step()
    assert first.step == 9 and tr.early_stop is None
    assert not all(torch.equal(p, w) for p, w in zip(tr.model.parameters(), weights[4]))  # it trained on
    more = list(tr.run(100))  # 0.7 at step 10 is a new best; 0.75 and 0.76 are not: stop after step 14
    assert more[-1].step == 14 and (more[-1].early_stop.best_step, more[-1].early_stop.best_val_loss) == (10, 0.7)


def test_the_restored_weights_give_the_best_validation_loss():
    """Unscripted: the loss of the restored weights, evaluated again, is the recorded best."""
    task = make_task(TaskConfig(name="sine", seq_len=10))
    tr = Trainer(build_model(ModelConfig(hidden_size=6)), task,
                 TrainConfig(batch_size=4, lr=0.3, eval_every=1, patience=3, probe_every=0))
    stops = [s.early_stop for s in tr.run(300) if s.early_stop]
    assert stops, "lr 0.3 makes the validation loss wander: it must stop"
    assert tr.evaluate("val").loss == pytest.approx(stops[0].best_val_loss, rel=1e-6)


def test_evaluations_every_k_steps_match_an_independent_computation():
    task = make_task(TaskConfig(name="adding", seq_len=10))
    model = build_model(ModelConfig(hidden_size=6, input_size=2, dropout=0.5, num_layers=2))
    tr = Trainer(model, task, TrainConfig(batch_size=4, eval_every=3, probe_every=0))
    got = list(tr.run(6))
    assert [s.step for s in got if s.val_loss is not None] == [3, 6]
    last = got[-1]
    model.eval()  # independent: the fixed sets through the model in eval mode (no dropout)
    with torch.no_grad():
        for split, loss, metrics in (("val", last.val_loss, last.val_metrics),
                                     ("train", last.train_eval_loss, last.train_eval_metrics)):
            b = task.eval_set(split)
            out = model(b.x)
            assert loss == pytest.approx(task.loss(out, b).item(), rel=1e-6)
            assert metrics == pytest.approx(task.metrics(out, b), rel=1e-6)
    tr.evaluate("val")
    assert not model.training  # evaluate() puts back the mode it found
    history = History()
    for s in got:
        history.append(s)
    series = history.eval_series()
    assert list(series["step"]) == [3, 6] and series["val_loss"][-1] == last.val_loss
    assert series["train_metric/MSE"][-1] == last.train_eval_metrics["MSE"]
    assert set(series) == {"step", "train_loss", "val_loss", "train_metric/MSE", "train_metric/acc@0.04",
                           "val_metric/MSE", "val_metric/acc@0.04"}


def test_the_test_set_is_evaluated_on_demand_only():
    task = make_task(TaskConfig(name="order", seq_len=9))
    tr = Trainer(build_model(ModelConfig(hidden_size=6, input_size=6, output_size=4)), task,
                 TrainConfig(batch_size=4, eval_every=1))
    seen = []
    real = task.eval_set
    task.eval_set = lambda split: seen.append(split) or real(split)
    list(tr.run(3))
    assert "test" not in seen
    e = tr.evaluate("test")
    assert (e.split, e.step, e.size) == ("test", 3, 128) and set(e.metrics) == {"accuracy", "F1 (macro)"}
    assert json.loads(json.dumps(e.to_json()))["loss"] == pytest.approx(e.loss)


def test_patience_needs_evaluations():
    with pytest.raises(ValueError, match="needs evaluations: set eval_every > 0"):
        TrainConfig(patience=3, eval_every=0)
