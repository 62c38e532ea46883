"""Sentiment, word by word (issue 12): the payloads (explorer/views/sentiment_payload.py) and the Step-through
page's token view (pages/step_text.py) against independent computations: the model fed each prefix alone, the
embedding matrix's rows, the padded batch, scikit-learn's scores."""
from __future__ import annotations

import html
import re

import numpy as np
import pytest
import torch
from sklearn import metrics as sk

from explorer.config import ModelConfig, TaskConfig, TrainConfig
from explorer.data.text import UNK_ID
from explorer.lab import make_lab
from explorer.views import sentiment_payload as sp
from explorer.views import stepview as sv
from explorer.views.style import NORMAL
from pages import step_text
from tests.test_page_step_through import arr, open_page, report, views


@pytest.fixture(scope="module")
def lab():
    return make_lab(ModelConfig(cell="lstm", hidden_size=8, embedding_dim=6, seed=1),
                    TaskConfig("sentiment", seq_len=30), TrainConfig())


def prefix_probs(model, ids) -> np.ndarray:
    with torch.no_grad():
        return np.array([torch.softmax(model(torch.tensor([ids[:t]]))[0, -1].double(), -1)[1].item()
                         for t in range(1, len(ids) + 1)])


def spans(view: dict) -> list[str]:
    return re.findall(r"<span [^>]*>.*?</span>", view["html"])


def test_colours_run_from_vermillion_through_white_to_blue():
    assert sp.prob_colors([0.0, 0.5, 1.0, np.nan]) == ["rgb(213, 94, 0)", "rgb(255, 255, 255)", "rgb(0, 114, 178)",
                                                       "rgb(255, 255, 255)"]
    mid = sp.prob_colors([0.25])[0]
    assert mid == "rgb(234, 174, 128)"  # halfway from #D55E00 (213, 94, 0) to white, rounded half to even


def test_read_text_checks_lengths():
    with pytest.raises(ValueError, match="one entry per step"):
        sp.read_text(["a"], [2, 3], [False, False], 0, np.ones(2), np.ones((2, 3)))


def test_step_lines_show_token_id_and_the_probability_move():
    text = sp.read_text(["not", "zzz"], [7, UNK_ID], [False, True], 2, np.array([0.3, 0.6]), np.zeros((2, 4)), 1)
    lines = sp.step_lines(text)
    assert lines[0] == "Word 1 of 2: <b>not</b> (id 7) · P(positive) after it = <b>0.300</b>"
    assert lines[1] == ("Word 2 of 2: <b>zzz</b> (id 1, unknown: read as &lt;unk&gt;) · "
                        "P(positive) after it = <b>0.600</b> (was 0.300)")
    v = sp.words_view(text, NORMAL)
    assert v["outline"] and len(spans(v)) == 4
    assert spans(v)[1].count("&lt;unk&gt;") == 1 and "<small" in spans(v)[1]
    assert all(sp.PAD_STYLE in s and "&lt;pad&gt;" in s for s in spans(v)[2:])
    assert "labelled <b>positive</b>" in sp.step_view(text)["html"]


def test_evaluate_matches_scikit_learn(lab):
    s = sp.evaluate(lab.model, lab.task, "test")
    preds, targets = [], []
    with torch.no_grad():
        for i in lab.task.splits["test"]:  # each text alone, unpadded: an independent path
            ids = lab.task._ids[i]
            preds.append(int(lab.model(torch.tensor(ids[None]))[0, -1].argmax()))
            targets.append(int(lab.task._labels[i]))
    assert s["n"] == len(targets) == lab.task.summary()["texts"]["test"]
    assert s["accuracy"] == pytest.approx(sk.accuracy_score(targets, preds))
    assert s["f1_macro"] == pytest.approx(sk.f1_score(targets, preds, average="macro"))
    assert s["f1_positive"] == pytest.approx(sk.f1_score(targets, preds))
    assert s["confusion"] == sk.confusion_matrix(targets, preds, labels=[0, 1]).tolist()


def test_the_page_shows_a_sample_word_by_word_with_its_padding(lab):
    at = open_page(lab)
    assert not at.error
    v = views(at)
    b = lab.task.batch(sv.SAMPLE_BATCH, sv.SAMPLE_SEED)
    n, ids = int(b.lengths[0]), b.x[0].tolist()
    assert v["step_player"]["n"] == n  # the clock stops at the sample's end
    words = spans(v["step_words"])
    assert len(words) == b.x.shape[1]  # its words, then the batch's padding, greyed
    assert sum(sp.PAD_STYLE in w for w in words) == b.x.shape[1] - n
    for w, i in zip(words[:n], ids[:n]):
        assert html.unescape(re.sub(r"<[^>]+>", "", w)).startswith(lab.task.vocabulary.tokens[i])
    chart = v["step_words_chart"]
    np.testing.assert_allclose(arr(chart["overlays"][1]["y"]), prefix_probs(lab.model, ids[:n]), rtol=1e-5, atol=1e-6)
    emb = lab.model.embedding.weight.detach().numpy()
    np.testing.assert_allclose(arr(v["step_words_vector"]["rows"][0]["values"]), emb[ids[:n]], rtol=1e-6)
    assert len(v["step_words_step"]["fields"]["line"]) == n
    report(at, "step_player", 2)
    assert not at.exception


def test_a_typed_sentence_marks_unknown_words_and_uses_the_chosen_label(lab):
    at = open_page(lab)
    at.toggle(key="step_own_sentence").set_value(True).run()
    at.text_input(key="step_sentence").set_value("this movie is not qwertyuiop").run()
    at.selectbox(key="step_sentence_label").set_value(0).run()
    assert not at.exception and not at.error
    v = views(at)
    assert v["step_player"]["n"] == 5
    words = spans(v["step_words"])
    assert len(words) == 5 and "qwertyuiop" in words[4] and "&lt;unk&gt;" in words[4]
    assert not any("&lt;unk&gt;" in w for w in words[:4])
    ids = lab.task.pipeline("this movie is not qwertyuiop").ids
    assert ids[4] == UNK_ID
    np.testing.assert_allclose(arr(v["step_words_chart"]["overlays"][1]["y"]), prefix_probs(lab.model, list(ids)),
                               rtol=1e-5, atol=1e-6)
    assert "labelled <b>negative</b>" in v["step_words_step"]["html"]
    at.text_input(key="step_sentence").set_value("   ").run()
    assert not at.exception and "Type at least one word" in at.error[0].value
    assert v["step_player"]["n"] != views(at)["step_player"]["n"]


def test_the_test_panel_scores_the_test_split(lab):
    at = open_page(lab)
    at.button(key="step_evaluate").click().run()
    assert not at.exception
    s = sp.evaluate(lab.model, lab.task, "test")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Accuracy"] == f"{s['accuracy']:.3f}" and shown["F1 (macro)"] == f"{s['f1_macro']:.3f}"
    table = at.table[0].value
    assert table.iloc[:, 1].tolist() == [row[0] for row in s["confusion"]]
    assert table.iloc[:, 2].tolist() == [row[1] for row in s["confusion"]]


def test_without_an_embedding_a_small_vocabulary_shows_one_hot_rows():
    text = sp.read_text(["a"], [3], [False], 0, np.array([0.5]), np.eye(10)[[3]])
    assert sp.vector_view(text, 0, NORMAL)["title"].endswith("the one-hot vector")
    wide = sp.read_text(["a"], [3], [False], 0, np.array([0.5]), np.eye(100)[[3]])
    assert sp.vector_view(wide, 0, NORMAL) is None


def test_the_sentence_box_opens_on_a_first_sentence_and_keeps_one_a_preset_set_before_it(lab):
    at = open_page(lab)
    at.toggle(key="step_own_sentence").set_value(True).run()
    assert at.text_input(key="step_sentence").value == step_text.FIRST_SENTENCE
    at = open_page(lab)
    at.session_state["step_own_sentence"] = True
    at.session_state["step_sentence"] = "a fine film"
    at.run()
    assert not at.exception and at.text_input(key="step_sentence").value == "a fine film"
    assert views(at)["step_player"]["n"] == 3
