"""RNN Explorer — PLACEHOLDER home page (written by the infra helper; the lead replaces it)."""
import streamlit as st
import torch

st.set_page_config(page_title="RNN Explorer", page_icon="🔁", layout="wide")
torch.set_num_threads(1)  # 2-core machines: one thread per process trains faster

st.title("RNN Explorer")
st.write("Build, step through and train a vanilla RNN, an LSTM or a GRU.")
