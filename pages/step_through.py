"""Step through: one sample, one time step at a time — states, gates, the equations with numbers,
the backward pass and the hidden-state trajectory.

The sample is unrolled once; its views go to the browser once (pages/bridge.py) and everything that only moves
the step t (the slider, ◀ ▶, Play, every per-step view) happens there, without a server round trip."""
from __future__ import annotations

import html

import streamlit as st

from explorer.lecture.export import trace_npz
from explorer.scratch.walkthrough import task_title
from explorer.trace.saliency import saliency
from explorer.views import step_payload as sp
from explorer.views import step_twoway as tw
from explorer.views import stepview as sv
from pages import bridge, step_text
from pages.common import get_lab, sizes
from pages.lang import error_text, lang, t

LM_TASKS = ("charlm", "text")

lab = get_lab()
task, model, cfg = lab.task, lab.model, lab.model_cfg
sz = sizes()


def _clamp_state(key: str, lo: int, hi: int, default: int) -> None:
    """Keep a remembered value inside its range (the model or sample may have changed)."""
    st.session_state[key] = min(max(st.session_state.get(key, default), lo), hi)


st.title(t("Step through"))
st.caption(t("Run one sample through the network and look at every number it computes, one time step at a time."))

# --- which sample -------------------------------------------------------------------------------
two_way = cfg.bidirectional
c_src, c_layer, c_unit, *c_dir = st.columns([3, 1, 1, 1] if two_way else [3, 1, 1])
with c_src:
    typed = None
    if task.name in LM_TASKS:
        own = st.toggle(t("Type my own text"), key="step_own_text")
        if own:
            typed = st.text_input(t("Input text"), value="", key="step_text", max_chars=sv.MAX_TEXT_CHARS,
                                  help=t("Only characters of the training text can be used."))
    _clamp_state("step_sample", 0, sv.SAMPLE_BATCH - 1, 0)
    index = st.number_input(t("Sample (0–{last} of a fixed batch)", last=sv.SAMPLE_BATCH - 1), 0, sv.SAMPLE_BATCH - 1,
                            key="step_sample", disabled=typed is not None)
with c_layer:
    _clamp_state("step_layer", 0, cfg.num_layers - 1, 0)
    layer = st.selectbox(t("Layer"), range(cfg.num_layers), key="step_layer", disabled=cfg.num_layers == 1)
with c_unit:
    _clamp_state("step_unit", 0, cfg.hidden_size - 1, 0)
    unit = st.number_input(t("Unit (0–{last})", last=cfg.hidden_size - 1), 0, cfg.hidden_size - 1, key="step_unit",
                           help=t("The unit whose equations are written out and whose activation colours the text."))
direction = 0
if two_way:
    with c_dir[0]:
        direction = st.selectbox(t("Direction"), (0, 1), format_func=(t("forward →"), t("backward ←")).__getitem__,
                                 key="step_direction",
                                 help=t("A bidirectional layer has two chains with their own weights: the forward one "
                                        "reads t = 1 … T, the backward one T … 1. The unit and its equations are those "
                                        "of the chain chosen here."))

batch, sample_key = None, ("sample", index)
if typed:
    try:
        batch, sample_key = sv.text_batch(task, typed), ("text", typed)
    except ValueError as e:
        st.error(t("{error} Showing sample {index} instead.", error=error_text(e), index=index))
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
trained = (t("trained for {n:,} steps", n=lab.steps_trained) if lab.steps_trained
           else t("untrained (train it on the Train page)"))
info, download = st.columns([5, 1])
name = f"**{t('bidirectional {cell}', cell=cfg.cell.upper()) if two_way else cfg.cell.upper()}**"
one, H = cfg.num_layers == 1, cfg.hidden_size
if two_way:
    net = (t("{name}, 1 layer × {units} units per direction", name=name, units=H) if one
           else t("{name}, {layers} layers × {units} units per direction", name=name, layers=cfg.num_layers, units=H))
else:
    net = (t("{name}, 1 layer × {units} units", name=name, units=H) if one
           else t("{name}, {layers} layers × {units} units", name=name, layers=cfg.num_layers, units=H))
info.markdown(t("{net}, {trained} · task **{task}**, T = {T} · loss on this sample **{loss:.4g}**", net=net,
                trained=trained, task=task_title(task.name, lang()), T=T, loss=data.loss))
if two_way:
    st.info(t("A bidirectional model: each bar row and heatmap below holds the forward chain's units "
              "(0–{last}), then the backward chain's ({first}–{end}); the equations and the coloured text follow "
              "the direction chosen above; the trajectory reads [h→_t; h←_t]. Below, \"The two chains\" shows each "
              "chain on its own, and the backward pass each chain's gradient.", last=cfg.hidden_size - 1,
              first=cfg.hidden_size, end=2 * cfg.hidden_size - 1))
download.download_button(t("Trace (NPZ)"), lambda: trace_npz(trace), file_name="rnn-explorer-trace.npz",
                         mime="application/octet-stream", key="step_download_trace", width="stretch",
                         on_click="ignore",
                         help=t("Every input, state, gate and output of this sample, as numpy arrays."))


def view_payload(name: str, build):
    """The payload of view `name`, built once per model, weights, sample, layer, unit, chart sizes and language."""
    key = (model, lab.steps_trained, sample_key, layer, unit, direction, sz, lang())
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
bridge.scripts()
_clamp_state("step_t", 1, T, 1)
bridge.player(sp.GROUP, T, st.session_state.step_t - 1, key="step_player", at=sp.STEP, on_change=_step_reported,
              labels={"label": t("Time step t"), "value": t("t = {t} of {T}", t="{t}", T=T), "prev": "◀",
                      "next": "▶", "play": t("▶ Play"), "pause": t("⏸ Pause"), "speed": t("steps/s"),
                      "speed_help": t("Play speed"), "prev_help": t("One step back"),
                      "next_help": t("One step forward"),
                      "help": t("← → move one step (click the slider first); Space plays and pauses.")})

if task.token_inputs:  # issue 12: sentiment, word by word, on this clock (pages/step_text.py)
    step_text.word_by_word(lab, data, sample_key, sz, view_payload)

left, right = st.columns(2)
with left:
    bridge.view(view_payload("bars", lambda: sp.state_bars(data, layer, unit, cfg.nonlinearity, sz, direction,
                                                           lang())), key="step_state")
    if trace.cell is not None:
        st.caption(t("Each bar is one unit: hidden state h_t (red positive, blue negative), cell state c_t and the "
                     "gates (dark 0 … yellow 1; g is tanh, −1 … 1)."))
    elif trace.gates:
        st.caption(t("Each bar is one unit: hidden state h_t (red positive, blue negative) and the gates "
                     "(dark 0 … yellow 1; n is tanh, −1 … 1)."))
    else:
        st.caption(t("Each bar is one unit: hidden state h_t (red positive, blue negative)."))
with right:
    bridge.view(view_payload("step", lambda: sp.step_text(data, task, syms, lang())), key="step_text_view")
    if task.kind == "regression":
        bridge.view(view_payload("prediction", lambda: sp.prediction_chart(data, sz, lang())), key="step_pred")
        st.caption(t("The model's output at every step (line) against what it should output (dashed); the dot is "
                     "step t."))
    else:
        bridge.view(view_payload("classes", lambda: sp.top_classes(data, task, sz, lang())), key="step_probs")
        bridge.view(view_payload("classes_caption", lambda: sp.top_classes_caption(data, task, lang())),
                    key="step_probs_caption")
    bridge.view(view_payload("equations", lambda: sp.equations(data, layer, unit, cfg.nonlinearity, direction,
                                                               lang())), key="step_equations")

if two_way:
    st.subheader(t("The two chains"))
    reading = st.toggle(t("Backward chain in its reading order (T … 1)"), value=True, key="step_reading_order",
                        help=t("On: as t advances, the backward chain is shown at step T + 1 − t, the step it "
                               "computes when it has read as many inputs as the forward chain (it starts at x_T). "
                               "Off: both chains at the same step t, the two halves of the layer's output "
                               "h_t = [h→_t; h←_t]."))
    for d, col in enumerate(st.columns(2)):
        with col:
            bridge.view(view_payload(f"chain_{d}_{reading}", lambda d=d: tw.chain_bars(
                data, layer, unit, cfg.nonlinearity, sz, d, reading, lang())), key=f"step_chain_{d}")
    st.caption(t("Each chain of layer {layer}: the forward one → reads x1, x2, …, xT, each step from the state "
                 "of step t − 1; the backward one ← reads xT, xT−1, …, x1, each step from the state of step t + 1, "
                 "with its own weights. The layer's output at t joins the two: h_t = [h→_t; h←_t].", layer=layer))

if syms is not None:
    if not two_way:
        heading = t("**Input coloured by unit {unit} of layer {layer}**", unit=unit, layer=layer)
    elif direction == 0:
        heading = t("**Input coloured by unit {unit} of layer {layer} (forward chain)**", unit=unit, layer=layer)
    else:
        heading = t("**Input coloured by unit {unit} of layer {layer} (backward chain)**", unit=unit, layer=layer)
    st.markdown(heading + " " + t("(red positive, blue negative; the outlined symbol is step t; hover for the value)"))
    values = trace.view(layer, direction).hidden[0, :, unit]
    bridge.view(view_payload("text", lambda: sp.colored_text(syms if words else text, values, sz, " " if words else "")),
                key="step_lm")

st.subheader(t("Over all steps"))
options = ["h"] + (["c"] if trace.cell is not None else []) + list(trace.gates)
default = ["h", "c"] if trace.cell is not None else ["h"]
chosen = st.pills(t("Heatmaps"), options, selection_mode="multi", default=default, key="step_heat")
panels = ["pca", *chosen]
for row in (panels[i : i + 2] for i in range(0, len(panels), 2)):
    for col, name in zip(st.columns(2), row):
        with col:
            if name == "pca":
                pca = view_payload("pca", lambda: sp.trajectory(data, layer, sz, lang()))
                if pca is None:
                    st.warning(t("The hidden states are not finite (training diverged?): no trajectory to show."))
                    continue
                chart, proj = pca
                bridge.view(chart, key="step_pca")
                st.caption(t("h_t of layer {layer} projected on its two main directions (PCA), coloured by t; the "
                             "two components explain {first:.1f}% and {second:.1f}% of the variance; the large dot "
                             "is step t.", layer=layer, first=100 * proj.explained[0],
                             second=100 * proj.explained[1]))
            else:
                bridge.view(view_payload(f"heat_{name}", lambda: sp.heatmap(data, name, layer, cfg.nonlinearity, sz,
                                                                            lang())), key=f"step_heat_{name}")
                st.caption(t("Every unit's {name} (rows) at every step (columns); the dotted line is step t.",
                             name=name))

# --- saliency ------------------------------------------------------------------------------------------
st.subheader(t("Which inputs each output uses: saliency"))
SALIENCY_OF = {"sample": t("This sample"), "probe": t("Mean over the probe batch")}
which = st.segmented_control(t("Saliency of"), list(SALIENCY_OF), format_func=SALIENCY_OF.__getitem__,
                             default="sample", key="step_saliency_of",
                             help=t("One sample, or the mean over the Train page's fixed probe batch "
                                    "(the same samples its saliency probe uses).")) or "sample"
log_colour = st.toggle(t("Log colour scale"), value=True, key="step_saliency_log",
                       help=t("Colour by the logarithm of the value, over four decades below the largest: a "
                              "dependence a thousand times weaker still shows. Off: a linear scale from 0."))


def saliency_view() -> dict:
    """The saliency payload of the choice above (one backward pass per output row: a moment for long samples)."""
    if which == "sample":
        sal = saliency(model, batch.x, task.kind, trace=trace)
        matrix, title = sal.per_sample[0], t("Saliency of this sample: ‖∂ỹ_t/∂x_s‖")
    else:
        probe = lab.trainer.probe_batch
        sal = saliency(model, probe.x, task.kind, lengths=probe.lengths)
        matrix = sal.mean
        title = t("Saliency, mean over the {n} probe samples: ‖∂ỹ_t/∂x_s‖", n=probe.x.shape[0])
    return tw.saliency_rows(sal, matrix, T if which == "sample" else matrix.shape[1], sz, title, log_colour,
                            lang=lang())


bridge.view(view_payload(f"saliency_{which}_{log_colour}", saliency_view), key="step_saliency")
target = t("the output") if task.kind == "regression" else t("the logit of the class it predicts")
st.caption(t("How to read it: row t shows how much the model's output at step t ({target}, ỹ_t) changes "
             "with each input x_s, the size of ∂ỹ_t/∂x_s. Bright cells are the inputs this output uses; how far left "
             "of the diagonal they reach is how far back the model remembers. A one-way model has nothing right of "
             "the diagonal (it has not read those inputs yet); a bidirectional one may use both sides. The outlined "
             "row is step t (with more than 50 steps, every few rows are kept and the nearest one is outlined).",
             target=target))

# --- backward view -----------------------------------------------------------------------------------
st.subheader(t("Backward pass through time"))
_clamp_state("step_back", 0, T - 1, T - 1)
bridge.player(sp.BACK, T, st.session_state.step_back, key="step_back_player", at={"b": [0, 1]}, play=False,
              on_change=_back_reported,
              labels={"label": t("Steps travelled backwards from t = T"), "value": t("{b} of {n}", b="{b}", n=T - 1),
                      "prev": "◀", "next": "▶", "prev_help": t("One step less"),
                      "next_help": t("One step further back"),
                      "help": t("Backpropagation starts at the last step; move right to follow the gradient "
                                "towards t = 1.")})
g_col, j_col = st.columns(2)
with g_col:
    bridge.view(view_payload("backward", lambda: sp.backward(data, sz, lang())), key="step_grad")
    bridge.view(view_payload("backward_caption", lambda: sp.backward_caption(T, lang())), key="step_grad_caption")
with j_col:
    bridge.view(view_payload("jacobian", lambda: sp.jacobian(data, layer, sz, lang())), key="step_jac")
    if two_way:
        st.caption(t("Bidirectional: the chart on the left shows ‖∂L/∂h_t‖ of both chains together, ‖∂h_T/∂h_t‖ "
                     "that of the forward chain; each chain's own gradient is below."))
    if data.sigma_max is not None:
        st.caption(t("For a vanilla RNN, ‖∂h_T/∂h_t‖ ≤ σ_max(W_hh)^(T−t) because |φ′| ≤ 1; here σ_max = "
                     "{sigma:.3f}, so below 1 the dependence on early steps must vanish.",
                     sigma=data.sigma_max[layer]))
    elif cfg.cell in ("lstm", "peephole"):
        st.caption(t("‖∂h_T/∂h_t‖ within layer {layer}. No simple bound for the {cell}: its additive cell-state "
                     "path keeps the dependence alive only while the forget gates f stay near 1.", layer=layer,
                     cell=cfg.cell.upper()))
    else:
        st.caption(t("‖∂h_T/∂h_t‖ within layer {layer}. No simple bound for the {cell}: its additive update "
                     "path keeps the dependence alive only while the update gates z stay near 1.", layer=layer,
                     cell=cfg.cell.upper()))

if two_way:
    bridge.view(view_payload("chain_grads", lambda: tw.chain_gradients(data, layer, sz, lang())),
                key="step_chain_grads")
    st.caption(t("Each chain's gradient as backpropagation travels (the slider above): the forward chain's "
                 "‖∂L/∂h→_t‖ flows from t = T down to 1, like a one-way network's; the backward chain computed "
                 "h←_t from h←_(t+1), so its gradient ‖∂L/∂h←_t‖ flows the other way, from t = 1 up to T. "
                 "The dotted lines are where each has got to; a step the loss does not reach (yet) has gradient 0 "
                 "and is not drawn on the log axis."))

# --- text generation -----------------------------------------------------------------------------------
if task.name in LM_TASKS:
    st.subheader(t("Generate text"))
    with st.form("step_gen_form"):
        c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
        prompt = c1.text_input(t("Prompt"), value=text[:12], key="step_gen_prompt")
        temperature = c2.slider(t("Temperature"), 0.0, 2.0, 0.8, 0.05, key="step_gen_temp",
                                help=t("0 always picks the most likely character; higher is more random."))
        length = c3.slider(t("Length"), 10, sv.MAX_GEN_CHARS, 200, 10, key="step_gen_len")
        seed = c4.number_input(t("Seed"), 0, 2**31 - 1, 0, key="step_gen_seed")
        submitted = st.form_submit_button(t("Generate"), key="step_gen_btn")
    if submitted:
        try:
            st.session_state.step_generated = (prompt, sv.generate(model, task, prompt, length, temperature, seed))
        except ValueError as e:
            st.error(error_text(e))
    if "step_generated" in st.session_state:
        p, g = st.session_state.step_generated
        written = (f'<div style="font-family:monospace;font-size:{sz.font + 3}px;white-space:pre-wrap">'
                   f"<b>{html.escape(p)}</b>{html.escape(g)}</div>")  # the text itself: no words of ours
        st.markdown(written, unsafe_allow_html=True)
        st.caption(t("The prompt (bold) and what the model wrote after it, one character at a time, sampling from "
                     "softmax(logits / temperature); the same seed gives the same text."))
