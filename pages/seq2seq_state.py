"""The per-session encoder–decoder (`st.session_state.s2s_lab`), its share link and its export/import panel: what
the Seq2seq page and the sidebar share (pages/common.py calls in here for a seq2seq link, a seq2seq preset and the
sidebar of the Seq2seq page). The recurrent lab (`st.session_state.lab`) is never touched here."""
from __future__ import annotations

import weakref
from typing import Any, Mapping
from urllib.parse import urlencode

import streamlit as st

from explorer.config import Seq2SeqConfig, TrainConfig
from explorer.i18n import UserText
from explorer.lecture.export import history_csv
from explorer.lecture.export_seq2seq import config_json, import_file, weights_safetensors
from explorer.lecture.share_seq2seq import from_query, to_query
from explorer.training.seq2seq import Seq2SeqLab, make_seq2seq_lab
from pages import export_panel as files
from pages.lang import t

PAGE = "seq2seq"                 # the page's url path (app.py's st.navigation)
LAB = "s2s_lab"                  # session-state key of this session's Seq2SeqLab
DEFAULT_TRAIN = TrainConfig(lr=0.005, steps=300)  # the dates preset's settings: learns in a few hundred steps


def get_s2s_lab() -> Seq2SeqLab:
    """This session's encoder–decoder, created on first use with the defaults (dates, GRU, additive attention)."""
    if LAB not in st.session_state:
        st.session_state[LAB] = make_seq2seq_lab(Seq2SeqConfig(), DEFAULT_TRAIN)
    return st.session_state[LAB]


def set_s2s_lab(lab: Seq2SeqLab) -> None:
    st.session_state[LAB] = lab


def is_link(params: Mapping[str, Any]) -> bool:
    """Whether a URL's query describes a seq2seq setup (its own "s." keys)."""
    return any(k.partition(".")[0] == "s" for k in params)


def open_link(params: Mapping[str, Any]) -> list[str]:
    """Build this session's encoder–decoder from a link's query; returns the notices about what was ignored."""
    cfg, train, notices = from_query(params)
    try:
        set_s2s_lab(make_seq2seq_lab(cfg, train))
    except ValueError as e:  # each field valid, the combination not (e.g. too large for the server)
        notices.append(UserText("The link's settings could not be used: {error}", error=e))
    return notices


def has_loaded_weights(lab: Seq2SeqLab) -> bool:
    """Whether `lab` got its weights from an uploaded file (its step count starts at 0 all the same)."""
    loaded = st.session_state.get("s2s_loaded_into")
    return loaded is not None and loaded() is lab


def share_link(lab: Seq2SeqLab) -> str:
    """The URL that reopens the Seq2seq page with this setup."""
    return f"{st.context.url or ''}?{urlencode(to_query(lab.cfg, lab.train_cfg))}"


def sidebar_panels() -> None:
    """The sidebar's export/import and share panels for the encoder–decoder (on the Seq2seq page)."""
    lab = get_s2s_lab()
    def apply(name: str, data: bytes):
        new_lab, message = import_file(lab, name, data)
        set_s2s_lab(new_lab)
        if name.lower().endswith(".safetensors"):
            st.session_state.s2s_loaded_into = weakref.ref(new_lab)
        return message

    files.export_panel([
        files.Download("config", t("Config (JSON)"), lambda: config_json(lab.cfg, lab.train_cfg),
                       "rnn-explorer-seq2seq-config.json", "application/json"),
        files.Download("weights", t("Weights (safetensors)"), lambda: weights_safetensors(lab.model),
                       f"rnn-explorer-seq2seq-{lab.cfg.task}-weights.safetensors", "application/octet-stream"),
        files.Download("history", t("Training history (CSV)"), lambda: history_csv(lab.history),
                       "rnn-explorer-seq2seq-history.csv", "text/csv", disabled=len(lab.history) == 0),
    ], t("A seq2seq config JSON replaces the encoder–decoder and its training settings (the trained weights are "
         "discarded); a weights file must fit the current model."), "s2s_", apply)
    with st.expander(t("Share this setup")):
        st.code(share_link(lab), language=None, wrap_lines=True)
        st.caption(t("Anyone who opens this link gets the same encoder–decoder, task and training settings, "
                     "seeded, so the same pictures once trained for the same number of steps."))

