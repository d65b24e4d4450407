using Octomix.Desk.Monitor;

namespace Octomix.Console.Tests;

public class MonitorMixerTests
{
    private const double Amplitude = 16384; // 0.5 full scale

    private static long Sine(long m) => (long)Math.Round(Amplitude * Math.Sin(2 * Math.PI * 440 * m / 48000.0));

    /// <summary>
    /// Output of a run with rate steering off, indexed by musical timecode: with the ratio exactly 1,
    /// output frame j of the playing period is musical frame P0 + j.
    /// </summary>
    private sealed class Capture
    {
        public List<short> Left { get; } = [];

        public List<short> Right { get; } = [];

        public long StartPosition { get; private set; } = long.MinValue;

        public void Add(MonitorMixer mixer, short[] block)
        {
            if (mixer.State != MonitorState.Playing)
            {
                Assert.All(block, s => Assert.Equal(0, s));
                return;
            }

            if (StartPosition == long.MinValue)
            {
                StartPosition = (long)mixer.PlayoutPosition - (block.Length / 2);
            }

            for (int j = 0; j < block.Length / 2; j++)
            {
                Left.Add(block[2 * j]);
                Right.Add(block[(2 * j) + 1]);
            }
        }

        public short LeftAt(long m) => Left[(int)(m - StartPosition)];

        public short RightAt(long m) => Right[(int)(m - StartPosition)];
    }

    private static (MonitorMixer Mixer, SimulatedBox Box, MonitorSimulation Simulation, Capture Capture) OneTrack(
        Func<long, long> signal, MonitorOptions? options = null, long firstTimecode = 0, int latency = 100)
    {
        var mixer = new MonitorMixer(options ?? new MonitorOptions { RateSteering = false });
        var track = mixer.AddTrack("a", latency);
        track.Pan = -1;
        var box = new SimulatedBox { Track = track, FirstTimecode = firstTimecode, Signal = signal, JitterSeconds = 0.002 };
        return (mixer, box, new MonitorSimulation(mixer, box), new Capture());
    }

    [Theory]
    [InlineData(12, 300, 100, -100)]
    [InlineData(300, 12, -100, 100)]
    [InlineData(0, 150, 37, -64)]
    public void AnImpulseAtTheSameMusicalInstantLandsInTheSameOutputFrame(int latencyLeft, int latencyRight, double ppmLeft, double ppmRight)
    {
        var mixer = new MonitorMixer();
        var left = mixer.AddTrack("left", latencyLeft);
        var right = mixer.AddTrack("right", latencyRight);
        left.Pan = -1;
        right.Pan = 1;
        const long impulseAt = 96_000 + 77; // musical timecode, 2 s into the take
        static long Impulse(long m) => m == impulseAt ? 30000 : 0;
        var simulation = new MonitorSimulation(
            mixer,
            new SimulatedBox { Track = left, Ppm = ppmLeft, FirstTimecode = latencyLeft, Signal = Impulse, JitterSeconds = 0.01, Random = new Random(3) },
            new SimulatedBox { Track = right, Ppm = ppmRight, FirstTimecode = latencyRight, Signal = Impulse, JitterSeconds = 0.02, StartSeconds = 0.005, Random = new Random(4) });
        var l = new List<short>();
        var r = new List<short>();
        simulation.Run(4, (block, _) =>
        {
            for (int j = 0; j < block.Length / 2; j++)
            {
                l.Add(block[2 * j]);
                r.Add(block[(2 * j) + 1]);
            }
        });

        int peakLeft = l.IndexOf(l.Max());
        int peakRight = r.IndexOf(r.Max());
        Assert.True(l.Max() > 10000, "the impulse was played");
        Assert.Equal(peakLeft, peakRight);
        // Same fractional read position for both tracks: the interpolated shapes are identical.
        for (int j = peakLeft - 4; j <= peakLeft + 4; j++)
        {
            Assert.InRange(l[j] - r[j], -1, 1);
        }

        Assert.Equal(0, mixer.GetStatus().Underruns);
    }

    [Fact]
    public void WithSteeringOffTheOutputIsTheInputSampleForSample()
    {
        var (mixer, box, simulation, capture) = OneTrack(Sine, latency: 250, firstTimecode: -96_000 + 250);
        simulation.Run(3, (block, _) => capture.Add(mixer, block));
        Assert.Equal(-96_000, capture.StartPosition); // starts at the first musical frame, none skipped
        for (long m = -96_000; m < -96_000 + capture.Left.Count; m++)
        {
            Assert.Equal(Sine(m), capture.LeftAt(m));
            Assert.Equal(0, capture.RightAt(m));
        }
    }

    [Fact]
    public void ALostPacketIsConcealedByRepeatingThePeriodAndCounted()
    {
        var (mixer, box, simulation, capture) = OneTrack(Sine);
        box.Lost.Add(200);
        simulation.Run(3, (block, _) => capture.Add(mixer, block));

        var status = mixer.GetStatus();
        Assert.Equal(1, status.Underruns);
        Assert.Equal(128, status.FramesConcealed);
        Assert.Equal(0, status.FramesSilenced);
        Assert.Equal(128, status.LongestConcealedRun);

        long gapStart = (200 * 128) - box.Latency;
        double maxError = 0, sumSquares = 0;
        for (long m = gapStart; m < gapStart + 128; m++)
        {
            double value = capture.LeftAt(m);
            maxError = Math.Max(maxError, Math.Abs(value - Sine(m)));
            sumSquares += value * value;
        }

        // A 440 Hz tone continues almost unchanged through the gap: the pitch-period repeat fits it.
        Assert.True(maxError < 0.05 * 32768, $"max error in the concealed gap {maxError / 32768:F4} of full scale");
        Assert.True(Math.Sqrt(sumSquares / 128) > 0.6 * Amplitude / Math.Sqrt(2), "the gap is not silent");
        // Around it the audio is the box's own, untouched except the recovery crossfade.
        Assert.Equal(Sine(gapStart - 1), capture.LeftAt(gapStart - 1));
        Assert.Equal(Sine(gapStart + 128 + 200), capture.LeftAt(gapStart + 128 + 200));
    }

    [Fact]
    public void ALongOutageIsConcealedUpToTheStatedBoundThenSilent()
    {
        var (mixer, box, simulation, capture) = OneTrack(Sine);
        for (long p = 300; p < 375; p++)
        {
            box.Lost.Add(p); // 75 packets = 9600 frames = 200 ms
        }

        simulation.Run(4, (block, _) => capture.Add(mixer, block));
        var status = mixer.GetStatus();
        int bound = 48 * 40; // ConcealHold + ConcealFade = 40 ms
        Assert.Equal(1, status.Underruns);
        Assert.Equal(bound, status.FramesConcealed);
        Assert.Equal(9600 - bound, status.FramesSilenced);
        Assert.Equal(9600, status.LongestConcealedRun);

        long gapStart = (300 * 128) - box.Latency;
        double firstHalf = 0;
        for (long m = gapStart; m < gapStart + 960; m++)
        {
            firstHalf = Math.Max(firstHalf, Math.Abs(capture.LeftAt(m)));
        }

        Assert.True(firstHalf > 0.8 * Amplitude, "the first 20 ms are concealed at full level");
        for (long m = gapStart + bound; m < gapStart + 9600; m++)
        {
            Assert.Equal(0, capture.LeftAt(m));
        }

        // After the recovery crossfade the box's audio is back exactly.
        Assert.Equal(Sine(gapStart + 9600 + 100), capture.LeftAt(gapStart + 9600 + 100));
    }

    [Fact]
    public void LatePacketsAreUsedIfTheyArriveBeforePlayoutAndCountedIfNot()
    {
        var (mixer, box, simulation, capture) = OneTrack(Sine);
        Assert.Equal(100, mixer.TargetDelay.TotalMilliseconds, 3); // no link report yet: the default
        box.ExtraDelay[150] = 0.060;  // 60 ms late, still ahead of a 100 ms playout delay
        box.ExtraDelay[151] = 0.085;
        box.ExtraDelay[400] = 0.150;  // after its playout
        simulation.Run(4, (block, _) => capture.Add(mixer, block));

        var status = mixer.GetStatus();
        Assert.Equal(1, status.Underruns);
        Assert.Equal(128, status.FramesConcealed);
        Assert.Equal(128, status.LateFrames);
        for (long m = (150 * 128) - box.Latency; m < (152 * 128) - box.Latency; m++)
        {
            Assert.Equal(Sine(m), capture.LeftAt(m));
        }
    }

    [Fact]
    public void GapsAreOfferedForNackWhileARetransmissionCanStillMakeItAndTheRetransmissionIsPlayed()
    {
        var (mixer, box, simulation, capture) = OneTrack(Sine);
        box.Track.ReportLinkQuality(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20));
        box.Lost.Add(250);
        box.Lost.Add(600);
        long lost250 = box.TimecodeOf(250);
        long lost600 = box.TimecodeOf(600);
        var offered = new List<TimecodeRange>();
        bool nacked250 = false;
        var gaps = new TimecodeRange[8];
        simulation.Run(4, (block, _) =>
        {
            capture.Add(mixer, block);
            int count = box.Track.GetFetchableGaps(gaps);
            offered.AddRange(gaps.Take(count));
            double now = mixer.FramesRendered / 48000.0;
            // The engine maps any offered range to the sequence numbers covering it and NACKs those packets.
            if (!nacked250 && gaps.Take(count).Any(g => g.Start < lost250 + 128 && g.End > lost250))
            {
                nacked250 = true;
                simulation.Injections.Add((now + 0.020, box, 250)); // answered one round trip later
            }

            // Packet 600 is never answered: once its deadline is inside one round trip it must no longer be offered.
            double position = mixer.PlayoutPosition;
            if (!double.IsNaN(position) && lost600 - box.Latency - position < 48 * 20)
            {
                Assert.DoesNotContain(gaps.Take(count), g => g.End > lost600 && g.Start < lost600 + 128);
            }
        });

        Assert.True(nacked250, "the gap of packet 250 was offered");
        Assert.Contains(offered, g => g.Start < lost600 + 128 && g.End > lost600);
        Assert.DoesNotContain(offered, g => g.Start < lost600 && g.End > lost600 + 128); // never more than is missing
        var status = mixer.GetStatus();
        Assert.Equal(1, status.Underruns);          // only packet 600
        Assert.Equal(128, status.FramesConcealed);
        for (long m = lost250 - box.Latency; m < lost250 + 128 - box.Latency; m++)
        {
            Assert.Equal(Sine(m), capture.LeftAt(m)); // the retransmission was played as is
        }
    }

    [Fact]
    public void FaderPanMuteAndSoloGiveTheExpectedSampleValues()
    {
        var mixer = new MonitorMixer(new MonitorOptions { RateSteering = false });
        var a = mixer.AddTrack("a", 0);
        var b = mixer.AddTrack("b", 0);
        static long Dc(long m) => 16384;        // 0.5
        static long Dc2(long m) => -8192;       // -0.25
        var simulation = new MonitorSimulation(
            mixer,
            new SimulatedBox { Track = a, Signal = Dc },
            new SimulatedBox { Track = b, Signal = Dc2, Channels = 1 });
        short[] last = [];
        void Step() => simulation.Run(0.01, (block, _) => last = (short[])block.Clone());

        simulation.Run(0.5);
        Assert.Equal(MonitorState.Playing, mixer.State);

        a.FaderDb = -6;
        a.Pan = -0.5;
        b.Mute = true;
        Step();
        double gain = Math.Pow(10, -6 / 20.0);
        double theta = 0.5 * Math.PI / 4;
        AssertFrame(last, 0.5 * gain * Math.Cos(theta), 0.5 * gain * Math.Sin(theta));

        b.Mute = false;
        b.Pan = 0;
        Step();
        double center = Math.Sqrt(0.5);
        AssertFrame(last, (0.5 * gain * Math.Cos(theta)) - (0.25 * center), (0.5 * gain * Math.Sin(theta)) - (0.25 * center));

        b.Solo = true;
        b.Pan = 1;
        Step();
        AssertFrame(last, 0, -0.25);

        b.Mute = true; // mute wins over solo; a is still not soloed
        Step();
        AssertFrame(last, 0, 0);

        b.Solo = false;
        b.Mute = false;
        a.FaderDb = double.NegativeInfinity;
        Step();
        AssertFrame(last, 0, -0.25);

        Assert.Throws<ArgumentOutOfRangeException>(() => a.Pan = 1.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.FaderDb = 13);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.FaderDb = double.NaN);
    }

    private static void AssertFrame(short[] block, double left, double right)
    {
        for (int j = 0; j < block.Length / 2; j++)
        {
            Assert.InRange(block[2 * j], Math.Round(left * 32768) - 1, Math.Round(left * 32768) + 1);
            Assert.InRange(block[(2 * j) + 1], Math.Round(right * 32768) - 1, Math.Round(right * 32768) + 1);
        }
    }

    [Fact]
    public void MetersShowPeakAndRmsPostFaderAndAMutedTrackStillMeters()
    {
        var (mixer, box, simulation, _) = OneTrack(Sine);
        simulation.Run(1);
        box.Track.FaderDb = -6;
        box.Track.Mute = true;
        box.Track.ReadMeter();
        mixer.ReadMasterMeters();
        simulation.Run(1);
        var meter = box.Track.ReadMeter();
        double gain = Math.Pow(10, -6 / 20.0);
        Assert.Equal(0.5 * gain, meter.Peak, 3);
        Assert.Equal(0.5 * gain / Math.Sqrt(2), meter.Rms, 3);
        Assert.Equal(20 * Math.Log10(0.5 * gain), meter.PeakDbfs, 2);
        var (left, right) = mixer.ReadMasterMeters();
        Assert.Equal(0, left.Peak);
        Assert.Equal(double.NegativeInfinity, right.RmsDbfs);
        Assert.Equal(0, box.Track.ReadMeter().Peak); // reading resets
    }

    /// <summary>
    /// Two loud boxes on the same beat (each ±0.92, centred: 1.29 per side together): by default the master limiter keeps every sample at the ceiling (−1 dBFS) or
    /// below, nothing is clipped, the gain reduction is metered; once the boxes play quietly again
    /// the gain returns to 1 and the output is the input sample for sample.
    /// </summary>
    [Fact]
    public void TheMasterLimiterStopsOverloadAndMetersItsGainReduction()
    {
        var mixer = new MonitorMixer(new MonitorOptions { RateSteering = false });
        static long LoudThenQuiet(long m) => m < 48_000 ? ((m / 24) % 2 == 0 ? 30000 : -30000) : (long)Math.Round(4000 * Math.Sin(2 * Math.PI * 440 * m / 48000.0));
        var a = mixer.AddTrack("a", 0);
        var b = mixer.AddTrack("b", 0);
        var simulation = new MonitorSimulation(mixer, new SimulatedBox { Track = a, Signal = LoudThenQuiet }, new SimulatedBox { Track = b, Signal = LoudThenQuiet });
        var left = new List<short>();
        double meterDuringLoud = -1;
        bool readAfterRelease = false;
        simulation.Run(1.5, (block, _) =>
        {
            if (mixer.State == MonitorState.Playing)
            {
                left.AddRange(Enumerable.Range(0, block.Length / 2).Select(j => block[2 * j]));
                if (left.Count is > 24_000 and < 30_000 && meterDuringLoud < 0)
                {
                    meterDuringLoud = mixer.ReadGainReductionDb();
                }

                if (left.Count > 60_000 && !readAfterRelease)
                {
                    readAfterRelease = true;
                    mixer.ReadGainReductionDb(); // the meter restarts 0.25 s after the loud second ended
                }
            }
        });

        var status = mixer.GetStatus();
        double ceiling = Math.Pow(10, -1 / 20.0) * 32768;
        double expected = 20 * Math.Log10(2 * (30000 / 32768.0) * Math.Sqrt(0.5) / Math.Pow(10, -1 / 20.0)); // 3.25 dB
        Assert.Equal(0, status.ClippedSamples);
        Assert.All(left, s => Assert.InRange(Math.Abs((int)s), 0, ceiling + 1));
        Assert.True(left.Max() > ceiling - 2, "the loud part plays at the ceiling");
        Assert.InRange(status.MaxGainReductionDb, expected - 0.05, expected + 0.05);
        Assert.InRange(meterDuringLoud, expected - 0.05, expected + 0.05);
        Assert.True(status.LimitedFrames > 20_000, "limited while loud: " + status.LimitedFrames);
        Assert.Equal(0, mixer.ReadGainReductionDb()); // the quiet part after the release is not limited

        // The quiet part, well after the release: the mix of two centred sines, untouched.
        int start = left.Count - 4800;
        long firstMusical = (long)mixer.PlayoutPosition - left.Count;
        for (int j = start; j < left.Count; j++)
        {
            long m = firstMusical + j;
            double value = 2 * Math.Round(4000 * Math.Sin(2 * Math.PI * 440 * m / 48000.0)) * Math.Sqrt(0.5);
            Assert.InRange(left[j], Math.Round(value) - 1, Math.Round(value) + 1);
        }
    }

    [Fact]
    public void WithoutTheLimiterOverloadIsClippedAndCounted()
    {
        var mixer = new MonitorMixer(new MonitorOptions { RateSteering = false, MasterLimiter = false });
        static long Loud(long m) => (m / 24) % 2 == 0 ? 30000 : -30000;
        var a = mixer.AddTrack("a", 0);
        var b = mixer.AddTrack("b", 0);
        var simulation = new MonitorSimulation(mixer, new SimulatedBox { Track = a, Signal = Loud }, new SimulatedBox { Track = b, Signal = Loud });
        short[] last = [];
        simulation.Run(0.5, (block, _) => last = (short[])block.Clone());
        Assert.Contains(last, s => s == short.MaxValue);
        Assert.Contains(last, s => s == short.MinValue);
        Assert.True(mixer.GetStatus().ClippedSamples > 0);
        Assert.Equal(0, mixer.GetStatus().LimitedFrames);
        Assert.Equal(0, mixer.ReadGainReductionDb());
    }

    [Fact]
    public void PlayoutDelayIsChosenFromJitterAndRoundTripAndCanBeOverridden()
    {
        var mixer = new MonitorMixer();
        var a = mixer.AddTrack("a", 10);
        var b = mixer.AddTrack("b", 20);
        Assert.Equal(TimeSpan.FromMilliseconds(100), mixer.TargetDelay);

        // A LAN: 2 ms jitter, 5 ms round trip.
        a.ReportLinkQuality(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(5));
        b.ReportLinkQuality(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(3));
        double expected = ((256 + 480) / 48.0) + (4 * 2) + 5 + 5 + 10; // packet + block + 4 x jitter + rtt + grace + margin
        Assert.Equal(expected, mixer.TargetDelay.TotalMilliseconds, 0.1);
        Assert.True(mixer.TargetDelay <= TimeSpan.FromMilliseconds(250));

        // A slow internet link raises it, bounded by MaxPlayoutDelay.
        b.ReportLinkQuality(TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(120));
        Assert.True(mixer.TargetDelay > TimeSpan.FromMilliseconds(250));
        b.ReportLinkQuality(TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(900));
        Assert.Equal(TimeSpan.FromSeconds(1), mixer.TargetDelay);

        mixer.PlayoutDelayOverride = TimeSpan.FromMilliseconds(150);
        Assert.Equal(TimeSpan.FromMilliseconds(150), mixer.TargetDelay);
        Assert.Throws<ArgumentOutOfRangeException>(() => mixer.PlayoutDelayOverride = TimeSpan.FromSeconds(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => mixer.PlayoutDelayOverride = TimeSpan.FromMilliseconds(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.ReportLinkQuality(TimeSpan.FromMilliseconds(-1), TimeSpan.Zero));
        mixer.PlayoutDelayOverride = null;
        Assert.Equal(TimeSpan.FromSeconds(1), mixer.TargetDelay);
    }

    [Fact]
    public void TheEngineersDelayChangeIsReachedBySteeringNotByJumping()
    {
        var mixer = new MonitorMixer(new MonitorOptions { MasterLimiter = false }); // the ramp spans full scale (see MonitorDriftTests)
        var track = mixer.AddTrack("a", 0);
        track.Pan = -1;
        var box = new SimulatedBox { Track = track, Signal = RampPositionChecker.Value, JitterSeconds = 0.002 };
        var simulation = new MonitorSimulation(mixer, box);
        simulation.Run(5);
        mixer.PlayoutDelayOverride = TimeSpan.FromMilliseconds(150);
        var checker = new RampPositionChecker();
        long frame = 0;
        var ratios = new List<double>();
        simulation.Run(60, (block, _) =>
        {
            ratios.Add(mixer.PlayoutRatio);
            for (int j = 0; j < block.Length / 2; j++)
            {
                checker.Next(frame++, RampPositionChecker.Decode(block[2 * j]));
            }
        });

        Assert.Empty(checker.Errors);
        Assert.True(ratios.Min() >= 1 - mixer.Options.MaxRateAdjustment, "slowed down within the steering limit");
        Assert.True(ratios.Min() < 0.999, "slowed down to build the extra 50 ms");
        double depthMs = track.GetStatus().SmoothedDepthFrames / 48.0;
        Assert.InRange(depthMs, 140, 160);
        Assert.Equal(0, mixer.GetStatus().Underruns);
    }

    [Fact]
    public void AStreamThatEndsIsNotLossOnceTheEngineSaysSo()
    {
        var (mixer, box, simulation, _) = OneTrack(Sine);
        simulation.Run(0.8, stopAfterPacket: 300);       // the box stops after packet 300 (0.8 s)...
        box.Track.SetEnd(box.TimecodeOf(301));            // ...and the engine passes its end before the playout reaches it
        simulation.Run(2, stopAfterPacket: 300);
        Assert.Equal(0, mixer.GetStatus().Underruns);

        var (mixer2, box2, simulation2, _) = OneTrack(Sine);
        simulation2.Run(4, stopAfterPacket: 300);
        Assert.Equal(1, mixer2.GetStatus().Underruns); // without the end, a stream that stops is an outage
        Assert.True(mixer2.GetStatus().FramesSilenced > 0);
        _ = box2;
    }

    [Fact]
    public void ABoxThatGoesSilentDoesNotHoldTheOthers()
    {
        var mixer = new MonitorMixer();
        var a = mixer.AddTrack("a", 0);
        var b = mixer.AddTrack("b", 0);
        var boxA = new SimulatedBox { Track = a, Signal = Sine };
        var boxB = new SimulatedBox { Track = b, Signal = Sine };
        var simulation = new MonitorSimulation(mixer, boxA, boxB);
        boxB.Lost.UnionWith(Enumerable.Range(2, 100_000).Select(i => (long)i)); // b sends two packets, then nothing
        simulation.Run(1.5);
        Assert.Equal(MonitorState.Playing, mixer.State);
        var status = a.GetStatus();
        Assert.Equal(0, status.Underruns);
        Assert.True(status.Steering);
        Assert.False(b.GetStatus().Steering);
        Assert.Equal(1, b.GetStatus().Underruns);
    }
    [Theory]
    [InlineData(500, true)]
    [InlineData(0, false)]
    public void ABoxThatBeganItsTakeLateIsWaitedForAndHeard(int graceMilliseconds, bool heard)
    {
        // Three boxes start their take together; the fourth 180 ms later (its Record needed a
        // retry). All four tracks know where the take starts (the engine passes F).
        var mixer = new MonitorMixer(new MonitorOptions { LateTrackGrace = TimeSpan.FromMilliseconds(graceMilliseconds) });
        var boxes = Enumerable.Range(0, 4).Select(i => new SimulatedBox
        {
            Track = mixer.AddTrack("t" + i, 0, firstTimecode: 0),
            Signal = Sine,
            StartSeconds = i == 3 ? 0.18 : 0,
            JitterSeconds = 0.004,
            Random = new Random(i + 1),
        }).ToArray();
        var simulation = new MonitorSimulation(mixer, boxes);
        simulation.Run(3);

        Assert.Equal(MonitorState.Playing, mixer.State);
        var late = boxes[3].Track.GetStatus();
        if (heard)
        {
            Assert.Equal(0, late.LateFrames);
            Assert.True(late.FramesReceived > 2 * 48000, $"the late box's track received {late.FramesReceived} frames");
            Assert.All(boxes, b => Assert.Equal(0, b.Track.GetStatus().Underruns));
        }
        else
        {
            // starting without it puts the playout ahead of its whole stream: every frame is late
            Assert.Equal(0, late.FramesReceived);
            Assert.True(late.LateFrames > 2 * 48000);
        }
    }
}
