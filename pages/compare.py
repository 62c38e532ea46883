"""Compare: RNN, LSTM, GRU, their bidirectional variants (where the task allows) and the 1D-CNN and Transformer
baselines trained side by side on the same task, with a live table; the saliency of each, side by side; and the
memory-horizon sweep.

While the cells train, the side-by-side fragment runs as the Train page's does (pages/live.py): each run mounts the
charts with what is new, then trains for RUN_SECONDS in pieces of PIECE_GAP, every cell its share of each piece,
feeds the loss chart its new points in place every PACE_GAP (explorer/views/compare_payload.py; the browser draws
them one after the other meanwhile, keeping the chart's zoom) and redraws the step counter; a click's rerun stops the
run after a piece, so Pause lands within one piece. The ‖∂L/∂h_t‖ chart and the table follow every REFRESH_GAP.
"""
from __future__ import annotations

import streamlit as st

from explorer.models.baselines import BASELINES
from explorer.scratch.walkthrough import task_title
from explorer.trace.any_saliency import model_saliency
from explorer.training.compare import (
    BIDIRECTIONAL,
    CELLS,
    NAMES,
    Sweep,
    bidirectional_refusal,
    comparison_labs,
    comparison_rows,
    offered,
)
from explorer.training.fairshare import Turn
from explorer.training.live import train_chunk
from explorer.views import compare_payload as cp
from explorer.views import plots_compare as pc
from explorer.views.train_payload import Feed
from pages import bridge, live
from pages.common import TRAINING, get_lab, plotly_chart, presenter, sizes, training_token
from pages.lang import error_text, lang, t

PACED = ("compare_loss",)  # the charts fed every PACE_GAP (pages/live.py)
SALIENCY_SAMPLES = 4   # probe samples whose saliency is averaged
SWEEP_LENGTHS = (5, 10, 20, 50, 100, 200, 500)
ss = st.session_state

lab = get_lab()
options = offered(lab.task_cfg)  # no bidirectional variant where it would read the future
if any(a not in options for a in ss.get("compare_archs", ())):  # a task that no longer allows a chosen variant:
    ss.compare_archs = [a for a in ss.compare_archs if a in options]  # dropped before the widget sees it
archs = tuple(a for a in options if a in ss.get("compare_archs", CELLS)) or CELLS  # in a fixed order
key = (lab.model_cfg, lab.task_cfg, lab.train_cfg, lab.user_data, archs)
if ss.get("compare_key") != key:  # the Build page changed the setup: start the comparison afresh
    ss.compare_key, ss.compare_labs, ss.compare_running = key, None, False

cell_names = {a: t(name) for a, name in NAMES.items()}  # not t in format_func: AppTest calls it outside a run
st.title(t("Compare the cells"))
st.caption(t("Task: **{task}**, T = {T}, {layers} layer(s) of {units} units, the same data, seeds and training "
             "settings for every cell (change them on the Build and Train pages).", task=task_title(lab.task_cfg.name, lang()),
             T=lab.task.seq_len, layers=lab.model_cfg.num_layers, units=lab.model_cfg.hidden_size))
st.multiselect(t("Architectures"), options, default=list(CELLS), key="compare_archs", format_func=cell_names.get,
               help=t("The recurrent cells and two baselines without recurrence: a causal dilated 1D-CNN "
                      "(WaveNet-style; each output sees a fixed window of earlier steps, its receptive field) and a "
                      "small causal Transformer encoder (sinusoidal positions, a few heads; every step attends to all "
                      "earlier ones). The baselines use the hidden size as their width. Changing the choice starts "
                      "afresh."))
refusal = bidirectional_refusal(lab.task_cfg)
if refusal is not None:
    st.caption(t("No bidirectional variants on this task: their backward chain would read the very values it "
                 "has to predict."), help=error_text(refusal))  # the model code's own reason, in full
elif any(a in BIDIRECTIONAL for a in archs):
    st.caption(t("Bi-: a bidirectional cell (dotted line), a forward and a backward chain in every layer: its output "
                 "at step t has read the whole sequence, later steps included."))


def set_running(run: bool) -> None:
    """Start or pause: the state the button offered, not a toggle (Streamlit may deliver one click twice)."""
    if run and ss.compare_labs is None:
        try:
            ss.compare_labs = comparison_labs(lab.model_cfg, lab.task_cfg, lab.train_cfg, archs, lab.user_data)
        except ValueError as e:
            ss.compare_error, run = error_text(e), False
    if not run:
        TRAINING.leave(training_token())  # its place in the server's training line goes to the next
    ss.compare_running = run


def reset() -> None:
    ss.compare_labs, ss.compare_running = None, False


def feed() -> Feed:
    return ss.setdefault("compare_feed", Feed())


st.header(t("Side by side"))
c1, c2, c3 = st.columns(3)
c1.button(t("⏸ Pause") if ss.compare_running else t("▶ Start"), key="compare_start", type="primary",
          on_click=set_running, args=(not ss.compare_running,))
c2.button(t("↺ Reset"), key="compare_reset", on_click=reset)
log_y = c3.toggle(t("log-scale loss"), key="compare_log", value=True)
if "compare_error" in ss:
    st.error(ss.pop("compare_error"))


def done(labs: dict) -> bool:
    """Every cell has trained its steps or diverged."""
    return all(l.steps_trained >= l.train_cfg.steps or l.history.diverged for l in labs.values())


def train_piece(labs: dict) -> None:
    """PIECE_GAP of training, each cell that has steps left its share."""
    for cell_lab in labs.values():
        if not cell_lab.history.diverged:
            train_chunk(cell_lab, cell_lab.train_cfg.steps - cell_lab.steps_trained, live.PIECE_GAP / len(labs))


def show_steps(labs: dict, turn: Turn | None = None) -> None:
    """Each cell's step counter, and the place in the server's line while it waits."""
    if turn is not None and turn.place:
        st.caption(t("The server is busy: you are number {place} in line; training starts by itself.",
                     place=turn.place))
    st.caption(" · ".join(t("{cell}: step {n} (diverged)", cell=cell_names[c], n=l.steps_trained)
                          if l.history.diverged else t("{cell}: step {n}", cell=cell_names[c], n=l.steps_trained)
                          for c, l in labs.items()))


def show_table(labs: dict) -> None:
    metric = ss.get("train_metric") if ss.get("train_metric") in lab.task.metric_names else None  # Train's choice
    st.dataframe(pc.comparison_table(comparison_rows(labs, metric), lang()), key="compare_table",
                 hide_index=True, width="stretch")


@st.fragment(run_every=live.RERUN_GAP if ss.compare_running else None)
def side_by_side() -> None:
    labs = ss.compare_labs
    if labs is None:
        st.info(t("Press Start to train {cells} at once.", cells=t(", ").join(cell_names[a] for a in archs)))
        return
    status = st.empty()
    with status.container():
        show_steps(labs)
    left, right = st.columns(2)
    field = labs["cnn"].model.receptive_field if "cnn" in labs else None
    f, sz, lg = feed(), sizes(), lang()

    def training() -> bool:
        return bool(ss.compare_running) and ss.compare_labs is labs and not done(labs)

    shown = live.Charts(f, training(), paced=PACED)
    with left:
        shown.chart(lambda: cp.loss_payload(f, labs, lab.task.baseline, lab.task.baseline_label, log_y, sz, lg),
                    "compare_loss", cp.LOSS, len(labs))
    left.caption(t("Below the dashed line a cell has learnt something a memoryless guess cannot."))
    with right:
        shown.chart(lambda: cp.grad_payload(f, labs, lab.task.seq_len, field, sz, lg), "compare_grads")
    vanish = t("A curve that drops steeply towards t = 1 is a gradient that vanishes: that cell cannot learn from "
               "what happened early in the sequence.")
    shaded = t("Shaded: the 1D-CNN's receptive field, the last {n} steps its last output sees; it cannot use "
               "anything earlier.", n=field) if field else ""
    right.caption(" ".join(p for p in (vanish, shaded) if p))
    if any(a in BASELINES for a in labs):
        right.caption(t("The 1D-CNN and the Transformer carry no hidden state through time, so they have no "
                        "‖∂L/∂hₜ‖ to draw here (nor a Step-through view, a W_hh spectrum or truncated BPTT): the "
                        "table's note says so for each."))
    table = st.empty()
    with table.container():
        show_table(labs)
    st.caption(t("Steps/s: optimiser steps per second of training time (forward, backward, update). Final loss: the "
                 "mean training loss over the last tenth of the steps; divided by the memoryless baseline, about 1 "
                 "means nothing learnt. Validation: at the latest evaluation (every 'Evaluate every' steps, set on "
                 "the Train page)."))

    def status_again(turn: Turn, every: bool) -> None:
        with status.container():
            show_steps(labs, turn)
        if every:
            with table.container():
                show_table(labs)

    if training():
        live.train(shown, training, lambda: train_piece(labs), status_again)
    if ss.compare_running and done(labs):
        set_running(False)
        st.rerun(scope="app")  # stop the timer


side_by_side()


def saliency_panels(labs: dict) -> tuple:
    """(out_steps, {arch: (R, T) mean saliency}) of the labs' current weights on the first SALIENCY_SAMPLES probe
    samples, kept until a lab trains on and training pauses or ends (a full rerun while the cells train, e.g. a
    toggle, keeps the panels it has: the caption promises them refreshed on Pause)."""
    steps_trained = tuple(l.steps_trained for l in labs.values())
    held = ss.get("compare_saliency")
    current = held is not None and held[0][0] is labs and (held[0][1] == steps_trained or ss.compare_running)
    if not current:
        panels, steps = {}, None
        for arch, arch_lab in labs.items():
            x = arch_lab.trainer.probe_batch.x[:SALIENCY_SAMPLES]
            sal = model_saliency(arch_lab.model, x, arch_lab.task.kind)  # every output step (≤ 50 rows)
            panels[arch], steps = sal.mean, sal.out_steps
        held = ss.compare_saliency = ((labs, steps_trained), steps, panels)
    return held[1], held[2]


if ss.compare_labs is not None and not getattr(lab.task, "token_inputs", False):
    st.header(t("How far back each model looks"))
    out_steps, panels = saliency_panels(ss.compare_labs)
    labs_now = ss.compare_labs
    steps_now = t(", ").join(t("{cell}: step {n}", cell=cell_names[a], n=l.steps_trained) for a, l in labs_now.items())
    cnn_field = labs_now["cnn"].model.receptive_field if "cnn" in labs_now else None
    plotly_chart(pc.saliency_grid(panels, out_steps, lab.task.seq_len, cnn_field, sizes(), lang()),
                 key="compare_saliency_chart")
    st.caption(t("Saliency ‖∂ỹ_t/∂x_s‖: how strongly the output at step t (row) depends on the input at step s "
                 "(column), by autograd through each model, averaged over {n} probe samples; one colour scale for "
                 "all (log₁₀); blank: exactly zero, an input the output cannot see. A recurrent cell's dependence "
                 "fades with distance; the 1D-CNN's stops at a hard edge, its receptive field (dashed); the "
                 "Transformer may reach every earlier step; a bidirectional cell reads later steps too. Computed "
                 "for the current weights ({steps}); refreshed when training pauses or ends.",
                 n=SALIENCY_SAMPLES, steps=steps_now))

st.header(t("Memory horizon"))
st.write(t("Train every cell for the same budget at several sequence lengths: where does each stop learning?"))
with st.expander(t("Sweep settings"), expanded=not presenter()):
    lengths = st.multiselect(t("sequence lengths T"), SWEEP_LENGTHS, default=[10, 20, 50, 100], key="compare_lengths",
                             help=t("Each cell is trained from scratch at each of these lengths."))
    budget = st.slider(t("training steps per run"), 50, 2000, 300, 50, key="compare_budget",
                       help=t("The same budget for every cell and length; longer budgets take longer."))
cols = st.columns(2)
if cols[0].button(t("Run the sweep"), key="compare_sweep_start", disabled=not lengths):
    ss.compare_sweep = Sweep(lab.model_cfg, lab.task_cfg, lab.train_cfg, tuple(sorted(lengths)), archs, budget,
                             lab.user_data)
if cols[1].button(t("Cancel"), key="compare_sweep_cancel", disabled="compare_sweep" not in ss):
    ss.pop("compare_sweep", None)


@st.fragment(run_every=0.3 if "compare_sweep" in ss and not ss.compare_sweep.done else None)
def sweep_view() -> None:
    sweep: Sweep | None = ss.get("compare_sweep")
    if sweep is None:
        return
    try:
        if not sweep.done:
            with TRAINING.turn(training_token(), 0.25) as turn:  # the server's fair share (pages.common)
                if turn.granted:
                    sweep.advance(0.25)
    except ValueError as e:  # e.g. the uploaded series is too short for one of the lengths
        st.error(error_text(e))
        ss.pop("compare_sweep")
        return
    st.progress(sweep.progress, text=t("{done} of {n} runs done", done=len(sweep.results), n=len(sweep.runs)))
    if sweep.results:
        plotly_chart(pc.horizon_figure(sweep.results, sizes(), lang()), key="compare_horizon")
        st.caption(t("Each point is one training run; a cell whose line climbs to 1 has stopped learning at that "
                     "length (it does no better than the memoryless baseline)."))
        diverged = [t("{cell} at T = {T}", cell=cell_names.get(p.cell, p.cell), T=p.seq_len)
                    for p in sweep.results if p.diverged]
        if diverged:
            st.warning(t("Diverged (no point drawn): {runs}", runs=t(", ").join(diverged)))
    if sweep.done:
        st.success(t("Sweep done: {n} runs.", n=len(sweep.results)))


sweep_view()
bridge.scripts()
