"""Each lecture preset loads, is deterministic, and really shows what its text promises.

Every test trains its preset headless for the preset's own step budget (the run a lecturer sees).
Slowest (measured on the shared 2-core machine): the two 1500-step adding runs and the 800-step
copy-memory pair, several seconds each.
"""
import re
from dataclasses import replace

import numpy as np
import pytest
import torch

from explorer.data.tasks import DATA_DIR
from explorer.lecture.presets import PAGES, PRESETS, Preset, load
from explorer.training.tbptt import cut_positions

RUNS: dict[str, list] = {}  # key -> its StepStats over the full budget, computed once per session


def run(key: str):
    """(lab, stats) of the preset trained headless for its step budget (cached per session)."""
    if key not in RUNS:
        lab = load(key)
        RUNS[key] = (lab, list(lab.trainer.run(PRESETS[key].train.steps)))
    return RUNS[key]


def tail_loss(stats, n=50) -> float:
    return float(np.mean([s.loss for s in stats[-n:]]))


def window_losses(stats, n=100) -> np.ndarray:
    """Mean loss of each window of n steps (single batches are too noisy to compare with a baseline)."""
    losses = np.array([s.loss for s in stats])
    return losses[: len(losses) // n * n].reshape(-1, n).mean(1)


def first_over_last(probe: np.ndarray) -> float:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of layer 0 in a probe (L, T)."""
    return float(probe[0, 0] / probe[0, -1])


def probes(stats) -> list[tuple[int, np.ndarray]]:
    return [(s.step, s.hidden_grad_norms) for s in stats if s.hidden_grad_norms is not None]


# --- every preset -------------------------------------------------------------------------------

RECURRENT = [k for k, p in PRESETS.items() if isinstance(p, Preset)]  # the seq2seq ones: test_seq2seq_presets.py


@pytest.mark.parametrize("key", RECURRENT)
def test_preset_is_well_formed_and_loads(key):
    p = PRESETS[key]
    assert isinstance(p, Preset) and p.key == key
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key)  # URL-safe
    assert p.title.strip() and p.page in PAGES
    # Two sentences: two sentence ends (a full stop not inside a number like 0.167).
    assert len(re.findall(r"[.!?](?=\s|$)", p.look_at)) == 2, p.look_at
    assert p.compare_with is None or p.compare_with in PRESETS.keys() - {key}
    lab = load(key)
    assert lab.model_cfg.input_size == lab.task.input_size
    assert lab.train_cfg == p.train and lab.task_cfg == p.task and lab.steps_trained == 0


def test_keys_and_titles_are_unique():
    assert len({p.title for p in PRESETS.values()}) == len(PRESETS)
    assert len(PRESETS) >= 10


@pytest.mark.parametrize("pair", [("forget-bias-0", "forget-bias-1"), ("gru-copy", "lstm-copy"),
                                  ("exploding", "clipping"), ("peephole-spikes", "lstm-spikes")])
def test_pairs_point_at_each_other_and_differ_in_one_thing(pair):
    a, b = (PRESETS[k] for k in pair)
    assert (a.compare_with, b.compare_with) == (b.key, a.key)
    assert a.task == b.task
    assert (a.model != b.model) + (a.train != b.train) == 1


def test_unknown_key_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown preset 'nope'"):
        load("nope")


@pytest.mark.parametrize("key", RECURRENT)
def test_preset_is_deterministic(key):
    a, b = load(key), load(key)
    for pa, pb in zip(a.model.parameters(), b.model.parameters(), strict=True):
        assert torch.equal(pa, pb)
    la = [s.loss for s in a.trainer.run(10)]
    lb = [s.loss for s in b.trainer.run(10)]
    np.testing.assert_array_equal(la, lb)  # bit for bit (NaN equals NaN: the exploding run ends in one)


# --- the promised effects -----------------------------------------------------------------------

def test_vanishing_stays_at_baseline_and_gradient_collapses():
    lab, stats = run("vanishing")
    assert len(stats) == 1500 and lab.trainer.diverged is None
    assert tail_loss(stats) > 0.8 * lab.task.baseline  # "stays at the 0.167 baseline"
    assert window_losses(stats).min() > 0.9 * lab.task.baseline
    ratios = np.array([first_over_last(p) for _, p in probes(stats)])
    assert np.median(ratios) < 1e-10, np.median(ratios)  # "10⁻¹⁰ or less"
    assert np.mean(ratios < 1e-4) > 0.9, np.sort(ratios)[-5:]  # "at nearly every probe"


def test_exploding_blows_up_and_is_caught():
    lab, stats = run("exploding")
    assert 5 < stats[0].grad_norm < 7 and stats[1].grad_norm > 10_000  # "about 6", "over 10,000"
    assert lab.trainer.diverged and len(stats) == 3  # "at step 3 the loss is NaN"
    assert np.isnan(stats[-1].loss) and stats[-1].diverged


def test_clipping_keeps_the_same_run_finite():
    lab, stats = run("clipping")
    assert PRESETS["clipping"].model == PRESETS["exploding"].model
    assert len(stats) == 300 and lab.trainer.diverged is None
    assert all(np.isfinite(s.loss) and np.isfinite(s.grad_norm) for s in stats)
    assert max(s.grad_norm for s in stats) > 10_000  # the raw norm still spikes
    assert all(s.grad_norm_clipped <= 1.0 + 1e-5 for s in stats)
    assert np.all(np.abs(window_losses(stats)[1:] / lab.task.baseline - 1) < 0.1)  # "back to 0.167"


def test_lstm_beats_the_baseline_on_the_same_task():
    lab, stats = run("lstm")
    assert PRESETS["lstm"].task == PRESETS["vanishing"].task
    assert tail_loss(stats) < 0.5 * lab.task.baseline
    assert tail_loss(stats) < 0.01  # "drops to below 0.01"
    assert window_losses(stats)[:5].min() > 0.9 * lab.task.baseline  # "sits at the baseline for about 600 steps"
    assert window_losses(stats)[6] < 0.1 * lab.task.baseline
    assert max(first_over_last(p) for _, p in probes(stats)[:4]) < 1e-8  # "10⁻¹⁰ before"
    assert min(first_over_last(p) for _, p in probes(stats)[-10:]) > 1e-2  # "about 1/50" once learned


def test_forget_bias_1_lets_the_gradient_reach_the_start():
    ratio = {}
    for key in ("forget-bias-0", "forget-bias-1"):
        _, stats = run(key)
        step, probe = probes(stats)[0]
        assert step == 25
        ratio[key] = first_over_last(probe)
    assert ratio["forget-bias-0"] < 1e-14
    assert ratio["forget-bias-1"] > 1e-12
    assert ratio["forget-bias-1"] > 1e8 * ratio["forget-bias-0"]


def test_irnn_gradient_reaches_the_start():
    lab, stats = run("irnn")
    assert len(stats) == 200 and lab.trainer.diverged is None
    assert min(first_over_last(p) for _, p in probes(stats)) > 1e-2
    assert 0.8 * lab.task.baseline < tail_loss(stats) < 1.3 * lab.task.baseline  # "near the baseline"


def test_gru_leaves_the_copy_baseline_before_the_lstm():
    (lab, gru), (_, lstm) = run("gru-copy"), run("lstm-copy")
    base = lab.task.baseline
    assert tail_loss(gru) < 0.95 * base and abs(tail_loss(gru) - 0.63) < 0.02
    assert abs(tail_loss(lstm) - 0.67) < 0.02
    assert tail_loss(gru) < tail_loss(lstm) - 0.02
    assert window_losses(lstm)[1:6].min() > 0.97 * base  # "sits on the baseline for about 600 steps"


def position_in_line(text: str) -> np.ndarray:
    """(n,) for each character, how many characters precede it on its line."""
    pos, out = 0, []
    for c in text:
        out.append(pos)
        pos = 0 if c == "\n" else pos + 1
    return np.array(out, float)


def test_charlm_unit_22_tracks_the_position_in_the_line():
    lab, stats = run("charlm")
    assert tail_loss(stats) < 0.6 * lab.task.baseline and abs(tail_loss(stats) - 1.8) < 0.1
    text = (DATA_DIR / "macbeth.txt").read_text(encoding="utf-8")
    lab.model.eval()
    with torch.no_grad():
        hs, _ = lab.model.rnn(lab.task.inputs_from_text(text))  # (1, n, H)
    h = hs[0].numpy()
    corr = [np.corrcoef(h[:, j], position_in_line(text))[0, 1] for j in range(h.shape[1])]
    assert int(np.argmax(np.abs(corr))) == 22
    assert abs(corr[22] - 0.33) < 0.03  # "about 0.33" (trained on the training part of the text only)


# --- issue 11: bidirectional and peephole presets ----------------------------------------------------

def train_variant(key: str, **model_changes):
    """(lab, stats) of a preset with some model fields changed, trained headless for the preset's budget."""
    from dataclasses import replace

    from explorer.lab import make_lab
    p = PRESETS[key]
    lab = make_lab(replace(p.model, **model_changes), p.task, p.train)
    return lab, list(lab.trainer.run(p.train.steps))


def test_bi_lstm_learns_what_the_one_way_lstm_cannot():
    from explorer.data.tasks import NeighboursTask
    lab, bi = run("bi-lstm")
    _, one_way = train_variant("bi-lstm", bidirectional=False)  # "switch Bidirectional off": the same seed
    assert lab.model_cfg.bidirectional and len(bi) == 600
    assert lab.task.baseline == pytest.approx(1 / 6)
    assert tail_loss(bi) < 0.01  # "below 0.01 within these 600 steps"
    floor = NeighboursTask.UNIDIRECTIONAL_FLOOR
    assert floor == pytest.approx(0.0833, abs=1e-4)
    assert window_losses(one_way).min() > 0.96 * floor  # "cannot get below about 0.083"
    assert tail_loss(one_way) > 8 * tail_loss(bi)


def on_time(stats, n=100) -> float:
    """Fraction of the training sequences with every spike on time, over the last n steps."""
    return float(np.mean([s.metrics["on time"] for s in stats[-n:]]))


def test_peepholes_keep_time_on_this_seed_and_not_on_seed_3():
    (lab, peep), (_, plain) = run("peephole-spikes"), run("lstm-spikes")
    assert PRESETS["peephole-spikes"].model.seed == 0 and lab.task.baseline == pytest.approx(0.178, abs=1e-3)
    assert 0.35 < on_time(peep) < 0.75  # "about half of its sequences are all on time"
    assert on_time(plain) < 0.02  # "gets none"
    assert tail_loss(plain) < 0.7 * lab.task.baseline  # "its loss ends well below the baseline"
    (_, peep3), (_, plain3) = (train_variant(k, seed=3) for k in ("peephole-spikes", "lstm-spikes"))
    assert on_time(plain3) > on_time(peep3) + 0.05  # "on seed 3 it is the plain LSTM that gets further"


# --- issue 13: truncated BPTT; held-out data and regularisation ----------------------------------------------

def test_tbptt_20_cuts_the_gradient_yet_learns_less_precisely_than_full_bptt():
    (lab, cut), (_, full) = run("tbptt-20"), run("lstm")
    a, b = PRESETS["tbptt-20"], PRESETS["lstm"]
    assert a.task == b.task and a.model == b.model and a.train == replace(b.train, tbptt=20)
    assert cut_positions(100, 20)[-1] == 80
    for _, probe in probes(cut):  # "empty (exactly 0) for t = 1 to 80": no gradient reaches the first number
        assert (probe[0, :80] == 0).all() and (probe[0, 80:] > 0).all()
    assert tail_loss(cut) < 0.1 * lab.task.baseline  # "far below the 0.167 baseline"
    assert 0.008 < tail_loss(cut) < 0.013 and 0.0004 < tail_loss(full) < 0.0008  # "about 0.01 against 0.0006"
    assert 15 < tail_loss(cut) / tail_loss(full) < 25  # "about 20 times higher"
    # "add each marked number into the cell state and keep it": on the test set its prediction weighs the
    # first number, 50 to 100 steps back, almost fully, although no gradient ever came from there.
    b = lab.task.eval_set("test")
    lab.model.eval()
    with torch.no_grad():
        pred = lab.model(b.x)[:, -1, 0].numpy()
    values, marks = b.x[..., 0].numpy(), b.x[..., 1].numpy()
    rows = np.arange(len(values))
    v1, v2 = values[rows, marks[:, :50].argmax(1)], values[rows, 50 + marks[:, 50:].argmax(1)]
    coef, *_ = np.linalg.lstsq(np.stack([v1, v2, np.ones_like(v1)], 1), pred, rcond=None)
    assert coef[0] > 0.9 and abs(coef[1] - 1) < 0.05


def evals(stats) -> dict[int, tuple[float, float]]:
    """{step: (loss on the fixed training subset, validation loss)} of the steps that carried an evaluation."""
    return {s.step: (s.train_eval_loss, s.val_loss) for s in stats if s.val_loss is not None}


def test_overfit_opens_the_gap_between_training_and_validation_loss():
    lab, stats = run("overfit")
    ev = evals(stats)
    assert len(stats) == 800 and list(ev) == list(range(25, 801, 25))
    best = min(ev, key=lambda k: ev[k][1])
    assert 250 <= best <= 350 and abs(ev[best][1] - 1.94) < 0.02  # "bottoms out near 1.94 around step 300"
    assert abs(ev[800][0] - 0.9) < 0.05 and abs(ev[800][1] - 2.29) < 0.05  # "about 0.9", "climbs to about 2.3"
    assert ev[800][0] < ev[550][0] - 0.2 and ev[550][0] < ev[300][0] - 0.2  # the training loss keeps falling
    assert all(ev[s][1] > ev[best][1] + 0.2 for s in range(650, 801, 25))  # validation stays up
    assert abs(ev[125][1] - ev[125][0]) < 0.05  # "from almost nothing at step 125"
    assert abs(ev[800][1] - ev[800][0] - 1.4) < 0.05  # "to about 1.4 nats"
    assert lab.train_cfg.eval_every == 25 and 0.75 < lab.task.parts["train"][1] / lab.task.parts["test"][1] <= 0.8


def test_dropout_keeps_the_validation_loss_down():
    (_, base), (_, drop) = run("overfit"), run("overfit-dropout")
    assert PRESETS["overfit-dropout"].model == replace(PRESETS["overfit"].model, dropout=0.5)
    b, d = evals(base)[800], evals(drop)[800]
    assert all(1.90 <= v[1] <= 1.96 for s, v in evals(drop).items() if s >= 300)  # "between 1.90 and 1.96"
    assert abs(b[1] - 2.29) < 0.01  # "(2.29 at the end without dropout)"
    assert abs(d[0] - 1.3) < 0.05 and abs(b[0] - 0.9) < 0.05  # "near 1.3 instead of 0.9"
    assert abs(d[1] - d[0] - 0.64) < 0.03  # "the gap … ends at about 0.64 nats"


def test_weight_decay_keeps_the_validation_loss_down():
    (_, base), (_, decay) = run("overfit"), run("overfit-weight-decay")
    p = PRESETS["overfit-weight-decay"]
    assert (p.train.optimizer, p.train.weight_decay, p.train.lr * p.train.weight_decay) == ("adamw", 1.0, 0.01)
    w = evals(decay)
    assert all(1.93 <= w[s][1] <= 2.0 for s in range(400, 801, 25))  # "between 1.93 and 2.0 from step 400"
    assert abs(evals(base)[800][1] - 2.29) < 0.01  # "(2.29 at the end without decay)"
    assert abs(w[800][0] - 1.65) < 0.05  # "only gets down to about 1.65"
    assert abs(w[800][1] - w[800][0] - 0.3) < 0.03  # "about 0.3 nats instead of 1.4"


def test_early_stopping_restores_the_best_weights_which_score_better_on_the_test_set():
    (base_lab, _), (lab, stats) = run("overfit"), run("overfit-early-stopping")
    stop = stats[-1].early_stop
    assert len(stats) == 375 and (stop.step, stop.best_step) == (375, 300)  # "after step 375", "of step 300"
    assert abs(stop.best_val_loss - 1.94) < 0.005 and stop.best_val_loss == min(v[1] for v in evals(stats).values())
    assert lab.trainer.evaluate("val").loss == pytest.approx(stop.best_val_loss, rel=1e-6)
    test_stopped, test_full = lab.trainer.evaluate("test").loss, base_lab.trainer.evaluate("test").loss
    assert abs(test_stopped - 1.94) < 0.01 and abs(test_full - 2.31) < 0.01  # "about 1.94", "about 2.31"
