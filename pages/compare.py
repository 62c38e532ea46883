"""Compare: RNN, LSTM and GRU trained side by side on the same task, and the memory-horizon sweep."""
from __future__ import annotations

import streamlit as st

from explorer.training.compare import CELLS, Sweep, comparison_labs
from explorer.training.live import train_chunk
from explorer.views import plots_compare as pc
from pages.common import TRAINING, get_lab, plotly_chart, presenter, sizes, training_token

CHUNK_SECONDS = 0.15   # training time per fragment rerun, shared by the three cells
SWEEP_LENGTHS = (5, 10, 20, 50, 100, 200, 500)
ss = st.session_state

lab = get_lab()
key = (lab.model_cfg, lab.task_cfg, lab.train_cfg, lab.user_data)
if ss.get("compare_key") != key:  # the Build page changed the setup: start the comparison afresh
    ss.compare_key, ss.compare_labs, ss.compare_running = key, None, False

st.title("Compare the cells")
st.caption(f"Task: **{lab.task_cfg.name}**, T = {lab.task.seq_len}, {lab.model_cfg.num_layers} layer(s) of "
           f"{lab.model_cfg.hidden_size} units, the same data, seeds and training settings for every cell "
           "(change them on the Build and Train pages).")


def set_running(run: bool) -> None:
    """Start or pause: the state the button offered, not a toggle (Streamlit may deliver one click twice)."""
    if run and ss.compare_labs is None:
        try:
            ss.compare_labs = comparison_labs(lab.model_cfg, lab.task_cfg, lab.train_cfg, user_data=lab.user_data)
        except ValueError as e:
            ss.compare_error, run = str(e), False
    if not run:
        TRAINING.leave(training_token())  # its place in the server's training line goes to the next
    ss.compare_running = run


def reset() -> None:
    ss.compare_labs, ss.compare_running = None, False


st.header("Side by side")
c1, c2, c3 = st.columns(3)
c1.button("⏸ Pause" if ss.compare_running else "▶ Start", key="compare_start", type="primary",
          on_click=set_running, args=(not ss.compare_running,))
c2.button("↺ Reset", key="compare_reset", on_click=reset)
log_y = c3.toggle("log-scale loss", key="compare_log", value=True)
if "compare_error" in ss:
    st.error(ss.pop("compare_error"))


@st.fragment(run_every=0.3 if ss.compare_running else None)
def side_by_side() -> None:
    labs = ss.compare_labs
    if labs is None:
        st.info("Press Start to train a vanilla RNN, an LSTM and a GRU at once.")
        return
    if ss.compare_running:
        with TRAINING.turn(training_token(), CHUNK_SECONDS) as turn:  # the server's fair share (pages.common)
            for cell_lab in labs.values() if turn.granted else ():
                if not cell_lab.history.diverged:
                    train_chunk(cell_lab, cell_lab.train_cfg.steps - cell_lab.steps_trained, CHUNK_SECONDS / len(labs))
        if turn.place:
            st.caption(f"The server is busy: you are number {turn.place} in line; training starts by itself.")
        if all(cell_lab.steps_trained >= cell_lab.train_cfg.steps or cell_lab.history.diverged
               for cell_lab in labs.values()):
            ss.compare_running = False
            st.rerun(scope="app")  # stop the timer
    st.caption(" · ".join(f"{pc.CELL_NAMES[c]}: step {l.steps_trained}" + (" (diverged)" if l.history.diverged else "")
                          for c, l in labs.items()))
    curves = {}
    for cell, cell_lab in labs.items():
        sc = cell_lab.history.scalars()
        curves[cell] = (sc["step"], sc["loss"])
    left, right = st.columns(2)
    plotly_chart(pc.loss_overlay(curves, lab.task.baseline, lab.task.baseline_label, log_y, sizes()),
                 key="compare_loss", where=left)
    left.caption("Below the dashed line a cell has learnt something a memoryless guess cannot.")
    probes = {c: l.history.latest_probe.hidden_grad_norms[-1] for c, l in labs.items() if l.history.latest_probe}
    plotly_chart(pc.grad_overlay(probes, sizes()), key="compare_grads", where=right)
    right.caption("A curve that drops steeply towards t = 1 is a gradient that vanishes: that cell cannot "
                  "learn from what happened early in the sequence.")


side_by_side()

st.header("Memory horizon")
st.write("Train every cell for the same budget at several sequence lengths: where does each stop learning?")
with st.expander("Sweep settings", expanded=not presenter()):
    lengths = st.multiselect("sequence lengths T", SWEEP_LENGTHS, default=[10, 20, 50, 100], key="compare_lengths",
                             help="Each cell is trained from scratch at each of these lengths.")
    budget = st.slider("training steps per run", 50, 2000, 300, 50, key="compare_budget",
                       help="The same budget for every cell and length; longer budgets take longer.")
cols = st.columns(2)
if cols[0].button("Run the sweep", key="compare_sweep_start", disabled=not lengths):
    ss.compare_sweep = Sweep(lab.model_cfg, lab.task_cfg, lab.train_cfg, tuple(sorted(lengths)), CELLS, budget,
                             lab.user_data)
if cols[1].button("Cancel", key="compare_sweep_cancel", disabled="compare_sweep" not in ss):
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
        st.error(str(e))
        ss.pop("compare_sweep")
        return
    st.progress(sweep.progress, text=f"{len(sweep.results)} of {len(sweep.runs)} runs done")
    if sweep.results:
        plotly_chart(pc.horizon_figure(sweep.results, sizes()), key="compare_horizon")
        st.caption("Each point is one training run; a cell whose line climbs to 1 has stopped learning at that "
                   "length (it does no better than the memoryless baseline).")
        diverged = [f"{p.cell} at T = {p.seq_len}" for p in sweep.results if p.diverged]
        if diverged:
            st.warning("Diverged (no point drawn): " + ", ".join(diverged))
    if sweep.done:
        st.success(f"Sweep done: {len(sweep.results)} runs.")


sweep_view()
