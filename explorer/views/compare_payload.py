"""The Compare page's live charts as bridge payloads (schema: explorer/views/payload.py), kept by a `Feed`
(explorer/views/train_payload.py) as the Train page's are: each payload carries only what is new since the previous
ones, and the browser appends it in place (pages/bridge.py), keeping the chart's zoom.

The loss chart has one stream per architecture (each lab keeps its own, possibly thinned, history: its stride is in
the stream id, so a thinned history is drawn afresh). The ‖∂L/∂h_t‖ overlay is replaced when any probe changes."""
from __future__ import annotations

import numpy as np

from ..lab import Lab
from . import payload as wire
from . import plots_compare as pc
from .plots_train import gaps
from .style import Sizes
from .train_payload import Feed

LOSS = "compare_loss"  # the loss chart's streams: "compare_loss/k" for the k-th architecture


def loss_payload(feed: Feed, labs: dict[str, Lab], baseline: float, baseline_label: str, log_y: bool,
                 sizes: Sizes, lang: str = "en") -> dict:
    """The live loss chart of `labs` ({arch: lab}, in the chart's trace order): stream k is labs' k-th training
    loss at every kept step."""
    gen = feed.bind(labs)
    strides = ".".join(str(lab.history.steps.stride) for lab in labs.values())  # one thinned: all start afresh
    streams = []
    for k, lab in enumerate(labs.values()):
        name, sid = f"{LOSS}/{k}", f"{gen}.{strides}"
        start = feed.start(name, sid)
        sc = lab.history.scalars(start)
        feed.sent(name, sid, start + len(sc["step"]))
        streams.append(wire.stream(sid, start, sc["step"], [gaps(sc["loss"])], [k]))
    return {"kind": "chart", "png": "compare-loss", "streams": streams,
            "figure": pc.loss_chart(tuple(labs), baseline, baseline_label, log_y, sizes, lang)}


def grad_payload(feed: Feed, labs: dict[str, Lab], seq_len: int, receptive_field: int | None, sizes: Sizes,
                 lang: str = "en") -> dict:
    """‖∂L/∂h_t‖ of the top layer at each recurrent lab's latest probe (plots_compare.grad_overlay), rebuilt only
    when a probe changes."""
    feed.bind(labs)
    probes = {a: lab.history.latest_probe for a, lab in labs.items() if lab.history.latest_probe is not None}
    shows = (tuple((a, id(p), p.step) for a, p in probes.items()), seq_len, receptive_field, sizes, lang)

    def build() -> dict:
        norms = {a: np.asarray(p.hidden_grad_norms[-1]) for a, p in probes.items()}
        return {"kind": "chart", "png": "compare-gradients", "defer": True,
                "figure": wire.figure(pc.grad_overlay(norms, sizes, seq_len, receptive_field, lang))}

    return feed.cached("compare_grads", shows, build)
