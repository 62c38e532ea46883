"""Build, for a task that reads token ids: the text pipeline (raw text → tokens → ids → vectors), the vocabulary
with counts, the special tokens, the splits and what the head reads. Called from pages/build.py (not a page of
its own: app.py does not list it)."""
from __future__ import annotations

import streamlit as st

from explorer.data.tasks import VOCAB_MIN_COUNT
from explorer.views import text_pipeline as tp

VOCAB_TOP = 30  # vocabulary rows shown
DEFAULT_EXAMPLE = "This movie isn't good, it's great!"


def pipeline(lab) -> None:
    """The pipeline of `lab`'s token task and model, with an example text the user can change."""
    task, cfg = lab.task, lab.model_cfg
    st.subheader("How the network reads text")
    example = st.text_input("Example text", value=DEFAULT_EXAMPLE if task.name != "sentiment_zh" else "这部电影不好看。",
                            key="build_text_example", max_chars=500,
                            help="Any text: see how it is cut into tokens, looked up in the vocabulary and turned "
                                 "into the vectors the first layer reads.")
    rows = tp.pipeline_rows(task, lab.model, example)
    if not rows:
        st.info("This text has no token (only spaces).")
    else:
        st.dataframe(rows, hide_index=True, width="stretch", key="build_text_rows")
    cut = task.pipeline(example).n_cut
    st.caption("raw text → tokens (words, each punctuation mark, each Chinese character; lower case) → ids (row "
               "numbers in the vocabulary) → vectors x_t."
               + (f" This text is cut after its first {task.seq_len} tokens ({cut} dropped)." if cut else ""))
    if cfg.embedding_dim:
        st.markdown(f"**Embedding**: id i selects row i of a learned {len(task.vocabulary):,} × {cfg.embedding_dim} "
                    f"matrix (nn.Embedding): each word becomes {cfg.embedding_dim} numbers that training moves, so "
                    "words used alike can end up with similar vectors.")
    else:
        st.markdown(f"**No embedding** (size 0): x_t is the one-hot vector of the id, {len(task.vocabulary):,} "
                    "numbers, all 0 but a 1 at the id; every word is equally far from every other.")
    c_vocab, c_info = st.columns([3, 2])
    with c_vocab:
        st.markdown(f"**Vocabulary**: {len(task.vocabulary):,} entries, the {VOCAB_TOP} first")
        st.dataframe(tp.vocabulary_rows(task, VOCAB_TOP), hide_index=True, width="stretch", key="build_text_vocab",
                     column_config={"count in training texts": st.column_config.NumberColumn(format="localized")})
    with c_info:
        s = task.summary()
        st.markdown(f"Built from the **training split only**: a token seen fewer than {VOCAB_MIN_COUNT} times there "
                    f"is read as **<unk>** (id 1; {s['train_unknown']:,} of the {s['train_tokens']:,} training "
                    "tokens). **<pad>** (id 0) fills a batch after each text's end; the network never reads it.")
        st.markdown("**Splits** (fixed, drawn per class; identical texts share a split)")
        st.dataframe(tp.split_rows(task), hide_index=True, width="stretch", key="build_text_splits")
        pool = ("**the last real step**: h_t of the text's last word, which has read the whole text through the "
                "recurrence" if cfg.pool == "last" else
                "**the masked mean**: the average of h_1 … h_n over the text's n real words (the padding is left "
                "out), so every word reaches the answer directly")
        st.markdown(f"The answer (negative or positive) is read at the last word; the head reads {pool}.")
        if s["cut"]:
            st.caption(f"{s['cut']:,} texts are longer than T = {task.seq_len} tokens and are cut.")
