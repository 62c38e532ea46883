"""UI helpers shared by the pages: the per-session Lab and the look of the page."""
from __future__ import annotations

import streamlit as st

from explorer.lab import Lab, default_lab
from explorer.style import NORMAL, PRESENTER, Sizes


def get_lab() -> Lab:
    """This session's lab, created with the defaults on first use."""
    if "lab" not in st.session_state:
        st.session_state.lab = default_lab()
    return st.session_state.lab


def set_lab(lab: Lab) -> None:
    st.session_state.lab = lab


def sizes() -> Sizes:
    """Chart sizes for the current mode (presenter mode enlarges everything)."""
    return PRESENTER if st.session_state.get("presenter", False) else NORMAL
