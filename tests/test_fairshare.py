"""FairShare: admission in order of arrival, one turn at a time to the run that trained least, leases, rotation."""
import threading

import pytest

from explorer.training.fairshare import FairShare


class Clock:
    """A clock the test moves by hand (thread-safe enough: tests move it inside one turn at a time)."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def take(fs: FairShare, token: str, timeout: float = 0.0, work: float = 0.0, clock: Clock | None = None):
    """Ask for a turn; if granted, 'train' for `work` seconds of the fake clock. Returns the Turn."""
    with fs.turn(token, timeout) as turn:
        if turn.granted and clock:
            clock.now += work
    return turn


def test_admits_in_order_of_arrival_and_says_the_place_in_line():
    fs = FairShare(max_running=2, clock=Clock())
    assert take(fs, "a").granted and take(fs, "b").granted
    c, d = take(fs, "c"), take(fs, "d")
    assert (c.granted, c.place, c.running) == (False, 1, 2)
    assert (d.granted, d.place) == (False, 2)
    assert fs.counts() == (2, 2)
    fs.leave("a")  # a paused: the first in line gets its place
    assert take(fs, "c").granted and take(fs, "d").place == 1
    assert take(fs, "b").granted


def test_the_run_that_trained_least_goes_next():
    clock = Clock()
    fs = FairShare(max_running=3, clock=clock)
    take(fs, "a"), take(fs, "b"), take(fs, "c")  # all three admitted at time 0
    take(fs, "a", work=5.0, clock=clock)
    take(fs, "b", work=1.0, clock=clock)
    # a and b both ask while c holds the turn: b (1 s so far) goes before a (5 s)
    order = []
    holder = fs.turn("c", 0.0)
    assert holder.__enter__().granted

    def ask(token):
        with fs.turn(token, 5.0) as turn:
            order.append((token, turn.granted))

    threads = [threading.Thread(target=ask, args=(t,)) for t in ("a", "b")]
    for t in threads:
        t.start()
    while sum(e.asking for e in fs._runs.values()) < 2:  # both waiting
        threading.Event().wait(0.001)
    holder.__exit__(None, None, None)
    for t in threads:
        t.join()
    assert order == [("b", True), ("a", True)]


def test_one_turn_at_a_time():
    fs = FairShare(max_running=4)
    with fs.turn("a", 0.0) as a:
        assert a.granted
        b = take(fs, "b", timeout=0.05)
        assert not b.granted and b.place == 0  # admitted, but a holds the turn
    assert take(fs, "b").granted


def test_turns_share_the_time_evenly():
    """Runs asking all the time get turns of equal total length (here: equal counts of equal turns)."""
    clock = Clock()
    fs = FairShare(max_running=5, clock=clock)
    counts = dict.fromkeys("abcde", 0)
    stop = threading.Event()
    start = threading.Barrier(len(counts))

    def trainer(token):
        take(fs, token)  # join
        start.wait()
        while not stop.is_set():
            with fs.turn(token, 0.2) as turn:
                if turn.granted:
                    counts[token] += 1
                    clock.now += 0.1
                    stop.wait(0.001)  # a little real time too, so that the others are waiting
                    if sum(counts.values()) >= 200:
                        stop.set()

    threads = [threading.Thread(target=trainer, args=(t,)) for t in counts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(counts.values()) - min(counts.values()) <= 1, counts


def test_a_newcomer_does_not_catch_up_on_time_it_was_not_there():
    clock = Clock()
    fs = FairShare(max_running=3, clock=clock)
    for _ in range(5):
        take(fs, "a", work=1.0, clock=clock)
    take(fs, "b", work=0.5, clock=clock)  # b arrives late: it starts level with a, not 5 s behind
    assert take(fs, "b", work=1.0, clock=clock).granted
    assert fs._runs["b"].used == pytest.approx(fs._runs["a"].used + 1.5)


def test_a_run_not_heard_from_is_dropped():
    clock = Clock()
    fs = FairShare(max_running=1, lease_seconds=10.0, clock=clock)
    assert take(fs, "closed tab").granted
    assert take(fs, "b").place == 1
    clock.now += 5
    assert take(fs, "b").place == 1  # within the lease: still waiting
    clock.now += 6  # the closed tab has not asked for 11 s
    assert take(fs, "b").granted
    assert fs.counts() == (1, 0)


def test_a_long_run_yields_its_place_when_others_wait():
    clock = Clock()
    fs = FairShare(max_running=1, hold_seconds=60.0, lease_seconds=1e6, clock=clock)
    assert take(fs, "long").granted
    clock.now += 100  # nobody waited: it keeps its place
    assert take(fs, "long").granted
    assert take(fs, "new").place == 1
    clock.now += 59  # held 59 s while someone waits: still its place
    assert take(fs, "long").granted and take(fs, "new").place == 1
    clock.now += 2  # 61 s: to the back of the line
    assert take(fs, "new").granted
    assert take(fs, "long").place == 1


def test_leave_frees_the_place_and_rejects_bad_sizes():
    fs = FairShare(max_running=1)
    take(fs, "a")
    fs.leave("a")
    fs.leave("never seen")
    assert fs.counts() == (0, 0)
    with pytest.raises(ValueError):
        FairShare(max_running=0)
