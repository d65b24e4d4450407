using Octomix.Hal;

namespace Octomix.Board.Simulated;

/// <summary>
/// Capture and playback of a simulated box on one sample clock, with the analog world between
/// them. The clock runs at the nominal rate times (1 + ppm·10⁻⁶) against the simulation's time.
/// <list type="bullet">
/// <item>Playback: a FIFO (the TX DMA) the DAC takes one frame from per clock tick; an empty FIFO
/// plays silence (an underrun — and, like the real DMA, the frames written later play later).
/// <see cref="Write"/> waits while the FIFO is full.</item>
/// <item>The analog path: the musician hears the DAC <see cref="OutputDelayFrames"/> later and
/// plays (<see cref="SimulatedInstrument"/>); the ADC hears the instrument
/// <see cref="InputDelayFrames"/> later — or, while the codec's calibration routing is on, the
/// DAC itself after both delays. So the analog round trip is Output + Input delay frames.</item>
/// <item>Capture: <see cref="Read"/> waits until the clock has produced the next block; frames
/// older than the RX buffer are lost (an overrun).</item>
/// </list>
/// Everything is preallocated; a block allocates nothing (the per-frame work here is the
/// simulated world's, on a PC).
/// </summary>
public sealed class SimulatedAudio : IAudioIn, IAudioOut
{
    private const int History = 1 << 17;

    private readonly SimulatedTime time;
    private readonly SimulatedCodec codec;
    private readonly SimulatedInstrument instrument;
    private readonly int frameBytes;
    private readonly int bytesPerSample;
    private readonly int channels;
    private readonly int fullScale;
    private readonly byte[] dac;
    private readonly byte[] adc;
    private readonly byte[] fifo;
    private readonly int fifoFrames;
    private readonly int rxFrames;
    private readonly long startMicros;
    private readonly double framesPerMicro;
    private long fifoRead;
    private long fifoWrite;
    private long generated;
    private long rxPosition;
    private bool underrunning;
    private readonly bool calibrationPathWorks;
    private int dacPeak;

    public SimulatedAudio(SimulatedTime time, PcmFormat format, int blockFrames, SimulatedBoardOptions options,
        SimulatedCodec codec, SimulatedInstrument instrument)
    {
        this.time = time;
        this.codec = codec;
        this.instrument = instrument;
        Format = format;
        BlockFrames = blockFrames;
        frameBytes = format.FrameBytes;
        bytesPerSample = format.BytesPerSample;
        channels = format.Channels;
        fullScale = (1 << ((8 * bytesPerSample) - 1)) - 1;
        OutputDelayFrames = options.OutputDelayFrames;
        InputDelayFrames = options.InputDelayFrames;
        ClockPpm = options.ClockPpm;
        calibrationPathWorks = options.CalibrationPathWorks;
        fifoFrames = options.PlaybackBufferBlocks * blockFrames;
        rxFrames = options.CaptureBufferBlocks * blockFrames;
        if (fifoFrames + rxFrames + OutputDelayFrames + InputDelayFrames + (4 * blockFrames) > History)
        {
            throw new ArgumentException("buffers and delays do not fit the simulation's history");
        }

        dac = new byte[History * frameBytes];
        adc = new byte[History * frameBytes];
        fifo = new byte[fifoFrames * frameBytes];
        framesPerMicro = format.SampleRate * (1.0 + (options.ClockPpm * 1e-6)) / 1e6;
        startMicros = time.NowMicroseconds;
    }

    public PcmFormat Format { get; }

    public int BlockFrames { get; }

    /// <summary>The capture buffer: frames older than this are lost when nobody reads them.</summary>
    int IAudioIn.BufferFrames => rxFrames;

    /// <summary>The playback FIFO: a write waits while it is full; the FIFO starts empty (no depth of its own).</summary>
    int IAudioOut.BufferFrames => fifoFrames;

    public int OutputDelayFrames { get; }

    public int InputDelayFrames { get; }

    public double ClockPpm { get; }

    /// <summary>Times the DAC found the FIFO empty (each stretch of silence counts once).</summary>
    public long Underruns { get; private set; }

    /// <summary>Times the capture lost frames because nobody read them in time.</summary>
    public long Overruns { get; private set; }

    public long FramesLost { get; private set; }

    /// <summary>
    /// Frames of silence the DAC played from an empty FIFO after the first write: each one
    /// delays every later output frame by one, so it lengthens the round trip L for good.
    /// </summary>
    public long SilentFrames { get; private set; }

    /// <summary>The sample clock now (frames since the audio started).</summary>
    public long ClockFrames => ClockAt(time.NowMicroseconds);

    /// <summary>Largest |channel 0| the DAC played since the last call (then reset): is anything playing?</summary>
    public int TakeDacPeak()
    {
        int p = dacPeak;
        dacPeak = 0;
        return p;
    }

    /// <summary>Frames waiting in the playback FIFO.</summary>
    public long PlaybackQueued => fifoWrite - fifoRead;

    public void Read(byte[] buffer, int offset, int count)
    {
        int frames = count / frameBytes;
        long target = rxPosition + frames;
        long clock = WaitForClock(target);
        Advance(clock);
        if (clock - rxPosition > rxFrames)
        {
            long lost = clock - rxFrames - rxPosition;
            FramesLost += lost;
            Overruns++;
            rxPosition = clock - rxFrames;
        }

        CopyOut(adc, rxPosition, buffer, offset, frames);
        rxPosition += frames;
    }

    public void Write(byte[] buffer, int offset, int count)
    {
        int frames = count / frameBytes;
        if (frames > fifoFrames)
        {
            throw new ArgumentException("a block larger than the playback buffer");
        }

        long clock = ClockAt(time.NowMicroseconds);
        Advance(clock);
        while (fifoWrite - fifoRead + frames > fifoFrames)
        {
            long need = fifoWrite - fifoRead + frames - fifoFrames;
            clock = WaitForClock(clock + need);
            Advance(clock);
        }

        for (int f = 0; f < frames; f++)
        {
            int at = (int)(fifoWrite % fifoFrames) * frameBytes;
            Buffer.BlockCopy(buffer, offset + (f * frameBytes), fifo, at, frameBytes);
            fifoWrite++;
        }
    }

    private long WaitForClock(long frame)
    {
        long clock = ClockAt(time.NowMicroseconds);
        while (clock < frame)
        {
            time.WaitUntil(TimeOf(frame));
            long next = ClockAt(time.NowMicroseconds);
            if (next < frame && !time.RealTime)
            {
                time.Spend(1); // rounding at the boundary: one more microsecond
                next = ClockAt(time.NowMicroseconds);
            }

            clock = next;
        }

        return clock;
    }

    private long ClockAt(long micros) => (long)Math.Floor((micros - startMicros) * framesPerMicro);

    private long TimeOf(long frame) => startMicros + (long)Math.Ceiling(frame / framesPerMicro);

    /// <summary>Runs the analog world up to (not including) clock frame <paramref name="clock"/>.</summary>
    private void Advance(long clock)
    {
        bool routing = codec.CalibrationRouting;
        for (long c = generated; c < clock; c++)
        {
            int slot = (int)(c & (History - 1)) * frameBytes;

            // the DAC
            if (fifoWrite > fifoRead)
            {
                Buffer.BlockCopy(fifo, (int)(fifoRead % fifoFrames) * frameBytes, dac, slot, frameBytes);
                fifoRead++;
                underrunning = false;
            }
            else
            {
                Array.Clear(dac, slot, frameBytes);
                if (fifoWrite > 0)
                {
                    SilentFrames++;
                    if (!underrunning)
                    {
                        Underruns++;
                    }
                }

                underrunning = true;
            }

            // the musician hears the headphones
            int played = Sample(dac, c);
            if (played > dacPeak)
            {
                dacPeak = played;
            }
            else if (-played > dacPeak)
            {
                dacPeak = -played;
            }

            // ... but does not play along to the calibration beeps (the routing is on while the
            // box measures): a note on the last beep would ring on into the recording routing
            long heard = c - OutputDelayFrames;
            if (heard >= 0)
            {
                instrument.Hear(c, routing ? 0 : Sample(dac, heard), c - InputDelayFrames);
            }

            // the ADC
            long source = c - InputDelayFrames;
            if (routing)
            {
                long d = source - OutputDelayFrames;
                if (d >= 0 && calibrationPathWorks)
                {
                    Buffer.BlockCopy(dac, (int)(d & (History - 1)) * frameBytes, adc, slot, frameBytes);
                }
                else
                {
                    Array.Clear(adc, slot, frameBytes);
                }

                if (source >= 0)
                {
                    instrument.Take(source); // the instrument is cut off from the ADC: its sound goes nowhere
                }
            }
            else
            {
                int v = source >= 0 ? instrument.Take(source) : 0;
                Put(adc, slot, 0, v);
                for (int ch = 1; ch < channels; ch++)
                {
                    Put(adc, slot, ch, v / 2); // the second input: a mic hearing the amplifier
                }
            }
        }

        if (clock > generated)
        {
            generated = clock;
        }
    }

    private int Sample(byte[] ring, long frame)
    {
        int p = (int)(frame & (History - 1)) * frameBytes;
        int v = 0;
        for (int b = bytesPerSample - 1; b >= 0; b--)
        {
            v = (v << 8) | ring[p + b];
        }

        int shift = 32 - (8 * bytesPerSample);
        return (v << shift) >> shift;
    }

    private void Put(byte[] ring, int slot, int channel, int value)
    {
        if (value > fullScale)
        {
            value = fullScale;
        }
        else if (value < -fullScale - 1)
        {
            value = -fullScale - 1;
        }

        int p = slot + (channel * bytesPerSample);
        for (int b = 0; b < bytesPerSample; b++)
        {
            ring[p + b] = (byte)(value >> (8 * b));
        }
    }

    private void CopyOut(byte[] ring, long fromFrame, byte[] buffer, int offset, int frames)
    {
        int start = (int)(fromFrame & (History - 1));
        int first = Math.Min(frames, History - start);
        Buffer.BlockCopy(ring, start * frameBytes, buffer, offset, first * frameBytes);
        if (first < frames)
        {
            Buffer.BlockCopy(ring, 0, buffer, offset + (first * frameBytes), (frames - first) * frameBytes);
        }
    }
}
