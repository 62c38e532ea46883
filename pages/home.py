"""Home: what RNN Explorer is, a picture of an unrolled network, and where to start."""
import streamlit as st

from explorer.lecture.presets import PRESETS
from explorer.views.diagram import natural_width, unrolled_diagram
from pages.common import load_preset, plotly_chart, sizes
from pages.lang import t

st.title("RNN Explorer")
st.markdown(t(
    "A recurrent network reads a sequence one step at a time and carries what it remembers in its "
    "hidden state $h_t$ from each step to the next.  \n"
    "Here you build a vanilla RNN, an LSTM or a GRU, step through it one time step at a time to see "
    "every state and gate, and train it live on memory tasks.  \n"
    "While it trains you watch the gradients that flow back through time vanish or explode, and see "
    "why the LSTM's cell state $c_t$ helps."
))

plotly_chart(unrolled_diagram("lstm", 1, 4, sizes()), key="home_diagram", width=natural_width(4, sizes()),
             config={"staticPlot": True})
st.caption(t("An LSTM unrolled over 4 time steps: the same cell, with the same weights, at every step. "
             "It reads the input $x_t$, the hidden state $h_{t-1}$ and the cell state $c_{t-1}$, and "
             "predicts $\\hat y_t$."))

st.header(t("Where to start"))
build, step, train = st.columns(3, gap="large")
with build:
    st.page_link("pages/build.py", label=t("1 · Build"), icon="🧱")
    st.markdown(t("Choose the cell, its size and initialisation, and a task to learn."))
with step:
    st.page_link("pages/step_through.py", label=t("2 · Step through"), icon="👣")
    st.markdown(t("Feed a sequence one step at a time and see every gate and state."))
with train:
    st.page_link("pages/train.py", label=t("3 · Train"), icon="📉")
    st.markdown(t("Train live and watch the gradient through time vanish or explode."))

st.header(t("Lecture presets"))
st.markdown(t("Ready-made, fully seeded scenarios: one click loads the model, the task and the training "
              "settings, and takes you to the page where the effect shows."))
for row in range(0, len(PRESETS), 2):
    for col, preset in zip(st.columns(2, gap="large"), list(PRESETS.values())[row:row + 2]):
        with col.container(border=True):
            st.markdown(f"**{t(preset.title)}**")
            st.caption(t(preset.look_at))
            st.button(t("Load"), key=f"home_preset_{preset.key}", on_click=load_preset, args=(preset.key,))
