"""Step through: one sample, one time step at a time — states, gates, the equations with numbers,
the backward pass and the hidden-state trajectory.

The sample is unrolled once; its views go to the browser once (pages/bridge.py) and everything that only moves
the step t (the slider, ◀ ▶, Play, every per-step view) happens there, without a server round trip."""
from __future__ import annotations

import html

import streamlit as st

from explorer.lecture.export import trace_npz
from explorer.trace.saliency import saliency
from explorer.views import step_payload as sp
from explorer.views import step_twoway as tw
from explorer.views import stepview as sv
from pages import bridge, step_text
from pages.common import get_lab, sizes

LM_TASKS = ("charlm", "text")

lab = get_lab()
task, model, cfg = lab.task, lab.model, lab.model_cfg
sz = sizes()


def _clamp_state(key: str, lo: int, hi: int, default: int) -> None:
    """Keep a remembered value inside its range (the model or sample may have changed)."""
    st.session_state[key] = min(max(st.session_state.get(key, default), lo), hi)


st.title("Step through")
st.caption("Run one sample through the network and look at every number it computes, one time step at a time.")

# --- which sample -------------------------------------------------------------------------------
two_way = cfg.bidirectional
c_src, c_layer, c_unit, *c_dir = st.columns([3, 1, 1, 1] if two_way else [3, 1, 1])
with c_src:
    typed = None
    if task.name in LM_TASKS:
        own = st.toggle("Type my own text", key="step_own_text")
        if own:
            typed = st.text_input("Input text", value="", key="step_text", max_chars=sv.MAX_TEXT_CHARS,
                                  help="Only characters of the training text can be used.")
    _clamp_state("step_sample", 0, sv.SAMPLE_BATCH - 1, 0)
    index = st.number_input(f"Sample (0–{sv.SAMPLE_BATCH - 1} of a fixed batch)", 0, sv.SAMPLE_BATCH - 1,
                            key="step_sample", disabled=typed is not None)
with c_layer:
    _clamp_state("step_layer", 0, cfg.num_layers - 1, 0)
    layer = st.selectbox("Layer", range(cfg.num_layers), key="step_layer", disabled=cfg.num_layers == 1)
with c_unit:
    _clamp_state("step_unit", 0, cfg.hidden_size - 1, 0)
    unit = st.number_input(f"Unit (0–{cfg.hidden_size - 1})", 0, cfg.hidden_size - 1, key="step_unit",
                           help="The unit whose equations are written out and whose activation colours the text.")
direction = 0
if two_way:
    with c_dir[0]:
        direction = st.selectbox("Direction", (0, 1), format_func=("forward →", "backward ←").__getitem__,
                                 key="step_direction",
                                 help="A bidirectional layer has two chains with their own weights: the forward one "
                                      "reads t = 1 … T, the backward one T … 1. The unit and its equations are those "
                                      "of the chain chosen here.")

batch, sample_key = None, ("sample", index)
if typed:
    try:
        batch, sample_key = sv.text_batch(task, typed), ("text", typed)
    except ValueError as e:
        st.error(f"{e} Showing sample {index} instead.")
if batch is None:
    batch = sv.sample_batch(task, index)
if task.token_inputs:  # issue 12: a sentence of one's own (pages/step_text.py)
    batch, sample_key = step_text.own_sentence(task, batch, sample_key)

# --- unroll once per (model, training step, sample) ---------------------------------------------------
cached = st.session_state.get("step_cache")
if cached and cached[0] is model and cached[1:3] == (lab.steps_trained, sample_key):
    data = cached[3]
else:
    data = sv.compute(model, task, batch)
    st.session_state.step_cache = (model, lab.steps_trained, sample_key, data)

T = data.seq_len
trace = data.trace
syms = sv.symbols(task, trace.inputs[0], trace.token_ids[0] if trace.token_ids is not None else None)
text = "".join(syms) if syms is not None else None
words = task.token_inputs  # tokens of a text (words): shown with spaces between them
trained = f"trained for {lab.steps_trained} steps" if lab.steps_trained else "untrained (train it on the Train page)"
info, download = st.columns([5, 1])
kind = ("bidirectional " if two_way else "") + cfg.cell.upper()
units = f"{cfg.hidden_size} units per direction" if two_way else f"{cfg.hidden_size} units"
info.markdown(f"**{kind}**, {cfg.num_layers} layer(s) × {units}, {trained} · "
              f"task **{task.name}**, T = {T} · loss on this sample **{data.loss:.4g}**")
if two_way:
    st.info("A bidirectional model: each bar row and heatmap below holds the forward chain's units "
            f"(0–{cfg.hidden_size - 1}), then the backward chain's ({cfg.hidden_size}–{2 * cfg.hidden_size - 1}); "
            "the equations and the coloured text follow the direction chosen above; the trajectory reads "
            "[h→_t; h←_t]. Below, \"The two chains\" shows each chain on its own, and the backward pass each "
            "chain's gradient.")
download.download_button("Trace (NPZ)", lambda: trace_npz(trace), file_name="rnn-explorer-trace.npz",
                         mime="application/octet-stream", key="step_download_trace", width="stretch",
                         on_click="ignore",
                         help="Every input, state, gate and output of this sample, as numpy arrays.")


def view_payload(name: str, build):
    """The payload of view `name`, built once per model, weights, sample, layer, unit and chart sizes."""
    key = (model, lab.steps_trained, sample_key, layer, unit, direction, sz)
    cache = st.session_state.get("step_views")
    if cache is None or cache[0] != key:
        cache = st.session_state.step_views = (key, {})
    if name not in cache[1]:
        cache[1][name] = build()
    return cache[1][name]


def _step_reported(i: int) -> None:
    st.session_state.step_t = i + 1


def _back_reported(i: int) -> None:
    st.session_state.step_back = i


# --- the step t: every view below follows the player, in the browser ---------------------------------
bridge.plotly_js()
_clamp_state("step_t", 1, T, 1)
bridge.player(sp.GROUP, T, st.session_state.step_t - 1, key="step_player", at=sp.STEP, on_change=_step_reported,
              labels={"label": "Time step t", "value": f"t = {{t}} of {T}", "prev": "◀", "next": "▶",
                      "play": "▶ Play", "pause": "⏸ Pause", "speed": "steps/s", "speed_help": "Play speed",
                      "prev_help": "One step back", "next_help": "One step forward",
                      "help": "← → move one step (click the slider first); Space plays and pauses."})

if task.token_inputs:  # issue 12: sentiment, word by word, on this clock (pages/step_text.py)
    step_text.word_by_word(lab, data, sample_key, sz, view_payload)

left, right = st.columns(2)
with left:
    bridge.view(view_payload("bars", lambda: sp.state_bars(data, layer, unit, cfg.nonlinearity, sz, direction)),
                key="step_state")
    st.caption("Each bar is one unit: hidden state h_t (red positive, blue negative)"
               + (", cell state c_t" if trace.cell is not None else "")
               + (" and the gates (dark 0 … yellow 1; g and n are tanh, −1 … 1)." if trace.gates else "."))
with right:
    bridge.view(view_payload("step", lambda: sp.step_text(data, task, syms)), key="step_text_view")
    if task.kind == "regression":
        bridge.view(view_payload("prediction", lambda: sp.prediction_chart(data, sz)), key="step_pred")
        st.caption("The model's output at every step (line) against what it should output (dashed); the dot is step t.")
    else:
        bridge.view(view_payload("classes", lambda: sp.top_classes(data, task, sz)), key="step_probs")
        bridge.view(view_payload("classes_caption", lambda: sp.top_classes_caption(data, task)),
                    key="step_probs_caption")
    bridge.view(view_payload("equations", lambda: sp.equations(data, layer, unit, cfg.nonlinearity, direction)),
                key="step_equations")

if two_way:
    st.subheader("The two chains")
    reading = st.toggle("Backward chain in its reading order (T … 1)", value=True, key="step_reading_order",
                        help="On: as t advances, the backward chain is shown at step T + 1 − t, the step it "
                             "computes when it has read as many inputs as the forward chain (it starts at x_T). "
                             "Off: both chains at the same step t, the two halves of the layer's output "
                             "h_t = [h→_t; h←_t].")
    for d, col in enumerate(st.columns(2)):
        with col:
            bridge.view(view_payload(f"chain_{d}_{reading}", lambda d=d: tw.chain_bars(
                data, layer, unit, cfg.nonlinearity, sz, d, reading)), key=f"step_chain_{d}")
    st.caption(f"Each chain of layer {layer}: the forward one → reads x1, x2, …, xT, each step from the state "
               "of step t − 1; the backward one ← reads xT, xT−1, …, x1, each step from the state of step t + 1, "
               "with its own weights. The layer's output at t joins the two: h_t = [h→_t; h←_t].")

if syms is not None:
    chain = (" (forward chain)", " (backward chain)")[direction] if two_way else ""
    st.markdown(f"**Input coloured by unit {unit} of layer {layer}{chain}** (red positive, blue negative; "
                f"the outlined symbol is step t; hover for the value)")
    values = trace.view(layer, direction).hidden[0, :, unit]
    bridge.view(view_payload("text", lambda: sp.colored_text(syms if words else text, values, sz, " " if words else "")),
                key="step_lm")

st.subheader("Over all steps")
options = ["h"] + (["c"] if trace.cell is not None else []) + list(trace.gates)
default = ["h", "c"] if trace.cell is not None else ["h"]
chosen = st.pills("Heatmaps", options, selection_mode="multi", default=default, key="step_heat")
panels = ["pca", *chosen]
for row in (panels[i : i + 2] for i in range(0, len(panels), 2)):
    for col, name in zip(st.columns(2), row):
        with col:
            if name == "pca":
                pca = view_payload("pca", lambda: sp.trajectory(data, layer, sz))
                if pca is None:
                    st.warning("The hidden states are not finite (training diverged?): no trajectory to show.")
                    continue
                chart, proj = pca
                bridge.view(chart, key="step_pca")
                st.caption(f"h_t of layer {layer} projected on its two main directions (PCA), coloured by t; the two "
                           f"components explain {100 * proj.explained[0]:.1f}% and {100 * proj.explained[1]:.1f}% "
                           "of the variance; the large dot is step t.")
            else:
                bridge.view(view_payload(f"heat_{name}", lambda: sp.heatmap(data, name, layer, cfg.nonlinearity, sz)),
                            key=f"step_heat_{name}")
                st.caption(f"Every unit's {name} (rows) at every step (columns); the dotted line is step t.")

# --- saliency ------------------------------------------------------------------------------------------
st.subheader("Which inputs each output uses: saliency")
SALIENCY_OF = {"sample": "This sample", "probe": "Mean over the probe batch"}
which = st.segmented_control("Saliency of", list(SALIENCY_OF), format_func=SALIENCY_OF.__getitem__,
                             default="sample", key="step_saliency_of",
                             help="One sample, or the mean over the Train page's fixed probe batch "
                                  "(the same samples its saliency probe uses).") or "sample"
log_colour = st.toggle("Log colour scale", value=True, key="step_saliency_log",
                       help="Colour by the logarithm of the value, over four decades below the largest: a "
                            "dependence a thousand times weaker still shows. Off: a linear scale from 0.")


def saliency_view() -> dict:
    """The saliency payload of the choice above (one backward pass per output row: a moment for long samples)."""
    if which == "sample":
        sal = saliency(model, batch.x, task.kind, trace=trace)
        matrix, title = sal.per_sample[0], "Saliency of this sample: ‖∂ỹ_t/∂x_s‖"
    else:
        probe = lab.trainer.probe_batch
        sal = saliency(model, probe.x, task.kind, lengths=probe.lengths)
        matrix = sal.mean
        title = f"Saliency, mean over the {probe.x.shape[0]} probe samples: ‖∂ỹ_t/∂x_s‖"
    return tw.saliency_rows(sal, matrix, T if which == "sample" else matrix.shape[1], sz, title, log_colour)


bridge.view(view_payload(f"saliency_{which}_{log_colour}", saliency_view), key="step_saliency")
target = "the output" if task.kind == "regression" else "the logit of the class it predicts"
st.caption(f"How to read it: row t shows how much the model's output at step t ({target}, ỹ_t) changes "
           "with each input x_s, the size of ∂ỹ_t/∂x_s. Bright cells are the inputs this output uses; how far left "
           "of the diagonal they reach is how far back the model remembers. A one-way model has nothing right of "
           "the diagonal (it has not read those inputs yet); a bidirectional one may use both sides. The outlined row "
           "is step t (with more than 50 steps, every few rows are kept and the nearest one is outlined).")

# --- backward view -----------------------------------------------------------------------------------
st.subheader("Backward pass through time")
_clamp_state("step_back", 0, T - 1, T - 1)
bridge.player(sp.BACK, T, st.session_state.step_back, key="step_back_player", at={"b": [0, 1]}, play=False,
              on_change=_back_reported,
              labels={"label": "Steps travelled backwards from t = T", "value": f"{{b}} of {T - 1}", "prev": "◀",
                      "next": "▶", "prev_help": "One step less", "next_help": "One step further back",
                      "help": "Backpropagation starts at the last step; move right to follow the gradient "
                              "towards t = 1."})
g_col, j_col = st.columns(2)
with g_col:
    bridge.view(view_payload("backward", lambda: sp.backward(data, sz)), key="step_grad")
    bridge.view(view_payload("backward_caption", lambda: sp.backward_caption(T)), key="step_grad_caption")
with j_col:
    bridge.view(view_payload("jacobian", lambda: sp.jacobian(data, layer, sz)), key="step_jac")
    if two_way:
        st.caption("Bidirectional: the chart on the left shows ‖∂L/∂h_t‖ of both chains together, ‖∂h_T/∂h_t‖ "
                   "that of the forward chain; each chain's own gradient is below.")
    if data.sigma_max is not None:
        st.caption(f"For a vanilla RNN, ‖∂h_T/∂h_t‖ ≤ σ_max(W_hh)^(T−t) because |φ′| ≤ 1; here σ_max = "
                   f"{data.sigma_max[layer]:.3f}, so below 1 the dependence on early steps must vanish.")
    else:
        path, gate = ("cell-state", "forget gates f") if cfg.cell in ("lstm", "peephole") else ("update", "update gates z")
        st.caption(f"‖∂h_T/∂h_t‖ within layer {layer}. No simple bound for the {cfg.cell.upper()}: its additive {path} "
                   f"path keeps the dependence alive only while the {gate} stay near 1.")

if two_way:
    bridge.view(view_payload("chain_grads", lambda: tw.chain_gradients(data, layer, sz)), key="step_chain_grads")
    st.caption("Each chain's gradient as backpropagation travels (the slider above): the forward chain's "
               "‖∂L/∂h→_t‖ flows from t = T down to 1, like a one-way network's; the backward chain computed "
               "h←_t from h←_(t+1), so its gradient ‖∂L/∂h←_t‖ flows the other way, from t = 1 up to T. "
               "The dotted lines are where each has got to; a step the loss does not reach (yet) has gradient 0 "
               "and is not drawn on the log axis.")

# --- text generation -----------------------------------------------------------------------------------
if task.name in LM_TASKS:
    st.subheader("Generate text")
    with st.form("step_gen_form"):
        c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
        prompt = c1.text_input("Prompt", value=text[:12], key="step_gen_prompt")
        temperature = c2.slider("Temperature", 0.0, 2.0, 0.8, 0.05, key="step_gen_temp",
                                help="0 always picks the most likely character; higher is more random.")
        length = c3.slider("Length", 10, sv.MAX_GEN_CHARS, 200, 10, key="step_gen_len")
        seed = c4.number_input("Seed", 0, 2**31 - 1, 0, key="step_gen_seed")
        submitted = st.form_submit_button("Generate", key="step_gen_btn")
    if submitted:
        try:
            st.session_state.step_generated = (prompt, sv.generate(model, task, prompt, length, temperature, seed))
        except ValueError as e:
            st.error(str(e))
    if "step_generated" in st.session_state:
        p, g = st.session_state.step_generated
        st.markdown(f'<div style="font-family:monospace;font-size:{sz.font + 3}px;white-space:pre-wrap">'
                    f"<b>{html.escape(p)}</b>{html.escape(g)}</div>", unsafe_allow_html=True)
        st.caption("The prompt (bold) and what the model wrote after it, one character at a time, sampling from "
                   "softmax(logits / temperature); the same seed gives the same text.")
