"""RNN Explorer: the entry point. `streamlit run app.py`."""
import streamlit as st
import torch

from pages.common import get_lab

torch.set_num_threads(1)  # small models on few cores: more threads are slower and starve other users
st.set_page_config(page_title="RNN Explorer", page_icon="🔁", layout="wide")

nav = st.navigation([
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/build.py", title="Build", icon="🧱"),
    st.Page("pages/step_through.py", title="Step through", icon="👣"),
    st.Page("pages/train.py", title="Train", icon="📉"),
])
get_lab()
nav.run()
