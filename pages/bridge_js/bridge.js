// RNN Explorer's browser-side views, mounted by pages/bridge.py (payload schema: explorer/views/payload.py).
// Python computes every number; this module slices the arrays at a clock's position and draws.
//
// Every view of the page runs in this one module (bridge_loader.js imports it once per page, and view.js hands each
// view element to its default export), so the clocks below are shared: a player moves its group's clock, and every
// subscribed view redraws in the next animation frame. Each view keeps its DOM across reruns; a new payload redraws
// it in place, whether it comes with the view's own element or in a feed element (a long server run updating views
// it mounted earlier: see "feed").

const clocks = new Map(); // group -> Clock
const views = new WeakMap(); // component element -> view
// A live chart's key -> the points it showed when Streamlit unmounted it (an interrupted run can remount an
// element): the chart mounted next under that key starts from them instead of asking the server for them again.
const kept = new Map();
// Every mounted view by its key (payload "key"): what a feed element (pages/bridge.py, feed()) updates in place.
const mounted = new Map();

class Clock {
  constructor() {
    this.i = 0;
    this.n = 1;
    this.started = false; // a player has set the position (afterwards the browser keeps its own)
    this.subs = new Set();
    this.frame = 0;
  }
  set(i) {
    i = Math.min(Math.max(Math.round(i), 0), this.n - 1);
    if (i === this.i) return;
    this.i = i;
    if (!this.frame) this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const draw of this.subs) draw(this.i);
    });
  }
  subscribe(draw) {
    this.subs.add(draw);
    draw(this.i);
    return () => this.subs.delete(draw);
  }
}

function clock(group) {
  if (!clocks.has(group)) clocks.set(group, new Clock());
  return clocks.get(group);
}

// --- helpers -------------------------------------------------------------------------------------------

const TYPED = { f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array, i2: Int16Array, u2: Uint16Array,
  i1: Int8Array, u1: Uint8Array };

function decode(spec) {
  // A typed array in plotly.js's spec ({dtype: "f4", bdata, shape: "rows, cols"}; the payloads' arrays are float32).
  const bin = atob(spec.bdata);
  const bytes = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
  const values = new TYPED[spec.dtype](bytes.buffer);
  const shape = spec.shape ? String(spec.shape).split(",").map(Number) : [values.length];
  const cols = shape.length > 1 ? shape[1] : 1;
  return { values, shape, row: (i) => values.subarray(i * cols, (i + 1) * cols), at: (i) => values[i] };
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in values ? values[name] : m));
}

function valuesAt(payload, i) {
  // The template fields at position i: the clock's own (offset + scale * i) and the per-position strings; with a
  // "cross" clock (position k) also its own fields and the strings of the pair (i, k), at index i * cross.n + k.
  const out = {};
  for (const [name, [offset, scale]] of Object.entries(payload.at || {})) out[name] = offset + scale * i;
  for (const [name, list] of Object.entries(payload.fields || {})) out[name] = list[Math.min(i, list.length - 1)];
  const c = payload.cross;
  if (c) {
    const k = Math.min(clock(c.group).i, c.n - 1);
    for (const [name, [offset, scale]] of Object.entries(c.at || {})) out[name] = offset + scale * k;
    for (const [name, list] of Object.entries(c.fields || {})) out[name] = list[Math.min(i * c.n + k, list.length - 1)];
  }
  return out;
}

function el(tag, attrs = {}, parent = null, ns = null) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

function parseColor(c) {
  if (c.startsWith("#")) return [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16));
  return c.match(/[\d.]+/g).slice(0, 3).map(Number);
}

function colorAt(scale, lo, hi, v) {
  // Linear interpolation in RGB between the scale's stops, as plotly.js colours a heatmap or a bar.
  if (!Number.isFinite(v)) return "rgba(0,0,0,0)";
  const p = hi > lo ? Math.min(Math.max((v - lo) / (hi - lo), 0), 1) : 0.5;
  let k = 1;
  while (k < scale.length - 1 && scale[k][0] < p) k++;
  const [p0, c0] = scale[k - 1], [p1, c1] = scale[k];
  const w = p1 > p0 ? (p - p0) / (p1 - p0) : 0;
  const a = parseColor(c0), b = parseColor(c1);
  return `rgb(${a.map((x, j) => Math.round(x + w * (b[j] - x))).join(",")})`;
}

function niceStep(span, count) {
  const raw = span / Math.max(count, 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
}

function tickLabel(v) {
  return String(Number(v.toPrecision(3))).replace("-", "\u2212"); // plotly.js writes a true minus
}

function textColorOn(fill) {
  const [r, g, b] = parseColor(fill);
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? "#000" : "#fff";
}

function downloadSvg(svg, name) {
  // The SVG as a PNG at twice its size (fonts and colours are inline attributes).
  const { width, height } = svg.getBoundingClientRect();
  const copy = svg.cloneNode(true);
  copy.setAttribute("xmlns", SVG);
  copy.setAttribute("width", width);
  copy.setAttribute("height", height);
  const img = new Image();
  img.onload = () => {
    const canvas = el("canvas", { width: 2 * width, height: 2 * height });
    const ctx = canvas.getContext("2d");
    ctx.scale(2, 2);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(img, 0, 0);
    const a = el("a", { download: `${name}.png`, href: canvas.toDataURL("image/png") });
    a.click();
  };
  img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(copy));
}

function cameraButton(root, title, onClick) {
  const b = el("button", { class: "rnnx-camera", title, "aria-label": title, type: "button" }, root);
  b.innerHTML = '<svg viewBox="0 0 1000 1000" width="16" height="16"><path fill="currentColor" d="m500 450c-83 0-150-67-150-150 0-83 67-150 150-150 83 0 150 67 150 150 0 83-67 150-150 150z m400 150h-120c-16 0-34 13-39 29l-31 93c-6 15-23 28-40 28h-340c-16 0-34-13-39-28l-31-94c-6-15-23-28-40-28h-120c-55 0-100-45-100-100v-450c0-55 45-100 100-100h800c55 0 100 45 100 100v450c0 55-45 100-100 100z m-400-550c-138 0-250 112-250 250 0 138 112 250 250 250 138 0 250-112 250-250 0-138-112-250-250-250z m365 380c-19 0-35 16-35 35 0 19 16 35 35 35 19 0 35-16 35-35 0-19-16-35-35-35z" transform="matrix(1 0 0 -1 0 850)"/></svg>';
  b.addEventListener("click", onClick);
  return b;
}

function plotlyReady() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  return new Promise((resolve) => window.addEventListener("rnnx:plotly", () => resolve(window.Plotly), { once: true }));
}

// --- player: the clock's controls ----------------------------------------------------------------------

class Player {
  constructor(root) {
    this.root = el("div", { class: "rnnx rnnx-player" }, root);
    const top = el("div", { class: "rnnx-player-top" }, this.root);
    this.label = el("label", {}, top);
    this.value = el("span", { class: "rnnx-player-value" }, top);
    const row = el("div", { class: "rnnx-player-row" }, this.root);
    this.prev = el("button", { class: "rnnx-btn", type: "button", "data-act": "prev" }, row);
    this.range = el("input", { type: "range", min: 0, step: 1, class: "rnnx-range" }, row);
    this.next = el("button", { class: "rnnx-btn", type: "button", "data-act": "next" }, row);
    this.playBtn = el("button", { class: "rnnx-btn rnnx-play", type: "button", "data-act": "play" }, row);
    this.speed = el("select", { class: "rnnx-speed" }, row);
    this.playing = false;
    this.reported = null;
    this.timer = 0;
    this.range.addEventListener("input", () => this.clock.set(Number(this.range.value)));
    this.prev.addEventListener("click", () => this.clock.set(this.clock.i - 1));
    this.next.addEventListener("click", () => this.clock.set(this.clock.i + 1));
    this.playBtn.addEventListener("click", () => this.setPlaying(!this.playing));
    this.root.addEventListener("keydown", (e) => {
      if (e.key === " " && e.target === this.range) {
        e.preventDefault();
        this.setPlaying(!this.playing);
      }
    });
  }

  update(p, args) {
    this.p = p;
    this.setStateValue = args.setStateValue;
    const id = `rnnx-${p.group}-slider`;
    this.range.id = id;
    this.label.setAttribute("for", id);
    this.label.textContent = p.labels.label;
    this.range.title = p.labels.help || "";
    this.range.max = p.n - 1;
    this.prev.textContent = p.labels.prev;
    this.prev.title = p.labels.prev_help || "";
    this.next.textContent = p.labels.next;
    this.next.title = p.labels.next_help || "";
    this.playBtn.hidden = this.speed.hidden = !p.play;
    this.speed.title = p.labels.speed_help || "";
    if (p.play && this.speed.options.length !== p.speeds.length) { // no speeds (nor their unit) without Play
      this.speed.innerHTML = "";
      for (const s of p.speeds) el("option", { value: s }, this.speed).textContent = `${s} ${p.labels.speed}`;
      this.speed.value = p.speed;
    }
    this.clock = clock(p.group);
    this.clock.n = p.n;
    this.reported ??= Math.min(p.start, p.n - 1); // what the server believes
    if (!this.clock.started) { // views mounted earlier have drawn position 0: set() redraws them
      this.clock.started = true;
      this.clock.set(p.start);
    }
    this.clock.set(this.clock.i); // clamps to a new n (and redraws if that moved it)
    this.unsubscribe?.();
    this.unsubscribe = this.clock.subscribe((i) => this.draw(i));
    this.setPlaying(this.playing);
  }

  draw(i) {
    if (Number(this.range.value) !== i) this.range.value = i;
    const text = fill(this.p.labels.value, valuesAt(this.p, i));
    this.value.textContent = text;
    this.range.setAttribute("aria-valuetext", text);
    this.prev.disabled = i <= 0;
    this.next.disabled = i >= this.p.n - 1;
    if (!this.playing) this.report(false);
  }

  report(now) {
    // The server learns the position once it has settled (or at once on Pause): one rerun, not one per frame.
    clearTimeout(this.timer);
    const send = () => {
      if (this.clock.i !== this.reported) {
        this.reported = this.clock.i;
        this.setStateValue("i", this.clock.i);
      }
    };
    if (now) send();
    else this.timer = setTimeout(send, 400);
  }

  setPlaying(on) {
    const was = this.playing;
    this.playing = on && this.p.play;
    this.playBtn.textContent = (this.playing ? this.p.labels.pause : this.p.labels.play) || "";
    this.playBtn.classList.toggle("rnnx-active", this.playing);
    if (this.playing && !was) {
      clearTimeout(this.timer); // no report (and no rerun to redraw the page) while playing: one at Pause
      if (this.clock.i >= this.p.n - 1) this.clock.set(0);
      let last = performance.now(), carry = 0;
      const tick = (now) => {
        if (!this.playing) return;
        carry += ((now - last) / 1000) * Number(this.speed.value);
        last = now;
        const steps = Math.floor(carry);
        if (steps > 0) {
          carry -= steps;
          this.clock.set(this.clock.i + steps);
          if (this.clock.i >= this.p.n - 1) return this.setPlaying(false);
        }
        this.loop = requestAnimationFrame(tick);
      };
      this.loop = requestAnimationFrame(tick);
    } else if (!this.playing && was) {
      cancelAnimationFrame(this.loop);
      this.report(true);
    }
  }

  destroy() {
    this.playing = false;
    cancelAnimationFrame(this.loop);
    clearTimeout(this.timer);
    this.unsubscribe?.();
    this.root.remove();
  }
}

// --- chart: a Plotly figure drawn once, overlays moved per position -------------------------------------

// A live chart draws the points that arrive between two plotly.js redraws as a sketch over itself (Chart.sketch).
const SKETCH_GAP = 1000; // ms: plotly.js redraws a live chart at most this often while points stream in
const FIT_AFTER = 1500; // ms without new points, after which the axes fit the data again (no headroom)
const HEADROOM = { x: [0, 0.25], y: [0.1, 0.1] }; // share of the data's span added below and above, while streaming
const PACE_MAX = 400; // ms: the longest gap between two feeds that a paced chart spreads a feed's points over (`pace`)
const PACE_STEP = 25; // ms: at least between two draws of a paced chart's next points (every other frame at 60 Hz)

function inside(ax, v) {
  const l = ax.c2l(v);
  return l >= Math.min(...ax.range) && l <= Math.max(...ax.range);
}

function sketchable(fd, plot) {
  // A trace bridge.js can draw as plotly.js does: scatter lines (straight segments) and markers of one colour and
  // size, unfilled, on linear or log axes (`plot`: its subplot, plotly.js's resolved axes).
  const { mode, line, marker, fill, type } = fd;
  return type === "scatter" && /lines|markers/.test(mode) && fill === "none"
    && [plot.xaxis.type, plot.yaxis.type].every((t) => t === "linear" || t === "log")
    && (!/lines/.test(mode) || line.shape === "linear")
    && (!/markers/.test(mode) || (typeof marker.color === "string" && !Array.isArray(marker.size)));
}

function withHeadroom([lo, hi], letter, nonnegative) {
  // [lo, hi] (plotly.js's linear units) widened by HEADROOM[letter] ("x" or "y"); for data that is never negative
  // on a linear axis, not below 0 (nor below lo, if lo already is).
  const [below, above] = HEADROOM[letter], span = hi - lo, range = [lo - below * span, hi + above * span];
  if (nonnegative) range[0] = Math.max(range[0], Math.min(lo, 0));
  return range;
}

function sameRange(a, b) {
  return Array.isArray(a) && Array.isArray(b) && a.length === 2 && a[0] === b[0] && a[1] === b[1];
}

function numbers(a) {
  // A figure's array as plotly.js reads it: a list, or a typed array ({dtype, bdata}); null for a dtype not known here.
  if (!a || Array.isArray(a)) return a || [];
  return TYPED[a.dtype] ? decode(a).values : null;
}

function outline(figure) {
  // What a chart replaced at each measurement keeps from one figure to the next for `Chart.replace` to draw the next
  // one itself: all but the traces' y, the title's words and the shaded regions (rectangles, same legend entries).
  const { data, layout } = figure, shapes = layout.shapes || [];
  return JSON.stringify([data.map((t) => ({ ...t, y: undefined })),
    { ...layout, title: { ...layout.title, text: undefined }, shapes: undefined },
    shapes.filter((s) => s.type !== "rect"), shapes.filter((s) => s.type === "rect" && s.showlegend).map((s) => s.name)]);
}

function dashArray(dash, width) {
  // A line's dash as plotly.js draws it (Drawing.dashStyle: multiples of the width, at least 3 px)
  const w = Math.max(+width || 1, 3);
  const named = { dot: [1, 1], dash: [3, 3], longdash: [5, 5], dashdot: [3, 1, 1, 1], longdashdot: [5, 2, 1, 2] }[dash];
  return named ? named.map((k) => `${k * w}px`).join(",") : dash && dash !== "solid" ? dash : "";
}

class Chart {
  constructor(root) {
    this.root = el("div", { class: "rnnx rnnx-chart" }, root);
    this.gd = el("div", {}, this.root);
    // (plotly.js refuses to resize a chart that is not displayed, e.g. one Streamlit is about to remove)
    this.resize = new ResizeObserver(() => this.plotted && this.gd.offsetParent !== null
      && window.Plotly.Plots.resize(this.gd).catch(() => {}));
    this.resize.observe(this.root);
    // A live chart off screen keeps the points it is sent and draws them when it scrolls into view: each redraw
    // costs the browser tens of ms, which the charts in view (and the page's clicks) need more.
    this.visible = true;
    this.seen = new IntersectionObserver(([e]) => {
      this.visible = e.isIntersecting;
      this.schedule();
      if (this.visible && this.deferred) this.enqueue(this.deferred);
    });
    this.seen.observe(this.root);
  }

  schedule() {
    if (this.pending && this.visible && !this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  update(p, args) {
    // Payloads are applied one after the other (a redraw awaits plotly.js), none skipped: each may carry points.
    this.p = p;
    this.setTriggerValue = args.setTriggerValue;
    this.enqueue(p);
  }

  enqueue(p) {
    // A chart that may wait ("defer": a live chart of the latest measurement) is redrawn when it scrolls into view.
    this.deferred = p.defer && this.plotted && !this.visible ? p : null;
    if (this.deferred) return;
    const apply = () => this.apply(p);
    this.queue = (this.queue || Promise.resolve()).then(apply, apply); // a failed update does not stop the next
  }

  async apply(p) {
    this.overlays = (p.overlays || []).map((o) => ({
      ...o,
      x: Array.isArray(o.x) ? o.x : decode(o.x),
      y: o.y ? decode(o.y) : null,
    }));
    this.reveal = (p.reveal || []).map((r) => ({ ...r, y: decode(r.y) }));
    const Plotly = await plotlyReady();
    if (this.destroyed) return; // an update queued before Streamlit removed the chart
    // A live chart has streams (several, each with its own x) or one stream; a figure with new data or new streams
    // is drawn afresh, a new layout alone is applied to the points on screen (zoom kept through uirevision), and
    // otherwise only the new points are appended.
    const streams = p.streams || (p.stream ? [p.stream] : []);
    const data = JSON.stringify(p.figure.data), layout = JSON.stringify(p.figure.layout);
    const ids = streams.map((s) => s.id).join("\u0000");
    if (this.config?.modeBarButtonsToAdd[0].title !== p.ui.png) { // one config per chart: plotly.js compares it
      this.config = { // with the last one's by identity, and a new function in it means a whole new plot
        displaylogo: false, responsive: true, modeBarButtonsToRemove: ["toImage"],
        modeBarButtonsToAdd: [{ name: "rnnx-png", title: p.ui.png, icon: Plotly.Icons.camera, click: () => this.png() }],
      };
    }
    const config = this.config;
    if (p.streaming !== undefined) this.streaming = p.streaming;
    const held = this.data === undefined && p.key ? kept.get(p.key) : undefined;
    if (held) kept.delete(p.key);
    const replaced = p.defer && !streams.length; // a chart replaced at each measurement
    const outlined = replaced ? outline(p.figure) : null; // before plotly.js adds its own keys to the figure
    if (replaced && this.plotted && performance.now() - this.drawnAt < SKETCH_GAP && this.outlined === outlined
      && this.replace(p)) {
      this.later ||= setTimeout(() => {
        this.later = 0;
        if (!this.destroyed && this.root.classList.contains("rnnx-replaced")) this.enqueue(this.p);
      }, this.drawnAt + SKETCH_GAP - performance.now());
      return;
    }
    const redraw = async (traces) => { // the payload's layout afresh: no headroom given yet (a replaced chart's y axis)
      const room = this.room;
      this.room = {};
      await Plotly.react(this.gd, traces, replaced ? this.padded(p.figure, room) : p.figure.layout, config);
      this.unsketch();
    };
    let afresh = false; // drawn from nothing: its points are drawn at once, not paced
    if (held && held.data === data && held.ids === ids) {
      await Plotly.react(this.gd, held.traces, { ...p.figure.layout, ...held.zoom }, config);
      Object.assign(this, { data, layout, ids, have: held.have });
      this.unsketch();
    } else if (data !== this.data || ids !== this.ids) {
      afresh = true;
      this.pending = this.playing = null;
      await redraw(p.figure.data);
      this.data = data;
      this.layout = layout;
      this.ids = ids;
      this.have = streams.map(() => 0);
      for (const r of this.reveal) r.shown = undefined;
    } else if (layout !== this.layout) {
      this.flush(true);
      await redraw(this.gd.data);
      this.layout = layout;
    }
    this.outlined = outlined;
    this.append(streams, Array.isArray(p.streams), p.pace && !afresh && this.streaming !== false
      && streams.every((s) => !s.z && !s.max)); // (plotly.js draws those: pacing them would redraw it every step)
    this.plotted = true;
    if (!this.layer) {
      this.layer = el("svg", { class: "rnnx-overlay" }, null, SVG);
      this.gd.on("plotly_afterplot", () => this.draw(this.i));
      // a trace shown or hidden from the legend: the axes fit what is shown (headroom comes back with new points)
      this.gd.on("plotly_restyle", (e) => e?.[0] && "visible" in e[0] && this.fitAxes());
    }
    const holder = this.gd.querySelector(".svg-container");
    if (this.layer.parentNode !== holder) holder.insertBefore(this.layer, holder.querySelectorAll(".main-svg")[1] || null);
    this.unsubscribe?.();
    this.unsubscribe = p.group ? clock(p.group).subscribe((i) => this.draw(i)) : null;
    if (!p.group) this.draw(0);
    if (p.streaming === false) { // the run stopped: draw every point now, the axes fitted to them
      if (this.pending) this.flush(true, true);
      else this.fitAxes();
    }
  }

  append(streams, many, pace = false) {
    // Points s.start, s.start + 1, ... of each growing series: keep those the chart lacks, to be drawn in the next
    // animation frame (one redraw per frame however many payloads arrived); with `pace` (a paced chart's feed while
    // its run trains, pages/live.py), one after the other until the next feed (`pace`). After a gap (a remount, a lost
    // update) say how many points each stream has (an event, so that asking twice for the same points is heard
    // twice): a number for a payload with one "stream", a list for "streams".
    this.play(true); // the previous feed's points not drawn yet: now
    if (streams.some((s, k) => s.start > this.have[k])) {
      this.setTriggerValue("have", many ? this.have.slice() : this.have[0]);
      return;
    }
    const fresh = new Map(); // stream index -> {s, x, ys}: its new points
    streams.forEach((s, k) => {
      const skip = this.have[k] - s.start;
      const x = Array.isArray(s.x) ? s.x : Array.from(decode(s.x).values);
      if (x.length <= skip) return;
      const cols = s.z ? decode(s.z) : null; // rows of a heatmap: z (m, T), x holds their y values
      const ys = cols ? [Array.from({ length: x.length - skip }, (_, r) => Array.from(cols.row(skip + r)))]
        : s.y.map((y) => Array.from(decode(y).values).slice(skip));
      fresh.set(k, { s, x: x.slice(skip), ys });
      this.have[k] += x.length - skip;
    });
    if (pace && fresh.size) this.pace(fresh);
    else this.keep(fresh);
  }

  keep(fresh) {
    // Points to draw in the next animation frame (`flush`), after those kept already.
    for (const [k, { s, x, ys }] of fresh) {
      this.pending ??= new Map();
      const p = this.pending.get(k) || { s, x: [], ys: ys.map(() => []) };
      p.x.push(...x);
      ys.forEach((y, j) => p.ys[j].push(...y));
      this.pending.set(k, p);
    }
    this.schedule();
  }

  pace(fresh) {
    // A paced chart's feed: draw its points one after the other, over as long as the slowest of the last three feeds
    // took to come (so that the points rarely run out before the next feed; gaps over PACE_MAX are not counted, and
    // without any, as at the first feed, all at once), a few every PACE_STEP ms. The chart then moves at about the
    // browser's frame rate though the server feeds it only a few times a second; each point shows up to one feed
    // later than it would at once (what is left of a feed is drawn when the chart's next payload comes).
    const now = performance.now(), since = now - (this.fedAt ?? -Infinity);
    if (since <= PACE_MAX) this.gaps = [...(this.gaps || []), since].slice(-3); // (a longer one: the run paused)
    this.fedAt = now;
    this.playing = { fresh, from: now, gap: Math.max(0, ...(this.gaps || [])), shown: new Map() };
    this.play();
  }

  play(all = false) {
    // In an animation frame: keep the points of the feed being played that are due by now (`all`: every one left),
    // at most every PACE_STEP ms, and come back in the next frame.
    const p = this.playing;
    if (!p || this.destroyed) return;
    cancelAnimationFrame(this.step);
    const now = performance.now();
    if (!all && now - (p.at ?? -Infinity) < PACE_STEP) {
      this.step = requestAnimationFrame(() => this.play());
      return;
    }
    p.at = now;
    const share = all || !(p.gap > 0) ? 1 : Math.min(1, (now - p.from) / p.gap);
    const due = new Map();
    for (const [k, { s, x, ys }] of p.fresh) {
      const from = p.shown.get(k) || 0, upto = Math.ceil(share * x.length);
      if (upto > from) due.set(k, { s, x: x.slice(from, upto), ys: ys.map((y) => y.slice(from, upto)) });
      p.shown.set(k, upto);
    }
    if (share < 1) this.step = requestAnimationFrame(() => this.play());
    else this.playing = null;
    this.keep(due);
    if (!all && this.visible) this.flush(); // in this frame
  }

  flush(now = false, fit = false) {
    // Draw the points kept since plotly.js last drew: sketched over the chart (`sketch`), or, at most every
    // SKETCH_GAP ms (or `now`), with one Plotly.extendTraces for all the chart's streams (each call redraws the
    // whole chart: tens of ms), or one per kind of update if the chart mixes them (lines: x and y; heatmap rows: y
    // and z; plotly.js refuses a trace twice in one call, so a stream on a trace already in the call gets its own).
    // A stream's `max` keeps its traces to their last max points (null: all of them). With `fit`, the axes fit
    // the data in the same redraw (the points stopped), else they get headroom for more (`roomFor`).
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(this.fit);
    if (!fit && this.streaming === undefined) this.fit = setTimeout(() => this.fitAxes(), FIT_AFTER); // else it says
    if (!now && performance.now() - this.drawnAt < SKETCH_GAP && this.sketch(pending)) {
      this.later ||= setTimeout(() => { this.later = 0; if (!this.destroyed) this.flush(true); },
        this.drawnAt + SKETCH_GAP - performance.now());
      return;
    }
    clearTimeout(this.later);
    this.later = 0;
    this.pending = null;
    if (fit) this.fitAxes(false);
    else this.roomFor(pending);
    const calls = []; // {keys, update, indices, max}
    for (const { s, x, ys } of pending.values()) {
      const keys = s.z ? ["y", "z"] : ["x", "y"];
      let c = calls.find((g) => g.keys === keys.join() && !s.traces.some((t) => g.indices.includes(t)));
      if (!c) calls.push(c = { keys: keys.join(), update: { [keys[0]]: [], [keys[1]]: [] }, indices: [], max: [] });
      s.traces.forEach((trace, j) => {
        c.update[keys[0]].push(x);
        c.update[keys[1]].push(ys[j]);
        c.indices.push(trace);
        c.max.push(s.max || null);
      });
    }
    for (const { update, indices, max } of calls) {
      const limit = max.some((m) => m !== null) ? Object.fromEntries(Object.keys(update).map((k) => [k, max])) : undefined;
      window.Plotly.extendTraces(this.gd, update, indices, limit);
    }
    this.unsketch();
  }

  padded(figure, room) {
    // The layout of a chart replaced at each measurement, with headroom on its y axis (HEADROOM) around this
    // figure's points, so that the next figure's mostly fall inside and `replace` can draw it; as sent if the user
    // zoomed the axis (`room`: the headroom given last) or it has no room to give (a fixed range, another type).
    const { data, layout } = figure, axis = layout.yaxis || {}, now = this.gd.layout?.yaxis;
    if (now && now.autorange === false && !sameRange(now.range, room?.yaxis?.range)) return layout;
    if (![undefined, true].includes(axis.autorange) || axis.range || !["linear", "log", undefined].includes(axis.type)
      || !data.every((t) => (t.type ?? "scatter") === "scatter")) return layout; // e.g. a heatmap's reversed rows
    const log = axis.type === "log";
    let lo = Infinity, hi = -Infinity;
    const add = (v) => {
      const l = v == null ? NaN : log ? Math.log10(v) : Number(v);
      if (Number.isFinite(l)) [lo, hi] = [Math.min(lo, l), Math.max(hi, l)];
    };
    for (const t of data) if (!t.yaxis || t.yaxis === "y") (numbers(t.y) || []).forEach(add);
    for (const s of layout.shapes || []) if (s.yref === "y") [s.y0, s.y1].forEach(add);
    if (!(hi > lo)) return layout;
    const range = withHeadroom([lo, hi], "y", !log && lo >= 0);
    this.room = { yaxis: { fit: [lo, hi], range } };
    return { ...layout, yaxis: { ...axis, range: range.slice(), autorange: false } };
  }

  unsketch() {
    // plotly.js has just drawn every point: no sketch over it, nothing of its own hidden (`replace`)
    clearTimeout(this.later);
    this.later = 0;
    this.drawnAt = performance.now();
    this.sketches?.replaceChildren();
    this.root.classList.remove("rnnx-replaced");
  }

  layerFor() {
    this.sketches ??= el("g", { class: "rnnx-sketches" }, null, SVG);
    if (this.sketches.parentNode !== this.layer) this.layer.appendChild(this.sketches);
    this.sketches.replaceChildren();
    return this.sketches;
  }

  replace(p) {
    // A chart replaced at each new measurement (the ‖∂L/∂h_t‖ curve, once per probe) gets a figure that differs
    // from the one on screen only in the traces' y, the title and the shaded regions (`outline`): between two
    // plotly.js redraws (at most every SKETCH_GAP ms) draw those here, over plotly.js's hidden traces and shapes,
    // in their style and on its axes, if every point falls inside them; plotly.js then redraws the newest figure.
    const full = this.gd._fullLayout, { data, layout } = p.figure, title = layout.title?.text ?? "";
    if (!this.layer || !full?._plots || /[<&]/.test(title)) return false;
    const { xaxis: xa0, yaxis: ya0, _size: size } = full; // shapes: on the main axes, or the plot area (paper)
    const px = (ref, v) => (ref === "paper" ? size.l + v * size.w : xa0._offset + xa0.c2p(v));
    const py = (ref, v) => (ref === "paper" ? size.t + (1 - v) * size.h : ya0._offset + ya0.c2p(v));
    const shapes = [];
    for (const s of layout.shapes || []) {
      if (!["rect", "line"].includes(s.type) || ![s.xref, s.yref].every((r) => [undefined, "x", "y", "paper"].includes(r))) {
        return false;
      }
      shapes.push({ s, x0: px(s.xref, s.x0), x1: px(s.xref, s.x1), y0: py(s.yref, s.y0), y1: py(s.yref, s.y1) });
    }
    const traces = [];
    for (const [k, t] of data.entries()) {
      const fd = this.gd._fullData[k], x = numbers(t.x), y = numbers(t.y);
      if (!fd || fd.visible !== true) continue;
      const drawn = x && y && this.traceSketch(k, x, y);
      if (!drawn) return false;
      traces.push(drawn);
    }
    const layer = this.layerFor();
    for (const { s, x0, x1, y0, y1 } of shapes) {
      const line = s.line || {}, g = el("g", { opacity: s.opacity ?? 1 }, layer, SVG);
      if (s.type === "rect") {
        el("rect", { x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0),
          fill: s.fillcolor || "none", stroke: line.width ? line.color : "none", "stroke-width": line.width || 0 }, g, SVG);
      } else {
        el("line", { x1: x0, x2: x1, y1: y0, y2: y1, stroke: line.color || "#444", "stroke-width": line.width ?? 2,
          "stroke-dasharray": dashArray(line.dash, line.width ?? 2) }, g, SVG);
      }
    }
    this.drawTraces(layer, traces);
    const shown = this.gd.querySelector(".gtitle");
    if (shown) shown.textContent = title;
    this.root.classList.add("rnnx-replaced");
    return true;
  }

  traceSketch(trace, x, y, from = null) {
    // Trace `trace`'s points (x, y) as bridge.js draws them: a path (joined to `from`, the point plotly.js drew last)
    // and markers, in page pixels of the chart's SVG, each in the look of plotly.js's own (`drawnLook`). Null where
    // that would not look as plotly.js draws it: a trace of another kind, a point outside the axes, no marker to copy.
    const fd = this.gd._fullData[trace], plot = this.gd._fullLayout._plots[fd.xaxis + fd.yaxis];
    if (!plot || !sketchable(fd, plot)) return null;
    const { xaxis: xa, yaxis: ya } = plot;
    const at = (u, v) => [xa._offset + xa.c2p(u), ya._offset + ya.c2p(v)];
    const shown = (u, v) => Number.isFinite(u) && Number.isFinite(v) && !(ya.type === "log" && v <= 0); // else a gap
    let d = from && shown(...from) ? `M${at(...from)}` : "";
    const points = [];
    for (let k = 0; k < x.length; k++) {
      const u = Number(x[k]), v = y[k] == null ? NaN : Number(y[k]);
      if (!shown(u, v)) { d += " "; continue; } // a gap: the line breaks
      if (!inside(xa, u) || !inside(ya, v)) return null;
      const point = at(u, v);
      d += `${d && !d.endsWith(" ") ? "L" : "M"}${point}`;
      points.push(point);
    }
    const look = this.drawnLook(trace, /lines/.test(fd.mode), /markers/.test(fd.mode) && points.length > 0);
    return look && { ...look, d: look.line ? d : "", points: look.dot ? points : [] };
  }

  drawnLook(trace, lines, dots) {
    // What to draw trace `trace`'s line and markers with: copies of the ones plotly.js drew for it (its colour, width,
    // dash, symbol and size exactly), or a line styled from the trace if plotly.js drew none yet (too few points);
    // null if markers are needed and plotly.js drew none yet.
    const fd = this.gd._fullData[trace];
    const group = [...this.gd.querySelectorAll(".scatterlayer .trace")].find((g) => g.__data__?.[0]?.trace?.index === trace);
    const dot = dots ? group?.querySelector(".points path") : null;
    if (dots && !dot) return null;
    const line = !lines ? null : group?.querySelector(".js-line") || el("path", { fill: "none",
      style: `stroke: ${fd.line.color}; stroke-width: ${fd.line.width}px; stroke-dasharray: ${dashArray(fd.line.dash, fd.line.width)}` },
      null, SVG);
    return { trace, fd, line, dot };
  }

  drawTraces(layer, traces) {
    // Each trace's line (a path through `d`) and markers (at `points`), in page pixels of the chart's SVG.
    for (const { trace, fd, d, points, line, dot } of traces) {
      const g = el("g", { opacity: fd.opacity, "data-trace": trace }, layer, SVG);
      if (d.includes("L")) {
        const path = g.appendChild(line.cloneNode(false));
        path.setAttribute("d", d);
        path.setAttribute("class", "rnnx-sketch rnnx-line");
      }
      for (const [cx, cy] of points) {
        const mark = g.appendChild(dot.cloneNode(false));
        mark.setAttribute("transform", `translate(${cx},${cy})`);
        mark.setAttribute("class", "rnnx-sketch rnnx-dot");
      }
    }
  }

  sketch(pending) {
    // Draw the points plotly.js has not drawn yet as SVG paths and markers in the overlay (`traceSketch`), joined
    // to each trace's last drawn point: a few hundred points cost well under a millisecond, a plotly.js redraw tens.
    // Only line streams, and only where that looks the same; otherwise (say, a point outside the axes) return
    // false: plotly.js draws them now.
    const full = this.gd._fullLayout;
    if (!this.layer || !full?._plots) return false;
    const drawn = [];
    for (const { s, x, ys } of pending.values()) {
      if (s.z || s.max) return false;
      for (const [j, trace] of s.traces.entries()) {
        const fd = this.gd._fullData[trace];
        if (!fd || fd.visible !== true || !ys[j].some(Number.isFinite)) continue; // nothing of it to draw
        const last = this.gd.data[trace];
        const sketched = this.traceSketch(trace, x, ys[j], [last.x?.at(-1), last.y?.at(-1)]);
        if (!sketched) return false;
        drawn.push(sketched);
      }
    }
    this.drawTraces(this.layerFor(), drawn);
    return true;
  }

  roomFor(pending) {
    // While points stream in, each axis that fits its data (autorange, not zoomed by the user) gets headroom
    // (HEADROOM): later points then fall inside and can be sketched, until one falls outside; this call's points
    // set the range afresh then, in the same redraw (plotly.js reads the layout as it draws them). `fitAxes` fits
    // the data again once the points stop.
    const full = this.gd._fullLayout;
    if (!full?._plots) return;
    const extent = {}; // axis name -> [lo, hi] of this call's points, in plotly.js's linear units (log10 on log axes)
    for (const { s, x, ys } of pending.values()) {
      if (s.z) continue;
      for (const [j, trace] of s.traces.entries()) {
        const fd = this.gd._fullData[trace], plot = fd && full._plots[fd.xaxis + fd.yaxis];
        if (!plot || fd.visible !== true) continue;
        x.forEach((xk, k) => {
          if (!Number.isFinite(xk) || !Number.isFinite(ys[j][k])) return;
          for (const [ax, v] of [[plot.xaxis, xk], [plot.yaxis, ys[j][k]]]) {
            const l = ax.c2l(v), e = extent[ax._name] ||= [Infinity, -Infinity];
            if (Number.isFinite(l)) extent[ax._name] = [Math.min(e[0], l), Math.max(e[1], l)];
          }
        });
      }
    }
    this.room ||= {};
    for (const [name, [lo, hi]] of Object.entries(extent)) {
      const mine = this.room[name], axis = this.gd.layout[name], ax = full[name];
      if (!ax || !(ax.type === "linear" || ax.type === "log") || !axis) continue;
      if (mine ? !(axis.autorange === false && sameRange(axis.range, mine.range))
        : !(ax.autorange === true && axis.autorange !== false)) { // the user's zoom, or not fitted to the data
        delete this.room[name];
        continue;
      }
      if (mine && lo >= Math.min(...mine.range) && hi <= Math.max(...mine.range)) continue;
      const drawn = mine ? mine.least : this.least(name); // the smallest value drawn on the axis so far
      if (!Number.isFinite(drawn)) continue; // none yet: plotly.js's range is its default, fit the first points
      const fit = mine ? mine.fit : ax.range.slice(); // the data's range as plotly.js last fitted it, grown since
      fit[0] = Math.min(fit[0], lo);
      fit[1] = Math.max(fit[1], hi);
      const least = Math.min(drawn, lo);
      if (!(fit[1] > fit[0])) continue;
      const range = withHeadroom(fit, name[0], ax.type === "linear" && least >= 0);
      this.room[name] = { fit, range, least };
      Object.assign(axis, { range: range.slice(), autorange: false });
    }
  }

  least(name) {
    // The smallest value plotly.js draws on axis `name` ("yaxis2"), in its linear units.
    let least = Infinity;
    const id = name.replace("axis", "");
    for (const fd of this.gd._fullData) {
      if (fd.visible !== true || (fd.xaxis !== id && fd.yaxis !== id)) continue;
      const ax = this.gd._fullLayout[name];
      for (const v of fd.xaxis === id ? fd.x : fd.y) {
        const l = v == null ? NaN : ax.c2l(v);
        if (l < least) least = l;
      }
    }
    return least;
  }

  fitAxes(draw = true) {
    // The points stopped: the axes given headroom fit the data again (now, or with the next redraw).
    clearTimeout(this.fit);
    if (this.destroyed) return;
    const names = Object.keys(this.room || {}).filter((name) => sameRange(this.gd.layout[name]?.range, this.room[name].range));
    this.room = {};
    if (!names.length || !this.plotted) return;
    if (draw) window.Plotly.relayout(this.gd, Object.fromEntries(names.map((n) => [`${n}.autorange`, true])));
    else for (const n of names) this.gd.layout[n].autorange = true;
  }

  xAt(o, i) {
    return Array.isArray(o.x) ? o.x[0] + o.x[1] * i : o.x.at(i);
  }

  draw(i) {
    this.i = i;
    if (!this.plotted) return;
    for (const r of this.reveal) {
      const from = r.from[0] + r.from[1] * i;
      if (r.shown === from) continue;
      r.shown = from;
      const y = Float64Array.from(r.y.values, (v, k) => (k >= from ? v : NaN));
      window.Plotly.restyle(this.gd, { y: [y] }, [r.trace]);
    }
    const full = this.gd._fullLayout; // plotly.js's resolved axes: data → pixel
    if (!full || !full.xaxis) return;
    const xa = full.xaxis, ya = full.yaxis;
    const { width, height } = full;
    this.layer.setAttribute("width", width);
    this.layer.setAttribute("height", height);
    let clip = this.layer.querySelector("clipPath rect");
    if (!clip) {
      const id = `rnnx-clip-${Math.random().toString(36).slice(2)}`;
      const cp = el("clipPath", { id }, el("defs", {}, this.layer, SVG), SVG);
      clip = el("rect", {}, cp, SVG);
      this.marks = el("g", { "clip-path": `url(#${id})` }, this.layer, SVG);
    }
    clip.setAttribute("x", xa._offset);
    clip.setAttribute("y", ya._offset);
    clip.setAttribute("width", xa._length);
    clip.setAttribute("height", ya._length);
    this.overlays.forEach((o, k) => {
      const px = xa._offset + xa.c2p(this.xAt(o, i));
      let node = this.marks.children[k];
      if (o.type === "vline") {
        node = node || el("line", { class: "rnnx-vline" }, this.marks, SVG);
        node.setAttribute("x1", px);
        node.setAttribute("x2", px);
        node.setAttribute("y1", ya._offset);
        node.setAttribute("y2", ya._offset + ya._length);
        node.setAttribute("stroke", o.line.color);
        node.setAttribute("stroke-width", o.line.width);
        node.setAttribute("stroke-dasharray", o.line.dash === "dot" ? "2,3" : o.line.dash === "dash" ? "6,4" : "");
      } else {
        node = node || el("circle", { class: "rnnx-point" }, this.marks, SVG);
        const py = ya._offset + ya.c2p(o.y.at(i));
        node.setAttribute("cx", px);
        node.setAttribute("cy", Number.isFinite(py) ? py : -100);
        node.setAttribute("r", o.marker.size / 2);
        node.setAttribute("fill", o.marker.color);
        node.setAttribute("stroke", o.marker.line ? o.marker.line.color : "none");
        node.setAttribute("stroke-width", o.marker.line ? o.marker.line.width : 0);
      }
      node.dataset.x = this.xAt(o, i);
      node.dataset.i = i;
    });
  }

  async png() {
    // The figure as shown, with the cursor and marker of the current position drawn by plotly.js itself (and the
    // newest figure, if bridge.js drew it over plotly.js's: `replace`).
    if (this.root.classList.contains("rnnx-replaced")) {
      this.drawnAt = -Infinity;
      this.enqueue(this.p);
      await this.queue;
    }
    this.flush(true);
    const i = this.i || 0;
    const shapes = [...(this.gd.layout.shapes || [])];
    const traces = [];
    for (const o of this.overlays) {
      const x = this.xAt(o, i);
      if (o.type === "vline") {
        shapes.push({ type: "line", x0: x, x1: x, y0: 0, y1: 1, yref: "paper", line: o.line });
      } else {
        traces.push({ type: "scatter", x: [x], y: [o.y.at(i)], mode: "markers", marker: o.marker,
          showlegend: false, hoverinfo: "skip" });
      }
    }
    const full = this.gd._fullLayout;
    window.Plotly.downloadImage({ data: [...this.gd.data, ...traces], layout: { ...this.gd.layout, shapes } },
      { format: "png", filename: this.p.png || "chart", width: full.width, height: full.height });
  }

  destroy() {
    this.unsubscribe?.();
    this.resize.disconnect();
    this.seen.disconnect();
    if (this.plotted && this.ids && this.p?.key) {
      this.play(true);
      this.flush(true);
      const zoom = {}; // the axes the user zoomed or panned (not those given headroom while points streamed in)
      for (const [name, axis] of Object.entries(this.gd.layout)) {
        if (/^[xy]axis\d*$/.test(name) && axis.autorange === false && !sameRange(axis.range, this.room?.[name]?.range)) {
          zoom[name] = { ...this.p.figure.layout[name], range: axis.range.slice(), autorange: false };
        }
      }
      const traces = this.gd.data.map((t) => ({ ...t }));
      kept.set(this.p.key, { data: this.data, ids: this.ids, have: this.have, traces, zoom });
    }
    this.destroyed = true;
    cancelAnimationFrame(this.step);
    clearTimeout(this.later);
    clearTimeout(this.fit);
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.plotted) window.Plotly.purge(this.gd);
    this.root.remove();
  }
}

// --- SVG views: bars and top-k, drawn in plotly's look ---------------------------------------------------

class SvgView {
  constructor(root, kind) {
    this.root = el("div", { class: `rnnx rnnx-${kind}` }, root);
    this.svg = el("svg", { class: "rnnx-svg" }, this.root, SVG);
    this.resize = new ResizeObserver(() => this.p && this.layout());
    this.resize.observe(this.root);
  }

  update(p, name) {
    // A new payload: the PNG button, the layout, then every position from the group's clock.
    this.p = p;
    this.camera?.remove();
    this.camera = cameraButton(this.root, p.ui.png, () => downloadSvg(this.svg, name));
    this.layout();
    this.unsubscribe?.();
    this.unsubscribe = clock(p.group).subscribe((i) => this.draw(i));
  }

  canvas(width, height) {
    // An empty white drawing of this size with the title element; returns the svg.
    const svg = this.svg, s = this.p.sizes;
    svg.innerHTML = "";
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("font-family", getComputedStyle(this.root).fontFamily);
    el("rect", { width, height, fill: "#fff" }, svg, SVG);
    this.title = el("text", { x: 10, y: 30, "font-size": s.title, fill: "#31333F", class: "rnnx-title" }, svg, SVG);
    return svg;
  }

  destroy() {
    this.unsubscribe?.();
    this.resize.disconnect();
    this.root.remove();
  }
}

// --- bars: the state of every unit at one step, one row per quantity ------------------------------------

class Bars extends SvgView {
  constructor(root) {
    super(root, "bars");
    this.tip = el("div", { class: "rnnx-tip", hidden: "" }, this.root);
    this.svg.addEventListener("pointermove", (e) => this.hover(e));
    this.svg.addEventListener("pointerleave", () => (this.tip.hidden = true));
  }

  update(p) {
    this.rows = p.rows.map((r) => ({ ...r, values: decode(r.values) }));
    super.update(p, "state");
  }

  layout() {
    // Axes, labels and one rect per bar; draw() then only moves the rects.
    const p = this.p, s = p.sizes, n = this.rows.length, units = p.units.length;
    const width = this.root.clientWidth || 600;
    const perRow = Math.max(70, Math.floor(s.chart_height / 4));
    const height = perRow * n + 90;
    const m = { l: 60 + 10 * Math.max(...this.rows.map((r) => r.label.length)), r: 20, t: 50, b: 50 };
    const gap = 0.06, rowH = ((height - m.t - m.b) * (1 - gap * (n - 1))) / n, gapPx = (height - m.t - m.b) * gap;
    const plotW = Math.max(width - m.l - m.r, 10), slot = plotW / units;
    this.geom = { m, rowH, gapPx, slot, plotW, height };
    const svg = this.canvas(width, height);
    this.bars = [];
    this.rows.forEach((r, j) => {
      const top = m.t + j * (rowH + gapPx);
      const [lo, hi] = r.range;
      const y = (v) => top + rowH * (1 - (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo));
      r.y = y;
      r.top = top;
      el("rect", { x: m.l, y: top, width: plotW, height: rowH, fill: "#fff", class: "rnnx-row" }, svg, SVG);
      const step = niceStep(hi - lo, 4);
      for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9; k++) {
        const v = k * step, yy = y(v);
        el("line", { x1: m.l, x2: m.l + plotW, y1: yy, y2: yy, stroke: k === 0 ? p.line_color : "#EBF0F8",
          "stroke-width": 1 }, svg, SVG);
        const t = el("text", { x: m.l - 6, y: yy + s.font / 3, "text-anchor": "end", "font-size": s.font,
          fill: "#31333F" }, svg, SVG);
        t.textContent = tickLabel(v);
      }
      const label = el("text", { x: m.l - 45, y: top + rowH / 2 + s.title / 3, "text-anchor": "end",
        "font-size": s.title, "font-weight": "bold", fill: "#31333F" }, svg, SVG);
      label.textContent = r.label;
      const rects = [];
      for (let k = 0; k < units; k++) {
        rects.push(el("rect", { x: m.l + k * slot + 0.075 * slot, width: 0.85 * slot, stroke: p.line_color,
          "stroke-width": 0.5 }, svg, SVG));
      }
      this.bars.push(rects);
    });
    const bottom = m.t + n * rowH + (n - 1) * gapPx;
    const every = Math.max(1, niceStep(units, Math.floor(plotW / 40)));
    for (let k = 0; k < units; k += every) {
      const t = el("text", { x: m.l + (k + 0.5) * slot, y: bottom + s.font + 6, "text-anchor": "middle",
        "font-size": s.font, fill: "#31333F" }, svg, SVG);
      t.textContent = p.units[k];
    }
    const xl = el("text", { x: m.l + plotW / 2, y: bottom + 2 * s.font + 16, "text-anchor": "middle",
      "font-size": s.font, fill: "#31333F" }, svg, SVG);
    xl.textContent = p.xlabel;
    if (this.i !== undefined) this.draw(this.i);
  }

  draw(i) {
    this.i = i;
    this.title.textContent = fill(this.p.title, valuesAt(this.p, i));
    this.rows.forEach((r, j) => {
      const values = r.values.row(Math.min(i, r.values.shape[0] - 1));
      const [lo, hi] = r.range;
      const zero = r.y(Math.min(Math.max(0, lo), hi));
      this.bars[j].forEach((rect, k) => {
        const v = values[k];
        const y = Number.isFinite(v) ? r.y(v) : zero;
        rect.setAttribute("y", Math.min(y, zero));
        rect.setAttribute("height", Math.abs(zero - y));
        rect.setAttribute("fill", colorAt(r.colorscale, lo, hi, v));
      });
    });
  }

  hover(e) {
    const box = this.svg.getBoundingClientRect(), { m, rowH, gapPx, slot } = this.geom;
    const x = e.clientX - box.left, y = e.clientY - box.top;
    const k = Math.floor((x - m.l) / slot), j = Math.floor((y - m.t) / (rowH + gapPx));
    const r = this.rows[j];
    if (!r || k < 0 || k >= this.p.units.length || y - r.top > rowH) return (this.tip.hidden = true);
    const v = r.values.row(this.i)[k];
    const color = colorAt(r.colorscale, r.range[0], r.range[1], v);
    this.tip.hidden = false;
    this.tip.style.cssText = `left:${x + 12}px;top:${y + 12}px;background:${color};color:${textColorOn(color)}`;
    this.tip.innerHTML = "";
    for (const line of [r.label, `${this.p.xlabel} ${this.p.units[k]}`, `${this.p.ui.value} ${v.toFixed(4)}`]) {
      el("div", {}, this.tip).textContent = line;
    }
  }
}

// --- topk: the most probable classes at one step -------------------------------------------------------

class TopK extends SvgView {
  constructor(root) {
    super(root, "topk");
  }

  update(p) {
    this.probs = decode(p.probs);
    super.update(p, "prediction");
  }

  layout() {
    const p = this.p, s = p.sizes, k = this.probs.shape[1];
    const width = this.root.clientWidth || 600, height = s.chart_height;
    const longest = Math.max(...p.names.flat().map((n) => n.length));
    const m = { l: 20 + 0.6 * s.font * longest, r: 20, t: 50, b: 50 };
    const plotW = Math.max(width - m.l - m.r, 10), slot = (height - m.t - m.b) / k;
    this.geom = { m, plotW, slot, xmax: 1.15 };
    const svg = this.canvas(width, height);
    for (let v = 0; v <= 1.0001; v += 0.2) {
      const x = m.l + (v / 1.15) * plotW;
      el("line", { x1: x, x2: x, y1: m.t, y2: height - m.b, stroke: v === 0 ? p.line_color || "#555" : "#EBF0F8" },
        svg, SVG);
      el("text", { x, y: height - m.b + s.font + 6, "text-anchor": "middle", "font-size": s.font, fill: "#31333F" },
        svg, SVG).textContent = tickLabel(v);
    }
    el("text", { x: m.l + plotW / 2, y: height - 10, "text-anchor": "middle", "font-size": s.font, fill: "#31333F" },
      svg, SVG).textContent = p.xlabel;
    this.items = [];
    for (let j = 0; j < k; j++) {
      const y = m.t + j * slot;
      this.items.push({
        bar: el("rect", { x: m.l, y: y + 0.1 * slot, height: 0.8 * slot }, svg, SVG),
        name: el("text", { x: m.l - 6, y: y + slot / 2 + s.font / 3, "text-anchor": "end", "font-size": s.font,
          fill: "#31333F", class: "rnnx-topk-name" }, svg, SVG),
        text: el("text", { y: y + slot / 2 + s.font / 3, "font-size": s.font, fill: "#31333F",
          class: "rnnx-topk-p" }, svg, SVG),
      });
    }
    if (this.i !== undefined) this.draw(this.i);
  }

  draw(i) {
    this.i = i;
    const p = this.p, { m, plotW, xmax } = this.geom, probs = this.probs.row(i);
    this.title.textContent = fill(p.title, valuesAt(p, i));
    this.items.forEach((it, j) => {
      const w = (probs[j] / xmax) * plotW;
      it.bar.setAttribute("width", Math.max(w, 0));
      it.bar.setAttribute("fill", p.target[i] === j ? p.colors.target : p.colors.bar);
      it.name.textContent = p.names[i][j];
      it.text.setAttribute("x", m.l + w + 4);
      it.text.textContent = p.texts[i][j];
    });
  }
}

// --- text: trusted HTML from Python with per-position fields, or an outlined symbol ---------------------

class Text {
  constructor(root) {
    this.root = el("div", { class: "rnnx rnnx-text" }, root);
  }

  update(p) {
    this.p = p;
    this.shown = null;
    if (p.outline) this.root.innerHTML = p.html;
    this.spans = p.outline ? this.root.querySelectorAll("span") : null;
    this.unsubscribe?.();
    this.unsubscribe = clock(p.group).subscribe((i) => this.draw(i));
    this.unsubscribeCross?.();
    this.unsubscribeCross = p.cross ? clock(p.cross.group).subscribe(() => this.draw(this.i)) : null;
  }

  draw(i) {
    this.i = i;
    if (this.spans) {
      this.spans[this.current]?.classList.remove("rnnx-now");
      this.current = Math.min(i, this.spans.length - 1);
      this.spans[this.current]?.classList.add("rnnx-now");
      return;
    }
    const html = fill(this.p.html, valuesAt(this.p, i));
    if (html !== this.shown) this.root.innerHTML = this.shown = html;
  }

  destroy() {
    this.unsubscribe?.();
    this.unsubscribeCross?.();
    this.root.remove();
  }
}

// --- alignment: a matrix written row by row (attention weights α_js), one cell chosen --------------------------
// Rows up to the group's position i are drawn, later rows are blank (not computed yet); row i and the cell (i, k)
// of the cross clock's position k are outlined. A click on a cell moves both clocks there.

class Alignment extends SvgView {
  constructor(root) {
    super(root, "alignment");
    this.tip = el("div", { class: "rnnx-tip", hidden: "" }, this.root);
    this.svg.addEventListener("pointermove", (e) => this.hover(e));
    this.svg.addEventListener("pointerleave", () => (this.tip.hidden = true));
    this.svg.addEventListener("click", (e) => this.click(e));
  }

  update(p) {
    this.weights = decode(p.weights);
    this.unsubscribeCross?.();
    this.unsubscribeCross = null;
    super.update(p, "alignment");
    this.unsubscribeCross = clock(p.cross.group).subscribe(() => this.draw(this.i));
  }

  layout() {
    // Cells, axis labels and a colour bar; draw() then fills the rows written so far and moves the outlines.
    const p = this.p, s = p.sizes, [rows, cols] = this.weights.shape;
    const width = this.root.clientWidth || 600;
    const longest = Math.max(...p.y.map((t) => t.length));
    const m = { l: 2.2 * s.font + 0.6 * s.font * longest + 8, r: 30 + 3 * s.font, t: 50, b: 2.6 * s.font + 24 };
    const plotW = Math.max(width - m.l - m.r, 10), cw = plotW / cols;
    const ch = Math.min(Math.max(cw, s.font + 6), 2 * s.font);
    const height = m.t + rows * ch + m.b;
    this.geom = { m, cw, ch, rows, cols };
    const svg = this.canvas(width, height);
    this.cells = [];
    for (let j = 0; j < rows; j++) {
      const row = [];
      for (let k = 0; k < cols; k++) {
        row.push(el("rect", { x: m.l + k * cw, y: m.t + j * ch, width: cw, height: ch, fill: p.blank, stroke: "#fff",
          "stroke-width": 0.5, "data-j": j + 1, "data-s": k + 1 }, svg, SVG));
      }
      this.cells.push(row);
      el("text", { x: m.l - 6, y: m.t + (j + 0.5) * ch + s.font / 3, "text-anchor": "end", "font-size": s.font,
        fill: "#31333F", class: "rnnx-align-y" }, svg, SVG).textContent = p.y[j];
    }
    const every = Math.max(1, Math.ceil((1.3 * s.font) / cw));
    for (let k = 0; k < cols; k += every) {
      el("text", { x: m.l + (k + 0.5) * cw, y: m.t + rows * ch + s.font + 4, "text-anchor": "middle",
        "font-size": s.font, fill: "#31333F", class: "rnnx-align-x" }, svg, SVG).textContent = p.x[k];
    }
    const bottom = m.t + rows * ch;
    el("text", { x: m.l + plotW / 2, y: bottom + 2 * s.font + 16, "text-anchor": "middle", "font-size": s.font,
      fill: "#31333F" }, svg, SVG).textContent = p.xlabel;
    const yl = el("text", { x: 0, y: 0, "text-anchor": "middle", "font-size": s.font, fill: "#31333F",
      transform: `translate(${s.font},${m.t + (rows * ch) / 2}) rotate(-90)` }, svg, SVG);
    yl.textContent = p.ylabel;
    // The colour bar: the scale from range[0] (bottom) to range[1] (top).
    const id = `rnnx-grad-${Math.random().toString(36).slice(2)}`;
    const grad = el("linearGradient", { id, x1: 0, y1: 1, x2: 0, y2: 0 }, el("defs", {}, svg, SVG), SVG);
    for (const [pos, color] of p.colorscale) el("stop", { offset: pos, "stop-color": color }, grad, SVG);
    const bx = width - m.r + 12, bh = Math.min(rows * ch, 200);
    el("rect", { x: bx, y: m.t, width: 12, height: bh, fill: `url(#${id})`, stroke: p.line_color,
      "stroke-width": 0.5 }, svg, SVG);
    const [lo, hi] = p.range;
    for (const v of [lo, (lo + hi) / 2, hi]) {
      el("text", { x: bx + 16, y: m.t + bh * (1 - (v - lo) / (hi - lo)) + s.font / 3, "font-size": s.font,
        fill: "#31333F" }, svg, SVG).textContent = tickLabel(v);
    }
    this.rowBox = el("rect", { fill: "none", stroke: p.outline, "stroke-width": 1.5, class: "rnnx-align-row",
      x: m.l, width: plotW, height: ch }, svg, SVG);
    this.cellBox = el("rect", { fill: "none", stroke: p.outline, "stroke-width": 3, class: "rnnx-align-cell",
      width: cw, height: ch }, svg, SVG);
    this.written = -1; // rows filled so far (0-based index of the last)
    if (this.i !== undefined) this.draw(this.i);
  }

  draw(i) {
    this.i = i;
    const p = this.p, { m, cw, ch, rows, cols } = this.geom;
    i = Math.min(i, rows - 1);
    const k = Math.min(clock(p.cross.group).i, cols - 1);
    this.title.textContent = fill(p.title, valuesAt(p, i));
    const [lo, hi] = p.range;
    for (let j = Math.min(i, this.written) + 1; j <= Math.max(i, this.written); j++) {
      const w = this.weights.row(j);
      this.cells[j].forEach((rect, c) => rect.setAttribute("fill", j <= i ? colorAt(p.colorscale, lo, hi, w[c]) : p.blank));
    }
    this.written = i;
    this.rowBox.setAttribute("y", m.t + i * ch);
    this.cellBox.setAttribute("x", m.l + k * cw);
    this.cellBox.setAttribute("y", m.t + i * ch);
  }

  cellAt(e) {
    const box = this.svg.getBoundingClientRect(), { m, cw, ch, rows, cols } = this.geom;
    const x = e.clientX - box.left, y = e.clientY - box.top;
    const j = Math.floor((y - m.t) / ch), k = Math.floor((x - m.l) / cw);
    return j >= 0 && j < rows && k >= 0 && k < cols ? { j, k, x, y } : null;
  }

  hover(e) {
    const at = this.cellAt(e);
    if (!at) return (this.tip.hidden = true);
    const { j, k, x, y } = at, p = this.p;
    this.tip.hidden = false;
    this.tip.style.cssText = `left:${x + 12}px;top:${y + 12}px;background:#fff;color:#31333F`;
    this.tip.innerHTML = "";
    const values = { j: j + 1, s: k + 1, y: p.y[j], x: p.x[k], value: j <= this.i ? p.texts[j][k] : p.later };
    for (const line of p.hover) el("div", {}, this.tip).textContent = fill(line, values);
  }

  click(e) {
    const at = this.cellAt(e);
    if (!at) return;
    clock(this.p.group).set(at.j);
    clock(this.p.cross.group).set(at.k);
  }

  destroy() {
    this.unsubscribeCross?.();
    super.destroy();
  }
}

// --- feed: new payloads for views mounted elsewhere in the page -----------------------------------------
// A long server run sends many small feed elements (pages/bridge.py feed(), pages/bridge_js/feed.js: a component of
// their own, so that each carries a few bytes of code instead of this module and its style sheet). Each hands its
// payloads here: each goes to the view mounted under its key, as if that view had been sent it. A payload for a view
// not mounted (yet), or of another kind, is dropped: a live chart then finds a gap in the next one and asks for
// what it lacks.

window.rnnxFeed = (p) => {
  for (const [key, payload] of Object.entries(p.views)) {
    const view = mounted.get(key);
    if (view && view.kind === payload.kind) view.update({ ...payload, ui: p.ui, key }, view.args);
  }
};

const KINDS = { player: Player, chart: Chart, bars: Bars, topk: TopK, text: Text, alignment: Alignment };

export default function render(args) {
  const { data, parentElement } = args;
  let view = views.get(parentElement);
  if (!view || view.kind !== data.kind) {
    view?.destroy();
    view = new KINDS[data.kind](parentElement);
    view.kind = data.kind;
    views.set(parentElement, view);
  }
  if (data.key) mounted.set(data.key, view);
  view.args = args; // the newest callbacks, for fed payloads too
  if (data !== view.received) {
    view.received = data;
    view.update(data, args);
  } else { // the same payload again (a re-render, not a new one): a fed view may be further on, keep it there
    if (view.setTriggerValue) view.setTriggerValue = args.setTriggerValue;
    if (view.setStateValue) view.setStateValue = args.setStateValue;
  }
  return () => {
    const gone = views.get(parentElement);
    gone?.destroy();
    views.delete(parentElement);
    if (data.key && mounted.get(data.key) === gone) mounted.delete(data.key);
  };
}

// --- heatrows: a heatmap whose row of the clock's position is outlined (Step through's saliency) --------
// Payload: a chart's, plus "bands": per position i, [lo, hi, row] in y data units (or null), and "band_color".

class HeatRows extends Chart {
  draw(i) {
    super.draw(i);
    const full = this.gd._fullLayout;
    if (!this.plotted || !full || !full.xaxis || !this.layer) return;
    const band = this.p.bands ? this.p.bands[Math.min(i, this.p.bands.length - 1)] : null;
    this.band ??= el("rect", { class: "rnnx-band", fill: "none" }, null, SVG);
    if (this.band.parentNode !== this.layer) this.layer.appendChild(this.band);
    this.band.setAttribute("visibility", band ? "visible" : "hidden");
    if (!band) return;
    const xa = full.xaxis, ya = full.yaxis;
    const y0 = ya._offset + ya.c2p(band[0]), y1 = ya._offset + ya.c2p(band[1]);
    this.band.setAttribute("x", xa._offset);
    this.band.setAttribute("width", xa._length);
    this.band.setAttribute("y", Math.min(y0, y1));
    this.band.setAttribute("height", Math.max(Math.abs(y1 - y0), 2));
    this.band.setAttribute("stroke", this.p.band_color);
    this.band.setAttribute("stroke-width", 3);
    this.band.dataset.row = band[2];
    this.band.dataset.i = i;
  }
}

KINDS.heatrows = HeatRows;
