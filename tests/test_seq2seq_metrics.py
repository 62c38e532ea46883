"""BLEU against sacrebleu and nltk (test-only dependencies), token accuracy and exact match against direct
counts, with the edge cases spelled out."""
import math
import random
import warnings

import pytest
import sacrebleu
from nltk.translate.bleu_score import corpus_bleu

from explorer.metrics import bleu, exact_match, token_accuracy


def sacre(candidates, references) -> float:
    """sacrebleu's corpus BLEU with no tokenisation and no smoothing (tokens mapped to space-free words)."""
    ids: dict[str, str] = {}

    def line(tokens):
        return " ".join(ids.setdefault(t, f"w{len(ids)}") for t in tokens)

    metric = sacrebleu.metrics.BLEU(tokenize="none", smooth_method="none", effective_order=False)
    return metric.corpus_score([line(c) for c in candidates], [[line(r) for r in references]]).score


def nltk_bleu(candidates, references) -> float:
    """nltk's corpus BLEU-4 (uniform weights, no smoothing) on 0..100; for "0" nltk returns a tiny number
    (it replaces a zero precision by the smallest float).
    nltk differs from sacrebleu (and Papineni et al.) on a candidate shorter than n: it counts max(1, 0) = 1
    n-gram of order n for it, so compare with nltk only on corpora whose candidates have 4 tokens or more."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns when an n-gram order has no match
        score = corpus_bleu([[r] for r in references], candidates)
    return 0.0 if score < 1e-50 else 100 * score


def random_corpus(rng: random.Random, noise: float):
    """References over a small vocabulary (many n-gram matches), candidates = references with edits."""
    refs, cands = [], []
    for _ in range(rng.randint(1, 12)):
        ref = [rng.choice("abcde") for _ in range(rng.randint(1, 14))]
        cand = [t for t in ref if rng.random() > noise / 2]  # deletions
        cand = [rng.choice("abcdef") if rng.random() < noise else t for t in cand]  # substitutions
        cand += [rng.choice("abc") for _ in range(rng.randint(0, 2) if rng.random() < noise else 0)]  # insertions
        refs.append(ref)
        cands.append(cand)
    return cands, refs


@pytest.mark.parametrize("seed", range(60))
def test_bleu_matches_sacrebleu_and_nltk_on_random_corpora(seed):
    rng = random.Random(seed)
    cands, refs = random_corpus(rng, noise=rng.choice([0.0, 0.1, 0.3, 0.6]))
    ours = bleu(cands, refs)
    assert ours == pytest.approx(sacre(cands, refs), abs=1e-9)
    if min(map(len, cands)) >= 4:
        assert ours == pytest.approx(nltk_bleu(cands, refs), abs=1e-9)


@pytest.mark.parametrize("seed", range(30))
def test_bleu_matches_nltk_when_every_candidate_has_a_four_gram(seed):
    rng = random.Random(1000 + seed)
    cands, refs = random_corpus(rng, noise=rng.choice([0.1, 0.3]))
    cands = [c + list("abcd") for c in cands]
    assert bleu(cands, refs) == pytest.approx(nltk_bleu(cands, refs), abs=1e-9)


def test_perfect_corpus_scores_100():
    refs = [list("2026-11-28"), list("1999-01-01")]
    assert bleu(refs, refs) == pytest.approx(100.0)


def test_brevity_penalty():
    refs = [list("abcdefgh"), list("abcdefghij")]
    short = [list("abcdef"), list("abcdefghij")]  # every n-gram matches; c = 16, r = 18
    assert bleu(short, refs) == pytest.approx(100 * math.exp(1 - 18 / 16))
    assert bleu(short, refs) == pytest.approx(sacre(short, refs))
    longer = [list("abcdefghXY"), list("abcdefghij")]  # c > r: no penalty, only the precisions count
    p = [18 / 20, 16 / 18, 14 / 16, 12 / 14]
    assert bleu(longer, refs) == pytest.approx(100 * math.exp(sum(map(math.log, p)) / 4))
    assert bleu(longer, refs) == pytest.approx(sacre(longer, refs))


def test_no_four_gram_match_is_zero():
    cands, refs = [list("abcXdef")], [list("abcYdef")]  # 1-, 2-, 3-grams match, no 4-gram does
    assert bleu(cands, refs) == 0.0 == sacre(cands, refs) == nltk_bleu(cands, refs)


def test_empty_candidates():
    refs = [list("abcdef"), list("abcdef")]
    assert bleu([[], []], refs) == 0.0 == sacre([[], []], refs)
    one_empty = [list("abcdef"), []]  # c = 6, r = 12: precisions 1, brevity exp(1 − 2)
    assert bleu(one_empty, refs) == pytest.approx(100 * math.exp(-1)) == pytest.approx(sacre(one_empty, refs))
    assert bleu([list("abc")], [list("abc")]) == 0.0  # shorter than 4: no 4-grams at all


def test_clipping_counts_each_reference_ngram_once():
    cands, refs = [list("aaaaaaa")], [list("aaaab")]
    assert bleu(cands, refs) == pytest.approx(sacre(cands, refs))
    assert bleu(cands, refs) == pytest.approx(100 * math.exp(sum(math.log(m / t) for m, t in
                                                                  [(4, 7), (3, 6), (2, 5), (1, 4)]) / 4))


def test_one_reference_per_candidate():
    with pytest.raises(ValueError, match="2 candidates but 1 references"):
        bleu([["a"], ["b"]], [["a"]])
    with pytest.raises(ValueError, match="one reference per candidate"):
        token_accuracy([["a"]], [])
    with pytest.raises(ValueError, match="one reference per candidate"):
        exact_match([], [["a"]])


def direct_token_accuracy(cands, refs) -> float:
    hits = total = 0
    for c, r in zip(cands, refs):
        for j in range(max(len(c), len(r))):
            total += 1
            hits += j < len(c) and j < len(r) and c[j] == r[j]
    return hits / total


@pytest.mark.parametrize("seed", range(20))
def test_token_accuracy_and_exact_match_against_direct_counts(seed):
    rng = random.Random(seed)
    cands, refs = random_corpus(rng, noise=rng.choice([0.0, 0.2, 0.5]))
    assert token_accuracy(cands, refs) == pytest.approx(direct_token_accuracy(cands, refs))
    assert exact_match(cands, refs) == pytest.approx(sum(c == r for c, r in zip(cands, refs)) / len(refs))
    assert (token_accuracy(cands, refs) == 1.0) == (exact_match(cands, refs) == 1.0)


def test_token_accuracy_counts_missing_and_extra_tokens_as_misses():
    assert token_accuracy([list("2026-11")], [list("2026-11-28")]) == pytest.approx(7 / 10)
    assert token_accuracy([list("2026-11-28XX")], [list("2026-11-28")]) == pytest.approx(10 / 12)
    assert exact_match([list("ab"), list("cd")], [list("ab"), list("ce")]) == 0.5
    assert token_accuracy([[]], [[]]) == exact_match([[]], [[]]) == 1.0  # an empty output, correctly
    assert token_accuracy([], []) == exact_match([], []) == bleu([], []) == 0.0  # an empty corpus
