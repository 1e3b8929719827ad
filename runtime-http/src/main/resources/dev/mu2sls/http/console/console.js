// The mu2sls console: polls the gateway's read-only JSON under /console/api/ and renders it.
// Everything shown comes from stored client data, so it is only ever set as text (never as HTML).
"use strict";

const POLL_MS = 1000;
const HISTORY = 120; // samples kept for the charts: two minutes at one a second
const samples = [];  // {t, rate, mean, p95}
let previous = null;
let list = "all";
let selected = null;
let loaded = {metrics: false, requests: false, transactions: false};

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attributes) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

async function get(path) {
  const response = await fetch("/console/api/" + path, {cache: "no-store"});
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.status);
  return body;
}

function markLoaded(part) {
  if (loaded[part]) return;
  loaded[part] = true;
  if (loaded.metrics && loaded.requests && loaded.transactions && !document.body.dataset.loadedMs) {
    // time from navigation to the first complete picture, read by the browser test
    document.body.dataset.loadedMs = String(Math.round(performance.now()));
  }
}

function status(text, error) {
  const node = document.getElementById("status");
  node.textContent = text;
  node.classList.toggle("error", !!error);
}

// ---- metrics and charts --------------------------------------------------------------------

/** The latency below which a fraction q of the requests in a delta of cumulative buckets fell, in seconds. */
function quantile(buckets, before, q) {
  const deltas = buckets.map(([le, count], i) => [le, count - (before && before[i] ? before[i][1] : 0)]);
  const total = deltas.length ? deltas[deltas.length - 1][1] : 0;
  if (total <= 0) return null;
  for (const [le, count] of deltas) {
    if (count >= q * total) return le === "+Inf" ? null : Number(le);
  }
  return null;
}

function formatMs(seconds) {
  if (seconds === null || !isFinite(seconds)) return "–";
  const ms = seconds * 1000;
  return ms < 10 ? ms.toFixed(2) + " ms" : ms < 1000 ? ms.toFixed(0) + " ms" : (ms / 1000).toFixed(2) + " s";
}

async function pollMetrics() {
  const m = await get("metrics");
  const gateway = m.gateway;
  if (previous) {
    const seconds = (m.atMillis - previous.atMillis) / 1000;
    const count = gateway.requests - previous.gateway.requests;
    const rate = seconds > 0 ? count / seconds : 0;
    const mean = count > 0 ? (gateway.durationSeconds - previous.gateway.durationSeconds) / count : null;
    const p95 = quantile(gateway.buckets, previous.gateway.buckets, 0.95);
    samples.push({rate, mean, p95});
    if (samples.length > HISTORY) samples.shift();
    document.getElementById("tile-rate").textContent = rate.toFixed(rate < 10 ? 1 : 0);
    document.getElementById("tile-mean").textContent = formatMs(mean);
    document.getElementById("tile-p95").textContent = formatMs(p95);
    chart("chart-rate", [{values: samples.map(s => s.rate), cls: "line"}]);
    chart("chart-latency", [{values: samples.map(s => s.mean === null ? null : s.mean * 1000), cls: "line"},
                            {values: samples.map(s => s.p95 === null ? null : s.p95 * 1000), cls: "line p95"}]);
  }
  previous = m;
  for (const [name, value] of Object.entries(m.engine)) {
    const tile = document.getElementById("counter-" + name);
    if (tile) tile.textContent = Math.round(value).toLocaleString("en");
  }
  status((m.metricsOn ? "" : "metrics are off; ") + m.processes + " processes scraped"
      + (m.unreachable ? ", " + m.unreachable + " unreachable" : "") + ", updated " + new Date(m.atMillis).toLocaleTimeString("en-GB"),
      m.unreachable > 0);
  markLoaded("metrics");
}

function chart(id, series) {
  const root = document.getElementById(id);
  const width = 600, height = 160, left = 36, bottom = 14;
  const all = series.flatMap(s => s.values).filter(v => v !== null);
  const max = Math.max(1, ...all) * 1.1;
  root.replaceChildren();
  for (const fraction of [0, 0.5, 1]) {
    const y = (height - bottom) * (1 - fraction);
    root.append(svg("line", {class: "grid", x1: left, x2: width, y1: y, y2: y}));
    const label = svg("text", {class: "axis", x: 2, y: Math.max(10, y - 2)});
    label.textContent = (max * fraction).toPrecision(2);
    root.append(label);
  }
  for (const s of series) {
    const step = (width - left) / Math.max(1, HISTORY - 1);
    const offset = HISTORY - s.values.length;
    const points = s.values.map((v, i) => v === null ? null
        : (left + (offset + i) * step).toFixed(1) + "," + ((height - bottom) * (1 - v / max)).toFixed(1)).filter(p => p);
    if (points.length) root.append(svg("polyline", {class: s.cls, points: points.join(" ")}));
  }
}

// ---- requests ------------------------------------------------------------------------------

function outcome(r) {
  if (r.value !== null) return r.value;
  if (r.errorType !== null) return r.errorType + ": " + (r.errorMessage || "");
  return r.status === "RUNNING" ? r.journalLength + " steps recorded" : "";
}

function method(r) {
  return r.service ? r.service + "." + r.method : "";
}

function time(iso) {
  return iso ? iso.replace("T", " ").replace("Z", "") : "";
}

function duration(ms) {
  if (ms === null || ms === undefined) return "";
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  const seconds = Math.floor(ms / 1000);
  return seconds < 3600 ? Math.floor(seconds / 60) + " min " + seconds % 60 + " s"
      : Math.floor(seconds / 3600) + " h " + Math.floor(seconds % 3600 / 60) + " min";
}

/** How long a request took, or has been running (store clock); "" when its record keeps no start. */
function elapsed(r) {
  if (r.elapsedMillis === null || r.elapsedMillis === undefined) return "";
  return (r.endedAt ? "took " : "running for ") + duration(r.elapsedMillis);
}

/** Deliveries that persisted part of a request: at least this many ran it. */
function deliveries(r) {
  return r.deliveries ? r.deliveries + (r.deliveries === 1 ? " delivery" : " deliveries") : "";
}

async function pollRequests() {
  const requests = await get("requests/" + list);
  const body = document.querySelector("#requests tbody");
  body.replaceChildren(...requests.map(r => {
    const row = el("tr", {"data-id": r.id, title: r.id},
        el("td", {}, r.id), el("td", {}, el("span", {class: "status " + r.status}, r.status.toLowerCase())),
        el("td", {}, method(r)), el("td", {}, time(r.startedAt)), el("td", {}, time(r.endedAt)),
        el("td", {class: "elapsed", title: elapsed(r)}, duration(r.elapsedMillis)), el("td", {class: "deliveries", title: deliveries(r)}, r.deliveries || ""),
        el("td", {title: outcome(r)}, outcome(r)));
    row.classList.toggle("selected", r.id === selected);
    row.addEventListener("click", () => { location.hash = "request=" + encodeURIComponent(r.id); });
    return row;
  }));
  document.getElementById("requests-note").textContent = requests.length
      ? "open requests first, then the most recently ended (100 at most); click one for its timeline"
      : "no request recorded" + (list === "all" ? "" : " in this list");
  markLoaded("requests");
}

function base64url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function showRequest(id) {
  selected = id;
  const detail = document.getElementById("detail");
  let d;
  try {
    d = await get("request/" + base64url(id));
  } catch (e) {
    detail.replaceChildren(el("p", {class: "note"}, "request " + id + ": " + e.message));
    return;
  }
  const r = d.request;
  const facts = el("dl", {},
      el("dt", {}, "id"), el("dd", {}, el("code", {}, r.id)),
      el("dt", {}, "status"), el("dd", {}, el("span", {class: "status " + r.status}, r.status.toLowerCase())),
      el("dt", {}, "method"), el("dd", {}, method(r) || "(not recorded)"));
  if (d.arguments !== null) facts.append(el("dt", {}, "arguments"), el("dd", {}, el("code", {}, d.arguments)));
  if (r.startedAt) facts.append(el("dt", {}, "started"), el("dd", {}, time(r.startedAt)));
  if (r.endedAt) facts.append(el("dt", {}, "ended"), el("dd", {}, time(r.endedAt) + (elapsed(r) ? ", " + elapsed(r) : "")));
  else if (elapsed(r)) facts.append(el("dt", {}, "running"), el("dd", {}, elapsed(r) + ", last persisted " + time(r.lastProgressAt)));
  if (r.deliveries) facts.append(el("dt", {}, "deliveries"), el("dd", {title: "deliveries that persisted part of it; one that crashed before its first commit is not counted"}, deliveries(r)));
  if (r.endedAt) facts.append(el("dt", {}, "response"), el("dd", {}, el("code", {}, outcome(r))));
  const parts = [el("h3", {}, "timeline"), timeline(r, d.journal, d.calls)];
  if (d.transactions.length) {
    parts.push(el("h3", {}, "transactions"), el("ul", {class: "transactions"},
        ...d.transactions.map(t => el("li", {}, el("code", {}, t.id), " " + t.state + " at " + time(t.at)))));
  }
  detail.replaceChildren(facts, ...parts);
  detail.dataset.id = id;
  document.querySelectorAll("#requests tbody tr").forEach(row => row.classList.toggle("selected", row.dataset.id === id));
}

/**
 * The request's steps in order: its journal, and its calls placed at the steps that made them
 * (a completed request keeps no journal, its calls' records stay, with their service and method),
 * each call with its own calls, when it started and how long it took relative to the request's
 * start, and its deliveries. A call that recorded nothing itself (it only made calls) still
 * shows, for the calls under it.
 */
function timeline(request, journal, calls) {
  const stepOf = id => Number(id.slice(id.lastIndexOf("/") + 1));
  const nodes = new Map([[request.id, {id: request.id, record: request, children: new Map()}]]);
  const node = id => {
    if (!nodes.has(id)) {
      nodes.set(id, {id, record: null, children: new Map()});
      node(id.slice(0, id.lastIndexOf("/"))).children.set(stepOf(id), nodes.get(id));
    }
    return nodes.get(id);
  };
  for (const call of calls) node(call.id).record = call;
  const times = calls.concat([request]).flatMap(c => [c.startedAt, c.endedAt]).filter(t => t).map(t => Date.parse(t));
  const origin = request.startedAt ? Date.parse(request.startedAt) : times.length ? Math.min(...times) : null;
  const at = iso => "+" + (Date.parse(iso) - origin) + " ms";
  const when = r => {
    if (origin === null) return null;
    const parts = [];
    if (r.startedAt) parts.push("started " + at(r.startedAt));
    if (elapsed(r)) parts.push(elapsed(r));
    else if (r.endedAt) parts.push("ended " + at(r.endedAt));
    if (r.deliveries) parts.push(deliveries(r));
    return parts.length ? el("span", {class: "when"}, parts.join(", ")) : null;
  };

  function callItem(n, op, target) {
    const call = n.record;
    const failed = call && (call.status === "FAILED" || call.status === "QUARANTINED");
    const item = el("li", {class: "call" + (failed ? " failed" : ""), "data-step": stepOf(n.id), "data-call": n.id},
        el("span", {class: "step"}, "#" + stepOf(n.id)), el("span", {class: "op"}, op),
        el("code", {}, target || (call && method(call)) || n.id),
        el("span", {class: "result"}, call ? " → " + call.status.toLowerCase() + (outcome(call) ? ": " + outcome(call) : "")
            : " (recorded nothing of its own)"),
        call ? when(call) : null);
    if (n.children.size) item.append(el("ul", {class: "timeline"}, ...[...n.children.values()]
        .sort((a, b) => stepOf(a.id) - stepOf(b.id)).map(c => callItem(c, "CALL", null))));
    return item;
  }

  const own = nodes.get(request.id).children;
  const items = [];
  for (const s of journal) {
    const target = s.target !== null ? el("code", {}, s.target) : null;
    items.push([s.step, s.callId && own.has(s.step) ? callItem(own.get(s.step), s.op, s.target)
        : el("li", {"data-step": s.step}, el("span", {class: "step"}, "#" + s.step), el("span", {class: "op"}, s.op), target,
            s.result !== null ? el("span", {class: "result"}, " → " + s.result) : null)]);
  }
  const journaled = new Set(journal.map(s => s.step));
  for (const [step, child] of own) {
    if (!journaled.has(step)) items.push([step, callItem(child, "CALL", null)]);
  }
  items.sort((a, b) => a[0] - b[0]);
  if (request.endedAt) {
    items.push([Infinity, el("li", {class: request.status === "COMPLETED" ? "" : "failed", "data-step": "end"},
        el("span", {class: "op"}, request.status.toLowerCase()), el("span", {class: "result"}, outcome(request)),
        origin !== null ? el("span", {class: "when"}, "ended " + at(request.endedAt)) : null)]);
  }
  if (!items.length) return el("p", {class: "note"}, request.status === "ACCEPTED" ? "accepted; no step recorded yet" : "no step recorded");
  return el("ul", {class: "timeline"}, ...items.map(([, item]) => item));
}

// ---- transactions --------------------------------------------------------------------------

async function pollTransactions() {
  const pending = await get("transactions");
  const body = document.querySelector("#transactions tbody");
  body.replaceChildren(...pending.map(t => el("tr", {"data-id": t.id},
      el("td", {title: t.id}, t.id), el("td", {title: t.coordinator}, t.coordinator), el("td", {}, (t.ageMillis / 1000).toFixed(1) + " s"),
      el("td", {title: t.participants.join(" ")}, t.participants.join(" ")), el("td", {title: t.writes.join(" ")}, t.writes.join(" ")))));
  if (!pending.length) body.append(el("tr", {}, el("td", {colspan: 5, class: "note"}, "none pending")));
  markLoaded("transactions");
}

// ---- wiring --------------------------------------------------------------------------------

function fromHash() {
  const match = location.hash.match(/^#request=(.+)$/);
  if (match) showRequest(decodeURIComponent(match[1]));
}

async function poll(task) {
  try {
    await task();
  } catch (e) {
    status("cannot read the console's data: " + e.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("#tabs button").forEach(button => button.addEventListener("click", () => {
    list = button.dataset.list;
    document.querySelectorAll("#tabs button").forEach(b => b.classList.toggle("active", b === button));
    poll(pollRequests);
  }));
  window.addEventListener("hashchange", fromHash);
  fromHash();
  const every = (task, ms) => { poll(task); setInterval(() => poll(task), ms); };
  every(pollMetrics, POLL_MS);
  every(pollRequests, 2 * POLL_MS);
  every(pollTransactions, 2 * POLL_MS);
});
