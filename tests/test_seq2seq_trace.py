"""The decoding trace against a plain-torch recomputation written here from the equations (encoder, bridge,
attention, decoder cell, output), its gradients against autograd through a differently built graph (the
fused PyTorch modules, split at the probed step), one score written out, and bad typed input."""
import json

import numpy as np
import pytest
import torch

from explorer.config import Seq2SeqConfig
from explorer.data.seq2seq import make_seq2seq_task
from explorer.models.seq2seq import build_seq2seq
from explorer.trace.seq2seq import decode_trace, score_terms
from tests.reference_seq2seq import recompute, split_grad_norms

SETUPS = [(cell, att, bi) for cell in ("rnn", "lstm", "gru") for att in ("none", "additive", "dot", "general")
          for bi in (False, True) if not (att == "dot" and bi)]
SOURCE = "Saturday, the 28th of November 2026"


def make(cell, attention, bi, task="dates", seed=1):
    cfg = Seq2SeqConfig(task=task, cell=cell, attention=attention, bidirectional=bi, hidden_size=10,
                        embedding_dim=6, seed=seed)
    t = make_seq2seq_task(cfg)
    return build_seq2seq(cfg, len(t.src_vocab), len(t.tgt_vocab)).eval(), t


@pytest.mark.parametrize("cell, attention, bi", SETUPS)
def test_trace_matches_the_recomputation(cell, attention, bi):
    model, task = make(cell, attention, bi)
    tr = decode_trace(model, task, SOURCE, top_k=4, beam_width=3)
    ref = recompute(model, task, SOURCE, tr.outputs)
    J, S = len(tr.outputs), len(SOURCE)
    assert tr.source == list(SOURCE) and tr.inputs == ["<bos>", *tr.outputs[:-1]]
    assert J == task.max_tgt_len + 1 or tr.outputs[-1] == "<eos>"

    def close(a, b, tol=2e-5):
        np.testing.assert_allclose(a, torch.stack(b).numpy() if isinstance(b, list) else b.numpy(), atol=tol, rtol=tol)

    close(tr.annotations, ref["annotations"])
    close(tr.states, ref["states"])
    close(tr.context, ref["context"])
    close(tr.probs, ref["probs"])
    if cell == "lstm":
        close(tr.cells, ref["cells"])
    else:
        assert tr.cells is None
    assert set(tr.gates) == set(ref["gates"]) == set({"rnn": "", "lstm": "ifgo", "gru": "rzn"}[cell])
    for k in tr.gates:
        close(tr.gates[k], ref["gates"][k])
    if attention == "none":
        assert tr.scores is None and tr.attention is None
    else:
        close(tr.scores, ref["scores"])
        close(tr.attention, ref["attention"])
        assert tr.attention.shape == (J, S)
    # Greedy: each output is the most probable token; top-k and log p(outputs | x) follow from the probs.
    ids = [task.tgt_vocab.index(t) for t in tr.outputs]
    assert ids == tr.probs.argmax(1).tolist()
    assert [row[0] for row in tr.top_tokens] == tr.outputs and tr.top_probs.shape == (J, 4)
    assert np.all(np.diff(tr.top_probs, axis=1) <= 0)
    assert tr.log_prob == pytest.approx(float(np.log(tr.probs[range(J), ids]).sum()), abs=1e-5)
    assert tr.beam[0][1] >= tr.log_prob - 1e-4 or len(tr.beam) >= 1  # listed best first
    assert [b[1] for b in tr.beam] == sorted([b[1] for b in tr.beam], reverse=True)


@pytest.mark.parametrize("cell, attention, bi", [("gru", "additive", False), ("lstm", "general", True),
                                                 ("rnn", "none", False), ("lstm", "none", True),
                                                 ("gru", "dot", False)])
def test_gradient_norms_match_autograd_through_the_fused_modules(cell, attention, bi):
    model, task = make(cell, attention, bi, seed=2)
    source = "28.11.2026"
    tr = decode_trace(model, task, source)
    assert tr.grad_norms.shape == (2 if bi else 1, len(source))
    np.testing.assert_allclose(tr.grad_norms, split_grad_norms(model, task, source, tr.outputs), rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("attention", ["additive", "dot", "general"])
def test_one_score_written_out(attention):
    model, task = make("gru", attention, False)
    tr = decode_trace(model, task, SOURCE)
    for j, s in [(1, 1), (3, 7), (len(tr.outputs), len(SOURCE))]:
        t = score_terms(model, tr, j, s)
        assert t.score == pytest.approx(tr.scores[j - 1, s - 1], abs=1e-5)
        assert t.score == pytest.approx(t.parts["terms"].sum(), abs=1e-12)
        assert t.weight == pytest.approx(tr.attention[j - 1, s - 1], abs=1e-6)
        assert t.denominator == pytest.approx(np.exp(tr.scores[j - 1].astype(float)).sum(), rel=1e-9)
        np.testing.assert_allclose(t.query, tr.states[j - 1], atol=1e-7)
        np.testing.assert_allclose(t.key, tr.annotations[s - 1], atol=1e-7)
        att = model.attention
        if attention == "additive":
            np.testing.assert_allclose(t.parts["W_q s"], att.W_q.weight.detach().double().numpy() @ t.query, atol=1e-9)
            np.testing.assert_allclose(t.parts["tanh"], np.tanh(t.parts["W_q s"] + t.parts["W_k h"]), atol=1e-12)
            assert set(t.parts) == {"W_q s", "W_k h", "W_q s + W_k h", "tanh", "v", "terms"}
        elif attention == "general":
            np.testing.assert_allclose(t.parts["terms"], t.query * t.parts["W_a h"], atol=1e-12)
        else:
            np.testing.assert_allclose(t.parts["terms"], t.query * t.key, atol=1e-12)
        json.dumps(t.to_json())


def test_score_terms_refuse_what_does_not_exist():
    model, task = make("gru", "none", False)
    with pytest.raises(ValueError, match="no attention"):
        score_terms(model, decode_trace(model, task, "28.11.2026"), 1, 1)
    model, task = make("gru", "additive", False)
    tr = decode_trace(model, task, "28.11.2026")
    with pytest.raises(ValueError, match="s must be an integer in 1..10"):
        score_terms(model, tr, 1, 11)
    with pytest.raises(ValueError, match="j must be an integer"):
        score_terms(model, tr, 0, 1)


@pytest.mark.parametrize("source, message", [
    ("", "The source is empty"),
    ("   ", "The source is empty"),
    ("28 Novembre 2026 ☃", "never saw: '☃'"),
    ("Wednesday, the 30th of September 2026 and more", "The source has 46 characters"),
])
def test_bad_typed_sources_get_a_sentence(source, message):
    model, task = make("gru", "additive", False)
    with pytest.raises(ValueError, match=message):
        decode_trace(model, task, source)


def test_trace_json_and_reference():
    model, task = make("lstm", "additive", True, task="reverse")
    tr = decode_trace(model, task, "abcj", beam_width=2)
    assert tr.reference == list("jcba")
    doc = json.loads(json.dumps(tr.to_json()))
    assert doc["outputs"] == tr.outputs and len(doc["attention"]) == len(tr.outputs)
    assert len(doc["beam"]) == 2 and set(doc["beam"][0]) == {"tokens", "log_prob", "finished"}
    assert np.array(doc["gates"]["f"]).shape == (len(tr.outputs), 10)
    assert np.array(doc["grad_norms"]).shape == (2, 4)
    assert decode_trace(*make("gru", "dot", False), "28 Nov 2026").reference is None
