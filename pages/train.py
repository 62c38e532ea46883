"""Train page: train the lab's model live and watch its gradients vanish or explode.

While `train_running` is set, the training fragment reruns every RERUN_GAP s. Each run draws every chart,
then trains for RUN_SECONDS in slices of SLICE_SECONDS; after each slice it redraws the step counter and
the loss chart in place, and the ‖∂L/∂h_t‖ curve at most every CURVE_EVERY s (the others wait for the
next run). Training never waits for the browser to draw. Each redraw is also the point where Streamlit
stops the run when Pause (or any widget) is clicked. Bounded runs mean a closed tab stops training
within RUN_SECONDS. The buttons only flip session state (callbacks).

Each slice is a turn of the server's fair share (pages.common.TRAINING, explorer/training/fairshare.py):
the sessions of one server train one slice at a time, each the same time, and at most a few runs at
once; the others wait in line, told their place, and start by themselves.
"""
from __future__ import annotations

import math
import time

import streamlit as st

from explorer.config import CLIP_MODES, MAX_STEPS, OPTIMIZERS, TrainConfig
from explorer.lab import Lab, rebuild, set_train_config
from explorer.training.fairshare import Turn
from explorer.training.live import Run, restore_last_good, train_chunk
from explorer.views import plots_train as pt
from pages.common import TRAINING, get_lab, plotly_chart, presenter, set_lab, sizes, stop_training, training_token

RERUN_GAP = 0.05      # s between two runs of the training fragment while training runs
RUN_SECONDS = 3.0     # training time per run of the fragment: the other charts redraw this often
SLICE_SECONDS = 0.12  # training between two redraws of the counter and the loss chart: Pause lands within it
CURVE_EVERY = 0.5     # s between two redraws of the ‖∂L/∂h_t‖ curve (the browser's time goes to the loss chart)
TURN_WAIT = 1.0       # s to wait for a turn of the shared server before the counter says who else trains
QUEUED_SECONDS = 10.0  # a run waiting in line stays up to this long in one fragment run (fewer chart redraws)
LOSS_NAMES = ("MSE", "CE")  # metrics that repeat the loss: not the default second line
SETTINGS = ("optimizer", "lr", "clip", "clip_threshold", "steps", "probe_every")  # widget key: train_<field>

# A chart redraw lays out only its own box, not the whole page (A/B runs here: more steps/s and redraws/s).
CONTAIN_CSS = "<style>[data-testid='stPlotlyChart'] { contain: layout style; }</style>"

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
        ss.train_error = f"Could not rebuild the model: {e}"


def on_restore() -> None:
    restore_last_good(get_lab())


def sync_settings(cfg: TrainConfig) -> None:
    """Show `cfg` in the widgets when it was changed elsewhere (a new lab, a preset)."""
    # Streamlit forgets a widget's value on a run that does not draw it (another page): fill it in again.
    if ss.get("train_synced_cfg") != cfg or any(f"train_{name}" not in ss for name in SETTINGS):
        for name in SETTINGS:
            ss[f"train_{name}"] = getattr(cfg, name)
        ss.train_synced_cfg = cfg


def settings_row(lab: Lab) -> None:
    """The training settings; a change applies at once and keeps the trained weights."""
    sync_settings(lab.train_cfg)
    c = st.columns(6)
    c[0].selectbox("Optimiser", OPTIMIZERS, key="train_optimizer")
    c[1].number_input("Learning rate", min_value=1e-6, max_value=10.0, step=1e-3, format="%.6g", key="train_lr")
    c[2].selectbox("Clipping", CLIP_MODES, key="train_clip",
                   help="norm: rescale the whole gradient to θ when its norm exceeds θ; "
                        "value: clamp each entry to [−θ, θ].")
    c[3].number_input("Clip threshold θ", min_value=1e-4, max_value=1e4, step=0.5, format="%g",
                      key="train_clip_threshold", disabled=ss.train_clip == "none")
    c[4].number_input("Steps per run", min_value=1, max_value=MAX_STEPS, step=100, key="train_steps")
    c[5].number_input("Probe every (steps)", min_value=0, max_value=MAX_STEPS, step=5, key="train_probe_every",
                      help="How often ‖∂L/∂hₜ‖ and the spectrum of W_hh are measured (0: never).")
    try:
        cfg = TrainConfig(**{**lab.train_cfg.to_dict(), **{n: ss[f"train_{n}"] for n in SETTINGS}})
    except ValueError as e:
        st.error(f"Settings not applied: {e}")
        return
    if cfg != lab.train_cfg:
        set_train_config(lab, cfg)
        ss.train_synced_cfg = cfg


def plot(slot, fig, key: str, redraw: int = 0) -> None:
    """Draw `fig` in `slot` (static while training runs); the n-th redraw in one run needs a key of its own."""
    plotly_chart(fig, key if redraw == 0 else f"{key}-{redraw}", where=slot, width="stretch",
                 config={"staticPlot": bool(ss.get("train_running"))})


def chart(fig, key: str, caption: str) -> None:
    plot(st, fig, key)
    st.caption(caption)


def show_status(slot, lab: Lab, run: Run | None, turn: Turn | None = None) -> None:
    """The progress bar and step counter of this run, and whether it shares the server or waits for a place."""
    hist = lab.history
    text = (f"Step **{lab.steps_trained}** · this run {run.done(lab) if run else 0} / {lab.train_cfg.steps}"
            + (f" · loss {hist.latest.loss:.4g}" if hist.latest else ""))
    if turn and turn.place:
        text += (f" · **The server is busy: you are number {turn.place} in line.** Training starts by itself "
                 "when a place is free.")
    elif turn and turn.running > 1:
        text += f" · sharing the server with {turn.running - 1} other training run(s)"
    slot.progress(run.progress(lab) if run else 0.0, text=text)


def live_body() -> None:
    """The step counter and every chart; then, when running, train for RUN_SECONDS, redrawing the counter
    and the loss chart after each slice and the ‖∂L/∂h_t‖ curve when a new probe is CURVE_EVERY s newer."""
    lab = get_lab()
    run = current_run(lab)
    status = st.empty()
    show_status(status, lab, run)
    left, right = st.columns(2)
    with left:
        loss_slot = st.empty()
        st.caption("The loss falls as the model learns; below the dashed baseline it does better than the best "
                   "guess that ignores the sequence.")
    with right:
        curve_slot = st.empty()
        st.caption("How much the loss depends on the hidden state at each time step: a curve that drops steeply "
                   "towards t = 1 means the gradient vanishes (blue: below 10⁻⁶ of a later value); one that rises "
                   "means it explodes (red: above 10³ times a later value).")
    plot(loss_slot, loss_figure(lab), "train_loss_chart")
    plot(curve_slot, curve_figure(lab), "train_curve_chart")
    other_charts(lab)
    if not ss.get("train_running"):
        return
    now = start = time.perf_counter()
    deadline, redraw, probe, curve_at = now + RUN_SECONDS, 0, lab.history.latest_probe, now
    while run is not None and run.remaining(lab) and not lab.history.diverged and time.perf_counter() < deadline:
        with TRAINING.turn(training_token(), TURN_WAIT) as turn:
            if turn.granted:
                train_chunk(lab, run.remaining(lab), SLICE_SECONDS)
        redraw += 1
        show_status(status, lab, run, turn)
        if not turn.granted:
            if turn.place:  # in line: nothing to redraw but the counter, so this run waits longer
                deadline = max(deadline, min(time.perf_counter() + TURN_WAIT, start + QUEUED_SECONDS))
            continue
        plot(loss_slot, loss_figure(lab), "train_loss_chart", redraw)
        if lab.history.latest_probe is not probe and time.perf_counter() - curve_at >= CURVE_EVERY:
            probe, curve_at = lab.history.latest_probe, time.perf_counter()
            plot(curve_slot, curve_figure(lab), "train_curve_chart", redraw)
    if run is None or run.remaining(lab) == 0 or lab.history.diverged:
        stop_training()
        st.rerun()  # the whole page: buttons and messages change


def loss_figure(lab: Lab):
    return pt.loss_figure(lab.history.scalars(), lab.task.baseline, lab.task.baseline_label,
                          ss.get("train_metric"), ss.get("train_log_loss", False), sizes())


def curve_figure(lab: Lab):
    probe = lab.history.latest_probe
    return pt.gradient_curve_figure(probe.hidden_grad_norms if probe else None, probe.step if probe else None,
                                    sizes())


def other_charts(lab: Lab) -> None:
    """The charts redrawn once per fragment run: gradient norms, gradient-flow heatmap, W_hh spectrum."""
    cfg, hist, sz = lab.train_cfg, lab.history, sizes()
    scalars = hist.scalars()
    left, right = st.columns(2)
    with left:
        chart(pt.global_norm_figure(scalars, cfg.clip, cfg.clip_threshold, sz), "train_norm_chart",
              f"The size of the whole gradient at each step; × marks a step where clipping shrank it "
              f"({hist.clip_events} so far).")
    with right:
        chart(pt.param_norms_figure(scalars, sz), "train_param_chart",
              "The gradient of each weight matrix and bias before clipping: which part of the network is learning.")
    layer = ss.get("train_heat_layer", 0) if lab.model_cfg.num_layers > 1 else 0
    left, right = st.columns(2)
    with left:
        steps, norms = hist.probe_matrix(layer)
        chart(pt.gradient_heatmap_figure(steps, norms, layer, sz), "train_heat_chart",
              "Each row is one probe of ‖∂L/∂hₜ‖ (colour, log₁₀): dark cells are time steps that get almost no "
              "gradient; read up the rows to see how training changed the flow.")
    with right:
        steps, sigma = hist.sigma_series()
        _, radius = hist.radius_series()
        chart(pt.spectral_figure(steps, sigma, radius, 1.0, sz), "train_sigma_chart",
              "If σ_max of W_hh stays below 1/γ = 1 (γ = 1 for tanh) the gradient of a vanilla RNN must "
              "vanish over time; above it, it can explode. ρ (dotted) is the largest |eigenvalue|.")
    left, right = st.columns(2)
    spectrum = hist.latest_spectrum
    with left:
        chart(pt.eigen_figure(spectrum.eigenvalues if spectrum else None, spectrum.step if spectrum else None, sz),
              "train_eigen_chart",
              "Eigenvalues of each W_hh block: outside the dashed unit circle a direction grows at every step, "
              "inside it shrinks.")
    with right:
        st.markdown(
            "**Why gradients vanish or explode.** Backpropagation through time multiplies one Jacobian per step, "
            "∂h_T/∂h_t = Π diag(φ′(a_k)) W_hh, so the gradient reaching step t shrinks or grows roughly like "
            "(γ·σ_max)^(T−t). Clipping the global norm (g ← g·θ/‖g‖ when ‖g‖ > θ) tames explosions; LSTM and "
            "GRU avoid vanishing through their additive cell/update path (f ≈ 1, z ≈ 1).")


st.html(CONTAIN_CSS)
lab = get_lab()
running = bool(ss.get("train_running")) and current_run(lab) is not None
st.title("Train")
m = lab.model_cfg
st.markdown(f"{m.cell.upper()}, {m.num_layers} layer{'s' * (m.num_layers > 1)} × {m.hidden_size} units, on the "
            f"**{lab.task.name}** task (T = {lab.task.seq_len}). Press **Start** and watch the gradients.")

b = st.columns([1.3, 1.3, 1, 1, 1, 2.4])
stuck = bool(lab.history.diverged)  # the weights give NaN: restore or reset first
b[0].button("Start", icon=":material/play_arrow:", key="train_start", on_click=on_start, disabled=running or stuck,
            type="primary", width="stretch")
b[1].button("Pause", icon=":material/pause:", key="train_pause", on_click=on_pause, disabled=not running,
            width="stretch")
b[2].button("Step 1", key="train_step1", on_click=on_step, args=(1,), disabled=stuck, width="stretch")
b[3].button("Step 10", key="train_step10", on_click=on_step, args=(10,), disabled=stuck, width="stretch")
b[4].button("Reset", key="train_reset", on_click=on_reset, width="stretch",
            help="A new untrained model with the same settings; the history is cleared.")
if ss.get("train_error"):
    st.error(ss.pop("train_error"))

with st.expander("Training settings", expanded=False) if presenter() else st.container():
    settings_row(lab)
    metrics = (None, *lab.task.metric_names)
    if ss.get("train_metric", "") not in metrics:  # first visit, or a task with other metrics
        ss.train_metric = next((m for m in lab.task.metric_names if m not in LOSS_NAMES), None)
    if ss.get("train_heat_layer", 0) >= lab.model_cfg.num_layers:
        ss.train_heat_layer = 0
    opts = st.columns([2, 1, 1, 2])
    opts[0].selectbox("Metric on the loss chart (right axis)", metrics, key="train_metric",
                      format_func=lambda v: "none" if v is None else v)
    opts[1].checkbox("Log-scale loss", key="train_log_loss")
    if lab.model_cfg.num_layers > 1:
        opts[2].selectbox("Heatmap layer", range(lab.model_cfg.num_layers), format_func=lambda l: f"layer {l + 1}",
                          key="train_heat_layer")

if lab.history.diverged:
    st.error(f"Training paused: the gradients exploded at {lab.history.diverged} The charts show the last "
             "finite values. Restore the last good weights, then lower the learning rate or turn on clipping.")
    st.button("Restore last good weights", key="train_restore", on_click=on_restore)

st.fragment(live_body, run_every=RERUN_GAP if running else None)()
