"""The lecture presets: named, fully seeded scenarios, each showing one effect within a lecture's budget.

Every number quoted in a preset's text was measured with its exact configuration (see
tests/test_presets.py and tests/test_seq2seq_presets.py, which train each preset headless and assert the effect).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import ModelConfig, Seq2SeqConfig, TaskConfig, TrainConfig
from ..lab import Lab, make_lab
from ..training.seq2seq import Seq2SeqLab, make_seq2seq_lab

PAGES = ("train", "step_through", "build", "by_hand", "seq2seq")


@dataclass(frozen=True)
class Preset:
    key: str              # URL-safe id, e.g. "vanishing"
    title: str            # a few words, e.g. "Vanishing gradients"
    look_at: str          # two sentences: what to look at, on which page
    model: ModelConfig    # input/output sizes are set from the task by make_lab
    task: TaskConfig
    train: TrainConfig    # train.steps is the budget a lecturer runs
    page: str             # where to go after loading: "train" | "step_through" | "build" | "by_hand"
    compare_with: str | None = None  # the key of the other half of a pair
    widgets: tuple[tuple[str, object], ...] = ()  # (widget key, value) the page opens with, e.g. a switch turned on


# The adding problem at T = 100 (baseline MSE 0.167) with Adam: vanishing, LSTM, forget bias, IRNN.
ADDING_100 = TaskConfig(name="adding", seq_len=100, seed=2)
ADAM = TrainConfig(optimizer="adam", lr=0.01, clip="norm", clip_threshold=1.0, batch_size=32,
                   steps=1500, probe_every=25, seed=2)
# A ReLU RNN whose W_hh has spectral radius 1.5, trained by plain SGD with momentum: the exploding pair.
RELU_RADIUS_15 = ModelConfig(cell="rnn", hidden_size=32, nonlinearity="relu", init="spectral",
                             spectral_radius=1.5, seed=6)
ADDING_100_SEED_6 = replace(ADDING_100, seed=6)
SGD = TrainConfig(optimizer="sgd", lr=0.01, momentum=0.9, clip="none", batch_size=32,
                  steps=300, probe_every=1, seed=6)
# Copy memory with a delay of 10 (30 steps in all; baseline cross-entropy 0.693).
COPY_10 = TaskConfig(name="copy", seq_len=10, seed=0)
COPY_TRAIN = TrainConfig(optimizer="adam", lr=0.01, clip="norm", clip_threshold=1.0, batch_size=32,
                         steps=800, probe_every=25, seed=0)

_PRESETS = [
    Preset(
        key="vanishing",
        title="Vanishing gradients",
        look_at="On the Train page the loss of this tanh RNN stays at the 0.167 baseline for all 1500 steps: "
                "it never finds the two marked numbers 100 steps apart. "
                "The ‖∂L/∂h_t‖ heatmap shows why: at nearly every probe the gradient reaching the first step "
                "is 10⁻¹⁰ or less of the last step's, so the first marked number is never learned.",
        model=ModelConfig(cell="rnn", hidden_size=32, nonlinearity="tanh", init="orthogonal", seed=2),
        task=ADDING_100, train=ADAM, page="train", compare_with="lstm",
    ),
    Preset(
        key="exploding",
        title="Exploding gradients",
        look_at="On the Train page the gradient norm of this ReLU RNN (W_hh with spectral radius 1.5, SGD, "
                "no clipping) jumps from about 6 at step 1 to over 10,000 at step 2, "
                "and at step 3 the loss is NaN. "
                "Training stops there with a divergence message: the trainer caught the non-finite "
                "loss and did not apply that update.",
        model=RELU_RADIUS_15, task=ADDING_100_SEED_6, train=SGD, page="train", compare_with="clipping",
    ),
    Preset(
        key="clipping",
        title="Clipping rescues the run",
        look_at="This is the exploding run again, with the global gradient norm clipped to 1: on the Train "
                "page the raw gradient norm still spikes above 10,000, but every update is rescaled and all "
                "300 steps stay finite. "
                "After a spike in the first steps the loss drops back to the 0.167 baseline and stays there; "
                "clipping keeps training alive, "
                "it does not by itself teach a ReLU RNN to remember 100 steps.",
        model=RELU_RADIUS_15, task=ADDING_100_SEED_6, train=replace(SGD, clip="norm", clip_threshold=1.0),
        page="train", compare_with="exploding",
    ),
    Preset(
        key="lstm",
        title="The LSTM remembers",
        look_at="The same adding problem as the vanishing preset, same data, with an LSTM: on the Train page "
                "its loss sits at the 0.167 baseline for about 600 steps and then drops to below 0.01. "
                "In the ‖∂L/∂h_t‖ heatmap, once it has learned, the gradient at the first step is about 1/50 "
                "of the last step's (10⁻¹⁰ before), carried back along the cell state c_t.",
        model=ModelConfig(cell="lstm", hidden_size=32, init="orthogonal", forget_bias=1.0, seed=2),
        task=ADDING_100, train=ADAM, page="train", compare_with="vanishing",
    ),
    Preset(
        key="forget-bias-0",
        title="Forget-gate bias 0",
        look_at="An LSTM with the forget-gate bias at 0, so f ≈ σ(0) = 0.5 and the cell state is halved at "
                "every step: on the Train page the ‖∂L/∂h_t‖ heatmap at step 25 shows the gradient at the "
                "first step below 10⁻¹⁴ of the last step's. "
                "Load the forget-bias 1 preset next and compare the same heatmap.",
        model=ModelConfig(cell="lstm", hidden_size=32, forget_bias=0.0, seed=2),
        task=ADDING_100, train=replace(ADAM, steps=200), page="train", compare_with="forget-bias-1",
    ),
    Preset(
        key="forget-bias-1",
        title="Forget-gate bias 1",
        look_at="The same LSTM with the forget-gate bias at 1, so f ≈ σ(1) = 0.73: on the Train page the "
                "‖∂L/∂h_t‖ heatmap at step 25 shows the gradient at the first step above 10⁻¹² of the last "
                "step's, at least a hundred million times more than with bias 0. "
                "This is why Gers, Schmidhuber and Cummins (2000) and Jozefowicz, Zaremba and Sutskever "
                "(2015) start the forget gate open.",
        model=ModelConfig(cell="lstm", hidden_size=32, forget_bias=1.0, seed=2),
        task=ADDING_100, train=replace(ADAM, steps=200), page="train", compare_with="forget-bias-0",
    ),
    Preset(
        key="irnn",
        title="IRNN: ReLU with W_hh = I",
        look_at="A ReLU RNN whose W_hh starts as the identity (Le, Jaitly & Hinton 2015) on the adding "
                "problem at T = 100: on the Train page the ‖∂L/∂h_t‖ heatmap shows the gradient at the "
                "first step above 1/100 of the last step's, where the tanh RNN of the vanishing preset "
                "typically gets 10⁻¹⁰ or less. "
                "Its loss still hovers near the 0.167 baseline in these 200 steps: a gradient that reaches "
                "back is necessary, but learning the sum takes many thousands of steps "
                "(as in the IRNN paper).",
        model=ModelConfig(cell="rnn", hidden_size=32, nonlinearity="relu", init="identity", seed=2),
        task=ADDING_100, train=replace(ADAM, lr=0.001, steps=200), page="train", compare_with="vanishing",
    ),
    Preset(
        key="gru-copy",
        title="GRU on copy memory",
        look_at="A GRU recalling 10 symbols after a delay of 10: on the Train page its cross-entropy leaves "
                "the 0.693 baseline early and ends these 800 steps near 0.63. "
                "Load the LSTM-on-copy-memory preset next: with the same data and budget it stays longer "
                "on the baseline and ends higher.",
        model=ModelConfig(cell="gru", hidden_size=32, seed=0),
        task=COPY_10, train=COPY_TRAIN, page="train", compare_with="lstm-copy",
    ),
    Preset(
        key="lstm-copy",
        title="LSTM on copy memory",
        look_at="An LSTM recalling 10 symbols after a delay of 10: on the Train page its cross-entropy sits "
                "on the 0.693 baseline for about 600 steps and ends these 800 steps near 0.67. "
                "The GRU on the same data, with fewer parameters, gets below the baseline sooner.",
        model=ModelConfig(cell="lstm", hidden_size=32, seed=0),
        task=COPY_10, train=COPY_TRAIN, page="train", compare_with="gru-copy",
    ),
    Preset(
        key="charlm",
        title="A unit that counts along the line",
        look_at="Train this character LSTM on Macbeth for 600 steps on the Train page: its cross-entropy "
                "falls from the 3.30 baseline to about 1.8 nats. "
                "Then on the Step-through page watch hidden unit 22: it grows along each line of text and "
                "drops after the line break (correlation about 0.33 with the position in the line).",
        model=ModelConfig(cell="lstm", hidden_size=32, seed=0),
        task=TaskConfig(name="charlm", seq_len=50, seed=0),
        train=TrainConfig(optimizer="adam", lr=0.01, clip="norm", clip_threshold=1.0, batch_size=32,
                          steps=600, probe_every=25, seed=0),
        page="train",
    ),
]
# Issue 11: a bidirectional LSTM on a task whose every target lies half in the future; the peephole LSTM on the
# timed-spikes task of Gers, Schraudolph & Schmidhuber (2002), against the plain LSTM of the same seed.
NEIGHBOURS_30 = TaskConfig(name="neighbours", seq_len=30, seed=0)
SPIKES_20 = TaskConfig(name="spikes", seq_len=80, period=20, seed=0)
SPIKES_TRAIN = TrainConfig(optimizer="adam", lr=0.01, clip="norm", clip_threshold=1.0, batch_size=32, steps=1500,
                           probe_every=25, seed=0)
_PRESETS += [
    Preset(
        key="bi-lstm",
        title="A Bi-LSTM reads both ways",
        look_at="On the Train page this bidirectional LSTM learns the sum of neighbours x(t−5) + x(t+5): its loss "
                "falls from the 0.167 baseline to below 0.01 within these 600 steps. "
                "Switch Bidirectional off on the Build page and train the same LSTM again: reading one way it "
                "cannot see x(t+5), and its loss cannot get below about 0.083, half the baseline.",
        model=ModelConfig(cell="lstm", hidden_size=16, bidirectional=True, seed=0),
        task=NEIGHBOURS_30,
        train=TrainConfig(optimizer="adam", lr=0.01, clip="norm", clip_threshold=1.0, batch_size=32, steps=600,
                          probe_every=25, seed=0),
        page="train",
    ),
    Preset(
        key="peephole-spikes",
        title="Peepholes keep time (on this seed)",
        look_at="On the Train page this peephole LSTM of 4 units learns to spike exactly every 20 steps after one "
                "input spike: by step 1500 about half of its sequences are all on time, where the plain LSTM of "
                "the same seed (the next preset) gets none. "
                "This is one seed, not a law: on seed 3 it is the plain LSTM that gets further, and Greff and "
                "colleagues (2017) found that peepholes rarely help in practice.",
        model=ModelConfig(cell="peephole", hidden_size=4, seed=0),
        task=SPIKES_20, train=SPIKES_TRAIN, page="train", compare_with="lstm-spikes",
    ),
    Preset(
        key="lstm-spikes",
        title="A plain LSTM and timed spikes",
        look_at="The peephole preset's task and seed with a plain LSTM of 4 units: on the Train page its loss ends "
                "well below the baseline, yet by step 1500 none of its sequences has every spike on time. "
                "Load the peephole preset to see the same network with peepholes keep time on about half of them.",
        model=ModelConfig(cell="lstm", hidden_size=4, seed=0),
        task=SPIKES_20, train=SPIKES_TRAIN, page="train", compare_with="peephole-spikes",
    ),
]
# The By hand page (issue 10): the numpy network's backward pass, step by step.
_PRESETS += [
    Preset(
        key="bptt-by-hand",
        title="BPTT by hand on 4 steps",
        look_at="On the By hand page this tanh RNN with 3 units reads 4 steps of the adding problem, whose loss "
                "counts only at the last step: stepping the backward pass from t = 4 down to 1 shows dy = 0 at "
                "t = 3, 2 and 1, so everything that reaches them arrives through dh_next = dh_raw @ W_hh, and "
                "‖∂L/∂h_t‖ shrinks at every step back, to under a tenth of its t = 4 size by t = 1. "
                "The table at the end shows every hand-written gradient agreeing with autograd to better than "
                "10⁻¹⁴ and with central differences to better than 10⁻⁸.",
        model=ModelConfig(cell="rnn", hidden_size=3, nonlinearity="tanh", seed=0),
        task=TaskConfig(name="adding", seq_len=4, seed=0),
        train=TrainConfig(), page="by_hand",
        widgets=(("hand_sample", 0), ("hand_back_t", 4), ("hand_back_layer", 0)),
    ),
    Preset(
        key="textbook-gru",
        title="Textbook GRU vs PyTorch's GRU",
        look_at="On the By hand page this GRU runs on the same weights as PyTorch's, n = tanh(W_in x + b_in + "
                "r ⊙ (W_hn h + b_hn)), and as the textbook's, n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn): "
                "their hidden states differ by about 0.1 already at t = 1, where h_0 = 0 but PyTorch scales b_hn "
                "by r, and by about 0.25 at t = 6. "
                "The loss moves by only about 1 %, yet the recurrent weights' gradients differ by 25 % to 45 %, "
                "and each form's backward pass agrees with autograd on its own network: a textbook numpy GRU is "
                "right, it just is not nn.GRU.",
        model=ModelConfig(cell="gru", hidden_size=4, seed=0),
        task=TaskConfig(name="sine", seq_len=6, seed=0),
        train=TrainConfig(), page="by_hand",
        widgets=(("hand_sample", 0), ("hand_textbook", True), ("hand_t", 1), ("hand_layer", 0), ("hand_unit", 0)),
    ),
]
PRESETS: dict[str, Preset | Seq2SeqPreset] = {p.key: p for p in _PRESETS}  # in lecture order


def load(key: str) -> Lab | Seq2SeqLab:
    """A fresh, untrained lab of the preset `key` (a Seq2SeqLab for a seq2seq preset); ValueError names the known
    keys if it is unknown."""
    if key not in PRESETS:
        raise ValueError(f"unknown preset {key!r}; the presets are: {', '.join(PRESETS)}")
    p = PRESETS[key]
    if isinstance(p, Seq2SeqPreset):
        return make_seq2seq_lab(p.model, p.train)
    return make_lab(p.model, p.task, p.train)


# --- Issue 13: truncated BPTT, and held-out data with what regularisation does (training helper) -------------

_TRAINING_PRESETS = [
    Preset(
        key="tbptt-20",
        title="Truncated BPTT, k = 20",
        look_at="The LSTM preset again with the gradient cut every 20 steps: on the Train page the ‖∂L/∂h_t‖ "
                "heatmap is empty (exactly 0) for t = 1 to 80, so no gradient ever reaches the first marked "
                "number, which always lies in the first 50 steps. "
                "The loss still falls far below the 0.167 baseline, because what the LSTM learns within the last "
                "20 steps (add each marked number into the cell state and keep it) also works 100 steps back, "
                "but it ends about 20 times higher than with full BPTT (about 0.01 against 0.0006).",
        model=PRESETS["lstm"].model, task=ADDING_100, train=replace(ADAM, tbptt=20), page="train",
        compare_with="lstm",
    ),
]
# Overfitting: a large LSTM on a small text (the training part of Macbeth, about 24,000 characters), its
# validation loss measured every 25 steps on the held-out lines; then what dropout, weight decay and early
# stopping do to the same run.
MACBETH_30 = TaskConfig(name="charlm", seq_len=30, seed=0)
BIG_LSTM = ModelConfig(cell="lstm", hidden_size=128, num_layers=2, seed=0)
OVERFIT_TRAIN = TrainConfig(optimizer="adam", lr=0.01, clip="norm", clip_threshold=1.0, batch_size=32, steps=800,
                            probe_every=100, seed=0, eval_every=25)
_TRAINING_PRESETS += [
    Preset(
        key="overfit",
        title="Overfitting: the gap opens",
        look_at="This two-layer LSTM of 128 units learns from about 80 % of Macbeth and is checked on lines it "
                "never trains on: on the Train page its training loss falls to about 0.9 nats in 800 steps, while "
                "the validation loss bottoms out near 1.94 around step 300 and then climbs to about 2.3. "
                "The gap between the two curves opens from almost nothing at step 125 to about 1.4 nats: the model "
                "memorises its training text instead of learning what carries over to new lines.",
        model=BIG_LSTM, task=MACBETH_30, train=OVERFIT_TRAIN, page="train", compare_with="overfit-dropout",
    ),
    Preset(
        key="overfit-dropout",
        title="Dropout against overfitting",
        look_at="The overfitting preset with dropout 0.5 between the two LSTM layers: on the Train page the "
                "validation loss no longer climbs, it stays between 1.90 and 1.96 from step 300 to the end (2.29 "
                "at the end without dropout), while the training loss ends higher, near 1.3 instead of 0.9. "
                "Dropout gives up some fit of the training text for a model that generalises: the gap between the "
                "curves ends at about 0.64 nats instead of 1.4.",
        model=replace(BIG_LSTM, dropout=0.5), task=MACBETH_30, train=OVERFIT_TRAIN, page="train",
        compare_with="overfit",
    ),
    Preset(
        key="overfit-weight-decay",
        title="Weight decay against overfitting",
        look_at="The overfitting preset trained with AdamW and a decoupled weight decay of 1.0 (every step shrinks "
                "the weights by lr·λ = 1 %): on the Train page the validation loss stays between 1.93 and 2.0 "
                "from step 400 to the end (2.29 at the end without decay), and the training loss only gets down to "
                "about 1.65. "
                "Keeping the weights small keeps the model from memorising: the gap between the curves ends at "
                "about 0.3 nats instead of 1.4.",
        model=BIG_LSTM, task=MACBETH_30, train=replace(OVERFIT_TRAIN, optimizer="adamw", weight_decay=1.0),
        page="train", compare_with="overfit",
    ),
    Preset(
        key="overfit-early-stopping",
        title="Early stopping",
        look_at="The overfitting preset with early stopping (patience 3 evaluations of 25 steps): training stops "
                "by itself after step 375 and puts back the weights of step 300, where the validation loss was "
                "lowest (1.94). "
                "On the held-out test lines those weights score about 1.94 nats, where the full 800-step run "
                "ends at about 2.31.",
        model=BIG_LSTM, task=MACBETH_30, train=replace(OVERFIT_TRAIN, patience=3), page="train",
        compare_with="overfit",
    ),
]
PRESETS.update({p.key: p for p in _TRAINING_PRESETS})


# --- Sequence to sequence with attention (issue 14) ---------------------------------------------------
# In PRESETS like the others (Home and the sidebar list them); they load into a `Seq2SeqLab`, which the Seq2seq
# page uses (st.session_state.s2s_lab). Every number in their text is asserted by tests/test_seq2seq_presets.py
# with the exact configuration.


@dataclass(frozen=True)
class Seq2SeqPreset:
    key: str                 # URL-safe id
    title: str               # a few words
    look_at: str             # two sentences: what to look at
    model: Seq2SeqConfig     # the encoder–decoder and its task
    train: TrainConfig       # train.steps is the budget a lecturer runs
    page: str = "seq2seq"    # the page it belongs to
    compare_with: str | None = None  # the key of the other half of a pair
    widgets: tuple[tuple[str, object], ...] = (("s2s_view", "Train"),)  # the page opens on its training view


# Reversing 12–20 letters: a GRU encoder–decoder with and without attention, same seeds and data.
LONG_REVERSAL = Seq2SeqConfig(task="reverse", min_len=12, max_len=20, n_symbols=10, cell="gru", embedding_dim=16,
                              hidden_size=64, attention="none", eval_size=200)
SEQ2SEQ_TRAIN = TrainConfig(optimizer="adam", lr=0.005, clip="norm", clip_threshold=1.0, batch_size=32,
                            steps=400, probe_every=25, seed=0, eval_every=50)

_SEQ2SEQ_PRESETS = [
    Seq2SeqPreset(
        key="reverse-no-attention",
        title="Reversal without attention",
        look_at="This GRU encoder–decoder must squeeze a source of up to 20 letters into its last state: after "
                "400 steps its exact match on validation sources is still 0 and its BLEU below 30. "
                "The ‖∂L/∂h_s‖ probe shows the long path: the gradient reaching the first source letter is "
                "only about 0.15 of the last letter's.",
        model=LONG_REVERSAL, train=SEQ2SEQ_TRAIN, compare_with="reverse-attention",
    ),
    Seq2SeqPreset(
        key="reverse-attention",
        title="Reversal with attention",
        look_at="The same model, data and seeds with additive attention: its validation BLEU climbs above 90 "
                "by the end of the 400 steps, and in the alignment matrix each output letter puts most of its "
                "weight next to the mirrored source letter (an anti-diagonal). "
                "Every output step reads every source state directly, so the gradient reaching the first "
                "source letter is about half of the last letter's (0.15 without attention).",
        model=replace(LONG_REVERSAL, attention="additive"), train=SEQ2SEQ_TRAIN,
        compare_with="reverse-no-attention",
    ),
    Seq2SeqPreset(
        key="dates",
        title="Dates to ISO 8601",
        look_at="A GRU encoder–decoder with additive attention learns to write a date given in any of 13 forms "
                "(28 November 2026, nov 28, 26, 2026年11月28日, Saturday, the 28th of November 2026, ...) as "
                "2026-11-28: its exact match on validation days, never seen in any form during training, passes "
                "0.9 by step 200. "
                "Type a date of your own and watch which source characters each output digit reads.",
        model=Seq2SeqConfig(task="dates", cell="gru", embedding_dim=16, hidden_size=64, attention="additive",
                            eval_size=200),
        train=replace(SEQ2SEQ_TRAIN, steps=300),
    ),
]
SEQ2SEQ_PRESETS: dict[str, Seq2SeqPreset] = {p.key: p for p in _SEQ2SEQ_PRESETS}
PRESETS.update(SEQ2SEQ_PRESETS)


def load_seq2seq(key: str) -> Seq2SeqLab:
    """A fresh, untrained seq2seq lab of the preset `key`; ValueError names the known keys if it is unknown."""
    if key not in SEQ2SEQ_PRESETS:
        raise ValueError(f"unknown seq2seq preset {key!r}; the presets are: {', '.join(SEQ2SEQ_PRESETS)}")
    return load(key)


# --- sentiment on real text, read word by word ------------------------------------------------------------
# Every number in the text is asserted by tests/test_sentiment_preset.py with this exact configuration.
SENTIMENT_PRESET = Preset(
    key="sentiment-word-by-word",
    title="Sentiment, word by word",
    look_at="After its 600 training steps this LSTM (32-number word embeddings) labels more than 75 % of the "
            "917 held-out test sentences of movie reviews correctly. "
            "On the Step-through page the sentence \"this movie is not good\" turns negative at the word "
            "\"not\" and stays negative, while \"this movie is good\" ends positive.",
    model=ModelConfig(cell="lstm", hidden_size=32, embedding_dim=32, pool="last", seed=0),
    task=TaskConfig(name="sentiment", seq_len=40, seed=0),
    train=TrainConfig(optimizer="adam", lr=0.005, clip="norm", clip_threshold=1.0, batch_size=32, steps=600,
                      probe_every=50, eval_every=100, seed=0),
    page="step_through",
    widgets=(("step_own_sentence", True), ("step_sentence", "this movie is not good"), ("step_sentence_label", 0)),
)
PRESETS[SENTIMENT_PRESET.key] = SENTIMENT_PRESET
