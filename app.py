"""RNN Explorer: the entry point. `streamlit run app.py`."""
import streamlit as st
import torch

from pages.common import (
                          apply_presenter_css,
                          follow_preset,
                          get_lab,
                          pause_on_page_change,
                          show_link_notices,
                          show_loaded_preset,
                          sidebar,
)

torch.set_num_threads(1)  # small models on few cores: more threads are slower and starve other users
st.set_page_config(page_title="RNN Explorer", page_icon="🔁", layout="wide")

nav = st.navigation([
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/build.py", title="Build", icon="🧱"),
    st.Page("pages/step_through.py", title="Step through", icon="👣"),
    st.Page("pages/by_hand.py", title="By hand", icon="✍️"),
    st.Page("pages/train.py", title="Train", icon="📉"),
    st.Page("pages/compare.py", title="Compare", icon="⚖️"),
    st.Page("pages/seq2seq.py", title="Seq2seq", icon="🔤"),
])
get_lab()
follow_preset(nav)
pause_on_page_change(nav)
sidebar()
apply_presenter_css()
show_link_notices()
show_loaded_preset()
nav.run()
