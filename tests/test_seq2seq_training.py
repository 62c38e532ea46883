"""The seq2seq trainer and lab: what a step reports, determinism, the ‖∂L/∂h_s‖ probe against autograd
through the fused modules, evaluation against per-source decoding, the divergence guard, the size check."""
import json
import math

import numpy as np
import pytest
import torch

from explorer.config import Seq2SeqConfig, TrainConfig
from explorer.metrics import bleu, exact_match, token_accuracy
from explorer.trace.seq2seq import decode_trace
from explorer.training.history import History
from explorer.training.seq2seq import make_seq2seq_lab, probe_batch
from tests.reference_seq2seq import split_grad_norms

SMALL = Seq2SeqConfig(task="dates", hidden_size=16, embedding_dim=8, eval_size=20)
TRAIN = TrainConfig(lr=0.01, batch_size=8, probe_every=2, seed=5, eval_every=3)


def test_a_step_reports_loss_baseline_metrics_probes_and_evaluations():
    lab = make_seq2seq_lab(SMALL, TRAIN)
    stats = list(lab.trainer.run(6))
    assert [s.step for s in stats] == list(range(1, 7)) and lab.steps_trained == 6
    for s in stats:
        assert math.isfinite(s.loss) and s.baseline == lab.task.baseline
        assert list(s.metrics) == ["next-token accuracy"] and 0 <= s.metrics["next-token accuracy"] <= 1
        assert s.grad_norm > 0 and s.param_grad_norms["attention.v.weight"] > 0 and s.diverged is None
        assert s.lr == TRAIN.lr and s.sigma_max is None
        assert (s.hidden_grad_norms is not None) == (s.step % 2 == 0)
        evaluated = s.step % 3 == 0
        assert (s.val_metrics is not None) == evaluated == (s.train_eval_metrics is not None)
        if evaluated:
            for m in (s.val_metrics, s.train_eval_metrics):
                assert set(m) == {"BLEU", "exact match", "token accuracy"} and 0 <= m["BLEU"] <= 100
            assert math.isfinite(s.val_loss) and math.isfinite(s.train_eval_loss)
        json.dumps(s.to_json())
    probe = stats[1].hidden_grad_norms
    assert probe.shape == (1, lab.trainer.probe_batch.src.shape[1]) and np.all(probe > 0)
    history = History()
    for s in stats:
        history.append(s)
    evals = history.eval_series()
    assert evals["step"].tolist() == [3, 6] and np.isfinite(evals["val_metric/BLEU"]).all()
    steps, norms = history.probe_matrix(0)
    assert steps.tolist() == [2, 4, 6] and norms.shape == (3, probe.shape[1])


def test_training_is_deterministic_with_teacher_forcing_below_one():
    cfg = Seq2SeqConfig(task="reverse", hidden_size=16, embedding_dim=8, teacher_forcing=0.5)
    a, b = (make_seq2seq_lab(cfg, TRAIN) for _ in range(2))
    la = [s.loss for s in a.trainer.run(8)]
    lb = [s.loss for s in b.trainer.run(8)]
    assert la == lb
    c = make_seq2seq_lab(cfg, TrainConfig(lr=0.01, batch_size=8, probe_every=2, seed=6))
    assert [s.loss for s in c.trainer.run(8)] != la


def test_the_probe_batch_has_sources_of_one_length():
    lab = make_seq2seq_lab(Seq2SeqConfig(task="reverse", min_len=3, max_len=9), TRAIN)
    b = probe_batch(lab.task)
    assert b.src.shape == (8, 9) and (b.src_lengths == 9).all()
    assert all(lab.task.split_of(s) == "val" for s in b.sources)


@pytest.mark.parametrize("cell, attention, bi", [("gru", "additive", False), ("lstm", "none", True)])
def test_probe_matches_autograd_through_the_fused_modules(cell, attention, bi):
    cfg = Seq2SeqConfig(task="dates", cell=cell, attention=attention, bidirectional=bi, hidden_size=8,
                        embedding_dim=4)
    lab = make_seq2seq_lab(cfg, TRAIN)
    list(lab.trainer.run(3))
    lab.model.eval()
    b = lab.trainer.probe_batch
    n_tokens = int(b.tgt_mask.sum())
    # The probe's loss is the mean over all target tokens; each source's states reach only its own terms.
    per_source = [split_grad_norms(lab.model, lab.task, "".join(src), [*tgt, "<eos>"]) / n_tokens
                  for src, tgt in zip(b.sources, b.targets)]
    expected = np.sqrt(np.sum(np.square(per_source), axis=0))
    np.testing.assert_allclose(lab.trainer.probe(), expected, rtol=1e-4)


@pytest.mark.parametrize("split", ["val", "test", "train"])
def test_evaluation_matches_decoding_each_source_alone(split):
    lab = make_seq2seq_lab(SMALL, TRAIN)
    list(lab.trainer.run(5))
    pairs = lab.task.eval_set(split, SMALL.eval_size)
    outputs, losses = [], []
    for src, tgt in zip(pairs.sources, pairs.targets):
        out = decode_trace(lab.model, lab.task, "".join(src), beam_width=1).outputs
        outputs.append([t for t in out if t != "<eos>"])
        one = lab.task.collate([(src, tgt)])
        losses += [lab.task.loss(lab.model(one)[0], one).item()] * (len(tgt) + 1)  # its mean, once per token
    got = lab.trainer.evaluate(split)
    assert got.split == split and got.step == 5 and got.size == SMALL.eval_size
    assert got.loss == pytest.approx(np.mean(losses), rel=1e-5)
    assert got.metrics["BLEU"] == pytest.approx(bleu(outputs, pairs.targets))
    assert got.metrics["exact match"] == exact_match(outputs, pairs.targets)
    assert got.metrics["token accuracy"] == pytest.approx(token_accuracy(outputs, pairs.targets))


def test_early_stopping_and_schedules_work_as_for_any_model():
    train = TrainConfig(lr=0.01, batch_size=8, probe_every=0, seed=5, eval_every=1, patience=1, min_delta=100.0,
                        lr_schedule="inverse", lr_k=1.0)
    lab = make_seq2seq_lab(SMALL, train)
    stats = list(lab.trainer.run(10))
    assert [s.lr for s in stats] == pytest.approx([0.01, 0.005])  # lr / (1 + k·t)
    assert len(stats) == 2 and stats[-1].early_stop is not None and stats[-1].early_stop.best_step == 1


def test_truncated_bptt_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="Truncated BPTT does not apply to an encoder–decoder"):
        make_seq2seq_lab(SMALL, TrainConfig(tbptt=5))


def test_a_non_finite_loss_is_caught_and_the_last_good_weights_come_back():
    lab = make_seq2seq_lab(SMALL, TRAIN)
    lab.trainer.step()
    good = {k: v.clone() for k, v in lab.model.state_dict().items()}  # the weights step 2's finite loss had
    lab.trainer.step()
    with torch.no_grad():
        lab.model.out.bias[5] = float("nan")
    stats = list(lab.trainer.run(5))
    assert len(stats) == 1 and stats[0].diverged.startswith("step 3: the loss is nan")
    lab.trainer.restore_last_good()
    assert all(torch.equal(v, good[k]) for k, v in lab.model.state_dict().items())
    assert math.isfinite(lab.trainer.step().loss)


def test_a_model_too_large_for_one_step_is_refused_with_a_sentence():
    huge = Seq2SeqConfig(task="reverse", min_len=30, max_len=40, hidden_size=256, bidirectional=True)
    with pytest.raises(ValueError, match="too large for a shared server .* Reduce the hidden size"):
        make_seq2seq_lab(huge, TrainConfig(batch_size=512))
    make_seq2seq_lab(huge, TrainConfig(batch_size=32))  # the same model with a smaller batch is fine
