"""Every score in explorer.metrics against a reference implementation: scikit-learn, and torchmetrics for
SMAPE (which scikit-learn lacks); and the tasks report exactly these scores."""
import math

import numpy as np
import pytest
import torch
from sklearn import metrics as sk
from torchmetrics.functional.regression import symmetric_mean_absolute_percentage_error

from explorer.config import TaskConfig
from explorer.data.tasks import make_task
from explorer.metrics import accuracy, macro_f1, mae, perplexity, rmse, smape

GEN = torch.Generator().manual_seed(0)


def regression_pairs():
    pred, target = torch.randn(200, 1, generator=GEN), torch.randn(200, 1, generator=GEN)
    return [(pred, target), (target * 1.1, target), (torch.zeros(5, 1), torch.zeros(5, 1))]


@pytest.mark.parametrize("i", range(3))
def test_mae_and_rmse_match_scikit_learn(i):
    pred, target = regression_pairs()[i]
    assert mae(pred, target) == pytest.approx(sk.mean_absolute_error(target, pred), rel=1e-6, abs=1e-12)
    assert rmse(pred, target) == pytest.approx(sk.root_mean_squared_error(target, pred), rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("i", range(3))
def test_smape_matches_torchmetrics_in_percent(i):
    forecast, actual = regression_pairs()[i]
    want = 100 * symmetric_mean_absolute_percentage_error(forecast, actual).item()
    assert smape(forecast, actual) == pytest.approx(want, rel=1e-5, abs=1e-9)


def test_smape_by_hand():
    f, a = torch.tensor([110.0, 0.0, -5.0, 0.0]), torch.tensor([100.0, 4.0, 5.0, 0.0])
    # 2·10/210, 2·4/4 = 2, 2·10/10 = 2, 0/0 counts 0
    assert smape(f, a) == pytest.approx(100 * (20 / 210 + 2 + 2 + 0) / 4)


def test_perplexity_is_exp_of_scikit_learn_log_loss():
    logits = torch.randn(300, 7, generator=GEN) * 3
    target = torch.randint(0, 7, (300,), generator=GEN)
    probs = torch.softmax(logits.double(), -1).numpy()
    want = math.exp(sk.log_loss(target.numpy(), probs, labels=list(range(7))))
    assert perplexity(logits, target) == pytest.approx(want, rel=1e-5)
    assert perplexity(torch.tensor([[1e4, -1e4]]), torch.tensor([1])) == math.inf


@pytest.mark.parametrize("seed", range(5))
def test_accuracy_and_macro_f1_match_scikit_learn(seed):
    g = torch.Generator().manual_seed(seed)
    n_classes = 5
    target = torch.randint(0, n_classes - 1, (60,), generator=g)  # class 4 never occurs in the targets
    pred = torch.where(torch.rand(60, generator=g) < 0.6, target, torch.randint(0, n_classes, (60,), generator=g))
    assert accuracy(pred, target) == pytest.approx(sk.accuracy_score(target, pred))
    assert macro_f1(pred, target, n_classes) == pytest.approx(sk.f1_score(target, pred, average="macro"))


@pytest.mark.parametrize("name", ["sine", "sunspots", "charlm", "order"])
def test_tasks_report_these_scores(name):
    task = make_task(TaskConfig(name=name, seq_len=20))
    b = task.eval_set("val")
    out = torch.randn(*b.mask.shape, task.output_size, generator=torch.Generator().manual_seed(1))
    got = task.metrics(out, b)
    pred, target = out[b.mask], b.y[b.mask]
    if task.kind == "regression":
        assert got["MAE"] == pytest.approx(sk.mean_absolute_error(target, pred), rel=1e-5)
        assert got["RMSE"] == pytest.approx(sk.root_mean_squared_error(target, pred), rel=1e-5)
        mean, std = task._mean, task._std
        want = 100 * symmetric_mean_absolute_percentage_error(mean + std * pred, mean + std * target).item()
        assert got["SMAPE"] == pytest.approx(want, rel=1e-4)
    elif name == "charlm":
        probs = torch.softmax(pred.double(), -1).numpy()
        ce = sk.log_loss(target.numpy(), probs, labels=list(range(task.output_size)))
        assert got["perplexity"] == pytest.approx(math.exp(ce), rel=1e-4)
        assert got["bits/char"] == pytest.approx(ce / math.log(2), rel=1e-4)
        assert got["accuracy"] == pytest.approx(sk.accuracy_score(target, pred.argmax(-1)))
    else:
        p = pred.argmax(-1)
        assert got == {"accuracy": pytest.approx(sk.accuracy_score(target, p)),
                       "F1 (macro)": pytest.approx(sk.f1_score(target, p, average="macro"))}
    assert np.isfinite(list(got.values())).all()
