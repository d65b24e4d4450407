using Octomix.Board.Simulated;
using Octomix.Box;
using Octomix.Hal;
using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Box.Tests;

/// <summary>
/// Serving through the board's native file server (IServeStorage: the custom image's task on the
/// other core; the simulated board's SimulatedServeFile): TakeFileServer hands the queued requests
/// over, takes ready FileData datagrams of 1,372 bytes and sends them, time-boxed by the playing
/// budget or — while the box rests — the resting serve budget; the loop never reads the card.
/// </summary>
public class NativeServingTests
{
    /// <summary>A native datagram's modelled cost on the ESP32 (CostModel.NativeServeDatagram at the used column, µs).</summary>
    private const long DatagramMicros = 517;

    [Fact]
    public void TheNativeServerSendsTheCardsBytesInFullDatagramsWithoutACardReadInTheLoop()
    {
        using var card = new NativeCard(90);
        var files = card.Server(budget: 1333);
        Assert.True(files.ServesNatively);
        Assert.Equal(TakeFileServer.MaxChunkBytes, files.ChunkBytes);
        card.Card.ReadBytesPerSecond = 300_000; // a managed read would spend simulated time: the task's do not
        var socket = new CapturingSender();
        Assert.True(files.Request(new FileRequestMessage { TakeId = 90, Part = 0, Offset = 1000, RequestLength = 40000 }));
        Assert.True(files.Request(new FileRequestMessage { TakeId = 90, Part = 0, Offset = 100_000, RequestLength = 3000 }));
        long before = card.Time.NowMicroseconds;
        int turns = 0;
        while (files.HasRequests && turns < 100)
        {
            files.Turn(socket);
            turns++;
            Assert.InRange(files.ServeChunksLastTurn, 0, TakeFileServer.NativeMaxChunksPerTurn);
        }

        Assert.False(files.HasRequests);
        Assert.Equal(before, card.Time.NowMicroseconds);
        Assert.Equal(43000, files.BytesServed);
        card.AssertServed(socket.Sent.Take(30).ToList(), 90, 1000, 40000); // ceil(40000 / 1372) = 30 datagrams, the last one short
        card.AssertServed(socket.Sent.Skip(30).ToList(), 90, 100_000, 3000);
    }

    /// <summary>
    /// With each datagram costing what the model says it costs on the ESP32, a playing turn
    /// (jamming, playing back: the 1,333 µs budget) sends two, a resting turn (2,666 µs) five.
    /// </summary>
    [Fact]
    public void ARestingBoxServesMoreDatagramsPerTurnThanAPlayingOne()
    {
        using var card = new NativeCard(91);
        var files = card.Server(budget: 1333);
        files.RestingServeBudgetMicros = 2666;
        card.Card.ServeFillMicroseconds = DatagramMicros;
        var socket = new CapturingSender();
        Assert.True(files.Request(new FileRequestMessage { TakeId = 91, Part = 0, Offset = 0, RequestLength = 65536 }));

        files.Resting = false;
        for (int i = 0; i < 5; i++)
        {
            long before = card.Time.NowMicroseconds;
            files.Turn(socket);
            Assert.Equal(2, files.ServeChunksLastTurn);
            Assert.InRange(card.Time.NowMicroseconds - before, 1, 1333);
        }

        files.Resting = true;
        for (int i = 0; i < 5; i++)
        {
            long before = card.Time.NowMicroseconds;
            files.Turn(socket);
            Assert.Equal(5, files.ServeChunksLastTurn);
            Assert.InRange(card.Time.NowMicroseconds - before, 1, 2666);
        }

        // 35 datagrams, full but where a read of the task ends (a 16 KB multiple of the file)
        Assert.Equal(35, socket.Sent.Count);
        Assert.InRange(files.BytesServed, 35 * (TakeFileServer.MaxChunkBytes - 400), 35 * TakeFileServer.MaxChunkBytes);
        card.AssertServed(socket.Sent, 91, 0, (int)files.BytesServed);
    }

    [Fact]
    public void TheRestingServeBudgetMustBePositive()
    {
        using var card = new NativeCard(92);
        var files = card.Server(budget: 1333);
        Assert.Throws<ArgumentOutOfRangeException>(() => files.RestingServeBudgetMicros = 0);
        Assert.Equal(1333, files.RestingServeBudgetMicros);
        Assert.Equal(2666, TakeFileServer.AutoRestingServeBudgetMicros(256, 48000));
    }

    /// <summary>A card error in the task ends the file: the part is marked damaged and its requests are dropped, counted.</summary>
    [Fact]
    public void ACardErrorInTheTaskDropsThePartsRequests()
    {
        using var card = new NativeCard(93);
        var files = card.Server(budget: 1333);
        var socket = new CapturingSender();
        card.Card.FailServeReadAfter = 2; // the second 16 KB read fails
        Assert.True(files.Request(new FileRequestMessage { TakeId = 93, Part = 0, Offset = 0, RequestLength = 60000 }));
        Assert.True(files.Request(new FileRequestMessage { TakeId = 93, Part = 0, Offset = 200_000, RequestLength = 1000 }));
        for (int i = 0; i < 50 && files.HasRequests; i++)
        {
            files.Turn(socket);
        }

        Assert.False(files.HasRequests);
        long first = files.BytesServed; // the first read (up to the file's first 16 KB multiple), then the error
        Assert.InRange(first, 1, SimulatedServeFile.PieceBytes);
        Assert.True(files.BadRequests >= 2, "both requests dropped: " + files.BadRequests);
        long bad = files.BadRequests;
        files.Request(new FileRequestMessage { TakeId = 93, Part = 0, Offset = 0, RequestLength = 100 });
        files.Turn(socket);
        Assert.True(files.BadRequests > bad, "a damaged part is not served again");
        Assert.Equal(first, files.BytesServed);
        card.AssertServed(socket.Sent, 93, 0, (int)first);
    }

    /// <summary>The steady state of native serving allocates nothing (the datagram, the queue and the slot are preallocated).</summary>
    [Fact]
    public void NativeServingAllocatesNothingPerTurn()
    {
        using var card = new NativeCard(94);
        var files = card.Server(budget: 1333);
        var socket = new NullSender();
        Assert.True(files.Request(new FileRequestMessage { TakeId = 94, Part = 0, Offset = 0, RequestLength = 300_000 }));
        files.Turn(socket); // opens the part (a handle, once per part)
        long before = AllocationWindow.Start();
        for (int i = 0; i < 20; i++)
        {
            files.Turn(socket);
        }

        Assert.Equal(0, AllocationWindow.BytesSince(before));
        Assert.InRange(files.BytesServed, 21 * TakeFileServer.NativeMaxChunksPerTurn * (TakeFileServer.MaxChunkBytes - 400), 21 * TakeFileServer.NativeMaxChunksPerTurn * TakeFileServer.MaxChunkBytes);
    }

    private sealed class NativeCard : IDisposable
    {
        private readonly string folder = Path.Combine(Path.GetTempPath(), "octomix-native-serve-" + Guid.NewGuid().ToString("N"));
        private readonly uint take;
        private readonly string path;

        public NativeCard(uint takeId)
        {
            take = takeId;
            Time = new SimulatedTime(false);
            Card = new SimulatedCard(folder, Time) { NativeWriter = true };
            Assert.True(Card.Mount());
            path = ChecksumBudgetTests.WriteTake(Card, take, blocks: 300);
        }

        public SimulatedTime Time { get; }

        public SimulatedCard Card { get; }

        public TakeFileServer Server(int budget)
        {
            var files = new TakeFileServer(Card, new SimulatedClock(Time, DateTime.UnixEpoch), budget, 65536, 8, TakeFileServer.DefaultChunkBytes);
            files.SetIdentity(0xC0FFEE01, 3);
            files.TakeClosed(take, path, 1, 0, 805);
            while (files.ChecksumPending)
            {
                files.ChecksumStep();
            }

            return files;
        }

        /// <summary>The datagrams are FileData of at most 1,372 bytes, in order, covering the range with the card's bytes.</summary>
        public void AssertServed(IReadOnlyList<byte[]> sent, uint takeId, int offset, int length)
        {
            byte[] data = WavFile.Read(Path.Combine(folder, path)).Data;
            var message = new FileDataMessage();
            long at = offset;
            foreach (byte[] d in sent)
            {
                Assert.Equal(DecodeResult.Ok, message.Read(d, 0, d.Length));
                Assert.Equal(takeId, message.TakeId);
                Assert.Equal(at, message.Offset);
                Assert.InRange(message.DataLength, 1, TakeFileServer.MaxChunkBytes);
                Assert.Equal(data.AsSpan((int)at, message.DataLength).ToArray(), d.AsSpan(FileDataMessage.HeaderLength, message.DataLength).ToArray());
                at += message.DataLength;
            }

            Assert.Equal(offset + length, at);
        }

        public void Dispose() => Directory.Delete(folder, true);
    }


    private sealed class NullSender : IDatagramSender
    {
        public bool Send(byte[] buffer, int offset, int count) => true;
    }
}
