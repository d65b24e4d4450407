// The monitor mix in the browser: the timecode-aligned mix the console renders, streamed over a
// WebSocket (/api/monitor: one binary message per 10 ms block, a 24-byte header then s16le
// stereo; docs/web-console.md) into an AudioWorklet (monitor-worklet.js). Its own delay display:
// the console's monitor delay (in each block's header) plus what this page buffers and the
// audio output's latency. window.octomixMonitor.samplesReceived counts the frames the worklet got;
// rmsLeft/rmsRight are each channel's RMS (full scale 1) over the last complete 100 ms the
// worklet got, rmsWindows counts those windows (a test waits for fresh ones after a change).
"use strict";

(function () {
  const HEADER = 24, MAGIC = 0x31584d4f;
  const mon = { running: false, samplesReceived: 0, rmsLeft: 0, rmsRight: 0, rmsWindows: 0, framesPlayed: 0, underruns: 0, blocks: 0, bufferedMs: 0, consoleDelayMs: null, sampleRate: null, socket: null, context: null, node: null };
  window.octomixMonitor = mon;
  const $ = (id) => document.getElementById(id);

  function build() {
    const c = $("monitor-panel");
    if (!c) return;
    c.innerHTML =
      '<h3>Monitor</h3>' +
      '<button id="monitor-toggle" type="button">▶ Listen</button> ' +
      '<span id="monitor-delay">monitor off</span> ' +
      '<span id="monitor-counter"></span>';
    $("monitor-toggle").addEventListener("click", () => (mon.running ? stop() : start()));
    setInterval(display, 250);
  }

  async function ensureContext(rate) {
    if (mon.context && mon.context.sampleRate === rate) return;
    if (mon.context) { try { await mon.context.close(); } catch { /* closed */ } }
    const context = new AudioContext({ sampleRate: rate, latencyHint: "interactive" });
    await context.audioWorklet.addModule("monitor-worklet.js");
    const node = new AudioWorkletNode(context, "octomix-monitor", { numberOfInputs: 0, outputChannelCount: [2] });
    node.port.onmessage = (ev) => {
      const m = ev.data;
      mon.samplesReceived = m.received;
      mon.framesPlayed = m.played;
      mon.underruns = m.underruns;
      mon.dropped = m.dropped;
      mon.rmsLeft = m.rmsLeft;
      mon.rmsRight = m.rmsRight;
      mon.rmsWindows = m.rmsWindows;
      mon.bufferedMs = (1000 * m.buffered) / rate;
    };
    node.connect(context.destination);
    mon.context = context;
    mon.node = node;
    mon.sampleRate = rate;
    if (context.state !== "running") { try { await context.resume(); } catch { /* autoplay */ } }
  }

  async function start() {
    mon.running = true;
    $("monitor-toggle").textContent = "■ Stop listening";
    const state = window.octomix && window.octomix.state;
    await ensureContext(state && state.session ? state.session.sampleRate : 48000);
    open();
  }

  function stop() {
    mon.running = false;
    $("monitor-toggle").textContent = "▶ Listen";
    if (mon.socket) { mon.socket.onclose = null; mon.socket.close(); mon.socket = null; }
    if (mon.context) { mon.context.suspend(); }
  }

  function open() {
    if (!mon.running) return;
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/monitor";
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    socket.onmessage = async (ev) => {
      const data = ev.data;
      const view = new DataView(data);
      if (data.byteLength < HEADER || view.getUint32(0, true) !== MAGIC) return;
      const rate = view.getUint32(8, true), channels = view.getUint16(12, true), frames = view.getUint16(14, true);
      mon.consoleDelayMs = view.getUint32(16, true) / 1000;
      mon.position = view.getInt32(20, true);
      mon.blocks++;
      if (channels !== 2 || data.byteLength < HEADER + frames * 4) return;
      if (rate !== mon.sampleRate) { await ensureContext(rate); }
      if (mon.context.state === "suspended") mon.context.resume();
      const pcm = new Int16Array(data, HEADER, frames * 2);
      mon.node.port.postMessage(pcm);
    };
    // the console restarted, or the network went: try again every second while listening
    socket.onclose = () => { if (mon.socket === socket) { mon.socket = null; setTimeout(open, 1000); } };
    mon.socket = socket;
  }

  function display() {
    const d = $("monitor-delay"), n = $("monitor-counter");
    if (!d) return;
    if (!mon.running) { d.textContent = "monitor off"; n.textContent = ""; return; }
    const output = mon.context ? 1000 * ((mon.context.baseLatency || 0) + (mon.context.outputLatency || 0)) : 0;
    if (mon.consoleDelayMs == null) { d.textContent = mon.socket && mon.socket.readyState === 1 ? "listening: no take playing" : "connecting…"; }
    else {
      const total = mon.consoleDelayMs + mon.bufferedMs + output;
      d.textContent = `delay ${total.toFixed(0)} ms (console ${mon.consoleDelayMs.toFixed(0)} + page ${mon.bufferedMs.toFixed(0)} + output ${output.toFixed(0)})`;
    }
    d.dataset.consoleDelayMs = mon.consoleDelayMs == null ? "" : String(mon.consoleDelayMs);
    n.textContent = `${mon.samplesReceived} frames received, ${mon.underruns} underrun(s), ${mon.dropped || 0} dropped`;
  }

  build();
})();
