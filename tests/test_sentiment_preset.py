"""The preset "Sentiment, word by word" does what its text says: trained headless for its own budget (600 steps,
~35 s on the shared 2-core machine), it labels more than 75 % of the test sentences correctly, and the running
prediction of "this movie is not good" turns negative at "not" and stays so while "this movie is good" ends
positive (measured: test accuracy 0.797; P(positive) 0.208 after "not", 0.409 at the end; 0.773)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn import metrics as sk

from explorer.lecture.presets import PRESETS, load
from explorer.trace.running import running_positive
from explorer.views.sentiment_payload import evaluate

KEY = "sentiment-word-by-word"


@pytest.fixture(scope="module")
def trained():
    lab = load(KEY)
    list(lab.trainer.run(PRESETS[KEY].train.steps))
    return lab


def test_the_preset_opens_step_through_with_the_negated_sentence():
    p = PRESETS[KEY]
    assert p.page == "step_through" and p.task.name == "sentiment" and p.model.embedding_dim == 32
    assert dict(p.widgets) == {"step_own_sentence": True, "step_sentence": "this movie is not good",
                               "step_sentence_label": 0}
    assert "600 training steps" in p.look_at and "more than 75 %" in p.look_at and "917" in p.look_at


def test_test_accuracy_is_above_the_stated_level(trained):
    s = evaluate(trained.model, trained.task, "test")
    assert s["n"] == 917
    assert s["accuracy"] > 0.75, s
    preds, targets = [], []
    with torch.no_grad():  # each test text alone: the score does not depend on the padded batches
        for i in trained.task.splits["test"]:
            preds.append(int(trained.model(torch.tensor(trained.task._ids[i][None]))[0, -1].argmax()))
            targets.append(int(trained.task._labels[i]))
    assert s["accuracy"] == pytest.approx(sk.accuracy_score(targets, preds))


def test_not_flips_the_running_prediction(trained):
    def running(text):
        enc = trained.task.pipeline(text)
        assert not any(enc.unknown), enc
        return running_positive(trained.model, np.array(enc.ids))

    good, not_good = running("this movie is good"), running("this movie is not good")
    assert good[-1] > 0.5
    assert not_good[2] > 0.5 > not_good[3]  # "is" positive-leaning, then negative at "not" ...
    assert (not_good[3:] < 0.5).all()  # ... and it stays negative to the end
