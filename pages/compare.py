"""Compare: RNN, LSTM, GRU and the 1D-CNN and Transformer baselines trained side by side on the same task, with a
live table; and the memory-horizon sweep."""
from __future__ import annotations

import streamlit as st

from explorer.models.baselines import BASELINES
from explorer.scratch.walkthrough import task_title
from explorer.training.compare import ARCHITECTURES, CELLS, Sweep, comparison_labs, comparison_rows
from explorer.training.live import train_chunk
from explorer.views import plots_compare as pc
from pages.common import TRAINING, get_lab, plotly_chart, presenter, sizes, training_token
from pages.lang import error_text, lang, t

CHUNK_SECONDS = 0.15   # training time per fragment rerun, shared by the three cells
SWEEP_LENGTHS = (5, 10, 20, 50, 100, 200, 500)
ss = st.session_state

lab = get_lab()
archs = tuple(a for a in ARCHITECTURES if a in ss.get("compare_archs", CELLS)) or CELLS  # in a fixed order
key = (lab.model_cfg, lab.task_cfg, lab.train_cfg, lab.user_data, archs)
if ss.get("compare_key") != key:  # the Build page changed the setup: start the comparison afresh
    ss.compare_key, ss.compare_labs, ss.compare_running = key, None, False

cell_names = {a: t(name) for a, name in pc.CELL_NAMES.items()}  # not t in format_func: AppTest calls it outside a run
st.title(t("Compare the cells"))
st.caption(t("Task: **{task}**, T = {T}, {layers} layer(s) of {units} units, the same data, seeds and training "
             "settings for every cell (change them on the Build and Train pages).", task=task_title(lab.task_cfg.name, lang()),
             T=lab.task.seq_len, layers=lab.model_cfg.num_layers, units=lab.model_cfg.hidden_size))
st.multiselect(t("Architectures"), ARCHITECTURES, default=list(CELLS), key="compare_archs", format_func=cell_names.get,
               help=t("The recurrent cells and two baselines without recurrence: a causal dilated 1D-CNN "
                      "(WaveNet-style; each output sees a fixed window of earlier steps, its receptive field) and a "
                      "small causal Transformer encoder (sinusoidal positions, a few heads; every step attends to all "
                      "earlier ones). The baselines use the hidden size as their width. Changing the choice starts "
                      "afresh."))


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


st.header(t("Side by side"))
c1, c2, c3 = st.columns(3)
c1.button(t("⏸ Pause") if ss.compare_running else t("▶ Start"), key="compare_start", type="primary",
          on_click=set_running, args=(not ss.compare_running,))
c2.button(t("↺ Reset"), key="compare_reset", on_click=reset)
log_y = c3.toggle(t("log-scale loss"), key="compare_log", value=True)
if "compare_error" in ss:
    st.error(ss.pop("compare_error"))


@st.fragment(run_every=0.3 if ss.compare_running else None)
def side_by_side() -> None:
    labs = ss.compare_labs
    if labs is None:
        st.info(t("Press Start to train {cells} at once.", cells=t(", ").join(cell_names[a] for a in archs)))
        return
    if ss.compare_running:
        with TRAINING.turn(training_token(), CHUNK_SECONDS) as turn:  # the server's fair share (pages.common)
            for cell_lab in labs.values() if turn.granted else ():
                if not cell_lab.history.diverged:
                    train_chunk(cell_lab, cell_lab.train_cfg.steps - cell_lab.steps_trained, CHUNK_SECONDS / len(labs))
        if turn.place:
            st.caption(t("The server is busy: you are number {place} in line; training starts by itself.",
                         place=turn.place))
        if all(cell_lab.steps_trained >= cell_lab.train_cfg.steps or cell_lab.history.diverged
               for cell_lab in labs.values()):
            ss.compare_running = False
            st.rerun(scope="app")  # stop the timer
    st.caption(" · ".join(t("{cell}: step {n} (diverged)", cell=cell_names[c], n=l.steps_trained)
                          if l.history.diverged else t("{cell}: step {n}", cell=cell_names[c], n=l.steps_trained)
                          for c, l in labs.items()))
    curves = {}
    for cell, cell_lab in labs.items():
        sc = cell_lab.history.scalars()
        curves[cell] = (sc["step"], sc["loss"])
    left, right = st.columns(2)
    plotly_chart(pc.loss_overlay(curves, lab.task.baseline, lab.task.baseline_label, log_y, sizes(), lang()),
                 key="compare_loss", where=left)
    left.caption(t("Below the dashed line a cell has learnt something a memoryless guess cannot."))
    probes = {c: l.history.latest_probe.hidden_grad_norms[-1] for c, l in labs.items() if l.history.latest_probe}
    field = labs["cnn"].model.receptive_field if "cnn" in labs else None
    plotly_chart(pc.grad_overlay(probes, sizes(), lab.task.seq_len, field, lang()), key="compare_grads", where=right)
    vanish = t("A curve that drops steeply towards t = 1 is a gradient that vanishes: that cell cannot learn from "
               "what happened early in the sequence.")
    shaded = t("Shaded: the 1D-CNN's receptive field, the last {n} steps its last output sees; it cannot use "
               "anything earlier.", n=field) if field else ""
    right.caption(" ".join(p for p in (vanish, shaded) if p))
    if any(a in BASELINES for a in labs):
        right.caption(t("The 1D-CNN and the Transformer carry no hidden state through time, so they have no "
                        "‖∂L/∂hₜ‖ to draw here (nor a Step-through view, a W_hh spectrum or truncated BPTT): the "
                        "table's note says so for each."))
    metric = ss.get("train_metric") if ss.get("train_metric") in lab.task.metric_names else None  # Train's choice
    st.dataframe(pc.comparison_table(comparison_rows(labs, metric), lang()), key="compare_table",
                 hide_index=True, width="stretch")
    st.caption(t("Steps/s: optimiser steps per second of training time (forward, backward, update). Final loss: the "
                 "mean training loss over the last tenth of the steps; divided by the memoryless baseline, about 1 "
                 "means nothing learnt. Validation: at the latest evaluation (every 'Evaluate every' steps, set on "
                 "the Train page)."))


side_by_side()

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
