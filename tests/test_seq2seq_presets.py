"""The seq2seq lecture presets load, are deterministic, and show what their text promises.

Each effect test trains its preset headless for the preset's own budget (measured on the shared 2-core
machine, three at once: ~100 s for the 400 steps without attention, ~125 s with it, ~100 s for the 300 date
steps; each evaluation greedy-decodes 2 × 200 pairs).
"""
import datetime
import re

import numpy as np
import pytest

from explorer.lecture.presets import PAGES, PRESETS, SEQ2SEQ_PRESETS, Seq2SeqPreset, load, load_seq2seq
from explorer.trace.seq2seq import decode_trace

RUNS: dict[str, tuple] = {}


def run(key: str):
    """(lab, stats) of the preset trained for its budget (cached per session)."""
    if key not in RUNS:
        lab = load_seq2seq(key)
        RUNS[key] = (lab, list(lab.trainer.run(SEQ2SEQ_PRESETS[key].train.steps)))
    return RUNS[key]


def evaluations(stats, name: str) -> dict[int, float]:
    """The validation score `name` ("BLEU", "exact match", "token accuracy") at every evaluation step."""
    return {s.step: s.val_metrics[name] for s in stats if s.val_metrics is not None}


def first_over_last(stats) -> np.ndarray:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_S‖ of the forward encoder at every probe."""
    return np.array([s.hidden_grad_norms[0, 0] / s.hidden_grad_norms[0, -1] for s in stats
                     if s.hidden_grad_norms is not None])


@pytest.mark.parametrize("key", list(SEQ2SEQ_PRESETS))
def test_preset_is_well_formed_loads_and_is_deterministic(key):
    p = SEQ2SEQ_PRESETS[key]
    assert isinstance(p, Seq2SeqPreset) and p.key == key and p.page == "seq2seq"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) and PRESETS[key] is p  # listed with the lecture presets
    assert p.page in PAGES and dict(p.widgets) == {"s2s_view": "Train"}  # opens the Seq2seq page's training view
    assert len(re.findall(r"[.!?](?=\s|$)", p.look_at)) == 2, p.look_at
    assert p.compare_with is None or p.compare_with in SEQ2SEQ_PRESETS.keys() - {key}
    a, b = load_seq2seq(key), load_seq2seq(key)
    assert a.cfg == p.model and a.train_cfg == p.train and a.steps_trained == 0
    assert [s.loss for s in a.trainer.run(5)] == [s.loss for s in b.trainer.run(5)]


def test_unknown_key_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown seq2seq preset 'nope'"):
        load_seq2seq("nope")
    with pytest.raises(ValueError, match="unknown seq2seq preset 'vanishing'"):
        load_seq2seq("vanishing")  # a recurrent preset


def test_the_common_loader_gives_a_seq2seq_lab():
    lab = load("dates")
    assert lab.cfg == SEQ2SEQ_PRESETS["dates"].model and lab.train_cfg == SEQ2SEQ_PRESETS["dates"].train


def test_the_pair_differs_only_in_attention():
    a, b = SEQ2SEQ_PRESETS["reverse-no-attention"], SEQ2SEQ_PRESETS["reverse-attention"]
    assert (a.compare_with, b.compare_with) == (b.key, a.key) and a.train == b.train
    assert a.model.attention == "none" and b.model.attention == "additive"
    assert a.model.to_dict() | {"attention": "additive"} == b.model.to_dict()


def test_without_attention_long_reversals_are_not_learned_and_the_gradient_fades():
    lab, stats = run("reverse-no-attention")
    assert len(stats) == 400 and lab.trainer.diverged is None
    assert lab.trainer.probe_batch.src.shape[1] == 20  # the probe reads 20-letter sources
    assert max(evaluations(stats, "exact match").values()) == 0.0  # "still 0"
    assert max(evaluations(stats, "BLEU").values()) < 30  # "BLEU below 30"
    ratios = first_over_last(stats)
    assert 0.1 < np.median(ratios) < 0.2, ratios  # "about 0.15" (measured 0.146)


def test_with_attention_the_same_reversals_are_learned_along_an_anti_diagonal():
    lab, stats = run("reverse-attention")
    _, without = run("reverse-no-attention")
    bleu = evaluations(stats, "BLEU")
    assert bleu[400] > 90 and bleu[50] < 20, bleu  # "climbs above 90 by the end" (measured 13.8 → 95.4)
    ratios = first_over_last(stats)
    assert 0.4 < np.median(ratios) < 0.7, ratios  # "about half" (measured 0.525)
    assert np.median(ratios) > 3 * np.median(first_over_last(without))
    # The alignment: the weight of output letter j (0-based) near the mirrored source letter S − 1 − j.
    near = []
    for src in lab.task.eval_set("val", 50).sources:
        tr = decode_trace(lab.model, lab.task, "".join(src), beam_width=1)
        n = len(src)
        for j in range(min(n, len(tr.outputs) - 1)):
            mirror = n - 1 - j
            near.append(tr.attention[j, max(mirror - 1, 0) : mirror + 2].sum())
    assert np.mean(near) > 0.7, np.mean(near)  # "most of its weight next to the mirrored letter" (measured 0.79)


def test_dates_are_learned_on_held_out_days():
    lab, stats = run("dates")
    exact = evaluations(stats, "exact match")
    assert all(v > 0.9 for step, v in exact.items() if step >= 200), exact  # "passes 0.9 by step 200" (0.935)
    targets = lab.task.eval_set("val", 200).targets
    assert all(lab.task.split_of(datetime.date.fromisoformat("".join(t))) == "val" for t in targets)
