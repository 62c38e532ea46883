"""Tokenizer and vocabulary: examples, and round-trip properties over arbitrary text (hypothesis)."""
from collections import Counter

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from explorer.data.text import (
    PAD,
    PAD_ID,
    UNK,
    UNK_ID,
    Vocabulary,
    encode_text,
    normalize,
    padded_rows,
    tokenize,
)

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
WORDS = st.lists(st.text(alphabet="abcdefgh'", min_size=1, max_size=6), max_size=30)


@pytest.mark.parametrize("text, tokens", [
    ("Don't stop, it's GREAT!", ["don't", "stop", ",", "it's", "great", "!"]),
    ("The  film\n\twas ''bad''...", ["the", "film", "was", "'", "'", "bad", "'", "'", ".", ".", "."]),
    ("It isn\u2019t", ["it", "isn't"]),  # typographic apostrophe
    ("这本书不好看。", ["这", "本", "书", "不", "好", "看", "。"]),
    ("我爱Python3，真的!", ["我", "爱", "python3", ",", "真", "的", "!"]),  # NFKC: full-width comma
    ("Ｔｈｉｎｋｐａｄ不错", ["thinkpad", "不", "错"]),  # full-width letters
    ("café 9/10 :-)", ["café", "9", "/", "10", ":", "-", ")"]),
    ("  \n ", []),
])
def test_tokenize_examples(text, tokens):
    assert tokenize(text) == tokens


@given(st.text())
def test_tokenizing_the_joined_tokens_gives_the_same_tokens(text):
    tokens = tokenize(text)
    assert tokenize(" ".join(tokens)) == tokens
    assert all(t and not any(c.isspace() for c in t) for t in tokens)


@given(st.text(alphabet=HAN))
def test_chinese_text_is_one_token_per_character(text):
    assert tokenize(text) == list(text)
    assert tokenize("".join(tokenize(text))) == list(text)  # no separator needed


@given(st.text())
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


DOCS = [["the", "film", "was", "good"], ["the", "film", "was", "bad"], ["good", "good", "fun"], ["the"]]


def test_vocabulary_orders_by_count_then_alphabet_and_counts_unknowns():
    v = Vocabulary.build(DOCS)
    assert v.tokens == (PAD, UNK, "good", "the", "film", "was", "bad", "fun")
    assert v.counts == (0, 0, 3, 3, 2, 2, 1, 1)
    assert (v.id_of(PAD), v.id_of(UNK), v.id_of("zebra")) == (PAD_ID, UNK_ID, UNK_ID)
    rare = Vocabulary.build(DOCS, min_count=2)
    assert rare.tokens == (PAD, UNK, "good", "the", "film", "was") and rare.counts[1] == 2
    small = Vocabulary.build(DOCS, max_size=4)
    assert small.tokens == (PAD, UNK, "good", "the") and small.counts[1] == 12 - 6  # 12 tokens, 6 of them kept
    assert len(small) == 4 and "the" in small and "film" not in small


@given(st.lists(WORDS, max_size=8), st.integers(1, 3), st.one_of(st.none(), st.integers(2, 12)))
def test_vocabulary_counts_match_an_independent_count(docs, min_count, max_size):
    v = Vocabulary.build(docs, min_count, max_size)
    counts = Counter(t for d in docs for t in d)
    assert v.tokens[:2] == (PAD, UNK) and len(set(v.tokens)) == len(v)
    assert max_size is None or len(v) <= max_size
    for token, n in zip(v.tokens[2:], v.counts[2:]):
        assert counts[token] == n >= min_count
    kept = set(v.tokens[2:])
    assert v.counts[1] == sum(n for t, n in counts.items() if t not in kept)  # "<unk>" stands for the rest
    left_out = [n for t, n in counts.items() if t not in kept and n >= min_count]
    if left_out:  # frequent enough, left out for want of room: no kept token is rarer
        assert max_size is not None and len(v) == max_size
        assert len(v) == 2 or max(left_out) <= min(v.counts[2:])


@given(st.lists(WORDS.filter(bool), min_size=1, max_size=8), st.data())
def test_encode_decode_round_trip(docs, data):
    v = Vocabulary.build(docs)
    known = data.draw(st.lists(st.sampled_from(v.tokens[2:]), max_size=20))
    assert v.decode(v.encode(known)) == known
    ids = data.draw(st.lists(st.integers(0, len(v) - 1), max_size=20))
    assert v.encode(v.decode(ids)) == ids
    anything = data.draw(WORDS)
    assert v.decode(v.encode(anything)) == [t if t in v else UNK for t in anything]


@given(st.text())
def test_any_text_encodes_to_valid_ids_and_never_to_padding(text):
    v = Vocabulary.build([tokenize("the film was not good, 不好看")])
    enc = encode_text(text, v)
    assert len(enc.ids) == len(enc.tokens) == len(enc.unknown)
    assert all(1 <= i < len(v) for i in enc.ids)
    assert [UNK if u else t for t, u in zip(enc.tokens, enc.unknown)] == v.decode(enc.ids)


def test_decode_rejects_ids_outside_the_vocabulary():
    v = Vocabulary.build(DOCS)
    with pytest.raises(IndexError, match=r"id 8 is outside the vocabulary \(0..7\)"):
        v.decode([2, 8])
    with pytest.raises(IndexError):
        v.decode([-1])


def test_vocabulary_checks_its_arguments():
    with pytest.raises(ValueError, match="min_count must be at least 1"):
        Vocabulary.build(DOCS, min_count=0)
    with pytest.raises(ValueError, match="max_size must be at least 2"):
        Vocabulary.build(DOCS, max_size=1)
    with pytest.raises(ValueError, match="starts with"):
        Vocabulary(tokens=("a", UNK), counts=(0, 0))


def test_encode_text_marks_unknowns_and_cuts_at_the_cap():
    v = Vocabulary.build(DOCS)
    enc = encode_text("The film was AWFUL!", v, max_len=4)
    assert enc.to_dict() == {"text": "The film was AWFUL!", "tokens": ["the", "film", "was", "awful"],
                             "ids": [3, 4, 5, 1], "unknown": [False, False, False, True], "n_cut": 1}


def test_vocabulary_rows_mark_the_special_tokens():
    rows = Vocabulary.build(DOCS).rows(limit=3)
    assert rows == [{"id": 0, "token": PAD, "count": 0, "special": True},
                    {"id": 1, "token": UNK, "count": 0, "special": True},
                    {"id": 2, "token": "good", "count": 3, "special": False}]


def test_padded_rows_mark_padding_and_unknowns():
    v = Vocabulary.build(DOCS)
    x = torch.tensor([[3, 1, 4], [2, 0, 0]])
    rows = padded_rows(x, torch.tensor([3, 1]), v)
    assert rows[0] == {"ids": [3, 1, 4], "tokens": ["the", UNK, "film"], "length": 3,
                       "pad": [False, False, False], "unknown": [False, True, False]}
    assert rows[1]["tokens"] == ["good", PAD, PAD] and rows[1]["pad"] == [False, True, True]
    assert rows[1]["unknown"] == [False, False, False]
