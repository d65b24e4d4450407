// The monitor's AudioWorklet: a ring of stereo frames fed by monitor.js (Int16Array blocks from
// the WebSocket), played out once it holds PREFILL frames; an empty ring plays silence and fills
// up again (counted as an underrun); more than 250 ms buffered is cut back to 100 ms (counted). Reports its counters to the page about 10 times a second,
// with the RMS of each channel over the last complete 100 ms of frames received (what a test
// needs to hear the pan: left against right of the mix the page plays).
"use strict";

class OctomixMonitor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.capacity = Math.round(sampleRate * 2); // 2 s of frames
    this.left = new Float32Array(this.capacity);
    this.right = new Float32Array(this.capacity);
    this.read = 0;
    this.write = 0;
    this.count = 0;
    this.prefill = Math.round(sampleRate * 0.06); // 60 ms
    this.maxBuffer = Math.round(sampleRate * 0.25);
    this.target = Math.round(sampleRate * 0.1);
    this.dropped = 0;
    this.playing = false;
    this.received = 0;
    this.played = 0;
    this.underruns = 0;
    this.sinceReport = 0;
    this.rmsFrames = Math.round(sampleRate * 0.1);
    this.sumLeft = 0;
    this.sumRight = 0;
    this.summed = 0;
    this.rmsLeft = 0;
    this.rmsRight = 0;
    this.rmsWindows = 0;
    this.port.onmessage = (ev) => this.push(ev.data);
  }

  push(pcm) {
    const frames = pcm.length >> 1;
    for (let i = 0; i < frames; i++) {
      if (this.count === this.capacity) { this.read = (this.read + 1) % this.capacity; this.count--; } // too far behind: drop the oldest
      const l = pcm[2 * i] / 32768, r = pcm[2 * i + 1] / 32768;
      this.left[this.write] = l;
      this.right[this.write] = r;
      this.sumLeft += l * l;
      this.sumRight += r * r;
      if (++this.summed === this.rmsFrames) {
        this.rmsLeft = Math.sqrt(this.sumLeft / this.summed);
        this.rmsRight = Math.sqrt(this.sumRight / this.summed);
        this.rmsWindows++;
        this.sumLeft = 0;
        this.sumRight = 0;
        this.summed = 0;
      }
      this.write = (this.write + 1) % this.capacity;
      this.count++;
    }
    this.received += frames;
    // more than 250 ms here (the output's clock is slower than the console's, or a burst after a
    // stall): drop the oldest down to 100 ms, so the page's delay stays short (counted)
    if (this.count > this.maxBuffer) {
      const drop = this.count - this.target;
      this.read = (this.read + drop) % this.capacity;
      this.count -= drop;
      this.dropped += drop;
    }
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const l = out[0], r = out.length > 1 ? out[1] : out[0];
    const n = l.length;
    if (!this.playing && this.count >= this.prefill) this.playing = true;
    for (let i = 0; i < n; i++) {
      if (this.playing && this.count > 0) {
        l[i] = this.left[this.read];
        r[i] = this.right[this.read];
        this.read = (this.read + 1) % this.capacity;
        this.count--;
        this.played++;
      } else {
        if (this.playing) { this.playing = false; this.underruns++; }
        l[i] = 0;
        r[i] = 0;
      }
    }
    this.sinceReport += n;
    if (this.sinceReport >= sampleRate / 10) {
      this.sinceReport = 0;
      this.port.postMessage({ received: this.received, played: this.played, buffered: this.count, underruns: this.underruns, dropped: this.dropped,
        rmsLeft: this.rmsLeft, rmsRight: this.rmsRight, rmsWindows: this.rmsWindows });
    }
    return true;
  }
}

registerProcessor("octomix-monitor", OctomixMonitor);
