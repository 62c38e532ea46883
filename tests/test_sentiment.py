"""Sentiment tasks (issue 12, data side): shipped corpora, splits, vocabulary, padded batches, metrics,
typed sentences and the validation of uploaded labelled CSV files."""
from __future__ import annotations

import csv
import hashlib
import io
import math

import numpy as np
import pytest
import torch
from sklearn import metrics as sk
from streamlit.testing.v1 import AppTest

from explorer.config import TASK_NAMES, TOKEN_TASKS, TaskConfig
from explorer.data.tasks import (
    DATA_DIR,
    MAX_TEXT_TOKENS,
    MAX_UPLOAD_BYTES,
    SPLITS,
    SentimentTask,
    make_task,
    split_documents,
)
from explorer.data.text import PAD_ID, UNK, Vocabulary, tokenize
from explorer.lab import default_lab, rebuild

CORPORA = {"sentiment": "sentiment_en.csv", "sentiment_zh": "sentiment_zh.csv"}


def rows_of(name: str) -> list[dict]:
    with open(DATA_DIR / CORPORA[name], encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def labelled_csv(n_pos=12, n_neg=12, extra="") -> bytes:
    lines = ["text,label"]
    lines += [f"good film number {i},positive" for i in range(n_pos)]
    lines += [f"bad film number {i},negative" for i in range(n_neg)]
    return ("\n".join(lines) + "\n" + extra).encode()


@pytest.fixture(scope="module")
def en():
    return make_task(TaskConfig("sentiment", seq_len=30))


@pytest.fixture(scope="module")
def zh():
    return make_task(TaskConfig("sentiment_zh", seq_len=60))


# ---- the shipped corpora -----------------------------------------------------------------------


def test_english_corpus_labels_follow_the_documented_rating_rule():
    rows = rows_of("sentiment")
    assert len(rows) == 9171 and len({r["text"] for r in rows}) == len(rows)
    for r in rows:  # positive: mean rating >= +1, negative: <= -1 (README)
        rating = float(r["rating"])
        assert r["label"] == ("positive" if rating >= 1 else "negative") and abs(rating) >= 1
    assert sum(r["label"] == "positive" for r in rows) == 4597


def test_chinese_corpus_is_a_balanced_sample_of_short_unique_reviews():
    rows = rows_of("sentiment_zh")
    assert [sum(r["label"] == c for r in rows) for c in ("positive", "negative")] == [4000, 4000]
    assert len({r["text"] for r in rows}) == 8000
    assert all(4 <= len(r["text"]) <= 200 and r["text"] == r["text"].strip() for r in rows)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r["text"]) for r in rows)


@pytest.mark.parametrize("name", CORPORA)
def test_shipped_corpora_are_small_utf8_and_pass_the_upload_rules(name):
    data = (DATA_DIR / CORPORA[name]).read_bytes()
    assert len(data) < MAX_UPLOAD_BYTES  # read by the same reader as an upload, with the same limits
    data.decode("utf-8")
    assert isinstance(make_task(TaskConfig("text_csv"), data), SentimentTask)


def test_token_tasks_are_registered_and_offered_on_the_build_page():
    assert set(TOKEN_TASKS) <= set(TASK_NAMES)
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.run()
    at.switch_page("pages/build.py").run()
    options = at.selectbox(key="build_task").options
    assert len(options) == len(TASK_NAMES)
    assert len([o for o in options if "entiment" in o or "labelled" in o.lower()]) == len(TOKEN_TASKS)


# ---- splits --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPORA)
def test_splits_are_disjoint_complete_stratified_and_independent_of_the_data_seed(name, request):
    task = request.getfixturevalue({"sentiment": "en", "sentiment_zh": "zh"}[name])
    parts = [task.splits[s] for s in SPLITS]
    everything = np.concatenate(parts)
    assert len(everything) == len(set(everything.tolist())) == len(task.texts)  # disjoint, complete
    labels = np.array([r["label"] == "positive" for r in rows_of(name)])
    for c in (False, True):
        n = [(labels[p] == c).sum() for p in parts]
        assert abs(n[1] - 0.1 * sum(n)) <= 1 and abs(n[2] - 0.1 * sum(n)) <= 1
    other_seed = make_task(TaskConfig(name, seq_len=30, seed=7))
    assert all(np.array_equal(task.splits[s], other_seed.splits[s]) for s in SPLITS)
    texts = {s: {" ".join(tokenize(task.texts[i])) for i in task.splits[s]} for s in SPLITS}
    assert not texts["train"] & texts["test"] and not texts["train"] & texts["val"]


PINNED_SPLIT_DIGEST = "28efc1b14e167428"  # of the English split as first computed; it must never change


def test_the_english_split_is_the_same_on_every_run_and_machine(en):
    # The split depends only on the corpus, its order and SPLIT_SEED (numpy's PCG64, NEP 19).
    digest = hashlib.sha256(b"".join(en.splits[s].astype("<i8").tobytes() for s in SPLITS)).hexdigest()[:16]
    assert digest == PINNED_SPLIT_DIGEST


def test_identical_texts_share_a_split_and_the_split_is_deterministic():
    docs = [["same", "text"]] * 6 + [[f"pos{i}"] for i in range(20)] + [[f"neg{i}"] for i in range(20)]
    labels = np.array([1] * 26 + [0] * 20)
    a, b = split_documents(docs, labels, seed=3), split_documents(docs, labels, seed=3)
    assert all(np.array_equal(a[s], b[s]) for s in SPLITS)
    holding = [s for s in SPLITS if set(range(6)) & set(a[s].tolist())]
    assert len(holding) == 1 and set(range(6)) <= set(a[holding[0]].tolist())
    assert not all(np.array_equal(a[s], split_documents(docs, labels, seed=4)[s]) for s in SPLITS)


# ---- vocabulary, batches, truncation ----------------------------------------------------------------


def test_vocabulary_comes_from_the_training_split_only(en):
    train_docs = [tokenize(en.texts[i]) for i in en.splits["train"]]
    assert en.vocabulary == Vocabulary.build(train_docs, min_count=2, max_size=10_000)
    assert en.vocab == list(en.vocabulary.tokens) and en.input_size == len(en.vocabulary)
    seen = {t for d in train_docs for t in d}
    test_only = {t for i in en.splits["test"] for t in tokenize(en.texts[i])} - seen
    assert test_only and not test_only & set(en.vocab)  # never seen in training: "<unk>"


def expected_ids(task) -> list[list[int]]:
    """Independent encoding of every document: tokenize, keep seq_len tokens, look each up in vocab."""
    index = {t: k for k, t in enumerate(task.vocab)}
    return [[index.get(t, 1) for t in tokenize(text)[: task.seq_len]] for text in task.texts]


def doc_labels(task) -> list[int]:
    with io.StringIO((DATA_DIR / CORPORA[task.name]).read_text(encoding="utf-8")) as f:
        return [int(r["label"] == "positive") for r in csv.DictReader(f)]


@pytest.mark.parametrize("fixture", ["en", "zh"])
def test_iter_batches_covers_a_split_once_with_padding_lengths_and_labels(fixture, request):
    task = request.getfixturevalue(fixture)
    labels, ids = doc_labels(task), expected_ids(task)
    for split in SPLITS:
        seen = []
        for b in task.iter_batches(split, 64):
            B, T = b.x.shape
            assert b.x.dtype == b.y.dtype == b.lengths.dtype == torch.int64 and b.mask.dtype == torch.bool
            assert b.y.shape == b.mask.shape == (B, T) and b.lengths.shape == (B,)
            assert T == b.lengths.max() <= task.seq_len and b.lengths.min() >= 1
            for row, n, y, m in zip(b.x.tolist(), b.lengths.tolist(), b.y, b.mask):
                assert all(i == PAD_ID for i in row[n:]) and PAD_ID not in row[:n]
                assert m.nonzero().flatten().tolist() == [n - 1]  # the label is due at the last real step
                seen.append((row[:n], int(y[n - 1])))
        want = [(ids[i], labels[i]) for i in task.splits[split]]
        assert seen == want


def test_random_batches_come_from_their_split_and_are_reproducible(en):
    ids = expected_ids(en)
    index = {tuple(ids[i]): s for s in SPLITS for i in en.splits[s]}
    for split in SPLITS:
        b = en.batch(32, seed=5, split=split)
        assert {index[tuple(r[:n])] for r, n in zip(b.x.tolist(), b.lengths.tolist())} == {split}
        again = en.batch(32, seed=5, split=split)
        assert torch.equal(b.x, again.x) and torch.equal(b.lengths, again.lengths)
    assert not torch.equal(en.batch(32, seed=5).lengths, en.batch(32, seed=6).lengths)
    whole = en.batch(len(en.splits["test"]) + 10, seed=0, split="test")  # more than the split: with replacement
    assert whole.x.shape[0] == len(en.splits["test"]) + 10
    with pytest.raises(ValueError, match="split must be one of train, val, test; got 'dev'"):
        en.batch(4, seed=0, split="dev")
    with pytest.raises(ValueError, match="split must be one of"):
        en.iter_batches("dev", 4)


def test_long_texts_are_cut_to_their_first_seq_len_tokens():
    long_text = " ".join(f"w{i}" for i in range(40))
    data = labelled_csv(extra=f'"{long_text}",positive\n')
    task = make_task(TaskConfig("text_csv", seq_len=8), data)
    assert task.n_cut == 1 and task.summary()["cut"] == 1
    i = task.texts.index(long_text)
    assert expected_ids(task)[i] == task.vocabulary.encode([f"w{k}" for k in range(8)])
    assert max(b.lengths.max().item() for s in SPLITS for b in task.iter_batches(s, 100)) == 8
    assert task.pipeline(long_text).n_cut == 32


# ---- baseline, loss, metrics ----------------------------------------------------------------------


def test_baseline_is_the_cross_entropy_of_the_training_class_frequencies(en):
    labels = np.array(doc_labels(en))[en.splits["train"]]
    p = labels.mean()
    assert en.baseline == pytest.approx(-(p * math.log(p) + (1 - p) * math.log(1 - p)), rel=1e-12)
    log_prior = torch.log(torch.tensor([1 - p, p], dtype=torch.float32))
    total, n = 0.0, 0
    for b in en.iter_batches("train", 512):  # predicting the prior everywhere scores the baseline
        out = log_prior.expand(*b.mask.shape, 2)
        total += en.loss(out, b).item() * b.mask.sum().item()
        n += b.mask.sum().item()
    assert total / n == pytest.approx(en.baseline, rel=1e-5)
    assert en.baseline_label == f"class frequencies only (CE {en.baseline:.3f})"


def test_metrics_and_confusion_match_scikit_learn(en):
    b = en.batch(200, seed=1, split="val")
    out = torch.randn(*b.mask.shape, 2, generator=torch.Generator().manual_seed(0))
    pred, target = out[b.mask].argmax(-1).numpy(), b.y[b.mask].numpy()
    assert en.metrics(out, b) == {
        "accuracy": pytest.approx(sk.accuracy_score(target, pred)),
        "F1 (macro)": pytest.approx(sk.f1_score(target, pred, average="macro")),
        "F1 (positive)": pytest.approx(sk.f1_score(target, pred)),
    }
    assert en.confusion(out, b).tolist() == sk.confusion_matrix(target, pred, labels=[0, 1]).tolist()
    assert en.class_names == ("negative", "positive")


def test_loss_reads_only_the_last_real_step(en):
    b = en.batch(16, seed=2)
    out = torch.randn(*b.mask.shape, 2, requires_grad=True)
    en.loss(out, b).backward()
    assert torch.equal(out.grad.abs().sum(-1) > 0, b.mask)
    last = out[torch.arange(16), b.lengths - 1]  # (B, 2)
    assert en.loss(out, b).item() == pytest.approx(
        torch.nn.functional.cross_entropy(last, b.y[torch.arange(16), b.lengths - 1]).item(), rel=1e-6)


# ---- typed sentences ------------------------------------------------------------------------------


def test_a_typed_sentence_marks_unknown_words(en, zh):
    enc = en.pipeline("The film isn't good, Zorblaxian!")
    assert enc.tokens == ("the", "film", "isn't", "good", ",", "zorblaxian", "!")
    assert enc.unknown == (False, False, False, False, False, True, False)
    assert en.vocabulary.decode(enc.ids) == ["the", "film", "isn't", "good", ",", UNK, "!"]
    x = en.inputs_from_text("The film isn't good, Zorblaxian!")
    assert x.dtype == torch.int64 and x.tolist() == [list(enc.ids)]
    assert zh.pipeline("这本书不好看").tokens == tuple("这本书不好看")
    assert not any(zh.pipeline("这本书不好看").unknown)
    with pytest.raises(ValueError, match="Type at least one word"):
        en.inputs_from_text("   ")


def test_summary_is_plain_numbers(en):
    s = en.summary()
    assert s["texts"] == {k: len(v) for k, v in en.splits.items()}
    assert sum(s["classes"]["test"].values()) == s["texts"]["test"]
    assert s["vocab_size"] == len(en.vocab) and s["train_unknown"] == en.vocabulary.counts[1]
    assert s["train_tokens"] == sum(len(tokenize(en.texts[i])) for i in en.splits["train"])
    assert s["cut"] == sum(len(tokenize(t)) > en.seq_len for t in en.texts) > 0
    assert 0.5 <= s["majority_accuracy"]["train"] < 0.51


# ---- uploaded labelled CSV files --------------------------------------------------------------------


def test_accepted_csv_variants():
    data = ('\ufeffId, Text ,LABEL,score,\r\n'
            + "".join(f'{i},"fine, really fine {i}",POS,1\r\n' for i in range(10))
            + "".join(f'{i},"dull\nmulti-line {i}",0,,\r\n' for i in range(10))  # trailing empty cell
            + "".join(f"{i},meh {i},Negative\r\n" for i in range(5))  # its score left out
            + "\r\n\r\n").encode()
    task = make_task(TaskConfig("text_csv", seq_len=10), data)
    assert len(task.texts) == 25 and task.texts[0] == "fine, really fine 0" and task.texts[10] == "dull\nmulti-line 0"
    assert task.summary()["classes"]["train"]["positive"] + task.summary()["classes"]["test"]["positive"] \
        + task.summary()["classes"]["val"]["positive"] == 10


BAD = [
    (None, "The text_csv task needs an uploaded file"),
    (b"", "The file is empty"),
    (b" \n\n", "The file is empty"),
    (b",,\n,\n", "The file is empty"),
    (b"text,label\n", "The file has no data rows below its header"),
    (b"review,sentiment\ngreat,positive\n", "header naming a 'text' and a 'label' column; it names: review, sentiment"),
    (b"great film,positive\nawful,negative\n", "it names: great film, positive"),
    (f"{'a long review ' * 9},positive\n".encode(), "it names: a long review a long review a…, positive"),
    (labelled_csv(extra="just a text\n"), "Line 26 has no label; each row needs positive or negative"),
    (labelled_csv(extra="a,b,c,positive\n"), "Line 26 has 4 fields but the header names 2 columns: put a text that"),
    (labelled_csv(extra="a text,\n"), "Line 26 has no label; each row needs positive or negative"),
    (labelled_csv(extra="a text,neutral\n"), "Line 26 has the unknown label 'neutral'; the labels are positive and"),
    (labelled_csv(extra="a text,5\n"), "Line 26 has the unknown label '5'"),
    (labelled_csv(extra=" ,positive\n"), "Line 26 has a label but no text"),
    (labelled_csv(extra='"first\nsecond",positive\nok,meh\n'), "Line 28 has the unknown label 'meh'"),
    (labelled_csv(n_neg=0), "Every text is labelled positive; the data need both positive and negative"),
    (labelled_csv(n_pos=0), "Every text is labelled negative"),
    (labelled_csv(n_neg=9), "Only 9 different texts are labelled negative; each label needs at least 10"),
    (labelled_csv(n_neg=3, extra="bad film number 0,negative\n" * 20), "Only 3 different texts are labelled negative"),
    (labelled_csv(extra=f'"{"word " * (MAX_TEXT_TOKENS + 1)}",positive\n'),
     "Line 26 holds a text of 1,001 tokens; the limit is 1,000"),
    (labelled_csv(extra="好" * (MAX_TEXT_TOKENS + 5) + ",positive\n"), "holds a text of 1,005 tokens"),
    ("text,label\n" + "caf\xe9 au lait,positive\n" * 20, "not UTF-8 text .byte 14 cannot be decoded.; save it as UTF-8"),
    ("text,label\n好,positive\n".encode("gbk"), "not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
    (b"PK\x03\x04\x14\x00\x06\x00", "looks binary"),  # a zip (xlsx) file
    (b"a" * (MAX_UPLOAD_BYTES + 1), "the limit is 2,097,152 bytes"),
    (b"text,label\n" + b"x" * 140_000 + b",positive\n", "not a readable CSV .line 2: field larger than field limit"),
]


@pytest.mark.parametrize("data, message", BAD)
def test_bad_labelled_csv_gets_one_clear_sentence(data, message):
    if isinstance(data, str):
        data = data.encode("latin-1")
    with pytest.raises(ValueError, match=message) as info:
        make_task(TaskConfig("text_csv", seq_len=20), data)
    text = str(info.value)
    assert text.endswith(".") and "\n" not in text and "Traceback" not in text


def test_a_bad_file_changes_nothing():
    lab = default_lab()
    before = (lab.task_cfg, lab.task, lab.model, lab.user_data)
    with pytest.raises(ValueError, match="Every text is labelled positive"):
        rebuild(lab, task_cfg=TaskConfig("text_csv"), user_data=labelled_csv(n_neg=0))
    assert (lab.task_cfg, lab.task, lab.model, lab.user_data) == before
