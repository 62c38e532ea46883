"""RNN Explorer: the entry point. `streamlit run app.py`."""
import sys

import streamlit as st
import torch

from pages.common import (
                          apply_presenter_css,
                          follow_preset,
                          freeze_startup_objects,
                          get_lab,
                          idle_watch,
                          mark_active,
                          pause_on_page_change,
                          show_link_notices,
                          show_loaded_preset,
                          sidebar,
)
from pages.lang import lang, t

torch.set_num_threads(1)  # small models on few cores: more threads are slower and starve other users
# Every torch call lets go of the GIL; while another session's page view holds it, the training thread waits
# up to this interval to get it back, several times per step. Measured here, training next to one busy Python
# thread: 13 steps/s with Python's default 5 ms, 46 steps/s with 1 ms (188 alone).
sys.setswitchinterval(0.001)
freeze_startup_objects()
st.set_page_config(page_title="RNN Explorer", page_icon="🔁", layout="wide")

lang()  # before get_lab(), which takes a link's settings (and its lang=) off the address bar
nav = st.navigation([
    st.Page("pages/home.py", title=t("Home"), icon="🏠", default=True),
    st.Page("pages/build.py", title=t("Build"), icon="🧱"),
    st.Page("pages/step_through.py", title=t("Step through"), icon="👣"),
    st.Page("pages/by_hand.py", title=t("By hand"), icon="✍️"),
    st.Page("pages/train.py", title=t("Train"), icon="📉"),
    st.Page("pages/compare.py", title=t("Compare"), icon="⚖️"),
    st.Page("pages/seq2seq.py", title=t("Seq2seq"), icon="🔤"),
])
get_lab()
mark_active()
follow_preset(nav)
pause_on_page_change(nav)
sidebar()
apply_presenter_css()
show_link_notices()
show_loaded_preset(nav)
with st.sidebar:  # an empty fragment (its timer frees an idle session's caches): at the sidebar's foot
    idle_watch()
nav.run()
