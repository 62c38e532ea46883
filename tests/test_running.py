"""running_positive: P(positive) after each word, against feeding each prefix on its own (through the model, and
through a bare nn.LSTM with the model's weights and a hand-written head)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn

from explorer import ModelConfig, build_model
from explorer.trace.running import running_positive

V, E, H = 30, 6, 8


def model_of(cell="lstm", pool="last", bidirectional=False, seed=0):
    return build_model(ModelConfig(cell=cell, input_size=V, vocab_size=V, embedding_dim=E, hidden_size=H,
                                   output_size=2, pool=pool, bidirectional=bidirectional, seed=seed))


def padded(seed=1, B=5, T=9):
    g = np.random.default_rng(seed)
    lengths = np.array([T, 1, 4, 7, 2])[:B]
    ids = np.zeros((B, T), np.int64)
    for b, n in enumerate(lengths):
        ids[b, :n] = g.integers(2, V, n)
    return ids, lengths


def prefix_probs(model, ids, n):
    """P(positive) of the model fed ids[:t] alone, for t = 1..n."""
    with torch.no_grad():
        return np.array([torch.softmax(model(torch.as_tensor(ids[None, :t]))[0, -1].double(), -1)[1].item()
                         for t in range(1, n + 1)])


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "peephole"])
@pytest.mark.parametrize("pool", ["last", "mean"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_running_positive_equals_each_prefix_fed_alone(cell, pool, bidirectional):
    if cell == "peephole" and bidirectional:
        pytest.skip("no bidirectional peephole LSTM")
    model = model_of(cell, pool, bidirectional)
    ids, lengths = padded()
    p = running_positive(model, ids, lengths)
    assert p.shape == ids.shape
    for b, n in enumerate(lengths):
        np.testing.assert_allclose(p[b, :n], prefix_probs(model, ids[b], n), rtol=1e-5, atol=1e-6)
        assert np.isnan(p[b, n:]).all()


def test_one_text_without_lengths_gives_one_row():
    model = model_of()
    ids = np.array([5, 9, 2, 17])
    np.testing.assert_allclose(running_positive(model, ids), prefix_probs(model, ids, 4), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("pool", ["last", "mean"])
def test_running_positive_against_a_bare_lstm_and_a_hand_written_head(pool):
    model = model_of("lstm", pool)
    lstm = nn.LSTM(E, H, batch_first=True)
    lstm.load_state_dict({k: v for k, v in model.rnn.state_dict().items()})
    w, bias = model.head.weight.detach().double(), model.head.bias.detach().double()
    ids, lengths = padded(seed=3)
    p = running_positive(model, ids, lengths)
    with torch.no_grad():
        for r, (row, n) in enumerate(zip(ids, lengths)):
            vectors = model.embedding.weight[torch.as_tensor(row[:n])]  # (n, E)
            for t in range(1, n + 1):
                hs, _ = lstm(vectors[None, :t])  # (1, t, H)
                read = hs[0, -1] if pool == "last" else hs[0].mean(0)
                logits = read.double() @ w.T + bias
                want = torch.softmax(logits, -1)[1].item()
                assert p[r, t - 1] == pytest.approx(
                    want, rel=1e-5, abs=1e-6)


def test_bad_lengths_are_refused():
    with pytest.raises(ValueError, match="lengths"):
        running_positive(model_of(), np.ones((2, 3), np.int64), [3, 0])
