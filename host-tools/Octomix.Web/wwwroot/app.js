// The engineer's web console: sessions (list, create, open) and the open session's view, kept
// live by the server's Server-Sent Events (/api/events). Plain JS, no build step, no CDN.
"use strict";

const $ = (id) => document.getElementById(id);
const live = { state: null, stateEvents: 0 };
window.octomix = live; // for tests and the curious

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "dataset") Object.assign(e.dataset, v); else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  let data = null;
  try { data = await response.json(); } catch { /* no body */ }
  if (!response.ok) throw new Error((data && data.error) || `HTTP ${response.status}`);
  return data;
}

// ---- pages ----
function route() {
  const session = location.hash.startsWith("#/session");
  $("sessions-page").hidden = session;
  $("session-page").hidden = !session;
  if (!session) loadSessions();
}
window.addEventListener("hashchange", route);

async function loadSessions() {
  let sessions;
  try { sessions = await api("GET", "/api/sessions"); } catch (e) { $("create-error").textContent = e.message; return; }
  const body = $("sessions").tBodies[0];
  body.replaceChildren(...sessions.map((s) => el("tr", { class: s.open ? "open" : "", dataset: { session: s.name } },
    el("td", {}, s.name), el("td", {}, s.tempo), el("td", {}, s.meter), el("td", {}, s.countIn),
    el("td", {}, s.sampleRate), el("td", {}, s.takes),
    el("td", {}, el("button", { class: "open-session", onclick: () => openSession(s.id) }, "Open")))));
}

async function openSession(id) {
  try {
    await api("POST", `/api/sessions/${id}/open`);
    location.hash = "#/session";
  } catch (e) {
    $("create-error").textContent = e.message;
  }
}

$("create-session").addEventListener("submit", async (event) => {
  event.preventDefault();
  const f = event.target.elements;
  $("create-error").textContent = "";
  const tracks = f.tracks.value.split(",").map((t) => t.trim()).filter((t) => t.length > 0);
  try {
    await api("POST", "/api/sessions", {
      name: f.name.value,
      tempo: f.tempo.value === "" ? null : Number(f.tempo.value),
      meter: f.meter.value,
      countIn: f.countIn.value === "" ? null : Number(f.countIn.value),
      sampleRate: Number(f.sampleRate.value),
      tracks,
    });
    f.name.value = "";
    f.tracks.value = "";
  } catch (e) {
    $("create-error").textContent = e.message;
  }
  loadSessions();
});

$("add-track").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("add-track-name");
  $("add-track-error").textContent = "";
  try { await api("POST", "/api/tracks", { name: name.value }); name.value = ""; } catch (e) { $("add-track-error").textContent = e.message; }
});

async function transport(action) {
  $("transport-error").textContent = "";
  try { await api("POST", `/api/transport/${action}`); } catch (e) { $("transport-error").textContent = e.message; }
}
$("record").addEventListener("click", () => transport("record"));
$("stop").addEventListener("click", () => transport("stop"));
$("play").addEventListener("click", () => transport("play"));
$("collect").addEventListener("click", () => transport("collect"));

// ---- the session view ----
function meterWidth(db) { return db == null ? 0 : Math.max(0, Math.min(100, (db + 60) / 60 * 100)); }

// a box busy with a take says what it is doing, not "not ready" (it is doing what it was ready for)
const busyStates = ["count-in", "recording", "stopping", "collecting", "playback"];
function readyText(t) {
  if (t.ready) return "ready";
  return busyStates.includes(t.boxState) ? t.boxState : "not ready";
}

function strip(t) {
  const fmt = (v, unit) => v == null ? "—" : `${v}${unit}`;
  return el("div", { class: "strip-info" },
    el("h4", {}, `${t.position}. ${t.name}`),
    el("div", { class: "box" }, t.box ? `box ${t.box}` : "no box"),
    el("div", { class: "ready" }, readyText(t)),
    el("div", { class: "reasons" }, t.reasons.join(", ")),
    el("div", { class: "meter", title: "peak L" }, el("div", { style: `width:${meterWidth(t.peakDb0)}%` })),
    el("div", { class: "meter", title: "peak R" }, el("div", { style: `width:${meterWidth(t.peakDb1)}%` })),
    el("dl", {},
      el("dt", {}, "state"), el("dd", {}, t.boxState || "—"),
      el("dt", {}, "round trip"), el("dd", {}, fmt(t.roundTripMs, " ms")),
      el("dt", {}, "L"), el("dd", {}, fmt(t.latencySamples, " smp")),
      el("dt", {}, "SD free"), el("dd", {}, fmt(t.sdFreeMiB, " MiB")),
      el("dt", {}, "loss"), el("dd", {}, `${t.statusLossPercent} %`),
      el("dt", {}, "jitter"), el("dd", {}, fmt(t.jitterMs, " ms")),
      el("dt", {}, "buffer"), el("dd", {}, fmt(t.bufferMs, " ms")),
      el("dt", {}, "fader"), el("dd", {}, `${t.faderDb} dB${t.mute ? " M" : ""}${t.solo ? " S" : ""}`)));
}

function render(state) {
  const s = state.session;
  $("session-name").textContent = s.name;
  $("session-settings").textContent = `${s.tempo} BPM, ${s.meter}, count-in ${s.countIn} bar(s), ${s.sampleRate} Hz`;
  $("server-address").textContent = `server: ${state.serverName ? `"${state.serverName}" ` : ""}${state.serverAddress}${state.joined ? "" : " (not joined)"}`;
  $("join-code").textContent = s.joinCode;
  renderStrips(state.tracks);
  $("unbound").textContent = state.unboundBoxes.length ? state.unboundBoxes.join(", ") : "none";
  $("events").replaceChildren(...state.events.slice().reverse().map((e) => el("li", {}, e)));
  renderTransport(state);
}

// ---- strips: info (rebuilt with each state) and mixer controls (kept, so a fader being moved is not replaced) ----
const stripsById = new Map();

function renderStrips(tracks) {
  const container = $("strips");
  const seen = new Set();
  const ordered = [];
  for (const t of tracks) {
    seen.add(t.id);
    let s = stripsById.get(t.id);
    if (!s) {
      const controls = stripControls(t);
      const info = el("div", { class: "strip-info-holder" });
      s = { root: el("div", { class: "strip" }, info, controls.root), info, controls };
      stripsById.set(t.id, s);
    }
    s.root.dataset.track = t.name;
    s.root.dataset.trackId = String(t.id);
    s.root.dataset.ready = String(t.ready);
    s.root.dataset.busy = String(!t.ready && busyStates.includes(t.boxState));
    s.info.replaceChildren(strip(t));
    updateStripControls(s.controls, t);
    ordered.push(s.root);
  }
  for (const id of [...stripsById.keys()]) if (!seen.has(id)) stripsById.delete(id);
  // moved only when the tracks changed (moving a strip would take the focus from its fader)
  const current = [...container.children];
  if (current.length !== ordered.length || current.some((c, i) => c !== ordered[i])) container.replaceChildren(...ordered);
}

function stripControls(t) {
  const c = {};
  const id = t.id;
  const showError = (e) => { c.error.textContent = e ? e.message : ""; };
  const send = async (change) => {
    try { await api("PUT", `/api/tracks/${id}/mix`, change); showError(null); } catch (e) { showError(e); }
  };
  c.fader = el("input", { type: "range", class: "fader", min: "-60", max: "12", step: "0.5", "aria-label": "fader (dB)" });
  c.faderValue = el("span", { class: "fader-value" });
  c.fader.addEventListener("input", () => { c.faderValue.textContent = `${c.fader.value} dB`; });
  c.fader.addEventListener("change", () => send({ faderDb: Number(c.fader.value) <= -60 ? -120 : Number(c.fader.value) }));
  c.pan = el("input", { type: "range", class: "pan", min: "-1", max: "1", step: "0.1", "aria-label": "pan" });
  c.panValue = el("span", { class: "pan-value" });
  c.pan.addEventListener("input", () => { c.panValue.textContent = panText(Number(c.pan.value)); });
  c.pan.addEventListener("change", () => send({ pan: Number(c.pan.value) }));
  c.mute = el("button", { type: "button", class: "mute", "aria-pressed": "false", onclick: () => send({ mute: c.mute.getAttribute("aria-pressed") !== "true" }) }, "M");
  c.solo = el("button", { type: "button", class: "solo", "aria-pressed": "false", onclick: () => send({ solo: c.solo.getAttribute("aria-pressed") !== "true" }) }, "S");
  c.remove = el("button", { type: "button", class: "remove", title: "remove this track (only one without takes)", onclick: async () => {
    try { await api("DELETE", `/api/tracks/${id}`); showError(null); } catch (e) { showError(e); }
  } }, "Remove");
  c.calibrate = el("button", { type: "button", class: "calibrate", title: "measure the box's round trip again", onclick: async () => {
    try { await api("POST", `/api/tracks/${id}/calibrate`); showError(null); } catch (e) { showError(e); }
  } }, "Calibrate");
  c.renameName = el("input", { class: "rename-name", "aria-label": "new name", placeholder: "new name" });
  c.rename = el("form", { class: "rename", onsubmit: async (event) => {
    event.preventDefault();
    try { await api("PATCH", `/api/tracks/${id}`, { name: c.renameName.value }); c.renameName.value = ""; showError(null); } catch (e) { showError(e); }
  } }, c.renameName, el("button", { type: "submit" }, "Rename"));
  c.error = el("span", { class: "error strip-error", role: "alert" });
  c.root = el("div", { class: "controls" },
    el("label", {}, "fader"), el("div", {}, c.fader, c.faderValue),
    el("label", {}, "pan"), el("div", {}, c.pan, c.panValue),
    el("div", { class: "buttons" }, c.mute, c.solo, c.calibrate, c.remove),
    c.rename, c.error);
  return c;
}

function panText(p) { return p === 0 ? "C" : p < 0 ? `L${Math.round(-p * 100)}` : `R${Math.round(p * 100)}`; }

function updateStripControls(c, t) {
  const fader = t.faderDb == null || typeof t.faderDb !== "number" || t.faderDb < -60 ? -60 : t.faderDb;
  if (document.activeElement !== c.fader) { c.fader.value = String(fader); c.faderValue.textContent = fader <= -60 ? "off" : `${fader} dB`; }
  if (document.activeElement !== c.pan) { c.pan.value = String(t.pan); c.panValue.textContent = panText(t.pan); }
  c.mute.setAttribute("aria-pressed", String(t.mute));
  c.solo.setAttribute("aria-pressed", String(t.solo));
}

// ---- transport: record / stop / play back / collect again, the take's state and per-track progress ----
let lastTakeKey = "";

function takePhase(take) {
  if (!take) return "none";
  if (take.state === "complete" && !take.written) return "writing";
  return take.state;
}

function renderTransport(state) {
  const take = state.take;
  const phase = takePhase(take);
  const busy = !!state.activity;
  $("take-state").textContent = take ? `take ${take.number}: ${phase}${take.why ? ` (${take.why})` : ""}` : "no take";
  $("take-state").dataset.state = phase;
  $("record").disabled = busy || phase === "recording" || phase === "stopping" || phase === "collecting";
  $("stop").disabled = !take || take.state !== "recording";
  $("play").disabled = busy || !take || !take.written;
  $("collect").hidden = !take || take.state !== "incomplete";
  $("collect").disabled = busy;
  $("activity").textContent = state.activity ? `${state.activity}…` : (state.activityMessage || "");
  $("take-tracks").replaceChildren(...(take ? take.tracks : []).map((t) => el("li", { dataset: { track: t.track, state: t.state } },
    `${t.track} (box ${t.box}): ${t.state}`,
    t.progressPercent == null ? "" : ` — ${t.progressPercent} % here`,
    t.lossPercent == null || t.state !== "recording" ? "" : `, ${t.lossPercent} % missing`,
    t.problem ? el("span", { class: "problem" }, ` — ${t.problem}`) : "")));
  // the takes list follows the take's state (and the session)
  const key = `${state.session.id}/${take ? `${take.id}/${take.state}/${take.written}` : ""}/${state.activity || ""}`;
  if (key !== lastTakeKey) {
    lastTakeKey = key;
    loadTakes(state.session.id);
  }
}

// ---- takes of the open session: state, length, size, downloads, render mix ----
function sizeText(bytes) {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

async function loadTakes(sessionId) {
  let takes;
  try { takes = await api("GET", `/api/sessions/${sessionId}/takes`); } catch (e) { $("takes-message").textContent = e.message; return; }
  $("takes").tBodies[0].replaceChildren(...takes.map((t) => el("tr", { dataset: { take: String(t.number), takeId: String(t.id), state: t.state, written: String(t.written) } },
    el("td", {}, t.number),
    el("td", { class: "take-state", title: t.problems.join("\n") }, t.state + (t.problems.length ? ` (${t.problems.join("; ")})` : "")),
    el("td", {}, t.durationSeconds == null ? "—" : `${t.durationSeconds.toFixed(1)} s`),
    el("td", {}, sizeText(t.sizeBytes)),
    el("td", {}, ...t.files.map((f) => el("a", { href: f.url, download: f.name, class: "download", dataset: { kind: f.kind, file: f.name }, title: sizeText(f.bytes) }, f.kind === "stem" ? f.name : f.kind))),
    el("td", {}, t.written ? el("button", { type: "button", class: "render-mix", onclick: () => renderMix(t) }, "Render mix") : ""))));
}

async function renderMix(take) {
  $("takes-message").textContent = `rendering the mix of take ${take.number}…`;
  try {
    const r = await api("POST", `/api/takes/${take.id}/render`);
    $("takes-message").textContent = `take ${take.number}: mix rendered (${r.mix}${r.gainDb < 0 ? `, lowered ${-r.gainDb} dB` : ""})`;
  } catch (e) {
    $("takes-message").textContent = e.message;
  }
  if (live.state) loadTakes(live.state.session.id);
}

function tick() {
  const take = live.state && live.state.take;
  if (take) {
    const end = take.state === "recording" || !take.stoppedUtc ? Date.now() : Date.parse(take.stoppedUtc);
    const seconds = Math.max(0, (end - Date.parse(take.startedUtc)) / 1000);
    const m = Math.floor(seconds / 60), sec = (seconds % 60).toFixed(1).padStart(4, "0");
    $("elapsed").textContent = `${m}:${sec}`;
  } else {
    $("elapsed").textContent = "";
  }
}
setInterval(tick, 100);

// ---- live state: SSE, reconnecting by itself (EventSource retries; we say so meanwhile) ----
function connect() {
  const source = new EventSource("/api/events");
  source.addEventListener("open", () => { $("connection").dataset.state = "live"; $("connection").textContent = "live"; });
  source.addEventListener("error", () => { $("connection").dataset.state = "lost"; $("connection").textContent = "reconnecting…"; });
  source.addEventListener("state", (event) => {
    live.state = JSON.parse(event.data);
    live.stateEvents++;
    render(live.state);
  });
}

connect();
route();
