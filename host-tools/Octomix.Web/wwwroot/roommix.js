// The mixes the server makes: the room mix (what listeners hear) and each jammer's personal mix,
// a gain and a pan per room member (API: /api/mix/room, /api/mix/personal/{slot}). Uses el(), api(),
// panText() and live from app.js.
"use strict";

const roomMix = { target: "room", key: "", members: [], loading: false };
live.roomMix = roomMix; // for tests: the last mix the server acknowledged

function mixPath(slot) {
  const base = roomMix.target === "room" ? "/api/mix/room" : `/api/mix/personal/${roomMix.target}`;
  return slot === undefined ? base : `${base}/${slot}`;
}

function roomMixPanel() {
  let panel = $("room-mix");
  if (panel) return panel;
  panel = el("section", { id: "room-mix", class: "room-mix" },
    el("h3", {}, "Room mix"),
    el("label", {}, "Mix ", el("select", { id: "room-mix-target" }, el("option", { value: "room" }, "room mix (listeners)"))),
    el("table", { id: "room-mix-members" }, el("thead", {}, el("tr", {}, el("th", {}, "Slot"), el("th", {}, "Member"), el("th", {}, "Gain"), el("th", {}, "Pan"))), el("tbody")),
    el("p", { id: "room-mix-message", class: "message", role: "status" }),
    el("p", { id: "room-mix-error", class: "error", role: "alert" }));
  $("room-mix-panel").append(panel);
  $("room-mix-target").addEventListener("change", (event) => { roomMix.target = event.target.value; loadRoomMix(); });
  return panel;
}

async function loadRoomMix() {
  roomMixPanel();
  if (roomMix.loading) return;
  roomMix.loading = true;
  try {
    const mix = await api("GET", mixPath());
    showRoomMix(mix);
    $("room-mix-error").textContent = "";
  } catch (e) {
    $("room-mix-error").textContent = e.message;
    if (roomMix.target !== "room") { roomMix.target = "room"; $("room-mix-target").value = "room"; }
  } finally {
    roomMix.loading = false;
  }
}

function showRoomMix(mix) {
  roomMix.mix = mix;
  if (mix.target === "room") {
    roomMix.members = mix.members;
    const select = $("room-mix-target");
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "room" }, "room mix (listeners)"),
      ...mix.members.map((m) => el("option", { value: String(m.slot) }, `personal mix of ${m.name} (slot ${m.slot})`)));
    select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "room";
  }

  $("room-mix-members").tBodies[0].replaceChildren(...mix.members.map((m) => memberRow(m)));
}

function memberRow(m) {
  const gain = el("input", { type: "range", min: "-60", max: "12", step: "0.5", value: String(m.gainDb), class: "mix-gain", "aria-label": `gain of ${m.name}` });
  const gainText = el("span", { class: "value" }, `${m.gainDb} dB`);
  const pan = el("input", { type: "range", min: "-1", max: "1", step: "0.05", value: String(m.pan), class: "mix-pan", "aria-label": `pan of ${m.name}` });
  const panValue = el("span", { class: "value" }, panText(m.pan));
  gain.addEventListener("input", () => { gainText.textContent = `${gain.value} dB`; });
  pan.addEventListener("input", () => { panValue.textContent = panText(Number(pan.value)); });
  const send = async (body) => {
    $("room-mix-error").textContent = "";
    try {
      const mix = await api("PUT", mixPath(m.slot), body);
      $("room-mix-message").textContent = `${m.name}: ${mix.target === "room" ? "room mix" : `personal mix of slot ${mix.of}`} acknowledged by the server`;
      showRoomMix(mix);
    } catch (e) {
      $("room-mix-error").textContent = e.message;
    }
  };
  gain.addEventListener("change", () => send({ gainDb: Number(gain.value) }));
  pan.addEventListener("change", () => send({ pan: Number(pan.value) }));
  return el("tr", { dataset: { slot: String(m.slot), member: m.name } },
    el("td", {}, m.slot), el("td", {}, m.name), el("td", {}, gain, " ", gainText), el("td", {}, pan, " ", panValue));
}

// the members come and go: reload when the room's boxes change
setInterval(() => {
  const s = live.state;
  if (!s || $("session-page").hidden) return;
  const key = JSON.stringify([s.tracks.map((t) => [t.slot, t.name, t.box]), s.unboundBoxes]);
  if (key !== roomMix.key) {
    roomMix.key = key;
    loadRoomMix();
  }
}, 500);
