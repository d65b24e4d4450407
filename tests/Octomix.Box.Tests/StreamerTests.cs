using Octomix.Box;
using Octomix.Hal;
using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Box.Tests;

public class StreamerTests
{
    private sealed class Capture : IDatagramSender
    {
        public List<byte[]> Sent { get; } = new();

        public bool Send(byte[] buffer, int offset, int count)
        {
            Sent.Add(buffer.AsSpan(offset, count).ToArray());
            return true;
        }
    }

    private static byte[] Block(int frames, int frameBytes, int seed)
    {
        var b = new byte[frames * frameBytes];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = (byte)((i * 31) + seed);
        }

        return b;
    }

    [Fact]
    public void A16BitStereoBlockIsOnePacketWithHeaderTimecodeAndPayload()
    {
        var format = new PcmFormat(48000, 2, 2);
        var s = new AudioStreamer(format, 256, 2, 1000);
        Assert.Equal(1, s.PacketsPerBlock);
        Assert.Equal(256, s.FramesPerPacket);
        var sink = new Capture();
        s.Begin(9, Slot.Engineers, 0xABCD, 4);
        var block = Block(256, 4, 1);
        s.SendBlock(block, 0, -96000, sink);
        s.SendBlock(Block(256, 4, 2), 0, -96000 + 256, sink);
        Assert.Equal(2, sink.Sent.Count);
        var p = new AudioPacket();
        Assert.Equal(DecodeResult.Ok, p.Read(sink.Sent[0], 0, sink.Sent[0].Length));
        Assert.Equal(1000u, p.Sequence);
        Assert.Equal(9u, p.TakeId);
        Assert.Equal(-96000, p.Timecode);
        Assert.Equal(256, p.FrameCount);
        Assert.Equal(2, p.Channels);
        Assert.Equal((byte)SampleFormat.S16, p.Format);
        Assert.Equal(0xABCDu, p.Token);
        Assert.Equal(4, p.SourceSlot);
        Assert.Equal(Slot.Engineers, p.DestinationSlot);
        Assert.Equal(0, p.Flags);
        Assert.Equal(block, sink.Sent[0][AudioPacket.HeaderLength..]);
        Assert.Equal(DecodeResult.Ok, p.Read(sink.Sent[1], 0, sink.Sent[1].Length));
        Assert.Equal(1001u, p.Sequence);
        Assert.Equal(-96000 + 256, p.Timecode);
    }

    [Fact]
    public void A24BitStereoBlockIsTwoPacketsOf128Frames()
    {
        var format = new PcmFormat(48000, 2, 3);
        var s = new AudioStreamer(format, 256, 1, 0);
        Assert.Equal(2, s.PacketsPerBlock);
        Assert.Equal(128, s.FramesPerPacket);
        var sink = new Capture();
        s.Begin(0, Slot.Everyone, 1, 0);
        var block = Block(256, 6, 3);
        s.SendBlock(block, 0, 5000, sink);
        Assert.Equal(2, sink.Sent.Count);
        Assert.All(sink.Sent, d => Assert.Equal(AudioPacket.HeaderLength + (128 * 6), d.Length));
        Assert.Equal(5000, AudioPacket.ReadTimecode(sink.Sent[0], 0));
        Assert.Equal(5128, AudioPacket.ReadTimecode(sink.Sent[1], 0));
        Assert.Equal(block, sink.Sent[0][32..].Concat(sink.Sent[1][32..]).ToArray());
    }

    [Fact]
    public void NothingIsSentWhenNotStreaming()
    {
        var s = new AudioStreamer(new PcmFormat(48000, 2, 2), 256, 1, 0);
        var sink = new Capture();
        s.SendBlock(Block(256, 4, 0), 0, 0, sink);
        s.Begin(1, Slot.Engineers, 1, 1);
        s.End();
        s.SendBlock(Block(256, 4, 0), 0, 0, sink);
        Assert.Empty(sink.Sent);
    }

    [Fact]
    public void ANackIsAnsweredFromTheRingWithTheSameBytesAndTheRetransmissionFlag()
    {
        var s = new AudioStreamer(new PcmFormat(48000, 2, 2), 256, 1, 10);
        var sink = new Capture();
        s.Begin(2, Slot.Engineers, 7, 1);
        for (int i = 0; i < 50; i++)
        {
            s.SendBlock(Block(256, 4, i), 0, i * 256L, sink);
        }

        var originals = sink.Sent.ToList();
        sink.Sent.Clear();
        var nack = new NackMessage();
        nack.AddRange(20, 3);
        nack.AddRange(40, 1);
        s.OnNack(nack);
        Assert.Equal(4, s.PendingRetransmissions);
        Assert.Equal(2, s.ServeNacks(sink, 2)); // paced: at most 2 per call
        Assert.Equal(2, s.ServeNacks(sink, 2));
        Assert.Equal(0, s.ServeNacks(sink, 2));
        Assert.Equal(4, sink.Sent.Count);
        uint[] expected = [20, 21, 22, 40];
        for (int i = 0; i < 4; i++)
        {
            var again = sink.Sent[i];
            var original = originals[(int)(expected[i] - 10)];
            Assert.Equal(expected[i], AudioPacket.ReadSequence(again, 0));
            Assert.Equal(AudioFlags.Retransmission, again[10]);
            Assert.Equal(0, original[10]);
            again[10] = 0;
            Assert.Equal(original, again);
        }

        // the ring slot itself is unchanged (flag cleared again)
        var slot = s.SlotFor(20, out int length)!;
        Assert.Equal(0, slot[10]);
        Assert.Equal(originals[10], slot[..length]);
        Assert.Equal(4, s.Retransmitted);
        Assert.Equal(0, s.NackMisses);
    }

    [Fact]
    public void PacketsThatLeftTheRingOrWereNeverSentAreMisses()
    {
        var s = new AudioStreamer(new PcmFormat(48000, 2, 2), 256, 1, 0);
        int slots = s.SlotCount; // one second of packets
        Assert.Equal(188, slots);
        var sink = new Capture();
        s.Begin(2, Slot.Engineers, 7, 1);
        for (int i = 0; i < slots + 100; i++)
        {
            s.SendBlock(Block(256, 4, i), 0, i * 256L, sink);
        }

        sink.Sent.Clear();
        var nack = new NackMessage();
        nack.AddRange(50, 60);          // 50..99 overwritten, 100..109 still there
        nack.AddRange((uint)(slots + 95), 20); // 5 sent, 15 in the future
        s.OnNack(nack);
        while (s.ServeNacks(sink, 8) > 0)
        {
        }

        Assert.Equal(15, sink.Sent.Count);
        Assert.Equal(50 + 15, s.NackMisses);
        Assert.Equal(100u, AudioPacket.ReadSequence(sink.Sent[0], 0));
        Assert.Null(s.SlotFor(99, out _));
    }

    [Fact]
    public void ANackFloodIsBoundedAndServingAllocatesNothing()
    {
        var s = new AudioStreamer(new PcmFormat(48000, 2, 2), 256, 2, 0);
        var sink = new NullSender();
        s.Begin(2, Slot.Engineers, 7, 1);
        var block = Block(256, 4, 0);
        for (int i = 0; i < 400; i++)
        {
            s.SendBlock(block, 0, i * 256L, sink);
        }

        var nack = new NackMessage();
        for (int r = 0; r < NackMessage.MaxRanges; r++)
        {
            nack.AddRange((uint)(r * 10), 0xFFFF);
        }

        long before = AllocationWindow.Start();
        for (int k = 0; k < 3; k++)
        {
            s.OnNack(nack);
        }

        int served = 0;
        int calls = 0;
        while (s.PendingRetransmissions > 0)
        {
            served += s.ServeNacks(sink, 4);
            calls++;
            s.SendBlock(block, 0, 0, sink);
        }

        Assert.Equal(0, AllocationWindow.BytesSince(before));
        Assert.True(served <= calls * 4);
        Assert.True(s.PendingRetransmissions == 0);
        Assert.True(calls < 100000);
    }

    private sealed class NullSender : IDatagramSender
    {
        public bool Send(byte[] buffer, int offset, int count) => true;
    }
}
