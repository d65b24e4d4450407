using Octomix.Board.Simulated;
using Octomix.Box;
using Octomix.Hal;
using Octomix.Protocol;
using Xunit.Abstractions;

namespace Octomix.Box.Tests;

/// <summary>
/// Serving FileRequests is time-boxed like the checksum: a turn sends FileData chunks of
/// <c>file_chunk_bytes</c> while one more of the turn's average chunk fits in the turn's budget
/// (<c>checksum_budget_us</c>, shared with the checksum), at least one, at most
/// <c>file_chunks_per_block</c>. A card that reads like the ESP32's (300 KB/s of simulated time)
/// must not make the loop fall behind the audio while the console fetches a whole file.
/// </summary>
public class ServeBudgetTests
{
    /// <summary>An ESP32 reading a card from managed code: ~300–500 KB/s (docs/device-budget.md); the slow end.</summary>
    private const long DeviceCardReadBytesPerSecond = 300_000;

    private readonly ITestOutputHelper output;

    public ServeBudgetTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    /// <summary>
    /// A card reading 2 MB/s of simulated time: a 512-byte chunk takes 256 µs, so five fit in the
    /// 1,333 µs budget (1,280 µs) and a sixth would not; the cap (8) is not reached.
    /// </summary>
    [Fact]
    public void EachServeTurnStopsWithinItsBudgetAndEveryByteIsTheCards()
    {
        using var card = new CardWithATake(80);
        var files = card.Server(budget: 1333, chunksPerTurn: 8, chunkBytes: 512);
        card.Card.ReadBytesPerSecond = 2_000_000;
        var socket = new CapturingSender();
        Assert.True(files.Request(new FileRequestMessage { TakeId = 80, Part = 0, Offset = 4096, RequestLength = 32768 }));
        int turns = 0;
        while (files.HasRequests)
        {
            long before = card.Time.NowMicroseconds;
            int sent = files.Serve(socket);
            long spent = card.Time.NowMicroseconds - before;
            turns++;
            Assert.True(spent <= 1333, $"turn {turns}: {spent} µs for {sent} chunks");
            Assert.Equal(spent, files.MicrosLastTurn);
        }

        Assert.Equal(5, files.ServeMaxChunksPerTurn);
        Assert.Equal(5 * 256, files.ServeMaxMicrosPerTurn);
        Assert.Equal((64 + 4) / 5, turns); // 64 chunks of 512 bytes, 5 per turn
        card.AssertServed(socket, 80, 4096, 32768, 512);
    }

    /// <summary>At 300 KB/s one 512-byte chunk (1,707 µs) is more than the budget: still one per turn, never none.</summary>
    [Fact]
    public void ASlowCardStillSendsOneChunkPerTurn()
    {
        using var card = new CardWithATake(81);
        var files = card.Server(budget: 1333, chunksPerTurn: 8, chunkBytes: 512);
        card.Card.ReadBytesPerSecond = DeviceCardReadBytesPerSecond;
        var socket = new CapturingSender();
        Assert.True(files.Request(new FileRequestMessage { TakeId = 81, Part = 0, Offset = 0, RequestLength = 10240 }));
        int turns = 0;
        while (files.HasRequests)
        {
            Assert.Equal(1, files.Serve(socket));
            turns++;
        }

        Assert.Equal(20, turns);
        Assert.Equal(1, files.ServeMaxChunksPerTurn);
        Assert.Equal(512 * 1_000_000L / DeviceCardReadBytesPerSecond, files.ServeMaxMicrosPerTurn);
        card.AssertServed(socket, 81, 0, 10240, 512);
    }

    /// <summary>Reads that take no time (the clock stands still): <c>file_chunks_per_block</c> stops the turn.</summary>
    [Fact]
    public void AClockThatDoesNotMoveStopsAtTheChunkCap()
    {
        using var card = new CardWithATake(82);
        var files = card.Server(budget: 1333, chunksPerTurn: 3, chunkBytes: 1000);
        var socket = new CapturingSender();
        Assert.True(files.Request(new FileRequestMessage { TakeId = 82, Part = 0, Offset = 10, RequestLength = 9500 }));
        Assert.Equal(3, files.Serve(socket));
        Assert.Equal(3, files.Serve(socket));
        Assert.Equal(3, files.Serve(socket));
        Assert.Equal(1, files.Serve(socket)); // 500 bytes left
        Assert.False(files.HasRequests);
        Assert.Equal(0, files.Serve(socket));
        card.AssertServed(socket, 82, 10, 9500, 1000);
    }

    /// <summary>
    /// One budget per turn for both jobs: serving goes first (5 chunks, 1,280 µs), the checksum
    /// gets what is left — its one guaranteed 64-byte chunk (32 µs) — and the whole budget again
    /// (41 chunks, 1,312 µs) once the requests are served.
    /// </summary>
    [Fact]
    public void TheChecksumAndServingShareOneBudgetPerTurn()
    {
        using var card = new CardWithATake(83);
        var files = card.Server(budget: 1333, chunksPerTurn: 8, chunkBytes: 512);
        string second = ChecksumBudgetTests.WriteTake(card.Card, 84, blocks: 100);
        files.TakeClosed(84, second, 1, 0, 805);
        Assert.True(files.ChecksumPending);
        card.Card.ReadBytesPerSecond = 2_000_000; // 512 bytes = 256 µs, 64 bytes = 32 µs
        var socket = new CapturingSender();
        Assert.True(files.Request(new FileRequestMessage { TakeId = 83, Part = 0, Offset = 0, RequestLength = 25600 }));
        int turns = 0;
        while (files.HasRequests)
        {
            long before = card.Time.NowMicroseconds;
            files.Turn(socket);
            long spent = card.Time.NowMicroseconds - before;
            turns++;
            Assert.Equal(5, files.ServeChunksLastTurn);
            Assert.Equal(64, files.ChecksumBytesLastTurn);
            Assert.Equal(5 * 256 + 32, spent);
            Assert.Equal(spent, files.MicrosLastTurn);
        }

        Assert.Equal(10, turns); // 50 chunks
        files.Turn(socket);
        Assert.Equal(41 * 64, files.ChecksumBytesLastTurn);
        Assert.Equal(41 * 32, files.MicrosLastTurn);
        Assert.InRange(files.MaxMicrosPerTurn, 1, 1333);
        card.AssertServed(socket, 83, 0, 25600, 512);
    }

    /// <summary>
    /// A request for what the queue will send anyway (the console gave up waiting and asks for the
    /// rest again) is cut to what is new; nothing new: accepted and counted, not served twice. What
    /// was already sent is sent again when asked (it may have been lost on the way).
    /// </summary>
    [Fact]
    public void WhatIsStillQueuedIsNotServedTwice()
    {
        using var card = new CardWithATake(86);
        var files = card.Server(budget: 1333, chunksPerTurn: 2, chunkBytes: 512);
        var socket = new CapturingSender();
        Assert.True(files.Request(Ask(86, 0, 8192)));
        Assert.Equal(2, files.Serve(socket));                 // [0, 1024) sent, [1024, 8192) queued
        Assert.True(files.Request(Ask(86, 1024, 8192)));      // the rest again and 1024 more: [8192, 9216) queued
        Assert.True(files.Request(Ask(86, 0, 512)));          // sent already (lost?): served again
        Assert.True(files.Request(Ask(86, 2048, 2048)));      // inside the first: nothing new
        Assert.True(files.Request(Ask(86, 8500, 500)));       // inside the cut second: nothing new
        Assert.Equal(2, files.DuplicateRequests);
        Assert.True(files.Request(Ask(86, 20000, 3000)));
        Assert.True(files.Request(Ask(86, 19000, 5000)));     // the queued one lies inside: kept whole (no split)
        while (files.HasRequests)
        {
            files.Serve(socket);
        }

        var message = new FileDataMessage();
        var served = socket.Sent.Select(d =>
        {
            Assert.Equal(DecodeResult.Ok, message.Read(d, 0, d.Length));
            return (Offset: (long)message.Offset, Length: message.DataLength);
        }).ToList();
        Assert.Equal(9216 + 512 + 3000 + 5000, served.Sum(c => c.Length));
        Assert.Equal(9216 + 512 + 3000 + 5000, files.BytesServed);
        Assert.Equal(2, served.Count(c => c.Offset == 0));
        Assert.Single(served, c => c.Offset == 2048);
        Assert.Single(served, c => c.Offset == 8192);
        Assert.Equal(0, files.BadRequests);
        Assert.Equal(2, files.DuplicateRequests);
    }

    [Fact]
    public void WithNoWorkATurnDoesNotReadTheClock()
    {
        using var card = new CardWithATake(85);
        var time = new SimulatedTime(false);
        var counter = new CountingClock(new SimulatedClock(time, DateTime.UnixEpoch));
        var files = new TakeFileServer(card.Card, counter, 1333, 65536, 2, 512);
        files.Turn(new CapturingSender());
        Assert.Equal(0, files.Serve(new CapturingSender()));
        Assert.False(files.ChecksumStep());
        Assert.Equal(0, counter.Reads);
    }

    /// <summary>
    /// The console's whole-file fetch (its collector's rules: 32 KB requests, 6 outstanding,
    /// deadlines at 90 KB/s) on a device-speed card. With the old fixed 2 × 1,372 bytes per turn
    /// (9.1 ms of card reads per 5.33 ms block) the loop fell behind, ran the playback pipeline dry
    /// and calibrated again; time-boxed, it keeps up, every byte arrives as it is on the card, and
    /// the fetch never goes as long without a new byte as the console's stall timeout (4 s).
    /// </summary>
    [Fact]
    public void FetchingAWholeFileOnADeviceSpeedCardDoesNotFallBehindTheAudio()
    {
        using var h = new BoxHarness(o => o.CardReadBytesPerSecond = DeviceCardReadBytesPerSecond);
        h.JoinAndCalibrate();
        h.Record(51, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        h.RunUntil(c => c.Recorder.FramesSoFar > 2 * 48000, 100000);
        h.Stop(51);
        Assert.True(h.RunUntil(c => c.State == BoxState.Collecting, 100), h.Log());
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 10000), h.Log());
        var wav = WavFile.Read(Path.Combine(h.CardFolder, "takes", "take-000051.wav"));

        int underrunsBefore = h.Controller.PipelineUnderruns;
        int overrunsBefore = h.Controller.CaptureOverruns;
        long audioUnderrunsBefore = h.Board.Audio!.Underruns;
        var files = h.Controller.Files;
        long turnsBefore = files.ServeTurns;
        var fetch = new ConsoleLikeFetch(h, 51, wav.Data.Length);
        long startedAt = h.Board.Time.NowMicroseconds;
        for (int i = 0; i < 20000 && !fetch.Complete; i++)
        {
            h.Step();
            fetch.Tick();
        }

        double seconds = (h.Board.Time.NowMicroseconds - startedAt) / 1e6;
        output.WriteLine($"{wav.Data.Length} bytes fetched over {files.ServeTurns - turnsBefore} turns in {seconds:F2} s of audio clock " +
            $"({wav.Data.Length / seconds / 1000:F0} KB/s); at most {files.ServeMaxChunksPerTurn} chunk(s) of {files.ChunkBytes} bytes and {files.ServeMaxMicrosPerTurn} µs per turn " +
            $"(budget {files.ChecksumBudgetMicros} µs, card 300 KB/s)");
        output.WriteLine($"the console's rules: {fetch.Requests} requests, {fetch.Expired} passed their deadline (250 ms + queued bytes at 90 KB/s, RTT 0) and were asked again; " +
            $"the box sent {files.BytesServed} bytes for {wav.Data.Length} ({100.0 * files.BytesServed / wav.Data.Length:F0} %), dropped {files.BadRequests} requests (queue of " +
            $"{TakeFileServer.MaxQueuedRequests} full), {files.DuplicateRequests} asked only for what was still queued; longest wait for a new byte {fetch.LongestWaitMicros / 1000} ms (stall timeout 4000 ms)");
        Assert.True(fetch.Complete, $"{fetch.Received} of {wav.Data.Length} bytes arrived; " + h.Log());
        Assert.Equal(wav.Data, fetch.Data);
        Assert.Equal(underrunsBefore, h.Controller.PipelineUnderruns);
        Assert.Equal(overrunsBefore, h.Controller.CaptureOverruns);
        Assert.Equal(audioUnderrunsBefore, h.Board.Audio!.Underruns);
        Assert.DoesNotContain(h.Transitions, t => t.Cause == BoxEvent.PipelineStall);
        Assert.InRange(fetch.LongestWaitMicros, 0, 4_000_000);
        Assert.Equal(wav.Data.Length, files.BytesServed); // what the console asked again while it was still queued was not sent twice
        Assert.Equal(0, files.BadRequests);
    }

    /// <summary>
    /// The console's side of a whole-file fetch (host-tools/Octomix.Console TrackCollector, its
    /// default CollectionOptions) in the box's simulated time: the missing ranges cut into requests
    /// of 32 KB, at most six outstanding; a request is finished when its last byte arrived or at its
    /// deadline (250 ms + 2 RTT + the bytes queued before and with it at 90 KB/s; the RTT taken as
    /// 0 here), and what is still missing then is asked for again.
    /// </summary>
    private sealed class ConsoleLikeFetch
    {
        private const int RequestBytes = 32 * 1024;
        private const int Window = 6;
        private const long AssumedBytesPerSecond = 90_000;
        private readonly BoxHarness h;
        private readonly uint take;
        private readonly bool[] arrived;
        private readonly List<(long Start, long End, long Deadline)> outstanding = new();
        private readonly FileDataMessage message = new();
        private long lastNewByteAt;
        private int firstMissing;

        public ConsoleLikeFetch(BoxHarness harness, uint takeId, int dataBytes)
        {
            h = harness;
            take = takeId;
            Data = new byte[dataBytes];
            arrived = new bool[dataBytes];
            h.Server.OnDatagram = OnDatagram;
            lastNewByteAt = h.Board.Time.NowMicroseconds;
            Tick();
        }

        public byte[] Data { get; }

        public long Received { get; private set; }

        public int Requests { get; private set; }

        public int Expired { get; private set; }

        public long LongestWaitMicros { get; private set; }

        public bool Complete => Received == Data.Length;

        /// <summary>The collector's loop: retire finished and overdue requests, fill the window.</summary>
        public void Tick()
        {
            long now = h.Board.Time.NowMicroseconds;
            LongestWaitMicros = Math.Max(LongestWaitMicros, now - lastNewByteAt);
            for (int k = outstanding.Count - 1; k >= 0; k--)
            {
                var o = outstanding[k];
                if (arrived[o.End - 1])
                {
                    outstanding.RemoveAt(k);
                }
                else if (now >= o.Deadline)
                {
                    Expired++;
                    outstanding.RemoveAt(k);
                }
            }

            if (outstanding.Count >= Window || Complete)
            {
                return;
            }

            while (firstMissing < Data.Length && arrived[firstMissing])
            {
                firstMissing++;
            }

            int at = firstMissing;
            while (at < Data.Length && outstanding.Count < Window)
            {
                if (arrived[at])
                {
                    at++;
                    continue;
                }

                int rangeEnd = at;
                while (rangeEnd < Data.Length && !arrived[rangeEnd] && rangeEnd - at < RequestBytes)
                {
                    rangeEnd++;
                }

                long start = at;
                long end = rangeEnd;
                at = rangeEnd;
                if (outstanding.Any(o => o.Start < end && start < o.End))
                {
                    continue; // asked for already and not due yet
                }

                long queued = outstanding.Sum(o => o.End - o.Start) + (end - start);
                long deadline = now + 250_000 + (queued * 1_000_000 / AssumedBytesPerSecond);
                h.Server.SendAsEngineer(new FileRequestMessage { TakeId = take, Part = 0, Offset = (uint)start, RequestLength = (int)(end - start) });
                outstanding.Add((start, end, deadline));
                Requests++;
            }
        }

        private void OnDatagram(MessageType type, byte[] datagram)
        {
            if (type != MessageType.FileData)
            {
                return;
            }

            Assert.Equal(DecodeResult.Ok, message.Read(datagram, 0, datagram.Length));
            Assert.Equal(take, message.TakeId);
            Assert.InRange(message.DataLength, 1, h.Controller.Files.ChunkBytes);
            for (int i = 0; i < message.DataLength; i++)
            {
                long at = message.Offset + i;
                if (!arrived[at])
                {
                    arrived[at] = true;
                    Received++;
                    lastNewByteAt = h.Board.Time.NowMicroseconds;
                }

                Data[at] = datagram[FileDataMessage.HeaderLength + i];
            }
        }
    }
    private static FileRequestMessage Ask(uint take, long offset, int length) =>
        new() { TakeId = take, Part = 0, Offset = (uint)offset, RequestLength = length };

    /// <summary>A simulated card holding one take (300 blocks of 16-bit stereo) whose checksum is done.</summary>
    private sealed class CardWithATake : IDisposable
    {
        private readonly string folder = Path.Combine(Path.GetTempPath(), "octomix-serve-" + Guid.NewGuid().ToString("N"));
        private readonly uint take;
        private readonly string path;

        public CardWithATake(uint takeId)
        {
            take = takeId;
            Time = new SimulatedTime(false);
            Card = new SimulatedCard(folder, Time);
            Assert.True(Card.Mount());
            path = ChecksumBudgetTests.WriteTake(Card, take, blocks: 300);
        }

        public SimulatedTime Time { get; }

        public SimulatedCard Card { get; }

        /// <summary>A file server that knows the take, its checksum computed with free reads.</summary>
        public TakeFileServer Server(int budget, int chunksPerTurn, int chunkBytes)
        {
            var files = new TakeFileServer(Card, new SimulatedClock(Time, DateTime.UnixEpoch), budget, 65536, chunksPerTurn, chunkBytes);
            files.SetIdentity(0xC0FFEE01, 3);
            files.TakeClosed(take, path, 1, 0, 805);
            while (files.ChecksumPending)
            {
                files.ChecksumStep();
            }

            return files;
        }

        /// <summary>The datagrams are FileData chunks of at most <paramref name="chunkBytes"/>, in order, covering the range with the card's bytes.</summary>
        public void AssertServed(CapturingSender socket, uint takeId, int offset, int length, int chunkBytes)
        {
            byte[] data = WavFile.Read(Path.Combine(folder, path)).Data;
            var message = new FileDataMessage();
            long at = offset;
            foreach (byte[] d in socket.Sent)
            {
                Assert.Equal(DecodeResult.Ok, message.Read(d, 0, d.Length));
                Assert.Equal(takeId, message.TakeId);
                Assert.Equal(at, message.Offset);
                Assert.InRange(message.DataLength, 1, chunkBytes);
                Assert.Equal(data.AsSpan((int)at, message.DataLength).ToArray(), d.AsSpan(FileDataMessage.HeaderLength, message.DataLength).ToArray());
                at += message.DataLength;
            }

            Assert.Equal(offset + length, at);
        }

        public void Dispose() => Directory.Delete(folder, true);
    }


    private sealed class CountingClock(IClock inner) : IClock
    {
        public int Reads { get; private set; }

        public long Microseconds
        {
            get
            {
                Reads++;
                return inner.Microseconds;
            }
        }

        public DateTime UtcNow => inner.UtcNow;
    }
}
