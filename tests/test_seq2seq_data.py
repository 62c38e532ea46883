"""The seq2seq config and tasks: validation, the date surface forms, held-out sets disjoint from training,
batches, typed sources, and the memoryless baseline against an exact computation."""
import datetime
import math

import pytest
import torch

from explorer.config import Seq2SeqConfig
from explorer.data.seq2seq import (
    BOS,
    DATE_FORMATS,
    EOS,
    FIRST_DAY,
    LAST_DAY,
    PAD,
    DateTask,
    format_date,
    make_seq2seq_task,
    ordinal,
)

ALL_DAYS = [FIRST_DAY + datetime.timedelta(k) for k in range((LAST_DAY - FIRST_DAY).days + 1)]


def task_of(name="dates", **kw):
    return make_seq2seq_task(Seq2SeqConfig(task=name, **kw))


# ---- Seq2SeqConfig -----------------------------------------------------------------------------

def test_config_round_trips_and_rejects_unknown_keys():
    cfg = Seq2SeqConfig(task="sort", min_len=2, max_len=7, cell="lstm", bidirectional=True, attention="general",
                        teacher_forcing=0.5, seed=3)
    assert Seq2SeqConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match=r"unknown Seq2SeqConfig field\(s\): heads"):
        Seq2SeqConfig.from_dict({"heads": 2})


@pytest.mark.parametrize("field, value, message", [
    ("task", "translate", "task must be one of reverse, sort, dates"),
    ("attention", "cosine", "attention must be one of none, additive, dot, general"),
    ("cell", "peephole", "cell must be one of rnn, lstm, gru"),
    ("hidden_size", 257, r"hidden_size must be an integer in 1..256"),
    ("embedding_dim", 0, r"embedding_dim must be an integer in 1..128"),
    ("max_len", 41, r"max_len must be an integer in 1..40"),
    ("n_symbols", 27, r"n_symbols must be an integer in 2..26"),
    ("teacher_forcing", 1.5, r"teacher_forcing must be a number in \[0, 1\]"),
    ("bidirectional", "yes", "bidirectional must be true or false"),
    ("eval_size", 0, r"eval_size must be an integer in 1..1000"),
    ("eval_size", 1001, r"eval_size must be an integer in 1..1000"),
    ("seed", -1, "seed must be an integer"),
])
def test_config_rejects_each_bad_field(field, value, message):
    with pytest.raises(ValueError, match=message):
        Seq2SeqConfig(**{field: value})


def test_config_rejects_inconsistent_settings():
    with pytest.raises(ValueError, match=r"min_len \(5\) must not exceed max_len \(4\)"):
        Seq2SeqConfig(min_len=5, max_len=4)
    with pytest.raises(ValueError, match="dot attention .* bidirectional encoder's are 2H"):
        Seq2SeqConfig(attention="dot", bidirectional=True)


# ---- dates ---------------------------------------------------------------------------------------

def test_the_issues_examples_are_surface_forms_of_one_day():
    d = datetime.date(2026, 11, 28)
    forms = {format_date(d, f) for f in DATE_FORMATS}
    assert {"28 November 2026", "nov 28, 26", "2026年11月28日", "Saturday, the 28th of November 2026"} <= forms
    assert len(forms) == len(DATE_FORMATS) == 13  # every form differs


@pytest.mark.parametrize("day, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                       (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")])
def test_ordinals(day, text):
    assert ordinal(day) == text


def test_every_day_in_every_form_fits_the_alphabet_and_the_length_limit():
    task = task_of()
    alphabet = set(task.src_vocab[1:])
    longest = 0
    for d in ALL_DAYS:
        for form in DATE_FORMATS:
            text = format_date(d, form)
            assert set(text) <= alphabet, text
            longest = max(longest, len(text))
    assert longest == task.max_src_len == DateTask.MAX_SOURCE
    assert task.tgt_vocab == ["<pad>", "<bos>", "<eos>", *"0123456789-"]


def test_date_pairs_are_iso_translations_and_the_held_out_days_are_never_trained_on():
    task = task_of(data_seed=4)
    split = {d: task.split_of(d) for d in ALL_DAYS}
    for name, share in (("train", 0.8), ("val", 0.1), ("test", 0.1)):
        assert abs(sum(v == name for v in split.values()) / len(ALL_DAYS) - share) < 0.001
    for name, n in (("train", 3000), ("val", 300), ("test", 300)):
        pairs = task.pairs(n, seed=1, split=name)
        for src, tgt in pairs:
            d = datetime.date.fromisoformat("".join(tgt))
            assert "".join(src) in {format_date(d, f) for f in DATE_FORMATS}
            assert split[d] == name
        assert len({"".join(s) for s, _ in pairs}) > 0.95 * n  # many distinct pairs
    other = task_of(data_seed=5)
    assert {d for d in ALL_DAYS if other.split_of(d) == "val"} != {d for d, v in split.items() if v == "val"}


# ---- reverse and sort ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, rule", [("reverse", lambda s: s[::-1]), ("sort", sorted)])
def test_symbol_tasks(name, rule):
    task = task_of(name, min_len=2, max_len=6, n_symbols=5)
    assert task.src_vocab == ["<pad>", *"abcde"] and task.tgt_vocab == ["<pad>", "<bos>", "<eos>", *"abcde"]
    drawn = {split: task.pairs(n, seed=3, split=split) for split, n in (("train", 2000), ("val", 200), ("test", 200))}
    for split, pairs in drawn.items():
        for src, tgt in pairs:
            assert 2 <= len(src) <= 6 and tgt == list(rule(src)) == task.reference(src)
            assert task.split_of(src) == split
    sources = {split: {"".join(s) for s, _ in pairs} for split, pairs in drawn.items()}
    assert not sources["train"] & sources["val"] and not sources["train"] & sources["test"]
    assert not sources["val"] & sources["test"]


def test_too_few_distinct_sources_is_a_clear_error():
    with pytest.raises(ValueError, match="only 30 distinct sources"):
        task_of("reverse", min_len=1, max_len=4, n_symbols=2)


# ---- batches -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["reverse", "sort", "dates"])
def test_batches_are_padded_pairs_and_deterministic(name):
    task = task_of(name)
    b = task.batch(16, seed=9)
    assert b.src.dtype == b.tgt_in.dtype == b.tgt_out.dtype == torch.int64
    for i, (src, tgt) in enumerate(zip(b.sources, b.targets)):
        n, m = len(src), len(tgt)
        assert b.src_lengths[i] == n and b.src[i, :n].tolist() == task.source_ids(src)
        assert (b.src[i, n:] == PAD).all() and (b.src[i, :n] != PAD).all()
        ids = [task.tgt_vocab.index(t) for t in tgt]
        assert b.tgt_in[i, : m + 1].tolist() == [BOS, *ids] and b.tgt_out[i, : m + 1].tolist() == [*ids, EOS]
        assert (b.tgt_in[i, m + 1:] == PAD).all() and (b.tgt_out[i, m + 1:] == PAD).all()
        assert b.tgt_mask[i].sum() == m + 1
        assert task.target_tokens(b.tgt_out[i].tolist()) == tgt
    again = task.batch(16, seed=9)
    assert torch.equal(b.src, again.src) and torch.equal(b.tgt_out, again.tgt_out)
    assert not torch.equal(b.src, task.batch(16, seed=10).src)
    assert task.eval_set("val", 5).sources == task.eval_set("val", 20).sources[:5]  # a larger set extends a smaller
    assert task.eval_set("train", 5).sources != task.batch(5, seed=1).sources  # seed 0: no training batch's


# ---- typed sources ---------------------------------------------------------------------------------

def test_typed_sources_are_checked_with_a_sentence():
    task = task_of()
    assert task.encode_source("  28 November 2026 ") == list("28 November 2026")
    assert task.encode_source("2026年11月28日") == list("2026年11月28日")
    with pytest.raises(ValueError, match="The source is empty"):
        task.encode_source("   ")
    with pytest.raises(ValueError, match=r"never saw: '#' 'Z'\. It knows only these: "):
        task.encode_source("Z#28 Nov")
    with pytest.raises(ValueError, match="The source has 38 characters; .* at most 37"):
        task.encode_source("Wednesday, the 30th of September 20266")
    with pytest.raises(ValueError, match="The source must be text"):
        task.encode_source(None)
    with pytest.raises(ValueError, match="never saw: 'k'"):
        task_of("reverse").encode_source("abk")


# ---- the memoryless baseline -------------------------------------------------------------------------

def exact_reverse_baseline(lo: int, hi: int, k: int) -> float:
    """Cross-entropy per target token of the best guess from the position j alone, for sources of a uniform
    length L in lo..hi over k uniform symbols: the token at j is <eos> if j = L, a uniform symbol if j < L."""
    lengths = range(lo, hi + 1)
    nats = tokens = 0.0
    for j in range(hi + 1):
        p_sym = sum(j < n for n in lengths) / len(lengths)
        p_eos = sum(j == n for n in lengths) / len(lengths)
        mass = p_sym + p_eos  # probability that a target has a position j
        q_sym, q_eos = p_sym / mass, p_eos / mass
        entropy = -(q_sym * math.log(q_sym / k) if q_sym else 0) - (q_eos * math.log(q_eos) if q_eos else 0)
        nats += mass * entropy
        tokens += mass
    return nats / tokens


def test_baseline_matches_the_exact_entropy_for_reversal():
    task = task_of("reverse", min_len=3, max_len=10, n_symbols=10)
    assert task.baseline == pytest.approx(exact_reverse_baseline(3, 10, 10), abs=0.01)
    assert "output position alone" in task.baseline_label
