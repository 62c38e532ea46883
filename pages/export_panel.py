"""The sidebar's Export / import panel, shared by the recurrent lab (pages/common.py) and the encoder–decoder
(pages/seq2seq_state.py): download buttons, and an upload that is validated before it changes anything."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import streamlit as st

from explorer.i18n import UserText
from pages.lang import error_text, t


@dataclass(frozen=True)
class Download:
    name: str                        # "config" | "weights" | "history": the button's key is <prefix>export_<name>
    label: str                       # the button's words, translated
    data: Callable[[], bytes | str]  # made only when the button is clicked
    file_name: str
    mime: str
    disabled: bool = False


def export_panel(downloads: Sequence[Download], upload_help: str, prefix: str,
                 apply: Callable[[str, bytes], object]) -> None:
    """The panel: `downloads`, then "Load a config or weights file" (`upload_help` says what loading does).
    `apply(name, data)` installs an uploaded file and returns the success message (str or UserText), or raises
    ValueError, which is shown with the file's name while nothing changes. `prefix` keeps two panels' keys apart."""
    ss = st.session_state
    round_key, message_key = f"{prefix}import_round", f"{prefix}import_message"
    with st.expander(t("Export / import")):
        for d in downloads:
            st.download_button(d.label, d.data, file_name=d.file_name, mime=d.mime, key=f"{prefix}export_{d.name}",
                               width="stretch", disabled=d.disabled, on_click="ignore")
        upload = st.file_uploader(t("Load a config or weights file"), type=["json", "safetensors"],
                                  key=f"{prefix}import_file_{ss.get(round_key, 0)}", help=upload_help)
        if upload is not None and st.button(t("Load it"), key=f"{prefix}import_load", type="primary"):
            try:
                ss[message_key] = ("ok", apply(upload.name, upload.getvalue()))
            except ValueError as e:
                ss[message_key] = ("error", UserText("{file}: {error}", file=upload.name, error=e))
            else:
                ss[round_key] = ss.get(round_key, 0) + 1  # a new key: the uploader comes back empty
            st.rerun()
        if message_key in ss:
            kind, text = ss.pop(message_key)
            (st.success if kind == "ok" else st.error)(error_text(text))
