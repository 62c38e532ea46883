"""Live charts fed in place while a fragment run trains (the Train and Compare pages).

While a page trains, its live fragment runs for RUN_SECONDS at a time, back to back (its timer is shorter than a
run, and Streamlit queues a fragment's timer while the fragment runs, so the next run starts at once). A run first
mounts every chart with what is new since the previous run (`Charts.chart`), then `train` trains in pieces of
PIECE_GAP, each one turn of the server's fair share (pages.common.TRAINING), and after a piece feeds the charts what
is new in place, without a rerun (pages/bridge.py `feed`: one invisible element in an `st.empty()` slot, replaced
each time; the browser appends the points to the mounted charts, keeping each chart's zoom), each chart only when it
has something new (explorer/views/train_payload.py, Feed.version):
- the page's *fast* charts (a new figure per measurement, e.g. the ‖∂L/∂h_t‖ curve at each probe) after any piece;
- its *paced* charts (points streamed in, e.g. the loss at every step) with them, or PACE_GAP after their last feed:
  the browser draws their points one after the other over about the time to the next feed, at its frame rate
  (bridge.js), so a few feeds a second make a chart that moves every frame;
- the others every REFRESH_GAP.
The page's status (step counter) is redrawn with each feed of the paced charts. Each of these is a Streamlit call,
where Streamlit stops the run when Pause (or any widget outside the fragment) is clicked; so is each read of the
session state (`training()`, after every piece): training stops within one piece. Every feed costs the server a few
ms of Python (building and sending it) in the thread that trains, so the fewer feeds, the faster the training.
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

RERUN_GAP = 1.0       # s: a live fragment's timer while training runs. Shorter than a run, so a tick always lands
                      # during one and the next follows at once; not much shorter: each tick is a message from the
                      # browser with every widget's state, which the server parses and merges in its main thread,
                      # holding the GIL the training needs (at 0.02 s, 50 a second, the thread that trains got 0.87
                      # of a core; at 1 s, 0.93)
RUN_SECONDS = 3.0     # s: one fragment run trains and feeds the charts this long; then the next run mounts them afresh
PIECE_GAP = 0.045     # s: training between two looks for Pause and for news of the fast charts (Pause lands within it)
PACE_GAP = 0.2        # s: at least between two feeds of the paced charts unless a fast one has news (the status
                      # is redrawn with them)
REFRESH_GAP = 1.0     # s: between two feeds of the other live charts
TURN_WAIT = 1.0       # s to wait for a turn of the shared server before the status says who else trains


class Charts:
    """The live charts one fragment run mounts; those drawn from a function are fed anew in place while it trains."""

    def __init__(self, feed: Feed, streaming: bool, fast: tuple[str, ...] = (), paced: tuple[str, ...] = ()) -> None:
        self.feed = feed                  # the page's Feed (its session state): what each chart has been sent
        self.streaming = streaming        # whether this run trains (the charts keep headroom for new points)
        self.fast = fast                  # keys of the charts fed as soon as they have news (after any piece)
        self.paced = paced                # keys of the charts fed with them or PACE_GAP after their last feed
                                          # (the others every REFRESH_GAP)
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
        bridge.view(self._paced(key, payload), key, on_have=lambda counts: self.feed.have(names, counts),
                    streaming=self.streaming)

    def send(self, slot, paced: bool, every: bool) -> bool:
        """Feed the charts drawn from a function what is new since their last payload, in place: the fast ones; the
        paced ones if `paced`, `every` or a fast one has news (the browser spreads their points over the time to
        their next feed); the others if `every`. Whether the paced ones were due."""
        fresh = self._fresh(self.fast)
        paced = paced or every or bool(fresh)
        if paced:
            fresh |= {key: self._paced(key, payload) for key, payload in self._fresh(self.paced).items()}
        if every:
            fresh |= self._fresh(k for k in self.builders if k not in self.fast and k not in self.paced)
        if fresh:
            with slot:
                bridge.feed(fresh)
        return paced

    def _paced(self, key: str, payload: dict) -> dict:
        """A paced chart's payload while the run trains says so: the browser draws its new points one after the
        other (its mount too: the points since the last feed)."""
        return {**payload, "pace": True} if self.streaming and key in self.paced else payload

    def _fresh(self, keys) -> dict[str, dict]:
        """The payloads of these charts (those drawn from a function) that carry something new."""
        fresh = {}
        for key in keys:
            if build := self.builders.get(key):
                version = self.feed.version
                payload = build()
                if self.feed.version != version:  # something new in it
                    fresh[key] = payload
        return fresh


def train(charts: Charts, training: Callable[[], bool], piece: Callable[[], None],
          status: Callable[[Turn, bool], None]) -> None:
    """While `training()` holds, for at most RUN_SECONDS: `piece()` (about PIECE_GAP of training) in a turn of the
    server's fair share, then the charts fed (`Charts.send`) and, with the paced charts and at the end,
    `status(turn, every)` redrawn (`every`: the other charts were fed too)."""
    slot = st.empty()  # the feed: invisible
    now = time.perf_counter()
    end, pace, refresh = now + RUN_SECONDS, now + PACE_GAP, now + REFRESH_GAP
    behind, stale = False, False  # stale: the status lags the steps trained
    while training() and (time.perf_counter() < end or behind and time.perf_counter() < end + bridge.BEHIND_MAX):
        with common.TRAINING.turn(common.training_token(), TURN_WAIT) as turn:  # looked up now: tests replace it
            if turn.granted:
                piece()
                stale = True
        behind = bridge.behind()
        if behind:
            continue
        now = time.perf_counter()
        every = now >= refresh or not training()
        if charts.send(slot, now >= pace or not turn.granted, every):  # Streamlit calls: a click's rerun stops the
            pace = time.perf_counter() + PACE_GAP                      # run here
            status(turn, every)
            stale = False
        if every:
            refresh = time.perf_counter() + REFRESH_GAP
    if stale:  # the run's last steps (the next run mounts the charts with them)
        status(turn, False)
