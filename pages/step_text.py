"""Step through, for a task that reads token ids (sentiment): the user's own sentence, the text word by word
coloured by the running P(positive), the token, its id and its embedding vector at step t, and the scores of the
test split. Called from pages/step_through.py; the views follow its step clock in the browser (pages/bridge.py).

Not a page of its own (app.py does not list it): `own_sentence` and `word_by_word` are called by Step through.
"""
from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from explorer.data.tasks import SENTIMENT_CLASSES, Batch
from explorer.trace.running import running_positive
from explorer.views import sentiment_payload as sp
from explorer.views import stepview as sv
from pages import bridge
from pages.lang import lang, t

MAX_SENTENCE_CHARS = 500  # cap on a typed sentence (the view unrolls it step by step)
FIRST_SENTENCE = "this movie is not good"  # in the box when it opens: a negation the model may or may not get


def own_sentence(task, batch: Batch, sample_key: tuple) -> tuple[Batch, tuple]:
    """A toggle and a box for the user's own sentence (with the label they mean it to have, which the loss and
    the backward pass use); returns the batch of one and the key to show, or the chosen sample's unchanged."""
    if not st.toggle(t("Type my own sentence"), key="step_own_sentence",
                     help=t("Words the training texts did not contain (or contained only once) are read as <unk>.")):
        return batch, sample_key
    c_text, c_label = st.columns([4, 1])
    st.session_state.setdefault("step_sentence", FIRST_SENTENCE)  # not value=: a preset may have set it already
    typed = c_text.text_input(t("Your sentence"), key="step_sentence", max_chars=MAX_SENTENCE_CHARS)
    classes = [t(c) for c in SENTIMENT_CLASSES]  # not t in format_func: AppTest calls it outside a run
    label = c_label.selectbox(t("Its label"), (1, 0), format_func=classes.__getitem__,
                              key="step_sentence_label",
                              help=t("What you mean the sentence to be: the loss, and so the backward pass, use it."))
    ids = task.pipeline(typed).ids
    if not ids:
        st.error(t("Type at least one word. Showing the chosen sample instead."))
        return batch, sample_key
    x = torch.tensor([ids], dtype=torch.int64)  # (1, n)
    y = torch.zeros_like(x)
    y[0, -1] = label
    mask = torch.zeros_like(x, dtype=torch.bool)
    mask[0, -1] = True  # the label is due at the last word, as in training
    return Batch(x=x, y=y, mask=mask), ("sentence", typed, label)


def _read_text(model, task, data, sample_key: tuple) -> sp.ReadText:
    """The shown text: a typed sentence (its own spelling, unknown words marked) or the chosen sample of the page's
    fixed batch with the padding its batch gives it."""
    vectors = data.trace.inputs[0]  # (n, E or V): x_t as the first layer reads it
    ids = data.trace.token_ids[0] if data.trace.token_ids is not None else vectors.argmax(-1)  # (n,); one-hot rows
    n = len(ids)
    probs = running_positive(model, ids)  # (n,)
    if sample_key[0] == "sentence":
        enc = task.pipeline(sample_key[1])
        return sp.read_text(enc.tokens, enc.ids, enc.unknown, 0, probs, vectors, sample_key[2])
    b = task.batch(sv.SAMPLE_BATCH, sv.SAMPLE_SEED)
    tokens, unknown = sp.sample_tokens(task, ids)
    n_pad = b.x.shape[1] - n
    return sp.read_text(tokens, ids, unknown, n_pad, probs, vectors, int(data.target[n - 1]))


def word_by_word(lab, data, sample_key: tuple, sz, view_payload) -> None:
    """The word-by-word view of the shown text, on Step through's clock, and the test-split panel."""
    model, task, cfg = lab.model, lab.task, lab.model_cfg
    st.subheader(t("Sentiment, word by word"))
    text = view_payload("words_read", lambda: _read_text(model, task, data, sample_key))
    bridge.view(view_payload("words", lambda: sp.words_view(text, sz, lang())), key="step_words")
    pool = t("the last real word's h_t") if cfg.pool == "last" else t("the mean of h_1 … h_t over the real words")
    st.caption(t("Each word is coloured by P(positive) after reading it (vermillion negative, white 0.5, blue "
                 "positive); the outlined word is step t; greyed <pad> steps fill the batch after the text's end and "
                 "are never read (the clock stops at the last word). The head reads {pool}.", pool=pool))
    left, right = st.columns(2)
    with left:
        bridge.view(view_payload("words_step", lambda: sp.step_view(text, lang())), key="step_words_step")
        bridge.view(view_payload("words_chart", lambda: sp.running_chart(text, sz, lang())), key="step_words_chart")
    with right:
        vec = view_payload("words_vector", lambda: sp.vector_view(text, cfg.embedding_dim, sz, lang()))
        if vec is not None:
            bridge.view(vec, key="step_words_vector")
        if cfg.embedding_dim:
            st.caption(t("The embedding maps id i to row i of a learned {V:,} × {E} matrix: x_t is that row, the "
                         "same for every occurrence of the word.", V=len(task.vocabulary), E=cfg.embedding_dim))
        else:
            st.caption(t("Without an embedding (size 0) x_t is the one-hot vector of the id: {V:,} numbers, all 0 "
                         "but a 1 at the id.", V=len(task.vocabulary)))
        st.caption(t("The state bars above show the hidden state h_t as the words are read."))
    _test_panel(lab)


def _test_panel(lab) -> None:
    """Accuracy, F1 and the confusion matrix of the test split, on demand (cached per model and weights)."""
    with st.expander(t("Evaluate on the test split")):
        key = (lab.model, lab.steps_trained)
        cached = st.session_state.get("step_test_scores")
        if st.button(t("Evaluate"), key="step_evaluate", help=t("Read every test text and score the answers.")):
            cached = st.session_state.step_test_scores = (key, sp.evaluate(lab.model, lab.task, "test"))
        if not cached or cached[0] != key:
            st.caption(t("Scores every text of the test split (never trained on) with the current weights."))
            return
        s = cached[1]
        a, f1, f1p = st.columns(3)
        a.metric(t("Accuracy"), f"{s['accuracy']:.3f}")
        f1.metric(t("F1 (macro)"), f"{s['f1_macro']:.3f}")
        f1p.metric(t("F1 (positive)"), f"{s['f1_positive']:.3f}")
        m = np.array(s["confusion"])
        st.table({"": [t("true negative"), t("true positive")],
                  t("predicted negative"): m[:, 0].tolist(), t("predicted positive"): m[:, 1].tolist()})
        st.caption(t("{n:,} test texts, trained for {steps:,} steps. Rows: the true class; columns: the model's "
                     "answer at the last word.", n=s["n"], steps=lab.steps_trained))
