using Octomix.Box;
using Octomix.Protocol;
using Xunit.Abstractions;

namespace Octomix.Box.Tests;

/// <summary>
/// The loop's two budget promises, measured on the host: no allocation per block (a GC pause
/// on the box is a dropout) and a bounded number of calls into the board per block (each is a
/// native call of several µs on the interpreter).
/// </summary>
public class SteadyStateTests
{
    /// <summary>
    /// The most board calls one block may make while recording and streaming: capture read, clock,
    /// card write, one packet, playback write (5), the header rewrite of the BWF writer once a
    /// second (position, 2 writes, flush, position: 5), up to 4 datagrams in and 4 answers out
    /// (8), button, knob, lights (3), a Status (1), 4 retransmissions and 2 reliable re-sends (6).
    /// </summary>
    public const int HalCallBound = 28;

    private readonly ITestOutputHelper output;

    public SteadyStateTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void RecordingAndStreamingAllocatesNothingAndMakesABoundedNumberOfBoardCallsPerBlock()
    {
        using var h = new BoxHarness();
        h.Server.SlotTimeoutMilliseconds = 60000; // fast time runs ~30x real time: a busy CI machine must not look like a dead server
        h.JoinAndCalibrate();
        h.Record(11, 12000, countInBars: 1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 2000), h.Log());
        h.Run(400); // past the first header rewrite, a few status heartbeats and their acks

        // The engineer NACKs a few packets now and then, from the server's thread.
        var nack = new NackMessage();
        int seen = 0;
        h.Server.OnDatagram = (type, datagram) =>
        {
            if (type == MessageType.Audio && ++seen % 50 == 0)
            {
                nack.Clear();
                nack.AddRange(AudioPacket.ReadSequence(datagram, 0) - 10, 3);
                h.Server.SendAsEngineer(nack);
            }
        };
        h.Server.StartBackground();
        var loop = h.Controller.Loop!;
        loop.ResetFigures();
        long retransmittedBefore = h.Controller.Streamer.Retransmitted;
        const int blocks = 3000; // 16 s of audio
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < blocks; i++)
        {
            h.Box.RunOnce();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        h.Server.StopBackground();
        Assert.Equal(BoxState.Recording, h.Controller.State);

        output.WriteLine($"{blocks} blocks while recording and streaming: {allocated} bytes allocated; board calls per block: " +
            $"average {loop.AverageHalCallsPerBlock:F2}, max {loop.MaxHalCallsPerBlock} (bound {HalCallBound}); " +
            $"{h.Controller.Streamer.Retransmitted - retransmittedBefore} packets retransmitted on NACK");
        Assert.True(h.Controller.Streamer.Retransmitted > retransmittedBefore, "the NACK path was exercised");
        Assert.Equal(0, allocated);
        Assert.Equal(blocks, loop.Blocks);
        Assert.InRange(loop.MaxHalCallsPerBlock, 5, HalCallBound);
    }

    [Fact]
    public void JammingWithAPersonalMixComingInAllocatesNothing()
    {
        using var h = new BoxHarness(extraSettings: "jam = on");
        h.Server.SlotTimeoutMilliseconds = 60000;
        h.JoinAndCalibrate();
        Assert.Equal(BoxState.Jamming, h.Controller.State);

        // The server's personal mix: a packet per box packet, from the server's thread.
        var payload = new byte[256 * 4];
        payload.AsSpan().Fill(0x11);
        long timecode = 0;
        var mix = new AudioPacket { FrameCount = 256, Channels = 2, Format = (byte)SampleFormat.S16, Flags = AudioFlags.Mix, SourceSlot = Slot.Server, DestinationSlot = 3 };
        var datagram = new byte[ProtocolConstants.MaxDatagram];
        h.Server.OnDatagram = (type, _) =>
        {
            if (type == MessageType.Audio)
            {
                mix.Timecode = timecode;
                mix.Sequence++;
                timecode += 256;
                int n = mix.Write(datagram, 0, payload, 0);
                h.Server.SendRaw(datagram, n);
            }
        };
        h.Server.StartBackground();
        h.Run(300);
        var loop = h.Controller.Loop!;
        loop.ResetFigures();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            h.Box.RunOnce();
            Thread.SpinWait(2000); // leave the server thread time to answer in step
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        h.Server.StopBackground();
        output.WriteLine($"2000 blocks jamming: {allocated} bytes allocated; board calls per block average {loop.AverageHalCallsPerBlock:F2}, max {loop.MaxHalCallsPerBlock}; " +
            $"personal mix: {h.Controller.Playout.Underruns} underruns, {h.Controller.Playout.Late} late");
        Assert.Equal(0, allocated);
        Assert.InRange(loop.MaxHalCallsPerBlock, 5, HalCallBound);
        Assert.True(h.Controller.Streamer.PacketsSent > 2000);
    }
}
