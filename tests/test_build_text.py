"""The Build page's text pipeline (issue 12) for token tasks: raw text → tokens → ids → vectors, the vocabulary
with counts, the splits, what the head reads; every number against the task and the model it describes."""
from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.config import ModelConfig, TaskConfig, TrainConfig
from explorer.data.text import UNK, tokenize
from explorer.lab import make_lab
from explorer.views import text_pipeline as tp


@pytest.fixture(scope="module")
def lab():
    return make_lab(ModelConfig(cell="gru", hidden_size=8, embedding_dim=5, seed=3),
                    TaskConfig("sentiment", seq_len=30), TrainConfig())


def test_pipeline_rows_are_the_tokens_ids_and_embedding_rows(lab):
    text = "This movie isn't good, qwertyuiop!"
    rows = tp.pipeline_rows(lab.task, lab.model, text)
    assert [r["token"] for r in rows] == tokenize(text) == ["this", "movie", "isn't", "good", ",", "qwertyuiop", "!"]
    vocab = lab.task.vocabulary
    assert [r["id"] for r in rows] == [vocab.tokens.index(t) if t in vocab.tokens else 1 for t in tokenize(text)]
    assert rows[5]["read as"] == UNK and rows[5]["id"] == 1
    assert all(rows[i]["read as"] == rows[i]["token"] for i in (0, 1, 3))
    w = lab.model.embedding.weight.detach().numpy()
    first = rows[3]["x_t"]
    assert first.startswith("[" + ", ".join(f"{x:.3f}" for x in w[rows[3]["id"]][:5])) and "(5 numbers)" in first
    np.testing.assert_array_equal(tp.vector_of(lab.model, rows[3]["id"]), w[rows[3]["id"]])
    assert vocab.decode([r["id"] for r in rows if r["read as"] != UNK]) == [r["token"] for r in rows
                                                                           if r["read as"] != UNK]


def test_one_hot_without_embedding():
    lab = make_lab(ModelConfig(cell="rnn", hidden_size=4, embedding_dim=0),
                   TaskConfig("text_csv", seq_len=10),
                   TrainConfig(), user_data=("text,label\n" + "".join(
                       f"good {i},positive\nbad {i},negative\n" for i in range(12))).encode())
    rows = tp.pipeline_rows(lab.task, lab.model, "good 3")
    v = tp.vector_of(lab.model, rows[0]["id"])
    assert v.sum() == 1 and v[rows[0]["id"]] == 1 and len(v) == len(lab.task.vocabulary)
    assert rows[0]["x_t"] == f"one-hot: 1 at position {rows[0]['id']} of {len(v)}"


def test_vocabulary_and_split_tables(lab):
    vocab = tp.vocabulary_rows(lab.task, 10)
    assert [r["token"] for r in vocab[:2]] == ["<pad>", "<unk>"] and len(vocab) == 10
    counts = [r["count in training texts"] for r in vocab[2:]]
    assert counts == sorted(counts, reverse=True)
    # the counts are the training split's own: recount them from the raw texts
    train = [tokenize(lab.task.texts[i]) for i in lab.task.splits["train"]]
    for r in vocab[2:]:
        assert r["count in training texts"] == sum(d.count(r["token"]) for d in train)
    splits = {r["split"]: r for r in tp.split_rows(lab.task)}
    for name, idx in lab.task.splits.items():
        labels = lab.task._labels[idx]
        assert splits[name]["texts"] == len(idx) and splits[name]["positive"] == int(labels.sum())
        assert splits[name]["majority-class accuracy"] == round(max(labels.mean(), 1 - labels.mean()), 3)


TABLES = {"build_text_rows": "read as", "build_text_vocab": "count in training texts",
          "build_text_splits": "majority-class accuracy"}  # each table by a column only it has


def frames(at) -> dict:
    """The pipeline's tables on the page (AppTest does not expose a dataframe's key)."""
    return {key: d.value for d in at.dataframe for key, col in TABLES.items() if col in d.value.columns}


def test_the_build_page_shows_the_pipeline_for_a_token_task_only(lab):
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.run()
    at.switch_page("pages/build.py").run()
    assert "build_text_rows" not in frames(at)
    at.session_state["lab"] = lab
    at.run()
    assert not at.exception
    shown = frames(at)
    assert shown["build_text_rows"]["token"].tolist() == tokenize("This movie isn't good, it's great!")
    assert shown["build_text_vocab"]["token"].tolist()[:2] == ["<pad>", "<unk>"]
    assert shown["build_text_splits"]["texts"].sum() == len(lab.task.texts)
    assert any("the last real step" in m.value for m in at.markdown)
    at.text_input(key="build_text_example").set_value("not bad").run()
    assert frames(at)["build_text_rows"]["token"].tolist() == ["not", "bad"]


def test_the_tables_in_chinese_hold_the_same_values(lab):
    text = "This movie isn't good, it's great!"
    en, zh = tp.pipeline_rows(lab.task, lab.model, text), tp.pipeline_rows(lab.task, lab.model, text, "zh")
    assert [r["读作"] for r in zh] == [r["read as"] for r in en] and [r["id"] for r in zh] == [r["id"] for r in en]
    assert zh[0]["x_t"].endswith("（共 5 个数）") and zh[0]["x_t"].split("]")[0] == en[0]["x_t"].split("]")[0]
    splits = tp.split_rows(lab.task, "zh")
    assert [r["划分"] for r in splits] == ["训练集", "验证集", "测试集"]
    assert [r["多数类准确率"] for r in splits] == [r["majority-class accuracy"] for r in tp.split_rows(lab.task)]
    vocab = tp.vocabulary_rows(lab.task, 5, "zh")
    assert vocab[0]["说明"] == "文本结尾之后的填充（从不读取）" and vocab[2]["训练文本中的次数"] > 0
