using Octomix.Box;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

public class CalibrationTests
{
    [Theory]
    [InlineData(20, 17, 256, 3, 16)]
    [InlineData(0, 0, 256, 2, 16)]
    [InlineData(1, 1, 128, 8, 24)]
    [InlineData(250, 333, 512, 4, 24)]
    [InlineData(20, 17, 64, 16, 16)]
    public void TheMeasuredRoundTripIsThePlaybackDepthPlusTheAnalogPathToTheFrame(int outDelay, int inDelay, int block, int prefill, int bits)
    {
        using var h = new BoxHarness(o =>
        {
            o.OutputDelayFrames = outDelay;
            o.InputDelayFrames = inDelay;
            o.ClockPpm = -95;
        }, extraSettings: $"block_frames = {block}\nprefill_blocks = {prefill}\nbits = {bits}");
        h.JoinAndCalibrate();
        Assert.Equal(outDelay + inDelay + (prefill * block), h.Controller.LatencyFrames);
        Assert.Equal(2, h.Controller.Calibrator.MeasurementCount); // two measurements agreed
        Assert.False(h.Board.Codec.CalibrationRouting); // and the routing is back to recording
    }

    [Fact]
    public void AStallThatDeepensThePipelineFarBeyondThePrefillIsMeasuredAgainToTheFrame()
    {
        // The demo's and the browser tests' boxes: a 16-block pipeline on deep simulated queues.
        using var h = new BoxHarness(o =>
        {
            o.PlaybackBufferBlocks = 24;
            o.CaptureBufferBlocks = 64;
        }, extraSettings: "prefill_blocks = 16\ncapture_buffer_blocks = 64");
        h.JoinAndCalibrate();
        int before = h.Controller.LatencyFrames;
        long silentBefore = h.Board.Audio!.SilentFrames;

        // The loop is held 250 ms while the box is ready (a loaded PC's scheduler, a GC pause; on
        // a box, a long card or Wi-Fi stall): the click DAC runs dry for 250 ms less what the
        // pipeline held, and every later output frame plays that much later, for good.
        h.Board.Time.Spend(250_000);
        Assert.True(h.RunUntil(c => c.LastEvent == BoxEvent.PipelineStall, 100), h.Log());
        Assert.True(h.RunUntil(c => c.LastEvent != BoxEvent.PipelineStall && c.State != BoxState.Calibrating, 20000), h.Log());
        Assert.True(h.Controller.LastEvent == BoxEvent.CalibrationDone, h.Log());
        long added = h.Board.Audio.SilentFrames - silentBefore;
        Assert.True(added > 48 * 100, added + " frames of silence");
        Assert.Equal(before + added, h.Controller.LatencyFrames);
    }

    [Fact]
    public void AStallDuringCalibrationDropsTheMeasurementsOfTheOldPipelineAndTheNewOneIsMeasured()
    {
        using var h = new BoxHarness(o =>
        {
            o.PlaybackBufferBlocks = 24;
            o.CaptureBufferBlocks = 64;
        }, extraSettings: "prefill_blocks = 16\ncapture_buffer_blocks = 64", autoJoin: false);
        Assert.True(h.RunUntil(c => c.State == BoxState.Idle, 5000), h.Log());
        h.Controller.PressJoin();
        Assert.True(h.RunUntil(c => c.State == BoxState.Calibrating && c.Calibrator.MeasurementCount == 1, 5000), h.Log());
        long silentBefore = h.Board.Audio!.SilentFrames;
        int first = h.Controller.Calibrator.LastMeasurement;

        h.Board.Time.Spend(150_000); // between the first and the second measurement
        Assert.True(h.RunUntil(c => c.State != BoxState.Calibrating, 5000), h.Log());
        Assert.Equal(BoxEvent.CalibrationDone, h.Controller.LastEvent);
        long added = h.Board.Audio.SilentFrames - silentBefore;
        Assert.True(added > 0);
        Assert.Equal(first + added, h.Controller.LatencyFrames);
        Assert.Equal(1, h.Controller.Calibrator.DisturbedCount);
        Assert.Equal(4, h.Controller.Calibrator.MeasurementCount); // the first, the one the stall hit, two that agree

        // the stall was answered inside the calibration: no second one follows
        h.Run(2000);
        Assert.DoesNotContain(h.Transitions, t => t.Cause == BoxEvent.PipelineStall);
        Assert.Contains("during calibration: the measurement is dropped", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoPulseHeardFailsCalibrationAndTheBoxRefusesToRecord()
    {
        using var h = new BoxHarness(o => o.CalibrationPathWorks = false);
        h.JoinAndCalibrate();
        Assert.Equal(-1, h.Controller.LatencyFrames);
        Assert.Equal(BoxEvent.CalibrationFailed, h.Controller.LastEvent);
        h.Run(100);
        var notice = h.Server.Notices().Single(n => n.Code == NoticeCode.CalibrationFailed);
        Assert.Equal(Calibrator.ReasonNoPulse, notice.Detail);
        var status = h.Server.Statuses().Last();
        Assert.Equal(-1, status.LatencySamples);
        Assert.Equal(0, status.StatusFlags & StatusFlags.Calibrated);
        uint id = h.Record(1);
        h.Run(5);
        Assert.Equal(AckResult.NotReady, h.Server.AckFor(id)!.Result);
        Assert.Equal(NotReadyReason.NotCalibrated, h.Server.AckFor(id)!.Reason);
        Assert.Contains("no pulse heard", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void ACodecThatCannotSwitchTheRoutingFailsCalibration()
    {
        using var h = new BoxHarness();
        h.Board.Codec.FailFromWrite = 1000; // initialisation is fine; the calibration routing writes fail
        h.JoinAndCalibrate();
        Assert.True(h.Board.Codec.Writes < 1000, "init used " + h.Board.Codec.Writes + " writes");
        h.Board.Codec.FailFromWrite = h.Board.Codec.Writes;
        h.Controller.RequestCalibration();
        Assert.True(h.RunUntil(c => c.LastEvent == BoxEvent.CalibrationFailed, 50), h.Log());
        h.Run(20);
        Assert.Contains(h.Server.Notices(), n => n.Code == NoticeCode.CalibrationFailed && n.Detail == Calibrator.ReasonCodec);
        Assert.Equal(-1, h.Controller.LatencyFrames);
    }

    [Fact]
    public void MeasurementsThatDoNotAgreeFailAsUnstable()
    {
        // A loopback whose delay changes every time (a pipeline that underruns): never two equal results.
        var format = new PcmFormat(48000, 2, 2);
        var c = new Calibrator(format, 256, 2000);
        var loop = new Loopback(format, 256);
        c.Begin(0);
        long position = 0;
        bool done = false;
        int delay = 500;
        for (int i = 0; i < 2000 && !done; i++)
        {
            var output = new byte[256 * 4];
            c.FillOutput(output, 0, position);
            if (loop.Contains(output))
            {
                delay += 7; // each pulse comes back a little later
            }

            loop.Write(output, position, delay);
            done = c.OnCapture(loop.Read(position), 0, position);
            position += 256;
        }

        Assert.True(done);
        Assert.False(c.Succeeded);
        Assert.Equal(Calibrator.ReasonUnstable, c.FailureReason);
        Assert.Equal(Calibrator.MaxMeasurements, c.MeasurementCount);
    }

    [Fact]
    public void APulseBuriedInNoiseIsNotHeard()
    {
        var format = new PcmFormat(48000, 2, 2);
        var c = new Calibrator(format, 256, 2000);
        var loop = new Loopback(format, 256) { Noise = 6000 };
        c.Begin(0);
        long position = 0;
        bool done = false;
        for (int i = 0; i < 2000 && !done; i++)
        {
            var output = new byte[256 * 4];
            c.FillOutput(output, 0, position);
            loop.Write(output, position, 300);
            done = c.OnCapture(loop.Read(position), 0, position);
            position += 256;
        }

        Assert.True(done);
        Assert.Equal(Calibrator.ReasonNoPulse, c.FailureReason);
    }

    /// <summary>A test loopback: what is written at position p comes back at p + delay, plus optional noise.</summary>
    internal sealed class Loopback
    {
        private readonly Dictionary<long, byte[]> frames = new();
        private readonly int frameBytes;
        private readonly int block;
        private readonly Random random = new(5);

        public Loopback(PcmFormat format, int block)
        {
            frameBytes = format.FrameBytes;
            this.block = block;
        }

        public int Noise { get; init; }

        public bool Contains(byte[] output) => output.Any(b => b != 0);

        public void Write(byte[] output, long position, int delay)
        {
            for (int f = 0; f < block; f++)
            {
                frames[position + f + delay] = output.AsSpan(f * frameBytes, frameBytes).ToArray();
            }
        }

        public byte[] Read(long position)
        {
            var result = new byte[block * frameBytes];
            for (int f = 0; f < block; f++)
            {
                if (frames.TryGetValue(position + f, out var frame))
                {
                    frame.CopyTo(result, f * frameBytes);
                }

                if (Noise > 0)
                {
                    short v = (short)(BitConverter.ToInt16(result, f * frameBytes) + random.Next(-Noise, Noise));
                    BitConverter.GetBytes(v).CopyTo(result, f * frameBytes);
                }
            }

            return result;
        }
    }
}
