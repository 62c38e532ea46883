"""By hand: the network written in numpy as the tutorials write it, one sample through the forward pass and the
backward pass through time step by step, every number next to the line of numpy that computes it, checked
against autograd and central differences."""
from __future__ import annotations

import streamlit as st

from explorer.scratch import script
from explorer.scratch import walkthrough as wk
from explorer.scratch.equations import aligned, forward_equations
from explorer.views import plots_by_hand as pb
from pages.common import get_lab, plotly_chart, sizes

lab = get_lab()
sz = sizes()


def _clamp_state(key: str, lo: int, hi: int, default: int) -> None:
    """Keep a widget's remembered value inside its range (the model or sample may have changed)."""
    st.session_state[key] = min(max(st.session_state.get(key, default), lo), hi)


def _shift(key: str, delta: int, lo: int, hi: int) -> None:
    st.session_state[key] = min(max(st.session_state[key] + delta, lo), hi)


st.title("By hand")
st.caption("The network written in numpy, the way the tutorials write it: the forward pass and backpropagation "
           "through time one step at a time, each number under the line of numpy that computes it, and the "
           "gradients checked against PyTorch's autograd and against central differences.")

# --- which network and sample: computed once per (model, training step, sample, GRU form) ----------------
setup_key = (lab.steps_trained, lab.task_cfg)
cached = st.session_state.get("hand_setup")
if cached is None or cached[0] is not lab.model or cached[1] != setup_key:
    try:
        cached = (lab.model, setup_key, wk.setup(lab.model_cfg, lab.model, lab.task_cfg, lab.user_data))
    except ValueError as e:  # a model or task the numpy networks cannot follow: say why, show nothing else
        st.info(f"{e} Build a one-directional RNN, LSTM, GRU or peephole LSTM without an embedding, on a task of "
                "numbers or characters, to follow it by hand here.", icon="✍️")
        st.stop()
    st.session_state.hand_setup = cached
setup = cached[2]

c_sample, c_form, c_download = st.columns([1.2, 3, 1.5], vertical_alignment="bottom")
_clamp_state("hand_sample", 0, wk.SAMPLES - 1, 0)
index = c_sample.number_input(f"Sample (0–{wk.SAMPLES - 1})", 0, wk.SAMPLES - 1, key="hand_sample",
                              help="One sequence of a fixed, seeded batch of the task.")
is_gru = setup.net.cell == "gru"
# Shown for every cell so that it can be found; it takes effect for a GRU only.
textbook = c_form.toggle("Textbook GRU beside PyTorch's", key="hand_textbook", disabled=not is_gru,
                         help="Run the textbook GRU, n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn), on the same "
                              "weights instead of PyTorch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), and "
                              "compare the two (GRU only).") and is_gru
net = setup.net.replace(gru_form="textbook") if textbook else setup.net

walk_key = (index, textbook)
cached = st.session_state.get("hand_walk")
if cached is None or cached[0] is not setup or cached[1] != walk_key:
    cached = (setup, walk_key, wk.walk(net, setup.task, *wk.sample(setup.task, index)))
    st.session_state.hand_walk = cached
w = cached[2]
T, n_layers = w.seq_len, net.num_layers

st.info(f"{setup.note} Task **{setup.task.name}**, sample {index}, T = {T} steps; "
        f"loss on this sample **L = {w.loss:.6g}**.", icon="✍️")
c_download.download_button(
    "Download as a script", script.export(net, w.x, w.y, w.mask, setup.task.kind == "classification"),
    file_name=script.filename(net), mime="text/x-python", key="hand_download", on_click="ignore", icon="⬇️",
    width="stretch", help="A standalone numpy program with these weights and this sample: it runs the same forward "
                          "and backward pass and prints the loss, h_t, ∂L/∂h_t and every gradient.")
if textbook:
    st.subheader("Textbook GRU beside PyTorch's, on the same weights")
    cmp = wk.compare_gru_forms(setup.net, setup.task, w.x, w.y, w.mask)
    st.markdown(wk.forms_summary(cmp))
    steps_col, grads_col = st.columns(2)
    steps_col.dataframe(wk.forms_steps_table(cmp), hide_index=True, width="stretch", key="hand_forms_steps")
    grads_col.dataframe(wk.forms_grads_table(cmp), hide_index=True, width="stretch", key="hand_forms_grads")
    st.caption("Below, the walkthrough and its checks run the textbook form; the equation panel shows both.")
if not wk.finite(w):
    st.warning("Some numbers of this network are not finite (did training diverge?): the steps below show NaN or "
               "infinity, and the checks cannot agree. Reset or retrain the model on the Train page.", icon="⚠️")
with st.expander("Row vectors: why the code reads x @ W.T where a tutorial writes x @ W_xh"):
    st.markdown(
        "PyTorch writes a cell for one column vector, $W_{ih}\\,x + b_{ih}$, and stores $W_{ih}$ with shape "
        "(G·H, I): the gates' blocks (LSTM i, f, g, o; GRU r, z, n) stacked along its first axis. "
        "A numpy batch is a stack of row vectors, x of shape (B, I), so the same product for every row at once is "
        "`x @ W_ih.T`. Many numpy tutorials store the transposed matrix instead, `W_xh = W_ih.T` of shape (I, H), "
        "and write `x @ W_xh`: the same numbers, transposed storage. Here the weights keep PyTorch's names and "
        "shapes, so they copy to and from the app's model unchanged; each gradient has its weight's shape "
        "(`dW_hh = dh_raw.T @ h_prev`, where such a tutorial writes `h_prev.T @ dh_raw`).")

# --- forward ------------------------------------------------------------------------------------------
st.header("Forward pass")
_clamp_state("hand_t", 1, T, 1)
_clamp_state("hand_layer", 0, n_layers - 1, 0)
_clamp_state("hand_unit", 0, net.hidden_size - 1, 0)
c_layer, c_unit, _ = st.columns([1.5, 1.5, 7])
layer = c_layer.selectbox("Layer", range(n_layers), key="hand_layer", disabled=n_layers == 1)
unit = c_unit.number_input(f"Unit (0–{net.hidden_size - 1})", 0, net.hidden_size - 1, key="hand_unit",
                           help="The unit whose equations are written out on the right.")
c_prev, c_slider, c_next = st.columns([0.6, 9.3, 0.6], vertical_alignment="bottom")
c_prev.button("◀", key="hand_prev", on_click=_shift, args=("hand_t", -1, 1, T), width="stretch", help="t − 1")
t1 = c_slider.slider("Step t", 1, T, key="hand_t")
c_next.button("▶", key="hand_next", on_click=_shift, args=("hand_t", 1, 1, T), width="stretch", help="t + 1")
t = t1 - 1
left, right = st.columns(2)
with left:
    st.markdown(f"**`step_forward` at t = {t1}**, layer {layer}, with this step's values under each line")
    st.container(key="hand_forward_code").code(wk.forward_code(w, layer, t), language="python", wrap_lines=True)
with right:
    st.markdown(f"**Unit {unit} at t = {t1}, by hand**" + (" (textbook GRU)" if textbook else ""))
    st.latex(aligned(forward_equations(net, w.cache, layer, t, unit)))
    if textbook:
        st.markdown(f"**PyTorch's GRU on the same weights, unit {unit} at t = {t1}**")
        st.latex(aligned(forward_equations(setup.net, setup.net.forward(w.x), layer, t, unit)))
    st.caption("At t = 1, h_(t−1) = 0 and c_(t−1) = 0. σ is the logistic sigmoid. For a layer above the first, "
               "x_t is the h_t of the layer below.")

# --- backward -----------------------------------------------------------------------------------------
st.header("Backward pass through time")
st.markdown("Backpropagation starts at the last step and walks back to t = 1. At each step the gradient reaching "
            "$h_t$ is what the output above it sends down (`dh_above`) plus what step t + 1 sent back "
            "(`dh_next`); each step adds its share to every weight's gradient.")
steps_back = list(range(T, 0, -1))
_clamp_state("hand_back_t", 1, T, T)
_clamp_state("hand_back_layer", 0, n_layers - 1, n_layers - 1)
if n_layers > 1:
    back_layer = st.selectbox("Layer", range(n_layers), key="hand_back_layer",
                              help="The backward pass visits every layer at each step, the top one first.")
else:
    back_layer = 0
b_prev, b_slider, b_next = st.columns([0.6, 9.3, 0.6], vertical_alignment="bottom")
b_prev.button("◀", key="hand_back_prev", on_click=_shift, args=("hand_back_t", 1, 1, T), width="stretch",
              help="Back to step t + 1")
tb1 = b_slider.select_slider("Backward step t (from T down to 1)", options=steps_back, key="hand_back_t")
b_next.button("▶", key="hand_back_next", on_click=_shift, args=("hand_back_t", -1, 1, T), width="stretch",
              help="On to step t − 1")
tb = tb1 - 1
left, right = st.columns([3, 2])
with left:
    st.markdown(f"**Step t = {tb1}, layer {back_layer}: what arrives**")
    st.container(key="hand_incoming").code(wk.incoming_code(w, back_layer, tb), language="python", wrap_lines=True)
    st.markdown("**The lines that run** (this step's values under each)")
    st.container(key="hand_backward_code").code(wk.backward_code(w, back_layer, tb), language="python",
                                                wrap_lines=True)
    with st.expander("Where dy comes from: the loss"):
        st.code(wk.loss_code(setup.task), language="python")
        st.caption("d_out[:, t] is dy of step t; it is zero at steps where the loss does not count.")
with right:
    rows, cols = wk.matrix_labels(net)
    plotly_chart(pb.gradient_matrix(wk.step_share(w, back_layer, tb), rows, cols, sz,
                                    f"What step t = {tb1} adds to dW_hh"), key="hand_share_chart", width="stretch")
    plotly_chart(pb.gradient_matrix(wk.running_sum(w, back_layer, tb), rows, cols, sz,
                                    f"dW_hh summed over t = {T} … {tb1}"), key="hand_sum_chart", width="stretch")
    done = "This is the whole gradient ∂L/∂W_hh: every step has added its share." if tb == 0 else \
        f"Steps {tb} … 1 have yet to add theirs."
    st.caption(f"Rows: the gate block and unit of W_hh; columns: the unit of h_(t−1). {done}")
plotly_chart(pb.grad_norms_back(wk.dh_norms(w), tb, sz), key="hand_norms_chart", width="stretch")

# --- checks -------------------------------------------------------------------------------------------
st.header("Check: hand BPTT, autograd and central differences")
st.markdown(wk.forward_summary(w))
st.dataframe(wk.check_rows(w.checks), hide_index=True, width="stretch", key="hand_checks")
st.caption(wk.check_explanation())
with st.expander("Entry by entry, as min-char-rnn prints it: numerical, analytic => relative error"):
    st.code(wk.spot_checks(w.checks), language=None)
