"""The encoder–decoder: encoder paths agree, the bridge is the stated formula, padding is never read,
teacher forcing, the loss, greedy decoding and beam search (against exhaustive search on a constructed
model)."""
import itertools
import math

import pytest
import torch

from explorer.config import Seq2SeqConfig
from explorer.data.seq2seq import BOS, EOS, PAD, make_seq2seq_task
from explorer.models.seq2seq import (
    beam_decode,
    beam_search,
    build_seq2seq,
    greedy_decode,
)

SETUPS = [(cell, att, bi) for cell in ("rnn", "lstm", "gru") for att in ("none", "additive", "dot", "general")
          for bi in (False, True) if not (att == "dot" and bi)]


def make(cell="gru", attention="additive", bidirectional=False, task="reverse", seed=0, **kw):
    cfg = Seq2SeqConfig(task=task, cell=cell, attention=attention, bidirectional=bidirectional, hidden_size=12,
                        embedding_dim=5, seed=seed, **kw)
    t = make_seq2seq_task(cfg)
    return build_seq2seq(cfg, len(t.src_vocab), len(t.tgt_vocab)).eval(), t


@pytest.mark.parametrize("cell, attention, bi", SETUPS)
def test_stepwise_encoder_equals_the_fused_one_on_a_padded_batch(cell, attention, bi):
    model, task = make(cell, attention, bi)
    b = task.batch(6, seed=1)
    assert b.src_lengths.unique().numel() > 1  # really padded
    fused = model.encode(b.src, b.src_lengths)
    step, states = model.encode_stepwise(b.src, b.src_lengths)
    for name in ("annotations", "summary", "keys"):
        if getattr(fused, name) is not None:
            torch.testing.assert_close(getattr(step, name), getattr(fused, name), atol=1e-6, rtol=1e-5)
    for a, c in zip(step.state, fused.state):
        assert (a is None) == (c is None)
        if a is not None:
            torch.testing.assert_close(a, c, atol=1e-6, rtol=1e-5)
    assert len(states) == (2 if bi else 1) and len(states[0]) == b.src.shape[1]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_bidirectional_bridge_is_the_stated_formula(cell):
    model, task = make(cell, "general", True)
    b = task.batch(4, seed=2)
    enc = model.encode(b.src, b.src_lengths)
    h = model.cfg.hidden_size
    for i in range(4):
        n = b.src_lengths[i].item()
        out, finals = model.encoder(model.src_embedding(b.src[i : i + 1, :n]))  # one source, no padding
        fwd_last, bwd_first = out[0, -1, :h], out[0, 0, h:]  # →h_S and ←h_1
        summary = torch.cat([fwd_last, bwd_first])
        torch.testing.assert_close(enc.summary[i], summary)
        s0 = torch.tanh(model.bridge_h.weight @ summary + model.bridge_h.bias)
        torch.testing.assert_close(enc.state[0][i], s0)
        if cell == "lstm":
            c = torch.cat([finals[1][0, 0], finals[1][1, 0]])
            torch.testing.assert_close(enc.state[1][i], model.bridge_c.weight @ c + model.bridge_c.bias)
        torch.testing.assert_close(enc.annotations[i, :n], out[0])


def test_unidirectional_encoder_hands_its_last_state_to_the_decoder():
    model, task = make("lstm", "none")
    b = task.batch(3, seed=2)
    enc = model.encode(b.src, b.src_lengths)
    for i in range(3):
        n = b.src_lengths[i].item()
        out, (h_n, c_n) = model.encoder(model.src_embedding(b.src[i : i + 1, :n]))
        torch.testing.assert_close(enc.state[0][i], h_n[0, 0])
        torch.testing.assert_close(enc.state[1][i], c_n[0, 0])
        torch.testing.assert_close(enc.summary[i], out[0, -1])


@pytest.mark.parametrize("cell, attention, bi", SETUPS)
def test_padding_is_never_read_and_gets_no_attention(cell, attention, bi):
    model, task = make(cell, attention, bi)
    b = task.batch(6, seed=3)
    logits, alpha = model(b)
    garbage = b.src.clone()
    pad = garbage == PAD
    garbage[pad] = torch.randint(1, len(task.src_vocab), (int(pad.sum()),), generator=torch.Generator().manual_seed(0))
    b2 = type(b)(garbage, b.src_lengths, b.tgt_in, b.tgt_out, b.sources, b.targets)
    logits2, alpha2 = model(b2)
    torch.testing.assert_close(logits2, logits, atol=0, rtol=0)  # bit for bit: the padding is never read
    if alpha is not None:
        beyond = torch.arange(b.src.shape[1])[None, None] >= b.src_lengths[:, None, None]  # (B, 1, S)
        assert (alpha.masked_select(beyond.expand_as(alpha)) == 0).all()
        torch.testing.assert_close(alpha.sum(-1), torch.ones(alpha.shape[:2]))
    for i in range(6):  # and each pair alone gives the same numbers as in the padded batch
        one = task.collate([(b.sources[i], b.targets[i])])
        alone, _ = model(one)
        m = len(b.targets[i]) + 1
        torch.testing.assert_close(alone[0, :m], logits[i, :m], atol=1e-5, rtol=1e-5)


def test_loss_is_the_mean_cross_entropy_of_the_real_target_tokens():
    model, task = make()
    b = task.batch(5, seed=4)
    logits, _ = model(b)
    terms = [-torch.log_softmax(logits[i, j], -1)[b.tgt_out[i, j]].item()
             for i in range(5) for j in range(b.tgt_out.shape[1]) if b.tgt_out[i, j] != PAD]
    assert task.loss(logits, b).item() == pytest.approx(sum(terms) / len(terms), rel=1e-5)
    assert len(terms) == sum(len(t) + 1 for t in b.targets)


def test_pad_and_bos_are_never_emitted():
    model, task = make()
    logits, _ = model(task.batch(4, seed=5))
    probs = torch.softmax(logits, -1)
    assert (probs[..., PAD] == 0).all() and (probs[..., BOS] == 0).all()


def test_teacher_forcing_ratio():
    model, task = make()
    b = task.batch(8, seed=6)
    enc = model.encode(b.src, b.src_lengths)
    forced, _ = model.decode(enc, b.tgt_in, teacher_forcing=1.0)
    free, _ = model.decode(enc, b.tgt_in, teacher_forcing=0.0, generator=torch.Generator().manual_seed(0))
    # Ratio 0: the decoder reads its own greedy guesses, exactly what greedy decoding does.
    ids, _ = greedy_decode(model, b.src, b.src_lengths, b.tgt_in.shape[1])
    for i, row in enumerate(ids):
        assert free[i, : len(row)].argmax(-1).tolist() == row
    # Ratio 1: the true previous tokens, i.e. a manual loop over tgt_in.
    state, manual = enc.state, []
    for j in range(b.tgt_in.shape[1]):
        out, state, _ = model.decode_step(b.tgt_in[:, j], state, enc)
        manual.append(out)
    torch.testing.assert_close(forced, torch.stack(manual, 1))
    # In between: seeded, and a mix of the two.
    half = [model.decode(enc, b.tgt_in, 0.5, torch.Generator().manual_seed(s))[0] for s in (1, 1, 2)]
    torch.testing.assert_close(half[0], half[1], atol=0, rtol=0)
    assert not torch.equal(half[0], half[2])
    assert not torch.equal(half[0], forced) and not torch.equal(half[0], free)
    torch.testing.assert_close(half[0][:, 0], forced[:, 0])  # the first input is always <bos>


def test_weights_are_seeded_and_named_like_pytorch():
    a, _ = make("lstm", "additive", True, seed=3)
    b, _ = make("lstm", "additive", True, seed=3)
    c, _ = make("lstm", "additive", True, seed=4)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa) and not all(torch.equal(sa[k], sc[k]) for k in sa)
    assert {"encoder.weight_ih_l0", "encoder.weight_hh_l0_reverse", "bridge_h.weight", "bridge_c.bias",
            "attention.W_q.weight", "attention.W_k.weight", "attention.v.weight", "decoder.weight_ih",
            "out.weight", "src_embedding.weight", "tgt_embedding.weight"} <= set(sa)
    assert (sa["src_embedding.weight"][PAD] == 0).all()
    bound = a.cfg.hidden_size**-0.5
    assert sa["encoder.weight_hh_l0"].abs().max() <= bound and sa["decoder.weight_hh"].abs().max() <= bound


# ---- decoding ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, attention, bi", SETUPS[::3])
def test_beam_of_width_one_is_greedy(cell, attention, bi):
    model, task = make(cell, attention, bi, task="dates")
    b = task.eval_set("val", 6)
    ids, scores = greedy_decode(model, b.src, b.src_lengths, task.max_tgt_len + 1)
    for i in range(6):
        n = b.src_lengths[i].item()
        (hyp,) = beam_decode(model, b.src[i : i + 1, :n], n, 1, task.max_tgt_len + 1)
        assert hyp.tokens == ids[i] and hyp.finished == (ids[i][-1] == EOS)
        assert hyp.log_prob == pytest.approx(scores[i].item(), abs=1e-4)


def test_beam_scores_are_the_log_probabilities_of_their_outputs():
    model, task = make("gru", "additive", task="dates")
    b = task.eval_set("val", 3)
    for i in range(3):
        n = b.src_lengths[i].item()
        for hyp in beam_decode(model, b.src[i : i + 1, :n], n, 4, task.max_tgt_len + 1):
            tgt_in = torch.tensor([[BOS, *hyp.tokens[:-1]]])
            logits, _ = model.decode(model.encode(b.src[i : i + 1, :n], torch.tensor([n])), tgt_in)
            logp = torch.log_softmax(logits[0], -1)[range(len(hyp.tokens)), hyp.tokens].sum().item()
            assert hyp.log_prob == pytest.approx(logp, abs=1e-4)


# A constructed "model" over ids 0 <pad>, 1 <bos>, 2 <eos>, 3 "a", 4 "b": the next token's probabilities
# depend on the previous token, except that after "a a" the output must end.
TABLE = {BOS: [0, 0, 0.0, 0.6, 0.4], 3: [0, 0, 0.27, 0.41, 0.32], 4: [0, 0, 0.87, 0.08, 0.05]}


def next_probs(prefix: list[int]) -> list[float]:
    return [0, 0, 1.0, 0, 0] if prefix == [3, 3] else TABLE[prefix[-1] if prefix else BOS]


def markov_step(tokens: torch.Tensor, state: tuple) -> tuple[torch.Tensor, tuple]:
    (history,) = state  # (N, t): the tokens fed so far, <bos> first
    history = torch.cat([history, tokens[:, None]], 1)
    logp = torch.stack([torch.tensor(next_probs(row[1:]), dtype=torch.float64).log() for row in history.tolist()])
    return logp.float(), (history,)


def start():
    return (torch.zeros(1, 0, dtype=torch.long),)


def sequence_log_prob(seq: list[int]) -> float:
    total = 0.0
    for t, tok in enumerate(seq):
        p = next_probs(seq[:t])[tok]
        total += math.log(p) if p else float("-inf")
    return total


def exhaustive(max_len: int) -> list[tuple[float, list[int]]]:
    """Every possible output of at most max_len tokens (ended by <eos>, or cut at max_len), best first."""
    outs = [[*body, EOS] for n in range(max_len) for body in itertools.product([3, 4], repeat=n)]
    outs += [list(body) for body in itertools.product([3, 4], repeat=max_len)]
    scored = [(sequence_log_prob(o), o) for o in outs]
    return sorted([o for o in scored if o[0] > float("-inf")], key=lambda o: -o[0])


def test_greedy_is_beaten_by_a_beam_on_a_constructed_case():
    greedy = beam_search(markov_step, start(), k=1, max_len=4)
    assert greedy[0].tokens == [3, 3, EOS]  # a (0.6), a (0.41), then the forced <eos>: p = 0.246
    assert greedy[0].log_prob == pytest.approx(math.log(0.6 * 0.41), abs=1e-6)
    best = beam_search(markov_step, start(), k=2, max_len=4)[0]
    assert best.tokens == [4, EOS] and best.log_prob == pytest.approx(math.log(0.4 * 0.87), abs=1e-6)  # b, <eos>
    for k in range(1, 11):  # a wider beam never does worse than greedy here
        assert beam_search(markov_step, start(), k=k, max_len=4)[0].log_prob >= greedy[0].log_prob - 1e-9


def test_a_beam_as_wide_as_the_search_space_is_exhaustive():
    # Up to 3 tokens: at most 2 live prefixes after step 1 and 4 after step 2 (4 × 3 = 12 extensions at
    # step 3); a beam of 10 keeps every prefix until the last step, so its 10 best are the true 10 best.
    hyps = beam_search(markov_step, start(), k=10, max_len=3)
    truth = exhaustive(3)[:10]
    assert [h.tokens for h in hyps] == [t for _, t in truth]
    assert [h.log_prob for h in hyps] == pytest.approx([lp for lp, _ in truth], abs=1e-6)
    assert [h.finished for h in hyps] == [t[-1] == EOS for _, t in truth]


def test_beam_width_is_checked():
    with pytest.raises(ValueError, match="beam width must be an integer in 1..10"):
        beam_search(markov_step, start(), k=11, max_len=3)


def plain_beam(step, state, k: int, max_len: int) -> list[tuple[float, list[int]]]:
    """Textbook beam search without early stopping: keep the k best extensions at every step, set aside those
    ending in <eos>, and rank everything at max_len."""
    alive, finished = [(0.0, [], state)], []
    for _ in range(max_len):
        ext = []
        for score, toks, st in alive:
            logp, new = step(torch.tensor([toks[-1] if toks else BOS]), st)
            ext += [(score + lp, toks + [v], new) for v, lp in enumerate(logp[0].tolist()) if lp > float("-inf")]
        ext = sorted(ext, key=lambda e: -e[0])[:k]
        finished += [(s, t) for s, t, _ in ext if t[-1] == EOS]
        alive = [e for e in ext if e[1][-1] != EOS]
    finished += [(s, t) for s, t, _ in alive]
    return sorted(finished, key=lambda e: -e[0])[:k]


@pytest.mark.parametrize("seed", range(12))
def test_early_stopping_never_changes_what_the_beam_finds(seed):
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(7, 6, 6, generator=gen) * 2  # next-token logits given the step and the previous token
    logits[..., [PAD, BOS]] = float("-inf")

    def step(tokens, state):
        (t,) = state  # (N,) the step of each hypothesis
        return torch.log_softmax(logits[t, tokens], -1), (t + 1,)

    for k in (1, 2, 3, 5):
        ours = beam_search(step, (torch.zeros(1, dtype=torch.long),), k, max_len=7)
        ref = plain_beam(step, (torch.zeros(1, dtype=torch.long),), k, 7)
        assert [h.tokens for h in ours] == [t for _, t in ref]
        assert [h.log_prob for h in ours] == pytest.approx([s for s, _ in ref], abs=1e-5)
