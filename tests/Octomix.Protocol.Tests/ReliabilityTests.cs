namespace Octomix.Protocol.Tests;

public class ReliabilityTests
{
    private sealed class RecordingSender : IDatagramSender
    {
        public List<byte[]> Sent { get; } = [];

        public bool Send(byte[] buffer, int offset, int count)
        {
            Sent.Add(buffer.AsSpan(offset, count).ToArray());
            return true;
        }
    }

    private static byte[] Record(uint id, byte destination)
    {
        var m = new RecordMessage { MessageId = id, TakeId = 1, SourceSlot = 16, DestinationSlot = destination };
        var b = new byte[200];
        return b[..m.Write(b, 0)];
    }

    [Fact]
    public void RetriesUntilAcknowledgedThenStops()
    {
        var net = new RecordingSender();
        var sender = new ReliableSender(4, retryIntervalMicroseconds: 100_000, maxAttempts: 5, firstMessageId: 10);
        var datagram = Record(sender.NextMessageId(), 2);
        Assert.True(sender.Send(datagram, 0, datagram.Length, net, 0));
        Assert.Single(net.Sent);

        sender.Poll(50_000, net);
        Assert.Single(net.Sent);          // not due yet
        sender.Poll(100_000, net);
        Assert.Equal(2, net.Sent.Count);  // first retry, same bytes (same message id)
        Assert.Equal(datagram, net.Sent[1]);

        Assert.False(sender.Acknowledge(10, fromSlot: 3)); // wrong source
        Assert.True(sender.Acknowledge(10, fromSlot: 2));
        sender.Poll(1_000_000, net);
        Assert.Equal(2, net.Sent.Count);
        Assert.Equal(0, sender.Outstanding);
        Assert.Equal(1, sender.Retries);
    }

    [Fact]
    public void ARetriedRecordKeepsItsStartInstantAndNothingElseChanges()
    {
        var net = new RecordingSender();
        var sender = new ReliableSender(4, retryIntervalMicroseconds: 150_000, maxAttempts: 4, firstMessageId: 7);
        var m = new RecordMessage { MessageId = sender.NextMessageId(), TakeId = 9, SourceSlot = 16, DestinationSlot = 2, StartDelayMilliseconds = 400 };
        var b = new byte[200];
        var datagram = b[..m.Write(b, 0)];
        Assert.True(sender.Send(datagram, 0, datagram.Length, net, 1_000_000));
        sender.Poll(1_150_000, net);
        sender.Poll(1_300_400, net); // 300.4 ms after the first attempt: 99 ms left, rounded towards the start
        sender.Poll(1_450_400, net);
        Assert.Equal(4, net.Sent.Count);
        Assert.Equal([400, 250, 99, 0], net.Sent.Select(d => WireFormat.ReadU16(d, 30)).ToArray());
        foreach (var retry in net.Sent.Skip(1))
        {
            Assert.Equal(datagram.Length, retry.Length);
            Assert.Equal(datagram[..30], retry[..30]);   // same message id, take, tempo...
            Assert.Equal(datagram[32..], retry[32..]);   // same origin, names
        }
    }

    [Fact]
    public void APlaybackStartRetryIsShortenedAndAStopRetryIsTheSameBytes()
    {
        var net = new RecordingSender();
        var sender = new ReliableSender(4, 200_000, 3, 1);
        var b = new byte[64];
        var start = b[..new TakeControlMessage(MessageType.PlaybackStart) { MessageId = sender.NextMessageId(), TakeId = 3, DestinationSlot = 1, StartDelayMilliseconds = 300 }.Write(b, 0)];
        var stop = b[..new TakeControlMessage(MessageType.Stop) { MessageId = sender.NextMessageId(), TakeId = 3, DestinationSlot = 1 }.Write(b, 0)];
        sender.Send(start, 0, start.Length, net, 0);
        sender.Send(stop, 0, stop.Length, net, 0);
        sender.Poll(200_000, net);
        Assert.Equal(4, net.Sent.Count);
        Assert.Equal(100, WireFormat.ReadU16(net.Sent[2], 20));
        Assert.Equal(stop, net.Sent[3]);
        Assert.Equal(0, ReliableSender.StartDelayOffset((byte)MessageType.Stop));
    }

    [Fact]
    public void GivesUpAfterMaxAttemptsAndReportsIt()
    {
        var net = new RecordingSender();
        var sender = new ReliableSender(4, 100, 3, 1);
        var d = Record(sender.NextMessageId(), 5);
        sender.Send(d, 0, d.Length, net, 0);
        for (long t = 100; t <= 1000; t += 100)
        {
            sender.Poll(t, net);
        }

        Assert.Equal(3, net.Sent.Count);
        Assert.True(sender.TryTakeFailure(out var id, out var type, out var destination));
        Assert.Equal(1u, id);
        Assert.Equal(MessageType.Record, type);
        Assert.Equal(5, destination);
        Assert.False(sender.TryTakeFailure(out _, out _, out _));
    }

    [Fact]
    public void RefusesWhenFull()
    {
        var net = new RecordingSender();
        var sender = new ReliableSender(2, 100, 3, 1);
        for (int i = 0; i < 2; i++)
        {
            var d = Record(sender.NextMessageId(), 1);
            Assert.True(sender.Send(d, 0, d.Length, net, 0));
        }

        var extra = Record(sender.NextMessageId(), 1);
        Assert.False(sender.Send(extra, 0, extra.Length, net, 0));
        Assert.Equal(2, net.Sent.Count);
    }

    [Fact]
    public void MessageIdsSkipZero()
    {
        var sender = new ReliableSender(1, 1, 1, uint.MaxValue);
        Assert.Equal(uint.MaxValue, sender.NextMessageId());
        Assert.Equal(1u, sender.NextMessageId());
    }

    [Fact]
    public void DuplicatesAreAnsweredWithTheSameResponseAndNotHandledTwice()
    {
        var filter = new DuplicateFilter(historyPerSource: 4, maxResponseBytes: 64);
        var ack = new byte[24];
        new AckMessage { AckedId = 7, Result = AckResult.NotReady }.Write(ack, 0);

        Assert.False(filter.IsDuplicate(16, 0xAAAA, 7, out _));
        filter.Remember(16, 0xAAAA, 7, ack, 0, ack.Length);
        Assert.True(filter.IsDuplicate(16, 0xAAAA, 7, out int entry));
        Assert.Equal(ack, filter.ResponseBuffer(entry)[..filter.ResponseLength(entry)]);

        // another source with the same id is not a duplicate
        Assert.False(filter.IsDuplicate(17, 0xAAAA, 7, out _));

        // the same slot with a new token (re-joined console) starts afresh
        Assert.False(filter.IsDuplicate(16, 0xBBBB, 7, out _));
        Assert.False(filter.IsDuplicate(16, 0xBBBB, 7, out _));
    }

    [Fact]
    public void DuplicateHistoryIsBounded()
    {
        var filter = new DuplicateFilter(2, 0);
        filter.Remember(1, 9, 100, null!, 0, 0);
        filter.Remember(1, 9, 101, null!, 0, 0);
        filter.Remember(1, 9, 102, null!, 0, 0);
        Assert.False(filter.IsDuplicate(1, 9, 100, out _)); // forgotten
        Assert.True(filter.IsDuplicate(1, 9, 101, out _));
        Assert.True(filter.IsDuplicate(1, 9, 102, out _));
        Assert.False(filter.IsDuplicate(0xFD, 9, 102, out _)); // not a source slot: never a duplicate
    }
}
