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
from pages.lang import error_text, t

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
    with st.expander(t("Export / import")):
        st.download_button(t("Config (JSON)"), lambda: config_json(lab.cfg, lab.train_cfg),
                           file_name="rnn-explorer-seq2seq-config.json", mime="application/json",
                           key="s2s_export_config", width="stretch", on_click="ignore")
        st.download_button(t("Weights (safetensors)"), lambda: weights_safetensors(lab.model),
                           file_name=f"rnn-explorer-seq2seq-{lab.cfg.task}-weights.safetensors",
                           mime="application/octet-stream", key="s2s_export_weights", width="stretch",
                           on_click="ignore")
        st.download_button(t("Training history (CSV)"), lambda: history_csv(lab.history),
                           file_name="rnn-explorer-seq2seq-history.csv", mime="text/csv", key="s2s_export_history",
                           width="stretch", disabled=len(lab.history) == 0, on_click="ignore")
        upload = st.file_uploader(t("Load a config or weights file"), type=["json", "safetensors"],
                                  key=f"s2s_import_file_{st.session_state.get('s2s_import_round', 0)}",
                                  help=t("A seq2seq config JSON replaces the encoder–decoder and its training "
                                         "settings (the trained weights are discarded); a weights file must fit "
                                         "the current model."))
        if upload is not None and st.button(t("Load it"), key="s2s_import_load", type="primary"):
            load_upload(lab, upload.name, upload.getvalue())
        if "s2s_import_message" in st.session_state:
            kind, text = st.session_state.pop("s2s_import_message")
            (st.success if kind == "ok" else st.error)(error_text(text))
    with st.expander(t("Share this setup")):
        st.code(share_link(lab), language=None, wrap_lines=True)
        st.caption(t("Anyone who opens this link gets the same encoder–decoder, task and training settings, "
                     "seeded, so the same pictures once trained for the same number of steps."))


def load_upload(lab: Seq2SeqLab, name: str, data: bytes) -> None:
    """Apply an uploaded seq2seq config or weights file, or say why not (and change nothing)."""
    try:
        new_lab, message = import_file(lab, name, data)
    except ValueError as e:
        st.session_state.s2s_import_message = ("error", t("{name}: {error}", name=name, error=error_text(e)))
    else:
        set_s2s_lab(new_lab)
        if name.lower().endswith(".safetensors"):
            st.session_state.s2s_loaded_into = weakref.ref(new_lab)
        st.session_state.s2s_import_message = ("ok", message)
        st.session_state.s2s_import_round = st.session_state.get("s2s_import_round", 0) + 1  # empties the uploader
    st.rerun()
