"""Build, for a task that reads token ids: the text pipeline (raw text → tokens → ids → vectors), the vocabulary
with counts, the special tokens, the splits and what the head reads. Called from pages/build.py (not a page of
its own: app.py does not list it)."""
from __future__ import annotations

import streamlit as st

from explorer.data.tasks import VOCAB_MIN_COUNT
from explorer.views import text_pipeline as tp
from pages.lang import lang, t

VOCAB_TOP = 30  # vocabulary rows shown
DEFAULT_EXAMPLE = "This movie isn't good, it's great!"


def pipeline(lab) -> None:
    """The pipeline of `lab`'s token task and model, with an example text the user can change."""
    task, cfg = lab.task, lab.model_cfg
    st.subheader(t("How the network reads text"))
    example = st.text_input(t("Example text"), value=DEFAULT_EXAMPLE if task.name != "sentiment_zh" else "这部电影不好看。",
                            key="build_text_example", max_chars=500,
                            help=t("Any text: see how it is cut into tokens, looked up in the vocabulary and turned "
                                   "into the vectors the first layer reads."))
    rows = tp.pipeline_rows(task, lab.model, example, lang())
    if not rows:
        st.info(t("This text has no token (only spaces)."))
    else:
        st.dataframe(rows, hide_index=True, width="stretch", key="build_text_rows")
    cut = task.pipeline(example).n_cut
    flow = t("raw text → tokens (words, each punctuation mark, each Chinese character; lower case) → ids (row "
             "numbers in the vocabulary) → vectors x_t.")
    if cut:
        flow += ("" if lang() == "zh" else " ") + t("This text is cut after its first {T} tokens ({cut} dropped).",
                                                     T=task.seq_len, cut=cut)
    st.caption(flow)
    n_vocab = len(task.vocabulary)
    if cfg.embedding_dim:
        st.markdown(t("**Embedding**: id i selects row i of a learned {V:,} × {E} matrix (nn.Embedding): each word "
                      "becomes {E} numbers that training moves, so words used alike can end up with similar vectors.",
                      V=n_vocab, E=cfg.embedding_dim))
    else:
        st.markdown(t("**No embedding** (size 0): x_t is the one-hot vector of the id, {V:,} numbers, all 0 but a 1 "
                      "at the id; every word is equally far from every other.", V=n_vocab))
    c_vocab, c_info = st.columns([3, 2])
    with c_vocab:
        st.markdown(t("**Vocabulary**: {V:,} entries, the {top} first", V=n_vocab, top=VOCAB_TOP))
        st.dataframe(tp.vocabulary_rows(task, VOCAB_TOP, lang()), hide_index=True, width="stretch",
                     key="build_text_vocab",
                     column_config={t("count in training texts"): st.column_config.NumberColumn(format="localized")})
    with c_info:
        s = task.summary()
        st.markdown(t("Built from the **training split only**: a token seen fewer than {min_count} times there is "
                      "read as **<unk>** (id 1; {unknown:,} of the {tokens:,} training tokens). **<pad>** (id 0) "
                      "fills a batch after each text's end; the network never reads it.",
                      min_count=VOCAB_MIN_COUNT, unknown=s["train_unknown"], tokens=s["train_tokens"]))
        st.markdown(t("**Splits** (fixed, drawn per class; identical texts share a split)"))
        st.dataframe(tp.split_rows(task, lang()), hide_index=True, width="stretch", key="build_text_splits")
        st.markdown(t("The answer (negative or positive) is read at the last word; the head reads **the last real "
                      "step**: h_t of the text's last word, which has read the whole text through the recurrence.")
                    if cfg.pool == "last" else
                    t("The answer (negative or positive) is read at the last word; the head reads **the masked "
                      "mean**: the average of h_1 … h_n over the text's n real words (the padding is left out), so "
                      "every word reaches the answer directly."))
        if s["cut"]:
            st.caption(t("{n:,} texts are longer than T = {T} tokens and are cut.", n=s["cut"], T=task.seq_len))
