// The live half of the session view: per-track meters (25 readings a second while a take's
// monitor runs), link health (round trip, L, loss, jitter, buffer), SD card free / time left,
// collection progress and the monitor's state, all from the engine's typed events on /api/live
// (Server-Sent Events; the browser reconnects by itself). Plain JS, no build step, no CDN.
"use strict";

(function () {
  const live = { meterUpdates: 0, events: 0, connected: false, tracks: {}, lastMeters: null, take: null, monitor: null };
  window.octomixLive = live; // for tests and the curious

  const $ = (id) => document.getElementById(id);
  const num = (v) => (typeof v === "number" ? v : v === "-Infinity" ? -Infinity : v === "Infinity" ? Infinity : v == null ? null : Number(v));
  const width = (db) => { const d = num(db); return d == null || !isFinite(d) ? 0 : Math.max(0, Math.min(100, (d + 60) / 60 * 100)); };
  const fmt = (v, unit, digits) => (v == null ? "—" : `${digits == null ? v : Number(v).toFixed(digits)}${unit}`);

  function panel() { return $("live-panel"); }

  function row(trackId, name) {
    let t = live.tracks[trackId];
    if (t) { if (name) t.name = name; return t; }
    t = live.tracks[trackId] = { id: trackId, name: name || `track ${trackId}`, el: null };
    const e = document.createElement("div");
    e.className = "live-track";
    e.dataset.trackId = String(trackId);
    e.innerHTML =
      '<div class="live-name"></div>' +
      '<div class="live-meter" title="peak / RMS, dBFS"><div class="live-rms"></div><div class="live-peak"></div></div>' +
      '<div class="live-db"></div>' +
      '<div class="live-link"></div>' +
      '<div class="live-sd"></div>' +
      '<div class="live-progress"></div>';
    t.el = e;
    const list = panel() && panel().querySelector(".live-tracks");
    if (list) list.append(e);
    return t;
  }

  function show(t) {
    const e = t.el;
    e.dataset.track = t.name;
    e.querySelector(".live-name").textContent = t.name + (t.box ? ` (box ${t.box})` : "");
    if (t.health) {
      const h = t.health;
      e.querySelector(".live-link").textContent =
        `round trip ${fmt(h.roundTripMs, " ms", 1)}, L ${fmt(h.latencySamples, " smp")}, loss ${fmt(h.lossPercent, " %")}, jitter ${fmt(h.jitterMs, " ms")}, buffer ${fmt(h.bufferMs, " ms")}`;
      e.querySelector(".live-sd").textContent = h.sdFreeMiB == null ? "SD —"
        : `SD ${h.sdFreeMiB} MiB free` + (h.sdMinutesLeft == null ? "" : `, ${h.sdMinutesLeft >= 600 ? Math.floor(h.sdMinutesLeft / 60) + " h" : h.sdMinutesLeft + " min"} left`);
    }
    if (t.progress) {
      const p = t.progress;
      const here = p.streamBytes + p.fetchedBytes;
      e.querySelector(".live-progress").textContent = `take ${p.number}: ${p.state}` + (p.dataBytes > 0 ? `, ${Math.floor(100 * Math.min(1, here / p.dataBytes))} % here` : "") + (p.problem ? ` — ${p.problem}` : "");
    }
  }

  function onMeters(m) {
    live.meterUpdates++;
    live.lastMeters = m;
    for (const tm of m.tracks) {
      const t = row(tm.trackId, tm.track);
      if (!t.el.isConnected) { const list = panel().querySelector(".live-tracks"); list.append(t.el); show(t); }
      t.el.querySelector(".live-peak").style.width = width(tm.peakDb) + "%";
      t.el.querySelector(".live-rms").style.width = width(tm.rmsDb) + "%";
      const p = num(tm.peakDb);
      t.el.querySelector(".live-db").textContent = p == null || !isFinite(p) ? "−∞ dB" : `${p.toFixed(1)} dB`;
      t.peakDb = p;
    }
    $("live-master").textContent = `master L ${fmtDb(m.masterPeakDbLeft)} R ${fmtDb(m.masterPeakDbRight)}, monitor ${m.delayMs} ms behind`;
  }
  const fmtDb = (v) => { const d = num(v); return d == null || !isFinite(d) ? "−∞" : d.toFixed(1); };

  function onEngine(e) {
    live.events++;
    switch (e.type) {
      case "sessionOpened":
        for (const t of Object.values(live.tracks)) t.el.remove();
        live.tracks = {};
        break;
      case "trackReadinessChanged": {
        const t = row(e.trackId, e.track); t.box = e.box; t.ready = e.ready; t.el.dataset.ready = String(e.ready); show(t); break;
      }
      case "linkHealth": {
        const t = row(e.trackId, e.track); t.box = e.box; t.health = e; show(t); break;
      }
      case "collectionProgress": {
        const t = Object.values(live.tracks).find((x) => x.name === e.track);
        if (t) { t.progress = e; show(t); }
        break;
      }
      case "takeStateChanged":
        live.take = e;
        $("live-take").textContent = `take ${e.number}: ${e.state}` + (e.report ? ` (${e.report})` : "");
        $("live-take").dataset.state = e.state;
        break;
      case "monitorStateChanged":
        live.monitor = e;
        $("live-monitor-state").textContent = e.state == null ? `take ${e.number}: monitor stopped` : `take ${e.number}: monitor ${e.state}, ${e.delayMs} ms behind, to ${e.output}`;
        break;
      default:
        break;
    }
  }

  function connect() {
    const source = new EventSource("/api/live");
    source.addEventListener("open", () => { live.connected = true; panel().dataset.connection = "live"; });
    source.addEventListener("error", () => { live.connected = false; panel().dataset.connection = "lost"; });
    source.addEventListener("meters", (ev) => onMeters(JSON.parse(ev.data)));
    source.addEventListener("engine", (ev) => onEngine(JSON.parse(ev.data)));
  }

  function build() {
    const p = panel();
    if (!p) return;
    p.innerHTML =
      '<h3>Live</h3>' +
      '<p><span id="live-take" data-state="none">no take</span> · <span id="live-monitor-state">monitor idle</span></p>' +
      '<p id="live-master"></p>' +
      '<div class="live-tracks"></div>';
    connect();
  }

  build();
})();
