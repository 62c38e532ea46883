"""Classification scores of explorer.metrics against scikit-learn (the reference implementation)."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk

from explorer.metrics import accuracy, binary_f1, confusion_matrix, macro_f1


def labelled(n_classes: int):
    """(pred, target) int64 tensors of one length, each entry in 0..n_classes-1."""
    return st.integers(1, 60).flatmap(lambda n: st.tuples(
        st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n),
        st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n),
    )).map(lambda pt: (torch.tensor(pt[0]), torch.tensor(pt[1])))


@given(labelled(2))
@settings(deadline=None)  # a shared, loaded machine: the scores are tested, not the time
def test_binary_scores_match_scikit_learn(pt):
    pred, target = pt
    assert accuracy(pred, target) == pytest.approx(sk.accuracy_score(target, pred))
    for positive in (0, 1):
        want = sk.f1_score(target, pred, pos_label=positive, average="binary", zero_division=0.0)
        assert binary_f1(pred, target, positive) == pytest.approx(want)
    assert macro_f1(pred, target, 2) == pytest.approx(sk.f1_score(target, pred, average="macro"))
    want_cm = sk.confusion_matrix(target, pred, labels=[0, 1])
    assert confusion_matrix(pred, target, 2).tolist() == want_cm.tolist()


@given(labelled(4))
@settings(deadline=None)
def test_confusion_matrix_matches_scikit_learn_for_more_classes(pt):
    pred, target = pt
    got = confusion_matrix(pred, target, 4)
    assert got.dtype == torch.int64 and got.shape == (4, 4)
    assert got.tolist() == sk.confusion_matrix(target, pred, labels=[0, 1, 2, 3]).tolist()
    assert macro_f1(pred, target, 4) == pytest.approx(sk.f1_score(target, pred, average="macro"))


def test_confusion_matrix_rows_are_true_classes():
    pred, target = torch.tensor([1, 1, 0]), torch.tensor([0, 1, 1])
    assert confusion_matrix(pred, target, 2).tolist() == [[0, 1], [1, 1]]  # [[TN, FP], [FN, TP]]
    assert binary_f1(pred, target) == pytest.approx(2 * 1 / (2 * 1 + 1 + 1))
    assert binary_f1(torch.tensor([0, 0]), torch.tensor([0, 0])) == 0.0  # positive class absent: 0, not 0/0
