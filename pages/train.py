"""Train page: train the lab's model live and watch its gradients vanish or explode.

While `train_running` is set, the live fragment runs for RUN_SECONDS at a time, back to back, training in pieces of
PIECE_GAP and feeding its charts what is new in place (pages/live.py): the ‖∂L/∂h_t‖ curve (FAST) after the piece
that probed, the loss chart (PACED) with it or every PACE_GAP (the browser draws its points one after the other
meanwhile), the other charts every REFRESH_GAP. The step counter is redrawn with the loss chart; Pause (or any widget
outside the fragment) stops the run after the piece, so training stops within one piece. The buttons only flip
session state.

A chart drawn with `Charts.chart(lambda: payload, key, ...)` is fed this way; one drawn with a payload (a dict) is
updated once per run, when the run mounts it.

Each piece is a turn of the server's fair share (pages.common.TRAINING, explorer/training/fairshare.py): the
sessions of one server train one piece at a time, each the same time, and at most a few runs at once; the others
wait in line, told their place, and start by themselves.
"""
from __future__ import annotations

import math

import streamlit as st

from explorer.config import CLIP_MODES, LR_SCHEDULES, MAX_SEQ_LEN, MAX_STEPS, OPTIMIZERS, TrainConfig
from explorer.i18n import N_
from explorer.lab import Lab, rebuild, set_train_config
from explorer.scratch.walkthrough import task_title
from explorer.training.fairshare import Turn
from explorer.training.live import Run, restore_last_good, train_chunk
from explorer.views import train_payload as tp
from explorer.views.plots_train import metric_label
from pages import bridge, live
from pages.common import get_lab, presenter, set_lab, sharing, sizes, stop_training
from pages.lang import error_text, lang, t

FAST = ("train_curve_chart",)  # the charts fed as soon as they have news, PACED with them or every PACE_GAP
PACED = ("train_loss_chart",)  # (pages/live.py)
LOSS_NAMES = ("MSE", "CE")  # metrics that repeat the loss: not the default second line
SETTINGS = ("optimizer", "lr", "clip", "clip_threshold", "steps", "probe_every", "lr_schedule", "lr_step_size",
            "lr_gamma", "lr_k", "lr_min", "weight_decay", "patience", "min_delta", "tbptt",
            "eval_every")  # widget key: train_<field>
CLIPS = {"none": N_("no clipping"), "norm": N_("by norm"), "value": N_("by value")}
SCHEDULES = {
    "constant": N_("constant"),
    "step": N_("step: × γ every n steps"),
    "inverse": "lr / (1 + k·t)",
    "cosine": N_("cosine to a minimum"),
}

ss = st.session_state


def current_run(lab: Lab) -> Run | None:
    """The Start/Pause run of this lab (None if there is none or the lab was replaced)."""
    held = ss.get("train_run")
    return held[1] if held and held[0] is lab else None


def on_start() -> None:
    lab = get_lab()
    run = current_run(lab)
    if run is None or run.remaining(lab) == 0:
        ss.train_run = (lab, Run(lab.steps_trained))
    ss.train_running = True


def on_pause() -> None:
    stop_training()


def on_step(n: int) -> None:
    stop_training()
    train_chunk(get_lab(), n, math.inf)


def on_reset() -> None:
    stop_training()
    try:
        set_lab(rebuild(get_lab()))
    except ValueError as e:
        ss.train_error = t("Could not rebuild the model: {error}", error=error_text(e))


def on_restore() -> None:
    restore_last_good(get_lab())


def on_test() -> None:
    lab = get_lab()
    ss.train_test = (lab, lab.trainer.evaluate("test"))


def sync_settings(cfg: TrainConfig) -> None:
    """Show `cfg` in the widgets when it was changed elsewhere (a new lab, a preset)."""
    # Streamlit forgets a widget's value on a run that does not draw it (another page, a hidden option): fill it in.
    if ss.get("train_synced_cfg") != cfg or any(f"train_{name}" not in ss for name in SETTINGS):
        for name in SETTINGS:
            ss[f"train_{name}"] = getattr(cfg, name)
        ss.train_synced_cfg = cfg


def settings_rows(lab: Lab):
    """The training settings; a change applies at once and keeps the trained weights (also while training runs).
    Returns the last row's columns (the view options go there)."""
    sync_settings(lab.train_cfg)
    c = st.columns(6)
    c[0].selectbox(t("Optimiser"), OPTIMIZERS, key="train_optimizer",
                   help=t("adamw: Adam with decoupled weight decay, θ ← θ − lr·λ·θ apart from the gradient step "
                          "(Loshchilov & Hutter 2019); the others add λ·θ to the gradient (L2)."))
    c[1].number_input(t("Learning rate"), min_value=1e-6, max_value=10.0, step=1e-3, format="%.6g", key="train_lr",
                      help=t("The size of each update, at the start of the schedule."))
    clips = {k: t(v) for k, v in CLIPS.items()}
    c[2].selectbox(t("Clipping"), CLIP_MODES, key="train_clip", format_func=clips.get,
                   help=t("by norm: rescale the whole gradient to θ when its norm exceeds θ; "
                          "by value: clamp each entry to [−θ, θ]."))
    c[3].number_input(t("Clip threshold θ"), min_value=1e-4, max_value=1e4, step=0.5, format="%g",
                      key="train_clip_threshold", disabled=ss.train_clip == "none")
    c[4].number_input(t("Steps per run"), min_value=1, max_value=MAX_STEPS, step=100, key="train_steps",
                      help=t("How many steps one press of Start trains."))
    c[5].number_input(t("Probe every (steps)"), min_value=0, max_value=MAX_STEPS, step=5, key="train_probe_every",
                      help=t("How often ‖∂L/∂hₜ‖ and the spectrum of W_hh are measured (0: never)."))
    c = st.columns(6)
    schedules = {k: t(v) for k, v in SCHEDULES.items()}  # not t in format_func: AppTest calls it outside a run
    c[0].selectbox(t("Learning-rate schedule"), LR_SCHEDULES, key="train_lr_schedule", format_func=schedules.get,
                   help=t("How the rate changes over the steps t already taken: constant; step: multiplied by γ "
                          "every n steps; inverse: lr/(1 + k·t), the tutorials' decay, halved at t = 1/k; cosine: "
                          "from lr down to a minimum along half a cosine over one run's steps. The strip under the "
                          "loss chart draws the rate of every step."))
    schedule = ss.train_lr_schedule
    if schedule == "step":
        c[1].number_input(t("every n steps"), min_value=1, max_value=MAX_STEPS, step=100, key="train_lr_step_size",
                          help=t("The rate is multiplied by γ after every n steps."))
        c[2].number_input("γ", min_value=0.001, max_value=1.0, step=0.1, format="%g", key="train_lr_gamma",
                          help=t("The factor (e.g. 0.5 halves the rate every n steps)."))
    elif schedule == "inverse":
        c[1].number_input("k", min_value=0.0, max_value=10.0, step=0.001, format="%g", key="train_lr_k",
                          help=t("lr/(1 + k·t): after 1/k steps the rate is half the starting one, after 9/k a tenth."))
    elif schedule == "cosine":
        c[1].number_input(t("minimum rate"), min_value=0.0, max_value=10.0, step=1e-4, format="%g", key="train_lr_min",
                          help=t("The rate at the end of one run's steps (and after them)."))
    c[3].number_input(t("Weight decay λ"), min_value=0.0, max_value=10.0, step=1e-4, format="%g",
                      key="train_weight_decay",
                      help=t("Pulls every weight towards 0 (regularisation). adam/sgd/rmsprop: the gradient of "
                             "(λ/2)‖θ‖² is added before clipping (L2); adamw: decoupled, θ ← θ(1 − lr·λ)."))
    c[4].number_input(t("Evaluate every (steps)"), min_value=0, max_value=MAX_STEPS, step=10, key="train_eval_every",
                      help=t("How often the validation loss (held-out data) and the loss of a fixed training subset "
                             "are measured, both without dropout (0: never; early stopping needs it)."))
    c[5].number_input(t("Truncated BPTT k"), min_value=0, max_value=MAX_SEQ_LEN, step=5, key="train_tbptt",
                      help=t("The hidden state carries over from window to window, but the gradient is cut every k "
                             "time steps: no error reaches back further than k steps (cheaper, shorter memory). "
                             "0: full backpropagation through time."))
    c = st.columns(6)
    c[0].number_input(t("Early stopping: patience"), min_value=0, max_value=1000, step=1, key="train_patience",
                      help=t("Stop after this many evaluations in a row without a better validation loss, and put "
                             "back the weights of the best one (0: never stop early)."))
    c[1].number_input(t("min Δ"), min_value=0.0, max_value=1000.0, step=1e-3, format="%g", key="train_min_delta",
                      disabled=not ss.train_patience,
                      help=t("A validation loss counts as better only when it is lower than the best by more than "
                             "this."))
    apply_settings(lab)
    return c


def apply_settings(lab: Lab) -> None:
    cfg = lab.train_cfg
    try:
        new = TrainConfig(**{**cfg.to_dict(), **{n: ss.get(f"train_{n}", getattr(cfg, n)) for n in SETTINGS}})
        if new != cfg:
            set_train_config(lab, new)
            ss.train_synced_cfg = new
    except ValueError as e:
        st.error(t("Settings not applied: {error}", error=error_text(e)))


def view_options(lab: Lab, c) -> None:
    """What the charts show: the metric beside the loss, a log axis, the heatmap's layer."""
    metrics = (None, *lab.task.metric_names)
    if ss.get("train_metric", "") not in metrics:  # first visit, or a task with other metrics
        ss.train_metric = next((m for m in lab.task.metric_names if m not in LOSS_NAMES), None)
    if ss.get("train_heat_layer", 0) >= lab.model_cfg.num_layers:
        ss.train_heat_layer = 0
    c[2].selectbox(t("Metric on the loss chart"), metrics, key="train_metric",
                   format_func=lambda v, none=t("none"), lg=lang(): none if v is None else metric_label(v, lg),
                   help=t("Drawn on the right axis, on each training batch (dotted) and on the validation set."))
    c[3].checkbox(t("Log-scale loss"), key="train_log_loss")
    if lab.trainer.saliency_steps is not None:  # outside the live fragment: a click interrupts a training run
        c[3].checkbox(t("Log saliency"), value=True, key="train_saliency_log",
                      help=t("On: colour by log₁₀, over four decades below the largest value, so that faint "
                             "dependences far back still show. Off: colour by the value itself, so that the inputs an "
                             "output uses most stand out."))
    if lab.model_cfg.num_layers > 1:
        layer_names = [t("layer {n}", n=k + 1) for k in range(lab.model_cfg.num_layers)]
        c[4].selectbox(t("Heatmap layer"), range(lab.model_cfg.num_layers), format_func=layer_names.__getitem__,
                       key="train_heat_layer")
    if lab.model_cfg.bidirectional:
        directions = [t("forward →"), t("backward ←")]
        c[5].selectbox(t("Heatmap direction"), (0, 1), format_func=directions.__getitem__, key="train_heat_direction",
                       help=t("Which chain's gradient the heatmap shows: the forward chain's flows from t = T back "
                              "to 1, the backward chain's from t = 1 up to T."))


def show_status(lab: Lab, run: Run | None, turn: Turn | None = None) -> None:
    """The progress bar and step counter of this run, and whether it shares the server or waits for a place."""
    hist = lab.history
    parts = [t("Step **{step}**", step=lab.steps_trained),
             t("this run {done} / {steps}", done=run.done(lab) if run else 0, steps=lab.train_cfg.steps)]
    if hist.latest:
        parts.append(t("loss {loss:.4g}", loss=hist.latest.loss))
    if hist.latest and lab.train_cfg.lr_schedule != "constant":
        parts.append(f"lr {hist.latest.lr:.3g}")
    if turn and (shared := sharing(turn)):
        parts.append(shared)
    st.progress(run.progress(lab) if run else 0.0, text=" · ".join(parts))


def feed() -> tp.Feed:
    return ss.setdefault("train_feed", tp.Feed())


def live_body() -> None:
    """Every chart with what is new, then (when running) RUN_SECONDS of training with the charts fed as it goes."""
    lab = get_lab()
    run = current_run(lab)

    def training() -> bool:
        return bool(ss.get("train_running")) and run is not None and run.remaining(lab) > 0 \
            and not lab.history.diverged

    status = st.empty()
    with status.container():
        show_status(lab, run)

    def status_again(turn: Turn, every: bool) -> None:
        with status.container():
            show_status(lab, run, turn)

    shown = live.Charts(feed(), training(), FAST, PACED)
    charts(lab, shown)
    if training():
        live.train(shown, training, lambda: train_chunk(lab, run.remaining(lab), live.PIECE_GAP), status_again)
    if ss.get("train_running") and not training():
        stop_training()
        st.rerun()  # the whole page: buttons and messages change


def charts(lab: Lab, shown: live.Charts) -> None:
    cfg, hist, sz, f, lg = lab.train_cfg, lab.history, sizes(), feed(), lang()
    T, bidi = lab.task.seq_len, lab.model_cfg.bidirectional
    left, right = st.columns(2)
    with left:
        shown.chart(lambda: tp.loss_payload(f, hist, lab.task.baseline, lab.task.baseline_label, ss.get("train_metric"),
                              ss.get("train_log_loss", False), sz, lg), "train_loss_chart", "loss", 2)
        st.caption(t("The loss falls as the model learns; below the dashed baseline it does better than the best "
                     "guess that ignores the sequence. The dots are evaluations without dropout: the validation loss "
                     "(held-out data) and the loss on a fixed training subset; when they part, the model overfits. "
                     "The strip below: the learning rate of each step."))
    with right:
        shown.chart(lambda: tp.curve_payload(f, hist, T, cfg.tbptt, sz, lg), "train_curve_chart")
        curve = t("How much the loss depends on the hidden state at each time step: a curve that drops steeply "
                  "towards t = 1 means the gradient vanishes (blue: below 10⁻⁶ of a later value); one that rises "
                  "means it explodes (red: above 10³ times a later value).")
        cuts = t("Dashed: the cuts of truncated BPTT (every {k} steps); grey: steps no gradient reaches.",
                 k=cfg.tbptt) if cfg.tbptt else ""
        both = t("Bidirectional: one curve per chain. The backward chain (dashed) read the sequence from x_T down "
                 "to x_1, so its gradient flows the other way, from t = 1 up to T: it vanishes towards t = T, and "
                 "its shading compares each step with the steps before it.") if bidi else ""
        st.caption(" ".join(p for p in (curve, cuts, both) if p))
    left, right = st.columns(2)
    with left:
        shown.chart(lambda: tp.global_norm_payload(f, hist, cfg.clip, cfg.clip_threshold, sz, lg), "train_norm_chart", "norm", 1)
        st.caption(t("The size of the whole gradient at each step; × marks a step where clipping shrank it "
                     "({n} so far).", n=hist.clip_events))
    with right:
        names = [n for n, _ in lab.model.named_parameters()]
        shown.chart(lambda: tp.param_norms_payload(f, hist, names, sz, lg), "train_param_chart", "param", 1)
        st.caption(t("The gradient of each weight matrix and bias before clipping: which part of the network is "
                     "learning."))
    layers = lab.model_cfg.num_layers
    layer = ss.get("train_heat_layer", 0) if layers > 1 else 0
    direction = ss.get("train_heat_direction", 0) if bidi else None
    left, right = st.columns(2)
    with left:
        if bidi:
            label = tp.direction_label(layer, direction, layers, lg)
        else:
            label = t("layer {n}", n=layer + 1) if layers > 1 else ""
        shown.chart(lambda: tp.heatmap_payload(f, hist, layer, T, cfg.tbptt, sz, label, lg, direction),
              "train_heat_chart", "heat", 1)
        st.caption(t("Each row is one probe of ‖∂L/∂hₜ‖ (colour, log₁₀): dark cells are time steps that get almost "
                     "no gradient; read up the rows to see how training changed the flow."))
    with right:
        suffixes = ("", "_reverse") if bidi else ("",)
        blocks = [f"{l}/{g}{x}" for l in range(layers) for x in suffixes for g in lab.model_cfg.gate_names]
        shown.chart(lambda: tp.spectral_payload(f, hist, blocks, sz, lg), "train_sigma_chart", "sigma", 1)
        st.caption(t("If σ_max of W_hh stays below 1/γ = 1 (γ = 1 for tanh) the gradient of a vanilla RNN must "
                     "vanish over time; above it, it can explode. ρ (dotted) is the largest |eigenvalue|."))
        if bidi:
            st.caption(t("Each chain has its own W_hh: → the forward chain's, ← the backward chain's (dashed; its ρ "
                         "dash-dotted)."))
    left, right = st.columns(2)
    with left:
        shown.chart(lambda: tp.eigen_payload(f, hist, sz, lg), "train_eigen_chart")
        st.caption(t("Eigenvalues of each W_hh block: outside the dashed unit circle a direction grows at every "
                     "step, inside it shrinks."))
        if bidi:
            st.caption(t("Open diamonds: the backward chain's W_hh (←)."))
    with right:
        st.markdown(t(
            "**Why gradients vanish or explode.** Backpropagation through time multiplies one Jacobian per step, "
            "∂h_T/∂h_t = Π diag(φ′(a_k)) W_hh, so the gradient reaching step t shrinks or grows roughly like "
            "(γ·σ_max)^(T−t). Clipping the global norm (g ← g·θ/‖g‖ when ‖g‖ > θ) tames explosions; LSTM and "
            "GRU avoid vanishing through their additive cell/update path (f ≈ 1, z ≈ 1)."))
    if lab.trainer.saliency_steps is None:  # a model without recurrence has no saliency probe
        return
    probe_x = lab.trainer.probe_batch.x  # (B, T, I) floats, or (B, T) token ids (not drawn)
    samples, inputs = len(probe_x), probe_x[0].numpy() if probe_x.is_floating_point() else None
    log = ss.get("train_saliency_log", True)
    left, right = st.columns(2)
    with left:
        shown.chart(lambda: tp.saliency_payload(f, hist, False, T, samples, sz, lg, inputs, log), "train_saliency_sample_chart")
        st.caption(t("Which inputs the model uses, and how far back: each row is one output step t, each column an "
                     "input step s, the colour how strongly ỹₜ (the output, or the logit of the predicted class) "
                     "changes with xₛ. Here for one sequence of the probe batch, its inputs drawn above: in the adding "
                     "problem the two marked inputs are the brightest once the model has learnt the task (clearest "
                     "with the log scale off). Blank: inputs after t, which a one-way model cannot read."))
    with right:
        shown.chart(lambda: tp.saliency_payload(f, hist, True, T, samples, sz, lg, log=log), "train_saliency_mean_chart")
        st.caption(t("The same averaged over the {n} sequences of the probe batch: how far back the model reaches "
                     "in general. Along a row, the colour fades with the distance from the dotted diagonal s = t; for a "
                     "vanilla RNN it typically fades within a few steps, gated cells (LSTM, GRU) can reach further. "
                     "Measured every few probes (more rarely for long sequences), on the current weights.",
                     n=samples))


def show_test_result(lab: Lab) -> None:
    """The last test-set evaluation of this lab, if any."""
    held = ss.get("train_test")
    if not held or held[0] is not lab:
        return
    ev = held[1]
    scores = " · ".join(f"{metric_label(name, lang())} **{value:.4g}**" for name, value in ev.metrics.items())
    text = t("Test set ({n} sequences, never used in training), weights of step {step}: loss **{loss:.4g}**",
             n=ev.size, step=ev.step, loss=ev.loss) + (f" · {scores}" if scores else "")
    if lab.steps_trained != ev.step:
        text += " " + t("(the model has trained {n} steps since)", n=lab.steps_trained - ev.step)
    st.success(text, icon="🧪")


lab = get_lab()
running = bool(ss.get("train_running")) and current_run(lab) is not None
st.title(t("Train"))
m = lab.model_cfg
cell = t("peephole LSTM") if m.cell == "peephole" else m.cell.upper()
cell = t("bidirectional {cell}", cell=cell) if m.bidirectional else cell
net = (t("{cell}, 1 layer × {units} units", cell=cell, units=m.hidden_size) if m.num_layers == 1 else
       t("{cell}, {layers} layers × {units} units", cell=cell, layers=m.num_layers, units=m.hidden_size))
st.markdown(t("{net}. Task: **{task}** (T = {T}). Press **Start** and watch the gradients.", net=net,
              task=task_title(lab.task.name, lang()), T=lab.task.seq_len))

b = st.columns([1.3, 1.3, 1, 1, 1, 2.4])
stuck = bool(lab.history.diverged)  # the weights give NaN: restore or reset first
b[0].button(t("Start"), icon=":material/play_arrow:", key="train_start", on_click=on_start, disabled=running or stuck,
            type="primary", width="stretch")
b[1].button(t("Pause"), icon=":material/pause:", key="train_pause", on_click=on_pause, disabled=not running,
            width="stretch")
b[2].button(t("Step {n}", n=1), key="train_step1", on_click=on_step, args=(1,), disabled=stuck, width="stretch")
b[3].button(t("Step {n}", n=10), key="train_step10", on_click=on_step, args=(10,), disabled=stuck, width="stretch")
b[4].button(t("Reset"), key="train_reset", on_click=on_reset, width="stretch",
            help=t("A new untrained model with the same settings; the history is cleared."))
b[5].button(t("Evaluate on the test set"), key="train_test_button", on_click=on_test, disabled=running or stuck,
            icon=":material/science:", width="stretch",
            help=t("Loss and metrics of the current weights on the task's test set: held out from training and "
                   "validation alike. Use it once, at the end: choosing settings by it would make it a second "
                   "validation set."))
if ss.get("train_error"):
    st.error(ss.pop("train_error"))

with st.expander(t("Training settings"), expanded=False) if presenter() else st.container():
    view_options(lab, settings_rows(lab))

if lab.history.diverged:
    st.error(t("Training paused: the gradients exploded at {why} The charts show the last finite values. Restore "
               "the last good weights, then lower the learning rate or turn on clipping.",
               why=error_text(lab.history.diverged)))
    st.button(t("Restore last good weights"), key="train_restore", on_click=on_restore)
if lab.trainer.early_stop is not None and not running:
    st.info(t("{stop} Start goes on from these weights.", stop=error_text(lab.trainer.early_stop.message)),
            icon="⏹️")
show_test_result(lab)

bridge.scripts()
st.fragment(live_body, run_every=live.RERUN_GAP if running else None)()
