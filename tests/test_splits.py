"""Held-out data: training draws only from the training split, every task has fixed validation and test
sets, real series are cut chronologically and texts at line starts, and no window straddles a cut."""
import math

import numpy as np
import pytest
import torch

from explorer.config import TaskConfig
from explorer.data.tasks import (
    DATA_DIR,
    EVAL_MAX_VALUES,
    EVAL_SIZE,
    SPLITS,
    chronological_split,
    line_split,
    make_task,
)

SYNTHETIC = ("sine", "adding", "copy", "order")
CORPUS = (DATA_DIR / "macbeth.txt").read_text(encoding="utf-8")
SUNSPOTS = np.loadtxt(DATA_DIR / "sunspots.csv", delimiter=",", skiprows=1)[:, 1]


def rows(batch) -> set[bytes]:
    """Each sequence of a batch (its inputs and targets) as bytes, to compare sets of sequences."""
    return {x.numpy().tobytes() + y.numpy().tobytes() for x, y in zip(batch.x, batch.y)}


@pytest.mark.parametrize("name", SYNTHETIC)
def test_synthetic_tasks_have_fixed_disjoint_evaluation_sets(name):
    task = make_task(TaskConfig(name=name, seq_len=12, seed=3))
    sets = {split: task.eval_set(split) for split in SPLITS}
    assert all(len(b.x) == EVAL_SIZE for b in sets.values())
    again = make_task(TaskConfig(name=name, seq_len=12, seed=3))
    for split, b in sets.items():
        assert task.eval_set(split) is b  # made once and kept
        other = again.eval_set(split)
        assert all(torch.equal(getattr(b, f), getattr(other, f)) for f in ("x", "y", "mask"))
        assert b.lengths is None and other.lengths is None
    other_seed = make_task(TaskConfig(name=name, seq_len=12, seed=4)).eval_set("val")
    assert not torch.equal(other_seed.x, sets["val"].x)
    # No sequence is shared between the sets or with the first training batches.
    training = set().union(*(rows(task.batch(32, seed=s)) for s in range(1, 50)))
    val, test, train = rows(sets["val"]), rows(sets["test"]), rows(sets["train"])
    if name == "order":  # 4 symbols at 12 steps: collisions are possible but rare; allow none in practice
        assert len(val & test) <= 1 and len(val & training) <= 2
    else:
        assert not (val & test) and not (val & training) and not (test & training) and not (train & val)


def windows_of(batch) -> np.ndarray:
    """(B, T+1) the series each sequence of a forecasting batch was cut from (x then the last target)."""
    return np.concatenate([batch.x[..., 0].numpy(), batch.y[:, -1:, 0].numpy()], axis=1)


def offsets_in(part: np.ndarray, windows: np.ndarray) -> list[int]:
    """Where each window lies in `part` (asserts that it lies in it, whole)."""
    t1 = windows.shape[1]
    every = np.stack([part[o : o + t1] for o in range(len(part) - t1 + 1)])  # (n, T+1)
    out = []
    for w in windows:
        err = np.abs(every - w).max(axis=1)
        assert err.min() < 1e-5, "a window does not lie inside its part"
        out.append(int(err.argmin()))
    return out


def test_sunspots_are_cut_chronologically_and_no_window_straddles_a_cut():
    T = 20
    task = make_task(TaskConfig(name="sunspots", seq_len=T))
    # An independent statement of the rule: the last tenth (31 values) for the test part, the tenth before
    # it for validation, the first 247 years (1700-1946) for training.
    assert task.parts == {"train": (0, 247), "val": (247, 278), "test": (278, 309)}
    train = SUNSPOTS[:247]
    z = (SUNSPOTS - train.mean()) / train.std()
    parts = {s: z[a:b] for s, (a, b) in task.parts.items()}
    seen = set()
    for seed in range(1, 40):
        seen |= set(offsets_in(parts["train"], windows_of(task.batch(32, seed=seed))))
    assert len(seen) > 200  # training draws cover the training part (227 offsets) ...
    for split in SPLITS:  # ... and each fixed set lies inside its own part, at evenly spread offsets
        got = offsets_in(parts[split], windows_of(task.eval_set(split)))
        n_offsets = len(parts[split]) - T
        if n_offsets <= EVAL_SIZE:
            assert got == list(range(n_offsets))  # every window of the part
        else:
            assert len(got) == EVAL_SIZE and got[0] == 0 and got[-1] == n_offsets - 1
            assert max(np.diff(got)) - min(np.diff(got)) <= 1


def test_noise_is_on_evaluation_inputs_too_and_fixed():
    clean = make_task(TaskConfig(name="sunspots", seq_len=20)).eval_set("val")
    noisy = make_task(TaskConfig(name="sunspots", seq_len=20, noise=0.3))
    assert torch.equal(noisy.eval_set("val").y, clean.y)
    assert 0.2 < (noisy.eval_set("val").x - clean.x).std().item() < 0.4
    assert torch.equal(noisy.eval_set("val").x, make_task(TaskConfig(name="sunspots", seq_len=20, noise=0.3)).eval_set("val").x)


def test_the_text_is_cut_at_line_starts_and_windows_stay_in_their_part():
    T = 30
    task = make_task(TaskConfig(name="charlm", seq_len=T))
    (a0, v), (v1, t), (t1, n) = task.parts.values()
    assert (a0, v1, t1, n) == (0, v, t, len(CORPUS))
    assert CORPUS[v - 1] == CORPUS[t - 1] == "\n"  # each held-out part starts a line
    # The last line start before 90 % (test) and before that minus a tenth (validation).
    held = math.ceil(0.1 * len(CORPUS))
    assert "\n" not in CORPUS[t : len(CORPUS) - held] and "\n" not in CORPUS[v : t - held]
    texts = {"train": CORPUS[:v], "val": CORPUS[v:t], "test": CORPUS[t:]}

    def strings(batch):
        return [task.decode(x.argmax(-1)) + task.decode(y[-1]) for x, y in zip(batch.x, batch.y)]

    for seed in range(1, 5):
        assert all(s in texts["train"] for s in strings(task.batch(32, seed=seed)))
    for split in SPLITS:
        got = strings(task.eval_set(split))
        assert len(got) == EVAL_SIZE and all(s in texts[split] for s in got)
        assert got[0] == texts[split][: T + 1] and got[-1] == texts[split][-T - 1 :]  # spread over the whole part


def test_long_one_hot_sequences_get_a_smaller_evaluation_set():
    task = make_task(TaskConfig(name="copy", seq_len=1000))  # 1020 steps of 10 symbols
    assert task.eval_size == EVAL_MAX_VALUES // (1020 * 10) < EVAL_SIZE
    assert len(task.eval_set("val").x) == task.eval_size


@pytest.mark.parametrize("n, seq_len, want", [
    (309, 20, (247, 278)),       # a tenth each (31 values)
    (309, 101, (105, 207)),      # one window each (102 values)
    (1000, 5, (800, 900)),
    (16, 4, (6, 11)),            # 3 T + 4 values: the fewest possible
])
def test_chronological_split(n, seq_len, want):
    assert chronological_split(n, seq_len) == want


def test_chronological_split_refuses_too_few_values():
    with pytest.raises(ValueError, match="needs at least 16"):
        chronological_split(15, 4)


def test_line_split_moves_each_cut_back_to_a_line_start():
    text = "".join(f"line {i:02d}\n" for i in range(30))  # 30 lines of 8 characters
    v, t = line_split(text, 5)  # a tenth is 24 characters = 3 lines
    assert (v, t) == (24 * 8, 27 * 8)
    v, t = line_split(text[:-3], 5)  # the last line is cut short: the cuts move back to line starts
    assert text[v - 1] == text[t - 1] == "\n" and (v, t) == (23 * 8, 26 * 8)


def test_an_unknown_split_is_refused():
    with pytest.raises(ValueError, match="split must be one of train, val, test"):
        make_task(TaskConfig()).eval_set("dev")
