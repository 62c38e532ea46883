import math
from collections import Counter

import numpy as np
import pytest
import torch

from explorer.config import TASK_NAMES, TaskConfig
from explorer.data.tasks import DATA_DIR, MAX_UPLOAD_BYTES, Batch, csv_columns, make_task

CSV = "day,temp\n" + "".join(f"{d},{10 + 5 * math.sin(d / 3):.4f}\n" for d in range(40))
TEXT = "The cat (a grey one) sat.\n'Hello,' said the dog.\n" * 3
LABELLED = "text,label\n" + "".join(f"review {i} was {'great' if i % 2 else 'awful'},{'pos' if i % 2 else 'neg'}\n"
                                     for i in range(40))
USER_DATA = {"csv": CSV.encode(), "text": TEXT.encode(), "text_csv": LABELLED.encode()}


def task_of(name, **kw):
    cfg = TaskConfig(name=name, **{"seq_len": 12, **({"period": 5} if name == "spikes" else {}), **kw})
    return make_task(cfg, USER_DATA.get(name))


def perfect_output(task, batch):
    """What a model that knows the answer outputs."""
    if task.kind == "regression":
        return batch.y.clone()
    return 1e4 * torch.nn.functional.one_hot(batch.y, task.output_size).float()


# ---- TaskConfig ------------------------------------------------------------------------------


def test_config_round_trips_through_dict():
    cfg = TaskConfig("csv", seq_len=7, noise=0.25, n_sines=3, freq=0.1, csv_column="temp", seed=9)
    assert TaskConfig.from_dict(cfg.to_dict()) == cfg
    assert TaskConfig.from_dict({}) == TaskConfig()


def test_config_from_dict_rejects_unknown_keys():
    with pytest.raises(ValueError, match=r"unknown TaskConfig field\(s\): hidden"):
        TaskConfig.from_dict({"name": "sine", "hidden": 3})


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "lorenz", "name must be one of sine, adding"),
        ("seq_len", 1, "seq_len must be an integer in 2..1000, got 1"),
        ("seq_len", 1001, "seq_len must be an integer in 2..1000, got 1001"),
        ("seq_len", 10.0, "seq_len must be an integer in 2..1000, got 10.0"),
        ("seq_len", True, "seq_len must be an integer"),
        ("noise", -0.1, r"noise must be a number in \[0, 1\], got -0.1"),
        ("noise", float("nan"), r"noise must be a number in \[0, 1\]"),
        ("noise", "0.1", "noise must be a number"),
        ("n_sines", 0, "n_sines must be an integer in 1..5, got 0"),
        ("n_sines", 6, "n_sines must be an integer in 1..5, got 6"),
        ("freq", 0.001, r"freq must be a number in \[0.005, 0.5\], got 0.001"),
        ("freq", 0.51, r"freq must be a number in \[0.005, 0.5\], got 0.51"),
        ("csv_column", None, "csv_column must be a string, got None"),
        ("seed", -1, "seed must be an integer in 0..2147483647, got -1"),
        ("seed", 2**31, "seed must be an integer in 0..2147483647"),
    ],
)
def test_config_rejects_each_bad_field(field, value, message):
    with pytest.raises(ValueError, match=message):
        TaskConfig(**{field: value})


def test_config_order_needs_three_steps():
    TaskConfig("order", seq_len=3)
    with pytest.raises(ValueError, match="seq_len must be at least 3 for the order task"):
        TaskConfig("order", seq_len=2)


# ---- every task ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TASK_NAMES)
def test_batch_shapes_dtypes_and_determinism(name):
    task = task_of(name)
    b = task.batch(4, seed=1)
    B = 4
    if task.token_inputs:  # ids padded to the longest sequence of the batch
        T = int(b.lengths.max())
        assert b.x.shape == (B, T) and b.x.dtype == torch.int64 and T <= task.seq_len
        assert b.lengths.shape == (B,) and b.lengths.dtype == torch.int64
    else:
        T = task.seq_len
        assert b.x.shape == (B, T, task.input_size) and b.x.dtype == torch.float32 and b.lengths is None
    assert b.mask.shape == (B, T) and b.mask.dtype == torch.bool
    if task.kind == "regression":
        assert b.y.shape == (B, T, task.output_size) and b.y.dtype == torch.float32
    else:
        assert b.y.shape == (B, T) and b.y.dtype == torch.int64
        assert 0 <= b.y.min() and b.y.max() < task.output_size
    assert set(task.metric_names) == set(task.metrics(perfect_output(task, b), b))

    same = task.batch(4, seed=1)
    assert all(u is v is None or torch.equal(u, v) for u, v in zip(vars(b).values(), vars(same).values()))
    assert not torch.equal(b.x, task.batch(4, seed=2).x)
    assert not torch.equal(b.x, task_of(name, seed=5).batch(4, seed=1).x)


@pytest.mark.parametrize("name", TASK_NAMES)
def test_loss_matches_independent_computation_and_only_masked_steps_get_gradient(name):
    task = task_of(name)
    b = task.batch(3, seed=0)
    out = torch.randn(*b.mask.shape, task.output_size, generator=torch.Generator().manual_seed(0))
    out.requires_grad_(True)
    terms = []  # per counted (sample, step, output) or (sample, step)
    for i, t in zip(*np.nonzero(b.mask.numpy())):
        if task.kind == "regression":
            terms += ((out[i, t] - b.y[i, t]) ** 2).tolist()
        else:
            logits = out[i, t].tolist()
            terms.append(math.log(sum(map(math.exp, logits))) - logits[b.y[i, t]])
    loss = task.loss(out, b)
    assert loss.item() == pytest.approx(sum(terms) / len(terms), rel=1e-5)

    loss.backward()
    touched = out.grad.abs().sum(-1) > 0  # (B, T)
    assert torch.equal(touched, b.mask)


@pytest.mark.parametrize("name", TASK_NAMES)
def test_metrics_of_a_perfect_model(name):
    task = task_of(name)
    b = task.batch(8, seed=3)
    m = task.metrics(perfect_output(task, b), b)
    expected = {
        "MAE": 0, "RMSE": 0, "SMAPE": 0, "MSE": 0, "acc@0.04": 1, "accuracy": 1, "CE": 0,
        "F1 (macro)": 1, "perplexity": 1, "bits/char": 0, "on time": 1, "F1 (positive)": 1,
    }
    assert m == {k: pytest.approx(expected[k], abs=1e-6) for k in task.metric_names}


def test_loss_rejects_wrong_output_shape():
    task = task_of("adding")
    b = task.batch(2, seed=0)
    with pytest.raises(ValueError, match=r"out must have shape \(2, 12, 1\), got \(2, 12, 2\)"):
        task.loss(torch.zeros(2, 12, 2), b)


# ---- construction of each task ---------------------------------------------------------------


def test_sine_is_a_clean_next_step_target_of_a_true_sinusoid():
    task = task_of("sine", seq_len=30, freq=0.07)
    b = task.batch(5, seed=0)
    x, y = b.x[..., 0].double(), b.y[..., 0].double()
    assert torch.allclose(x[:, 1:], y[:, :-1])  # noise 0: x is the signal, y the next value
    # Any sinusoid of frequency f obeys s[t+1] = 2 cos(2 pi f) s[t] - s[t-1].
    two_cos = 2 * math.cos(2 * math.pi * 0.07)
    assert torch.allclose(y[:, 2:], two_cos * y[:, 1:-1] - y[:, :-2], atol=1e-6)


def test_sine_noise_is_on_inputs_only_and_baseline_is_signal_power():
    clean = task_of("sine", n_sines=3, seq_len=20).batch(1000, seed=4)
    noisy = task_of("sine", n_sines=3, seq_len=20, noise=0.5).batch(1000, seed=4)
    assert torch.equal(clean.y, noisy.y)
    assert (noisy.x[:, 1:] - noisy.y[:, :-1]).std().item() == pytest.approx(0.5, rel=0.02)
    task = task_of("sine", n_sines=3)
    assert task.baseline == pytest.approx(1 / 6)
    assert task.baseline_label == "predict 0 always (MSE 0.167)"
    assert task.loss(torch.zeros_like(clean.y), clean).item() == pytest.approx(1 / 6, rel=0.03)


def test_adding_has_one_marker_per_half_and_the_sum_at_the_end():
    task = task_of("adding", seq_len=11)
    b = task.batch(64, seed=0)
    values, markers = b.x[..., 0], b.x[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert set(markers.unique().tolist()) == {0.0, 1.0}
    assert (markers[:, :5].sum(1) == 1).all() and (markers[:, 5:].sum(1) == 1).all()
    assert torch.allclose(b.y[:, -1, 0], (values * markers).sum(1))
    assert (b.y[:, :-1] == 0).all()
    assert b.mask[:, -1].all() and b.mask.sum() == 64
    assert task.baseline == pytest.approx(1 / 6)
    big = task.batch(4000, seed=1)
    assert task.loss(torch.ones(4000, 11, 1), big).item() == pytest.approx(1 / 6, rel=0.05)


def test_adding_accuracy_counts_errors_below_0_04():
    task = task_of("adding")
    b = task.batch(4, seed=0)
    out = b.y.clone()
    out[:, -1, 0] += torch.tensor([0.0, 0.039, -0.041, 0.5])
    assert task.metrics(out, b)["acc@0.04"] == 0.5


def test_copy_layout():
    delay = 5
    task = task_of("copy", seq_len=delay)
    assert task.seq_len == delay + 20 and task.input_size == task.output_size == 10
    b = task.batch(16, seed=0)
    x, y = b.x.argmax(-1), b.y
    assert torch.equal(b.x.sum(-1), torch.ones(16, 25))  # one-hot
    data = x[:, :10]
    assert ((data >= 1) & (data <= 8)).all()
    assert (x[:, 10:10 + delay - 1] == 0).all()
    assert (x[:, 10 + delay - 1] == 9).all()
    assert (x[:, -10:] == 0).all()
    assert (y[:, :delay + 10] == 0).all() and torch.equal(y[:, -10:], data)
    assert b.mask.all()
    assert "".join(task.vocab[i] for i in x[0, 9:16]) == task.vocab[data[0, -1]] + "____>_"


def test_copy_memoryless_strategy_scores_exactly_the_baseline():
    delay, B = 30, 8
    task = task_of("copy", seq_len=delay)
    b = task.batch(B, seed=0)
    logits = torch.full((B, delay + 20, 10), -1e9)
    logits[:, : delay + 10, 0] = 0  # blank with certainty
    logits[:, delay + 10 :, 1:9] = 0  # then uniform over the 8 data symbols
    assert task.baseline == 10 * math.log(8) / (delay + 20)
    assert task.loss(logits, b).item() == pytest.approx(task.baseline, rel=1e-6)
    assert task.baseline_label == "blanks, then a uniform guess (CE 0.416)"


def test_order_places_two_symbols_in_thirds_and_labels_their_order():
    T = 15
    task = task_of("order", seq_len=T)
    b = task.batch(400, seed=0)
    x = b.x.argmax(-1)  # (B, T)
    labels = b.y[:, -1]
    assert torch.bincount(labels, minlength=4).tolist() == [100] * 4
    for seq, label in zip(x.tolist(), labels.tolist()):
        relevant = [(t, s) for t, s in enumerate(seq) if s >= 4]
        assert len(relevant) == 2
        (t1, s1), (t2, s2) = relevant
        assert t1 < T // 3 <= t2 < 2 * (T // 3)
        assert task.CLASSES[label] == task.vocab[s1] + task.vocab[s2]
    assert (b.y[:, :-1] == 0).all() and b.mask.sum() == 400
    assert task.baseline == math.log(4)


def test_order_macro_f1_of_a_known_confusion():
    task = task_of("order")
    b = task.batch(4, seed=0)  # one sequence per class
    target = b.y[:, -1]
    pred = torch.where(target == 1, 0, target)  # class 1 is always called class 0
    out = torch.zeros(4, 12, 4)
    out[torch.arange(4), -1, pred] = 1
    # F1 per class: 0 -> 2/3 (1 hit, 1 false alarm), 1 -> 0, 2 -> 1, 3 -> 1.
    assert task.metrics(out, b) == {"accuracy": 0.75, "F1 (macro)": pytest.approx((2 / 3 + 2) / 4)}
    two = task.batch(2, seed=0)  # two classes absent and never predicted: they do not count
    assert task.metrics(perfect_output(task, two), two)["F1 (macro)"] == 1


def test_charlm_windows_come_from_the_shipped_corpus():
    corpus = (DATA_DIR / "macbeth.txt").read_text(encoding="utf-8")
    task = task_of("charlm", seq_len=40)
    assert task.vocab == sorted(set(corpus)) and len(task.vocab) <= 70
    assert len(corpus) > 20_000 and "(" in corpus and "\n" in corpus
    b = task.batch(6, seed=0)
    x_ids = b.x.argmax(-1)
    assert torch.equal(x_ids[:, 1:], b.y[:, :-1])  # y is x shifted by one
    for xs, ys in zip(x_ids, b.y):
        assert task.decode(xs) + task.decode(ys[-1]) in corpus


def test_charlm_baseline_is_the_unigram_entropy_of_the_training_part():
    corpus = (DATA_DIR / "macbeth.txt").read_text(encoding="utf-8")
    task = task_of("charlm")
    train = corpus[: task.parts["train"][1]]
    assert train.endswith("\n") and 0.75 < len(train) / len(corpus) <= 0.8  # whole lines, about 80 %
    counts = Counter(train).values()
    entropy = -sum(c / len(train) * math.log(c / len(train)) for c in counts)
    assert task.baseline == pytest.approx(entropy, rel=1e-12)


def test_text_encode_decode_and_inputs():
    task = task_of("text")
    s = "the dog (grey) said 'cat'.\n"
    ids = task.encode(s)
    assert ids.dtype == torch.int64 and ids.shape == (len(s),)
    assert task.decode(ids) == s and task.decode(ids.tolist()) == s
    one_hot = task.inputs_from_text(s)
    assert one_hot.shape == (1, len(s), task.input_size) and one_hot.dtype == torch.float32
    assert torch.equal(one_hot[0].argmax(-1), ids)
    assert torch.equal(one_hot.sum(-1), torch.ones(1, len(s)))
    with pytest.raises(ValueError, match="characters not in the alphabet: 'Z' 'q'"):
        task.encode("qZ the")


def test_sunspots_windows_and_exact_baseline():
    values = np.loadtxt(DATA_DIR / "sunspots.csv", delimiter=",", skiprows=1)[:, 1]
    assert len(values) == 309
    T = 101  # the longest that leaves room for the three parts: 309 = 3·101 + 6
    task = task_of("sunspots", seq_len=T)
    v = 309 - 2 * (T + 1)  # each held-out part is one window (more than a tenth of the series)
    assert task.parts == {"train": (0, v), "val": (v, v + T + 1), "test": (v + T + 1, 309)}
    train = values[:v]
    z = (train - train.mean()) / train.std()  # z-scored with the training part's statistics only
    windows = np.stack([z[o : o + T + 1] for o in range(len(z) - T)])  # every possible training window
    targets = windows[:, 1:]
    assert task.baseline == pytest.approx(targets.var(), rel=1e-9)
    b = task.batch(5, seed=0)
    full = np.concatenate([b.x[..., 0].numpy(), b.y[:, -1:, 0].numpy()], axis=1)  # (B, T+1)
    for row in full:
        assert np.abs(windows - row).max(axis=1).min() < 1e-5
    with pytest.raises(ValueError, match="'SUNACTIVITY' has 309 values; .* needs at least 310"):
        task_of("sunspots", seq_len=102)


def test_csv_picks_first_numeric_column_and_smape_is_on_the_original_scale():
    # "price": training part 10, 20, 40, 30 (mean 25, std sqrt(125)); then 50, 60, 70 / 80, 90, 100 held out
    data = b"name,price,qty\n" + b"".join(f"{c},{p},{q}\n".encode() for c, p, q in zip(
        "abcdefghij", (10, 20, 40, 30, 50, 60, 70, 80, 90, 100), (1, 2, 3, 4, 5, 6, 7, 8, 9, 9)))
    task = make_task(TaskConfig("csv", seq_len=2), data)
    assert task.parts == {"train": (0, 4), "val": (4, 7), "test": (7, 10)}
    mean, std = 25, math.sqrt(125)
    b = task.batch(3, seed=0)
    assert {round(v * std + mean, 6) for v in b.x.flatten().tolist()} <= {10, 20, 40}
    out = ((b.y * std + mean) * 1.1 - mean) / std  # 10 % too high on the original scale
    assert task.metrics(out, b)["SMAPE"] == pytest.approx(100 * 0.2 / 2.1, rel=1e-5)
    qty = make_task(TaskConfig("csv", seq_len=2, csv_column="qty"), data).batch(3, seed=0)
    assert not torch.equal(qty.x, b.x)


# ---- bad user data ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, column, data, message",
    [
        ("csv", "", None, "The csv task needs an uploaded file"),
        ("text", "", None, "The text task needs an uploaded file"),
        ("csv", "", b"", "The file is empty"),
        ("text", "", b" \n\n", "The file is empty"),
        ("csv", "", b"a,b\n1,2\x00\n", "binary .*NUL"),
        ("text", "", "caf\xe9 ".encode("latin-1") * 20, "not UTF-8 text .byte 3"),
        ("text", "", b"a" * (MAX_UPLOAD_BYTES + 1), "the limit is 2,097,152 bytes"),
        ("csv", "", b"a,b\nx,y\n", "No numeric column"),
        ("csv", "", b"1,2\n3,4\n", "first row must be a header"),
        ("csv", "", b"a,b\n", "no data rows"),
        ("csv", "zz", CSV.encode(), "Column 'zz' not found; the columns are: day, temp"),
        ("csv", "temp", CSV.replace("10.0000", "ten").encode(), "'temp', line 2: 'ten' is not a"),
        ("csv", "temp", CSV.replace("10.0000", "nan").encode(), "line 2: 'nan' is not a finite"),
        ("csv", "temp", CSV.replace("10.0000", "-inf").encode(), "'-inf' is not a finite"),
        ("csv", "temp", CSV.replace("10.0000", "").encode(), "line 2: '' is not a finite"),
        ("csv", "", b"t\n" + b"1\n" * 39, "'t' has 39 values; .* needs at least 40"),
        ("csv", "", b"t,v\n" + b"1,3\n" * 40, "'t' is constant"),
        ("csv", "", b"t\n" + b"1\n" * 14 + b"2\n" * 26, "'t' is constant in its training part .the first 14"),
        ("csv", "", b"a\n" + b"x" * 140_000, "not a readable CSV .field larger than field limit"),
        ("text", "", b"short text", "The text has 10 characters; .* at least 40"),
        ("text", "", b"x" * 60, "cannot be split at line breaks"),
        ("text", "", b"x" * 30 + b"\n" + b"y" * 30, "cannot be split at line breaks"),
        ("text", "", "".join(map(chr, range(300, 520))).encode(), "220 distinct .* limit is 200"),
    ],
)
def test_bad_user_data_raises_a_readable_value_error(name, column, data, message):
    with pytest.raises(ValueError, match=message):
        make_task(TaskConfig(name, seq_len=12, csv_column=column), data)


def test_user_data_accepts_bom_and_windows_line_ends():
    task = make_task(TaskConfig("text", seq_len=2), "\ufeffabcd\r\ncd\r\nef\r\ngh".encode())
    assert task.vocab == ["\n", "a", "b", "c", "d", "e", "f", "g", "h"]
    assert task.parts == {"train": (0, 5), "val": (5, 8), "test": (8, 13)}  # "abcd\n" | "cd\n" | "ef\ngh"
    csv_task = make_task(TaskConfig("csv", seq_len=2), "\ufeffv\r\n".encode() + b"1\r\n2\r\n4\r\n8\r\n" * 3)
    assert csv_task.batch(1, seed=0).x.shape == (1, 2, 1)


def test_batch_validates_its_arguments():
    task = task_of("sine")
    with pytest.raises(ValueError, match="batch_size must be an integer in 1..4096, got 0"):
        task.batch(0, seed=0)
    with pytest.raises(ValueError, match="seed must be an integer"):
        task.batch(2, seed=-1)
    assert isinstance(task.batch(1, seed=2**40), Batch)



@pytest.mark.parametrize("data,columns", [
    (b"day,city,temp\n1,Oslo,2.5\n2,Oslo,3\n", ["day", "temp"]),
    (b"\n\n day , temp \n\n  \n1,\n", ["day"]),           # blank lines skipped, names stripped, a short row
    (b"\xef\xbb\xbfa;b\n1;2\n", []),                        # one column "a;b" holding no number
    (b"day,temp\n", []),                                    # no data row
    (b"day,temp\n\xff\xfe\n", []),                          # not UTF-8
    (b"", []),
])
def test_csv_columns(data, columns):
    assert csv_columns(data) == columns


def test_the_csv_columns_offered_are_those_the_task_reads():
    data = b"day,city,temp\n" + b"".join(f"{d},Oslo,{(d * 7) % 23}\n".encode() for d in range(50))
    assert csv_columns(data) == ["day", "temp"]
    for column in ("day", "temp"):
        make_task(TaskConfig("csv", seq_len=10, csv_column=column), data)
    with pytest.raises(ValueError, match="'city', line 2: 'Oslo' is not a finite number"):
        make_task(TaskConfig("csv", seq_len=10, csv_column="city"), data)


# ---- issue 11: sum of neighbours, timed spikes, and which tasks predict the next value ---------------

def test_neighbours_target_is_the_sum_of_the_values_five_steps_away():
    from explorer.data.tasks import NEIGHBOUR_GAP
    task = task_of("neighbours", seq_len=20)
    b = task.batch(16, seed=1)
    x, y, d = b.x[..., 0].double(), b.y[..., 0].double(), NEIGHBOUR_GAP
    assert b.mask[:, d:20 - d].all() and not b.mask[:, :d].any() and not b.mask[:, 20 - d:].any()
    for t in range(d, 20 - d):
        torch.testing.assert_close(y[:, t], x[:, t - d] + x[:, t + d])


def test_neighbours_baseline_and_the_unidirectional_floor():
    """Predicting 1 scores the baseline 1/6; the best a model that cannot see ahead can do, x_{t−5} + E[x],
    scores 1/12 (Monte Carlo over 64k targets)."""
    from explorer.data.tasks import NEIGHBOUR_GAP, NeighboursTask
    task = task_of("neighbours", seq_len=40)
    b = task.batch(4096, seed=2)
    x, y = b.x[..., 0].double(), b.y[..., 0].double()
    constant = torch.ones_like(y)
    causal = torch.zeros_like(y)
    causal[:, NEIGHBOUR_GAP:] = x[:, :-NEIGHBOUR_GAP] + 0.5
    mse = lambda p: (p - y)[b.mask].pow(2).mean().item()  # noqa: E731
    assert mse(constant) == pytest.approx(task.baseline, rel=0.02)
    assert mse(causal) == pytest.approx(NeighboursTask.UNIDIRECTIONAL_FLOOR, rel=0.02)


def test_neighbours_needs_room_for_both_neighbours():
    with pytest.raises(ValueError, match="at least 11"):
        TaskConfig(name="neighbours", seq_len=10)


@pytest.mark.parametrize("period", [2, 5, 7])
def test_spikes_every_period_after_the_input_spike(period):
    task = task_of("spikes", seq_len=4 * period + 3, period=period)
    b = task.batch(32, seed=4)
    for x, y, m in zip(b.x[..., 0], b.y, b.mask):
        (t0,) = torch.nonzero(x).flatten().tolist()
        assert 0 <= t0 < period and x.sum() == 1
        assert torch.nonzero(y).flatten().tolist() == list(range(t0 + period, len(y), period))
        assert torch.nonzero(m).flatten().tolist() == list(range(t0 + 1, len(y)))


def test_spikes_baseline_is_the_entropy_of_the_pooled_spike_rate():
    task = task_of("spikes", seq_len=80, period=20)
    b = task.batch(4096, seed=5)
    rate = b.y[b.mask].double().mean().item()
    logits = torch.tensor([math.log(1 - rate), math.log(rate)]).expand(*b.y.shape, 2).float()
    assert task.loss(logits, b).item() == pytest.approx(task.baseline, rel=0.01)


def test_spikes_on_time_needs_every_step_right():
    task = task_of("spikes", seq_len=30, period=6)
    b = task.batch(8, seed=6)
    late = perfect_output(task, b).roll(1, dims=1)  # every spike one step late
    assert task.metrics(late, b)["on time"] == 0.0
    assert task.metrics(perfect_output(task, b), b)["on time"] == 1.0


def test_spikes_needs_room_for_one_output_spike():
    with pytest.raises(ValueError, match="twice the period"):
        TaskConfig(name="spikes", seq_len=39, period=20)


def test_the_next_step_tasks_really_predict_the_next_input():
    """The tasks on which a bidirectional model is refused are exactly those whose target at t is the input at
    t + 1 (checked on the shipped ones; csv and text are the same classes as sunspots and charlm)."""
    from explorer.data.tasks import NEXT_STEP_TASKS
    assert NEXT_STEP_TASKS == {"sine", "sunspots", "csv", "charlm", "text"}
    for name in ("sine", "sunspots"):
        b = task_of(name).batch(4, seed=7)
        torch.testing.assert_close(b.y[:, :-1, 0], b.x[:, 1:, 0])
    b = task_of("charlm").batch(4, seed=7)
    assert torch.equal(b.y[:, :-1], b.x[:, 1:].argmax(-1))
