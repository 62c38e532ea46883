"""Live charts fed in place while a fragment run trains (the Train and Compare pages).

While a page trains, its live fragment runs for RUN_SECONDS at a time, back to back (its timer is shorter than a
run, and Streamlit queues a fragment's timer while the fragment runs, so the next run starts at once). A run first
mounts every chart with what is new since the previous run (`Charts.chart`), then `train` trains in pieces of
FEED_GAP, each one turn of the server's fair share (pages.common.TRAINING), and after each piece feeds the charts
what is new in place, without a rerun (pages/bridge.py `feed`: one invisible element in an `st.empty()` slot,
replaced each time; the browser appends the points to the mounted charts, keeping each chart's zoom): the page's
fast charts after every piece, the others every REFRESH_GAP, each only when it has something new
(explorer/views/train_payload.py, Feed.version). The page's status (step counter) is redrawn after every piece too.
Each of these is a Streamlit call, where Streamlit stops the run when Pause (or any widget outside the fragment) is
clicked, so training stops within one piece; so is each read of the session state (`training()`).
While the browser is behind with what it was sent (pages/bridge.py `behind`), the run trains on and sends nothing,
and does not end (a new run would mount every chart again) until it has caught up, for at most bridge.BEHIND_MAX:
the next feed brings everything (a run whose steps end meanwhile reruns the page, which mounts every chart with all).

This module lives beside the pages, not in explorer/, because it imports streamlit (as pages/common.py does).
"""
from __future__ import annotations

import time
from typing import Callable

import streamlit as st

from explorer.training.fairshare import Turn
from explorer.views.train_payload import Feed, streams_of
from pages import bridge, common

RERUN_GAP = 0.02      # s: a live fragment's timer while training runs (shorter than a run: runs follow back to back)
RUN_SECONDS = 1.5     # s: one fragment run trains and feeds the charts this long; then the next run mounts them afresh
FEED_GAP = 0.045      # s: training between two feeds of the fast charts and redraws of the status (Pause lands
                      # within it; with the feed's own time, ≥ 20 updates a second)
REFRESH_GAP = 0.5     # s: between two feeds of the other live charts
TURN_WAIT = 1.0       # s to wait for a turn of the shared server before the status says who else trains


class Charts:
    """The live charts one fragment run mounts; those drawn from a function are fed anew in place while it trains."""

    def __init__(self, feed: Feed, fast: tuple[str, ...], streaming: bool) -> None:
        self.feed = feed                  # the page's Feed (its session state): what each chart has been sent
        self.fast = fast                  # keys of the charts fed after every piece (the others every REFRESH_GAP)
        self.streaming = streaming        # whether this run trains (the charts keep headroom for new points)
        self.builders: dict[str, Callable[[], dict]] = {}  # key -> the function that builds its payload

    def chart(self, payload: dict | Callable[[], dict], key: str, feed_name: str = "", streams: int = 0) -> None:
        """A live chart; one with streams (named `feed_name`/k in the feed) tells the feed what it has after a
        remount. `payload` may be the function that builds it: while training runs, the chart is then fed anew in
        place."""
        if callable(payload):
            self.builders[key] = payload
            payload = payload()
        if not streams:
            bridge.view(payload, key)
            return
        names = streams_of(feed_name, streams)
        bridge.view(payload, key, on_have=lambda counts: self.feed.have(names, counts), streaming=self.streaming)

    def send(self, slot, every: bool) -> None:
        """Send the charts drawn from a function what is new since their last payload, in place: the fast ones, or
        `every` one of them."""
        fresh = {}
        for key, build in self.builders.items():
            if every or key in self.fast:
                version = self.feed.version
                payload = build()
                if self.feed.version != version:  # something new in it
                    fresh[key] = payload
        if fresh:
            with slot:
                bridge.feed(fresh)


def train(charts: Charts, training: Callable[[], bool], piece: Callable[[], None],
          status: Callable[[Turn, bool], None]) -> None:
    """While `training()` holds, for at most RUN_SECONDS: `piece()` (about FEED_GAP of training) in a turn of the
    server's fair share, then the charts fed and `status(turn, every)` redrawn (`every`: the slow charts were fed
    too)."""
    slot = st.empty()  # the feed: invisible
    end = time.perf_counter() + RUN_SECONDS
    refresh = time.perf_counter() + REFRESH_GAP
    behind = False
    while training() and (time.perf_counter() < end or behind and time.perf_counter() < end + bridge.BEHIND_MAX):
        with common.TRAINING.turn(common.training_token(), TURN_WAIT) as turn:  # looked up now: tests replace it
            if turn.granted:
                piece()
        behind = bridge.behind()
        if behind:
            continue
        every = time.perf_counter() >= refresh or not training()
        if every:
            refresh = time.perf_counter() + REFRESH_GAP
        charts.send(slot, every)  # Streamlit calls: a click's rerun stops the run here
        status(turn, every)
