"""Load test of RNN Explorer: many browser tabs at once, speaking Streamlit's own websocket protocol.

Each simulated tab is one websocket on /_stcore/stream (subprotocol "streamlit", an Origin header), i.e. one
Streamlit session. It sends the browser's messages (BackMsg.rerun_script with the page's script hash and, for a
click, the button's widget id with trigger_value=True; a fragment's timer: rerun_script with its fragment_id and
is_auto_rerun) and reads the server's ForwardMsgs: a page view lasts from the request to
script_finished(FINISHED_SUCCESSFULLY); an `exception` element is an error shown to the user.

Scenarios (every one bounded in time; traffic goes to loopback only):
  pages   N tabs at once, each loading every page R times             -> page-view latency p50/p95/max
  burst   N tabs open the link within W seconds, like a lecture hall  -> first-page latency; with 2+ replicas
          also which replica each tab was pinned to and whether a reconnect finds its session again
  train   K tabs press Start on Train and keep training for D seconds while M other tabs browse every page
                                                                      -> steps/s per trainer, page-view latency
  memory  RSS per idle tab (N tabs that saw every page, then idle), and RSS over V page views of one tab
  scale   the same page load against 1 replica and against 2 replicas behind HAProxy, alternating
                                                                      -> page views/s of each, their ratio

The app is started here (`streamlit run app.py` on free loopback ports; with --replicas 2 also HAProxy with
deploy/haproxy.cfg in front) or an already running one is targeted with --url. Server CPU and RSS are read from
/proc for the processes started here. Examples (README "Serving a class" has the measured figures):

  python deploy/loadtest.py pages --sessions 1 --rounds 10
  python deploy/loadtest.py pages --sessions 20 --rounds 2
  python deploy/loadtest.py train --trainers 10 --browsers 10 --duration 40
  python deploy/loadtest.py burst --sessions 100 --within 1 --replicas 2
  python deploy/loadtest.py scale --sessions 20 --rounds 2
  python deploy/loadtest.py memory --idle 20 --views 500
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_CFG = Path(__file__).resolve().parent / "haproxy.cfg"
PAGES = ("", "build", "step_through", "train", "compare")  # url paths of the app's pages; "" is Home
PAGE_NAMES = {"": "home"}
FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
STEP_RE = re.compile(r"Step \*\*([\d,]+)\*\*")  # the Train page's counter: "Step **123** · this run ..."
COOKIE = "rnnx_replica"  # HAProxy's stickiness cookie (deploy/haproxy.cfg)


# --- one browser tab ---------------------------------------------------------------------------------------------

class Tab:
    """One browser tab: one websocket, one Streamlit session. Call `open`, then `view` / `click`."""

    def __init__(self, base_url: str, timeout: float):
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.cookie: str | None = None     # the proxy's stickiness cookie, once the HTML page set it
        self.session_id = ""
        self.pages: dict[str, str] = {}    # url path -> page script hash
        self.page = ""                     # the page shown
        self.buttons: dict[str, str] = {}  # widget key -> widget id, of the buttons of the last runs
        self.errors: list[str] = []        # exceptions shown to the user, and protocol failures
        self.steps: list[tuple[float, int]] = []  # (time, Train page step counter) as the counter was redrawn
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._timers: dict[str, asyncio.Task] = {}  # fragment id -> its auto-rerun timer (the browser's setInterval)
        self._finished = asyncio.Event()

    async def load_html(self) -> None:
        """GET the page like a browser does before it opens the websocket: behind the proxy this pins the tab to a
        replica (its Set-Cookie)."""
        url = urlsplit(self.base)
        headers = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}

        def get() -> tuple[int, str | None]:
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=self.timeout)
            try:
                conn.request("GET", url.path or "/", headers=headers)
                resp = conn.getresponse()
                resp.read()
                cookies = resp.headers.get_all("Set-Cookie") or []
                return resp.status, next((c.split(";")[0].split("=", 1)[1] for c in cookies
                                          if c.startswith(f"{COOKIE}=")), None)
            finally:
                conn.close()

        status, cookie = await asyncio.to_thread(get)
        if status != 200:
            raise RuntimeError(f"GET {self.base} answered {status}")
        self.cookie = cookie or self.cookie

    async def open(self, resume: str = "") -> None:
        """Open the websocket (resume: the id of a session to reconnect to, as a browser does after a network
        blip). The first page is requested by `view`, as the browser does right after connecting."""
        url = urlsplit(self.base)
        ws_url = f"ws://{url.netloc}{url.path.rstrip('/')}/_stcore/stream"
        headers = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}
        # The subprotocol list carries [protocol, XSRF token, session to resume]: "-" is a placeholder token.
        protocols = ["streamlit", "-", resume] if resume else ["streamlit"]
        self._ws = await websockets.connect(ws_url, origin=f"http://{url.netloc}", subprotocols=protocols,
                                            additional_headers=headers, proxy=None, max_size=None,
                                            compression=None, open_timeout=self.timeout, ping_interval=None)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def view(self, page: str, query: str = "", clicks: tuple[str, ...] = ()) -> float:
        """Show `page` (a url path; "" is Home), clicking the buttons with these widget keys: seconds until the
        server said the run finished. Raises TimeoutError."""
        self._finished.clear()
        start = time.perf_counter()
        await self._send_rerun(page, query, clicks=clicks)
        await asyncio.wait_for(self._finished.wait(), self.timeout)
        return time.perf_counter() - start

    async def _send_rerun(self, page: str, query: str = "", clicks: tuple[str, ...] = (), fragment: str = "") -> None:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = query
        rerun.page_script_hash = self.pages.get(page, "") if page else ""
        if page and not rerun.page_script_hash:  # before the first navigation message: ask by name
            rerun.page_name = page
        for key in clicks:
            state = rerun.widget_states.widgets.add()
            state.id = self.buttons[key]
            state.trigger_value = True
        if fragment:
            rerun.fragment_id = fragment
            rerun.is_auto_rerun = True
        self.page = page
        await self._ws.send(msg.SerializeToString())

    async def _auto_rerun(self, fragment: str, interval: float) -> None:
        """The browser's timer of a `run_every` fragment: a rerun request every `interval` s, answered or not."""
        while True:
            await asyncio.sleep(interval)
            await self._send_rerun(self.page, fragment=fragment)

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self._handle(raw)
        except websockets.ConnectionClosed as e:
            if e.rcvd is None or e.rcvd.code not in (1000, 1001):
                self.errors.append(f"websocket closed: {e}")
        finally:
            self._finished.set()  # wake a waiting view: it then sees the error

    def _handle(self, raw: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            if not msg.metadata.run.fragment_ids:  # a full run: the browser drops every fragment timer
                for timer in self._timers.values():
                    timer.cancel()
                self._timers.clear()
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            which = el.WhichOneof("type")
            if which == "exception":
                self.errors.append(f"{PAGE_NAMES.get(self.page, self.page)}: {el.exception.type}: "
                                   f"{el.exception.message[:200]}")
            elif which == "button":
                self.buttons[el.button.id.rsplit("-", 1)[-1]] = el.button.id
            elif which == "progress":
                m = STEP_RE.search(el.progress.text)
                if m:
                    self.steps.append((time.perf_counter(), int(m.group(1).replace(",", ""))))
        elif kind == "auto_rerun":
            fid = msg.auto_rerun.fragment_id
            if fid not in self._timers:
                self._timers[fid] = asyncio.create_task(self._auto_rerun(fid, msg.auto_rerun.interval))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                timer = self._timers.pop(fid, None)
                if timer:
                    timer.cancel()
        elif kind == "script_finished" and msg.script_finished == FINISHED:
            self._finished.set()

    @property
    def training(self) -> bool:
        return bool(self._timers)

    def steps_per_second(self, since: float) -> float | None:
        """Training speed from the counter redraws after `since` (perf_counter time)."""
        pts = [(t, s) for t, s in self.steps if t >= since]
        if len(pts) < 2 or pts[-1][0] == pts[0][0]:
            return None
        return (pts[-1][1] - pts[0][1]) / (pts[-1][0] - pts[0][0])


# --- servers started here ------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_http(url: str, deadline: float) -> None:
    parts = urlsplit(url)
    while True:
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            conn.request("GET", parts.path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer in time")
        time.sleep(0.2)


@dataclass
class Server:
    """A process started here (a `streamlit run` replica or HAProxy) and the URL it serves."""

    name: str
    url: str
    proc: subprocess.Popen
    log: Path

    def cpu(self) -> float:
        return proc_cpu_seconds(self.proc.pid)

    def rss(self) -> float:
        return proc_rss_mib(self.proc.pid)


class Cluster:
    """N `streamlit run app.py` replicas on loopback and, for N > 1, HAProxy in front (deploy/haproxy.cfg)."""

    def __init__(self, replicas: int, flags: list[str], startup: float = 90.0):
        self.replicas: list[Server] = []
        self.proxy: Server | None = None
        self.flags, self.startup = flags, startup
        self.n = replicas
        self.logdir = Path(tempfile.mkdtemp(prefix="rnnx-load-"))

    def __enter__(self) -> "Cluster":
        try:
            for i in range(self.n):
                self.replicas.append(self._start_replica(i + 1))
            deadline = time.monotonic() + self.startup
            for r in self.replicas:
                wait_http(f"{r.url}/_stcore/health", deadline)
            if self.n > 1:
                self.proxy = self._start_proxy()
                wait_http(f"{self.proxy.url}/_stcore/health", deadline)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for s in [*self.replicas, *([self.proxy] if self.proxy else [])]:
            if s.proc.poll() is None:
                s.proc.send_signal(signal.SIGTERM)
        for s in [*self.replicas, *([self.proxy] if self.proxy else [])]:
            try:
                s.proc.wait(10)
            except subprocess.TimeoutExpired:
                s.proc.kill()

    @property
    def url(self) -> str:
        return self.proxy.url if self.proxy else self.replicas[0].url

    def _start_replica(self, i: int) -> Server:
        port = free_port()
        log = self.logdir / f"replica{i}.log"
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", *self.flags]
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        return Server(f"replica{i}", f"http://127.0.0.1:{port}", proc, log)

    def _start_proxy(self) -> Server:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        port = free_port()
        env = dict(os.environ, RNNX_BIND=f"127.0.0.1:{port}", RNNX_COOKIE_KEY="loadtest")
        for i, r in enumerate(self.replicas, 1):
            env[f"RNNX_SERVER{i}"] = urlsplit(r.url).netloc
        log = self.logdir / "haproxy.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([haproxy, "-db", "-f", str(HAPROXY_CFG)], env=env, stdout=out,
                                    stderr=subprocess.STDOUT)
        return Server("haproxy", f"http://127.0.0.1:{port}", proc, log)

    def usage(self) -> dict[str, tuple[float, float]]:
        """{name: (CPU seconds so far, RSS MiB)} of every process started here, and of this load test itself
        (it shares the machine's cores with the servers)."""
        out = {s.name: (s.cpu(), s.rss()) for s in [*self.replicas, *([self.proxy] if self.proxy else [])]}
        out["load test client"] = (proc_cpu_seconds(os.getpid()), proc_rss_mib(os.getpid()))
        return out


# --- measurements ------------------------------------------------------------------------------------------------

@dataclass
class Stats:
    """Page-view latencies and errors of one phase."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    by_page: dict[str, list[float]] = field(default_factory=dict)  # the latencies of `browse`, by page

    def page_line(self) -> str:
        return "median by page: " + ", ".join(f"{PAGE_NAMES.get(p, p)} {statistics.median(v) * 1e3:.0f} ms"
                                              for p, v in self.by_page.items())

    def line(self, what: str) -> str:
        if not self.latencies:
            return f"{what}: no page view completed; errors {len(self.errors)}"
        q = sorted(self.latencies)
        p95 = q[min(len(q) - 1, int(round(0.95 * (len(q) - 1))))]
        rate = f", {len(q) / self.wall:.1f} page views/s" if self.wall else ""
        return (f"{what}: {len(q)} page views, p50 {statistics.median(q) * 1e3:.0f} ms, p95 {p95 * 1e3:.0f} ms, "
                f"max {q[-1] * 1e3:.0f} ms{rate}; errors {len(self.errors)}")

    def add(self, other: "Stats") -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        for page, values in other.by_page.items():
            self.by_page.setdefault(page, []).extend(values)


async def open_tab(url: str, timeout: float, stats: Stats, first_page: str = "", query: str = "") -> Tab | None:
    """A tab that loaded the HTML, connected, and showed its first page (its latency counted), or None on error."""
    tab = Tab(url, timeout)
    start = time.perf_counter()
    try:
        await tab.load_html()
        await tab.open()
        await tab.view(first_page, query)
    except Exception as e:  # noqa: BLE001 - every failure is a counted error, the run goes on
        stats.errors.append(f"open: {type(e).__name__}: {e}")
        await tab.close()
        return None
    stats.latencies.append(time.perf_counter() - start)
    return tab


async def browse(tab: Tab, rounds: int, stats: Stats, until: float = float("inf"), think: float = 0.0) -> None:
    """Every page in turn, `rounds` times (or until `until`, perf_counter time), `think` s between page views.
    Adds the tab's errors (exceptions it was shown) to `stats` when done."""
    try:
        for _ in range(rounds):
            for page in PAGES:
                await asyncio.sleep(think)
                if time.perf_counter() >= until:
                    return
                try:
                    latency = await tab.view(page)
                except Exception as e:  # noqa: BLE001
                    stats.errors.append(f"{PAGE_NAMES.get(page, page)}: {type(e).__name__}: {e}")
                    return
                stats.latencies.append(latency)
                stats.by_page.setdefault(page, []).append(latency)
    finally:
        stats.errors += tab.errors


async def page_load(url: str, sessions: int, rounds: int, timeout: float) -> Stats:
    """`sessions` tabs at once, each opening the app and then loading every page `rounds` times."""
    stats = Stats()
    start = time.perf_counter()

    async def one() -> None:
        tab = await open_tab(url, timeout, stats)
        if tab:
            await browse(tab, rounds, stats)
            await tab.close()

    await asyncio.gather(*(one() for _ in range(sessions)))
    stats.wall = time.perf_counter() - start
    return stats


async def warm_up(url: str, timeout: float) -> None:
    """One tab loads every page once (imports, first-run caches), so that the measurements see a warm server."""
    stats = await page_load(url, 1, 1, timeout)
    if stats.errors:
        raise RuntimeError(f"warm-up failed: {stats.errors[:3]}")


def usage_line(cluster: Cluster | None, before: dict, wall: float) -> str:
    if cluster is None:
        return "server CPU/RSS: not measured (--url: the server was not started here)"
    after = cluster.usage()
    parts = [f"{name} CPU {(after[name][0] - before[name][0]) / wall:.2f} cores, RSS {after[name][1]:.0f} MiB"
             for name in after]
    return "processes: " + "; ".join(parts) + f" (over {wall:.1f} s)"


def load_line() -> str:
    one, five, _ = os.getloadavg()
    return f"machine: {os.cpu_count()} cores, load average {one:.2f} (1 min) {five:.2f} (5 min)"


# --- scenarios ---------------------------------------------------------------------------------------------------

async def scenario_pages(args, url: str, cluster: Cluster | None) -> None:
    before, start = cluster.usage() if cluster else {}, time.perf_counter()
    stats = await page_load(url, args.sessions, args.rounds, args.timeout)
    wall = time.perf_counter() - start
    print(stats.line(f"{args.sessions} session(s) x {args.rounds} round(s) of every page"))
    print(stats.page_line())
    if cluster:
        views = len(stats.latencies)
        cpu = sum(cluster.usage()[r.name][0] - before[r.name][0] for r in cluster.replicas)
        print(f"server CPU per page view: {cpu / max(views, 1) * 1e3:.0f} ms (replica CPU time / page views)")
    print(usage_line(cluster, before, wall))
    report_errors(stats.errors)


async def scenario_burst(args, url: str, cluster: Cluster | None) -> None:
    stats = Stats()
    before, start = cluster.usage() if cluster else {}, time.perf_counter()
    tabs: list[Tab | None] = []

    async def one(delay: float) -> None:
        await asyncio.sleep(delay)
        tabs.append(await open_tab(url, args.timeout, stats))

    rng = random.Random(0)
    await asyncio.gather(*(one(rng.uniform(0, args.within)) for _ in range(args.sessions)))
    wall = time.perf_counter() - start
    served = [t for t in tabs if t]
    print(stats.line(f"{args.sessions} tabs opening the link within {args.within:g} s, first page"))
    print(f"served: {len(served)} of {args.sessions}; all done {wall:.1f} s after the first tab opened")
    print(usage_line(cluster, before, wall))
    if cluster and cluster.proxy:
        pinned = {}
        for t in served:
            pinned[t.cookie] = pinned.get(t.cookie, 0) + 1
        print(f"replicas the proxy pinned the tabs to (cookie {COOKIE}): "
              + ", ".join(f"{v} tabs" for v in sorted(pinned.values(), reverse=True)))
        await reconnects(served, args.timeout)
    report_errors(stats.errors + [e for t in served for e in t.errors])
    for t in served:
        await t.close()


async def reconnects(tabs: list[Tab], timeout: float) -> None:
    """Stickiness: each tab drops its websocket and reconnects asking for its session, as a browser does after a
    network blip. Only the replica that holds a session can resume it: with the tab's own cookie the proxy must
    send it there; as a control, with the cookie of the other replica it lands on the wrong one."""
    cookies = sorted({t.cookie for t in tabs if t.cookie})
    if len(cookies) < 2:
        print("reconnects: not checked (the tabs were not spread over two replicas)")
        return
    sample = tabs[:20]
    for own in (True, False):
        resumed = 0
        for tab in sample:
            await tab.close()
            again = Tab(tab.base, timeout)
            again.cookie = tab.cookie if own else next(c for c in cookies if c != tab.cookie)
            try:
                await again.open(resume=tab.session_id)
                await again.view("")
                resumed += again.session_id == tab.session_id
            finally:
                await again.close()
            await tab.open(resume=tab.session_id)  # back to its own session, for the next round
            await tab.view("")
        which = "its own cookie" if own else "the other replica's cookie (control)"
        print(f"reconnect with {which}: {resumed} of {len(sample)} tabs got their session back")


async def scenario_train(args, url: str, cluster: Cluster | None) -> None:
    """K tabs train (Start on Train, the fragment timer emulated) for --duration s while M tabs browse."""
    stats, trainer_stats = Stats(), Stats()
    query = f"r.steps={args.run_steps}"
    trainers = [t for t in await asyncio.gather(*(open_tab(url, args.timeout, trainer_stats, "train", query)
                                                    for _ in range(args.trainers))) if t]
    for tab in trainers:
        await tab.view("train", clicks=("train_start",))
    start = time.perf_counter()
    measure_from = start + args.settle
    before = cluster.usage() if cluster else {}
    until = start + args.duration

    async def browser() -> None:
        tab = await open_tab(url, args.timeout, stats)
        if tab:
            await browse(tab, 10**6, stats, until, args.think)
            await tab.close()

    await asyncio.gather(*(browser() for _ in range(args.browsers)),
                         asyncio.sleep(max(until - time.perf_counter(), 0)))
    wall = time.perf_counter() - start
    rates = [t.steps_per_second(measure_from) for t in trainers]
    still = sum(t.training for t in trainers)
    print(f"{len(trainers)} tabs training the default LSTM for {args.duration:g} s (rate measured after "
          f"{args.settle:g} s), {args.browsers} other tabs browsing every page meanwhile, "
          + (f"{args.think:g} s between page views" if args.think else "back to back (no time to read)"))
    ok = [r for r in rates if r is not None]
    if ok:
        print(f"training steps/s per tab: min {min(ok):.1f}, median {statistics.median(ok):.1f}, max {max(ok):.1f}, "
              f"total {sum(ok):.0f}; per tab: {', '.join(f'{r:.1f}' for r in ok)}")
    print(f"tabs still training at the end: {still} of {len(trainers)}; tabs with no measurable rate: "
          f"{rates.count(None)}")
    print(stats.line("page views of the browsing tabs"))
    if stats.by_page:
        print(stats.page_line().replace("median", "page views: median") + "; max by page: " + ", ".join(
            f"{PAGE_NAMES.get(p, p)} {max(v) * 1e3:.0f} ms" for p, v in stats.by_page.items()))
    print(usage_line(cluster, before, wall))
    report_errors(stats.errors + trainer_stats.errors + [e for t in trainers for e in t.errors])
    for tab in trainers:
        await tab.close()


async def scenario_memory(args, url: str, cluster: Cluster | None) -> None:
    if cluster is None:
        sys.exit("memory: needs a server started here (no --url)")

    def replicas_rss() -> float:
        return sum(r.rss() for r in cluster.replicas)

    stats = Stats()
    tab = await open_tab(url, args.timeout, stats)
    samples = [(0, replicas_rss())]
    for i in range(1, args.views + 1):
        page = PAGES[i % len(PAGES)]
        stats.latencies.append(await tab.view(page))
        if i % 50 == 0:
            samples.append((i, replicas_rss()))
    await tab.close()
    print(f"RSS over {args.views} page views of one tab (every page in turn): "
          + ", ".join(f"{n}: {r:.0f}" for n, r in samples) + " MiB")
    tail = [s for s in samples if s[0] >= min(100, args.views)]
    if len(tail) >= 2:
        growth = (tail[-1][1] - tail[0][1]) / (tail[-1][0] - tail[0][0]) * 100
        print(f"growth after the first 100 views: {growth:+.2f} MiB per 100 page views")
    base = replicas_rss()
    tabs = [await open_tab(url, args.timeout, stats) for _ in range(args.idle)]
    for t in tabs:
        if t:
            await browse(t, 1, stats)
    await asyncio.sleep(2)
    loaded = replicas_rss()
    print(f"{args.idle} idle tabs that each saw every page: RSS {base:.0f} -> {loaded:.0f} MiB, "
          f"{(loaded - base) / max(args.idle, 1):.1f} MiB per idle tab")
    for t in tabs:
        if t:
            await t.close()
    report_errors(stats.errors)


async def scenario_scale(args, _url: str, cluster: Cluster | None) -> None:
    """1 replica (direct) vs 2 replicas (through the proxy), alternating, same load."""
    if cluster is None or cluster.proxy is None:
        sys.exit("scale: needs --replicas 2 (started here)")
    one, two = cluster.replicas[0].url, cluster.proxy.url
    await warm_up(cluster.replicas[1].url, args.timeout)
    rates: dict[str, list[float]] = {"1 replica": [], "2 replicas": []}
    total: dict[str, Stats] = {k: Stats() for k in rates}
    cores: dict[str, dict[str, float]] = {k: {} for k in rates}  # CPU seconds by process, per setup
    for _ in range(args.repeats):
        for name, target in (("1 replica", one), ("2 replicas", two)):
            before = cluster.usage()
            s = await page_load(target, args.sessions, args.rounds, args.timeout)
            after = cluster.usage()
            for proc in after:
                cores[name][proc] = cores[name].get(proc, 0.0) + after[proc][0] - before[proc][0]
            rates[name].append(len(s.latencies) / s.wall)
            total[name].add(s)
            total[name].wall += s.wall
    for name in rates:
        print(total[name].line(f"{name}, {args.sessions} tabs x {args.rounds} rounds of every page, "
                               f"{args.repeats} runs"))
        replica_cpu = sum(sec for proc, sec in cores[name].items() if proc.startswith("replica"))
        print("  CPU used: " + ", ".join(f"{proc} {sec / total[name].wall:.2f} cores" for proc, sec in cores[name].items()
                                         if sec > 0.01 * total[name].wall)
              + f"; {len(total[name].latencies) / replica_cpu:.1f} page views per replica CPU-second")
    ratios = [b / a for a, b in zip(rates["1 replica"], rates["2 replicas"])]
    print(f"throughput: 1 replica {', '.join(f'{r:.1f}' for r in rates['1 replica'])} page views/s; 2 replicas "
          f"{', '.join(f'{r:.1f}' for r in rates['2 replicas'])}; ratio per run "
          f"{', '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f}x)")
    report_errors(total["1 replica"].errors + total["2 replicas"].errors)


def report_errors(errors: list[str]) -> None:
    print(f"errors: {len(errors)}")
    for e in dict.fromkeys(errors):
        print(f"  {e}")


SCENARIOS = {"pages": scenario_pages, "burst": scenario_burst, "train": scenario_train,
             "memory": scenario_memory, "scale": scenario_scale}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--url", help="target a running app (loopback only) instead of starting one")
    parser.add_argument("--replicas", type=int, default=1, help="replicas to start; 2+ puts HAProxy in front")
    parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                        help="a Streamlit option for the replicas started here, e.g. runner.postScriptGC=true")
    parser.add_argument("--sessions", type=int, default=20, help="pages, burst, scale: tabs at once")
    parser.add_argument("--rounds", type=int, default=2, help="pages, scale: times each tab loads every page")
    parser.add_argument("--within", type=float, default=1.0, help="burst: seconds over which the tabs open")
    parser.add_argument("--trainers", type=int, default=10, help="train: tabs that train")
    parser.add_argument("--browsers", type=int, default=10, help="train: tabs that browse meanwhile")
    parser.add_argument("--duration", type=float, default=40.0, help="train: seconds of training")
    parser.add_argument("--settle", type=float, default=10.0, help="train: seconds before the rate is measured")
    parser.add_argument("--think", type=float, default=0.0,
                        help="train: seconds a browsing tab waits between page views (0: back to back)")
    parser.add_argument("--run-steps", type=int, default=100_000, help="train: steps per run (so none ends early)")
    parser.add_argument("--idle", type=int, default=20, help="memory: idle tabs")
    parser.add_argument("--views", type=int, default=500, help="memory: page views of one tab")
    parser.add_argument("--repeats", type=int, default=2, help="scale: alternating runs of each")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a page view counts as failed")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="hard limit on the whole run")
    args = parser.parse_args(argv)
    if args.url and urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("--url must be a loopback address: this load test never targets another machine")
    flags = [f"--{opt.split('=', 1)[0]}={opt.split('=', 1)[1]}" for opt in args.set]
    print(f"RNN Explorer load test: {args.scenario}; {load_line()}")
    if args.set:
        print(f"streamlit options: {' '.join(flags)}")

    async def run() -> None:
        if args.url:
            await warm_up(args.url, args.timeout)
            await SCENARIOS[args.scenario](args, args.url, None)
            return
        replicas = max(args.replicas, 2 if args.scenario == "scale" else 1)
        with Cluster(replicas, flags) as cluster:
            print(f"started {replicas} replica(s)" + (" behind HAProxy" if cluster.proxy else "")
                  + f" at {cluster.url} (logs in {cluster.logdir})")
            await warm_up(cluster.url, args.timeout)
            if cluster.proxy:  # a warm-up through the proxy lands on one replica: warm every one
                for r in cluster.replicas:
                    await warm_up(r.url, args.timeout)
            await SCENARIOS[args.scenario](args, cluster.url, cluster)

    async def bounded() -> None:
        try:
            await asyncio.wait_for(run(), args.max_seconds)
        except TimeoutError:
            print(f"stopped: the run exceeded --max-seconds {args.max_seconds:g}")

    asyncio.run(bounded())
    print(load_line().replace("machine:", "machine at the end:"))


if __name__ == "__main__":
    main()
