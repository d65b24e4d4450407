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

// ---- the session view ----
function meterWidth(db) { return db == null ? 0 : Math.max(0, Math.min(100, (db + 60) / 60 * 100)); }

function strip(t) {
  const fmt = (v, unit) => v == null ? "—" : `${v}${unit}`;
  return el("div", { class: "strip", dataset: { track: t.name, ready: String(t.ready) } },
    el("h4", {}, `${t.position}. ${t.name}`),
    el("div", { class: "box" }, t.box ? `box ${t.box}` : "no box"),
    el("div", { class: "ready" }, t.ready ? "ready" : "not ready"),
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
  $("strips").replaceChildren(...state.tracks.map(strip));
  $("unbound").textContent = state.unboundBoxes.length ? state.unboundBoxes.join(", ") : "none";
  $("events").replaceChildren(...state.events.slice().reverse().map((e) => el("li", {}, e)));
  const take = state.take;
  $("take-state").textContent = take ? `take ${take.number}: ${take.state}` : "no take";
  $("take-state").dataset.state = take ? take.state : "none";
  $("record").disabled = !!take && (take.state === "recording" || take.state === "stopping" || take.state === "collecting");
  $("stop").disabled = !take || take.state !== "recording";
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
