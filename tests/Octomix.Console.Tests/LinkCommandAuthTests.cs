using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Octomix.Desk.Link;
using Octomix.Protocol;

namespace Octomix.Console.Tests;

/// <summary>
/// The console's link against a hand-made server on loopback: it signs every command with the
/// key of the destination box's announced join (verified here with the box's own
/// <see cref="CommandVerifier"/>), each attempt with the box's next sequence, refuses to command a box it has no key for, and an empty
/// datagram does not deafen it.
/// </summary>
public sealed class LinkCommandAuthTests : IDisposable
{
    private const string Code = "LINK-7";
    private const ulong BoxId = 0x0000A4CF12345678;
    private const uint BoxJoinId = 0x5EED0001;
    private readonly Socket _server = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _rx = new byte[2048];
    private EndPoint _console = new IPEndPoint(IPAddress.Any, 0);

    public LinkCommandAuthTests()
    {
        _server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _server.ReceiveTimeout = 5000;
    }

    public void Dispose() => _server.Dispose();

    private sealed class Receiver : ILinkReceiver
    {
        public ConcurrentQueue<JoinMessage> Members { get; } = new();

        public void OnStatus(StatusMessage status, long arrivalMicros)
        {
        }

        public void OnAudio(AudioPacket packet, byte[] datagram, long arrivalMicros)
        {
        }

        public void OnFileData(FileDataMessage data, byte[] datagram)
        {
        }

        public void OnNotice(NoticeMessage notice)
        {
        }

        public void OnMemberJoined(JoinMessage join) => Members.Enqueue(new JoinMessage { MessageId = join.MessageId, BoxId = join.BoxId, SourceSlot = join.SourceSlot });

        public void OnMemberLeft(int slot, bool freedByServer)
        {
        }

        public void OnTick(long nowMicros)
        {
        }
    }

    /// <summary>The next datagram of <paramref name="type"/> from the console (heartbeats skipped).</summary>
    private byte[] Next(MessageType type)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < until)
        {
            int n = _server.ReceiveFrom(_rx, ref _console);
            if (Message.Peek(_rx, 0, n, out var t) == DecodeResult.Ok && t == type)
            {
                return _rx[..n];
            }
        }

        throw new TimeoutException("no " + type + " from the console");
    }

    private void Send(Message m)
    {
        var b = new byte[ProtocolConstants.MaxDatagram];
        _server.SendTo(b, 0, m.Write(b, 0), SocketFlags.None, _console);
    }

    private async Task<(EngineerLink Link, Receiver Receiver)> JoinedLink()
    {
        var link = new EngineerLink(new LinkOptions { Host = "127.0.0.1", Port = ((IPEndPoint)_server.LocalEndPoint!).Port, JoinCode = Code }, NullLogger.Instance);
        var receiver = new Receiver();
        link.Start(receiver);
        var joinBytes = Next(MessageType.Join);
        var join = new JoinMessage();
        Assert.Equal(DecodeResult.Ok, join.Read(joinBytes, 0, joinBytes.Length));
        Send(new AcceptMessage { MessageId = join.MessageId, AssignedSlot = 16, HeartbeatMilliseconds = 250, SessionToken = 0xABCD, SlotTimeoutMilliseconds = 1000, MaxJammers = 7, SampleRate = 48000, SourceSlot = Slot.Server, DestinationSlot = 16 });
        await link.WaitJoinedAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        return (link, receiver);
    }

    private void AnnounceBox(byte slot)
    {
        // as the server forwards a box's Join to the engineers: token 0, source = its slot, destination FD
        Send(new JoinMessage
        {
            MessageId = BoxJoinId, Role = JoinRole.Jammer, Capabilities = JoinCapabilities.Records, BoxId = BoxId, SampleRate = 48000, Channels = 2,
            Format = (byte)SampleFormat.S16, FramesPerPacket = 256, JoinCode = Code, Name = "Bass", Token = 0, SourceSlot = slot, DestinationSlot = Slot.Engineers,
        });
    }

    [Fact]
    public async Task CommandsAreSignedWithTheKeyOfTheBoxsAnnouncedJoin()
    {
        var (link, _) = await JoinedLink();
        using var owned = link;

        // no announcement yet for slot 2: nothing can be signed, so nothing is sent
        Assert.Null(await link.SendCommandAsync(new TakeControlMessage(MessageType.Stop) { TakeId = 5 }, 2));
        Assert.False(link.Send(new FileRequestMessage { TakeId = 5, RequestLength = 100 }, 2));
        Assert.Equal(2, link.UnsignedCommands);

        AnnounceBox(2);
        Assert.True(await Wait.UntilAsync(() => link.HasCommandKey(2), TimeSpan.FromSeconds(5)));
        var box = new CommandVerifier();
        box.SetJoin(Code, BoxId, BoxJoinId);

        var answer = link.SendCommandAsync(new TakeControlMessage(MessageType.Stop) { TakeId = 5 }, 2);
        var stopBytes = Next(MessageType.Stop);
        Assert.Equal(24 + CommandAuth.TrailerLength, stopBytes.Length);
        Message.WriteToken(stopBytes, 0, 0); // the server blanks the token; the MAC does not cover it
        Assert.Equal(CommandCheck.Fresh, box.Verify(stopBytes, 0, stopBytes.Length));
        var stop = new TakeControlMessage(MessageType.Stop);
        Assert.Equal(DecodeResult.Ok, stop.Read(stopBytes, 0, stopBytes.Length - CommandAuth.TrailerLength));
        Assert.Equal(5u, stop.TakeId);
        Assert.Equal(2, stop.DestinationSlot);

        // the reliable retry is the same message signed again with a new sequence: fresh for the box
        // (whose duplicate filter answers it without doing the work twice), never out of its window
        var retry = Next(MessageType.Stop);
        Message.WriteToken(retry, 0, 0);
        Assert.Equal(stopBytes[..24], retry[..24]);
        Assert.True(CommandAuth.ReadSequence(retry, 0, retry.Length) > CommandAuth.ReadSequence(stopBytes, 0, stopBytes.Length));
        Assert.Equal(CommandCheck.Fresh, box.Verify(retry, 0, retry.Length));
        Assert.Equal(CommandCheck.Replayed, box.Verify(stopBytes, 0, stopBytes.Length)); // the first attempt, replayed
        Send(new AckMessage { AckedId = stop.MessageId, Result = AckResult.Ok, SourceSlot = 2, DestinationSlot = 16 });
        Assert.True((await answer)!.Value.Ok);

        // unreliable commands are signed too, each with a new, higher sequence
        var nack = new NackMessage();
        nack.AddRange(10, 2);
        Assert.True(link.Send(nack, 2));
        Assert.True(link.Send(new FileRequestMessage { TakeId = 5, RequestLength = 100 }, 2));
        var nackBytes = Next(MessageType.Nack);
        var requestBytes = Next(MessageType.FileRequest);
        Assert.Equal(CommandCheck.Fresh, box.Verify(nackBytes, 0, nackBytes.Length));
        Assert.Equal(CommandCheck.Fresh, box.Verify(requestBytes, 0, requestBytes.Length));
        // one counter per box, +1 per datagram: no gaps for the box's 64-wide window to span
        Assert.Equal(CommandAuth.ReadSequence(nackBytes, 0, nackBytes.Length) + 1, CommandAuth.ReadSequence(requestBytes, 0, requestBytes.Length));
        Assert.True(CommandAuth.ReadSequence(nackBytes, 0, nackBytes.Length) > CommandAuth.ReadSequence(stopBytes, 0, stopBytes.Length));

        // signed for this box's join only: another join id (a rejoin) gives another key
        var rejoined = new CommandVerifier();
        rejoined.SetJoin(Code, BoxId, BoxJoinId + 1);
        Assert.Equal(CommandCheck.Forged, rejoined.Verify(requestBytes, 0, requestBytes.Length));
    }

    [Fact]
    public async Task AnEmptyDatagramDoesNotDeafenTheConsole()
    {
        var (link, receiver) = await JoinedLink();
        using var owned = link;
        for (int i = 0; i < 3; i++)
        {
            _server.SendTo([], 0, 0, SocketFlags.None, _console);
        }

        AnnounceBox(4);
        Assert.True(await Wait.UntilAsync(() => receiver.Members.Any(m => m.SourceSlot == 4), TimeSpan.FromSeconds(5)), "the announcement after the empty datagrams never arrived");
        Assert.True(link.HasCommandKey(4));
        Assert.True(link.BadDatagrams >= 3);
    }
}
