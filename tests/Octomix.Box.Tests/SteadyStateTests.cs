using Octomix.Box;
using Octomix.Protocol;
using Xunit.Abstractions;
using Octomix.Tests.Shared;

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
        long before = AllocationWindow.Start();
        for (int i = 0; i < blocks; i++)
        {
            h.Box.RunOnce();
        }

        long allocated = AllocationWindow.BytesSince(before);
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

    /// <summary>
    /// After a take, the checksum: its turns read the board clock once, then once per chunk, beside
    /// one card read per chunk — counted like every board call. With a card that reads like the
    /// ESP32's (300 KB/s of simulated time) the time budget (1333 µs) stops a turn after 6 chunks
    /// of 64 bytes: 13 calls on top of the collecting loop's capture, clock, playback, poll, button
    /// (and Status, its Ack, knob, lights), within the bound of a recording block.
    /// </summary>
    [Fact]
    public void CollectingAllocatesNothingAndTheChecksumMakesABoundedNumberOfBoardCallsPerBlock()
    {
        using var h = new BoxHarness(o => o.CardReadBytesPerSecond = 300_000);
        h.Server.SlotTimeoutMilliseconds = 60000;
        h.JoinAndCalibrate();
        h.Record(12, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 2000), h.Log());
        h.RunUntil(c => c.Recorder.FramesSoFar > 6 * 48000, 100000); // 1.15 MB: ~3000 turns of checksum
        h.Stop(12);
        Assert.True(h.RunUntil(c => c.State == BoxState.Collecting, 100), h.Log());
        h.Run(20); // the part is opened (a file handle: allocated once per part)
        Assert.Equal(BoxState.Collecting, h.Controller.State);

        h.Server.StartBackground();
        var loop = h.Controller.Loop!;
        var files = h.Controller.Files;
        loop.ResetFigures();
        long turnsBefore = files.ChecksumTurns;
        const int blocks = 2000;
        long before = AllocationWindow.Start();
        for (int i = 0; i < blocks; i++)
        {
            h.Box.RunOnce();
        }

        long allocated = AllocationWindow.BytesSince(before);
        h.Server.StopBackground();
        Assert.Equal(BoxState.Collecting, h.Controller.State);
        output.WriteLine($"{blocks} blocks collecting: {allocated} bytes allocated; board calls per block: average {loop.AverageHalCallsPerBlock:F2}, " +
            $"max {loop.MaxHalCallsPerBlock} (bound {HalCallBound}); checksum: {files.ChecksumMaxBytesPerTurn} bytes and {files.ChecksumMaxMicrosPerTurn} µs " +
            $"per turn at most (budget {files.ChecksumBudgetMicros} µs)");
        Assert.Equal(0, allocated);
        Assert.Equal(blocks, files.ChecksumTurns - turnsBefore);
        Assert.InRange(loop.MaxHalCallsPerBlock, 8, HalCallBound);
    }

    /// <summary>
    /// After a take, serving FileRequests: a turn reads the board clock once, then once per chunk,
    /// beside one card read and one send per chunk — counted like every board call. On a card that
    /// reads like the ESP32's (300 KB/s of simulated time) one 512-byte chunk (1,707 µs) already
    /// passes the budget, so a turn sends exactly one: 4 calls on top of the idle loop's.
    /// </summary>
    [Fact]
    public void ServingFileRequestsAllocatesNothingAndMakesABoundedNumberOfBoardCallsPerBlock()
    {
        using var h = new BoxHarness(o => o.CardReadBytesPerSecond = 300_000);
        h.Server.SlotTimeoutMilliseconds = 60000;
        h.JoinAndCalibrate();
        h.Record(13, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 2000), h.Log());
        h.RunUntil(c => c.Recorder.FramesSoFar > 3 * 48000, 100000);
        h.Stop(13);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 20000), h.Log());

        // Eight requests of 64 KB (the box's queue): 512 KB, ~1000 turns of one chunk.
        for (int i = 0; i < TakeFileServer.MaxQueuedRequests; i++)
        {
            h.Server.SendAsEngineer(new FileRequestMessage { TakeId = 13, Part = 0, Offset = (uint)(i * 65536), RequestLength = 65536 });
        }

        h.Run(5); // the requests are in and the part is open (a file handle: allocated once per part)
        var files = h.Controller.Files;
        Assert.True(files.HasRequests);
        h.Server.StartBackground();
        var loop = h.Controller.Loop!;
        loop.ResetFigures();
        long turnsBefore = files.ServeTurns;
        long chunksBefore = files.ChunksSent;
        const int blocks = 900;
        long before = AllocationWindow.Start();
        for (int i = 0; i < blocks; i++)
        {
            h.Box.RunOnce();
        }

        long allocated = AllocationWindow.BytesSince(before);
        h.Server.StopBackground();
        output.WriteLine($"{blocks} blocks serving FileRequests: {allocated} bytes allocated; board calls per block: average {loop.AverageHalCallsPerBlock:F2}, " +
            $"max {loop.MaxHalCallsPerBlock} (bound {HalCallBound}); serving: {files.ServeMaxChunksPerTurn} chunk of {files.ChunkBytes} bytes and {files.ServeMaxMicrosPerTurn} µs " +
            $"per turn at most (budget {files.ChecksumBudgetMicros} µs)");
        Assert.Equal(0, allocated);
        Assert.Equal(blocks, files.ServeTurns - turnsBefore);
        Assert.Equal(blocks, files.ChunksSent - chunksBefore);
        Assert.True(files.HasRequests, "still serving at the end");
        Assert.Equal(0, files.BadRequests);
        Assert.InRange(loop.MaxHalCallsPerBlock, 8, HalCallBound);
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
        long before = AllocationWindow.Start();
        for (int i = 0; i < 2000; i++)
        {
            h.Box.RunOnce();
            Thread.SpinWait(2000); // leave the server thread time to answer in step
        }

        long allocated = AllocationWindow.BytesSince(before);
        h.Server.StopBackground();
        output.WriteLine($"2000 blocks jamming: {allocated} bytes allocated; board calls per block average {loop.AverageHalCallsPerBlock:F2}, max {loop.MaxHalCallsPerBlock}; " +
            $"personal mix: {h.Controller.Playout.Underruns} underruns, {h.Controller.Playout.Late} late");
        Assert.Equal(0, allocated);
        Assert.InRange(loop.MaxHalCallsPerBlock, 5, HalCallBound);
        Assert.True(h.Controller.Streamer.PacketsSent > 2000);
    }
}
