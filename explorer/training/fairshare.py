"""Fair sharing of one server process's CPU among the sessions that train, without threads of its own.

Why: every session runs in its own script thread, and Python runs one thread at a time. Ten sessions that
train at once fight for that lock at every small torch call: the measured result (deploy/loadtest.py, one
server) was 8–39 steps/s per session instead of an even share, and the page views of everyone else took
~40 s. So training takes turns, and page views only ever compete with one trainer.

How: a session's training is a sequence of short slices, each in a `turn`:
  * admission: at most `max_running` runs are admitted; later ones wait in line (first come, first served) and
    are admitted as places free up, by themselves. An admitted run that has kept its place for `hold_seconds`
    while others wait goes to the back of the line, so a long run cannot shut out the rest;
  * turns: `concurrency` admitted runs train at a time (1: the GIL makes more slower); the waiting run that has
    trained least goes next, so every admitted run gets the same training time;
  * leases: a run that has not asked for a turn for `lease_seconds` (its tab was closed, its page left) is
    dropped. Nothing runs in the background: every call tidies up first.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class _Entry:
    seen: float                      # clock time of its last call
    joined: float                    # when it (last) joined the line
    admitted_at: float | None = None  # when it was admitted; None while in line
    used: float = 0.0                # seconds of turns taken since it was admitted
    asking: bool = False             # inside `turn`, waiting for one
    active: bool = False             # taking a turn now


@dataclass(frozen=True)
class Turn:
    """What `FairShare.turn` gave: a turn, or why not."""

    granted: bool   # this run may train until the `with` block ends
    place: int      # 0: admitted; n > 0: n-th in line to be admitted
    running: int    # admitted runs, this one included if admitted


class FairShare:
    """Turns for training runs, shared by every session of a server process (see the module docstring)."""

    def __init__(self, max_running: int = 10, concurrency: int = 1, hold_seconds: float = 60.0,
                 lease_seconds: float = 10.0, clock: Callable[[], float] = time.monotonic):
        if max_running < 1 or concurrency < 1:
            raise ValueError("max_running and concurrency must be at least 1")
        self.max_running, self.concurrency = max_running, concurrency
        self.hold_seconds, self.lease_seconds = hold_seconds, lease_seconds
        self._clock = clock
        self._cond = threading.Condition()
        self._runs: dict[str, _Entry] = {}  # every known run, in order of arrival in the line
        self._busy = 0                      # turns being taken now

    @contextmanager
    def turn(self, token: str, timeout: float) -> Iterator[Turn]:
        """Join (or stay in) the line as `token` and wait up to `timeout` s for a turn. Yields a `Turn`; if it
        was granted, the run trains inside the `with` block and its turn ends with the block."""
        with self._cond:
            entry = self._runs.setdefault(token, _Entry(seen=self._clock(), joined=self._clock()))
            granted = self._wait(token, entry, self._clock() + timeout)
            status = self._status(token, granted)
            if granted:
                self._busy += 1
                entry.active = True
                started = self._clock()
        if not granted:
            yield status
            return
        try:
            yield status
        finally:
            with self._cond:
                self._busy -= 1
                entry.active = False
                entry.used += self._clock() - started
                entry.seen = self._clock()
                self._cond.notify_all()

    def _wait(self, token: str, entry: _Entry, deadline: float) -> bool:
        """Under the lock: wait until `token` is admitted, is the next to go and a turn is free (True), or until
        the deadline (False)."""
        entry.asking = True
        try:
            while True:
                self._tidy()
                if self._busy < self.concurrency and self._next() == token:
                    return True
                left = deadline - self._clock()
                if left <= 0:
                    return False
                self._cond.wait(left)
        finally:
            entry.asking = False

    def leave(self, token: str) -> None:
        """The run paused, finished or was replaced: its place goes to the next in line."""
        with self._cond:
            if self._runs.pop(token, None) is not None:
                self._tidy()
                self._cond.notify_all()

    def counts(self) -> tuple[int, int]:
        """(admitted runs, runs waiting in line)."""
        with self._cond:
            self._tidy()
            admitted = sum(e.admitted_at is not None for e in self._runs.values())
            return admitted, len(self._runs) - admitted

    def _status(self, token: str, granted: bool) -> Turn:
        line = [t for t, e in self._runs.items() if e.admitted_at is None]
        place = line.index(token) + 1 if token in line else 0
        return Turn(granted, place, len(self._runs) - len(line))

    def _next(self) -> str | None:
        """The admitted run, asking for a turn now, that has trained least."""
        asking = [(e.used, t) for t, e in self._runs.items() if e.asking and e.admitted_at is not None]
        return min(asking)[1] if asking else None

    def _tidy(self) -> None:
        """Drop runs not heard from, send runs that held their place too long to the back of a non-empty line,
        and admit from the front of the line."""
        now = self._clock()
        for entry in self._runs.values():
            if entry.asking or entry.active:
                entry.seen = now
        for token in [t for t, e in self._runs.items() if now - e.seen > self.lease_seconds]:
            del self._runs[token]
        waiting = [e.joined for e in self._runs.values() if e.admitted_at is None]
        if waiting:
            since = min(waiting)  # how long someone has been waiting
            for token in [t for t, e in self._runs.items()
                          if e.admitted_at is not None and now - max(e.admitted_at, since) > self.hold_seconds]:
                entry = self._runs.pop(token)
                entry.admitted_at, entry.joined = None, now
                self._runs[token] = entry  # to the back of the line
        admitted = [e for e in self._runs.values() if e.admitted_at is not None]
        floor = min((e.used for e in admitted), default=0.0)
        for entry in self._runs.values():
            if len(admitted) >= self.max_running:
                break
            if entry.admitted_at is None:
                entry.admitted_at, entry.used = now, floor  # no catching up on the time spent in line
                admitted.append(entry)
